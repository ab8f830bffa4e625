// The one YAML reader of clinbench's input files (task, suite and pairs files): every key is
// known, every value has its type, and every error names the file, the line and the field
// ("suite.yaml:5: field 'models[0].rag_k': expected a number, got 'many'"), so a typo is an
// error rather than a silently ignored setting. Built on yaml-cpp; each file format keeps its own
// keys and checks, and reads them through this.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/core.h"

namespace clinbench {

// The 1-based line a node starts on, or 0 for a node the file does not have (a missing key).
int64_t yaml_line(const YAML::Node& node);

// Parses YAML text read from source. A syntax error throws Error
// "SOURCE:LINE: YAML syntax: MESSAGE".
YAML::Node yaml_parse(std::string_view text, const std::filesystem::path& source);

// Reads values out of one parsed file. Fields are named from the top of the file: a key in a
// section is "where.key" ("dataset.path", "models[0].rag_k"), a top-level key has where = "".
// A missing or null value is "not given" (the fallback, an empty list, std::nullopt); a value of
// the wrong type throws Error naming its own line. Only reads: safe to share between threads.
class YamlReader {
 public:
  explicit YamlReader(std::filesystem::path source) : source_(std::move(source)) {}

  const std::filesystem::path& source() const { return source_; }

  // Throws Error "SOURCE:LINE: field 'FIELD': MESSAGE" with node's line (none when it is missing).
  [[noreturn]] void fail(const YAML::Node& node, std::string_view field, std::string_view message) const;

  // A mapping key as text; a list or mapping used as a key ("? [a, b]") is an error.
  std::string key_text(const YAML::Node& key, const std::string& where) const;

  // Refuses a node that is not a mapping, and any key not in known: "unknown key (known: A, B)".
  // The known keys are listed as known_listing says, or sorted when it is empty.
  void check_keys(const YAML::Node& map, const std::string& where, const std::set<std::string>& known,
                  std::string_view known_listing = {}) const;

  // map[key] as text: "expected a string" when it is a list or mapping.
  std::string text(const YAML::Node& map, const std::string& key, const std::string& where,
                   const std::string& fallback = "") const;
  // text, but a key that is not there is "missing" (a null value reads as "").
  std::string required_text(const YAML::Node& map, const std::string& key, const std::string& where) const;
  // A list of strings; one string reads as a list of one. "expected a list of strings" otherwise.
  std::vector<std::string> list(const YAML::Node& map, const std::string& key, const std::string& where) const;
  // A whole number that fits an int32 setting: a larger one is refused, not cut to 32 bits
  // (max_tokens: 4294967297 would otherwise read as 1). "expected a whole number, got 'X'".
  int64_t integer(const YAML::Node& map, const std::string& key, const std::string& where, int64_t fallback) const;
  // true or false (YAML's spellings): "expected true or false, got 'X'".
  bool boolean(const YAML::Node& map, const std::string& key, const std::string& where, bool fallback) const;
  // Any number yaml-cpp converts to Number (range included): "expected a number, got 'X'".
  template <typename Number>
  std::optional<Number> number(const YAML::Node& map, const std::string& key, const std::string& where) const {
    YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    try {
      return node.as<Number>();
    } catch (const YAML::Exception&) {
      fail(node, field_name(where, key),
           "expected a number, got '" + (node.IsScalar() ? node.Scalar() : std::string("a list or map")) + "'");
    }
  }
  // root[key] as a mapping with known keys; an empty mapping when it is not given.
  YAML::Node section(const YAML::Node& root, const std::string& key, const std::set<std::string>& known) const;

  // "where.key", or key at the top level.
  static std::string field_name(const std::string& where, const std::string& key);

 private:
  std::filesystem::path source_;
};

}  // namespace clinbench
