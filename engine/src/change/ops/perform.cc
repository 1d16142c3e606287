// perform: a domain transaction (an order, a plan change), authorised by the
// permission it names on its scope, not through `operations`. It changes nothing
// in the bundle; when it needs approvals, the simulator records the requests.
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "action", "scope"});
  r.Scope(op, p, true);
  const std::string* a = r.shape().Id(op, "action", p, true);
  if (a == nullptr) return;
  const Index* perm = r.model().permission_index.Get(*a);
  if (perm == nullptr) {
    r.shape().Add("unknown_permission", PointerAppend(p, "action"),
                  "unknown permission " + Q(*a) + ": `perform` takes a permission id");
  } else if (r.model().permissions[*perm].rank_limited) {
    r.shape().Add("invalid_value", PointerAppend(p, "action"),
                  "permission " + Q(*a) +
                      " manages members' roles: it is exercised by the member operations, "
                      "not by `perform`");
  }
}

void Apply(Context& cx, size_t i, const Operation& op, Edit*, Outcome* out) {
  cx.Check(op.action, op.scope, op.attributes, out);
  if (out->effect != Effect::kAllow) return;
  cx.Emit(out, i, "action_performed", cx.actor(), Json{{"action", op.action}, {"scope", op.scope}});
}

}  // namespace

extern const OpKind kPerform = [] {
  OpKind k{"perform", false,
           false,     nullptr,
           nullptr,   Read,
           Apply,     OnMember::kNot,
           0,         "is authorised by the action it names and takes no entry here"};
  k.every_policy = true;
  return k;
}();

}  // namespace internal
}  // namespace rolegate
