// Run folders written by hand, in the layout `clinbench run` writes, so compare and report can be
// tested on scores chosen to give known statistics, without a model.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "clinbench/compare.h"

namespace clinbench::testing {

struct FixtureSample {
  std::string id;
  std::map<std::string, double> scores;
  std::string prompt_key;  // empty = "key-" + id
  std::string response = "The correct answer is A: yes";
  std::string prompt = "Question: ...";
  std::string target = "A";
  std::string extracted = "A";
  std::string status = "ok";
  std::vector<double> option_loglikelihoods;  // a log-likelihood task's, one per option; empty = none
  std::string cluster;                        // the task's cluster_by key; empty = none
  std::optional<std::vector<std::string>> retrieved;  // a RAG run's passage ids; nullopt = no retrieval
};

struct FixtureTask {
  std::string name;
  std::vector<std::string> metrics;
  std::vector<FixtureSample> samples;
};

// results.json (format 1, metric means with a degenerate interval [mean, mean]) and
// samples/TASK.jsonl for each task, under dir. model_name goes to model.details.name.
void fixture_run_write(const std::filesystem::path& dir, const std::string& model_name,
                       const std::vector<FixtureTask>& tasks);

// The same run in memory, as compare_run_load would return it.
CompareRun fixture_run(const std::string& name, const std::vector<FixtureTask>& tasks);

// n samples with ids "q1".."qN" scoring `metric` from the 0/1 (or any) values given.
FixtureTask fixture_task(const std::string& name, const std::string& metric,
                         const std::vector<double>& values);

// 0/1 scores of two systems with chosen counts: both right, only a right, only b right, both
// wrong, in that order. Returns {a, b}.
std::pair<std::vector<double>, std::vector<double>> fixture_binary_pair(int both, int only_a,
                                                                        int only_b, int neither);

}  // namespace clinbench::testing
