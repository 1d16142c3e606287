// Change sets: validation, authorisation, sequencing, diffs, invariants, events,
// the approval and verification lifecycles, and verify.
#include "simulate.h"

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
  Json cs = ChangeSet(
      "olga",
      {{{"op", "change_role"}, {"member", "ghost"}, {"scope", "repo-x"}, {"role", "dev.member"}},
       {{"op", "teleport"}},
       {{"op", "block"}, {"member", 7}},
       {{"op", "assign_role"},
        {"member", "dan"},
        {"role", "dev.member"},
        {"scope", "repo-y"},
        {"colour", "red"}}});
  Json r = policy_->Simulate(cs);
  ASSERT_EQ(r["ok"], false);
  EXPECT_THAT(Keys(r["errors"]), ::testing::ElementsAre("unknown_member@/operations/0/member",
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
  Json r = Run("olga", {{{"op", "change_role"},
                         {"member", "dan"},
                         {"scope", "repo-x"},
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
  Json r =
      Run("mia",
          {{{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"}, {"role", "dev.owner"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["checks"][0]["reasons"][0]["code"], "rank_too_low");
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);
  EXPECT_TRUE(r["events"].empty());
  EXPECT_TRUE(r["accessDiff"]["members"].empty());
  EXPECT_EQ(r["summary"]["blocked"], true);
}

TEST_F(SimulateTest, DowngradeRevealsWhoDidIt) {
  Json r = Run(
      "olga",
      {{{"op", "change_role"}, {"member", "mia"}, {"scope", "team-a"}, {"role", "dev.member"}}});
  EXPECT_EQ(r["events"][0]["event"], "role_downgraded");
  EXPECT_EQ(r["events"][0]["by"], "olga");
  EXPECT_FALSE(r["events"][0].contains("byEmail"));
}

TEST_F(SimulateTest, OperationsSeeTheStateEarlierOnesProduced) {
  Json r =
      Run("olga",
          {{{"op", "invite"},
            {"member", {{"id", "nia"}, {"email", "nia@example.org"}}},
            {"role", "dev.member"},
            {"scope", "repo-y"}},
           {{"op", "assign_role"}, {"member", "nia"}, {"role", "dev.member"}, {"scope", "repo-z"}},
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
  Json r = Run("olga", {{{"op", "remove_member"}, {"member", "olga"}, {"scope", "org-1"}}}, true);
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
  Json r = p->Simulate(
      {{"baseRevision", p->revision()},
       {"actor", "olga"},
       {"now", testing::kNow},
       {"operations", {{{"op", "remove_member"}, {"member", "olga"}, {"scope", "org-1"}}}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
  ASSERT_EQ(r["violations"].size(), 1u);
  EXPECT_EQ(r["violations"][0]["severity"], "warning");
  EXPECT_EQ(r["summary"]["blocked"], false);
  EXPECT_EQ(r["events"][0]["byEmail"], "olga@example.org");
}

TEST_F(SimulateTest, DuplicateEmailIsAnErrorViolationAndNotApplied) {
  Json r =
      Run("olga", {{{"op", "edit_member"}, {"member", "dan"}, {"email", "MIA@example.org"}}}, true);
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["reasons"][0]["code"], "violates_invariant");
  ASSERT_EQ(r["violations"].size(), 1u);
  EXPECT_EQ(r["violations"][0]["kind"], "unique_email");
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);
}

TEST_F(SimulateTest, SecondExclusiveRoleIsAnErrorViolation) {
  Json r = Run("olga", {{{"op", "assign_role"},
                         {"member", "dan"},
                         {"role", "dev.maintainer"},
                         {"scope", "repo-x"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["violations"][0]["kind"], "exclusive_role");
}

TEST_F(SimulateTest, ApprovalLifecycle) {
  // A maintainer's role changes need an owner's approval: a request is recorded.
  Json b = testing::TinyBundle();
  b["approvalRules"].push_back({{"id", "maintainer.changes"},
                                {"actions", {"members.manage"}},
                                {"requesterRoles", {"dev.maintainer"}},
                                {"approvers", {{"permission", "billing.pay"}}},
                                {"expiresAfterDays", 7}});
  auto p = testing::MustLoad(b);
  Json cs = {
      {"baseRevision", p->revision()},
      {"actor", "mia"},
      {"now", testing::kNow},
      {"operations",
       {{{"op", "assign_role"}, {"member", "zed"}, {"role", "dev.member"}, {"scope", "repo-y"}}}}};
  Json r = p->Simulate(cs, true);
  ASSERT_EQ(r["ok"], true) << Canonical(r);
  EXPECT_EQ(r["operations"][0]["effect"], "conditional");
  EXPECT_EQ(r["operations"][0]["requirements"]["approvals"][0]["approvers"], Json({"olga"}));
  ASSERT_EQ(r["bundleAfter"]["approvalRequests"].size(), 1u);
  const std::string id = r["bundleAfter"]["approvalRequests"][0]["id"];
  EXPECT_EQ(r["bundleAfter"]["approvalRequests"][0]["expiresAt"], "2026-12-08T09:00:00Z");
  EXPECT_EQ(r["events"].size(), 1u);  // approval_requested to Olga
  EXPECT_TRUE(r["accessDiff"]["members"].empty());

  auto pending = testing::MustLoad(r["bundleAfter"]);
  Json status = pending->ApprovalStatus({{"request", id}, {"now", testing::kNow}});
  EXPECT_EQ(status["status"], "pending");
  EXPECT_EQ(pending->ApprovalStatus({{"request", id}, {"now", "2026-12-09T00:00:00Z"}})["status"],
            "expired");

  // Mia cannot approve her own request; applying before approval is denied.
  auto step = [&](const std::shared_ptr<const Policy>& pol, const std::string& actor, Json ops) {
    Json c = {{"baseRevision", pol->revision()},
              {"actor", actor},
              {"now", testing::kNow},
              {"operations", std::move(ops)}};
    return pol->Simulate(c, true);
  };
  Json self =
      step(pending, "mia", {{{"op", "decide_request"}, {"request", id}, {"decision", "approve"}}});
  EXPECT_EQ(self["operations"][0]["reasons"][0]["code"], "not_an_approver");
  Json early = step(pending, "mia", {{{"op", "apply_approved"}, {"request", id}}});
  EXPECT_EQ(early["operations"][0]["reasons"][0]["code"], "request_not_approved");

  // Olga approves; then Mia applies it and Zed gains access.
  Json approved =
      step(pending, "olga", {{{"op", "decide_request"}, {"request", id}, {"decision", "approve"}}});
  ASSERT_EQ(approved["operations"][0]["effect"], "allow") << Canonical(approved);
  auto ready = testing::MustLoad(approved["bundleAfter"]);
  EXPECT_EQ(ready->ApprovalStatus({{"request", id}, {"now", testing::kNow}})["status"], "approved");
  Json applied = step(ready, "mia", {{{"op", "apply_approved"}, {"request", id}}});
  ASSERT_EQ(applied["operations"][0]["effect"], "allow") << Canonical(applied);
  EXPECT_EQ(applied["accessDiff"]["members"][0]["member"], "zed");
  EXPECT_TRUE(applied["bundleAfter"]["approvalRequests"].empty());
}

TEST_F(SimulateTest, SelfUpgradeVerificationLifecycle) {
  Json b = testing::TinyBundle();
  b["members"][0]["status"] = "disabled";  // nobody of rank >= 20 over repo-z
  auto p = testing::MustLoad(b);
  auto step = [&](const std::shared_ptr<const Policy>& pol, Json ops, const char* now) {
    Json c = {{"baseRevision", pol->revision()},
              {"actor", "dan"},
              {"now", now},
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
  Json resend = step(
      issued, {{{"op", "resend_verification"}, {"role", "dev.maintainer"}, {"scope", "repo-z"}}},
      "2026-12-05T09:00:00Z");
  EXPECT_EQ(resend["events"][0]["event"], "verification_resent");
  ASSERT_EQ(resend["bundleAfter"]["verifications"].size(), 1u);
  EXPECT_EQ(resend["bundleAfter"]["verifications"][0]["expiresAt"], "2027-01-02T09:00:00Z");

  Json complete = {
      {"op", "complete_self_upgrade"}, {"role", "dev.maintainer"}, {"scope", "repo-z"}};
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

TEST_F(SimulateTest, AResendIssuesANewVerificationIdAndTheOldOneNoLongerCounts) {
  // "Your original PIN will be deleted": each verification has its own id, a resend
  // deletes the record before and issues one with a new id, and an operation naming
  // the old id is refused.
  Json b = testing::TinyBundle();
  b["members"][0]["status"] = "disabled";
  auto p = testing::MustLoad(b);
  auto step = [&](const std::shared_ptr<const Policy>& pol, Json op, const char* now) {
    Json r = pol->Simulate({{"baseRevision", pol->revision()},
                            {"actor", "dan"},
                            {"now", now},
                            {"operations", Json::array({std::move(op)})}},
                           true);
    EXPECT_EQ(r["ok"], true) << Canonical(r);
    return r;
  };
  const Json upgrade = {{"role", "dev.maintainer"}, {"scope", "repo-z"}};
  auto with = [&](const char* kind, Json extra = Json::object()) {
    Json op = upgrade;
    op["op"] = kind;
    op.update(extra);
    return op;
  };
  Json first = step(p, with("request_self_upgrade"), testing::kNow);
  const std::string id1 = first["bundleAfter"]["verifications"][0]["id"];
  EXPECT_THAT(id1, ::testing::MatchesRegex("verification-[0-9a-f]{16}"));
  EXPECT_EQ(first["events"][0]["verification"], id1);
  EXPECT_FALSE(first["events"][0].contains("replaces"));

  // Two resends, each from the state the one before left: new ids every time, the
  // record before gone, the event naming both.
  std::vector<std::string> ids{id1};
  Json state = first["bundleAfter"];
  for (const char* now : {"2026-12-02T09:00:00Z", "2026-12-02T09:00:00Z"}) {
    auto pol = testing::MustLoad(state);
    Json resent = step(pol, with("resend_verification", {{"verification", ids.back()}}), now);
    ASSERT_EQ(resent["operations"][0]["effect"], "conditional") << Canonical(resent);
    const Json& records = resent["bundleAfter"]["verifications"];
    ASSERT_EQ(records.size(), 1u);
    const std::string id = records[0]["id"];
    for (const std::string& before : ids) EXPECT_NE(id, before);
    EXPECT_EQ(resent["events"][0]["event"], "verification_resent");
    EXPECT_EQ(resent["events"][0]["verification"], id);
    EXPECT_EQ(resent["events"][0]["replaces"], ids.back());
    ids.push_back(id);
    state = resent["bundleAfter"];
  }
  auto pending = testing::MustLoad(state);
  // The original PIN's verification no longer counts, neither to complete nor to resend.
  for (const char* kind : {"complete_self_upgrade", "resend_verification"}) {
    Json stale = step(pending, with(kind, {{"verification", id1}}), "2026-12-03T09:00:00Z");
    ASSERT_EQ(stale["operations"][0]["effect"], "deny") << kind;
    const Json& reason = stale["operations"][0]["reasons"][0];
    EXPECT_EQ(reason["code"], "verification_superseded");
    EXPECT_EQ(reason["verification"], id1);
    EXPECT_EQ(reason["current"], ids.back());
  }
  // Another member naming Dan's verification completes nothing of his.
  Json other = pending->Simulate(
      {{"baseRevision", pending->revision()},
       {"actor", "zed"},
       {"now", "2026-12-03T09:00:00Z"},
       {"operations", {with("complete_self_upgrade", {{"verification", ids.back()}})}}},
      true);
  ASSERT_EQ(other["operations"][0]["effect"], "deny") << Canonical(other);
  EXPECT_EQ(other["operations"][0]["reasons"][0]["code"], "no_pending_verification");
  // The newest one completes the upgrade.
  Json done = step(pending, with("complete_self_upgrade", {{"verification", ids.back()}}),
                   "2026-12-03T09:00:00Z");
  EXPECT_EQ(done["operations"][0]["effect"], "allow") << Canonical(done);
  EXPECT_TRUE(done["bundleAfter"]["verifications"].empty());
  // Asking again in one change set: the second request replaces the first.
  Json twice =
      p->Simulate({{"baseRevision", p->revision()},
                   {"actor", "dan"},
                   {"now", testing::kNow},
                   {"operations", {with("request_self_upgrade"), with("resend_verification")}}},
                  true);
  ASSERT_EQ(twice["bundleAfter"]["verifications"].size(), 1u);
  EXPECT_NE(twice["events"][0]["verification"], twice["events"][1]["verification"]);
  EXPECT_EQ(twice["events"][1]["replaces"], twice["events"][0]["verification"]);
}

TEST_F(SimulateTest, CustomRoleMayNotExceedItsCreator) {
  // Whatever the bundle's invariants: a custom role grants only what its creator
  // holds (custom_role_within_creator adds nothing to that any more).
  Json b = testing::TinyBundle();
  b["bindings"].push_back({{"member", "zed"},
                           {"role", "dev.owner"},
                           {"scope", "org-1"},
                           {"expiresAt", "2030-01-01T00:00:00Z"}});
  auto p = testing::MustLoad(b);
  Json role = {{"id", "custom.reader"},
               {"family", "dev"},
               {"rank", 1},
               {"permissions", {"code.read"}},
               {"assignableAt", {"repo"}}};
  auto define = [&](const std::shared_ptr<const Policy>& policy, const Json& r) {
    return policy->Simulate(
        {{"baseRevision", policy->revision()},
         {"actor", "olga"},
         {"now", testing::kNow},
         {"operations", {{{"op", "define_role"}, {"scope", "org-1"}, {"role", r}}}}});
  };
  Json ok = define(p, role);
  EXPECT_EQ(ok["operations"][0]["effect"], "allow") << Canonical(ok);
  EXPECT_TRUE(ok["violations"].empty());
  role["permissions"] = {"code.read", "billing.pay"};
  EXPECT_EQ(define(p, role)["operations"][0]["effect"], "allow");  // Olga holds billing.pay
  Json b2 = b;
  b2["permissions"].push_back({{"id", "secret.read"}, {"appliesTo", {"repo"}}});
  b2["roles"][3]["permissions"].push_back("secret.read");
  auto p2 = testing::MustLoad(b2);
  role["permissions"] = {"secret.read"};
  Json beyond = define(p2, role);
  EXPECT_EQ(beyond["operations"][0]["effect"], "deny");
  const Json& reason = beyond["operations"][0]["reasons"][0];
  EXPECT_EQ(reason["code"], "custom_role_beyond_creator");
  EXPECT_EQ(reason["limit"], "permissions");
  EXPECT_EQ(reason["permissions"], Json({"secret.read"}));
  EXPECT_TRUE(beyond["violations"].empty());
  // Inherited permissions count: a role inheriting one the creator lacks.
  b2["roles"].push_back({{"id", "ops.secret"},
                         {"family", "ops"},
                         {"rank", 1},
                         {"permissions", {"secret.read"}},
                         {"assignableAt", {"repo"}}});
  auto p3 = testing::MustLoad(b2);
  role["permissions"] = {"code.read"};
  role["inherits"] = {"ops.secret"};
  EXPECT_EQ(define(p3, role)["operations"][0]["reasons"][0]["limit"], "permissions");
}

TEST_F(SimulateTest, EditingARoleShowsInTheAccessOfRolesInheritingIt) {
  Json b = testing::TinyBundle();
  b["roles"].push_back({{"id", "c.base"},
                        {"family", "dev"},
                        {"rank", 1},
                        {"custom", true},
                        {"permissions", {"code.read"}},
                        {"assignableAt", {"repo"}}});
  b["roles"].push_back({{"id", "c.child"},
                        {"family", "dev"},
                        {"rank", 1},
                        {"custom", true},
                        {"inherits", {"c.base"}},
                        {"assignableAt", {"repo"}}});
  b["bindings"].push_back({{"member", "zed"}, {"role", "c.child"}, {"scope", "repo-y"}});
  auto p = testing::MustLoad(b);
  Json role = {{"id", "c.base"},
               {"family", "dev"},
               {"rank", 1},
               {"permissions", {"code.read", "code.push"}},
               {"assignableAt", {"repo"}}};
  Json r =
      p->Simulate({{"baseRevision", p->revision()},
                   {"actor", "olga"},
                   {"now", testing::kNow},
                   {"operations", {{{"op", "edit_role"}, {"scope", "org-1"}, {"role", role}}}}});
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  ASSERT_EQ(r["accessDiff"]["members"].size(), 1u) << Canonical(r["accessDiff"]);
  EXPECT_EQ(r["accessDiff"]["members"][0]["member"], "zed");
  EXPECT_EQ(r["accessDiff"]["members"][0]["gained"][0]["permission"], "code.push");
}

TEST_F(SimulateTest, ACallerCannotNarrowTheChecksOfAnOperation) {
  // Blocking names only the member: a caller-supplied `role` must not narrow the
  // target's rank to another family, nor `scope` replace the member's own scopes.
  Json r = Run("mia", {{{"op", "block"},
                        {"member", "olga"},
                        {"scope", "repo-x"},
                        {"attributes", {{"role", "ops.viewer"}}}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["checks"][0]["resource"], "org-1");
}

TEST_F(SimulateTest, StatusChangesStartFromTheStatusTheyUndo) {
  Json r = Run("olga", {{{"op", "unblock"}, {"member", "dan"}}});
  EXPECT_EQ(r["operations"][0]["reasons"][0]["code"], "wrong_status");
  Json ok =
      Run("olga", {{{"op", "block"}, {"member", "dan"}}, {{"op", "unblock"}, {"member", "dan"}}});
  EXPECT_EQ(ok["operations"][1]["effect"], "allow");
}

TEST_F(SimulateTest, UnmappedOperationIsNotSupported) {
  Json r = Run("olga", {{{"op", "disable"}, {"member", "dan"}}});
  EXPECT_EQ(r["operations"][0]["reasons"][0]["code"], "operation_not_supported");
}

TEST_F(SimulateTest, SimulationIsDeterministic) {
  Json ops = {
      {{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"}, {"role", "dev.maintainer"}},
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
  if (v.is_string())
    return v.get<std::string>() == "allow" ? Json("deny") : Json(v.get<std::string>() + "!");
  if (v.is_boolean()) return !v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>() + 1;
  if (v.is_array()) return Json::array({"extra"});
  if (v.is_object()) return Json{{"extra", true}};
  return "x";
}

TEST_F(SimulateTest, VerifyCatchesEveryTamperedField) {
  Json cs = ChangeSet(
      "olga",
      {{{"op", "change_role"}, {"member", "mia"}, {"scope", "team-a"}, {"role", "dev.member"}},
       {{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"}, {"role", "dev.owner"}},
       {{"op", "remove_member"}, {"member", "olga"}, {"scope", "org-1"}}});
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

// A what-if chain: each step verified on the bundle the step before leaves, the
// chain document checked before any step is looked at.
TEST_F(SimulateTest, VerifyChainJudgesEachStepOnTheBundleBeforeIt) {
  const Json cs1 = ChangeSet(
      "olga",
      {{{"op", "change_role"}, {"member", "mia"}, {"scope", "team-a"}, {"role", "dev.member"}}});
  const Json after = policy_->Simulate(cs1, true);
  ASSERT_EQ(after["ok"], true) << Canonical(after);
  const std::shared_ptr<const Policy> next = testing::MustLoad(after["bundleAfter"]);
  ASSERT_NE(next, nullptr);
  Json cs2 = ChangeSet("olga", {{{"op", "block"}, {"member", "dan"}}});
  cs2["baseRevision"] = next->revision();
  const Json steps = Json::array({Json{{"changeSet", cs1}, {"preview", policy_->Simulate(cs1)}},
                                  Json{{"changeSet", cs2}, {"preview", next->Simulate(cs2)}}});
  const Json chain = Json{{"format", Policy::kChainFormat}, {"steps", steps}};

  const Json verdict = policy_->VerifyChainDocument(chain);
  ASSERT_EQ(verdict["ok"], true) << Canonical(verdict);
  EXPECT_EQ(verdict["match"], true);
  EXPECT_EQ(verdict["revision"], next->revision()) << "the last step's base";
  EXPECT_EQ(verdict["steps"].size(), 2u);
  EXPECT_EQ(Canonical(verdict), Canonical(policy_->VerifyChain(steps, "/steps")));

  // Step 2 alone on the first bundle is stale; a forged step 2 is caught at its pointer.
  EXPECT_EQ(Keys(policy_->VerifyChain(Json::array({steps[1]}), "/steps")["errors"]),
            std::vector<std::string>{"stale_revision@/steps/0/changeSet/baseRevision"});
  Json forged = chain;
  forged["steps"][1]["preview"]["summary"]["denied"] = 1;
  const Json caught = policy_->VerifyChainDocument(forged);
  ASSERT_EQ(caught["ok"], true);
  EXPECT_EQ(caught["match"], false);
  EXPECT_EQ(caught["committable"], false);
  ASSERT_EQ(caught["differences"].size(), 1u);
  EXPECT_EQ(caught["differences"][0]["pointer"], "/steps/1/preview/summary/denied");

  // The document: its format (of any type) and its steps, before any step.
  for (const Json& format : {Json(7), Json(nullptr), Json("rolegate-changeset/1"),
                             Json::array({Policy::kChainFormat})}) {
    Json wrong = chain;
    wrong["format"] = format;
    EXPECT_EQ(Keys(policy_->VerifyChainDocument(wrong)["errors"]),
              std::vector<std::string>{"unsupported_format@/format"})
        << Canonical(format);
  }
  EXPECT_EQ(Keys(policy_->VerifyChainDocument(Json::array({chain}))["errors"]),
            std::vector<std::string>{"unsupported_format@/format"});
  Json no_steps = chain;
  no_steps.erase("steps");
  no_steps["changeSets"] = Json::array({cs1, cs2});
  EXPECT_EQ(Keys(policy_->VerifyChainDocument(no_steps)["errors"]),
            std::vector<std::string>{"missing_field@/steps"});
  Json too_many = chain;
  too_many["steps"] = Json::array();
  for (size_t k = 0; k <= Policy::kMaxChainSteps; ++k) too_many["steps"].push_back(steps[0]);
  EXPECT_EQ(Keys(policy_->VerifyChainDocument(too_many)["errors"]),
            std::vector<std::string>{"too_many_items@/steps"});
  Json bad_step = chain;
  bad_step["steps"][1] = Json{{"changeSet", cs2}};
  EXPECT_EQ(Keys(policy_->VerifyChainDocument(bad_step)["errors"]),
            std::vector<std::string>{"wrong_type@/steps/1"});
}

// The extensions below run each change set both ways (overlay and recompiled)
// and expect the same bytes.
class SimulateBothWaysTest : public SimulateTest {
 protected:
  Json Both(const std::string& actor, Json ops) {
    Json cs = ChangeSet(actor, std::move(ops));
    Json fast = internal::SimulateWith(*policy_, cs, true, false);
    Json slow = internal::SimulateWith(*policy_, cs, true, true);
    EXPECT_EQ(Canonical(fast), Canonical(slow));
    EXPECT_EQ(fast["ok"], true) << Canonical(fast);
    return fast;
  }
  static std::vector<std::string> Reasons(const Json& op) {
    std::vector<std::string> out;
    for (const Json& r : op["reasons"]) out.push_back(r["code"]);
    return out;
  }
};

// Tiny bundle plus member_field invariants (name required, language en/fr,
// branding domain from the `domains` attribute: two on org-1, one on team-b).
Json FieldBundle() {
  Json b = testing::TinyBundle();
  b["scopes"][0]["attributes"] = {{"domains", {"a.example", "b.example"}}};
  b["scopes"][2]["attributes"] = {{"domains", {"c.example"}}};
  b["invariants"].push_back({{"id", "named"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "name"},
                             {"required", true}});
  b["invariants"].push_back({{"id", "languages"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "language"},
                             {"values", {"en", "fr"}}});
  b["invariants"].push_back({{"id", "domains"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "brandingDomain"},
                             {"valuesFromAttribute", "domains"}});
  b["members"][5]["brandingDomain"] = "a.example";  // vic, on repo-y under org-1
  return b;
}

TEST_F(SimulateBothWaysTest, MemberFieldsOfNewAndEditedMembersAreChecked) {
  Json b = FieldBundle();
  b["operations"]["add_members"] = {{"action", "billing.pay"}};
  policy_ = testing::MustLoad(b);
  ASSERT_TRUE(policy_);
  Json nameless = {{"id", "nell"}, {"email", "nell@example.org"}, {"language", "de"}};
  Json r =
      Both("olga",
           {{{"op", "invite"}, {"member", nameless}, {"role", "dev.member"}, {"scope", "repo-x"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_THAT(Reasons(r["operations"][0]),
              ::testing::ElementsAre("violates_invariant", "violates_invariant"));
  ASSERT_EQ(r["violations"].size(), 2u);
  EXPECT_EQ(r["violations"][0]["kind"], "member_field");
  EXPECT_EQ(r["violations"][0]["invariant"], "named");
  EXPECT_EQ(r["violations"][0]["member"], "nell");
  EXPECT_EQ(r["violations"][0]["field"], "name");
  EXPECT_EQ(r["violations"][1]["field"], "language");
  EXPECT_EQ(r["events"].size(), 0u);
  EXPECT_EQ(r["summary"]["blocked"], true);

  nameless["name"] = "Nell New";
  nameless["language"] = "fr";
  nameless["brandingDomain"] = "b.example";
  r = Both("olga",
           {{{"op", "invite"}, {"member", nameless}, {"role", "dev.member"}, {"scope", "repo-x"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
  EXPECT_TRUE(r["violations"].empty());

  // Added members hold no role: their domain is judged where they were added.
  r = Both("olga",
           {{{"op", "add_members"},
             {"scope", "org-1"},
             {"members", {{{"id", "pat"}, {"name", "Pat"}, {"brandingDomain", "c.example"}}}}},
            {{"op", "add_members"},
             {"scope", "org-1"},
             {"members", {{{"id", "pam"}, {"name", "Pam"}, {"brandingDomain", "a.example"}}}}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["violations"][0]["member"], "pat");
  EXPECT_EQ(r["violations"][0]["field"], "brandingDomain");
  EXPECT_EQ(r["operations"][1]["effect"], "allow");

  r = Both("olga", {{{"op", "edit_member"}, {"member", "dan"}, {"name", ""}},
                    {{"op", "edit_member"}, {"member", "dan"}, {"language", "fr"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][1]["effect"], "allow");
  EXPECT_EQ(r["bundleAfter"]["members"][2]["language"], "fr");
  EXPECT_EQ(r["bundleAfter"]["members"][2]["name"], "Dan Dev");
}

TEST_F(SimulateBothWaysTest, AMemberFieldOfferedByScopeIsCheckedWhenBindingsMove) {
  policy_ = testing::MustLoad(FieldBundle());
  ASSERT_TRUE(policy_);
  // Vic's a.example is one of org-1's; team-b offers only c.example.
  Json r = Both(
      "olga",
      {{{"op", "assign_role"}, {"member", "vic"}, {"role", "dev.member"}, {"scope", "repo-z"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  ASSERT_EQ(r["violations"].size(), 1u);
  EXPECT_EQ(r["violations"][0]["member"], "vic");
  EXPECT_NE(r["violations"][0]["message"].get<std::string>().find("only `c.example`"),
            std::string::npos);
  r = Both(
      "olga",
      {{{"op", "assign_role"}, {"member", "vic"}, {"role", "dev.member"}, {"scope", "repo-x"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
}

TEST_F(SimulateBothWaysTest, AMemberFieldWarningIsShownOnceAndApplied) {
  Json b = FieldBundle();
  b["invariants"][3]["severity"] = "warning";
  policy_ = testing::MustLoad(b);
  ASSERT_TRUE(policy_);
  Json r = Both("olga", {{{"op", "edit_member"}, {"member", "dan"}, {"language", "de"}},
                         {{"op", "edit_member"}, {"member", "dan"}, {"name", "Dan D."}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
  EXPECT_EQ(r["operations"][1]["effect"], "allow");
  ASSERT_EQ(r["violations"].size(), 1u);
  EXPECT_EQ(r["violations"][0]["severity"], "warning");
  EXPECT_EQ(r["violations"][0]["op"], 0);
  EXPECT_EQ(r["summary"]["blocked"], false);
}

TEST_F(SimulateBothWaysTest, RoleMemberKindsRefuseBindingsForOtherKinds) {
  Json b = testing::TinyBundle();
  for (Json& m : b["members"]) m["kind"] = "staff";
  b["members"][6]["kind"] = "guest";         // zed
  b["roles"][1]["memberKinds"] = {"staff"};  // dev.maintainer
  b["roles"][3]["memberKinds"] = {"staff"};  // ops.viewer
  b["members"][0]["kind"] = "owner";         // olga may not claim ops.viewer
  b["roles"][2]["memberKinds"] = {"owner"};  // dev.owner
  policy_ = testing::MustLoad(b);
  ASSERT_TRUE(policy_);
  Json r = Both(
      "olga",
      {{{"op", "assign_role"}, {"member", "zed"}, {"role", "dev.maintainer"}, {"scope", "repo-x"}},
       {{"op", "invite"},
        {"member", {{"id", "gus"}, {"email", "gus@example.org"}, {"kind", "guest"}}},
        {"role", "dev.maintainer"},
        {"scope", "repo-x"}},
       {{"op", "invite"},
        {"member", {{"id", "sue"}, {"email", "sue@example.org"}, {"kind", "staff"}}},
        {"role", "dev.maintainer"},
        {"scope", "repo-x"}},
       {{"op", "change_role"}, {"member", "mia"}, {"scope", "team-a"}, {"role", "dev.member"}},
       {{"op", "claim_role"}, {"role", "ops.viewer"}, {"scope", "repo-x"}}});
  EXPECT_THAT(Reasons(r["operations"][0]), ::testing::ElementsAre("member_kind_not_allowed"));
  EXPECT_EQ(r["operations"][0]["reasons"][0]["kind"], "guest");
  EXPECT_THAT(Reasons(r["operations"][1]), ::testing::ElementsAre("member_kind_not_allowed"));
  EXPECT_EQ(r["operations"][2]["effect"], "allow");
  EXPECT_EQ(r["operations"][3]["effect"], "allow");
  EXPECT_THAT(Reasons(r["operations"][4]), ::testing::ElementsAre("member_kind_not_allowed"));
  EXPECT_EQ(r["summary"]["denied"], 3);
  // A custom role edited to leave out the kind of a member who holds it.
  b["roles"].push_back({{"id", "dev.custom"},
                        {"family", "dev"},
                        {"rank", 1},
                        {"custom", true},
                        {"assignableAt", {"repo"}}});
  b["bindings"].push_back({{"member", "dan"}, {"role", "dev.custom"}, {"scope", "repo-x"}});
  policy_ = testing::MustLoad(b);
  ASSERT_TRUE(policy_);
  r = Both("olga", {{{"op", "edit_role"},
                     {"scope", "org-1"},
                     {"role",
                      {{"id", "dev.custom"},
                       {"family", "dev"},
                       {"rank", 1},
                       {"assignableAt", {"repo"}},
                       {"memberKinds", {"owner"}}}}}});
  EXPECT_THAT(Reasons(r["operations"][0]), ::testing::ElementsAre("member_kind_not_allowed"));
}

// Tiny bundle plus a scope_limit invariant: staff hold roles within at most one
// team (Dan is a contractor, on two). Ivy is invited, with a role on repo-x.
Json ScopeLimitBundle(const char* severity) {
  Json b = testing::TinyBundle();
  for (Json& m : b["members"]) m["kind"] = "staff";
  b["members"][2]["kind"] = "contractor";  // dan
  b["members"].push_back({{"id", "ivy"}, {"kind", "staff"}, {"status", "invited"}});
  b["bindings"].push_back({{"member", "ivy"}, {"role", "dev.member"}, {"scope", "repo-x"}});
  b["invariants"].push_back({{"id", "one-team"},
                             {"kind", "scope_limit"},
                             {"severity", severity},
                             {"scopeType", "team"},
                             {"max", 1},
                             {"kinds", {"staff"}}});
  return b;
}

TEST_F(SimulateBothWaysTest, ScopeLimitRefusesAMemberOnAnotherScope) {
  policy_ = testing::MustLoad(ScopeLimitBundle("error"));
  ASSERT_TRUE(policy_);
  Json r = Both(
      "olga",
      {{{"op", "assign_role"}, {"member", "mia"}, {"role", "dev.member"}, {"scope", "repo-z"}},
       {{"op", "assign_role"}, {"member", "mia"}, {"role", "dev.member"}, {"scope", "repo-x"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_THAT(Reasons(r["operations"][0]), ::testing::ElementsAre("violates_invariant"));
  EXPECT_EQ(r["operations"][0]["reasons"][0]["invariant"], "one-team");
  EXPECT_EQ(r["operations"][0]["reasons"][0]["member"], "mia");
  ASSERT_EQ(r["violations"].size(), 1u);
  EXPECT_EQ(r["violations"][0],
            Json::parse(R"j({"invariant": "one-team", "kind": "scope_limit", "severity": "error",
                "op": 0, "member": "mia", "scopeType": "team", "max": 1,
                "message": "member `mia` holds roles within 2 scopes of type `team` (`team-a`, `team-b`), more than the 1 allowed (invariant `one-team`)"})j"));
  EXPECT_EQ(r["operations"][1]["effect"], "allow");  // a scope within her team
  EXPECT_EQ(r["summary"]["blocked"], true);

  // Two scopes at once; an invitation of an existing member; a new member invited
  // on one team and then given a role on another; an expired binding still counts;
  // a contractor is not judged.
  r = Both(
      "olga",
      {{{"op", "assign_role"},
        {"member", "zed"},
        {"role", "dev.member"},
        {"scopes", {"repo-x", "repo-z"}}},
       {{"op", "invite"}, {"member", "mia"}, {"role", "dev.member"}, {"scope", "team-b"}},
       {{"op", "invite"},
        {"member", {{"id", "nia"}, {"email", "nia@example.org"}, {"kind", "staff"}}},
        {"role", "dev.member"},
        {"scope", "repo-z"}},
       {{"op", "assign_role"}, {"member", "nia"}, {"role", "dev.member"}, {"scope", "repo-y"}},
       {{"op", "assign_role"}, {"member", "eve"}, {"role", "dev.member"}, {"scope", "repo-z"}},
       {{"op", "assign_role"}, {"member", "dan"}, {"role", "dev.member"}, {"scope", "repo-y"}}});
  const char* effects[] = {"deny", "deny", "allow", "deny", "deny", "allow"};
  for (size_t k = 0; k < 6; ++k) EXPECT_EQ(r["operations"][k]["effect"], effects[k]) << k;
  ASSERT_EQ(r["violations"].size(), 4u);
  EXPECT_EQ(r["violations"][0]["member"], "zed");
  EXPECT_EQ(r["violations"][1]["member"], "mia");
  EXPECT_EQ(r["violations"][2]["member"], "nia");
  EXPECT_EQ(r["violations"][2]["op"], 3);
  EXPECT_EQ(r["violations"][3]["member"], "eve");

  // Inviting an invited member again with a role elsewhere (an invited member is
  // activated only by accepting); claiming a role on a second team (Olga's binding
  // on org-1 has no team at or above it, so it does not count).
  r = Both("olga", {{{"op", "activate_member"},
                     {"member", "ivy"},
                     {"setup", "activate_later"},
                     {"role", "dev.member"},
                     {"scope", "repo-z"}},
                    {{"op", "claim_role"}, {"role", "ops.viewer"}, {"scope", "repo-x"}},
                    {{"op", "claim_role"}, {"role", "ops.viewer"}, {"scope", "repo-z"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][1]["effect"], "allow");
  EXPECT_EQ(r["operations"][2]["effect"], "deny");
  ASSERT_EQ(r["violations"].size(), 2u);
  EXPECT_EQ(r["violations"][0]["member"], "ivy");
  EXPECT_EQ(r["violations"][1]["member"], "olga");
}

TEST_F(SimulateBothWaysTest, AScopeLimitWarningIsShownWhenTheCountGrows) {
  Json b = ScopeLimitBundle("warning");
  b["members"][2]["kind"] = "staff";  // dan: already on two teams (a load warning)
  b["scopes"].push_back({{"id", "team-c"}, {"type", "team"}, {"parent", "org-1"}});
  policy_ = testing::MustLoad(b);
  ASSERT_TRUE(policy_);
  Json r = Both(
      "olga",
      {{{"op", "assign_role"}, {"member", "mia"}, {"role", "dev.member"}, {"scope", "repo-z"}},
       {{"op", "assign_role"}, {"member", "mia"}, {"role", "dev.member"}, {"scope", "team-b"}},
       {{"op", "assign_role"}, {"member", "dan"}, {"role", "dev.member"}, {"scope", "repo-y"}},
       {{"op", "assign_role"}, {"member", "dan"}, {"role", "dev.member"}, {"scope", "team-c"}}});
  for (size_t k = 0; k < 4; ++k) EXPECT_EQ(r["operations"][k]["effect"], "allow") << k;
  ASSERT_EQ(r["violations"].size(), 2u);
  EXPECT_EQ(r["violations"][0]["severity"], "warning");
  EXPECT_EQ(r["violations"][0]["member"], "mia");
  EXPECT_EQ(r["violations"][0]["op"], 0);
  EXPECT_EQ(r["violations"][1]["member"], "dan");  // from two teams to three
  EXPECT_EQ(r["violations"][1]["op"], 3);
  EXPECT_EQ(r["summary"]["blocked"], false);
}

TEST_F(SimulateBothWaysTest, ScopedApprovalRulesAreSetWhereTheyHold) {
  Json b = testing::TinyBundle();
  b["permissions"].push_back({{"id", "rules.set"}, {"appliesTo", {"org", "team", "repo"}}});
  b["roles"][1]["permissions"].push_back("rules.set");  // maintainers, and owners by inheritance
  b["operations"]["set_approval_rule"] = {{"action", "rules.set"}};
  b["operations"]["delete_approval_rule"] = {{"action", "rules.set"}};
  policy_ = testing::MustLoad(b);
  ASSERT_TRUE(policy_);
  Json rule = {{"id", "team-a.push"},
               {"actions", {"code.push"}},
               {"requesterRoles", {"dev.member"}},
               {"approvers", {{"permission", "code.approve"}}},
               {"scopes", {"team-a"}}};
  // Mia maintains team-a: a rule there is hers to set, and to delete.
  Json r =
      Both("mia", {{{"op", "set_approval_rule"}, {"scope", "team-a"}, {"rule", rule}},
                   {{"op", "delete_approval_rule"}, {"scope", "team-a"}, {"rule", "team-a.push"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
  EXPECT_EQ(r["operations"][0]["checks"].size(), 1u);
  EXPECT_EQ(r["operations"][0]["checks"][0]["resource"], "team-a");
  EXPECT_EQ(r["operations"][1]["effect"], "allow");
  // Not on team-b, not everywhere, and not by narrowing a rule that holds everywhere.
  Json elsewhere = rule;
  elsewhere["scopes"] = {"team-b"};
  Json everywhere = rule;
  everywhere.erase("scopes");
  Json narrowed = b["approvalRules"][0];
  narrowed["scopes"] = {"team-a"};
  r = Both("mia",
           {{{"op", "set_approval_rule"}, {"scope", "team-b"}, {"rule", elsewhere}},
            {{"op", "set_approval_rule"}, {"scope", "org-1"}, {"rule", everywhere}},
            {{"op", "set_approval_rule"}, {"scope", "team-a"}, {"rule", narrowed}},
            {{"op", "delete_approval_rule"}, {"scope", "team-a"}, {"rule", "protected.push"}}});
  EXPECT_THAT(Reasons(r["operations"][0]["checks"][0]), ::testing::ElementsAre("no_binding"));
  for (int k = 0; k < 4; ++k) EXPECT_EQ(r["operations"][k]["effect"], "deny") << k;
  EXPECT_EQ(r["operations"][1]["checks"][0]["resource"], "org-1");
  ASSERT_EQ(r["operations"][2]["checks"].size(), 2u);  // where it held (everywhere), team-a
  EXPECT_EQ(r["operations"][2]["checks"][0]["resource"], "org-1");
  EXPECT_EQ(r["operations"][2]["checks"][1]["resource"], "team-a");
  // The owner may narrow it; the narrowed rule no longer reaches team-b.
  r = Both("olga", {{{"op", "set_approval_rule"}, {"scope", "org-1"}, {"rule", narrowed}}});
  EXPECT_EQ(r["operations"][0]["effect"], "allow");
  auto after = testing::MustLoad(r["bundleAfter"]);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->Decide(testing::MakeRequest("dan", "code.push", "repo-z", {{"branch", "main"}}))
                .decision.effect,
            Effect::kAllow);
  EXPECT_EQ(after->Decide(testing::MakeRequest("dan", "code.push", "repo-x", {{"branch", "main"}}))
                .decision.effect,
            Effect::kConditional);
  // Scopes named by a rule must exist.
  Json ghost = rule;
  ghost["scopes"] = {"team-q"};
  Json bad = policy_->Simulate(
      ChangeSet("mia", {{{"op", "set_approval_rule"}, {"scope", "team-a"}, {"rule", ghost}}}));
  EXPECT_EQ(Keys(bad["errors"]),
            std::vector<std::string>{"unknown_scope@/operations/0/rule/scopes/0"});
}

// The access diff shows changes in power, not only in permissions: whom a member
// may newly manage (and up to which rank), whom they see, and which permissions
// they gain only with approval, with the rule and the approvers.
TEST_F(SimulateTest, TheAccessDiffShowsChangesInPower) {
  auto p = testing::MustLoad(testing::TinyBundle());
  auto run = [&](Json ops) {
    Json r = p->Simulate({{"baseRevision", p->revision()},
                          {"actor", "olga"},
                          {"now", testing::kNow},
                          {"operations", std::move(ops)}});
    EXPECT_EQ(r["ok"], true) << Canonical(r);
    return r;
  };
  auto member = [](const Json& r, const std::string& id) {
    for (const Json& m : r["accessDiff"]["members"]) {
      if (m["member"] == id) return m;
    }
    return Json();
  };
  // Dan, a member (sees maintainers and above), becomes a maintainer of repo-x.
  Json promoted = run({{{"op", "change_role"},
                        {"member", "dan"},
                        {"role", "dev.maintainer"},
                        {"scope", "repo-x"}}});
  Json dan = member(promoted, "dan");
  ASSERT_TRUE(dan.contains("power")) << Canonical(promoted);
  EXPECT_EQ(dan["power"]["manages"],
            Json::parse(R"([{"scope":"repo-x","family":"dev","from":null,"to":20}])"));
  EXPECT_EQ(dan["power"]["sees"], Json::parse(R"([
    {"scope":"repo-x","family":"dev","field":"email","from":20,"to":0},
    {"scope":"repo-x","family":"dev","field":"name","from":20,"to":0}])"));

  // A change of rank alone (same permissions held) still shows: an owner's reach
  // over the family rises from 20 to 30 when a role's limit is edited.
  Json b = testing::TinyBundle();
  b["roles"].push_back({{"id", "dev.lead"},
                        {"label", "Lead"},
                        {"family", "dev"},
                        {"rank", 20},
                        {"custom", true},
                        {"permissions", {"code.read", "members.manage"}},
                        {"assignableAt", {"repo"}},
                        {"manages", {{"upToRank", 10}}}});
  b["bindings"].push_back({{"member", "zed"}, {"role", "dev.lead"}, {"scope", "repo-y"}});
  auto p2 = testing::MustLoad(b);
  Json lead = b["roles"].back();
  lead["manages"]["upToRank"] = 20;
  Json edited =
      p2->Simulate({{"baseRevision", p2->revision()},
                    {"actor", "olga"},
                    {"now", testing::kNow},
                    {"operations", {{{"op", "edit_role"}, {"scope", "org-1"}, {"role", lead}}}}});
  Json zed = member(edited, "zed");
  ASSERT_TRUE(zed.is_object()) << Canonical(edited);
  EXPECT_TRUE(zed["gained"].empty());
  EXPECT_EQ(zed["power"]["manages"],
            Json::parse(R"([{"scope":"repo-y","family":"dev","from":10,"to":20}])"));

  // Zed gains code.push on repo-y as a member: pushing to main needs an approval
  // (rule protected.push, approvers who hold code.approve there).
  Json joined = run(
      {{{"op", "assign_role"}, {"member", "zed"}, {"role", "dev.member"}, {"scope", "repo-y"}}});
  bool marked = false;
  const Json zed_joined = member(joined, "zed");
  for (const Json& g : zed_joined["gained"]) {
    if (g["permission"] == "code.push") {
      ASSERT_TRUE(g.contains("approvals")) << Canonical(g);
      EXPECT_EQ(g["approvals"][0]["rule"], "protected.push");
      EXPECT_EQ(g["approvals"][0]["quorum"], 1);
      EXPECT_EQ(g["approvals"][0]["approvers"], Json({"mia", "olga"}));
      marked = true;
    } else {
      EXPECT_FALSE(g.contains("approvals")) << Canonical(g);
    }
  }
  EXPECT_TRUE(marked) << Canonical(joined);
  // Power lost: removing Mia takes her reach with her.
  Json removed = run({{{"op", "revoke_role"},
                       {"member", "mia"},
                       {"role", "dev.maintainer"},
                       {"scope", "team-a"}}});
  EXPECT_EQ(member(removed, "mia")["power"]["manages"],
            Json::parse(R"([{"scope":"team-a","family":"dev","from":20,"to":null}])"));
}

// Self-upgrades and claims that become available or unavailable show in the diff,
// also for members the change does not name: a self-upgrade that waits until
// nobody of rank 20 or more is present opens when the last such member leaves.
TEST_F(SimulateTest, TheAccessDiffShowsSelfUpgradesAndClaimsOpeningAndClosing) {
  Json b = testing::TinyBundle();
  b["members"][0]["status"] = "disabled";  // Olga's ownership covers nothing now
  b["members"].push_back(
      {{"id", "tom"}, {"name", "Tom Team"}, {"email", "tom@example.org"}, {"status", "active"}});
  b["bindings"].push_back({{"member", "tom"}, {"role", "dev.maintainer"}, {"scope", "team-b"}});
  auto p = testing::MustLoad(b);
  Json r = p->Simulate({{"baseRevision", p->revision()},
                        {"actor", "tom"},
                        {"now", testing::kNow},
                        {"operations",
                         {{{"op", "revoke_role"},
                           {"member", "tom"},
                           {"role", "dev.maintainer"},
                           {"scope", "team-b"}}}}});
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  Json dan;
  for (const Json& m : r["accessDiff"]["members"]) {
    if (m["member"] == "dan") dan = m;
  }
  ASSERT_TRUE(dan.is_object()) << Canonical(r["accessDiff"]);
  EXPECT_TRUE(dan["gained"].empty());
  EXPECT_EQ(dan["power"]["selfUpgrades"]["gained"],
            Json::parse(R"([{"rule":"up.member","role":"dev.maintainer","scope":"repo-z"}])"));
  EXPECT_TRUE(dan["power"]["selfUpgrades"]["lost"].empty());

  // A new owner may claim the viewer role within the organisation.
  auto p2 = testing::MustLoad(testing::TinyBundle());
  Json owner = p2->Simulate(
      {{"baseRevision", p2->revision()},
       {"actor", "olga"},
       {"now", testing::kNow},
       {"operations",
        {{{"op", "assign_role"}, {"member", "zed"}, {"role", "dev.owner"}, {"scope", "org-1"}}}}});
  ASSERT_EQ(owner["operations"][0]["effect"], "allow") << Canonical(owner);
  const Json& zed = owner["accessDiff"]["members"][0];
  ASSERT_EQ(zed["member"], "zed");
  EXPECT_EQ(zed["power"]["claims"]["gained"],
            Json::parse(R"([{"rule":"owner.claims.ops","role":"ops.viewer","within":"org-1"}])"));
  // Dan, a member on repo-x and repo-z, could not self-upgrade before (Olga
  // covers both) and still cannot: nothing of his shows.
  for (const Json& m : owner["accessDiff"]["members"]) EXPECT_NE(m["member"], "dan");
}

TEST_F(SimulateTest, EditingTheRoleASelfUpgradeLeadsToShowsWhoMayNowUpgrade) {
  // Found in review: nobody holds c.lead, so the edit touched nobody, yet raising it
  // above dev.member opens a self-upgrade to every member.
  Json b = testing::TinyBundle();
  b["roles"].push_back({{"id", "c.lead"},
                        {"family", "dev"},
                        {"rank", 5},
                        {"custom", true},
                        {"permissions", {"code.read"}},
                        {"assignableAt", {"repo"}}});
  b["selfUpgrades"].push_back({{"id", "up.lead"},
                               {"action", "roles.self_upgrade"},
                               {"from", {"dev.member"}},
                               {"to", {"c.lead"}}});
  auto p = testing::MustLoad(b);
  Json role = {{"id", "c.lead"},
               {"family", "dev"},
               {"rank", 15},
               {"permissions", {"code.read"}},
               {"assignableAt", {"repo"}}};
  Json r =
      p->Simulate({{"baseRevision", p->revision()},
                   {"actor", "olga"},
                   {"now", testing::kNow},
                   {"operations", {{{"op", "edit_role"}, {"scope", "org-1"}, {"role", role}}}}});
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  std::vector<std::string> opened;
  for (const Json& m : r["accessDiff"]["members"]) {
    for (const Json& u : m["power"]["selfUpgrades"]["gained"]) {
      if (u["rule"] == "up.lead")
        opened.push_back(m["member"].get<std::string>() + "@" + u["scope"].get<std::string>());
    }
  }
  EXPECT_EQ(opened, (std::vector<std::string>{"dan@repo-x", "dan@repo-z"}))
      << Canonical(r["accessDiff"]);
}

TEST_F(SimulateTest, ARankLimitedPermissionGainedUnderAnApprovalRuleIsMarked) {
  // Found in review: a rankLimited permission is checked with a role named, so the
  // diff did not ask and showed no approvals for it.
  Json b = testing::TinyBundle();
  b["approvalRules"].push_back({{"id", "new.maintainers"},
                                {"actions", {"members.manage"}},
                                {"requesterRoles", {"dev.maintainer"}},
                                {"approvers", {{"roles", {"dev.owner"}}}},
                                {"quorum", 1}});
  auto p = testing::MustLoad(b);
  Json r = p->Simulate({{"baseRevision", p->revision()},
                        {"actor", "olga"},
                        {"now", testing::kNow},
                        {"operations",
                         {{{"op", "change_role"},
                           {"member", "dan"},
                           {"role", "dev.maintainer"},
                           {"scope", "repo-x"}}}}});
  const Json dan = r["accessDiff"]["members"][0];
  ASSERT_EQ(dan["member"], "dan") << Canonical(r);
  bool marked = false;
  for (const Json& g : dan["gained"]) {
    if (g["permission"] != "members.manage") continue;
    ASSERT_TRUE(g.contains("approvals")) << Canonical(g);
    EXPECT_EQ(g["approvals"][0]["rule"], "new.maintainers");
    EXPECT_EQ(g["approvals"][0]["approvers"], Json({"olga"}));
    marked = true;
  }
  EXPECT_TRUE(marked) << Canonical(dan);
}

}  // namespace
}  // namespace rolegate
