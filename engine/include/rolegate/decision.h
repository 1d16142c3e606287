// The answer to a request: an effect, the requirements that make it conditional,
// and the reasons behind it.
#ifndef ROLEGATE_DECISION_H_
#define ROLEGATE_DECISION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rolegate/json.h"
#include "rolegate/request.h"

namespace rolegate {

enum class Effect { kAllow, kDeny, kConditional };

const char* EffectName(Effect effect);

struct Reason {
  std::string code;             // e.g. "granted_by", "rank_too_low"
  Json facts = Json::object();  // the facts behind it, e.g. {"have": 30, "need": 40}
  std::string message;          // plain words
};

struct ApprovalRequirement {
  std::string rule;
  std::vector<std::string> approvers;  // member ids, sorted, never the requester
  int64_t quorum = 1;
  std::optional<int64_t> expires_after_days;
};

struct VerificationRequirement {
  std::string rule;
  std::string method;  // e.g. "postal_pin"
  int64_t valid_for_days = 0;
};

struct Decision {
  std::string actor, action, resource;
  Effect effect = Effect::kDeny;
  std::vector<Reason> reasons;  // sorted by code, then facts
  std::vector<ApprovalRequirement> approvals;
  std::vector<VerificationRequirement> verifications;
};

// The canonical decision object: {"ok": true, "actor", "action", "resource",
// "effect", "reasons", "requirements"}.
Json DecisionToJson(const Decision& decision);

// Canonical(DecisionToJson(decision)), byte for byte, written without building
// the JSON document: the explained check's answer, on its hot path.
std::string DecisionToCanonical(const Decision& decision);

}  // namespace rolegate

#endif  // ROLEGATE_DECISION_H_
