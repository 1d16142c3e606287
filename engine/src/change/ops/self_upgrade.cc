// Self-upgrades (docs/changes.md, "Self-upgrades"): request_self_upgrade asks for
// a role the policy lets a member take themselves, issuing a verification when
// one is needed; resend_verification replaces it (a new id, a new PIN);
// complete_self_upgrade finishes it with the PIN, which only the server of
// record checks. The two that follow a request are authorised by its entry.
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "shape.h"

namespace rolegate {
namespace internal {
namespace {

void ReadRequest(OpReader& r, const Json& op, const std::string& p) {
  r.RoleOnScope(op, p, {"op", "attributes", "role", "scope"});
}

void ReadResend(OpReader& r, const Json& op, const std::string& p) {
  r.RoleOnScope(op, p, {"op", "attributes", "role", "scope", "verification"});
  r.shape().Id(op, "verification", p, false);
}

void ReadComplete(OpReader& r, const Json& op, const std::string& p) {
  // `pin`: the PIN the member received, opaque here, checked by the server of record.
  r.RoleOnScope(op, p, {"op", "attributes", "role", "scope", "pin", "verification"});
  r.Proof(op, p, "pin", 64);
  r.shape().Id(op, "verification", p, false);
}

bool IsFor(const Json& record, const std::string& member, const Operation& op) {
  return record.value("member", "") == member && record.value("role", "") == op.role &&
         record.value("scope", "") == op.scope;
}

// The actor's pending verification for the role on the scope, or null.
const VerificationRecord* PendingRecord(const Context& cx, const Operation& op) {
  const VerificationRecord* record = nullptr;
  for (const VerificationRecord& v : cx.V().model().verifications) {
    if (v.member == cx.actor() && v.role == op.role && v.scope == op.scope) record = &v;
  }
  return record;
}

// Whether the operation may go on from `record`: one must be pending (except for
// a request), be the one it names, and (to complete) not have expired.
bool RecordHolds(const Context& cx, const Operation& op, const VerificationRecord* record,
                 Outcome* out) {
  const std::string& kind = op.name;
  if (kind == "request_self_upgrade") return true;
  if (record == nullptr) {
    out->Deny(Reason("no_pending_verification",
                     "there is no pending verification for " + Q(op.role) + " on " + Q(op.scope)));
    return false;
  }
  // An operation naming its verification must name the pending one: a resend
  // replaced the record (and its PIN) with a new id.
  const std::string& current = record->id;
  if (!op.verification.empty() && op.verification != current) {
    out->Deny(Reason("verification_superseded",
                     "verification " + Q(op.verification) + " is not the pending one for " +
                         Q(op.role) + " on " + Q(op.scope) + ": " + Q(current) +
                         " replaced it (a resend deletes the PIN before)",
                     Json{{"verification", op.verification}, {"current", current}}));
    return false;
  }
  if (kind == "complete_self_upgrade" && record->expires_at <= cx.now()) {
    out->Deny(Reason("verification_expired", "the verification expired at " + record->expires_at,
                     Json{{"expiresAt", record->expires_at}}));
    return false;
  }
  return true;
}

// The verification is done (or none is needed): the upgrade takes effect.
void Upgrade(Context& cx, size_t i, const Operation& op, Json* list, Edit* e, Outcome* out) {
  out->effect = out->approvals.empty() ? Effect::kAllow : out->effect;
  out->verifications = Json::array();
  if (out->effect != Effect::kAllow) return;
  const std::string& actor = cx.actor();
  const std::string from =
      cx.RoleOf(actor, op.scope, cx.M().roles[cx.M().role_index.at(op.role)].family);
  cx.RemoveBindings(e, actor, [&](const std::string& r, const std::string& s) {
    return s == op.scope && r == from;
  });
  cx.AddBinding(e, actor, op.role, op.scope);
  Json kept = Json::array();
  for (Json& v : *list) {
    if (!IsFor(v, actor, op)) kept.push_back(std::move(v));
  }
  *list = std::move(kept);
  cx.Emit(out, i, "role_upgraded", actor,
          Json{{"scope", op.scope}, {"role", op.role}, {"fromRole", from}});
}

// Conditional on a verification: (re)issues the record; the one before (if any)
// is deleted with its PIN, and the new one has a new id.
void Issue(Context& cx, size_t i, const Operation& op, Json* list, Outcome* out) {
  const std::string& actor = cx.actor();
  const Json& v = out->verifications[0];
  Json fresh = cx.NewVerification(i, v, op.role, op.scope);
  std::string replaced;
  Json kept = Json::array();
  for (Json& r : *list) {
    if (IsFor(r, actor, op)) {
      replaced = r.value("id", "");
    } else {
      kept.push_back(std::move(r));
    }
  }
  kept.push_back(fresh);
  *list = std::move(kept);
  Json facts{{"scope", op.scope},
             {"role", op.role},
             {"method", v["method"]},
             {"expiresAt", fresh["expiresAt"]},
             {"verification", fresh["id"]}};
  if (!replaced.empty()) facts["replaces"] = replaced;
  cx.Emit(out, i, replaced.empty() ? "verification_sent" : "verification_resent", actor,
          std::move(facts));
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& kind = op.name;
  auto rule_it = cx.M().operation_rules.find(kind);
  if (rule_it == cx.M().operation_rules.end()) {
    rule_it = cx.M().operation_rules.find("request_self_upgrade");
  }
  if (rule_it == cx.M().operation_rules.end()) {
    cx.ActionFor(kind, out);
    return;
  }
  const std::string action = rule_it->second.action;
  if (!cx.KindAllowed(*cx.MemberById(cx.actor()), op.role, out)) return;
  const VerificationRecord* record = PendingRecord(cx, op);
  if (!RecordHolds(cx, op, record, out)) return;
  Json attrs = op.attributes;
  attrs["role"] = op.role;
  // A verification issued at registration is judged by the registration rule.
  if (record != nullptr) {
    for (const internal::SelfUpgrade& u : cx.M().self_upgrades) {
      if (u.id == record->rule && u.on_registration) attrs["registering"] = true;
    }
  }
  cx.Check(action, op.scope, attrs, out);
  if (out->effect == Effect::kDeny) return;
  Json& list = e->List("verifications");  // the pending records change
  e->changed = true;
  if (kind == "complete_self_upgrade" || out->verifications.empty()) {
    return Upgrade(cx, i, op, &list, e, out);
  }
  Issue(cx, i, op, &list, out);
}

}  // namespace

// Asking, or asking again, leaves a verification open: the server posts its PIN.
extern const OpKind kRequestSelfUpgrade = [] {
  OpKind k{
      "request_self_upgrade", false, /*gives_role=*/true, nullptr, nullptr, ReadRequest, Apply};
  k.server_sends = "pin";
  return k;
}();
extern const OpKind kResendVerification = [] {
  const bool gives_role = true;
  OpKind k{"resend_verification",  false,      gives_role, nullptr,
           "request_self_upgrade", ReadResend, Apply};
  k.server_sends = "pin";
  return k;
}();
extern const OpKind kCompleteSelfUpgrade{
    "complete_self_upgrade", false,
    /*gives_role=*/true,     "pin", "request_self_upgrade", ReadComplete, Apply};

}  // namespace internal
}  // namespace rolegate
