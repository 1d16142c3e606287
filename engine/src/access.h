// Effective access of members, its difference between two models, and the
// invariants a model breaks: the building blocks of simulation.
#ifndef ROLEGATE_ACCESS_H_
#define ROLEGATE_ACCESS_H_

#include <map>
#include <set>
#include <string>
#include <utility>

#include "model.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// (scope id, permission id) pairs a member holds at `now`: every permission of
// every live binding, on the bound scope and, for roles that apply downwards, on
// each descendant, where the permission applies to the scope's type.
using Access = std::set<std::pair<std::string, std::string>>;
Access EffectiveAccess(const Model& m, Index member, const std::string& now);

// The accessDiff of a simulation result: every (member, scope, permission) gained
// or lost from `before` to `after`, for the members the change touched: those in
// `members`, and the holders (before or after) of the roles in `roles`.
Json AccessDiff(const Model& before, const Model& after, const std::string& now,
                const std::set<std::string>& members, const std::set<std::string>& roles);

// An invariant breach found in a model.
struct Breach {
  std::string invariant, kind, severity, scope, message;
  int64_t have = 0, need = 0;
};
// min_holders breaches, keyed by (invariant id, scope id).
std::map<std::pair<std::string, std::string>, Breach> MinHolderBreaches(const Model& m,
                                                                         const std::string& now);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_ACCESS_H_
