// Suites: parsing the YAML, running every model, then comparing and reporting.
#include "cli/suite_runner.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <set>

#include "compare/pairs_file.h"
#include "report/html_report.h"

namespace clinbench::cli {

namespace {

int64_t line_of(const YAML::Node& node) {
  return node.IsDefined() ? int64_t(node.Mark().line) + 1 : 0;
}

class SuiteReader {
 public:
  explicit SuiteReader(std::filesystem::path path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& field,
                         const std::string& message) const {
    throw_input_error(path_, line_of(node), field, message);
  }

  void check_keys(const YAML::Node& map, const std::string& where,
                  const std::set<std::string>& known) const {
    if (!map.IsMap()) fail(map, where, "expected a mapping of keys to values");
    for (const auto& entry : map) {
      std::string key = entry.first.Scalar();
      if (known.count(key)) continue;
      std::string names;
      for (const std::string& name : known) names += (names.empty() ? "" : ", ") + name;
      fail(entry.first, where.empty() ? key : where + "." + key,
           "unknown key (known: " + names + ")");
    }
  }

  std::string text(const YAML::Node& map, const char* key, const std::string& where) const {
    YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return "";
    if (!node.IsScalar()) fail(node, where + key, "expected a string");
    return node.Scalar();
  }

  template <typename Number>
  std::optional<Number> number(const YAML::Node& map, const char* key,
                               const std::string& where) const {
    YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    try {
      return node.as<Number>();
    } catch (const YAML::Exception&) {
      fail(node, where + key,
           "expected a number, got '" +
               (node.IsScalar() ? node.Scalar() : std::string("a list or map")) + "'");
    }
  }

  // ${VAR} → the environment variable's value; an unset variable is an error, not "".
  std::string expand(const std::string& value, const YAML::Node& node,
                     const std::string& field) const {
    std::string out;
    size_t i = 0;
    while (i < value.size()) {
      size_t start = value.find("${", i);
      if (start == std::string::npos) break;
      size_t end = value.find('}', start);
      if (end == std::string::npos) fail(node, field, "unterminated ${ in '" + value + "'");
      std::string name = value.substr(start + 2, end - start - 2);
      const char* env = std::getenv(name.c_str());
      if (!env || !*env)
        fail(node, field,
             "uses ${" + name + "}, but the environment variable " + name + " is not set");
      out += value.substr(i, start - i) + env;
      i = end + 1;
    }
    return out + value.substr(i);
  }

  std::filesystem::path relative_to_suite(const std::filesystem::path& path) const {
    if (path.is_absolute()) return path;
    return (std::filesystem::absolute(path_).parent_path() / path).lexically_normal();
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

bool name_is_folder_safe(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name == "compare") return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

SuiteModel model_parse(const SuiteReader& reader, const YAML::Node& node, size_t index) {
  const std::string where = "models[" + std::to_string(index) + "]";
  reader.check_keys(node, where, {"name", "model", "model_name", "api_key_env", "description"});
  SuiteModel model;
  model.line = line_of(node);
  model.name = reader.text(node, "name", where + ".");
  model.description = reader.text(node, "description", where + ".");
  model.model_name = reader.text(node, "model_name", where + ".");
  model.api_key_env = reader.text(node, "api_key_env", where + ".");
  if (model.name.empty())
    reader.fail(node, where + ".name", "missing: every model needs a name (its output folder)");
  if (!name_is_folder_safe(model.name)) {
    reader.fail(node["name"], where + ".name",
                "'" + model.name +
                    "' must be a folder name: letters, digits, '.', '_', '+' and '-' only (and not "
                    "'compare')");
  }
  std::string spec = reader.text(node, "model", where + ".");
  const std::string field = where + ".model";
  if (spec.empty()) reader.fail(node, field, "missing: gguf:PATH or openai:URL");
  if (spec.find("FILL_IN") != std::string::npos) {
    std::string what =
        model.description.empty() ? model.name : model.name + " (" + model.description + ")";
    reader.fail(node["model"], field,
                "not filled in: replace FILL_IN with where " + what +
                    " is: gguf:/path/to/model.gguf for a local GGUF file, or "
                    "openai:http://HOST:PORT/v1 with "
                    "model_name: NAME for a model on an inference server");
  }
  spec = reader.expand(spec, node["model"], field);
  if (spec.rfind("gguf:", 0) == 0) {
    std::filesystem::path file = reader.relative_to_suite(spec.substr(5));
    if (!std::filesystem::exists(file))
      reader.fail(node["model"], field, "model file not found: " + file.string());
    spec = "gguf:" + file.string();
  } else if (spec.rfind("openai:", 0) != 0) {
    reader.fail(node["model"], field, "'" + spec + "': expected gguf:PATH or openai:URL");
  } else if (model.model_name.find("FILL_IN") != std::string::npos) {
    reader.fail(node["model_name"], where + ".model_name",
                "not filled in: the server's name for " + model.name);
  }
  model.spec = spec;
  return model;
}

void pairs_check(const SuiteReader& reader, const YAML::Node& list, const Suite& suite) {
  for (size_t i = 0; i < suite.pairs.size(); ++i) {
    const ComparePairEntry& pair = suite.pairs[i];
    for (auto [side, key] :
         {std::pair{pair.fine_tune, "fine_tune"}, std::pair{pair.base, "base"}}) {
      bool known = false;
      for (const SuiteModel& model : suite.models) known = known || model.name == side;
      if (!known) {
        std::string names;
        for (const SuiteModel& model : suite.models)
          names += (names.empty() ? "" : ", ") + model.name;
        reader.fail(list[i], "pairs[" + std::to_string(i) + "]." + key,
                    "'" + side + "' is not one of the suite's models (" + names + ")");
      }
    }
    if (!pair.fine_tune_name.empty() || !pair.base_name.empty()) {
      reader.fail(list[i], "pairs[" + std::to_string(i) + "]",
                  "in a suite the model's name is its display name; rename the model instead");
    }
  }
}

std::string local_timestamp() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", std::localtime(&now));
  return buffer;
}

}  // namespace

Suite suite_parse(std::string_view yaml_text, const std::filesystem::path& path) {
  SuiteReader reader(path);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    throw_input_error(path, int64_t(e.mark.line) + 1, "", "YAML syntax: " + e.msg);
  }
  if (!root.IsMap()) reader.fail(root, "", "a suite is a mapping with tasks, models and pairs");
  reader.check_keys(root, "",
                    {"name", "description", "tasks", "data_dir", "limit", "num_fewshot", "seed",
                     "models", "pairs", "compare"});
  Suite suite;
  suite.path = path;
  suite.name = reader.text(root, "name", "");
  if (suite.name.empty()) suite.name = path.stem().string();
  suite.description = reader.text(root, "description", "");

  YAML::Node tasks = root["tasks"];
  if (!tasks.IsDefined() || tasks.IsNull())
    reader.fail(root, "tasks", "missing: the tasks every model runs");
  if (!tasks.IsSequence() || tasks.size() == 0)
    reader.fail(tasks, "tasks", "expected a non-empty list of task names");
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!tasks[i].IsScalar())
      reader.fail(tasks[i], "tasks[" + std::to_string(i) + "]", "expected a task name");
    std::string task = tasks[i].Scalar();
    bool is_file =
        task.find('/') != std::string::npos || task.ends_with(".yaml") || task.ends_with(".yml");
    suite.tasks.push_back(is_file ? reader.relative_to_suite(task).string() : task);
  }
  if (std::string dir = reader.text(root, "data_dir", ""); !dir.empty()) {
    suite.data_dir = reader.relative_to_suite(reader.expand(dir, root["data_dir"], "data_dir"));
  }
  suite.limit = reader.number<int64_t>(root, "limit", "");
  suite.num_fewshot = reader.number<int32_t>(root, "num_fewshot", "");
  suite.seed = reader.number<uint64_t>(root, "seed", "");
  if (suite.limit && *suite.limit < 1)
    reader.fail(root["limit"], "limit", "must be at least 1 (leave it out for all items)");

  YAML::Node compare = root["compare"];
  if (compare.IsDefined() && !compare.IsNull()) {
    reader.check_keys(compare, "compare", {"resamples", "alpha"});
    suite.resamples = reader.number<int64_t>(compare, "resamples", "compare.");
    suite.alpha = reader.number<double>(compare, "alpha", "compare.");
    if (suite.resamples && *suite.resamples < 1)
      reader.fail(compare["resamples"], "compare.resamples", "must be at least 1");
    if (suite.alpha && (*suite.alpha <= 0 || *suite.alpha >= 1))
      reader.fail(compare["alpha"], "compare.alpha", "must be in (0, 1)");
  }

  YAML::Node models = root["models"];
  if (!models.IsDefined() || models.IsNull())
    reader.fail(root, "models", "missing: the models to evaluate");
  if (!models.IsSequence())
    reader.fail(models, "models", "expected a list of {name, model} entries");
  if (models.size() < 2) reader.fail(models, "models", "a suite compares models: list two or more");
  for (size_t i = 0; i < models.size(); ++i) {
    SuiteModel model = model_parse(reader, models[i], i);
    for (const SuiteModel& earlier : suite.models) {
      if (earlier.name == model.name) {
        reader.fail(models[i]["name"], "models[" + std::to_string(i) + "].name",
                    "'" + model.name + "' is used twice (also on line " +
                        std::to_string(earlier.line) + ")");
      }
    }
    suite.models.push_back(std::move(model));
  }

  YAML::Node pairs = root["pairs"];
  if (pairs.IsDefined() && !pairs.IsNull()) {
    suite.pairs = compare_pairs_from_yaml(pairs, path, "pairs");
    pairs_check(reader, pairs, suite);
  }
  return suite;
}

Suite suite_read(const std::filesystem::path& path) { return suite_parse(read_file(path), path); }

RunSettings suite_run_settings(const Suite& suite, const SuiteModel& model,
                               const RunSettings& defaults) {
  RunSettings settings = defaults;
  settings.model_spec = model.spec;
  settings.tasks = suite.tasks;
  if (suite.data_dir) settings.data_dir = *suite.data_dir;
  if (suite.limit) settings.limit = *suite.limit;
  if (suite.num_fewshot) settings.num_fewshot = *suite.num_fewshot;
  if (suite.seed) settings.seed = *suite.seed;
  settings.output_dir = defaults.output_dir / model.name;
  settings.backend.model_name = model.model_name;
  if (!model.api_key_env.empty()) settings.backend.api_key_env = model.api_key_env;
  return settings;
}

int run_suite(const std::filesystem::path& suite_file, const RunSettings& defaults) {
  Suite suite = suite_read(suite_file);
  std::vector<std::string> failed;
  std::vector<std::filesystem::path> done;
  for (size_t i = 0; i < suite.models.size(); ++i) {
    const SuiteModel& model = suite.models[i];
    std::fprintf(stderr, "\n[suite %s] model %zu of %zu: %s\n", suite.name.c_str(), i + 1,
                 suite.models.size(), model.name.c_str());
    RunSettings settings = suite_run_settings(suite, model, defaults);
    try {
      if (run_pipeline(settings) == 0) {
        done.push_back(settings.output_dir);
      } else {
        failed.push_back(model.name);
      }
    } catch (const Error& e) {
      // One model that cannot load must not cost the others their run.
      std::fprintf(stderr, "error: model '%s': %s\n", model.name.c_str(), e.what());
      failed.push_back(model.name);
    }
  }

  std::vector<ComparePairEntry> entries;
  auto model_done = [&failed](const std::string& name) {
    return std::find(failed.begin(), failed.end(), name) == failed.end();
  };
  for (const ComparePairEntry& pair : suite.pairs) {
    if (model_done(pair.fine_tune) && model_done(pair.base)) {
      entries.push_back(pair);
    } else {
      std::fprintf(stderr, "note: pair %s vs %s left out: a model failed\n", pair.fine_tune.c_str(),
                   pair.base.c_str());
    }
  }
  if (done.size() < 2 || (!suite.pairs.empty() && entries.empty())) {
    std::fprintf(stderr, "error: too few models ran to compare (failed: %zu of %zu)\n",
                 failed.size(), suite.models.size());
    return 1;
  }

  // The suite's model names are the display names, so pairs match them and tables show them.
  CompareInput input;
  for (const std::filesystem::path& dir : done) {
    input.runs.push_back(compare_run_load(dir));
    input.runs.back().name = dir.filename().string();
  }
  input.pairs = entries.empty() ? compare_pairs_default(input.runs.size())
                                : compare_pairs_resolve(entries, suite.path, input.runs);
  CompareOptions options;
  options.seed = suite.seed.value_or(defaults.seed);
  options.resamples = suite.resamples.value_or(defaults.bootstrap_resamples);
  options.alpha = suite.alpha.value_or(options.alpha);
  CompareResult result = compare_runs(input.runs, input.pairs, options);
  std::filesystem::path compare_dir = defaults.output_dir / "compare";
  compare_write(compare_dir, input.runs, result);
  std::printf("\n%s\n", compare_markdown(input.runs, result).c_str());
  std::printf("comparison: %s\n", (compare_dir / "compare.md").c_str());

  std::filesystem::path report_file = defaults.output_dir / "report.html";
  try {
    ReportAssets assets = report_assets_load(report_assets_default_dir());
    ReportOptions report;
    report.title = suite.name + ": model comparison";
    report.generated_at = local_timestamp();
    write_file_atomic(report_file, report_html(input.runs, result, assets, report));
    std::printf("report: %s\n", report_file.c_str());
  } catch (const Error& e) {
    // The comparison stands without the HTML; say how to get it.
    std::fprintf(stderr, "note: no HTML report: %s\n", e.what());
  }
  if (!failed.empty()) {
    std::string names;
    for (const std::string& name : failed) names += (names.empty() ? "" : ", ") + name;
    std::fprintf(stderr, "error: %zu model(s) failed: %s\n", failed.size(), names.c_str());
    return 1;
  }
  return 0;
}

}  // namespace clinbench::cli
