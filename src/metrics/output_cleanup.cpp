#include "metrics/output_cleanup.h"

#include <algorithm>

#include "metrics/python_text.h"

namespace clinbench {

namespace {

// re.sub with CLUE's pattern. Each alternative starts with a literal and ends in ".*", so a
// match runs from the earliest marker on a line to that line's end, and the scan resumes at the
// "\n" (which "." does not match). Markers and "\n" are ASCII: byte search on UTF-8 is exact.
std::string cut_self_prompting(std::string_view text) {
  static constexpr std::string_view markers[] = {"You are an AI", "[INST]", "<|user|>"};
  std::string out;
  out.reserve(text.size());
  size_t line_start = 0;
  while (line_start <= text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(line_start, line_end - line_start);
    size_t cut = line.size();
    for (std::string_view marker : markers) cut = std::min(cut, line.find(marker));
    out.append(line.substr(0, cut));
    if (line_end == text.size()) break;
    out.push_back('\n');
    line_start = line_end + 1;
  }
  return out;
}

}  // namespace

std::string output_cleanup_step(OutputCleanup step, std::string_view text) {
  switch (step) {
    case OutputCleanup::strip:
      return std::string(python_strip(text));
    case OutputCleanup::phi_end_split:
      return std::string(text.substr(0, text.find(" <|end|>")));
    case OutputCleanup::cut_self_prompting:
      return cut_self_prompting(text);
  }
  return std::string(text);
}

std::string output_cleanup_apply(std::span<const OutputCleanup> steps, std::string_view text) {
  std::string cleaned(text);
  for (OutputCleanup step : steps) cleaned = output_cleanup_step(step, cleaned);
  return cleaned;
}

}  // namespace clinbench
