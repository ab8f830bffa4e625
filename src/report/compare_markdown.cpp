// The Markdown tables `clinbench compare` prints and writes to compare.md.
#include <algorithm>
#include <cstdio>

#include "clinbench/compare.h"

namespace clinbench {

namespace {

// A table cell: pipes and line breaks would end the cell or the row.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string fixed3(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  return buffer;
}

std::string signed3(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%+.3f", value);
  // "-0.000" reads as a loss that is not there.
  return std::string(buffer) == "-0.000" ? "+0.000" : buffer;
}

std::string p_text(double p) {
  if (p < 0.001) return "<0.001";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", p);
  return buffer;
}

// A metric of a task's results; nullptr when the task lacks it.
std::string estimate_text(const std::optional<StatsEstimate>* estimate) {
  if (!estimate || !*estimate) return "n/a";
  const StatsEstimate& e = **estimate;
  return fixed3(e.value) + " [" + fixed3(e.ci_low) + ", " + fixed3(e.ci_high) + "]";
}

std::string with_commas(int64_t value) {
  std::string digits = std::to_string(value);
  for (int i = int(digits.size()) - 3; i > 0; i -= 3) digits.insert(size_t(i), ",");
  return digits;
}

const CompareRow* matching_row(const std::vector<CompareRow>& rows, const CompareRow& like) {
  for (const CompareRow& row : rows) {
    if (row.task == like.task && row.metric == like.metric && row.fine_tune == like.fine_tune && row.base == like.base) {
      return &row;
    }
  }
  return nullptr;
}

std::string difference_text(const CompareRow& row) {
  const StatsPairedBootstrap& b = row.stats.bootstrap;
  return signed3(b.difference) + " [" + signed3(b.ci_low) + ", " + signed3(b.ci_high) + "]";
}

// The paired differences without the excluded (possibly leaked) items, beside the full set's.
std::string clean_subset_markdown(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out =
      "\n## Clean subset beside the full set\n\n"
      "| task | metric | fine-tune | base | n | difference [95% CI] | p (Holm) | clean n | excluded "
      "| clean difference [95% CI] | clean p (Holm) | |\n"
      "| --- | --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- | ---: | --- |\n";
  for (const CompareRow& row : result.rows) {
    const CompareRow* clean = matching_row(result.clean_rows, row);
    out += "| " + cell(row.task) + " | " + cell(row.metric) + " | " + cell(runs[row.fine_tune].name) + " | " +
           cell(runs[row.base].name) + " | " + std::to_string(row.stats.bootstrap.n) + " | " + difference_text(row) +
           " | " + p_text(row.p_holm) + " | ";
    if (clean) {
      out += std::to_string(clean->stats.bootstrap.n) + " | " + std::to_string(clean->excluded) + " | " +
             difference_text(*clean) + " | " + p_text(clean->p_holm) + " | " + (clean->significant ? "*" : "") + " |\n";
    } else {
      out += "0 | " + std::to_string(row.stats.bootstrap.n) + " | n/a | n/a | |\n";
    }
  }
  std::string source = result.options.exclude_ids.source.empty()
                           ? std::string("the items the runs marked excluded (run --exclude-ids)")
                           : "the items " + result.options.exclude_ids.source.string() +
                                 " names and those the runs marked excluded";
  out += "\nClean subset: the common items without " + source +
         ", e.g. items `clinbench audit` found in a training corpus. Its p-values are Holm-adjusted over the " +
         std::to_string(result.clean_rows.size()) + " clean comparisons; * marks clean p (Holm) < alpha.\n";
  return out;
}

}  // namespace

std::string compare_markdown(const std::vector<CompareRun>& runs, const CompareResult& result) {
  std::string out =
      "## Scores per task\n\nEach run's own results: mean over its items with a 95% bootstrap "
      "interval.\n";
  for (const std::string& task : compare_runs_tasks(runs)) {
    std::vector<std::string> metrics;
    for (const CompareRun& run : runs) {
      for (const std::string& metric : compare_run_metrics(run, task)) {
        if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end())
          metrics.push_back(metric);
      }
    }
    out += "\n### " + task + "\n\n| model | n |";
    std::string rule = "| --- | ---: |";
    for (const std::string& metric : metrics) {
      out += " " + cell(metric) +
             (compare_metric_higher_is_better(metric) ? "" : " (lower is better)") + " |";
      rule += " --- |";
    }
    out += "\n" + rule + "\n";
    for (const CompareRun& run : runs) {
      const TaskResult* entry = run_result_task(run.results, task);
      if (!entry) continue;
      out += "| " + cell(run.name) + " | " + std::to_string(entry->n) + " |";
      for (const std::string& metric : metrics) {
        auto estimate = entry->metrics.find(metric);
        out += " " + estimate_text(estimate == entry->metrics.end() ? nullptr : &estimate->second) + " |";
      }
      out += "\n";
    }
  }

  out += "\n## Paired differences (fine-tune − base, same items)\n\n";
  if (result.rows.empty()) {
    out += "No pairs to compare.\n";
  } else {
    out +=
        "| task | metric | fine-tune | base | n | fine-tune mean | base mean | difference [95% CI] "
        "| better / same / worse "
        "| test | p | p (Holm) | |\n";
    out += "| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- | --- | ---: | ---: | --- |\n";
    for (const CompareRow& row : result.rows) {
      const StatsPairedBootstrap& b = row.stats.bootstrap;
      out += "| " + cell(row.task) + " | " + cell(row.metric) +
             (row.higher_is_better ? "" : " (lower is better)") + " | " +
             cell(runs[row.fine_tune].name) + " | " + cell(runs[row.base].name) + " | " +
             std::to_string(b.n) + " | " + fixed3(b.mean_a) + " | " + fixed3(b.mean_b) + " | " +
             signed3(b.difference) + " [" + signed3(b.ci_low) + ", " + signed3(b.ci_high) + "] | " +
             std::to_string(row.better.wins) + " / " + std::to_string(row.better.ties) + " / " +
             std::to_string(row.better.losses) + " | " + compare_test_name(row.stats.test) + " | " +
             p_text(row.stats.p_value) + " | " + p_text(row.p_holm) + " | " +
             (row.significant ? "*" : "") + " |\n";
    }
    char alpha[32];
    std::snprintf(alpha, sizeof alpha, "%g", result.options.alpha);
    out +=
        "\nDifference: fine-tune mean − base mean over the items both runs hold; interval: paired "
        "bootstrap "
        "(95%, " +
        with_commas(result.options.resamples) + " resamples, seed " +
        std::to_string(result.options.seed) +
        "). better / same / worse: items where the fine-tune scored better than, the same as, or "
        "worse than the "
        "base (for failure and hallucination rates, lower is better). p: exact McNemar test for "
        "0/1 scores, paired "
        "sign-flip test otherwise; p (Holm): adjusted over all " +
        std::to_string(result.rows.size()) + " comparisons of this table; * marks p (Holm) < " +
        alpha + ".\n";
  }
  out += compare_markdown_analysis(runs, result);
  if (!result.clean_rows.empty()) out += clean_subset_markdown(runs, result);
  if (!result.notes.empty()) {
    out += "\n## Notes\n\n";
    for (const std::string& note : result.notes) out += "- " + note + "\n";
  }
  return out;
}

}  // namespace clinbench
