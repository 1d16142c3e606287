// rolegate_escalation --self-test: the oracle on hand-made steps, so that the
// invariants no SoundnessChecks flag can switch off (I2, P2, P3, and I4's history)
// are shown to fire too. The engine is not involved.
#include "selftest.h"

#include <cstdio>
#include <functional>

#include "oracle.h"

namespace esc {
namespace {

const char* const kNow = "2026-12-01T09:00:00Z";

Json Base() {
  return Json::parse(R"({
    "format": "rolegate/1",
    "scopeTypes": [{"id": "org"}],
    "scopes": [{"id": "o1", "type": "org"}],
    "permissions": [{"id": "p", "appliesTo": ["org"]},
                    {"id": "manage", "appliesTo": ["org"], "rankLimited": true}],
    "roles": [
      {"id": "lo", "family": "f", "rank": 10, "permissions": ["manage"], "assignableAt": ["org"],
       "manages": {"upToRank": 10}},
      {"id": "hi", "family": "f", "rank": 20, "permissions": ["p"], "assignableAt": ["org"]}],
    "members": [
      {"id": "a", "status": "active"}, {"id": "b", "status": "active"},
      {"id": "c", "status": "invited",
       "invitation": {"sentAt": "2026-10-01T00:00:00Z", "expiresAt": "2026-11-01T00:00:00Z"}},
      {"id": "d", "status": "blocked", "blockedFrom": "invited"}],
    "bindings": [{"member": "a", "role": "lo", "scope": "o1"}],
    "approvalRequests": [{"id": "r1", "requester": "a", "rule": "x", "action": "p",
                          "resource": "o1", "operation": {"op": "perform"}, "decisions": []}]
  })");
}

struct Case {
  const char* name;
  const char* expect;  // the invariant that must be reported, or "" for none
  std::function<void(Json* before, Json* after)> edit;
  const char* actor;
  Json op;
  const char* effect;
};

void SetStatus(Json* b, const std::string& id, const std::string& status) {
  for (Json& m : (*b)["members"]) {
    if (m["id"] == id) m["status"] = status;
  }
}

std::vector<Case> Cases() {
  return {
      {"I2: a grant above the granter's reach",
       "I2",
       [](Json*, Json* after) {
         (*after)["bindings"].push_back({{"member", "b"}, {"role", "hi"}, {"scope", "o1"}});
       },
       "a",
       {{"op", "assign_role"}, {"member", "b"}, {"role", "hi"}, {"scope", "o1"}},
       "allow"},
      {"I2: a grant within reach",
       "",
       [](Json*, Json* after) {
         (*after)["bindings"].push_back({{"member", "b"}, {"role", "lo"}, {"scope", "o1"}});
       },
       "a",
       {{"op", "assign_role"}, {"member", "b"}, {"role", "lo"}, {"scope", "o1"}},
       "allow"},
      {"I2: a claim is exempt",
       "",
       [](Json*, Json* after) {
         (*after)["bindings"].push_back({{"member", "a"}, {"role", "hi"}, {"scope", "o1"}});
       },
       "a",
       {{"op", "claim_role"}, {"role", "hi"}, {"scope", "o1"}},
       "allow"},
      {"I4: an expired invitation accepted",
       "I4",
       [](Json*, Json* after) { SetStatus(after, "c", "active"); },
       "c",
       {{"op", "accept_invitation"}},
       "allow"},
      {"I4: unblocking promotes an invited member",
       "I4",
       [](Json*, Json* after) { SetStatus(after, "d", "active"); },
       "a",
       {{"op", "unblock"}, {"member", "d"}},
       "allow"},
      {"I4: unblocking gives back the invitation",
       "",
       [](Json*, Json* after) { SetStatus(after, "d", "invited"); },
       "a",
       {{"op", "unblock"}, {"member", "d"}},
       "allow"},
      {"I4: removed is final",
       "I4",
       [](Json* before, Json*) { SetStatus(before, "b", "removed"); },
       "a",
       {{"op", "enable"}, {"member", "b"}},
       "allow"},
      {"P2: a self-upgrade completed without a record",
       "P2",
       [](Json*, Json*) {},
       "a",
       {{"op", "complete_self_upgrade"}, {"role", "hi"}, {"scope", "o1"}},
       "allow"},
      {"P3: a requester approving their own request",
       "P3",
       [](Json*, Json*) {},
       "a",
       {{"op", "decide_request"}, {"request", "r1"}, {"decision", "approve"}},
       "allow"},
      {"P3: a member deciding their own role request",
       "P3",
       [](Json* before, Json*) {
         (*before)["roleRequests"] = {{{"id", "rr1"},
                                       {"requester", "b"},
                                       {"role", "hi"},
                                       {"scope", "o1"},
                                       {"createdAt", kNow}}};
       },
       "b",
       {{"op", "decide_request"}, {"request", "rr1"}, {"decision", "approve"}},
       "allow"},
      {"P4: asking for a role that gives the role",
       "P4",
       [](Json*, Json* after) {
         (*after)["bindings"].push_back({{"member", "b"}, {"role", "lo"}, {"scope", "o1"}});
       },
       "b",
       {{"op", "request_role"}, {"role", "lo"}, {"scope", "o1"}},
       "allow"},
      {"P4: asking for a role, giving nothing",
       "",
       [](Json*, Json* after) {
         (*after)["roleRequests"] = {{{"id", "rr1"},
                                      {"requester", "b"},
                                      {"role", "lo"},
                                      {"scope", "o1"},
                                      {"createdAt", kNow}}};
       },
       "b",
       {{"op", "request_role"}, {"role", "lo"}, {"scope", "o1"}},
       "allow"},
      {"I2: a role request approved beyond the decider's reach",
       "I2",
       [](Json* before, Json* after) {
         (*before)["roleRequests"] = {{{"id", "rr1"},
                                       {"requester", "b"},
                                       {"role", "hi"},
                                       {"scope", "o1"},
                                       {"createdAt", kNow}}};
         (*after)["bindings"].push_back({{"member", "b"}, {"role", "hi"}, {"scope", "o1"}});
       },
       "a",
       {{"op", "decide_request"}, {"request", "rr1"}, {"decision", "approve"}},
       "allow"},
      {"I1a: a role above the creator",
       "I1a",
       [](Json*, Json* after) {
         (*after)["roles"].push_back({{"id", "new"},
                                      {"family", "f"},
                                      {"rank", 11},
                                      {"permissions", Json::array()},
                                      {"custom", true}});
       },
       "a",
       {{"op", "define_role"}, {"scope", "o1"}, {"role", {{"id", "new"}}}},
       "allow"},
      {"I3a: a rule over every requester",
       "I3a",
       [](Json*, Json* after) {
         (*after)["approvalRules"] = {
             {{"id", "g"}, {"actions", {"p"}}, {"approvers", {{"permission", "p"}}}}};
       },
       "a",
       {{"op", "set_approval_rule"}, {"scope", "o1"}, {"rule", {{"id", "g"}}}},
       "allow"},
  };
}

}  // namespace

int SelfTest() {
  int passed = 0, failed = 0;
  for (const Case& c : Cases()) {
    Json before = Base(), after = Base();
    c.edit(&before, &after);
    const World b = World::From(before), a = World::From(after);
    History history(b);
    const std::vector<Violation> got = CheckStep(b, a, c.actor, kNow, c.op, c.effect, &history);
    bool ok = std::string(c.expect).empty() ? got.empty() : false;
    for (const Violation& v : got) ok = ok || v.invariant == c.expect;
    std::printf("%s %s%s%s\n", ok ? "PASS" : "FAIL", c.name, got.empty() ? "" : ": ",
                got.empty() ? "" : (got[0].invariant + " " + got[0].message).c_str());
    ++(ok ? passed : failed);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

}  // namespace esc
