// The Store contract (engine/server/store.h), on the SQLite store: one child per
// parent revision, a commit written whole or not at all, secrets used once,
// tries taken atomically, tokens revoked. A second Store (PostgreSQL) must pass
// the same checks.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

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
    c.next = StoredRevision{0, revision, parent, "{\"r\":\"" + revision + "\"}", "2026-12-01T00:00:01Z"};
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
