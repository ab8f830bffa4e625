// Items whose request failed are missing on that side, never losses: compare refuses a pair
// where one side failed items the other answered (a context overflow one model fit, a server
// error), or with allow_failures leaves them out of both sides with a note.
#include <gtest/gtest.h>

#include "clinbench/compare.h"
#include "run_fixtures.h"

namespace clinbench {
namespace {

using testing::fixture_run;
using testing::fixture_task;

CompareOptions options(bool allow_failures) {
  CompareOptions out;
  out.resamples = 500;
  out.allow_failures = allow_failures;
  return out;
}

// 10 items both models answer the same; the base's items q3 and q7 did not fit its context
// (q3 as runs before this rule wrote it, scored 0; q7 as they are written now, with no scores).
std::vector<CompareRun> runs_with_base_overflow() {
  std::vector<double> scores = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
  testing::FixtureTask base = fixture_task("longhealth_task1", "acc", scores);
  base.samples[2].status = "context_overflow";
  base.samples[2].scores = {{"acc", 0.0}};
  base.samples[6].status = "context_overflow";
  base.samples[6].scores.clear();
  return {fixture_run("base", {base}), fixture_run("tuned", {fixture_task("longhealth_task1", "acc", scores)})};
}

TEST(CompareFailedItems, OneSidedFailuresAreRefusedNamingTheCause) {
  std::vector<CompareRun> runs = runs_with_base_overflow();
  try {
    compare_runs(runs, compare_pairs_default(runs.size()), options(false));
    FAIL() << "a context overflow on one side only must not become a loss";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("task 'longhealth_task1'"), std::string::npos) << message;
    EXPECT_NE(message.find("'base': 2 context_overflow"), std::string::npos) << message;
    EXPECT_NE(message.find("2 items answered on one side only, the first id 'q3'"), std::string::npos) << message;
    EXPECT_NE(message.find("--allow-failures"), std::string::npos) << message;
  }
}

TEST(CompareFailedItems, AllowedFailuresLeaveBothSidesWithANote) {
  std::vector<CompareRun> runs = runs_with_base_overflow();
  CompareResult result = compare_runs(runs, compare_pairs_default(runs.size()), options(true));
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].stats.bootstrap.n, 8);
  EXPECT_EQ(result.rows[0].better.ties, 8);  // the old code counted the base's two overflows as losses
  EXPECT_EQ(result.rows[0].better.wins + result.rows[0].better.losses, 0);
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_EQ(result.notes[0],
            "task 'longhealth_task1': 'tuned' vs 'base' compared on the 8 items both answered; 2 left out of both "
            "sides because a request failed ('base': 2 context_overflow), 2 of them on one side only "
            "(--allow-failures).");
}

TEST(CompareFailedItems, FailuresOnBothSidesAreLeftOutWithoutAsking) {
  std::vector<double> scores = {1, 0, 1, 1, 0};
  testing::FixtureTask a = fixture_task("medqa", "acc", scores);
  testing::FixtureTask b = fixture_task("medqa", "acc", scores);
  a.samples[1].status = "backend_error";
  a.samples[1].scores.clear();
  b.samples[1].status = "backend_error";
  b.samples[1].scores.clear();
  std::vector<CompareRun> runs = {fixture_run("base", {b}), fixture_run("tuned", {a})};
  CompareResult result = compare_runs(runs, compare_pairs_default(runs.size()), options(false));
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].stats.bootstrap.n, 4);
  ASSERT_EQ(result.notes.size(), 1u);
  EXPECT_NE(result.notes[0].find("compared on the 4 items both answered; 1 left out of both sides"), std::string::npos)
      << result.notes[0];
}

}  // namespace
}  // namespace clinbench
