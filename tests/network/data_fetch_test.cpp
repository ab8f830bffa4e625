// `clinbench data fetch` against a loopback HTTP server serving fixture files: a good file, one
// whose checksum is not the pinned one, a 404, and a connection dropped mid-file that the next
// run resumes with a Range request; and the built-in table's pins against the public data here,
// served as a mirror. Nothing here reaches the internet.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

// SHA-256 from coreutils, independent of clinbench's own.
std::string sha256sum(const std::filesystem::path& file) {
  std::string command = "sha256sum '" + file.string() + "'";
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[65] = "";
  if (!pipe || std::fread(buffer, 1, 64, pipe) != 64) ADD_FAILURE() << "sha256sum failed on " << file;
  if (pipe) pclose(pipe);
  return std::string(buffer, 64);
}

std::string fixture_text(size_t bytes, char seed) {
  std::string text;
  for (size_t i = 0; text.size() < bytes; ++i) {
    text += "{\"id\": " + std::to_string(i) + ", \"question\": \"" + std::string(40, char('a' + (i + seed) % 26)) + "\"}\n";
  }
  return text;
}

class FixtureServer {
 public:
  FixtureServer(std::map<std::string, std::string> files, const std::filesystem::path& mirror_root)
      : files_(std::move(files)) {
    server_.Get(R"(/files/(.+))", [this](const httplib::Request& request, httplib::Response& response) {
      std::string name = request.matches[1];
      auto found = files_.find(name);
      if (found == files_.end()) {
        response.status = 404;
        response.set_content("Not Found", "text/plain");
        return;
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ranges_[name].push_back(request.get_header_value("Range"));
      }
      const std::string body = found->second;
      if (name == "dropped.json" && drops_left_.fetch_sub(1) > 0) {
        // Headers promise the whole file; half of it comes, then the connection closes.
        response.set_content_provider(body.size(), "application/json",
                                      [body](size_t, size_t, httplib::DataSink& sink) {
                                        sink.write(body.data(), body.size() / 2);
                                        return false;
                                      });
        return;
      }
      response.set_content(body, "application/json");  // httplib answers a Range with 206
    });
    if (!mirror_root.empty()) server_.set_mount_point("/mirror", mirror_root.string());
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~FixtureServer() {
    server_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> ranges(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    return ranges_[name];
  }

 private:
  std::map<std::string, std::string> files_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> drops_left_{1};
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> ranges_;  // Range header of each request
};

TEST(DataFetch, VerifiesRefusesAndResumes) {
  std::filesystem::path dir = testing::work_dir("data_fetch");
  const std::string good = fixture_text(50000, 0), changed = fixture_text(20000, 1), dropped = fixture_text(400000, 2);
  std::filesystem::create_directories(dir / "expected");
  write_file_atomic(dir / "expected" / "good.jsonl", good);
  write_file_atomic(dir / "expected" / "dropped.json", dropped);
  write_file_atomic(dir / "expected" / "what-was-pinned.csv", changed + "one more line\n");
  FixtureServer server({{"good.jsonl", good}, {"changed.csv", changed}, {"dropped.json", dropped}}, "");
  const std::string files = server.base() + "/files/";
  nlohmann::json manifest = {
      {{"name", "goodset"}, {"tasks", {"goodtask"}},
       {"files", {{{"url", files + "good.jsonl"}, {"path", "goodset/good.jsonl"}, {"sha256", sha256sum(dir / "expected" / "good.jsonl")}}}}},
      {{"name", "changed"},
       {"files", {{{"url", files + "changed.csv"}, {"path", "changed/changed.csv"},
                   {"sha256", sha256sum(dir / "expected" / "what-was-pinned.csv")}}}}},
      {{"name", "gone"}, {"files", {{{"url", files + "missing.json"}, {"path", "gone/x.json"}, {"sha256", std::string(64, '0')}}}}},
      {{"name", "flaky"},
       {"files", {{{"url", files + "dropped.json"}, {"path", "flaky/dropped.json"}, {"sha256", sha256sum(dir / "expected" / "dropped.json")}}}}},
      {{"name", "credentialed"}, {"tasks", {"mednli"}}, {"manual", "MedNLI needs PhysioNet credentials: physionet.org/content/mednli/"}}};
  write_file_atomic(dir / "manifest.json", manifest.dump(2));
  const std::string common = " --manifest " + (dir / "manifest.json").string() + " --data-dir " + (dir / "data").string();

  // A good file: fetched, verified, then found in place. A task name finds its set.
  testing::CommandOutcome outcome = testing::run_clinbench("data fetch goodtask" + common);
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("good.jsonl: fetched, checksum verified"), std::string::npos) << outcome.output;
  EXPECT_EQ(read_file(dir / "data" / "goodset" / "good.jsonl"), good);
  outcome = testing::run_clinbench("data fetch goodset" + common);
  EXPECT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("already there, checksum verified"), std::string::npos) << outcome.output;
  EXPECT_EQ(server.ranges("good.jsonl").size(), 1u) << "a verified file is not fetched again";

  // A file that is not what was pinned is not kept, and says both checksums.
  outcome = testing::run_clinbench("data fetch changed" + common);
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  write_file_atomic(dir / "expected" / "changed.csv", changed);
  EXPECT_NE(outcome.output.find("SHA-256 " + sha256sum(dir / "expected" / "changed.csv")), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("not the pinned " + sha256sum(dir / "expected" / "what-was-pinned.csv")), std::string::npos)
      << outcome.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "data" / "changed" / "changed.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir / "data" / "changed" / "changed.csv.part"));

  // 404: named, nothing left behind.
  outcome = testing::run_clinbench("data fetch gone" + common);
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find(files + "missing.json: HTTP 404 (not found)"), std::string::npos) << outcome.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "data" / "gone" / "x.json.part"));

  // A connection dropped mid-file keeps the part; the same command resumes from it.
  outcome = testing::run_clinbench("data fetch flaky" + common);
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("the download stopped after"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("the same command resumes it"), std::string::npos) << outcome.output;
  ASSERT_TRUE(std::filesystem::exists(dir / "data" / "flaky" / "dropped.json.part"));
  const size_t kept = std::filesystem::file_size(dir / "data" / "flaky" / "dropped.json.part");
  EXPECT_EQ(kept, dropped.size() / 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "data" / "flaky" / "dropped.json"));
  outcome = testing::run_clinbench("data fetch flaky" + common);
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  EXPECT_NE(outcome.output.find("resumed and finished, checksum verified"), std::string::npos) << outcome.output;
  EXPECT_EQ(read_file(dir / "data" / "flaky" / "dropped.json"), dropped);
  std::vector<std::string> ranges = server.ranges("dropped.json");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges[0], "");
  EXPECT_EQ(ranges[1], "bytes=" + std::to_string(kept) + "-");

  // A set that cannot be fetched says where to get it and where clinbench reads it.
  outcome = testing::run_clinbench("data fetch credentialed" + common);
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("MedNLI needs PhysioNet credentials"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("clinbench reads it at " + (dir / "data" / "mednli").string()), std::string::npos)
      << outcome.output;
  outcome = testing::run_clinbench("data fetch nonsense" + common);
  EXPECT_NE(outcome.status, 0);
  EXPECT_NE(outcome.output.find("no data set or task named 'nonsense'"), std::string::npos) << outcome.output;
}

// The built-in pins are the published files': fetched from the public data here, served as a
// mirror in the data-folder layout, every file verifies.
TEST(DataFetch, BuiltInChecksumsMatchThePublishedFiles) {
  std::filesystem::path dir = testing::work_dir("data_fetch_builtin");
  FixtureServer server({}, testing::shared_data_dir());
  testing::CommandOutcome outcome = testing::run_clinbench("data fetch pubmedqa medqa_gen mmlu_medical --mirror " +
                                                           server.base() + "/mirror --data-dir " + (dir / "data").string());
  ASSERT_EQ(outcome.status, 0) << outcome.output;
  for (const char* file : {"pubmedqa/ori_pqal.json", "pubmedqa/test_ground_truth.json", "medqa/US_4_options_test.jsonl",
                           "mmlu_medical/professional_medicine_test.csv"}) {
    EXPECT_EQ(sha256sum(dir / "data" / file), sha256sum(testing::shared_data_dir() / file)) << file;
  }
  // Credentialed and copyrighted sets are never fetched.
  outcome = testing::run_clinbench("data fetch mednli nejm_case_challenges --data-dir " + (dir / "data").string());
  EXPECT_EQ(outcome.status, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("physionet.org/content/mednli/"), std::string::npos) << outcome.output;
  EXPECT_NE(outcome.output.find("copyrighted"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace clinbench
