// Simulation applies role and status changes to an overlay and checks them
// locally; the reference way recompiles the whole bundle after every operation.
// Both must give the same bytes for every change set.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "simulate.h"
#include "test_util.h"

namespace rolegate {
namespace {

namespace fs = std::filesystem;

void ExpectSameBothWays(const Policy& policy, const Json& cs, const std::string& what) {
  std::string fast = Canonical(internal::SimulateWith(policy, cs, true, false));
  std::string slow = Canonical(internal::SimulateWith(policy, cs, true, true));
  ASSERT_EQ(fast, slow) << what << "\nchange set: " << Canonical(cs);
}

TEST(SimulateParity, EveryScenarioChangeSet) {
  fs::path root = fs::path(ROLEGATE_SOURCE_DIR) / "tests" / "scenarios";
  size_t compared = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    ParsedJson doc = ParseJson(testing::ReadFileOrDie(entry.path().string()));
    ASSERT_TRUE(doc.ok());
    const Json& bundle = doc.value["bundle"];
    LoadResult loaded =
        bundle.is_string() ? LoadPolicy(testing::ReadFileOrDie(
                                 (entry.path().parent_path() / bundle.get<std::string>()).string()))
                           : CompilePolicy(bundle);
    if (!loaded.ok()) continue;  // scenarios that expect their bundle to fail
    for (const Json& c : doc.value.value("cases", Json::array())) {
      if (!c.contains("simulate")) continue;
      Json cs = c["simulate"];
      if (!cs.contains("baseRevision")) cs["baseRevision"] = loaded.policy->revision();
      if (!cs.contains("now")) cs["now"] = doc.value.value("now", testing::kNow);
      ExpectSameBothWays(*loaded.policy, cs, entry.path().string() + " " + c.value("id", ""));
      ++compared;
    }
  }
  EXPECT_GT(compared, 100u);
}

struct Lcg {
  uint64_t s;
  uint32_t Next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Next() % v.size()];
  }
};

// Random sequences of role and status changes by random actors: most are
// denied, many allowed, some break invariants. Returns how many were allowed;
// counts the violations by kind and severity ("scope_limit/error") in `violations`
// when given.
size_t RandomRounds(const Json& bundle, const std::vector<std::string>& managers,
                    const std::vector<std::string>& busy, int rounds, uint64_t seed,
                    std::map<std::string, size_t>* violations = nullptr) {
  LoadResult loaded = CompilePolicy(bundle);
  EXPECT_TRUE(loaded.ok());
  if (!loaded.ok()) return 0;
  std::vector<std::string> members, roles, scopes, actions;
  std::map<std::string, std::string> scope_type;
  std::map<std::string, std::vector<std::string>> roles_at;  // scope type -> roles
  for (const Json& m : bundle["members"]) members.push_back(m["id"]);
  for (const Json& r : bundle["roles"]) {
    roles.push_back(r["id"]);
    for (const Json& t : r["assignableAt"]) roles_at[t.get<std::string>()].push_back(r["id"]);
  }
  for (const Json& s : bundle["scopes"]) {
    scopes.push_back(s["id"]);
    scope_type[s["id"]] = s["type"];
  }
  for (const Json& p : bundle["permissions"]) {
    if (!p.value("rankLimited", false)) actions.push_back(p["id"]);  // what `perform` takes
  }
  const std::vector<std::string> kinds = {
      "assign_role",    "change_role",       "revoke_role",
      "remove_role",    "remove_member",     "block",
      "unblock",        "disable",           "enable",
      "delete_member",  "resend_invitation", "claim_role",
      "invite",         "accept_invitation", "request_self_upgrade",
      "reset_password", "perform",           "activate_member"};
  Lcg rng{seed};
  size_t allowed = 0;
  for (int round = 0; round < rounds; ++round) {
    Json ops = Json::array();
    int n = 1 + static_cast<int>(rng.Next() % 5);
    for (int k = 0; k < n; ++k) {
      const std::string& kind = rng.Pick(kinds);
      Json op = {{"op", kind}};
      if (kind != "claim_role" && kind != "accept_invitation" && kind != "request_self_upgrade" &&
          kind != "perform") {
        op["member"] = rng.Pick(members);
      }
      if (kind == "perform") {
        op["action"] = rng.Pick(actions);
        if (rng.Next() % 2 == 0) op["attributes"] = {{"branch", "main"}, {"chargesAccepted", true}};
      }
      if (kind == "activate_member") {
        static const std::vector<std::string> kSetups = {"send_invite", "activation_email",
                                                         "assign_credentials", "activate_later"};
        op["setup"] = rng.Pick(kSetups);
      }
      if (kind == "assign_role" || kind == "change_role" || kind == "revoke_role" ||
          kind == "remove_role" || kind == "claim_role" || kind == "invite" ||
          kind == "request_self_upgrade") {
        op["role"] = rng.Pick(roles);
      }
      if (kind != "remove_role" && kind != "accept_invitation" &&
          (kind == "assign_role" || kind == "change_role" || kind == "revoke_role" ||
           kind == "remove_member" || kind == "claim_role" || kind == "invite" ||
           kind == "request_self_upgrade" || kind == "perform" || rng.Next() % 3 == 0)) {
        op["scope"] = rng.Next() % 4 != 0 ? rng.Pick(busy) : rng.Pick(scopes);
      }
      if (op.contains("role") && op.contains("scope") && rng.Next() % 5 != 0) {
        // A role that can be bound there, most of the time.
        const std::vector<std::string>& fitting = roles_at[scope_type[op["scope"]]];
        if (!fitting.empty()) op["role"] = rng.Pick(fitting);
      }
      ops.push_back(op);
    }
    Json cs = {{"baseRevision", loaded.policy->revision()},
               {"actor", rng.Next() % 4 != 0 ? rng.Pick(managers) : rng.Pick(members)},
               {"now", "2026-12-01T09:00:00Z"},
               {"operations", ops}};
    Json r = loaded.policy->Simulate(cs);
    if (r.value("ok", false)) {
      allowed += static_cast<size_t>(r["summary"]["allowed"].get<int64_t>());
      for (const Json& v : r["violations"]) {
        if (violations != nullptr) {
          ++(*violations)[v["kind"].get<std::string>() + "/" + v["severity"].get<std::string>()];
        }
      }
    }
    ExpectSameBothWays(*loaded.policy, cs, "round " + std::to_string(round));
    if (::testing::Test::HasFatalFailure()) break;
  }
  return allowed;
}

TEST(SimulateParity, RandomChangeSetsOnTheExample) {
  std::string path = std::string(ROLEGATE_SOURCE_DIR) + "/examples/bt-business/bundle.json";
  ParsedJson doc = ParseJson(testing::ReadFileOrDie(path));
  ASSERT_TRUE(doc.ok());
  size_t allowed = RandomRounds(
      doc.value, {"m-olivia", "m-raj", "m-hannah", "m-alex", "m-dana", "m-fatima"},
      {"acc-1001", "acc-1002", "acc-1004", "svc-5001", "svc-5002", "co-2001"}, 1000, 77);
  EXPECT_GT(allowed, 50u);
}

TEST(SimulateParity, RandomChangeSetsOnAGenericBundle) {
  size_t allowed = RandomRounds(testing::TinyBundle(), {"olga", "mia"},
                                {"org-1", "team-a", "repo-x", "repo-z"}, 1000, 78);
  EXPECT_GT(allowed, 300u);
}

// The same with what the bundle's `operations` entries add (preconditions, set-ups),
// members added to a scope and still unassigned, branding, and the events of
// `reset_password` and `perform`.
TEST(SimulateParity, RandomChangeSetsWithOperationOptions) {
  Json b = testing::TinyBundle();
  b["operations"]["reset_password"] = {{"action", "members.manage"}};
  b["operations"]["disable"] = {{"action", "members.manage"}};
  b["operations"]["enable"] = {{"action", "members.manage"}};
  b["operations"]["block"]["requires"] = {
      {{"attribute", "chargesAccepted"}, {"op", "eq"}, {"value", true}}};
  b["operations"]["invite"]["setups"] = {"send_invite", "activate_later"};
  b["operations"]["activate_member"]["setups"] = {"send_invite", "assign_credentials"};
  b["notifications"].push_back({{"event", "password_reset"}, {"channels", {"email"}}});
  b["notifications"].push_back({{"event", "action_performed"}, {"channels", {"in_app"}}});
  b["members"][2]["brandingDomain"] = "portal.example.net";
  b["members"][2]["language"] = "fr";
  b["members"].push_back(
      {{"id", "una"}, {"email", "una@example.org"}, {"status", "pending"}, {"addedTo", "team-a"}});
  b["members"].push_back({{"id", "noe"}, {"status", "pending"}, {"addedTo", "repo-z"}});
  size_t allowed =
      RandomRounds(b, {"olga", "mia"}, {"org-1", "team-a", "repo-x", "repo-z"}, 1000, 79);
  EXPECT_GT(allowed, 200u);
}

// Member constraints: member_field invariants (one taking its values from a scope
// attribute, so that moving a member's bindings matters) and roles' memberKinds.
TEST(SimulateParity, RandomChangeSetsWithMemberConstraints) {
  Json b = testing::TinyBundle();
  b["scopes"][0]["attributes"] = {{"domains", {"a.example", "b.example"}}};
  b["scopes"][2]["attributes"] = {{"domains", "c.example"}};  // team-b: one value
  b["invariants"].push_back({{"id", "named"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "name"},
                             {"required", true}});
  b["invariants"].push_back({{"id", "domains"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "brandingDomain"},
                             {"valuesFromAttribute", "domains"}});
  b["invariants"].push_back({{"id", "domains-soft"},
                             {"kind", "member_field"},
                             {"severity", "warning"},
                             {"field", "brandingDomain"},
                             {"required", true},
                             {"valuesFromAttribute", "domains"}});
  for (Json& m : b["members"]) m["kind"] = "staff";
  b["members"][5]["kind"] = "auditor";                  // vic
  b["members"][6]["kind"] = "guest";                    // zed
  b["members"][3]["brandingDomain"] = "a.example";      // ben, on team-a
  b["members"][5]["brandingDomain"] = "b.example";      // vic, on repo-y
  b["roles"][1]["memberKinds"] = {"staff"};             // dev.maintainer
  b["roles"][3]["memberKinds"] = {"auditor", "staff"};  // ops.viewer
  b["operations"]["disable"] = {{"action", "members.manage"}};
  b["operations"]["enable"] = {{"action", "members.manage"}};
  size_t allowed =
      RandomRounds(b, {"olga", "mia"}, {"org-1", "team-a", "team-b", "repo-x", "repo-z"}, 1000, 80);
  EXPECT_GT(allowed, 200u);
}

// Scope limits: an error one on teams for staff (Dan, a contractor, is on two), and
// a warning one on organisations that Olga already breaks (owner of both).
TEST(SimulateParity, RandomChangeSetsWithScopeLimits) {
  Json b = testing::TinyBundle();
  b["scopes"].push_back({{"id", "org-2"}, {"type", "org"}});
  b["scopes"].push_back({{"id", "team-c"}, {"type", "team"}, {"parent", "org-2"}});
  b["scopes"].push_back({{"id", "repo-w"}, {"type", "repo"}, {"parent", "team-c"}});
  for (Json& m : b["members"]) m["kind"] = "staff";
  b["members"][2]["kind"] = "contractor";  // dan
  b["members"].push_back({{"id", "ivy"}, {"kind", "staff"}, {"status", "invited"}});
  b["bindings"].push_back({{"member", "olga"}, {"role", "dev.owner"}, {"scope", "org-2"}});
  b["bindings"].push_back({{"member", "ivy"}, {"role", "dev.member"}, {"scope", "repo-w"}});
  b["invariants"].push_back({{"id", "one-team"},
                             {"kind", "scope_limit"},
                             {"severity", "error"},
                             {"scopeType", "team"},
                             {"max", 1},
                             {"kinds", {"staff"}}});
  b["invariants"].push_back({{"id", "one-org"},
                             {"kind", "scope_limit"},
                             {"severity", "warning"},
                             {"scopeType", "org"},
                             {"max", 1}});
  b["operations"]["disable"] = {{"action", "members.manage"}};
  b["operations"]["enable"] = {{"action", "members.manage"}};
  std::map<std::string, size_t> violations;
  size_t allowed =
      RandomRounds(b, {"olga", "mia"},
                   {"org-1", "org-2", "team-a", "team-b", "team-c", "repo-x", "repo-z", "repo-w"},
                   1000, 82, &violations);
  EXPECT_GT(allowed, 200u);
  EXPECT_GT(violations["scope_limit/error"], 10u);
  EXPECT_GT(violations["scope_limit/warning"], 10u);
}

TEST(SimulateParity, RandomChangeSetsOnTheHostedVoiceExample) {
  std::string path = std::string(ROLEGATE_SOURCE_DIR) + "/examples/hosted-voice/bundle.json";
  ParsedJson doc = ParseJson(testing::ReadFileOrDie(path));
  ASSERT_TRUE(doc.ok());
  size_t allowed = RandomRounds(
      doc.value, {"m-priya", "m-lucas", "m-sofia", "m-camille", "m-julie"},
      {"acc-1001", "bcc-1001", "acc-1002", "cpbx-1002", "acc-2001", "bcc-2001"}, 600, 81);
  EXPECT_GT(allowed, 30u);
}

}  // namespace
}  // namespace rolegate

namespace rolegate {
namespace {

// New members go to the overlay unless a load would report on them; either way
// the result is the reference's. Covers members acted on after they are added,
// e-mails taken by a member (in another case), by another new member, or
// malformed, and a new member then edited.
TEST(SimulateParity, NewMembersOnTheOverlay) {
  LoadResult loaded = LoadPolicy(testing::ReadFileOrDie(std::string(ROLEGATE_SOURCE_DIR) +
                                                        "/examples/cloud-work/bundle.json"));
  ASSERT_TRUE(loaded.ok());
  const Policy& policy = *loaded.policy;
  auto add = [](const std::string& id, const std::string& email) {
    return Json{{"id", id}, {"name", "New " + id}, {"email", email}, {"kind", "user"}};
  };
  const Json accepted{{"chargesAccepted", true}};
  const std::vector<Json> sets = {
      // Plain additions in three operations, then each acted on.
      Json::array({
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members",
            {add("m-n1", "n1@larkspur-dental.example.com"),
             add("m-n2", "n2@larkspur-dental.example.com")}}},
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members", {add("m-n3", "n3@larkspur-dental.example.com")}}},
          {{"op", "activate_member"},
           {"member", "m-n1"},
           {"setup", "assign_credentials"},
           {"role", "cw.standard"},
           {"scope", "acct-7001"}},
          {{"op", "activate_member"}, {"member", "m-n2"}, {"setup", "send_invite"}},
          {{"op", "assign_role"},
           {"member", "m-n1"},
           {"role", "cw.standard_international"},
           {"scope", "acct-7001"}},
          {{"op", "disable"}, {"member", "m-n1"}},
          {{"op", "edit_member"}, {"member", "m-n3"}, {"name", "Renamed"}},
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members", {add("m-n4", "n4@larkspur-dental.example.com")}}},
      }),
      // An e-mail an existing member has, in another case; one two new members
      // share; a malformed one; then more plain additions.
      Json::array({
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members", {add("m-x1", "PRIYA.SHAH@larkspur-dental.example.com")}}},
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members", {add("m-x2", "same@larkspur-dental.example.com")}}},
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members", {add("m-x3", "same@larkspur-dental.example.com")}}},
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members", {add("m-x4", "not-an-address")}}},
          {{"op", "add_members"},
           {"scope", "acct-7001"},
           {"attributes", accepted},
           {"members",
            {add("m-x5", "x5@larkspur-dental.example.com"),
             add("m-x6", "x6@larkspur-dental.example.com")}}},
          {{"op", "activate_member"},
           {"member", "m-x6"},
           {"setup", "assign_credentials"},
           {"role", "cw.standard"},
           {"scope", "acct-7001"}},
      }),
  };
  for (const Json& ops : sets) {
    const Json cs{{"baseRevision", policy.revision()},
                  {"actor", "m-priya"},
                  {"now", testing::kNow},
                  {"operations", ops}};
    const Json result = internal::SimulateWith(policy, cs, true, false);
    ASSERT_TRUE(result.value("ok", false)) << Canonical(result);
    ExpectSameBothWays(policy, cs, "new members");
    EXPECT_GT(result["summary"]["allowed"].get<int64_t>(), 2) << Canonical(result["operations"]);
  }
}

}  // namespace
}  // namespace rolegate
