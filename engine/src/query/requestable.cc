// The roles a member could ask for (Policy::RequestableRoles), judged as
// simulating `request_role` judges the request (ops/request_role.cc): the policy
// maps the operation; the member is active; on each scope where they hold a live
// role, each role given on a scope of its type and for their kind that they do not
// hold there and have not asked for already, whose request the operation's action
// does not deny. Whether anyone could decide it is left to the request's preview
// (tests/unit/abilities_test.cc holds this answer to the simulation). The members
// view offers "Ask for a role" from it.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "base/text.h"
#include "model.h"
#include "pointer_order.h"
#include "rolegate/policy.h"
#include "shape.h"

namespace rolegate {
namespace {

using internal::Index;
using internal::MemberStatus;
using internal::Model;

// Whether `actor` holds `role` on `scope` at `now`, or has an open request for it.
bool HoldsOrAsked(const Model& m, Index actor, Index role, Index scope, const std::string& now) {
  bool found = false;
  m.ForEachBindingOfMember(actor, [&](uint32_t b) {
    const internal::Binding& bd = m.bindings[b];
    found = found || (bd.role == role && bd.scope == scope && !Model::Expired(bd, now));
  });
  if (found) return true;
  for (const internal::RoleRequestRecord& r : m.role_requests) {
    if (r.requester == m.members[actor].id && r.role == m.roles[role].id &&
        r.scope == m.scopes[scope].id && !r.Lapsed(now)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Json Policy::RequestableRoles(const Json& query) const {
  const Model& m = *model_;
  Errors errors;
  internal::Shape shape(&errors);
  Index actor = internal::kNone;
  std::string now;
  if (shape.Object(query, "", {"actor", "now"})) {
    if (const std::string* id = shape.Id(query, "actor", "", true)) {
      if (const Index* i = m.Find(m.member_index, *id)) {
        actor = *i;
      } else {
        errors.push_back({"unknown_member", "/actor", "unknown member " + internal::Q(*id)});
      }
    }
    if (const std::string* t = shape.Timestamp(query, "now", "", true)) now = *t;
  }
  if (!errors.empty()) {
    internal::SortErrors(&errors);
    return ErrorsToJson(errors);
  }
  const internal::Member& me = m.members[actor];
  Json scopes = Json::array();
  auto entry = m.operation_rules.find("request_role");
  if (entry != m.operation_rules.end() && me.status == MemberStatus::kActive) {
    std::set<Index> held;  // the scopes where the actor holds a live role
    m.ForEachBindingOfMember(actor, [&](uint32_t b) {
      if (!Model::Expired(m.bindings[b], now)) held.insert(m.bindings[b].scope);
    });
    std::vector<Index> order(held.begin(), held.end());
    std::sort(order.begin(), order.end(),
              [&](Index a, Index b) { return m.scopes[a].pre < m.scopes[b].pre; });
    for (Index s : order) {
      const internal::Scope& scope = m.scopes[s];
      Json roles = Json::array();
      for (Index r = 0; r < static_cast<Index>(m.roles.size()); ++r) {
        const internal::Role& role = m.roles[r];
        if (!((role.assignable_mask >> scope.type) & 1u) || !role.AllowsKind(me.kind)) continue;
        if (HoldsOrAsked(m, actor, r, s, now)) continue;
        Request request{me.id, entry->second.action, scope.id, now, Json{{"role", role.id}}};
        const DecideResult d = Decide(request, false);
        if (!d.ok() || d.decision.effect == Effect::kDeny) continue;
        roles.push_back(role.id);
      }
      if (!roles.empty()) scopes.push_back(Json{{"scope", scope.id}, {"roles", std::move(roles)}});
    }
  }
  return Json{{"ok", true}, {"actor", me.id}, {"scopes", std::move(scopes)}};
}

}  // namespace rolegate
