// The fixed words of change sets: operation kinds and event kinds. Bundles refer
// to them in `operations` and `notifications`; change sets use them in `op`.
#ifndef ROLEGATE_VOCABULARY_H_
#define ROLEGATE_VOCABULARY_H_

#include <string>

namespace rolegate {
namespace internal {

inline constexpr const char* kOperationKinds[] = {
    "invite", "resend_invitation", "accept_invitation", "assign_role", "change_role",
    "revoke_role", "remove_role", "remove_member", "delete_member", "block", "unblock",
    "disable", "enable", "edit_member", "add_members", "activate_member",
    "request_self_upgrade", "resend_verification", "complete_self_upgrade", "claim_role",
    "define_role", "edit_role", "delete_role", "set_approval_rule", "delete_approval_rule",
    "decide_request", "apply_approved", "register", "reset_password", "perform",
    "request_role", "withdraw_request"};

// The operation kinds that act on a member (hand out, change or take away a role,
// or change a member's status or details): their action must be a rankLimited
// permission, so that only a member who manages the target may do them.
inline constexpr const char* kMemberOperationKinds[] = {
    "invite", "resend_invitation", "assign_role", "change_role", "revoke_role", "remove_role",
    "remove_member", "delete_member", "block", "unblock", "disable", "enable", "edit_member",
    "activate_member", "reset_password"};

inline constexpr const char* kEventKinds[] = {
    "member_invited", "invitation_resent", "invitation_accepted", "role_assigned",
    "role_upgraded", "role_downgraded", "role_changed", "role_revoked", "member_removed",
    "member_deleted", "member_blocked", "member_unblocked", "member_disabled",
    "member_enabled", "member_edited", "activation_email", "verification_sent",
    "verification_resent", "role_claimed", "approval_requested", "request_decided",
    "role_defined", "role_edited", "role_deleted", "approval_rule_changed", "password_reset",
    "action_performed", "role_requested", "role_request_withdrawn"};

template <size_t N>
bool InVocabulary(const char* const (&words)[N], const std::string& w) {
  for (const char* x : words) {
    if (w == x) return true;
  }
  return false;
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_VOCABULARY_H_
