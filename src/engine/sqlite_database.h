// A thin RAII layer over the SQLite C API: one connection, prepared statements, and failures as
// Error messages that name the database file. Just what the response cache needs.
//
// Not thread-safe: one thread uses a connection and its statements at a time (the connection is
// opened with SQLITE_OPEN_NOMUTEX; the response cache holds its own mutex).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace clinbench {

class SqliteDatabase;

// A prepared statement of one connection. Use it through a StatementScope so that it is reset
// when done: a statement left mid-step keeps a read transaction open, which blocks WAL
// checkpoints and stops this connection's later writes from seeing other processes' commits.
class SqliteStatement {
 public:
  // Throws Error naming the file, with `what` the statement is for, when SQL cannot be prepared
  // (which is also where a file that is not a database is first noticed).
  SqliteStatement(SqliteDatabase& database, std::string_view sql,
                  std::string_view what = "cannot prepare a statement");
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are 1-based. Text is not copied: it must stay alive until reset().
  void bind_text(int index, std::string_view text);
  void bind_int64(int index, int64_t value);

  // True when a row is ready to read, false when the statement is done. Throws Error naming the
  // file (with `what` the statement was for) on failure.
  bool step(std::string_view what);

  // Columns are 0-based; views are valid until the next step() or reset().
  std::string_view column_text(int column);
  int64_t column_int64(int column);

  void reset();

 private:
  SqliteDatabase& database_;
  sqlite3_stmt* statement_ = nullptr;
};

// Resets a statement when it leaves scope, on every path out (exceptions included).
class StatementScope {
 public:
  explicit StatementScope(SqliteStatement& statement) : statement_(statement) {}
  ~StatementScope() { statement_.reset(); }
  StatementScope(const StatementScope&) = delete;
  StatementScope& operator=(const StatementScope&) = delete;

 private:
  SqliteStatement& statement_;
};

class SqliteDatabase {
 public:
  // flags: SQLITE_OPEN_* (NOMUTEX is added). Throws Error naming the file when it cannot open.
  SqliteDatabase(const std::filesystem::path& path, int flags);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs SQL without results (several statements allowed). Throws Error naming the file.
  void exec(std::string_view sql, std::string_view what);

  // The first column of the first row of sql, as an integer (PRAGMA user_version and the like).
  int64_t query_int64(std::string_view sql, std::string_view what);

  const std::filesystem::path& path() const { return path_; }
  sqlite3* handle() { return handle_; }

  // Throws Error "PATH: WHAT: SQLite's message" with advice for the common codes (not a
  // database, corrupt, disk full, locked).
  [[noreturn]] void fail(std::string_view what, int code);

 private:
  std::filesystem::path path_;
  sqlite3* handle_ = nullptr;
};

}  // namespace clinbench
