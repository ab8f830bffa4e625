// What `clinbench run` does when its response cache cannot be used: a disk that fills up mid-run
// stops the run with a message naming the cache, leaves the cache consistent and keeps what was
// stored for the next run; a cache file from a newer (or an unknown older) clinbench is refused
// before any model work, and left as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "clinbench/core.h"
#include "clinbench/engine.h"
#include "engine/response_cache.h"
#include "test_support.h"

namespace clinbench {
namespace {

namespace fs = std::filesystem;

int64_t sqlite_value(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  int64_t value = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
      sqlite3_step(statement) == SQLITE_ROW) {
    value = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

void sqlite_run(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

// A tmpfs of `size` at mount_point, where the test may mount one (it runs as root); mounted()
// says whether it is there.
class Tmpfs {
 public:
  Tmpfs(const fs::path& mount_point, const std::string& size) : mount_point_(mount_point) {
    umount2(mount_point_.c_str(), MNT_DETACH);  // left by a test run that crashed
    fs::remove_all(mount_point_);
    fs::create_directories(mount_point_);
    mounted_ = mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) umount2(mount_point_.c_str(), MNT_DETACH);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;
  bool mounted() const { return mounted_; }

 private:
  fs::path mount_point_;
  bool mounted_ = false;
};

// Writes zeros to `file` until the file system is full.
void fill_disk(const fs::path& file) {
  std::FILE* out = std::fopen(file.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  std::vector<char> block(1 << 16, 0);
  while (std::fwrite(block.data(), 1, block.size(), out) == block.size()) {
  }
  std::fclose(out);
}

std::vector<std::string> small_run(const fs::path& out) {
  return {"run", "--model", "gguf:" + testing::tiny_model("llama-spm", "mistral").string(),
          "--tasks", "medqa,medqa_gen", "--limit", "40", "--data-dir", testing::shared_data_dir().string(),
          "--output-dir", out.string(), "--threads", "2", "--seed", "7"};
}

// The disk of the output folder fills up while the run stores responses (another program
// filling it, on a tmpfs where the test can mount one; else the run's files are limited to
// 256 KiB with RLIMIT_FSIZE). The run stops with an error naming the cache, the cache stays
// consistent, and with room again the same command finishes, computing only what was lost.
TEST(CacheFailure, DiskFullMidRunStopsWithTheCacheConsistent) {
  const fs::path dir = testing::work_dir("cli_cache_disk_full");
  Tmpfs disk(dir / "disk", "80m");  // passes the 64 MB free-space check at the start
  std::printf("disk fills up: %s\n", disk.mounted() ? "an 80 MB tmpfs, filled mid-run" : "RLIMIT_FSIZE 256 KiB");
  const fs::path out = dir / "disk" / "out";
  const fs::path cache = out / "cache.sqlite";
  const fs::path filler = dir / "disk" / "filler";

  testing::ChildOptions options = testing::child_options(dir, dir / "full.log");
  if (disk.mounted()) {
    options.while_running = [&] {
      // Fill the disk once the first responses are stored, so that later ones cannot be.
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (std::chrono::steady_clock::now() < deadline &&
             !(fs::exists(cache) && sqlite_value(cache, "SELECT count(*) FROM entries") > 0)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      fill_disk(filler);
    };
  } else {
    options.file_size_limit = 256 * 1024;
  }
  testing::ChildResult failed = testing::run_clinbench_child(small_run(out), options);
  std::string log = read_file(options.log);
  EXPECT_EQ(failed.exit_status, 1) << log;
  EXPECT_NE(log.find("error: " + cache.string() + ": cannot store a response"), std::string::npos) << log;
  if (disk.mounted()) {
    EXPECT_NE(log.find("the disk is full"), std::string::npos) << log;
  }
  EXPECT_EQ(log.find("internal error"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(out / "results.json"));

  // What was stored before the disk filled up is intact and reads back.
  if (disk.mounted()) fs::remove(filler);
  testing::ChildOptions verify = testing::child_options(dir, dir / "verify.log");
  EXPECT_EQ(testing::run_clinbench_child({"cache", "verify", "--cache", cache.string()}, verify).exit_status, 0)
      << read_file(verify.log);
  const int64_t stored = sqlite_value(cache, "SELECT count(*) FROM entries");
  EXPECT_GT(stored, 0);
  EXPECT_LT(stored, 200) << "the disk never filled";

  // With room again, the same command finishes and computes only what was not stored.
  testing::ChildOptions resume = testing::child_options(dir, dir / "resume.log");
  ASSERT_EQ(testing::run_clinbench_child(small_run(out), resume).exit_status, 0) << read_file(resume.log);
  nlohmann::json results = nlohmann::json::parse(read_file(out / "results.json"));
  int64_t from_cache = 0;
  for (const char* task : {"medqa", "medqa_gen"}) {
    from_cache += results["tasks"][task]["requests"]["from_cache"].get<int64_t>();
  }
  EXPECT_EQ(from_cache, stored);
}

// An output folder on a disk with too little room is refused before any model work.
TEST(CacheFailure, OutputFolderWithoutRoomIsRefusedFirst) {
  const fs::path dir = testing::work_dir("cli_small_output_disk");
  Tmpfs disk(dir / "disk", "1m");
  if (!disk.mounted()) GTEST_SKIP() << "needs a tmpfs (the test runs as an unprivileged user)";
  testing::ChildOptions options = testing::child_options(dir, dir / "small.log");
  std::vector<std::string> command = small_run(dir / "disk" / "out");
  command[2] = "gguf:/nonexistent/model.gguf";
  EXPECT_EQ(testing::run_clinbench_child(command, options).exit_status, 1);
  std::string log = read_file(options.log);
  EXPECT_NE(log.find("error: the output folder " + (dir / "disk" / "out").string() + " has less than 64 MB free"),
            std::string::npos)
      << log;
}

// The cache file of a clinbench from the future (a format this build does not know) or of a
// version too old to migrate: the run stops naming the file and both versions, before the model
// is opened (the model path does not exist), and the file is left unchanged.
TEST(CacheFailure, UnknownCacheVersionsAreRefusedBeforeTheModelLoads) {
  const fs::path dir = testing::work_dir("cli_cache_versions");
  const int32_t current = ResponseCache::format_version;
  for (int32_t version : {current + 1, current + 7, 0}) {
    const fs::path cache = dir / ("cache-v" + std::to_string(version) + ".sqlite");
    sqlite_run(cache, "CREATE TABLE entries (key TEXT PRIMARY KEY); PRAGMA application_id=" +
                          std::to_string(response_cache_application_id) +
                          "; PRAGMA user_version=" + std::to_string(version));
    testing::ChildOptions options = testing::child_options(dir, dir / ("v" + std::to_string(version) + ".log"));
    testing::ChildResult result = testing::run_clinbench_child(
        {"run", "--model", "gguf:/nonexistent/model.gguf", "--tasks", "medqa", "--limit", "2",
         "--data-dir", testing::shared_data_dir().string(), "--output-dir", (dir / "out").string(),
         "--cache", cache.string()},
        options);
    std::string log = read_file(options.log);
    EXPECT_EQ(result.exit_status, 1) << log;
    std::string expected = "error: " + cache.string() + ": response cache format version " +
                           std::to_string(version) +
                           (version > current ? " is newer" : " is older") +
                           " than this clinbench understands (version " + std::to_string(current) + ")";
    EXPECT_NE(log.find(expected), std::string::npos) << log;
    EXPECT_EQ(log.find("model"), std::string::npos) << "refused after the model was looked at: " << log;
    EXPECT_EQ(sqlite_value(cache, "PRAGMA user_version"), version);
  }
}

}  // namespace
}  // namespace clinbench
