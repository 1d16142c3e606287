// Policy::MemberAbilities: what an actor may do to a member is what simulating the
// operation would allow, never more, and never on a member beyond the actor's rank.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rolegate/operations.h"
#include "test_util.h"

namespace rolegate {
namespace {

constexpr const char* kNow = "2026-12-01T09:00:00Z";

Json ExampleBundle(const std::string& name) {
  return Json::parse(testing::ReadFileOrDie(std::string(ROLEGATE_SOURCE_DIR) + "/examples/" + name +
                                            "/bundle.json"));
}

std::shared_ptr<const Policy> Example(const std::string& name) {
  return testing::MustLoad(ExampleBundle(name));
}

const char* const kExamples[] = {"account-hub", "bt-business", "cloud-work", "code-hosting",
                                 "hosted-voice"};

// op -> effect
std::map<std::string, std::string> Abilities(const Policy& p, const std::string& actor,
                                             const std::string& member) {
  const Json r = p.MemberAbilities({{"actor", actor}, {"member", member}, {"now", kNow}});
  EXPECT_EQ(r["ok"], true) << Canonical(r);
  std::map<std::string, std::string> out;
  for (const Json& a : r["abilities"]) out[a["op"]] = a["effect"];
  return out;
}

// The effect of simulating one operation `op` on `member` as `actor`, as far as
// authority goes: "refused" when only an invariant it would break refuses it (the
// abilities leave those to the preview of the change).
std::string Simulated(const Policy& p, const std::string& actor, const std::string& kind,
                      const std::string& member) {
  const Json cs{{"format", "rolegate-changeset/1"},
                {"baseRevision", p.revision()},
                {"actor", actor},
                {"now", kNow},
                {"operations", Json::array({Json{{"op", kind}, {"member", member}}})}};
  const Json r = p.Simulate(cs);
  if (r["ok"] != true) return "invalid: " + Canonical(r);
  const Json& op = r["operations"][0];
  for (const Json& reason : op.value("reasons", Json::array())) {
    if (reason["code"] == "violates_invariant") return "refused";
  }
  return op["effect"];
}

std::vector<std::string> MemberIds(const Json& bundle) {
  std::vector<std::string> ids;
  for (const Json& m : bundle["members"]) ids.push_back(m["id"]);
  return ids;
}

std::vector<std::string> Keys(const std::map<std::string, std::string>& m) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : m) keys.push_back(k);
  return keys;
}

// Calls f(example, operations, policy, actor, member, abilities) for every actor and
// member of every example.
template <typename F>
void ForEveryPair(F f) {
  for (const char* example : kExamples) {
    const Json bundle = ExampleBundle(example);
    auto p = Example(example);
    for (const std::string& actor : MemberIds(bundle)) {
      for (const std::string& member : MemberIds(bundle)) {
        f(example, bundle["operations"], *p, actor, member, Abilities(*p, actor, member));
      }
    }
  }
}

// For every kind that acts on the whole member and takes no field but the member
// (a status, a resend, a reset): listed exactly when simulating it is not denied,
// with the same effect, for every actor and member of every example.
TEST(MemberAbilities, WholeMemberKindsAgreeWithSimulation) {
  const std::set<std::string> kWhole = {"resend_invitation", "delete_member", "block",
                                        "unblock",           "disable",       "enable",
                                        "reset_password"};
  size_t compared = 0, listed = 0;
  ForEveryPair([&](const char* example, const Json& operations, const Policy& p,
                   const std::string& actor, const std::string& member,
                   const std::map<std::string, std::string>& abilities) {
    for (const std::string& kind : kWhole) {
      if (!operations.contains(kind)) continue;
      if (operations[kind].contains("preconditions")) continue;  // needs attributes
      const std::string simulated = Simulated(p, actor, kind, member);
      if (simulated == "refused") continue;
      auto it = abilities.find(kind);
      const std::string offered = it == abilities.end() ? "deny" : it->second;
      EXPECT_EQ(offered, simulated) << example << ": " << actor << " " << kind << " " << member;
      ++compared;
      listed += it != abilities.end();
    }
  });
  EXPECT_GT(compared, 500u);
  EXPECT_GT(listed, 20u);  // the comparison covers abilities that are offered, not only refusals
}

// Whatever kind is offered, the bundle maps it, and the kind acts on a member.
TEST(MemberAbilities, OffersOnlyMappedKindsThatActOnAMember) {
  std::map<std::string, OperationKind> kinds;
  for (const OperationKind& k : OperationKinds()) kinds[k.name] = k;
  ForEveryPair([&](const char* example, const Json& operations, const Policy&, const std::string&,
                   const std::string&, const std::map<std::string, std::string>& abilities) {
    for (const auto& [op, effect] : abilities) {
      EXPECT_TRUE(operations.contains(op)) << example << " " << op;
      EXPECT_FALSE(kinds.at(op).on_member.empty()) << op;
      EXPECT_THAT(effect, ::testing::AnyOf("allow", "conditional"));
    }
  });
}

TEST(MemberAbilities, NothingOnAMemberBeyondTheActorsRank) {
  auto p = Example("account-hub");
  // An order manager on a peer of the same rank, an end user on the business owner.
  EXPECT_TRUE(Abilities(*p, "m-tara", "m-bea").empty());
  EXPECT_TRUE(Abilities(*p, "m-lena", "m-olivia").empty());
  EXPECT_TRUE(Abilities(*p, "m-sam", "m-tara").empty());
}

TEST(MemberAbilities, AWholeMemberOperationNeedsEveryScopeOfTheirs) {
  // Sam manages accounts 9001 and 9002; Jon has a line on 9001 and one on 9003. Sam
  // may change Jon's role on the line he manages, but may not block, delete or edit
  // Jon, which would reach Jon's line on 9003 too.
  auto p = Example("account-hub");
  EXPECT_THAT(Keys(Abilities(*p, "m-sam", "m-jon")),
              ::testing::ElementsAre("assign_role", "change_role", "remove_member", "remove_role",
                                     "revoke_role"));
}

TEST(MemberAbilities, TheStatusMachineDecidesWhichStatusOperationsApply) {
  auto p = Example("account-hub");
  const auto blocked = Abilities(*p, "m-olivia", "m-ivan");
  EXPECT_EQ(blocked.count("unblock"), 1u);
  EXPECT_EQ(blocked.count("block"), 0u);
  EXPECT_EQ(blocked.count("resend_invitation"), 0u);
  const auto invited = Abilities(*p, "m-olivia", "m-rosa");
  EXPECT_EQ(invited.count("resend_invitation"), 1u);
  EXPECT_EQ(invited.count("block"), 1u);
  EXPECT_EQ(invited.count("unblock"), 0u);
  const auto active = Abilities(*p, "m-olivia", "m-marcus");
  EXPECT_EQ(active.count("resend_invitation"), 0u);
  EXPECT_EQ(active.at("block"), "allow");
}

TEST(MemberAbilities, KindsListTheirStatusesAndReach) {
  std::map<std::string, OperationKind> kinds;
  for (const OperationKind& k : OperationKinds()) kinds[k.name] = k;
  EXPECT_THAT(kinds.at("block").member_statuses,
              ::testing::ElementsAre("active", "invited", "pending", "disabled"));
  EXPECT_THAT(kinds.at("reset_password").member_statuses,
              ::testing::ElementsAre("active", "invited"));
  EXPECT_THAT(kinds.at("activate_member").member_statuses,
              ::testing::ElementsAre("pending", "invited"));
  EXPECT_TRUE(kinds.at("change_role").member_statuses.empty());
  EXPECT_EQ(kinds.at("block").on_member, "every_scope");
  EXPECT_EQ(kinds.at("assign_role").on_member, "named_scope");
  EXPECT_EQ(kinds.at("remove_member").on_member, "held_scope");
  EXPECT_EQ(kinds.at("invite").on_member, "");  // a new member, not one who exists
  EXPECT_TRUE(kinds.at("accept_invitation").member_statuses.empty());
}

TEST(MemberAbilities, BadQueriesAreErrorsWithPointers) {
  auto p = Example("code-hosting");
  const std::string someone = MemberIds(ExampleBundle("code-hosting"))[0];
  Json r = p->MemberAbilities({{"actor", "nobody"}, {"member", someone}, {"now", kNow}});
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["errors"][0]["code"], "unknown_member");
  EXPECT_EQ(r["errors"][0]["pointer"], "/actor");
  r = p->MemberAbilities({{"actor", someone}, {"member", someone}});
  EXPECT_EQ(r["errors"][0]["code"], "missing_field");
  EXPECT_EQ(r["errors"][0]["pointer"], "");  // the object that lacks it
  r = p->MemberAbilities({{"actor", someone}, {"member", someone}, {"now", "tomorrow"}});
  EXPECT_EQ(r["errors"][0]["code"], "invalid_timestamp");
  EXPECT_EQ(r["errors"][0]["pointer"], "/now");
  r = p->MemberAbilities({{"actor", someone}, {"member", someone}, {"now", kNow}, {"x", 1}});
  EXPECT_EQ(r["errors"][0]["code"], "unknown_field");
  r = p->MemberAbilities(Json::array());
  EXPECT_EQ(r["ok"], false);
}

}  // namespace
}  // namespace rolegate

namespace rolegate {
namespace {

// Policy::CheckAttributes: the attributes a check reads, held to the decider. A
// check of an action that reads `role` or `target` without them is refused as
// missing_attribute exactly where the answer says one is read and required.
TEST(CheckAttributes, SaysWhatTheDeciderReads) {
  auto bt = Example("bt-business");
  auto attrs = [](const Policy& p, const std::string& action) {
    return p.CheckAttributes({{"action", action}});
  };
  EXPECT_EQ(attrs(*bt, "roles.manage"), (Json{{"ok", true},
                                              {"action", "roles.manage"},
                                              {"role", true},
                                              {"target", true},
                                              {"others", Json::array()}}));
  EXPECT_EQ(attrs(*bt, "roles.self_upgrade")["role"], true);
  EXPECT_EQ(attrs(*bt, "roles.self_upgrade")["target"], false);
  EXPECT_EQ(attrs(*bt, "billing.pay")["role"], false);
  auto hub = Example("account-hub");
  EXPECT_EQ(attrs(*hub, "orders.place")["others"], Json::array({"orderTotal"}));
  const Json unknown = attrs(*bt, "no.such");
  EXPECT_EQ(unknown["ok"], false);
  EXPECT_EQ(unknown["errors"][0]["code"], "unknown_action");
  EXPECT_EQ(unknown["errors"][0]["pointer"], "/action");
  EXPECT_EQ(attrs(*bt, "")["errors"][0]["pointer"], "/action");
  EXPECT_EQ(bt->CheckAttributes(Json::array())["ok"], false);

  for (const char* name : kExamples) {
    const Json bundle = ExampleBundle(name);
    auto p = Example(name);
    const std::string actor = bundle["members"][0]["id"];
    const std::string scope = bundle["scopes"][0]["id"];
    std::vector<std::string> actions;
    for (const Json& perm : bundle["permissions"]) actions.push_back(perm["id"]);
    for (const char* list : {"selfUpgrades", "claims"}) {
      for (const Json& x : bundle.value(list, Json::array())) actions.push_back(x["action"]);
    }
    for (const std::string& action : actions) {
      const Json a = attrs(*p, action);
      ASSERT_EQ(a["ok"], true) << name << " " << action;
      const Json r =
          p->Check({{"actor", actor}, {"action", action}, {"resource", scope}, {"now", kNow}});
      bool missing = false;
      for (const Json& e : r.value("errors", Json::array()))
        missing |= e["code"] == "missing_attribute";
      // A claim reads `role` when given; a rank-limited permission or a self-upgrade needs it.
      const bool claim = bundle.contains("claims") && [&] {
        for (const Json& c : bundle["claims"]) {
          if (c["action"] == action) return true;
        }
        return false;
      }();
      EXPECT_EQ(missing, a["role"] == true && !claim) << name << " " << action << Canonical(r);
      if (a["target"] == true) {
        EXPECT_EQ(a["role"], true) << name << " " << action;
      }
    }
  }
}

}  // namespace
}  // namespace rolegate

namespace rolegate {
namespace {

// Policy::RequestableRoles lists a role on a scope exactly when simulating
// `request_role` for it is not denied, or denied only because nobody could decide
// it (which the request's preview says): on every scope where each member of every
// example holds a role, for every role.
TEST(RequestableRoles, AreTheRequestsTheSimulationWouldNotDeny) {
  size_t listed = 0, compared = 0;
  for (const char* name : kExamples) {
    const Json bundle = ExampleBundle(name);
    auto p = Example(name);
    for (const std::string& actor : MemberIds(bundle)) {
      const Json answer = p->RequestableRoles({{"actor", actor}, {"now", kNow}});
      ASSERT_EQ(answer["ok"], true) << Canonical(answer);
      std::set<std::pair<std::string, std::string>> offered;
      for (const Json& s : answer["scopes"]) {
        for (const Json& r : s["roles"]) {
          offered.insert({s["scope"].get<std::string>(), r.get<std::string>()});
        }
      }
      listed += offered.size();
      std::set<std::string> scopes;
      for (const Json& b : bundle["bindings"]) {
        if (b["member"] == actor && (!b.contains("expiresAt") || b["expiresAt"] > kNow)) {
          scopes.insert(b["scope"].get<std::string>());
        }
      }
      for (const std::string& scope : scopes) {
        for (const Json& role : bundle["roles"]) {
          const Json cs{{"format", "rolegate-changeset/1"},
                        {"baseRevision", p->revision()},
                        {"actor", actor},
                        {"now", kNow},
                        {"operations",
                         Json::array({Json{
                             {"op", "request_role"}, {"role", role["id"]}, {"scope", scope}}})}};
          const Json r = p->Simulate(cs);
          ASSERT_EQ(r["ok"], true) << Canonical(r);
          const Json& op = r["operations"][0];
          bool asks = op["effect"] != "deny";
          if (!asks) {  // denied for want of a decider alone
            asks = !op["reasons"].empty();
            for (const Json& reason : op["reasons"]) asks &= reason["code"] == "no_decider";
          }
          EXPECT_EQ(offered.count({scope, role["id"].get<std::string>()}) == 1, asks)
              << name << " " << actor << " asks for " << role["id"] << " on " << scope << ": "
              << Canonical(op);
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(listed, 0u);
  EXPECT_GT(compared, listed);
}

TEST(RequestableRoles, NamesTheActorAndRefusesBadQueries) {
  auto bt = Example("bt-business");
  EXPECT_EQ(bt->RequestableRoles({{"actor", "m-ghost"}, {"now", kNow}})["errors"][0]["code"],
            "unknown_member");
  EXPECT_EQ(bt->RequestableRoles({{"actor", "m-raj"}})["errors"][0]["code"], "missing_field");
  EXPECT_EQ(bt->RequestableRoles(Json::array())["ok"], false);
  // A policy that does not map request_role offers nothing.
  auto hub = Example("account-hub");
  const Json bundle = ExampleBundle("account-hub");
  const Json none = hub->RequestableRoles({{"actor", bundle["members"][0]["id"]}, {"now", kNow}});
  EXPECT_EQ(none["scopes"], Json::array());
}

}  // namespace
}  // namespace rolegate
