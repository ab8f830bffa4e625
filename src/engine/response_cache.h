// Facts about the response cache file format that tests and tools need beyond the public
// ResponseCache (include/clinbench/engine.h).
//
// The file is an SQLite 3 database:
//   PRAGMA application_id = response_cache_application_id  (marks it as a clinbench cache)
//   PRAGMA user_version   = ResponseCache::format_version
//   table entries(key TEXT PRIMARY KEY, kind, model, task, status, context_length,
//                 request, response, created_at)
// `key` is CacheKey::hash, `request` the canonical request JSON, `response` the response JSON of
// cache_codec.h, `created_at` Unix seconds. An index on (model, task, kind, created_at) lets
// stats and prune read no responses.
#pragma once

#include <cstdint>
#include <filesystem>

namespace clinbench {

inline constexpr int32_t response_cache_application_id = 0x434C4E42;  // "CLNB"

// The bytes the cache occupies on disk: the database file plus its write-ahead log (0 for
// files that do not exist).
int64_t response_cache_file_bytes(const std::filesystem::path& path);

}  // namespace clinbench
