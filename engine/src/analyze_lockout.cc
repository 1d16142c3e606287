// lockout_risk: scopes where exactly one active member can manage roles, so that
// their leaving would leave nobody there who can. docs/format.md, "Analysis".
#include <algorithm>

#include "analyze.h"
#include "base/text.h"

namespace rolegate {
namespace internal {
namespace {

constexpr Index kMany = kNone - 1;

}  // namespace

void FindLockoutRisks(const Analysis& a, std::vector<Finding>* out) {
  const Model& m = a.m;
  std::vector<Index> actions;
  for (const char* kind : {"assign_role", "change_role"}) {
    const Index p = a.OperationPermission(kind);
    if (p != kNone && std::find(actions.begin(), actions.end(), p) == actions.end()) {
      actions.push_back(p);
    }
  }
  if (actions.empty()) return;
  // Per scope: the one member who can manage roles there, kNone for nobody (or a
  // scope where no such action means anything), kMany for several.
  std::vector<Index> sole(m.scopes.size(), kNone);
  for (Index p : actions) {
    const Permission& perm = m.permissions[p];
    WalkCovering(
        a,
        [&](uint32_t b) {
          const BindingKey& k = m.binding_keys[b];
          const Role& role = m.roles[k.role];
          return m.members[k.member].status == MemberStatus::kActive && role.permissions.Test(p) &&
                 (role.manages || !perm.rank_limited);
        },
        [&](Index s, const CoverSet& set) {
          if (!((perm.applies_mask >> m.scopes[s].type) & 1u) || set.size() == 0) return;
          Index& who = sole[s];
          if (set.size() > 1) {
            who = kMany;
          } else if (who == kNone) {
            who = set.members()[0];
          } else if (who != set.members()[0]) {
            who = kMany;
          }
        });
  }
  std::vector<std::vector<Index>> by_type(m.scope_types.size());
  std::vector<std::vector<Index>> members_by_type(m.scope_types.size());
  for (Index s = 0; s < m.scopes.size(); ++s) {
    if (sole[s] == kNone || sole[s] == kMany) continue;
    by_type[m.scopes[s].type].push_back(s);
    members_by_type[m.scopes[s].type].push_back(sole[s]);
  }
  for (Index t = 0; t < m.scope_types.size(); ++t) {
    if (by_type[t].empty()) continue;
    const std::vector<std::string> scopes = a.ScopeList(by_type[t]);
    std::vector<std::string> members;
    for (Index i : members_by_type[t]) members.push_back(m.members[i].id);
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    if (members.size() > kMaxListedScopes) members.resize(kMaxListedScopes);
    const size_t count = by_type[t].size();
    std::string listed;
    for (const std::string& id : scopes) listed += (listed.empty() ? "" : ", ") + Q(id);
    if (count > scopes.size()) listed += " and " + std::to_string(count - scopes.size()) + " more";
    Finding f;
    f.code = "lockout_risk";
    f.severity = "warning";
    f.pointer = "/scopeTypes/" + std::to_string(t);
    f.message = std::to_string(count) + (count == 1 ? " scope" : " scopes") + " of type " +
                Q(m.scope_types[t].id) + (count == 1 ? " has" : " have") +
                " exactly one active member who can manage roles there (" + listed +
                "): should they leave, nobody there could";
    f.facts = Json{{"scopeType", m.scope_types[t].id},
                   {"scopes", scopes},
                   {"members", members},
                   {"count", count}};
    out->push_back(std::move(f));
  }
}

}  // namespace internal
}  // namespace rolegate
