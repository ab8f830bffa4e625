// The engine stage: turns the requests of a run into responses, computing each distinct request
// at most once, ever.
//
// The scheduler sees every request of a task before any runs. It evaluates identical requests
// once and copies the answer, serves what the response cache holds, and hands everything else to
// the backend in one call, so the backend can share prompt prefixes and fill its batches. Each
// response the backend finishes is committed to the cache the moment it arrives: a killed run
// loses only the requests in flight, and the same command started again computes only those.
//
// Each concern lives in its own file pair under src/engine/:
//   cache_codec.{h,cpp}      canonical request JSON, cache keys, responses <-> JSON
//   sqlite_database.{h,cpp}  a thin RAII layer over the SQLite C API
//   response_cache.{h,cpp}   the cache file: format version, store, find, stats, verify, prune
//   scheduler.{h,cpp}        dedupe, cache, one backend call, fan-out
// The library never prints; `clinbench cache stats|verify|prune` (src/cli/cache_command.cpp)
// shows what is here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "clinbench/backends.h"
#include "clinbench/core.h"

namespace clinbench {

// A cache of an older clinbench holds no embedding entries; one that does still opens in an
// older clinbench (the kind is a text column), whose `verify` reports them as an unknown kind.
enum class RequestKind { loglikelihood, generation, embedding };
const char* request_kind_name(RequestKind kind);  // "loglikelihood" | "generation" | "embedding"

// --- cache keys -------------------------------------------------------------------------------

// The identity of one request on one model. Two requests share a key exactly when the backend
// must give them the same answer: same model fingerprint, same kind, byte-identical text
// (loglikelihood: context and continuation; generation: prompt, chat messages and answer prefix)
// and the same decoding parameters (max_tokens, stop strings, grammar, temperature, top_k,
// top_p, and the seed when temperature > 0: backends.h says the seed is unused at temperature 0,
// so a greedy request hits whatever seed the run was given).
struct CacheKey {
  RequestKind kind = RequestKind::loglikelihood;
  std::string model_fingerprint;  // ModelInfo::fingerprint
  // JSON of every ingredient above, object keys sorted, no whitespace; text that is not valid
  // UTF-8 is kept byte for byte as {"hex": "..."}. Stored with the response, so `verify` can
  // re-hash it and a response can be recomputed from the file alone.
  std::string canonical_request;
  std::string hash;  // 32 lower-case hex digits: XXH3-128 of canonical_request
  // The model's context window when the key was made. Not part of the hash: a stored
  // context_overflow answer is not served to a key with a different window (a larger window may
  // fit the request), nor an answer whose tokens (prompt + continuation, or prompt + max_tokens)
  // exceed the key's window (that window would refuse the request).
  int32_t context_length = 0;
};

// Pure functions; safe to call from several threads at once.
CacheKey cache_key(const ModelInfo& model, const LoglikelihoodRequest& request);
CacheKey cache_key(const ModelInfo& model, const GenerationRequest& request);
CacheKey cache_key(const ModelInfo& model, const EmbeddingRequest& request);  // embedding: the text

// Whether a response with this status is stored: ok, context_overflow and empty_continuation are
// facts about the request; backend_error is not (a timeout or an HTTP 500 may pass on retry).
bool response_is_cacheable(RequestStatus status);

// --- the response cache -----------------------------------------------------------------------

enum class CacheOpenMode {
  create_if_missing,  // creates the file (and its folder) when absent: what a run does
  must_exist,         // Error naming the file when absent: what maintenance does
};

// How many entries one model holds for one task.
struct CacheGroupCount {
  std::string model_fingerprint;
  std::string task;
  int64_t loglikelihood = 0;
  int64_t generation = 0;
  int64_t embedding = 0;
  int64_t oldest_unix_seconds = 0;  // created time of the oldest entry of the group
  int64_t newest_unix_seconds = 0;
};

struct CacheStats {
  int32_t format_version = 0;
  int64_t entries = 0;
  int64_t file_bytes = 0;               // the database file plus its write-ahead log
  std::vector<CacheGroupCount> groups;  // sorted by model fingerprint, then task
};

// One entry that does not read back as what its key says.
struct CacheProblem {
  std::string key;
  std::string model_fingerprint;
  std::string task;
  std::string problem;  // a sentence: "the key is not the hash of the stored request", ...
};

struct CacheVerifyReport {
  // Lines of PRAGMA integrity_check other than "ok", and any failure to read the entries.
  std::vector<std::string> integrity_errors;
  int64_t entries_checked = 0;
  std::vector<CacheProblem> problems;
  bool ok() const { return integrity_errors.empty() && problems.empty(); }
};

// Which entries prune removes: those matching every condition given (at least one is needed).
struct CachePruneFilter {
  std::optional<std::string> model_fingerprint = std::nullopt;  // exact ModelInfo::fingerprint
  std::optional<std::string> task = std::nullopt;
  // Created N * 24 h ago or earlier; N >= 0 (0: everything stored before now).
  std::optional<int64_t> older_than_days = std::nullopt;
};

struct CachePruneResult {
  int64_t removed = 0;
  int64_t file_bytes_before = 0;  // database file plus write-ahead log, as in CacheStats
  int64_t file_bytes_after = 0;   // after VACUUM and a WAL checkpoint
};

// A file of responses keyed by CacheKey: an SQLite 3 database in WAL mode.
//
// Durability: every store is its own committed transaction before it returns, so a process killed
// at any moment (SIGKILL, OOM, crash) keeps every store that returned, and another connection
// sees it at once. Only an OS crash or power loss can lose the last stores before a WAL
// checkpoint (synchronous=NORMAL, see response_cache.cpp); the file stays consistent either way.
// Concurrency: several processes and objects may use one file at once; a writer waits up to
// busy_timeout_ms for another's lock before failing with an Error. One object is thread-safe
// (an internal mutex serialises its calls).
// Format: ResponseCache::format_version is stored in the file (PRAGMA user_version) next to an
// application id that marks it as a clinbench cache. A newer version is refused, never misread;
// an older one is migrated in place or refused. A request stored by two tasks is one entry,
// under the task that stored it last.
class ResponseCache {
 public:
  static constexpr int32_t format_version = 1;
  static constexpr int32_t busy_timeout_ms = 60000;

  // Opens the file, creating it per mode. Throws Error naming the file when it cannot be opened
  // or created, is not an SQLite database, is an SQLite database of something else, holds a
  // newer format version (the message names both versions) or an older one with no migration.
  explicit ResponseCache(const std::filesystem::path& path,
                         CacheOpenMode mode = CacheOpenMode::create_if_missing);
  ~ResponseCache();
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  const std::filesystem::path& path() const;

  // The stored response for key, or nullopt. An entry that does not decode (damaged by hand or
  // by a bug) is a miss: the new response replaces it, and `verify` reports it meanwhile.
  // key.kind must match the function (a bug otherwise: std::logic_error).
  std::optional<LoglikelihoodResponse> find_loglikelihood(const CacheKey& key);
  std::optional<GenerationResponse> find_generation(const CacheKey& key);
  std::optional<EmbeddingResponse> find_embedding(const CacheKey& key);

  // Stores response under key for task, replacing an earlier entry; committed before it returns.
  // Returns false, storing nothing, when the status is not cacheable. Throws Error naming the
  // file when the write fails (disk full, lock held longer than busy_timeout_ms); the file is
  // unchanged then.
  bool store(const CacheKey& key, std::string_view task, const LoglikelihoodResponse& response);
  bool store(const CacheKey& key, std::string_view task, const GenerationResponse& response);
  bool store(const CacheKey& key, std::string_view task, const EmbeddingResponse& response);

  // Reads every entry's index columns (not the responses).
  CacheStats stats();
  // PRAGMA integrity_check, then every entry: its key is the hash of its stored request, the
  // request names the entry's model and kind, the response decodes with the stored status.
  // Reads the whole file. Problems are reported, not thrown.
  CacheVerifyReport verify();
  // Deletes the matching entries in one transaction, then VACUUMs (which rewrites the file and
  // needs free disk space about its size; other users of the file wait meanwhile). Throws Error
  // for an empty filter or a negative age.
  CachePruneResult prune(const CachePruneFilter& filter);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// --- the scheduler ----------------------------------------------------------------------------

// What became of a span of requests. total == deduplicated + from_cache + computed.
struct ScheduleCounts {
  int64_t total = 0;         // requests given
  int64_t deduplicated = 0;  // identical to an earlier request in the span: got its answer
  int64_t from_cache = 0;    // distinct requests answered by the cache
  int64_t computed = 0;      // distinct requests sent to the backend
  int64_t errors = 0;        // of those computed, how many came back backend_error (not cached)
};

struct LoglikelihoodResults {
  std::vector<LoglikelihoodResponse> responses;  // one per request, in request order
  ScheduleCounts counts;
};

struct GenerationResults {
  std::vector<GenerationResponse> responses;  // one per request, in request order
  ScheduleCounts counts;
};

// Answers every request: duplicates once, the cache's entries from the cache (cache may be
// null: no caching), the rest in ONE backend call, each committed to the cache under task from
// the backend's sink as it arrives. progress gets (done, total) over all requests, cached and
// duplicate ones included, from the calling thread; done never decreases and ends at total.
// When the backend throws (a server refusing the key, a model that fails mid-way), what it
// delivered before stays in the cache and the exception propagates; so does a cache write Error.
// A backend that breaks its contract (an index delivered twice or out of range, a request left
// without a response) is a bug: std::logic_error.
LoglikelihoodResults schedule_loglikelihood(Backend& backend, ResponseCache* cache,
                                            std::string_view task,
                                            std::span<const LoglikelihoodRequest> requests,
                                            const ProgressCallback& progress = {});
GenerationResults schedule_generation(Backend& backend, ResponseCache* cache, std::string_view task,
                                      std::span<const GenerationRequest> requests,
                                      const ProgressCallback& progress = {});

struct EmbeddingResults {
  std::vector<EmbeddingResponse> responses;  // one per request, in request order
  ScheduleCounts counts;
};

// The same for embeddings (backend: an embedding backend, open_embedding_backend): identical
// texts are embedded once, cached vectors are read back, the rest go to the backend in one call.
EmbeddingResults schedule_embedding(Backend& backend, ResponseCache* cache, std::string_view task,
                                    std::span<const EmbeddingRequest> requests,
                                    const ProgressCallback& progress = {});

}  // namespace clinbench
