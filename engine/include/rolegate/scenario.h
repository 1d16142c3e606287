// Scenario files (format rolegate-scenario/1): a bundle and cases with expected
// outcomes. The same runner serves the GoogleTest driver, `rolegate test` and the
// WebAssembly build.
#ifndef ROLEGATE_SCENARIO_H_
#define ROLEGATE_SCENARIO_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"

namespace rolegate {

// Reads the bundle a scenario names by path (relative to the scenario file).
// Returns nullopt when it cannot be read.
using BundleResolver = std::function<std::optional<std::string>(const std::string& path)>;

struct CaseResult {
  std::string id;
  bool passed = false;
  std::vector<std::string> failures;  // what differed, in plain words
  Json actual;                        // the engine's answer
};

struct ScenarioReport {
  std::string name;
  Errors errors;  // the scenario file itself is invalid
  std::vector<CaseResult> cases;
  bool passed() const;
  size_t failed_count() const;
};

ScenarioReport RunScenario(std::string_view scenario_text, const BundleResolver& resolve,
                           const Limits& limits = Limits());

// {"name", "passed", "errors", "cases": [{"id", "passed", "failures"}]}
Json ScenarioReportToJson(const ScenarioReport& report);

}  // namespace rolegate

#endif  // ROLEGATE_SCENARIO_H_
