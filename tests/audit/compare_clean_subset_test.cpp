// compare on the clean subset: the same paired statistics over the items not excluded, by an
// exclude-ids file or by the runs' own "excluded" marks, beside the full set's.
#include <gtest/gtest.h>

#include "clinbench/compare.h"

namespace clinbench {
namespace {

CompareRun run_of(const std::string& name, const std::vector<double>& acc, const std::set<std::string>& marked = {}) {
  CompareRun run;
  run.dir = "/runs/" + name;
  run.name = name;
  double sum = 0;
  for (double value : acc) sum += value;
  double mean = sum / double(acc.size());
  run.results = results_from_json(
      {{"config", {{"tasks", {"medqa"}}}},
       {"tasks", {{"medqa", {{"n", acc.size()}, {"metrics", {{"acc", {{"value", mean}, {"ci_low", mean}, {"ci_high", mean}}}}}}}}}},
      run.dir / "results.json");
  for (size_t i = 0; i < acc.size(); ++i) {
    std::string id = "q" + std::to_string(i + 1);
    nlohmann::json sample = {{"id", id}, {"prompt_key", "key-" + id}, {"scores", {{"acc", acc[i]}}}};
    if (marked.count(id)) sample["excluded"] = true;
    run.samples["medqa"].push_back(sample);
  }
  return run;
}

// The fine-tune wins q1..q5 outright; q7 and q9 both get right. The "leaked" items q1..q4 go.
const std::vector<double> kFineTune = {1, 1, 1, 1, 1, 0, 1, 0, 1, 0};
const std::vector<double> kBase = {0, 0, 0, 0, 0, 0, 1, 0, 1, 0};

TEST(CompareCleanSubset, LeavesOutFileAndRunExclusionsAndKeepsTheFullRow) {
  // q4 is marked by the base run itself (run --exclude-ids); the file names the rest.
  std::vector<CompareRun> runs = {run_of("base", kBase, {"q4"}), run_of("tuned", kFineTune)};
  CompareOptions options;
  options.resamples = 200;
  options.exclude_ids = audit_excluded_ids_parse("medqa\tq1\nmedqa\tq2\nq3\npubmedqa\tq5\n", "flagged.tsv");
  CompareResult result = compare_runs(runs, compare_pairs_default(2), options);

  ASSERT_EQ(result.rows.size(), 1u);
  const CompareRow& full = result.rows[0];
  EXPECT_EQ(full.stats.bootstrap.n, 10);
  EXPECT_DOUBLE_EQ(full.stats.bootstrap.difference, 0.7 - 0.2);
  EXPECT_EQ(full.better.wins, 5);
  // Exact McNemar, 5 discordant pairs all one way: 2 * 0.5^5.
  EXPECT_DOUBLE_EQ(full.stats.p_value, 0.0625);

  ASSERT_EQ(result.clean_rows.size(), 1u);
  const CompareRow& clean = result.clean_rows[0];
  EXPECT_EQ(clean.task, "medqa");
  EXPECT_EQ(clean.metric, "acc");
  EXPECT_EQ(clean.excluded, 4);
  EXPECT_EQ(clean.stats.bootstrap.n, 6);  // q5..q10; q5 stays (the file excludes it for pubmedqa)
  EXPECT_DOUBLE_EQ(clean.stats.bootstrap.mean_a, 3.0 / 6);
  EXPECT_DOUBLE_EQ(clean.stats.bootstrap.mean_b, 2.0 / 6);
  EXPECT_DOUBLE_EQ(clean.stats.bootstrap.difference, 1.0 / 6);
  EXPECT_EQ(clean.better.wins, 1);
  EXPECT_EQ(clean.better.ties, 5);
  EXPECT_DOUBLE_EQ(clean.stats.p_value, 1.0);  // one discordant pair: min(1, 2 * 0.5)
  EXPECT_DOUBLE_EQ(clean.p_holm, 1.0);

  std::string markdown = compare_markdown(runs, result);
  EXPECT_NE(markdown.find("## Clean subset beside the full set"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| medqa | acc | tuned | base | 10 | +0.500 ["), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| 6 | 4 | +0.167 ["), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("flagged.tsv"), std::string::npos) << markdown;

  nlohmann::json json = compare_json(runs, result);
  ASSERT_EQ(json["clean_comparisons"].size(), 1u);
  EXPECT_EQ(json["clean_comparisons"][0]["n"], 6);
  EXPECT_EQ(json["clean_comparisons"][0]["excluded"], 4);
  EXPECT_EQ(json["comparisons"][0]["n"], 10);
  EXPECT_FALSE(json["comparisons"][0].contains("excluded"));
  EXPECT_EQ(json["settings"]["exclude_ids"], "flagged.tsv");
}

TEST(CompareCleanSubset, NothingExcludedNoCleanTable) {
  std::vector<CompareRun> runs = {run_of("base", kBase), run_of("tuned", kFineTune)};
  CompareOptions options;
  options.resamples = 100;
  CompareResult result = compare_runs(runs, compare_pairs_default(2), options);
  EXPECT_TRUE(result.clean_rows.empty());
  EXPECT_EQ(compare_markdown(runs, result).find("Clean subset"), std::string::npos);
  EXPECT_FALSE(compare_json(runs, result).contains("clean_comparisons"));
}

TEST(CompareCleanSubset, EverythingExcludedIsANote) {
  std::vector<CompareRun> runs = {run_of("base", {1, 0}), run_of("tuned", {1, 1})};
  CompareOptions options;
  options.resamples = 100;
  options.exclude_ids = audit_excluded_ids_parse("q1\nq2\n", "all.txt");
  CompareResult result = compare_runs(runs, compare_pairs_default(2), options);
  EXPECT_EQ(result.rows.size(), 1u);
  EXPECT_TRUE(result.clean_rows.empty());
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_NE(result.notes[0].find("every common item"), std::string::npos);
}

}  // namespace
}  // namespace clinbench
