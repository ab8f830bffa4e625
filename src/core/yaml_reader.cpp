// The line-aware YAML reader of task, suite and pairs files (clinbench/yaml_reader.h).
#include "clinbench/yaml_reader.h"

#include <climits>

namespace clinbench {

int64_t yaml_line(const YAML::Node& node) {
  return node.IsDefined() ? int64_t(node.Mark().line) + 1 : 0;
}

YAML::Node yaml_parse(std::string_view text, const std::filesystem::path& source) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw_input_error(source, int64_t(e.mark.line) + 1, "", "YAML syntax: " + e.msg);
  }
}

void YamlReader::fail(const YAML::Node& node, std::string_view field, std::string_view message) const {
  throw_input_error(source_, yaml_line(node), field, message);
}

std::string YamlReader::field_name(const std::string& where, const std::string& key) {
  return where.empty() ? key : where + "." + key;
}

std::string YamlReader::key_text(const YAML::Node& key, const std::string& where) const {
  if (!key.IsScalar()) fail(key, where, "a key must be plain text, not a list or mapping");
  return key.Scalar();
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& where, const std::set<std::string>& known,
                            std::string_view known_listing) const {
  if (!map.IsMap()) fail(map, where, "expected a mapping of keys to values");
  for (const auto& entry : map) {
    std::string key = key_text(entry.first, where);
    if (known.count(key)) continue;
    std::string names(known_listing);
    if (names.empty()) {
      for (const std::string& name : known) names += (names.empty() ? "" : ", ") + name;
    }
    fail(entry.first, field_name(where, key), "unknown key (known: " + names + ")");
  }
}

std::string YamlReader::text(const YAML::Node& map, const std::string& key, const std::string& where,
                             const std::string& fallback) const {
  YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return fallback;
  if (!node.IsScalar()) fail(node, field_name(where, key), "expected a string");
  return node.as<std::string>();
}

std::string YamlReader::required_text(const YAML::Node& map, const std::string& key, const std::string& where) const {
  if (!map[key].IsDefined()) fail(map, field_name(where, key), "missing");
  return text(map, key, where);
}

std::vector<std::string> YamlReader::list(const YAML::Node& map, const std::string& key,
                                          const std::string& where) const {
  YAML::Node node = map[key];
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (node.IsScalar()) return {node.as<std::string>()};
  if (!node.IsSequence()) fail(node, field_name(where, key), "expected a list of strings");
  for (const auto& item : node) {
    if (!item.IsScalar()) fail(item, field_name(where, key), "expected a list of strings");
    out.push_back(item.as<std::string>());
  }
  return out;
}

int64_t YamlReader::integer(const YAML::Node& map, const std::string& key, const std::string& where,
                            int64_t fallback) const {
  YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return fallback;
  int64_t value = 0;
  try {
    value = node.as<int64_t>();
  } catch (const YAML::Exception&) {
    fail(node, field_name(where, key), "expected a whole number, got '" + node.Scalar() + "'");
  }
  if (value < INT32_MIN || value > INT32_MAX) {
    fail(node, field_name(where, key),
         "'" + node.Scalar() + "' is out of range (at most " + std::to_string(INT32_MAX) + ")");
  }
  return value;
}

bool YamlReader::boolean(const YAML::Node& map, const std::string& key, const std::string& where,
                         bool fallback) const {
  YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return fallback;
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    fail(node, field_name(where, key), "expected true or false, got '" + node.Scalar() + "'");
  }
}

YAML::Node YamlReader::section(const YAML::Node& root, const std::string& key,
                               const std::set<std::string>& known) const {
  YAML::Node node = root[key];
  if (!node.IsDefined() || node.IsNull()) return YAML::Node(YAML::NodeType::Map);
  check_keys(node, key, known);
  return node;
}

}  // namespace clinbench
