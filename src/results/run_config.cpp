// results.json's config block: RunConfig to JSON and back.
#include <set>

#include "clinbench/results.h"
#include "results/json_fields.h"

namespace clinbench {

using results_fields::add_unknown_keys;
using results_fields::FieldReader;

namespace {

const std::set<std::string> kConfigKeys = {"tasks", "task_details", "data_dir", "limit", "limit_fraction",
                                           "num_fewshot", "seed", "bootstrap_resamples", "cache",
                                           "bertscore_models", "icd10cm", "rag", "backend_options",
                                           "command_line", "created_at", "exclude_ids"};

nlohmann::json digest_json(const std::optional<RunFileDigest>& digest) {
  if (!digest) return nullptr;
  return {{"path", digest->path}, {"sha256", digest->sha256}};
}

std::optional<RunFileDigest> digest_from(const FieldReader& fields, const char* key) {
  const nlohmann::json* object = fields.object(key);
  if (!object) return std::nullopt;
  FieldReader digest = fields.nested(*object, key);
  return RunFileDigest{digest.string("path"), digest.string("sha256")};
}

nlohmann::json task_config_json(const TaskRunConfig& task) {
  nlohmann::json files = nlohmann::json::array();
  for (const RunFileDigest& file : task.data_files) files.push_back({{"path", file.path}, {"sha256", file.sha256}});
  return {{"source", task.source},
          {"scoring", task.scoring},
          {"chat_format", task.chat_format},
          {"chat_template_sha256", task.chat_template_sha256},
          {"data_files", files},
          {"output_cleanup", task.output_cleanup},
          {"description", task.description}};
}

TaskRunConfig task_config_from(const FieldReader& fields) {
  TaskRunConfig task;
  task.source = fields.string("source");
  task.scoring = fields.string("scoring");
  task.chat_format = fields.string("chat_format");
  task.chat_template_sha256 = fields.string("chat_template_sha256");
  if (const nlohmann::json* files = fields.array("data_files")) {
    for (size_t i = 0; i < files->size(); ++i) {
      FieldReader file = fields.nested((*files)[i], "data_files[" + std::to_string(i) + "]");
      task.data_files.push_back({file.string("path"), file.string("sha256")});
    }
  }
  task.output_cleanup = fields.strings("output_cleanup");
  task.description = fields.string("description");
  return task;
}

}  // namespace

nlohmann::json run_config_to_json(const RunConfig& config) {
  nlohmann::json task_details = nlohmann::json::object();
  for (const auto& [name, task] : config.task_details) task_details[name] = task_config_json(task);
  nlohmann::json rag = nullptr;
  if (config.rag) {
    rag = {{"index", config.rag->index},
           {"mode", config.rag->mode},
           {"k", config.rag->k},
           {"query", config.rag->query},
           {"manifest", config.rag->manifest}};
  }
  nlohmann::json json = {{"tasks", config.tasks},
                         {"task_details", task_details},
                         {"data_dir", config.data_dir},
                         {"limit", config.limit},
                         {"num_fewshot", config.num_fewshot},
                         {"seed", config.seed},
                         {"bootstrap_resamples", config.bootstrap_resamples},
                         {"cache", config.cache ? nlohmann::json(*config.cache) : nlohmann::json(nullptr)},
                         {"bertscore_models", config.bertscore_models},
                         {"icd10cm", digest_json(config.icd10cm)},
                         {"rag", rag},
                         {"backend_options", config.backend_options},
                         {"command_line", config.command_line},
                         {"created_at", config.created_at}};
  if (config.limit_fraction) json["limit_fraction"] = *config.limit_fraction;  // limit is then -1
  if (config.exclude_ids) json["exclude_ids"] = digest_json(config.exclude_ids);
  add_unknown_keys(json, config.extra);
  return json;
}

RunConfig run_config_from_json(const nlohmann::json& object, const std::filesystem::path& file) {
  FieldReader fields(object, file, 0, "config");
  fields.require_object();
  RunConfig config;
  config.tasks = fields.strings("tasks");
  if (const nlohmann::json* details = fields.object("task_details")) {
    FieldReader tasks = fields.nested(*details, "task_details");
    for (const auto& [name, entry] : details->items()) config.task_details[name] = task_config_from(tasks.nested(entry, name));
  }
  config.data_dir = fields.string("data_dir");
  config.limit = fields.integer("limit", -1);
  config.limit_fraction = fields.optional_number("limit_fraction");
  config.num_fewshot = fields.integer("num_fewshot", -1);
  config.seed = fields.unsigned_integer("seed", 1234);
  config.bootstrap_resamples = fields.integer("bootstrap_resamples", 10000);
  config.cache = fields.optional_string("cache");
  config.bertscore_models = fields.strings("bertscore_models");
  config.icd10cm = digest_from(fields, "icd10cm");
  if (const nlohmann::json* rag = fields.object("rag")) {
    FieldReader retrieval = fields.nested(*rag, "rag");
    config.rag = RunRagConfig{retrieval.string("index"), retrieval.string("mode"), retrieval.integer("k"),
                              retrieval.string("query"), retrieval.any("manifest")};
  }
  if (const nlohmann::json* backend = fields.object("backend_options")) config.backend_options = *backend;
  config.command_line = fields.strings("command_line");
  config.created_at = fields.string("created_at");
  config.exclude_ids = digest_from(fields, "exclude_ids");
  config.extra = fields.unknown(kConfigKeys);
  return config;
}

}  // namespace clinbench
