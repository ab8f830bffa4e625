// RFC 4180 CSV, read one record at a time from text held in memory.
//
// What is accepted: fields separated by commas, records ended by LF or CRLF (the last one may
// be unterminated); a field in double quotes may hold commas, line breaks (kept as they are in
// the file) and quotes written twice (""), and a record then spans several lines. A UTF-8 byte
// order mark at the start is skipped. Lines that are completely empty carry no record and are
// skipped, as Python's csv module and pandas do.
// What is an error (Error naming the file, line and column name): an unterminated quoted field,
// a character other than a comma or line break after a closing quote, a quote inside an
// unquoted field, a bare carriage return, and invalid UTF-8 in a field.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clinbench {

struct CsvRow {
  std::vector<std::string> cells;
  int64_t line = 0;  // 1-based line where the record starts
};

// A position in a CSV text. text must outlive the cursor; path only names the file in errors.
struct CsvCursor {
  std::string_view text;
  std::filesystem::path path;
  size_t offset = 0;
  int64_t line = 1;  // line of offset
};

// Starts at the beginning of text, after a UTF-8 byte order mark if there is one.
CsvCursor csv_cursor_start(std::string_view text, const std::filesystem::path& path);

// Reads the next record into row (its cells replaced) and returns true, or returns false at the
// end of the text. column_names name the fields in errors ("column N" beyond them). Throws Error
// for the problems listed above.
bool csv_read_row(CsvCursor& cursor, std::span<const std::string> column_names, CsvRow& row);

}  // namespace clinbench
