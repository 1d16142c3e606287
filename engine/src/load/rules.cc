// Self-upgrades, claims and approval rules (docs/format.md).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "base/text.h"
#include "change/events.h"
#include "change/registry.h"
#include "load/reader.h"
#include "member_fields.h"
#include "scope_limits.h"

namespace rolegate {
namespace internal {

void BundleReader::ReadSelfUpgrades(const Json& list) {
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/selfUpgrades", i);
    const Json& item = list[i];
    if (!shape_.Object(
            item, p,
            {"id", "action", "from", "onRegistration", "to", "unlessPresent", "verification"})) {
      continue;
    }
    SelfUpgrade u;
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      u.id = *id;
      if (!ids.emplace(u.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Q(u.id) + " in `selfUpgrades`");
      }
    }
    if (const std::string* a = shape_.Id(item, "action", p, true)) {
      u.action = *a;
      if (m_->permission_index.count(u.action)) {
        shape_.Add("action_conflict", PointerAppend(p, "action"),
                   "action " + Q(u.action) + " is already a permission id");
      }
    }
    u.on_registration = shape_.Bool(item, "onRegistration", p).value_or(false);
    u.from = ResolveList(item, "from", p, m_->role_index, "unknown_role", "role",
                         !u.on_registration, !u.on_registration);
    u.to = ResolveList(item, "to", p, m_->role_index, "unknown_role", "role", true, true);
    Index family = kNone;
    for (const std::vector<Index>* roles : {&u.from, &u.to}) {
      for (Index r : *roles) {
        if (family == kNone) family = m_->roles[r].family;
        if (m_->roles[r].family != family) {
          shape_.Add("invalid_value", p,
                     "the roles of a self-upgrade rule must all be of one family");
          family = kNone;
          break;
        }
      }
    }
    if (const Json* unless = shape_.Field(item, "unlessPresent", p, false)) {
      std::string up = PointerAppend(p, "unlessPresent");
      if (shape_.Object(*unless, up, {"minRank"})) {
        u.has_unless = true;
        u.unless_min_rank = shape_.Integer(*unless, "minRank", up, true, 0, kMaxRank).value_or(0);
      }
    }
    if (const Json* v = shape_.Field(item, "verification", p, false)) {
      std::string vp = PointerAppend(p, "verification");
      if (shape_.Object(*v, vp, {"method", "validForDays"})) {
        u.has_verification = true;
        if (const std::string* m = shape_.Id(*v, "method", vp, true)) u.method = *m;
        u.valid_for_days = shape_.Integer(*v, "validForDays", vp, true, 1, kMaxDays).value_or(0);
      }
    }
    m_->self_upgrades.push_back(std::move(u));
  }
}

void BundleReader::ReadClaims(const Json& list) {
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/claims", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p, {"id", "action", "holder", "grants", "within"})) continue;
    Claim c;
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      c.id = *id;
      if (!ids.emplace(c.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Q(c.id) + " in `claims`");
      }
    }
    if (const std::string* a = shape_.Id(item, "action", p, true)) {
      c.action = *a;
      if (m_->permission_index.count(c.action)) {
        shape_.Add("action_conflict", PointerAppend(p, "action"),
                   "action " + Q(c.action) + " is already a permission id");
      } else if (m_->self_upgrades_by_action.count(c.action)) {
        shape_.Add("action_conflict", PointerAppend(p, "action"),
                   "action " + Q(c.action) + " is already a self-upgrade action");
      }
    }
    c.holder = ResolveList(item, "holder", p, m_->role_index, "unknown_role", "role", true, true);
    c.grants = ResolveField(item, "grants", p, m_->role_index, "unknown_role", "role", true);
    c.within = ResolveField(item, "within", p, m_->scope_type_index, "unknown_scope_type",
                            "scope type", true);
    m_->claims.push_back(std::move(c));
  }
}

void BundleReader::ReadApprovalRules(const Json& list) {
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/approvalRules", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "actions", "scopeTypes", "scopes", "requesterRoles", "when",
                        "approvers", "quorum", "expiresAfterDays"})) {
      continue;
    }
    ApprovalRule r;
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      r.id = *id;
      if (!ids.emplace(r.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Q(r.id) + " in `approvalRules`");
      }
    }
    r.actions = ResolveList(item, "actions", p, m_->permission_index, "unknown_permission",
                            "permission", true, true);
    r.scope_mask = TypeMask(item, "scopeTypes", p, false);
    r.scopes =
        ResolveList(item, "scopes", p, m_->scope_index, "unknown_scope", "scope", false, true);
    r.requester_roles = ResolveList(item, "requesterRoles", p, m_->role_index, "unknown_role",
                                    "role", false, false);
    r.when = ReadConditions(item, "when", p);
    if (const Json* ap = shape_.Field(item, "approvers", p, true)) {
      std::string app = PointerAppend(p, "approvers");
      if (shape_.Object(*ap, app, {"permission", "roles"})) {
        bool has_perm = ap->contains("permission"), has_roles = ap->contains("roles");
        if (has_perm == has_roles) {
          shape_.Add("invalid_value", app,
                     "approvers must name exactly one of `permission` or `roles`");
        } else if (has_perm) {
          r.approver_permission = ResolveField(*ap, "permission", app, m_->permission_index,
                                               "unknown_permission", "permission", true);
        } else {
          r.approver_roles =
              ResolveList(*ap, "roles", app, m_->role_index, "unknown_role", "role", true, true);
        }
      }
    }
    r.quorum = shape_.Integer(item, "quorum", p, false, 1, 1000).value_or(1);
    if (auto d = shape_.Integer(item, "expiresAfterDays", p, false, 1, kMaxDays)) {
      r.expires_after_days = d;
    }
    m_->approval_rules.push_back(std::move(r));
  }
}

void BundleReader::CheckApprovers() {
  // Inheritance only passes permissions on, so a permission some role grants is one
  // some role lists directly. This holds even when other parts of the bundle are
  // invalid, so the check runs with the rest.
  std::vector<uint8_t> granted(m_->permissions.size(), 0);
  for (const Role& role : m_->roles) {
    for (Index p : role.direct_permissions) granted[p] = 1;
  }
  for (size_t i = 0; i < m_->approval_rules.size(); ++i) {
    const ApprovalRule& r = m_->approval_rules[i];
    std::string p = PointerAppend(PointerAppend("/approvalRules", i), "approvers");
    if (r.approver_permission == kNone) continue;
    if (!granted[r.approver_permission]) {
      shape_.Add("unapprovable_rule", PointerAppend(p, "permission"),
                 "no role grants permission " + Q(m_->permissions[r.approver_permission].id) +
                     ", so nobody could ever approve rule " + Q(r.id));
    }
  }
}

}  // namespace internal
}  // namespace rolegate
