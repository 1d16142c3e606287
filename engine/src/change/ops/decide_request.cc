// decide_request: approves or rejects a pending request (docs/changes.md,
// "Approvals" and "Access requests"). An approval request takes the decisions of
// its rule's eligible approvers; a role request is decided by any member who
// could give the role, and approving it gives the role as they would.
#include <algorithm>

#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "change/registry.h"
#include "query/requests.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "request", "decision"});
  if (const std::string* d = r.shape().String(op, "decision", p, true);
      d && *d != "approve" && *d != "reject") {
    r.shape().Add("invalid_value", PointerAppend(p, "decision"),
                  "unknown decision " + Q(*d) + ": expected approve or reject");
  }
  r.Request(op, p, "approval request");
}

// Approving gives the role as the decider would give it now: every check of
// assign_role (or change_role) applies, at this time.
void Grant(Context& cx, size_t i, const RoleRequestRecord& request, Json grant, Edit* e,
           Outcome* out) {
  ApplyOperation(cx, i, TypedOperation(grant), e, out);
  if (out->effect == Effect::kDeny) return;
  if (out->effect == Effect::kConditional) {
    out->pending_operation = std::move(grant);  // the grant waits for its approvals
  } else if (request.until) {
    for (Json& b : e->List("bindings")) {
      if (b.value("member", "") == request.requester && b.value("role", "") == request.role &&
          b.value("scope", "") == request.scope && !b.contains("expiresAt")) {
        b["expiresAt"] = *request.until;
      }
    }
  }
}

void DecideRoleRequest(Context& cx, size_t i, const Operation& op, const RoleRequestRecord& request,
                       Edit* e, Outcome* out) {
  const std::string &id = request.id, &requester = request.requester;
  const std::string &role = request.role, &scope = request.scope;
  if (requester == cx.actor()) {
    out->Deny(Reason("own_request",
                     "member " + Q(cx.actor()) + " cannot decide their own request " + Q(id)));
    return;
  }
  if (request.Lapsed(cx.now())) {
    out->Deny(Reason("request_expired", "request " + Q(id) + " lapsed at " + *request.expires_at,
                     Json{{"expiresAt", *request.expires_at}}));
    return;
  }
  Json grant = cx.GrantOperation(requester, role, scope);
  if (op.written.contains("attributes")) grant["attributes"] = op.written["attributes"];
  // Taken off the list first, so that the role given below lands in the bundle's
  // list of bindings, where `until` is set.
  e->RemoveById("roleRequests", id);
  const Json facts{{"request", id}, {"decision", op.decision}, {"role", role}, {"scope", scope}};
  if (op.decision == "reject") {
    // Whoever could give the role may turn the request down.
    const std::vector<std::string> deciders = cx.Deciders(requester, grant);
    if (!std::binary_search(deciders.begin(), deciders.end(), cx.actor())) {
      out->Deny(Reason("not_a_decider",
                       "member " + Q(cx.actor()) + " may not give " + Q(role) + " on " + Q(scope) +
                           ", so cannot decide request " + Q(id),
                       Json{{"eligible", deciders}}));
      return;
    }
    cx.Emit(out, i, "request_decided", requester, facts);
    return;
  }
  const MemberStatus status = cx.MemberById(requester)->status;
  if (status != MemberStatus::kActive) {
    out->Deny(Reason("member_not_active",
                     "member " + Q(requester) + ", who asked, is " + StatusName(status)));
    return;
  }
  Grant(cx, i, request, std::move(grant), e, out);
  if (out->effect == Effect::kDeny) return;
  cx.Emit(out, i, "request_decided", requester, facts);
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& id = op.request;
  if (const RoleRequestRecord* asked = cx.M().FindRoleRequest(id)) {
    const RoleRequestRecord request = *asked;  // `asked` lives in the state the edit replaces
    return DecideRoleRequest(cx, i, op, request, e, out);
  }
  const ApprovalRequestRecord* request = cx.M().FindApprovalRequest(id);
  if (request == nullptr) {
    out->Deny(Reason("unknown_request", "approval request " + Q(id) + " no longer exists"));
    return;
  }
  Json status = RequestStatus(cx.V(), *request, cx.now());
  const Json& eligible = status["eligible"];
  if (std::find(eligible.begin(), eligible.end(), cx.actor()) == eligible.end()) {
    out->Deny(Reason("not_an_approver",
                     "member " + Q(cx.actor()) + " cannot approve request " + Q(id),
                     Json{{"eligible", eligible}}));
    return;
  }
  if (status["status"] != "pending") {
    out->Deny(Reason("request_not_pending",
                     "request " + Q(id) + " is already " + status["status"].get<std::string>()));
    return;
  }
  const std::string requester = request->requester;
  Json* pending = Context::FindById(&e->List("approvalRequests"), id);
  (*pending)["decisions"].push_back(
      Json{{"member", cx.actor()}, {"decision", op.decision}, {"at", cx.now()}});
  e->changed = true;
  cx.Emit(out, i, "request_decided", requester, Json{{"request", id}, {"decision", op.decision}});
}

}  // namespace

extern const OpKind kDecideRequest = [] {
  OpKind k{"decide_request", false, false, nullptr, nullptr, Read, Apply};
  k.concerns = Concerns::kRequest;
  k.every_policy = true;  // being a decider of the request authorises it
  return k;
}();

}  // namespace internal
}  // namespace rolegate
