// What a member could hand out: the limits within which the roles it defines and
// the approval rules it sets must stay (docs/changes.md, "Authorization
// soundness"). Simulation checks every define_role, edit_role, delete_role,
// set_approval_rule and delete_approval_rule against these.
#ifndef ROLEGATE_REACH_H_
#define ROLEGATE_REACH_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model.h"
#include "overlay.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

struct Reach {
  // family -> the highest rank it manages, through roles that hold a rankLimited
  // permission (a role's `manages` is inert without one)
  std::map<std::string, int64_t> manages;
  // Each such role's own limits (family -> rank): limits of two roles never add up,
  // so what one role hands out must be within a single one of them.
  std::vector<std::map<std::string, int64_t>> manage_sets;
  std::map<std::string, int64_t> rank;        // family -> the highest rank it holds
  std::set<std::string> permissions;          // the permissions it holds
  std::map<std::string, int64_t> sees;        // family -> the lowest minRank it sees from
  std::map<std::string, int64_t> sees_email;  // family -> the lowest minRank it sees
                                              // with e-mail from
  bool any_sees = false;

  // The highest rank of `family` the member manages, or -1.
  int64_t Manages(const std::string& family) const {
    auto it = manages.find(family);
    return it == manages.end() ? -1 : it->second;
  }
  // The highest rank of `family` the member holds, or -1.
  int64_t Rank(const std::string& family) const {
    auto it = rank.find(family);
    return it == rank.end() ? -1 : it->second;
  }
};

// The reach of `member` through its live bindings at `now` (an inactive member
// reaches nothing); with `scope` given, only through bindings that apply there.
Reach ReachOf(const Overlay& v, const std::string& member, const std::string& now,
              Index scope = kNone);

// Why an operation goes beyond its actor: a reason code, its facts and a message.
struct Beyond {
  std::string code, message;
  Json facts;
};

// Which limits RoleBeyondReach applies (SoundnessChecks, simulate.h).
struct RoleLimits {
  bool rank = true, permissions = true, sees = true, manages = true;
};

// Whether role `role` of `after` (the bundle after a define_role or edit_role)
// gives more than an actor of `reach` could hand out: a rank, a permission
// (inherited ones included), a family seen or its e-mail, or a managed rank beyond
// the actor's. custom_role_beyond_creator, with the `limit` exceeded.
std::optional<Beyond> RoleBeyondReach(const Model& after, const Role& role, const Reach& reach,
                                      const RoleLimits& limits);

// Whether editing role `id` (`before` -> `after`) gives a role inheriting it its
// first rankLimited permission, and so brings its `manages` to life, beyond the
// editor's reach: a custom_role_beyond_creator reason about that role.
std::optional<Beyond> InheritorsBeyondReach(const Model& before, const Model& after,
                                            const std::string& id, const Reach& reach);

// Whether editing role `id` from `before` to `after` puts a member who holds it
// (any binding of it in `v`, the state before) out of reach of a role that could
// manage them before: every role that managed the old family up to the old rank
// must manage the new family up to the new rank. holders_beyond_reach.
std::optional<Beyond> HoldersBeyondReach(const Overlay& v, const Model& after,
                                         const std::string& id);

// Whether approval rule `rule` of `after` can never be approved for a requester
// somewhere it applies: a scope where the rule applies (its types, its scopes, an
// action that means something there), where an active member holds a requester
// role (any role when it names none), and where fewer than `quorum` members (any
// status but removed) hold the approver permission or role through a binding that
// applies there and has not expired at `now`. approval_unsatisfiable, on the first
// such scope in document order.
std::optional<Beyond> UnsatisfiableRule(const Model& after, const ApprovalRule& rule,
                                        const std::string& now);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_REACH_H_
