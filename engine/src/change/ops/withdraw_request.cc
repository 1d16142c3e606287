// withdraw_request: the member who asked for a role takes the request back; the
// members who could have decided it are told. Authorised by request_role's entry.
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "query/requests.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "request"});
  r.Request(op, p, "request");
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& id = op.request;
  if (cx.ActionFor(op.kind->entry_of, out) == nullptr) return;
  const RoleRequestRecord* found = cx.M().FindRoleRequest(id);
  if (found == nullptr) {
    out->Deny(Reason("unknown_request", "there is no role request " + Q(id) + " to withdraw"));
    return;
  }
  const RoleRequestRecord request = *found;  // `found` lives in the state the edit replaces
  if (request.requester != cx.actor()) {
    out->Deny(Reason("not_the_requester",
                     "only " + Q(request.requester) + ", who asked, may withdraw request " + Q(id),
                     Json{{"requester", request.requester}}));
    return;
  }
  const std::string& role = request.role;
  const std::string& scope = request.scope;
  e->RemoveById("roleRequests", id);
  for (const std::string& d : cx.Deciders(cx.actor(), cx.GrantOperation(cx.actor(), role, scope))) {
    cx.Emit(out, i, "role_request_withdrawn", d,
            Json{{"request", id}, {"role", role}, {"scope", scope}, {"requester", cx.actor()}});
  }
}

}  // namespace

extern const OpKind kWithdrawRequest = [] {
  OpKind k{"withdraw_request",
           false,
           false,
           nullptr,
           nullptr,
           Read,
           Apply,
           OnMember::kNot,
           0,
           "is open to the member who asked, wherever `request_role` is, and takes no entry here"};
  k.entry_of = "request_role";
  return k;
}();

}  // namespace internal
}  // namespace rolegate
