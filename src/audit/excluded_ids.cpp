// The exclude-ids file of `run --exclude-ids` and `compare --exclude-ids` (format in audit.h).
// The lines are read by core's listed_lines (spaces trimmed, tabs separate, # comments).
#include "clinbench/audit.h"
#include "clinbench/listed_lines.h"

namespace clinbench {

bool AuditExcludedIds::excludes(const std::string& task, const std::string& id) const {
  if (every_task.count(id)) return true;
  auto found = by_task.find(task);
  return found != by_task.end() && found->second.count(id) > 0;
}

AuditExcludedIds audit_excluded_ids_parse(std::string_view text, const std::filesystem::path& path) {
  AuditExcludedIds ids;
  ids.source = path;
  for (const ListedLine& line : listed_lines(text)) {
    if (line.fields.size() == 1) {
      ids.every_task.insert(std::string(line.fields[0]));
      continue;
    }
    if (line.fields.size() > 2) throw_input_error(path, line.number, "", "more than one tab: expected ID or TASK<TAB>ID");
    if (line.fields[0].empty()) throw_input_error(path, line.number, "task", "empty before the tab");
    if (line.fields[1].empty()) throw_input_error(path, line.number, "id", "empty after the tab");
    ids.by_task[std::string(line.fields[0])].insert(std::string(line.fields[1]));
  }
  return ids;
}

AuditExcludedIds audit_excluded_ids_read(const std::filesystem::path& path) {
  return audit_excluded_ids_parse(read_file(path), path);
}

}  // namespace clinbench
