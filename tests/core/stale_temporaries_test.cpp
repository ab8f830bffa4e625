// What a killed run left half-written: write_file_atomic's temporaries of dead processes are
// removed, those of a live process and every other file stay.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include "clinbench/core.h"

namespace clinbench {
namespace {

// The PID of a process that has exited and been reaped: no process has it (until reused).
pid_t dead_pid() {
  pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

TEST(StaleTemporaries, OnlyDeadWritersFilesGo) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("clinbench-stale-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "samples");
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(getpid());
  write_file_atomic(dir / ("medqa.jsonl.tmp-" + dead + "-0123456789abcdef"), std::string(1000, 'x'));
  write_file_atomic(dir / ("results.json.tmp-" + dead + "-fedcba9876543210"), "{}");
  write_file_atomic(dir / ("medqa.jsonl.tmp-" + alive + "-0123456789abcdef"), "in progress");
  write_file_atomic(dir / "medqa.jsonl", "kept");
  write_file_atomic(dir / ("notes.tmp-" + dead + "-not-hex"), "not ours");
  write_file_atomic(dir / "samples" / ("x.jsonl.tmp-" + dead + "-0a"), "a subfolder is not looked at");

  EXPECT_EQ(remove_stale_temporaries(dir), 1002);
  EXPECT_FALSE(std::filesystem::exists(dir / ("medqa.jsonl.tmp-" + dead + "-0123456789abcdef")));
  EXPECT_FALSE(std::filesystem::exists(dir / ("results.json.tmp-" + dead + "-fedcba9876543210")));
  EXPECT_TRUE(std::filesystem::exists(dir / ("medqa.jsonl.tmp-" + alive + "-0123456789abcdef")));
  EXPECT_TRUE(std::filesystem::exists(dir / "medqa.jsonl"));
  EXPECT_TRUE(std::filesystem::exists(dir / ("notes.tmp-" + dead + "-not-hex")));
  EXPECT_TRUE(std::filesystem::exists(dir / "samples" / ("x.jsonl.tmp-" + dead + "-0a")));
  EXPECT_EQ(remove_stale_temporaries(dir / "samples"), 28);
  EXPECT_EQ(remove_stale_temporaries(dir / "no-such-folder"), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clinbench
