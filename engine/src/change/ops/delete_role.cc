// delete_role: deletes a custom role, every binding of it and every open request
// for it.
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.RoleOnScope(op, p, {"op", "attributes", "role", "scope"});
}

// Removes the entries of `list` for which drop(entry) holds.
template <typename Pred>
void RemoveWhere(Json* list, Pred drop) {
  Json kept = Json::array();
  for (Json& x : *list) {
    if (!drop(x)) kept.push_back(std::move(x));
  }
  *list = std::move(kept);
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string* action = cx.ActionFor("delete_role", out);
  if (action == nullptr) return;
  const std::string& id = op.role;
  if (!cx.CustomRole(id, out)) return;
  cx.CheckPolicyWide(*action, op.attributes, out);
  if (out->effect != Effect::kAllow) return;
  if (!cx.RoleWithinActor(id, out)) return;
  Json& roles = e->List("roles");
  e->changed = true;
  cx.TouchRole(id);
  RemoveWhere(&roles, [&](const Json& x) { return x.value("id", "") == id; });
  RemoveWhere(&e->List("bindings"), [&](const Json& b) {
    if (b.value("role", "") != id) return false;
    cx.Touch(b.value("member", ""));
    return true;
  });
  // Open requests for the role go with it: nobody can be given it any more.
  if (e->J().contains("roleRequests")) {
    RemoveWhere(&e->List("roleRequests"), [&](const Json& x) { return x.value("role", "") == id; });
  }
  cx.Emit(out, i, "role_deleted", cx.actor(), Json{{"role", id}});
}

}  // namespace

extern const OpKind kDeleteRole = [] {
  OpKind k{"delete_role", false, false, nullptr, nullptr, Read, Apply};
  k.concerns = Concerns::kEveryRoot;  // roles hold everywhere
  return k;
}();

}  // namespace internal
}  // namespace rolegate
