// enable: gives a disabled member back the status they had when disabled.
#include "change/member_status.h"

namespace rolegate {
namespace internal {
namespace {

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  ApplyStatusChange(cx, i, op, e, out, "member_enabled");
}

const std::vector<StatusMove> kMoves = {
    {"", {MemberStatus::kDisabled}, StatusMove::To::kDisabledFrom, MemberStatus::kActive}};

}  // namespace

extern const OpKind kEnable = StatusKind("enable", Apply, &kMoves);

}  // namespace internal
}  // namespace rolegate
