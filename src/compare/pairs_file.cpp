// The pairs file: which run is the fine-tune, which its base.
#include "clinbench/pairs_file.h"

#include "clinbench/yaml_reader.h"

#include <set>

namespace clinbench {

namespace {

std::string pair_text(const YamlReader& reader, const YAML::Node& map, const char* key, bool required,
                      const std::string& where) {
  YAML::Node node = map[key];
  std::string field = where + "." + key;
  if (!node.IsDefined() || node.IsNull()) {
    if (required) reader.fail(map, field, "missing: every pair names a fine_tune and a base run");
    return "";
  }
  if (!node.IsScalar()) reader.fail(node, field, "must be a run name or folder, not a list or map");
  std::string value = node.Scalar();
  if (value.empty() && required) reader.fail(node, field, "is empty");
  return value;
}

}  // namespace

std::vector<ComparePairEntry> compare_pairs_from_yaml(const YAML::Node& list,
                                                      const std::filesystem::path& path,
                                                      std::string_view field_prefix) {
  const std::string prefix(field_prefix);
  const YamlReader reader(path);
  if (!list.IsDefined() || list.IsNull())
    throw_input_error(path, 0, prefix, "missing: no pairs to compare");
  if (!list.IsSequence()) {
    reader.fail(list, prefix, "must be a list of {fine_tune: NAME_OR_DIR, base: NAME_OR_DIR} entries");
  }
  if (list.size() == 0) reader.fail(list, prefix, "is empty: no pairs to compare");
  static const std::set<std::string> known = {"fine_tune", "base", "fine_tune_name", "base_name"};
  std::vector<ComparePairEntry> entries;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string where = prefix + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) reader.fail(item, where, "must be a map {fine_tune: NAME_OR_DIR, base: NAME_OR_DIR}");
    reader.check_keys(item, where, known, "fine_tune, base, fine_tune_name, base_name");
    ComparePairEntry entry;
    entry.line = yaml_line(item);
    entry.fine_tune = pair_text(reader, item, "fine_tune", true, where);
    entry.base = pair_text(reader, item, "base", true, where);
    entry.fine_tune_name = pair_text(reader, item, "fine_tune_name", false, where);
    entry.base_name = pair_text(reader, item, "base_name", false, where);
    if (entry.fine_tune == entry.base) {
      reader.fail(item["base"], where + ".base",
                  "'" + entry.base + "' is also the fine_tune: a run cannot be compared with itself");
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<ComparePairEntry> compare_pairs_parse(std::string_view yaml_text,
                                                  const std::filesystem::path& path) {
  YAML::Node root = yaml_parse(yaml_text, path);
  if (root.IsMap()) {
    const YamlReader reader(path);
    for (const auto& key_value : root) {
      const std::string key = reader.key_text(key_value.first, "");
      if (key != "pairs") {
        reader.fail(key_value.first, key,
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
