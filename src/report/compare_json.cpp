// compare.json: everything `clinbench compare` computed, for other tools and for the HTML report.
#include "clinbench/compare.h"

namespace clinbench {

namespace {

// An estimate's number, null for a metric without a value.
nlohmann::json number_or_null(const std::optional<StatsEstimate>& estimate, double StatsEstimate::*member) {
  return estimate ? nlohmann::json((*estimate).*member) : nlohmann::json();
}

nlohmann::json comparison_rows(const std::vector<CompareRun>& runs, const std::vector<CompareRow>& rows,
                               bool with_excluded) {
  nlohmann::json comparisons = nlohmann::json::array();
  for (const CompareRow& row : rows) {
    const StatsPairedBootstrap& b = row.stats.bootstrap;
    comparisons.push_back({{"task", row.task},
                           {"metric", row.metric},
                           {"fine_tune", runs[row.fine_tune].name},
                           {"base", runs[row.base].name},
                           {"higher_is_better", row.higher_is_better},
                           {"n", b.n},
                           {"mean_fine_tune", b.mean_a},
                           {"mean_base", b.mean_b},
                           {"difference", b.difference},
                           {"ci_low", b.ci_low},
                           {"ci_high", b.ci_high},
                           {"wins", row.better.wins},
                           {"ties", row.better.ties},
                           {"losses", row.better.losses},
                           {"test", stats_paired_test_name(row.stats.test)},
                           {"p_value", row.stats.p_value},
                           {"p_holm", row.p_holm},
                           {"significant", row.significant}});
    comparisons.back().update(compare_json_row_analysis(row));
    if (with_excluded) comparisons.back()["excluded"] = row.excluded;
  }
  return comparisons;
}

}  // namespace

nlohmann::json compare_json(const std::vector<CompareRun>& runs, const CompareResult& result) {
  nlohmann::json out;
  out["clinbench_version"] = CLINBENCH_VERSION;
  out["format_version"] = kCompareFormatVersion;
  out["settings"] = {{"seed", result.options.seed},
                     {"resamples", result.options.resamples},
                     {"confidence", 0.95},
                     {"alpha", result.options.alpha},
                     {"multiple_comparison", "holm"},
                     {"allow_mismatch", result.options.allow_mismatch},
                     {"margins", result.options.margins},
                     {"target_difference", result.options.target_difference},
                     {"power", result.options.power}};

  nlohmann::json run_list = nlohmann::json::array();
  for (const CompareRun& run : runs) {
    const ModelInfo& model = run.results.model;
    run_list.push_back({{"name", run.name},
                        {"dir", run.dir.string()},
                        {"model_spec", model.spec},
                        {"backend", model.backend},
                        {"fingerprint", model.fingerprint}});
  }
  out["runs"] = run_list;

  nlohmann::json scores = nlohmann::json::array();
  const std::vector<std::string> tasks = compare_runs_tasks(runs);
  for (const std::string& task : tasks) {
    for (const CompareRun& run : runs) {
      const TaskResult* entry = run_result_task(run.results, task);
      if (!entry) continue;
      for (const std::string& metric : compare_run_metrics(run, task)) {
        const std::optional<StatsEstimate>& estimate = entry->metrics.at(metric);
        scores.push_back(
            {{"run", run.name},
             {"task", task},
             {"metric", metric},
             {"higher_is_better", compare_metric_higher_is_better(metric)},
             {"n", entry->n},
             {"value", number_or_null(estimate, &StatsEstimate::value)},
             {"ci_low", number_or_null(estimate, &StatsEstimate::ci_low)},
             {"ci_high", number_or_null(estimate, &StatsEstimate::ci_high)}});
      }
    }
  }
  out["scores"] = scores;

  out["comparisons"] = comparison_rows(runs, result.rows, false);
  if (!result.clean_rows.empty()) {
    out["settings"]["exclude_ids"] = result.options.exclude_ids.source.empty()
                                         ? nlohmann::json()
                                         : nlohmann::json(result.options.exclude_ids.source.string());
    out["clean_comparisons"] = comparison_rows(runs, result.clean_rows, true);
  }
  out["calibration"] = compare_json_calibration(runs, result);
  out["flips"] = compare_json_flips(runs, result);
  out["factorial"] = compare_json_effects(runs, result.factorial);
  out["format_knowledge"] = compare_json_effects(runs, result.format_knowledge);
  out["notes"] = result.notes;
  return out;
}

}  // namespace clinbench
