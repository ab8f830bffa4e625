// Python str/re semantics on UTF-8 text.
#include "metrics/python_text.h"

#include <gtest/gtest.h>

namespace clinbench {
namespace {

TEST(PythonIsWordCodePoint, LettersDigitsUnderscore) {
  EXPECT_TRUE(python_is_word_code_point('a'));
  EXPECT_TRUE(python_is_word_code_point('Z'));
  EXPECT_TRUE(python_is_word_code_point('7'));
  EXPECT_TRUE(python_is_word_code_point('_'));
  EXPECT_TRUE(python_is_word_code_point(0x00E9));  // é
  EXPECT_TRUE(python_is_word_code_point(0x4E00));  // CJK ideograph
  EXPECT_TRUE(python_is_word_code_point(0x0663));  // Arabic-Indic digit three
  EXPECT_FALSE(python_is_word_code_point('-'));
  EXPECT_FALSE(python_is_word_code_point(' '));
  EXPECT_FALSE(python_is_word_code_point(0x2014));  // em dash
  EXPECT_FALSE(python_is_word_code_point(0x00A0));  // no-break space
}

TEST(PythonWordAt, DecodesUtf8BothWays) {
  const std::string text = "a\u00e9-\u2014";
  size_t length = 0;
  EXPECT_TRUE(python_word_at(text, 0, &length));
  EXPECT_EQ(length, 1u);
  EXPECT_TRUE(python_word_at(text, 1, &length));
  EXPECT_EQ(length, 2u);
  EXPECT_FALSE(python_word_at(text, 3));
  EXPECT_FALSE(python_word_at(text, 4));
  EXPECT_FALSE(python_word_at(text, text.size()));
  EXPECT_FALSE(python_word_before(text, 0));
  EXPECT_TRUE(python_word_before(text, 1));
  EXPECT_TRUE(python_word_before(text, 3));  // after é
  EXPECT_FALSE(python_word_before(text, 4));
  EXPECT_FALSE(python_word_before(text, text.size()));
  // Invalid bytes are not word characters.
  EXPECT_FALSE(python_word_at("\xff", 0));
  EXPECT_FALSE(python_word_before("\xff", 1));
  EXPECT_FALSE(python_word_before("a\x80", 2));
}

TEST(PythonUpper, FullMappingsThatReachAscii) {
  EXPECT_EQ(python_upper("neutral Entailment 12!"), "NEUTRAL ENTAILMENT 12!");
  EXPECT_EQ(python_upper("stra\u00dfe"), "STRASSE");
  EXPECT_EQ(python_upper("\u0131\u017f\ufb01"), "ISFI");
  EXPECT_EQ(python_upper("\u00e9\u03b1"), "\u00c9\u0391");  // simple mapping: é -> É, α -> Α
  EXPECT_EQ(python_upper("a\xff"
                         "b"),
            "A\xff"
            "B");  // invalid byte kept
}

}  // namespace
}  // namespace clinbench
