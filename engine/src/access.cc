#include "access.h"

#include <algorithm>

namespace rolegate {
namespace internal {
namespace {

// Members holding (in `m`) one of `roles`.
void HoldersOf(const Model& m, const std::set<std::string>& roles, std::set<std::string>* out) {
  for (const Binding& b : m.bindings) {
    if (roles.count(m.roles[b.role].id)) out->insert(m.members[b.member].id);
  }
}

// (role id, scope id) of every binding of `member`, sorted.
void HeldRoles(const Model& m, Index member, std::set<std::pair<std::string, std::string>>* out) {
  m.ForEachBindingOfMember(member, [&](uint32_t b) {
    const Binding& bd = m.bindings[b];
    out->insert({m.roles[bd.role].id, m.scopes[bd.scope].id});
  });
}

}  // namespace

Access EffectiveAccess(const Model& m, Index member, const std::string& now) {
  Access out;
  if (m.members[member].status != MemberStatus::kActive) return out;
  m.ForEachBindingOfMember(member, [&](uint32_t b) {
    const Binding& bd = m.bindings[b];
    if (Model::Expired(bd, now)) return;
    const Role& r = m.roles[bd.role];
    auto add = [&](Index s) {
      const Scope& scope = m.scopes[s];
      for (size_t p = 0; p < m.permissions.size(); ++p) {
        if (r.permissions.Test(static_cast<Index>(p)) &&
            ((m.permissions[p].applies_mask >> scope.type) & 1u)) {
          out.insert({scope.id, m.permissions[p].id});
        }
      }
    };
    add(bd.scope);
    if (r.descendants) {
      const Scope& s = m.scopes[bd.scope];
      for (uint32_t i = s.pre + 1; i < s.subtree_end; ++i) add(m.preorder[i]);
    }
  });
  return out;
}

Json AccessDiff(const Model& before, const Model& after, const std::string& now,
                const std::set<std::string>& members_touched,
                const std::set<std::string>& roles_touched) {
  std::set<std::string> touched = members_touched;
  if (!roles_touched.empty()) {
    HoldersOf(before, roles_touched, &touched);
    HoldersOf(after, roles_touched, &touched);
  }
  Json members = Json::array();
  int64_t total_gained = 0, total_lost = 0;
  for (const std::string& id : touched) {
    Access a, b;
    if (const Index* i = before.member_index.Get(id)) a = EffectiveAccess(before, *i, now);
    if (const Index* i = after.member_index.Get(id)) b = EffectiveAccess(after, *i, now);
    Json gained = Json::array(), lost = Json::array();
    std::set<std::string> scopes;
    for (const auto& [scope, perm] : b) {
      if (!a.count({scope, perm})) {
        gained.push_back(Json{{"scope", scope}, {"permission", perm}});
        scopes.insert(scope);
      }
    }
    for (const auto& [scope, perm] : a) {
      if (!b.count({scope, perm})) {
        lost.push_back(Json{{"scope", scope}, {"permission", perm}});
        scopes.insert(scope);
      }
    }
    // Roles held (bindings, whatever the member's status): a change of rank can
    // matter without changing permissions (how far the member may manage others).
    std::set<std::pair<std::string, std::string>> held_before, held_after;
    if (const Index* i = before.member_index.Get(id)) HeldRoles(before, *i, &held_before);
    if (const Index* i = after.member_index.Get(id)) HeldRoles(after, *i, &held_after);
    Json roles_gained = Json::array(), roles_lost = Json::array();
    for (const auto& [role, scope] : held_after) {
      if (!held_before.count({role, scope})) {
        roles_gained.push_back(Json{{"role", role}, {"scope", scope}});
      }
    }
    for (const auto& [role, scope] : held_before) {
      if (!held_after.count({role, scope})) {
        roles_lost.push_back(Json{{"role", role}, {"scope", scope}});
      }
    }
    if (gained.empty() && lost.empty() && roles_gained.empty() && roles_lost.empty()) continue;
    int64_t g = static_cast<int64_t>(gained.size()), l = static_cast<int64_t>(lost.size());
    total_gained += g;
    total_lost += l;
    members.push_back(Json{{"member", id},
                           {"gained", std::move(gained)},
                           {"lost", std::move(lost)},
                           {"roles", {{"gained", std::move(roles_gained)},
                                      {"lost", std::move(roles_lost)}}},
                           {"totals",
                            {{"gained", g},
                             {"lost", l},
                             {"scopes", static_cast<int64_t>(scopes.size())}}}});
  }
  int64_t count = static_cast<int64_t>(members.size());
  return Json{{"members", std::move(members)},
              {"totals", {{"gained", total_gained}, {"lost", total_lost}, {"members", count}}}};
}

std::map<std::pair<std::string, std::string>, Breach> MinHolderBreaches(const Model& m,
                                                                         const std::string& now) {
  std::map<std::pair<std::string, std::string>, Breach> out;
  for (const Invariant& inv : m.invariants) {
    if (inv.kind != "min_holders") continue;
    const std::string family = inv.spec.value("family", "");
    const int64_t min_rank = inv.spec.value("minRank", int64_t{0});
    const int64_t need = inv.spec.value("count", int64_t{1});
    const Index* type = m.scope_type_index.Get(inv.spec.value("scopeType", ""));
    const Index* fam = m.family_index.Get(family);
    if (type == nullptr || fam == nullptr) continue;
    for (size_t s = 0; s < m.scopes.size(); ++s) {
      if (m.scopes[s].type != *type) continue;
      std::set<Index> holders;
      m.ForEachBindingCovering(static_cast<Index>(s), [&](uint32_t b) {
        const Binding& bd = m.bindings[b];
        const Role& r = m.roles[bd.role];
        if (r.family != *fam || r.rank < min_rank || Model::Expired(bd, now)) return;
        if (m.members[bd.member].status != MemberStatus::kActive) return;
        holders.insert(bd.member);
      });
      int64_t have = static_cast<int64_t>(holders.size());
      if (have >= need) continue;
      Breach br;
      br.invariant = inv.id;
      br.kind = inv.kind;
      br.severity = inv.severity;
      br.scope = m.scopes[s].id;
      br.have = have;
      br.need = need;
      br.message = "scope `" + br.scope + "` would have " + std::to_string(have) +
                   " active holder(s) of a `" + family + "` role of rank " +
                   std::to_string(min_rank) + " or above; invariant `" + inv.id +
                   "` needs " + std::to_string(need);
      out[{inv.id, br.scope}] = std::move(br);
    }
  }
  return out;
}

}  // namespace internal
}  // namespace rolegate
