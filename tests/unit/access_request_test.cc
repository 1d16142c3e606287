// Access requests: a member asks for a role (request_role), the members who could
// give it themselves decide (decide_request), the member may withdraw
// (withdraw_request). Written as an attacker would try them first: asking must
// never give anything, deciding must never give more than the decider could give
// outright at that moment, and nobody decides their own request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace rolegate {
namespace {

using ::testing::ElementsAre;

constexpr const char* kLater = "2026-12-03T09:00:00Z";    // two days on
constexpr const char* kTooLate = "2026-12-08T09:00:00Z";  // the 7 days are over

// The tiny bundle where members (and so maintainers and owners) may ask for roles.
Json Bundle() {
  Json b = testing::TinyBundle();
  b["permissions"].push_back({{"id", "roles.request"}, {"appliesTo", {"org", "team", "repo"}}});
  b["roles"][0]["permissions"].push_back("roles.request");  // dev.member, inherited upwards
  b["roles"][2]["manages"]["families"] = {"dev", "ops"};    // owners also give viewer roles
  b["operations"]["request_role"] = {{"action", "roles.request"}, {"requestValidForDays", 7}};
  b["notifications"].push_back({{"event", "role_requested"}, {"channels", {"in_app", "email"}}});
  b["notifications"].push_back(
      {{"event", "request_decided"}, {"channels", {"email"}}, {"revealActor", true}});
  b["notifications"].push_back({{"event", "role_request_withdrawn"}, {"channels", {"in_app"}}});
  return b;
}

class AccessRequestTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = testing::MustLoad(Bundle()); }

  static Json Sim(const Policy& p, const std::string& actor, Json ops,
                  const char* now = testing::kNow) {
    Json cs = {{"format", "rolegate-changeset/1"},
               {"baseRevision", p.revision()},
               {"actor", actor},
               {"now", now},
               {"operations", std::move(ops)}};
    Json r = p.Simulate(cs, true);
    EXPECT_EQ(r["ok"], true) << Canonical(r);
    return r;
  }
  // The policy after a simulation whose operations are not denied.
  static std::shared_ptr<const Policy> After(const Json& r) {
    return testing::MustLoad(r.at("bundleAfter"));
  }
  static std::string Code(const Json& r, size_t op = 0) {
    const Json& o = r.at("operations").at(op);
    if (!o.at("reasons").empty()) return o["reasons"][0].at("code");
    for (const Json& c : o.at("checks")) {
      if (c.value("effect", "") == "deny" && !c.at("reasons").empty()) {
        return c["reasons"][0].at("code");
      }
    }
    return "";
  }
  static std::vector<std::string> Events(const Json& r) {
    std::vector<std::string> out;
    for (const Json& e : r.at("events")) {
      out.push_back(e.at("event").get<std::string>() + ">" + e.at("to").get<std::string>());
    }
    return out;
  }
  static Json Ask(const char* role, const char* scope) {
    return Json{{"op", "request_role"}, {"role", role}, {"scope", scope}};
  }
  static Json Decide(const std::string& id, const char* decision) {
    return Json{{"op", "decide_request"}, {"request", id}, {"decision", decision}};
  }
  // Dan asks to maintain repo-x; the state after it and the request's id.
  std::pair<std::shared_ptr<const Policy>, std::string> DanAsks(const char* role = "dev.maintainer",
                                                                const char* scope = "repo-x") {
    const Json r = Sim(*policy_, "dan", {Ask(role, scope)});
    EXPECT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r["operations"][0]);
    return {After(r), r["operations"][0]["request"]["id"].get<std::string>()};
  }

  std::shared_ptr<const Policy> policy_;
};

TEST_F(AccessRequestTest, AskingGivesNothingAndTellsEveryoneWhoCouldGiveTheRole) {
  const Json r = Sim(*policy_, "dan", {Ask("dev.maintainer", "repo-x")});
  const Json& op = r["operations"][0];
  ASSERT_EQ(op["effect"], "allow") << Canonical(op);
  // Mia maintains team-a (up to rank 20), Olga owns the org; Ben is blocked and Dan
  // is the one asking.
  EXPECT_EQ(op["request"], (Json{{"id", "role-request-1"},
                                 {"deciders", {"mia", "olga"}},
                                 {"expiresAt", "2026-12-08T09:00:00Z"}}));
  EXPECT_TRUE(r["accessDiff"]["members"].empty()) << "asking changes nobody's access";
  EXPECT_EQ(r["summary"]["blocked"], false);
  EXPECT_THAT(Events(r), ElementsAre("role_requested>mia", "role_requested>olga"));
  for (const Json& e : r["events"]) {
    EXPECT_EQ(e["requester"], "dan");
    EXPECT_EQ(e["requesterEmail"], "dan@example.org") << "both see members' e-mails";
    EXPECT_EQ(e["role"], "dev.maintainer");
  }
  const Json& record = r["bundleAfter"]["roleRequests"][0];
  EXPECT_EQ(record, (Json{{"id", "role-request-1"},
                          {"requester", "dan"},
                          {"role", "dev.maintainer"},
                          {"scope", "repo-x"},
                          {"createdAt", testing::kNow},
                          {"expiresAt", "2026-12-08T09:00:00Z"}}));
}

TEST_F(AccessRequestTest, OnlyThoseWhoCouldGiveItThemselvesDecide) {
  // A viewer role: only owners give roles of that family.
  const Json r = Sim(*policy_, "dan", {Ask("ops.viewer", "repo-x")});
  EXPECT_EQ(r["operations"][0]["request"]["deciders"], Json({"olga"}));
  const auto after = After(r);
  const std::string id = r["operations"][0]["request"]["id"];
  // Mia cannot give viewer roles, so she can neither approve nor reject.
  const Json mia = Sim(*after, "mia", {Decide(id, "approve")});
  EXPECT_EQ(mia["operations"][0]["effect"], "deny");
  EXPECT_TRUE(mia["accessDiff"]["members"].empty());
  const Json no = Sim(*after, "mia", {Decide(id, "reject")});
  EXPECT_EQ(Code(no), "not_a_decider");
  EXPECT_EQ(no["operations"][0]["reasons"][0]["eligible"], Json({"olga"}));
  // Nobody decides their own request, whatever their power.
  EXPECT_EQ(Code(Sim(*after, "dan", {Decide(id, "approve")})), "own_request");
}

TEST_F(AccessRequestTest, ApprovalGivesTheRoleAsTheDeciderWouldNow) {
  auto [after, id] = DanAsks();
  const Json r = Sim(*after, "mia", {Decide(id, "approve")}, kLater);
  const Json& op = r["operations"][0];
  ASSERT_EQ(op["effect"], "allow") << Canonical(op);
  // Dan held Member (one role of the family per repository): it becomes Maintainer.
  // Dan is told of the upgrade and of the decision.
  EXPECT_THAT(Events(r), ElementsAre("role_upgraded>dan", "request_decided>dan"));
  EXPECT_EQ(r["events"][1]["decision"], "approve");
  EXPECT_EQ(r["events"][1]["by"], "mia");
  ASSERT_EQ(r["accessDiff"]["members"].size(), 1u);
  EXPECT_EQ(r["accessDiff"]["members"][0]["member"], "dan");
  EXPECT_EQ(r["accessDiff"]["members"][0]["roles"]["gained"][0]["role"], "dev.maintainer");
  EXPECT_FALSE(r["bundleAfter"].contains("roleRequests") &&
               !r["bundleAfter"]["roleRequests"].empty())
      << "a decided request is gone";
  const auto done = After(r);
  const Json check = done->Check(
      Json{{"actor", "dan"}, {"action", "code.approve"}, {"resource", "repo-x"}, {"now", kLater}});
  EXPECT_EQ(check["effect"], "allow");
  // Deciding it again finds nothing.
  const Json again = done->Simulate(Json{{"format", "rolegate-changeset/1"},
                                         {"baseRevision", done->revision()},
                                         {"actor", "olga"},
                                         {"now", kLater},
                                         {"operations", {Decide(id, "approve")}}});
  EXPECT_EQ(again["errors"][0]["code"], "unknown_request");
}

TEST_F(AccessRequestTest, ADeciderWhosePowerChangedCannotApprove) {
  auto [after, id] = DanAsks();
  // Olga blocks Mia after Dan asked: Mia no longer gives roles.
  const Json blocked = Sim(*after, "olga", {{{"op", "block"}, {"member", "mia"}}});
  ASSERT_EQ(blocked["operations"][0]["effect"], "allow");
  const Json r = Sim(*After(blocked), "mia", {Decide(id, "approve")});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_TRUE(r["accessDiff"]["members"].empty());
}

TEST_F(AccessRequestTest, RejectionTellsTheRequesterAndGivesNothing) {
  auto [after, id] = DanAsks();
  const Json r = Sim(*after, "olga", {Decide(id, "reject")});
  ASSERT_EQ(r["operations"][0]["effect"], "allow");
  EXPECT_THAT(Events(r), ElementsAre("request_decided>dan"));
  EXPECT_EQ(r["events"][0]["decision"], "reject");
  EXPECT_TRUE(r["accessDiff"]["members"].empty());
  EXPECT_TRUE(r["bundleAfter"].value("roleRequests", Json::array()).empty());
}

TEST_F(AccessRequestTest, ALapsedRequestCannotBeDecided) {
  auto [after, id] = DanAsks();
  EXPECT_EQ(Code(Sim(*after, "mia", {Decide(id, "approve")}, kTooLate)), "request_expired");
  // ...and may be asked for again.
  const Json again = Sim(*after, "dan", {Ask("dev.maintainer", "repo-x")}, kTooLate);
  EXPECT_EQ(again["operations"][0]["effect"], "allow") << Canonical(again["operations"][0]);
  EXPECT_EQ(again["operations"][0]["request"]["id"], "role-request-2");
}

TEST_F(AccessRequestTest, WhatCannotBeAsked) {
  auto [after, id] = DanAsks();
  EXPECT_EQ(Code(Sim(*after, "dan", {Ask("dev.maintainer", "repo-x")})), "request_pending");
  EXPECT_EQ(Code(Sim(*policy_, "dan", {Ask("dev.member", "repo-x")})), "already_holds");
  EXPECT_EQ(Code(Sim(*policy_, "dan", {Ask("dev.owner", "repo-x")})), "role_not_assignable_at");
  EXPECT_EQ(Code(Sim(*policy_, "ben", {Ask("dev.owner", "org-1")})), "member_not_active");
  // Zed holds no role: nothing lets him ask.
  EXPECT_EQ(Sim(*policy_, "zed", {Ask("dev.member", "repo-x")})["operations"][0]["effect"], "deny");
  Json until = Ask("dev.maintainer", "repo-y");
  until["until"] = testing::kNow;
  EXPECT_EQ(Code(Sim(*policy_, "dan", {until})), "invalid_until");

  // A role nobody may give: no request.
  Json b = Bundle();
  b["roles"][2]["manages"].erase("families");  // owners give roles of their own family only
  const auto nobody = testing::MustLoad(b);
  ASSERT_NE(nobody, nullptr);
  EXPECT_EQ(Code(Sim(*nobody, "dan", {Ask("ops.viewer", "repo-x")})), "no_decider");
  // Nor may Dan ask where he holds nothing.
  EXPECT_EQ(Code(Sim(*policy_, "dan", {Ask("dev.owner", "org-1")})), "no_binding");

  // A policy without request_role.
  Json plain = Bundle();
  plain["operations"].erase("request_role");
  EXPECT_EQ(Code(Sim(*testing::MustLoad(plain), "dan", {Ask("dev.maintainer", "repo-x")})),
            "operation_not_supported");
}

TEST_F(AccessRequestTest, OnlyTheRequesterWithdraws) {
  auto [after, id] = DanAsks();
  const Json withdraw = {{"op", "withdraw_request"}, {"request", id}};
  EXPECT_EQ(Code(Sim(*after, "mia", {withdraw})), "not_the_requester");
  const Json r = Sim(*after, "dan", {withdraw});
  ASSERT_EQ(r["operations"][0]["effect"], "allow");
  EXPECT_THAT(Events(r), ElementsAre("role_request_withdrawn>mia", "role_request_withdrawn>olga"));
  EXPECT_TRUE(r["bundleAfter"].value("roleRequests", Json::array()).empty());
  const auto gone = After(r);
  const Json late = gone->Simulate(Json{{"format", "rolegate-changeset/1"},
                                        {"baseRevision", gone->revision()},
                                        {"actor", "mia"},
                                        {"now", testing::kNow},
                                        {"operations", {Decide(id, "approve")}}});
  EXPECT_EQ(late["errors"][0]["code"], "unknown_request") << "a withdrawn request is gone";
}

TEST_F(AccessRequestTest, TheRoleEndsWhenAsked) {
  Json ask = Ask("ops.viewer", "repo-x");
  ask["until"] = "2027-01-01T00:00:00Z";
  ask["reason"] = "read-only access for the December audit";
  const Json r = Sim(*policy_, "dan", {ask});
  ASSERT_EQ(r["operations"][0]["effect"], "allow");
  EXPECT_EQ(r["events"][0]["reason"], "read-only access for the December audit");
  const auto after = After(r);
  const Json approved = Sim(*after, "olga", {Decide("role-request-1", "approve")});
  ASSERT_EQ(approved["operations"][0]["effect"], "allow") << Canonical(approved["operations"]);
  bool found = false;
  for (const Json& b : approved["bundleAfter"]["bindings"]) {
    if (b["member"] == "dan" && b["role"] == "ops.viewer" && b["scope"] == "repo-x") {
      EXPECT_EQ(b["expiresAt"], "2027-01-01T00:00:00Z");
      EXPECT_EQ(b["grantedBy"], "olga");
      found = true;
    }
  }
  EXPECT_TRUE(found);
  // A role of another family: assigned beside Dan's Member role, not in its place.
  EXPECT_EQ(approved["accessDiff"]["members"][0]["roles"]["lost"], Json::array());
}

TEST_F(AccessRequestTest, AGrantThatNeedsAnApprovalWaitsForIt) {
  // Maintainers' role changes need an owner's approval.
  Json b = Bundle();
  b["permissions"].push_back({{"id", "roles.approve"}, {"appliesTo", {"org", "team", "repo"}}});
  b["roles"][2]["permissions"].push_back("roles.approve");
  b["approvalRules"].push_back({{"id", "maintainer.grants"},
                                {"actions", {"members.manage"}},
                                {"requesterRoles", {"dev.maintainer"}},
                                {"approvers", {{"permission", "roles.approve"}}},
                                {"quorum", 1}});
  policy_ = testing::MustLoad(b);
  ASSERT_NE(policy_, nullptr);
  auto [after, id] = DanAsks();
  const Json r = Sim(*after, "mia", {Decide(id, "approve")});
  const Json& op = r["operations"][0];
  ASSERT_EQ(op["effect"], "conditional") << Canonical(op);
  EXPECT_TRUE(r["accessDiff"]["members"].empty());
  const Json& pending = r["bundleAfter"]["approvalRequests"][0];
  EXPECT_EQ(pending["operation"], (Json{{"op", "change_role"},
                                        {"member", "dan"},
                                        {"role", "dev.maintainer"},
                                        {"scope", "repo-x"}}))
      << "the approval holds the grant, which apply_approved can run";
  EXPECT_EQ(pending["requester"], "mia");
  // Olga approves; Mia applies: Dan maintains repo-x.
  const Json approved = Sim(*After(r), "olga", {Decide(pending["id"], "approve")});
  ASSERT_EQ(approved["operations"][0]["effect"], "allow") << Canonical(approved);
  const Json applied =
      Sim(*After(approved), "mia", {{{"op", "apply_approved"}, {"request", pending["id"]}}});
  ASSERT_EQ(applied["operations"][0]["effect"], "allow") << Canonical(applied);
  EXPECT_EQ(applied["accessDiff"]["members"][0]["roles"]["gained"][0]["role"], "dev.maintainer");
}

// A custom role someone asked for can still be deleted: its open requests go with it
// (they would name a role the bundle no longer has).
TEST_F(AccessRequestTest, DeletingARoleTakesItsRequestsAway) {
  const Json role = {{"id", "dev.helper"},
                     {"family", "dev"},
                     {"rank", 5},
                     {"permissions", {"code.read"}},
                     {"assignableAt", {"repo"}}};
  const Json defined =
      Sim(*policy_, "olga", {{{"op", "define_role"}, {"scope", "org-1"}, {"role", role}}});
  ASSERT_EQ(defined["operations"][0]["effect"], "allow") << Canonical(defined["operations"]);
  const Json asked = Sim(*After(defined), "dan", {Ask("dev.helper", "repo-x")});
  ASSERT_EQ(asked["operations"][0]["effect"], "allow") << Canonical(asked["operations"]);
  const Json deleted = Sim(*After(asked), "olga",
                           {{{"op", "delete_role"}, {"scope", "org-1"}, {"role", "dev.helper"}}});
  ASSERT_EQ(deleted["operations"][0]["effect"], "allow") << Canonical(deleted["operations"]);
  EXPECT_TRUE(deleted["bundleAfter"].value("roleRequests", Json::array()).empty());
  EXPECT_NE(After(deleted), nullptr);
}

TEST_F(AccessRequestTest, RecordsAndOperationsAreValidated) {
  Json b = Bundle();
  b["roleRequests"] = {{{"id", "r1"},
                        {"requester", "ghost"},
                        {"role", "dev.nope"},
                        {"scope", "repo-x"},
                        {"createdAt", testing::kNow},
                        {"reason", std::string(501, 'x')}},
                       {{"id", "r1"},
                        {"requester", "dan"},
                        {"role", "dev.owner"},
                        {"scope", "org-1"},
                        {"createdAt", "2026-02-30T00:00:00Z"}}};
  EXPECT_THAT(
      testing::ErrorKeys(b),
      ElementsAre("duplicate_id@/roleRequests/1/id", "invalid_timestamp@/roleRequests/1/createdAt",
                  "invalid_value@/roleRequests/0/reason",
                  "unknown_member@/roleRequests/0/requester", "unknown_role@/roleRequests/0/role"));
  Json withdraw_entry = Bundle();
  withdraw_entry["operations"]["withdraw_request"] = {{"action", "roles.request"}};
  EXPECT_THAT(testing::ErrorKeys(withdraw_entry),
              ElementsAre("invalid_value@/operations/withdraw_request"));

  Json cs = {{"format", "rolegate-changeset/1"},
             {"baseRevision", policy_->revision()},
             {"actor", "dan"},
             {"now", testing::kNow},
             {"operations",
              {{{"op", "request_role"},
                {"role", "dev.nope"},
                {"scope", "repo-x"},
                {"reason", std::string(501, 'x')},
                {"until", "tomorrow"}},
               {{"op", "withdraw_request"}, {"request", "role-request-9"}},
               {{"op", "request_role"}, {"role", "dev.owner"}, {"scope", "org-1"}, {"who", 1}}}}};
  std::vector<std::string> keys;
  const Json refused = policy_->Simulate(cs);
  ASSERT_EQ(refused["ok"], false) << Canonical(refused).substr(0, 2000);
  for (const Json& e : refused["errors"]) {
    keys.push_back(e["code"].get<std::string>() + "@" + e["pointer"].get<std::string>());
  }
  EXPECT_THAT(
      keys,
      ElementsAre("invalid_value@/operations/0/reason", "unknown_role@/operations/0/role",
                  "invalid_timestamp@/operations/0/until", "unknown_request@/operations/1/request",
                  "unknown_field@/operations/2/who"));
}

}  // namespace
}  // namespace rolegate
