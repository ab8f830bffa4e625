#include "child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "test_support.h"

namespace clinbench::testing {

ChildResult run_clinbench_child(const std::vector<std::string>& arguments, const ChildOptions& options) {
  std::string binary = clinbench_binary().string();
  std::vector<std::string> words = {binary};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);

  auto started = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    if (chdir(options.working_dir.c_str()) != 0) _exit(126);
    int log = open(options.log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log < 0) _exit(126);
    dup2(log, 1);
    dup2(log, 2);
    close(log);
    if (options.file_size_limit) {
      signal(SIGXFSZ, SIG_IGN);  // kept across exec: writes fail instead of killing the process
      rlimit limit{rlim_t(*options.file_size_limit), rlim_t(*options.file_size_limit)};
      setrlimit(RLIMIT_FSIZE, &limit);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }

  if (options.while_running) options.while_running();
  ChildResult result;
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    auto elapsed = std::chrono::steady_clock::now() - started;
    if (done == pid) break;
    if (options.kill_after && elapsed >= *options.kill_after) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      // It may have exited on its own just before the signal.
      result.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!result.killed && WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  return result;
}

}  // namespace clinbench::testing
