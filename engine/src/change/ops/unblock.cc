// unblock: gives a blocked member back the status they had when blocked.
#include "change/member_status.h"

namespace rolegate {
namespace internal {
namespace {

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  ApplyStatusChange(cx, i, op, e, out, "member_unblocked");
}

const std::vector<StatusMove> kMoves = {
    {"", {MemberStatus::kBlocked}, StatusMove::To::kBlockedFrom, MemberStatus::kActive}};

}  // namespace

extern const OpKind kUnblock = StatusKind("unblock", Apply, &kMoves);

}  // namespace internal
}  // namespace rolegate
