// The exclude-ids file of `run --exclude-ids` and `compare --exclude-ids` (format in audit.h).
// Spaces around fields are trimmed, tabs are not: a tab always separates task and id.
#include "clinbench/audit.h"

namespace clinbench {

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

bool AuditExcludedIds::excludes(const std::string& task, const std::string& id) const {
  if (every_task.count(id)) return true;
  auto found = by_task.find(task);
  return found != by_task.end() && found->second.count(id) > 0;
}

AuditExcludedIds audit_excluded_ids_parse(std::string_view text, const std::filesystem::path& path) {
  AuditExcludedIds ids;
  ids.source = path;
  int64_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trimmed(line).empty() || trimmed(line).front() == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      ids.every_task.insert(std::string(trimmed(line)));
      continue;
    }
    if (line.find('\t', tab + 1) != std::string_view::npos) {
      throw_input_error(path, line_number, "", "more than one tab: expected ID or TASK<TAB>ID");
    }
    std::string_view task = trimmed(line.substr(0, tab));
    std::string_view id = trimmed(line.substr(tab + 1));
    if (task.empty()) throw_input_error(path, line_number, "task", "empty before the tab");
    if (id.empty()) throw_input_error(path, line_number, "id", "empty after the tab");
    ids.by_task[std::string(task)].insert(std::string(id));
  }
  return ids;
}

AuditExcludedIds audit_excluded_ids_read(const std::filesystem::path& path) {
  return audit_excluded_ids_parse(read_file(path), path);
}

}  // namespace clinbench
