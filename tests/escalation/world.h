// The escalation search's own reading of a bundle: a typed copy of the parts the
// invariants talk about, read straight from the bundle JSON. It shares nothing with
// the engine's model, so the oracle judges the engine from the outside.
#ifndef ROLEGATE_TESTS_ESCALATION_WORLD_H_
#define ROLEGATE_TESTS_ESCALATION_WORLD_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "rolegate/json.h"

namespace esc {

using rolegate::Json;

struct RoleDef {
  std::string id, family;
  int64_t rank = 0;
  std::vector<std::string> permissions, inherits, assignable_at;
  bool descendants = true, custom = false, exclusive = false;
  bool sees = false, sees_email = false;
  int64_t sees_min = 0;
  std::vector<std::string> sees_families;  // as written (empty: the role's own family)
  bool manages = false;
  // family -> the highest rank managed, from `manages` (one limit or a list;
  // a limit naming no family is the role's own).
  std::map<std::string, int64_t> manages_up;
};

struct MemberDef {
  std::string id, status, email, added_to;
  bool invitation = false;
  std::string invitation_expires;           // "" when the invitation has no expiry
  std::string blocked_from, disabled_from;  // "" when not recorded
};

struct BindingDef {
  std::string member, role, scope, expires;
  std::string Key() const { return member + "|" + role + "@" + scope; }
};

struct RuleDef {
  std::string id, approver_permission;
  std::vector<std::string> actions, scope_types, scopes, requester_roles, approver_roles;
  int64_t quorum = 1;
};

// A bundle, typed. Lists keep bundle order; lookups go through the maps.
struct World {
  std::vector<std::string> types, scopes, roots, permissions, role_ids, member_ids;
  std::map<std::string, std::string> parent, scope_type;       // scope -> parent / type
  std::map<std::string, std::vector<std::string>> applies_to;  // permission -> types
  std::set<std::string> rank_limited;
  std::map<std::string, RoleDef> roles;
  std::map<std::string, MemberDef> members;
  std::vector<BindingDef> bindings;
  std::vector<RuleDef> rules;
  Json verifications = Json::array(), requests = Json::array();
  Json role_requests = Json::array();  // roleRequests: members asking for a role
  Json self_upgrades = Json::array(), claims = Json::array();

  static World From(const Json& bundle);

  const RoleDef* Role(const std::string& id) const;
  const MemberDef* Member(const std::string& id) const;
  std::string Status(const std::string& member) const;  // "" when absent

  bool IsAncestorOrSelf(const std::string& ancestor, const std::string& scope) const;
  static bool Expired(const BindingDef& b, const std::string& now);
  // Live: its member is active and it has not expired at `now`.
  bool Live(const BindingDef& b, const std::string& now) const;
  // Covers: bound on `scope`, or on an ancestor with appliesToDescendants not false.
  bool Covers(const BindingDef& b, const std::string& scope) const;

  // Own permissions plus those inherited, transitively.
  std::set<std::string> EffectivePermissions(const std::string& role) const;
  // The families a role manages / sees (the listed ones, or its own).
  std::vector<std::string> ManagedFamilies(const RoleDef& r) const;
  // The highest rank of `family` that role `r` manages, or -1.
  static int64_t ManagesUpTo(const RoleDef& r, const std::string& family);
  // Whether `r`'s manages has effect: it holds a rankLimited permission (its own
  // or inherited); otherwise it manages nobody.
  bool ManagesAnyone(const RoleDef& r) const;
  std::vector<std::string> SeenFamilies(const RoleDef& r) const;
  // What a role sees (docs/format.md, `sees`): its own rule and every rule of the
  // roles it inherits, transitively, each as the role that wrote it.
  std::vector<const RoleDef*> SeeingRoles(const std::string& role) const;

  std::vector<const BindingDef*> LiveBindingsOf(const std::string& member,
                                                const std::string& now) const;
  // The highest manages.upToRank for `family` over the member's live bindings
  // (covering `scope`, when one is given); -1 when none.
  int64_t Capacity(const std::string& member, const std::string& family, const std::string& now,
                   const std::string& scope = "") const;
  // The highest rank of `family` the member holds through live bindings covering
  // `scope`; -1 when none.
  int64_t OwnRankAt(const std::string& member, const std::string& family, const std::string& scope,
                    const std::string& now) const;
  // Every permission the member holds through a live binding, anywhere.
  std::set<std::string> HeldPermissions(const std::string& member, const std::string& now) const;
  std::vector<std::string> Families() const;
};

// Timestamps (YYYY-MM-DDTHH:MM:SSZ).
std::string AddSeconds(const std::string& ts, int64_t seconds);
inline std::string AddDays(const std::string& ts, int64_t days) {
  return AddSeconds(ts, days * 86400);
}

}  // namespace esc

#endif  // ROLEGATE_TESTS_ESCALATION_WORLD_H_
