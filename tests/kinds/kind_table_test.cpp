// The table of task kinds: every kind has a complete row, names round-trip, and every built-in
// task's kind-specific settings parse to the scoped enums and per-kind structs they stand for.
#include <gtest/gtest.h>

#include "clinbench/kinds.h"
#include "clinbench/tasks.h"

namespace clinbench {
namespace {

constexpr std::string_view kAllKinds[] = {"multiple_choice", "generation", "longhealth"};

TEST(KindTable, EveryKindHasOneCompleteRowInTheEnumsOrder) {
  std::span<const TaskKindDefinition> table = task_kinds();
  ASSERT_EQ(table.size(), std::size(kAllKinds));
  for (size_t k = 0; k < table.size(); ++k) {
    const TaskKindDefinition& row = table[k];
    SCOPED_TRACE(std::string(row.name));
    EXPECT_EQ(row.name, kAllKinds[k]);
    EXPECT_EQ(&task_kind_definition(row.name), &row);
    EXPECT_NE(row.load_examples, nullptr);
    EXPECT_NE(row.build_requests, nullptr);
    EXPECT_NE(row.score_generated, nullptr);
    EXPECT_NE(row.item_documents, nullptr);
    EXPECT_NE(row.retrieval_query, nullptr);
  }
  EXPECT_TRUE(task_kind_definition("multiple_choice").has_options);
  EXPECT_FALSE(task_kind_definition("generation").has_options);
  EXPECT_TRUE(task_kind_definition("longhealth").has_options);
}

TEST(KindTable, NamesRoundTrip) {
  for (std::string_view kind : kAllKinds) EXPECT_EQ(task_kind_find(kind)->name, kind);
  EXPECT_EQ(task_kind_find("multiple_choice")->name, "multiple_choice");
  EXPECT_EQ(task_kind_find("generation")->name, "generation");
  EXPECT_EQ(task_kind_find("longhealth")->name, "longhealth");
  EXPECT_EQ(task_kind_find("cloze"), nullptr);
  EXPECT_EQ(task_kind_names(), "multiple_choice, generation, longhealth");
  for (AnswerRule rule : {AnswerRule::robust, AnswerRule::longhealth}) {
    EXPECT_EQ(answer_rule_from_name(answer_rule_name(rule)), rule);
  }
  EXPECT_EQ(answer_rule_from_name("Robust"), std::nullopt);
  for (LongHealthDocumentOrder order : {LongHealthDocumentOrder::question, LongHealthDocumentOrder::patient}) {
    EXPECT_EQ(longhealth_document_order_from_name(longhealth_document_order_name(order)), order);
  }
  EXPECT_EQ(longhealth_document_order_name(LongHealthDocumentOrder::patient), "patient");
}

TEST(KindTable, BuiltinTasksParseToTheirKindsSettings) {
  TaskSpec medqa = task_spec_find("medqa");
  EXPECT_EQ(medqa.kind, "multiple_choice");
  EXPECT_EQ(medqa.answer_rule, AnswerRule::robust);

  TaskSpec codes = task_spec_find("medisumcode");
  EXPECT_EQ(codes.kind, "generation");
  EXPECT_FALSE(codes.reference.field.empty());
  EXPECT_FALSE(codes.reference.item_key.empty());

  TaskSpec problems = task_spec_find("problem_summary");
  EXPECT_FALSE(problems.reference.replace.empty());

  for (const char* name : {"longhealth_task1", "longhealth_task2", "longhealth_task3"}) {
    TaskSpec longhealth = task_spec_find(name);
    EXPECT_EQ(longhealth.kind, "longhealth") << name;
    EXPECT_EQ(longhealth.answer_rule, AnswerRule::longhealth) << name;
    EXPECT_EQ(longhealth.longhealth->document_order, LongHealthDocumentOrder::question) << name;
  }
}

TEST(KindTable, KindSettingsParseFromYaml) {
  const std::string yaml = R"(name: lh
kind: longhealth
dataset: {path: longhealth/benchmark_v5.json, format: json_object}
scoring: generate
prompt: {user: "{documents}\n{question}\n{options}", answer_rule: longhealth}
longhealth: {task: 2, document_order: patient}
metrics: [acc]
)";
  TaskSpec spec = task_spec_parse(yaml, "lh.yaml");
  EXPECT_EQ(spec.kind, "longhealth");
  EXPECT_EQ(spec.longhealth->task, 2);
  EXPECT_EQ(spec.longhealth->document_order, LongHealthDocumentOrder::patient);
  EXPECT_EQ(spec.answer_rule, AnswerRule::longhealth);

  std::string bad_kind = yaml;
  bad_kind.replace(bad_kind.find("kind: longhealth"), 16, "kind: cloze");
  try {
    task_spec_parse(bad_kind, "lh.yaml");
    FAIL() << "an unknown kind parsed";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "lh.yaml:2: field 'kind': expected one of multiple_choice, generation, longhealth, got 'cloze'");
  }
}

TEST(KindTable, RetrievalQueriesAreTheKindsOrTheTasks) {
  Example example;
  example.fields = {{"question", "Which drug?"}, {"context", "A patient."}, {"reference", "gold"}};
  TaskSpec choice = task_spec_find("medqa");
  EXPECT_EQ(task_retrieval_query(choice, example), "Which drug?");
  choice.retrieval_query = "{context} {question}";
  EXPECT_EQ(task_retrieval_query(choice, example), "A patient. Which drug?");

  TaskSpec generation = task_spec_find("meqsum");
  generation.user_template = "Q: {question}\nC: {context}\nR: {reference}";
  EXPECT_EQ(task_retrieval_query(generation, example), "Which drug?\nA patient.");
  TaskData data;
  data.examples = {example, example};
  EXPECT_EQ(task_retrieval_queries(generation, data),
            (std::vector<std::string>{"Which drug?\nA patient.", "Which drug?\nA patient."}));
}

}  // namespace
}  // namespace clinbench
