// Policy::Analyze (docs/format.md, "Analysis"): each finding code on a small
// bundle built to have it, and not on the clean bundle it starts from.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace rolegate {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A shop: org-1 > site-a, site-b. Clerks sell, leads refund, approve and manage
// staff up to their own rank on a site, bosses do everything on the organisation.
// Two bosses, a lead and a clerk: nothing to find.
Json ShopBundle() {
  return Json::parse(R"({
    "format": "rolegate/1",
    "scopeTypes": [{"id": "org"}, {"id": "site", "parents": ["org"]}],
    "scopes": [
      {"id": "org-1", "type": "org", "name": "Shop"},
      {"id": "site-a", "type": "site", "parent": "org-1", "name": "Site A"},
      {"id": "site-b", "type": "site", "parent": "org-1", "name": "Site B"}
    ],
    "permissions": [
      {"id": "sell", "appliesTo": ["site"]},
      {"id": "refund", "appliesTo": ["site"]},
      {"id": "approve", "appliesTo": ["site"]},
      {"id": "close", "appliesTo": ["site"]},
      {"id": "roles.assign", "appliesTo": ["org", "site"], "rankLimited": true},
      {"id": "rules.set", "appliesTo": ["org", "site"]}
    ],
    "roles": [
      {"id": "clerk", "family": "staff", "rank": 10, "permissions": ["sell"],
       "assignableAt": ["site"]},
      {"id": "lead", "family": "staff", "rank": 20,
       "permissions": ["refund", "approve", "roles.assign"], "inherits": ["clerk"],
       "assignableAt": ["site"], "sees": {"minRank": 0}, "manages": {"upToRank": 20}},
      {"id": "boss", "family": "staff", "rank": 30,
       "permissions": ["sell", "refund", "approve", "roles.assign"],
       "assignableAt": ["org"], "sees": {"minRank": 0}, "manages": {"upToRank": 30}}
    ],
    "approvalRules": [
      {"id": "refunds", "actions": ["refund"], "requesterRoles": ["lead"],
       "approvers": {"roles": ["boss"]}}
    ],
    "members": [
      {"id": "b1", "status": "active"}, {"id": "b2", "status": "active"},
      {"id": "l1", "status": "active"}, {"id": "c1", "status": "active"}
    ],
    "bindings": [
      {"id": "k1", "member": "b1", "role": "boss", "scope": "org-1"},
      {"id": "k2", "member": "b2", "role": "boss", "scope": "org-1"},
      {"id": "k3", "member": "l1", "role": "lead", "scope": "site-a"},
      {"id": "k4", "member": "c1", "role": "clerk", "scope": "site-a"}
    ],
    "operations": {
      "invite": {"action": "roles.assign"},
      "assign_role": {"action": "roles.assign"},
      "change_role": {"action": "roles.assign"}
    }
  })");
}

Json& Role(Json& bundle, const std::string& id) {
  for (Json& r : bundle["roles"]) {
    if (r["id"] == id) return r;
  }
  static Json none;
  ADD_FAILURE() << "no role " << id;
  return none;
}

Json Analyze(const Json& bundle) {
  std::shared_ptr<const Policy> policy = testing::MustLoad(bundle);
  if (!policy) return Json();
  Json result = policy->Analyze();
  EXPECT_EQ(result["ok"], true);
  return result;
}

// The findings of one code.
std::vector<Json> Findings(const Json& result, const std::string& code) {
  std::vector<Json> out;
  for (const Json& f : result["findings"]) {
    if (f["code"] == code) out.push_back(f);
  }
  return out;
}

std::vector<std::string> Codes(const Json& result) {
  std::vector<std::string> out;
  for (const Json& f : result["findings"]) out.push_back(f["code"]);
  return out;
}

TEST(AnalyzeTest, CleanBundleHasNoFindings) {
  Json r = Analyze(ShopBundle());
  EXPECT_THAT(Codes(r), IsEmpty()) << Canonical(r);
  EXPECT_EQ(r["summary"], (Json{{"error", 0}, {"warning", 0}, {"info", 0}}));
}

TEST(AnalyzeTest, EscalationPathToSelfIsAnError) {
  Json b = ShopBundle();
  // A lead manages up to the boss's rank, and a boss may be given on a site with
  // a permission the lead lacks: a lead can make themself boss.
  Role(b, "lead")["manages"]["upToRank"] = 30;
  Role(b, "boss")["assignableAt"] = {"org", "site"};
  Role(b, "boss")["permissions"].push_back("close");
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "escalation_path");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "error");
  EXPECT_EQ(found[0]["pointer"], "/roles/1");
  EXPECT_EQ(found[0]["facts"], (Json{{"role", "lead"},
                                     {"grants", "boss"},
                                     {"self", true},
                                     {"operations", {"assign_role", "change_role", "invite"}},
                                     {"permissions", {"close"}},
                                     {"manages", Json::array()}}));
  EXPECT_EQ(r["summary"]["error"], 1);
  EXPECT_THAT(found[0]["message"].get<std::string>(),
              ::testing::HasSubstr("holders of `lead` may give themselves `boss`"));
}

TEST(AnalyzeTest, EscalationPathOfRankAloneIsAWarning) {
  Json b = ShopBundle();
  Role(b, "lead")["manages"]["upToRank"] = 30;
  Role(b, "boss")["assignableAt"] = {"org", "site"};
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "escalation_path");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "warning");
  EXPECT_EQ(found[0]["facts"]["self"], true);
  EXPECT_THAT(found[0]["facts"]["permissions"], IsEmpty());
  // Managing higher is holding more.
  Role(b, "boss")["manages"]["upToRank"] = 35;
  found = Findings(Analyze(b), "escalation_path");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["severity"], "error");
  EXPECT_EQ(found[0]["facts"]["manages"],
            Json::array({Json{{"family", "staff"}, {"upToRank", 35}}}));
}

TEST(AnalyzeTest, EscalationPathToOthersOnlyIsAWarning) {
  Json b = ShopBundle();
  Role(b, "lead")["manages"]["upToRank"] = 30;
  Role(b, "boss")["assignableAt"] = {"org", "site"};
  Role(b, "boss")["permissions"].push_back("close");
  // Leads and bosses are of different kinds: a lead can make others boss, never
  // themself.
  Role(b, "lead")["memberKinds"] = {"staff"};
  Role(b, "boss")["memberKinds"] = {"owner"};
  for (Json& m : b["members"]) m["kind"] = m["id"].get<std::string>()[0] == 'b' ? "owner" : "staff";
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "escalation_path");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "warning");
  EXPECT_EQ(found[0]["facts"]["self"], false);
  EXPECT_EQ(found[0]["facts"]["grants"], "boss");
}

TEST(AnalyzeTest, EscalationPathGatedByApprovalIsAWarning) {
  Json b = ShopBundle();
  Role(b, "lead")["manages"]["upToRank"] = 30;
  Role(b, "boss")["assignableAt"] = {"org", "site"};
  Role(b, "boss")["permissions"].push_back("close");
  b["approvalRules"].push_back(Json::parse(R"({
    "id": "promotions", "actions": ["roles.assign"], "requesterRoles": ["lead"],
    "when": [{"attribute": "role", "op": "eq", "value": "boss"}],
    "approvers": {"roles": ["boss"]}})"));
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "escalation_path");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "warning");
  EXPECT_EQ(found[0]["facts"]["approvalRules"], Json({"promotions"}));
  // A condition on anything else the requester could leave false: not a gate.
  b["approvalRules"][1]["when"].push_back(
      Json{{"attribute", "reason"}, {"op", "eq"}, {"value", "x"}});
  EXPECT_EQ(Findings(Analyze(b), "escalation_path")[0]["severity"], "error");
}

TEST(AnalyzeTest, UnreachableRole) {
  Json b = ShopBundle();
  b["roles"].push_back(Json::parse(R"({"id": "auditor", "family": "staff", "rank": 40,
    "permissions": ["sell"], "assignableAt": ["org"]})"));
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "unreachable_role");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "warning");
  EXPECT_EQ(found[0]["pointer"], "/roles/3");
  EXPECT_EQ(found[0]["facts"], (Json{{"role", "auditor"}, {"family", "staff"}, {"rank", 40}}));

  // A self-upgrade from a role someone holds reaches it...
  Json upgrade = b;
  upgrade["selfUpgrades"] = Json::parse(R"([{"id": "up", "action": "staff.upgrade",
    "from": ["boss"], "to": ["auditor"]}])");
  upgrade["operations"]["request_self_upgrade"] = {{"action", "staff.upgrade"}};
  EXPECT_THAT(Findings(Analyze(upgrade), "unreachable_role"), IsEmpty());
  // ...but not when no operation runs it.
  upgrade["operations"].erase("request_self_upgrade");
  EXPECT_EQ(Findings(Analyze(upgrade), "unreachable_role").size(), 1u);

  // So does a claim, and a role that manages it.
  Json claim = b;
  claim["claims"] = Json::parse(R"([{"id": "c", "action": "staff.claim", "holder": ["boss"],
    "grants": "auditor", "within": "org"}])");
  claim["operations"]["claim_role"] = {{"action", "staff.claim"}};
  EXPECT_THAT(Findings(Analyze(claim), "unreachable_role"), IsEmpty());
  Json managed = b;
  Role(managed, "boss")["manages"]["upToRank"] = 40;
  EXPECT_THAT(Findings(Analyze(managed), "unreachable_role"), IsEmpty());

  // Held only through a binding that will expire: as good as nobody.
  Json expiring = b;
  expiring["bindings"].push_back(Json{{"member", "c1"},
                                      {"role", "auditor"},
                                      {"scope", "org-1"},
                                      {"expiresAt", "2030-01-01T00:00:00Z"}});
  EXPECT_EQ(Findings(Analyze(expiring), "unreachable_role").size(), 1u);
  expiring["bindings"].back().erase("expiresAt");
  EXPECT_THAT(Findings(Analyze(expiring), "unreachable_role"), IsEmpty());
}

TEST(AnalyzeTest, UnreachableRoleFollowsWhoCanBeGivenWhat) {
  // A manager nobody holds or can be given does not make its roles reachable.
  Json b = ShopBundle();
  b["roles"].push_back(Json::parse(R"({"id": "auditor", "family": "audit", "rank": 10,
    "permissions": ["sell"], "assignableAt": ["site"]})"));
  b["roles"].push_back(Json::parse(R"({"id": "chief_auditor", "family": "audit", "rank": 20,
    "permissions": ["roles.assign"], "assignableAt": ["org"], "manages": {"upToRank": 10}})"));
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "unreachable_role");
  ASSERT_EQ(found.size(), 2u) << Canonical(r);
  EXPECT_EQ(found[0]["facts"]["role"], "auditor");
  EXPECT_EQ(found[1]["facts"]["role"], "chief_auditor");
}

TEST(AnalyzeTest, ApprovalUnsatisfiable) {
  Json b = ShopBundle();
  b["approvalRules"][0]["quorum"] = 3;  // two bosses
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "approval_unsatisfiable");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "error");
  EXPECT_EQ(found[0]["pointer"], "/approvalRules/0");
  EXPECT_EQ(found[0]["facts"], (Json{{"rule", "refunds"},
                                     {"quorum", 3},
                                     {"scope", "site-a"},
                                     {"approvers", {"b1", "b2"}},
                                     {"scopes", {"site-a", "site-b"}},
                                     {"count", 2}}));
  // A blocked boss could still approve once unblocked; a removed one, or one whose
  // binding expires, could not.
  b["approvalRules"][0]["quorum"] = 2;
  b["members"][1]["status"] = "blocked";
  EXPECT_THAT(Findings(Analyze(b), "approval_unsatisfiable"), IsEmpty());
  b["bindings"][1]["expiresAt"] = "2030-01-01T00:00:00Z";
  EXPECT_EQ(Findings(Analyze(b), "approval_unsatisfiable").size(), 1u);
}

TEST(AnalyzeTest, SelfApprovalPath) {
  Json b = ShopBundle();
  // Clerks approve each other's sales on site A, where there is one clerk.
  b["approvalRules"].push_back(Json::parse(R"({"id": "sales", "actions": ["sell"],
    "requesterRoles": ["clerk"], "scopes": ["site-a"], "approvers": {"roles": ["clerk"]}})"));
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "self_approval_path");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "warning");
  EXPECT_EQ(found[0]["pointer"], "/approvalRules/1");
  EXPECT_EQ(found[0]["facts"], (Json{{"rule", "sales"},
                                     {"quorum", 1},
                                     {"scope", "site-a"},
                                     {"approvers", {"c1"}},
                                     {"requesters", {"c1"}},
                                     {"scopes", {"site-a"}},
                                     {"count", 1}}));
  EXPECT_THAT(Findings(r, "approval_unsatisfiable"), IsEmpty());
  // A second clerk approves the first one's sales, and the other way round.
  b["members"].push_back(Json{{"id", "c2"}, {"status", "active"}});
  b["bindings"].push_back(Json{{"member", "c2"}, {"role", "clerk"}, {"scope", "site-a"}});
  EXPECT_THAT(Codes(Analyze(b)), IsEmpty());
}

TEST(AnalyzeTest, ApprovalVetoOverSuperiors) {
  Json b = ShopBundle();
  // Leads may set approval rules on their sites; a rule there gates bosses.
  b["operations"]["set_approval_rule"] = {{"action", "rules.set"}};
  Role(b, "lead")["permissions"].push_back("rules.set");
  b["approvalRules"].push_back(Json::parse(R"({"id": "boss.refunds", "actions": ["refund"],
    "scopes": ["site-a"], "requesterRoles": ["boss"], "approvers": {"roles": ["lead"]}})"));
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "approval_veto");
  ASSERT_EQ(found.size(), 1u) << Canonical(r);
  EXPECT_EQ(found[0]["severity"], "warning");
  EXPECT_EQ(found[0]["pointer"], "/approvalRules/1");
  EXPECT_EQ(found[0]["facts"],
            (Json{{"rule", "boss.refunds"}, {"gated", {"boss"}}, {"authors", {"lead"}}}));
  // The bosses may set it too: no veto.
  Role(b, "boss")["permissions"].push_back("rules.set");
  EXPECT_THAT(Findings(Analyze(b), "approval_veto"), IsEmpty());
}

TEST(AnalyzeTest, ApprovalVetoOnEveryRequesterBelowTheTop) {
  Json b = ShopBundle();
  b["operations"]["set_approval_rule"] = {{"action", "rules.set"}};
  Role(b, "lead")["permissions"].push_back("rules.set");
  Role(b, "boss")["permissions"].push_back("rules.set");
  b["approvalRules"].push_back(Json::parse(R"({"id": "all.refunds", "actions": ["refund"],
    "scopes": ["site-a"], "approvers": {"roles": ["boss"]}})"));
  std::vector<Json> found = Findings(Analyze(b), "approval_veto");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["facts"],
            (Json{{"rule", "all.refunds"}, {"gated", {"boss"}}, {"authors", {"boss", "lead"}}}));
}

TEST(AnalyzeTest, ApprovalVetoFixedByTheBundleIsInfo) {
  Json b = ShopBundle();
  // No one may set rules: only a rule making the top role ask its juniors is noted.
  b["approvalRules"].push_back(Json::parse(R"({"id": "boss.refunds", "actions": ["refund"],
    "requesterRoles": ["boss"], "approvers": {"roles": ["lead"]}})"));
  std::vector<Json> found = Findings(Analyze(b), "approval_veto");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["severity"], "info");
  EXPECT_EQ(found[0]["facts"],
            (Json{{"rule", "boss.refunds"}, {"gated", {"boss"}}, {"approvers", {"lead"}}}));
  // Approvers of the same rank: nothing to note.
  b["approvalRules"][1]["approvers"]["roles"] = {"lead", "boss"};
  EXPECT_THAT(Findings(Analyze(b), "approval_veto"), IsEmpty());
}

TEST(AnalyzeTest, LockoutRisk) {
  Json b = ShopBundle();
  b["members"][1]["status"] = "disabled";  // b2: only b1 manages the organisation
  Json r = Analyze(b);
  std::vector<Json> found = Findings(r, "lockout_risk");
  ASSERT_EQ(found.size(), 2u) << Canonical(r);
  EXPECT_EQ(found[0]["pointer"], "/scopeTypes/0");
  EXPECT_EQ(found[0]["facts"],
            (Json{{"scopeType", "org"}, {"scopes", {"org-1"}}, {"members", {"b1"}}, {"count", 1}}));
  // Site A has its lead too.
  EXPECT_EQ(
      found[1]["facts"],
      (Json{{"scopeType", "site"}, {"scopes", {"site-b"}}, {"members", {"b1"}}, {"count", 1}}));
  EXPECT_EQ(found[1]["severity"], "warning");
}

TEST(AnalyzeTest, LockoutRiskListsAtMostTwentyScopes) {
  Json b = ShopBundle();
  b["members"][1]["status"] = "disabled";
  for (int i = 0; i < 30; ++i) {
    b["scopes"].push_back(
        Json{{"id", "site-" + std::to_string(100 + i)}, {"type", "site"}, {"parent", "org-1"}});
  }
  std::vector<Json> found = Findings(Analyze(b), "lockout_risk");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[1]["facts"]["count"], 31);
  EXPECT_EQ(found[1]["facts"]["scopes"].size(), 20u);
  EXPECT_EQ(found[1]["facts"]["scopes"][0], "site-100");
}

TEST(AnalyzeTest, FindingsAreSortedByCodePointerAndFacts) {
  Json b = ShopBundle();
  b["members"][1]["status"] = "disabled";
  b["approvalRules"][0]["quorum"] = 3;
  b["roles"].push_back(Json::parse(R"({"id": "auditor", "family": "staff", "rank": 40,
    "permissions": ["sell"], "assignableAt": ["org"]})"));
  Json r = Analyze(b);
  EXPECT_THAT(Codes(r), ElementsAre("approval_unsatisfiable", "lockout_risk", "lockout_risk",
                                    "unreachable_role"));
  EXPECT_EQ(r["summary"], (Json{{"error", 1}, {"warning", 3}, {"info", 0}}));
  // The same bundle, analysed twice, the same bytes.
  EXPECT_EQ(Canonical(r), Canonical(Analyze(b)));
}

TEST(AnalyzeTest, ExamplesHaveTheFindingsTheirReadmesExplain) {
  auto codes = [](const std::string& name) {
    LoadResult loaded = LoadPolicy(testing::ReadFileOrDie(std::string(ROLEGATE_SOURCE_DIR) +
                                                          "/examples/" + name + "/bundle.json"));
    EXPECT_TRUE(loaded.ok()) << name;
    return loaded.ok() ? Codes(loaded.policy->Analyze()) : std::vector<std::string>();
  };
  EXPECT_THAT(codes("account-hub"), IsEmpty());
  EXPECT_THAT(codes("hosted-voice"), IsEmpty());
  EXPECT_THAT(codes("bt-business"),
              ElementsAre("escalation_path", "lockout_risk", "lockout_risk", "lockout_risk"));
  EXPECT_THAT(codes("cloud-work"), ElementsAre("lockout_risk"));
  EXPECT_THAT(codes("code-hosting"),
              ElementsAre("approval_unsatisfiable", "lockout_risk", "lockout_risk", "lockout_risk",
                          "self_approval_path", "self_approval_path", "self_approval_path"));
}

}  // namespace
}  // namespace rolegate
