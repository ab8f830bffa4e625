#include "data/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data_test_util.h"

namespace clinbench {
namespace {

using ::testing::ElementsAre;
using testing::error_message;
using ::testing::HasSubstr;

std::vector<CsvRow> csv_parse_all(std::string_view text, std::vector<std::string> columns = {}) {
  CsvCursor cursor = csv_cursor_start(text, "t.csv");
  std::vector<CsvRow> rows;
  CsvRow row;
  while (csv_read_row(cursor, columns, row)) rows.push_back(row);
  return rows;
}

TEST(Csv, PlainFieldsAndLineEnds) {
  auto rows = csv_parse_all("a,b,c\n1,2,3\r\n4,5,6");  // LF, CRLF, none at the end
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].cells, ElementsAre("a", "b", "c"));
  EXPECT_THAT(rows[1].cells, ElementsAre("1", "2", "3"));
  EXPECT_THAT(rows[2].cells, ElementsAre("4", "5", "6"));
  EXPECT_EQ(rows[2].line, 3);
}

TEST(Csv, QuotedFieldsFollowRfc4180) {
  auto rows = csv_parse_all(
      "\"a, with comma\",\"say \"\"hi\"\"\",\"\",plain\n"
      "\"two\nlines\",\"crlf\r\ninside\",x,y\n"
      "last,,\"\",\"\"\"\"\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(rows[0].cells, ElementsAre("a, with comma", "say \"hi\"", "", "plain"));
  EXPECT_THAT(rows[1].cells, ElementsAre("two\nlines", "crlf\r\ninside", "x", "y"));
  EXPECT_EQ(rows[1].line, 2);
  // Each embedded line break (LF or CRLF) counts: the record on lines 2-4 pushes the next to 5.
  EXPECT_EQ(rows[2].line, 5);
  EXPECT_THAT(rows[2].cells, ElementsAre("last", "", "", "\""));
}

TEST(Csv, SpacesAreDataAndTrailingCommaMeansAnEmptyCell) {
  auto rows = csv_parse_all(" a , b ,\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].cells, ElementsAre(" a ", " b ", ""));
}

TEST(Csv, ByteOrderMarkIsSkippedAndBlankLinesCarryNoRecord) {
  auto rows = csv_parse_all("\xEF\xBB\xBFq,a\n\n\r\nx,y\n\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].cells, ElementsAre("q", "a"));
  EXPECT_THAT(rows[1].cells, ElementsAre("x", "y"));
  EXPECT_EQ(rows[1].line, 4);
}

TEST(Csv, EmptyTextHasNoRows) {
  EXPECT_TRUE(csv_parse_all("").empty());
  EXPECT_TRUE(csv_parse_all("\xEF\xBB\xBF").empty());
  EXPECT_TRUE(csv_parse_all("\n\n").empty());
}

TEST(Csv, UnterminatedQuoteNamesTheLineWhereItOpened) {
  std::string message = error_message([] {
    csv_parse_all("q,a\n1,2\nok,\"never closed\n3,4\n", {"q", "a"});
  });
  EXPECT_THAT(message, HasSubstr("t.csv:3: field 'a': unterminated quoted field"));
}

TEST(Csv, CharacterAfterClosingQuoteIsAnError) {
  std::string message = error_message([] { csv_parse_all("x,\"ab\"c\n", {"q", "a"}); });
  EXPECT_THAT(message, HasSubstr("t.csv:1: field 'a': unexpected character after the closing "
                                 "quote of a quoted field: 'c'"));
}

TEST(Csv, QuoteInsideUnquotedFieldIsAnError) {
  std::string message = error_message([] { csv_parse_all("a,b\n5\" tall,x\n", {"q", "a"}); });
  EXPECT_THAT(message, HasSubstr("t.csv:2: field 'q': a quote inside an unquoted field"));
}

TEST(Csv, BareCarriageReturnIsAnError) {
  std::string message = error_message([] { csv_parse_all("a,b\rc,d\r", {}); });
  EXPECT_THAT(message, HasSubstr("t.csv:1: field 'column 2': a bare carriage return"));
}

TEST(Csv, InvalidUtf8NamesTheLineInsideAMultiLineCell) {
  std::string message = error_message([] {
    csv_parse_all("q,a\nx,\"line 2\nline 3 caf\xE9\"\n", {"q", "a"});
  });
  EXPECT_THAT(message, HasSubstr("t.csv:3: field 'a': invalid UTF-8 (byte 0xE9)"));
}

}  // namespace
}  // namespace clinbench
