// apply_approved: runs the operation an approved request holds, as its requester,
// with the approvals its group was given (docs/changes.md, "Approvals").
#include <algorithm>

#include "base/text.h"
#include "change/changeset.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "change/registry.h"
#include "query/requests.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "request"});
  r.Request(op, p, "approval request");
}

// The ids of the requests of `group`, when every one is approved; else denies.
bool GroupApproved(Context& cx, const std::string& group, std::vector<std::string>* members,
                   Outcome* out) {
  for (const ApprovalRequestRecord& r : cx.M().approval_requests) {
    if (r.Group() != group) continue;
    Json status = RequestStatus(cx.V(), r, cx.now());
    if (status["status"] != "approved") {
      out->Deny(Reason("request_not_approved",
                       "request " + Q(r.id) + " is " + status["status"].get<std::string>(),
                       Json{{"request", r.id}, {"status", status["status"]}}));
      return false;
    }
    members->push_back(r.id);
  }
  return true;
}

// Whether the request holds an operation that can run; denies when not.
bool Runnable(const Context& cx, const std::string& id, const Json& operation, Outcome* out) {
  Errors invalid = ReadOperation(cx.M(), operation);
  std::string kind;
  if (operation.is_object() && operation.contains("op") && operation["op"].is_string()) {
    kind = operation["op"].get<std::string>();
  }
  if (invalid.empty() && kind != "apply_approved" && kind != "decide_request") return true;
  out->Deny(
      Reason("invalid_change", "request " + Q(id) + " holds an operation that cannot run" +
                                   (invalid.empty() ? std::string() : ": " + invalid[0].message)));
  return false;
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& id = op.request;
  const ApprovalRequestRecord* request = cx.M().FindApprovalRequest(id);
  if (request == nullptr) {
    out->Deny(Reason("unknown_request", "approval request " + Q(id) + " no longer exists"));
    return;
  }
  const std::string group = request->Group();
  std::vector<std::string> members;
  if (!GroupApproved(cx, group, &members, out)) return;
  if (cx.V().member(*cx.V().FindMember(cx.actor())).status != MemberStatus::kActive) {
    out->Deny(Reason("member_not_active", "member " + Q(cx.actor()) + " is not active"));
    return;
  }
  const Json operation = request->operation;
  if (!Runnable(cx, id, operation, out)) return;
  Context::Approvals approved;
  for (const ApprovalRequestRecord& r : cx.M().approval_requests) {
    if (r.Group() == group) approved.insert({r.rule, r.action, r.resource});
  }
  const std::string saved = cx.ActAs(request->requester, std::move(approved));
  ApplyOperation(cx, i, TypedOperation(operation), e, out);
  cx.Restore(saved);
  if (out->effect != Effect::kAllow) return;
  Json& list = e->List("approvalRequests");
  Json kept = Json::array();
  for (Json& r : list) {
    if (std::find(members.begin(), members.end(), r.value("id", "")) == members.end()) {
      kept.push_back(std::move(r));
    }
  }
  list = std::move(kept);
  e->changed = true;
}

}  // namespace

extern const OpKind kApplyApproved = [] {
  OpKind k{"apply_approved", false, false, nullptr, nullptr, Read, Apply};
  k.concerns = Concerns::kRequest;
  k.every_policy = true;  // the approvals given authorise it
  return k;
}();

}  // namespace internal
}  // namespace rolegate
