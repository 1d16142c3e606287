// Comparing answers with expectations (expect.h).
#include "scenario/expect.h"

#include <algorithm>
#include <iterator>
#include <set>

#include "base/text.h"
#include "rolegate/policy.h"

namespace rolegate {
namespace internal {
namespace {

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

void CheckOperation(const Json& want, const Json& got, const std::string& at,
                    std::vector<std::string>* f) {
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
      f->push_back(at + key + ": expected " + Canonical(want[key]) + ", got " + Canonical(list));
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

void CheckOperations(const Json& expect, const Json& ops, std::vector<std::string>* f) {
  if (expect["operations"].size() != ops.size()) {
    f->push_back("operations: expected " + std::to_string(expect["operations"].size()) + ", got " +
                 std::to_string(ops.size()));
  }
  for (size_t i = 0; i < expect["operations"].size() && i < ops.size(); ++i) {
    CheckOperation(expect["operations"][i], ops[i], "operation " + std::to_string(i) + ": ", f);
  }
}

void CheckEventsAndViolations(const Json& expect, const Json& actual, std::vector<std::string>* f) {
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
      f->push_back("no violation matches " + Canonical(v) +
                   "; violations: " + Canonical(violations));
    }
  }
  if (expect.value("noViolations", false) && !violations.empty()) {
    f->push_back("expected no violations, got " + Canonical(violations));
  }
}

void CheckAccessDiff(const Json& want, const Json& diff, std::vector<std::string>* f) {
  Json totals = Json{{"gained", 0}, {"lost", 0}, {"scopes", 0}};
  // A member without a change in power has none of each kind.
  Json power = Json{{"manages", Json::array()},
                    {"sees", Json::array()},
                    {"selfUpgrades", {{"gained", Json::array()}, {"lost", Json::array()}}},
                    {"claims", {{"gained", Json::array()}, {"lost", Json::array()}}}};
  for (const Json& m : diff["members"]) {
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

}  // namespace

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
  if (expect.contains("operations")) CheckOperations(expect, actual["operations"], f);
  CheckEventsAndViolations(expect, actual, f);
  for (const Json& want : expect.value("accessDiff", Json::array())) {
    CheckAccessDiff(want, actual["accessDiff"], f);
  }
  if (expect.contains("blocked") && expect["blocked"] != actual["summary"]["blocked"]) {
    f->push_back("blocked: expected " + Canonical(expect["blocked"]) + ", got " +
                 Canonical(actual["summary"]["blocked"]));
  }
}

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

}  // namespace internal
}  // namespace rolegate
