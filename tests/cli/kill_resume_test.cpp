// Never lose work: `clinbench run` killed with SIGKILL at random moments and started again with
// the same command each time ends with the results of a run that was never interrupted (the same
// results.json but for timestamps and request counts, the same samples but for log-probabilities
// within the engine's 1e-3 nats batching tolerance), and no response that had been stored is
// computed again. The real binary runs as a child process on a generated model, with a
// log-likelihood task (medqa) and a generation task (medqa_gen).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "clinbench/core.h"
#include "test_support.h"

namespace clinbench {
namespace {

namespace fs = std::filesystem;

struct CacheRow {
  int64_t rowid = 0;  // INSERT OR REPLACE gives a replaced entry a new rowid
  std::string task;
};

// The cache file and its write-ahead log copied aside, so that reading them neither checkpoints
// nor removes the log that the next attempt must recover from.
fs::path copy_cache(const fs::path& cache, const fs::path& to_dir) {
  fs::remove_all(to_dir);
  fs::create_directories(to_dir);
  for (const char* suffix : {"", "-wal"}) {
    fs::path file = cache.string() + suffix;
    if (fs::exists(file)) fs::copy_file(file, to_dir / ("cache.sqlite" + std::string(suffix)));
  }
  return to_dir / "cache.sqlite";
}

// key -> (rowid, task) of every entry; empty while the run has not created the file.
std::map<std::string, CacheRow> cache_rows(const fs::path& cache, const fs::path& scratch) {
  std::map<std::string, CacheRow> rows;
  if (!fs::exists(cache)) return rows;
  fs::path copy = copy_cache(cache, scratch);
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  // A run killed before it created the table leaves an empty file: no entries.
  if (sqlite3_prepare_v2(db, "SELECT key, rowid, task FROM entries", -1, &statement, nullptr) == SQLITE_OK) {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      rows[reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))] = {
          sqlite3_column_int64(statement, 1), reinterpret_cast<const char*>(sqlite3_column_text(statement, 2))};
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

// results.json without what legitimately differs between the two runs: when it was made, how
// the requests were served (cache or computed) and what computing them cost.
nlohmann::json comparable_results(nlohmann::json results) {
  results["config"].erase("created_at");
  for (auto& [task, entry] : results["tasks"].items()) {
    entry.erase("requests");
    entry.erase("compute");
  }
  return results;
}

// The samples of a task by id.
std::map<std::string, nlohmann::json> samples_by_id(const fs::path& samples_file) {
  std::map<std::string, nlohmann::json> samples;
  for (const nlohmann::json& sample : testing::read_jsonl(samples_file)) {
    EXPECT_TRUE(samples.emplace(sample["id"].get<std::string>(), sample).second) << sample["id"];
  }
  return samples;
}

// Equal, except that log-probabilities may differ by the 1e-3 nats the engine allows between
// batch compositions (HACKING.md): a resumed attempt batches the remaining requests differently.
bool same_sample(const nlohmann::json& a, const nlohmann::json& b, const std::string& key = "") {
  if (key.find("logprob") != std::string::npos && a.is_number() && b.is_number()) {
    return std::fabs(a.get<double>() - b.get<double>()) <= 1e-3;
  }
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_object()) {
    for (const auto& [name, value] : a.items()) {
      if (!b.contains(name) || !same_sample(value, b[name], name)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same_sample(a[i], b[i], key)) return false;
    }
    return true;
  }
  return a == b;
}

// Whatever an attempt left behind reads back: results.json and the samples are either absent
// or complete, never cut off (they are written atomically).
void expect_outputs_whole(const fs::path& out) {
  if (fs::exists(out / "results.json")) {
    EXPECT_NO_THROW(nlohmann::json::parse(read_file(out / "results.json"))) << "results.json is damaged";
  }
  if (fs::exists(out / "samples")) {
    for (const auto& entry : fs::directory_iterator(out / "samples")) {
      if (entry.path().extension() != ".jsonl") continue;
      EXPECT_NO_THROW(testing::read_jsonl(entry.path())) << entry.path() << " is damaged";
    }
  }
}

TEST(KillAndResume, KilledRunsResumeToTheUninterruptedResult) {
  const fs::path dir = testing::work_dir("cli_kill_resume");
  const std::vector<std::string> tasks = {"medqa", "medqa_gen"};
  // Relative output folder, run from two folders: the two command lines are identical.
  const std::vector<std::string> command = {
      "run", "--model", "gguf:" + testing::tiny_model("llama-spm", "mistral").string(),
      "--tasks", "medqa,medqa_gen", "--limit", "40", "--data-dir", testing::shared_data_dir().string(),
      "--output-dir", "out", "--threads", "2", "--parallel", "4", "--seed", "7"};
  fs::create_directories(dir / "uninterrupted");
  fs::create_directories(dir / "resumed");

  testing::ChildOptions whole = testing::child_options(dir / "uninterrupted", dir / "uninterrupted.log");
  testing::ChildResult reference = testing::run_clinbench_child(command, whole);
  ASSERT_EQ(reference.exit_status, 0) << read_file(whole.log);
  const fs::path reference_out = dir / "uninterrupted" / "out";
  const nlohmann::json expected = nlohmann::json::parse(read_file(reference_out / "results.json"));
  std::map<std::string, std::map<std::string, nlohmann::json>> expected_samples;
  int64_t computed_uninterrupted = 0;
  for (const std::string& task : tasks) {
    expected_samples[task] = samples_by_id(reference_out / "samples" / (task + ".jsonl"));
    EXPECT_EQ(expected["tasks"][task]["requests"]["from_cache"], 0) << task;
    computed_uninterrupted += expected["tasks"][task]["requests"]["computed"].get<int64_t>();
  }
  // The same command again computes nothing; its time is what an attempt spends before and
  // after the model work (loading, serving from the cache, intervals, writing).
  testing::ChildResult cached = testing::run_clinbench_child(command, whole);
  ASSERT_EQ(cached.exit_status, 0) << read_file(whole.log);
  const nlohmann::json rerun = nlohmann::json::parse(read_file(reference_out / "results.json"));
  for (const std::string& task : tasks) {
    EXPECT_EQ(rerun["tasks"][task]["requests"]["computed"], 0) << task;
  }
  EXPECT_EQ(comparable_results(rerun), comparable_results(expected));
  const double overhead = cached.seconds;
  const double work = std::max(reference.seconds - cached.seconds, 0.5);
  // How far a cache is through the work: each task's stored share, weighted by the task's part
  // of the compute time when results.json reports it (log-likelihood requests are many and
  // cheap, generations few and slow), else by its part of the requests.
  std::map<std::string, double> task_weight;
  double weight_total = 0;
  for (const std::string& task : tasks) {
    const nlohmann::json& entry = expected["tasks"][task];
    double weight = entry.contains("compute") && entry["compute"].contains("seconds")
                        ? entry["compute"]["seconds"].get<double>()
                        : entry["requests"]["computed"].get<double>();
    task_weight[task] = weight;
    weight_total += weight;
  }
  auto progress = [&](const std::map<std::string, CacheRow>& rows) {
    double done = 0;
    for (const std::string& task : tasks) {
      int64_t stored = 0;
      for (const auto& [key, row] : rows) stored += row.task == task ? 1 : 0;
      done += task_weight[task] / weight_total * double(stored) /
              expected["tasks"][task]["requests"]["computed"].get<double>();
    }
    return done;
  };

  // Kill k aims at a random point of the k-th of planned_kills equal slices of the work: the
  // attempt gets the overhead plus the work time between what the cache holds and that point
  // (or, when the cache is already past it, a random part of the overhead: a kill while
  // loading). The kills spread over loading, both tasks and the writing of the results.
  const fs::path out = dir / "resumed" / "out";
  const fs::path cache = out / "cache.sqlite";
  const int planned_kills = 8;
  std::mt19937 random(20240607);
  std::uniform_real_distribution<double> within(0.05, 0.95);
  int kills = 0;
  int64_t rows_added = 0;
  bool finished = false;
  std::map<std::string, CacheRow> before_final;
  for (int attempt = 0; !finished; ++attempt) {
    std::map<std::string, CacheRow> before = cache_rows(cache, dir / "scratch");
    testing::ChildOptions options = testing::child_options(dir / "resumed", dir / "resumed.log");
    if (attempt < planned_kills) {
      double target = (attempt + within(random)) / planned_kills;
      double done = progress(before);
      double seconds = target > done ? overhead + work * (target - done) : overhead * within(random);
      options.kill_after = std::chrono::milliseconds(int64_t(1000 * seconds));
    }
    testing::ChildResult result = testing::run_clinbench_child(command, options);
    std::map<std::string, CacheRow> after = cache_rows(cache, dir / "scratch");
    std::printf("attempt %d: %s after %.2f s; cache entries %zu -> %zu of %lld (work done %.0f%% -> %.0f%%)\n",
                attempt, result.killed ? "killed" : "finished", result.seconds, before.size(), after.size(),
                static_cast<long long>(computed_uninterrupted), 100 * progress(before), 100 * progress(after));

    // Nothing stored before this attempt was computed again: every entry is still the same row.
    for (const auto& [key, row] : before) {
      auto found = after.find(key);
      ASSERT_NE(found, after.end()) << "entry " << key << " vanished in attempt " << attempt;
      EXPECT_EQ(found->second.rowid, row.rowid) << "entry " << key << " was computed again in attempt " << attempt;
    }
    rows_added += int64_t(after.size()) - int64_t(before.size());
    expect_outputs_whole(out);
    if (result.killed) {
      ++kills;
      // The cache the kill left behind is consistent (checked on a copy: verify checkpoints).
      if (fs::exists(cache)) {
        fs::path copy = copy_cache(cache, dir / "verify");
        testing::ChildOptions verify = testing::child_options(dir, dir / "verify.log");
        EXPECT_EQ(testing::run_clinbench_child({"cache", "verify", "--cache", copy.string()}, verify).exit_status, 0)
            << read_file(verify.log);
      }
    } else {
      ASSERT_EQ(result.exit_status, 0) << read_file(options.log);
      finished = true;
      before_final = before;
    }
    ASSERT_LT(attempt, planned_kills + 1) << "the run did not finish after its kills";
  }
  EXPECT_GE(kills, 5) << "too few attempts were still running when their kill came";

  // The finishing attempt was served everything stored before it and computed only the rest;
  // over all attempts, each request was computed once.
  const nlohmann::json resumed = nlohmann::json::parse(read_file(out / "results.json"));
  for (const std::string& task : tasks) {
    int64_t stored = 0;
    for (const auto& [key, row] : before_final) stored += row.task == task ? 1 : 0;
    const nlohmann::json& requests = resumed["tasks"][task]["requests"];
    EXPECT_EQ(requests["from_cache"].get<int64_t>(), stored) << task;
    EXPECT_EQ(requests["total"], expected["tasks"][task]["requests"]["total"]) << task;
    EXPECT_EQ(requests["from_cache"].get<int64_t>() + requests["computed"].get<int64_t>() +
                  requests["deduplicated"].get<int64_t>(),
              requests["total"].get<int64_t>())
        << task;
  }
  EXPECT_EQ(rows_added, computed_uninterrupted);

  EXPECT_EQ(comparable_results(resumed), comparable_results(expected));
  // The same samples (as sets: by id), each the same as the uninterrupted run's.
  for (const std::string& task : tasks) {
    std::map<std::string, nlohmann::json> samples = samples_by_id(out / "samples" / (task + ".jsonl"));
    ASSERT_EQ(samples.size(), expected_samples[task].size()) << task;
    for (const auto& [id, sample] : samples) {
      auto expected_sample = expected_samples[task].find(id);
      ASSERT_NE(expected_sample, expected_samples[task].end()) << task << " " << id;
      EXPECT_TRUE(same_sample(sample, expected_sample->second))
          << task << " " << id << "\nresumed:       " << sample.dump() << "\nuninterrupted: " << expected_sample->second.dump();
    }
  }
}

}  // namespace
}  // namespace clinbench
