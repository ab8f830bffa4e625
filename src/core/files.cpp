#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "clinbench/core.h"

namespace clinbench {

std::filesystem::path user_cache_dir() {
  std::filesystem::path dir;
  if (const char* explicit_dir = std::getenv("CLINBENCH_CACHE_DIR"); explicit_dir && *explicit_dir) {
    dir = explicit_dir;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    dir = std::filesystem::path(xdg) / "clinbench";
  } else if (const char* home = std::getenv("HOME"); home && *home) {
    dir = std::filesystem::path(home) / ".cache" / "clinbench";
  } else {
    dir = std::filesystem::temp_directory_path() / "clinbench-cache";
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("cannot create cache folder " + dir.string() + ": " + ec.message());
  return dir;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_input_error(path, 0, "", std::string("cannot open: ") + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw_input_error(path, 0, "", "read error");
  return content.str();
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  std::random_device entropy;
  std::filesystem::path temporary =
      path.string() + ".tmp-" + std::to_string(getpid()) + "-" + hex64(entropy());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_input_error(path, 0, "", std::string("cannot write: ") + std::strerror(errno));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw_input_error(path, 0, "", std::string("write failed: ") + std::strerror(saved));
    }
    written += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    throw_input_error(path, 0, "", std::string("write failed: ") + std::strerror(saved));
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temporary.c_str());
    throw_input_error(path, 0, "", std::string("cannot rename into place: ") + std::strerror(saved));
  }
}

namespace {

// The PID of a write_file_atomic temporary's writer ("NAME.tmp-PID-HEX"), or -1 for any other name.
long temporary_writer(const std::string& name) {
  size_t at = name.rfind(".tmp-");
  if (at == std::string::npos) return -1;
  std::string rest = name.substr(at + 5);
  size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string::npos || dash > 9 || rest.size() == dash + 1) return -1;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    bool ok = i < dash ? (c >= '0' && c <= '9') : i == dash || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!ok) return -1;
  }
  return std::stol(rest.substr(0, dash));
}

}  // namespace

int64_t remove_stale_temporaries(const std::filesystem::path& dir) {
  int64_t removed = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    long pid = temporary_writer(it->path().filename().string());
    if (pid <= 0 || !it->is_regular_file(ec)) continue;
    // ESRCH: no such process. EPERM means it exists under another user: keep its file.
    if (::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code size_error, remove_error;
    uintmax_t bytes = std::filesystem::file_size(it->path(), size_error);
    if (std::filesystem::remove(it->path(), remove_error) && !size_error) removed += int64_t(bytes);
  }
  return removed;
}

}  // namespace clinbench
