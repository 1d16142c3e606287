// The event kinds of change sets (docs/changes.md, "Events"). The operation kinds
// are in the registry (registry.h).
#ifndef ROLEGATE_CHANGE_EVENTS_H_
#define ROLEGATE_CHANGE_EVENTS_H_

#include <string>

namespace rolegate {
namespace internal {

// The events operations send (ops/*.cc); bundles name them in `notifications`.
inline constexpr const char* kEventKinds[] = {
    "member_invited",        "invitation_resent",   "invitation_accepted", "role_assigned",
    "role_upgraded",         "role_downgraded",     "role_changed",        "role_revoked",
    "member_removed",        "member_deleted",      "member_blocked",      "member_unblocked",
    "member_disabled",       "member_enabled",      "member_edited",       "activation_email",
    "verification_sent",     "verification_resent", "role_claimed",        "approval_requested",
    "request_decided",       "role_defined",        "role_edited",         "role_deleted",
    "approval_rule_changed", "password_reset",      "action_performed",    "role_requested",
    "role_request_withdrawn"};

template <size_t N>
bool InVocabulary(const char* const (&words)[N], const std::string& w) {
  for (const char* x : words) {
    if (w == x) return true;
  }
  return false;
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_EVENTS_H_
