// Suites: running every model, then comparing and reporting (parsing is suite_file.cpp).
#include "clinbench/suite.h"

#include <algorithm>

#include "clinbench/report.h"

namespace clinbench {

namespace {

SuiteObserver silent_observer;

}  // namespace

void SuiteObserver::suite_model_started(const Suite&, size_t) {}

RunSettings suite_run_settings(const Suite& suite, const SuiteModel& model,
                               const RunSettings& defaults) {
  RunSettings settings = defaults;
  settings.model_spec = model.spec;
  settings.tasks = suite.tasks;
  if (suite.data_dir) settings.data_dir = *suite.data_dir;
  if (suite.limit) settings.limit = *suite.limit;
  if (suite.limit) settings.limit_fraction = 0;  // the suite's count replaces a command-line fraction
  if (suite.num_fewshot) settings.num_fewshot = *suite.num_fewshot;
  if (suite.seed) settings.seed = *suite.seed;
  settings.output_dir = defaults.output_dir / model.name;
  // One cache for the whole suite (entries are per model fingerprint): two entries of one model,
  // say with and without retrieval, share what they both ask.
  if (settings.cache.empty()) settings.cache = defaults.output_dir / "cache.sqlite";
  settings.backend.model_name = model.model_name;
  if (!model.api_key_env.empty()) settings.backend.api_key_env = model.api_key_env;
  if (!model.rag_index.empty()) settings.rag_index = model.rag_index;
  if (!model.rag_mode.empty()) settings.rag_mode = model.rag_mode;
  if (model.rag_k) settings.rag_k = *model.rag_k;
  // The suite's BERTScore models replace the run's of the same name.
  for (const std::string& entry : suite.bertscore_models) {
    std::string prefix = entry.substr(0, entry.find('=') + 1);
    std::erase_if(settings.bertscore_models, [&prefix](const std::string& given) { return given.starts_with(prefix); });
    settings.bertscore_models.push_back(entry);
  }
  if (model.prompt_format) settings.backend.prompt_format = model.prompt_format;
  if (model.gpu_layers) settings.backend.gpu_layers = *model.gpu_layers;
  if (model.split_mode) settings.backend.split_mode = *model.split_mode;
  if (model.tensor_split) settings.backend.tensor_split = *model.tensor_split;
  if (model.main_gpu) settings.backend.main_gpu = *model.main_gpu;
  if (!model.chat_template.empty()) {
    settings.backend.chat_template = model.chat_template;
    settings.backend.chat_template_source = model.chat_template_source;
  }
  return settings;
}

SuiteOutcome run_suite(const std::filesystem::path& suite_file, const RunSettings& defaults,
                       SuiteObserver* observer_or_null) {
  SuiteObserver& observer = observer_or_null ? *observer_or_null : silent_observer;
  SuiteOutcome outcome;
  Suite suite = suite_read(suite_file, defaults.allow_absolute_paths);
  // Every task file and data set is checked once, before any model loads: a mistake there is
  // reported once, not once per model.
  if (!suite.models.empty()) {
    RunSettings check = suite_run_settings(suite, suite.models.front(), defaults);
    check.check_tasks_only = true;
    run_pipeline(check);
  }
  std::vector<std::string> failed;
  std::vector<std::filesystem::path> done;
  for (size_t i = 0; i < suite.models.size(); ++i) {
    const SuiteModel& model = suite.models[i];
    observer.suite_model_started(suite, i);
    RunSettings settings = suite_run_settings(suite, model, defaults);
    try {
      int status = run_pipeline(settings, &observer).status;
      if (status == 0) {
        done.push_back(settings.output_dir);
      } else {
        if (status == kRunIncomplete) {
          observer.note("model '" + model.name + "': the run is incomplete (see above); the same command again "
                        "retries what failed");
        }
        failed.push_back(model.name);
      }
    } catch (const Error& e) {
      // One model that cannot load must not cost the others their run.
      observer.note("error: model '" + model.name + "': " + e.what());
      failed.push_back(model.name);
    }
  }

  std::vector<ComparePairEntry> entries;
  auto model_done = [&failed](const std::string& name) {
    return std::find(failed.begin(), failed.end(), name) == failed.end();
  };
  for (const ComparePairEntry& pair : suite.pairs) {
    if (model_done(pair.fine_tune) && model_done(pair.base)) {
      entries.push_back(pair);
    } else {
      observer.note("note: pair " + pair.fine_tune + " vs " + pair.base + " left out: a model failed");
    }
  }
  if (done.size() < 2 || (!suite.pairs.empty() && entries.empty())) {
    observer.note("error: too few models ran to compare (failed: " + std::to_string(failed.size()) + " of " +
                  std::to_string(suite.models.size()) + ")");
    outcome.failed_models = failed;
    outcome.status = 1;
    return outcome;
  }

  // The suite's model names are the display names, so pairs match them and tables show them.
  CompareInput input;
  for (const std::filesystem::path& dir : done) {
    input.runs.push_back(compare_run_load(dir));
    input.runs.back().name = dir.filename().string();
  }
  input.pairs = entries.empty() ? compare_pairs_default(input.runs.size())
                                : compare_pairs_resolve(entries, suite.path, input.runs);
  CompareOptions options;
  options.seed = suite.seed.value_or(defaults.seed);
  options.resamples = suite.resamples.value_or(defaults.bootstrap_resamples);
  options.alpha = suite.alpha.value_or(options.alpha);
  // A run with failed requests left the suite's comparison above; what remains is a context
  // overflow one model fit and the other did not: those items leave both sides, with a note.
  options.allow_failures = true;
  options.margins = suite.margins;
  options.target_difference = suite.target_difference.value_or(options.target_difference);
  if (!suite.factorial.empty()) options.factorial = compare_factorial_parse(suite.factorial, input.runs);
  CompareResult result = compare_runs(input.runs, input.pairs, options);
  std::filesystem::path compare_dir = defaults.output_dir / "compare";
  compare_write(compare_dir, input.runs, result);
  outcome.compared = true;
  outcome.comparison_markdown = compare_markdown(input.runs, result);
  outcome.comparison_dir = compare_dir;

  std::filesystem::path report_file = defaults.output_dir / "report.html";
  try {
    ReportAssets assets = report_assets_load(report_assets_default_dir());
    ReportOptions report;
    report.title = suite.name + ": model comparison";
    report.generated_at = local_timestamp();
    write_file_atomic(report_file, report_html(input.runs, result, assets, report));
    outcome.report_file = report_file;
  } catch (const Error& e) {
    // The comparison stands without the HTML; the caller says how to get it.
    outcome.report_error = e.what();
  }
  outcome.failed_models = failed;
  outcome.status = failed.empty() ? 0 : 1;
  return outcome;
}

}  // namespace clinbench
