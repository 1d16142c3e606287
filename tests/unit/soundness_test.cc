// Authorization soundness (docs/changes.md, "Authorization soundness"): the three
// classes of change that once handed out more power than their actor held, each
// followed through the states it leads to, on the generic tiny bundle.
#include <gtest/gtest.h>

#include "rolegate/rolegate.h"
#include "test_util.h"

namespace rolegate {
namespace {

// Runs one change set on `bundle` and returns the result with the bundle after.
Json Step(const Json& bundle, const std::string& actor, const Json& operations,
          const std::string& now = testing::kNow) {
  auto p = testing::MustLoad(bundle);
  if (!p) return Json();
  return p->Simulate(
      {{"baseRevision", p->revision()}, {"actor", actor}, {"now", now}, {"operations", operations}},
      true);
}

const Json& MemberIn(const Json& bundle, const std::string& id) {
  for (const Json& m : bundle["members"]) {
    if (m["id"] == id) return m;
  }
  static const Json kNone;
  return kNone;
}

std::string FirstReason(const Json& r, size_t op = 0) {
  const Json& reasons = r["operations"][op]["reasons"];
  return reasons.empty() ? "" : reasons[0]["code"].get<std::string>();
}

// The tiny bundle with an invitee: Ivy, invited on repo-x until `expires`.
Json WithInvitee(const std::string& expires) {
  Json b = testing::TinyBundle();
  b["members"].push_back(
      {{"id", "ivy"},
       {"email", "ivy@example.org"},
       {"status", "invited"},
       {"invitation", {{"sentAt", "2026-11-20T09:00:00Z"}, {"expiresAt", expires}}}});
  b["bindings"].push_back({{"member", "ivy"}, {"role", "dev.member"}, {"scope", "repo-x"}});
  return b;
}

TEST(SoundnessTest, UnblockingAnInviteeGivesBackAnInvitee) {
  // Expired: blocked, unblocked, Ivy is invited again and still cannot accept.
  Json b = WithInvitee("2026-11-27T09:00:00Z");
  ASSERT_EQ(MemberIn(b, "ivy")["status"], "invited") << "the fixture has an invited Ivy";
  Json r = Step(b, "olga", {{{"op", "block"}, {"member", "ivy"}}});
  ASSERT_EQ(r["summary"]["blocked"], false) << Canonical(r);
  Json blocked = r["bundleAfter"];
  EXPECT_EQ(MemberIn(blocked, "ivy")["status"], "blocked");
  EXPECT_EQ(MemberIn(blocked, "ivy")["blockedFrom"], "invited");
  EXPECT_EQ(MemberIn(blocked, "ivy")["invitation"]["expiresAt"], "2026-11-27T09:00:00Z");
  // While blocked there is no invitation to accept.
  EXPECT_EQ(FirstReason(Step(blocked, "ivy", {{{"op", "accept_invitation"}}})), "not_invited");
  r = Step(blocked, "olga", {{{"op", "unblock"}, {"member", "ivy"}}});
  ASSERT_EQ(r["summary"]["blocked"], false) << Canonical(r);
  Json unblocked = r["bundleAfter"];
  EXPECT_EQ(MemberIn(unblocked, "ivy")["status"], "invited");
  EXPECT_FALSE(MemberIn(unblocked, "ivy").contains("blockedFrom"));
  EXPECT_TRUE(r["accessDiff"]["members"].empty()) << Canonical(r["accessDiff"]);
  EXPECT_EQ(FirstReason(Step(unblocked, "ivy", {{{"op", "accept_invitation"}}})),
            "invitation_expired");
  // A live invitation survives the suspension and is the invitee's to accept.
  Json live = WithInvitee("2026-12-08T09:00:00Z");
  Json back = Step(Step(live, "olga", {{{"op", "block"}, {"member", "ivy"}}})["bundleAfter"],
                   "olga", {{{"op", "unblock"}, {"member", "ivy"}}})["bundleAfter"];
  Json accepted = Step(back, "ivy", {{{"op", "accept_invitation"}}});
  EXPECT_EQ(accepted["operations"][0]["effect"], "allow") << Canonical(accepted);
  EXPECT_EQ(MemberIn(accepted["bundleAfter"], "ivy")["status"], "active");
}

TEST(SoundnessTest, DisableAndBlockNestAndUnwindInOrder) {
  Json b = WithInvitee("2026-12-08T09:00:00Z");
  b["operations"]["disable"] = {{"action", "members.manage"}};
  b["operations"]["enable"] = {{"action", "members.manage"}};
  Json r = Step(b, "olga",
                {{{"op", "disable"}, {"member", "ivy"}}, {{"op", "block"}, {"member", "ivy"}}});
  ASSERT_EQ(r["summary"]["blocked"], false) << Canonical(r);
  const Json& ivy = MemberIn(r["bundleAfter"], "ivy");
  EXPECT_EQ(ivy["status"], "blocked");
  EXPECT_EQ(ivy["blockedFrom"], "disabled");
  EXPECT_EQ(ivy["disabledFrom"], "invited");
  // Enabling does not unblock; unblocking gives back disabled, enabling invited.
  Json after = r["bundleAfter"];
  EXPECT_EQ(FirstReason(Step(after, "olga", {{{"op", "enable"}, {"member", "ivy"}}})),
            "wrong_status");
  r = Step(after, "olga",
           {{{"op", "unblock"}, {"member", "ivy"}}, {{"op", "enable"}, {"member", "ivy"}}});
  ASSERT_EQ(r["summary"]["blocked"], false) << Canonical(r);
  EXPECT_EQ(MemberIn(r["bundleAfter"], "ivy")["status"], "invited");
  EXPECT_FALSE(MemberIn(r["bundleAfter"], "ivy").contains("disabledFrom"));
}

TEST(SoundnessTest, ASuspensionRecordsOnlyStatusesItCanGiveBack) {
  Json b = testing::TinyBundle();
  b["members"][0]["blockedFrom"] = "invited";  // olga is active
  Json c = testing::TinyBundle();
  c["members"][0]["status"] = "blocked";
  c["members"][0]["blockedFrom"] = "removed";
  Json d = testing::TinyBundle();
  d["members"][0]["status"] = "blocked";
  d["members"][0]["blockedFrom"] = "disabled";
  d["members"][0]["disabledFrom"] = "pending";
  for (const Json& bad : {b, c}) {
    std::vector<std::string> keys = testing::ErrorKeys(bad);
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(keys[0], "invalid_value@/members/0/blockedFrom");
  }
  EXPECT_TRUE(testing::ErrorKeys(d).empty());
}

TEST(SoundnessTest, ARuleItsAuthorCouldNotSetCannotBeReplacedOrDeletedByThem) {
  // Maintainers may set rules on their team; the owner sets one there gating
  // maintainers, which a maintainer could not have set, so cannot undo.
  Json b = testing::TinyBundle();
  b["permissions"].push_back({{"id", "rules.set"}, {"appliesTo", {"org", "team", "repo"}}});
  b["roles"][1]["permissions"].push_back("rules.set");
  b["operations"]["set_approval_rule"] = {{"action", "rules.set"}};
  b["operations"]["delete_approval_rule"] = {{"action", "rules.set"}};
  Json rule = {{"id", "team-a.maintainers"},
               {"actions", {"code.push"}},
               {"requesterRoles", {"dev.maintainer"}},
               {"scopes", {"team-a"}},
               {"approvers", {{"permission", "billing.pay"}}}};
  Json r = Step(b, "olga", {{{"op", "set_approval_rule"}, {"scope", "team-a"}, {"rule", rule}}});
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  Json after = r["bundleAfter"];
  EXPECT_EQ(
      FirstReason(Step(
          after, "mia",
          {{{"op", "delete_approval_rule"}, {"scope", "team-a"}, {"rule", "team-a.maintainers"}}})),
      "approval_rule_beyond_author");
  rule["requesterRoles"] = {"dev.member"};
  EXPECT_EQ(FirstReason(Step(after, "mia",
                             {{{"op", "set_approval_rule"}, {"scope", "team-a"}, {"rule", rule}}})),
            "approval_rule_beyond_author");
  // Mia may set (and so replace) a rule gating members, below her.
  rule["id"] = "team-a.members";
  Json own =
      Step(after, "mia", {{{"op", "set_approval_rule"}, {"scope", "team-a"}, {"rule", rule}}});
  EXPECT_EQ(own["operations"][0]["effect"], "allow") << Canonical(own);
}

TEST(SoundnessTest, EditingOrDeletingARoleNeedsItWithinTheActorsReach) {
  // A maintainer given roles.define may not touch a custom role above her reach.
  Json b = testing::TinyBundle();
  b["permissions"].push_back({{"id", "roles.define"}, {"appliesTo", {"org"}}});
  b["roles"][1]["permissions"].push_back("roles.define");
  b["roles"][1]["assignableAt"].push_back("org");
  b["bindings"].push_back({{"member", "mia"}, {"role", "dev.maintainer"}, {"scope", "org-1"}});
  for (const char* k : {"define_role", "edit_role", "delete_role"}) {
    b["operations"][k] = {{"action", "roles.define"}};
  }
  b["roles"].push_back({{"id", "dev.lead"},
                        {"family", "dev"},
                        {"rank", 25},
                        {"custom", true},
                        {"permissions", {"code.read"}},
                        {"assignableAt", {"repo"}}});
  Json lead = {{"id", "dev.lead"},
               {"family", "dev"},
               {"rank", 5},
               {"permissions", {"code.read"}},
               {"assignableAt", {"repo"}}};
  EXPECT_EQ(
      FirstReason(Step(b, "mia", {{{"op", "edit_role"}, {"scope", "org-1"}, {"role", lead}}})),
      "role_above_actor");
  EXPECT_EQ(FirstReason(Step(b, "mia",
                             {{{"op", "delete_role"}, {"scope", "org-1"}, {"role", "dev.lead"}}})),
            "role_above_actor");
  // The owner (up to 30) may; an unheld role may be re-ranked within reach.
  lead["rank"] = 30;
  Json ok = Step(b, "olga", {{{"op", "edit_role"}, {"scope", "org-1"}, {"role", lead}}});
  EXPECT_EQ(ok["operations"][0]["effect"], "allow") << Canonical(ok);
}

TEST(SoundnessTest, AnOperationOnAMemberIsAlwaysLimitedByRank) {
  // I2 for every bundle: were blocking or assigning authorised by a permission
  // without rank limits, a maintainer could block the owner or make anyone owner.
  for (const char* kind : {"block", "assign_role", "invite", "activate_member", "edit_member"}) {
    Json b = testing::TinyBundle();
    b["operations"][kind] = {{"action", "code.approve"}};
    std::vector<std::string> keys = testing::ErrorKeys(b);
    ASSERT_EQ(keys.size(), 1u) << kind;
    EXPECT_EQ(keys[0], std::string("invalid_value@/operations/") + kind + "/action");
  }
  // Adding members, defining roles or rules act on no member: any permission does.
  Json b = testing::TinyBundle();
  b["operations"]["add_members"] = {{"action", "code.approve"}};
  EXPECT_TRUE(testing::ErrorKeys(b).empty());
}

TEST(SoundnessTest, AnApprovedRequestIsJudgedAsItsRequesterWhenApplied) {
  // Role definitions need approval; Mia (managing dev up to 20) asks for a rank-25
  // role. The owner's approval does not lend her the owner's reach: applying the
  // request judges the role against Mia's.
  Json b = testing::TinyBundle();
  b["permissions"].push_back({{"id", "roles.define"}, {"appliesTo", {"org"}}});
  b["roles"][1]["permissions"].push_back("roles.define");
  b["roles"][1]["assignableAt"].push_back("org");
  b["bindings"].push_back({{"member", "mia"}, {"role", "dev.maintainer"}, {"scope", "org-1"}});
  b["operations"]["define_role"] = {{"action", "roles.define"}};
  b["approvalRules"].push_back({{"id", "defs"},
                                {"actions", {"roles.define"}},
                                {"requesterRoles", {"dev.maintainer"}},
                                {"approvers", {{"permission", "billing.pay"}}}});
  Json role = {{"id", "dev.lead"},
               {"family", "dev"},
               {"rank", 25},
               {"permissions", {"code.read"}},
               {"assignableAt", {"repo"}}};
  Json asked = Step(b, "mia", {{{"op", "define_role"}, {"scope", "org-1"}, {"role", role}}});
  ASSERT_EQ(asked["operations"][0]["effect"], "conditional") << Canonical(asked);
  const std::string id = asked["bundleAfter"]["approvalRequests"][0]["id"];
  Json approved = Step(asked["bundleAfter"], "olga",
                       {{{"op", "decide_request"}, {"request", id}, {"decision", "approve"}}});
  ASSERT_EQ(approved["operations"][0]["effect"], "allow") << Canonical(approved);
  Json applied =
      Step(approved["bundleAfter"], "olga", {{{"op", "apply_approved"}, {"request", id}}});
  EXPECT_EQ(FirstReason(applied), "custom_role_beyond_creator") << Canonical(applied);
  EXPECT_EQ(applied["operations"][0]["reasons"][0]["need"], 25);
}

TEST(SoundnessTest, ARoleSeesEMailOnlyFromARankOneOfItsCreatorsRolesDoes) {
  // Olga sees dev from rank 0 (owner, with e-mail) but give her a second role that
  // sees `ops` from rank 0 without e-mail and one that sees it from 5 with e-mail:
  // a role seeing `ops` from 0 with e-mail is beyond both.
  Json b = testing::TinyBundle();
  b["roles"].push_back({{"id", "ops.watch"},
                        {"family", "ops"},
                        {"rank", 1},
                        {"assignableAt", {"org"}},
                        {"sees", {{"minRank", 0}}}});
  b["roles"].push_back({{"id", "ops.lead"},
                        {"family", "ops"},
                        {"rank", 2},
                        {"assignableAt", {"org"}},
                        {"sees", {{"minRank", 5}, {"fields", {"email"}}}}});
  b["bindings"].push_back({{"member", "olga"}, {"role", "ops.watch"}, {"scope", "org-1"}});
  b["bindings"].push_back({{"member", "olga"}, {"role", "ops.lead"}, {"scope", "org-1"}});
  Json role = {{"id", "dev.scout"},
               {"family", "dev"},
               {"rank", 1},
               {"assignableAt", {"repo"}},
               {"sees", {{"minRank", 0}, {"families", {"ops"}}, {"fields", {"email"}}}}};
  Json r = Step(b, "olga", {{{"op", "define_role"}, {"scope", "org-1"}, {"role", role}}});
  EXPECT_EQ(FirstReason(r), "custom_role_beyond_creator") << Canonical(r);
  EXPECT_EQ(r["operations"][0]["reasons"][0]["field"], "email");
  role["sees"]["minRank"] = 5;
  r = Step(b, "olga", {{{"op", "define_role"}, {"scope", "org-1"}, {"role", role}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
}

}  // namespace
}  // namespace rolegate
