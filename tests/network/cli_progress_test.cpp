// Progress a person and a script can read, against a loopback server that fails half of the
// attempts: retries and failed requests appear while they happen, on the human line and in
// `--progress json`, and the counts are the server's own.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "fake_openai_server.h"
#include "test_support.h"

namespace clinbench {
namespace {

struct ServerCounts {
  int64_t retries = 0;   // arrivals of a body after its first
  int64_t failures = 0;  // bodies whose every attempt failed
};

ServerCounts counts_of(const std::vector<testing::SeenRequest>& seen, int32_t attempts_per_request) {
  std::map<std::string, std::pair<int32_t, bool>> per_body;  // attempts, any success
  for (const testing::SeenRequest& request : seen) {
    auto& [attempts, succeeded] = per_body[request.body];
    ++attempts;
    succeeded = succeeded || request.fault == testing::Fault::none;
  }
  ServerCounts counts;
  for (const auto& [body, record] : per_body) {
    counts.retries += record.first - 1;
    if (!record.second && record.first == attempts_per_request) ++counts.failures;
  }
  return counts;
}

TEST(CliProgress, RetriesAndFailuresShowWhileTheyHappen) {
  std::filesystem::path dir = testing::work_dir("cli_progress");
  testing::FakeServerOptions options;
  options.fault_rate = 0.5;
  options.seed = 3;
  testing::FakeOpenaiServer server(options);
  const std::string common = "run --model openai:" + server.api_url() +
                             " --model-name test --api-key-env CLINBENCH_TEST_NO_KEY --tasks medqa_gen --limit 16"
                             " --max-retries 2 --request-timeout 0.5 --no-cache --data-dir " +
                             testing::shared_data_dir().string();

  testing::CommandOutcome json_run = testing::run_clinbench(common + " --progress json --output-dir " + (dir / "json").string());
  ServerCounts expected = counts_of(server.seen(), 3);
  ASSERT_GT(expected.retries, 0) << "the server injected no fault";
  std::vector<nlohmann::json> events;
  std::istringstream lines(json_run.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;  // the results table and notes are for people
    nlohmann::json event = nlohmann::json::parse(line);
    if (event.value("event", "") == "progress") events.push_back(event);
  }
  ASSERT_FALSE(events.empty()) << json_run.output;
  int64_t previous_done = -1;
  for (const nlohmann::json& event : events) {
    EXPECT_EQ(event["task"], "medqa_gen");
    EXPECT_EQ(event["total"], 16);
    for (const char* field : {"done", "rate", "elapsed_s", "eta_s", "retries", "failures", "finished", "unit"}) {
      EXPECT_TRUE(event.contains(field)) << field << " missing in " << event;
    }
    EXPECT_GE(event["done"].get<int64_t>(), previous_done);
    previous_done = event["done"];
  }
  const nlohmann::json& last = events.back();
  EXPECT_EQ(last["done"], 16);
  EXPECT_EQ(last["finished"], true);
  EXPECT_EQ(last["retries"], expected.retries) << json_run.output;
  EXPECT_EQ(last["failures"], expected.failures) << json_run.output;

  // The human line, as a log file sees it (not a terminal): the counts are on it.
  const size_t first_run = server.seen().size();
  testing::CommandOutcome human = testing::run_clinbench(common + " --output-dir " + (dir / "human").string());
  std::vector<testing::SeenRequest> seen = server.seen();
  ServerCounts second = counts_of({seen.begin() + std::ptrdiff_t(first_run), seen.end()}, 3);
  EXPECT_NE(human.output.find("requests"), std::string::npos) << human.output;
  if (second.retries > 0) {
    EXPECT_NE(human.output.find("  retries "), std::string::npos) << human.output;
  }
  if (second.failures > 0) {
    EXPECT_NE(human.output.find("  failed "), std::string::npos) << human.output;
  }
  EXPECT_EQ(human.output.find("{\"event\""), std::string::npos);
}

}  // namespace
}  // namespace clinbench
