// Suite files: YAML to a checked Suite, before any model runs.
#include "clinbench/suite.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <set>

#include "clinbench/backends.h"
#include "clinbench/tasks.h"
#include "clinbench/yaml_reader.h"
#include "clinbench/pairs_file.h"

namespace clinbench {

namespace {

// Core's line-aware YAML reader, plus what only a suite file has: ${VAR} expansion and paths
// under the suite's folder.
class SuiteReader : public YamlReader {
 public:
  SuiteReader(std::filesystem::path path, bool allow_outside)
      : YamlReader(std::move(path)), allow_outside_(allow_outside) {}

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

  // A path written in the suite, under the suite's folder unless the user allows otherwise.
  std::filesystem::path relative_to_suite(const std::string& written, const YAML::Node& node,
                                          const std::string& field) const {
    return input_path_resolve(std::filesystem::absolute(source()).parent_path(), "the suite's folder",
                              written, allow_outside_, source(), yaml_line(node), field);
  }

 private:
  bool allow_outside_ = false;
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

// A model too large for one GPU names its placement (as run's --gpu-layers, --split-mode,
// --tensor-split, --main-gpu): a 70B model over two cards beside an 8B one on one.
void gpu_placement_read(const SuiteReader& reader, const YAML::Node& node, const std::string& where, SuiteModel& model) {
  model.gpu_layers = reader.number<int32_t>(node, "gpu_layers", where);
  if (model.gpu_layers && *model.gpu_layers < -1) {
    reader.fail(node["gpu_layers"], where + ".gpu_layers", "must be at least 0 (or -1: all)");
  }
  if (std::string mode = reader.text(node, "split_mode", where); !mode.empty()) {
    model.split_mode = split_mode_parse(mode);
    if (!model.split_mode) {
      reader.fail(node["split_mode"], where + ".split_mode", "expected layer, row or none, got '" + mode + "'");
    }
  }
  if (YAML::Node shares = node["tensor_split"]; shares.IsDefined() && !shares.IsNull()) {
    if (!shares.IsSequence()) reader.fail(shares, where + ".tensor_split", "expected a list of shares, e.g. [3, 1]");
    std::vector<float> values;
    for (size_t i = 0; i < shares.size(); ++i) {
      const std::string field = where + ".tensor_split[" + std::to_string(i) + "]";
      try {
        values.push_back(shares[i].as<float>());
      } catch (const YAML::Exception&) {
        reader.fail(shares[i], field, "expected a number");
      }
      if (!(values.back() >= 0)) reader.fail(shares[i], field, "must be 0 or more");
    }
    model.tensor_split = values;
  }
  model.main_gpu = reader.number<int32_t>(node, "main_gpu", where);
  if (model.main_gpu && *model.main_gpu < 0) reader.fail(node["main_gpu"], where + ".main_gpu", "must be 0 or more");
}

SuiteModel model_parse(const SuiteReader& reader, const YAML::Node& node, size_t index) {
  const std::string where = "models[" + std::to_string(index) + "]";
  reader.check_keys(node, where, {"name", "model", "model_name", "api_key_env", "description", "rag", "rag_mode", "rag_k",
                                  "prompt_format", "chat_template", "gpu_layers", "split_mode", "tensor_split",
                                  "main_gpu"});
  SuiteModel model;
  model.line = yaml_line(node);
  model.name = reader.text(node, "name", where);
  model.description = reader.text(node, "description", where);
  model.model_name = reader.text(node, "model_name", where);
  model.api_key_env = reader.text(node, "api_key_env", where);
  if (model.name.empty())
    reader.fail(node, where + ".name", "missing: every model needs a name (its output folder)");
  if (!name_is_folder_safe(model.name)) {
    reader.fail(node["name"], where + ".name",
                "'" + model.name +
                    "' must be a folder name: letters, digits, '.', '_', '+' and '-' only (and not "
                    "'compare')");
  }
  std::string spec = reader.text(node, "model", where);
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
  std::string spec_error;
  std::optional<ModelSpec> parsed = model_spec_try_parse(spec, &spec_error);
  if (!parsed) reader.fail(node["model"], field, spec_error);
  if (backend_scheme_find(parsed->scheme)->target_is_file) {
    std::filesystem::path file = reader.relative_to_suite(parsed->target, node["model"], field);
    // The error_code form: a name the system refuses (longer than NAME_MAX, say) is a finding
    // about this field, not a filesystem_error escaping the parser.
    std::error_code error;
    if (!std::filesystem::exists(file, error)) {
      reader.fail(node["model"], field,
                  "model file not found: " + file.string() + (error ? " (" + error.message() + ")" : ""));
    }
    parsed->target = file.string();
    spec = parsed->format();
  } else if (model.model_name.find("FILL_IN") != std::string::npos) {
    reader.fail(node["model_name"], where + ".model_name",
                "not filled in: the server's name for " + model.name);
  }
  model.spec = spec;
  if (std::string rag = reader.text(node, "rag", where); !rag.empty()) {
    model.rag_index = reader.relative_to_suite(reader.expand(rag, node["rag"], where + ".rag"), node["rag"], where + ".rag");
  }
  model.rag_mode = reader.text(node, "rag_mode", where);
  model.rag_k = reader.number<int32_t>(node, "rag_k", where);
  if ((!model.rag_mode.empty() || model.rag_k) && model.rag_index.empty()) {
    reader.fail(node, where + ".rag", "missing: rag_mode and rag_k need an index folder in rag");
  }
  if (!model.rag_mode.empty() && model.rag_mode != "bm25" && model.rag_mode != "dense" && model.rag_mode != "hybrid") {
    reader.fail(node["rag_mode"], where + ".rag_mode", "expected bm25, dense or hybrid, got '" + model.rag_mode + "'");
  }
  if (model.rag_k && (*model.rag_k < 1 || *model.rag_k > 100)) {
    reader.fail(node["rag_k"], where + ".rag_k", "must be 1 to 100");
  }
  if (std::string format = reader.text(node, "prompt_format", where); !format.empty()) {
    model.prompt_format = chat_format_parse(format);
    if (!model.prompt_format) {
      reader.fail(node["prompt_format"], where + ".prompt_format",
                  "expected instruct, instruct-no-system or base, got '" + format + "'");
    }
  }
  if (std::string value = reader.text(node, "chat_template", where); !value.empty()) {
    const std::string template_field = where + ".chat_template";
    bool known = false;
    study_chat_template(value, known);
    std::filesystem::path file = known ? std::filesystem::path(value)
                                       : reader.relative_to_suite(reader.expand(value, node["chat_template"], template_field),
                                                                  node["chat_template"], template_field);
    try {
      model.chat_template = chat_template_read(value, file);
    } catch (const Error& error) {
      reader.fail(node["chat_template"], template_field, error.what());
    }
    model.chat_template_source = known ? value : file.string();
  }
  gpu_placement_read(reader, node, where, model);
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

}  // namespace

Suite suite_parse(std::string_view yaml_text, const std::filesystem::path& path,
                  bool allow_absolute_paths) {
  SuiteReader reader(path, allow_absolute_paths);
  YAML::Node root = yaml_parse(yaml_text, path);
  if (!root.IsMap()) reader.fail(root, "", "a suite is a mapping with tasks, models and pairs");
  reader.check_keys(root, "",
                    {"name", "description", "tasks", "data_dir", "limit", "num_fewshot", "seed",
                     "models", "pairs", "compare", "bertscore_models"});
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
    suite.tasks.push_back(
        is_file ? reader.relative_to_suite(task, tasks[i], "tasks[" + std::to_string(i) + "]").string()
                : task);
  }
  if (std::string dir = reader.text(root, "data_dir", ""); !dir.empty()) {
    suite.data_dir = reader.relative_to_suite(reader.expand(dir, root["data_dir"], "data_dir"),
                                              root["data_dir"], "data_dir");
  }
  suite.limit = reader.number<int64_t>(root, "limit", "");
  suite.num_fewshot = reader.number<int32_t>(root, "num_fewshot", "");
  suite.seed = reader.number<uint64_t>(root, "seed", "");
  if (suite.num_fewshot && *suite.num_fewshot < 0)
    reader.fail(root["num_fewshot"], "num_fewshot", "must be at least 0 (leave it out for the task's own)");
  if (suite.limit && *suite.limit < 1)
    reader.fail(root["limit"], "limit", "must be at least 1 (leave it out for all items)");

  YAML::Node compare = root["compare"];
  if (compare.IsDefined() && !compare.IsNull()) {
    reader.check_keys(compare, "compare", {"resamples", "alpha", "margins", "target_difference", "factorial"});
    suite.resamples = reader.number<int64_t>(compare, "resamples", "compare");
    suite.alpha = reader.number<double>(compare, "alpha", "compare");
    if (suite.resamples && *suite.resamples < 1)
      reader.fail(compare["resamples"], "compare.resamples", "must be at least 1");
    if (suite.alpha && (*suite.alpha <= 0 || *suite.alpha >= 1))
      reader.fail(compare["alpha"], "compare.alpha", "must be in (0, 1)");
    suite.target_difference = reader.number<double>(compare, "target_difference", "compare");
    if (suite.target_difference && (*suite.target_difference <= 0 || *suite.target_difference >= 1))
      reader.fail(compare["target_difference"], "compare.target_difference", "must be in (0, 1)");
    // factorial: [BASE, BASE_RAG, FINE_TUNE, FINE_TUNE_RAG], model names, as compare --factorial.
    if (YAML::Node factorial = compare["factorial"]; factorial.IsDefined() && !factorial.IsNull()) {
      if (!factorial.IsSequence() || factorial.size() != 4)
        reader.fail(factorial, "compare.factorial", "expected four model names: [BASE, BASE_RAG, FINE_TUNE, FINE_TUNE_RAG]");
      for (const auto& name : factorial) suite.factorial += (suite.factorial.empty() ? "" : ",") + name.as<std::string>();
    }
    // margins: {METRIC: DELTA, TASK.METRIC: DELTA}, as compare --margin takes them.
    if (YAML::Node margins = compare["margins"]; margins.IsDefined() && !margins.IsNull()) {
      if (!margins.IsMap()) reader.fail(margins, "compare.margins", "expected a map of METRIC or TASK.METRIC to DELTA");
      for (const auto& entry : margins) {
        std::string key = entry.first.as<std::string>();
        try {
          compare_margin_parse(key + "=" + entry.second.as<std::string>(), suite.margins);
        } catch (const Error&) {
          reader.fail(entry.second, "compare.margins." + key, "must be a number in (0, 1) in the metric's units");
        }
      }
    }
  }

  if (YAML::Node bertscore = root["bertscore_models"]; bertscore.IsDefined() && !bertscore.IsNull()) {
    if (!bertscore.IsMap()) reader.fail(bertscore, "bertscore_models", "expected NAME: gguf:PATH entries");
    for (const auto& entry : bertscore) {
      std::string name = entry.first.IsScalar() ? entry.first.Scalar() : "";
      const std::string field = "bertscore_models." + name;
      if (!bertscore_model_name_is_valid(name)) {
        reader.fail(entry.first, field, "a name of letters, digits, '_', '-' and '.' (a task's bertscore.model)");
      }
      std::string spec = entry.second.IsScalar() ? entry.second.Scalar() : "";
      if (spec.find("FILL_IN") != std::string::npos) {
        reader.fail(entry.second, field, "not filled in: replace FILL_IN with gguf:/path/to/" + name + ".gguf");
      }
      spec = reader.expand(spec, entry.second, field);
      std::optional<ModelSpec> parsed = model_spec_try_parse(spec);
      const BackendScheme* row = parsed ? backend_scheme_find(parsed->scheme) : nullptr;
      if (!row || !row->open_embedder) reader.fail(entry.second, field, "expected gguf:PATH");
      if (row->target_is_file) {
        std::filesystem::path file = reader.relative_to_suite(parsed->target, entry.second, field);
        std::error_code error;
        if (!std::filesystem::exists(file, error)) reader.fail(entry.second, field, "model file not found: " + file.string());
        parsed->target = file.string();
      }
      suite.bertscore_models.push_back(name + "=" + parsed->format());
    }
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
  // The factorial design names four of the suite's models.
  if (YAML::Node factorial = root["compare"].IsDefined() && root["compare"].IsMap() ? root["compare"]["factorial"] : YAML::Node();
      factorial.IsDefined() && factorial.IsSequence()) {
    for (size_t i = 0; i < factorial.size(); ++i) {
      const std::string name = factorial[i].as<std::string>();
      bool known = false;
      for (const SuiteModel& model : suite.models) known = known || model.name == name;
      if (!known) reader.fail(factorial[i], "compare.factorial[" + std::to_string(i) + "]", "'" + name + "' is not one of the suite's models");
    }
  }
  return suite;
}

Suite suite_read(const std::filesystem::path& path, bool allow_absolute_paths) {
  return suite_parse(read_file(path), path, allow_absolute_paths);
}

}  // namespace clinbench
