// The Store contract (engine/server/store.h), on the SQLite store: one child per
// parent revision, a commit written whole or not at all, secrets used once,
// tries taken atomically, tokens revoked, the audit log read by its subjects and
// a database of the schema before them migrated at open. A second Store
// (PostgreSQL) must pass the same checks.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../../engine/server/audit_subjects.h"
#include "../../engine/server/secrets.h"
#include "../../engine/server/sqlite_store.h"

namespace rolegate::server {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/rolegate-store-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/state.sqlite";
    store_ = std::make_unique<SqliteStore>(path_);
    ASSERT_TRUE(store_->Seed(StoredRevision{0, "r0", "", "{}", "2026-12-01T00:00:00Z"},
                             AuditEntry{0, "2026-12-01T00:00:00Z", "", "seed", "", "r0", "{}"}));
  }
  void TearDown() override {
    store_.reset();
    std::system(("rm -rf " + dir_).c_str());
  }

  static CommitRecord Next(const std::string& parent, const std::string& revision) {
    CommitRecord c;
    c.parent = parent;
    c.next =
        StoredRevision{0, revision, parent, "{\"r\":\"" + revision + "\"}", "2026-12-01T00:00:01Z"};
    c.audit = AuditEntry{0, "2026-12-01T00:00:01Z", "m-a", "change", parent, revision, "{}"};
    return c;
  }

  static Secret Pin(const std::string& id) {
    Secret s;
    s.id = id;
    s.kind = "pin";
    s.member = "m-a";
    s.role = "admin";
    s.scope = "acc";
    s.salt = "00";
    s.hash = HashSecret("00", "123456");
    s.state = "live";
    s.issued_at = "2026-12-01T00:00:01Z";
    s.expires_at = "2026-12-29T00:00:01Z";
    return s;
  }

  std::string dir_, path_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(StoreTest, SeedsOnceAndCommitsOnTheHeadOnly) {
  EXPECT_FALSE(store_->Seed(StoredRevision{0, "other", "", "{}", "t"},
                            AuditEntry{0, "t", "", "seed", "", "other", "{}"}));
  EXPECT_EQ(store_->HeadRevision(), "r0");
  EXPECT_EQ(store_->Commit(Next("r0", "r1")), CommitStatus::kCommitted);
  EXPECT_EQ(store_->Commit(Next("r0", "r1b")), CommitStatus::kStale);  // r0 is no longer the head
  EXPECT_EQ(store_->HeadRevision(), "r1");
  EXPECT_EQ(store_->Head()->bundle, "{\"r\":\"r1\"}");
  const std::vector<StoredRevision> chain = store_->Chain();
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[1].parent, "r0");
  EXPECT_EQ(store_->Audit(0, 10).size(), 2u);  // the seed's and the commit's, not the stale one's
}

TEST_F(StoreTest, OfManyWritersOnOneRevisionExactlyOneWins) {
  // Separate connections, as separate processes would have.
  std::atomic<int> won{0}, stale{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 8; ++i) {
    writers.emplace_back([&, i] {
      SqliteStore mine(path_);
      const CommitStatus s = mine.Commit(Next("r0", "w" + std::to_string(i)));
      (s == CommitStatus::kCommitted ? won : stale)++;
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(stale.load(), 7);
  EXPECT_EQ(store_->Chain().size(), 2u);
}

TEST_F(StoreTest, ASecretIsUsedOnceAndANewOneVoidsTheOld) {
  CommitRecord c = Next("r0", "r1");
  c.secrets.push_back(Pin("ver-1"));
  c.messages.push_back(Message{0, "m-a", "post", "t", "r1", "{}", "123456", false});
  ASSERT_EQ(store_->Commit(std::move(c)), CommitStatus::kCommitted);
  CommitRecord resend = Next("r1", "r2");
  resend.secrets.push_back(Pin("ver-2"));
  ASSERT_EQ(store_->Commit(std::move(resend)), CommitStatus::kCommitted);
  EXPECT_EQ(store_->FindSecret("ver-1")->state, "void");
  EXPECT_EQ(store_->FindSecret("ver-2")->state, "live");

  CommitRecord use = Next("r2", "r3");
  use.secrets_used = {"ver-2"};
  ASSERT_EQ(store_->Commit(std::move(use)), CommitStatus::kCommitted);
  EXPECT_EQ(store_->FindSecret("ver-2")->state, "used");
  // Using it again: nothing of the commit is written.
  CommitRecord again = Next("r3", "r4");
  again.secrets_used = {"ver-2"};
  again.messages.push_back(Message{0, "m-a", "email", "t", "r4", "{}", "", false});
  EXPECT_EQ(store_->Commit(std::move(again)), CommitStatus::kSpent);
  EXPECT_EQ(store_->HeadRevision(), "r3");
  EXPECT_EQ(store_->Messages("m-a", 0, 10, false).size(), 1u);
}

TEST_F(StoreTest, TriesAreTakenAtomicallyAndNeverMoreThanTheLimit) {
  CommitRecord c = Next("r0", "r1");
  c.secrets.push_back(Pin("ver-1"));
  ASSERT_EQ(store_->Commit(std::move(c)), CommitStatus::kCommitted);
  std::atomic<int> taken{0};
  std::vector<std::thread> guessers;
  for (int i = 0; i < 16; ++i) {
    guessers.emplace_back([&] {
      SqliteStore mine(path_);
      if (mine.ReserveAttempt("ver-1", 5)) ++taken;
    });
  }
  for (std::thread& t : guessers) t.join();
  EXPECT_EQ(taken.load(), 5);
  EXPECT_EQ(store_->FindSecret("ver-1")->attempts, 5);
  store_->Lock("ver-1");
  EXPECT_EQ(store_->FindSecret("ver-1")->state, "locked");
  EXPECT_FALSE(store_->ReserveAttempt("ver-1", 5));
  EXPECT_EQ(store_->CountIssuedSince("pin", "m-a", "admin", "acc", "2026-12-01T00:00:00Z"), 1);
  EXPECT_EQ(store_->CountIssuedSince("pin", "m-a", "admin", "acc", "2026-12-02T00:00:00Z"), 0);
}

TEST_F(StoreTest, TokensAreFoundByHashAndRevoked) {
  store_->AddToken(Sha256Hex("rg_a"), "m-a", "t");
  store_->AddToken(Sha256Hex("rg_b"), "m-a", "t");
  EXPECT_EQ(store_->TokenMember(Sha256Hex("rg_a")).value_or(""), "m-a");
  EXPECT_FALSE(store_->TokenMember(Sha256Hex("rg_c")).has_value());
  EXPECT_EQ(store_->RevokeTokens("m-a", "t2"), 2);
  EXPECT_FALSE(store_->TokenMember(Sha256Hex("rg_a")).has_value());
}

TEST_F(StoreTest, DeliveryForgetsTheSecretsLettersCarried) {
  CommitRecord c = Next("r0", "r1");
  c.messages.push_back(Message{0, "m-a", "post", "t", "r1", "{}", "123456", false});
  c.messages.push_back(Message{0, "m-b", "email", "t", "r1", "{}", "", false});
  ASSERT_EQ(store_->Commit(std::move(c)), CommitStatus::kCommitted);
  const std::vector<Message> pending = store_->Messages("", 0, 10, true);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].secret, "123456");
  store_->MarkDelivered({pending[0].id});
  EXPECT_EQ(store_->Messages("", 0, 10, true).size(), 1u);
  const std::vector<Message> all = store_->Messages("m-a", 0, 10, false);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_TRUE(all[0].delivered);
  EXPECT_EQ(all[0].secret, "");
}

// Runs SQL on the file directly, as another program (or an older rolegate) would.
void Sql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

int64_t SqlInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* stmt = nullptr;
  int64_t out = -1;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    out = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::vector<int64_t> Ids(const std::vector<AuditEntry>& entries) {
  std::vector<int64_t> out;
  for (const AuditEntry& e : entries) out.push_back(e.id);
  return out;
}

std::vector<int64_t> Ids(const AuditPage& page) { return Ids(page.entries); }

// A filter accepting these scope ids.
std::function<bool(const std::string&)> Among(std::vector<std::string> ids) {
  return [set = std::set<std::string>(ids.begin(), ids.end())](const std::string& id) {
    return set.count(id) > 0;
  };
}

AuditSubjects Subjects(std::set<std::string> members, std::set<std::string> scopes) {
  AuditSubjects s;
  s.members = std::move(members);
  s.scopes = std::move(scopes);
  return s;
}

TEST_F(StoreTest, SubjectsAreWrittenWithTheirEntryAndFilterTheLog) {
  // 2: acc-a; 3: acc-b; 4: both; 5: a member only, no scope.
  const std::vector<AuditSubjects> subjects = {
      Subjects({"m-a", "m-x"}, {"acc-a"}), Subjects({"m-a"}, {"acc-b"}),
      Subjects({"m-a", "m-x"}, {"acc-a", "acc-b"}), Subjects({"m-x"}, {})};
  std::string parent = "r0";
  for (size_t i = 0; i < subjects.size(); ++i) {
    CommitRecord c = Next(parent, "r" + std::to_string(i + 1));
    c.subjects = subjects[i];
    parent = c.next.revision;
    ASSERT_EQ(store_->Commit(std::move(c)), CommitStatus::kCommitted);
  }
  // A stale commit writes no subjects either.
  CommitRecord stale = Next("r0", "r-stale");
  stale.subjects = Subjects({"m-stale"}, {"acc-stale"});
  EXPECT_EQ(store_->Commit(std::move(stale)), CommitStatus::kStale);
  EXPECT_EQ(SqlInt(path_, "SELECT count(*) FROM audit_subjects WHERE value LIKE '%stale'"), 0);

  EXPECT_EQ(store_->SubjectsOf(4).scopes, (std::set<std::string>{"acc-a", "acc-b"}));
  EXPECT_EQ(store_->SubjectsOf(4).members, (std::set<std::string>{"m-a", "m-x"}));
  EXPECT_TRUE(store_->SubjectsOf(1).members.empty());  // the seed
  EXPECT_TRUE(store_->SubjectsOf(99).scopes.empty());

  AuditQuery q;
  EXPECT_EQ(Ids(store_->QueryAudit(q)), (std::vector<int64_t>{1, 2, 3, 4, 5}));
  q.newest_first = true;
  EXPECT_EQ(Ids(store_->QueryAudit(q)), (std::vector<int64_t>{5, 4, 3, 2, 1}));
  q.before = 4;
  q.limit = 2;
  EXPECT_EQ(Ids(store_->QueryAudit(q)), (std::vector<int64_t>{3, 2}));
  q.before = 0;
  EXPECT_TRUE(store_->QueryAudit(q).entries.empty());

  AuditQuery by_member;
  by_member.member = "m-x";
  EXPECT_EQ(Ids(store_->QueryAudit(by_member)), (std::vector<int64_t>{2, 4, 5}));
  by_member.newest_first = true;
  by_member.limit = 2;
  EXPECT_EQ(Ids(store_->QueryAudit(by_member)), (std::vector<int64_t>{5, 4}));
  by_member.before = 4;
  EXPECT_EQ(Ids(store_->QueryAudit(by_member)), (std::vector<int64_t>{2}));

  for (const bool through : {false, true}) {
    AuditQuery by_scope;
    by_scope.in_scope = Among({"acc-b", "acc-z"});
    if (through) by_scope.through = std::vector<std::string>{"acc-b", "acc-z"};
    EXPECT_EQ(Ids(store_->QueryAudit(by_scope)), (std::vector<int64_t>{3, 4}));

    // Readable: every scope touched among these, and at least one.
    AuditQuery for_a;
    for_a.readable = Among({"acc-a"});
    if (through) for_a.through = std::vector<std::string>{"acc-a"};
    EXPECT_EQ(Ids(store_->QueryAudit(for_a)), (std::vector<int64_t>{2}));
    for_a.member = "m-x";
    EXPECT_EQ(Ids(store_->QueryAudit(for_a)), (std::vector<int64_t>{2}));
    for_a.member.clear();
    for_a.in_scope = Among({"acc-b"});
    EXPECT_TRUE(store_->QueryAudit(for_a).entries.empty());
    AuditQuery for_both;
    for_both.readable = Among({"acc-a", "acc-b"});
    if (through) for_both.through = std::vector<std::string>{"acc-a", "acc-b"};
    for_both.newest_first = true;
    EXPECT_EQ(Ids(store_->QueryAudit(for_both)), (std::vector<int64_t>{4, 3, 2}));
    for_both.readable = Among({});
    if (through) for_both.through = std::vector<std::string>{};
    EXPECT_TRUE(store_->QueryAudit(for_both).entries.empty());
  }
}

// Pages a query to its end, following `resume` as well as the last entry of a
// full page; checks that no page examines much more than it may.
std::vector<int64_t> AllPages(Store& store, AuditQuery q, int* pages = nullptr) {
  std::vector<int64_t> got;
  const int64_t slack = static_cast<int64_t>(q.through ? q.through->size() : 0) + 2;
  for (int page = 0; page < 100000; ++page) {
    const AuditPage p = store.QueryAudit(q);
    EXPECT_LE(p.examined, q.max_examined + slack);
    for (const AuditEntry& e : p.entries) got.push_back(e.id);
    if (pages != nullptr) ++*pages;
    int64_t next;
    if (static_cast<int64_t>(p.entries.size()) == q.limit) {
      next = p.entries.back().id;
    } else if (p.resume) {
      // Past every entry returned, and moving on.
      if (!p.entries.empty()) {
        EXPECT_TRUE(q.newest_first ? *p.resume < p.entries.back().id
                                   : *p.resume >= p.entries.back().id);
      }
      EXPECT_TRUE(q.newest_first ? *p.resume < q.before : *p.resume > q.after);
      next = *p.resume;
    } else {
      break;
    }
    (q.newest_first ? q.before : q.after) = next;
  }
  return got;
}

// A long log, few of whose entries a reader may see: read entry by entry or
// through the scopes' index, with a member filter or not, whole or stopped
// every few rows examined and resumed, it gives exactly what reading everything
// would, page after page, either way.
TEST_F(StoreTest, LongLogsArePagedTheSameEveryWay) {
  // Entry i touches scope s-(i % 1000) and member m-(i % 7); some also touch s-8.
  constexpr int kEntries = 9000;
  std::string sql = "BEGIN;";
  for (int i = 2; i <= kEntries; ++i) {
    const std::string id = std::to_string(i);
    sql += "INSERT INTO audit VALUES (" + id + ", 't', 'm-a', 'change', 'x', 'y', '{}');";
    const std::string subject = "INSERT INTO audit_subjects VALUES (" + id + ", ";
    sql += subject + "'scope', 's-" + std::to_string(i % 1000) + "');";
    if (i % 3000 == 7) sql += subject + "'scope', 's-8');";
    sql += subject + "'member', 'm-" + std::to_string(i % 7) + "');";
  }
  Sql(path_, sql + "COMMIT;");
  for (const bool newest : {false, true}) {
    for (const std::string member : {"", "m-3"}) {
      for (const bool by_scope : {false, true}) {
        for (const bool through : {false, true}) {
          for (const int64_t max_examined : {kAuditMaxExamined, int64_t{40}}) {
            // Readable: s-7 and s-9, but not what also touches s-8; the filter: s-7.
            std::vector<int64_t> want;
            for (int i = 2; i <= kEntries; ++i) {
              const bool visible = (i % 1000 == 7 && i % 3000 != 7) || i % 1000 == 9;
              const bool kept = !by_scope || i % 1000 == 7;
              if (visible && kept && (member.empty() || member == "m-" + std::to_string(i % 7))) {
                want.push_back(i);
              }
            }
            if (newest) std::reverse(want.begin(), want.end());
            AuditQuery q;
            q.newest_first = newest;
            q.member = member;
            q.limit = 3;
            q.max_examined = max_examined;
            q.readable = Among({"s-7", "s-9"});
            if (by_scope) q.in_scope = Among({"s-7"});
            if (through) {
              q.through = by_scope ? std::vector<std::string>{"s-7"}
                                   : std::vector<std::string>{"s-7", "s-9"};
            }
            EXPECT_FALSE(want.empty());
            EXPECT_EQ(AllPages(*store_, q), want)
                << "newest " << newest << ", member " << member << ", by scope " << by_scope
                << ", through " << through << ", max examined " << max_examined;
          }
        }
      }
    }
  }
}

// What one reading examines is bounded (docs/server.md, "Limits"): a member
// filter meets the readable scopes through the index, without walking the
// member's hidden entries; a reading entry by entry stops at the cap and says
// where to resume, with fewer entries or none.
TEST_F(StoreTest, AReadingExaminesBoundedRows) {
  // 20,000 entries of member m-j on s-hidden; three of m-j on s-mine among them.
  constexpr int kEntries = 20000;
  std::string sql = "BEGIN;";
  for (int i = 2; i <= kEntries + 1; ++i) {
    const std::string id = std::to_string(i);
    const bool mine = i == 3 || i == 10000 || i == kEntries;
    sql += "INSERT INTO audit VALUES (" + id + ", 't', 'm-a', 'change', 'x', 'y', '{}');";
    const std::string subject = "INSERT INTO audit_subjects VALUES (" + id + ", ";
    sql += subject + "'scope', '" + (mine ? "s-mine" : "s-hidden") + "');";
    sql += subject + "'member', 'm-j');";
  }
  Sql(path_, sql + "COMMIT;");
  for (const bool newest : {false, true}) {
    AuditQuery q;
    q.newest_first = newest;
    q.limit = 101;
    q.member = "m-j";
    q.readable = Among({"s-mine"});
    q.through = std::vector<std::string>{"s-mine"};
    AuditPage page = store_->QueryAudit(q);
    std::vector<int64_t> want{3, 10000, kEntries};
    if (newest) std::reverse(want.begin(), want.end());
    EXPECT_EQ(Ids(page), want);
    EXPECT_FALSE(page.resume);
    EXPECT_LT(page.examined, 20) << "newest " << newest;

    // Nothing the filters both accept: nothing is read.
    q.through = std::vector<std::string>{};
    page = store_->QueryAudit(q);
    EXPECT_TRUE(page.entries.empty());
    EXPECT_FALSE(page.resume);
    EXPECT_EQ(page.examined, 0);

    // Entry by entry: stopped at the cap, to be resumed.
    q.through.reset();
    q.member.clear();
    page = store_->QueryAudit(q);
    EXPECT_LE(page.examined, kAuditMaxExamined + 1);
    ASSERT_TRUE(page.resume);
    EXPECT_EQ(Ids(page), newest ? std::vector<int64_t>{kEntries} : std::vector<int64_t>{3});
    int pages = 0;
    EXPECT_EQ(AllPages(*store_, q, &pages), want);
    EXPECT_GE(pages, kEntries / kAuditMaxExamined);
    EXPECT_LE(pages, kEntries / kAuditMaxExamined + 2);
  }
}

// The schema before audit_subjects (user_version 0), as rolegate wrote it.
constexpr const char* kSchemaVersion0 = R"sql(
CREATE TABLE revisions (seq INTEGER PRIMARY KEY, revision TEXT NOT NULL UNIQUE,
  parent TEXT NOT NULL UNIQUE, bundle TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE tokens (hash TEXT PRIMARY KEY, member TEXT NOT NULL, created_at TEXT NOT NULL,
  revoked_at TEXT);
CREATE INDEX tokens_member ON tokens(member);
CREATE TABLE secrets (id TEXT PRIMARY KEY, kind TEXT NOT NULL, member TEXT NOT NULL,
  role TEXT NOT NULL, scope TEXT NOT NULL, salt TEXT NOT NULL, hash TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, issued_at TEXT NOT NULL,
  expires_at TEXT NOT NULL);
CREATE INDEX secrets_subject ON secrets(kind, member, role, scope, state);
CREATE TABLE outbox (id INTEGER PRIMARY KEY, member TEXT NOT NULL, channel TEXT NOT NULL,
  at TEXT NOT NULL, revision TEXT NOT NULL, body TEXT NOT NULL, secret TEXT NOT NULL DEFAULT '',
  delivered INTEGER NOT NULL DEFAULT 0);
CREATE INDEX outbox_member ON outbox(member, id);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
  kind TEXT NOT NULL, revision_before TEXT NOT NULL, revision_after TEXT NOT NULL,
  detail TEXT NOT NULL);
)sql";

TEST(StoreMigration, AnOldDatabaseGetsItsSubjectsOnceWhenOpened) {
  char dir[] = "/tmp/rolegate-migrate-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string path = std::string(dir) + "/old.sqlite";
  const std::string bundle =
      R"({"scopes": [{"id": "root"}, {"id": "acc-a", "parent": "root"}, {"id": "acc-b", "parent": "root"}],)"
      R"( "members": [{"id": "m-a"}, {"id": "m-b"}, {"id": "m-p", "addedTo": "acc-a"}],)"
      R"( "bindings": [{"member": "m-b", "role": "x", "scope": "acc-b"}],)"
      R"( "approvalRequests": [{"id": "req-1", "requester": "m-b", "resource": "acc-b",)"
      R"(   "operation": {"op": "perform", "action": "p", "scope": "acc-b"}}]})";
  auto entry = [](int id, const std::string& actor, const std::string& before,
                  const std::string& detail) {
    return "INSERT INTO audit VALUES (" + std::to_string(id) + ", 't', '" + actor +
           "', 'change', '" + before + "', 'after', '" + detail + "');";
  };
  Sql(path,
      std::string(kSchemaVersion0) + "INSERT INTO revisions VALUES (1, 'r0', '', '" + bundle +
          "', 't');" + entry(1, "", "", "{}") +
          entry(
              2, "m-a", "r0",
              R"({"changeSet": {"operations": [{"op": "assign_role", "member": "m-c", "role": "x", "scope": "acc-a", "attributes": {"scope": "acc-b"}}]},)"
              R"( "accessDiff": {"members": [{"member": "m-c", "gained": [{"scope": "acc-a", "permission": "p"}], "lost": []}]}})") +
          entry(
              3, "m-a", "r0",
              R"({"changeSet": {"operations": [{"op": "decide_request", "request": "req-1", "decision": "approve"}]}, "request": "req-1"})") +
          entry(4, "m-a", "r0",
                R"({"changeSet": {"operations": [{"op": "block", "member": "m-b"}]}})") +
          entry(
              5, "m-a", "r0",
              R"({"changeSet": {"operations": [{"op": "edit_member", "member": "m-p", "name": "P"}]}})") +
          entry(
              6, "m-a", "r0",
              R"({"changeSet": {"operations": [{"op": "define_role", "scope": "acc-a", "role": {"id": "custom"}}]}})") +
          entry(7, "m-a", "r-gone",
                R"({"changeSet": {"operations": [{"op": "block", "member": "m-b"}]}})") +
          entry(8, "m-a", "r0", "not json"));
  ASSERT_EQ(SqlInt(path, "PRAGMA user_version"), 0);

  {
    SqliteStore store(path);
    EXPECT_EQ(SqlInt(path, "PRAGMA user_version"), 1);
    EXPECT_TRUE(store.SubjectsOf(1).members.empty());
    EXPECT_TRUE(store.SubjectsOf(1).scopes.empty());
    // Named, and in the access diff; not what `attributes` say.
    EXPECT_EQ(store.SubjectsOf(2).members, (std::set<std::string>{"m-a", "m-c"}));
    EXPECT_EQ(store.SubjectsOf(2).scopes, (std::set<std::string>{"acc-a"}));
    // The request decided, from the revision it was decided on.
    EXPECT_EQ(store.SubjectsOf(3).members, (std::set<std::string>{"m-a", "m-b"}));
    EXPECT_EQ(store.SubjectsOf(3).scopes, (std::set<std::string>{"acc-b"}));
    // The member's scopes: their bindings, or the scope they were added to.
    EXPECT_EQ(store.SubjectsOf(4).scopes, (std::set<std::string>{"acc-b"}));
    EXPECT_EQ(store.SubjectsOf(5).scopes, (std::set<std::string>{"acc-a"}));
    // Roles hold everywhere.
    EXPECT_EQ(store.SubjectsOf(6).scopes, (std::set<std::string>{"acc-a", "root"}));
    // What cannot be told is only for readers of everything.
    EXPECT_EQ(store.SubjectsOf(7).scopes, (std::set<std::string>{""}));
    EXPECT_EQ(store.SubjectsOf(8).scopes, (std::set<std::string>{""}));

    AuditQuery a;
    a.readable = Among({"acc-a"});
    EXPECT_EQ(Ids(store.QueryAudit(a)), (std::vector<int64_t>{2, 5}));
    AuditQuery b;
    b.readable = Among({"acc-b"});
    b.newest_first = true;
    EXPECT_EQ(Ids(store.QueryAudit(b)), (std::vector<int64_t>{4, 3}));
    AuditQuery m;
    m.member = "m-b";
    EXPECT_EQ(Ids(store.QueryAudit(m)), (std::vector<int64_t>{3, 4, 7}));
  }
  const int64_t rows = SqlInt(path, "SELECT count(*) FROM audit_subjects");
  EXPECT_GT(rows, 0);
  { SqliteStore again(path); }  // already migrated: nothing changes
  EXPECT_EQ(SqlInt(path, "SELECT count(*) FROM audit_subjects"), rows);
  EXPECT_EQ(SqlInt(path, "PRAGMA user_version"), 1);

  // A file of a newer schema is refused, not written to.
  Sql(path, "PRAGMA user_version = 7;");
  EXPECT_THROW(SqliteStore newer(path), StoreError);
  EXPECT_EQ(SqlInt(path, "PRAGMA user_version"), 7);
  std::system(("rm -rf " + std::string(dir)).c_str());
}

TEST(AuditSubjects, NamedMembersAndScopesAndTheScopesOperationsAreCheckedOn) {
  const Json bundle = ParseJson(R"({
    "scopes": [{"id": "root"}, {"id": "other-root"}, {"id": "acc-a", "parent": "root"}],
    "members": [{"id": "m-b"}],
    "bindings": [{"member": "m-b", "role": "x", "scope": "acc-a"}, {"member": "m-b", "role": "y", "scope": "other-root"}],
    "approvalRules": [{"id": "rule-a", "scopes": ["acc-a"]}, {"id": "rule-all"}],
    "approvalRequests": [{"id": "req-1", "requester": "m-r", "resource": "acc-a",
      "operation": {"op": "block", "member": "m-b"}, "decisions": [{"member": "m-d"}]}]})")
                          .value;
  int asked = 0;
  auto known = [&]() -> const Json* {
    ++asked;
    return &bundle;
  };
  auto of = [&](const std::string& actor, const std::string& detail) {
    return SubjectsOfEntry(actor, ParseJson(detail).value, known);
  };
  // New members of add_members and invite; `scopes`; an approval rule's scopes.
  AuditSubjects s = of("m-a", R"({"changeSet": {"operations": [
      {"op": "add_members", "scope": "acc-a", "members": [{"id": "m-n1"}, {"id": "m-n2"}]},
      {"op": "invite", "member": {"id": "m-n3", "email": "x@y"}, "role": "x", "scope": "acc-a"},
      {"op": "assign_role", "member": "m-c", "role": "x", "scopes": ["acc-a", "other-root"]}]},
    "violations": [{"scope": "root", "member": "m-v"}]})");
  EXPECT_EQ(s.members, (std::set<std::string>{"m-a", "m-c", "m-n1", "m-n2", "m-n3", "m-v"}));
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a", "other-root", "root"}));
  EXPECT_EQ(asked, 0) << "the bundle is read only when needed";
  // An operation on a whole member: their scopes.
  s = of("m-a", R"({"changeSet": {"operations": [{"op": "disable", "member": "m-b"}]}})");
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a", "other-root"}));
  EXPECT_EQ(asked, 1);
  // An approval rule: where it holds, before and after; without scopes, everywhere.
  s = of(
      "m-a",
      R"({"changeSet": {"operations": [{"op": "set_approval_rule", "scope": "acc-a", "rule": {"id": "rule-a", "scopes": ["acc-a"]}}]}})");
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a"}));
  s = of(
      "m-a",
      R"({"changeSet": {"operations": [{"op": "set_approval_rule", "scope": "acc-a", "rule": {"id": "rule-all", "scopes": ["acc-a"]}}]}})");
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a", "other-root", "root"}));
  s = of(
      "m-a",
      R"({"changeSet": {"operations": [{"op": "delete_approval_rule", "scope": "acc-a", "rule": "rule-a"}]}})");
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a"}));
  s = of(
      "m-a",
      R"({"changeSet": {"operations": [{"op": "delete_approval_rule", "scope": "acc-a", "rule": "rule-gone"}]}})");
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a", "other-root", "root"}));
  // A decision: the request, its deciders and its operation's scopes.
  s = of(
      "m-a",
      R"({"changeSet": {"operations": [{"op": "decide_request", "request": "req-1", "decision": "approve"}, {"op": "apply_approved", "request": "req-1"}]}, "request": "req-1"})");
  EXPECT_EQ(s.members, (std::set<std::string>{"m-a", "m-b", "m-d", "m-r"}));
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a", "other-root"}));
  // An unknown request, or no bundle at all: only readers of everything.
  s = of("m-a", R"({"changeSet": {"operations": [{"op": "apply_approved", "request": "req-9"}]}})");
  EXPECT_EQ(s.scopes, (std::set<std::string>{"other-root", "root"}));
  s = SubjectsOfEntry(
      "m-a",
      ParseJson(R"({"changeSet": {"operations": [{"op": "block", "member": "m-b"}]}})").value,
      [] { return static_cast<const Json*>(nullptr); });
  EXPECT_EQ(s.scopes, (std::set<std::string>{""}));
  // Accepting an invitation touches the invitee's scopes.
  s = of("m-b", R"({"changeSet": {"operations": [{"op": "accept_invitation"}]}})");
  EXPECT_EQ(s.scopes, (std::set<std::string>{"acc-a", "other-root"}));
}

TEST(Secrets, RandomPinsAreSixDigitsAndHashesAreSaltedAndStretched) {
  const std::string pin = RandomPin(6);
  ASSERT_EQ(pin.size(), 6u);
  EXPECT_EQ(pin.find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(RandomHex(16).size(), 32u);
  EXPECT_NE(RandomHex(16), RandomHex(16));
  EXPECT_NE(HashSecret("aa", "123456"), HashSecret("bb", "123456"));
  EXPECT_EQ(HashSecret("aa", "123456"), HashSecret("aa", "123456"));
  // SHA-256 of "abc" (FIPS 180-2).
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace rolegate::server
