#include "clinbench/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace clinbench {
namespace {

constexpr size_t valid = std::string_view::npos;

TEST(Utf8FindInvalid, AcceptsWellFormedText) {
  EXPECT_EQ(utf8_find_invalid(""), valid);
  EXPECT_EQ(utf8_find_invalid("plain ASCII, long enough for the eight-byte path"), valid);
  EXPECT_EQ(utf8_find_invalid("caf\xC3\xA9 \xCE\x94\xCE\xA8m"), valid);         // 2 bytes
  EXPECT_EQ(utf8_find_invalid("\xE2\x89\xA4 5 mg \xE2\x80\x93 10 mg"), valid);  // 3 bytes
  EXPECT_EQ(utf8_find_invalid("\xF0\x9F\x98\x80"), valid);                      // 4 bytes
  EXPECT_EQ(utf8_find_invalid("\xEF\xBB\xBF"), valid);                          // BOM
  EXPECT_EQ(utf8_find_invalid("\xED\x9F\xBF\xEE\x80\x80"), valid);              // U+D7FF, U+E000
  EXPECT_EQ(utf8_find_invalid("\xF4\x8F\xBF\xBF"), valid);                      // U+10FFFF
}

TEST(Utf8FindInvalid, FindsTheFirstBadByte) {
  EXPECT_EQ(utf8_find_invalid("abc\xFF"), 3u);
  EXPECT_EQ(utf8_find_invalid("12345678\x80"), 8u);      // lone continuation byte
  EXPECT_EQ(utf8_find_invalid("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(utf8_find_invalid("\xC1\xBF"), 0u);          // overlong
  EXPECT_EQ(utf8_find_invalid("\xE0\x9F\xBF"), 0u);      // overlong 3-byte
  EXPECT_EQ(utf8_find_invalid("\xF0\x8F\xBF\xBF"), 0u);  // overlong 4-byte
  EXPECT_EQ(utf8_find_invalid("ok \xED\xA0\x80"), 3u);   // surrogate U+D800
  EXPECT_EQ(utf8_find_invalid("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(utf8_find_invalid("\xF5\x80\x80\x80"), 0u);
  EXPECT_EQ(utf8_find_invalid("caf\xC3"), 3u);                   // cut off at the end
  EXPECT_EQ(utf8_find_invalid("\xE2\x89x"), 0u);                 // bad continuation
  EXPECT_EQ(utf8_find_invalid("Latin-1 caf\xE9 au lait"), 11u);  // a Latin-1 file
}

TEST(Utf8FindInvalid, EveryPositionAroundTheWordBoundary) {
  for (size_t at = 0; at < 20; ++at) {
    std::string text(20, 'a');
    text[at] = '\x80';
    EXPECT_EQ(utf8_find_invalid(text), at) << "bad byte at " << at;
  }
}

TEST(Utf8DescribeInvalid, NamesTheByte) {
  EXPECT_EQ(utf8_describe_invalid("ab\xE9", 2), "byte 0xE9");
  EXPECT_EQ(utf8_describe_invalid("ab", 2), "end of text");
}

}  // namespace
}  // namespace clinbench
