#include "engine/response_cache.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <system_error>

#include "clinbench/engine.h"
#include "engine/cache_codec.h"
#include "engine/sqlite_database.h"

namespace clinbench {

namespace {

const char* schema_v1 = R"sql(
CREATE TABLE entries (
  key TEXT PRIMARY KEY NOT NULL,
  kind TEXT NOT NULL,
  model TEXT NOT NULL,
  task TEXT NOT NULL,
  status TEXT NOT NULL,
  context_length INTEGER NOT NULL,
  request TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX entries_by_model_task ON entries (model, task, kind, created_at);
)sql";

// SQL that turns a file of format `version` into one of format version + 1, or nullptr when there
// is no such step. None yet: version 1 is the first format. When the format changes, bump
// ResponseCache::format_version, add the step here (it runs inside the opening write
// transaction, so a killed migration leaves the old file untouched) and a test that opens a file
// written in the old format.
const char* migration_from(int64_t version) {
  switch (version) {
    default:
      return nullptr;
  }
}

int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Rolls back a write transaction unless it was committed: every path out of an open leaves the
// file as it was or fully initialised/migrated.
class WriteTransaction {
 public:
  explicit WriteTransaction(SqliteDatabase& database) : database_(database) {
    // IMMEDIATE takes the write lock now, waiting on busy_timeout; a deferred transaction that
    // upgrades from read to write fails at once with SQLITE_BUSY when another process committed
    // meanwhile (WAL snapshot rule), without waiting.
    database_.exec("BEGIN IMMEDIATE", "cannot start a write transaction");
  }
  ~WriteTransaction() {
    if (!committed_) sqlite3_exec(database_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void commit() {
    database_.exec("COMMIT", "cannot commit");
    committed_ = true;
  }

 private:
  SqliteDatabase& database_;
  bool committed_ = false;
};

[[noreturn]] void refuse(const std::filesystem::path& path, const std::string& message) {
  throw Error(format_input_error(path, 0, "", message));
}

[[noreturn]] void refuse_older(const std::filesystem::path& path, int64_t version) {
  refuse(path, "response cache format version " + std::to_string(version) +
                   " is older than this clinbench understands (version " +
                   std::to_string(ResponseCache::format_version) +
                   ") and cannot be migrated; delete the file or give --cache another one");
}

std::string query_text(SqliteDatabase& database, std::string_view sql, std::string_view what) {
  SqliteStatement statement(database, sql, what);
  StatementScope scope(statement);
  if (!statement.step(what)) return "";
  return std::string(statement.column_text(0));
}

// WAL: readers never block the writer and a commit is one append to the log, so each response
// can be its own transaction at tens of microseconds' cost. synchronous=NORMAL: a commit is
// written to the log (into the OS page cache) but not fsynced; the fsync happens at checkpoints.
// A killed process loses nothing committed (the data is the kernel's once write() returns); an
// OS crash or power cut may lose the commits since the last checkpoint, and the database is
// still consistent after it. For a cache that is the right trade: FULL would fsync every
// response (1.7 ms each on the development machine's disk, 17 s per 10,000 responses instead of
// half a second) to protect work that is only recomputed otherwise.
void set_connection_pragmas(SqliteDatabase& database) {
  std::string mode = query_text(database, "PRAGMA journal_mode=WAL", "cannot switch to WAL mode");
  if (mode != "wal") {
    refuse(database.path(), "cannot switch the response cache to WAL mode (it stays in '" + mode +
                                "' mode); put the cache on a local file system");
  }
  database.exec("PRAGMA synchronous=NORMAL", "cannot set synchronous=NORMAL");
  // With NORMAL the only fsyncs are at checkpoints, and they are most of a store's cost (10,000
  // stores: about 0.3 s of CPU, plus a second of waiting on the disk at the default 1,000-page
  // checkpoints). Checkpointing every 8,192 pages (32 MiB of log) halves that; the log is
  // folded back into the file and deleted when the last connection closes.
  database.exec("PRAGMA wal_autocheckpoint=8192", "cannot set wal_autocheckpoint");
}

// Checks what the file is, creates the schema in an empty file, migrates an older format.
// Reads the header before writing anything: a file that is not a clinbench cache of a version
// this build understands is refused unchanged.
void open_schema(SqliteDatabase& database) {
  const std::filesystem::path& path = database.path();
  // One statement, so one read transaction: separate reads could straddle another process's
  // creation of the schema and see its tables without its application id.
  SqliteStatement header(database,
                         "SELECT (SELECT application_id FROM pragma_application_id), "
                         "(SELECT user_version FROM pragma_user_version), "
                         "(SELECT count(*) FROM sqlite_schema)",
                         "cannot read the file header");
  auto read_header = [&](int64_t& application_id, int64_t& version, int64_t& objects) {
    StatementScope scope(header);
    if (!header.step("cannot read the file header")) refuse(path, "cannot read the file header");
    application_id = header.column_int64(0);
    version = header.column_int64(1);
    objects = header.column_int64(2);
  };
  int64_t application_id = 0, version = 0, objects = 0;
  read_header(application_id, version, objects);
  const bool looks_empty = application_id == 0 && version == 0 && objects == 0;
  if (application_id != response_cache_application_id && !looks_empty) {
    refuse(path, "an SQLite database, but not a clinbench response cache (application_id " +
                     std::to_string(application_id) + ", " + std::to_string(objects) +
                     " schema objects); give --cache a new file name");
  }
  if (application_id == response_cache_application_id && version > ResponseCache::format_version) {
    refuse(path, "response cache format version " + std::to_string(version) +
                     " is newer than this clinbench understands (version " +
                     std::to_string(ResponseCache::format_version) +
                     "); use the clinbench that wrote it, or give --cache another file");
  }
  if (application_id == response_cache_application_id && version < ResponseCache::format_version &&
      !migration_from(version)) {
    refuse_older(path, version);
  }

  set_connection_pragmas(database);
  if (application_id == response_cache_application_id && version == ResponseCache::format_version) {
    return;
  }

  WriteTransaction transaction(database);
  // Another process may have created or migrated the file since the header was read.
  read_header(application_id, version, objects);
  if (application_id == 0 && version == 0 && objects == 0) {
    database.exec(schema_v1, "cannot create the response cache tables");
    database.exec("PRAGMA application_id=" + std::to_string(response_cache_application_id) +
                      ";PRAGMA user_version=" + std::to_string(ResponseCache::format_version),
                  "cannot write the file header");
  } else if (application_id == response_cache_application_id) {
    while (version < ResponseCache::format_version) {
      const char* step = migration_from(version);
      if (!step) refuse_older(path, version);
      database.exec(step, "cannot migrate from format version " + std::to_string(version));
      ++version;
      database.exec("PRAGMA user_version=" + std::to_string(version),
                    "cannot write the file header");
    }
  } else {
    refuse(path, "changed by another program while it was being opened as a response cache");
  }
  transaction.commit();
}

}  // namespace

int64_t response_cache_file_bytes(const std::filesystem::path& path) {
  int64_t bytes = 0;
  for (const std::filesystem::path& file : {path, std::filesystem::path(path.string() + "-wal")}) {
    std::error_code error;
    auto size = std::filesystem::file_size(file, error);
    if (!error) bytes += int64_t(size);
  }
  return bytes;
}

// The statements are declared after the database so they are finalized before it closes.
struct ResponseCache::State {
  explicit State(const std::filesystem::path& path, int flags) : database(path, flags) {}
  std::mutex mutex;
  SqliteDatabase database;
  std::optional<SqliteStatement> find_statement;
  std::optional<SqliteStatement> store_statement;
};

ResponseCache::ResponseCache(const std::filesystem::path& path, CacheOpenMode mode) {
  int flags = SQLITE_OPEN_READWRITE;
  std::error_code error;
  if (mode == CacheOpenMode::must_exist) {
    if (!std::filesystem::exists(path, error)) refuse(path, "no such response cache file");
  } else {
    flags |= SQLITE_OPEN_CREATE;
    if (path.has_parent_path()) {
      std::filesystem::create_directories(path.parent_path(), error);
      if (error) {
        refuse(path, "cannot create the folder of the response cache: " + error.message());
      }
    }
  }
  if (std::filesystem::is_directory(path, error))
    refuse(path, "a folder, not a response cache file");
  state_ = std::make_unique<State>(path, flags);
  SqliteDatabase& database = state_->database;
  sqlite3_busy_timeout(database.handle(), busy_timeout_ms);
  open_schema(database);
  state_->find_statement.emplace(
      database,
      "SELECT status, context_length, response FROM entries WHERE key = ?1 AND kind = ?2");
  state_->store_statement.emplace(
      database,
      "INSERT OR REPLACE INTO entries "
      "(key, kind, model, task, status, context_length, request, response, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
}

ResponseCache::~ResponseCache() = default;

const std::filesystem::path& ResponseCache::path() const { return state_->database.path(); }

namespace {

// The stored response JSON for key, or nullopt for a miss (including a context_overflow found
// under another context window, and a response that is not JSON).
// stored_window receives the context window the entry was computed under.
std::optional<nlohmann::json> find_response_json(SqliteStatement& statement, const CacheKey& key,
                                                 int64_t& stored_window) {
  StatementScope scope(statement);
  statement.bind_text(1, key.hash);
  statement.bind_text(2, request_kind_name(key.kind));
  if (!statement.step("cannot look up a response")) return std::nullopt;
  stored_window = statement.column_int64(1);
  if (statement.column_text(0) == request_status_name(RequestStatus::context_overflow) &&
      stored_window != key.context_length) {
    return std::nullopt;
  }
  nlohmann::json json = nlohmann::json::parse(statement.column_text(2), nullptr, false);
  if (json.is_discarded()) return std::nullopt;
  return json;
}

// An answer computed under another context window is this window's answer only when the tokens
// it needed fit this window too; otherwise this window refuses the request (context_overflow),
// so serving the stored answer would report a score the run could not have computed.
bool fits_window(const LoglikelihoodResponse& response, const CacheKey& key, int64_t stored_window) {
  if (stored_window == key.context_length || key.context_length <= 0 || response.status != RequestStatus::ok) return true;
  return int64_t(response.context_tokens) + response.continuation_tokens <= key.context_length;
}

bool fits_window(const GenerationResponse& response, const CacheKey& key, int64_t stored_window) {
  if (stored_window == key.context_length || key.context_length <= 0 || response.status != RequestStatus::ok) return true;
  nlohmann::json request = nlohmann::json::parse(key.canonical_request, nullptr, false);
  int64_t max_tokens = request.is_object() ? request.value("max_tokens", int64_t(0)) : 0;
  return int64_t(response.prompt_tokens) + max_tokens <= key.context_length;
}

void check_kind(const CacheKey& key, RequestKind expected) {
  if (key.kind != expected) {
    throw std::logic_error(std::string("response cache: a ") + request_kind_name(key.kind) +
                           " key used to find a " + request_kind_name(expected) + " response");
  }
}

}  // namespace

std::optional<LoglikelihoodResponse> ResponseCache::find_loglikelihood(const CacheKey& key) {
  check_kind(key, RequestKind::loglikelihood);
  std::lock_guard lock(state_->mutex);
  int64_t stored_window = 0;
  std::optional<nlohmann::json> json = find_response_json(*state_->find_statement, key, stored_window);
  if (!json) return std::nullopt;
  try {
    LoglikelihoodResponse response = loglikelihood_response_from_json(*json);
    if (!fits_window(response, key, stored_window)) return std::nullopt;
    return response;
  } catch (const Error&) {
    return std::nullopt;  // damaged entry: recomputed and replaced; verify reports it meanwhile
  }
}

std::optional<GenerationResponse> ResponseCache::find_generation(const CacheKey& key) {
  check_kind(key, RequestKind::generation);
  std::lock_guard lock(state_->mutex);
  int64_t stored_window = 0;
  std::optional<nlohmann::json> json = find_response_json(*state_->find_statement, key, stored_window);
  if (!json) return std::nullopt;
  try {
    GenerationResponse response = generation_response_from_json(*json);
    if (!fits_window(response, key, stored_window)) return std::nullopt;
    return response;
  } catch (const Error&) {
    return std::nullopt;
  }
}

std::optional<EmbeddingResponse> ResponseCache::find_embedding(const CacheKey& key) {
  check_kind(key, RequestKind::embedding);
  std::lock_guard lock(state_->mutex);
  int64_t stored_window = 0;
  std::optional<nlohmann::json> json = find_response_json(*state_->find_statement, key, stored_window);
  if (!json) return std::nullopt;
  try {
    return embedding_response_from_json(*json);
  } catch (const Error&) {
    return std::nullopt;
  }
}

namespace {

// One INSERT outside any explicit transaction: SQLite commits it before step returns.
void store_response_json(SqliteStatement& statement, const CacheKey& key, std::string_view task,
                         RequestStatus status, const nlohmann::json& response) {
  std::string response_text = response.dump();
  StatementScope scope(statement);
  statement.bind_text(1, key.hash);
  statement.bind_text(2, request_kind_name(key.kind));
  statement.bind_text(3, key.model_fingerprint);
  statement.bind_text(4, task);
  statement.bind_text(5, request_status_name(status));
  statement.bind_int64(6, key.context_length);
  statement.bind_text(7, key.canonical_request);
  statement.bind_text(8, response_text);
  statement.bind_int64(9, unix_seconds_now());
  statement.step("cannot store a response");
}

}  // namespace

bool ResponseCache::store(const CacheKey& key, std::string_view task,
                          const LoglikelihoodResponse& response) {
  check_kind(key, RequestKind::loglikelihood);
  if (!response_is_cacheable(response.status)) return false;
  nlohmann::json json = response_to_json(response);
  std::lock_guard lock(state_->mutex);
  store_response_json(*state_->store_statement, key, task, response.status, json);
  return true;
}

bool ResponseCache::store(const CacheKey& key, std::string_view task,
                          const GenerationResponse& response) {
  check_kind(key, RequestKind::generation);
  if (!response_is_cacheable(response.status)) return false;
  nlohmann::json json = response_to_json(response);
  std::lock_guard lock(state_->mutex);
  store_response_json(*state_->store_statement, key, task, response.status, json);
  return true;
}

bool ResponseCache::store(const CacheKey& key, std::string_view task, const EmbeddingResponse& response) {
  check_kind(key, RequestKind::embedding);
  if (!response_is_cacheable(response.status)) return false;
  nlohmann::json json = response_to_json(response);
  std::lock_guard lock(state_->mutex);
  store_response_json(*state_->store_statement, key, task, response.status, json);
  return true;
}

// --- maintenance ------------------------------------------------------------------------------

CacheStats ResponseCache::stats() {
  std::lock_guard lock(state_->mutex);
  SqliteDatabase& database = state_->database;
  CacheStats stats;
  stats.format_version =
      int32_t(database.query_int64("PRAGMA user_version", "cannot read the file header"));
  SqliteStatement statement(
      database,
      "SELECT model, task, kind, count(*), min(created_at), max(created_at) FROM entries "
      "GROUP BY model, task, kind ORDER BY model, task, kind");
  StatementScope scope(statement);
  while (statement.step("cannot count the entries")) {
    std::string_view model = statement.column_text(0);
    std::string_view task = statement.column_text(1);
    if (stats.groups.empty() || stats.groups.back().model_fingerprint != model ||
        stats.groups.back().task != task) {
      CacheGroupCount group;
      group.model_fingerprint = std::string(model);
      group.task = std::string(task);
      group.oldest_unix_seconds = statement.column_int64(4);
      group.newest_unix_seconds = statement.column_int64(5);
      stats.groups.push_back(std::move(group));
    }
    CacheGroupCount& group = stats.groups.back();
    int64_t count = statement.column_int64(3);
    if (statement.column_text(2) == request_kind_name(RequestKind::generation)) {
      group.generation += count;
    } else if (statement.column_text(2) == request_kind_name(RequestKind::embedding)) {
      group.embedding += count;
    } else {
      group.loglikelihood += count;
    }
    group.oldest_unix_seconds = std::min(group.oldest_unix_seconds, statement.column_int64(4));
    group.newest_unix_seconds = std::max(group.newest_unix_seconds, statement.column_int64(5));
    stats.entries += count;
  }
  stats.file_bytes = response_cache_file_bytes(database.path());
  return stats;
}

namespace {

// What is wrong with one entry, or "" when nothing is.
std::string entry_problem(std::string_view key, std::string_view kind_name, std::string_view model,
                          std::string_view status, std::string_view request_text,
                          std::string_view response_text) {
  if (cache_hash_hex(request_text) != key) {
    return "the key is not the hash of the stored request (the request or the key was changed)";
  }
  std::optional<RequestKind> kind = request_kind_from_name(kind_name);
  if (!kind) return "unknown kind '" + std::string(kind_name) + "'";
  nlohmann::json request = nlohmann::json::parse(request_text, nullptr, false);
  if (request.is_discarded() || !request.is_object())
    return "the stored request is not a JSON object";
  if (request.value("kind", "") != kind_name) {
    return "the stored request is not of the entry's kind '" + std::string(kind_name) + "'";
  }
  if (!request.contains("model") || request["model"] != text_to_json(model)) {
    return "the stored request names another model than the entry's";
  }
  nlohmann::json response = nlohmann::json::parse(response_text, nullptr, false);
  if (response.is_discarded()) return "the stored response is not JSON";
  RequestStatus decoded_status;
  try {
    decoded_status = *kind == RequestKind::loglikelihood ? loglikelihood_response_from_json(response).status
                     : *kind == RequestKind::generation  ? generation_response_from_json(response).status
                                                         : embedding_response_from_json(response).status;
  } catch (const Error& e) {
    return std::string("the stored response does not decode: ") + e.what();
  }
  if (request_status_name(decoded_status) != status) {
    return "the response's status is not the entry's status '" + std::string(status) + "'";
  }
  if (!response_is_cacheable(decoded_status)) return "a response that must not be cached is stored";
  return "";
}

}  // namespace

CacheVerifyReport ResponseCache::verify() {
  std::lock_guard lock(state_->mutex);
  SqliteDatabase& database = state_->database;
  CacheVerifyReport report;
  try {
    SqliteStatement integrity(database, "PRAGMA integrity_check");
    StatementScope integrity_scope(integrity);
    while (integrity.step("cannot check integrity")) {
      std::string line(integrity.column_text(0));
      if (line != "ok") report.integrity_errors.push_back(line);
    }
    SqliteStatement entries(
        database, "SELECT key, kind, model, task, status, request, response FROM entries");
    StatementScope entries_scope(entries);
    while (entries.step("cannot read the entries")) {
      ++report.entries_checked;
      std::string problem =
          entry_problem(entries.column_text(0), entries.column_text(1), entries.column_text(2),
                        entries.column_text(4), entries.column_text(5), entries.column_text(6));
      if (!problem.empty()) {
        report.problems.push_back({std::string(entries.column_text(0)),
                                   std::string(entries.column_text(2)),
                                   std::string(entries.column_text(3)), std::move(problem)});
      }
    }
  } catch (const Error& e) {
    // A damaged page can stop the reading itself; that is a finding, not a crash.
    report.integrity_errors.push_back(e.what());
  }
  return report;
}

CachePruneResult ResponseCache::prune(const CachePruneFilter& filter) {
  const std::filesystem::path& file = path();
  if (!filter.model_fingerprint && !filter.task && !filter.older_than_days) {
    refuse(file, "prune needs a model fingerprint, a task or an age to select entries");
  }
  if (filter.older_than_days && *filter.older_than_days < 0) {
    refuse(file, "prune: the age in days must be 0 or more, not " +
                     std::to_string(*filter.older_than_days));
  }
  std::lock_guard lock(state_->mutex);
  SqliteDatabase& database = state_->database;
  CachePruneResult result;
  result.file_bytes_before = response_cache_file_bytes(file);

  std::string sql = "DELETE FROM entries WHERE 1";
  if (filter.model_fingerprint) sql += " AND model = ?1";
  if (filter.task) sql += " AND task = ?2";
  if (filter.older_than_days) sql += " AND created_at <= ?3";
  int64_t cutoff = 0;
  if (filter.older_than_days) {
    // Capped so that the product cannot overflow; a million years is "everything".
    int64_t days = std::min<int64_t>(*filter.older_than_days, 365LL * 1000000);
    cutoff = unix_seconds_now() - days * 86400;
  }
  {
    SqliteStatement statement(database, sql);
    StatementScope scope(statement);
    if (filter.model_fingerprint) statement.bind_text(1, *filter.model_fingerprint);
    if (filter.task) statement.bind_text(2, *filter.task);
    if (filter.older_than_days) statement.bind_int64(3, cutoff);
    statement.step("cannot delete entries");  // one statement: atomic on its own
    result.removed = int64_t(sqlite3_changes64(database.handle()));
  }
  // VACUUM gives the freed pages back to the file system; the checkpoint moves the rewritten
  // pages from the log into the file and truncates the log, so the size reported is the size.
  database.exec("VACUUM", "cannot VACUUM after pruning");
  database.exec("PRAGMA wal_checkpoint(TRUNCATE)", "cannot checkpoint after pruning");
  result.file_bytes_after = response_cache_file_bytes(file);
  return result;
}

}  // namespace clinbench
