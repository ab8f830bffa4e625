// A terminal progress bar with rate and ETA, for the CLI. On a terminal it redraws one line on
// stderr; otherwise it prints a line at every 10% so logs stay short.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace clinbench {

// How done and total read: a count of units, or bytes (shown in MB, the rate in MB/s).
enum class ProgressFormat { count, bytes };

class ProgressBar {
 public:
  // label: what is counted ("medqa"); unit: "items", "requests", ... (ignored for bytes)
  ProgressBar(std::string label, std::string unit, ProgressFormat format = ProgressFormat::count);
  ~ProgressBar();  // finishes the line
  // Thread-safe; redraws at most ten times a second.
  void update(int64_t done, int64_t total);

 private:
  void draw(int64_t done, int64_t total, bool final);
  std::string label_, unit_;
  ProgressFormat format_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool terminal_;
  int last_decile_ = -1;
  int64_t last_done_ = 0, last_total_ = 0;
  bool drawn_ = false;
  std::mutex mutex_;
};

}  // namespace clinbench
