// Approval rules (decider.h): which rules stand between the actor and the
// action, their conditions, and who may approve.
#include <algorithm>
#include <map>
#include <set>

#include "base/text.h"
#include "bundle.h"
#include "decide/decider.h"
#include "shape.h"
#include "view.h"

namespace rolegate {
namespace internal {

std::optional<bool> Compare(const Json& have, Op op, const Json& want) {
  if (op == Op::kIn) {
    if (!want.is_array()) return std::nullopt;
    bool comparable = false;
    for (const Json& w : want) {
      bool same = w.type() == have.type() || (w.is_number_integer() && have.is_number_integer());
      if (!same) continue;
      comparable = true;
      if (w == have) return true;
    }
    // A value none of the list's can be compared with cannot be judged: fail closed.
    if (!comparable) return std::nullopt;
    return false;
  }
  bool both_int = have.is_number_integer() && want.is_number_integer();
  if (!both_int && have.type() != want.type()) return std::nullopt;
  switch (op) {
    case Op::kEq:
      return have == want;
    case Op::kNe:
      return have != want;
    case Op::kLt:
      return have < want;
    case Op::kLe:
      return have <= want;
    case Op::kGt:
      return have > want;
    case Op::kGe:
      return have >= want;
    case Op::kIn:
      break;
  }
  return std::nullopt;
}

std::optional<bool> CompareCondition(const Json& have, Op op, const Json& want) {
  return Compare(have, op, want);
}

template <typename V>
std::vector<std::string> EligibleApprovers(const V& v, const ApprovalRule& rule, Index resource,
                                           Index requester, const std::string& now) {
  const Model& m = v.model();
  std::set<std::string> out;
  ForEachBindingCovering(v, resource, [&](uint32_t b) {
    const Binding& bd = v.binding(b);
    if (bd.member == requester || Model::Expired(bd, now)) return;
    if (v.member(bd.member).status != MemberStatus::kActive) return;
    bool qualifies = rule.approver_permission != kNone
                         ? m.roles[bd.role].permissions.Test(rule.approver_permission)
                         : std::find(rule.approver_roles.begin(), rule.approver_roles.end(),
                                     bd.role) != rule.approver_roles.end();
    if (qualifies) out.insert(v.member(bd.member).id);
  });
  return std::vector<std::string>(out.begin(), out.end());
}

template <typename V>
std::vector<std::string> Decider<V>::Approvers(const ApprovalRule& rule) const {
  return EligibleApprovers(v_, rule, resource_, actor_, req_.now);
}

template <typename V>
void Decider<V>::CheckApprovals(Index permission) {
  const Scope& scope = m_.scopes[resource_];
  bool unreachable = false;
  for (Index ri : m_.approval_rules_by_permission[permission]) {
    const ApprovalRule& rule = m_.approval_rules[ri];
    if (rule.scope_mask != 0 && !((rule.scope_mask >> scope.type) & 1u)) continue;
    if (!rule.scopes.empty() && std::none_of(rule.scopes.begin(), rule.scopes.end(), [&](Index s) {
          return m_.IsAncestorOrSelf(s, resource_);
        })) {
      continue;
    }
    if (!rule.requester_roles.empty()) {
      bool holds = false;
      for (Index b : live_) {
        const std::vector<Index>& rr = rule.requester_roles;
        if (std::find(rr.begin(), rr.end(), v_.binding(b).role) != rr.end()) holds = true;
      }
      if (!holds) continue;
    }
    bool applies = true;
    std::vector<std::pair<const char*, std::string>> notes;
    for (const Condition& c : rule.when) {
      auto it = req_.attributes.find(c.attribute);
      if (it == req_.attributes.end()) {
        notes.push_back({"condition_attribute_missing", c.attribute});
        continue;  // fail closed: the condition counts as holding
      }
      std::optional<bool> r = Compare(*it, c.op, c.value);
      if (!r) {
        notes.push_back({"condition_type_mismatch", c.attribute});
        continue;
      }
      if (!*r) {
        applies = false;
        break;
      }
    }
    if (!applies) continue;
    for (const auto& [code, attribute] : notes) {
      if (explain_)
        Add(code, Json{{"rule", rule.id}, {"attribute", attribute}},
            std::string("rule ") + Q(rule.id) + " applies because attribute " + Q(attribute) +
                (std::string(code) == "condition_attribute_missing"
                     ? " is missing from the request"
                     : " has a type its condition cannot compare"));
    }
    std::vector<std::string> approvers = Approvers(rule);
    if (static_cast<int64_t>(approvers.size()) < rule.quorum) {
      unreachable = true;
      if (explain_)
        Add("approval_unreachable",
            Json{{"rule", rule.id},
                 {"have", static_cast<int64_t>(approvers.size())},
                 {"need", rule.quorum}},
            "rule " + Q(rule.id) + " needs " + std::to_string(rule.quorum) +
                " approval(s), but only " + std::to_string(approvers.size()) +
                " member(s) could approve on " + ScopeWord(resource_));
      continue;
    }
    if (explain_)
      Add(
          "approval_required", Json{{"rule", rule.id}},
          "rule " + Q(rule.id) + " requires " + std::to_string(rule.quorum) +
              " approval(s) from: " + [&] {
                std::string s;
                for (const std::string& a : approvers) s += (s.empty() ? "" : ", ") + Q(a);
                return s;
              }());
    d_->approvals.push_back(
        ApprovalRequirement{rule.id, std::move(approvers), rule.quorum, rule.expires_after_days});
  }
  if (unreachable) {
    Deny();
    d_->approvals.clear();
  } else if (!d_->approvals.empty()) {
    d_->effect = Effect::kConditional;
  }
}

template std::vector<std::string> Decider<Model>::Approvers(const ApprovalRule&) const;
template void Decider<Model>::CheckApprovals(Index);
template std::vector<std::string> Decider<Overlay>::Approvers(const ApprovalRule&) const;
template void Decider<Overlay>::CheckApprovals(Index);

template std::vector<std::string> EligibleApprovers<Model>(const Model&, const ApprovalRule&, Index,
                                                           Index, const std::string&);
template std::vector<std::string> EligibleApprovers<Overlay>(const Overlay&, const ApprovalRule&,
                                                             Index, Index, const std::string&);

}  // namespace internal
}  // namespace rolegate
