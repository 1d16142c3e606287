// The embedded store of record: one SQLite file (docs/server.md, "Storage").
//
// The file is opened in WAL mode with synchronous=FULL: a commit is acknowledged
// only once it is on disk, so it survives the process being killed and the machine
// losing power; readers never wait for the writer. Writes take the database's
// write lock first (BEGIN IMMEDIATE), so several processes may share one file and
// still never write two children of one revision (a UNIQUE parent enforces it).
#ifndef ROLEGATE_SERVER_SQLITE_STORE_H_
#define ROLEGATE_SERVER_SQLITE_STORE_H_

#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "store.h"

struct sqlite3;

namespace rolegate::server {

class SqliteStore : public Store {
 public:
  // Opens (creating when missing) the database at `path` and its tables, and
  // migrates a database of an older schema (PRAGMA user_version) in one
  // transaction. Throws StoreError when it cannot, or when the file's schema is
  // newer than this build's.
  explicit SqliteStore(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::optional<StoredRevision> Head() override;
  std::string HeadRevision() override;
  bool Seed(const StoredRevision& first, const AuditEntry& audit) override;
  CommitStatus Commit(CommitRecord record) override;
  std::vector<StoredRevision> Chain() override;
  std::optional<std::string> TokenMember(const std::string& token_hash) override;
  void AddToken(const std::string& token_hash, const std::string& member,
                const std::string& at) override;
  int64_t RevokeTokens(const std::string& member, const std::string& at) override;
  std::optional<Secret> FindSecret(const std::string& id) override;
  std::optional<Secret> ReserveAttempt(const std::string& id, int64_t max_attempts) override;
  void RefundAttempt(const std::string& id) override;
  void Lock(const std::string& id) override;
  std::optional<Secret> LatestSecret(const std::string& kind, const std::string& member,
                                     const std::string& role, const std::string& scope) override;
  int64_t CountIssuedSince(const std::string& kind, const std::string& member,
                           const std::string& role, const std::string& scope,
                           const std::string& since) override;
  std::vector<Message> Messages(const std::string& member, int64_t after, int64_t limit,
                                bool undelivered_only) override;
  void MarkDelivered(const std::vector<int64_t>& ids) override;
  AuditPage QueryAudit(const AuditQuery& query) override;
  AuditSubjects SubjectsOf(int64_t audit_id) override;

 private:
  class Statement;
  class AuditWalk;  // QueryAudit's join (sqlite_audit.cc)
  // A read-only connection of one thread, with the statements of the hot paths
  // (who a token belongs to, the head revision) prepared once: every request
  // asks both, and readers never wait for each other or for the writer (WAL).
  struct Reader;
  Reader& ReaderOfThisThread();
  void Exec(const char* sql);
  std::optional<Secret> FindSecretLocked(const std::string& id);
  void InsertAudit(const AuditEntry& entry, const AuditSubjects& subjects);
  void InsertSubjects(int64_t audit_id, const AuditSubjects& subjects);
  void Migrate();
  void BackfillSubjects();

  std::string path_;
  std::mutex mu_;  // one connection, used by one thread at a time
  sqlite3* db_ = nullptr;
  std::mutex readers_mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<Reader>> readers_;
};

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_SQLITE_STORE_H_
