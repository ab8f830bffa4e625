// Cluster keys and calibration items read from stored samples.
#include "compare/sample_analysis.h"

#include <algorithm>
#include <cmath>

namespace clinbench {

std::string compare_sample_cluster(const Sample& sample) { return sample.cluster.value_or(""); }

std::vector<uint32_t> compare_cluster_index(const std::vector<Sample>& fine_tune,
                                            const std::vector<Sample>& base,
                                            const CompareAlignment& alignment) {
  std::vector<std::string> keys;
  bool any = false;
  for (size_t i = 0; i < alignment.fine_tune_rows.size(); ++i) {
    std::string key = compare_sample_cluster(fine_tune[alignment.fine_tune_rows[i]]);
    if (key.empty()) key = compare_sample_cluster(base[alignment.base_rows[i]]);
    any = any || !key.empty();
    // '\x1f' cannot come from a task's field, so an unclustered item never joins a cluster.
    keys.push_back(key.empty() ? "\x1f" + std::to_string(i) : key);
  }
  if (!any) return {};
  std::vector<uint32_t> index = stats_cluster_index(keys);
  // Dense numbers: as many clusters as items means none is shared.
  if (index.empty() || size_t(*std::max_element(index.begin(), index.end())) + 1 == index.size()) return {};
  return index;
}

bool compare_samples_have_loglikelihoods(const std::vector<Sample>& samples) {
  return !samples.empty() && samples.front().option_loglikelihoods.has_value();
}

std::optional<StatsCalibrationItem> compare_sample_calibration(const Sample& sample) {
  if (!sample.option_loglikelihoods || sample.option_loglikelihoods->empty()) return std::nullopt;
  if (sample.target.size() != 1) return std::nullopt;
  std::vector<double> loglikelihoods;
  for (const SampleOptionLoglikelihood& option : *sample.option_loglikelihoods) {
    if (option.status != "ok") return std::nullopt;
    if (!std::isfinite(option.logprob)) return std::nullopt;  // a missing logprob reads as NaN
    loglikelihoods.push_back(option.logprob);
  }
  const int gold = sample.target[0] - 'A';
  if (gold < 0 || size_t(gold) >= loglikelihoods.size()) return std::nullopt;
  return stats_calibration_item(loglikelihoods, size_t(gold));
}

}  // namespace clinbench
