// What one operation came to, and the changes it makes: what every operation
// kind's `apply` fills in (ops/*.cc), and the simulator judges and keeps.
#ifndef ROLEGATE_CHANGE_OUTCOME_H_
#define ROLEGATE_CHANGE_OUTCOME_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "overlay.h"
#include "reach.h"
#include "rolegate/decision.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// A reason: {code, message, ...facts}.
inline Json Reason(const char* code, std::string message, Json facts = Json::object()) {
  facts["code"] = code;
  facts["message"] = std::move(message);
  return facts;
}

// Why a role or rule goes beyond its actor (reach.h), as a reason.
inline Json Reason(const Beyond& b) {
  Json facts = b.facts;
  facts["code"] = b.code;
  facts["message"] = b.message;
  return facts;
}

// What one operation came to.
struct Outcome {
  Effect effect = Effect::kAllow;
  Json checks = Json::array();
  Json reasons = Json::array();
  Json approvals = Json::array();
  Json verifications = Json::array();
  std::vector<Json> events;
  // A role request the operation recorded: {"id", "deciders", "expiresAt"?}.
  Json request;
  // The operation a conditional outcome waits on approval for, when it is not
  // the submitted one (a role request's grant): what its approval request holds.
  std::optional<Json> pending_operation;

  void Deny(Json reason) {
    effect = Effect::kDeny;
    reasons.push_back(std::move(reason));
  }
  // Refused after it was applied (an invariant, an invalid result): nothing it
  // would have sent or asked for stands.
  void Withdraw() {
    events.clear();
    approvals = Json::array();
    verifications = Json::array();
  }
};

// The changes one operation makes. Role and status changes go to `overlay` (a
// copy of the state's overlay); operations that change anything else (roles,
// rules, pending records, new members) work on `json`, the whole bundle,
// materialized on first use. Once materialized, all changes go to `json`.
struct Edit {
  explicit Edit(const Overlay& o) : overlay(o) {}
  Overlay overlay;
  std::optional<Json> json;
  std::vector<uint32_t> added;  // bindings the operation added to `overlay`
  bool changed = false;
  Json& J() {
    if (!json) json = overlay.Materialize();
    return *json;
  }
  // The list `key` of the materialized bundle, created empty when absent.
  Json& List(const char* key) {
    Json& j = J();
    if (!j.contains(key) || !j[key].is_array()) j[key] = Json::array();
    return j[key];
  }
  // Removes the entry `id` from the list `key` (a change, whether or not it was there).
  void RemoveById(const char* key, const std::string& id) {
    Json& list = List(key);
    Json kept = Json::array();
    for (Json& x : list) {
      if (x.value("id", "") != id) kept.push_back(std::move(x));
    }
    list = std::move(kept);
    changed = true;
  }
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_OUTCOME_H_
