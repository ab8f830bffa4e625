#include <gtest/gtest.h>

#include <fstream>

#include "clinbench/kinds.h"
#include "clinbench/tasks.h"
#include "clinbench/sample_scoring.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::string parse_error(const std::string& yaml) {
  try {
    task_spec_parse(yaml, "my_task.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* kMinimal = R"(name: mine
dataset:
  path: mine/items.jsonl
mapping:
  question: q
  options: opts
  answer: a
prompt:
  user: "{question}\n{options}\nAnswer:"
metrics: [acc]
)";

TEST(TaskSpec, EveryBuiltinTaskParsesAndHasKnownMetrics) {
  std::vector<std::string> names = builtin_task_names();
  for (const char* expected : {"medqa", "medqa_gen", "mmlu_medical", "mmlu_medical_gen", "pubmedqa", "pubmedqa_gen",
                               "medmcqa", "medmcqa_gen", "medbullets_op4", "medbullets_op5_gen",
                               "nejm_case_challenges", "jama_case_challenges"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  for (const std::string& name : names) {
    TaskSpec spec = task_spec_find(name);
    EXPECT_EQ(spec.name, name);
    EXPECT_NO_THROW(scoring_check_metrics(spec)) << name;
    EXPECT_FALSE(spec.citation.empty()) << name;
    // Every multiple-choice set comes in both variants.
    if (name.ends_with("_gen")) {
      std::string base = name.substr(0, name.size() - 4);
      if (base != "nejm_case_challenges") {
        EXPECT_NO_THROW(task_spec_find(base)) << base;
      }
    }
  }
}

TEST(TaskSpec, MinimalFileGetsDefaults) {
  TaskSpec spec = task_spec_parse(kMinimal, "my_task.yaml");
  EXPECT_EQ(spec.kind, "multiple_choice");
  EXPECT_EQ(spec.scoring, TaskScoring::loglikelihood);
  EXPECT_EQ(spec.read_options.format, DatasetFormat::jsonl);
  EXPECT_EQ(spec.continuation_template, " {letter}");
  EXPECT_EQ(spec.num_fewshot, 0);
}

TEST(TaskSpec, UnknownKeyNamesFileLineAndKey) {
  std::string yaml = std::string(kMinimal) + "fewshot:\n  cuont: 3\n";
  std::string error = parse_error(yaml);
  EXPECT_NE(error.find("my_task.yaml:12: field 'fewshot.cuont'"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown key"), std::string::npos) << error;
}

TEST(TaskSpec, BadValuesNameTheField) {
  std::string bad_format = std::string(kMinimal);
  bad_format.replace(bad_format.find("  path: mine/items.jsonl"), 24, "  path: x.jsonl\n  format: xlsx");
  EXPECT_NE(parse_error(bad_format).find("field 'dataset.format'"), std::string::npos) << parse_error(bad_format);
  EXPECT_NE(parse_error(std::string(kMinimal) + "fewshot:\n  count: many\n").find("field 'fewshot.count'"),
            std::string::npos);
  EXPECT_NE(parse_error("name: [unclosed").find("my_task.yaml:1"), std::string::npos);
  std::string no_question = kMinimal;
  no_question.erase(no_question.find("  question: q\n"), 14);
  EXPECT_NE(parse_error(no_question).find("field 'mapping.question': missing"), std::string::npos)
      << parse_error(no_question);
}

TEST(TaskSpec, UnknownMetricIsRefused) {
  std::string yaml = kMinimal;
  yaml.replace(yaml.find("[acc]"), 5, "[acc, bleu]");
  TaskSpec spec = task_spec_parse(yaml, "my_task.yaml");
  try {
    scoring_check_metrics(spec);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'bleu'"), std::string::npos) << e.what();
  }
}

TEST(TaskSpec, UnknownTaskNameListsTheBuiltins) {
  try {
    task_spec_find("medqaa");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("medqa_gen"), std::string::npos) << e.what();
  }
}

TEST(TaskSpec, UserFileIsFoundByPath) {
  std::filesystem::path file = testing::work_dir("task_spec_user") / "mine.yaml";
  std::ofstream(file) << kMinimal;
  EXPECT_EQ(task_spec_find(file.string()).name, "mine");
  EXPECT_EQ(task_spec_find(file.string()).source, file.string());
}

// Found by fuzz/task_yaml_fuzz.cpp (fuzz/regressions/task_yaml/non_scalar_keys.yaml): a list or
// mapping used as a key, or a missing replacement, escaped as a yaml-cpp exception (the CLI's
// "internal error") instead of an Error naming the line.
TEST(TaskSpec, NonScalarKeysAreErrorsNamingTheLine) {
  const std::string head = "name: keys\ndataset: {path: x.jsonl}\nkind: generation\nmapping:\n  reference: r\n";
  const std::string tail = "scoring: generate\nprompt: {user: \"{r}\"}\nmetrics: [rouge1]\n";
  auto error = [&](const std::string& mapping_lines) {
    try {
      task_spec_parse(head + mapping_lines + tail, "keys.yaml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("  reference_replace: {[a]: b}\n"),
            "keys.yaml:6: field 'mapping.reference_replace': a key must be plain text, not a list or mapping");
  EXPECT_EQ(error("  reference_replace: {c: [d]}\n"),
            "keys.yaml:6: field 'mapping.reference_replace.c': expected the replacement text");
  EXPECT_EQ(error("  reference_replace: {e: }\n"),
            "keys.yaml:6: field 'mapping.reference_replace.e': expected the replacement text");
  EXPECT_EQ(error("  aliases: {? {f: g} : [h]}\n"),
            "keys.yaml:6: field 'mapping.aliases': a key must be plain text, not a list or mapping");
  EXPECT_EQ(error("  ? [x]\n  : y\n"),
            "keys.yaml:6: field 'mapping': a key must be plain text, not a list or mapping");
}

// Found by reading task_spec.cpp for the fuzz target's invariants
// (fuzz/regressions/task_yaml/int32_overflow.yaml): numbers were cut to 32 bits, so
// max_tokens: 4294967297 read as 1.
TEST(TaskSpec, NumbersBeyondInt32AreRefusedNotCut) {
  std::string yaml = kMinimal;
  yaml += "generation: {max_tokens: 4294967297}\n";
  try {
    task_spec_parse(yaml, "my_task.yaml");
    FAIL() << "4294967297 is not a token count";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("field 'generation.max_tokens': '4294967297' is out of range"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace clinbench
