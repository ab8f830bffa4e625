// Model fingerprints: SHA-256 of the GGUF file, memoised by (path, size, mtime) in a small
// tab-separated file in the user cache, so a 40 GB model is not re-read on every run.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>

#include <fstream>
#include <map>
#include <sstream>

#include "clinbench/core.h"

namespace clinbench {

namespace {

struct FileIdentity {
  std::string absolute_path;
  uint64_t size = 0;
  int64_t mtime_ns = 0;

  std::string key() const {
    return absolute_path + "\t" + std::to_string(size) + "\t" + std::to_string(mtime_ns);
  }
};

FileIdentity identify(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw_input_error(path, 0, "", "file not found");
  FileIdentity id;
  id.absolute_path = std::filesystem::absolute(path).lexically_normal().string();
  id.size = uint64_t(info.st_size);
  id.mtime_ns = int64_t(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  return id;
}

// Lines: PATH \t SIZE \t MTIME_NS \t SHA256
std::map<std::string, std::string> read_memo(const std::filesystem::path& memo_path) {
  std::map<std::string, std::string> memo;
  std::ifstream in(memo_path);
  std::string line;
  while (std::getline(in, line)) {
    size_t last_tab = line.rfind('\t');
    if (last_tab == std::string::npos || line.size() - last_tab - 1 != 64) continue;
    memo[line.substr(0, last_tab)] = line.substr(last_tab + 1);
  }
  return memo;
}

}  // namespace

std::string file_fingerprint(const std::filesystem::path& path) {
  FileIdentity id = identify(path);
  std::filesystem::path memo_path = user_cache_dir() / "fingerprints.tsv";
  auto memo = read_memo(memo_path);
  if (auto found = memo.find(id.key()); found != memo.end()) return found->second;

  std::string digest = sha256_file_hex(path);

  // Re-read under a lock so concurrent runs do not drop each other's entries.
  std::filesystem::path lock_path = user_cache_dir() / "fingerprints.lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd >= 0) ::flock(lock_fd, LOCK_EX);
  memo = read_memo(memo_path);
  memo[id.key()] = digest;
  std::ostringstream out;
  for (const auto& [key, value] : memo) out << key << '\t' << value << '\n';
  try {
    write_file_atomic(memo_path, out.str());
  } catch (const Error&) {
    // The memo is an optimisation: a read-only cache folder only costs a re-hash next time.
  }
  if (lock_fd >= 0) ::close(lock_fd);
  return digest;
}

}  // namespace clinbench
