// The operation kinds a change set may use (docs/changes.md, "Operations"), as
// the engine defines them: for tools that describe or build change sets.
#ifndef ROLEGATE_OPERATIONS_H_
#define ROLEGATE_OPERATIONS_H_

#include <string>
#include <vector>

#include "rolegate/json.h"

namespace rolegate {

struct OperationKind {
  std::string name;
  // Acts on another member (a role handed out, changed or taken, a status or
  // details changed): only a member who manages them may do it.
  bool acts_on_member = false;
  // The role it names is the one it leads to.
  bool gives_role = false;
  // The secret only the server of record checks ("pin", "invitation_token"), or "".
  std::string checked_by_server;
  // The kind whose entry in the bundle's `operations` authorises it, or "".
  std::string authorised_by;
  // How it reaches an existing member it acts on: "every_scope" (every scope where
  // they hold a role: a status, their details), "named_scope" (the scopes the
  // operation names), "held_scope" (a scope where they hold a role it changes or
  // takes), or "" when it acts on no existing member.
  std::string on_member;
  // The statuses the member it acts on must have (docs/changes.md, "Member
  // status"); empty: any status.
  std::vector<std::string> member_statuses;
  // The secret the server of record sends when the operation leaves one to be
  // proven: "pin" (by post, for a verification it leaves open) or
  // "invitation_token" (by e-mail, for an invitation it sends), or "".
  std::string server_sends;
  // The scopes it concerns beyond those it names (the audit log's subjects):
  // "member_scopes" (where the member it acts on holds a role or was added),
  // "actor_scopes", "every_root" (roles hold everywhere), "rule_scopes" (where
  // the approval rule it sets or deletes holds), "request" (those of the approval
  // request it decides or applies), or "" (only those it names).
  std::string concerns;
  // Every policy supports it, mapped in its `operations` or not: its own
  // conditions authorise it (an invitation, being a decider, the approvals given,
  // the action it names).
  bool every_policy = false;
  // The kind whose entry in a policy's `operations` supports it, when not its own
  // ("request_self_upgrade" for the PIN steps, "request_role" for withdrawing), or "".
  std::string entry_of;
};

// Every operation kind, in the order docs/changes.md lists them.
std::vector<OperationKind> OperationKinds();

// The same as JSON: {"ok": true, "kinds": [{"name", "actsOnMember", "givesRole",
// "checkedByServer"?, "authorisedBy"?, "onMember"?, "memberStatuses"?, "serverSends"?,
// "concerns"?, "everyPolicy"?, "entryOf"?}, ...]}.
Json OperationKindsJson();

}  // namespace rolegate

#endif  // ROLEGATE_OPERATIONS_H_
