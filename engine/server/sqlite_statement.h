// The prepared statement and the per-thread reader the SQLite store's files share (sqlite_store.cc,
// sqlite_audit.cc).
#ifndef ROLEGATE_SERVER_SQLITE_STATEMENT_H_
#define ROLEGATE_SERVER_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "sqlite_store.h"

namespace rolegate::server {

// A prepared statement, finalized when it goes out of scope.
class SqliteStore::Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("cannot prepare a statement: ") + sqlite3_errmsg(db));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int i, const std::string& v) {
    Check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& Bind(int i, int64_t v) {
    Check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  // Makes the statement ready to run again, with new bindings.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // True while there is a row.
  bool Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StoreError(std::string("database error: ") + sqlite3_errmsg(db_));
  }
  // Runs a statement that must succeed; false when it broke a constraint.
  bool Run() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) return true;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return false;
    throw StoreError(std::string("database error: ") + sqlite3_errmsg(db_));
  }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(t),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK) throw StoreError(std::string("cannot bind: ") + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

struct SqliteStore::Reader {
  sqlite3* db = nullptr;
  sqlite3_stmt* token = nullptr;
  sqlite3_stmt* head = nullptr;
  ~Reader() {
    sqlite3_finalize(token);
    sqlite3_finalize(head);
    sqlite3_close(db);
  }
};

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_SQLITE_STATEMENT_H_
