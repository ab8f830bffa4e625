// Getting the public data sets: where each is published (pinned to a commit), where it goes in
// the data folder (the layout `clinbench tasks` shows), and the SHA-256 of every file. A
// download goes to PATH.part and is renamed into place only once its checksum matches; a
// dropped download resumes from the .part with an HTTP Range request. Sets that cannot be
// fetched (credentialed, copyrighted, or published only in a form clinbench does not read)
// carry a sentence saying where to get them instead.
//
// `clinbench data fetch` (src/cli/data_command.cpp) prints; nothing here does.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/core.h"

namespace clinbench {

struct DataSourceFile {
  std::string url;     // the published location, pinned to a commit where the host allows it
  std::string path;    // relative to the data folder: where the task files look for it
  std::string sha256;  // 64 lower-case hex digits of the published bytes
};

struct DataSource {
  std::string name;                // "pubmedqa"; also what `data fetch` accepts
  std::vector<std::string> tasks;  // the built-in tasks that read it
  std::vector<DataSourceFile> files;
  // Non-empty: this set is not fetched; the sentence says where and how to get it (and why).
  std::string manual;
  std::string license;
};

// The built-in table, in the order `data fetch --help` lists it.
const std::vector<DataSource>& data_sources();

// A table from a JSON file: [{"name", "tasks": [...], "files": [{"url", "path", "sha256"}],
// "manual", "license"}] (a mirror of one's own, and the tests). Throws Error naming the file and
// the field for anything else; a path that is absolute or climbs out with ".." is refused.
std::vector<DataSource> data_sources_read(const std::filesystem::path& manifest);
// The same from the file's text; manifest names it in errors. (data_sources.cpp has no
// network code, so the fuzz target data_manifest links it alone.)
std::vector<DataSource> data_sources_parse(std::string_view text, const std::filesystem::path& manifest);

// The source a name means: a source's own name, or a task that reads it. nullptr if none.
const DataSource* data_source_find(const std::vector<DataSource>& sources, const std::string& name);

enum class FetchOutcome {
  present,     // already there with the right checksum: nothing downloaded
  downloaded,  // fetched whole and verified
  resumed,     // completed from an earlier partial download and verified
  failed,      // see problem; a partial download stays as PATH.part for the next try
};

struct FetchResult {
  FetchOutcome outcome = FetchOutcome::failed;
  std::string problem;    // why, when failed: names the URL, the file, the status or checksums
  int64_t bytes = 0;      // bytes of the file (when present or fetched)
};

struct FetchOptions {
  // Non-empty: fetch PATH from BASE/PATH instead of the published URL (an institution's
  // mirror in the data-folder layout). Checksums are checked all the same.
  std::string mirror;
  double connect_timeout_seconds = 30;
  // A transfer that moves fewer than 1 byte/s for this long is a dropped connection.
  double stall_timeout_seconds = 60;
};

// Fetches one file into data_dir / file.path. Never overwrites a file already there: one with
// another checksum is a failure saying so. progress gets (bytes so far, total; 0 = unknown).
// Failures are results; Errors only for a data folder that cannot be written.
FetchResult data_fetch_file(const DataSourceFile& file, const std::filesystem::path& data_dir,
                            const FetchOptions& options, const ProgressCallback& progress = {});

}  // namespace clinbench
