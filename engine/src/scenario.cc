// The scenario runner: one implementation for every place scenarios run.
#include "rolegate/scenario.h"

#include <algorithm>
#include <memory>
#include <set>

#include "rolegate/policy.h"
#include "shape.h"
#include "base/text.h"

namespace rolegate {
namespace {

using internal::Q;
using internal::Shape;


std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "(none)" : out;
}

std::set<std::string> Strings(const Json& list, const char* key = nullptr) {
  std::set<std::string> out;
  if (!list.is_array()) return out;
  for (const Json& v : list) {
    const Json* x = &v;
    if (key != nullptr) {
      auto it = v.find(key);
      if (it == v.end()) continue;
      x = &*it;
    }
    if (x->is_string()) out.insert(x->get<std::string>());
  }
  return out;
}

// Every expected {code, pointer} must be among `errors` (a {"errors": [...]} list).
void ExpectErrors(const Json& expected, const Json& actual_errors,
                  std::vector<std::string>* failures) {
  for (const Json& e : expected) {
    bool found = false;
    for (const Json& a : actual_errors) {
      if (a.value("code", "") == e.value("code", "") &&
          (!e.contains("pointer") || a.value("pointer", "") == e.value("pointer", ""))) {
        found = true;
      }
    }
    if (!found) {
      failures->push_back("expected error " + Q(e.value("code", "")) + " at " +
                          Q(e.value("pointer", "")) + ", not reported");
    }
  }
}

void CompareSet(const char* what, const std::set<std::string>& want,
                const std::set<std::string>& got, std::vector<std::string>* failures) {
  if (want == got) return;
  std::set<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::inserter(missing, missing.end()));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                      std::inserter(extra, extra.end()));
  failures->push_back(std::string(what) + ": missing " + Join(missing) + "; unexpected " +
                      Join(extra));
}

void CheckDecision(const Json& expect, const Json& actual, std::vector<std::string>* f) {
  if (expect.contains("errors")) {
    if (actual.value("ok", false)) {
      f->push_back("expected the request to be rejected, but it was decided: " +
                   actual.value("effect", ""));
      return;
    }
    ExpectErrors(expect["errors"], actual["errors"], f);
    return;
  }
  if (!actual.value("ok", false)) {
    f->push_back("request rejected: " + Canonical(actual["errors"]));
    return;
  }
  std::string want = expect.value("effect", ""), got = actual.value("effect", "");
  if (want != got) f->push_back("effect: expected " + want + ", got " + got);
  std::set<std::string> codes = Strings(actual["reasons"], "code");
  for (const std::string& c : Strings(expect.value("reasons", Json::array()))) {
    if (!codes.count(c)) f->push_back("reason " + Q(c) + " expected, got " + Join(codes));
  }
  for (const std::string& c : Strings(expect.value("absentReasons", Json::array()))) {
    if (codes.count(c)) f->push_back("reason " + Q(c) + " must not appear");
  }
  for (const char* key : {"approvals", "verifications"}) {
    if (!expect.contains(key)) continue;
    const Json& got_list = actual["requirements"][key];
    if (expect[key] != got_list) {
      f->push_back(std::string(key) + ": expected " + Canonical(expect[key]) + ", got " +
                   Canonical(got_list));
    }
  }
}

// Whether `actual` has every field `expected` gives, with the same value (objects
// recursively; arrays and scalars compared exactly).
bool Matches(const Json& expected, const Json& actual) {
  if (!expected.is_object()) return expected == actual;
  if (!actual.is_object()) return false;
  for (auto it = expected.begin(); it != expected.end(); ++it) {
    auto a = actual.find(it.key());
    if (a == actual.end() || !Matches(it.value(), *a)) return false;
  }
  return true;
}

bool AnyMatches(const Json& expected, const Json& list) {
  for (const Json& a : list) {
    if (Matches(expected, a)) return true;
  }
  return false;
}

void CheckSimulation(const Json& expect, const Json& actual, std::vector<std::string>* f) {
  if (expect.contains("errors")) {
    if (actual.value("ok", false)) {
      f->push_back("expected the change set to be rejected, but it was simulated");
      return;
    }
    ExpectErrors(expect["errors"], actual["errors"], f);
    return;
  }
  if (!actual.value("ok", false)) {
    f->push_back("change set rejected: " + Canonical(actual["errors"]));
    return;
  }
  if (expect.contains("operations")) {
    const Json& ops = actual["operations"];
    if (expect["operations"].size() != ops.size()) {
      f->push_back("operations: expected " + std::to_string(expect["operations"].size()) +
                   ", got " + std::to_string(ops.size()));
    }
    for (size_t i = 0; i < expect["operations"].size() && i < ops.size(); ++i) {
      const Json& want = expect["operations"][i];
      const Json& got = ops[i];
      std::string at = "operation " + std::to_string(i) + ": ";
      if (want.contains("effect") && want["effect"] != got["effect"]) {
        f->push_back(at + "effect: expected " + want.value("effect", "") + ", got " +
                     got.value("effect", ""));
      }
      std::set<std::string> codes = Strings(got["reasons"], "code");
      for (const Json& c : got["checks"]) {
        for (const std::string& code : Strings(c.value("reasons", Json::array()), "code")) {
          codes.insert(code);
        }
      }
      for (const std::string& c : Strings(want.value("reasons", Json::array()))) {
        if (!codes.count(c)) f->push_back(at + "reason " + Q(c) + " expected, got " + Join(codes));
      }
      for (const char* key : {"approvals", "verifications"}) {
        if (!want.contains(key)) continue;
        const Json& list = got["requirements"][key];
        if (want[key].size() != list.size()) {
          f->push_back(at + key + ": expected " + Canonical(want[key]) + ", got " +
                       Canonical(list));
          continue;
        }
        for (const Json& w : want[key]) {
          if (!AnyMatches(w, list)) {
            f->push_back(at + key + ": no requirement matches " + Canonical(w) + " in " +
                         Canonical(list));
          }
        }
      }
    }
  }
  const Json& events = actual["events"];
  for (const Json& e : expect.value("events", Json::array())) {
    if (!AnyMatches(e, events)) {
      f->push_back("no event matches " + Canonical(e) + "; events: " + Canonical(events));
    }
  }
  for (const Json& e : expect.value("absentEvents", Json::array())) {
    if (AnyMatches(e, events)) f->push_back("an event matches " + Canonical(e) + ", but must not");
  }
  if (expect.contains("eventCount") && expect["eventCount"] != events.size()) {
    f->push_back("events: expected " + Canonical(expect["eventCount"]) + ", got " +
                 std::to_string(events.size()));
  }
  const Json& violations = actual["violations"];
  for (const Json& v : expect.value("violations", Json::array())) {
    if (!AnyMatches(v, violations)) {
      f->push_back("no violation matches " + Canonical(v) + "; violations: " +
                   Canonical(violations));
    }
  }
  if (expect.value("noViolations", false) && !violations.empty()) {
    f->push_back("expected no violations, got " + Canonical(violations));
  }
  for (const Json& want : expect.value("accessDiff", Json::array())) {
    Json totals = Json{{"gained", 0}, {"lost", 0}, {"scopes", 0}};
    // A member without a change in power has none of each kind.
    Json power = Json{{"manages", Json::array()},
                      {"sees", Json::array()},
                      {"selfUpgrades", {{"gained", Json::array()}, {"lost", Json::array()}}},
                      {"claims", {{"gained", Json::array()}, {"lost", Json::array()}}}};
    for (const Json& m : actual["accessDiff"]["members"]) {
      if (m["member"] != want["member"]) continue;
      totals = m["totals"];
      if (m.contains("power")) power = m["power"];
    }
    if (auto p = want.find("power"); p != want.end()) {
      for (auto it = p->begin(); it != p->end(); ++it) {
        if (power.value(it.key(), Json()) != it.value()) {
          f->push_back("power of " + Q(want.value("member", "")) + ": " + it.key() + " expected " +
                       Canonical(it.value()) + ", got " + Canonical(power.value(it.key(), Json())));
        }
      }
    }
    for (const char* key : {"gained", "lost", "scopes"}) {
      if (want.contains(key) && want[key] != totals[key]) {
        f->push_back("access of " + Q(want.value("member", "")) + ": " + key + " expected " +
                     Canonical(want[key]) + ", got " + Canonical(totals[key]));
      }
    }
  }
  if (expect.contains("blocked") && expect["blocked"] != actual["summary"]["blocked"]) {
    f->push_back("blocked: expected " + Canonical(expect["blocked"]) + ", got " +
                 Canonical(actual["summary"]["blocked"]));
  }
}

void CheckWhatCan(const Json& expect, const Json& actual, std::vector<std::string>* f) {
  if (!actual.value("ok", false)) {
    f->push_back("query rejected: " + Canonical(actual["errors"]));
    return;
  }
  std::set<std::string> got = Strings(actual["permissions"], "permission");
  if (expect.contains("permissions")) {
    CompareSet("permissions", Strings(expect["permissions"]), got, f);
  }
  for (const std::string& p : Strings(expect.value("includes", Json::array()))) {
    if (!got.count(p)) f->push_back("permission " + Q(p) + " expected, not granted");
  }
  for (const std::string& p : Strings(expect.value("excludes", Json::array()))) {
    if (got.count(p)) f->push_back("permission " + Q(p) + " granted, but must not be");
  }
}

void CheckWhoCan(const Json& expect, const Json& actual, std::vector<std::string>* f) {
  if (!actual.value("ok", false)) {
    f->push_back("query rejected: " + Canonical(actual["errors"]));
    return;
  }
  if (expect.contains("members")) {
    CompareSet("members", Strings(expect["members"]), Strings(actual["members"], "member"), f);
  }
}

void CheckVisible(const Json& expect, const Json& actual, std::vector<std::string>* f) {
  if (!actual.value("ok", false)) {
    f->push_back("query rejected: " + Canonical(actual["errors"]));
    return;
  }
  if (!expect.contains("members")) return;
  CompareSet("visible members", Strings(expect["members"], "member"),
             Strings(actual["members"], "member"), f);
  for (const Json& e : expect["members"]) {
    if (!e.contains("email")) continue;
    for (const Json& a : actual["members"]) {
      if (a["member"] != e["member"]) continue;
      bool shown = a.contains("email");
      if (shown != e["email"].get<bool>()) {
        f->push_back("member " + Q(e.value("member", "")) + ": e-mail " +
                     (shown ? "shown, but must be hidden" : "hidden, but must be shown"));
      }
    }
  }
}

// The shape of a list of expected errors ({code, pointer} each: a case's
// `expect.errors`, a scenario's `expectBundleErrors`), so that ExpectErrors never
// meets a wrong type.
void CheckExpectedErrors(const Json& errors, const std::string& p, Shape* shape) {
  for (size_t i = 0; i < errors.size(); ++i) {
    std::string ep = PointerAppend(p, i);
    if (shape->Object(errors[i], ep, {"code", "pointer"})) {
      shape->String(errors[i], "code", ep, true);
      shape->String(errors[i], "pointer", ep, false);
    }
  }
}

// The shape of a case's `expect`, so that comparing never meets a wrong type.
void CheckExpect(const Json& e, const std::string& p, Shape* shape) {
  if (!shape->Object(e, p,
                     {"effect", "reasons", "absentReasons", "approvals", "verifications",
                      "errors", "permissions", "includes", "excludes", "members",
                      "operations", "events", "absentEvents", "eventCount", "violations",
                      "noViolations", "accessDiff", "blocked"})) {
    return;
  }
  if (const Json* ops = shape->Array(e, "operations", p, false, 1 << 20)) {
    for (size_t i = 0; i < ops->size(); ++i) {
      std::string op = PointerAppend(PointerAppend(p, "operations"), i);
      if (!shape->Object((*ops)[i], op, {"effect", "reasons", "approvals", "verifications"})) {
        continue;
      }
      shape->String((*ops)[i], "effect", op, true);
      shape->IdList((*ops)[i], "reasons", op, false, 1 << 20);
      shape->Array((*ops)[i], "approvals", op, false, 1 << 20);
      shape->Array((*ops)[i], "verifications", op, false, 1 << 20);
    }
  }
  for (const char* key : {"events", "absentEvents", "violations"}) {
    if (const Json* list = shape->Array(e, key, p, false, 1 << 20)) {
      for (size_t i = 0; i < list->size(); ++i) {
        if (!(*list)[i].is_object()) {
          shape->Add("wrong_type", PointerAppend(PointerAppend(p, key), i), "expected an object");
        }
      }
    }
  }
  shape->Integer(e, "eventCount", p, false, 0, 1 << 30);
  shape->Bool(e, "noViolations", p);
  shape->Bool(e, "blocked", p);
  if (const Json* diff = shape->Array(e, "accessDiff", p, false, 1 << 20)) {
    for (size_t i = 0; i < diff->size(); ++i) {
      std::string dp = PointerAppend(PointerAppend(p, "accessDiff"), i);
      if (!shape->Object((*diff)[i], dp, {"member", "gained", "lost", "scopes", "power"})) continue;
      shape->Id((*diff)[i], "member", dp, true);
      for (const char* k : {"gained", "lost", "scopes"}) {
        shape->Integer((*diff)[i], k, dp, false, 0, 1 << 30);
      }
      // power: any of its four parts, each compared whole with the member's.
      if (const Json* power = shape->Field((*diff)[i], "power", dp, false)) {
        const std::string pp = PointerAppend(dp, "power");
        if (shape->Object(*power, pp, {"manages", "sees", "selfUpgrades", "claims"})) {
          shape->Array(*power, "manages", pp, false, 1 << 20);
          shape->Array(*power, "sees", pp, false, 1 << 20);
          for (const char* k : {"selfUpgrades", "claims"}) {
            if (const Json* part = shape->Field(*power, k, pp, false)) {
              const std::string kp = PointerAppend(pp, k);
              if (shape->Object(*part, kp, {"gained", "lost"})) {
                shape->Array(*part, "gained", kp, true, 1 << 20);
                shape->Array(*part, "lost", kp, true, 1 << 20);
              }
            }
          }
        }
      }
    }
  }
  if (const std::string* effect = shape->String(e, "effect", p, false)) {
    if (*effect != "allow" && *effect != "deny" && *effect != "conditional") {
      shape->Add("invalid_value", PointerAppend(p, "effect"),
                 "unknown effect " + Q(*effect) + ": expected allow, deny or conditional");
    }
  }
  for (const char* key : {"reasons", "absentReasons", "permissions", "includes", "excludes"}) {
    shape->IdList(e, key, p, false, 1 << 20);
  }
  for (const char* key : {"approvals", "verifications"}) shape->Array(e, key, p, false, 1 << 20);
  if (const Json* errors = shape->Array(e, "errors", p, false, 1 << 20)) {
    CheckExpectedErrors(*errors, PointerAppend(p, "errors"), shape);
  }
  if (const Json* members = shape->Field(e, "members", p, false)) {
    std::string mp = PointerAppend(p, "members");
    if (!members->is_array()) {
      shape->Add("wrong_type", mp, "expected an array");
    } else {
      for (size_t i = 0; i < members->size(); ++i) {
        const Json& m = (*members)[i];
        std::string ip = PointerAppend(mp, i);
        if (m.is_string()) continue;  // whoCan: member ids
        if (shape->Object(m, ip, {"member", "email"})) {  // visibleMembers
          shape->Id(m, "member", ip, true);
          shape->Bool(m, "email", ip);
        }
      }
    }
  }
}

// The questions a case (or a step) asks: exactly one of these.
constexpr const char* kKinds[] = {"check", "whatCan", "whoCan", "visibleMembers", "simulate"};

// At most this many steps in a case (as in a what-if chain).
constexpr size_t kMaxSteps = 64;

// The shape of a case's or a step's question and its `expect`.
void CheckQuestion(const Json& c, const std::string& p, const char* exactly_one, Shape* shape) {
  int kinds = 0;
  for (const char* k : kKinds) kinds += c.contains(k) ? 1 : 0;
  if (kinds != 1) shape->Add("invalid_value", p, exactly_one);
  if (const Json* e = shape->Field(c, "expect", p, true)) {
    CheckExpect(*e, PointerAppend(p, "expect"), shape);
  }
}

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
    CheckDecision(expect, *actual, failures);
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
    CheckSimulation(expect, *actual, failures);
    if (!bundle_after.is_null()) {
      LoadResult next = CompilePolicy(bundle_after, limits);
      asked.next = next.policy;
      asked.unloadable = !next.ok();
    }
  } else if (c.contains("whatCan")) {
    *actual = policy.WhatCan(c["whatCan"]);
    CheckWhatCan(expect, *actual, failures);
  } else if (c.contains("whoCan")) {
    *actual = policy.WhoCan(c["whoCan"]);
    CheckWhoCan(expect, *actual, failures);
  } else {
    *actual = policy.VisibleMembers(c["visibleMembers"]);
    CheckVisible(expect, *actual, failures);
  }
  return asked;
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
  Shape shape(&report.errors);
  if (!shape.Object(doc, "",
                    {"$schema", "format", "name", "description", "bundle", "now", "cases",
                     "expectBundleErrors"})) {
    return report;
  }
  if (const std::string* f = shape.String(doc, "format", "", true)) {
    if (*f != "rolegate-scenario/1") {
      shape.Add("unsupported_format", "/format",
                "unsupported format " + Q(*f) + ": expected `rolegate-scenario/1`");
    }
  }
  if (const std::string* n = shape.String(doc, "name", "", true)) report.name = *n;
  shape.String(doc, "description", "", false);
  shape.String(doc, "$schema", "", false);  // for editors; the runner ignores it
  std::string now;
  if (const std::string* s = shape.Timestamp(doc, "now", "", false)) now = *s;
  const Json* cases = shape.Array(doc, "cases", "", false, limits.max_batch);
  const Json* expect_errors = shape.Array(doc, "expectBundleErrors", "", false, 1024);
  if (expect_errors != nullptr) CheckExpectedErrors(*expect_errors, "/expectBundleErrors", &shape);

  // The cases' shape, before any is run.
  std::set<std::string> ids;
  if (cases != nullptr) {
    for (size_t i = 0; i < cases->size(); ++i) {
      std::string p = PointerAppend("/cases", i);
      const Json& c = (*cases)[i];
      if (!shape.Object(c, p,
                        {"id", "seed", "quote", "description", "check", "whatCan", "whoCan",
                         "visibleMembers", "simulate", "steps", "expect"})) {
        continue;
      }
      if (const std::string* id = shape.Id(c, "id", p, true)) {
        if (!ids.insert(*id).second) {
          shape.Add("duplicate_id", PointerAppend(p, "id"), "duplicate case id " + Q(*id));
        }
      }
      shape.String(c, "seed", p, false);
      shape.String(c, "quote", p, false);
      shape.String(c, "description", p, false);
      if (!c.contains("steps")) {
        CheckQuestion(c, p, "a case needs exactly one of `check`, `whatCan`, `whoCan`, "
                            "`visibleMembers`, `simulate`, `steps`", &shape);
        continue;
      }
      const std::string sp = PointerAppend(p, "steps");
      int kinds = 0;
      for (const char* k : kKinds) kinds += c.contains(k) ? 1 : 0;
      if (kinds != 0 || c.contains("expect")) {
        shape.Add("invalid_value", p,
                  "a case of `steps` gives its questions and expectations in its steps, "
                  "not beside them");
      }
      const Json* steps = shape.Array(c, "steps", p, true, kMaxSteps);
      if (steps != nullptr && steps->empty()) {
        shape.Add("invalid_value", sp, "a case of `steps` needs at least one step");
      }
      for (size_t k = 0; steps != nullptr && k < steps->size(); ++k) {
        const std::string kp = PointerAppend(sp, k);
        const Json& step = (*steps)[k];
        if (!shape.Object(step, kp,
                          {"description", "check", "whatCan", "whoCan", "visibleMembers",
                           "simulate", "expect"})) {
          continue;
        }
        shape.String(step, "description", kp, false);
        CheckQuestion(step, kp, "a step needs exactly one of `check`, `whatCan`, `whoCan`, "
                                "`visibleMembers`, `simulate`", &shape);
      }
    }
  }
  if (const Json* b = shape.Field(doc, "bundle", "", true);
      b != nullptr && !b->is_string() && !b->is_object()) {
    shape.Add("wrong_type", "/bundle", "expected a path or an inline bundle");
  }
  if (!report.errors.empty()) return report;

  const Json& bundle = doc["bundle"];
  LoadResult loaded;
  if (bundle.is_string()) {
    std::optional<std::string> text = resolve(bundle.get<std::string>());
    if (!text) {
      report.errors.push_back({"bundle_unreadable", "/bundle",
                               "cannot read bundle " + Q(bundle.get<std::string>())});
      return report;
    }
    loaded = LoadPolicy(*text, limits);
  } else {
    loaded = CompilePolicy(bundle, limits);
  }

  if (expect_errors != nullptr) {
    CaseResult r;
    r.id = "bundle-errors";
    if (loaded.ok()) {
      r.failures.push_back("the bundle loaded, but errors were expected");
    } else {
      ExpectErrors(*expect_errors, ErrorsToJson(loaded.errors)["errors"], &r.failures);
    }
    r.actual = ErrorsToJson(loaded.errors);
    r.passed = r.failures.empty();
    report.cases.push_back(std::move(r));
  } else if (!loaded.ok()) {
    for (Error e : loaded.errors) {
      e.message = "bundle: " + e.message;
      e.pointer = "/bundle" + e.pointer;
      report.errors.push_back(std::move(e));
    }
    return report;
  }
  if (cases == nullptr || !loaded.ok()) return report;

  for (const Json& c : *cases) {
    CaseResult r;
    r.id = c["id"].get<std::string>();
    if (!c.contains("steps")) {
      Ask(*loaded.policy, c, now, false, limits, &r.actual, &r.failures);
    } else {
      // Each step on the state the steps before it left, as a server applying
      // them would: a change set it would commit moves the state on to its
      // bundle after; one it would refuse changes nothing.
      std::shared_ptr<const Policy> state = loaded.policy;
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
    }
    r.passed = r.failures.empty();
    report.cases.push_back(std::move(r));
  }
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
