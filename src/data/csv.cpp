#include "data/csv.h"

#include "clinbench/core.h"
#include "clinbench/utf8.h"

namespace clinbench {

namespace {

std::string csv_column_name(std::span<const std::string> column_names, size_t index) {
  if (index < column_names.size()) return column_names[index];
  return "column " + std::to_string(index + 1);
}

int64_t count_newlines(std::string_view text) {
  int64_t count = 0;
  for (char c : text) count += c == '\n';
  return count;
}

}  // namespace

CsvCursor csv_cursor_start(std::string_view text, const std::filesystem::path& path) {
  CsvCursor cursor{text, path};
  if (text.substr(0, 3) == "\xEF\xBB\xBF") cursor.offset = 3;
  return cursor;
}

bool csv_read_row(CsvCursor& cursor, std::span<const std::string> column_names, CsvRow& row) {
  const std::string_view text = cursor.text;
  size_t i = cursor.offset;
  // Empty lines carry no record.
  while (i < text.size() &&
         (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n'))) {
    i += text[i] == '\r' ? 2 : 1;
    ++cursor.line;
  }
  cursor.offset = i;
  if (i >= text.size()) return false;

  row.cells.clear();
  row.line = cursor.line;
  std::string cell;
  while (true) {
    const size_t column = row.cells.size();
    const int64_t cell_line = cursor.line;
    cell.clear();
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) {
          throw_input_error(cursor.path, cell_line, csv_column_name(column_names, column),
                            "unterminated quoted field: the quote opened on this line is never "
                            "closed");
        }
        const char c = text[i];
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (c == '\n') ++cursor.line;
        cell += c;
        ++i;
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' &&
          !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
        throw_input_error(cursor.path, cursor.line, csv_column_name(column_names, column),
                          std::string("unexpected character after the closing quote of a quoted "
                                      "field: ") +
                              (static_cast<unsigned char>(text[i]) >= 0x20 &&
                                       static_cast<unsigned char>(text[i]) < 0x7F
                                   ? std::string("'") + text[i] + "'"
                                   : utf8_describe_invalid(text, i)) +
                              " (a quote inside a quoted field is written twice: \"\")");
      }
    } else {
      const size_t begin = i;
      while (i < text.size() && text[i] != ',' && text[i] != '\n') {
        if (text[i] == '"') {
          throw_input_error(cursor.path, cursor.line, csv_column_name(column_names, column),
                            "a quote inside an unquoted field (RFC 4180: a field that contains "
                            "quotes must be quoted and its quotes written twice)");
        }
        if (text[i] == '\r') {
          if (i + 1 < text.size() && text[i + 1] == '\n') break;
          throw_input_error(cursor.path, cursor.line, csv_column_name(column_names, column),
                            "a bare carriage return (CR) outside quotes: lines must end in LF "
                            "or CRLF");
        }
        ++i;
      }
      cell.assign(text.substr(begin, i - begin));
    }
    if (size_t bad = utf8_find_invalid(cell); bad != std::string::npos) {
      throw_input_error(cursor.path,
                        cell_line + count_newlines(std::string_view(cell).substr(0, bad)),
                        csv_column_name(column_names, column),
                        "invalid UTF-8 (" + utf8_describe_invalid(cell, bad) + ")");
    }
    row.cells.push_back(std::move(cell));
    cell = std::string();
    if (i >= text.size()) break;
    if (text[i] == ',') {
      ++i;
      continue;
    }
    // End of record: LF or CRLF.
    i += text[i] == '\r' ? 2 : 1;
    ++cursor.line;
    break;
  }
  cursor.offset = i;
  return true;
}

}  // namespace clinbench
