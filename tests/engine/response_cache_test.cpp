// The response cache file: what is stored reads back exactly, across connections, processes,
// reopenings and kills; files it does not understand are refused, never misread or changed.
#include "engine/response_cache.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "clinbench/engine.h"
#include "engine_test_util.h"
#include "test_support.h"

namespace clinbench {
namespace {

LoglikelihoodRequest loglikelihood_request(int i) {
  return {"Question " + std::to_string(i) + ": which enzyme rises first?\nAnswer:", " Troponin"};
}

GenerationRequest generation_request(int i) {
  GenerationRequest request;
  request.prompt = "Summarize note " + std::to_string(i) + ": fever and cough.";
  request.stop = {"\n\n"};
  request.max_tokens = 32;
  return request;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ResponseCache, RoundTripsBothKindsWithEveryField) {
  auto path = testing::work_dir("engine_cache_round_trip") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  ResponseCache cache(path);
  for (int i = 0; i < 4; ++i) {
    CacheKey ll_key = cache_key(model, loglikelihood_request(i));
    CacheKey gen_key = cache_key(model, generation_request(i));
    EXPECT_FALSE(cache.find_loglikelihood(ll_key));
    EXPECT_FALSE(cache.find_generation(gen_key));
    EXPECT_TRUE(cache.store(ll_key, "medqa", testing::sample_loglikelihood_response(i)));
    EXPECT_TRUE(cache.store(gen_key, "meqsum", testing::sample_generation_response(i)));
  }
  for (int i = 0; i < 4; ++i) {
    auto ll = cache.find_loglikelihood(cache_key(model, loglikelihood_request(i)));
    ASSERT_TRUE(ll);
    testing::expect_same_response(testing::sample_loglikelihood_response(i), *ll);
    auto gen = cache.find_generation(cache_key(model, generation_request(i)));
    ASSERT_TRUE(gen);
    testing::expect_same_response(testing::sample_generation_response(i), *gen);
  }
  // Another model's key for the same request misses.
  EXPECT_FALSE(
      cache.find_loglikelihood(cache_key(testing::fake_model("bbbb"), loglikelihood_request(0))));
  // A key used for the wrong kind is a bug.
  EXPECT_THROW(cache.find_generation(cache_key(model, loglikelihood_request(0))), std::logic_error);
}

TEST(ResponseCache, CachesDeterministicStatusesOnly) {
  auto path = testing::work_dir("engine_cache_statuses") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa", 2048);
  ResponseCache cache(path);

  LoglikelihoodResponse failed;
  failed.status = RequestStatus::backend_error;
  failed.error = "HTTP 500";
  CacheKey failed_key = cache_key(model, loglikelihood_request(1));
  EXPECT_FALSE(cache.store(failed_key, "medqa", failed));
  EXPECT_FALSE(cache.find_loglikelihood(failed_key));

  GenerationResponse empty;
  empty.status = RequestStatus::empty_continuation;
  empty.finish = FinishReason::error;
  CacheKey empty_key = cache_key(model, generation_request(1));
  EXPECT_TRUE(cache.store(empty_key, "meqsum", empty));
  ASSERT_TRUE(cache.find_generation(empty_key));
  EXPECT_EQ(cache.find_generation(empty_key)->status, RequestStatus::empty_continuation);

  // A context overflow holds for the window it was found under only.
  LoglikelihoodResponse overflow;
  overflow.status = RequestStatus::context_overflow;
  overflow.context_tokens = 3000;
  CacheKey overflow_key = cache_key(model, loglikelihood_request(2));
  EXPECT_TRUE(cache.store(overflow_key, "medqa", overflow));
  ASSERT_TRUE(cache.find_loglikelihood(overflow_key));
  EXPECT_EQ(cache.find_loglikelihood(overflow_key)->status, RequestStatus::context_overflow);
  CacheKey larger_window = cache_key(testing::fake_model("aaaa", 8192), loglikelihood_request(2));
  EXPECT_EQ(larger_window.hash, overflow_key.hash);
  EXPECT_FALSE(cache.find_loglikelihood(larger_window));
  // What the larger window computes replaces the overflow.
  EXPECT_TRUE(cache.store(larger_window, "medqa", testing::sample_loglikelihood_response(2)));
  ASSERT_TRUE(cache.find_loglikelihood(overflow_key));
  EXPECT_EQ(cache.find_loglikelihood(overflow_key)->status, RequestStatus::ok);
}

// An answer computed under a large window is not served to a run whose window is too small for
// it (that run's backend would refuse the request as context_overflow): `--ctx-size 16` once
// reported normal scores from entries computed at 4,096.
TEST(ResponseCache, AnswersThatDoNotFitTheCurrentWindowAreNotServed) {
  auto path = testing::work_dir("engine_cache_window") / "cache.sqlite";
  ResponseCache cache(path);
  ModelInfo large = testing::fake_model("aaaa", 4096);
  LoglikelihoodResponse scored = testing::sample_loglikelihood_response(0);  // 100 + 3 tokens
  GenerationResponse generated = testing::sample_generation_response(0);     // 42 prompt tokens
  ASSERT_TRUE(cache.store(cache_key(large, loglikelihood_request(0)), "medqa", scored));
  ASSERT_TRUE(cache.store(cache_key(large, generation_request(0)), "meqsum", generated));  // max_tokens 32

  ModelInfo tiny = testing::fake_model("aaaa", 16);
  EXPECT_FALSE(cache.find_loglikelihood(cache_key(tiny, loglikelihood_request(0))));
  EXPECT_FALSE(cache.find_generation(cache_key(tiny, generation_request(0))));
  // 42 prompt tokens + 32 new ones need 74: a window of 73 refuses it, 74 takes it.
  EXPECT_FALSE(cache.find_generation(cache_key(testing::fake_model("aaaa", 73), generation_request(0))));
  EXPECT_TRUE(cache.find_generation(cache_key(testing::fake_model("aaaa", 74), generation_request(0))));
  const int32_t needed = scored.context_tokens + scored.continuation_tokens;
  EXPECT_FALSE(cache.find_loglikelihood(cache_key(testing::fake_model("aaaa", needed - 1), loglikelihood_request(0))));
  ASSERT_TRUE(cache.find_loglikelihood(cache_key(testing::fake_model("aaaa", needed), loglikelihood_request(0))));
  // A larger window than the one it was computed under gets it, as does the same window.
  EXPECT_TRUE(cache.find_loglikelihood(cache_key(testing::fake_model("aaaa", 8192), loglikelihood_request(0))));
  EXPECT_TRUE(cache.find_generation(cache_key(large, generation_request(0))));
}

TEST(ResponseCache, ReopenKeepsEverything) {
  auto path = testing::work_dir("engine_cache_reopen") / "sub" / "dir" / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  {
    ResponseCache cache(path);  // creates the folders too
    for (int i = 0; i < 50; ++i) {
      cache.store(cache_key(model, loglikelihood_request(i)), "medqa",
                  testing::sample_loglikelihood_response(i));
    }
  }
  ResponseCache again(path, CacheOpenMode::must_exist);
  for (int i = 0; i < 50; ++i) {
    auto found = again.find_loglikelihood(cache_key(model, loglikelihood_request(i)));
    ASSERT_TRUE(found) << i;
    testing::expect_same_response(testing::sample_loglikelihood_response(i), *found);
  }
  EXPECT_EQ(testing::sqlite_int64(path, "PRAGMA user_version"), ResponseCache::format_version);
  EXPECT_EQ(testing::sqlite_int64(path, "PRAGMA application_id"), response_cache_application_id);
}

TEST(ResponseCache, MustExistRefusesAMissingFile) {
  auto path = testing::work_dir("engine_cache_missing") / "nothing.sqlite";
  std::string message = error_of([&] { ResponseCache cache(path, CacheOpenMode::must_exist); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("no such"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ResponseCache, EmptyFileBecomesACache) {
  auto path = testing::work_dir("engine_cache_empty_file") / "cache.sqlite";
  std::ofstream(path).close();
  ResponseCache cache(path, CacheOpenMode::must_exist);
  EXPECT_EQ(cache.stats().entries, 0);
  EXPECT_EQ(cache.stats().format_version, ResponseCache::format_version);
}

TEST(ResponseCache, FutureVersionIsRefusedAndLeftAlone) {
  auto path = testing::work_dir("engine_cache_future") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  {
    ResponseCache cache(path);
    cache.store(cache_key(model, loglikelihood_request(0)), "medqa",
                testing::sample_loglikelihood_response(0));
  }
  const int32_t future = ResponseCache::format_version + 1;
  testing::sqlite_exec(path, "PRAGMA user_version=" + std::to_string(future));
  std::string message = error_of([&] { ResponseCache cache(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("format version " + std::to_string(future) + " is newer"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("(version " + std::to_string(ResponseCache::format_version) + ")"),
            std::string::npos)
      << message;
  EXPECT_EQ(testing::sqlite_int64(path, "PRAGMA user_version"), future);
  EXPECT_EQ(testing::sqlite_int64(path, "SELECT count(*) FROM entries"), 1);
}

TEST(ResponseCache, OlderVersionWithoutMigrationIsRefused) {
  // A clinbench cache marked with a format version before the first one this build knows.
  auto path = testing::work_dir("engine_cache_older") / "cache.sqlite";
  testing::sqlite_exec(path,
                       "CREATE TABLE entries (key TEXT PRIMARY KEY, response TEXT);"
                       "INSERT INTO entries VALUES ('k', '{}');"
                       "PRAGMA application_id=" +
                           std::to_string(response_cache_application_id) +
                           ";PRAGMA user_version=0");
  std::string message = error_of([&] { ResponseCache cache(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("format version 0 is older"), std::string::npos) << message;
  EXPECT_NE(message.find("(version " + std::to_string(ResponseCache::format_version) + ")"),
            std::string::npos)
      << message;
  EXPECT_EQ(testing::sqlite_int64(path, "SELECT count(*) FROM entries"), 1);
  EXPECT_EQ(testing::sqlite_int64(path, "PRAGMA user_version"), 0);
}

TEST(ResponseCache, AnotherProgramsDatabaseIsRefusedAndLeftAlone) {
  auto path = testing::work_dir("engine_cache_foreign") / "results.db";
  testing::sqlite_exec(path,
                       "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT);"
                       "INSERT INTO patients VALUES (1, 'x')");
  std::string before = file_bytes(path);
  std::string message = error_of([&] { ResponseCache cache(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a clinbench response cache"), std::string::npos) << message;
  EXPECT_EQ(file_bytes(path), before);
}

TEST(ResponseCache, GarbageFileIsRefusedWithItsNameAndLeftAlone) {
  auto dir = testing::work_dir("engine_cache_garbage");
  for (const std::string& content :
       {std::string("this is not a database, it is a CSV,file\n1,2\n"),
        std::string("SQLite format 3\0", 16) + std::string(200, '\x7f')}) {
    auto path = dir / "garbage.sqlite";
    { std::ofstream(path, std::ios::binary) << content; }
    std::string message = error_of([&] { ResponseCache cache(path); });
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("not an SQLite database"), std::string::npos) << message;
    EXPECT_EQ(file_bytes(path), content);
  }
  std::string message = error_of([&] { ResponseCache cache(dir); });
  EXPECT_NE(message.find(dir.string()), std::string::npos) << message;
}

TEST(ResponseCache, EachStoreIsVisibleToAnotherConnectionAtOnce) {
  auto path = testing::work_dir("engine_cache_visible") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  ResponseCache writer(path);
  ResponseCache reader(path);
  for (int i = 0; i < 20; ++i) {
    CacheKey key = cache_key(model, generation_request(i));
    writer.store(key, "meqsum", testing::sample_generation_response(i));
    // No close, no flush: the other connection and a third-party reader see it now.
    auto found = reader.find_generation(key);
    ASSERT_TRUE(found) << i;
    testing::expect_same_response(testing::sample_generation_response(i), *found);
    EXPECT_EQ(testing::sqlite_int64(path, "SELECT count(*) FROM entries"), i + 1);
  }
}

TEST(ResponseCache, StoresSurviveTheWriterBeingKilled) {
  auto path = testing::work_dir("engine_cache_killed") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  constexpr int stored = 200;
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child stores, then dies without closing anything (no destructors, no checkpoint).
    {
      auto* cache = new ResponseCache(path);
      for (int i = 0; i < stored; ++i) {
        cache->store(cache_key(model, loglikelihood_request(i)), "medqa",
                     testing::sample_loglikelihood_response(i));
      }
      kill(getpid(), SIGKILL);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_TRUE(std::filesystem::exists(path.string() + "-wal")) << "the child did not die mid-use";
  ResponseCache cache(path);
  for (int i = 0; i < stored; ++i) {
    auto found = cache.find_loglikelihood(cache_key(model, loglikelihood_request(i)));
    ASSERT_TRUE(found) << i;
    testing::expect_same_response(testing::sample_loglikelihood_response(i), *found);
  }
  EXPECT_TRUE(cache.verify().ok());
}

TEST(ResponseCache, ConcurrentWritersOnOneFile) {
  auto path = testing::work_dir("engine_cache_concurrent") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  constexpr int per_writer = 300;
  auto write = [&](int writer) {
    ResponseCache cache(path);  // each its own connection, as two processes would have
    for (int i = 0; i < per_writer; ++i) {
      int n = writer * per_writer + i;
      cache.store(cache_key(model, loglikelihood_request(n)), "task" + std::to_string(writer),
                  testing::sample_loglikelihood_response(n));
      EXPECT_TRUE(cache.find_loglikelihood(cache_key(model, loglikelihood_request(n))));
    }
  };
  std::thread first(write, 0), second(write, 1), third(write, 2);
  first.join();
  second.join();
  third.join();
  ResponseCache cache(path);
  EXPECT_EQ(cache.stats().entries, 3 * per_writer);
  EXPECT_TRUE(cache.verify().ok());

  // One object shared by threads serialises its calls.
  auto path_shared = testing::work_dir("engine_cache_shared_object") / "cache.sqlite";
  ResponseCache shared(path_shared);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        CacheKey key = cache_key(model, generation_request(t * 100 + i));
        shared.store(key, "meqsum", testing::sample_generation_response(i));
        EXPECT_TRUE(shared.find_generation(key));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(shared.stats().entries, 400);
}

TEST(ResponseCache, StatsCountPerModelAndTask) {
  auto path = testing::work_dir("engine_cache_stats") / "cache.sqlite";
  ResponseCache cache(path);
  ModelInfo base = testing::fake_model("base");
  ModelInfo tuned = testing::fake_model("tuned");
  for (int i = 0; i < 5; ++i)
    cache.store(cache_key(base, loglikelihood_request(i)), "medqa",
                testing::sample_loglikelihood_response(i));
  for (int i = 0; i < 3; ++i)
    cache.store(cache_key(base, generation_request(i)), "medqa",
                testing::sample_generation_response(i));
  for (int i = 0; i < 2; ++i)
    cache.store(cache_key(base, generation_request(10 + i)), "meqsum",
                testing::sample_generation_response(i));
  for (int i = 0; i < 4; ++i)
    cache.store(cache_key(tuned, loglikelihood_request(i)), "medqa",
                testing::sample_loglikelihood_response(i));
  CacheStats stats = cache.stats();
  EXPECT_EQ(stats.format_version, ResponseCache::format_version);
  EXPECT_EQ(stats.entries, 14);
  EXPECT_GT(stats.file_bytes, 0);
  ASSERT_EQ(stats.groups.size(), 3u);
  EXPECT_EQ(stats.groups[0].model_fingerprint, "base");
  EXPECT_EQ(stats.groups[0].task, "medqa");
  EXPECT_EQ(stats.groups[0].loglikelihood, 5);
  EXPECT_EQ(stats.groups[0].generation, 3);
  EXPECT_EQ(stats.groups[1].task, "meqsum");
  EXPECT_EQ(stats.groups[1].loglikelihood, 0);
  EXPECT_EQ(stats.groups[1].generation, 2);
  EXPECT_EQ(stats.groups[2].model_fingerprint, "tuned");
  EXPECT_EQ(stats.groups[2].loglikelihood, 4);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  EXPECT_LE(stats.groups[0].oldest_unix_seconds, stats.groups[0].newest_unix_seconds);
  EXPECT_NEAR(double(stats.groups[0].newest_unix_seconds), double(now), 60.0);
}

TEST(ResponseCache, VerifyFindsTamperedEntries) {
  auto path = testing::work_dir("engine_cache_verify") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  ResponseCache cache(path);
  std::vector<CacheKey> keys;
  for (int i = 0; i < 6; ++i) {
    keys.push_back(cache_key(model, loglikelihood_request(i)));
    cache.store(keys.back(), "medqa", testing::sample_loglikelihood_response(i));
  }
  CacheVerifyReport clean = cache.verify();
  EXPECT_TRUE(clean.ok());
  EXPECT_EQ(clean.entries_checked, 6);

  // Another request text under the old key: a cache hit would answer the wrong question.
  testing::sqlite_exec(path,
                       "UPDATE entries SET request = replace(request, 'Troponin', 'Myoglobin') "
                       "WHERE key = '" +
                           keys[1].hash + "'");
  // A response that no longer decodes.
  testing::sqlite_exec(path, "UPDATE entries SET response = '{\"status\":\"ok\"}' WHERE key = '" +
                                 keys[3].hash + "'");
  // A response whose status disagrees with its column.
  testing::sqlite_exec(
      path, "UPDATE entries SET status = 'context_overflow' WHERE key = '" + keys[4].hash + "'");
  CacheVerifyReport report = cache.verify();
  EXPECT_FALSE(report.ok());
  EXPECT_TRUE(report.integrity_errors.empty());
  EXPECT_EQ(report.entries_checked, 6);
  ASSERT_EQ(report.problems.size(), 3u);
  std::map<std::string, std::string> problem_of;
  for (const CacheProblem& problem : report.problems) {
    problem_of[problem.key] = problem.problem;
    EXPECT_EQ(problem.model_fingerprint, "aaaa");
    EXPECT_EQ(problem.task, "medqa");
  }
  EXPECT_NE(problem_of[keys[1].hash].find("not the hash of the stored request"), std::string::npos);
  EXPECT_NE(problem_of[keys[3].hash].find("does not decode"), std::string::npos);
  EXPECT_NE(problem_of[keys[4].hash].find("status"), std::string::npos);
  // A damaged entry is a miss (recomputed and replaced), never a wrong answer.
  EXPECT_FALSE(cache.find_loglikelihood(keys[3]));
  cache.store(keys[3], "medqa", testing::sample_loglikelihood_response(3));
  EXPECT_EQ(cache.verify().problems.size(), 2u);
}

TEST(ResponseCache, VerifyReportsADamagedFile) {
  auto path = testing::work_dir("engine_cache_damaged") / "cache.sqlite";
  ModelInfo model = testing::fake_model("aaaa");
  {
    ResponseCache cache(path);
    for (int i = 0; i < 300; ++i) {
      cache.store(cache_key(model, generation_request(i)), "meqsum",
                  testing::sample_generation_response(i));
    }
  }
  // Overwrite pages in the middle of the (checkpointed, closed) file with noise.
  auto size = std::filesystem::file_size(path);
  ASSERT_GT(size, 8 * 4096u);
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(std::streamoff(4 * 4096));
    std::string noise(3 * 4096, '\x5a');
    file.write(noise.data(), std::streamsize(noise.size()));
  }
  ResponseCache cache(path);
  CacheVerifyReport report = cache.verify();
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(report.integrity_errors.empty());
}

TEST(ResponseCache, PruneByModelTaskAndAge) {
  auto path = testing::work_dir("engine_cache_prune") / "cache.sqlite";
  ResponseCache cache(path);
  ModelInfo base = testing::fake_model("base");
  ModelInfo tuned = testing::fake_model("tuned");
  for (int i = 0; i < 100; ++i) {
    cache.store(cache_key(base, loglikelihood_request(i)), i < 60 ? "medqa" : "pubmedqa",
                testing::sample_loglikelihood_response(i));
    cache.store(cache_key(tuned, generation_request(i)), i < 30 ? "medqa" : "meqsum",
                testing::sample_generation_response(i));
  }
  EXPECT_EQ(cache.stats().entries, 200);

  EXPECT_NE(error_of([&] { cache.prune({}); }).find("needs a model fingerprint"),
            std::string::npos);
  EXPECT_NE(error_of([&] { cache.prune({.older_than_days = -1}); }).find("0 or more"),
            std::string::npos);

  CachePruneResult by_task_and_model = cache.prune({.model_fingerprint = "tuned", .task = "medqa"});
  EXPECT_EQ(by_task_and_model.removed, 30);
  EXPECT_EQ(cache.stats().entries, 170);
  EXPECT_TRUE(cache.find_loglikelihood(cache_key(base, loglikelihood_request(0))));

  CachePruneResult by_task = cache.prune({.task = "pubmedqa"});
  EXPECT_EQ(by_task.removed, 40);

  // Age: pretend ten base entries were stored 40 days ago.
  const int64_t day = 86400;
  testing::sqlite_exec(
      path, "UPDATE entries SET created_at = created_at - 40 * " + std::to_string(day) +
                " WHERE rowid IN (SELECT rowid FROM entries WHERE model = 'base' LIMIT 10)");
  EXPECT_EQ(cache.prune({.older_than_days = 60}).removed, 0);
  EXPECT_EQ(cache.prune({.older_than_days = 30}).removed, 10);
  EXPECT_EQ(cache.stats().entries, 120);

  CachePruneResult by_model = cache.prune({.model_fingerprint = "base"});
  EXPECT_EQ(by_model.removed, 50);
  EXPECT_LT(by_model.file_bytes_after, by_model.file_bytes_before);
  EXPECT_EQ(by_model.file_bytes_after, response_cache_file_bytes(path));
  CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 70);
  ASSERT_EQ(stats.groups.size(), 1u);
  EXPECT_EQ(stats.groups[0].model_fingerprint, "tuned");
  EXPECT_EQ(stats.groups[0].task, "meqsum");
  EXPECT_TRUE(cache.verify().ok());
  // What remains still reads back.
  auto found = cache.find_generation(cache_key(tuned, generation_request(99)));
  ASSERT_TRUE(found);
  testing::expect_same_response(testing::sample_generation_response(99), *found);
  EXPECT_EQ(cache.prune({.older_than_days = 0}).removed, 70);
}

// Not a benchmark, a guard: a large task must not spend its time in the cache.
TEST(ResponseCache, TenThousandStoresAndLookupsAreFast) {
  auto path = testing::work_dir("engine_cache_speed") / "cache.sqlite";
  ModelInfo model = testing::fake_model(std::string(64, 'a'));
  constexpr int count = 10000;
  std::vector<LoglikelihoodRequest> requests;
  for (int i = 0; i < count; ++i) {
    requests.push_back({"You are a clinician.\n\nQuestion " + std::to_string(i) + ": " +
                            std::string(300, 'x') + "\nAnswer:",
                        " Option " + std::to_string(i % 5)});
  }
  LoglikelihoodResponse response = testing::sample_loglikelihood_response(1);
  ResponseCache cache(path);
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  std::vector<CacheKey> keys;
  keys.reserve(count);
  for (const auto& request : requests) keys.push_back(cache_key(model, request));
  auto keyed = clock::now();
  for (const CacheKey& key : keys) cache.store(key, "medqa", response);
  auto stored = clock::now();
  int found = 0;
  for (const CacheKey& key : keys) found += cache.find_loglikelihood(key) ? 1 : 0;
  auto looked_up = clock::now();
  EXPECT_EQ(found, count);
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  std::printf(
      "[ timing   ] %d keys %.1f ms, %d stores (one commit each) %.1f ms, %d lookups %.1f ms, "
      "file %lld bytes\n",
      count, ms(start, keyed), count, ms(keyed, stored), count, ms(stored, looked_up),
      static_cast<long long>(response_cache_file_bytes(path)));
  RecordProperty("store_ms", std::to_string(ms(keyed, stored)));
  RecordProperty("lookup_ms", std::to_string(ms(stored, looked_up)));
  // Generous bounds for a shared 2-core machine; measured numbers are printed above.
  EXPECT_LT(ms(keyed, stored), 10000.0);
  EXPECT_LT(ms(stored, looked_up), 5000.0);
}

}  // namespace
}  // namespace clinbench
