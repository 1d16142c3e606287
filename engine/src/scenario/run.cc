// The scenario runner: one implementation for every place scenarios run. A
// scenario's shape is checked whole (file_shape.cc), its bundle loaded, then each
// case asked and its answer compared with what it expects (expect.cc).
#include <memory>
#include <optional>

#include "base/text.h"
#include "rolegate/policy.h"
#include "rolegate/scenario.h"
#include "scenario/expect.h"
#include "scenario/file_shape.h"
#include "shape.h"

namespace rolegate {
namespace {

using internal::Q;
using internal::Shape;

// Whether a server would commit this simulation: it is valid, nothing in it is
// denied and it breaks no `error` invariant (a conditional operation is
// committed as its pending request or verification).
bool Committable(const Json& simulation) {
  if (!simulation.value("ok", false)) return false;
  if (simulation["summary"].value("denied", 0) > 0) return false;
  for (const Json& v : simulation["violations"]) {
    if (v.value("severity", "") == "error") return false;
  }
  return true;
}

// What asking a step led to: the state after a change set a server would commit
// (null when nothing changed), or that its bundle after does not load.
struct Asked {
  std::shared_ptr<const Policy> next;
  bool unloadable = false;
};

// Asks `policy` the question of `c` (a case or a step) and compares the answer
// with its `expect`. With `follow`, a change set a server would commit leads to
// the policy of its bundle after.
Asked Ask(const Policy& policy, const Json& c, const std::string& now, bool follow,
          const Limits& limits, Json* actual, std::vector<std::string>* failures) {
  const Json& expect = c["expect"];
  Asked asked;
  if (c.contains("check")) {
    Json req = c["check"];
    if (req.is_object() && !req.contains("now") && !now.empty()) req["now"] = now;
    *actual = policy.Check(req);
    internal::CheckDecision(expect, *actual, failures);
  } else if (c.contains("simulate")) {
    Json cs = c["simulate"];
    if (cs.is_object()) {
      if (!cs.contains("baseRevision")) cs["baseRevision"] = policy.revision();
      if (!cs.contains("now") && !now.empty()) cs["now"] = now;
    }
    *actual = policy.Simulate(cs, follow);
    Json bundle_after;
    if (follow && Committable(*actual) && actual->contains("bundleAfter") &&
        (*actual)["revisionAfter"] != policy.revision()) {
      bundle_after = std::move((*actual)["bundleAfter"]);
    }
    actual->erase("bundleAfter");
    internal::CheckSimulation(expect, *actual, failures);
    if (!bundle_after.is_null()) {
      LoadResult next = CompilePolicy(bundle_after, limits);
      asked.next = next.policy;
      asked.unloadable = !next.ok();
    }
  } else if (c.contains("whatCan")) {
    *actual = policy.WhatCan(c["whatCan"]);
    internal::CheckWhatCan(expect, *actual, failures);
  } else if (c.contains("whoCan")) {
    *actual = policy.WhoCan(c["whoCan"]);
    internal::CheckWhoCan(expect, *actual, failures);
  } else {
    *actual = policy.VisibleMembers(c["visibleMembers"]);
    internal::CheckVisible(expect, *actual, failures);
  }
  return asked;
}

// The scenario's own fields; the cases' shape. Its `cases` and
// `expectBundleErrors` (null when absent) and its `now` go to the caller.
void ReadScenario(const Json& doc, const Limits& limits, ScenarioReport* report, const Json** cases,
                  const Json** expect_errors, std::string* now) {
  Shape shape(&report->errors);
  if (!shape.Object(doc, "",
                    {"$schema", "format", "name", "description", "bundle", "now", "cases",
                     "expectBundleErrors"})) {
    return;
  }
  if (const std::string* f = shape.String(doc, "format", "", true)) {
    if (*f != "rolegate-scenario/1") {
      shape.Add("unsupported_format", "/format",
                "unsupported format " + Q(*f) + ": expected `rolegate-scenario/1`");
    }
  }
  if (const std::string* n = shape.String(doc, "name", "", true)) report->name = *n;
  shape.String(doc, "description", "", false);
  shape.String(doc, "$schema", "", false);  // for editors; the runner ignores it
  if (const std::string* s = shape.Timestamp(doc, "now", "", false)) *now = *s;
  *cases = shape.Array(doc, "cases", "", false, limits.max_batch);
  *expect_errors = shape.Array(doc, "expectBundleErrors", "", false, 1024);
  if (*expect_errors != nullptr) {
    internal::CheckExpectedErrors(**expect_errors, "/expectBundleErrors", &shape);
  }
  // The cases' shape, before any is run.
  if (*cases != nullptr) internal::CheckCases(**cases, &shape);
  if (const Json* b = shape.Field(doc, "bundle", "", true);
      b != nullptr && !b->is_string() && !b->is_object()) {
    shape.Add("wrong_type", "/bundle", "expected a path or an inline bundle");
  }
}

// The scenario's bundle: a path the resolver reads, or inline. Null (with an
// error in the report) when a path cannot be read.
std::optional<LoadResult> LoadBundle(const Json& bundle, const BundleResolver& resolve,
                                     const Limits& limits, ScenarioReport* report) {
  if (!bundle.is_string()) return CompilePolicy(bundle, limits);
  std::optional<std::string> text = resolve(bundle.get<std::string>());
  if (!text) {
    report->errors.push_back(
        {"bundle_unreadable", "/bundle", "cannot read bundle " + Q(bundle.get<std::string>())});
    return std::nullopt;
  }
  return LoadPolicy(*text, limits);
}

// The case `expectBundleErrors` makes: the bundle must be refused with them.
CaseResult BundleErrorsCase(const Json& expect_errors, const LoadResult& loaded) {
  CaseResult r;
  r.id = "bundle-errors";
  if (loaded.ok()) {
    r.failures.push_back("the bundle loaded, but errors were expected");
  } else {
    internal::ExpectErrors(expect_errors, ErrorsToJson(loaded.errors)["errors"], &r.failures);
  }
  r.actual = ErrorsToJson(loaded.errors);
  r.passed = r.failures.empty();
  return r;
}

// Runs one case: its question, or its steps, each on the state the steps before
// it left, as a server applying them would: a change set it would commit moves
// the state on to its bundle after; one it would refuse changes nothing.
CaseResult RunCase(const Json& c, const std::shared_ptr<const Policy>& policy,
                   const std::string& now, const Limits& limits) {
  CaseResult r;
  r.id = c["id"].get<std::string>();
  if (!c.contains("steps")) {
    Ask(*policy, c, now, false, limits, &r.actual, &r.failures);
    r.passed = r.failures.empty();
    return r;
  }
  std::shared_ptr<const Policy> state = policy;
  r.actual = Json::array();
  const Json& steps = c["steps"];
  for (size_t k = 0; k < steps.size(); ++k) {
    const std::string at = "step " + std::to_string(k + 1) + ": ";
    Json actual;
    std::vector<std::string> failures;
    const Asked asked = Ask(*state, steps[k], now, true, limits, &actual, &failures);
    for (std::string& f : failures) r.failures.push_back(at + f);
    r.actual.push_back(std::move(actual));
    if (asked.unloadable) {
      r.failures.push_back(at + "the bundle after this change set does not load");
      break;
    }
    if (asked.next != nullptr) state = asked.next;
  }
  r.passed = r.failures.empty();
  return r;
}

}  // namespace

bool ScenarioReport::passed() const { return errors.empty() && failed_count() == 0; }

size_t ScenarioReport::failed_count() const {
  size_t n = 0;
  for (const CaseResult& c : cases) n += c.passed ? 0 : 1;
  return n;
}

ScenarioReport RunScenario(std::string_view scenario_text, const BundleResolver& resolve,
                           const Limits& limits) {
  ScenarioReport report;
  ParsedJson parsed = ParseJson(scenario_text, limits);
  if (!parsed.ok()) {
    report.errors = std::move(parsed.errors);
    return report;
  }
  const Json& doc = parsed.value;
  const Json* cases = nullptr;
  const Json* expect_errors = nullptr;
  std::string now;
  ReadScenario(doc, limits, &report, &cases, &expect_errors, &now);
  if (!report.errors.empty()) return report;

  std::optional<LoadResult> loaded = LoadBundle(doc["bundle"], resolve, limits, &report);
  if (!loaded) return report;
  if (expect_errors != nullptr) {
    report.cases.push_back(BundleErrorsCase(*expect_errors, *loaded));
  } else if (!loaded->ok()) {
    for (Error e : loaded->errors) {
      e.message = "bundle: " + e.message;
      e.pointer = "/bundle" + e.pointer;
      report.errors.push_back(std::move(e));
    }
    return report;
  }
  if (cases == nullptr || !loaded->ok()) return report;
  for (const Json& c : *cases) report.cases.push_back(RunCase(c, loaded->policy, now, limits));
  return report;
}

Json ScenarioReportToJson(const ScenarioReport& report) {
  Json cases = Json::array();
  for (const CaseResult& c : report.cases) {
    cases.push_back(Json{{"id", c.id}, {"passed", c.passed}, {"failures", c.failures}});
  }
  Json errors = Json::array();
  for (const Error& e : report.errors) errors.push_back(ErrorToJson(e));
  return Json{{"name", report.name},
              {"passed", report.passed()},
              {"errors", std::move(errors)},
              {"cases", std::move(cases)}};
}

}  // namespace rolegate
