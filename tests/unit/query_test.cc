#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace rolegate {
namespace {

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = testing::MustLoad(testing::TinyBundle()); }
  static std::vector<std::string> Ids(const Json& list, const char* key) {
    std::vector<std::string> out;
    for (const Json& x : list) out.push_back(x[key].get<std::string>());
    return out;
  }
  std::shared_ptr<const Policy> policy_;
};

TEST_F(QueryTest, WhatCanListsPermissionsWithSources) {
  Json r = policy_->WhatCan({{"member", "mia"}, {"scope", "repo-x"}});
  ASSERT_EQ(r["ok"], true) << Canonical(r);
  EXPECT_THAT(Ids(r["permissions"], "permission"),
              ::testing::ElementsAre("code.approve", "code.push", "code.read", "members.manage"));
  EXPECT_EQ(r["permissions"][0]["sources"][0]["inheritedFrom"], "team-a");
}

TEST_F(QueryTest, WhatCanFiltersByScopeTypeAndStatus) {
  Json org = policy_->WhatCan({{"member", "olga"}, {"scope", "org-1"}});
  EXPECT_THAT(Ids(org["permissions"], "permission"),
              ::testing::ElementsAre("billing.pay", "members.manage"));
  Json blocked = policy_->WhatCan({{"member", "ben"}, {"scope", "repo-x"}});
  EXPECT_EQ(blocked["status"], "blocked");
  EXPECT_TRUE(blocked["permissions"].empty());
}

TEST_F(QueryTest, WhatCanHonoursExpiryWhenGivenNow) {
  Json later = policy_->WhatCan({{"member", "eve"}, {"scope", "repo-x"}, {"now", testing::kNow}});
  EXPECT_TRUE(later["permissions"].empty());
  Json earlier =
      policy_->WhatCan({{"member", "eve"}, {"scope", "repo-x"}, {"now", "2026-01-01T00:00:00Z"}});
  EXPECT_FALSE(earlier["permissions"].empty());
}

TEST_F(QueryTest, WhoCanNamesActiveMembersAndTheirBindings) {
  Json r = policy_->WhoCan({{"action", "code.approve"}, {"scope", "repo-x"}});
  ASSERT_EQ(r["ok"], true);
  EXPECT_THAT(Ids(r["members"], "member"), ::testing::ElementsAre("mia", "olga"));
  EXPECT_EQ(r["members"][0]["bindings"][0]["binding"], "b-mia");
}

TEST_F(QueryTest, WhoCanOnInapplicableScopeIsEmpty) {
  Json r = policy_->WhoCan({{"action", "billing.pay"}, {"scope", "repo-x"}});
  EXPECT_TRUE(r["members"].empty());
  EXPECT_EQ(r["applies"], false);
}

TEST_F(QueryTest, VisibleMembersAppliesSeesRules) {
  // Dan (member) sees only rank >= 20 holders, with e-mails.
  Json dan = policy_->VisibleMembers({{"actor", "dan"}, {"scope", "repo-x"}});
  ASSERT_EQ(dan["ok"], true) << Canonical(dan);
  EXPECT_THAT(Ids(dan["members"], "member"), ::testing::ElementsAre("ben", "mia", "olga"));
  EXPECT_EQ(dan["members"][1]["email"], "mia@example.org");
  // Mia (maintainer on team-a) sees everyone in her subtree and above.
  Json mia = policy_->VisibleMembers({{"actor", "mia"}, {"scope", "team-a"}});
  EXPECT_THAT(Ids(mia["members"], "member"), ::testing::ElementsAre("ben", "dan", "eve", "olga"));
  // Vic's role has no `sees`: nobody.
  Json vic = policy_->VisibleMembers({{"actor", "vic"}, {"scope", "repo-y"}});
  EXPECT_TRUE(vic["members"].empty());
}

// `sees` is inherited through `inherits` like permissions: the role sees by its own
// rule and by every rule of the roles it inherits (the union: the widest wins).
TEST_F(QueryTest, SeesIsInheritedAsTheUnionOfTheRules) {
  Json b = testing::TinyBundle();
  b["roles"][2].erase("sees");  // owners: no rule of their own, the maintainer's inherited
  // Leads: their own rule shows names from rank 0; the member rule they inherit shows
  // e-mails from rank 20.
  b["roles"].push_back({{"id", "dev.lead"},
                        {"family", "dev"},
                        {"rank", 15},
                        {"inherits", {"dev.member"}},
                        {"assignableAt", {"repo"}},
                        {"sees", {{"minRank", 0}, {"fields", {"name"}}}}});
  b["bindings"].push_back(
      {{"id", "b-vic-lead"}, {"member", "vic"}, {"role", "dev.lead"}, {"scope", "repo-x"}});
  const auto policy = testing::MustLoad(b);
  ASSERT_NE(policy, nullptr);
  const Json olga = policy->VisibleMembers({{"actor", "olga"}, {"scope", "repo-x"}});
  EXPECT_THAT(Ids(olga["members"], "member"),
              ::testing::ElementsAre("ben", "dan", "eve", "mia", "vic"));
  EXPECT_EQ(olga["members"][1]["email"], "dan@example.org")
      << "the maintainer's rule shows e-mails";
  const Json vic = policy->VisibleMembers({{"actor", "vic"}, {"scope", "repo-x"}});
  EXPECT_THAT(Ids(vic["members"], "member"),
              ::testing::ElementsAre("ben", "dan", "eve", "mia", "olga"));
  for (const Json& m : vic["members"]) {
    const bool email = m["member"] == "mia" || m["member"] == "olga" || m["member"] == "ben";
    EXPECT_EQ(m.contains("email"), email) << Canonical(m) << ": e-mails from rank 20 only";
  }
  // Acting on a member needs seeing them: the owner still manages Dan.
  const Json block = policy->Check({{"actor", "olga"},
                                    {"action", "members.manage"},
                                    {"resource", "repo-x"},
                                    {"now", testing::kNow},
                                    {"attributes", {{"target", "dan"}}}});
  EXPECT_EQ(block["effect"], "allow") << Canonical(block);
}

// Without a scope: every scope where the actor holds a role, merged, and the members
// added to a scope within the actor's reach who hold no role yet, to be activated.
TEST_F(QueryTest, VisibleMembersEverywhereAddsUnassignedMembersWithinReach) {
  Json b = Json::parse(testing::ReadFileOrDie(std::string(ROLEGATE_SOURCE_DIR) +
                                              "/examples/cloud-work/bundle.json"));
  b["members"][0]["addedTo"] = "acct-7001";  // holds a role: listed by their roles only
  for (Json& m : b["members"]) {
    if (m["id"] == "m-ext-1022") m["status"] = "removed";
  }
  const auto policy = testing::MustLoad(b);
  const Json tom = policy->VisibleMembers({{"actor", "m-tom"}, {"now", testing::kNow}});
  ASSERT_EQ(tom["ok"], true) << Canonical(tom);
  EXPECT_FALSE(tom.contains("scope"));
  std::vector<std::string> unassigned;
  for (const Json& m : tom["members"]) {
    if (!m.contains("addedTo")) continue;
    unassigned.push_back(m["member"]);
    EXPECT_EQ(m["roles"], Json::array());
    EXPECT_FALSE(m.contains("email"));
  }
  // Not 2031 (added to another account), not 1022 (removed).
  EXPECT_THAT(unassigned, ::testing::ElementsAre("m-ext-1021"));
  // On the one scope Tom holds a role on, the same members but the unassigned ones.
  const Json on =
      policy->VisibleMembers({{"actor", "m-tom"}, {"scope", "acct-7001"}, {"now", testing::kNow}});
  EXPECT_EQ(on["members"].size() + unassigned.size(), tom["members"].size());
  // Someone with no role sees nobody, unassigned members included.
  const Json ext = policy->VisibleMembers({{"actor", "m-ext-1021"}});
  EXPECT_EQ(ext["members"], Json::array());
}

TEST_F(QueryTest, QueriesReportUnknownReferences) {
  Json r = policy_->WhoCan({{"action", "code.fly"}, {"scope", "nowhere"}});
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["errors"].size(), 2u);
  Json w = policy_->WhatCan({{"member", "dan"}});
  EXPECT_EQ(w["errors"][0]["code"], "missing_field");
}

}  // namespace
}  // namespace rolegate
