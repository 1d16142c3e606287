// Simulation entry point with its testing switch.
#ifndef ROLEGATE_SIMULATE_H_
#define ROLEGATE_SIMULATE_H_

#include "rolegate/policy.h"

namespace rolegate {
namespace internal {

// Policy::Simulate. With `recompile_each`, every operation that changes the state
// is checked by compiling the whole bundle after it, instead of applying role and
// status changes to an overlay: slower, and the reference the fast way must equal
// byte for byte.
Json SimulateWith(const Policy& policy, const Json& change_set, bool include_bundle,
                  bool recompile_each);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_SIMULATE_H_
