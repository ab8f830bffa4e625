// Range checks for numeric options: a value outside the range stops the command while the
// command line is parsed (before any file is read or model loaded), with a message that names
// the option and the allowed range, e.g. "--parallel: must be at least 1 (got 0)".
#pragma once

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <string>

namespace clinbench::cli {

namespace option_ranges_detail {

inline std::string number_text(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// "" when input is a number in [minimum, maximum], else the message.
inline std::string check_range(const std::string& input, double minimum, double maximum, const std::string& range,
                               bool minimum_excluded) {
  char* end = nullptr;
  double value = std::strtod(input.c_str(), &end);
  if (input.empty() || end != input.c_str() + input.size()) return "expected a number, got '" + input + "'";
  bool below = minimum_excluded ? value <= minimum : value < minimum;
  if (below || value > maximum) return "must be " + range + " (got " + input + ")";
  return "";
}

}  // namespace option_ranges_detail

// value >= minimum; `range` overrides the wording ("at least 0, or -1 for the task's own").
inline CLI::Validator option_at_least(double minimum, std::string range = "") {
  if (range.empty()) range = "at least " + option_ranges_detail::number_text(minimum);
  return CLI::Validator(
      [minimum, range](std::string& input) {
        return option_ranges_detail::check_range(input, minimum, 1e300, range, false);
      },
      ">= " + option_ranges_detail::number_text(minimum));
}

// minimum <= value <= maximum (minimum < value with minimum_excluded).
inline CLI::Validator option_between(double minimum, double maximum, bool minimum_excluded = false) {
  std::string range = (minimum_excluded ? "more than " : "from ") + option_ranges_detail::number_text(minimum) +
                      (minimum_excluded ? " and at most " : " to ") + option_ranges_detail::number_text(maximum);
  return CLI::Validator(
      [minimum, maximum, range, minimum_excluded](std::string& input) {
        return option_ranges_detail::check_range(input, minimum, maximum, range, minimum_excluded);
      },
      range);
}

// value > 0 (seconds and the like).
inline CLI::Validator option_positive() {
  return CLI::Validator(
      [](std::string& input) {
        return option_ranges_detail::check_range(input, 0, 1e300, "more than 0", true);
      },
      "> 0");
}

}  // namespace clinbench::cli
