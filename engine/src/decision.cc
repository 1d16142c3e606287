#include "rolegate/decision.h"

namespace rolegate {

const char* EffectName(Effect effect) {
  switch (effect) {
    case Effect::kAllow:
      return "allow";
    case Effect::kDeny:
      return "deny";
    case Effect::kConditional:
      return "conditional";
  }
  return "deny";
}

Json DecisionToJson(const Decision& d) {
  Json reasons = Json::array();
  for (const Reason& r : d.reasons) {
    Json entry = r.facts;
    entry["code"] = r.code;
    entry["message"] = r.message;
    reasons.push_back(std::move(entry));
  }
  Json approvals = Json::array();
  for (const ApprovalRequirement& a : d.approvals) {
    Json entry{{"rule", a.rule}, {"approvers", a.approvers}, {"quorum", a.quorum}};
    if (a.expires_after_days) entry["expiresAfterDays"] = *a.expires_after_days;
    approvals.push_back(std::move(entry));
  }
  Json verifications = Json::array();
  for (const VerificationRequirement& v : d.verifications) {
    verifications.push_back(
        Json{{"rule", v.rule}, {"method", v.method}, {"validForDays", v.valid_for_days}});
  }
  return Json{{"ok", true},
              {"actor", d.actor},
              {"action", d.action},
              {"resource", d.resource},
              {"effect", EffectName(d.effect)},
              {"reasons", std::move(reasons)},
              {"requirements",
               {{"approvals", std::move(approvals)}, {"verifications", std::move(verifications)}}}};
}

}  // namespace rolegate
