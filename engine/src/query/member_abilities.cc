// What an actor may do to another member (Policy::MemberAbilities): for each kind
// of operation on an existing member that the bundle's `operations` maps, whether
// the actor could do one now, and whether it would go through at once or need
// approval. The members view offers its buttons from this answer.
//
// Judged as simulation judges the operation itself, on the same parts: the state
// machine's statuses (status.h), the scopes the kind reaches (OnMember), and the
// kind's action checked there with the member as `target`. What the operation's
// other fields would name (which role, which scope of several) is not known yet,
// so a kind is offered when some choice of them could be allowed: on every scope
// for a kind that acts on the whole member, on one of them for the others.
#include <algorithm>
#include <set>

#include "base/text.h"
#include "change/registry.h"
#include "model.h"
#include "pointer_order.h"
#include "rolegate/policy.h"
#include "shape.h"
#include "status.h"

namespace rolegate {
namespace {

using internal::Index;
using internal::kNone;
using internal::MemberStatus;
using internal::Model;
using internal::OnMember;
using internal::OpKind;

struct Args {
  Index actor = kNone, member = kNone;
  std::string now;
};

Errors ReadArgs(const Model& m, const Json& q, Args* out) {
  Errors errors;
  internal::Shape shape(&errors);
  if (!shape.Object(q, "", {"actor", "member", "now"})) return errors;
  for (const char* key : {"actor", "member"}) {
    const std::string* id = shape.Id(q, key, "", true);
    if (id == nullptr) continue;
    if (const Index* i = m.Find(m.member_index, *id)) {
      (std::string(key) == "actor" ? out->actor : out->member) = *i;
    } else {
      errors.push_back(
          {"unknown_member", std::string("/") + key, "unknown member " + internal::Q(*id)});
    }
  }
  if (const std::string* now = shape.Timestamp(q, "now", "", true)) out->now = *now;
  internal::SortErrors(&errors);
  return errors;
}

// The scopes an operation on the member reaches: those where they hold a role
// (sorted by id), or the scope they were added to when they hold none.
std::vector<Index> MemberScopes(const Model& m, Index member, bool* holds_role) {
  std::set<std::string> ids;
  m.ForEachBindingOfMember(member,
                           [&](uint32_t b) { ids.insert(m.scopes[m.bindings[b].scope].id); });
  *holds_role = !ids.empty();
  std::vector<Index> scopes;
  for (const std::string& id : ids) scopes.push_back(m.scope_index.at(id));
  if (scopes.empty() && m.members[member].added_to != kNone) {
    scopes.push_back(m.members[member].added_to);
  }
  return scopes;
}

bool Applies(const OpKind& kind, MemberStatus status) {
  const std::vector<MemberStatus> from = internal::StatusesOf(kind);
  return from.empty() || std::find(from.begin(), from.end(), status) != from.end();
}

}  // namespace

Json Policy::MemberAbilities(const Json& query) const {
  const Model& m = *model_;
  Args args;
  Errors errors = ReadArgs(m, query, &args);
  if (!errors.empty()) return ErrorsToJson(errors);
  const internal::Member& target = m.members[args.member];
  bool holds_role = false;
  const std::vector<Index> scopes = MemberScopes(m, args.member, &holds_role);
  Json abilities = Json::array();
  for (const OpKind* kind : internal::OpKinds()) {
    if (kind->on_member == OnMember::kNot || target.status == MemberStatus::kRemoved) continue;
    auto rule = m.operation_rules.find(kind->name);
    if (rule == m.operation_rules.end() ||
        m.Find(m.permission_index, rule->second.action) == nullptr) {
      continue;
    }
    if (!Applies(*kind, target.status) || scopes.empty()) continue;
    if (kind->on_member == OnMember::kHeldScope && !holds_role) continue;  // no role to act on
    bool any_allow = false, any_conditional = false, any_deny = false;
    for (Index scope : scopes) {
      Request request{m.members[args.actor].id, rule->second.action, m.scopes[scope].id, args.now,
                      Json{{"target", target.id}}};
      const DecideResult r = Decide(request, false);
      const Effect effect = r.ok() ? r.decision.effect : Effect::kDeny;
      any_allow = any_allow || effect == Effect::kAllow;
      any_conditional = any_conditional || effect == Effect::kConditional;
      any_deny = any_deny || effect == Effect::kDeny;
    }
    // The whole member: every scope must allow it; one scope of theirs: some scope.
    const bool usable =
        kind->on_member == OnMember::kEveryScope ? !any_deny : any_allow || any_conditional;
    if (!usable) continue;
    abilities.push_back(Json{{"op", kind->name},
                             {"effect", any_allow && !any_conditional ? "allow" : "conditional"}});
  }
  return Json{{"ok", true},
              {"actor", m.members[args.actor].id},
              {"member", target.id},
              {"status", internal::StatusName(target.status)},
              {"abilities", std::move(abilities)}};
}

}  // namespace rolegate
