// LongHealth (Adams et al. 2024) as the reference study ran it: questions over a patient's
// letters, one example per question and seeded draw (longhealth_draws), the letters fitted to
// CLUE's token budget and joined as CLUE joins them (longhealth_prompt), the answer read with
// the study's rule (answer_rule: longhealth).
#include <algorithm>

#include "kinds/kind_rows.h"
#include "kinds/longhealth_draws.h"
#include "kinds/longhealth_prompt.h"
#include "clinbench/sample_scoring.h"
#include "clinbench/yaml_reader.h"

namespace clinbench {

namespace {

constexpr std::string_view sections[] = {"longhealth"};

// longhealth: {task, repeats, token_budget, document_order}; defaults when the file has none.
void read_sections(const YamlReader& reader, const YAML::Node& root, TaskSpec& spec) {
  YAML::Node section = reader.section(root, "longhealth", {"task", "repeats", "token_budget", "document_order"});
  LongHealthSettings settings;
  settings.task = int32_t(reader.integer(section, "task", "longhealth", 1));
  settings.repeats = int32_t(reader.integer(section, "repeats", "longhealth", 5));
  settings.token_budget = int32_t(reader.integer(section, "token_budget", "longhealth", 8140));
  if (settings.task < 1 || settings.task > 3) reader.fail(section, "longhealth.task", "must be 1, 2 or 3");
  if (settings.repeats < 1) reader.fail(section, "longhealth.repeats", "must be at least 1");
  std::string document_order = reader.text(section, "document_order", "longhealth", "question");
  if (std::optional<LongHealthDocumentOrder> order = longhealth_document_order_from_name(document_order)) {
    settings.document_order = *order;
  } else {
    reader.fail(section["document_order"], "longhealth.document_order", "expected question or patient");
  }
  spec.longhealth = settings;
}

std::vector<TaskFileProblem> check_spec(const TaskSpec& spec) {
  std::vector<TaskFileProblem> problems;
  if (spec.scoring != TaskScoring::generate) problems.push_back({"scoring", "LongHealth is scored by generate"});
  // One budget, CLUE's: a second key would be silently ignored.
  if (spec.documents_budget > 0) {
    problems.push_back({"prompt.documents_budget", "LongHealth's budget is longhealth.token_budget"});
  }
  if (spec.longhealth.value().token_budget <= 0) problems.push_back({"longhealth.token_budget", "must be positive"});
  return problems;
}

// An item is a question and draw, not a record (a record is a patient).
std::vector<Example> load_examples(const TaskSpec& spec, const std::vector<Record>& records, uint64_t seed,
                                   std::map<std::string, std::string>& documents, nlohmann::json& notes,
                                   int64_t& dataset_items) {
  std::vector<Example> examples = longhealth_examples(spec, records, seed, documents, notes);
  dataset_items = int64_t(examples.size());
  return examples;
}

std::vector<PromptedExample> build_requests(const TaskSpec& spec, const TaskData& data, const Backend& backend) {
  // CLUE's question + options tokens per example; per-patient draws fit every question of a
  // patient to the largest, so they all see the same letters.
  std::vector<int32_t> question_tokens;
  std::map<std::string, int32_t> letter_tokens;
  std::map<std::string, int32_t> largest;
  for (const Example& example : data.examples) {
    question_tokens.push_back(longhealth_question_tokens(spec, example, backend));
    int32_t& patient_largest = largest[example.fields.value("patient", std::string())];
    patient_largest = std::max(patient_largest, question_tokens.back());
  }
  if (spec.longhealth.value().document_order == LongHealthDocumentOrder::patient) {
    for (size_t e = 0; e < data.examples.size(); ++e) {
      question_tokens[e] = largest[data.examples[e].fields.value("patient", std::string())];
    }
  }
  auto compose = [&](size_t e, Example& shown, const std::string& user_template, GenerationRequest& request,
                     nlohmann::json& details) {
    longhealth_fit_letters(spec, data, shown, backend, question_tokens[e], letter_tokens, details);
    longhealth_request(spec, shown, user_template, backend, request);
  };
  return prompt_build(spec, data, backend, compose);
}

// The letters of the item's own patient (a draw also lists other patients' letters as
// distractors; their leak is theirs).
std::vector<std::string> item_documents(const TaskSpec& /*spec*/, const TaskData& data, const Example& example) {
  if (!example.fields.contains("patient")) return task_named_documents(data, example);
  std::vector<std::string> texts;
  std::string prefix = task_field_text(example.fields["patient"]) + "/";
  for (auto it = data.documents.lower_bound(prefix); it != data.documents.end() && it->first.starts_with(prefix); ++it) {
    texts.push_back(it->second);
  }
  return texts;
}

}  // namespace

const TaskKindDefinition& longhealth_kind() {
  static const TaskKindDefinition definition{
      .name = "longhealth",
      .has_options = true,
      .sections = sections,
      .read_sections = read_sections,
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
