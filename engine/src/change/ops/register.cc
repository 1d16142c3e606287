// register: a new member signs up and chooses a role, as a self-upgrade would
// (docs/changes.md, "Registration"). The change set's actor is the new member.
#include "base/text.h"
#include "bundle.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "shape.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "member", "role", "scope"});
  r.MemberOrNew(op, p, false);
  r.Role(op, p);
  r.Scope(op, p, true);
}

// The bundle the request is judged on: with the new member, without member
// fields (judged once the operation is done: the role it asks for may be what
// offers a field).
Json Probe(const Context& cx, Edit* e) {
  Json probe = e->J();
  if (!cx.field_rules().empty() && probe.contains("invariants")) {
    Json kept = Json::array();
    for (const Json& inv : probe["invariants"]) {
      if (inv.value("kind", "") != "member_field") kept.push_back(inv);
    }
    probe["invariants"] = std::move(kept);
  }
  return probe;
}

// Conditional on a verification: the record of it, and its notice.
void IssueVerification(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const Json& v = out->verifications[0];
  Json& list = e->List("verifications");
  Json record = cx.NewVerification(i, v, op.role, op.scope);
  list.push_back(record);
  cx.Emit(out, i, "verification_sent", cx.actor(),
          Json{{"scope", op.scope},
               {"role", op.role},
               {"method", v["method"]},
               {"expiresAt", record["expiresAt"]},
               {"verification", record["id"]}});
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string* action = cx.ActionFor("register", out);
  if (action == nullptr) return;
  // The new member, registered and active, asks for the role as a self-upgrade
  // would: on the state where they exist.
  Json entry = *op.new_member;
  Member joining;
  joining.id = cx.actor();
  joining.kind = entry.value("kind", "");
  if (!cx.KindAllowed(joining, op.role, out)) return;
  entry["status"] = "active";
  entry["registered"] = true;
  e->List("members").push_back(entry);
  cx.Touch(cx.actor());
  e->changed = true;
  LoadResult joined = CompilePolicy(Probe(cx, e));
  if (!joined.ok()) {
    out->Deny(Reason("invalid_change",
                     "the new member cannot be recorded: " + joined.errors[0].pointer + ": " +
                         joined.errors[0].message,
                     Json{{"error", joined.errors[0].code}}));
    return;
  }
  Json attrs = op.attributes;
  attrs["role"] = op.role;
  attrs["registering"] = true;
  cx.CheckIn(joined.policy->model(), *action, op.scope, attrs, out);
  if (out->effect == Effect::kDeny || !out->approvals.empty()) return;
  if (out->verifications.empty()) {
    cx.AddBinding(e, cx.actor(), op.role, op.scope);  // no verification needed: the role is theirs
    return;
  }
  IssueVerification(cx, i, op, e, out);
}

}  // namespace

extern const OpKind kRegister = [] {
  OpKind k{"register", false, /*gives_role=*/false, nullptr, nullptr, Read, Apply};
  k.creates = kCreatesActor;  // the member it registers acts
  k.server_sends = "pin";     // when the registration leaves a verification open
  return k;
}();

}  // namespace internal
}  // namespace rolegate
