// Cluster keys and calibration items read from stored samples.
#include "compare/sample_analysis.h"

#include <algorithm>
#include <cmath>

namespace clinbench {

std::string compare_sample_cluster(const nlohmann::json& sample) {
  auto found = sample.find("cluster");
  if (found == sample.end() || found->is_null()) return "";
  return found->is_string() ? found->get<std::string>() : found->dump();
}

std::vector<uint32_t> compare_cluster_index(const std::vector<nlohmann::json>& fine_tune,
                                            const std::vector<nlohmann::json>& base,
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

bool compare_samples_have_loglikelihoods(const std::vector<nlohmann::json>& samples) {
  return !samples.empty() && samples.front().contains("option_loglikelihoods");
}

std::optional<StatsCalibrationItem> compare_sample_calibration(const nlohmann::json& sample) {
  auto options = sample.find("option_loglikelihoods");
  auto target = sample.find("target");
  if (options == sample.end() || !options->is_array() || options->empty()) return std::nullopt;
  if (target == sample.end() || !target->is_string() || target->get<std::string>().size() != 1) return std::nullopt;
  std::vector<double> loglikelihoods;
  for (const nlohmann::json& option : *options) {
    if (!option.is_object()) return std::nullopt;
    auto logprob = option.find("logprob");
    if (logprob == option.end() || !logprob->is_number()) return std::nullopt;
    const std::string status = option.value("status", std::string("ok"));
    if (status != "ok") return std::nullopt;
    const double value = logprob->get<double>();
    if (!std::isfinite(value)) return std::nullopt;
    loglikelihoods.push_back(value);
  }
  const int gold = target->get<std::string>()[0] - 'A';
  if (gold < 0 || size_t(gold) >= loglikelihoods.size()) return std::nullopt;
  return stats_calibration_item(loglikelihoods, size_t(gold));
}

}  // namespace clinbench
