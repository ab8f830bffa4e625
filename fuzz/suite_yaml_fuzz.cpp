// Suite YAML (suites/*.yaml): suite_parse either returns a suite it checked or throws an Error
// naming the file, with and without --allow-absolute-paths. The suite's folder does not exist,
// so no gguf: path resolves to a file and nothing is read.
#include <algorithm>
#include <set>

#include "clinbench/suite.h"
#include "fuzz_support.h"

namespace {

void parse_and_check(std::string_view text, bool allow_absolute_paths) {
  using namespace clinbench;
  const char* target = "suite_yaml";
  const std::filesystem::path source = "/nonexistent-clinbench-fuzz/suites/suite.yaml";
  Suite suite;
  try {
    suite = suite_parse(text, source, allow_absolute_paths);
  } catch (const Error& e) {
    fuzz::require_names_source(e, source.string(), target);
    return;
  }
  fuzz::require(!suite.tasks.empty(), target, "a suite has tasks");
  fuzz::require(suite.models.size() >= 2, target, "a suite has two or more models");
  std::set<std::string> names;
  for (const SuiteModel& model : suite.models) {
    fuzz::require(names.insert(model.name).second, target, "model names are unique");
    fuzz::require(model.name.find('/') == std::string::npos && model.name != ".." &&
                      model.name != "." && !model.name.empty(),
                  target, "a model name is a folder name: '" + model.name + "'");
    if (model.spec.rfind("gguf:", 0) == 0) {
      // The suite's folder does not exist: a model file can only be outside it, and there.
      std::error_code error;
      fuzz::require(allow_absolute_paths && std::filesystem::exists(model.spec.substr(5), error), target,
                    "a gguf: model is an existing file the user allowed: " + model.spec);
    } else {
      fuzz::require(model.spec.rfind("openai:", 0) == 0, target, "a model is gguf: or openai: " + model.spec);
    }
  }
  for (const ComparePairEntry& pair : suite.pairs) {
    fuzz::require(names.count(pair.fine_tune) && names.count(pair.base), target,
                  "pairs name the suite's models");
  }
  if (suite.limit) fuzz::require(*suite.limit >= 1, target, "limit is at least 1");
  if (suite.alpha) fuzz::require(*suite.alpha > 0 && *suite.alpha < 1, target, "alpha in (0, 1)");
  if (suite.resamples) fuzz::require(*suite.resamples >= 1, target, "resamples at least 1");
  const std::filesystem::path folder = source.parent_path();
  auto inside = [&folder](const std::filesystem::path& path) {
    auto [end, ignored] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
    return end == folder.end();
  };
  if (!allow_absolute_paths) {
    if (suite.data_dir) {
      fuzz::require(inside(*suite.data_dir), target,
                    "data_dir stays in the suite's folder: " + suite.data_dir->string());
    }
    for (const std::string& task : suite.tasks) {
      bool is_file = task.find('/') != std::string::npos || task.ends_with(".yaml") ||
                     task.ends_with(".yml");
      if (is_file) {
        fuzz::require(inside(task), target, "a task file stays in the suite's folder: " + task);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = clinbench::fuzz::input_text(data, size);
  parse_and_check(text, false);
  parse_and_check(text, true);
  return 0;
}
