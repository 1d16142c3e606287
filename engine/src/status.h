// The member status state machine (docs/changes.md, "Member status"): each kind
// holds its moves (OpKind::moves), and this is where they are read. As a whole:
//
//   (new) --invite--> invited     (new) --add_members--> pending     (new) --register--> active
//   invited --accept_invitation, before the invitation expires--> active
//   pending --activate_member assign_credentials--> active
//   pending, invited --activate_member send_invite | activation_email--> invited
//   pending --activate_member activate_later--> pending
//   invited --resend_invitation--> invited
//   active, invited --reset_password--> the same (only they have a password)
//   active, invited, pending, disabled --block--> blocked       (records blockedFrom)
//   blocked --unblock--> the status recorded in blockedFrom
//   active, invited, pending --disable--> disabled              (records disabledFrom)
//   disabled --enable--> the status recorded in disabledFrom
//   any but removed --delete_member--> removed                  (final)
//
// So a suspension never promotes: unblocking an invited member gives back an invited
// member, whose invitation (kept through the suspension) still expires when it did.
#ifndef ROLEGATE_STATUS_H_
#define ROLEGATE_STATUS_H_

#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

struct OpKind;

// One move of the state machine: from any of `from` (in the order a message lists
// them), with the set-up `setup` ("" for any; activate_member's), to a fixed
// status, the status the member had, or the status a suspension recorded. Each
// kind holds its own moves (OpKind::moves, in ops/<kind>.cc).
struct StatusMove {
  enum class To { kFixed, kSame, kBlockedFrom, kDisabledFrom };
  const char* setup;
  std::vector<MemberStatus> from;
  To to;
  MemberStatus status;  // with To::kFixed
};

// The status operation `kind` moves a member to from `from`, or nullopt when it
// does not apply from there. `entry` is the member's bundle entry (for the status
// recorded by a suspension), `setup` the set-up of activate_member. With
// `restore` false, unblock and enable give back `active` whatever came before (the
// behaviour the escalation search must catch; never used outside tests).
std::optional<MemberStatus> NextStatus(const OpKind& kind, const std::string& setup,
                                       MemberStatus from, const Json& entry, bool restore = true);

// The statuses `kind` applies from, in words ("active, invited or pending"), for
// a wrong_status message.
std::string StatusesFrom(const OpKind& kind, const std::string& setup);

// The statuses `kind` applies from under any set-up, in the order its moves list
// them; empty when it has no moves (it then applies whatever the member's status).
std::vector<MemberStatus> StatusesOf(const OpKind& kind);

// Writes the move from `from` to `to` by `kind` into the member's bundle entry:
// the status, the status a suspension must give back (blockedFrom, disabledFrom:
// recorded by a move to blocked or disabled, dropped by the move that restores it
// and by removal), and the invitation, which is kept while the member is invited
// or suspended from being invited and dropped otherwise.
void WriteStatus(const OpKind& kind, const std::string& setup, MemberStatus from, MemberStatus to,
                 Json* entry);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_STATUS_H_
