// A terminal progress bar with rate and ETA, for the CLI. On a terminal it redraws one line on
// stderr; otherwise it prints a line at every 10% so logs stay short.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace clinbench {

class ProgressBar {
 public:
  // label: what is counted ("medqa"); unit: "items", "requests", ...
  ProgressBar(std::string label, std::string unit);
  ~ProgressBar();  // finishes the line
  // Thread-safe; redraws at most ten times a second.
  void update(int64_t done, int64_t total);

 private:
  void draw(int64_t done, int64_t total, bool final);
  std::string label_, unit_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool terminal_;
  int last_decile_ = -1;
  int64_t last_done_ = 0, last_total_ = 0;
  bool drawn_ = false;
  std::mutex mutex_;
};

}  // namespace clinbench
