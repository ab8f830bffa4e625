// The table of paired comparisons: every pair, task and metric, with Holm across the whole table.
#include <algorithm>
#include <cstdio>

#include "clinbench/compare.h"
#include "clinbench/metrics.h"
#include "compare/sample_analysis.h"

namespace clinbench {

namespace {

std::string run_label(const CompareRun& run) {
  return "'" + run.name + "' (" + run.dir.string() + ")";
}

bool has_metric(const std::vector<std::string>& metrics, const std::string& metric) {
  return std::find(metrics.begin(), metrics.end(), metric) != metrics.end();
}

bool sample_marked_excluded(const Sample& sample) { return sample.excluded; }

// Whether the clean subset differs from the full set anywhere: an exclude-ids file was given or
// a run left items out itself.
bool exclusion_active(const std::vector<CompareRun>& runs, const CompareOptions& options) {
  if (!options.exclude_ids.empty() || !options.exclude_ids.source.empty()) return true;
  for (const CompareRun& run : runs) {
    for (const auto& [task, samples] : run.samples) {
      for (const Sample& sample : samples) {
        if (sample_marked_excluded(sample)) return true;
      }
    }
  }
  return false;
}

void holm_mark(std::vector<CompareRow>& rows, double alpha) {
  std::vector<double> p_values;
  for (const CompareRow& row : rows) p_values.push_back(row.stats.p_value);
  std::vector<double> adjusted = stats_holm_adjust(p_values);
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i].p_holm = adjusted[i];
    rows[i].significant = adjusted[i] < alpha;
  }
}

// Keeps the clusters of the items where keep[i] is set, renumbered densely.
std::vector<uint32_t> clusters_subset(const std::vector<uint32_t>& clusters, const std::vector<bool>& keep) {
  if (clusters.empty()) return {};
  std::vector<std::string> keys;
  for (size_t i = 0; i < clusters.size(); ++i)
    if (keep[i]) keys.push_back(std::to_string(clusters[i]));
  return stats_cluster_index(keys);
}

// The verdicts, once Holm has said which rows are significant.
void verdicts_mark(std::vector<CompareRow>& rows) {
  for (CompareRow& row : rows) {
    const double sign = row.higher_is_better ? 1.0 : -1.0;
    double low = sign * row.analysis.ci90_low, high = sign * row.analysis.ci90_high;
    if (low > high) std::swap(low, high);
    row.verdict = stats_verdict(sign * row.stats.bootstrap.difference, low, high, row.significant, row.margin);
  }
}

}  // namespace

// The row's statistics on the items (clusters as given; empty = none).
std::optional<CompareRow> compare_analysed_row(const std::vector<double>& a, const std::vector<double>& b,
                                       const std::vector<uint32_t>& clusters, const CompareOptions& options,
                                       const std::string& task, const std::string& metric, const ComparePair& pair) {
  StatsAnalysisOptions analysis_options{.bootstrap = {options.seed, options.resamples, 0.95},
                                        .alpha = options.alpha,
                                        .power = options.power,
                                        .target_difference = options.target_difference};
  std::optional<StatsPairedAnalysis> analysis = stats_paired_analyse(a, b, clusters, analysis_options);
  if (!analysis) return std::nullopt;
  CompareRow row;
  row.task = task;
  row.metric = metric;
  row.fine_tune = pair.fine_tune;
  row.base = pair.base;
  row.higher_is_better = compare_metric_higher_is_better(metric);
  row.analysis = *analysis;
  row.stats = analysis->comparison;
  row.better = row.stats.counts;
  if (!row.higher_is_better) std::swap(row.better.wins, row.better.losses);
  row.margin = compare_margin(options, task, metric);
  return row;
}

bool compare_metric_higher_is_better(std::string_view metric) {
  const MetricDefinition* definition = metric_definition_find(metric);
  if (!definition) {
    throw Error("metric '" + std::string(metric) +
                "' is not in clinbench's metric table, so whether higher or lower is better is unknown "
                "(a results file from another clinbench version?)");
  }
  return definition->direction == MetricDirection::higher_is_better;
}

const char* compare_test_name(StatsPairedTest test) { return stats_paired_test_label(test); }

CompareResult compare_runs(const std::vector<CompareRun>& runs,
                           const std::vector<ComparePair>& pairs, const CompareOptions& options) {
  CompareResult result;
  result.options = options;
  result.pairs = pairs;
  const std::vector<std::string> tasks = compare_runs_tasks(runs);
  const bool with_clean_subset = exclusion_active(runs, options);

  for (const ComparePair& pair : pairs) {
    const CompareRun& fine_tune = runs.at(pair.fine_tune);
    const CompareRun& base = runs.at(pair.base);
    for (const std::string& task : tasks) {
      bool fine_tune_has = fine_tune.samples.count(task) > 0;
      bool base_has = base.samples.count(task) > 0;
      if (!fine_tune_has && !base_has) continue;
      if (!fine_tune_has || !base_has) {
        result.notes.push_back("task '" + task + "': only " +
                               run_label(fine_tune_has ? fine_tune : base) + " has samples, so '" +
                               fine_tune.name + "' vs '" + base.name + "' is not compared on it.");
        continue;
      }
      const std::vector<Sample>& fine_tune_samples = fine_tune.samples.at(task);
      const std::vector<Sample>& base_samples = base.samples.at(task);
      CompareAlignment alignment = compare_align(fine_tune_samples, base_samples);
      if (!alignment.first_difference.empty()) {
        if (!options.allow_mismatch) {
          throw Error(
              "task '" + task + "': runs " + run_label(fine_tune) + " and " + run_label(base) +
              " did not evaluate the same items with the same prompts: " +
              alignment.first_difference +
              ". Run both with the same tasks, data, --limit, --num-fewshot and --seed, or pass "
              "--allow-mismatch to compare only the items both hold.");
        }
        std::string note = "task '" + task + "': '" + fine_tune.name + "' vs '" + base.name +
                           "' compared on the " + std::to_string(alignment.fine_tune_rows.size()) +
                           " items both runs hold (of " +
                           std::to_string(alignment.fine_tune_items) + " and " +
                           std::to_string(alignment.base_items) + ")";
        if (alignment.prompt_differences > 0) {
          note += "; " + std::to_string(alignment.prompt_differences) +
                  " of them were asked with different prompts";
        }
        result.notes.push_back(
            note + " (--allow-mismatch; first difference: " + alignment.first_difference + ").");
      }
      // A failed request is missing, not wrong: such items leave both sides (a one-sided
      // failure only when the user allows it, since it drops items the other model answered).
      CompareFailedItems failed = compare_failed_items(fine_tune_samples, base_samples, alignment);
      if (failed.answered_by_both.size() != alignment.fine_tune_rows.size()) {
        std::string causes = compare_failed_items_text(failed, fine_tune.name, base.name);
        if (failed.one_sided > 0 && !options.allow_failures) {
          throw Error("task '" + task + "': runs " + run_label(fine_tune) + " and " + run_label(base) + " differ in " +
                      "which requests failed (" + causes + "; " + std::to_string(failed.one_sided) +
                      " items answered on one side only, the first id '" + failed.first_one_sided +
                      "'): a failure would count as a difference between the models. Rerun the run with failures " +
                      "(the same command retries them), or pass --allow-failures to leave those items out of both sides.");
        }
        result.notes.push_back("task '" + task + "': '" + fine_tune.name + "' vs '" + base.name + "' compared on the " +
                               std::to_string(failed.answered_by_both.size()) + " items both answered; " +
                               std::to_string(alignment.fine_tune_rows.size() - failed.answered_by_both.size()) +
                               " left out of both sides because a request failed (" + causes + ")" +
                               (failed.one_sided > 0 ? ", " + std::to_string(failed.one_sided) +
                                                           " of them on one side only (--allow-failures)."
                                                     : "."));
        CompareAlignment answered = alignment;
        answered.fine_tune_rows.clear();
        answered.base_rows.clear();
        for (size_t i : failed.answered_by_both) {
          answered.fine_tune_rows.push_back(alignment.fine_tune_rows[i]);
          answered.base_rows.push_back(alignment.base_rows[i]);
        }
        alignment = std::move(answered);
      }
      // Common items in the clean subset: neither the file nor either run excludes them.
      std::vector<bool> clean(alignment.fine_tune_rows.size(), true);
      int64_t excluded = 0;
      for (size_t i = 0; with_clean_subset && i < clean.size(); ++i) {
        const Sample& tuned_sample = fine_tune_samples[alignment.fine_tune_rows[i]];
        const std::string& id = tuned_sample.id;
        clean[i] = !(options.exclude_ids.excludes(task, id) || sample_marked_excluded(tuned_sample) ||
                     sample_marked_excluded(base_samples[alignment.base_rows[i]]));
        excluded += !clean[i];
      }
      if (with_clean_subset && !clean.empty() && excluded == int64_t(clean.size())) {
        result.notes.push_back("task '" + task + "': every common item of '" + fine_tune.name + "' vs '" + base.name +
                               "' is excluded, so there is no clean subset to compare.");
      }
      const std::vector<uint32_t> clusters = compare_cluster_index(fine_tune_samples, base_samples, alignment);
      const std::vector<std::string> base_metrics = compare_run_metrics(base, task);
      for (const std::string& metric : compare_run_metrics(fine_tune, task)) {
        if (!has_metric(base_metrics, metric)) {
          result.notes.push_back("task '" + task + "': metric '" + metric + "' is only in " +
                                 run_label(fine_tune) + ".");
          continue;
        }
        std::vector<double> a;
        std::vector<double> b;
        a.reserve(alignment.fine_tune_rows.size());
        b.reserve(alignment.base_rows.size());
        for (size_t i = 0; i < alignment.fine_tune_rows.size(); ++i) {
          a.push_back(compare_sample_score(fine_tune_samples[alignment.fine_tune_rows[i]], metric));
          b.push_back(compare_sample_score(base_samples[alignment.base_rows[i]], metric));
        }
        std::optional<CompareRow> row = compare_analysed_row(a, b, clusters, options, task, metric, pair);
        if (!row) {
          result.notes.push_back("task '" + task + "': no common items for '" + fine_tune.name +
                                 "' vs '" + base.name + "', metric '" + metric + "' not compared.");
          continue;
        }
        if (with_clean_subset) {
          std::vector<double> clean_a, clean_b;
          for (size_t i = 0; i < clean.size(); ++i) {
            if (!clean[i]) continue;
            clean_a.push_back(a[i]);
            clean_b.push_back(b[i]);
          }
          if (std::optional<CompareRow> clean_row = compare_analysed_row(clean_a, clean_b, clusters_subset(clusters, clean),
                                                                 options, task, metric, pair)) {
            clean_row->excluded = excluded;
            result.clean_rows.push_back(std::move(*clean_row));
          }
        }
        result.rows.push_back(std::move(*row));
      }
      compare_flips_add(fine_tune_samples, base_samples, alignment, base_metrics, task, pair, result);
      compare_calibration_rows(fine_tune_samples, base_samples, alignment, clusters, options, task, pair,
                               "'" + fine_tune.name + "' vs '" + base.name + "'", result);
    }
  }

  holm_mark(result.rows, options.alpha);
  holm_mark(result.clean_rows, options.alpha);
  verdicts_mark(result.rows);
  verdicts_mark(result.clean_rows);
  compare_calibration_table(runs, options, result);
  compare_format_knowledge(runs, pairs, options, result);
  if (options.factorial) result.factorial = compare_factorial(runs, *options.factorial, options, result.notes);
  return result;
}

}  // namespace clinbench
