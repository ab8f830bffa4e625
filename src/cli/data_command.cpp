// clinbench data fetch: the public data sets from their published locations into the layout
// `clinbench tasks` expects, verified by pinned SHA-256; where a set cannot be fetched, where to
// get it.
#include <cstdio>
#include <set>

#include "cli/commands.h"
#include "cli/run_options.h"
#include "clinbench/kinds.h"  // builtin_task_names, task_spec_find
#include "cli/progress_bar.h"
#include "clinbench/fetch.h"

namespace clinbench::cli {

namespace {

struct DataFetchSettings {
  std::vector<std::string> names;
  std::filesystem::path data_dir = default_data_dir();
  std::string mirror;
  std::filesystem::path manifest;
};

// Where the tasks of a source read their data, for the "put it here" line of manual sets.
std::vector<std::string> expected_paths(const DataSource& source, const std::filesystem::path& data_dir) {
  std::vector<std::string> paths;
  std::vector<std::string> builtin = builtin_task_names();
  for (const std::string& task : source.tasks) {
    if (std::find(builtin.begin(), builtin.end(), task) == builtin.end()) continue;
    std::string path = (data_dir / task_spec_find(task).dataset_path).string();
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(path);
  }
  return paths;
}

std::string listing(const std::vector<DataSource>& sources) {
  std::string text;
  for (const DataSource& source : sources) {
    std::string tasks;
    for (const std::string& task : source.tasks) tasks += (tasks.empty() ? "" : ", ") + task;
    text += "  " + source.name + (source.manual.empty() ? "" : " (not fetched: see where to get it)") +
            (tasks.empty() ? "" : "  [" + tasks + "]") + "\n";
  }
  return text;
}

int fetch(const DataFetchSettings& settings) {
  std::vector<DataSource> table = settings.manifest.empty() ? data_sources() : data_sources_read(settings.manifest);
  std::vector<const DataSource*> chosen;
  for (const std::string& name : settings.names) {
    if (name == "all") {
      for (const DataSource& source : table) {
        if (source.manual.empty()) chosen.push_back(&source);
      }
      continue;
    }
    const DataSource* source = data_source_find(table, name);
    if (!source) throw Error("no data set or task named '" + name + "'; these are known:\n" + listing(table));
    if (std::find(chosen.begin(), chosen.end(), source) == chosen.end()) chosen.push_back(source);
  }

  int incomplete = 0;
  for (const DataSource* source : chosen) {
    if (!source->manual.empty()) {
      std::printf("%s: not fetched. %s.\n", source->name.c_str(), source->manual.c_str());
      for (const std::string& path : expected_paths(*source, settings.data_dir)) {
        std::printf("  clinbench reads it at %s\n", path.c_str());
      }
      ++incomplete;
      continue;
    }
    bool complete = true;
    for (const DataSourceFile& file : source->files) {
      FetchResult result;
      {
        ProgressBar bar(source->name + " " + std::filesystem::path(file.path).filename().string(), "bytes",
                        ProgressFormat::bytes);
        FetchOptions options;
        options.mirror = settings.mirror;
        result = data_fetch_file(file, settings.data_dir, options,
                                 [&bar](int64_t done, int64_t total) { bar.update(done, total > 0 ? total : done); });
      }
      const std::string where = (settings.data_dir / file.path).string();
      switch (result.outcome) {
        case FetchOutcome::present: std::printf("%s: already there, checksum verified\n", where.c_str()); break;
        case FetchOutcome::downloaded: std::printf("%s: fetched, checksum verified\n", where.c_str()); break;
        case FetchOutcome::resumed: std::printf("%s: resumed and finished, checksum verified\n", where.c_str()); break;
        case FetchOutcome::failed:
          std::fprintf(stderr, "error: %s: %s\n", where.c_str(), result.problem.c_str());
          complete = false;
          break;
      }
    }
    if (!complete) ++incomplete;
    else if (!source->license.empty()) std::printf("%s: license %s\n", source->name.c_str(), source->license.c_str());
  }
  if (incomplete > 0) {
    std::fprintf(stderr, "%d of %zu data set(s) not complete\n", incomplete, chosen.size());
    return 1;
  }
  return 0;
}

}  // namespace

Command add_data_command(CLI::App& parent) {
  auto settings = std::make_shared<DataFetchSettings>();
  CLI::App* app = parent.add_subcommand("data", "Get the public data sets: `clinbench data fetch TASK...`");
  app->require_subcommand(1);
  CLI::App* fetch_app = app->add_subcommand(
      "fetch",
      "Download data sets from their published locations (pinned to a commit) into the folder layout\n"
      "the tasks read, check each file's SHA-256, and resume an interrupted download. Credentialed\n"
      "(PhysioNet) and copyrighted (NEJM, JAMA) sets are not downloaded: it says where to get them.\n"
      "Example: clinbench data fetch medqa pubmedqa mmlu_medical --data-dir data\n"
      "Known: " + [] {
        std::string names;
        for (const DataSource& source : data_sources()) names += (names.empty() ? "" : ", ") + source.name;
        return names;
      }() + ", or all (every set that can be fetched)");
  fetch_app->add_option("names", settings->names, "data sets or task names (medqa_gen fetches medqa's data)")->required();
  fetch_app->add_option("--data-dir", settings->data_dir, "where the data goes (default $CLINBENCH_DATA or ./data)");
  fetch_app->add_option("--mirror", settings->mirror,
                        "fetch PATH from URL/PATH instead (a mirror in the data folder's layout); checksums still apply");
  fetch_app->add_option("--manifest", settings->manifest,
                        "a JSON table of sets to use instead of the built-in one ([{name, tasks, files: [{url, path, "
                        "sha256}], manual}])")
      ->check(CLI::ExistingFile);
  return {app, [settings] { return fetch(*settings); }};
}

}  // namespace clinbench::cli
