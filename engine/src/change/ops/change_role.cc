// change_role: replaces the role a member holds in a family on a scope with
// another of that family (an upgrade, a downgrade, or a change at the same rank).
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "member", "role", "scope"});
  r.Member(op, p, true);
  r.Role(op, p);
  r.Scope(op, p, true);
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& member = op.member;
  const std::string& role = op.role;
  const std::string& scope = op.scope;
  const std::string* action = cx.ActionFor("change_role", out);
  if (action == nullptr) return;
  const Model& m = cx.M();
  const Role& to = m.roles[m.role_index.at(role)];
  const std::string from = cx.RoleOf(member, scope, to.family);
  if (from.empty()) {
    out->Deny(Reason("no_such_binding", "member " + Q(member) + " holds no role of family " +
                                            Q(m.families[to.family]) + " on " + Q(scope) +
                                            " to change"));
    return;
  }
  if (!cx.KindAllowed(*cx.MemberById(member), role, out)) return;
  Json attrs = op.attributes;
  attrs["role"] = role;
  attrs["target"] = member;
  cx.Check(*action, scope, attrs, out);
  if (out->effect != Effect::kAllow) return;
  cx.RemoveBindings(e, member, [&](const std::string& r, const std::string& s) {
    return s == scope && r == from;
  });
  cx.AddBinding(e, member, role, scope);
  const Role& was = m.roles[m.role_index.at(from)];
  const char* event = to.rank > was.rank   ? "role_upgraded"
                      : to.rank < was.rank ? "role_downgraded"
                                           : "role_changed";
  cx.Emit(out, i, event, member, Json{{"scope", scope}, {"role", role}, {"fromRole", from}});
}

}  // namespace

extern const OpKind kChangeRole{"change_role", true,  /*gives_role=*/true, nullptr, nullptr,
                                Read,          Apply, OnMember::kHeldScope};

}  // namespace internal
}  // namespace rolegate
