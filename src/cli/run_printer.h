// What `run`, `demo` and `run --suite` show while the library runs: progress bars (or
// --progress json lines) and notes on stderr, each run's results table and the suite's
// comparison on stdout.
#pragma once

#include "clinbench/suite.h"

namespace clinbench::cli {

class RunPrinter : public SuiteObserver {
 public:
  void note(const std::string& message) override;
  std::unique_ptr<RunProgress> progress(const std::string& label, const std::string& unit) override;
  // The results table (and the clean subset's), the files written, then why it is incomplete.
  void run_finished(const RunOutcome& outcome) override;
  void suite_model_started(const Suite& suite, size_t index) override;
};

// Prints the suite's comparison, report and failed models; returns the exit status.
int print_suite_outcome(const SuiteOutcome& outcome);

}  // namespace clinbench::cli
