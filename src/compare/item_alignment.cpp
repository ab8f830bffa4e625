// Lining up the items of two runs of one task, and saying where they first differ.
#include <cmath>
#include <map>

#include "clinbench/compare.h"

namespace clinbench {

namespace {

// The k-th occurrence of an id is one item: LongHealth asks a question several times.
std::vector<std::string> item_keys(const std::vector<Sample>& samples) {
  std::map<std::string, int64_t> seen;
  std::vector<std::string> keys;
  keys.reserve(samples.size());
  for (const Sample& sample : samples) {
    const std::string& id = sample.id;
    int64_t occurrence = seen[id]++;
    keys.push_back(occurrence == 0 ? id : id + "#" + std::to_string(occurrence + 1));
  }
  return keys;
}

std::string quoted(const std::string& id) { return "'" + id + "'"; }

}  // namespace

double compare_sample_score(const Sample& sample, const std::string& metric) {
  auto value = sample.scores.find(metric);
  // A metric the sample lacks, or one it has no value for (null, read as NaN), counts 0.
  return value != sample.scores.end() && !std::isnan(value->second) ? value->second : 0.0;
}

CompareAlignment compare_align(const std::vector<Sample>& fine_tune,
                               const std::vector<Sample>& base) {
  CompareAlignment alignment;
  alignment.fine_tune_items = int64_t(fine_tune.size());
  alignment.base_items = int64_t(base.size());
  std::vector<std::string> fine_tune_keys = item_keys(fine_tune);
  std::vector<std::string> base_keys = item_keys(base);

  // The first difference in file order, which is what a user checks by hand.
  size_t common_prefix = std::min(fine_tune.size(), base.size());
  for (size_t i = 0; i < common_prefix && alignment.first_difference.empty(); ++i) {
    if (fine_tune_keys[i] != base_keys[i]) {
      alignment.first_difference =
          "item " + std::to_string(i + 1) + " is id " + quoted(fine_tune[i].id) +
          " in the fine-tune run but id " + quoted(base[i].id) + " in the base run";
    } else if (fine_tune[i].prompt_key != base[i].prompt_key) {
      alignment.first_difference =
          "item id " + quoted(fine_tune[i].id) +
          " was asked with a different prompt (prompt_key differs: other shots, "
          "template text, limit or seed)";
    }
  }
  if (alignment.first_difference.empty() && fine_tune.size() != base.size()) {
    bool fine_tune_longer = fine_tune.size() > base.size();
    const Sample& extra = fine_tune_longer ? fine_tune[common_prefix] : base[common_prefix];
    alignment.first_difference =
        "the fine-tune run has " + std::to_string(fine_tune.size()) + " items and the base run " +
        std::to_string(base.size()) + "; the first item only in the " +
        (fine_tune_longer ? "fine-tune" : "base") + " run is id " + quoted(extra.id);
  }

  std::map<std::string, size_t> base_rows;
  for (size_t i = 0; i < base_keys.size(); ++i) base_rows.emplace(base_keys[i], i);
  for (size_t i = 0; i < fine_tune_keys.size(); ++i) {
    auto found = base_rows.find(fine_tune_keys[i]);
    if (found == base_rows.end()) continue;
    alignment.fine_tune_rows.push_back(i);
    alignment.base_rows.push_back(found->second);
    if (fine_tune[i].prompt_key != base[found->second].prompt_key) {
      alignment.prompt_differences += 1;
    }
  }
  return alignment;
}

}  // namespace clinbench
