#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clinbench/data.h"
#include "data_test_util.h"

namespace clinbench {
namespace {

using ::testing::ElementsAre;
using testing::error_message;
using ::testing::HasSubstr;

Record record_of(nlohmann::json fields) {
  Record record;
  record.fields = std::move(fields);
  record.line = 12;
  record.source = "data/dev.json";
  return record;
}

TEST(RecordField, StringFromStringsNumbersAndCells) {
  Record record = record_of({{"s", "text"},
                             {"i", 3},
                             {"u", 18446744073709551615ULL},
                             {"f", 0.1},
                             {"neg", -2},
                             {"cell", "007"}});
  EXPECT_EQ(record_field_string(record, "s"), "text");
  EXPECT_EQ(record_field_string(record, "i"), "3");
  EXPECT_EQ(record_field_string(record, "u"), "18446744073709551615");
  EXPECT_EQ(record_field_string(record, "f"), "0.1");
  EXPECT_EQ(record_field_string(record, "neg"), "-2");
  EXPECT_EQ(record_field_string(record, "cell"), "007");
}

TEST(RecordField, MissingNullAndWrongTypeNameFileLineField) {
  Record record = record_of({{"exp", nullptr}, {"flag", true}, {"list", {1, 2}}});
  EXPECT_THAT(error_message([&] { record_field_string(record, "question"); }),
              HasSubstr("data/dev.json:12: field 'question': missing"));
  EXPECT_THAT(error_message([&] { record_field_string(record, "exp"); }),
              HasSubstr("data/dev.json:12: field 'exp': is null"));
  EXPECT_THAT(error_message([&] { record_field_string(record, "flag"); }),
              HasSubstr("data/dev.json:12: field 'flag': expected a string or a number, found a "
                        "JSON boolean"));
  EXPECT_THAT(error_message([&] { record_field_string(record, "list"); }),
              HasSubstr("field 'list': expected a string or a number, found a JSON array"));
}

TEST(RecordField, Exists) {
  Record record = record_of({{"a", ""}, {"n", nullptr}});
  EXPECT_TRUE(record_field_exists(record, "a"));
  EXPECT_FALSE(record_field_exists(record, "n"));
  EXPECT_FALSE(record_field_exists(record, "b"));
}

TEST(RecordField, Integer) {
  Record record = record_of({{"cop", 3},
                             {"cell", "4"},
                             {"neg", "-1"},
                             {"text", "3a"},
                             {"spaced", " 3"},
                             {"float", 2.0},
                             {"big", 18446744073709551615ULL}});
  EXPECT_EQ(record_field_integer(record, "cop"), 3);
  EXPECT_EQ(record_field_integer(record, "cell"), 4);
  EXPECT_EQ(record_field_integer(record, "neg"), -1);
  EXPECT_THAT(
      error_message([&] { record_field_integer(record, "text"); }),
      HasSubstr("data/dev.json:12: field 'text': expected an integer, found the text '3a'"));
  EXPECT_THAT(error_message([&] { record_field_integer(record, "spaced"); }),
              HasSubstr("expected an integer"));
  EXPECT_THAT(error_message([&] { record_field_integer(record, "float"); }),
              HasSubstr("field 'float': expected an integer, found a JSON number"));
  EXPECT_THAT(error_message([&] { record_field_integer(record, "big"); }),
              HasSubstr("field 'big': integer out of range"));
}

TEST(RecordField, StringList) {
  Record record = record_of(
      {{"CONTEXTS", {"a", "b"}}, {"mixed", {"a", 2}}, {"bad", {"a", {1}}}, {"text", "a"}});
  EXPECT_THAT(record_field_string_list(record, "CONTEXTS"), ElementsAre("a", "b"));
  EXPECT_THAT(record_field_string_list(record, "mixed"), ElementsAre("a", "2"));
  EXPECT_THAT(error_message([&] { record_field_string_list(record, "bad"); }),
              HasSubstr("data/dev.json:12: field 'bad[1]': expected a string, found a JSON array"));
  EXPECT_THAT(error_message([&] { record_field_string_list(record, "text"); }),
              HasSubstr("field 'text': expected a list of strings, found a JSON string"));
}

TEST(RecordField, StringObject) {
  Record record = record_of({{"options", {{"B", "y"}, {"A", "x"}}}, {"bad", {{"A", nullptr}}}});
  auto options = record_field_string_object(record, "options");
  ASSERT_EQ(options.size(), 2u);
  EXPECT_EQ(options.begin()->first, "A");
  EXPECT_EQ(options["B"], "y");
  EXPECT_THAT(error_message([&] { record_field_string_object(record, "bad"); }),
              HasSubstr("data/dev.json:12: field 'bad.A': expected a string, found a JSON null"));
}

}  // namespace
}  // namespace clinbench
