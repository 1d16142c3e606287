// The `scope_limit` invariant (scope_limits.h).
#include "scope_limits.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace rolegate {
namespace internal {

std::vector<ScopeLimitRule> ScopeLimitRules(const Model& m) {
  std::vector<ScopeLimitRule> out;
  for (size_t i = 0; i < m.invariants.size(); ++i) {
    const Invariant& inv = m.invariants[i];
    if (inv.kind != "scope_limit" || !inv.spec.is_object()) continue;
    const Json& s = inv.spec;
    auto type = s.find("scopeType");
    auto max = s.find("max");
    if (type == s.end() || !type->is_string() || max == s.end() || !max->is_number_integer()) {
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

bool ScopeLimitApplies(const ScopeLimitRule& r, const Member& mb) {
  if (mb.status == MemberStatus::kRemoved) return false;
  return r.kinds.empty() || std::find(r.kinds.begin(), r.kinds.end(), mb.kind) != r.kinds.end();
}

std::vector<Index> CountedScopes(const Model& m, const ScopeLimitRule& r,
                                 const std::vector<Index>& bound, size_t* beyond) {
  std::vector<Index> out;
  std::set<Index> seen;  // `out` as a set: a member may hold a million bindings
  if (beyond != nullptr) *beyond = bound.size();
  for (size_t i = 0; i < bound.size(); ++i) {
    const Index s = NearestAncestorOrSelf(
        m, bound[i], &r.at_or_above, [&](Index x) { return m.scopes[x].type == r.scope_type; });
    if (s == kNone || !seen.insert(s).second) continue;
    out.push_back(s);
    if (beyond != nullptr && *beyond == bound.size() && static_cast<int64_t>(out.size()) > r.max) {
      *beyond = i;
    }
  }
  return out;
}

std::string ScopeLimitMessage(const Model& m, const ScopeLimitRule& r, const Member& mb,
                              const std::vector<Index>& scopes) {
  std::vector<std::string> ids;
  for (Index s : scopes) ids.push_back(m.scopes[s].id);
  std::sort(ids.begin(), ids.end());
  std::string list;
  for (const std::string& id : ids) list += (list.empty() ? "`" : ", `") + id + "`";
  return "member `" + mb.id + "` holds roles within " + std::to_string(ids.size()) +
         " scopes of type `" + m.scope_types[r.scope_type].id + "` (" + list + "), more than the " +
         std::to_string(r.max) + " allowed (invariant `" + m.invariants[r.invariant].id + "`)";
}

}  // namespace internal
}  // namespace rolegate
