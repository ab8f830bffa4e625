#include "clinbench/listed_lines.h"

namespace clinbench {

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

std::vector<ListedLine> listed_lines(std::string_view text) {
  std::vector<ListedLine> lines;
  int64_t number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trimmed(line).empty() || trimmed(line).front() == '#') continue;
    ListedLine entry{number, {}};
    for (size_t start = 0;;) {
      size_t tab = line.find('\t', start);
      entry.fields.push_back(trimmed(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start)));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    lines.push_back(std::move(entry));
  }
  return lines;
}

}  // namespace clinbench
