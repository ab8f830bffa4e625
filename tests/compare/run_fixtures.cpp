#include "run_fixtures.h"

#include "clinbench/core.h"

namespace clinbench::testing {

namespace {

nlohmann::json results_json(const std::string& model_name, const std::vector<FixtureTask>& tasks) {
  nlohmann::json results = {{"clinbench_version", "test"},
                            {"format_version", 1},
                            {"model",
                             {{"spec", "gguf:/models/" + model_name + ".gguf"},
                              {"backend", "llama"},
                              {"fingerprint", std::string(64, 'a')},
                              {"details", {{"name", model_name}}}}},
                            {"config", {{"tasks", nlohmann::json::array()}}}};
  nlohmann::json entries = nlohmann::json::object();
  for (const FixtureTask& task : tasks) {
    results["config"]["tasks"].push_back(task.name);
    nlohmann::json metrics = nlohmann::json::object();
    for (const std::string& metric : task.metrics) {
      double sum = 0;
      for (const FixtureSample& sample : task.samples)
        sum += sample.scores.count(metric) ? sample.scores.at(metric) : 0.0;
      double mean = task.samples.empty() ? 0 : sum / double(task.samples.size());
      metrics[metric] = {{"value", mean}, {"ci_low", mean}, {"ci_high", mean}};
    }
    entries[task.name] = {{"n", task.samples.size()},
                          {"metrics", metrics},
                          {"statuses", {{"ok", task.samples.size()}}}};
  }
  results["tasks"] = entries;
  return results;
}

nlohmann::json sample_json(const FixtureSample& sample) {
  nlohmann::json json = {{"id", sample.id},
          {"line", 1},
          {"prompt", sample.prompt},
          {"prompt_key", sample.prompt_key.empty() ? "key-" + sample.id : sample.prompt_key},
          {"target", sample.target},
          {"response", sample.response},
          {"extracted", sample.extracted},
          {"scores", sample.scores},
          {"status", sample.status}};
  if (!sample.option_loglikelihoods.empty()) {
    json["option_loglikelihoods"] = nlohmann::json::array();
    for (double logprob : sample.option_loglikelihoods)
      json["option_loglikelihoods"].push_back({{"logprob", logprob}, {"status", "ok"}});
  }
  if (!sample.cluster.empty()) json["cluster"] = sample.cluster;
  if (sample.retrieved) {
    json["retrieved"] = nlohmann::json::array();
    for (const std::string& id : *sample.retrieved) json["retrieved"].push_back({{"id", id}, {"chunk", 0}, {"score", 1.0}});
  }
  return json;
}

}  // namespace

void fixture_run_write(const std::filesystem::path& dir, const std::string& model_name,
                       const std::vector<FixtureTask>& tasks) {
  std::filesystem::create_directories(dir / "samples");
  write_file_atomic(dir / "results.json", results_json(model_name, tasks).dump(2));
  for (const FixtureTask& task : tasks) {
    std::string lines;
    for (const FixtureSample& sample : task.samples) lines += sample_json(sample).dump() + "\n";
    write_file_atomic(dir / "samples" / (task.name + ".jsonl"), lines);
  }
}

CompareRun fixture_run(const std::string& name, const std::vector<FixtureTask>& tasks) {
  CompareRun run;
  run.dir = "/runs/" + name;
  run.name = name;
  run.results = results_from_json(results_json(name, tasks), run.dir / "results.json");
  for (const FixtureTask& task : tasks) {
    for (const FixtureSample& sample : task.samples)
      run.samples[task.name].push_back(sample_json(sample));
  }
  return run;
}

FixtureTask fixture_task(const std::string& name, const std::string& metric,
                         const std::vector<double>& values) {
  FixtureTask task{name, {metric}, {}};
  for (size_t i = 0; i < values.size(); ++i) {
    FixtureSample sample;
    sample.id = "q" + std::to_string(i + 1);
    sample.scores[metric] = values[i];
    task.samples.push_back(sample);
  }
  return task;
}

std::pair<std::vector<double>, std::vector<double>> fixture_binary_pair(int both, int only_a,
                                                                        int only_b, int neither) {
  std::vector<double> a, b;
  auto push = [&](int count, double x, double y) {
    for (int i = 0; i < count; ++i) {
      a.push_back(x);
      b.push_back(y);
    }
  };
  push(both, 1, 1);
  push(only_a, 1, 0);
  push(only_b, 0, 1);
  push(neither, 0, 0);
  return {a, b};
}

}  // namespace clinbench::testing
