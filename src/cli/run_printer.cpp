// Printing a run and a suite for the terminal (run_printer.h).
#include "cli/run_printer.h"

#include <cstdio>

#include "clinbench/report.h"
#include "cli/progress_bar.h"

namespace clinbench::cli {

namespace {

// A counted stage as a progress bar; --progress and --quiet choose how it draws.
class BarProgress : public RunProgress {
 public:
  BarProgress(const std::string& label, const std::string& unit) : bar_(label, unit) {}
  void update(const RunProgressUpdate& update) override {
    bar_.update(update.done, update.total, {update.retries, update.failures});
  }

 private:
  ProgressBar bar_;
};

}  // namespace

void RunPrinter::note(const std::string& message) { std::fprintf(stderr, "%s\n", message.c_str()); }

std::unique_ptr<RunProgress> RunPrinter::progress(const std::string& label, const std::string& unit) {
  return std::make_unique<BarProgress>(label, unit);
}

void RunPrinter::run_finished(const RunOutcome& outcome) {
  std::printf("\n%s\n", results_table(outcome.results).c_str());
  if (!outcome.exclude_ids.empty()) {
    std::printf("clean subset (items in %s left out):\n%s\n", outcome.exclude_ids.c_str(),
                results_clean_subset_table(outcome.results).c_str());
  }
  if (!outcome.rag_system_name.empty()) {
    std::printf("system: %s (retrieval-augmented: compare pairs it with the same model without --rag)\n",
                outcome.rag_system_name.c_str());
  }
  std::printf("results: %s\nsamples: %s\n", (outcome.output_dir / "results.json").c_str(),
              (outcome.output_dir / "samples").c_str());
  for (const std::string& line : outcome.missing) std::fprintf(stderr, "%s\n", line.c_str());
}

void RunPrinter::suite_model_started(const Suite& suite, size_t index) {
  std::fprintf(stderr, "\n[suite %s] model %zu of %zu: %s\n", suite.name.c_str(), index + 1, suite.models.size(),
               suite.models[index].name.c_str());
}

int print_suite_outcome(const SuiteOutcome& outcome) {
  if (!outcome.compared) return outcome.status;  // run_suite said why
  std::printf("\n%s\n", outcome.comparison_markdown.c_str());
  std::printf("comparison: %s\n", (outcome.comparison_dir / "compare.md").c_str());
  if (!outcome.report_file.empty()) {
    std::printf("report: %s\n", outcome.report_file.c_str());
  } else {
    // The comparison stands without the HTML; say how to get it.
    std::fprintf(stderr, "note: no HTML report: %s\n", outcome.report_error.c_str());
  }
  if (!outcome.failed_models.empty()) {
    std::string names;
    for (const std::string& name : outcome.failed_models) names += (names.empty() ? "" : ", ") + name;
    std::fprintf(stderr, "error: %zu model(s) failed: %s\n", outcome.failed_models.size(), names.c_str());
  }
  return outcome.status;
}

}  // namespace clinbench::cli
