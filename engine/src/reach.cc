#include "reach.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/text.h"
#include "view.h"

namespace rolegate {
namespace internal {
namespace {

// The highest rank a role manages in the family named `family`, or -1.
int64_t ManagesUpTo(const Model& m, const Role& r, const std::string& family) {
  for (const ManagesLimit& l : r.manages_limits) {
    if (m.families[l.family] == family) return l.up_to;
  }
  return -1;
}

}  // namespace

Reach ReachOf(const Overlay& v, const std::string& member, const std::string& now, Index scope) {
  Reach reach;
  const Model& m = v.model();
  const Index* i = v.FindMember(member);
  if (i == nullptr || v.member(*i).status != MemberStatus::kActive) return reach;
  v.ForEachBindingOfMember(*i, [&](uint32_t b) {
    if (Model::Expired(v.binding(b), now)) return;
    if (scope != kNone && !Covers(v, b, scope)) return;
    const Role& r = m.roles[v.key(b).role];
    const std::string& family = m.families[r.family];
    auto held = reach.rank.try_emplace(family, r.rank).first;
    held->second = std::max(held->second, r.rank);
    if (ManagesAnyone(m, r)) {
      std::map<std::string, int64_t> set;
      for (const ManagesLimit& l : r.manages_limits) {
        auto c = reach.manages.try_emplace(m.families[l.family], l.up_to).first;
        c->second = std::max(c->second, l.up_to);
        set[m.families[l.family]] = l.up_to;
      }
      if (!set.empty()) reach.manage_sets.push_back(std::move(set));
    }
    for (size_t p = 0; p < m.permissions.size(); ++p) {
      if (r.permissions.Test(static_cast<Index>(p))) reach.permissions.insert(m.permissions[p].id);
    }
    for (const SeesRule& rule : r.sees_rules) {  // its own and inherited
      reach.any_sees = true;
      for (Index f : rule.families) {
        auto s = reach.sees.try_emplace(m.families[f], rule.min_rank).first;
        s->second = std::min(s->second, rule.min_rank);
        if (rule.email) {
          auto e = reach.sees_email.try_emplace(m.families[f], rule.min_rank).first;
          e->second = std::min(e->second, rule.min_rank);
        }
      }
    }
  });
  return reach;
}

namespace {

// Why a custom role goes beyond its creator, by `limit` (rank, permissions, sees,
// manages).
Beyond CustomRoleBeyond(const Role& role, const char* limit, std::string message, Json facts) {
  facts["role"] = role.id;
  facts["limit"] = limit;
  return Beyond{"custom_role_beyond_creator", std::move(message), std::move(facts)};
}

// Its permissions, inherited ones included: all held by the creator.
std::optional<Beyond> PermissionsBeyond(const Model& after, const Role& role, const Reach& reach) {
  Json missing = Json::array();
  for (size_t p = 0; p < after.permissions.size(); ++p) {
    if (role.permissions.Test(static_cast<Index>(p)) &&
        !reach.permissions.count(after.permissions[p].id)) {
      missing.push_back(after.permissions[p].id);
    }
  }
  if (missing.empty()) return std::nullopt;
  return CustomRoleBeyond(
      role, "permissions",
      "the role would grant " + Q(missing[0].get<std::string>()) +
          (missing.size() > 1 ? " and " + std::to_string(missing.size() - 1) + " more permission(s)"
                              : std::string()) +
          " that its creator does not hold",
      Json{{"permissions", missing}});
}

// What its holders see: no family, rank or e-mail the creator does not see. Its
// own rule and those it inherits (what its holders would see).
std::optional<Beyond> SeesBeyond(const Model& after, const Role& role, const Reach& reach) {
  for (const SeesRule& rule : role.sees_rules) {
    for (Index f : rule.families) {
      const std::string& seen = after.families[f];
      auto have = reach.sees.find(seen);
      if (have == reach.sees.end() || have->second > rule.min_rank) {
        return CustomRoleBeyond(role, "sees",
                                "the role would see members of family " + Q(seen) + " from rank " +
                                    std::to_string(rule.min_rank) + ", which its creator does not",
                                Json{{"family", seen},
                                     {"have", have == reach.sees.end() ? -1 : have->second},
                                     {"need", rule.min_rank}});
      }
      // E-mail too: one role of the creator's must show it from that rank.
      auto email = reach.sees_email.find(seen);
      if (rule.email && (email == reach.sees_email.end() || email->second > rule.min_rank)) {
        return CustomRoleBeyond(role, "sees",
                                "the role would see the e-mail of members of family " + Q(seen) +
                                    " from rank " + std::to_string(rule.min_rank) +
                                    ", which its creator does not",
                                Json{{"family", seen},
                                     {"field", "email"},
                                     {"have", email == reach.sees_email.end() ? -1 : email->second},
                                     {"need", rule.min_rank}});
      }
    }
  }
  return std::nullopt;
}

// Whom its holders manage: no family beyond the creator's, no higher; and all its
// families within one role of the creator's, or the new role would add two
// roles' limits up.
std::optional<Beyond> ManagesBeyond(const Model& after, const Role& role, const Reach& reach) {
  for (const ManagesLimit& l : role.manages_limits) {
    const std::string& managed = after.families[l.family];
    if (l.up_to > reach.Manages(managed)) {
      return CustomRoleBeyond(
          role, "manages",
          "the role would manage family " + Q(managed) + " up to rank " + std::to_string(l.up_to) +
              ", but its creator manages it up to " + std::to_string(reach.Manages(managed)),
          Json{{"family", managed}, {"have", reach.Manages(managed)}, {"need", l.up_to}});
    }
  }
  auto covers = [&](const std::map<std::string, int64_t>& set) {
    for (const ManagesLimit& l : role.manages_limits) {
      auto it = set.find(after.families[l.family]);
      if (it == set.end() || it->second < l.up_to) return false;
    }
    return true;
  };
  if (role.manages_limits.size() <= 1 ||
      std::any_of(reach.manage_sets.begin(), reach.manage_sets.end(), covers)) {
    return std::nullopt;
  }
  std::string families;
  for (const ManagesLimit& l : role.manages_limits) {
    families += (families.empty() ? "" : ", ") + Q(after.families[l.family]);
  }
  const ManagesLimit& first = role.manages_limits.front();
  return CustomRoleBeyond(
      role, "manages",
      "the role would manage families " + families +
          " together, but no single role of its creator manages them all "
          "that far",
      Json{{"family", after.families[first.family]}, {"have", -1}, {"need", first.up_to}});
}

}  // namespace

std::optional<Beyond> RoleBeyondReach(const Model& after, const Role& role, const Reach& reach,
                                      const RoleLimits& limits) {
  const std::string& family = after.families[role.family];
  // Its rank: the creator could hand the role out themself.
  if (limits.rank && role.rank > reach.Manages(family)) {
    return CustomRoleBeyond(
        role, "rank",
        "the role would rank " + std::to_string(role.rank) + " in family " + Q(family) +
            ", but its creator manages that family up to " + std::to_string(reach.Manages(family)),
        Json{{"family", family}, {"have", reach.Manages(family)}, {"need", role.rank}});
  }
  if (limits.permissions) {
    if (auto b = PermissionsBeyond(after, role, reach)) return b;
  }
  if (limits.sees) {
    if (auto b = SeesBeyond(after, role, reach)) return b;
  }
  if (limits.manages) return ManagesBeyond(after, role, reach);
  return std::nullopt;
}

std::optional<Beyond> InheritorsBeyondReach(const Model& before, const Model& after,
                                            const std::string& id, const Reach& reach) {
  const Index* edited = after.role_index.Get(id);
  if (edited == nullptr) return std::nullopt;
  // The roles inheriting the edited one, transitively (in the bundle after).
  std::set<Index> heirs{*edited};
  for (bool grew = true; grew;) {
    grew = false;
    for (Index r = 0; r < after.roles.size(); ++r) {
      if (heirs.count(r)) continue;
      for (Index parent : after.roles[r].inherits) {
        if (heirs.count(parent)) {
          grew = heirs.insert(r).second || grew;
          break;
        }
      }
    }
  }
  heirs.erase(*edited);
  for (Index r : heirs) {
    const Role& heir = after.roles[r];
    const Index* was = before.role_index.Get(heir.id);
    if (!ManagesAnyone(after, heir) ||
        (was != nullptr && ManagesAnyone(before, before.roles[*was]))) {
      continue;  // its `manages` was live before, or still is not
    }
    for (const ManagesLimit& l : heir.manages_limits) {
      const std::string& family = after.families[l.family];
      if (l.up_to > reach.Manages(family)) {
        return Beyond{"custom_role_beyond_creator",
                      "role " + Q(heir.id) + " inherits " + Q(id) +
                          ": with the permission the edit gives, its holders would manage "
                          "family " +
                          Q(family) + " up to rank " + std::to_string(l.up_to) +
                          ", but the editor manages it up to " +
                          std::to_string(reach.Manages(family)),
                      Json{{"limit", "manages"},
                           {"role", heir.id},
                           {"family", family},
                           {"have", reach.Manages(family)},
                           {"need", l.up_to}}};
      }
    }
  }
  return std::nullopt;
}

std::optional<Beyond> HoldersBeyondReach(const Overlay& v, const Model& after,
                                         const std::string& id) {
  const Model& before = v.model();
  const Index* was_index = before.role_index.Get(id);
  const Index* now_index = after.role_index.Get(id);
  if (was_index == nullptr || now_index == nullptr) return std::nullopt;
  const Role& was = before.roles[*was_index];
  const Role& now = after.roles[*now_index];
  const std::string& old_family = before.families[was.family];
  const std::string& new_family = after.families[now.family];
  if (was.rank == now.rank && old_family == new_family) return std::nullopt;
  if (now.rank < was.rank && old_family == new_family) return std::nullopt;  // within reach
  std::string holder;
  for (Index m = 0; m < v.member_count() && holder.empty(); ++m) {
    v.ForEachBindingOfMember(m, [&](uint32_t b) {
      if (holder.empty() && v.key(b).role == *was_index) holder = v.member(m).id;
    });
  }
  if (holder.empty()) return std::nullopt;  // nobody holds it: nobody moves
  for (const Role& manager : before.roles) {
    // The edited role's own holders lose or keep their reach with the edit itself.
    if (manager.id == id) continue;
    if (ManagesUpTo(before, manager, old_family) < was.rank) continue;
    // The manager as it stands after the edit (the edited role may manage itself).
    const Index* m_after = after.role_index.Get(manager.id);
    int64_t have = -1;
    if (m_after != nullptr) have = ManagesUpTo(after, after.roles[*m_after], new_family);
    if (have < now.rank) {
      return Beyond{"holders_beyond_reach",
                    "role " + Q(id) + " is held (by " + Q(holder) + "): at rank " +
                        std::to_string(now.rank) + " in family " + Q(new_family) +
                        " its holders would be out of reach of role " + Q(manager.id) +
                        ", which manages them now",
                    Json{{"role", id},
                         {"holder", holder},
                         {"manager", manager.id},
                         {"family", new_family},
                         {"have", have},
                         {"need", now.rank}}};
    }
  }
  return std::nullopt;
}

std::optional<Beyond> UnsatisfiableRule(const Model& after, const ApprovalRule& rule,
                                        const std::string& now) {
  uint64_t action_types = 0;
  for (Index a : rule.actions) action_types |= after.permissions[a].applies_mask;
  auto requester_role = [&](Index role) {
    return rule.requester_roles.empty() ||
           std::find(rule.requester_roles.begin(), rule.requester_roles.end(), role) !=
               rule.requester_roles.end();
  };
  auto approver_role = [&](Index role) {
    if (rule.approver_permission != kNone) {
      return after.roles[role].permissions.Test(rule.approver_permission);
    }
    return std::find(rule.approver_roles.begin(), rule.approver_roles.end(), role) !=
           rule.approver_roles.end();
  };
  for (Index s = 0; s < after.scopes.size(); ++s) {
    const uint64_t type = uint64_t{1} << after.scopes[s].type;
    if (!(action_types & type)) continue;
    if (rule.scope_mask != 0 && !(rule.scope_mask & type)) continue;
    if (!rule.scopes.empty() && std::none_of(rule.scopes.begin(), rule.scopes.end(), [&](Index r) {
          return after.IsAncestorOrSelf(r, s);
        })) {
      continue;
    }
    bool requester = false;
    std::set<Index> approvers;
    ForEachBindingCovering(after, s, [&](uint32_t b) {
      const Binding& bd = after.bindings[b];
      if (Model::Expired(bd, now)) return;
      const MemberStatus status = after.members[bd.member].status;
      if (status == MemberStatus::kActive && requester_role(bd.role)) requester = true;
      if (status != MemberStatus::kRemoved && approver_role(bd.role)) approvers.insert(bd.member);
    });
    if (!requester || static_cast<int64_t>(approvers.size()) >= rule.quorum) continue;
    const std::string& scope = after.scopes[s].id;
    return Beyond{"approval_unsatisfiable",
                  "rule " + Q(rule.id) + " needs " + std::to_string(rule.quorum) +
                      " approval(s), but at most " + std::to_string(approvers.size()) +
                      " member(s) could ever approve on " + Q(scope),
                  Json{{"rule", rule.id},
                       {"scope", scope},
                       {"quorum", rule.quorum},
                       {"approvers", static_cast<int64_t>(approvers.size())}}};
  }
  return std::nullopt;
}

}  // namespace internal
}  // namespace rolegate
