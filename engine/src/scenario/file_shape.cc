// The shape of a scenario file (file_shape.h).
#include "scenario/file_shape.h"

#include <set>

#include "base/text.h"

namespace rolegate {
namespace internal {
namespace {

void CheckExpectedOperations(const Json& e, const std::string& p, Shape* shape) {
  const Json* ops = shape->Array(e, "operations", p, false, 1 << 20);
  if (ops == nullptr) return;
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

// power: any of its four parts, each compared whole with the member's.
void CheckExpectedPower(const Json& entry, const std::string& dp, Shape* shape) {
  const Json* power = shape->Field(entry, "power", dp, false);
  if (power == nullptr) return;
  const std::string pp = PointerAppend(dp, "power");
  if (!shape->Object(*power, pp, {"manages", "sees", "selfUpgrades", "claims"})) return;
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

void CheckExpectedAccessDiff(const Json& e, const std::string& p, Shape* shape) {
  const Json* diff = shape->Array(e, "accessDiff", p, false, 1 << 20);
  if (diff == nullptr) return;
  for (size_t i = 0; i < diff->size(); ++i) {
    std::string dp = PointerAppend(PointerAppend(p, "accessDiff"), i);
    if (!shape->Object((*diff)[i], dp, {"member", "gained", "lost", "scopes", "power"})) continue;
    shape->Id((*diff)[i], "member", dp, true);
    for (const char* k : {"gained", "lost", "scopes"}) {
      shape->Integer((*diff)[i], k, dp, false, 0, 1 << 30);
    }
    CheckExpectedPower((*diff)[i], dp, shape);
  }
}

void CheckExpectedMembers(const Json& e, const std::string& p, Shape* shape) {
  const Json* members = shape->Field(e, "members", p, false);
  if (members == nullptr) return;
  std::string mp = PointerAppend(p, "members");
  if (!members->is_array()) {
    shape->Add("wrong_type", mp, "expected an array");
    return;
  }
  for (size_t i = 0; i < members->size(); ++i) {
    const Json& m = (*members)[i];
    std::string ip = PointerAppend(mp, i);
    if (m.is_string()) continue;                      // whoCan: member ids
    if (shape->Object(m, ip, {"member", "email"})) {  // visibleMembers
      shape->Id(m, "member", ip, true);
      shape->Bool(m, "email", ip);
    }
  }
}

// The shape of a case's `expect`.
void CheckExpect(const Json& e, const std::string& p, Shape* shape) {
  if (!shape->Object(
          e, p,
          {"effect", "reasons", "absentReasons", "approvals", "verifications", "errors",
           "permissions", "includes", "excludes", "members", "operations", "events", "absentEvents",
           "eventCount", "violations", "noViolations", "accessDiff", "blocked"})) {
    return;
  }
  CheckExpectedOperations(e, p, shape);
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
  CheckExpectedAccessDiff(e, p, shape);
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
  CheckExpectedMembers(e, p, shape);
}

// The questions a case (or a step) asks: exactly one of these.
constexpr const char* kKinds[] = {"check", "whatCan", "whoCan", "visibleMembers", "simulate"};

// The shape of a case's or a step's question and its `expect`.
void CheckQuestion(const Json& c, const std::string& p, const char* exactly_one, Shape* shape) {
  int kinds = 0;
  for (const char* k : kKinds) kinds += c.contains(k) ? 1 : 0;
  if (kinds != 1) shape->Add("invalid_value", p, exactly_one);
  if (const Json* e = shape->Field(c, "expect", p, true)) {
    CheckExpect(*e, PointerAppend(p, "expect"), shape);
  }
}

// A case of `steps`: its steps' questions and expectations, none beside them.
void CheckSteps(const Json& c, const std::string& p, Shape* shape) {
  const std::string sp = PointerAppend(p, "steps");
  int kinds = 0;
  for (const char* k : kKinds) kinds += c.contains(k) ? 1 : 0;
  if (kinds != 0 || c.contains("expect")) {
    shape->Add("invalid_value", p,
               "a case of `steps` gives its questions and expectations in its steps, "
               "not beside them");
  }
  const Json* steps = shape->Array(c, "steps", p, true, kMaxSteps);
  if (steps != nullptr && steps->empty()) {
    shape->Add("invalid_value", sp, "a case of `steps` needs at least one step");
  }
  for (size_t k = 0; steps != nullptr && k < steps->size(); ++k) {
    const std::string kp = PointerAppend(sp, k);
    const Json& step = (*steps)[k];
    if (!shape->Object(step, kp,
                       {"description", "check", "whatCan", "whoCan", "visibleMembers", "simulate",
                        "expect"})) {
      continue;
    }
    shape->String(step, "description", kp, false);
    CheckQuestion(step, kp,
                  "a step needs exactly one of `check`, `whatCan`, `whoCan`, "
                  "`visibleMembers`, `simulate`",
                  shape);
  }
}

}  // namespace

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

void CheckCases(const Json& cases, Shape* shape) {
  std::set<std::string> ids;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string p = PointerAppend("/cases", i);
    const Json& c = cases[i];
    if (!shape->Object(c, p,
                       {"id", "seed", "quote", "description", "check", "whatCan", "whoCan",
                        "visibleMembers", "simulate", "steps", "expect"})) {
      continue;
    }
    if (const std::string* id = shape->Id(c, "id", p, true)) {
      if (!ids.insert(*id).second) {
        shape->Add("duplicate_id", PointerAppend(p, "id"), "duplicate case id " + Q(*id));
      }
    }
    shape->String(c, "seed", p, false);
    shape->String(c, "quote", p, false);
    shape->String(c, "description", p, false);
    if (c.contains("steps")) {
      CheckSteps(c, p, shape);
    } else {
      CheckQuestion(c, p,
                    "a case needs exactly one of `check`, `whatCan`, `whoCan`, "
                    "`visibleMembers`, `simulate`, `steps`",
                    shape);
    }
  }
}

}  // namespace internal
}  // namespace rolegate
