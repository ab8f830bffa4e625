// Core vocabulary shared by every stage: errors, hashing, file fingerprints, progress, paths.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace clinbench {

// An error that ends a run: bad configuration, unreadable input, a model that cannot load.
// Expected per-sample failures (an unparseable answer, an HTTP 429) are statuses, not Errors.
// The message is complete and ready to print; it names the file, line and field where known.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// "PATH:LINE: field 'FIELD': MESSAGE"; line <= 0 and an empty field are left out.
std::string format_input_error(const std::filesystem::path& path, int64_t line,
                               std::string_view field, std::string_view message);

// Throws Error(format_input_error(...)).
[[noreturn]] void throw_input_error(const std::filesystem::path& path, int64_t line,
                                    std::string_view field, std::string_view message);

// --- hashing -------------------------------------------------------------------------------

// SHA-256 of bytes, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view bytes);

// SHA-256 of a whole file, streamed; throws Error naming the file when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& path);

// SHA-256 of a file, remembered in the user cache keyed by (absolute path, size, mtime), so a
// multi-GB model is hashed once, not every run. Thread-safe across processes (atomic rewrite).
std::string file_fingerprint(const std::filesystem::path& path);

// 64-bit xxHash (XXH3) of bytes: cache keys, not security.
uint64_t hash64(std::string_view bytes);

// 16 lower-case hex digits of a 64-bit value.
std::string hex64(uint64_t value);

// --- paths ---------------------------------------------------------------------------------

// The per-user cache folder: $CLINBENCH_CACHE_DIR, else $XDG_CACHE_HOME/clinbench, else
// ~/.cache/clinbench. Created on first use.
std::filesystem::path user_cache_dir();

// Reads a whole file; throws Error naming the file.
std::string read_file(const std::filesystem::path& path);

// Writes a file atomically (temporary file in the same folder, fsync, rename): readers see the
// old or the new content, never a partial one. Throws Error naming the file.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Removes what write_file_atomic left in dir (not its subfolders) when its writer was killed
// mid-write: files named NAME.tmp-PID-HEX whose process PID no longer exists. A live PID's
// files stay (another run may be writing them). Returns the bytes removed. Never throws; a file
// it cannot remove stays.
int64_t remove_stale_temporaries(const std::filesystem::path& dir);

// --- time ------------------------------------------------------------------------------------
// The one place clinbench reads the clock and formats a time (src/core/timestamps.cpp).
// Thread-safe (gmtime_r, localtime_r).

// The current time as ISO 8601 UTC, e.g. 2026-11-22T01:50:00Z (results and manifests).
std::string utc_timestamp();

// The current local time to the minute, e.g. 2026-11-22 02:50: the "generated at" line of a
// report a person reads, in their own time zone.
std::string local_timestamp();

// The UTC day of a Unix time in seconds, e.g. 2026-11-22 (cache entry ages).
std::string utc_date(int64_t unix_seconds);

// --- paths written in input files -----------------------------------------------------------

// Where a path written in a task or suite file leads. A relative path is taken under base and
// may not climb out of it ("../x", "a/../../x"); an absolute path, or one that climbs out, is
// refused unless allow_outside is set (the user's --allow-absolute-paths), so that a file
// someone shares cannot make clinbench read arbitrary files into prompts and samples. Symbolic
// links are resolved (realpath of base and path) before the check, so a link inside base that
// leads out of it is refused too; the message does not say where it leads.
// base_description names base in messages ("the data directory", "the suite's folder").
// Throws Error via throw_input_error(source, line, field, ...) for an empty path or a refused
// one, naming the option that allows it. Returns the path, normalised: base / written, or
// written itself when absolute.
std::filesystem::path input_path_resolve(const std::filesystem::path& base,
                                         std::string_view base_description, std::string_view written,
                                         bool allow_outside, const std::filesystem::path& source,
                                         int64_t line, std::string_view field);

// --- progress ------------------------------------------------------------------------------

// Called by long-running library work with (done, total). Never prints by itself; the CLI
// passes a progress bar. May be called from the worker thread that does the work.
using ProgressCallback = std::function<void(int64_t done, int64_t total)>;

}  // namespace clinbench
