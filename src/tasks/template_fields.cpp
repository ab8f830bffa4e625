// The names a task template uses, read with the same brace rules as task_template_render.
#include <algorithm>

#include "clinbench/tasks.h"

namespace clinbench {

std::vector<std::string> task_template_fields(const std::string& template_text) {
  std::vector<std::string> names;
  for (size_t i = 0; i < template_text.size(); ++i) {
    char c = template_text[i];
    if ((c == '{' || c == '}') && i + 1 < template_text.size() && template_text[i + 1] == c) {
      ++i;
      continue;
    }
    if (c != '{') continue;
    size_t close = template_text.find('}', i);
    if (close == std::string::npos) throw Error("unclosed '{' in template: " + template_text);
    std::string name = template_text.substr(i + 1, close - i - 1);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    i = close;
  }
  return names;
}

}  // namespace clinbench
