// add_members: adds members to a scope without a role; they belong there until
// they are activated (docs/changes.md, "Members").
#include "change/context.h"
#include "change/op_reader.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "scope", "members"});
  r.Scope(op, p, true);
  if (const Json* list = r.shape().Array(op, "members", p, true, r.limits().max_list, true)) {
    for (size_t i = 0; i < list->size(); ++i) {
      r.NewMember((*list)[i], PointerAppend(PointerAppend(p, "members"), i));
    }
  }
}

void Apply(Context& cx, size_t, const Operation& op, Edit* e, Outcome* out) {
  const std::string* action = cx.ActionFor("add_members", out);
  if (action == nullptr) return;
  cx.Check(*action, op.scope, op.attributes, out);
  if (out->effect != Effect::kAllow) return;
  for (const Json& mb : op.members) {
    Json entry = mb;
    entry["status"] = "pending";  // unassigned until activated
    entry["addedTo"] = op.scope;  // where it belongs until then
    cx.AddMemberEntry(e, std::move(entry));
  }
  e->changed = true;
}

}  // namespace

extern const OpKind kAddMembers{"add_members", false, false, nullptr, nullptr, Read, Apply};

}  // namespace internal
}  // namespace rolegate
