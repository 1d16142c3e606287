// Pending requests (docs/changes.md, "Approvals" and "Access requests"): their
// status in a state, and who may decide them. Shared by simulation (the
// operations that decide them) and the approval-status query (Policy::ApprovalStatus).
// Templates over a view of the state: a Model or an Overlay.
#ifndef ROLEGATE_QUERY_REQUESTS_H_
#define ROLEGATE_QUERY_REQUESTS_H_

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "model.h"
#include "overlay.h"
#include "rolegate/decision.h"
#include "rolegate/json.h"
#include "rolegate/policy.h"

namespace rolegate {
namespace internal {

// The status of an approval request in state `v` at `now`, as in ApprovalStatus.
template <typename V>
Json RequestStatus(const V& v, const ApprovalRequestRecord& request, const std::string& now) {
  const Model& m = v.model();
  const ApprovalRule* rule = nullptr;
  for (const ApprovalRule& r : m.approval_rules) {
    if (r.id == request.rule) rule = &r;
  }
  const Index* resource = m.scope_index.Get(request.resource);
  const Index* requester = v.FindMember(request.requester);
  std::vector<std::string> eligible;
  if (rule != nullptr && resource != nullptr && requester != nullptr) {
    eligible = EligibleApprovers(v, *rule, *resource, *requester, now);
  }
  std::set<std::string> approvals, rejections;
  for (const ApprovalRequestRecord::Decision& d : request.decisions) {
    if (!std::binary_search(eligible.begin(), eligible.end(), d.member)) continue;
    (d.decision == "approve" ? approvals : rejections).insert(d.member);
  }
  int64_t quorum = rule ? rule->quorum : 1;
  std::string status = "pending";
  if (rule == nullptr) {
    status = "rejected";  // its rule is gone: nothing can approve it
  } else if (!rejections.empty()) {
    status = "rejected";
  } else if (static_cast<int64_t>(approvals.size()) >= quorum) {
    status = "approved";
  } else if (request.expires_at && *request.expires_at <= now) {
    status = "expired";
  }
  return Json{{"ok", true},
              {"request", request.id},
              {"status", status},
              {"approvals", approvals},
              {"rejections", rejections},
              {"eligible", eligible},
              {"quorum", quorum}};
}

// The operation that gives `member` `role` on `scope` in state `v`: change_role
// when they hold an exclusive role of its family there, else assign_role.
template <typename V>
Json RoleGrant(const V& v, const std::string& member, const std::string& role,
               const std::string& scope) {
  const Model& m = v.model();
  const Role& to = m.roles[m.role_index.at(role)];
  bool change = false;
  const Index* i = v.FindMember(member);
  const Index* s = m.scope_index.Get(scope);
  if (to.exclusive && to.family != kNone && i != nullptr && s != nullptr) {
    v.ForEachBindingOfMember(*i, [&](uint32_t b) {
      const BindingKey& k = v.key(b);
      change = change || (k.scope == *s && m.roles[k.role].family == to.family);
    });
  }
  return Json{{"op", change ? "change_role" : "assign_role"},
              {"member", member},
              {"role", role},
              {"scope", scope}};
}

// Who may decide a role request for `grant` in state `v` at `now`: the active
// members, never `requester`, whom the grant's check allows (outright or subject
// to an approval), sorted.
template <typename V>
std::vector<std::string> RoleDeciders(const V& v, const std::string& requester, const Json& grant,
                                      const std::string& now) {
  std::vector<std::string> out;
  const Model& m = v.model();
  auto rule = m.operation_rules.find(grant["op"].get<std::string>());
  if (rule == m.operation_rules.end()) return out;
  Request req;
  req.action = rule->second.action;
  req.resource = grant["scope"].get<std::string>();
  req.now = now;
  req.attributes = Json{{"role", grant["role"]}, {"target", requester}};
  if (grant.contains("attributes")) {
    for (auto it = grant["attributes"].begin(); it != grant["attributes"].end(); ++it) {
      if (it.key() != "role" && it.key() != "target") req.attributes[it.key()] = it.value();
    }
  }
  const Index count = static_cast<Index>(v.member_count());
  for (Index i = 0; i < count; ++i) {
    const Member& mb = v.member(i);
    if (mb.status != MemberStatus::kActive || mb.id == requester) continue;
    req.actor = mb.id;
    const DecideResult r = DecideIn(v, req, false);
    if (r.ok() && r.decision.effect != Effect::kDeny) out.push_back(mb.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_QUERY_REQUESTS_H_
