// request_role: a member asks for a role on a scope, with an optional reason and
// the time the role should end (docs/changes.md, "Access requests"). Whoever
// could give the role may decide it (decide_request).
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "query/requests.h"
#include "shape.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.RoleOnScope(op, p, {"op", "attributes", "role", "scope", "reason", "until"});
  if (const std::string* reason = r.shape().String(op, "reason", p, false);
      reason && Utf8Length(*reason) > kMaxRequestReason) {
    r.shape().Add("invalid_value", PointerAppend(p, "reason"),
                  "a reason has at most " + std::to_string(kMaxRequestReason) + " characters");
  }
  r.shape().Timestamp(op, "until", p, false);
}

// Whether the actor may ask: active, a role given on such a scope and for their
// kind, not held already, not asked for already, ending after now.
bool MayAsk(Context& cx, const Operation& op, const Member& me, Outcome* out) {
  const std::string& actor = cx.actor();
  const Model& m = cx.M();
  if (me.status != MemberStatus::kActive) {
    out->Deny(Reason("member_not_active", "member " + Q(actor) + " is " + StatusName(me.status) +
                                              ": only an active member asks for a role"));
    return false;
  }
  const Role& wanted = m.roles[m.role_index.at(op.role)];
  const Scope& where = m.scopes[m.scope_index.at(op.scope)];
  if (!((wanted.assignable_mask >> where.type) & 1u)) {
    out->Deny(Reason("role_not_assignable_at",
                     "role " + Q(op.role) + " is not given on a scope of type " +
                         Q(m.scope_types[where.type].id),
                     Json{{"role", op.role}, {"scope", op.scope}}));
    return false;
  }
  if (!cx.KindAllowed(me, op.role, out)) return false;
  bool holds = false;
  cx.V().ForEachBindingOfMember(*cx.V().FindMember(actor), [&](uint32_t b) {
    const BindingKey& k = cx.V().key(b);
    holds = holds || (m.roles[k.role].id == op.role && m.scopes[k.scope].id == op.scope &&
                      !Model::Expired(cx.V().binding(b), cx.now()));
  });
  if (holds) {
    out->Deny(Reason("already_holds",
                     "member " + Q(actor) + " already holds " + Q(op.role) + " on " + Q(op.scope),
                     Json{{"role", op.role}, {"scope", op.scope}}));
    return false;
  }
  for (const RoleRequestRecord& r : m.role_requests) {
    if (r.requester == actor && r.role == op.role && r.scope == op.scope && !r.Lapsed(cx.now())) {
      out->Deny(Reason("request_pending",
                       "member " + Q(actor) + " has already asked for " + Q(op.role) + " on " +
                           Q(op.scope) + " (request " + Q(r.id) + ")",
                       Json{{"request", r.id}}));
      return false;
    }
  }
  if (op.until && *op.until <= cx.now()) {
    out->Deny(Reason("invalid_until",
                     "the role would end at " + *op.until + ", which is not after now",
                     Json{{"until", *op.until}}));
    return false;
  }
  return true;
}

// The request's record, added to the bundle's `roleRequests`.
Json Record(Context& cx, const Operation& op, const std::string& id) {
  Json record{{"id", id},
              {"requester", cx.actor()},
              {"role", op.role},
              {"scope", op.scope},
              {"createdAt", cx.now()}};
  if (op.reason) record["reason"] = *op.reason;
  if (op.until) record["until"] = *op.until;
  const int64_t days = cx.M().operation_rules.at("request_role").request_valid_for_days;
  if (days > 0) record["expiresAt"] = AddDays(cx.now(), days);
  return record;
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string* action = cx.ActionFor("request_role", out);
  if (action == nullptr) return;
  const std::string& actor = cx.actor();
  const Member& me = *cx.MemberById(actor);
  if (!MayAsk(cx, op, me, out)) return;
  Json attrs = op.attributes;
  attrs["role"] = op.role;
  cx.Check(*action, op.scope, attrs, out);
  if (out->effect != Effect::kAllow) return;
  const std::vector<std::string> deciders =
      cx.Deciders(actor, cx.GrantOperation(actor, op.role, op.scope));
  if (deciders.empty()) {
    out->Deny(Reason("no_decider", "no active member may give " + Q(op.role) + " on " +
                                       Q(op.scope) + ": nobody could decide the request"));
    return;
  }
  Json& list = e->List("roleRequests");
  e->changed = true;
  const std::string id = cx.NextId(list, "role-request-");
  const Json record = Record(cx, op, id);
  list.push_back(record);
  out->request = Json{{"id", id}, {"deciders", deciders}};
  if (record.contains("expiresAt")) out->request["expiresAt"] = record["expiresAt"];
  for (const std::string& d : deciders) {
    Json facts{{"request", id}, {"role", op.role}, {"scope", op.scope}, {"requester", actor}};
    if (cx.SeesEmail(d, actor, op.scope)) facts["requesterEmail"] = me.email;
    if (op.reason) facts["reason"] = *op.reason;
    cx.Emit(out, i, "role_requested", d, std::move(facts));
  }
}

}  // namespace

extern const OpKind kRequestRole{"request_role", false,          /*gives_role=*/true,
                                 nullptr,        nullptr,        Read,
                                 Apply,          OnMember::kNot, kRequestValidForDays};

}  // namespace internal
}  // namespace rolegate
