// The table of task kinds, and the calls that go through it. A new kind is a file beside this
// one and a row here (HACKING.md, "How to add a task kind").
#include "kinds/kind_rows.h"

namespace clinbench {

std::span<const TaskKindDefinition> task_kinds() {
  static const TaskKindDefinition table[] = {
      multiple_choice_kind(),
      generation_kind(),
      longhealth_kind(),
  };
  return table;
}

const TaskKindDefinition* task_kind_find(std::string_view name) {
  for (const TaskKindDefinition& definition : task_kinds()) {
    if (definition.name == name) return &definition;
  }
  return nullptr;
}

const TaskKindDefinition& task_kind_definition(std::string_view name) {
  if (const TaskKindDefinition* definition = task_kind_find(name)) return *definition;
  throw Error("unknown task kind '" + std::string(name) + "' (known: " + task_kind_names() + ")");
}

std::string task_kind_names() {
  std::string names;
  for (const TaskKindDefinition& definition : task_kinds()) {
    names += (names.empty() ? "" : ", ") + std::string(definition.name);
  }
  return names;
}

std::span<const TaskFileKind> task_file_kinds() {
  static const std::vector<TaskFileKind> kinds = [] {
    std::vector<TaskFileKind> rows;
    for (const TaskKindDefinition& definition : task_kinds()) {
      rows.push_back({.name = definition.name,
                      .answer_form = definition.has_options ? TaskAnswerForm::option_letter : TaskAnswerForm::free_text,
                      .sections = definition.sections,
                      .read_sections = definition.read_sections,
                      .check = definition.check_spec});
    }
    return rows;
  }();
  return kinds;
}

TaskData task_data_load(const TaskSpec& spec, const TaskDataOptions& options) {
  return task_data_read(spec, options, task_kind_definition(spec.kind).load_examples);
}

std::vector<PromptedExample> task_prompts_build(const TaskSpec& spec, const TaskData& data, const Backend& backend) {
  return task_kind_definition(spec.kind).build_requests(spec, data, backend);
}

std::string task_retrieval_query(const TaskSpec& spec, const Example& example) {
  if (!spec.retrieval_query.empty()) return task_template_render(spec.retrieval_query, example, spec);
  return task_kind_definition(spec.kind).retrieval_query(spec, example);
}

std::string question_retrieval_query(const TaskSpec& spec, const Example& example) {
  return task_template_render("{question}", example, spec);
}

std::vector<std::string> task_retrieval_queries(const TaskSpec& spec, const TaskData& data) {
  std::vector<std::string> queries;
  queries.reserve(data.examples.size());
  for (const Example& example : data.examples) queries.push_back(task_retrieval_query(spec, example));
  return queries;
}

std::vector<std::string> task_named_documents(const TaskData& data, const Example& example) {
  std::vector<std::string> texts;
  if (example.fields.contains("document_ids") && example.fields["document_ids"].is_array()) {
    for (const auto& id : example.fields["document_ids"]) {
      if (!id.is_string()) continue;
      auto found = data.documents.find(id.get<std::string>());
      if (found != data.documents.end()) texts.push_back(found->second);
    }
  }
  return texts;
}

}  // namespace clinbench
