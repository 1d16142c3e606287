// assign_role: gives a member a role on one or more scopes.
#include <algorithm>

#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) { r.MemberRoleOnScopes(op, p); }

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& member = op.member;
  const std::string& role = op.role;
  const std::string* action = cx.ActionFor("assign_role", out);
  if (action == nullptr) return;
  for (const std::string& s : op.scopes) {
    if (!cx.WithinHome(member, s, out)) return;
  }
  if (!cx.KindAllowed(*cx.MemberById(member), role, out)) return;
  Json attrs = op.attributes;
  attrs["role"] = role;
  attrs["target"] = member;
  // An unassigned member belongs where it was added: checked there too.
  if (const std::string home = cx.HomeOf(member);
      !home.empty() && std::find(op.scopes.begin(), op.scopes.end(), home) == op.scopes.end()) {
    cx.Check(*action, home, attrs, out);
  }
  for (const std::string& s : op.scopes) cx.Check(*action, s, attrs, out);
  if (out->effect != Effect::kAllow) return;
  for (const std::string& s : op.scopes) {
    cx.AddBinding(e, member, role, s);
    cx.Emit(out, i, "role_assigned", member, Json{{"scope", s}, {"role", role}});
  }
}

}  // namespace

extern const OpKind kAssignRole{"assign_role", true,  /*gives_role=*/true,  nullptr, nullptr,
                                Read,          Apply, OnMember::kNamedScope};

}  // namespace internal
}  // namespace rolegate
