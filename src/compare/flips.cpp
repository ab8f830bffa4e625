// Per-item flips between the two models of a pair, and the cause of each wrong answer.
#include <algorithm>

#include "compare/sample_analysis.h"

namespace clinbench {

namespace {

constexpr const char* kUnanswerable = "Question cannot be answered with provided documents";

// The letter of the "cannot be answered" option (LongHealth tasks 2 and 3), or "".
std::string unanswerable_letter(const Sample& sample) {
  if (!sample.options) return "";
  for (size_t i = 0; i < sample.options->size(); ++i) {
    if ((*sample.options)[i] == kUnanswerable) return std::string(1, char('A' + i));
  }
  return "";
}

}  // namespace

const std::vector<std::string>& compare_flip_causes() {
  static const std::vector<std::string> causes = {
      "request failed",  "empty output",         "cut at max tokens", "no answer found",
      "chose cannot be answered", "answered when absent", "invalid ICD code", "different answer"};
  return causes;
}

std::string compare_flip_cause(const Sample& sample) {
  const std::string& status = sample.status;
  if (!status.empty() && status != "ok" && status != "extraction_failed") return "request failed";
  const bool has_response = sample.generation.has_value();
  std::string response = has_response ? sample.generation->response : "";
  if (has_response && response.find_first_not_of(" \t\r\n") == std::string::npos) return "empty output";
  if (status == "extraction_failed") {
    return has_response && sample.generation->finish_reason == "length" ? "cut at max tokens" : "no answer found";
  }
  const std::string unanswerable = unanswerable_letter(sample);
  const std::string& extracted = sample.extracted;
  const std::string& target = sample.target;
  if (!unanswerable.empty() && extracted == unanswerable && target != unanswerable) return "chose cannot be answered";
  if (!unanswerable.empty() && target == unanswerable && !extracted.empty() && extracted != unanswerable)
    return "answered when absent";
  const nlohmann::json& details = sample.details;
  if (details.is_object() && details.contains("invalid_codes") && details["invalid_codes"].is_array() &&
      !details["invalid_codes"].empty())
    return "invalid ICD code";
  return "different answer";
}

void compare_flips_add(const std::vector<Sample>& fine_tune, const std::vector<Sample>& base,
                       const CompareAlignment& alignment, const std::vector<std::string>& metrics,
                       const std::string& task, const ComparePair& pair, CompareResult& result) {
  std::string metric;
  for (const char* candidate : {"acc", "exact_acc"}) {
    if (std::find(metrics.begin(), metrics.end(), candidate) != metrics.end()) {
      metric = candidate;
      break;
    }
  }
  if (metric.empty()) return;
  CompareFlips flips{.task = task, .metric = metric, .fine_tune = pair.fine_tune, .base = pair.base, .causes = {}, .items = {}};
  std::map<std::string, CompareFlipCause> by_cause;
  for (size_t i = 0; i < alignment.fine_tune_rows.size(); ++i) {
    const Sample& tuned = fine_tune[alignment.fine_tune_rows[i]];
    const Sample& other = base[alignment.base_rows[i]];
    const double a = compare_sample_score(tuned, metric), b = compare_sample_score(other, metric);
    if ((a != 0 && a != 1) || (b != 0 && b != 1)) return;  // not a 0/1 metric here
    if (a == b) continue;
    const bool gained = a == 1;
    CompareFlipItem item{.id = tuned.id, .fine_tune_right = gained,
                         .cause = compare_flip_cause(gained ? other : tuned)};
    CompareFlipCause& counts = by_cause[item.cause];
    counts.cause = item.cause;
    (gained ? counts.gained : counts.lost) += 1;
    flips.items.push_back(std::move(item));
  }
  for (const std::string& cause : compare_flip_causes()) {
    auto found = by_cause.find(cause);
    if (found == by_cause.end()) continue;
    found->second.p_value = stats_mcnemar_exact(found->second.gained, found->second.lost);
    flips.causes.push_back(found->second);
  }
  result.flips.push_back(std::move(flips));
}

}  // namespace clinbench
