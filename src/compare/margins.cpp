// Equivalence margins (`compare --margin METRIC=DELTA`, a suite's `margins:`): reading them and
// finding a row's. Apart from the table, so the suite reader's fuzzer links without it.
#include <cstdlib>

#include "clinbench/compare.h"

namespace clinbench {

std::optional<double> compare_margin(const CompareOptions& options, const std::string& task,
                                     const std::string& metric) {
  auto found = options.margins.find(task + "." + metric);
  if (found == options.margins.end()) found = options.margins.find(metric);
  if (found == options.margins.end()) return std::nullopt;
  return found->second;
}

void compare_margin_parse(std::string_view text, std::map<std::string, double>& margins) {
  const size_t equals = text.find('=');
  std::string key(text.substr(0, equals == std::string_view::npos ? text.size() : equals));
  std::string value = equals == std::string_view::npos ? "" : std::string(text.substr(equals + 1));
  char* end = nullptr;
  const double margin = value.empty() ? 0 : std::strtod(value.c_str(), &end);
  if (key.empty() || value.empty() || end == nullptr || *end != '\0' || !(margin > 0 && margin < 1)) {
    throw Error("--margin '" + std::string(text) +
                "': expected METRIC=DELTA or TASK.METRIC=DELTA with DELTA in (0, 1), in the metric's units "
                "(acc=0.05 is 5 points of accuracy)");
  }
  margins[key] = margin;
}

}  // namespace clinbench
