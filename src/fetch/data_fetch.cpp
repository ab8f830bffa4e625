// Downloading one data file: resumable (HTTP Range from PATH.part), verified (SHA-256 before it
// is renamed into place), never overwriting what is there.
#include "clinbench/fetch.h"

#include <curl/curl.h>

#include <cstdio>
#include <fstream>
#include <memory>

namespace clinbench {

namespace {

struct Download {
  std::FILE* file = nullptr;
  int64_t offset = 0;          // bytes in the .part before this transfer
  int64_t written = 0;         // bytes written by this transfer
  long status = 0;
  bool restarted = false;      // the server sent the whole file: the .part was emptied
  bool refused = false;        // an HTTP error status: the body is not the file
  std::filesystem::path part;
  CURL* easy = nullptr;
  const ProgressCallback* progress = nullptr;
};

size_t write_body(char* data, size_t size, size_t count, void* user) {
  Download& d = *static_cast<Download*>(user);
  if (d.status == 0) {
    curl_easy_getinfo(d.easy, CURLINFO_RESPONSE_CODE, &d.status);
    if (d.status >= 400) {
      d.refused = true;
      return 0;  // stops the transfer; the status says why
    }
    if (d.status == 200 && d.offset > 0) {
      // The server ignored the Range request: start the file over.
      std::fclose(d.file);
      d.file = std::fopen(d.part.c_str(), "wb");
      if (!d.file) return 0;
      d.offset = 0;
      d.restarted = true;
    }
  }
  size_t bytes = size * count;
  if (std::fwrite(data, 1, bytes, d.file) != bytes) return 0;
  d.written += int64_t(bytes);
  return bytes;
}

int report_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  Download& d = *static_cast<Download*>(user);
  if (d.progress && *d.progress && !d.refused && now > 0) {
    (*d.progress)(d.offset + int64_t(now), total > 0 ? d.offset + int64_t(total) : 0);
  }
  return 0;
}

std::string describe_bytes(int64_t bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f MB", double(bytes) / 1e6);
  return bytes < 100000 ? std::to_string(bytes) + " bytes" : buffer;
}

}  // namespace

FetchResult data_fetch_file(const DataSourceFile& file, const std::filesystem::path& data_dir,
                            const FetchOptions& options, const ProgressCallback& progress) {
  FetchResult result;
  const std::filesystem::path target = data_dir / file.path;
  std::filesystem::path part = target;
  part += ".part";
  std::error_code ec;
  if (std::filesystem::exists(target, ec)) {
    std::string found = sha256_file_hex(target);
    if (found == file.sha256) {
      result.outcome = FetchOutcome::present;
      result.bytes = int64_t(std::filesystem::file_size(target, ec));
    } else {
      result.problem = target.string() + " is there with SHA-256 " + found + ", not the published " + file.sha256 +
                       ": left as it is (move it away to fetch the published file)";
    }
    return result;
  }
  std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) throw Error("cannot create " + target.parent_path().string() + ": " + ec.message());

  std::string url = file.url;
  if (!options.mirror.empty()) {
    url = options.mirror;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/" + file.path;
  }

  Download d;
  d.part = part;
  d.offset = std::filesystem::exists(part, ec) ? int64_t(std::filesystem::file_size(part, ec)) : 0;
  d.file = std::fopen(part.c_str(), "ab");
  if (!d.file) throw Error("cannot write " + part.string());
  d.progress = &progress;
  std::unique_ptr<CURL, void (*)(CURL*)> easy(curl_easy_init(), curl_easy_cleanup);
  if (!easy) {
    std::fclose(d.file);
    throw Error("libcurl could not be initialised (out of memory?)");
  }
  d.easy = easy.get();
  char error_text[CURL_ERROR_SIZE] = "";
  const std::string range = std::to_string(d.offset) + "-";
  curl_easy_setopt(d.easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(d.easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(d.easy, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(d.easy, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(d.easy, CURLOPT_WRITEDATA, &d);
  curl_easy_setopt(d.easy, CURLOPT_XFERINFOFUNCTION, report_progress);
  curl_easy_setopt(d.easy, CURLOPT_XFERINFODATA, &d);
  curl_easy_setopt(d.easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(d.easy, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(d.easy, CURLOPT_CONNECTTIMEOUT_MS, long(options.connect_timeout_seconds * 1000));
  curl_easy_setopt(d.easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(d.easy, CURLOPT_LOW_SPEED_TIME, long(options.stall_timeout_seconds));
  curl_easy_setopt(d.easy, CURLOPT_USERAGENT, "clinbench/" CLINBENCH_VERSION);
  if (d.offset > 0) curl_easy_setopt(d.easy, CURLOPT_RANGE, range.c_str());
  CURLcode code = curl_easy_perform(d.easy);
  if (d.status == 0) curl_easy_getinfo(d.easy, CURLINFO_RESPONSE_CODE, &d.status);
  bool closed = std::fclose(d.file) == 0;
  const int64_t have = d.offset + d.written;

  if (d.status == 416 && d.offset > 0) {
    // The .part already holds every byte the server has: the checksum decides below.
  } else if (d.refused || d.status >= 400) {
    if (have == 0) std::filesystem::remove(part, ec);
    result.problem = url + ": HTTP " + std::to_string(d.status) + (d.status == 404 ? " (not found)" : "");
    return result;
  } else if (code != CURLE_OK || !closed) {
    std::string why = error_text[0] ? error_text : curl_easy_strerror(code);
    if (!closed) why = "the file could not be written completely (disk full?)";
    if (have == 0) {
      std::filesystem::remove(part, ec);
      result.problem = url + ": nothing received (" + why + ")";
      return result;
    }
    result.problem = url + ": the download stopped after " + describe_bytes(have) + " (" + why +
                     "); the same command resumes it from " + part.string();
    return result;
  }
  std::string found = sha256_file_hex(part);
  if (found != file.sha256) {
    std::filesystem::remove(part, ec);
    result.problem = url + ": SHA-256 " + found + ", not the pinned " + file.sha256 +
                     " (the file at the source changed, or a mirror serves another file); nothing was kept";
    return result;
  }
  std::filesystem::rename(part, target, ec);
  if (ec) throw Error("cannot move " + part.string() + " to " + target.string() + ": " + ec.message());
  result.outcome = d.offset > 0 && !d.restarted ? FetchOutcome::resumed : FetchOutcome::downloaded;
  result.bytes = have;
  return result;
}

}  // namespace clinbench
