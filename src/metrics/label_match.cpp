// MedNLI scoring. The study's rule (CLUE eval_mednli.py) is a substring count, not a token
// match: it accepts "NEUTRAL." and "The relation is neutral", and also "NEUTRALITY", while an
// output that names the label twice, or names two labels that contain each other, is wrong.
// clinbench reproduces it literally and offers exact matching beside it.
#include "metrics/label_match.h"

#include "clinbench/metrics.h"
#include "metrics/python_text.h"

namespace clinbench {
namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view trim_ascii_space(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

int64_t label_count_occurrences(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return 0;
  int64_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

int64_t metric_label_count(std::string_view model_output, std::string_view gold_label) {
  // The label is used as a regex pattern in CLUE; MedNLI's labels hold letters only, so a
  // literal search is the same thing.
  return label_count_occurrences(python_upper(model_output), python_upper(gold_label));
}

bool metric_label_match_once(std::string_view model_output, std::string_view gold_label) {
  return metric_label_count(model_output, gold_label) == 1;
}

bool metric_label_exact(std::string_view model_output, std::string_view gold_label) {
  std::string_view output = trim_ascii_space(model_output);
  std::string_view label = trim_ascii_space(gold_label);
  if (output.size() != label.size() || label.empty()) return false;
  for (size_t i = 0; i < output.size(); ++i) {
    if (ascii_lower(output[i]) != ascii_lower(label[i])) return false;
  }
  return true;
}

}  // namespace clinbench
