// CSV tables of `clinbench compare`: one row per value, full precision, for spreadsheets and R.
#include <cstdio>
#include <cstdlib>

#include "clinbench/compare.h"

namespace clinbench {

namespace {

// RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside.
std::string field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Shortest text that reads back as the same double.
std::string number(double value) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  for (int precision = 6; precision < 17; ++precision) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
    if (std::strtod(shorter, nullptr) == value) return shorter;
  }
  return buffer;
}

std::string number_or_empty(const nlohmann::json& value) {
  return value.is_number() ? number(value.get<double>()) : "";
}

}  // namespace

std::string compare_csv_scores(const std::vector<CompareRun>& runs) {
  std::string out = "model,run_dir,task,metric,n,value,ci_low,ci_high\r\n";
  for (const std::string& task : compare_runs_tasks(runs)) {
    for (const CompareRun& run : runs) {
      if (!run.results["tasks"].contains(task)) continue;
      const nlohmann::json& entry = run.results["tasks"][task];
      for (const std::string& metric : compare_run_metrics(run, task)) {
        const nlohmann::json& estimate = entry["metrics"][metric];
        out += field(run.name) + "," + field(run.dir.string()) + "," + field(task) + "," +
               field(metric) + "," + std::to_string(entry.value("n", int64_t(0))) + "," +
               number_or_empty(estimate.value("value", nlohmann::json())) + "," +
               number_or_empty(estimate.value("ci_low", nlohmann::json())) + "," +
               number_or_empty(estimate.value("ci_high", nlohmann::json())) + "\r\n";
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
    out += field(row.task) + "," + field(row.metric) + "," + field(runs[row.fine_tune].name) + "," +
           field(runs[row.base].name) + "," + (row.higher_is_better ? "true" : "false") + "," +
           std::to_string(b.n) + "," + number(b.mean_a) + "," + number(b.mean_b) + "," +
           number(b.difference) + "," + number(b.ci_low) + "," + number(b.ci_high) + "," +
           std::to_string(row.better.wins) + "," + std::to_string(row.better.ties) + "," +
           std::to_string(row.better.losses) + "," + field(compare_test_name(row.stats.test)) +
           "," + number(row.stats.p_value) + "," + number(row.p_holm) + "," +
           (row.significant ? "true" : "false") + "\r\n";
  }
  return out;
}

}  // namespace clinbench
