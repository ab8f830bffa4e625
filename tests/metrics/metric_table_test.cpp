// The metric table: every metric a task file uses has a row, the rows drive validation, sample
// scoring and compare's direction, and names without a row are refused rather than guessed.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "clinbench/compare.h"
#include "clinbench/metrics.h"
#include "clinbench/kinds.h"
#include "clinbench/tasks.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {
namespace {

std::string check_error(const TaskSpec& spec) {
  try {
    scoring_check_metrics(spec);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const char* kGeneration = R"(name: summary
dataset:
  path: mine/items.jsonl
kind: generation
scoring: generate
mapping:
  reference: answer
prompt:
  user: "{question}"
metrics: [rouge2]
)";

TEST(MetricTable, NamesAreUniqueAndEveryRowIsDescribed) {
  std::set<std::string_view> names;
  for (const MetricDefinition& metric : metric_definitions()) {
    EXPECT_TRUE(names.insert(metric.name).second) << "two rows named " << metric.name;
    EXPECT_FALSE(metric.description.empty()) << metric.name;
    EXPECT_EQ(metric_definition_find(metric.name), &metric);
    // A generation metric is computed by a scorer of its own; the others by their task kind.
    if (metric_source_has(metric.sources, MetricSource::generation)) {
      EXPECT_TRUE(metric.sample_scorer != nullptr || metric.batch_scorer != nullptr) << metric.name;
    }
  }
  EXPECT_EQ(metric_definition_find("ACC"), nullptr);  // names are exact
  EXPECT_EQ(metric_definition_find("error_rate"), nullptr);
}

// The report's names of the metrics, as its page spelled them before they moved into the table
// (a row the page had no name for read as its name with spaces).
TEST(MetricTable, EveryRowHasTheReportsDisplayLabel) {
  const std::map<std::string_view, std::string_view> page_names = {
      {"acc", "accuracy"}, {"acc_norm", "accuracy (length-normalised)"}, {"exact_acc", "exact-label accuracy"},
      {"extraction_failure", "answer not found"}, {"rouge1", "ROUGE-1"}, {"rouge2", "ROUGE-2"},
      {"rougeL", "ROUGE-L"}, {"exact_precision", "code precision"}, {"exact_recall", "code recall"},
      {"exact_f1", "code F1"}, {"approx_precision", "category precision"}, {"approx_recall", "category recall"},
      {"approx_f1", "category F1"}, {"valid_code_rate", "valid ICD-10 codes"},
      {"bertscore_precision", "BERTScore precision"}, {"bertscore_recall", "BERTScore recall"},
      {"bertscore_f1", "BERTScore F1"}};
  for (const MetricDefinition& metric : metric_definitions()) {
    auto named = page_names.find(metric.name);
    std::string spaced(metric.name);
    std::replace(spaced.begin(), spaced.end(), '_', ' ');
    EXPECT_EQ(metric.label, named != page_names.end() ? named->second : std::string_view(spaced)) << metric.name;
  }
  EXPECT_EQ(metric_definition_find("hallucination_rate")->label, "hallucination rate");
}

TEST(MetricTable, EveryMetricOfEveryBuiltinTaskHasARowForItsKind) {
  for (const std::string& name : builtin_task_names()) {
    TaskSpec spec = task_spec_find(name);
    for (const std::string& metric : spec.metrics) {
      const MetricDefinition* definition = metric_definition_find(metric);
      ASSERT_NE(definition, nullptr) << name << ": " << metric;
      EXPECT_TRUE(metric_source_has(definition->sources, scoring_metric_source(spec))) << name << ": " << metric;
      EXPECT_EQ(definition->aggregation, MetricAggregation::mean_over_answered) << name << ": " << metric;
    }
    EXPECT_EQ(check_error(spec), "") << name;
  }
}

TEST(MetricTable, TheRowsSayWhatEachMetricNeeds) {
  EXPECT_TRUE(metric_needs_has(metric_definition_find("valid_code_rate")->needs, MetricNeeds::icd_code_set));
  EXPECT_TRUE(metric_needs_has(metric_definition_find("bertscore_f1")->needs, MetricNeeds::embedder));
  EXPECT_EQ(metric_definition_find("rougeL")->needs, MetricNeeds::nothing);
  EXPECT_EQ(bertscore_metric_names(), (std::vector<std::string>{"bertscore_precision", "bertscore_recall", "bertscore_f1"}));
  TaskSpec spec = task_spec_parse(kGeneration, "summary.yaml");
  EXPECT_FALSE(scoring_needs_icd_codes(spec));
  EXPECT_FALSE(scoring_lists_bertscore(spec));
  spec.metrics = {"rougeL", "approx_f1"};
  EXPECT_TRUE(scoring_needs_icd_codes(spec));
  spec.metrics = {"bertscore_recall"};
  EXPECT_TRUE(scoring_lists_bertscore(spec));
}

TEST(MetricTable, UnknownMetricIsRefusedWithFileLineAndField) {
  std::string yaml = kGeneration;
  yaml.replace(yaml.find("[rouge2]"), 8, "[rouge2, bleu]");
  TaskSpec spec = task_spec_parse(yaml, "summary.yaml");
  // The metrics key is on line 10 of the file.
  EXPECT_EQ(check_error(spec).rfind("summary.yaml:10: field 'metrics': 'bleu' is not a metric of this kind of task", 0), 0u)
      << check_error(spec);
  EXPECT_NE(check_error(spec).find("rouge1, rouge2, rougeL"), std::string::npos) << check_error(spec);
}

TEST(MetricTable, AMetricOfAnotherKindIsRefused) {
  // The LongHealth rates exist only where LongHealth's rule scores the answers, and compare's
  // calibration rows are never listed in a task file.
  for (const char* name : {"medqa_gen", "medqa"}) {
    TaskSpec spec = task_spec_find(name);
    spec.metrics.push_back("hallucination_rate");
    EXPECT_NE(check_error(spec).find("'hallucination_rate' is not a metric of this kind"), std::string::npos) << name;
    spec.metrics.back() = "ece";
    EXPECT_NE(check_error(spec).find("'ece' is not a metric of this kind"), std::string::npos) << name;
  }
  TaskSpec longhealth = task_spec_find("longhealth_task3");
  longhealth.metrics.push_back("chose_unanswerable");
  EXPECT_EQ(check_error(longhealth), "");
}

TEST(MetricTable, CompareRanksByTheTableAndRefusesToGuess) {
  for (const MetricDefinition& metric : metric_definitions()) {
    EXPECT_EQ(compare_metric_higher_is_better(metric.name), metric.direction == MetricDirection::higher_is_better)
        << metric.name;
  }
  EXPECT_FALSE(compare_metric_higher_is_better("extraction_failure"));
  EXPECT_FALSE(compare_metric_higher_is_better("brier"));
  EXPECT_TRUE(compare_metric_higher_is_better("valid_code_rate"));
  // The old rule read directions from names, so an error rate counted as better when higher.
  EXPECT_THROW(compare_metric_higher_is_better("error_rate"), Error);
}

TEST(MetricTable, TheHeadlineIsTheFirstHigherIsBetterRow) {
  EXPECT_EQ(metric_headline(std::vector<std::string>{"extraction_failure", "acc"}), "acc");
  EXPECT_EQ(metric_headline(std::vector<std::string>{"brier", "chosen_probability"}), "chosen_probability");
  EXPECT_EQ(metric_headline(std::vector<std::string>{"extraction_failure"}), "extraction_failure");
  // A name without a row is not taken for a higher-is-better metric.
  EXPECT_EQ(metric_headline(std::vector<std::string>{"error_rate", "acc"}), "acc");
  EXPECT_EQ(metric_headline(std::vector<std::string>{}), "");
  EXPECT_EQ(compare_headline_metric({"error_rate", "rougeL"}), "rougeL");
}

TEST(MetricTable, GenerationScoringRunsEachListedScorerOnce) {
  TaskSpec spec = task_spec_parse(kGeneration, "summary.yaml");
  Example example;
  example.reference = "the cat sat on the mat";
  GenerationResponse response;
  response.text = "the cat sat";
  ScoringResources resources;
  // One ROUGE pass writes all three ROUGE values, whichever of them the task lists; label and
  // code metrics are not computed for a task that does not list them.
  SampleScore score = score_generated_reference(spec, example, response, resources);
  EXPECT_EQ(score.status, "ok");
  ASSERT_EQ(score.values.size(), 3u);
  RougeScores rouge = metric_rouge(response.text, example.reference);
  EXPECT_EQ(score.values.at("rouge1"), rouge.rouge1.f);
  EXPECT_EQ(score.values.at("rouge2"), rouge.rouge2.f);
  EXPECT_EQ(score.values.at("rougeL"), rouge.rouge_l.f);

  spec.metrics = {"exact_acc", "rouge1"};
  example.reference = "neutral";
  response.text = " Neutral\n";
  score = score_generated_reference(spec, example, response, resources);
  EXPECT_EQ(score.values.size(), 5u);
  EXPECT_EQ(score.values.at("acc"), 1.0);
  EXPECT_EQ(score.values.at("exact_acc"), 1.0);
  EXPECT_EQ(score.details.at("label_occurrences"), 1);
}

}  // namespace
}  // namespace clinbench
