// read_dataset and friends: files to records, one reader per DatasetFormat.
#include <fnmatch.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "clinbench/core.h"
#include "clinbench/data.h"
#include "clinbench/enum_names.h"
#include "data/csv.h"
#include "data/dataset_text.h"
#include "data/json_text.h"

namespace clinbench {

namespace {

constexpr EnumName<DatasetFormat> dataset_format_names[] = {
    {DatasetFormat::jsonl, "jsonl"},
    {DatasetFormat::json_array, "json_array"},
    {DatasetFormat::json_object, "json_object"},
    {DatasetFormat::csv, "csv"},
    {DatasetFormat::csv_headerless, "csv_headerless"},
    {DatasetFormat::jsonl_or_json_array, "jsonl_or_json_array"},
};

// jsonl_or_json_array: an array when the first non-blank character after a BOM is "[".
bool dataset_text_is_json_array(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '[';
}

// The whole file in one allocation and one read: the parsers below work on views into it.
std::string dataset_read_bytes(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw_input_error(path, 0, "", "is a folder, not a data file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input_error(path, 0, "", std::string("cannot open: ") + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0) throw_input_error(path, 0, "", "cannot determine the file size");
  std::string bytes(size_t(size), '\0');
  if (size > 0 && !in.read(bytes.data(), size)) throw_input_error(path, 0, "", "read error");
  return bytes;
}

void dataset_require_object(const nlohmann::json& value, const std::filesystem::path& path,
                            int64_t line, std::string_view field, std::string_view what) {
  if (!value.is_object()) {
    throw_input_error(
        path, line, field,
        std::string(what) + " must be a JSON object (a record), found a JSON " + value.type_name());
  }
}

std::vector<Record> dataset_read_jsonl(const std::filesystem::path& path, std::string_view text) {
  std::vector<Record> records;
  const std::string source = path.string();
  size_t offset = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  int64_t line = 0;
  while (offset < text.size()) {
    ++line;
    size_t end = text.find('\n', offset);
    if (end == std::string_view::npos) end = text.size();
    std::string_view content = text.substr(offset, end - offset);
    offset = end + 1;
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank line
    Record record;
    record.fields = json_parse_text(content, JsonTextOrigin{path, line, 1});
    dataset_require_object(record.fields, path, line, "", "each JSONL line");
    record.line = line;
    record.position = int64_t(records.size());
    record.source = source;
    records.push_back(std::move(record));
  }
  if (records.empty()) {
    throw_input_error(
        path, 0, "",
        text.empty() ? "empty file: no records" : "no records: the file holds only blank lines");
  }
  return records;
}

std::vector<Record> dataset_read_json(const std::filesystem::path& path, std::string_view text,
                                      JsonTopLevel kind) {
  std::vector<JsonTopLevelMember> members = json_split_top_level(text, path, kind);
  std::vector<Record> records;
  records.reserve(members.size());
  const std::string source = path.string();
  for (JsonTopLevelMember& member : members) {
    Record record;
    record.fields = json_parse_text(text.substr(member.begin, member.end - member.begin),
                                    JsonTextOrigin{path, member.value_line, member.value_column});
    if (kind == JsonTopLevel::object) {
      dataset_require_object(record.fields, path, member.line, member.key,
                             "each value of the top-level object");
    } else {
      dataset_require_object(record.fields, path, member.line, "",
                             "each element of the top-level array");
    }
    record.key = std::move(member.key);
    record.line = member.line;
    record.position = int64_t(records.size());
    record.source = source;
    records.push_back(std::move(record));
  }
  return records;
}

std::vector<Record> dataset_read_csv(const std::filesystem::path& path, std::string_view text,
                                     const DatasetReadOptions& options) {
  CsvCursor cursor = csv_cursor_start(text, path);
  CsvRow row;
  std::vector<std::string> columns = options.columns;
  int64_t header_line = 0;
  if (options.format == DatasetFormat::csv) {
    if (!csv_read_row(cursor, {}, row)) throw_input_error(path, 0, "", "empty file: no header");
    columns = std::move(row.cells);
    header_line = row.line;
  }
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < columns.size(); ++i) {
    auto [it, inserted] = seen.emplace(columns[i], i);
    if (!inserted) {
      throw_input_error(path, header_line, columns[i],
                        "column name used twice (columns " + std::to_string(it->second + 1) +
                            " and " + std::to_string(i + 1) + ")");
    }
  }
  std::vector<Record> records;
  const std::string source = path.string();
  while (csv_read_row(cursor, columns, row)) {
    if (row.cells.size() != columns.size()) {
      // Name the first column without a cell, or the last one when there are cells too many.
      const std::string& field =
          row.cells.size() < columns.size() ? columns[row.cells.size()] : columns.back();
      throw_input_error(
          path, row.line, field,
          "the row has " + std::to_string(row.cells.size()) + " cells, expected " +
              std::to_string(columns.size()) + " (one per column" +
              (options.format == DatasetFormat::csv
                   ? std::string(" of the header on line ") + std::to_string(header_line)
                   : std::string(" named in the read options")) +
              ")" +
              (row.cells.size() < columns.size() ? "; this column has no cell"
                                                 : "; cells after this column have no name"));
    }
    Record record;
    record.fields = nlohmann::json::object();
    for (size_t i = 0; i < columns.size(); ++i) {
      record.fields[columns[i]] = std::move(row.cells[i]);
    }
    record.line = row.line;
    record.position = int64_t(records.size());
    record.source = source;
    records.push_back(std::move(record));
  }
  if (records.empty()) {
    throw_input_error(path, header_line, "",
                      options.format == DatasetFormat::csv
                          ? "no records: the header is not followed by any row"
                          : "empty file: no records");
  }
  return records;
}

void dataset_check_options(const std::filesystem::path& path, const DatasetReadOptions& options) {
  if (options.format == DatasetFormat::csv_headerless && options.columns.empty()) {
    throw_input_error(path, 0, "",
                      "format csv_headerless needs the column names (DatasetReadOptions::columns)");
  }
  if (options.format != DatasetFormat::csv_headerless && !options.columns.empty()) {
    throw_input_error(path, 0, "",
                      "column names are only given for format csv_headerless, not " +
                          std::string(dataset_format_name(options.format)));
  }
}

}  // namespace

DatasetFormat dataset_format_from_name(std::string_view name) {
  if (std::optional<DatasetFormat> format = enum_from_name(dataset_format_names, name)) return *format;
  throw Error("unknown data set format '" + std::string(name) + "' (valid: " + enum_names_list(dataset_format_names) +
              ")");
}

std::string_view dataset_format_name(DatasetFormat format) { return enum_name(dataset_format_names, format); }

std::vector<Record> read_dataset(const std::filesystem::path& path,
                                 const DatasetReadOptions& options) {
  dataset_check_options(path, options);  // before reading what may be a large file
  return read_dataset_text(dataset_read_bytes(path), path, options);
}

std::vector<Record> read_dataset_text(std::string_view text, const std::filesystem::path& path,
                                      const DatasetReadOptions& options) {
  dataset_check_options(path, options);
  switch (options.format) {
    case DatasetFormat::jsonl:
      return dataset_read_jsonl(path, text);
    case DatasetFormat::json_array:
      return dataset_read_json(path, text, JsonTopLevel::array);
    case DatasetFormat::json_object:
      return dataset_read_json(path, text, JsonTopLevel::object);
    case DatasetFormat::csv:
    case DatasetFormat::csv_headerless:
      return dataset_read_csv(path, text, options);
    case DatasetFormat::jsonl_or_json_array:
      return dataset_text_is_json_array(text) ? dataset_read_json(path, text, JsonTopLevel::array)
                                              : dataset_read_jsonl(path, text);
  }
  throw Error("read_dataset: unknown DatasetFormat value");
}

std::vector<std::filesystem::path> dataset_glob_files(const std::filesystem::path& pattern) {
  constexpr std::string_view wildcards = "*?[";
  const std::string name = pattern.filename().string();
  std::filesystem::path folder = pattern.parent_path();
  if (folder.string().find_first_of("*?") != std::string::npos) {
    throw_input_error(pattern, 0, "",
                      "wildcards are only allowed in the file name, not in the folders");
  }
  std::error_code error;
  // A file that exists is meant literally, even when its name holds '[' or '?'.
  if (name.find_first_of(wildcards) == std::string::npos ||
      std::filesystem::is_regular_file(pattern, error)) {
    return {pattern};
  }
  if (folder.empty()) folder = ".";
  std::filesystem::directory_iterator entries(folder, error);
  if (error) throw_input_error(folder, 0, "", "cannot list the folder: " + error.message());
  std::vector<std::filesystem::path> files;
  for (const std::filesystem::directory_entry& entry : entries) {
    const std::string entry_name = entry.path().filename().string();
    if (::fnmatch(name.c_str(), entry_name.c_str(), FNM_PERIOD) != 0) continue;
    if (!entry.is_regular_file(error)) continue;  // folders and dangling links are not data
    files.push_back(pattern.parent_path() / entry_name);
  }
  if (files.empty()) throw_input_error(pattern, 0, "", "no file matches the pattern");
  std::sort(files.begin(), files.end(),
            [](const std::filesystem::path& a, const std::filesystem::path& b) {
              return a.filename().string() < b.filename().string();
            });
  return files;
}

std::vector<Record> read_dataset_glob(const std::filesystem::path& pattern,
                                      const DatasetReadOptions& options) {
  std::vector<Record> records;
  for (const std::filesystem::path& file : dataset_glob_files(pattern)) {
    std::vector<Record> part = read_dataset(file, options);
    if (records.empty()) {
      records = std::move(part);
    } else {
      records.insert(records.end(), std::make_move_iterator(part.begin()),
                     std::make_move_iterator(part.end()));
    }
  }
  return records;
}

std::vector<Record> select_records_by_key_file(std::vector<Record> records,
                                               const std::filesystem::path& keys_file,
                                               std::string_view id_field) {
  std::unordered_map<std::string, size_t> index_of_id;
  index_of_id.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    const Record& record = records[i];
    std::string id;
    if (!id_field.empty()) {
      id = record_field_string(record, id_field);
    } else if (!record.key.empty()) {
      id = record.key;
    } else {
      throw_input_error(record.source, record.line, "",
                        "the record has no key to select it by (not read from a JSON object; "
                        "name an id field)");
    }
    auto [it, inserted] = index_of_id.emplace(id, i);
    if (!inserted) {
      const Record& first = records[it->second];
      throw_input_error(record.source, record.line, id_field,
                        "id '" + id + "' used by two records (first at " + first.source + ":" +
                            std::to_string(first.line) + ")");
    }
  }
  const std::string bytes = dataset_read_bytes(keys_file);
  std::vector<JsonTopLevelMember> keys =
      json_split_top_level(bytes, keys_file, JsonTopLevel::object);
  std::vector<bool> keep(records.size(), false);
  for (const JsonTopLevelMember& key : keys) {
    // The values are not used, but a malformed one means the file is not what it seems.
    json_parse_text(std::string_view(bytes).substr(key.begin, key.end - key.begin),
                    JsonTextOrigin{keys_file, key.value_line, key.value_column});
    auto found = index_of_id.find(key.key);
    if (found == index_of_id.end()) {
      throw_input_error(
          keys_file, key.line, key.key,
          "key not found among the " + std::to_string(records.size()) +
              " records being selected from" +
              (records.empty() ? std::string() : " (" + records.front().source + ")"));
    }
    keep[found->second] = true;
  }
  std::vector<Record> selected;
  selected.reserve(keys.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (keep[i]) selected.push_back(std::move(records[i]));
  }
  return selected;
}

}  // namespace clinbench
