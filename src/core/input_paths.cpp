// Paths written in task and suite files: kept under their base folder unless the user allows
// otherwise.
#include "clinbench/core.h"

namespace clinbench {

std::filesystem::path input_path_resolve(const std::filesystem::path& base,
                                         std::string_view base_description, std::string_view written,
                                         bool allow_outside, const std::filesystem::path& source,
                                         int64_t line, std::string_view field) {
  const std::string text(written);
  const std::string where = std::string(base_description) + " (" + base.string() + ")";
  const std::string allow = "; pass --allow-absolute-paths to let task and suite files name files anywhere";
  if (text.empty()) throw_input_error(source, line, field, "empty path");
  std::filesystem::path path(text);
  if (path.is_absolute()) {
    if (allow_outside) return path.lexically_normal();
    throw_input_error(source, line, field,
                      "'" + text + "' is an absolute path; paths here are relative to " + where + allow);
  }
  std::filesystem::path normal = path.lexically_normal();
  if (!normal.empty() && *normal.begin() == "..") {
    if (allow_outside) return (base / normal).lexically_normal();
    throw_input_error(source, line, field, "'" + text + "' leaves " + where + allow);
  }
  std::filesystem::path resolved = (base / normal).lexically_normal();
  if (allow_outside) return resolved;
  // Symbolic links are resolved before the check: a link inside base may not lead out of it.
  std::error_code error;
  std::filesystem::path real_base = std::filesystem::weakly_canonical(base, error);
  std::filesystem::path real_path = error ? resolved : std::filesystem::weakly_canonical(resolved, error);
  if (error) throw_input_error(source, line, field, "'" + text + "' cannot be resolved: " + error.message());
  std::filesystem::path inside = real_path.lexically_relative(real_base);
  if (inside.empty() || *inside.begin() == "..") {
    throw_input_error(source, line, field,
                      "'" + text + "' leads out of " + where + " through a symbolic link" + allow);
  }
  return resolved;
}

}  // namespace clinbench
