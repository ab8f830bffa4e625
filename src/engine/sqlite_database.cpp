#include "engine/sqlite_database.h"

#include "clinbench/core.h"

namespace clinbench {

// --- statements -------------------------------------------------------------------------------

SqliteStatement::SqliteStatement(SqliteDatabase& database, std::string_view sql,
                                 std::string_view what)
    : database_(database) {
  int code = sqlite3_prepare_v3(database.handle(), sql.data(), int(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &statement_, nullptr);
  if (code != SQLITE_OK) database.fail(what, code);
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

void SqliteStatement::bind_text(int index, std::string_view text) {
  int code = sqlite3_bind_text64(statement_, index, text.data(), sqlite3_uint64(text.size()),
                                 SQLITE_STATIC, SQLITE_UTF8);
  if (code != SQLITE_OK) database_.fail("cannot bind a parameter", code);
}

void SqliteStatement::bind_int64(int index, int64_t value) {
  int code = sqlite3_bind_int64(statement_, index, sqlite3_int64(value));
  if (code != SQLITE_OK) database_.fail("cannot bind a parameter", code);
}

bool SqliteStatement::step(std::string_view what) {
  int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  database_.fail(what, code);
}

std::string_view SqliteStatement::column_text(int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (!text) return {};
  return {text, size_t(sqlite3_column_bytes(statement_, column))};
}

int64_t SqliteStatement::column_int64(int column) {
  return int64_t(sqlite3_column_int64(statement_, column));
}

void SqliteStatement::reset() {
  // reset returns the last step's error again; step already reported it.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

// --- connection -------------------------------------------------------------------------------

SqliteDatabase::SqliteDatabase(const std::filesystem::path& path, int flags) : path_(path) {
  int code = sqlite3_open_v2(path.c_str(), &handle_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (code != SQLITE_OK) {
    std::string message = handle_ ? sqlite3_errmsg(handle_) : sqlite3_errstr(code);
    sqlite3_close(handle_);
    handle_ = nullptr;
    throw Error(format_input_error(path, 0, "", "cannot open the response cache: " + message));
  }
  sqlite3_extended_result_codes(handle_, 1);
}

SqliteDatabase::~SqliteDatabase() {
  // Statements are finalized by their owners first (the cache declares them after the
  // database), so close succeeds; close_v2 would defer it otherwise rather than leak.
  sqlite3_close_v2(handle_);
}

void SqliteDatabase::exec(std::string_view sql, std::string_view what) {
  std::string text(sql);
  int code = sqlite3_exec(handle_, text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) fail(what, code);
}

int64_t SqliteDatabase::query_int64(std::string_view sql, std::string_view what) {
  SqliteStatement statement(*this, sql, what);
  StatementScope scope(statement);
  if (!statement.step(what))
    throw Error(format_input_error(path_, 0, "", std::string(what) + ": no result"));
  return statement.column_int64(0);
}

void SqliteDatabase::fail(std::string_view what, int code) {
  std::string message = std::string(what) + ": ";
  switch (code & 0xff) {
    case SQLITE_NOTADB:
      message += "not an SQLite database (is --cache pointing at another kind of file?)";
      break;
    case SQLITE_CORRUPT:
      message += "the file is corrupt (" + std::string(sqlite3_errmsg(handle_)) +
                 "); `clinbench cache verify` shows the damage; delete the file to start afresh";
      break;
    case SQLITE_FULL:
      message += "the disk is full (" + std::string(sqlite3_errmsg(handle_)) + ")";
      break;
    case SQLITE_IOERR:
      message += sqlite3_errmsg(handle_);
      // A failed write is mostly a disk that filled up by another measure (a quota, a file size
      // limit, a full log volume); say so instead of a bare "disk I/O error".
      if (sqlite3_extended_errcode(handle_) == SQLITE_IOERR_WRITE) {
        message += ": a write failed (is the disk full, or a quota or file size limit reached?)";
      }
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      message += "another process held the file locked for too long (" +
                 std::string(sqlite3_errmsg(handle_)) + ")";
      break;
    default:
      message += sqlite3_errmsg(handle_);
      break;
  }
  throw Error(format_input_error(path_, 0, "", message));
}

}  // namespace clinbench
