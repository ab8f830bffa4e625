// JSON text as the data stage reads it: one value parsed with errors that name the file's line,
// column and field, and a top-level array or object split into its members with the line each
// starts on (nlohmann::json parses a whole document but reports no positions for values).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace clinbench {

// Where a piece of JSON text sits in its file, so errors inside it name the file's line and
// column. line and column are 1-based; column counts bytes.
struct JsonTextOrigin {
  std::filesystem::path path;
  int64_t line = 1;
  int64_t column = 1;
};

// How deep arrays and objects may nest in a value json_parse_text accepts (data sets nest a few
// levels; values are copied and written recursively, so depth costs stack).
inline constexpr int64_t json_max_depth = 128;

// Parses exactly one JSON value (RFC 8259; surrounding whitespace allowed, nothing else).
// Throws Error naming origin.path, the line of the problem and the field (a path such as
// "options.A" or "CONTEXTS[2]") for: invalid UTF-8 anywhere in text, arrays and objects nested
// deeper than json_max_depth, malformed JSON (with the parser's own explanation and the
// column), and a key that appears twice in one object (which
// nlohmann::json would resolve by silently keeping one of the values; this error names the line
// where text starts, since the parser does not say where the key was).
nlohmann::json json_parse_text(std::string_view text, const JsonTextOrigin& origin);

// The field that holds byte offset of text, as a path of keys and indexes ("options.A",
// "CONTEXTS[2]"); "" at the top level. text may be cut off or malformed after offset: only the
// bytes before offset are looked at. Used to name the field of an error found by byte offset.
std::string json_field_path_at(std::string_view text, size_t offset);

enum class JsonTopLevel { array, object };

// One member of the top-level array or object of a JSON document. begin/end are byte offsets of
// the member's value in the document; line/column where the value starts (json_array) or where
// its key starts (json_object), 1-based.
struct JsonTopLevelMember {
  std::string key;  // json_object: the decoded key; json_array: empty
  size_t begin = 0;
  size_t end = 0;
  int64_t line = 0;
  int64_t column = 0;
  int64_t value_line = 0;
  int64_t value_column = 0;
};

// Splits a document whose top level is an array or an object into its members without parsing
// them (parse each with json_parse_text). Skips a UTF-8 byte order mark. Throws Error naming path
// and line for: an empty document, a top level of the other kind or not a container, a missing
// comma or colon, a trailing comma, an unterminated member, a key that appears twice (naming both
// lines), an empty container (no records), and content after the closing bracket.
std::vector<JsonTopLevelMember> json_split_top_level(std::string_view text,
                                                     const std::filesystem::path& path,
                                                     JsonTopLevel kind);

}  // namespace clinbench
