// CSV tables of `clinbench compare`: one row per value, full precision, for spreadsheets and R.
#include <cstdio>
#include <cstdlib>

#include "clinbench/compare.h"
#include "report/csv_text.h"

namespace clinbench {

namespace {

// An estimate's number, empty for a metric without a value.
std::string number_or_empty(const std::optional<StatsEstimate>& estimate, double StatsEstimate::*member) {
  return estimate ? csv_number((*estimate).*member) : "";
}

}  // namespace

std::string compare_csv_scores(const std::vector<CompareRun>& runs) {
  std::string out = "model,run_dir,task,metric,n,value,ci_low,ci_high\r\n";
  for (const std::string& task : compare_runs_tasks(runs)) {
    for (const CompareRun& run : runs) {
      const TaskResult* entry = run_result_task(run.results, task);
      if (!entry) continue;
      for (const std::string& metric : compare_run_metrics(run, task)) {
        const std::optional<StatsEstimate>& estimate = entry->metrics.at(metric);
        out += csv_field(run.name) + "," + csv_field(run.dir.string()) + "," + csv_field(task) + "," +
               csv_field(metric) + "," + std::to_string(entry->n) + "," +
               number_or_empty(estimate, &StatsEstimate::value) + "," +
               number_or_empty(estimate, &StatsEstimate::ci_low) + "," +
               number_or_empty(estimate, &StatsEstimate::ci_high) + "\r\n";
      }
    }
  }
  return out;
}

std::string compare_csv_pairs(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out =
      "task,metric,fine_tune,base,higher_is_better,n,mean_fine_tune,mean_base,difference,ci_low,ci_"
      "high,wins,ties,"
      "losses,test,p_value,p_holm,significant\r\n";
  for (const CompareRow& row : result.rows) {
    const StatsPairedBootstrap& b = row.stats.bootstrap;
    out += csv_field(row.task) + "," + csv_field(row.metric) + "," + csv_field(runs[row.fine_tune].name) + "," +
           csv_field(runs[row.base].name) + "," + (row.higher_is_better ? "true" : "false") + "," +
           std::to_string(b.n) + "," + csv_number(b.mean_a) + "," + csv_number(b.mean_b) + "," +
           csv_number(b.difference) + "," + csv_number(b.ci_low) + "," + csv_number(b.ci_high) + "," +
           std::to_string(row.better.wins) + "," + std::to_string(row.better.ties) + "," +
           std::to_string(row.better.losses) + "," + csv_field(compare_test_name(row.stats.test)) +
           "," + csv_number(row.stats.p_value) + "," + csv_number(row.p_holm) + "," +
           (row.significant ? "true" : "false") + "\r\n";
  }
  return out;
}

}  // namespace clinbench
