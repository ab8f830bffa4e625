// Generation: free text compared with a reference (summaries, problem lists, ICD-10 codes, NLI
// labels), scored by ROUGE, BERTScore, code sets or the label rule.
#include <set>

#include "kinds/kind_rows.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

namespace {

std::string reference_text(const TaskSpec& spec, const Record& record, Example& example) {
  std::string reference;
  if (spec.reference.item_key.empty()) {
    reference = record_field_string(record, spec.reference.field);
  } else {
    const nlohmann::json& items = record.fields.contains(spec.reference.field) ? record.fields[spec.reference.field]
                                                                              : nlohmann::json();
    if (!items.is_array()) {
      throw_input_error(record.source, record.line, spec.reference.field, "expected a list of objects");
    }
    nlohmann::json values = nlohmann::json::array();
    for (size_t i = 0; i < items.size(); ++i) {
      const nlohmann::json& item = items[i];
      std::string where = spec.reference.field + "[" + std::to_string(i) + "]." + spec.reference.item_key;
      if (!item.is_object() || !item.contains(spec.reference.item_key) || !item[spec.reference.item_key].is_string()) {
        throw_input_error(record.source, record.line, where, "missing or not a string");
      }
      std::string value = item[spec.reference.item_key].get<std::string>();
      reference += (i ? spec.reference.join : "") + value;
      values.push_back(value);
    }
    example.fields["reference_items"] = values;
  }
  for (const auto& [from, to] : spec.reference.replace) {
    if (from.empty()) continue;
    for (size_t at = reference.find(from); at != std::string::npos; at = reference.find(from, at + to.size())) {
      reference.replace(at, from.size(), to);
    }
  }
  return reference;
}

std::vector<Example> map_generation(const TaskSpec& spec, const std::vector<Record>& records) {
  std::vector<Example> examples;
  std::map<std::string, int64_t> line_of_id;
  bool several_files = !records.empty() && records.front().source != records.back().source;
  for (const Record& record : records) {
    Example example;
    if (!spec.id_field.empty()) {
      example.id = record_field_string(record, spec.id_field);
    } else if (!record.key.empty()) {
      example.id = record.key;
    } else {
      example.id = std::to_string(record.position);
      if (several_files) example.id = std::filesystem::path(record.source).filename().string() + ":" + example.id;
    }
    auto [previous, inserted] = line_of_id.emplace(example.id, record.line);
    if (!inserted) {
      throw_input_error(record.source, record.line, spec.id_field.empty() ? "id" : spec.id_field,
                        "duplicate id '" + example.id + "' (also on line " + std::to_string(previous->second) + ")");
    }
    example.line = record.line;
    example.source = record.source;
    example.fields = record.fields;
    example.reference = reference_text(spec, record, example);
    example.fields["reference"] = example.reference;
    examples.push_back(std::move(example));
  }
  return examples;
}

std::vector<Example> load_examples(const TaskSpec& spec, const std::vector<Record>& records, uint64_t /*seed*/,
                                   std::map<std::string, std::string>& /*documents*/, nlohmann::json& /*notes*/,
                                   int64_t& /*dataset_items*/) {
  return map_generation(spec, records);
}

std::vector<PromptedExample> build_requests(const TaskSpec& spec, const TaskData& data, const Backend& backend) {
  return prompt_build(spec, data, backend);
}

std::vector<std::string> item_documents(const TaskSpec& /*spec*/, const TaskData& data, const Example& example) {
  return task_named_documents(data, example);
}

// A task file's mapping names the reference; the answer is generated.
std::vector<TaskFileProblem> check_spec(const TaskSpec& spec) {
  std::vector<TaskFileProblem> problems;
  if (spec.reference.field.empty()) problems.push_back({"mapping.reference", "missing"});
  if (spec.scoring != TaskScoring::generate) problems.push_back({"scoring", "generation tasks are scored by generate"});
  return problems;
}

// Fields that would leak the answer, or are not the item's own words.
const std::set<std::string>& fields_left_out_of_queries() {
  static const std::set<std::string> names = {"retrieved",   "documents",     "reference", "reference_items",
                                              "answer_letter", "answer_text", "letter",    "option",
                                              "options"};
  return names;
}

// The item's own words as the prompt shows them: the user template's fields, one a line.
std::string retrieval_query(const TaskSpec& spec, const Example& example) {
  std::string query;
  for (const std::string& name : task_template_fields(spec.user_template)) {
    if (fields_left_out_of_queries().count(name)) continue;
    std::string part = task_template_render("{" + name + "}", example, spec);
    if (part.empty()) continue;
    query += (query.empty() ? "" : "\n") + part;
  }
  return query;
}

}  // namespace

const TaskKindDefinition& generation_kind() {
  static const TaskKindDefinition definition{
      .name = "generation",
      .has_options = false,
      .check_spec = check_spec,
      .load_examples = load_examples,
      .build_requests = build_requests,
      .score_generated = score_generated_reference,
      .item_documents = item_documents,
      .retrieval_query = retrieval_query,
  };
  return definition;
}

}  // namespace clinbench
