// clinbench cache stats|verify|prune: what a response cache holds, whether it reads back as
// written, and removal of entries by model, task or age.
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "clinbench/engine.h"

namespace clinbench::cli {

namespace {

struct CacheCommandOptions {
  std::filesystem::path cache;
  std::string model;
  std::string task;
  int64_t older_than_days = -1;
};

std::string format_bytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = double(bytes);
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < std::size(units)) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return text;
}

// Prints rows as left-aligned columns (right-aligned where right_align says), two spaces apart.
void print_table(const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& right_align) {
  std::vector<size_t> widths(rows.empty() ? 0 : rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string padding(widths[c] - row[c].size(), ' ');
      line += right_align[c] ? padding + row[c] : row[c] + (c + 1 < row.size() ? padding : "");
      if (c + 1 < row.size()) line += "  ";
    }
    std::printf("%s\n", line.c_str());
  }
}

int run_stats(const CacheCommandOptions& options) {
  ResponseCache cache(options.cache, CacheOpenMode::must_exist);
  CacheStats stats = cache.stats();
  std::printf("response cache: %s\n", options.cache.c_str());
  std::printf("format version %d, %" PRId64 " entries, %s on disk\n", stats.format_version,
              stats.entries, format_bytes(stats.file_bytes).c_str());
  if (stats.groups.empty()) return 0;
  std::printf("\n");
  std::vector<std::vector<std::string>> rows = {
      {"model fingerprint", "task", "loglikelihood", "generation", "embedding", "oldest", "newest"}};
  for (const CacheGroupCount& group : stats.groups) {
    rows.push_back({group.model_fingerprint, group.task, std::to_string(group.loglikelihood),
                    std::to_string(group.generation), std::to_string(group.embedding),
                    utc_date(group.oldest_unix_seconds), utc_date(group.newest_unix_seconds)});
  }
  print_table(rows, {false, false, true, true, true, false, false});
  return 0;
}

int run_verify(const CacheCommandOptions& options) {
  ResponseCache cache(options.cache, CacheOpenMode::must_exist);
  CacheVerifyReport report = cache.verify();
  std::printf("response cache: %s\n", options.cache.c_str());
  std::printf("integrity check: %s\n", report.integrity_errors.empty() ? "ok" : "FAILED");
  for (const std::string& line : report.integrity_errors) std::printf("  %s\n", line.c_str());
  std::printf("entries checked: %" PRId64 ", with problems: %zu\n", report.entries_checked,
              report.problems.size());
  if (!report.problems.empty()) {
    std::printf("\n");
    std::vector<std::vector<std::string>> rows = {{"key", "model fingerprint", "task", "problem"}};
    for (const CacheProblem& problem : report.problems) {
      rows.push_back({problem.key, problem.model_fingerprint, problem.task, problem.problem});
    }
    print_table(rows, {false, false, false, false});
    std::printf(
        "\nEntries with problems are recomputed when a run needs them; "
        "`clinbench cache prune` removes them by model or task.\n");
  }
  return report.ok() ? 0 : 1;
}

int run_prune(const CacheCommandOptions& options) {
  CachePruneFilter filter;
  if (!options.model.empty()) filter.model_fingerprint = options.model;
  if (!options.task.empty()) filter.task = options.task;
  if (options.older_than_days >= 0) filter.older_than_days = options.older_than_days;
  if (!filter.model_fingerprint && !filter.task && !filter.older_than_days) {
    throw Error(
        "cache prune: give --model, --task or --older-than-days (entries matching all "
        "that are given are removed)");
  }
  ResponseCache cache(options.cache, CacheOpenMode::must_exist);
  CachePruneResult result = cache.prune(filter);
  std::printf("response cache: %s\n", options.cache.c_str());
  std::printf("removed %" PRId64 " entries; %s -> %s on disk\n", result.removed,
              format_bytes(result.file_bytes_before).c_str(),
              format_bytes(result.file_bytes_after).c_str());
  return 0;
}

}  // namespace

Command add_cache_command(CLI::App& parent) {
  auto options = std::make_shared<CacheCommandOptions>();
  CLI::App* app = parent.add_subcommand(
      "cache",
      "Inspect and maintain a response cache: the SQLite file where every finished model "
      "response is kept, so that a rerun computes only what is missing.");
  app->require_subcommand(1);
  const char* cache_help = "response cache file (what `run --cache` was given)";

  CLI::App* stats = app->add_subcommand(
      "stats",
      "Count the entries of each kind (loglikelihood, generation, embedding: BERTScore texts and\n"
      "retrieval queries) per model fingerprint and task, and show the file size.");
  stats->add_option("--cache", options->cache, cache_help)->required();

  CLI::App* verify = app->add_subcommand(
      "verify",
      "Check the file (SQLite integrity check) and every entry (its key is the hash of its "
      "stored request, its response reads back). Exit status 1 when anything is wrong.");
  verify->add_option("--cache", options->cache, cache_help)->required();

  CLI::App* prune = app->add_subcommand(
      "prune",
      "Remove the entries that match every condition given, then compact the file (VACUUM).");
  prune->add_option("--cache", options->cache, cache_help)->required();
  prune->add_option("--model", options->model,
                    "model fingerprint, as `cache stats` lists it (the GGUF's sha256)");
  prune->add_option("--task", options->task, "task name");
  prune
      ->add_option("--older-than-days", options->older_than_days,
                   "entries created more than N days ago")
      ->check(CLI::NonNegativeNumber);

  return {app, [options, stats, verify, prune] {
            if (stats->parsed()) return run_stats(*options);
            if (verify->parsed()) return run_verify(*options);
            if (prune->parsed()) return run_prune(*options);
            return 2;
          }};
}

}  // namespace clinbench::cli
