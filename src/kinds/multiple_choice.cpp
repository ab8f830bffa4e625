// Multiple choice (MedQA, MedMCQA, PubMedQA, MMLU medical, ...): options with one correct answer,
// scored by the options' log-likelihoods or by the letter a generated answer gives.
#include "kinds/kind_rows.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

namespace {

Example example_from_choice(const MultipleChoiceItem& item) {
  Example example;
  example.id = item.id;
  example.line = item.line;
  example.source = item.source;
  example.fields = item.extra.is_object() ? item.extra : nlohmann::json::object();
  example.fields["question"] = item.question;
  example.fields["context"] = item.context;
  example.options = item.options;
  example.answer_index = item.answer_index;
  example.fields["answer_letter"] = multiple_choice_letter(item.answer_index);
  example.fields["answer_text"] = item.options[size_t(item.answer_index)];
  return example;
}

std::vector<Example> load_examples(const TaskSpec& spec, const std::vector<Record>& records, uint64_t /*seed*/,
                                   std::map<std::string, std::string>& /*documents*/, nlohmann::json& /*notes*/,
                                   int64_t& /*dataset_items*/) {
  std::vector<Example> examples;
  for (const MultipleChoiceItem& item : map_multiple_choice(records, spec.choices)) {
    examples.push_back(example_from_choice(item));
  }
  return examples;
}

std::vector<PromptedExample> build_requests(const TaskSpec& spec, const TaskData& data, const Backend& backend) {
  return prompt_build(spec, data, backend);
}

std::vector<std::string> item_documents(const TaskSpec& /*spec*/, const TaskData& data, const Example& example) {
  return task_named_documents(data, example);
}

// A task file's mapping says where the question, the options and the answer are.
std::vector<TaskFileProblem> check_spec(const TaskSpec& spec) {
  std::vector<TaskFileProblem> problems;
  if (spec.choices.question_field.empty()) problems.push_back({"mapping.question", "missing"});
  if (spec.choices.answer_field.empty()) problems.push_back({"mapping.answer", "missing"});
  int ways = int(!spec.choices.options_field.empty()) + int(!spec.choices.option_fields.empty()) +
             int(!spec.choices.fixed_options.empty());
  if (ways != 1) problems.push_back({"mapping", "give exactly one of options, option_fields, fixed_options"});
  return problems;
}

}  // namespace

const TaskKindDefinition& multiple_choice_kind() {
  static const TaskKindDefinition definition{
      .name = "multiple_choice",
      .has_options = true,
      .check_spec = check_spec,
      .load_examples = load_examples,
      .build_requests = build_requests,
      .score_generated = score_generated_choice,
      .item_documents = item_documents,
      .retrieval_query = question_retrieval_query,
  };
  return definition;
}

}  // namespace clinbench
