// MeDiSumCode scoring against golden values from CLUE's scoring code run in Python
// (tests/data/golden/metrics/make_icd_golden.py), and the CMS order-file reader.
#include "metrics/icd_codes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clinbench/core.h"
#include "clinbench/metrics.h"
#include "test_support.h"

namespace clinbench {
namespace {

std::filesystem::path golden_dir() { return testing::test_data_dir() / "golden" / "metrics"; }

std::filesystem::path order_file() {
  return testing::shared_data_dir() / "icd10cm" / "icd10cm_order_2019.txt";
}

// One order-file line in the CMS layout.
std::string order_line(int order, const std::string& code, char billable, const std::string& text) {
  char number[8];
  std::snprintf(number, sizeof number, "%05d", order);
  std::string short_text = text.substr(0, 60);
  short_text.resize(60, ' ');
  std::string padded_code = code;
  padded_code.resize(7, ' ');
  return std::string(number) + " " + padded_code + " " + billable + " " + short_text + " " + text +
         "\n";
}

std::string small_order_file() {
  return order_line(1, "A00", '0', "Cholera") +
         order_line(2, "A000", '1', "Cholera due to Vibrio cholerae 01, biovar cholerae") +
         order_line(3, "I10", '1', "Essential (primary) hypertension") +
         order_line(4, "S72001A", '1', "Fracture of unsp part of neck of right femur, init");
}

std::string error_message(const std::string& content) {
  try {
    icd_code_set_parse(content, "order.txt");
  } catch (const Error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(MetricIcdCodes, MatchesClueGolden) {
  if (!std::filesystem::exists(order_file())) GTEST_SKIP() << "no " << order_file();
  const IcdCodeSet code_set = icd_code_set_load(order_file());
  std::ifstream file(golden_dir() / "icd_golden.jsonl");
  ASSERT_TRUE(file) << "missing icd_golden.jsonl";
  int cases = 0;
  std::string line;
  while (std::getline(file, line)) {
    if (line.empty()) continue;
    nlohmann::json row = nlohmann::json::parse(line);
    const std::string name = row.at("name");
    const std::vector<std::string> gold = row.at("gold");
    IcdScores scores = metric_icd_codes(row.at("output").get<std::string>(), gold, code_set);
    EXPECT_EQ(scores.predicted_codes, row.at("codes").get<std::vector<std::string>>()) << name;
    EXPECT_EQ(scores.invalid_codes, row.at("invalid").get<std::vector<std::string>>()) << name;
    const auto& exact = row.at("exact");
    const auto& approximate = row.at("approximate");
    EXPECT_NEAR(scores.exact.precision, exact[0].get<double>(), 1e-9) << name;
    EXPECT_NEAR(scores.exact.recall, exact[1].get<double>(), 1e-9) << name;
    EXPECT_NEAR(scores.exact.f, exact[2].get<double>(), 1e-9) << name;
    EXPECT_NEAR(scores.approximate.precision, approximate[0].get<double>(), 1e-9) << name;
    EXPECT_NEAR(scores.approximate.recall, approximate[1].get<double>(), 1e-9) << name;
    EXPECT_NEAR(scores.approximate.f, approximate[2].get<double>(), 1e-9) << name;
    EXPECT_NEAR(scores.valid_code_rate, row.at("valid_code_rate").get<double>(), 1e-9) << name;
    EXPECT_EQ(scores.valid_count + static_cast<int64_t>(scores.invalid_codes.size()),
              static_cast<int64_t>(scores.predicted_codes.size()))
        << name;
    ++cases;
  }
  EXPECT_GE(cases, 25);
}

TEST(IcdCodesExtract, CaseDotsAndBoundaries) {
  // Case-sensitive like the regex: lower-case spellings are not codes.
  EXPECT_TRUE(icd_codes_extract("i10, e11.9").empty());
  EXPECT_EQ(icd_codes_extract("E11.9 and E119"), (std::vector<std::string>{"E119", "E119"}));
  // U is outside [A-TV-Z].
  EXPECT_TRUE(icd_codes_extract("U07.1").empty());
  // Embedded in text, with punctuation around.
  EXPECT_EQ(icd_codes_extract("(A41.9), [N17.9]; \"I10\""),
            (std::vector<std::string>{"A419", "N179", "I10"}));
  // Greedy with backtracking: five characters after the dot fall back to the 3-character stem.
  EXPECT_EQ(icd_codes_extract("E11.65432"), (std::vector<std::string>{"E11"}));
  EXPECT_TRUE(icd_codes_extract("").empty());
  EXPECT_TRUE(icd_codes_extract("A1").empty());
}

TEST(IcdCodeSet, ParsesHeadersAndBillableCodes) {
  IcdCodeSet code_set = icd_code_set_parse(small_order_file(), "order.txt");
  EXPECT_EQ(icd_code_set_size(code_set), 4);
  EXPECT_EQ(code_set.billable_count, 3);
  EXPECT_TRUE(icd_code_set_contains(code_set, "A00"));  // a header is a real category
  EXPECT_TRUE(icd_code_set_contains(code_set, "A000"));
  EXPECT_TRUE(icd_code_set_contains(code_set, "S72001A"));
  EXPECT_FALSE(icd_code_set_contains(code_set, "A001"));
  EXPECT_FALSE(icd_code_set_contains(code_set, "A0"));
  EXPECT_FALSE(icd_code_set_contains(code_set, "i10"));
  EXPECT_FALSE(icd_code_set_contains(code_set, "I1.0"));
  EXPECT_FALSE(icd_code_set_contains(code_set, ""));
  EXPECT_FALSE(icd_code_set_contains(code_set, "S72001AX"));
}

TEST(IcdCodeSet, AcceptsCrlfAndNoFinalNewline) {
  std::string content = small_order_file();
  std::string crlf;
  for (char c : content) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  EXPECT_EQ(icd_code_set_size(icd_code_set_parse(crlf, "crlf.txt")), 4);
  content.pop_back();
  EXPECT_EQ(icd_code_set_size(icd_code_set_parse(content, "no-newline.txt")), 4);
}

// Found by fuzz/icd_codes_fuzz.cpp (fuzz/regressions/icd_codes/empty_order_file): an empty file
// parsed as an empty code set, which scores every predicted code as hallucinated.
TEST(IcdCodeSet, EmptyFileIsAnErrorNamingIt) {
  try {
    icd_code_set_parse("", "empty.txt");
    FAIL() << "an empty order file has no codes";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "empty.txt: no codes: the file is empty (expected the CMS order file, one code a line)");
  }
}

TEST(IcdCodeSet, MalformedLinesNameFileLineAndField) {
  const std::string good = order_line(1, "A00", '0', "Cholera");
  EXPECT_EQ(error_message(good + "0000x A001    1 x\n"),
            "order.txt:2: field 'order number': expected 5 digits and a space at the start of "
            "the line");
  std::string bad_flag = order_line(2, "A001", '2', "Cholera");
  EXPECT_NE(error_message(good + bad_flag).find("order.txt:2: field 'billable flag'"),
            std::string::npos);
  std::string bad_code = order_line(2, "a001", '1', "Cholera");
  EXPECT_NE(error_message(good + bad_code).find("order.txt:2: field 'code'"), std::string::npos);
  std::string long_code = order_line(2, "A001123", '1', "Cholera");
  long_code[13] = '4';  // an 8th code character where the separating space belongs
  EXPECT_NE(error_message(good + long_code).find("order.txt:2: field 'code'"), std::string::npos);
  std::string truncated = order_line(2, "A001", '1', "Cholera").substr(0, 40) + "\n";
  EXPECT_NE(error_message(good + truncated).find("order.txt:2: field 'short description'"),
            std::string::npos);
  std::string no_long = order_line(2, "A001", '1', "Cholera").substr(0, 77) + "\n";
  EXPECT_NE(error_message(good + no_long).find("order.txt:2: field 'long description'"),
            std::string::npos);
  EXPECT_NE(error_message(good + "\n" + good).find("order.txt:2: field 'order number'"),
            std::string::npos);
}

TEST(IcdCodeSet, LoadsTheRealOrderFileFast) {
  if (!std::filesystem::exists(order_file())) GTEST_SKIP() << "no " << order_file();
  auto start = std::chrono::steady_clock::now();
  IcdCodeSet code_set = icd_code_set_load(order_file());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(icd_code_set_size(code_set), 94444);
  EXPECT_EQ(code_set.billable_count, 71932);
  EXPECT_TRUE(icd_code_set_contains(code_set, "A00"));
  EXPECT_TRUE(icd_code_set_contains(code_set, "E119"));
  EXPECT_TRUE(icd_code_set_contains(code_set, "I10"));
  EXPECT_FALSE(icd_code_set_contains(code_set, "E11.9"));
  EXPECT_FALSE(icd_code_set_contains(code_set, "U071"));  // added to ICD-10-CM in 2020
  EXPECT_LT(seconds, 1.0);  // typically a few milliseconds; generous for sanitizer builds
}

TEST(IcdCodeSet, MissingFileIsAnErrorNamingIt) {
  try {
    icd_code_set_load("/nonexistent/icd10cm_order.txt");
    FAIL() << "expected Error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/icd10cm_order.txt"), std::string::npos);
  }
}

TEST(IcdCodePack, OrdersLikeStrings) {
  EXPECT_LT(*icd_code_pack("A00"), *icd_code_pack("A000"));
  EXPECT_LT(*icd_code_pack("A000"), *icd_code_pack("A01"));
  EXPECT_LT(*icd_code_pack("Z99"), *icd_code_pack("Z999"));
  EXPECT_FALSE(icd_code_pack("").has_value());
  EXPECT_FALSE(icd_code_pack("A0.0").has_value());
  EXPECT_FALSE(icd_code_pack("a00").has_value());
  EXPECT_FALSE(icd_code_pack("A001234X").has_value());
}

TEST(MetricIcdCodes, EmptySidesAreZeroAndMeansCountNotesOnce) {
  const IcdCodeSet code_set = icd_code_set_parse(small_order_file(), "order.txt");
  std::vector<std::string> gold = {"I10"};
  IcdScores empty_output = metric_icd_codes("", gold, code_set);
  EXPECT_EQ(empty_output.exact.precision, 0.0);  // nothing predicted
  EXPECT_EQ(empty_output.exact.recall, 0.0);
  EXPECT_EQ(empty_output.valid_code_rate, 0.0);  // CLUE: 0 when nothing was predicted
  IcdScores empty_gold = metric_icd_codes("I10 X99", {}, code_set);
  EXPECT_EQ(empty_gold.exact.precision, 0.0);
  EXPECT_EQ(empty_gold.exact.recall, 0.0);
  EXPECT_EQ(empty_gold.exact.f, 0.0);
  EXPECT_EQ(empty_gold.valid_count, 1);
  EXPECT_EQ(empty_gold.invalid_codes, (std::vector<std::string>{"X99"}));
  EXPECT_DOUBLE_EQ(empty_gold.valid_code_rate, 0.5);

  IcdScores perfect = metric_icd_codes("I10", gold, code_set);
  std::vector<IcdScores> notes = {perfect, empty_output};
  IcdMeans means = metric_icd_codes_mean(notes);
  EXPECT_EQ(means.notes, 2);
  EXPECT_DOUBLE_EQ(means.exact.f, 0.5);
  EXPECT_DOUBLE_EQ(means.valid_code_rate, 0.5);
  EXPECT_EQ(metric_icd_codes_mean({}).notes, 0);
}

}  // namespace
}  // namespace clinbench
