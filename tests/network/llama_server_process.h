// A real llama-server started as a child process on a free loopback port, for tests and
// benchmarks. The process dies with its owner: the destructor stops it, and the kernel kills it
// should the owner crash (PR_SET_PDEATHSIG), so a failing test never leaves a server behind.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace clinbench::testing {

// The llama-server binary named by $CLINBENCH_LLAMA_SERVER (set by tests/network/CMakeLists.txt
// from the pinned llama.cpp prefix); empty when the variable is unset or the file is missing.
std::filesystem::path llama_server_binary();

// The arguments that make llama-server compute as clinbench's embedded backend does: f32 KV
// cache, flash attention off, one unified KV cache so that every slot has the whole context.
std::vector<std::string> llama_server_matching_arguments(int32_t parallel, int32_t context, int32_t threads);

class LlamaServerProcess {
 public:
  // Starts binary -m model --host 127.0.0.1 --port FREE extra_arguments..., output to log, and
  // waits until GET /health answers 200. Throws Error (with the log's tail) when it exits or is
  // not healthy within timeout_seconds.
  LlamaServerProcess(const std::filesystem::path& binary, const std::filesystem::path& model,
                     const std::vector<std::string>& extra_arguments, const std::filesystem::path& log,
                     double timeout_seconds = 120);
  ~LlamaServerProcess();  // SIGTERM, then SIGKILL after 5 s
  LlamaServerProcess(const LlamaServerProcess&) = delete;
  LlamaServerProcess& operator=(const LlamaServerProcess&) = delete;

  int port() const { return port_; }
  std::string api_url() const;  // http://127.0.0.1:PORT/v1

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace clinbench::testing
