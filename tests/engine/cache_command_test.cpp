// `clinbench cache stats|verify|prune` as a user runs it: exit statuses and readable output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "clinbench/engine.h"
#include "engine_test_util.h"
#include "test_support.h"

namespace clinbench {
namespace {

struct CommandResult {
  int exit_status = -1;
  std::string output;  // stdout and stderr together
};

CommandResult run_clinbench(const std::string& arguments) {
  std::string command = testing::clinbench_binary().string() + " " + arguments + " 2>&1";
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  int status = pclose(pipe);
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::filesystem::path filled_cache(const std::string& name) {
  auto path = testing::work_dir(name) / "cache.sqlite";
  ResponseCache cache(path);
  ModelInfo base = testing::fake_model(std::string(64, 'b'));
  ModelInfo tuned = testing::fake_model(std::string(64, 'e'));
  for (int i = 0; i < 7; ++i) {
    cache.store(cache_key(base, LoglikelihoodRequest{"Q" + std::to_string(i), " A"}), "medqa",
                testing::sample_loglikelihood_response(i));
  }
  for (int i = 0; i < 3; ++i) {
    GenerationRequest request;
    request.prompt = "Summarize " + std::to_string(i);
    cache.store(cache_key(tuned, request), "meqsum", testing::sample_generation_response(i));
  }
  return path;
}

TEST(CacheCommand, StatsListsModelsAndTasks) {
  auto path = filled_cache("engine_cache_command_stats");
  CommandResult result = run_clinbench("cache stats --cache " + path.string());
  EXPECT_EQ(result.exit_status, 0) << result.output;
  EXPECT_NE(result.output.find("10 entries"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find(std::string(64, 'b') + "  medqa"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("meqsum"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("loglikelihood  generation"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("loglikelihood  generation  embedding"), std::string::npos) << result.output;
}

// The three counts (loglikelihood, generation, embedding) of the stats table's row of one model
// and task; empty when the table has no such row. (No std::regex: GCC 12's warns under -O2 -g.)
std::vector<std::string> stats_counts(const std::string& output, const std::string& fingerprint,
                                      const std::string& task) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> row;
    for (std::string word; words >> word;) row.push_back(word);
    if (row.size() >= 5 && row[0] == fingerprint && row[1] == task) return {row.begin() + 2, row.begin() + 5};
  }
  return {};
}

TEST(CacheCommand, StatsCountsEmbeddingsInTheirOwnColumn) {
  auto path = filled_cache("engine_cache_command_embedding");
  const std::string encoder_fingerprint(64, 'c');
  {
    ResponseCache cache(path);
    ModelInfo encoder = testing::fake_model(encoder_fingerprint);
    EmbeddingResponse response;
    response.dimension = 2;
    response.vectors = {0.5f, -0.25f};
    response.tokens = {101};
    response.scored_end = 1;
    for (const char* text : {"chest pain", "flank pain"}) {
      cache.store(cache_key(encoder, EmbeddingRequest{text}), "rag:medqa", response);
    }
  }
  CommandResult result = run_clinbench("cache stats --cache " + path.string());
  EXPECT_EQ(result.exit_status, 0) << result.output;
  EXPECT_NE(result.output.find("12 entries"), std::string::npos) << result.output;
  // Columns: loglikelihood, generation, embedding.
  EXPECT_EQ(stats_counts(result.output, encoder_fingerprint, "rag:medqa"),
            (std::vector<std::string>{"0", "0", "2"}))
      << result.output;
  EXPECT_EQ(stats_counts(result.output, std::string(64, 'b'), "medqa"), (std::vector<std::string>{"7", "0", "0"}))
      << result.output;
}

TEST(CacheCommand, VerifySaysOkOrListsProblems) {
  auto path = filled_cache("engine_cache_command_verify");
  CommandResult clean = run_clinbench("cache verify --cache " + path.string());
  EXPECT_EQ(clean.exit_status, 0) << clean.output;
  EXPECT_NE(clean.output.find("integrity check: ok"), std::string::npos) << clean.output;
  EXPECT_NE(clean.output.find("entries checked: 10, with problems: 0"), std::string::npos)
      << clean.output;

  testing::sqlite_exec(
      path, "UPDATE entries SET request = replace(request, 'Q3', 'Q4') WHERE task = 'medqa'");
  CommandResult tampered = run_clinbench("cache verify --cache " + path.string());
  EXPECT_EQ(tampered.exit_status, 1) << tampered.output;
  EXPECT_NE(tampered.output.find("with problems: 1"), std::string::npos) << tampered.output;
  EXPECT_NE(tampered.output.find("not the hash of the stored request"), std::string::npos)
      << tampered.output;
}

TEST(CacheCommand, PruneRemovesWhatMatches) {
  auto path = filled_cache("engine_cache_command_prune");
  CommandResult nothing = run_clinbench("cache prune --cache " + path.string());
  EXPECT_EQ(nothing.exit_status, 1) << nothing.output;
  EXPECT_NE(nothing.output.find("--model, --task or --older-than-days"), std::string::npos)
      << nothing.output;

  CommandResult by_task = run_clinbench("cache prune --cache " + path.string() + " --task meqsum");
  EXPECT_EQ(by_task.exit_status, 0) << by_task.output;
  EXPECT_NE(by_task.output.find("removed 3 entries"), std::string::npos) << by_task.output;
  CommandResult by_model = run_clinbench("cache prune --cache " + path.string() + " --model " +
                                         std::string(64, 'b') + " --older-than-days 0");
  EXPECT_NE(by_model.output.find("removed 7 entries"), std::string::npos) << by_model.output;
  EXPECT_NE(run_clinbench("cache stats --cache " + path.string()).output.find("0 entries"),
            std::string::npos);
}

TEST(CacheCommand, RefusesMissingAndForeignFiles) {
  auto dir = testing::work_dir("engine_cache_command_refuse");
  CommandResult missing = run_clinbench("cache stats --cache " + (dir / "none.sqlite").string());
  EXPECT_EQ(missing.exit_status, 1);
  EXPECT_NE(missing.output.find((dir / "none.sqlite").string() + ": no such response cache file"),
            std::string::npos)
      << missing.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "none.sqlite"));
  { std::ofstream(dir / "notes.txt") << "not a cache\n"; }
  CommandResult garbage = run_clinbench("cache verify --cache " + (dir / "notes.txt").string());
  EXPECT_EQ(garbage.exit_status, 1);
  EXPECT_NE(garbage.output.find((dir / "notes.txt").string()), std::string::npos) << garbage.output;
  EXPECT_NE(garbage.output.find("not an SQLite database"), std::string::npos) << garbage.output;
}

}  // namespace
}  // namespace clinbench
