// The shape of a scenario file (docs/format.md, "Scenarios"): checked whole
// before any case runs, so that comparing never meets a wrong type.
#ifndef ROLEGATE_SCENARIO_FILE_SHAPE_H_
#define ROLEGATE_SCENARIO_FILE_SHAPE_H_

#include <string>

#include "rolegate/json.h"
#include "shape.h"

namespace rolegate {
namespace internal {

// At most this many steps in a case (as in a what-if chain).
inline constexpr size_t kMaxSteps = 64;

// A list of expected errors ({code, pointer} each).
void CheckExpectedErrors(const Json& errors, const std::string& p, Shape* shape);
// The cases of a scenario (`cases`, at /cases).
void CheckCases(const Json& cases, Shape* shape);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_SCENARIO_FILE_SHAPE_H_
