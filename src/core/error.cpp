#include "clinbench/core.h"

namespace clinbench {

std::string format_input_error(const std::filesystem::path& path, int64_t line,
                               std::string_view field, std::string_view message) {
  std::string out = path.string();
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!field.empty()) {
    out += "field '";
    out += field;
    out += "': ";
  }
  out += message;
  return out;
}

void throw_input_error(const std::filesystem::path& path, int64_t line, std::string_view field,
                       std::string_view message) {
  throw Error(format_input_error(path, line, field, message));
}

}  // namespace clinbench
