// member_field (invariants.h): a member's details (e-mail, name, ...) must be
// given, or absent, as the rules on the scopes they belong to say.
#include <map>

#include "change/invariants.h"
#include "member_fields.h"

namespace rolegate {
namespace internal {
namespace {

MemberBreach Breach(const std::string& member, FieldBreach b) {
  MemberBreach out;
  out.invariant = b.invariant;
  out.member = member;
  out.message = b.message;
  out.details = Json{{"member", member}, {"field", b.field}};
  out.facts = Json{{"member", member}, {"field", b.field}};
  return out;
}

class MemberField : public MemberRule {
 public:
  MemberBreaches After(const Context& cx, const Overlay& after) const override {
    return In(cx, after);
  }
  MemberBreaches Before(const Context& cx) const override { return In(cx, cx.V()); }

  MemberBreaches After(const Context& cx, const Json& bundle) const override {
    MemberBreaches out;
    if (cx.field_rules().empty()) return out;
    for (auto& [id, touched] : TouchedEntries(cx, bundle)) {
      // The scope it was added to counts, then those it is bound on.
      std::vector<Index> scopes;
      if (touched.member.added_to != kNone) scopes.push_back(touched.member.added_to);
      scopes.insert(scopes.end(), touched.bound.begin(), touched.bound.end());
      for (FieldBreach& b : MemberFieldBreaches(cx.M(), cx.field_rules(), touched.member, scopes)) {
        out.push_back(Breach(id, std::move(b)));
      }
    }
    return out;
  }

 private:
  template <typename View>
  MemberBreaches In(const Context& cx, const View& view) const {
    MemberBreaches out;
    if (cx.field_rules().empty()) return out;
    for (const std::string& id : cx.touching()) {  // sorted: the same order both ways
      const Index* i = view.FindMember(id);
      if (i == nullptr) continue;
      for (FieldBreach& b : MemberFieldBreaches(cx.M(), cx.field_rules(), view.member(*i),
                                                MemberScopesIn(view, *i))) {
        out.push_back(Breach(id, std::move(b)));
      }
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<MemberRule> MemberFieldInvariant() { return std::make_unique<MemberField>(); }

}  // namespace internal
}  // namespace rolegate
