#include "data/json_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "data_test_util.h"

namespace clinbench {
namespace {

using testing::error_message;
using ::testing::HasSubstr;

TEST(JsonFieldPathAt, NamesKeysAndIndexes) {
  const std::string text =
      R"({"question": "q", "options": {"A": "x", "B": "yy"}, "CONTEXTS": ["a", "bb", "ccc"]})";
  EXPECT_EQ(json_field_path_at(text, text.find("\"q\"") + 1), "question");
  EXPECT_EQ(json_field_path_at(text, text.find("yy")), "options.B");
  EXPECT_EQ(json_field_path_at(text, text.find("ccc") + 1), "CONTEXTS[2]");
  EXPECT_EQ(json_field_path_at(text, 0), "");
  // Inside a key: the object holding it is the field.
  EXPECT_EQ(json_field_path_at(text, text.find("\"B\"") + 1), "options");
  EXPECT_EQ(json_field_path_at(R"([{"a": 1}, {"b": "x"}])", 18), "[1].b");
}

TEST(JsonParseText, ParsesOneValue) {
  nlohmann::json value = json_parse_text(R"( {"a": [1, 2.5, "x"], "b": {"c": null}} )", {"f"});
  EXPECT_EQ(value["a"][1], 2.5);
  EXPECT_TRUE(value["b"]["c"].is_null());
  EXPECT_EQ(json_parse_text("\"\\u00e9\"", {"f"}), "\xC3\xA9");
}

TEST(JsonParseText, MalformedJsonNamesFileLineColumnAndField) {
  std::string message = error_message([] {
    json_parse_text(R"({"question": "q", "answer": tru})", JsonTextOrigin{"d.jsonl", 7});
  });
  EXPECT_THAT(message, HasSubstr("d.jsonl:7: field 'answer': malformed JSON at column 32: "));
  EXPECT_THAT(message, HasSubstr("invalid literal"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("json.exception")));
}

TEST(JsonParseText, ErrorsInsideAPieceUseTheFilePosition) {
  // The piece starts on line 10, column 5 of its file; the error is on its second line.
  std::string message = error_message([] {
    json_parse_text("{\"a\": 1,\n  \"b\": [1 2]}", JsonTextOrigin{"d.json", 10, 5});
  });
  EXPECT_THAT(message, HasSubstr("d.json:11: field 'b[1]': malformed JSON at column 11: "));
}

TEST(JsonParseText, TrailingContentIsAnError) {
  std::string message = error_message([] { json_parse_text(R"({"a": 1} x)", {"d.jsonl", 2}); });
  EXPECT_THAT(message, HasSubstr("d.jsonl:2: "));
  EXPECT_THAT(message, HasSubstr("expected end of input"));
}

TEST(JsonParseText, DuplicateKeyIsAnError) {
  std::string message = error_message([] {
    json_parse_text(R"({"options": {"A": "x", "A": "y"}})", {"d.jsonl", 4});
  });
  EXPECT_THAT(message, HasSubstr("d.jsonl:4: field 'options.A': this key appears twice"));
}

TEST(JsonParseText, InvalidUtf8NamesLineAndField) {
  std::string message = error_message([] {
    json_parse_text("{\"q\": \"ok\",\n \"CONTEXTS\": [\"fine\", \"caf\xE9\"]}", {"d.json", 3});
  });
  EXPECT_THAT(message,
              HasSubstr("d.json:4: field 'CONTEXTS[1]': invalid UTF-8 (byte 0xE9 at column 27)"));
}

TEST(JsonParseText, EscapedLoneSurrogateIsAnError) {
  std::string message = error_message([] {
    json_parse_text(R"({"q": "\ud800"})", {"d.jsonl", 1});
  });
  EXPECT_THAT(message, HasSubstr("d.jsonl:1: field 'q': malformed JSON"));
  EXPECT_THAT(message, HasSubstr("surrogate"));
}

// Found by fuzz/dataset_jsonl_fuzz.cpp (fuzz/regressions/dataset_jsonl/deep_nesting.jsonl): a
// value nested 100,000 deep parsed, then overflowed the stack when it was copied or written.
TEST(JsonParseText, DeepNestingIsRefusedNamingLineAndColumn) {
  std::string deep = "{\"a\": " + std::string(200, '[') + std::string(200, ']') + "}";
  std::string message = error_message([&] { json_parse_text(deep, {"d.jsonl", 3}); });
  EXPECT_THAT(message, HasSubstr("d.jsonl:3: field 'a"));
  EXPECT_THAT(message, HasSubstr("JSON nested deeper than 128 levels at column 134"));
  // Brackets inside strings are text, and 128 levels are fine.
  std::string in_strings = "{\"a\": \"" + std::string(500, '[') + "\\\"[\"}";
  EXPECT_EQ(json_parse_text(in_strings, {"d.jsonl"})["a"].get<std::string>().size(), 502u);
  std::string limit = std::string(127, '[') + "{}" + std::string(127, ']');
  EXPECT_NO_THROW(json_parse_text(limit, {"d.jsonl"}));
}

TEST(JsonParseText, LongEchoedTokensAreShortened) {
  std::string text = "{\"q\": \"" + std::string(5000, 'x');  // unterminated string
  std::string message = error_message([&] { json_parse_text(text, {"d.jsonl", 1}); });
  EXPECT_THAT(message, HasSubstr("d.jsonl:1: field 'q': malformed JSON"));
  EXPECT_LT(message.size(), 400u);
}

TEST(JsonSplitTopLevel, ArrayMembersWithLines) {
  const std::string text = "\xEF\xBB\xBF[\n  {\"a\": 1},\n  {\"a\": [\n 2]}\n]\n";
  auto members = json_split_top_level(text, "d.json", JsonTopLevel::array);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].line, 2);
  EXPECT_EQ(members[0].column, 3);
  EXPECT_EQ(text.substr(members[0].begin, members[0].end - members[0].begin), "{\"a\": 1}");
  EXPECT_EQ(members[1].line, 3);
  EXPECT_EQ(text.substr(members[1].begin, members[1].end - members[1].begin), "{\"a\": [\n 2]}");
}

TEST(JsonSplitTopLevel, ObjectMembersWithKeysAndLines) {
  const std::string text = "{\n \"12\": {\"Q\": \"}{\\\"\"},\n \"x\\u0041\":\n  {}\n}";
  auto members = json_split_top_level(text, "d.json", JsonTopLevel::object);
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].key, "12");
  EXPECT_EQ(members[0].line, 2);
  EXPECT_EQ(members[1].key, "xA");
  EXPECT_EQ(members[1].line, 3);
  EXPECT_EQ(members[1].value_line, 4);
  EXPECT_EQ(members[1].value_column, 3);
}

struct SplitFailure {
  std::string text;
  JsonTopLevel kind;
  std::string expected;
};

TEST(JsonSplitTopLevel, StructuralErrorsNameTheLine) {
  const SplitFailure cases[] = {
      {"", JsonTopLevel::array, "d.json: empty file: no records"},
      {"  \n ", JsonTopLevel::array, "d.json: empty file: no records"},
      {"{}", JsonTopLevel::array, "d.json:1: expected the top-level JSON array '['"},
      {"\n[{}]", JsonTopLevel::object, "d.json:2: expected the top-level JSON object '{'"},
      {"[\n]", JsonTopLevel::array, "d.json:2: no records: the top-level array is empty"},
      {"[{},\n{}\n,]", JsonTopLevel::array, "d.json:3: trailing comma before ']'"},
      {"[{}\n{}]", JsonTopLevel::array, "d.json:2: expected ',' or ']' after a member, found '{'"},
      {"[{},\n{}]\n\n{}", JsonTopLevel::array,
       "d.json:4: trailing content after the top-level array that closed at line 2: '{'"},
      {"[{},\n{\"a\": [1, 2}", JsonTopLevel::array,
       "d.json:2: unexpected end of file: the member starting here"},
      {"[{},\n{}", JsonTopLevel::array,
       "d.json:1: unexpected end of file: the top-level array opened on this line is not closed"},
      {"{\"a\": {},\n\"b\" {}}", JsonTopLevel::object,
       "d.json:2: field 'b': expected ':' after the key"},
      {"{\"a\": {},\n\"a\": {}}", JsonTopLevel::object,
       "d.json:2: field 'a': the key appears twice in the top-level object (first at line 1)"},
      {"{\"a\": {},\n 12: {}}", JsonTopLevel::object, "d.json:2: expected a key string"},
      {"[\"unterminated ]", JsonTopLevel::array, "d.json:1: unterminated string"},
      {"{\"caf\xE9\": 1}", JsonTopLevel::object, "d.json:1: invalid UTF-8"},
  };
  for (const SplitFailure& failure : cases) {
    std::string message =
        error_message([&] { json_split_top_level(failure.text, "d.json", failure.kind); });
    EXPECT_THAT(message, HasSubstr(failure.expected)) << "text: " << failure.text;
  }
}

}  // namespace
}  // namespace clinbench
