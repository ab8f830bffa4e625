// The pairs file: which run is the fine-tune, which its base.
#include "compare/pairs_file.h"

#include <set>

namespace clinbench {

namespace {

int64_t line_of(const YAML::Node& node) {
  return node.IsDefined() ? int64_t(node.Mark().line) + 1 : 0;
}

std::string pair_text(const YAML::Node& map, const char* key, bool required,
                      const std::filesystem::path& path, const std::string& where) {
  YAML::Node node = map[key];
  std::string field = where + "." + key;
  if (!node.IsDefined() || node.IsNull()) {
    if (required)
      throw_input_error(path, line_of(map), field,
                        "missing: every pair names a fine_tune and a base run");
    return "";
  }
  if (!node.IsScalar())
    throw_input_error(path, line_of(node), field,
                      "must be a run name or folder, not a list or map");
  std::string value = node.Scalar();
  if (value.empty() && required) throw_input_error(path, line_of(node), field, "is empty");
  return value;
}

}  // namespace

std::vector<ComparePairEntry> compare_pairs_from_yaml(const YAML::Node& list,
                                                      const std::filesystem::path& path,
                                                      std::string_view field_prefix) {
  const std::string prefix(field_prefix);
  if (!list.IsDefined() || list.IsNull())
    throw_input_error(path, 0, prefix, "missing: no pairs to compare");
  if (!list.IsSequence()) {
    throw_input_error(path, line_of(list), prefix,
                      "must be a list of {fine_tune: NAME_OR_DIR, base: NAME_OR_DIR} entries");
  }
  if (list.size() == 0)
    throw_input_error(path, line_of(list), prefix, "is empty: no pairs to compare");
  static const std::set<std::string> known = {"fine_tune", "base", "fine_tune_name", "base_name"};
  std::vector<ComparePairEntry> entries;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string where = prefix + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      throw_input_error(path, line_of(item), where,
                        "must be a map {fine_tune: NAME_OR_DIR, base: NAME_OR_DIR}");
    }
    for (const auto& key_value : item) {
      const std::string key = key_value.first.Scalar();
      if (!known.count(key)) {
        throw_input_error(path, line_of(key_value.first), where + "." + key,
                          "unknown key (known: fine_tune, base, fine_tune_name, base_name)");
      }
    }
    ComparePairEntry entry;
    entry.line = line_of(item);
    entry.fine_tune = pair_text(item, "fine_tune", true, path, where);
    entry.base = pair_text(item, "base", true, path, where);
    entry.fine_tune_name = pair_text(item, "fine_tune_name", false, path, where);
    entry.base_name = pair_text(item, "base_name", false, path, where);
    if (entry.fine_tune == entry.base) {
      throw_input_error(
          path, line_of(item["base"]), where + ".base",
          "'" + entry.base + "' is also the fine_tune: a run cannot be compared with itself");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<ComparePairEntry> compare_pairs_parse(std::string_view yaml_text,
                                                  const std::filesystem::path& path) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::ParserException& e) {
    throw_input_error(path, int64_t(e.mark.line) + 1, "", "YAML syntax: " + e.msg);
  }
  if (root.IsMap()) {
    for (const auto& key_value : root) {
      if (key_value.first.Scalar() != "pairs") {
        throw_input_error(
            path, line_of(key_value.first), key_value.first.Scalar(),
            "unknown key (a pairs file is a list of pairs, or that list under `pairs:`)");
      }
    }
    return compare_pairs_from_yaml(root["pairs"], path, "pairs");
  }
  return compare_pairs_from_yaml(root, path, "pairs");
}

std::vector<ComparePairEntry> compare_pairs_read(const std::filesystem::path& path) {
  return compare_pairs_parse(read_file(path), path);
}

}  // namespace clinbench
