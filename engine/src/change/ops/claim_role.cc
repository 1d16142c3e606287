// claim_role: a member takes a role the policy lets them claim (a claim rule).
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.RoleOnScope(op, p, {"op", "attributes", "role", "scope"});
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string* action = cx.ActionFor("claim_role", out);
  if (action == nullptr) return;
  if (!cx.KindAllowed(*cx.MemberById(cx.actor()), op.role, out)) return;
  Json attrs = op.attributes;
  attrs["role"] = op.role;
  cx.Check(*action, op.scope, attrs, out);
  if (out->effect != Effect::kAllow) return;
  cx.AddBinding(e, cx.actor(), op.role, op.scope);
  cx.Emit(out, i, "role_claimed", cx.actor(), Json{{"scope", op.scope}, {"role", op.role}});
}

}  // namespace

extern const OpKind kClaimRole{"claim_role", false, /*gives_role=*/true, nullptr, nullptr,
                               Read,         Apply};

}  // namespace internal
}  // namespace rolegate
