// Simulation entry point with its testing switches.
#ifndef ROLEGATE_SIMULATE_H_
#define ROLEGATE_SIMULATE_H_

#include "rolegate/policy.h"

namespace rolegate {
namespace internal {

// The checks that keep every allowed change within its actor's power
// (docs/changes.md, "Authorization soundness"). All are on in every build; the
// escalation search (tests/escalation/) switches one off at a time to show that it
// would notice the hole. Nothing outside tests sets them.
struct SoundnessChecks {
  // I1: define_role / edit_role: the role's rank, effective permissions, `sees`
  // and `manages` stay within what the actor could hand out.
  bool role_rank_within_creator = true;
  bool role_permissions_within_creator = true;
  bool role_sees_within_creator = true;
  bool role_manages_within_creator = true;
  // I1: editing or deleting a role needs its current rank within the actor's reach,
  // and an edit keeps every holder within reach of every role that managed them.
  bool role_edit_keeps_holders_in_reach = true;
  // I3: an approval rule only gates requester roles strictly below its author.
  bool approval_rule_below_author = true;
  // I3: a rule whose quorum exceeds the members who could ever approve is refused.
  bool approval_rule_satisfiable = true;
  // I4: member status changes follow the one state machine (status.h).
  bool status_machine = true;
};

// Policy::Simulate. With `recompile_each`, every operation that changes the state
// is checked by compiling the whole bundle after it, instead of applying role and
// status changes to an overlay: slower, and the reference the fast way must equal
// byte for byte.
Json SimulateWith(const Policy& policy, const Json& change_set, bool include_bundle,
                  bool recompile_each, const SoundnessChecks& checks = SoundnessChecks());

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_SIMULATE_H_
