// Reading the audit log (SqliteStore::QueryAudit). The log is read as the
// intersection of streams of entry ids, all walked in the same direction and each
// able to seek (a leapfrog join): the entries of the member (through the index on
// (kind, value, audit_id)), the entries touching one of the `through` scopes (the
// same index, merged), or, when neither is given, every id in the range. Each id
// all streams agree on is checked against the filters through the primary key of
// audit_subjects. Every index row read and every entry checked counts as
// examined; at max_examined the reading stops where it is, and says where to
// resume (every id passed over was decided).
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "sqlite_statement.h"
#include "sqlite_store.h"

namespace rolegate::server {
namespace {

// A deferred read transaction: the statements of one reading see one snapshot.
class ReadTransaction {
 public:
  explicit ReadTransaction(sqlite3* db) : db_(db) {
    if (sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("database error at BEGIN: ") + sqlite3_errmsg(db_));
    }
  }
  ~ReadTransaction() { sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr); }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  sqlite3* db_;
};

constexpr const char* kColumns =
    "SELECT id, at, actor, kind, revision_before, revision_after, detail FROM audit ";

}  // namespace

class SqliteStore::AuditWalk {
 public:
  // Walks the ids [lo, hi) in the query's direction into `page`.
  AuditWalk(sqlite3* db, const AuditQuery& q, int64_t lo, int64_t hi, AuditPage* page)
      : q_(q),
        forward_(!q.newest_first),
        lo_(lo),
        hi_(hi),
        page_(*page),
        seek_(db, forward_ ? "SELECT audit_id FROM audit_subjects WHERE kind = ? AND "
                             "value = ? AND audit_id >= ? AND audit_id < ? "
                             "ORDER BY audit_id LIMIT 1"
                           : "SELECT audit_id FROM audit_subjects WHERE kind = ? AND "
                             "value = ? AND audit_id <= ? AND audit_id >= ? "
                             "ORDER BY audit_id DESC LIMIT 1"),
        scopes_of_(db,
                   "SELECT value FROM audit_subjects WHERE audit_id = ? AND "
                   "kind = 'scope'"),
        entry_(db, (std::string(kColumns) + "WHERE id = ?").c_str()) {
    if (!q.member.empty()) streams_.push_back(kMember);
    if (q.through) streams_.push_back(kScopes);
    if (streams_.empty()) streams_.push_back(kRange);  // every id of the range (ids are dense)
  }

  // The entry a statement of kColumns is on.
  static AuditEntry ReadEntry(Statement& s) {
    return AuditEntry{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6)};
  }

  void Run() {
    const int64_t start = forward_ ? lo_ : hi_ - 1;
    int64_t x = start;
    while (static_cast<int64_t>(page_.entries.size()) < q_.limit) {
      if (x < lo_ || x >= hi_) return;
      // The next id every stream has, at or after x.
      if (!Agree(start, &x)) return;
      if (page_.examined >= q_.max_examined && x != start) return StopAt(x);
      if (Keep(x)) {
        entry_.Reset();
        entry_.Bind(1, x);
        if (entry_.Step()) page_.entries.push_back(ReadEntry(entry_));
      }
      x = forward_ ? x + 1 : x - 1;
    }
  }

 private:
  enum Stream { kMember, kScopes, kRange };
  // One subject's entries: the head, kept while it is not passed.
  struct Cursor {
    std::string value;
    int64_t head = 0;
  };

  // Whether `a` comes before `b` in the walk.
  bool Before(int64_t a, int64_t b) const { return forward_ ? a < b : a > b; }
  void StopAt(int64_t at) { page_.resume = forward_ ? at - 1 : at + 1; }

  // Moves `x` on to the next id all streams have; false when one has none (or the
  // reading stopped at max_examined).
  bool Agree(int64_t start, int64_t* x) {
    size_t agreed = 0;
    for (size_t i = 0; agreed < streams_.size(); i = (i + 1) % streams_.size()) {
      if (page_.examined >= q_.max_examined && *x != start) {
        StopAt(*x);
        return false;
      }
      const std::optional<int64_t> y = Next(streams_[i], *x);
      if (!y) return false;
      if (*y == *x) {
        ++agreed;
      } else {
        *x = *y;
        agreed = 1;
      }
    }
    return true;
  }

  // The first id at or after `x` (in the walk) of stream `s`.
  std::optional<int64_t> Next(Stream s, int64_t x) {
    switch (s) {
      case kMember:
        return MemberNext(x);
      case kScopes:
        return ScopesNext(x);
      case kRange:
        break;
    }
    if (x < lo_ || x >= hi_) return std::nullopt;
    return x;
  }

  // The first entry at or after `x` (in the walk) with subject (kind, value).
  std::optional<int64_t> SeekSubject(const std::string& kind, const std::string& value, int64_t x) {
    seek_.Reset();
    seek_.Bind(1, kind).Bind(2, value).Bind(3, x).Bind(4, forward_ ? hi_ : lo_);
    ++page_.examined;
    if (!seek_.Step()) return std::nullopt;
    return seek_.Int(0);
  }

  std::optional<int64_t> MemberNext(int64_t x) {
    if (member_started_ && !Before(member_.head, x)) return member_.head;
    member_started_ = true;
    std::optional<int64_t> found = SeekSubject("member", q_.member, x);
    if (!found) return std::nullopt;
    member_.head = *found;
    return found;
  }

  // The `through` scopes' entries, merged: a heap of their heads, the next first.
  std::optional<int64_t> ScopesNext(int64_t x) {
    auto later = [this](const Cursor& a, const Cursor& b) { return Before(b.head, a.head); };
    if (!scopes_started_) {
      scopes_started_ = true;
      for (const std::string& value : *q_.through) {
        if (std::optional<int64_t> found = SeekSubject("scope", value, x)) {
          scopes_.push_back(Cursor{value, *found});
        }
      }
      std::make_heap(scopes_.begin(), scopes_.end(), later);
    }
    while (!scopes_.empty() && Before(scopes_.front().head, x)) {
      std::pop_heap(scopes_.begin(), scopes_.end(), later);
      if (std::optional<int64_t> found = SeekSubject("scope", scopes_.back().value, x)) {
        scopes_.back().head = *found;
        std::push_heap(scopes_.begin(), scopes_.end(), later);
      } else {
        scopes_.pop_back();
      }
    }
    if (scopes_.empty()) return std::nullopt;
    return scopes_.front().head;
  }

  // Whether entry `x` passes the scope filters.
  bool Keep(int64_t x) {
    if (!q_.in_scope && !q_.readable) return true;
    bool any = false, in_scope = !q_.in_scope, readable = true;
    scopes_of_.Reset();
    scopes_of_.Bind(1, x);
    ++page_.examined;
    while (scopes_of_.Step()) {
      const std::string value = scopes_of_.Text(0);
      any = true;
      if (!in_scope && q_.in_scope(value)) in_scope = true;
      if (q_.readable && !q_.readable(value)) readable = false;
    }
    return in_scope && (!q_.readable || (any && readable));
  }

  const AuditQuery& q_;
  const bool forward_;
  const int64_t lo_, hi_;
  AuditPage& page_;
  Statement seek_, scopes_of_, entry_;
  std::vector<Stream> streams_;
  Cursor member_;
  bool member_started_ = false;
  std::vector<Cursor> scopes_;
  bool scopes_started_ = false;
};

AuditPage SqliteStore::QueryAudit(const AuditQuery& q) {
  AuditPage page;
  if (q.limit <= 0) return page;
  Reader& reader = ReaderOfThisThread();
  sqlite3* db = reader.db;
  ReadTransaction snapshot(db);
  // The ids asked for: [lo, hi).
  int64_t lo = 1, hi = std::numeric_limits<int64_t>::max();
  if (q.newest_first) {
    hi = q.before;
  } else if (q.after < std::numeric_limits<int64_t>::max()) {
    lo = std::max<int64_t>(lo, q.after + 1);
  } else {
    return page;
  }
  {
    Statement last(db, "SELECT COALESCE(MAX(id), 0) FROM audit");
    if (last.Step()) hi = std::min(hi, last.Int(0) + 1);
  }
  if (lo >= hi) return page;
  if (q.through && q.through->empty()) return page;
  // Nothing to check: the range, in order.
  if (q.member.empty() && !q.in_scope && !q.readable && !q.through) {
    const std::string sql = std::string(kColumns) + "WHERE id >= ? AND id < ? ORDER BY id" +
                            (q.newest_first ? " DESC" : "") + " LIMIT ?";
    Statement s(db, sql.c_str());
    s.Bind(1, lo).Bind(2, hi).Bind(3, q.limit);
    while (s.Step()) {
      page.entries.push_back(AuditWalk::ReadEntry(s));
      ++page.examined;
    }
    return page;
  }
  AuditWalk(db, q, lo, hi, &page).Run();
  return page;
}

AuditSubjects SqliteStore::SubjectsOf(int64_t audit_id) {
  Reader& reader = ReaderOfThisThread();
  Statement s(reader.db, "SELECT kind, value FROM audit_subjects WHERE audit_id = ?");
  s.Bind(1, audit_id);
  AuditSubjects out;
  while (s.Step()) (s.Text(0) == "member" ? out.members : out.scopes).insert(s.Text(1));
  return out;
}

}  // namespace rolegate::server
