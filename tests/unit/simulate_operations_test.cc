// Change sets: what the bundle's `operations` entries add to an operation
// (preconditions on its attributes, the set-up options offered), where an
// unassigned member belongs, e-mails that need an address, the recipient's
// branding on events, password resets, and `perform` with its approval flow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace rolegate {
namespace {

using ::testing::ElementsAre;
using testing::ErrorKeys;
using testing::TinyBundle;

// The tiny bundle with the operations and events these tests use.
Json Bundle() {
  Json b = TinyBundle();
  b["permissions"].push_back({{"id", "members.add"}, {"appliesTo", {"org", "team", "repo"}}});
  b["roles"][1]["permissions"].push_back("members.add");  // maintainers and owners
  b["operations"]["add_members"] = {{"action", "members.add"}};
  b["operations"]["add_members"]["requires"] = {
      {{"attribute", "chargesAccepted"}, {"op", "eq"}, {"value", true}}};
  b["operations"]["activate_member"]["setups"] = {"send_invite", "activation_email"};
  b["operations"]["reset_password"] = {{"action", "members.manage"}};
  b["operations"]["disable"] = {{"action", "members.manage"}};
  b["notifications"].push_back(
      {{"event", "password_reset"}, {"channels", {"email"}}, {"temporaryPassword", true}});
  b["notifications"].push_back({{"event", "action_performed"}, {"channels", {"in_app"}}});
  b["notifications"].push_back({{"event", "request_decided"}, {"channels", {"in_app"}}});
  b["members"][2]["brandingDomain"] = "portal.example.net";  // dan
  b["members"][2]["language"] = "fr";
  // Pending, unassigned, added to team-a earlier; one without an e-mail.
  b["members"].push_back({{"id", "una"},
                          {"name", "Una"},
                          {"email", "una@example.org"},
                          {"status", "pending"},
                          {"addedTo", "team-a"}});
  b["members"].push_back(
      {{"id", "noe"}, {"name", "Noe"}, {"status", "pending"}, {"addedTo", "team-a"}});
  return b;
}

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = testing::MustLoad(Bundle()); }

  Json Run(const std::string& actor, Json ops, bool bundle = false) {
    return RunOn(*policy_, actor, std::move(ops), bundle);
  }
  static Json RunOn(const Policy& p, const std::string& actor, Json ops, bool bundle = false) {
    Json cs = {{"format", "rolegate-changeset/1"},
               {"baseRevision", p.revision()},
               {"actor", actor},
               {"now", testing::kNow},
               {"operations", std::move(ops)}};
    Json r = p.Simulate(cs, bundle);
    EXPECT_EQ(r["ok"], true) << Canonical(r);
    return r;
  }
  // The first operation-level reason of operation `op`, else the first reason of
  // its first denying check.
  static std::string Code(const Json& r, size_t op) {
    const Json& o = r.at("operations").at(op);
    if (!o.at("reasons").empty()) return o["reasons"][0].at("code");
    for (const Json& c : o.at("checks")) {
      if (c.value("effect", "") == "deny") return c.at("reasons").at(0).at("code");
    }
    return "";
  }
  std::shared_ptr<const Policy> policy_;
};

TEST(OperationsBundle, ValidatesRequiresSetupsAndAddedTo) {
  Json b = Bundle();
  b["operations"]["add_members"]["requires"][0]["op"] = "like";
  b["operations"]["invite"]["setups"] = {"send_invite", "send_invite"};
  b["operations"]["activate_member"]["setups"] = {"carrier_pigeon"};
  b["operations"]["block"]["setups"] = {"send_invite"};
  b["operations"]["perform"] = {{"action", "code.push"}};
  b["members"][7]["addedTo"] = "team-q";
  EXPECT_THAT(
      ErrorKeys(b),
      ElementsAre("invalid_value@/operations/activate_member/setups/0",
                  "invalid_value@/operations/add_members/requires/0/op",
                  "invalid_value@/operations/invite/setups/1", "invalid_value@/operations/perform",
                  "unknown_field@/operations/block/setups", "unknown_scope@/members/7/addedTo"));
}

TEST(OperationsBundle, ChangeSetsNameAPermissionToPerform) {
  auto p = testing::MustLoad(Bundle());
  Json cs = {{"baseRevision", p->revision()},
             {"actor", "dan"},
             {"now", testing::kNow},
             {"operations",
              {{{"op", "perform"}, {"action", "roles.claim"}, {"scope", "repo-x"}},
               {{"op", "perform"}, {"action", "members.manage"}, {"scope", "repo-x"}},
               {{"op", "perform"}, {"action", "code.push"}},
               {{"op", "reset_password"}, {"member", "dan"}, {"role", "x"}}}}};
  Json r = p->Simulate(cs);
  ASSERT_EQ(r["ok"], false);
  std::vector<std::string> keys;
  for (const Json& e : r["errors"])
    keys.push_back(e["code"].get<std::string>() + "@" + e["pointer"].get<std::string>());
  EXPECT_THAT(keys, ElementsAre("unknown_permission@/operations/0/action",
                                "invalid_value@/operations/1/action", "missing_field@/operations/2",
                                "unknown_field@/operations/3/role"));
}

TEST_F(OperationsTest, APreconditionDeniesWhenItsAttributeIsFalseOrMissing) {
  Json add = {{"op", "add_members"},
              {"scope", "team-a"},
              {"members", {{{"id", "new-1"}, {"email", "n1@example.org"}}}}};
  Json yes = add, no = add;
  yes["attributes"] = {{"chargesAccepted", true}};
  no["attributes"] = {{"chargesAccepted", false}};
  Json missing = add;
  missing["members"][0]["id"] = "new-2";
  Json r = Run("mia", {no, missing, {{"op", "block"}, {"member", "new-1"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_EQ(r["operations"][0]["reasons"][0],
            Json::parse(R"({"code": "precondition_failed", "attribute": "chargesAccepted",
                "op": "eq", "value": true, "actual": false,
                "message": "`add_members` requires attribute `chargesAccepted` eq true, but it is false"})"));
  EXPECT_TRUE(r["operations"][0]["checks"].empty());  // refused before any check
  EXPECT_EQ(Code(r, 1), "precondition_failed");
  EXPECT_FALSE(r["operations"][1]["reasons"][0].contains("actual"));
  EXPECT_EQ(Code(r, 2), "unknown_reference");  // nothing was added
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);
  // A value of another type cannot be compared: refused too.
  Json text = add;
  text["attributes"] = {{"chargesAccepted", "yes"}};
  EXPECT_EQ(Code(Run("mia", {text}), 0), "precondition_failed");
  Json ok = Run("mia", {yes}, true);
  EXPECT_EQ(ok["operations"][0]["effect"], "allow");
}

TEST_F(OperationsTest, AddedMembersBelongToTheirScope) {
  Json add = {{"op", "add_members"},
              {"scope", "team-a"},
              {"attributes", {{"chargesAccepted", true}}},
              {"members", {{{"id", "new-1"}, {"email", "n1@example.org"}}}}};
  Json r = Run("olga", {add}, true);
  ASSERT_EQ(r["operations"][0]["effect"], "allow");
  EXPECT_EQ(r["bundleAfter"]["members"].back()["addedTo"], "team-a");

  // Una was added to team-a: an operation naming no scope is checked there; one
  // naming a scope outside team-a is refused, whoever acts.
  Json here =
      Run("mia", {{{"op", "activate_member"}, {"member", "una"}, {"setup", "send_invite"}}});
  EXPECT_EQ(here["operations"][0]["effect"], "allow");
  EXPECT_EQ(here["operations"][0]["checks"][0]["resource"], "team-a");
  Json away = Run("olga", {{{"op", "activate_member"},
                            {"member", "una"},
                            {"setup", "send_invite"},
                            {"role", "dev.member"},
                            {"scope", "repo-z"}}});
  EXPECT_EQ(away["operations"][0]["effect"], "deny");
  EXPECT_EQ(away["operations"][0]["reasons"][0],
            Json::parse(R"({"code": "wrong_scope", "member": "una", "addedTo": "team-a",
                "scope": "repo-z", "message": "member `una` holds no role and was added to `team-a`, so it cannot be acted on from `repo-z`"})"));
  EXPECT_EQ(Code(Run("olga", {{{"op", "disable"}, {"member", "una"}, {"scope", "team-b"}}}), 0),
            "wrong_scope");
  EXPECT_EQ(Code(Run("olga", {{{"op", "assign_role"},
                               {"member", "una"},
                               {"role", "dev.member"},
                               {"scope", "repo-z"}}}),
                 0),
            "wrong_scope");
  EXPECT_EQ(
      Code(
          Run("olga",
              {{{"op", "invite"}, {"member", "una"}, {"role", "dev.member"}, {"scope", "team-b"}}}),
          0),
      "wrong_scope");
  // A scope below the one it was added to is checked as well as that one.
  Json below = Run("mia", {{{"op", "activate_member"},
                            {"member", "una"},
                            {"setup", "send_invite"},
                            {"role", "dev.member"},
                            {"scope", "repo-x"}}});
  ASSERT_EQ(below["operations"][0]["effect"], "allow") << Canonical(below);
  EXPECT_EQ(below["operations"][0]["checks"].size(), 2u);
  // Once it holds a role, its bindings decide, as for any member.
  Json later = Run(
      "olga",
      {{{"op", "assign_role"}, {"member", "una"}, {"role", "dev.member"}, {"scope", "repo-x"}},
       {{"op", "assign_role"}, {"member", "una"}, {"role", "dev.member"}, {"scope", "repo-z"}}});
  EXPECT_EQ(later["operations"][1]["effect"], "allow");
}

TEST_F(OperationsTest, SetupsAreLimitedToThoseOffered) {
  Json r =
      Run("mia", {{{"op", "activate_member"}, {"member", "una"}, {"setup", "assign_credentials"}}});
  EXPECT_EQ(r["operations"][0]["reasons"][0],
            Json::parse(R"({"code": "setup_not_supported", "setup": "assign_credentials",
                "allowed": ["send_invite", "activation_email"],
                "message": "set-up option `assign_credentials` is not offered for `activate_member`: offered are send_invite, activation_email"})"));
  EXPECT_TRUE(r["events"].empty());
  Json b = Bundle();
  b["operations"]["invite"]["setups"] = {"activation_email"};
  auto p = testing::MustLoad(b);
  Json invite = {{"op", "invite"},
                 {"member", {{"id", "nia"}, {"email", "nia@example.org"}}},
                 {"role", "dev.member"},
                 {"scope", "repo-y"}};
  EXPECT_EQ(Code(RunOn(*p, "olga", {invite}), 0), "setup_not_supported");  // send_invite
  invite["setup"] = "activation_email";
  EXPECT_EQ(RunOn(*p, "olga", {invite})["operations"][0]["effect"], "allow");
}

TEST_F(OperationsTest, ASetupThatEmailsNeedsAnAddress) {
  Json r = Run("mia", {{{"op", "activate_member"}, {"member", "noe"}, {"setup", "send_invite"}}});
  EXPECT_EQ(r["operations"][0]["effect"], "deny");
  EXPECT_THAT(r["operations"][0]["reasons"][0]["code"], "email_required");
  EXPECT_EQ(r["operations"][0]["reasons"][0]["member"], "noe");
  EXPECT_TRUE(r["events"].empty());
  Json invite = {
      {"op", "invite"}, {"member", {{"id", "nia"}}}, {"role", "dev.member"}, {"scope", "repo-y"}};
  EXPECT_EQ(Code(Run("olga", {invite}), 0), "email_required");
  invite["setup"] = "activate_later";
  EXPECT_EQ(Run("olga", {invite})["operations"][0]["effect"], "allow");
  // An address entered first is enough.
  Json fixed =
      Run("mia", {{{"op", "edit_member"}, {"member", "noe"}, {"email", "noe@example.org"}},
                  {{"op", "activate_member"}, {"member", "noe"}, {"setup", "activation_email"}}});
  EXPECT_EQ(fixed["operations"][1]["effect"], "allow");
}

TEST_F(OperationsTest, EventsCarryTheRecipientsBrandingAndPasswordResetsAreSent) {
  Json r = Run("olga", {{{"op", "reset_password"}, {"member", "dan"}}});
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  EXPECT_EQ(r["events"], Json::parse(R"([{"event": "password_reset", "to": "dan", "op": 0,
      "channels": ["email"], "temporaryPassword": true,
      "brandingDomain": "portal.example.net", "language": "fr"}])"));
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);  // nothing in the bundle changed
  // Checked on each of the member's scopes, with the member as target.
  EXPECT_EQ(r["operations"][0]["checks"].size(), 2u);
  EXPECT_EQ(Code(Run("mia", {{{"op", "reset_password"}, {"member", "dan"}}}), 0),
            "no_binding");  // Mia has no say on repo-z
  EXPECT_EQ(Code(Run("dan", {{{"op", "reset_password"}, {"member", "eve"}}}), 0),
            "permission_not_granted");
  EXPECT_EQ(Code(Run("olga", {{{"op", "reset_password"}, {"member", "ben"}}}), 0), "wrong_status");
  EXPECT_EQ(Code(Run("olga", {{{"op", "reset_password"}, {"member", "una"}}}), 0), "wrong_status");
  // A new member's own values, as the operation left them.
  Json invite =
      Run("olga", {{{"op", "invite"},
                    {"member", {{"id", "nia"}, {"email", "nia@example.org"}, {"language", "en"}}},
                    {"role", "dev.member"},
                    {"scope", "repo-y"}}});
  EXPECT_EQ(invite["events"][0]["language"], "en");
  EXPECT_FALSE(invite["events"][0].contains("brandingDomain"));
}

TEST_F(OperationsTest, PerformIsAuthorisedByItsActionAndChangesNothing) {
  Json r = Run("dan", {{{"op", "perform"},
                        {"action", "code.push"},
                        {"scope", "repo-x"},
                        {"attributes", {{"branch", "dev"}}}}});
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  EXPECT_EQ(r["events"], Json::parse(R"([{"event": "action_performed", "to": "dan", "op": 0,
      "channels": ["in_app"], "action": "code.push", "scope": "repo-x",
      "brandingDomain": "portal.example.net", "language": "fr"}])"));
  EXPECT_EQ(r["revisionAfter"], r["baseRevision"]);
  EXPECT_TRUE(r["accessDiff"]["members"].empty());
  EXPECT_EQ(
      Code(Run("vic", {{{"op", "perform"}, {"action", "code.push"}, {"scope", "repo-y"}}}), 0),
      "permission_not_granted");
  EXPECT_EQ(
      Code(Run("dan", {{{"op", "perform"}, {"action", "billing.pay"}, {"scope", "repo-x"}}}), 0),
      "action_not_applicable");
}

TEST_F(OperationsTest, PerformNeedingApprovalGoesThroughTheRequestLifecycle) {
  Json push = {{"op", "perform"},
               {"action", "code.push"},
               {"scope", "repo-x"},
               {"attributes", {{"branch", "main"}}}};
  Json r = Run("dan", {push}, true);
  ASSERT_EQ(r["operations"][0]["effect"], "conditional") << Canonical(r);
  EXPECT_EQ(r["operations"][0]["requirements"]["approvals"][0]["approvers"], Json({"mia", "olga"}));
  ASSERT_EQ(r["bundleAfter"]["approvalRequests"].size(), 1u);
  EXPECT_EQ(r["bundleAfter"]["approvalRequests"][0]["operation"], push);
  EXPECT_EQ(r["events"].size(), 2u);  // approval_requested to Mia and Olga
  EXPECT_NE(r["revisionAfter"], r["baseRevision"]);
  const std::string id = r["bundleAfter"]["approvalRequests"][0]["id"];

  auto pending = testing::MustLoad(r["bundleAfter"]);
  EXPECT_EQ(Code(RunOn(*pending, "dan", {{{"op", "apply_approved"}, {"request", id}}}), 0),
            "request_not_approved");
  Json decided =
      RunOn(*pending, "mia", {{{"op", "decide_request"}, {"request", id}, {"decision", "approve"}}},
            true);
  ASSERT_EQ(decided["operations"][0]["effect"], "allow");
  EXPECT_EQ(decided["events"][0]["event"], "request_decided");
  EXPECT_EQ(decided["events"][0]["to"], "dan");
  auto ready = testing::MustLoad(decided["bundleAfter"]);
  Json applied = RunOn(*ready, "dan", {{{"op", "apply_approved"}, {"request", id}}}, true);
  ASSERT_EQ(applied["operations"][0]["effect"], "allow") << Canonical(applied);
  EXPECT_EQ(applied["events"][0]["event"], "action_performed");
  EXPECT_EQ(applied["events"][0]["to"], "dan");
  EXPECT_TRUE(applied["bundleAfter"]["approvalRequests"].empty());
}

// activate_member with a role binds the member on the operation's `scope`: that
// scope is authorised too, not only the scopes the member already holds roles on
// (an administrator of one team cannot hand out a role on another).
TEST_F(OperationsTest, ActivatingWithARoleIsCheckedWhereTheRoleIsBound) {
  Json invite = {{"op", "invite"},
                 {"member", {{"id", "neo"}, {"email", "neo@example.org"}}},
                 {"role", "dev.member"},
                 {"scope", "repo-x"},
                 {"setup", "activate_later"}};
  Json elsewhere = {{"op", "activate_member"},
                    {"member", "neo"},
                    {"setup", "send_invite"},
                    {"role", "dev.member"},
                    {"scope", "repo-z"}};
  Json r = Run("mia", {invite, elsewhere}, true);
  ASSERT_EQ(r["operations"][0]["effect"], "allow") << Canonical(r);
  EXPECT_EQ(r["operations"][1]["effect"], "deny") << Canonical(r["operations"][1]);
  for (const Json& b : r["bundleAfter"]["bindings"]) {
    EXPECT_FALSE(b.value("member", "") == "neo" && b.value("scope", "") == "repo-z");
  }
  // Where the actor may bind it, the same operation is allowed.
  elsewhere["scope"] = "repo-y";
  EXPECT_EQ(Run("mia", {invite, elsewhere})["operations"][1]["effect"], "allow");
  // The member's kind is judged before the authorising decision.
  Json b = Bundle();
  b["roles"][0]["memberKinds"] = {"staff"};
  b["members"][2]["kind"] = "staff";  // dan and eve hold it
  b["members"][4]["kind"] = "staff";
  b["members"][7]["kind"] = "guest";  // una
  auto p = testing::MustLoad(b);
  Json kinds = RunOn(*p, "zed",
                     {{{"op", "activate_member"},
                       {"member", "una"},
                       {"setup", "send_invite"},
                       {"role", "dev.member"},
                       {"scope", "repo-x"}}});
  EXPECT_EQ(Code(kinds, 0), "member_kind_not_allowed");
  EXPECT_TRUE(kinds["operations"][0]["checks"].empty());
}

// An actor registering in the change set does not exist once `register` is
// denied: later operations are refused, never run against a missing member.
TEST_F(OperationsTest, OperationsAfterADeniedRegistrationDoNotCrash) {
  Json b = Bundle();
  b["roles"][1]["memberKinds"] = {"staff"};  // dev.maintainer: mia and ben hold it
  b["roles"][3]["memberKinds"] = {"staff"};  // ops.viewer: vic
  for (int m : {1, 3, 5}) b["members"][m]["kind"] = "staff";
  auto p = testing::MustLoad(b);
  Json reg = {{"op", "register"},
              {"member", {{"id", "newbie"}, {"email", "nb@example.org"}}},
              {"role", "dev.member"},
              {"scope", "repo-x"}};
  for (const char* kind : {"claim_role", "request_self_upgrade", "complete_self_upgrade",
                           "accept_invitation", "perform"}) {
    Json op = {{"op", kind}};
    if (std::string(kind) == "perform") {
      op["action"] = "code.read";
      op["scope"] = "repo-x";
    } else if (std::string(kind) != "accept_invitation") {
      op["role"] = std::string(kind) == "claim_role" ? "ops.viewer" : "dev.maintainer";
      op["scope"] = "repo-x";
    }
    Json r = RunOn(*p, "newbie", {reg, op});
    ASSERT_EQ(r["operations"].size(), 2u) << kind;
    EXPECT_EQ(r["operations"][0]["effect"], "deny") << kind;
    EXPECT_EQ(r["operations"][1]["effect"], "deny") << kind;
    EXPECT_EQ(Code(r, 1), "unknown_reference") << kind;
  }
}

// A member who holds no role but was added to a scope belongs there: every
// operation that binds it (invite, assign_role, activate_member) is checked on
// that scope as well as on the one it names, so an administrator of one
// repository cannot take the team's unassigned members.
TEST_F(OperationsTest, BindingAnAddedMemberIsCheckedWhereItWasAdded) {
  Json b = Bundle();
  b["members"].push_back({{"id", "rex"}, {"email", "rex@example.org"}, {"status", "active"}});
  b["bindings"].push_back({{"member", "rex"}, {"role", "dev.maintainer"}, {"scope", "repo-x"}});
  auto p = testing::MustLoad(b);
  const Json ops[] = {
      {{"op", "assign_role"}, {"member", "una"}, {"role", "dev.member"}, {"scope", "repo-x"}},
      {{"op", "invite"}, {"member", "una"}, {"role", "dev.member"}, {"scope", "repo-x"}},
      {{"op", "activate_member"},
       {"member", "una"},
       {"setup", "send_invite"},
       {"role", "dev.member"},
       {"scope", "repo-x"}}};
  for (const Json& op : ops) {
    Json r = RunOn(*p, "rex", {op});
    EXPECT_EQ(r["operations"][0]["effect"], "deny") << Canonical(r["operations"][0]);
    ASSERT_EQ(r["operations"][0]["checks"].size(), 2u) << Canonical(r["operations"][0]);
    EXPECT_EQ(r["operations"][0]["checks"][0]["resource"], "team-a");
    EXPECT_EQ(r["operations"][0]["checks"][1]["resource"], "repo-x");
    // Whoever administers the team may.
    EXPECT_EQ(RunOn(*p, "mia", {op})["operations"][0]["effect"], "allow") << op["op"];
  }
}

// resend_verification and complete_self_upgrade use request_self_upgrade's entry
// of `operations` when they have none of their own: its preconditions as well as
// its action.
TEST_F(OperationsTest, SelfUpgradeStepsShareTheRequestsPreconditions) {
  Json b = Bundle();
  b["selfUpgrades"][0].erase("unlessPresent");
  b["operations"]["request_self_upgrade"]["requires"] = {
      {{"attribute", "termsAccepted"}, {"op", "eq"}, {"value", true}}};
  auto p = testing::MustLoad(b);
  Json request = {{"op", "request_self_upgrade"},
                  {"role", "dev.maintainer"},
                  {"scope", "repo-x"},
                  {"attributes", {{"termsAccepted", true}}}};
  for (const char* kind : {"resend_verification", "complete_self_upgrade"}) {
    Json r = RunOn(*p, "dan",
                   {request, {{"op", kind}, {"role", "dev.maintainer"}, {"scope", "repo-x"}}});
    ASSERT_EQ(r["operations"][0]["effect"], "conditional") << Canonical(r);
    EXPECT_EQ(r["operations"][1]["effect"], "deny") << kind;
    EXPECT_EQ(Code(r, 1), "precondition_failed") << kind;
    Json ok = RunOn(*p, "dan",
                    {request,
                     {{"op", kind},
                      {"role", "dev.maintainer"},
                      {"scope", "repo-x"},
                      {"attributes", {{"termsAccepted", true}}}}});
    EXPECT_NE(ok["operations"][1]["effect"], "deny") << kind << Canonical(ok["operations"][1]);
  }
}

}  // namespace
}  // namespace rolegate
