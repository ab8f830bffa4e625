// compare's analyses beyond the significance test: clustered items, verdicts with margins, power
// figures and calibration, on run folders written by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "clinbench/compare.h"
#include "run_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

using testing::FixtureSample;
using testing::FixtureTask;

// 20 questions x 5 draws; a question's draws mostly agree, and the two models agree on most
// questions.
std::pair<FixtureTask, FixtureTask> drawn_questions() {
  FixtureTask tuned{"longhealth_task1", {"acc"}, {}}, base{"longhealth_task1", {"acc"}, {}};
  for (int q = 0; q < 20; ++q) {
    const bool tuned_knows = q % 3 != 0;
    const bool base_knows = q % 4 != 0;
    for (int draw = 0; draw < 5; ++draw) {
      FixtureSample sample;
      sample.id = "patient/q" + std::to_string(q) + "/draw" + std::to_string(draw);
      sample.cluster = "patient/q" + std::to_string(q);
      sample.scores["acc"] = (draw == 4 ? !tuned_knows : tuned_knows) ? 1 : 0;
      tuned.samples.push_back(sample);
      sample.scores["acc"] = base_knows ? 1 : 0;
      base.samples.push_back(sample);
    }
  }
  return {tuned, base};
}

TEST(CompareAnalysis, DrawsOfAQuestionAreResampledTogether) {
  auto [tuned, base] = drawn_questions();
  std::vector<CompareRun> runs = {testing::fixture_run("base", {base}), testing::fixture_run("tuned", {tuned})};
  CompareOptions options;
  options.resamples = 2000;
  const CompareResult result = compare_runs(runs, {{1, 0}}, options);
  ASSERT_EQ(result.rows.size(), 1u);
  const CompareRow& row = result.rows[0];
  EXPECT_EQ(row.analysis.clusters, 20);
  EXPECT_EQ(row.stats.test, StatsPairedTest::cluster_sign_flip_exact);
  EXPECT_EQ(row.analysis.power_method, std::string("standard_error"));

  // Without the cluster keys the same scores read as 100 independent items: a narrower interval.
  for (FixtureTask* task : {&tuned, &base})
    for (FixtureSample& sample : task->samples) sample.cluster.clear();
  std::vector<CompareRun> naive_runs = {testing::fixture_run("base", {base}), testing::fixture_run("tuned", {tuned})};
  const CompareRow naive = compare_runs(naive_runs, {{1, 0}}, options).rows.at(0);
  EXPECT_EQ(naive.analysis.clusters, 100);
  EXPECT_EQ(naive.stats.test, StatsPairedTest::mcnemar_exact);
  EXPECT_GE(row.stats.bootstrap.ci_high - row.stats.bootstrap.ci_low,
            1.5 * (naive.stats.bootstrap.ci_high - naive.stats.bootstrap.ci_low));
  EXPECT_GT(row.stats.p_value, naive.stats.p_value);
}

TEST(CompareAnalysis, MarginsTurnRowsIntoVerdicts) {
  // 400 items, 20 discordant each way: a difference of 0, 90% interval about ±3 points.
  auto [a, b] = testing::fixture_binary_pair(200, 20, 20, 160);
  std::vector<CompareRun> runs = {testing::fixture_run("base", {testing::fixture_task("medqa", "acc", b)}),
                                  testing::fixture_run("tuned", {testing::fixture_task("medqa", "acc", a)})};
  CompareOptions options;
  options.resamples = 2000;
  const CompareRow without = compare_runs(runs, {{1, 0}}, options).rows.at(0);
  EXPECT_EQ(without.verdict, StatsVerdict::inconclusive);
  EXPECT_FALSE(without.margin.has_value());
  EXPECT_GT(without.analysis.smallest_equivalence_margin, 0.01);
  EXPECT_LT(without.analysis.smallest_equivalence_margin, 0.05);

  compare_margin_parse("acc=0.01", options.margins);
  compare_margin_parse("medqa.acc=0.05", options.margins);  // the task's own wins
  const CompareRow with = compare_runs(runs, {{1, 0}}, options).rows.at(0);
  ASSERT_TRUE(with.margin.has_value());
  EXPECT_EQ(*with.margin, 0.05);
  EXPECT_EQ(with.verdict, StatsVerdict::equivalent);

  options.margins = {{"acc", 0.01}};
  EXPECT_EQ(compare_runs(runs, {{1, 0}}, options).rows.at(0).verdict, StatsVerdict::inconclusive);
  // McNemar power from the observed discordant share 40/400.
  EXPECT_EQ(with.analysis.power_method, std::string("mcnemar"));
  EXPECT_DOUBLE_EQ(with.analysis.discordant_share, 0.1);
  ASSERT_TRUE(with.analysis.minimum_detectable_difference.has_value());
  EXPECT_EQ(*with.analysis.minimum_detectable_difference,
            *stats_mcnemar_minimum_detectable(400, 0.1, 0.05, 0.8));
}

TEST(CompareAnalysis, AWorseFailureRateReadsAsWorse) {
  // extraction_failure: lower is better; the fine-tune fails on 60 more of 400 items.
  auto [a, b] = testing::fixture_binary_pair(20, 60, 0, 320);
  std::vector<CompareRun> runs = {
      testing::fixture_run("base", {testing::fixture_task("medqa_gen", "extraction_failure", b)}),
      testing::fixture_run("tuned", {testing::fixture_task("medqa_gen", "extraction_failure", a)})};
  CompareOptions options;
  options.resamples = 1000;
  options.margins = {{"extraction_failure", 0.02}};
  const CompareRow row = compare_runs(runs, {{1, 0}}, options).rows.at(0);
  EXPECT_TRUE(row.significant);
  EXPECT_EQ(row.verdict, StatsVerdict::worse);
}

TEST(CompareAnalysis, MarginTextIsChecked) {
  std::map<std::string, double> margins;
  EXPECT_THROW(compare_margin_parse("acc", margins), Error);
  EXPECT_THROW(compare_margin_parse("acc=", margins), Error);
  EXPECT_THROW(compare_margin_parse("acc=5", margins), Error);  // points, not a fraction
  EXPECT_THROW(compare_margin_parse("acc=0.05x", margins), Error);
  EXPECT_THROW(compare_margin_parse("=0.05", margins), Error);
  compare_margin_parse("medqa.acc=0.03", margins);
  EXPECT_EQ(margins.at("medqa.acc"), 0.03);
}

FixtureTask loglikelihood_task(double sharpness, int failed_item) {
  FixtureTask task{"medqa", {"acc"}, {}};
  for (int i = 0; i < 60; ++i) {
    FixtureSample sample;
    sample.id = "q" + std::to_string(i);
    const bool right = i % 5 != 0;
    sample.option_loglikelihoods = {-2.0, -3.0, -2.5, -4.0};
    sample.option_loglikelihoods[right ? 0 : 1] = -2.0 + sharpness * (1 + i % 3);
    sample.scores["acc"] = right ? 1 : 0;
    task.samples.push_back(sample);
  }
  if (failed_item >= 0) task.samples[size_t(failed_item)].option_loglikelihoods[2] = NAN;
  return task;
}

TEST(CompareAnalysis, CalibrationOfLoglikelihoodTasks) {
  std::vector<CompareRun> runs = {testing::fixture_run("base", {loglikelihood_task(0.2, -1)}),
                                  testing::fixture_run("tuned", {loglikelihood_task(3.0, 7)})};
  CompareOptions options;
  options.resamples = 500;
  const CompareResult result = compare_runs(runs, {{1, 0}}, options);
  ASSERT_EQ(result.calibration.size(), 2u);
  EXPECT_EQ(result.calibration[0].left_out, 0);
  EXPECT_EQ(result.calibration[1].left_out, 1);  // a NaN log-likelihood is a failed request, not a guess
  EXPECT_EQ(result.calibration[1].estimates.ece.n, 59);
  std::vector<std::string> metrics;
  for (const CompareRow& row : result.rows) metrics.push_back(row.metric);
  EXPECT_EQ(metrics, (std::vector<std::string>{"acc", "ece", "brier", "chosen_probability"}));
  const CompareRow& ece = result.rows[1];
  EXPECT_FALSE(ece.higher_is_better);
  EXPECT_EQ(ece.stats.test, StatsPairedTest::ece_permutation);
  EXPECT_EQ(ece.stats.bootstrap.n, 59);
  EXPECT_DOUBLE_EQ(ece.stats.bootstrap.difference, ece.stats.bootstrap.mean_a - ece.stats.bootstrap.mean_b);
  EXPECT_GT(ece.stats.bootstrap.mean_a, 0.1);  // sure of every answer at 80% accuracy
  EXPECT_LE(ece.stats.bootstrap.ci_low, ece.stats.bootstrap.ci_high);
  bool noted = false;
  for (const std::string& note : result.notes) noted = noted || note.find("leaves out 1 items") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(CompareAnalysis, OutputsCarryVerdictsPowerAndCalibration) {
  std::vector<CompareRun> runs = {testing::fixture_run("base", {loglikelihood_task(0.2, -1)}),
                                  testing::fixture_run("tuned", {loglikelihood_task(3.0, -1)})};
  CompareOptions options;
  options.resamples = 300;
  options.margins = {{"acc", 0.05}};
  const CompareResult result = compare_runs(runs, {{1, 0}}, options);
  const nlohmann::json json = compare_json(runs, result);
  const nlohmann::json& row = json["comparisons"][0];
  for (const char* key : {"clusters", "ci90_low", "ci90_high", "margin", "smallest_equivalence_margin", "verdict",
                          "minimum_detectable_difference", "items_needed", "power_method"})
    EXPECT_TRUE(row.contains(key)) << key;
  EXPECT_EQ(row["verdict"], "equivalent");  // identical accuracy on every item
  EXPECT_EQ(json["settings"]["margins"]["acc"], 0.05);
  ASSERT_EQ(json["calibration"].size(), 2u);
  EXPECT_EQ(json["calibration"][0]["bins"], 15);
  const std::string markdown = compare_markdown(runs, result);
  EXPECT_NE(markdown.find("## Verdicts"), std::string::npos);
  EXPECT_NE(markdown.find("**equivalent (margin 0.050)**"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("## Calibration"), std::string::npos);
  const std::string csv = compare_csv_verdicts(runs, result);
  EXPECT_EQ(csv.substr(0, csv.find('\r')),
            "task,metric,fine_tune,base,n,clusters,difference,ci90_low,ci90_high,margin,smallest_equivalence_margin,"
            "verdict,minimum_detectable_difference,target_difference,items_needed,power_method,discordant_share,"
            "standard_error");
  EXPECT_NE(compare_csv_calibration(runs, result).find("tuned,medqa,60,0,ece,"), std::string::npos);
}

TEST(CompareFlips, CausesAreReadFromTheWrongAnswersSample) {
  const nlohmann::json options = {"a", "b", "c", "d", "e", "Question cannot be answered with provided documents"};
  auto sample = [&](const std::string& target, const std::string& extracted, const std::string& status,
                    const std::string& finish) {
    return nlohmann::json{{"id", "x"}, {"options", options}, {"target", target}, {"extracted", extracted},
                          {"status", status}, {"response", "The correct answer is " + extracted}, {"finish_reason", finish}};
  };
  EXPECT_EQ(compare_flip_cause(sample("F", "B", "ok", "stop")), "answered when absent");
  EXPECT_EQ(compare_flip_cause(sample("B", "F", "ok", "stop")), "chose cannot be answered");
  EXPECT_EQ(compare_flip_cause(sample("B", "C", "ok", "stop")), "different answer");
  EXPECT_EQ(compare_flip_cause(sample("B", "", "extraction_failed", "length")), "cut at max tokens");
  EXPECT_EQ(compare_flip_cause(sample("B", "", "extraction_failed", "stop")), "no answer found");
  EXPECT_EQ(compare_flip_cause(sample("B", "", "backend_error", "error")), "request failed");
  nlohmann::json empty = sample("B", "", "extraction_failed", "stop");
  empty["response"] = " \n";
  EXPECT_EQ(compare_flip_cause(empty), "empty output");
}

TEST(CompareFlips, CountsPerCauseWithMcNemarPerStratum) {
  // 8 items: the fine-tune gains 3 (the base found no answer) and loses 1 (a different letter).
  FixtureTask tuned{"medqa_gen", {"acc"}, {}}, base{"medqa_gen", {"acc"}, {}};
  for (int i = 0; i < 8; ++i) {
    FixtureSample a, b;
    a.id = b.id = "q" + std::to_string(i);
    const bool a_right = i < 3 || i >= 5, b_right = i >= 4;
    a.scores["acc"] = a_right;
    b.scores["acc"] = b_right;
    a.extracted = a_right ? "A" : "C";
    b.extracted = b_right ? "A" : "";
    if (!b_right) b.status = "extraction_failed";
    tuned.samples.push_back(a);
    base.samples.push_back(b);
  }
  std::vector<CompareRun> runs = {testing::fixture_run("base", {base}), testing::fixture_run("tuned", {tuned})};
  CompareOptions options;
  options.resamples = 200;
  const CompareResult result = compare_runs(runs, {{1, 0}}, options);
  ASSERT_EQ(result.flips.size(), 1u);
  const CompareFlips& flips = result.flips[0];
  ASSERT_EQ(flips.causes.size(), 2u);
  EXPECT_EQ(flips.causes[0].cause, "no answer found");
  EXPECT_EQ(flips.causes[0].gained, 3);  // items 0-2; on item 3 both are wrong: no flip
  EXPECT_EQ(flips.causes[1].cause, "different answer");
  EXPECT_EQ(flips.causes[1].lost, 1);
  EXPECT_EQ(flips.causes[0].p_value, stats_mcnemar_exact(3, 0));
  ASSERT_EQ(flips.items.size(), 4u);
  EXPECT_EQ(flips.items[3].id, "q4");
  EXPECT_FALSE(flips.items[3].fine_tune_right);
}

// The fine-tuning x retrieval interaction against make_analysis_golden.py: four runs of 40
// questions x 5 draws; the interaction's interval resamples questions (the golden file's naive,
// draws-as-items interval is at least 1.5 times narrower).
TEST(CompareFactorial, InteractionMatchesGolden) {
  std::ifstream file(testing::test_data_dir() / "golden" / "stats" / "analysis_golden.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json golden = nlohmann::json::parse(file).at("factorial");
  const char* arms[4] = {"base", "base_rag", "fine_tune", "fine_tune_rag"};
  std::vector<CompareRun> runs;
  for (const char* arm : arms) {
    FixtureTask task{"longhealth_task1", {"acc"}, {}};
    for (size_t i = 0; i < golden["ids"].size(); ++i) {
      FixtureSample sample;
      sample.id = golden["ids"][i];
      sample.cluster = golden["cluster_keys"][i];
      sample.scores["acc"] = golden["scores"][arm][i].get<double>();
      task.samples.push_back(sample);
    }
    runs.push_back(testing::fixture_run(arm, {task}));
  }
  CompareOptions options;
  options.seed = golden["seed"].get<uint64_t>();
  options.resamples = golden["resamples"].get<int64_t>();
  options.factorial = compare_factorial_parse("base,base_rag,fine_tune,fine_tune_rag", runs);
  const CompareResult result = compare_runs(runs, {{2, 0}}, options);
  ASSERT_EQ(result.factorial.size(), 6u);
  const CompareEffectRow* interaction = nullptr;
  for (const CompareEffectRow& effect : result.factorial)
    if (effect.effect == "interaction") interaction = &effect;
  ASSERT_NE(interaction, nullptr);
  const nlohmann::json& expected = golden["interaction"];
  const CompareRow& row = interaction->row;
  EXPECT_NEAR(row.stats.bootstrap.difference, expected["difference"].get<double>(), 1e-12);
  EXPECT_NEAR(row.stats.bootstrap.ci_low, expected["ci_low"].get<double>(), 1e-12);
  EXPECT_NEAR(row.stats.bootstrap.ci_high, expected["ci_high"].get<double>(), 1e-12);
  EXPECT_NEAR(row.analysis.ci90_low, expected["ci90_low"].get<double>(), 1e-12);
  EXPECT_NEAR(row.analysis.ci90_high, expected["ci90_high"].get<double>(), 1e-12);
  EXPECT_NEAR(row.stats.p_value, expected["p_value"].get<double>(), 1e-12);
  EXPECT_EQ(row.stats.test, StatsPairedTest::cluster_sign_flip_monte_carlo);
  EXPECT_EQ(row.analysis.clusters, 40);
  EXPECT_EQ(runs[row.fine_tune].name, "fine_tune_rag");
  EXPECT_GE(row.stats.bootstrap.ci_high - row.stats.bootstrap.ci_low,
            1.5 * (golden["naive_ci_high"].get<double>() - golden["naive_ci_low"].get<double>()));
  EXPECT_THROW(compare_factorial_parse("base,base_rag,fine_tune", runs), Error);
  EXPECT_THROW(compare_factorial_parse("base,base_rag,fine_tune,nope", runs), Error);
}

// Retrieval helps exactly where it found the answering passage: base+RAG finds it for 10 of 20
// items, fine-tune+RAG for 5. Unconditionally retrieval gains 0.5 and 0.25; split by the gold
// passage it gains 1.0 where found and nothing elsewhere, which the overall figure hides.
TEST(CompareFactorial, RetrievalEffectConditionalOnTheGoldPassage) {
  auto arm = [](const std::string& name, int found, bool rag) {
    FixtureTask task{"medqa", {"acc"}, {}};
    for (int i = 0; i < 20; ++i) {
      FixtureSample sample;
      sample.id = "q" + std::to_string(i);
      sample.scores["acc"] = rag && i < found ? 1.0 : 0.0;
      if (rag) sample.retrieved = std::vector<std::string>{i < found ? "d" + std::to_string(i) : "other", "other2"};
      task.samples.push_back(sample);
    }
    return testing::fixture_run(name, {task});
  };
  std::vector<CompareRun> runs = {arm("base", 0, false), arm("base_rag", 10, true), arm("fine_tune", 0, false),
                                  arm("fine_tune_rag", 5, true)};
  CompareOptions options;
  options.resamples = 200;
  options.factorial = compare_factorial_parse("base,base_rag,fine_tune,fine_tune_rag", runs);
  std::string gold_text = "# item -> the document that answers it\n";
  for (int i = 0; i < 20; ++i) gold_text += "q" + std::to_string(i) + "\td" + std::to_string(i) + "\n";
  options.gold_documents = compare_gold_documents_parse(gold_text, "gold.tsv");

  std::map<std::string, const CompareRow*> effects;
  const CompareResult result = compare_runs(runs, {{2, 0}}, options);
  for (const CompareEffectRow& effect : result.factorial) effects[effect.effect] = &effect.row;
  ASSERT_EQ(result.factorial.size(), 10u);
  EXPECT_DOUBLE_EQ(effects.at("retrieval on the base")->stats.bootstrap.difference, 0.5);
  EXPECT_EQ(effects.at("retrieval on the base, gold passage retrieved")->stats.bootstrap.n, 10);
  EXPECT_DOUBLE_EQ(effects.at("retrieval on the base, gold passage retrieved")->stats.bootstrap.difference, 1.0);
  EXPECT_EQ(effects.at("retrieval on the base, gold passage not retrieved")->stats.bootstrap.n, 10);
  EXPECT_DOUBLE_EQ(effects.at("retrieval on the base, gold passage not retrieved")->stats.bootstrap.difference, 0.0);
  EXPECT_EQ(effects.at("retrieval on the fine-tune, gold passage retrieved")->stats.bootstrap.n, 5);
  EXPECT_EQ(effects.at("retrieval on the fine-tune, gold passage not retrieved")->stats.bootstrap.n, 15);
  EXPECT_DOUBLE_EQ(effects.at("retrieval on the fine-tune, gold passage not retrieved")->stats.bootstrap.difference, 0.0);
  EXPECT_NE(compare_markdown_effects(runs, result).find("| retrieval on the base, gold passage retrieved |"),
            std::string::npos);

  // An item without a listed document is in neither subset; "item-id" makes the item's id its document.
  CompareGoldDocuments partial = compare_gold_documents_parse("medqa\tq0\td0\nq1\td1\n", "gold.tsv");
  EXPECT_EQ(compare_gold_retrieved(partial, "medqa", runs[1].samples.at("medqa")[0]), true);
  EXPECT_EQ(compare_gold_retrieved(partial, "medqa", runs[1].samples.at("medqa")[1]), true);
  EXPECT_EQ(compare_gold_retrieved(partial, "medqa", runs[1].samples.at("medqa")[2]), std::nullopt);
  EXPECT_EQ(compare_gold_retrieved(partial, "pubmedqa", runs[1].samples.at("medqa")[0]), std::nullopt);
  EXPECT_EQ(compare_gold_retrieved(partial, "medqa", runs[0].samples.at("medqa")[0]), std::nullopt);  // no retrieval
  CompareGoldDocuments own = compare_gold_documents_read("item-id");
  EXPECT_EQ(compare_gold_retrieved(own, "medqa", runs[1].samples.at("medqa")[0]), false);  // q0 retrieved d0

  auto parse_error = [](const std::string& text) {
    try {
      compare_gold_documents_parse(text, "gold.tsv");
    } catch (const Error& error) {
      return std::string(error.what());
    }
    return std::string("parsed");
  };
  EXPECT_EQ(parse_error("q1\td1\nq2\n"), "gold.tsv:2: expected ITEM_ID<TAB>DOCUMENT_ID or TASK<TAB>ITEM_ID<TAB>DOCUMENT_ID, got 1 field(s)");
  EXPECT_EQ(parse_error("medqa\t\td1\n"), "gold.tsv:1: field 'item id': empty");
  EXPECT_EQ(parse_error("a\tb\tc\td\n"), "gold.tsv:1: expected ITEM_ID<TAB>DOCUMENT_ID or TASK<TAB>ITEM_ID<TAB>DOCUMENT_ID, got 4 field(s)");
}

TEST(CompareFormatKnowledge, SplitsTheGapIntoKnowledgeAndFormat) {
  // Log-likelihood: the fine-tune gains 10 of 40 items; generation: it gains 10 and then loses 16
  // to answers in the wrong format.
  auto [ll_a, ll_b] = testing::fixture_binary_pair(10, 10, 0, 20);
  auto [gen_a, gen_b] = testing::fixture_binary_pair(4, 10, 16, 10);
  std::vector<CompareRun> runs = {
      testing::fixture_run("base", {testing::fixture_task("medqa", "acc", ll_b), testing::fixture_task("medqa_gen", "acc", gen_b)}),
      testing::fixture_run("tuned", {testing::fixture_task("medqa", "acc", ll_a), testing::fixture_task("medqa_gen", "acc", gen_a)})};
  CompareOptions options;
  options.resamples = 500;
  const CompareResult result = compare_runs(runs, {{1, 0}}, options);
  ASSERT_EQ(result.format_knowledge.size(), 3u);
  EXPECT_EQ(result.format_knowledge[0].effect, "knowledge (log-likelihood)");
  EXPECT_DOUBLE_EQ(result.format_knowledge[0].row.stats.bootstrap.difference, 10.0 / 40);
  EXPECT_DOUBLE_EQ(result.format_knowledge[1].row.stats.bootstrap.difference, -6.0 / 40);
  EXPECT_EQ(result.format_knowledge[2].twin_task, "medqa_gen");
  EXPECT_DOUBLE_EQ(result.format_knowledge[2].row.stats.bootstrap.difference, -16.0 / 40);
  EXPECT_NE(compare_markdown(runs, result).find("## Format versus knowledge"), std::string::npos);
}

}  // namespace
}  // namespace clinbench
