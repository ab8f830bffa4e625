#include "llama_server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "clinbench/core.h"

namespace clinbench::testing {

namespace {

// A port nothing listens on now. Another process could take it before the server binds; the
// server then fails to start and the caller sees its log.
int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) close(fd);
    throw Error("no free loopback port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::string log_tail(const std::filesystem::path& log) {
  std::string text;
  try {
    text = read_file(log);
  } catch (const Error&) {
    return "(no log)";
  }
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

}  // namespace

std::filesystem::path llama_server_binary() {
  const char* path = std::getenv("CLINBENCH_LLAMA_SERVER");
  if (!path || !*path || !std::filesystem::exists(path)) return {};
  return path;
}

std::vector<std::string> llama_server_matching_arguments(int32_t parallel, int32_t context, int32_t threads) {
  return {"--parallel", std::to_string(parallel), "-c", std::to_string(context), "--kv-unified",
          "-ctk", "f32", "-ctv", "f32", "-fa", "off", "-t", std::to_string(threads), "-tb",
          std::to_string(threads), "--no-webui"};
}

LlamaServerProcess::LlamaServerProcess(const std::filesystem::path& binary, const std::filesystem::path& model,
                                       const std::vector<std::string>& extra_arguments,
                                       const std::filesystem::path& log, double timeout_seconds) {
  port_ = free_loopback_port();
  std::vector<std::string> arguments = {binary.string(), "-m", model.string(), "--host", "127.0.0.1",
                                        "--port", std::to_string(port_)};
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw Error("fork failed starting " + binary.string());
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }

  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(1);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw Error("llama-server exited while starting (status " + std::to_string(status) + "); its log:\n" +
                  log_tail(log));
    }
    auto health = client.Get("/health");
    if (health && health->status == 200) return;
    if (std::chrono::steady_clock::now() > deadline) {
      std::string tail = log_tail(log);
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
      throw Error("llama-server was not healthy after " + std::to_string(timeout_seconds) + " s; its log:\n" + tail);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

LlamaServerProcess::~LlamaServerProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  for (int waited = 0; waited < 500; ++waited) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::string LlamaServerProcess::api_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1"; }

}  // namespace clinbench::testing
