// remove_role: takes a role from a member everywhere they hold it, checked on
// each of its scopes.
#include <set>

#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "member", "role"});
  r.Member(op, p, true);
  r.Role(op, p);
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& member = op.member;
  const std::string& role = op.role;
  const std::string* action = cx.ActionFor("remove_role", out);
  if (action == nullptr) return;
  std::set<std::string> scopes;
  if (const Index* m = cx.V().FindMember(member)) {
    cx.V().ForEachBindingOfMember(*m, [&](uint32_t b) {
      const BindingKey& k = cx.V().key(b);
      if (cx.M().roles[k.role].id == role) scopes.insert(cx.M().scopes[k.scope].id);
    });
  }
  if (scopes.empty()) {
    out->Deny(Reason("no_such_binding", "member " + Q(member) + " does not hold " + Q(role)));
    return;
  }
  Json attrs = op.attributes;
  attrs["role"] = role;
  attrs["target"] = member;
  for (const std::string& s : scopes) cx.Check(*action, s, attrs, out);
  if (out->effect != Effect::kAllow) return;
  cx.RemoveBindings(e, member, [&](const std::string& r, const std::string&) { return r == role; });
  for (const std::string& s : scopes) {
    cx.Emit(out, i, "role_revoked", member, Json{{"scope", s}, {"role", role}});
  }
}

}  // namespace

// It names no scope: it concerns every scope of the member's.
extern const OpKind kRemoveRole = [] {
  OpKind k{"remove_role", true, false, nullptr, nullptr, Read, Apply, OnMember::kHeldScope};
  k.concerns = Concerns::kMemberScopes;
  return k;
}();

}  // namespace internal
}  // namespace rolegate
