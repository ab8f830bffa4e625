// A failed request is missing, never a wrong answer. `clinbench run` against a loopback server
// that fails chosen items on every attempt (a stall past the timeout, a cut-off JSON body, HTTP
// 500): the metrics equal a clean run's restricted to the answered items, the exit status says
// the run is incomplete, `compare` refuses the pair (or, with --allow-failures, leaves the
// failed items out of both sides and says so), and the same command against the healed server
// completes the missing items and ends with the clean run's results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>

#include "clinbench/core.h"
#include "clinbench/stats.h"
#include "fake_openai_server.h"
#include "test_support.h"

namespace clinbench {
namespace {

using testing::Fault;

nlohmann::json results_of(const std::filesystem::path& dir) {
  return nlohmann::json::parse(read_file(dir / "results.json"));
}

TEST(FailedRequests, AreMissingNotWrongAndARerunCompletesThem) {
  unsetenv("CLINBENCH_NETWORK_TEST_NO_KEY");
  testing::FakeOpenaiServer server(testing::FakeServerOptions{});
  std::filesystem::path dir = testing::work_dir("network_failed_requests");
  const std::string run = "run --model openai:" + server.api_url() +
                          " --model-name test --api-key-env CLINBENCH_NETWORK_TEST_NO_KEY --tasks medqa --limit 24"
                          " --data-dir " + testing::shared_data_dir().string() +
                          " --request-timeout 0.5 --max-retries 1 --bootstrap-resamples 2000 --output-dir ";

  testing::CommandOutcome clean = testing::run_clinbench(run + (dir / "clean").string());
  ASSERT_EQ(clean.status, 0) << clean.output;
  const nlohmann::json clean_results = results_of(dir / "clean");
  const std::vector<nlohmann::json> clean_samples = testing::read_jsonl(dir / "clean" / "samples" / "medqa.jsonl");
  ASSERT_EQ(clean_samples.size(), 24u);
  EXPECT_EQ(clean_results["tasks"]["medqa"]["answered"], 24);
  // What a run asks besides its 96 option requests (the backend's one probe for prompt log-probs).
  const int64_t probes = server.answered() - 96;

  // Items 3, 10 and 17 fail on every attempt, each in its own way; each item's prompt ends in
  // text no other item holds.
  const std::map<size_t, Fault> failing = {{3, Fault::stall}, {10, Fault::malformed_json}, {17, Fault::server_error}};
  std::vector<std::pair<std::string, Fault>> items;
  for (const auto& [index, fault] : failing) {
    std::string prompt = clean_samples[index]["prompt"];
    std::string tail = prompt.substr(prompt.size() - std::min<size_t>(prompt.size(), 160));
    for (size_t other = 0; other < clean_samples.size(); ++other) {
      if (other == index) continue;
      ASSERT_EQ(clean_samples[other]["prompt"].get<std::string>().find(tail), std::string::npos) << other;
    }
    items.emplace_back(tail, fault);
  }
  server.set_failing_items(items);

  testing::CommandOutcome faulty = testing::run_clinbench(run + (dir / "faulty").string());
  EXPECT_EQ(faulty.status, 3) << faulty.output;
  EXPECT_NE(faulty.output.find("incomplete: 3 items without an answer: 12 requests failed"), std::string::npos)
      << faulty.output;
  const nlohmann::json faulty_task = results_of(dir / "faulty")["tasks"]["medqa"];
  EXPECT_EQ(faulty_task["n"], 24);
  EXPECT_EQ(faulty_task["answered"], 21);
  EXPECT_EQ(faulty_task["failed"], (nlohmann::json{{"backend_error", 3}}));
  const std::vector<nlohmann::json> faulty_samples = testing::read_jsonl(dir / "faulty" / "samples" / "medqa.jsonl");
  ASSERT_EQ(faulty_samples.size(), 24u);
  for (const auto& [metric, value] : clean_results["tasks"]["medqa"]["metrics"].items()) {
    // The clean run restricted to the answered items, with the same bootstrap.
    std::vector<double> answered;
    for (size_t i = 0; i < clean_samples.size(); ++i) {
      if (failing.count(i)) {
        EXPECT_EQ(faulty_samples[i]["status"], "backend_error") << i;
        EXPECT_TRUE(faulty_samples[i]["scores"].empty()) << faulty_samples[i].dump();
        continue;
      }
      EXPECT_EQ(faulty_samples[i]["scores"], clean_samples[i]["scores"]) << i;
      answered.push_back(clean_samples[i]["scores"][metric].get<double>());
    }
    std::optional<StatsEstimate> expected = stats_bootstrap_mean(answered, {1234, 2000, 0.95});
    ASSERT_TRUE(expected);
    EXPECT_DOUBLE_EQ(faulty_task["metrics"][metric]["value"].get<double>(), expected->value) << metric;
    EXPECT_DOUBLE_EQ(faulty_task["metrics"][metric]["ci_low"].get<double>(), expected->ci_low) << metric;
    EXPECT_DOUBLE_EQ(faulty_task["metrics"][metric]["ci_high"].get<double>(), expected->ci_high) << metric;
  }

  // compare: the failures would be differences between the "models"; it refuses, naming them.
  const std::string pair = (dir / "faulty").string() + " " + (dir / "clean").string() + " --output-dir ";
  testing::CommandOutcome refused = testing::run_clinbench("compare " + pair + (dir / "compare").string());
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("differ in which requests failed"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("3 backend_error"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("--allow-failures"), std::string::npos) << refused.output;
  testing::CommandOutcome allowed =
      testing::run_clinbench("compare --allow-failures " + pair + (dir / "compare").string());
  ASSERT_EQ(allowed.status, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("compared on the 21 items both answered; 3 left out of both sides"),
            std::string::npos) << allowed.output;
  nlohmann::json comparison = nlohmann::json::parse(read_file(dir / "compare" / "compare.json"));
  ASSERT_FALSE(comparison["comparisons"].empty());
  for (const nlohmann::json& row : comparison["comparisons"]) {
    EXPECT_EQ(row["n"], 21) << row.dump();
    EXPECT_EQ(row["wins"].get<int64_t>() + row["losses"].get<int64_t>(), 0) << row.dump();  // same answers
  }

  // The same command against the healed server retries only the failed items and ends with the
  // clean run's results.
  server.set_failing_items({});
  const int64_t answered_before = server.answered();
  testing::CommandOutcome rerun = testing::run_clinbench(run + (dir / "faulty").string());
  ASSERT_EQ(rerun.status, 0) << rerun.output;
  EXPECT_EQ(server.answered() - answered_before, 12 + probes);  // 3 items x 4 options, nothing else
  const nlohmann::json rerun_task = results_of(dir / "faulty")["tasks"]["medqa"];
  EXPECT_EQ(rerun_task["metrics"], clean_results["tasks"]["medqa"]["metrics"]);
  EXPECT_EQ(rerun_task["answered"], 24);
  EXPECT_EQ(rerun_task["failed"], nlohmann::json::object());
  EXPECT_EQ(testing::read_jsonl(dir / "faulty" / "samples" / "medqa.jsonl").size(), 24u);
}

}  // namespace
}  // namespace clinbench
