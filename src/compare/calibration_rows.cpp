// Calibration in compare: each run's ECE, Brier score and mean chosen probability per
// log-likelihood task, and their paired rows beside the task's other metrics.
#include <algorithm>
#include <cmath>
#include <map>

#include "compare/sample_analysis.h"

namespace clinbench {

namespace {

std::vector<uint32_t> clusters_of(const std::vector<std::string>& keys) {
  std::vector<uint32_t> index = stats_cluster_index(keys);
  // Dense numbers: as many clusters as items means none is shared.
  if (index.empty() || size_t(*std::max_element(index.begin(), index.end())) + 1 == index.size()) return {};
  return index;
}

}  // namespace

void compare_calibration_rows(const std::vector<Sample>& fine_tune,
                              const std::vector<Sample>& base, const CompareAlignment& alignment,
                              const std::vector<uint32_t>& clusters, const CompareOptions& options,
                              const std::string& task, const ComparePair& pair, const std::string& pair_label,
                              CompareResult& result) {
  if (!compare_samples_have_loglikelihoods(fine_tune) || !compare_samples_have_loglikelihoods(base)) return;
  std::vector<StatsCalibrationItem> a, b;
  std::vector<std::string> keys;
  int64_t left_out = 0;
  for (size_t i = 0; i < alignment.fine_tune_rows.size(); ++i) {
    std::optional<StatsCalibrationItem> left = compare_sample_calibration(fine_tune[alignment.fine_tune_rows[i]]);
    std::optional<StatsCalibrationItem> right = compare_sample_calibration(base[alignment.base_rows[i]]);
    if (!left || !right) {
      ++left_out;
      continue;
    }
    a.push_back(*left);
    b.push_back(*right);
    keys.push_back(clusters.empty() ? std::to_string(i) : std::to_string(clusters[i]));
  }
  if (left_out > 0) {
    result.notes.push_back("task '" + task + "': calibration of " + pair_label + " leaves out " + std::to_string(left_out) +
                           " items whose options were not all scored (failed requests) or whose target names no option.");
  }
  if (a.empty()) return;
  const std::vector<uint32_t> kept_clusters = clusters_of(keys);
  std::vector<double> brier_a, brier_b, chosen_a, chosen_b;
  for (size_t i = 0; i < a.size(); ++i) {
    brier_a.push_back(a[i].brier);
    brier_b.push_back(b[i].brier);
    chosen_a.push_back(a[i].chosen_probability);
    chosen_b.push_back(b[i].chosen_probability);
  }
  const StatsBootstrapOptions bootstrap{options.seed, options.resamples, 0.95};
  if (std::optional<StatsPairedCalibration> ece = stats_paired_ece(a, b, kept_clusters, bootstrap)) {
    // The ECE row reuses the brier row's counts and power figures' shape, with ECE's own
    // numbers: the means, the difference, its intervals and the permutation p-value.
    std::optional<CompareRow> row = compare_analysed_row(brier_a, brier_b, kept_clusters, options, task, "ece", pair);
    row->stats.bootstrap = {.n = int64_t(a.size()),
                            .mean_a = ece->ece_a,
                            .mean_b = ece->ece_b,
                            .difference = ece->difference,
                            .ci_low = ece->ci_low,
                            .ci_high = ece->ci_high};
    row->stats.counts = {};
    row->better = {};
    row->stats.p_value = ece->p_value;
    row->stats.test = StatsPairedTest::ece_permutation;
    row->analysis.comparison = row->stats;
    row->analysis.ci90_low = ece->ci90_low;
    row->analysis.ci90_high = ece->ci90_high;
    row->analysis.smallest_equivalence_margin = std::max(std::fabs(ece->ci90_low), std::fabs(ece->ci90_high));
    // No per-item difference behind ECE: its power figures would be the Brier score's.
    row->analysis.minimum_detectable_difference.reset();
    row->analysis.items_needed.reset();
    row->analysis.power_method = "";
    result.rows.push_back(std::move(*row));
  }
  if (std::optional<CompareRow> row = compare_analysed_row(brier_a, brier_b, kept_clusters, options, task, "brier", pair))
    result.rows.push_back(std::move(*row));
  if (std::optional<CompareRow> row =
          compare_analysed_row(chosen_a, chosen_b, kept_clusters, options, task, "chosen_probability", pair))
    result.rows.push_back(std::move(*row));
}

void compare_calibration_table(const std::vector<CompareRun>& runs, const CompareOptions& options,
                               CompareResult& result) {
  const StatsBootstrapOptions bootstrap{options.seed, options.resamples, 0.95};
  for (const std::string& task : compare_runs_tasks(runs)) {
    for (size_t r = 0; r < runs.size(); ++r) {
      auto found = runs[r].samples.find(task);
      if (found == runs[r].samples.end() || !compare_samples_have_loglikelihoods(found->second)) continue;
      std::vector<StatsCalibrationItem> items;
      std::vector<std::string> keys;
      CompareCalibration calibration;
      calibration.run = r;
      calibration.task = task;
      for (size_t i = 0; i < found->second.size(); ++i) {
        std::optional<StatsCalibrationItem> item = compare_sample_calibration(found->second[i]);
        if (!item) {
          ++calibration.left_out;
          continue;
        }
        items.push_back(*item);
        std::string key = compare_sample_cluster(found->second[i]);
        keys.push_back(key.empty() ? "\x1f" + std::to_string(i) : key);
      }
      std::optional<StatsCalibrationEstimates> estimates = stats_calibration(items, clusters_of(keys), bootstrap);
      if (!estimates) continue;
      calibration.estimates = *estimates;
      result.calibration.push_back(std::move(calibration));
    }
  }
}

}  // namespace clinbench
