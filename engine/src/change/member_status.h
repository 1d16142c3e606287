// What the kinds that move a member's status share (ops/block.cc, unblock.cc,
// disable.cc, enable.cc, delete_member.cc, resend_invitation.cc): each names a
// member (and may name one of their scopes), applies from the statuses its moves
// say (status.h), and is checked on every scope where the member holds a role.
#ifndef ROLEGATE_CHANGE_MEMBER_STATUS_H_
#define ROLEGATE_CHANGE_MEMBER_STATUS_H_

#include <optional>
#include <string>
#include <vector>

#include "change/context.h"
#include "change/op_reader.h"
#include "change/operation.h"
#include "status.h"

namespace rolegate {
namespace internal {

// Reads `member` and an optional `scope`.
void ReadStatusChange(OpReader& r, const Json& op, const std::string& p);

// The status the member `op` names moves to by `op`'s kind, when its moves apply
// from the member's status and the actor may do it now on every scope of the
// member's; nullopt otherwise, with `out` denied (wrong_status, or the check's
// reasons) or conditional (approval needed).
std::optional<MemberStatus> AuthoriseStatusChange(Context& cx, const Operation& op, Outcome* out);

// Writes the move of the member `op` names to `to` into `e` (status.h, WriteStatus).
void MoveStatus(Context& cx, const Operation& op, MemberStatus to, Edit* e);

// Applies operation `i` as a status change: authorised, the move written, `event`
// sent to the member. False when it is not applied now (denied, or needing
// approval).
bool ApplyStatusChange(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out,
                       const char* event);

// A kind that moves a member's status, with its `apply` and its moves.
constexpr OpKind StatusKind(const char* name, decltype(OpKind::apply) apply,
                            const std::vector<StatusMove>* moves) {
  OpKind k{name, true, false, nullptr, nullptr, ReadStatusChange, apply, OnMember::kEveryScope};
  k.moves = moves;
  k.concerns = Concerns::kMemberScopes;
  return k;
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_MEMBER_STATUS_H_
