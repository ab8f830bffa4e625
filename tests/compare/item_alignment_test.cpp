// Runs that asked different things are refused, naming the task, both runs and the first
// differing item; --allow-mismatch compares the common items and says so.
#include <gtest/gtest.h>

#include "clinbench/compare.h"
#include "run_fixtures.h"

namespace clinbench {
namespace {

using testing::fixture_run;
using testing::fixture_task;

std::string refusal(const std::vector<CompareRun>& runs) {
  try {
    compare_runs(runs, compare_pairs_default(runs.size()), CompareOptions{});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(CompareAlignment, DifferentIdsAreRefusedNamingTheFirstOne) {
  testing::FixtureTask base = fixture_task("medqa", "acc", {1, 0, 1, 1});
  testing::FixtureTask tuned = base;
  tuned.samples[2].id = "q99";
  std::string message =
      refusal({fixture_run("Llama-3-8B", {base}), fixture_run("OpenBioLLM-8B", {tuned})});
  EXPECT_NE(message.find("task 'medqa'"), std::string::npos) << message;
  EXPECT_NE(message.find("'OpenBioLLM-8B' (/runs/OpenBioLLM-8B)"), std::string::npos) << message;
  EXPECT_NE(message.find("'Llama-3-8B' (/runs/Llama-3-8B)"), std::string::npos) << message;
  EXPECT_NE(message.find("item 3 is id 'q99' in the fine-tune run but id 'q3' in the base run"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("--allow-mismatch"), std::string::npos) << message;
}

TEST(CompareAlignment, DifferentPromptsAreRefused) {
  testing::FixtureTask base = fixture_task("medqa", "acc", {1, 0, 1});
  testing::FixtureTask tuned = base;
  tuned.samples[1].prompt_key = "another-prompt";
  std::string message = refusal({fixture_run("base", {base}), fixture_run("tuned", {tuned})});
  EXPECT_NE(message.find("item id 'q2' was asked with a different prompt"), std::string::npos)
      << message;
}

TEST(CompareAlignment, ExtraItemsAreRefused) {
  std::string message =
      refusal({fixture_run("base", {fixture_task("medqa", "acc", {1, 0, 1})}),
               fixture_run("tuned", {fixture_task("medqa", "acc", {1, 0, 1, 1, 0})})});
  EXPECT_NE(message.find("the fine-tune run has 5 items and the base run 3; the first item only in "
                         "the fine-tune run is id 'q4'"),
            std::string::npos)
      << message;
}

TEST(CompareAlignment, AllowMismatchComparesTheCommonItemsAndSaysSo) {
  testing::FixtureTask base = fixture_task("medqa", "acc", {1, 0, 1, 1, 0});
  testing::FixtureTask tuned = fixture_task("medqa", "acc", {0, 0, 1, 1, 1, 1});
  tuned.samples.erase(tuned.samples.begin() + 1);  // q2 gone: q1 q3 q4 q5 q6
  tuned.samples[2].prompt_key = "changed";         // q4
  std::vector<CompareRun> runs = {fixture_run("base", {base}), fixture_run("tuned", {tuned})};
  CompareOptions options;
  options.allow_mismatch = true;
  CompareResult result = compare_runs(runs, compare_pairs_default(2), options);
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].stats.bootstrap.n, 4);  // q1 q3 q4 q5
  // tuned q1 q3 q4 q5 = 0 1 1 1 ; base = 1 1 1 0
  EXPECT_DOUBLE_EQ(result.rows[0].stats.bootstrap.mean_a, 0.75);
  EXPECT_DOUBLE_EQ(result.rows[0].stats.bootstrap.mean_b, 0.75);
  ASSERT_EQ(result.notes.size(), 1u);
  const std::string& note = result.notes[0];
  EXPECT_NE(note.find("compared on the 4 items both runs hold (of 5 and 5)"), std::string::npos)
      << note;
  EXPECT_NE(note.find("1 of them were asked with different prompts"), std::string::npos) << note;
  EXPECT_NE(note.find("--allow-mismatch"), std::string::npos) << note;
}

TEST(CompareAlignment, RepeatedIdsMatchByOccurrence) {
  std::vector<Sample> a = {nlohmann::json{{"id", "p1"}, {"prompt_key", "x"}},
                           nlohmann::json{{"id", "p1"}, {"prompt_key", "y"}}};
  std::vector<Sample> b = a;
  CompareAlignment same = compare_align(a, b);
  EXPECT_TRUE(same.first_difference.empty());
  EXPECT_EQ(same.fine_tune_rows, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(same.base_rows, (std::vector<size_t>{0, 1}));
  std::swap(b[0], b[1]);
  CompareAlignment swapped = compare_align(a, b);
  EXPECT_NE(swapped.first_difference.find("'p1' was asked with a different prompt"),
            std::string::npos);
}

TEST(CompareAlignment, MissingScoresCountAsZero) {
  EXPECT_EQ(compare_sample_score(nlohmann::json{{"scores", {{"acc", 1}}}}, "acc"), 1.0);
  EXPECT_EQ(compare_sample_score(nlohmann::json{{"scores", {{"acc", 1}}}}, "acc_norm"), 0.0);
  EXPECT_EQ(compare_sample_score(nlohmann::json{{"scores", {{"acc", nullptr}}}}, "acc"), 0.0);
  EXPECT_EQ(compare_sample_score(nlohmann::json{{"status", "context_overflow"}}, "acc"), 0.0);
}

}  // namespace
}  // namespace clinbench
