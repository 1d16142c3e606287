// define_role and edit_role: a custom role, written as the bundle's `roles` take
// it. Roles hold everywhere, so the action is checked on every root scope; once
// compiled, the role must stay within what its author could hand out (reach.h,
// judged by the simulator through Context::Judge).
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "role", "scope"});
  r.Scope(op, p, true);
  const Json* role = r.shape().Field(op, "role", p, true);
  if (role == nullptr) return;
  const std::string rp = PointerAppend(p, "role");
  if (!role->is_object()) {
    r.shape().Add("wrong_type", rp, "expected a role object");
    return;
  }
  const std::string* id = r.shape().Id(*role, "id", rp, true);
  if (id == nullptr) return;
  if (op["op"] == "define_role" && !r.DefineRole(*id)) {
    r.shape().Add("duplicate_id", PointerAppend(rp, "id"), "role " + Q(*id) + " already exists");
  } else if (op["op"] == "edit_role" && !r.KnowsRole(*id)) {
    r.shape().Add("unknown_role", PointerAppend(rp, "id"), "unknown role " + Q(*id));
  }
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& kind = op.name;
  const std::string* action = cx.ActionFor(kind, out);
  if (action == nullptr) return;
  const std::string& id = op.role;
  if (kind == "edit_role" && !cx.CustomRole(id, out)) return;
  cx.CheckPolicyWide(*action, op.attributes, out);
  if (out->effect != Effect::kAllow) return;
  if (kind == "edit_role" && !cx.RoleWithinActor(id, out)) return;
  cx.Judge(kind == "edit_role" ? Context::Judged::kRoleEdited : Context::Judged::kRoleDefined, id);
  Json& roles = e->List("roles");
  e->changed = true;
  cx.TouchRole(id);
  Json role = *op.role_definition;
  role["custom"] = true;
  if (kind == "define_role") {
    roles.push_back(role);
  } else {
    *Context::FindById(&roles, id) = role;
  }
  cx.Emit(out, i, kind == "define_role" ? "role_defined" : "role_edited", cx.actor(),
          Json{{"role", id}});
}

}  // namespace

// Roles hold everywhere: both concern every root scope.
extern const OpKind kDefineRole = [] {
  OpKind k{"define_role", false, false, nullptr, nullptr, Read, Apply};
  k.creates = kCreatesRole;
  k.concerns = Concerns::kEveryRoot;
  return k;
}();
extern const OpKind kEditRole = [] {
  OpKind k{"edit_role", false, false, nullptr, nullptr, Read, Apply};
  k.concerns = Concerns::kEveryRoot;
  return k;
}();

}  // namespace internal
}  // namespace rolegate
