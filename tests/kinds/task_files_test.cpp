// Task files read through the kind table: each kind's name, sections and checks come from its
// row (the messages are the ones the reader gave before the rows owned them), the spec carries
// what its kind says (answer_form, per-kind settings), and the tasks stage's reader takes any
// rows it is given, so a new kind needs no edit below the kinds.
#include <gtest/gtest.h>

#include "clinbench/kinds.h"
#include "clinbench/sample_scoring.h"
#include "clinbench/tasks.h"
#include "clinbench/yaml_reader.h"

namespace clinbench {
namespace {

std::string parse_error(const std::string& yaml) {
  try {
    task_spec_parse(yaml, "t.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const std::string kGeneration = R"(name: g
kind: generation
dataset: {path: g.jsonl}
mapping: {reference: summary}
scoring: generate
prompt: {user: "{text}"}
metrics: [rouge1]
)";

const std::string kLongHealth = R"(name: lh
kind: longhealth
dataset: {path: longhealth/benchmark_v5.json, format: json_object}
scoring: generate
prompt: {user: "{documents}\n{question}\n{options}", answer_rule: longhealth}
metrics: [acc]
)";

const std::string kChoice = R"(name: mc
dataset: {path: mc.jsonl}
mapping: {question: q, options: o, answer: a}
prompt: {user: "{question}"}
metrics: [acc]
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(TaskFiles, EachKindsChecksNameFileAndField) {
  EXPECT_EQ(parse_error(kGeneration), "no error");
  EXPECT_EQ(parse_error(kLongHealth), "no error");
  EXPECT_EQ(parse_error(kChoice), "no error");
  struct Case {
    std::string yaml, expected;
  };
  const Case cases[] = {
      {replaced(kGeneration, "mapping: {reference: summary}\n", ""), "field 'mapping.reference': missing"},
      {replaced(kGeneration, "scoring: generate", "scoring: loglikelihood"),
       "field 'scoring': generation tasks are scored by generate"},
      {replaced(kLongHealth, "scoring: generate", "scoring: loglikelihood"),
       "field 'scoring': LongHealth is scored by generate"},
      {replaced(kLongHealth, "answer_rule: longhealth}", "answer_rule: longhealth, documents_budget: 100}"),
       "field 'prompt.documents_budget': LongHealth's budget is longhealth.token_budget"},
      {kLongHealth + "longhealth: {token_budget: 0}\n", "field 'longhealth.token_budget': must be positive"},
      {kLongHealth + "longhealth: {task: 4}\n", "t.yaml:7: field 'longhealth.task': must be 1, 2 or 3"},
      {kLongHealth + "longhealth: {document_order: draw}\n",
       "t.yaml:7: field 'longhealth.document_order': expected question or patient"},
      {replaced(kChoice, "question: q, ", ""), "field 'mapping.question': missing"},
      {replaced(kChoice, "options: o, ", ""), "field 'mapping': give exactly one of options, option_fields, fixed_options"},
      // A section another kind reads would be ignored: refused, naming its kind.
      {kChoice + "longhealth: {task: 2}\n", "field 'longhealth': only for kind: longhealth"},
      {kGeneration + "longhealth: {task: 2}\n", "field 'longhealth': only for kind: longhealth"},
      {kChoice + "bertscore: {layer: 8}\n",
       "t.yaml:6: field 'bertscore': BERTScore compares generated text with a reference: only for kind: generation"},
      {replaced(kChoice, "name: mc\n", "name: mc\nkind: cloze\n"),
       "t.yaml:2: field 'kind': expected one of multiple_choice, generation, longhealth, got 'cloze'"},
  };
  for (const Case& c : cases) {
    std::string error = parse_error(c.yaml);
    EXPECT_TRUE(error.starts_with("t.yaml:")) << error;
    EXPECT_NE(error.find(c.expected), std::string::npos) << error << "\n  expected: " << c.expected;
  }
}

TEST(TaskFiles, TheSpecCarriesWhatItsKindSays) {
  TaskSpec choice = task_spec_parse(kChoice, "t.yaml");
  EXPECT_EQ(choice.kind, "multiple_choice");
  EXPECT_EQ(choice.answer_form, TaskAnswerForm::option_letter);
  EXPECT_FALSE(choice.longhealth.has_value());
  TaskSpec generation = task_spec_parse(kGeneration, "t.yaml");
  EXPECT_EQ(generation.answer_form, TaskAnswerForm::free_text);
  EXPECT_FALSE(generation.longhealth.has_value());
  TaskSpec longhealth = task_spec_parse(kLongHealth, "t.yaml");
  EXPECT_EQ(longhealth.answer_form, TaskAnswerForm::option_letter);
  ASSERT_TRUE(longhealth.longhealth.has_value());  // the section's defaults without one
  EXPECT_EQ(longhealth.longhealth->task, 1);
  EXPECT_EQ(longhealth.longhealth->repeats, 5);
  EXPECT_EQ(longhealth.longhealth->token_budget, 8140);
  for (const std::string& name : builtin_task_names()) {
    TaskSpec spec = task_spec_find(name);
    EXPECT_EQ(spec.answer_form == TaskAnswerForm::option_letter, task_kind_definition(spec.kind).has_options) << name;
    EXPECT_EQ(spec.longhealth.has_value(), spec.kind == "longhealth") << name;
  }
}

TEST(TaskFiles, AKindWithoutARowIsAnErrorListingTheKinds) {
  try {
    task_kind_definition("clozee");
    FAIL() << "a kind without a row was found";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "unknown task kind 'clozee' (known: multiple_choice, generation, longhealth)");
  }
}

// A kind the table does not have, given to the tasks stage's reader as a row: its name, its
// section, its checks and its answer form take effect with no edit to the reader.
std::string probe_blank;

void probe_read_sections(const YamlReader& reader, const YAML::Node& root, TaskSpec& /*spec*/) {
  YAML::Node section = reader.section(root, "cloze", {"blank"});
  probe_blank = reader.text(section, "blank", "cloze", "___");
}

std::vector<TaskFileProblem> probe_check(const TaskSpec& spec) {
  if (spec.reference.field.empty()) return {TaskFileProblem{"mapping.reference", "missing (the completed sentence)"}};
  return {};
}

TEST(TaskFiles, TheReaderTakesTheRowsItIsGiven) {
  static constexpr std::string_view probe_sections[] = {"cloze"};
  std::vector<TaskFileKind> kinds(task_file_kinds().begin(), task_file_kinds().end());
  kinds.push_back({.name = "cloze_probe",
                   .answer_form = TaskAnswerForm::free_text,
                   .sections = probe_sections,
                   .read_sections = probe_read_sections,
                   .check = probe_check});
  const std::string cloze = replaced(kGeneration, "kind: generation", "kind: cloze_probe") + "cloze: {blank: ____}\n";
  auto error = [&](const std::string& yaml) {
    try {
      task_spec_read(yaml, "c.yaml", kinds);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };

  TaskSpec spec = task_spec_read(cloze, "c.yaml", kinds);
  EXPECT_EQ(spec.kind, "cloze_probe");
  EXPECT_EQ(spec.answer_form, TaskAnswerForm::free_text);
  EXPECT_EQ(probe_blank, "____");
  // The stages below the kinds decide by the answer form, not by the kind's name.
  EXPECT_EQ(scoring_metric_source(spec), MetricSource::generation);
  EXPECT_NO_THROW(scoring_check_metrics(spec));
  EXPECT_EQ(error(cloze + "bertscore: {layer: 8}\n"), "no error");
  EXPECT_NE(error(kChoice + "bertscore: {layer: 8}\n").find("only for kind: generation, cloze_probe"), std::string::npos);

  EXPECT_NE(error(replaced(cloze, "mapping: {reference: summary}\n", ""))
                .find("field 'mapping.reference': missing (the completed sentence)"),
            std::string::npos);
  EXPECT_NE(error(kGeneration + "cloze: {blank: _}\n").find("field 'cloze': only for kind: cloze_probe"),
            std::string::npos);
  EXPECT_NE(error(replaced(cloze, "kind: cloze_probe", "kind: cloze"))
                .find("expected one of multiple_choice, generation, longhealth, cloze_probe, got 'cloze'"),
            std::string::npos);
  // The public entry points read with the table only: the probe's kind is not there.
  EXPECT_NE(parse_error(cloze).find("field 'cloze': unknown key"), std::string::npos) << parse_error(cloze);
}

}  // namespace
}  // namespace clinbench
