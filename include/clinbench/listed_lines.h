// Small tab-separated list files that people write by hand: `run --exclude-ids` (audit.h) and
// `compare --gold-documents` (compare.h). One rule for both, so the two read alike: one entry a
// line, fields separated by tabs, spaces around a field trimmed (tabs are not: a tab always
// separates), blank lines and lines starting with '#' skipped, CRLF read as LF.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace clinbench {

struct ListedLine {
  int64_t number = 0;                    // 1-based line in the file, for errors
  std::vector<std::string_view> fields;  // at least one; views into the text
};

// The entries of text, in order. Fields may be empty ("a\t" has two, the second empty): the
// reader of each format says which may not be.
std::vector<ListedLine> listed_lines(std::string_view text);

}  // namespace clinbench
