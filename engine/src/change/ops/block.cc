// block: blocks a member, from any status but removed and blocked; unblocking
// gives back the status they had (blockedFrom).
#include "change/member_status.h"

namespace rolegate {
namespace internal {
namespace {

using S = MemberStatus;

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  ApplyStatusChange(cx, i, op, e, out, "member_blocked");
}

const std::vector<StatusMove> kMoves = {{"",
                                         {S::kActive, S::kInvited, S::kPending, S::kDisabled},
                                         StatusMove::To::kFixed,
                                         S::kBlocked}};

}  // namespace

extern const OpKind kBlock = StatusKind("block", Apply, &kMoves);

}  // namespace internal
}  // namespace rolegate
