// `clinbench compare` as a user runs it: the real binary on run folders written by hand.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "run_fixtures.h"
#include "test_support.h"

namespace clinbench {
namespace {

struct Outcome {
  int status = -1;
  std::string output;  // stdout and stderr together
};

Outcome run_clinbench(const std::string& arguments) {
  std::string command = testing::clinbench_binary().string() + " " + arguments + " 2>&1";
  Outcome outcome;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) outcome.output.append(buffer, n);
  int raw = pclose(pipe);
  outcome.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return outcome;
}

class CompareCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::work_dir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto [tuned, base] = testing::fixture_binary_pair(20, 2, 9, 9);
    testing::fixture_run_write(dir_ / "base", "Meta-Llama-3-8B-Instruct",
                               {testing::fixture_task("medqa", "acc", base)});
    testing::fixture_run_write(dir_ / "tuned", "Llama3-OpenBioLLM-8B",
                               {testing::fixture_task("medqa", "acc", tuned)});
  }
  std::filesystem::path dir_;
};

TEST_F(CompareCommand, PrintsAndWritesTheTables) {
  Outcome outcome =
      run_clinbench("compare " + (dir_ / "base").string() + " " + (dir_ / "tuned").string() +
                    " --resamples 500 --output-dir " + (dir_ / "out").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(
      outcome.output.find(
          "| medqa | acc | Llama3-OpenBioLLM-8B | Meta-Llama-3-8B-Instruct | 40 | 0.550 | 0.725 |"),
      std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("McNemar exact | 0.065 | 0.065 |"), std::string::npos)
      << outcome.output;
  nlohmann::json json = nlohmann::json::parse(read_file(dir_ / "out" / "compare.json"));
  EXPECT_EQ(json["settings"]["resamples"], 500);
  EXPECT_EQ(json["comparisons"].size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out" / "compare_pairs.csv"));
}

TEST_F(CompareCommand, RefusesMismatchedRunsUnlessAllowed) {
  auto [tuned, base] = testing::fixture_binary_pair(20, 2, 9, 9);
  testing::FixtureTask shifted = testing::fixture_task("medqa", "acc", tuned);
  shifted.samples[4].id = "q400";
  testing::fixture_run_write(dir_ / "shifted", "Llama3-Aloe-8B-Alpha", {shifted});
  const std::string runs = (dir_ / "base").string() + " " + (dir_ / "shifted").string();
  Outcome refused = run_clinbench("compare " + runs + " --output-dir " + (dir_ / "out").string());
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("error: task 'medqa': runs 'Llama3-Aloe-8B-Alpha' (" +
                                (dir_ / "shifted").string() + ") and 'Meta-Llama-3-8B-Instruct' (" +
                                (dir_ / "base").string() + ")"),
            std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("item 5 is id 'q400'"), std::string::npos) << refused.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out" / "compare.json"));

  Outcome allowed =
      run_clinbench("compare " + runs + " --allow-mismatch --resamples 200 --output-dir " +
                    (dir_ / "out").string());
  ASSERT_EQ(allowed.status, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("compared on the 39 items both runs hold (of 40 and 40)"),
            std::string::npos)
      << allowed.output;
}

TEST_F(CompareCommand, PairsFileErrorsNameTheLine) {
  write_file_atomic(
      dir_ / "pairs.yaml",
      "- fine_tune: Llama3-OpenBioLLM-8B\n  base: Meta-Llama-3-8B-Instruct\n- fine_tune: x\n");
  Outcome outcome =
      run_clinbench("compare " + (dir_ / "base").string() + " " + (dir_ / "tuned").string() +
                    " --pairs " + (dir_ / "pairs.yaml").string());
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(
      outcome.output.find((dir_ / "pairs.yaml").string() + ":3: field 'pairs[1].base': missing"),
      std::string::npos)
      << outcome.output;
}

TEST_F(CompareCommand, OneRunIsNotAComparison) {
  Outcome outcome = run_clinbench("compare " + (dir_ / "base").string());
  EXPECT_EQ(outcome.status, 1);
  EXPECT_NE(outcome.output.find("compare needs two run folders or more"), std::string::npos)
      << outcome.output;
}

}  // namespace
}  // namespace clinbench
