// Effective access of members, its difference between two states, and the
// invariants a state breaks: the building blocks of simulation. Each works on a
// view V: a compiled Model or an Overlay (instantiated for both in access.cc).
#ifndef ROLEGATE_ACCESS_H_
#define ROLEGATE_ACCESS_H_

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// (scope id, permission id) pairs a member holds at `now`: every permission of
// every live binding, on the bound scope and, for roles that apply downwards, on
// each descendant, where the permission applies to the scope's type.
using Access = std::set<std::pair<std::string, std::string>>;
template <typename V>
Access EffectiveAccess(const V& v, Index member, const std::string& now);

// The accessDiff of a simulation result: every (member, scope, permission) gained
// or lost from `before` to `after`, and every role binding, for the members the
// change touched: those in `members`, and the holders (before or after) of the
// roles in `roles`.
template <typename V>
Json AccessDiff(const Model& before, const V& after, const std::string& now,
                const std::set<std::string>& members, const std::set<std::string>& roles);

// An invariant breach found in a state.
struct Breach {
  std::string invariant, kind, severity, scope, message;
  int64_t have = 0, need = 0;
};
using Breaches = std::map<std::pair<std::string, std::string>, Breach>;

// min_holders breaches, keyed by (invariant id, scope id), on `scopes` (all
// scopes when null).
template <typename V>
Breaches MinHolderBreaches(const V& v, const std::string& now,
                           const std::vector<Index>* scopes = nullptr);

// The scopes whose min_holders standing may change when `members` change: the
// scopes of their bindings in `v` and, for roles that apply downwards, below.
template <typename V>
void ScopesOfMembers(const V& v, const std::set<std::string>& members, std::set<Index>* out);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_ACCESS_H_
