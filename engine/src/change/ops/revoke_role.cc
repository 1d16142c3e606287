// revoke_role: takes a role from a member on one or more scopes.
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) { r.MemberRoleOnScopes(op, p); }

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& member = op.member;
  const std::string& role = op.role;
  const std::string* action = cx.ActionFor("revoke_role", out);
  if (action == nullptr) return;
  Json attrs = op.attributes;
  attrs["role"] = role;
  attrs["target"] = member;
  for (const std::string& s : op.scopes) cx.Check(*action, s, attrs, out);
  if (out->effect != Effect::kAllow) return;
  for (const std::string& s : op.scopes) {
    size_t n = cx.RemoveBindings(e, member, [&](const std::string& r, const std::string& sc) {
      return r == role && sc == s;
    });
    if (n == 0) {
      out->Deny(Reason("no_such_binding",
                       "member " + Q(member) + " does not hold " + Q(role) + " on " + Q(s)));
      return;
    }
    cx.Emit(out, i, "role_revoked", member, Json{{"scope", s}, {"role", role}});
  }
}

}  // namespace

extern const OpKind kRevokeRole{"revoke_role", true, false, nullptr,
                                nullptr,       Read, Apply, OnMember::kHeldScope};

}  // namespace internal
}  // namespace rolegate
