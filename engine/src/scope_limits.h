// The `scope_limit` invariant: a member may hold roles within at most `max`
// distinct scopes of one type (docs/format.md, invariants). One definition
// serves the bundle reader (a breach is a load error or warning) and simulation
// (a breach is a violation), so both count a member's scopes alike.
#ifndef ROLEGATE_SCOPE_LIMITS_H_
#define ROLEGATE_SCOPE_LIMITS_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// The largest `max` a scope_limit invariant may give (the scope limit).
inline constexpr int64_t kMaxScopeLimit = 200000;

// A `scope_limit` invariant, read from its (validated) spec.
struct ScopeLimitRule {
  Index invariant = kNone;  // index into Model::invariants
  Index scope_type = kNone;
  int64_t max = 1;
  std::vector<std::string> kinds;  // empty: every kind
  // For each scope, the scope of `scope_type` at or above it, as far as looked
  // up (NearestAncestorOrSelf). Valid for the scopes of the model the rule was
  // read from, which simulation does not change; not thread-safe.
  mutable std::vector<Index> at_or_above;
};

// The `scope_limit` invariants of `m`, in bundle order. Specs that are not well
// formed (reported by the reader) are skipped.
std::vector<ScopeLimitRule> ScopeLimitRules(const Model& m);

// Whether rule `r` judges member `mb`: of one of its kinds (any when none are
// given), and not removed.
bool ScopeLimitApplies(const ScopeLimitRule& r, const Member& mb);

// The distinct scopes of rule `r`'s type that bindings on `bound` (a member's
// bound scopes, one per binding, in bundle order) count toward, in the order
// first counted. `*beyond`, when given, is set to the position in `bound` of
// the first binding that counts toward a scope beyond the first `max`, or to
// bound.size().
std::vector<Index> CountedScopes(const Model& m, const ScopeLimitRule& r,
                                 const std::vector<Index>& bound, size_t* beyond = nullptr);

// Why member `mb`, holding roles within `scopes` (more than the rule allows),
// breaks rule `r`. The scopes are named sorted by id, so the message does not
// depend on the order of the bindings.
std::string ScopeLimitMessage(const Model& m, const ScopeLimitRule& r, const Member& mb,
                              const std::vector<Index>& scopes);

// The bound scopes of member `member`'s bindings in view `v` (a Model or an
// Overlay), expired or not.
template <typename V>
std::vector<Index> BoundScopesIn(const V& v, Index member) {
  std::vector<Index> out;
  v.ForEachBindingOfMember(member, [&](uint32_t b) { out.push_back(v.key(b).scope); });
  return out;
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_SCOPE_LIMITS_H_
