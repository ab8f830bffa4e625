// Task YAML → TaskSpec: the fields every kind has, then the kind's own sections and checks from
// the rows the caller passes (kinds.h passes the kind table). Every key is known: a typo is an
// error naming the file, line and key, not a silently ignored setting.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "clinbench/tasks.h"
#include "clinbench/yaml_reader.h"
#include "tasks/embedded_tasks.h"

namespace clinbench {

namespace {

// The task file's reader: core's line-aware YAML reader, shared with suite and pairs files.
using SpecReader = YamlReader;

// The kinds that read `section`, for "only for kind: NAME".
std::string section_owners(std::span<const TaskFileKind> kinds, std::string_view section) {
  std::string owners;
  for (const TaskFileKind& kind : kinds) {
    if (std::find(kind.sections.begin(), kind.sections.end(), section) != kind.sections.end()) {
      owners += (owners.empty() ? "" : ", ") + std::string(kind.name);
    }
  }
  return owners;
}

void validate(const TaskSpec& spec, const SpecReader& reader, const YAML::Node& root, const TaskFileKind& kind,
              std::span<const TaskFileKind> kinds) {
  auto fail = [&](const std::string& field, const std::string& message) { reader.fail(root, field, message); };
  if (spec.name.empty()) fail("name", "missing");
  if (spec.dataset_path.empty()) fail("dataset.path", "missing");
  // Another kind's section would be silently ignored.
  for (const TaskFileKind& other : kinds) {
    for (std::string_view section : other.sections) {
      bool own = std::find(kind.sections.begin(), kind.sections.end(), section) != kind.sections.end();
      if (!own && root[std::string(section)].IsDefined()) {
        fail(std::string(section), "only for kind: " + section_owners(kinds, section));
      }
    }
  }
  if (kind.check) {
    std::vector<TaskFileProblem> problems = kind.check(spec);
    if (!problems.empty()) fail(problems.front().field, problems.front().message);
  }
  if (spec.user_template.empty()) fail("prompt.user", "missing");
  if (spec.num_fewshot < 0) fail("fewshot.count", "must not be negative");
  if (spec.max_tokens < 1) fail("generation.max_tokens", "must be at least 1");
  if (spec.metrics.empty()) fail("metrics", "missing");
}

// The known kinds' names, comma-separated, in the table's order (for error messages).
std::string kind_names(std::span<const TaskFileKind> kinds) {
  std::string names;
  for (const TaskFileKind& kind : kinds) names += (names.empty() ? "" : ", ") + std::string(kind.name);
  return names;
}

constexpr std::pair<LongHealthDocumentOrder, std::string_view> document_order_names[] = {
    {LongHealthDocumentOrder::question, "question"},
    {LongHealthDocumentOrder::patient, "patient"},
};

constexpr std::pair<AnswerRule, std::string_view> answer_rule_names[] = {
    {AnswerRule::robust, "robust"},
    {AnswerRule::longhealth, "longhealth"},
};

template <typename Enum, size_t N>
std::optional<Enum> enum_from_name(const std::pair<Enum, std::string_view> (&names)[N], std::string_view name) {
  for (const auto& [value, value_name] : names) {
    if (value_name == name) return value;
  }
  return std::nullopt;
}

template <typename Enum, size_t N>
std::string_view enum_name(const std::pair<Enum, std::string_view> (&names)[N], Enum value) {
  for (const auto& [known, value_name] : names) {
    if (known == value) return value_name;
  }
  return "unknown";
}

constexpr std::pair<OutputCleanup, std::string_view> output_cleanup_names[] = {
    {OutputCleanup::strip, "strip"},
    {OutputCleanup::phi_end_split, "phi_end_split"},
    {OutputCleanup::cut_self_prompting, "cut_self_prompting"},
};

}  // namespace

std::optional<LongHealthDocumentOrder> longhealth_document_order_from_name(std::string_view name) {
  return enum_from_name(document_order_names, name);
}
std::string_view longhealth_document_order_name(LongHealthDocumentOrder order) {
  return enum_name(document_order_names, order);
}

std::optional<AnswerRule> answer_rule_from_name(std::string_view name) { return enum_from_name(answer_rule_names, name); }
std::string_view answer_rule_name(AnswerRule rule) { return enum_name(answer_rule_names, rule); }

std::optional<OutputCleanup> output_cleanup_from_name(std::string_view name) {
  for (const auto& [step, step_name] : output_cleanup_names) {
    if (step_name == name) return step;
  }
  return std::nullopt;
}

std::string_view output_cleanup_name(OutputCleanup step) {
  for (const auto& [known, step_name] : output_cleanup_names) {
    if (known == step) return step_name;
  }
  return "unknown";
}

bool bertscore_model_name_is_valid(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
  });
}

TaskSpec task_spec_read(const std::string& yaml_text, const std::string& source, std::span<const TaskFileKind> kinds) {
  SpecReader reader(source);
  YAML::Node root = yaml_parse(yaml_text, source);
  if (!root.IsMap()) throw_input_error(source, 0, "", "a task file must be a YAML mapping");
  // The common keys, and the sections the kinds read (another kind's is refused in validate).
  std::set<std::string> keys = {"name",    "description", "citation", "data_url", "dataset",
                                "kind",    "mapping",     "scoring",  "prompt",   "fewshot",
                                "generation", "metrics",  "output_cleanup", "bertscore", "cluster_by"};
  for (const TaskFileKind& kind : kinds) {
    for (std::string_view section : kind.sections) keys.emplace(section);
  }
  reader.check_keys(root, "", keys);

  TaskSpec spec;
  spec.source = source;
  spec.name = reader.required_text(root, "name", "");
  spec.description = reader.text(root, "description", "");
  spec.citation = reader.text(root, "citation", "");
  spec.data_url = reader.text(root, "data_url", "");

  YAML::Node dataset = reader.section(root, "dataset", {"path", "format", "columns", "select_keys", "fewshot_path"});
  spec.dataset_path = reader.text(dataset, "path", "dataset");
  try {
    spec.read_options.format = dataset_format_from_name(reader.text(dataset, "format", "dataset", "jsonl"));
  } catch (const Error& e) {
    reader.fail(dataset["format"], "dataset.format", e.what());
  }
  spec.read_options.columns = reader.list(dataset, "columns", "dataset");
  spec.select_keys_path = reader.text(dataset, "select_keys", "dataset");
  spec.fewshot_path = reader.text(dataset, "fewshot_path", "dataset");

  std::string kind_name = reader.text(root, "kind", "", "multiple_choice");
  auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const TaskFileKind& k) { return k.name == kind_name; });
  if (kind == kinds.end()) {
    reader.fail(root["kind"], "kind", "expected one of " + kind_names(kinds) + ", got '" + kind_name + "'");
  }
  spec.kind = kind_name;
  spec.answer_form = kind->answer_form;
  if (kind->read_sections) kind->read_sections(reader, root, spec);

  YAML::Node mapping = reader.section(root, "mapping", {"id", "question", "context", "options", "option_fields",
                                                        "fixed_options", "options_may_vary", "answer",
                                                        "answer_encoding", "reference", "reference_item_key",
                                                        "reference_join", "reference_replace", "aliases"});
  spec.choices.id_field = reader.text(mapping, "id", "mapping");
  spec.id_field = spec.choices.id_field;
  spec.choices.question_field = reader.text(mapping, "question", "mapping");
  spec.choices.context_fields = reader.list(mapping, "context", "mapping");
  spec.choices.options_field = reader.text(mapping, "options", "mapping");
  spec.choices.option_fields = reader.list(mapping, "option_fields", "mapping");
  spec.choices.fixed_options = reader.list(mapping, "fixed_options", "mapping");
  spec.choices.options_may_vary = reader.boolean(mapping, "options_may_vary", "mapping", false);
  spec.choices.answer_field = reader.text(mapping, "answer", "mapping");
  try {
    spec.choices.answer_encoding = answer_encoding_from_name(reader.text(mapping, "answer_encoding", "mapping", "letter"));
  } catch (const Error& e) {
    reader.fail(mapping["answer_encoding"], "mapping.answer_encoding", e.what());
  }
  spec.reference.field = reader.text(mapping, "reference", "mapping");
  spec.reference.item_key = reader.text(mapping, "reference_item_key", "mapping");
  spec.reference.join = reader.text(mapping, "reference_join", "mapping", spec.reference.join);
  if (YAML::Node replace = mapping["reference_replace"]; replace.IsDefined()) {
    if (!replace.IsMap()) reader.fail(replace, "mapping.reference_replace", "expected a mapping of text to replacement");
    for (const auto& entry : replace) {
      std::string from = reader.key_text(entry.first, "mapping.reference_replace");
      if (!entry.second.IsScalar()) {
        reader.fail(entry.second, "mapping.reference_replace." + from, "expected the replacement text");
      }
      spec.reference.replace.emplace_back(from, entry.second.Scalar());
    }
  }
  if (YAML::Node aliases = mapping["aliases"]; aliases.IsDefined()) {
    if (!aliases.IsMap()) reader.fail(aliases, "mapping.aliases", "expected field: [alternative names]");
    for (const auto& entry : aliases) {
      std::string field = reader.key_text(entry.first, "mapping.aliases");
      YAML::Node holder;
      holder["list"] = entry.second;
      spec.field_aliases[field] = reader.list(holder, "list", "mapping.aliases." + field);
    }
  }

  std::string scoring = reader.text(root, "scoring", "", "loglikelihood");
  if (scoring == "loglikelihood") {
    spec.scoring = TaskScoring::loglikelihood;
  } else if (scoring == "generate") {
    spec.scoring = TaskScoring::generate;
  } else {
    reader.fail(root["scoring"], "scoring", "expected loglikelihood or generate, got '" + scoring + "'");
  }

  YAML::Node prompt = reader.section(root, "prompt", {"system", "user", "option", "assistant", "answer_prefix",
                                                      "continuation", "fewshot_delimiter", "target_delimiter",
                                                      "truncate", "documents_budget", "documents_separator",
                                                      "documents_shuffle", "answer_rule", "retrieval_query"});
  spec.system_prompt = reader.text(prompt, "system", "prompt");
  spec.user_template = reader.text(prompt, "user", "prompt");
  spec.option_template = reader.text(prompt, "option", "prompt", spec.option_template);
  spec.assistant_template = reader.text(prompt, "assistant", "prompt");
  spec.answer_prefix = reader.text(prompt, "answer_prefix", "prompt");
  spec.continuation_template = reader.text(prompt, "continuation", "prompt", spec.continuation_template);
  spec.fewshot_delimiter = reader.text(prompt, "fewshot_delimiter", "prompt", spec.fewshot_delimiter);
  spec.target_delimiter = reader.text(prompt, "target_delimiter", "prompt", spec.target_delimiter);
  spec.truncate_field = reader.text(prompt, "truncate", "prompt");
  spec.documents_budget = int32_t(reader.integer(prompt, "documents_budget", "prompt", 0));
  spec.documents_separator = reader.text(prompt, "documents_separator", "prompt", spec.documents_separator);
  spec.documents_shuffle = reader.boolean(prompt, "documents_shuffle", "prompt", false);
  std::string answer_rule = reader.text(prompt, "answer_rule", "prompt", "robust");
  spec.retrieval_query = reader.text(prompt, "retrieval_query", "prompt");
  if (std::optional<AnswerRule> rule = answer_rule_from_name(answer_rule)) {
    spec.answer_rule = *rule;
  } else {
    reader.fail(prompt["answer_rule"], "prompt.answer_rule", "expected robust or longhealth");
  }

  YAML::Node fewshot = reader.section(root, "fewshot", {"count", "shuffle", "shuffle_python_seed"});
  spec.num_fewshot = int32_t(reader.integer(fewshot, "count", "fewshot", 0));
  spec.fewshot_shuffle = reader.boolean(fewshot, "shuffle", "fewshot", false);
  spec.fewshot_shuffle_python_seed = reader.integer(fewshot, "shuffle_python_seed", "fewshot", -1);
  if (fewshot["shuffle_python_seed"].IsDefined() && (!spec.fewshot_shuffle || spec.fewshot_shuffle_python_seed < 0)) {
    reader.fail(fewshot["shuffle_python_seed"], "fewshot.shuffle_python_seed",
                "needs shuffle: true and a seed of at least 0");
  }

  YAML::Node generation = reader.section(root, "generation", {"max_tokens", "stop", "constrain_to_letter",
                                                              "truncate_prompt", "truncate_reserve", "truncate_cap"});
  spec.max_tokens = int32_t(reader.integer(generation, "max_tokens", "generation", spec.max_tokens));
  spec.stop = reader.list(generation, "stop", "generation");
  spec.constrain_to_letter = reader.boolean(generation, "constrain_to_letter", "generation", false);
  spec.truncate_prompt = reader.boolean(generation, "truncate_prompt", "generation", false);
  spec.truncate_reserve = int32_t(reader.integer(generation, "truncate_reserve", "generation", -1));
  spec.truncate_cap = int32_t(reader.integer(generation, "truncate_cap", "generation", 0));
  if (!spec.truncate_prompt && (generation["truncate_reserve"].IsDefined() || generation["truncate_cap"].IsDefined())) {
    reader.fail(generation, "generation.truncate_prompt", "truncate_reserve and truncate_cap need truncate_prompt: true");
  }
  if (spec.truncate_prompt && !spec.truncate_field.empty()) {
    reader.fail(generation, "generation.truncate_prompt", "give either prompt.truncate (a field) or truncate_prompt");
  }
  if (spec.truncate_cap < 0) reader.fail(generation["truncate_cap"], "generation.truncate_cap", "must be at least 0");

  spec.metrics = reader.list(root, "metrics", "");
  if (root["metrics"].IsDefined()) spec.metrics_line = int64_t(root["metrics"].Mark().line) + 1;

  for (const std::string& name : reader.list(root, "output_cleanup", "")) {
    std::optional<OutputCleanup> step = output_cleanup_from_name(name);
    if (!step) {
      reader.fail(root["output_cleanup"], "output_cleanup",
                  "unknown step '" + name + "' (known: strip, phi_end_split, cut_self_prompting)");
    }
    spec.output_cleanup.push_back(*step);
  }
  if (!spec.output_cleanup.empty() && spec.scoring != TaskScoring::generate) {
    reader.fail(root["output_cleanup"], "output_cleanup", "cleans generated answers: only for scoring: generate");
  }
  YAML::Node bertscore = reader.section(root, "bertscore", {"model", "layer"});
  spec.bertscore_model = reader.text(bertscore, "model", "bertscore");
  spec.bertscore_layer = int32_t(reader.integer(bertscore, "layer", "bertscore", 0));
  if (spec.bertscore_layer < 0) reader.fail(bertscore["layer"], "bertscore.layer", "must be 0 (the last layer) or more");
  if (!spec.bertscore_model.empty() && !bertscore_model_name_is_valid(spec.bertscore_model)) {
    reader.fail(bertscore["model"], "bertscore.model",
                "'" + spec.bertscore_model + "': a name of letters, digits, '_', '-' and '.' (as in --bertscore-model NAME=gguf:PATH)");
  }
  if (root["bertscore"].IsDefined() && spec.answer_form != TaskAnswerForm::free_text) {
    std::string free_text_kinds;
    for (const TaskFileKind& other : kinds) {
      if (other.answer_form == TaskAnswerForm::free_text) {
        free_text_kinds += (free_text_kinds.empty() ? "" : ", ") + std::string(other.name);
      }
    }
    reader.fail(root["bertscore"], "bertscore",
                "BERTScore compares generated text with a reference: only for kind: " + free_text_kinds);
  }
  spec.cluster_by = reader.text(root, "cluster_by", "");
  validate(spec, reader, root, *kind, kinds);
  return spec;
}

const std::vector<BuiltinTaskFile>& builtin_task_files() {
  static const std::vector<BuiltinTaskFile> files = [] {
    std::vector<BuiltinTaskFile> found;
    for (const EmbeddedTask& task : embedded_tasks()) found.push_back({"builtin:" + task.path, task.yaml});
    return found;
  }();
  return files;
}

}  // namespace clinbench
