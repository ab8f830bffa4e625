// The audit's word rule: NFKC, case folded, letters/marks/digits are words, the rest separates.
#include <gtest/gtest.h>

#include "clinbench/audit.h"

namespace clinbench {
namespace {

TEST(AuditNormalize, LowerCasesAndDropsPunctuation) {
  EXPECT_EQ(audit_normalize("Fever, COUGH & dyspnea!"), "fever cough dyspnea");
  EXPECT_EQ(audit_normalize("  a 45-year-old man\t\n(BMI 31.2 kg/m2)... "), "a 45 year old man bmi 31 2 kg m2");
  EXPECT_EQ(audit_normalize("don't"), "don t");
  EXPECT_EQ(audit_normalize(""), "");
  EXPECT_EQ(audit_normalize("--- ... !!!"), "");
}

TEST(AuditNormalize, AppliesNfkcAndCaseFolding) {
  // U+FB01 LATIN SMALL LIGATURE FI is "fi" under NFKC; full-width letters are ASCII letters.
  EXPECT_EQ(audit_normalize("\xef\xac\x81" "brosis"), "fibrosis");
  EXPECT_EQ(audit_normalize("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3"), "abc");
  // Superscript two is the digit 2; the micro sign is Greek mu, folded to lower case.
  EXPECT_EQ(audit_normalize("m\xc2\xb2"), "m2");
  EXPECT_EQ(audit_normalize("5 \xc2\xb5g"), "5 \xce\xbcg");
  // e + COMBINING ACUTE ACCENT composes to the single character \u00e9.
  EXPECT_EQ(audit_normalize("Caf" "e\xcc\x81"), "caf\xc3\xa9");
  EXPECT_EQ(audit_normalize("CAF\xc3\x89"), "caf\xc3\xa9");
  // German sharp s case-folds to ss; Greek capitals to small letters.
  EXPECT_EQ(audit_normalize("STRA\xc3\x9f" "E"), "strasse");
  EXPECT_EQ(audit_normalize("\xce\x91\xce\x92"), "\xce\xb1\xce\xb2");
}

TEST(AuditNormalize, UnicodePunctuationAndSpacesSeparate) {
  // En dash, curly quotes, no-break space and the ideographic full stop are separators.
  EXPECT_EQ(audit_normalize("2\xe2\x80\x93" "3 \xe2\x80\x9c" "weeks\xe2\x80\x9d\xc2\xa0" "ago\xe3\x80\x82"), "2 3 weeks ago");
  EXPECT_EQ(audit_normalize("na\xc3\xafve\xe2\x80\x94patient"), "na\xc3\xafve patient");
}

TEST(AuditNormalize, InvalidUtf8BytesSeparateWords) {
  EXPECT_EQ(audit_normalize("abc\xff" "def"), "abc def");
  EXPECT_EQ(audit_normalize("x\xc3"), "x");  // a character cut in half
}

}  // namespace
}  // namespace clinbench
