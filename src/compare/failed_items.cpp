// Items whose request failed on a side of a pair: missing there, so never compared as a loss.
#include "clinbench/compare.h"
#include "clinbench/sample_scoring.h"

namespace clinbench {

namespace {

// The failure cause of a sample without an answer, or "" when it has one.
std::string failure_of(const Sample& sample) {
  return scoring_status_answered(sample.status) ? "" : sample.status;
}

std::string causes_text(const std::map<std::string, int64_t>& causes) {
  std::string text;
  for (const auto& [cause, count] : causes) {
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " " + cause;
  }
  return text;
}

}  // namespace

CompareFailedItems compare_failed_items(const std::vector<Sample>& fine_tune,
                                        const std::vector<Sample>& base,
                                        const CompareAlignment& alignment) {
  CompareFailedItems failed;
  for (size_t i = 0; i < alignment.fine_tune_rows.size(); ++i) {
    const Sample& tuned_sample = fine_tune[alignment.fine_tune_rows[i]];
    std::string tuned = failure_of(tuned_sample);
    std::string other = failure_of(base[alignment.base_rows[i]]);
    if (tuned.empty() && other.empty()) {
      failed.answered_by_both.push_back(i);
      continue;
    }
    if (!tuned.empty()) failed.fine_tune_causes[tuned] += 1;
    if (!other.empty()) failed.base_causes[other] += 1;
    if (tuned.empty() != other.empty()) {
      failed.one_sided += 1;
      if (failed.first_one_sided.empty()) failed.first_one_sided = tuned_sample.id;
    }
  }
  return failed;
}

std::string compare_failed_items_text(const CompareFailedItems& failed, const std::string& fine_tune_name,
                                      const std::string& base_name) {
  std::string text;
  if (!failed.fine_tune_causes.empty()) {
    text += "'" + fine_tune_name + "': " + causes_text(failed.fine_tune_causes);
  }
  if (!failed.base_causes.empty()) {
    text += std::string(text.empty() ? "" : "; ") + "'" + base_name + "': " + causes_text(failed.base_causes);
  }
  return text;
}

}  // namespace clinbench
