// Which other members an actor may see (Policy::VisibleMembers; docs/format.md,
// "Queries"): on one scope, by the actor's `sees` rules there; or everywhere, on
// every scope where the actor holds a role, with the members added to a scope
// within their reach who hold no role yet.
#include <algorithm>
#include <map>
#include <set>

#include "base/text.h"
#include "model.h"
#include "pointer_order.h"
#include "rolegate/policy.h"
#include "shape.h"
#include "view.h"

namespace rolegate {
namespace {

using internal::Binding;
using internal::Index;
using internal::kNone;
using internal::MemberStatus;
using internal::Model;

struct Args {
  Index actor = kNone, scope = kNone;  // scope: kNone for everywhere
  std::string now;
};

Errors ReadArgs(const Model& m, const Json& q, Args* out) {
  Errors errors;
  internal::Shape shape(&errors);
  if (!shape.Object(q, "", {"actor", "scope", "now"})) return errors;
  if (const std::string* id = shape.Id(q, "actor", "", true)) {
    if (const Index* i = m.Find(m.member_index, *id)) {
      out->actor = *i;
    } else {
      errors.push_back({"unknown_member", "/actor", "unknown member " + internal::Q(*id)});
    }
  }
  if (const std::string* id = shape.Id(q, "scope", "", false)) {
    if (const Index* i = m.Find(m.scope_index, *id)) {
      out->scope = *i;
    } else {
      errors.push_back({"unknown_scope", "/scope", "unknown scope " + internal::Q(*id)});
    }
  }
  if (const std::string* now = shape.Timestamp(q, "now", "", false)) out->now = *now;
  internal::SortErrors(&errors);
  return errors;
}

// The actor's `sees` rules that apply on a scope.
struct Rule {
  int64_t min_rank;
  const std::vector<Index>* families;
  bool email;
};

std::vector<Rule> RulesOn(const Model& m, Index actor, Index scope, const std::string& now) {
  std::vector<Rule> rules;
  if (m.members[actor].status != MemberStatus::kActive) return rules;
  m.ForEachBindingOfMember(actor, [&](uint32_t bi) {
    const Binding& b = m.bindings[bi];
    if (!m.BindingCovers(b, scope) || Model::Expired(b, now)) return;
    for (const internal::SeesRule& rule : m.roles[b.role].sees_rules) {
      rules.push_back(Rule{rule.min_rank, &rule.families, rule.email});
    }
  });
  return rules;
}

// The other members the actor may see on `scope`, sorted by id: {"member", "name",
// "status", "email"?, "roles": [{"role", "scope"}]}.
Json VisibleOn(const Model& m, Index actor, Index scope, const std::string& now) {
  const std::vector<Rule> rules = RulesOn(m, actor, scope, now);
  struct Seen {
    bool email = false;
    std::set<std::pair<std::string, std::string>> roles;  // role, scope
  };
  std::map<Index, Seen> seen;
  auto consider = [&](uint32_t bi) {
    const Binding& b = m.bindings[bi];
    if (b.member == actor || Model::Expired(b, now)) return;
    if (m.members[b.member].status == MemberStatus::kRemoved) return;
    const internal::Role& r = m.roles[b.role];
    for (const Rule& rule : rules) {
      if (r.rank < rule.min_rank) continue;
      if (std::find(rule.families->begin(), rule.families->end(), r.family) ==
          rule.families->end()) {
        continue;
      }
      Seen& s = seen[b.member];
      s.email = s.email || rule.email;
      s.roles.insert({r.id, m.scopes[b.scope].id});
    }
  };
  if (!rules.empty()) {
    const internal::Scope& at = m.scopes[scope];
    // Holders on the scope or an ancestor...
    ForEachBindingCovering(m, scope, consider);
    // ...and on its descendants, a contiguous run of the depth-first order.
    for (uint32_t i = at.pre + 1; i < at.subtree_end; ++i) {
      m.ForEachBindingOnScope(m.preorder[i], consider);
    }
  }
  Json members = Json::array();
  for (const auto& [member, s] : seen) {
    const internal::Member& mb = m.members[member];
    Json entry{{"member", mb.id}, {"name", mb.name}, {"status", internal::StatusName(mb.status)}};
    if (s.email && !mb.email.empty()) entry["email"] = mb.email;
    Json roles = Json::array();
    for (const auto& [role, where] : s.roles)
      roles.push_back(Json{{"role", role}, {"scope", where}});
    entry["roles"] = std::move(roles);
    members.push_back(std::move(entry));
  }
  std::sort(members.begin(), members.end(),
            [](const Json& a, const Json& b) { return a["member"] < b["member"]; });
  return members;
}

// Everywhere: the answers on each scope where the actor holds a role (in the order
// of their bindings) merged, one entry per member (roles without repeats, in the
// order first seen; the e-mail when one answer shows it); then, in the bundle's
// order, the members who hold no role and were added to a scope at or below one
// of the actor's (name and status only, with `addedTo`), so that they can be
// activated.
Json VisibleEverywhere(const Model& m, Index actor, const std::string& now) {
  std::vector<Index> scopes;
  m.ForEachBindingOfMember(actor, [&](uint32_t bi) {
    const Index s = m.bindings[bi].scope;
    if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.push_back(s);
  });
  Json members = Json::array();
  std::map<std::string, size_t> at;  // member id -> position in `members`
  for (Index scope : scopes) {
    for (Json& v : VisibleOn(m, actor, scope, now)) {
      const std::string id = v["member"];
      auto it = at.find(id);
      if (it == at.end()) {
        at[id] = members.size();
        members.push_back(std::move(v));
        continue;
      }
      Json& seen = members[it->second];
      if (v.contains("email") && !seen.contains("email")) seen["email"] = v["email"];
      for (const Json& r : v["roles"]) {
        if (std::find(seen["roles"].begin(), seen["roles"].end(), r) == seen["roles"].end()) {
          seen["roles"].push_back(r);
        }
      }
    }
  }
  auto within_reach = [&](Index s) {
    for (Index own : scopes) {
      if (m.scopes[s].pre >= m.scopes[own].pre && m.scopes[s].pre < m.scopes[own].subtree_end) {
        return true;
      }
    }
    return false;
  };
  for (Index i = 0; i < m.members.size(); ++i) {
    const internal::Member& mb = m.members[i];
    if (i == actor || mb.added_to == kNone || mb.status == MemberStatus::kRemoved) continue;
    if (at.count(mb.id) || m.member_binding_start[i] != m.member_binding_start[i + 1]) continue;
    if (!within_reach(mb.added_to)) continue;
    members.push_back(Json{{"member", mb.id},
                           {"name", mb.name},
                           {"status", internal::StatusName(mb.status)},
                           {"roles", Json::array()},
                           {"addedTo", m.scopes[mb.added_to].id}});
  }
  return members;
}

}  // namespace

Json Policy::VisibleMembers(const Json& query) const {
  const Model& m = *model_;
  Args args;
  Errors errors = ReadArgs(m, query, &args);
  if (!errors.empty()) return ErrorsToJson(errors);
  const std::string& actor = m.members[args.actor].id;
  if (args.scope == kNone) {
    return Json{
        {"ok", true}, {"actor", actor}, {"members", VisibleEverywhere(m, args.actor, args.now)}};
  }
  return Json{{"ok", true},
              {"actor", actor},
              {"scope", m.scopes[args.scope].id},
              {"members", VisibleOn(m, args.actor, args.scope, args.now)}};
}

}  // namespace rolegate
