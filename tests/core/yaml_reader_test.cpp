// The line-aware YAML reader shared by task, suite and pairs files: every error names the file,
// the line and the field, in the words the three readers used before they became one.
#include "clinbench/yaml_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace clinbench {
namespace {

// The Error message of f(), or "" when it does not throw.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const YamlReader reader("dir/file.yaml");

TEST(YamlReader, UnknownKeyNamesLineFieldAndTheKnownKeysSorted) {
  YAML::Node root = yaml_parse("name: a\nsection:\n  size: 3\n  colour: red\n", "dir/file.yaml");
  EXPECT_EQ(error_of([&] { reader.check_keys(root, "", {"name", "section"}); }), "");
  EXPECT_EQ(error_of([&] { reader.section(root, "section", {"width", "size"}); }),
            "dir/file.yaml:4: field 'section.colour': unknown key (known: size, width)");
  EXPECT_EQ(error_of([&] { reader.check_keys(root["section"], "pairs[0]", {"size"}, "size, then nothing"); }),
            "dir/file.yaml:4: field 'pairs[0].colour': unknown key (known: size, then nothing)");
}

TEST(YamlReader, AKeyThatIsAListIsAnErrorNotAnException) {
  YAML::Node root = yaml_parse("? [a, b]\n: 1\n", "dir/file.yaml");
  EXPECT_EQ(error_of([&] { reader.check_keys(root, "top", {"a"}); }),
            "dir/file.yaml:1: field 'top': a key must be plain text, not a list or mapping");
}

TEST(YamlReader, WrongTypesNameTheValuesOwnLine) {
  YAML::Node root = yaml_parse("a: 1\nlist:\n  - x\n  - [y]\ncount: many\nflag: maybe\nbig: 4294967297\n"
                               "name: [x]\nlimit: {a: 1}\n",
                               "dir/file.yaml");
  EXPECT_EQ(error_of([&] { reader.list(root, "list", ""); }), "dir/file.yaml:4: field 'list': expected a list of strings");
  EXPECT_EQ(error_of([&] { reader.integer(root, "count", "", 0); }),
            "dir/file.yaml:5: field 'count': expected a whole number, got 'many'");
  EXPECT_EQ(error_of([&] { reader.boolean(root, "flag", "", false); }),
            "dir/file.yaml:6: field 'flag': expected true or false, got 'maybe'");
  EXPECT_EQ(error_of([&] { reader.integer(root, "big", "", 0); }),
            "dir/file.yaml:7: field 'big': '4294967297' is out of range (at most 2147483647)");
  EXPECT_EQ(error_of([&] { reader.text(root, "name", "models[1]"); }),
            "dir/file.yaml:8: field 'models[1].name': expected a string");
  EXPECT_EQ(error_of([&] { reader.number<int32_t>(root, "count", "compare"); }),
            "dir/file.yaml:5: field 'compare.count': expected a number, got 'many'");
  EXPECT_EQ(error_of([&] { reader.number<int64_t>(root, "limit", ""); }),
            "dir/file.yaml:9: field 'limit': expected a number, got 'a list or map'");
}

TEST(YamlReader, ValuesAndFallbacks) {
  YAML::Node root = yaml_parse("text: hello\none: solo\nmany: [a, b]\nn: -12\nyes: true\nnothing: ~\nx: 2.5\n",
                               "dir/file.yaml");
  EXPECT_EQ(reader.text(root, "text", ""), "hello");
  EXPECT_EQ(reader.text(root, "absent", "", "fallback"), "fallback");
  EXPECT_EQ(reader.text(root, "nothing", "", "fallback"), "fallback");
  EXPECT_EQ(reader.list(root, "one", ""), (std::vector<std::string>{"solo"}));
  EXPECT_EQ(reader.list(root, "many", ""), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(reader.list(root, "absent", "").empty());
  EXPECT_EQ(reader.integer(root, "n", "", 0), -12);
  EXPECT_EQ(reader.integer(root, "absent", "", 7), 7);
  EXPECT_TRUE(reader.boolean(root, "yes", "", false));
  EXPECT_EQ(reader.number<double>(root, "x", ""), 2.5);
  EXPECT_EQ(reader.number<double>(root, "absent", ""), std::nullopt);
  EXPECT_TRUE(reader.section(root, "absent", {"a"}).IsMap());
}

TEST(YamlReader, MissingValuesHaveNoLineButMissingKeysNameTheirMapping) {
  YAML::Node root = yaml_parse("first: 1\nsection:\n  other: 2\n", "dir/file.yaml");
  EXPECT_EQ(error_of([&] { reader.required_text(root["section"], "name", "section"); }),
            "dir/file.yaml:3: field 'section.name': missing");
  EXPECT_EQ(error_of([&] { reader.fail(root["absent"], "absent", "missing"); }), "dir/file.yaml: field 'absent': missing");
  EXPECT_EQ(yaml_line(root["section"]["other"]), 3);
  EXPECT_EQ(yaml_line(root["absent"]), 0);
}

TEST(YamlReader, SyntaxErrorsNameTheLine) {
  EXPECT_EQ(error_of([] { yaml_parse("a: 1\nb: [unclosed\n", "dir/file.yaml"); }).rfind("dir/file.yaml:", 0), 0u);
  EXPECT_NE(error_of([] { yaml_parse("a: 1\nb: [unclosed\n", "dir/file.yaml"); }).find(": YAML syntax: "),
            std::string::npos);
}

}  // namespace
}  // namespace clinbench
