// An operation of a change set, read and typed (docs/changes.md), and the kind
// it is of: the one description of an operation kind that reading, simulating and
// the command line share (registry.h lists them).
#ifndef ROLEGATE_CHANGE_OPERATION_H_
#define ROLEGATE_CHANGE_OPERATION_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rolegate/json.h"
#include "status.h"

namespace rolegate {
namespace internal {

class Context;
class OpReader;
struct Edit;
struct Outcome;
struct OpKind;

// One operation, its fields typed. Fields an operation kind does not take stay
// empty; ids are never empty, so an empty id is an absent field.
struct Operation {
  const OpKind* kind = nullptr;
  std::string name;  // the kind's name, as `op` says
  // As written, for what records it: an approval request holds it (without its
  // PIN or token) and the revision after hashes it.
  Json written;
  // The caller's `attributes`, without `role`, `target` and `registering`: each
  // operation sets those from its own fields.
  Json attributes = Json::object();
  std::string member;                   // the member acted on, or the new member's id
  std::optional<Json> new_member;       // invite, register: the new member as written
  std::string role;                     // a role id (define_role, edit_role: the new one's)
  std::optional<Json> role_definition;  // define_role, edit_role
  std::string scope;
  std::vector<std::string> scopes;      // assign_role, revoke_role: `scope` or `scopes`
  std::string setup;                    // invite, activate_member
  std::vector<Json> members;            // add_members: the new members as written
  std::string rule;                     // an approval rule id (set_approval_rule: the new one's)
  std::optional<Json> rule_definition;  // set_approval_rule
  std::string request, decision, action, verification;
  std::optional<std::string> reason, until;  // request_role
  // edit_member: the details it sets, (field, value), in the order name, email,
  // language, brandingDomain.
  std::vector<std::pair<std::string, std::string>> details;
};

// How a kind that acts on an existing member reaches them, which is also how the
// members view's abilities (query/member_abilities.cc) are judged: on every scope
// where they hold a role (all of their membership: a status, their details), on
// the scopes it names (assign_role), or on a scope where they hold a role that it
// changes or takes (change_role, revoke_role, remove_role, remove_member).
enum class OnMember { kNot, kEveryScope, kNamedScope, kHeldScope };

// The fields its entry in the bundle's `operations` may hold beside `action` and
// `requires` (docs/changes.md, section 1), as bits.
enum EntryField : unsigned {
  kInvitationValidForDays = 1,  // how long an invitation it sends lasts
  kRequestValidForDays = 2,     // how long a request it records stays open
  kSetups = 4,                  // the set-up options offered (invite, activate_member)
};

// What an operation brings into being that the change set may then name (bits).
enum Creates : unsigned {
  kCreatesActor = 1,  // the actor: the member it registers acts before they exist
  kCreatesRole = 2,   // the role it names (define_role)
};

// The scopes an operation concerns beyond those it names, for the audit log's
// subjects (docs/server.md, "Storage"): the member's scopes (where the member it
// acts on holds a role or was added), the actor's, every root scope (roles hold
// everywhere), where the approval rule it sets or deletes holds, or those of the
// approval request it decides or applies.
enum class Concerns { kNamed, kMemberScopes, kActorScopes, kEveryRoot, kRuleScopes, kRequest };

// An operation kind: its name, what it is, how it is read and how it applies.
struct OpKind {
  const char* name;
  // Acts on a member (hands out, changes or takes away a role, or changes a
  // member's status or details): its action must be a rankLimited permission, so
  // that only a member who manages the target may do it.
  bool acts_on_member = false;
  // The role it names is the one it leads to (the command line writes "-> role").
  bool gives_role = false;
  // What only the server of record can check: the secret it carries, or null.
  const char* checked_by_server = nullptr;
  // The kind whose entry in the bundle's `operations` authorises it, when not its own.
  const char* authorised_by = nullptr;
  // Checks its fields and references, reporting into the reader's errors.
  void (*read)(OpReader& r, const Json& op, const std::string& pointer) = nullptr;
  // Applies it to the state of `cx` (operation `index` of the change set): fills
  // `out` and records its changes in `e`, which the caller judges and keeps.
  void (*apply)(Context& cx, size_t index, const Operation& op, Edit* e, Outcome* out) = nullptr;
  // How it reaches an existing member it acts on (kNot: it acts on none). The
  // statuses it applies from are the state machine's (status.h, StatusesOf).
  OnMember on_member = OnMember::kNot;
  // What its entry in `operations` may hold (EntryField bits).
  unsigned entry_fields = kInvitationValidForDays;
  // Why it takes no entry in `operations` (the end of the message refusing one), or
  // null when it takes one.
  const char* no_entry = nullptr;
  // What it creates that later operations, and the change set's actor, may name
  // (Creates bits).
  unsigned creates = 0;
  // Its moves in the member status state machine (status.h), or null when it
  // moves no member's status.
  const std::vector<StatusMove>* moves = nullptr;
  // The secret the server of record sends when it leaves one to be proven ("pin"
  // by post for a verification it leaves open, "invitation_token" by e-mail for an
  // invitation it sends), or null.
  const char* server_sends = nullptr;
  // The scopes it concerns beyond those it names.
  Concerns concerns = Concerns::kNamed;
  // Every policy supports it: its own conditions authorise it (an invitation, the
  // approvals, being a decider, the action it names), not an entry in `operations`.
  bool every_policy = false;
  // The kind whose entry in `operations` supports it when it takes none of its own
  // (withdraw_request: request_role's), or null (then `authorised_by`, if any).
  const char* entry_of = nullptr;
};

// The name of `on` in the operation kinds' list ("every_scope", "named_scope",
// "held_scope"), or "" for kNot.
const char* OnMemberName(OnMember on);

// The name of `c` in the operation kinds' list ("member_scopes", "actor_scopes",
// "every_root", "rule_scopes", "request"), or "" for kNamed.
const char* ConcernsName(Concerns c);

// The caller's `attributes` of operation `op`, without those each operation sets.
Json OpAttributes(const Json& op);

// The operation `op` (valid: read without errors) with its fields typed.
Operation TypedOperation(const Json& op);

// An operation without the secret it may carry (`pin`, `token`): what is hashed
// into the revision and recorded in an approval request.
Json WithoutProof(const Json& op);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_OPERATION_H_
