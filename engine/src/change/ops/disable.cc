// disable: disables an active, invited or pending member; enabling gives back the
// status they had (disabledFrom).
#include "change/member_status.h"

namespace rolegate {
namespace internal {
namespace {

using S = MemberStatus;

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  ApplyStatusChange(cx, i, op, e, out, "member_disabled");
}

const std::vector<StatusMove> kMoves = {
    {"", {S::kActive, S::kInvited, S::kPending}, StatusMove::To::kFixed, S::kDisabled}};

}  // namespace

extern const OpKind kDisable = StatusKind("disable", Apply, &kMoves);

}  // namespace internal
}  // namespace rolegate
