#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
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

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buffer;
}

}  // namespace clinbench
