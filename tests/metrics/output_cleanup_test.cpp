// CLUE's output clean-up against Python's own re and str (tests/data/golden/metrics/
// make_output_cleanup_golden.py), and the steps the built-in tasks declare.
#include "metrics/output_cleanup.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clinbench/kinds.h"
#include "clinbench/tasks.h"
#include "metrics/python_text.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::vector<OutputCleanup> steps_of(const nlohmann::json& names) {
  std::vector<OutputCleanup> steps;
  for (const auto& name : names) {
    std::optional<OutputCleanup> step = output_cleanup_from_name(name.get<std::string>());
    EXPECT_TRUE(step.has_value()) << name;
    if (step) steps.push_back(*step);
  }
  return steps;
}

TEST(OutputCleanupGolden, EqualsPythonForEveryCase) {
  std::ifstream in(testing::test_data_dir() / "golden" / "metrics" / "output_cleanup_golden.jsonl");
  ASSERT_TRUE(in) << "golden file missing";
  std::string line;
  int cases = 0;
  while (std::getline(in, line)) {
    nlohmann::json c = nlohmann::json::parse(line);
    std::vector<OutputCleanup> steps = steps_of(c["steps"]);
    EXPECT_EQ(output_cleanup_apply(steps, c["input"].get<std::string>()), c["expected"].get<std::string>())
        << "steps " << c["steps"].dump() << " input " << c["input"].dump();
    ++cases;
  }
  EXPECT_EQ(cases, 160);
}

TEST(OutputCleanup, SelfPromptingIsCutPerLineNotToTheEnd) {
  // No DOTALL: the line after the marker survives (a DOTALL regex would remove it).
  EXPECT_EQ(output_cleanup_step(OutputCleanup::cut_self_prompting, "a [INST] b\nc"), "a \nc");
  EXPECT_EQ(output_cleanup_step(OutputCleanup::cut_self_prompting, "You are an AI\nYou are an AI"), "\n");
}

TEST(OutputCleanup, PhiSplitNeedsTheLeadingSpace) {
  EXPECT_EQ(output_cleanup_step(OutputCleanup::phi_end_split, "yes <|end|> no <|end|>"), "yes");
  EXPECT_EQ(output_cleanup_step(OutputCleanup::phi_end_split, "yes<|end|> no"), "yes<|end|> no");
}

TEST(OutputCleanup, StepsRunInTheDeclaredOrder) {
  // strip first keeps the space that the Phi split then finds; the other order leaves "a".
  std::vector<OutputCleanup> strip_then_split = {OutputCleanup::strip, OutputCleanup::phi_end_split};
  std::vector<OutputCleanup> split_then_strip = {OutputCleanup::phi_end_split, OutputCleanup::strip};
  EXPECT_EQ(output_cleanup_apply(strip_then_split, " a  <|end|> b "), "a ");
  EXPECT_EQ(output_cleanup_apply(split_then_strip, " a  <|end|> b "), "a");
  EXPECT_EQ(output_cleanup_apply({}, " raw "), " raw ");
}

TEST(PythonStrip, UnicodeWhitespaceAndInvalidBytes) {
  EXPECT_EQ(python_strip("\u00a0\u3000 x y \u2029\x1f"), "x y");
  EXPECT_EQ(python_strip("\u200bx\u200b"), "\u200bx\u200b");  // zero-width space is not whitespace
  EXPECT_EQ(python_strip(" \xff x \xfe "), "\xff x \xfe");      // invalid bytes stop the strip
  EXPECT_EQ(python_strip(" \t\n "), "");
  EXPECT_EQ(python_strip(""), "");
}

// The built-in tasks declare CLUE's steps, script by script.
TEST(OutputCleanup, BuiltinTasksDeclareClueSteps) {
  using enum OutputCleanup;
  const std::vector<OutputCleanup> split_and_cut = {phi_end_split, cut_self_prompting};
  EXPECT_EQ(task_spec_find("mednli").output_cleanup, split_and_cut);
  EXPECT_EQ(task_spec_find("meqsum").output_cleanup, split_and_cut);
  EXPECT_EQ(task_spec_find("problem_summary").output_cleanup, split_and_cut);
  EXPECT_EQ(task_spec_find("medisumcode").output_cleanup, split_and_cut);
  EXPECT_EQ(task_spec_find("medisumqa").output_cleanup, (std::vector<OutputCleanup>{strip, phi_end_split}));
  EXPECT_EQ(task_spec_find("longhealth_task1").output_cleanup, (std::vector<OutputCleanup>{phi_end_split}));
  EXPECT_TRUE(task_spec_find("longhealth_task2").output_cleanup.empty());
  EXPECT_TRUE(task_spec_find("longhealth_task3").output_cleanup.empty());
  EXPECT_TRUE(task_spec_find("medqa_gen").output_cleanup.empty());
}

}  // namespace
}  // namespace clinbench
