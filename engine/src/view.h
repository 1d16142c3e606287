// A view of a state: what deciding, querying and judging a change read, written
// once for the compiled model (model.h) and for a simulated state over it
// (overlay.h, a proxy that adds, removes and changes bindings and members).
//
// A view V offers:
//   const Model& model()                       the compiled policy underneath
//   const Member& member(Index)                size_t member_count()
//   const Binding& binding(uint32_t)           const BindingKey& key(uint32_t)
//   const Index* FindMember(const std::string&)
//   ForEachBindingOfMember(Index, f)           ForEachBindingOnScope(Index, f)
// and the functions below are derived from those, the same for both.
#ifndef ROLEGATE_VIEW_H_
#define ROLEGATE_VIEW_H_

#include <cstdint>
#include <string>

#include "model.h"

namespace rolegate {
namespace internal {

// Whether binding `b` applies on `scope`: bound on it, or on an ancestor with a
// role that applies to descendants (ignores member status and expiry).
template <typename V>
bool Covers(const V& v, uint32_t b, Index scope) {
  const BindingKey& k = v.key(b);
  if (k.scope == scope) return true;
  const Model& m = v.model();
  return m.roles[k.role].descendants && m.IsAncestorOrSelf(k.scope, scope);
}

// Every binding that applies on `scope`: bound on it, or bound on an ancestor
// with a role that applies to descendants. Ignores status and expiry.
template <typename V, typename F>
void ForEachBindingCovering(const V& v, Index scope, F&& f) {
  const Model& m = v.model();
  for (Index s = scope; s != kNone; s = m.scopes[s].parent) {
    v.ForEachBindingOnScope(s, [&](uint32_t b) {
      if (s == scope || m.roles[v.key(b).role].descendants) f(b);
    });
  }
}

// Calls f(binding) for each live binding at `now` covering `scope` (on it, or on an
// ancestor with a role that applies below) of a role of `family` from rank
// `min_rank`, held by an active member: who is present there, as `unlessPresent`
// and `min_holders` count.
template <typename V, typename F>
void ForEachPresent(const V& v, Index scope, Index family, int64_t min_rank, const std::string& now,
                    F&& f) {
  const Model& m = v.model();
  ForEachBindingCovering(v, scope, [&](uint32_t b) {
    const Binding& bd = v.binding(b);
    const Role& r = m.roles[bd.role];
    if (r.family != family || r.rank < min_rank || Model::Expired(bd, now)) return;
    if (v.member(bd.member).status != MemberStatus::kActive) return;
    f(bd);
  });
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_VIEW_H_
