// remove_member: takes a member off a scope: every role they hold on the scope
// itself (a role on a scope below, a service under an account, is its own
// membership), each checked as revoking it would be.
#include <set>

#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) { r.MemberOnScope(op, p, true); }

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& member = op.member;
  const std::string& scope = op.scope;
  const std::string* action = cx.ActionFor("remove_member", out);
  if (action == nullptr) return;
  std::set<std::string> held;
  if (const Index* m = cx.V().FindMember(member)) {
    cx.V().ForEachBindingOfMember(*m, [&](uint32_t b) {
      const BindingKey& k = cx.V().key(b);
      if (cx.M().scopes[k.scope].id == scope) held.insert(cx.M().roles[k.role].id);
    });
  }
  if (held.empty()) {
    out->Deny(Reason("no_such_binding", "member " + Q(member) + " holds no role on " + Q(scope)));
    return;
  }
  Json attrs = op.attributes;
  attrs["target"] = member;
  for (const std::string& role : held) {
    attrs["role"] = role;
    cx.Check(*action, scope, attrs, out);
  }
  if (out->effect != Effect::kAllow) return;
  cx.RemoveBindings(e, member,
                    [&](const std::string&, const std::string& s) { return s == scope; });
  cx.Emit(out, i, "member_removed", member, Json{{"scope", scope}});
}

}  // namespace

extern const OpKind kRemoveMember{"remove_member", true, false, nullptr,
                                  nullptr,         Read, Apply, OnMember::kHeldScope};

}  // namespace internal
}  // namespace rolegate
