// The state of record of `rolegate serve` (docs/server.md), behind one small
// interface so that another database can hold it without touching the handlers.
//
// What a store keeps: the chain of bundle revisions (each with its parent; only
// one child per parent can ever be written, so of two commits built on one
// revision exactly one wins), bearer tokens (hashed), secrets (postal PINs and
// invitation tokens: salted hashes, attempts, expiry, state), the outbox of
// messages and the audit log, with the members and scopes each entry touches (by
// which it is read per caller). A commit writes all of what it changes in one
// transaction: after a crash at any moment the store holds the commit whole or
// not at all.
//
// Every method may throw StoreError when the database fails (a full disk, a
// corrupt file); the caller answers 503 and nothing is half-written.
#ifndef ROLEGATE_SERVER_STORE_H_
#define ROLEGATE_SERVER_STORE_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rolegate::server {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One revision of the bundle. `seq` counts from 1 in commit order.
struct StoredRevision {
  int64_t seq = 0;
  std::string revision;
  std::string parent;  // "" for the seed
  std::string bundle;  // canonical JSON text
  std::string at;      // server time of the commit
};

// An entry of the audit log: who did what, when, on which revision.
struct AuditEntry {
  int64_t id = 0;  // assigned by the store, increasing
  std::string at;
  std::string actor;  // member id ("" for the operator seeding the store)
  std::string kind;   // "seed", "change", "decision", "verification", "invitation", "token"
  std::string revision_before, revision_after;
  std::string detail;  // canonical JSON: the change set, the access diff, ...
};

// Whom and what an audit entry touches: member ids and scope ids (its actor, what
// the change names, the access it changed: engine/server/audit_subjects.h). The
// audit log is filtered and shown per caller by them.
struct AuditSubjects {
  std::set<std::string> members, scopes;
};

// Rows one reading of the audit log examines at most (docs/server.md, "Limits"):
// a reader who may see little of a long log gets what was found so far and where
// to resume, instead of holding a worker while the whole log is searched.
constexpr int64_t kAuditMaxExamined = 5000;
// The most scopes the store walks the log through (AuditQuery::through).
constexpr size_t kAuditMaxThrough = 1024;

// Which audit entries to read (docs/server.md, "API").
struct AuditQuery {
  bool newest_first = false;
  int64_t after = 0;                                     // oldest first: entries with id > after
  int64_t before = std::numeric_limits<int64_t>::max();  // newest first: id < before
  int64_t limit = 100;
  std::string member;  // when not "": entries with this member among their subjects
  // When set: entries touching at least one scope it accepts (scope ids).
  std::function<bool(const std::string&)> in_scope;
  // When set: entries touching at least one scope, every one of which it accepts
  // (what the caller may read). Unset: every entry.
  std::function<bool(const std::string&)> readable;
  // When given: scopes one of which every entry wanted touches (at most
  // kAuditMaxThrough; the ones both filters accept). The log is walked through
  // the subjects of these scopes instead of entry by entry.
  std::optional<std::vector<std::string>> through;
  // Rows examined at most (index rows and entries checked) before stopping.
  int64_t max_examined = kAuditMaxExamined;
};

// What a reading of the audit log found.
struct AuditPage {
  std::vector<AuditEntry> entries;  // at most query.limit
  // Set when the reading stopped at max_examined before the end of what was
  // asked: the `after` (oldest first) or `before` (newest first) that resumes it.
  // Every entry between the cursor and it was examined.
  std::optional<int64_t> resume;
  int64_t examined = 0;  // rows examined
};

// A message of the outbox, for one member over one channel.
struct Message {
  int64_t id = 0;  // assigned by the store, increasing
  std::string member, channel, at, revision;
  std::string body;    // canonical JSON: the engine's event, and what the server adds
  std::string secret;  // the PIN or invitation token it carries, until delivered; else ""
  bool delivered = false;
};

// A postal PIN ("pin", for a member's self-upgrade to role on scope) or an
// invitation token ("invitation", for an invited member).
struct Secret {
  std::string id;
  std::string kind;
  std::string member, role, scope;
  std::string salt, hash;  // hex; the secret itself is never stored here
  int64_t attempts = 0;    // wrong answers so far
  std::string state;       // "live", "used", "void" (superseded), "locked"
  std::string issued_at, expires_at;
};

// Everything one commit writes.
struct CommitRecord {
  std::string parent;   // the head it was built on
  StoredRevision next;  // seq is assigned by the store
  AuditEntry audit;
  AuditSubjects subjects;  // of the audit entry, written with it
  std::vector<Message> messages;
  // New secrets. Each voids the live ones of the same kind, member, role and scope.
  std::vector<Secret> secrets;
  // Secrets this commit uses up: their ids. Each must still be live, or the
  // commit is kSpent.
  std::vector<std::string> secrets_used;
  // Bearer tokens minted by this commit: hash -> member.
  std::vector<std::pair<std::string, std::string>> tokens;
};

// kSpent: a secret the commit uses up was no longer live (used, locked or voided
// by a request that finished first): nothing is written.
enum class CommitStatus { kCommitted, kStale, kSpent };

class Store {
 public:
  virtual ~Store() = default;

  // The newest revision; nullopt while the store holds none.
  virtual std::optional<StoredRevision> Head() = 0;
  // The newest revision's id only (cheap: no bundle text); "" while none.
  virtual std::string HeadRevision() = 0;
  // Writes the first revision and its audit entry, when the store holds none.
  // Returns false, writing nothing, when it already holds one.
  virtual bool Seed(const StoredRevision& first, const AuditEntry& audit) = 0;
  // Writes the commit when `record.parent` is still the head; kStale otherwise,
  // writing nothing.
  virtual CommitStatus Commit(CommitRecord record) = 0;
  // The revisions in order, without their bundles (for checks of the chain).
  virtual std::vector<StoredRevision> Chain() = 0;

  // Bearer tokens, by the hash of the token.
  virtual std::optional<std::string> TokenMember(const std::string& token_hash) = 0;
  virtual void AddToken(const std::string& token_hash, const std::string& member,
                        const std::string& at) = 0;
  // Revokes every token of the member; returns how many were live.
  virtual int64_t RevokeTokens(const std::string& member, const std::string& at) = 0;

  virtual std::optional<Secret> FindSecret(const std::string& id) = 0;
  // Takes one of the secret's `max_attempts` tries before the answer is checked,
  // atomically: nullopt when it is not live or its tries are used up. So however
  // many answers arrive at once, at most `max_attempts` are ever checked.
  virtual std::optional<Secret> ReserveAttempt(const std::string& id, int64_t max_attempts) = 0;
  // Gives back a try taken for a right answer whose commit did not happen (the
  // revision moved on meanwhile), so that retrying does not use the secret up.
  virtual void RefundAttempt(const std::string& id) = 0;
  // Locks a live secret (its last try was wrong).
  virtual void Lock(const std::string& id) = 0;
  // The newest secret of this kind and subject, whatever its state.
  virtual std::optional<Secret> LatestSecret(const std::string& kind, const std::string& member,
                                             const std::string& role, const std::string& scope) = 0;
  // How many secrets of this kind and subject were issued at or after `since`.
  virtual int64_t CountIssuedSince(const std::string& kind, const std::string& member,
                                   const std::string& role, const std::string& scope,
                                   const std::string& since) = 0;

  // The member's messages ("" for every member) with id > after, oldest first.
  virtual std::vector<Message> Messages(const std::string& member, int64_t after, int64_t limit,
                                        bool undelivered_only) = 0;
  // Marks messages delivered and forgets the secrets they carried.
  virtual void MarkDelivered(const std::vector<int64_t>& ids) = 0;

  // Audit entries as `query` asks, oldest or newest first, at most query.limit,
  // examining at most query.max_examined rows.
  virtual AuditPage QueryAudit(const AuditQuery& query) = 0;
  // The subjects written with an audit entry (empty for an unknown id).
  virtual AuditSubjects SubjectsOf(int64_t audit_id) = 0;
  // Audit entries with id > after, oldest first.
  std::vector<AuditEntry> Audit(int64_t after, int64_t limit) {
    AuditQuery query;
    query.after = after;
    query.limit = limit;
    return QueryAudit(query).entries;
  }
};

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_STORE_H_
