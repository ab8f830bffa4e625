// Task files read with the kind table: the tasks stage's reader (tasks.h task_spec_read) given
// every kind's name, sections and checks, so each spec a caller gets is checked by its kind.
#include "clinbench/kinds.h"

namespace clinbench {

TaskSpec task_spec_parse(const std::string& yaml_text, const std::string& source) {
  return task_spec_read(yaml_text, source, task_file_kinds());
}

std::vector<std::string> builtin_task_names() {
  std::vector<std::string> names;
  for (const BuiltinTaskFile& file : builtin_task_files()) names.push_back(task_spec_parse(file.yaml, file.source).name);
  return names;
}

TaskSpec task_spec_find(const std::string& name_or_path) {
  bool looks_like_path = name_or_path.find('/') != std::string::npos ||
                         name_or_path.ends_with(".yaml") || name_or_path.ends_with(".yml");
  if (looks_like_path) {
    return task_spec_parse(read_file(name_or_path), name_or_path);
  }
  std::string known;
  for (const BuiltinTaskFile& file : builtin_task_files()) {
    TaskSpec spec = task_spec_parse(file.yaml, file.source);
    if (spec.name == name_or_path) return spec;
    known += (known.empty() ? "" : ", ") + spec.name;
  }
  throw Error("unknown task '" + name_or_path + "'; built-in tasks: " + known +
              " (or give the path of a task YAML file)");
}

}  // namespace clinbench
