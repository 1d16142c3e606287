// fuzz_scenario: the input's bytes are a scenario file (rolegate-scenario/1). A
// bundle it names by path resolves, with no file read, to the example whose
// folder the path ends in (".../examples/bt-business/bundle.json" or
// "bt-business/bundle.json"); any other path is unreadable.
//
// Properties (docs/fuzzing.md):
//   - running it twice gives the same report and the same answer for every case;
//   - the report's JSON says passed exactly when there are no errors and every case
//     passed, and a case passed exactly when it has no failures.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_util.h"

namespace {

constexpr char kTarget[] = "fuzz_scenario";

std::optional<std::string> Resolve(const std::string& path) {
  for (const rolegate::fuzz::Example& e : rolegate::fuzz::Examples()) {
    const std::string tail = e.name + "/bundle.json";
    if (path == tail || (path.size() > tail.size() &&
                         path.compare(path.size() - tail.size(), tail.size(), tail) == 0 &&
                         path[path.size() - tail.size() - 1] == '/')) {
      return e.text;
    }
  }
  return std::nullopt;
}

// The report with every case's answer.
std::string ReportText(const rolegate::ScenarioReport& report) {
  rolegate::Json out = rolegate::ScenarioReportToJson(report);
  rolegate::Json actual = rolegate::Json::array();
  for (const rolegate::CaseResult& c : report.cases) actual.push_back(c.actual);
  out["actual"] = std::move(actual);
  return rolegate::Canonical(out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rolegate;
  rolegate::fuzz::Examples();  // loaded before the first run, outside what is compared
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ScenarioReport report = RunScenario(text, Resolve);
  const std::string report_text = ReportText(report);
  fuzz::RequireSame(kTarget, "running a scenario is deterministic", report_text,
                    ReportText(RunScenario(text, Resolve)));

  bool all_passed = report.errors.empty();
  for (const CaseResult& c : report.cases) {
    fuzz::Require(c.passed == c.failures.empty(), kTarget,
                  "a case passed exactly when it has no failures",
                  "case " + c.id + ": " + fuzz::Clip(report_text));
    all_passed = all_passed && c.passed;
  }
  fuzz::Require(report.passed() == all_passed, kTarget,
                "a report passed exactly when there are no errors and every case passed",
                fuzz::Clip(report_text));
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return rolegate::fuzz::MutateJson(data, size, max_size, seed, /*example_byte=*/false);
}
