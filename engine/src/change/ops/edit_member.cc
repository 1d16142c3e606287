// edit_member: changes a member's details (name, e-mail, language, branding).
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(
      op, p,
      {"op", "attributes", "member", "scope", "name", "email", "language", "brandingDomain"});
  r.Member(op, p, true);
  r.Scope(op, p, false);
  for (const char* f : {"name", "email", "language", "brandingDomain"}) {
    r.shape().String(op, f, p, false);
  }
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  cx.CheckOnMemberScopes("edit_member", op.member, op.scope, op.attributes, out);
  if (out->effect != Effect::kAllow) return;
  e->J();  // e-mail uniqueness is checked as a load would
  Json changed = Json::array();
  cx.UpdateMember(e, op.member, [&](Json& entry) {
    for (const auto& [field, value] : op.details) {
      entry[field] = value;
      changed.push_back(field);
    }
  });
  cx.Emit(out, i, "member_edited", op.member, Json{{"fields", changed}});
}

}  // namespace

extern const OpKind kEditMember = [] {
  OpKind k{"edit_member", true, false, nullptr, nullptr, Read, Apply, OnMember::kEveryScope};
  k.concerns = Concerns::kMemberScopes;
  return k;
}();

}  // namespace internal
}  // namespace rolegate
