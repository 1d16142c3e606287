// Change sets: validation, authorisation, sequencing, diffs, invariants, events,
// the approval and verification lifecycles, and verify.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace rolegate {
namespace {

class SimulateTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = testing::MustLoad(testing::TinyBundle()); }

  Json ChangeSet(const std::string& actor, Json ops, const char* now = testing::kNow) {
    return Json{{"format", "rolegate-changeset/1"},
                {"baseRevision", policy_->revision()},
                {"actor", actor},
                {"now", now},
                {"operations", std::move(ops)}};
  }
  Json Run(const std::string& actor, Json ops, bool bundle = false) {
    Json r = policy_->Simulate(ChangeSet(actor, std::move(ops)), bundle);
    EXPECT_EQ(r["ok"], true) << Canonical(r);
    return r;
  }
  static std::vector<std::string> Keys(const Json& errors) {
    std::vector<std::string> out;
    for (const Json& e : errors) {
      out.push_back(e["code"].get<std::string>() + "@" + e["pointer"].get<std::string>());
    }
    return out;
  }
  std::shared_ptr<const Policy> policy_;
};

TEST_F(SimulateTest, MalformedChangeSetIsRejectedWholeWithPointers) {
  Json cs = ChangeSet("olga", {{{"op", "change_role"}, {"member", "ghost"}, {"scope", "repo-x"},
                                {"role", "dev.member"}},
                               {{"op", "teleport"}},
                               {{"op", "block"}, {"member", 7}},
                               {{"op", "assign_role"}, {"member", "dan"}, {"role", "dev.member"},
                                {"scope", "repo-y"}, {"colour", "red"}}});
  Json r = policy_->Simulate(cs);
  ASSERT_EQ(r["ok"], false);
  EXPECT_THAT(Keys(r["errors"]),
              ::testing::ElementsAre("unknown_member@/operations/0/member",
                                     "unknown_operation@/operations/1/op",
                                     "wrong_type@/operations/2/member",
                                     "unknown_field@/operations/3/colour"));
  EXPECT_FALSE(r.contains("bundleAfter"));
}

TEST_F(SimulateTest, StaleRevisionIsRejected) {
  Json cs = ChangeSet("olga", Json::array());
  cs["baseRevision"] = "older";
  Json r = policy_->Simulate(cs);
  EXPECT_THAT(Keys(r["errors"]), ::testing::ElementsAre("stale_revision@/baseRevision"));
}

TEST_F(SimulateTest, UpgradeIsAllowedWithEventAndDiff) {
  Json r = Run("olga", {{{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"},
                         {"role", "dev.maintainer"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
  ASSERT_EQ(r["events"].size(), 1u);
  EXPECT_EQ(r["events"][0]["event"], "role_upgraded");
  EXPECT_EQ(r["events"][0]["to"], "dan");
  EXPECT_EQ(r["events"][0]["fromRole"], "dev.member");
  const Json& diff = r["accessDiff"]["members"];
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0]["member"], "dan");
  EXPECT_EQ(diff[0]["gained"], Json::parse(R"([{"permission":"code.approve","scope":"repo-x"},
      {"permission":"members.manage","scope":"repo-x"}])"));
  EXPECT_NE(r["revisionAfter"], r["baseRevision"]);
  EXPECT_EQ(r["summary"]["blocked"], false);
}

TEST_F(SimulateTest, RankLimitDeniesAndChangesNothing) {
  Json r = Run("mia", {{{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"},
                        {"role", "dev.owner"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["checks"][0]["reasons"][0]["code"], "rank_too_low");
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);
  EXPECT_TRUE(r["events"].empty());
  EXPECT_TRUE(r["accessDiff"]["members"].empty());
  EXPECT_EQ(r["summary"]["blocked"], true);
}

TEST_F(SimulateTest, DowngradeRevealsWhoDidIt) {
  Json r = Run("olga", {{{"op", "change_role"}, {"member", "mia"}, {"scope", "team-a"},
                         {"role", "dev.member"}}});
  EXPECT_EQ(r["events"][0]["event"], "role_downgraded");
  EXPECT_EQ(r["events"][0]["by"], "olga");
  EXPECT_FALSE(r["events"][0].contains("byEmail"));
}

TEST_F(SimulateTest, OperationsSeeTheStateEarlierOnesProduced) {
  Json r = Run("olga", {{{"op", "invite"},
                         {"member", {{"id", "nia"}, {"email", "nia@example.org"}}},
                         {"role", "dev.member"},
                         {"scope", "repo-y"}},
                        {{"op", "assign_role"}, {"member", "nia"}, {"role", "dev.member"},
                         {"scope", "repo-z"}},
                        {{"op", "block"}, {"member", "nia"}}},
               true);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r["operations"][i]["effect"], "allow") << i;
  EXPECT_EQ(r["operations"][2]["checks"].size(), 2u);  // both of Nia's scopes
  const Json& after = r["bundleAfter"];
  const Json* nia = nullptr;
  for (const Json& m : after["members"]) {
    if (m["id"] == "nia") nia = &m;
  }
  ASSERT_NE(nia, nullptr);
  EXPECT_EQ((*nia)["status"], "blocked");
  EXPECT_EQ(r["events"][0]["event"], "member_invited");
  // The bundle after is valid and carries the new revision.
  LoadResult again = CompilePolicy(after);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.policy->revision(), r["revisionAfter"]);
}

TEST_F(SimulateTest, RemovingTheLastOwnerBreaksMinHoldersAndIsRefused) {
  // The invariant is an error: the removal is refused, with the breach shown.
  Json r = Run("olga", {{{"op", "remove_member"}, {"member", "olga"}, {"scope", "org-1"}}},
               true);
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["reasons"][0]["code"], "violates_invariant");
  ASSERT_EQ(r["violations"].size(), 1u) << Canonical(r["violations"]);
  EXPECT_EQ(r["violations"][0]["kind"], "min_holders");
  EXPECT_EQ(r["violations"][0]["scope"], "org-1");
  EXPECT_EQ(r["violations"][0]["severity"], "error");
  EXPECT_EQ(r["summary"]["blocked"], true);
  EXPECT_TRUE(r["events"].empty());
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);
}

TEST_F(SimulateTest, ALastHolderBreachThatIsAWarningIsAppliedAndShown) {
  Json b = testing::TinyBundle();
  b["invariants"][0]["severity"] = "warning";
  auto p = testing::MustLoad(b);
  Json r = p->Simulate({{"baseRevision", p->revision()}, {"actor", "olga"},
                        {"now", testing::kNow},
                        {"operations", {{{"op", "remove_member"}, {"member", "olga"},
                                         {"scope", "org-1"}}}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
  ASSERT_EQ(r["violations"].size(), 1u);
  EXPECT_EQ(r["violations"][0]["severity"], "warning");
  EXPECT_EQ(r["summary"]["blocked"], false);
  EXPECT_EQ(r["events"][0]["byEmail"], "olga@example.org");
}

TEST_F(SimulateTest, DuplicateEmailIsAnErrorViolationAndNotApplied) {
  Json r = Run("olga", {{{"op", "edit_member"}, {"member", "dan"}, {"email", "MIA@example.org"}}},
               true);
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["reasons"][0]["code"], "violates_invariant");
  ASSERT_EQ(r["violations"].size(), 1u);
  EXPECT_EQ(r["violations"][0]["kind"], "unique_email");
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);
}

TEST_F(SimulateTest, SecondExclusiveRoleIsAnErrorViolation) {
  Json r = Run("olga", {{{"op", "assign_role"}, {"member", "dan"}, {"role", "dev.maintainer"},
                         {"scope", "repo-x"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["violations"][0]["kind"], "exclusive_role");
}

TEST_F(SimulateTest, ApprovalLifecycle) {
  // Dan's push to main needs a maintainer's approval: a request is recorded.
  Json b = testing::TinyBundle();
  b["operations"]["assign_role"] = {{"action", "code.push"}};
  auto p = testing::MustLoad(b);
  Json cs = {{"baseRevision", p->revision()}, {"actor", "dan"}, {"now", testing::kNow},
             {"operations", {{{"op", "assign_role"}, {"member", "zed"}, {"role", "ops.viewer"},
                              {"scope", "repo-x"}, {"attributes", {{"branch", "main"}}}}}}};
  Json r = p->Simulate(cs, true);
  ASSERT_EQ(r["ok"], true) << Canonical(r);
  EXPECT_EQ(r["operations"][0]["effect"], "conditional");
  EXPECT_EQ(r["operations"][0]["requirements"]["approvals"][0]["approvers"],
            Json({"mia", "olga"}));
  ASSERT_EQ(r["bundleAfter"]["approvalRequests"].size(), 1u);
  const std::string id = r["bundleAfter"]["approvalRequests"][0]["id"];
  EXPECT_EQ(r["bundleAfter"]["approvalRequests"][0]["expiresAt"], "2026-12-08T09:00:00Z");
  EXPECT_EQ(r["events"].size(), 2u);  // approval_requested to Mia and Olga
  EXPECT_TRUE(r["accessDiff"]["members"].empty());

  auto pending = testing::MustLoad(r["bundleAfter"]);
  Json status = pending->ApprovalStatus({{"request", id}, {"now", testing::kNow}});
  EXPECT_EQ(status["status"], "pending");
  EXPECT_EQ(pending->ApprovalStatus({{"request", id}, {"now", "2026-12-09T00:00:00Z"}})["status"],
            "expired");

  // Dan cannot approve his own request; applying before approval is denied.
  auto step = [&](const std::shared_ptr<const Policy>& pol, const std::string& actor, Json ops) {
    Json c = {{"baseRevision", pol->revision()}, {"actor", actor}, {"now", testing::kNow},
              {"operations", std::move(ops)}};
    return pol->Simulate(c, true);
  };
  Json self = step(pending, "dan", {{{"op", "decide_request"}, {"request", id},
                                     {"decision", "approve"}}});
  EXPECT_EQ(self["operations"][0]["reasons"][0]["code"], "not_an_approver");
  Json early = step(pending, "dan", {{{"op", "apply_approved"}, {"request", id}}});
  EXPECT_EQ(early["operations"][0]["reasons"][0]["code"], "request_not_approved");

  // Mia approves; then Dan applies it and Zed gains access.
  Json approved = step(pending, "mia", {{{"op", "decide_request"}, {"request", id},
                                         {"decision", "approve"}}});
  ASSERT_EQ(approved["operations"][0]["effect"], "allow") << Canonical(approved);
  auto ready = testing::MustLoad(approved["bundleAfter"]);
  EXPECT_EQ(ready->ApprovalStatus({{"request", id}, {"now", testing::kNow}})["status"],
            "approved");
  Json applied = step(ready, "dan", {{{"op", "apply_approved"}, {"request", id}}});
  ASSERT_EQ(applied["operations"][0]["effect"], "allow") << Canonical(applied);
  EXPECT_EQ(applied["accessDiff"]["members"][0]["member"], "zed");
  EXPECT_TRUE(applied["bundleAfter"]["approvalRequests"].empty());
}

TEST_F(SimulateTest, SelfUpgradeVerificationLifecycle) {
  Json b = testing::TinyBundle();
  b["members"][0]["status"] = "disabled";  // nobody of rank >= 20 over repo-z
  auto p = testing::MustLoad(b);
  auto step = [&](const std::shared_ptr<const Policy>& pol, Json ops, const char* now) {
    Json c = {{"baseRevision", pol->revision()}, {"actor", "dan"}, {"now", now},
              {"operations", std::move(ops)}};
    Json r = pol->Simulate(c, true);
    EXPECT_EQ(r["ok"], true) << Canonical(r);
    return r;
  };
  Json op = {{"op", "request_self_upgrade"}, {"role", "dev.maintainer"}, {"scope", "repo-z"}};
  Json first = step(p, {op}, testing::kNow);
  EXPECT_EQ(first["operations"][0]["effect"], "conditional");
  EXPECT_EQ(first["operations"][0]["requirements"]["verifications"][0]["method"], "postal_pin");
  EXPECT_EQ(first["events"][0]["event"], "verification_sent");
  ASSERT_EQ(first["bundleAfter"]["verifications"].size(), 1u);
  EXPECT_EQ(first["bundleAfter"]["verifications"][0]["expiresAt"], "2026-12-29T09:00:00Z");

  // Resending replaces the record: one record, new dates.
  auto issued = testing::MustLoad(first["bundleAfter"]);
  Json resend = step(issued, {{{"op", "resend_verification"}, {"role", "dev.maintainer"},
                               {"scope", "repo-z"}}},
                     "2026-12-05T09:00:00Z");
  EXPECT_EQ(resend["events"][0]["event"], "verification_resent");
  ASSERT_EQ(resend["bundleAfter"]["verifications"].size(), 1u);
  EXPECT_EQ(resend["bundleAfter"]["verifications"][0]["expiresAt"], "2027-01-02T09:00:00Z");

  Json complete = {{"op", "complete_self_upgrade"}, {"role", "dev.maintainer"},
                   {"scope", "repo-z"}};
  auto reissued = testing::MustLoad(resend["bundleAfter"]);
  Json late = step(reissued, {complete}, "2027-01-03T00:00:00Z");
  EXPECT_EQ(late["operations"][0]["reasons"][0]["code"], "verification_expired");
  Json done = step(reissued, {complete}, "2026-12-20T00:00:00Z");
  ASSERT_EQ(done["operations"][0]["effect"], "allow") << Canonical(done);
  EXPECT_EQ(done["events"][0]["event"], "role_upgraded");
  EXPECT_TRUE(done["bundleAfter"]["verifications"].empty());
  EXPECT_EQ(done["accessDiff"]["members"][0]["member"], "dan");

  // Without a record there is nothing to complete.
  Json none = step(p, {complete}, testing::kNow);
  EXPECT_EQ(none["operations"][0]["reasons"][0]["code"], "no_pending_verification");
}

TEST_F(SimulateTest, CustomRoleMayNotExceedItsCreator) {
  Json b = testing::TinyBundle();
  b["invariants"].push_back({{"id", "within"}, {"kind", "custom_role_within_creator"},
                             {"severity", "error"}});
  b["bindings"].push_back({{"member", "zed"}, {"role", "dev.owner"}, {"scope", "org-1"},
                           {"expiresAt", "2030-01-01T00:00:00Z"}});
  auto p = testing::MustLoad(b);
  Json role = {{"id", "custom.reader"}, {"family", "custom"}, {"rank", 1},
               {"permissions", {"code.read"}}, {"assignableAt", {"repo"}}};
  Json ok = p->Simulate({{"baseRevision", p->revision()}, {"actor", "olga"},
                         {"now", testing::kNow},
                         {"operations", {{{"op", "define_role"}, {"scope", "org-1"},
                                          {"role", role}}}}});
  EXPECT_EQ(ok["operations"][0]["effect"], "allow") << Canonical(ok);
  EXPECT_TRUE(ok["violations"].empty());
  // An owner holds no ops.* permission... but every permission here is held by the
  // owner; give the role one the creator lacks by defining it as Mia (no billing.pay).
  role["permissions"] = {"code.read", "billing.pay"};
  Json bad = p->Simulate({{"baseRevision", p->revision()}, {"actor", "olga"},
                          {"now", testing::kNow},
                          {"operations", {{{"op", "define_role"}, {"scope", "org-1"},
                                           {"role", role}}}}});
  EXPECT_EQ(bad["operations"][0]["effect"], "allow");  // Olga holds billing.pay
  Json b2 = b;
  b2["permissions"].push_back({{"id", "secret.read"}, {"appliesTo", {"repo"}}});
  b2["roles"][3]["permissions"].push_back("secret.read");
  auto p2 = testing::MustLoad(b2);
  role["permissions"] = {"secret.read"};
  Json beyond = p2->Simulate({{"baseRevision", p2->revision()}, {"actor", "olga"},
                              {"now", testing::kNow},
                              {"operations", {{{"op", "define_role"}, {"scope", "org-1"},
                                               {"role", role}}}}});
  EXPECT_EQ(beyond["operations"][0]["effect"], "deny");
  EXPECT_EQ(beyond["violations"][0]["kind"], "custom_role_within_creator");
  EXPECT_EQ(beyond["violations"][0]["permissions"], Json({"secret.read"}));
}

TEST_F(SimulateTest, EditingARoleShowsInTheAccessOfRolesInheritingIt) {
  Json b = testing::TinyBundle();
  b["roles"].push_back({{"id", "c.base"}, {"family", "c"}, {"rank", 1}, {"custom", true},
                        {"permissions", {"code.read"}}, {"assignableAt", {"repo"}}});
  b["roles"].push_back({{"id", "c.child"}, {"family", "c2"}, {"rank", 1}, {"custom", true},
                        {"inherits", {"c.base"}}, {"assignableAt", {"repo"}}});
  b["bindings"].push_back({{"member", "zed"}, {"role", "c.child"}, {"scope", "repo-y"}});
  auto p = testing::MustLoad(b);
  Json role = {{"id", "c.base"}, {"family", "c"}, {"rank", 1},
               {"permissions", {"code.read", "code.push"}}, {"assignableAt", {"repo"}}};
  Json r = p->Simulate({{"baseRevision", p->revision()}, {"actor", "olga"},
                        {"now", testing::kNow},
                        {"operations", {{{"op", "edit_role"}, {"scope", "org-1"},
                                         {"role", role}}}}});
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  ASSERT_EQ(r["accessDiff"]["members"].size(), 1u) << Canonical(r["accessDiff"]);
  EXPECT_EQ(r["accessDiff"]["members"][0]["member"], "zed");
  EXPECT_EQ(r["accessDiff"]["members"][0]["gained"][0]["permission"], "code.push");
}

TEST_F(SimulateTest, ACallerCannotNarrowTheChecksOfAnOperation) {
  // Blocking names only the member: a caller-supplied `role` must not narrow the
  // target's rank to another family, nor `scope` replace the member's own scopes.
  Json r = Run("mia", {{{"op", "block"}, {"member", "olga"}, {"scope", "repo-x"},
                        {"attributes", {{"role", "ops.viewer"}}}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["checks"][0]["resource"], "org-1");
}

TEST_F(SimulateTest, StatusChangesStartFromTheStatusTheyUndo) {
  Json r = Run("olga", {{{"op", "unblock"}, {"member", "dan"}}});
  EXPECT_EQ(r["operations"][0]["reasons"][0]["code"], "wrong_status");
  Json ok = Run("olga", {{{"op", "block"}, {"member", "dan"}}, {{"op", "unblock"}, {"member", "dan"}}});
  EXPECT_EQ(ok["operations"][1]["effect"], "allow");
}

TEST_F(SimulateTest, UnmappedOperationIsNotSupported) {
  Json r = Run("olga", {{{"op", "disable"}, {"member", "dan"}}});
  EXPECT_EQ(r["operations"][0]["reasons"][0]["code"], "operation_not_supported");
}

TEST_F(SimulateTest, SimulationIsDeterministic) {
  Json ops = {{{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"},
               {"role", "dev.maintainer"}},
              {{"op", "remove_member"}, {"member", "mia"}, {"scope", "team-a"}}};
  std::string a = Canonical(policy_->Simulate(ChangeSet("olga", ops), true));
  auto again = testing::MustLoad(testing::TinyBundle());
  Json cs = ChangeSet("olga", ops);
  EXPECT_EQ(Canonical(again->Simulate(cs, true)), a);
}

// Every leaf of a previewed result, altered, must be caught by verify.
void Leaves(const Json& v, const std::string& pointer, std::vector<std::string>* out) {
  if (v.is_object() && !v.empty()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      Leaves(it.value(), PointerAppend(pointer, it.key()), out);
    }
  } else if (v.is_array() && !v.empty()) {
    for (size_t i = 0; i < v.size(); ++i) Leaves(v[i], PointerAppend(pointer, i), out);
  } else {
    out->push_back(pointer);
  }
}

Json Tampered(const Json& v) {
  if (v.is_string()) return v.get<std::string>() == "allow" ? Json("deny") : Json(v.get<std::string>() + "!");
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>() + 1;
  if (v.is_array()) return Json::array({"extra"});
  if (v.is_object()) return Json{{"extra", true}};
  return "x";
}

TEST_F(SimulateTest, VerifyCatchesEveryTamperedField) {
  Json cs = ChangeSet("olga", {{{"op", "change_role"}, {"member", "mia"}, {"scope", "team-a"},
                                {"role", "dev.member"}},
                               {{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"},
                                {"role", "dev.owner"}},
                               {{"op", "remove_member"}, {"member", "olga"},
                                {"scope", "org-1"}}});
  Json preview = policy_->Simulate(cs);
  Json ok = policy_->Verify(cs, preview);
  ASSERT_EQ(ok["match"], true) << Canonical(ok);
  std::vector<std::string> leaves;
  Leaves(preview, "", &leaves);
  ASSERT_GT(leaves.size(), 50u);
  for (const std::string& p : leaves) {
    Json tampered = preview;
    Json::json_pointer ptr(p);
    tampered[ptr] = Tampered(tampered[ptr]);
    Json v = policy_->Verify(cs, tampered);
    ASSERT_EQ(v["ok"], true);
    EXPECT_EQ(v["match"], false) << "tampering " << p << " went unnoticed";
    ASSERT_FALSE(v["differences"].empty());
    EXPECT_EQ(v["differences"][0]["pointer"].get<std::string>().rfind(p, 0), 0u) << p;
  }
  // Removed entries are caught too: an approval, an event, a whole operation.
  Json fewer = preview;
  fewer["events"].erase(0);
  EXPECT_EQ(policy_->Verify(cs, fewer)["match"], false);
  fewer = preview;
  fewer["operations"].erase(1);
  EXPECT_EQ(policy_->Verify(cs, fewer)["match"], false);
  Json stale = cs;
  stale["baseRevision"] = "old";
  EXPECT_EQ(policy_->Verify(stale, preview)["errors"][0]["code"], "stale_revision");
}

}  // namespace
}  // namespace rolegate
