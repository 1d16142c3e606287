// The operation kinds: the one list of them (registry.cc), each defined in its own
// file under ops/. Adding a kind means writing ops/<kind>.cc (its read and apply),
// naming it in registry.cc, and documenting it (docs/changes.md, the schema).
#ifndef ROLEGATE_CHANGE_REGISTRY_H_
#define ROLEGATE_CHANGE_REGISTRY_H_

#include <string>
#include <vector>

#include "change/operation.h"

namespace rolegate {
namespace internal {

// Every operation kind, in the order the documentation lists them.
const std::vector<const OpKind*>& OpKinds();

// The kind named `name`, or null.
const OpKind* FindOpKind(const std::string& name);

// Applies `op` as operation `index`: first what every kind shares (the actor and
// the members and roles it names exist in this state, and its kind's
// preconditions hold), then the kind's own `apply`.
void ApplyOperation(Context& cx, size_t index, const Operation& op, Edit* e, Outcome* out);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_REGISTRY_H_
