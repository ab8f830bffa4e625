// Golden statistics of the comparison table: values worked out by hand from the definitions
// (exact binomial McNemar, Holm step-down, exact sign-flip), not from clinbench's own output.
#include <gtest/gtest.h>

#include "clinbench/compare.h"
#include "run_fixtures.h"

namespace clinbench {
namespace {

using testing::fixture_binary_pair;
using testing::fixture_run;
using testing::fixture_task;

CompareOptions fast_options() {
  CompareOptions options;
  options.resamples = 2000;
  return options;
}

TEST(CompareTable, IdenticalRunsDifferByNothing) {
  std::vector<double> scores = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
  std::vector<double> rouge = {0.25, 0.5, 0.125, 0.0, 1.0, 0.75, 0.3, 0.2, 0.1, 0.9};
  std::vector<CompareRun> runs = {fixture_run("base", {fixture_task("medqa", "acc", scores),
                                                       fixture_task("meqsum", "rougeL", rouge)}),
                                  fixture_run("tuned", {fixture_task("medqa", "acc", scores),
                                                        fixture_task("meqsum", "rougeL", rouge)})};
  CompareResult result = compare_runs(runs, compare_pairs_default(runs.size()), fast_options());
  ASSERT_EQ(result.rows.size(), 2u);
  for (const CompareRow& row : result.rows) {
    EXPECT_EQ(row.fine_tune, 1u);
    EXPECT_EQ(row.base, 0u);
    EXPECT_EQ(row.stats.bootstrap.n, 10);
    EXPECT_EQ(row.stats.bootstrap.difference, 0.0) << row.task;
    // 0/1 scores with no discordant item: the exact bound 1 - 0.025 ** (1 / 10) (docs/compare.md);
    // ROUGE has no such bound and keeps the bootstrap's point.
    const double bound = row.metric == "acc" ? 0.30849710781876083 : 0.0;
    EXPECT_NEAR(row.stats.bootstrap.ci_low, -bound, 1e-15) << row.task;
    EXPECT_NEAR(row.stats.bootstrap.ci_high, bound, 1e-15) << row.task;
    EXPECT_EQ(row.stats.p_value, 1.0) << row.task;
    EXPECT_EQ(row.p_holm, 1.0) << row.task;
    EXPECT_FALSE(row.significant);
    EXPECT_EQ(row.better.ties, 10);
    EXPECT_EQ(row.better.wins + row.better.losses, 0);
  }
  EXPECT_EQ(result.rows[0].stats.test, StatsPairedTest::mcnemar_exact);
  EXPECT_EQ(result.rows[1].stats.test, StatsPairedTest::none);
  EXPECT_TRUE(result.notes.empty());
}

TEST(CompareTable, McNemarFromDiscordantCounts) {
  // 40 items: both right 20, only the fine-tune right 2, only the base right 9, both wrong 9.
  // Discordant 2 vs 9: p = 2 * P[Bin(11, 1/2) <= 2] = 2 * (1 + 11 + 55) / 2048 = 134 / 2048.
  auto [tuned, base] = fixture_binary_pair(20, 2, 9, 9);
  std::vector<CompareRun> runs = {fixture_run("base", {fixture_task("medqa", "acc", base)}),
                                  fixture_run("tuned", {fixture_task("medqa", "acc", tuned)})};
  CompareResult result = compare_runs(runs, compare_pairs_default(2), fast_options());
  ASSERT_EQ(result.rows.size(), 1u);
  const CompareRow& row = result.rows[0];
  EXPECT_EQ(row.stats.test, StatsPairedTest::mcnemar_exact);
  EXPECT_DOUBLE_EQ(row.stats.p_value, 134.0 / 2048.0);
  EXPECT_DOUBLE_EQ(row.p_holm, 134.0 / 2048.0);  // a table of one row
  EXPECT_DOUBLE_EQ(row.stats.bootstrap.mean_a, 22.0 / 40.0);
  EXPECT_DOUBLE_EQ(row.stats.bootstrap.mean_b, 29.0 / 40.0);
  EXPECT_NEAR(row.stats.bootstrap.difference, -7.0 / 40.0, 1e-15);
  EXPECT_LT(row.stats.bootstrap.ci_low, row.stats.bootstrap.difference);
  EXPECT_GT(row.stats.bootstrap.ci_high, row.stats.bootstrap.difference);
  EXPECT_EQ(row.better.wins, 2);
  EXPECT_EQ(row.better.ties, 29);
  EXPECT_EQ(row.better.losses, 9);
  EXPECT_FALSE(row.significant);

  // The interval is stats_paired_bootstrap's on the aligned scores, with the given seed.
  StatsBootstrapOptions bootstrap{fast_options().seed, fast_options().resamples, 0.95};
  std::optional<StatsPairedBootstrap> direct = stats_paired_bootstrap(tuned, base, bootstrap);
  ASSERT_TRUE(direct);
  EXPECT_EQ(row.stats.bootstrap.ci_low, direct->ci_low);
  EXPECT_EQ(row.stats.bootstrap.ci_high, direct->ci_high);
}

TEST(CompareTable, HolmAcrossTheWholeTable) {
  // Three rows: discordant 0 vs 6 (p = 2 / 2^6 = 0.03125), 2 vs 9 (p = 134 / 2048), identical
  // (p = 1). Holm, m = 3: sorted p * (3, 2, 1), running maximum, capped at 1:
  // 0.09375, 0.130859375, 1.
  auto [tuned_a, base_a] = fixture_binary_pair(10, 0, 6, 4);
  auto [tuned_b, base_b] = fixture_binary_pair(20, 2, 9, 9);
  std::vector<double> same = {1, 0, 1};
  std::vector<CompareRun> runs = {fixture_run("base", {fixture_task("medqa", "acc", base_a),
                                                       fixture_task("pubmedqa", "acc", base_b),
                                                       fixture_task("mednli", "acc", same)}),
                                  fixture_run("tuned", {fixture_task("medqa", "acc", tuned_a),
                                                        fixture_task("pubmedqa", "acc", tuned_b),
                                                        fixture_task("mednli", "acc", same)})};
  CompareOptions options = fast_options();
  options.alpha = 0.1;
  CompareResult result = compare_runs(runs, compare_pairs_default(2), options);
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(result.rows[0].task, "medqa");  // the runs' own task order
  EXPECT_EQ(result.rows[1].task, "pubmedqa");
  EXPECT_EQ(result.rows[2].task, "mednli");
  EXPECT_DOUBLE_EQ(result.rows[0].stats.p_value, 0.03125);
  EXPECT_DOUBLE_EQ(result.rows[1].stats.p_value, 134.0 / 2048.0);
  EXPECT_DOUBLE_EQ(result.rows[2].stats.p_value, 1.0);
  EXPECT_DOUBLE_EQ(result.rows[0].p_holm, 0.09375);
  EXPECT_DOUBLE_EQ(result.rows[1].p_holm, 0.130859375);
  EXPECT_DOUBLE_EQ(result.rows[2].p_holm, 1.0);
  EXPECT_TRUE(result.rows[0].significant);  // 0.09375 < 0.1
  EXPECT_FALSE(result.rows[1].significant);
  EXPECT_FALSE(result.rows[2].significant);
}

TEST(CompareTable, HolmSpansPairsToo) {
  // Two pairs over one task: the family is every row of every pair. Discordant 0 vs 6 twice:
  // p = 0.03125 each; Holm, m = 2: 0.0625 and max(0.0625, 0.03125) = 0.0625.
  auto [tuned, base] = fixture_binary_pair(10, 0, 6, 4);
  std::vector<CompareRun> runs = {fixture_run("base", {fixture_task("medqa", "acc", base)}),
                                  fixture_run("tuned-1", {fixture_task("medqa", "acc", tuned)}),
                                  fixture_run("tuned-2", {fixture_task("medqa", "acc", tuned)})};
  CompareResult result = compare_runs(runs, compare_pairs_default(3), fast_options());
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].fine_tune, 1u);
  EXPECT_EQ(result.rows[1].fine_tune, 2u);
  EXPECT_DOUBLE_EQ(result.rows[0].p_holm, 0.0625);
  EXPECT_DOUBLE_EQ(result.rows[1].p_holm, 0.0625);
}

TEST(CompareTable, ContinuousScoresUseTheSignFlipTest) {
  // Differences 0.1, 0.2, 0.3 (and ties): of the 2^3 sign vectors only all-plus and all-minus
  // reach |sum| = 0.6, so p = 2 / 8 exactly.
  std::vector<double> base = {0.2, 0.2, 0.2, 0.5, 0.5};
  std::vector<double> tuned = {0.3, 0.4, 0.5, 0.5, 0.5};
  std::vector<CompareRun> runs = {fixture_run("base", {fixture_task("meqsum", "rougeL", base)}),
                                  fixture_run("tuned", {fixture_task("meqsum", "rougeL", tuned)})};
  CompareResult result = compare_runs(runs, compare_pairs_default(2), fast_options());
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].stats.test, StatsPairedTest::sign_flip_exact);
  EXPECT_DOUBLE_EQ(result.rows[0].stats.p_value, 0.25);
  EXPECT_NEAR(result.rows[0].stats.bootstrap.difference, 0.12, 1e-12);
  EXPECT_EQ(result.rows[0].better.wins, 3);
  EXPECT_EQ(result.rows[0].better.ties, 2);
}

TEST(CompareTable, FailureRatesCountLowerAsBetter) {
  // The fine-tune fails to give an answer on 3 items the base answered, never the reverse.
  std::vector<double> base = {0, 0, 0, 0, 0, 1};
  std::vector<double> tuned = {1, 1, 1, 0, 0, 1};
  std::vector<CompareRun> runs = {
      fixture_run("base", {fixture_task("medqa_gen", "extraction_failure", base)}),
      fixture_run("tuned", {fixture_task("medqa_gen", "extraction_failure", tuned)})};
  CompareResult result = compare_runs(runs, compare_pairs_default(2), fast_options());
  ASSERT_EQ(result.rows.size(), 1u);
  const CompareRow& row = result.rows[0];
  EXPECT_FALSE(row.higher_is_better);
  EXPECT_GT(row.stats.bootstrap.difference, 0);  // the raw difference keeps its sign
  EXPECT_EQ(row.stats.counts.wins, 3);           // raw: the fine-tune's score is higher
  EXPECT_EQ(row.better.wins, 0);                 // but it did better on no item
  EXPECT_EQ(row.better.losses, 3);
  EXPECT_DOUBLE_EQ(row.stats.p_value, 0.25);  // McNemar 3 vs 0: 2 / 2^3
  EXPECT_FALSE(compare_metric_higher_is_better("hallucination_rate"));
  EXPECT_TRUE(compare_metric_higher_is_better("valid_code_rate"));
  EXPECT_TRUE(compare_metric_higher_is_better("rougeL"));
}

TEST(CompareTable, TheSeedMakesTablesReproducible) {
  auto [tuned, base] = fixture_binary_pair(30, 7, 3, 10);
  std::vector<CompareRun> runs = {fixture_run("base", {fixture_task("medqa", "acc", base)}),
                                  fixture_run("tuned", {fixture_task("medqa", "acc", tuned)})};
  CompareOptions options = fast_options();
  CompareResult first = compare_runs(runs, compare_pairs_default(2), options);
  CompareResult again = compare_runs(runs, compare_pairs_default(2), options);
  EXPECT_EQ(first.rows[0].stats.bootstrap.ci_low, again.rows[0].stats.bootstrap.ci_low);
  EXPECT_EQ(first.rows[0].stats.bootstrap.ci_high, again.rows[0].stats.bootstrap.ci_high);
  options.seed += 1;
  CompareResult other = compare_runs(runs, compare_pairs_default(2), options);
  EXPECT_EQ(first.rows[0].stats.p_value, other.rows[0].stats.p_value);  // exact test: no seed
}

TEST(CompareTable, TasksOnlyOneSideHasAreNotedNotCompared) {
  std::vector<CompareRun> runs = {fixture_run("base", {fixture_task("medqa", "acc", {1, 0}),
                                                       fixture_task("pubmedqa", "acc", {1, 1})}),
                                  fixture_run("tuned", {fixture_task("medqa", "acc", {1, 1})})};
  CompareResult result = compare_runs(runs, compare_pairs_default(2), fast_options());
  ASSERT_EQ(result.rows.size(), 1u);
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_NE(result.notes[0].find("pubmedqa"), std::string::npos) << result.notes[0];
}

}  // namespace
}  // namespace clinbench
