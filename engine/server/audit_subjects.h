// The subjects of an audit entry (docs/server.md, "Storage"): the members and the
// scopes it touches, by which the audit log is filtered and shown per caller.
//
// Computed from the entry's detail, so that entries written before subjects were
// kept get the same ones when a database is migrated:
//   - the actor;
//   - every member and scope anything in the detail names: fields `member`,
//     `target`, `requester` (a string, or a new member's `id`), `members` (ids or
//     new members), `scope`, `scopes`, `resource`, `addedTo`, wherever they are
//     (operations, new members, approval rules, the access diff, violations,
//     refusals), except inside `attributes` (free-form request attributes);
//   - the scopes an operation concerns without naming them, as its kind says
//     (OperationKind::concerns), from the bundle the change was made on: a
//     member's scopes (their bindings, and the scope they were added to) for
//     operations on a whole member, or on the actor's own invitation; every root
//     scope for operations that hold everywhere (defining a role, an approval
//     rule without `scopes`); the scopes of an approval rule that is replaced or
//     deleted; for operations on an approval request (deciding, applying): the
//     request (its requester, resource and deciders) and its operation, as above.
// A scope that cannot be named because the bundle is not known is recorded as ""
// (no scope has that id): only a reader who may see every scope sees the entry.
#ifndef ROLEGATE_SERVER_AUDIT_SUBJECTS_H_
#define ROLEGATE_SERVER_AUDIT_SUBJECTS_H_

#include <functional>
#include <string>

#include "rolegate/json.h"
#include "store.h"

namespace rolegate::server {

// `bundle_before` gives the bundle the change was made on (its JSON document), or
// null when it is not known; it is asked only when needed, at most once.
AuditSubjects SubjectsOfEntry(const std::string& actor, const Json& detail,
                              const std::function<const Json*()>& bundle_before);

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_AUDIT_SUBJECTS_H_
