// `clinbench` as a child process the test controls: started in a folder of its own, output to a
// log file, and killed with SIGKILL at a chosen moment (what a crash, the OOM killer or a
// scheduler's preemption does), or run under a file-size limit (a write failure mid-run).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace clinbench::testing {

struct ChildOptions {
  std::filesystem::path working_dir;
  std::filesystem::path log;  // stdout and stderr, appended
  // SIGKILL this long after the start, if the child is still running then.
  std::optional<std::chrono::milliseconds> kill_after;
  // RLIMIT_FSIZE in bytes (SIGXFSZ ignored, so a write past it fails with EFBIG).
  std::optional<long> file_size_limit;
  // Called once right after the start, while the child runs (then the wait goes on).
  std::function<void()> while_running;
};

// Options with only the folder and the log set.
inline ChildOptions child_options(const std::filesystem::path& working_dir, const std::filesystem::path& log) {
  ChildOptions options;
  options.working_dir = working_dir;
  options.log = log;
  return options;
}

struct ChildResult {
  bool killed = false;     // SIGKILLed by us while it was still running
  int exit_status = -1;    // when it exited by itself
  double seconds = 0;      // from start to exit or kill
};

// Runs CLINBENCH_BINARY with arguments (no shell) and waits for it.
ChildResult run_clinbench_child(const std::vector<std::string>& arguments, const ChildOptions& options);

}  // namespace clinbench::testing
