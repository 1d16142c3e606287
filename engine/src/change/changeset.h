// Reading a change set (docs/changes.md): its shape and every reference it makes,
// before anything is simulated, so that a malformed change set is rejected whole.
#ifndef ROLEGATE_CHANGE_CHANGESET_H_
#define ROLEGATE_CHANGE_CHANGESET_H_

#include <string>
#include <vector>

#include "change/operation.h"
#include "model.h"
#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"

namespace rolegate {
namespace internal {

struct ChangeSet {
  std::string base_revision, actor, now;
  std::vector<Operation> operations;
};

// Checks `doc` against the bundle `m`; fills `out` when there are no errors.
// References may name members, roles and rules that earlier operations create.
Errors ReadChangeSet(const Model& m, const Json& doc, const Limits& limits, ChangeSet* out);

// Checks one operation (as stored in an approval request) against `m`.
Errors ReadOperation(const Model& m, const Json& op);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_CHANGESET_H_
