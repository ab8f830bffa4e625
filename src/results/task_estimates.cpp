// A task's metrics over its answered samples, and the clean subset (run --exclude-ids).
#include <cmath>

#include "clinbench/results.h"

namespace clinbench {

std::vector<double> task_answered_values(std::span<const double> per_sample) {
  std::vector<double> values;
  values.reserve(per_sample.size());
  for (double value : per_sample) {
    if (!std::isnan(value)) values.push_back(value);
  }
  return values;
}

std::optional<StatsEstimate> task_answered_estimate(std::span<const double> per_sample,
                                                    std::span<const uint32_t> cluster_of_sample,
                                                    const StatsBootstrapOptions& bootstrap) {
  std::vector<double> values;
  std::vector<std::string> clusters;  // the answered items' clusters, renumbered below
  for (size_t i = 0; i < per_sample.size(); ++i) {
    if (std::isnan(per_sample[i])) continue;
    values.push_back(per_sample[i]);
    if (!cluster_of_sample.empty()) clusters.push_back(std::to_string(cluster_of_sample[i]));
  }
  return stats_bootstrap_mean_clustered(values, stats_cluster_index(clusters), bootstrap);
}

void results_add_clean_subsets(RunResult& run, const ResultsExcludedItem& excluded,
                               const StatsBootstrapOptions& bootstrap) {
  for (TaskResult& task : run.tasks) {
    std::vector<bool> keep(task.samples.size(), true);
    TaskCleanSubset clean;
    for (size_t i = 0; i < task.samples.size(); ++i) {
      Sample& sample = task.samples[i];
      if (excluded(task.task, sample.id)) {
        sample.excluded = true;
        keep[i] = false;
        clean.excluded += 1;
      } else {
        clean.statuses[sample.status] += 1;
      }
    }
    for (const std::string& name : task.metric_order) {
      std::optional<StatsEstimate> estimate;
      auto values = task.per_sample.find(name);
      if (values != task.per_sample.end() && values->second.size() == task.samples.size()) {
        std::vector<double> kept;
        std::vector<uint32_t> kept_clusters;  // the task's clusters, when it has them
        for (size_t i = 0; i < keep.size(); ++i) {
          if (keep[i]) kept.push_back(values->second[i]);
          if (keep[i] && !task.cluster_of_sample.empty()) kept_clusters.push_back(task.cluster_of_sample[i]);
        }
        estimate = task_answered_estimate(kept, kept_clusters, bootstrap);
      }
      clean.metrics[name] = estimate;
    }
    clean.n = int64_t(task.samples.size()) - clean.excluded;
    task.clean_subset = std::move(clean);
  }
}

}  // namespace clinbench
