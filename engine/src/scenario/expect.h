// Comparing a scenario case's answer with its `expect` (docs/format.md,
// "Scenarios"): each adds a plain sentence to `f` for every difference.
#ifndef ROLEGATE_SCENARIO_EXPECT_H_
#define ROLEGATE_SCENARIO_EXPECT_H_

#include <string>
#include <vector>

#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// Every expected {code, pointer} must be among `actual_errors`.
void ExpectErrors(const Json& expected, const Json& actual_errors, std::vector<std::string>* f);
void CheckDecision(const Json& expect, const Json& actual, std::vector<std::string>* f);
void CheckSimulation(const Json& expect, const Json& actual, std::vector<std::string>* f);
void CheckWhatCan(const Json& expect, const Json& actual, std::vector<std::string>* f);
void CheckWhoCan(const Json& expect, const Json& actual, std::vector<std::string>* f);
void CheckVisible(const Json& expect, const Json& actual, std::vector<std::string>* f);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_SCENARIO_EXPECT_H_
