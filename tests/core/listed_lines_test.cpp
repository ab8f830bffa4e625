// The one reader of hand-written tab-separated lists (exclude-ids, gold documents).
#include <gtest/gtest.h>

#include "clinbench/listed_lines.h"

namespace clinbench {
namespace {

std::vector<std::vector<std::string>> fields_of(const std::vector<ListedLine>& lines) {
  std::vector<std::vector<std::string>> out;
  for (const ListedLine& line : lines) out.emplace_back(line.fields.begin(), line.fields.end());
  return out;
}

TEST(ListedLines, SkipsBlankAndCommentLinesAndKeepsLineNumbers) {
  std::vector<ListedLine> lines = listed_lines("# header\n\n  \nmedqa\tq1\r\n   # indented comment\nq2\n");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].number, 4);
  EXPECT_EQ(lines[1].number, 6);
  EXPECT_EQ(fields_of(lines), (std::vector<std::vector<std::string>>{{"medqa", "q1"}, {"q2"}}));
}

TEST(ListedLines, TrimsSpacesButATabAlwaysSeparates) {
  std::vector<ListedLine> lines = listed_lines(" a b \t  c\t\td\n\tx");
  EXPECT_EQ(fields_of(lines), (std::vector<std::vector<std::string>>{{"a b", "c", "", "d"}, {"", "x"}}));
}

TEST(ListedLines, NoFinalNewlineAndEmptyText) {
  EXPECT_TRUE(listed_lines("").empty());
  EXPECT_TRUE(listed_lines("\n\r\n#\n").empty());
  EXPECT_EQ(fields_of(listed_lines("only")), (std::vector<std::vector<std::string>>{{"only"}}));
}

}  // namespace
}  // namespace clinbench
