// Answer-letter extraction against hand-written expectations in
// tests/data/golden/metrics/answer_letters_golden.jsonl (no published reference exists for
// free-text letter extraction; each line says which rule should fire, or why none may), and the
// LongHealth strict rule.
#include "metrics/answer_extraction.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clinbench/metrics.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path golden_dir() { return testing::test_data_dir() / "golden" / "metrics"; }

const std::vector<std::string> kOptions = {"Acute bronchitis", "Pneumonia", "Asthma",
                                           "Pulmonary embolism"};

TEST(AnswerLetterExtract, MatchesGoldenPhrasings) {
  std::ifstream file(golden_dir() / "answer_letters_golden.jsonl");
  ASSERT_TRUE(file) << "missing answer_letters_golden.jsonl";
  int cases = 0;
  int must_not_match = 0;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    nlohmann::json row = nlohmann::json::parse(line);
    const std::string output = row.at("output");
    const std::string letters = row.value("letters", std::string("ABCD"));
    AnswerExtraction extraction = answer_letter_extract(output, letters, kOptions);
    const std::string reason = answer_reason_name(extraction.reason).data();
    if (row.at("expected").is_null()) {
      ++must_not_match;
      EXPECT_EQ(extraction.status, AnswerStatus::no_answer)
          << "'" << output << "' read as " << extraction.letter << " by " << reason;
      EXPECT_EQ(extraction.letter, '\0') << output;
    } else {
      const std::string expected = row.at("expected");
      EXPECT_EQ(extraction.status, AnswerStatus::answered) << "'" << output << "': " << reason;
      EXPECT_EQ(std::string(1, extraction.letter), expected) << output;
    }
    EXPECT_EQ(reason, row.at("reason").get<std::string>()) << "'" << output << "'";
    ++cases;
  }
  EXPECT_GE(cases, 40);
  EXPECT_GE(must_not_match, 10);
}

TEST(AnswerLetterExtract, WithoutOptionTextsSkipsTheTextRule) {
  AnswerExtraction extraction = answer_letter_extract("Asthma", "ABCD", {});
  EXPECT_EQ(extraction.status, AnswerStatus::no_answer);
  EXPECT_EQ(extraction.reason, AnswerReason::nothing_found);
}

TEST(AnswerLetterExtract, DuplicateOptionTextsAreAmbiguous) {
  std::vector<std::string> options = {"Asthma", "asthma.", "Pneumonia"};
  AnswerExtraction extraction = answer_letter_extract("asthma", "ABC", options);
  EXPECT_EQ(extraction.status, AnswerStatus::no_answer);
  EXPECT_EQ(extraction.reason, AnswerReason::conflicting_letters);
}

TEST(AnswerTextStripMarkdown, RemovesEmphasisAndLeadingSpace) {
  EXPECT_EQ(answer_text_strip_markdown("  \n**Answer:** `C`"), "Answer: C");
  EXPECT_EQ(answer_text_strip_markdown("## __B__"), "B");
}

TEST(AnswerTextIsRefusal, RecognisesCommonRefusals) {
  EXPECT_TRUE(answer_text_is_refusal("I'm sorry, I can't help with that."));
  EXPECT_TRUE(answer_text_is_refusal("As an AI language model, ..."));
  EXPECT_FALSE(answer_text_is_refusal("The answer is B."));
}

TEST(AnswerLetterLonghealth, FirstMatchOfTheStrictRegex) {
  EXPECT_EQ(answer_letter_longhealth("The correct answer is C: Acute bronchitis."), "C");
  // The first match wins, later ones are ignored.
  EXPECT_EQ(answer_letter_longhealth("The correct answer is B: x. The correct answer is C: y"),
            "B");
  // A failed candidate does not stop the search.
  EXPECT_EQ(answer_letter_longhealth("The correct answer is (C). The correct answer is D: y"), "D");
  // Strict: no colon, brackets, two spaces, lower-case "the", or two characters do not match.
  EXPECT_FALSE(answer_letter_longhealth("The correct answer is C. Acute bronchitis").has_value());
  EXPECT_FALSE(answer_letter_longhealth("The correct answer is (C): x").has_value());
  EXPECT_FALSE(answer_letter_longhealth("The correct answer is  C: x").has_value());
  EXPECT_FALSE(answer_letter_longhealth("the correct answer is C: x").has_value());
  EXPECT_FALSE(answer_letter_longhealth("The correct answer is CD: x").has_value());
  EXPECT_FALSE(answer_letter_longhealth("").has_value());
  EXPECT_FALSE(answer_letter_longhealth("The correct answer is C").has_value());
  // \w is any word character: a lower-case letter, a digit, "_" or a non-ASCII letter.
  EXPECT_EQ(answer_letter_longhealth("The correct answer is c: x"), "c");
  EXPECT_EQ(answer_letter_longhealth("The correct answer is 3: x"), "3");
  EXPECT_EQ(answer_letter_longhealth("The correct answer is \u00c9: x"), "\u00c9");
  EXPECT_FALSE(answer_letter_longhealth("The correct answer is -: x").has_value());
}

TEST(MetricLonghealthCorrect, ComparesCaseSensitively) {
  EXPECT_TRUE(metric_longhealth_correct("The correct answer is C: Acute bronchitis.", "C"));
  EXPECT_FALSE(metric_longhealth_correct("The correct answer is c: Acute bronchitis.", "C"));
  EXPECT_FALSE(metric_longhealth_correct("C", "C"));  // no match is wrong
  EXPECT_TRUE(metric_longhealth_correct(
      "The correct answer is F: Question cannot be answered with provided documents", "F"));
}

}  // namespace
}  // namespace clinbench
