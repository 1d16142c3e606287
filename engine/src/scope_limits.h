// The `scope_limit` invariant: a member may hold roles within at most `max` distinct
// scopes of one type (docs/format.md, invariants). One definition serves the bundle
// reader (a breach is a load error or warning) and simulation (a breach is a
// violation), so both count a member's scopes alike.
//
// Header-only: the engine's source list (CMake and the WebAssembly build) does not
// change for it.
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
};

// The `scope_limit` invariants of `m`, in bundle order. Specs that are not well
// formed (reported by the reader) are skipped.
inline std::vector<ScopeLimitRule> ScopeLimitRules(const Model& m) {
  std::vector<ScopeLimitRule> out;
  for (size_t i = 0; i < m.invariants.size(); ++i) {
    const Invariant& inv = m.invariants[i];
    if (inv.kind != "scope_limit" || !inv.spec.is_object()) continue;
    const Json& s = inv.spec;
    auto type = s.find("scopeType");
    auto max = s.find("max");
    if (type == s.end() || !type->is_string() || max == s.end() ||
        !max->is_number_integer()) {
      continue;
    }
    const Index* t = m.scope_type_index.Get(type->get<std::string>());
    if (t == nullptr || max->get<int64_t>() < 1 || max->get<int64_t>() > kMaxScopeLimit) {
      continue;
    }
    ScopeLimitRule r;
    r.invariant = static_cast<Index>(i);
    r.scope_type = *t;
    r.max = max->get<int64_t>();
    if (auto k = s.find("kinds"); k != s.end() && k->is_array()) {
      for (const Json& x : *k) {
        if (x.is_string()) r.kinds.push_back(x.get<std::string>());
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

// Whether rule `r` judges member `mb`: of one of its kinds (any when none are
// given), and not removed.
inline bool ScopeLimitApplies(const ScopeLimitRule& r, const Member& mb) {
  if (mb.status == MemberStatus::kRemoved) return false;
  return r.kinds.empty() || std::find(r.kinds.begin(), r.kinds.end(), mb.kind) != r.kinds.end();
}

// The ancestor-or-self of `scope` whose type is `type`, or kNone. Bounded by the
// number of scopes, so a cyclic forest (reported elsewhere) ends.
inline Index ScopeOfTypeAtOrAbove(const Model& m, Index scope, Index type) {
  size_t steps = 0;
  for (Index s = scope; s != kNone && steps <= m.scopes.size(); s = m.scopes[s].parent, ++steps) {
    if (m.scopes[s].type == type) return s;
  }
  return kNone;
}

// The distinct scopes of rule `r`'s type that bindings on `bound` (a member's bound
// scopes, one per binding, in bundle order) count toward, in the order first
// counted. `*beyond`, when given, is set to the position in `bound` of the first
// binding that counts toward a scope beyond the first `max`, or to bound.size().
inline std::vector<Index> CountedScopes(const Model& m, const ScopeLimitRule& r,
                                        const std::vector<Index>& bound,
                                        size_t* beyond = nullptr) {
  std::vector<Index> out;
  if (beyond != nullptr) *beyond = bound.size();
  for (size_t i = 0; i < bound.size(); ++i) {
    const Index s = ScopeOfTypeAtOrAbove(m, bound[i], r.scope_type);
    if (s == kNone || std::find(out.begin(), out.end(), s) != out.end()) continue;
    out.push_back(s);
    if (beyond != nullptr && *beyond == bound.size() &&
        static_cast<int64_t>(out.size()) > r.max) {
      *beyond = i;
    }
  }
  return out;
}

// Why member `mb`, holding roles within `scopes` (more than the rule allows), breaks
// rule `r`. The scopes are named sorted by id, so the message does not depend on
// the order of the bindings.
inline std::string ScopeLimitMessage(const Model& m, const ScopeLimitRule& r, const Member& mb,
                                     const std::vector<Index>& scopes) {
  std::vector<std::string> ids;
  for (Index s : scopes) ids.push_back(m.scopes[s].id);
  std::sort(ids.begin(), ids.end());
  std::string list;
  for (const std::string& id : ids) list += (list.empty() ? "`" : ", `") + id + "`";
  return "member `" + mb.id + "` holds roles within " + std::to_string(ids.size()) +
         " scopes of type `" + m.scope_types[r.scope_type].id + "` (" + list +
         "), more than the " + std::to_string(r.max) + " allowed (invariant `" +
         m.invariants[r.invariant].id + "`)";
}

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
