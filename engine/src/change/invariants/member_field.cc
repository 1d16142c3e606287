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
    // The touched members' entries and scopes, read as loading the bundle would.
    std::map<std::string, Member> members;
    std::map<std::string, std::vector<Index>> scopes;
    auto scope = [&](const Json& id) -> Index {
      const Index* s = id.is_string() ? cx.M().scope_index.Get(id.get<std::string>()) : nullptr;
      return s ? *s : kNone;
    };
    for (const Json& entry : bundle.value("members", Json::array())) {
      const std::string id = entry.value("id", "");
      if (!cx.touching().count(id)) continue;
      Member& mb = members[id];
      mb.id = id;
      mb.kind = entry.value("kind", "");
      mb.name = entry.value("name", "");
      mb.email = entry.value("email", "");
      mb.language = entry.value("language", "");
      mb.branding_domain = entry.value("brandingDomain", "");
      mb.status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
      if (entry.contains("addedTo")) mb.added_to = scope(entry["addedTo"]);
      if (mb.added_to != kNone) scopes[id].push_back(mb.added_to);
    }
    for (const Json& b : bundle.value("bindings", Json::array())) {
      const std::string member = b.value("member", "");
      if (!members.count(member) || !b.contains("scope")) continue;
      if (Index s = scope(b["scope"]); s != kNone) scopes[member].push_back(s);
    }
    for (const auto& [id, mb] : members) {
      for (FieldBreach& b : MemberFieldBreaches(cx.M(), cx.field_rules(), mb, scopes[id])) {
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
