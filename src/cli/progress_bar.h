// A terminal progress bar with rate and ETA, for the CLI. On a terminal it redraws one line on
// stderr; otherwise it prints a line at every 10% so logs stay short. --progress json makes
// every bar write one JSON object a line instead (for scripts and dashboards), --quiet nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace clinbench {

// How done and total read: a count of units, or bytes (shown in MB, the rate in MB/s).
enum class ProgressFormat { count, bytes };

// How every bar of the process reports; the CLI sets it once from --progress / --quiet, before
// any bar exists.
enum class ProgressStyle {
  human,  // the bar above
  json,   // {"event":"progress","task":LABEL,"unit":..,"done":..,"total":..,"rate":..,
          //  "elapsed_s":..,"eta_s":..,"retries":..,"failures":..} a line on stderr, at most
          //  one a second plus the last (with "finished":true)
  quiet,  // nothing
};
void progress_style_set(ProgressStyle style);
ProgressStyle progress_style();

// Trouble so far that the user should see while it happens: requests retried after a transient
// server failure, and requests that failed for good (they will be missing from the results).
struct ProgressProblems {
  int64_t retries = 0;
  int64_t failures = 0;
};

class ProgressBar {
 public:
  // label: what is counted ("medqa"); unit: "items", "requests", ... (ignored for bytes)
  ProgressBar(std::string label, std::string unit, ProgressFormat format = ProgressFormat::count);
  ~ProgressBar();  // finishes the line
  // Thread-safe; redraws at most ten times a second.
  void update(int64_t done, int64_t total);
  void update(int64_t done, int64_t total, ProgressProblems problems);

 private:
  void draw(int64_t done, int64_t total, bool final);
  std::string label_, unit_;
  ProgressFormat format_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool terminal_;
  int last_decile_ = -1;
  int64_t last_done_ = 0, last_total_ = 0;
  ProgressProblems problems_;
  ProgressStyle style_;
  bool final_drawn_ = false;  // json: the finished event went out
  bool drawn_ = false;
  std::mutex mutex_;
};

}  // namespace clinbench
