// The status of a pending request (Policy::ApprovalStatus; docs/changes.md,
// "Approvals"): its approvals, rejections, eligible approvers and quorum.
#include "query/requests.h"
#include "rolegate/policy.h"
#include "shape.h"

namespace rolegate {

Json Policy::ApprovalStatus(const Json& query) const {
  Errors errors;
  internal::Shape shape(&errors);
  std::string id, now;
  if (shape.Object(query, "", {"request", "now"})) {
    if (const std::string* r = shape.Id(query, "request", "", true)) id = *r;
    if (const std::string* n = shape.Timestamp(query, "now", "", true)) now = *n;
  }
  const internal::ApprovalRequestRecord* request = nullptr;
  const internal::RoleRequestRecord* asked = nullptr;
  if (errors.empty()) {
    request = model_->FindApprovalRequest(id);
    asked = model_->FindRoleRequest(id);
    if (request == nullptr && asked == nullptr) {
      errors.push_back({"unknown_request", "/request", "unknown request `" + id + "`"});
    }
  }
  if (!errors.empty()) return ErrorsToJson(errors);
  if (request != nullptr) return internal::RequestStatus(*model_, *request, now);
  // A role request: open until it lapses; any one of its deciders decides it.
  const std::string& requester = asked->requester;
  const bool lapsed = asked->Lapsed(now);
  const Json grant = internal::RoleGrant(*model_, requester, asked->role, asked->scope);
  return Json{{"ok", true},
              {"request", id},
              {"status", lapsed ? "expired" : "pending"},
              {"approvals", Json::array()},
              {"rejections", Json::array()},
              {"eligible", internal::RoleDeciders(*model_, requester, grant, now)},
              {"quorum", 1}};
}

}  // namespace rolegate
