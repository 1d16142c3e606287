// delete_member: removes a member for good, with every role they hold.
#include "change/member_status.h"

namespace rolegate {
namespace internal {
namespace {

using S = MemberStatus;

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  if (!ApplyStatusChange(cx, i, op, e, out, "member_deleted")) return;
  cx.RemoveBindings(e, op.member, [](const std::string&, const std::string&) { return true; });
}

// Final: nothing moves a removed member.
const std::vector<StatusMove> kMoves = {
    {"",
     {S::kActive, S::kInvited, S::kPending, S::kBlocked, S::kDisabled},
     StatusMove::To::kFixed,
     S::kRemoved}};

}  // namespace

extern const OpKind kDeleteMember = StatusKind("delete_member", Apply, &kMoves);

}  // namespace internal
}  // namespace rolegate
