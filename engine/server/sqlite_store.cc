#include "sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "audit_subjects.h"
#include "sqlite_statement.h"

namespace rolegate::server {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS revisions (
  seq      INTEGER PRIMARY KEY,
  revision TEXT NOT NULL UNIQUE,
  parent   TEXT NOT NULL UNIQUE,   -- '' for the seed: one child per parent, ever
  bundle   TEXT NOT NULL,
  at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  hash       TEXT PRIMARY KEY,
  member     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS tokens_member ON tokens(member);
CREATE TABLE IF NOT EXISTS secrets (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,
  member     TEXT NOT NULL,
  role       TEXT NOT NULL,
  scope      TEXT NOT NULL,
  salt       TEXT NOT NULL,
  hash       TEXT NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 0,
  state      TEXT NOT NULL,
  issued_at  TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS secrets_subject ON secrets(kind, member, role, scope, state);
CREATE TABLE IF NOT EXISTS outbox (
  id        INTEGER PRIMARY KEY,
  member    TEXT NOT NULL,
  channel   TEXT NOT NULL,
  at        TEXT NOT NULL,
  revision  TEXT NOT NULL,
  body      TEXT NOT NULL,
  secret    TEXT NOT NULL DEFAULT '',
  delivered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_member ON outbox(member, id);
CREATE TABLE IF NOT EXISTS audit (
  id              INTEGER PRIMARY KEY,
  at              TEXT NOT NULL,
  actor           TEXT NOT NULL,
  kind            TEXT NOT NULL,
  revision_before TEXT NOT NULL,
  revision_after  TEXT NOT NULL,
  detail          TEXT NOT NULL
);
-- Schema version 1: the members and scopes each audit entry touches.
CREATE TABLE IF NOT EXISTS audit_subjects (
  audit_id INTEGER NOT NULL,
  kind     TEXT NOT NULL,          -- 'member' or 'scope'
  value    TEXT NOT NULL,
  PRIMARY KEY (audit_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_subjects_value ON audit_subjects(kind, value, audit_id);
)sql";

// PRAGMA user_version of a database this build writes. 0: before audit_subjects.
constexpr int64_t kSchemaVersion = 1;

}  // namespace

namespace {

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { Run("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void Commit() {
    Run("COMMIT");
    open_ = false;
  }

 private:
  void Run(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw StoreError(std::string("database error at ") + sql + ": " + message);
    }
  }
  sqlite3* db_;
  bool open_ = true;
};

}  // namespace

SqliteStore::Reader& SqliteStore::ReaderOfThisThread() {
  std::lock_guard<std::mutex> lock(readers_mu_);
  std::unique_ptr<Reader>& r = readers_[std::this_thread::get_id()];
  if (r != nullptr) return *r;
  auto reader = std::make_unique<Reader>();
  if (sqlite3_open_v2(path_.c_str(), &reader->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(reader->db,
                         "SELECT member FROM tokens WHERE hash = ? AND revoked_at IS NULL", -1,
                         &reader->token, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(reader->db, "SELECT revision FROM revisions ORDER BY seq DESC LIMIT 1", -1,
                         &reader->head, nullptr) != SQLITE_OK) {
    const std::string message = reader->db ? sqlite3_errmsg(reader->db) : "out of memory";
    throw StoreError("cannot open a reader of `" + path_ + "`: " + message);
  }
  sqlite3_busy_timeout(reader->db, 10000);
  r = std::move(reader);
  return *r;
}

SqliteStore::SqliteStore(const std::string& path) : path_(path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open `" + path + "`: " + message);
  }
  // Another process writing waits up to 10 s for its turn instead of failing.
  sqlite3_busy_timeout(db_, 10000);
  try {
    Exec("PRAGMA journal_mode=WAL");
    // FULL: the WAL is synced at every commit, so an acknowledged commit survives
    // a power loss too, not only a killed process (NORMAL would only keep the
    // database consistent).
    Exec("PRAGMA synchronous=FULL");
    Exec("PRAGMA foreign_keys=ON");
    Migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

SqliteStore::~SqliteStore() { sqlite3_close(db_); }

// Creates what is missing and brings a database of an older schema up to
// kSchemaVersion, in one transaction: after a crash the file holds the old schema
// or the new one, whole. BEGIN IMMEDIATE, so of processes opening one file at
// once, one migrates and the others find it done.
void SqliteStore::Migrate() {
  Transaction txn(db_);
  int64_t version = 0;
  {
    Statement v(db_, "PRAGMA user_version");
    if (v.Step()) version = v.Int(0);
  }
  if (version > kSchemaVersion) {
    throw StoreError("`" + path_ + "` has schema version " + std::to_string(version) +
                     ", newer than this rolegate knows (" + std::to_string(kSchemaVersion) +
                     "): use a newer rolegate");
  }
  Exec(kSchema);
  if (version < 1) BackfillSubjects();
  if (version < kSchemaVersion) {
    Exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
  }
  txn.Commit();
}

// Schema 0 -> 1: the subjects of every audit entry, from its detail and the
// revision it was made on (read once per revision, and only when needed).
void SqliteStore::BackfillSubjects() {
  Statement rows(db_, "SELECT id, actor, revision_before, detail FROM audit ORDER BY id");
  std::string cached_revision;
  bool cached_tried = false;
  Json cached;
  while (rows.Step()) {
    const int64_t id = rows.Int(0);
    const std::string actor = rows.Text(1), before = rows.Text(2);
    ParsedJson detail = ParseJson(rows.Text(3));
    auto bundle_before = [&]() -> const Json* {
      if (before.empty()) return nullptr;
      if (!cached_tried || cached_revision != before) {
        cached_tried = true;
        cached_revision = before;
        cached = Json();
        Statement b(db_, "SELECT bundle FROM revisions WHERE revision = ?");
        b.Bind(1, before);
        if (b.Step()) {
          ParsedJson parsed = ParseJson(b.Text(0));
          if (parsed.ok()) cached = std::move(parsed.value);
        }
      }
      return cached.is_object() ? &cached : nullptr;
    };
    AuditSubjects subjects = SubjectsOfEntry(actor, detail.value, bundle_before);
    if (!detail.ok()) subjects.scopes.insert("");  // cannot tell: for readers of everything
    InsertSubjects(id, subjects);
  }
}

void SqliteStore::InsertSubjects(int64_t audit_id, const AuditSubjects& subjects) {
  Statement s(db_, "INSERT OR IGNORE INTO audit_subjects (audit_id, kind, value) VALUES (?, ?, ?)");
  for (const auto& [kind, values] :
       {std::make_pair("member", &subjects.members), std::make_pair("scope", &subjects.scopes)}) {
    for (const std::string& value : *values) {
      s.Reset();
      s.Bind(1, audit_id).Bind(2, std::string(kind)).Bind(3, value);
      if (!s.Run()) throw StoreError("cannot write the subjects of an audit entry");
    }
  }
}

void SqliteStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StoreError("database error: " + message);
  }
}

std::optional<StoredRevision> SqliteStore::Head() {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "SELECT seq, revision, parent, bundle, at FROM revisions "
              "ORDER BY seq DESC LIMIT 1");
  if (!s.Step()) return std::nullopt;
  return StoredRevision{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4)};
}

namespace {

// Runs a prepared one-column query of a reader; the text of its first row, or
// nullopt when there is none.
std::optional<std::string> FirstText(sqlite3* db, sqlite3_stmt* stmt) {
  const int rc = sqlite3_step(stmt);
  std::optional<std::string> out;
  if (rc == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(stmt, 0);
    out = t == nullptr ? std::string()
                       : std::string(reinterpret_cast<const char*>(t),
                                     static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    throw StoreError(std::string("database error: ") + sqlite3_errmsg(db));
  }
  return out;
}

}  // namespace

std::string SqliteStore::HeadRevision() {
  Reader& r = ReaderOfThisThread();
  return FirstText(r.db, r.head).value_or("");
}

void SqliteStore::InsertAudit(const AuditEntry& a, const AuditSubjects& subjects) {
  Statement s(db_,
              "INSERT INTO audit (at, actor, kind, revision_before, revision_after, detail) "
              "VALUES (?, ?, ?, ?, ?, ?)");
  s.Bind(1, a.at).Bind(2, a.actor).Bind(3, a.kind).Bind(4, a.revision_before);
  s.Bind(5, a.revision_after).Bind(6, a.detail);
  if (!s.Run()) throw StoreError("cannot write the audit entry");
  InsertSubjects(sqlite3_last_insert_rowid(db_), subjects);
}

bool SqliteStore::Seed(const StoredRevision& first, const AuditEntry& audit) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(db_);
  {
    Statement any(db_, "SELECT 1 FROM revisions LIMIT 1");
    if (any.Step()) return false;
  }
  Statement s(db_, "INSERT INTO revisions (revision, parent, bundle, at) VALUES (?, '', ?, ?)");
  s.Bind(1, first.revision).Bind(2, first.bundle).Bind(3, first.at);
  if (!s.Run()) throw StoreError("cannot write the first revision");
  InsertAudit(audit, AuditSubjects{});
  txn.Commit();
  return true;
}

CommitStatus SqliteStore::Commit(CommitRecord r) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(db_);
  {
    Statement head(db_, "SELECT revision FROM revisions ORDER BY seq DESC LIMIT 1");
    if (!head.Step() || head.Text(0) != r.parent) return CommitStatus::kStale;
  }
  if (r.next.revision != r.parent) {
    Statement s(db_, "INSERT INTO revisions (revision, parent, bundle, at) VALUES (?, ?, ?, ?)");
    s.Bind(1, r.next.revision).Bind(2, r.parent).Bind(3, r.next.bundle).Bind(4, r.next.at);
    // The parent already has a child, or the revision exists: another writer won.
    if (!s.Run()) return CommitStatus::kStale;
  }
  InsertAudit(r.audit, r.subjects);
  for (const Secret& x : r.secrets) {
    Statement v(db_,
                "UPDATE secrets SET state = 'void' WHERE kind = ? AND member = ? AND "
                "role = ? AND scope = ? AND state IN ('live', 'locked')");
    v.Bind(1, x.kind).Bind(2, x.member).Bind(3, x.role).Bind(4, x.scope);
    v.Run();
    Statement s(db_,
                "INSERT INTO secrets (id, kind, member, role, scope, salt, hash, attempts, "
                "state, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'live', ?, ?)");
    s.Bind(1, x.id).Bind(2, x.kind).Bind(3, x.member).Bind(4, x.role).Bind(5, x.scope);
    s.Bind(6, x.salt).Bind(7, x.hash).Bind(8, x.issued_at).Bind(9, x.expires_at);
    if (!s.Run()) throw StoreError("cannot write a secret (duplicate id)");
  }
  for (const std::string& id : r.secrets_used) {
    Statement s(db_, "UPDATE secrets SET state = 'used' WHERE id = ? AND state = 'live'");
    s.Bind(1, id);
    s.Run();
    if (sqlite3_changes(db_) != 1) return CommitStatus::kSpent;  // rolled back
  }
  for (const auto& [hash, member] : r.tokens) {
    Statement s(db_, "INSERT INTO tokens (hash, member, created_at) VALUES (?, ?, ?)");
    s.Bind(1, hash).Bind(2, member).Bind(3, r.next.at);
    if (!s.Run()) throw StoreError("cannot write a token (duplicate)");
  }
  for (const Message& m : r.messages) {
    Statement s(db_,
                "INSERT INTO outbox (member, channel, at, revision, body, secret) "
                "VALUES (?, ?, ?, ?, ?, ?)");
    s.Bind(1, m.member).Bind(2, m.channel).Bind(3, m.at).Bind(4, m.revision);
    s.Bind(5, m.body).Bind(6, m.secret);
    if (!s.Run()) throw StoreError("cannot write a message");
  }
  txn.Commit();
  return CommitStatus::kCommitted;
}

std::vector<StoredRevision> SqliteStore::Chain() {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "SELECT seq, revision, parent, at FROM revisions ORDER BY seq");
  std::vector<StoredRevision> out;
  while (s.Step()) out.push_back(StoredRevision{s.Int(0), s.Text(1), s.Text(2), "", s.Text(3)});
  return out;
}

std::optional<std::string> SqliteStore::TokenMember(const std::string& token_hash) {
  Reader& r = ReaderOfThisThread();
  sqlite3_bind_text(r.token, 1, token_hash.data(), static_cast<int>(token_hash.size()),
                    SQLITE_TRANSIENT);
  return FirstText(r.db, r.token);
}

void SqliteStore::AddToken(const std::string& token_hash, const std::string& member,
                           const std::string& at) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "INSERT INTO tokens (hash, member, created_at) VALUES (?, ?, ?)");
  s.Bind(1, token_hash).Bind(2, member).Bind(3, at);
  if (!s.Run()) throw StoreError("cannot write the token (duplicate)");
}

int64_t SqliteStore::RevokeTokens(const std::string& member, const std::string& at) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "UPDATE tokens SET revoked_at = ? WHERE member = ? AND revoked_at IS NULL");
  s.Bind(1, at).Bind(2, member);
  s.Run();
  return sqlite3_changes(db_);
}

std::optional<Secret> SqliteStore::FindSecretLocked(const std::string& id) {
  Statement s(db_,
              "SELECT id, kind, member, role, scope, salt, hash, attempts, state, "
              "issued_at, expires_at FROM secrets WHERE id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return Secret{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                s.Text(6), s.Int(7),  s.Text(8), s.Text(9), s.Text(10)};
}

std::optional<Secret> SqliteStore::FindSecret(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return FindSecretLocked(id);
}

std::optional<Secret> SqliteStore::ReserveAttempt(const std::string& id, int64_t max_attempts) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(db_);
  Statement s(db_,
              "UPDATE secrets SET attempts = attempts + 1 "
              "WHERE id = ? AND state = 'live' AND attempts < ?");
  s.Bind(1, id).Bind(2, max_attempts);
  s.Run();
  if (sqlite3_changes(db_) != 1) return std::nullopt;
  std::optional<Secret> after = FindSecretLocked(id);
  txn.Commit();
  return after;
}

void SqliteStore::RefundAttempt(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "UPDATE secrets SET attempts = attempts - 1 "
              "WHERE id = ? AND state = 'live' AND attempts > 0");
  s.Bind(1, id);
  s.Run();
}

std::optional<Secret> SqliteStore::LatestSecret(const std::string& kind, const std::string& member,
                                                const std::string& role, const std::string& scope) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string id;
  {
    Statement s(db_,
                "SELECT id FROM secrets WHERE kind = ? AND member = ? AND role = ? AND "
                "scope = ? ORDER BY issued_at DESC, rowid DESC LIMIT 1");
    s.Bind(1, kind).Bind(2, member).Bind(3, role).Bind(4, scope);
    if (!s.Step()) return std::nullopt;
    id = s.Text(0);
  }
  return FindSecretLocked(id);
}

void SqliteStore::Lock(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, "UPDATE secrets SET state = 'locked' WHERE id = ? AND state = 'live'");
  s.Bind(1, id);
  s.Run();
}

int64_t SqliteStore::CountIssuedSince(const std::string& kind, const std::string& member,
                                      const std::string& role, const std::string& scope,
                                      const std::string& since) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "SELECT COUNT(*) FROM secrets WHERE kind = ? AND member = ? AND role = ? "
              "AND scope = ? AND issued_at >= ?");
  s.Bind(1, kind).Bind(2, member).Bind(3, role).Bind(4, scope).Bind(5, since);
  return s.Step() ? s.Int(0) : 0;
}

std::vector<Message> SqliteStore::Messages(const std::string& member, int64_t after, int64_t limit,
                                           bool undelivered_only) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "SELECT id, member, channel, at, revision, body, secret, delivered FROM outbox "
              "WHERE (? = '' OR member = ?) AND id > ? AND (? = 0 OR delivered = 0) "
              "ORDER BY id LIMIT ?");
  s.Bind(1, member).Bind(2, member).Bind(3, after).Bind(4, int64_t{undelivered_only ? 1 : 0});
  s.Bind(5, limit);
  std::vector<Message> out;
  while (s.Step()) {
    out.push_back(Message{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                          s.Text(6), s.Int(7) != 0});
  }
  return out;
}

void SqliteStore::MarkDelivered(const std::vector<int64_t>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  Transaction txn(db_);
  for (int64_t id : ids) {
    Statement s(db_, "UPDATE outbox SET delivered = 1, secret = '' WHERE id = ?");
    s.Bind(1, id);
    s.Run();
  }
  txn.Commit();
}

}  // namespace rolegate::server
