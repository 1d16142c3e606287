// The attributes a check of an action reads (Policy::CheckAttributes), as the
// decider reads them: `role` and `target` for a rankLimited permission (DecideIn
// requires one of them, rank_limit.cc compares both), `role` for a self-upgrade
// (the role wanted, required) or a claim (the role claimed, optional), and every
// attribute the approval rules on the action compare in `when` (approvals.cc).
// The admin app's access form asks for these.
#include <algorithm>
#include <string>
#include <vector>

#include "base/text.h"
#include "model.h"
#include "rolegate/policy.h"
#include "shape.h"

namespace rolegate {

Json Policy::CheckAttributes(const Json& query) const {
  const internal::Model& m = *model_;
  Errors errors;
  internal::Shape shape(&errors);
  std::string action;
  if (shape.Object(query, "", {"action"})) {
    if (const std::string* a = shape.Id(query, "action", "", true)) action = *a;
  }
  const internal::Index* permission = m.Find(m.permission_index, action);
  const bool upgrade = m.self_upgrades_by_action.count(action) > 0;
  const bool claim = m.claims_by_action.count(action) > 0;
  if (errors.empty() && permission == nullptr && !upgrade && !claim) {
    errors.push_back({"unknown_action", "/action", "unknown action " + internal::Q(action)});
  }
  if (!errors.empty()) return ErrorsToJson(errors);
  const bool rank_limited = permission != nullptr && m.permissions[*permission].rank_limited;
  // The approval rules' conditions, in the order the rules and their `when` list
  // them; `role` and `target` are the operation's own.
  std::vector<std::string> others;
  if (permission != nullptr) {
    for (const internal::ApprovalRule& rule : m.approval_rules) {
      if (std::find(rule.actions.begin(), rule.actions.end(), *permission) == rule.actions.end()) {
        continue;
      }
      for (const internal::Condition& c : rule.when) {
        if (c.attribute == "role" || c.attribute == "target") continue;
        if (std::find(others.begin(), others.end(), c.attribute) == others.end()) {
          others.push_back(c.attribute);
        }
      }
    }
  }
  return Json{{"ok", true},
              {"action", action},
              {"role", rank_limited || upgrade || claim},
              {"target", rank_limited},
              {"others", others}};
}

}  // namespace rolegate
