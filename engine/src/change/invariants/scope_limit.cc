// scope_limit (invariants.h): a member holds roles within at most `max` scopes
// of a type. Judged only where an operation raises a member's count.
#include <map>

#include "change/invariants.h"
#include "scope_limits.h"

namespace rolegate {
namespace internal {
namespace {

class ScopeLimit : public MemberRule {
 public:
  MemberBreaches After(const Context& cx, const Overlay& view) const override {
    MemberBreaches out;
    if (cx.scope_rules().empty()) return out;
    for (const std::string& id : cx.touching()) {  // sorted: the same order both ways
      const Index* i = view.FindMember(id);
      if (i == nullptr) continue;
      Judge(cx, id, view.member(*i), BoundScopesIn(view, *i), &out);
    }
    return out;
  }

  MemberBreaches After(const Context& cx, const Json& bundle) const override {
    MemberBreaches out;
    if (cx.scope_rules().empty()) return out;
    for (const auto& [id, touched] : TouchedEntries(cx, bundle)) {
      Judge(cx, id, touched.member, touched.bound, &out);
    }
    return out;
  }

  // Every breach it finds is raised by the operation: none stood before.
  MemberBreaches Before(const Context&) const override { return {}; }

 private:
  // The breaches of `mb` bound on `bound` that the operation raised.
  static void Judge(const Context& cx, const std::string& id, const Member& mb,
                    const std::vector<Index>& bound, MemberBreaches* out) {
    const Model& m = cx.M();
    for (size_t r = 0; r < cx.scope_rules().size(); ++r) {
      const ScopeLimitRule& rule = cx.scope_rules()[r];
      if (!ScopeLimitApplies(rule, mb)) continue;
      std::vector<Index> counted = CountedScopes(m, rule, bound);
      if (static_cast<int64_t>(counted.size()) <= rule.max) continue;
      if (counted.size() <= CountBefore(cx, id, rule)) continue;  // not raised by the operation
      MemberBreach b;
      b.invariant = rule.invariant;
      b.member = id;
      b.message = ScopeLimitMessage(m, rule, mb, counted);
      b.details =
          Json{{"member", id}, {"scopeType", m.scope_types[rule.scope_type].id}, {"max", rule.max}};
      b.facts = Json{{"member", id}};
      out->push_back(std::move(b));
    }
  }

  // How many scopes of the rule's type `member` holds roles within before the
  // operation (0 when the rule does not judge the member).
  static size_t CountBefore(const Context& cx, const std::string& member,
                            const ScopeLimitRule& rule) {
    const Index* i = cx.V().FindMember(member);
    if (i == nullptr || !ScopeLimitApplies(rule, cx.V().member(*i))) return 0;
    return CountedScopes(cx.M(), rule, BoundScopesIn(cx.V(), *i)).size();
  }
};

}  // namespace

std::unique_ptr<MemberRule> ScopeLimitInvariant() { return std::make_unique<ScopeLimit>(); }

}  // namespace internal
}  // namespace rolegate
