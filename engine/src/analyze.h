// Static analysis of a compiled bundle (Policy::Analyze, docs/format.md,
// "Analysis"): findings about what the policy lets people do, found without a
// clock and without running any change. Each family of findings has its own
// source file; this header holds what they share.
//
// No finding depends on time: a binding with an `expiresAt` will lapse, so only
// bindings without one ("standing" bindings) count as held, and members'
// invitations and expiries are ignored.
#ifndef ROLEGATE_ANALYZE_H_
#define ROLEGATE_ANALYZE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

struct Finding {
  std::string code;      // e.g. "escalation_path"
  std::string severity;  // "error", "warning" or "info"
  std::string pointer;   // into the bundle: "/roles/3"
  std::string message;   // lowercase, ids in backticks
  Json facts = Json::object();
};

// Lists in findings name at most this many scopes; `count` gives the total.
inline constexpr size_t kMaxListedScopes = 20;

// What the finding families share: the model and facts derived from it once.
class Analysis {
 public:
  explicit Analysis(const Model& m);

  const Model& m;

  // A scope's type and the types of its proper ancestors (a bit per type).
  // Whether a role can apply on a scope depends on nothing else.
  struct Signature {
    Index type = kNone;
    uint64_t above = 0;
  };
  std::vector<Signature> signatures;   // distinct, in order of first scope
  std::vector<uint32_t> signature_of;  // per scope

  // The types of the scopes that exist.
  uint64_t existing_types = 0;
  // Per role: the types of the scopes it can apply on (bound there, or bound
  // above when it applies to descendants).
  std::vector<uint64_t> reach_types;

  // Whether a binding of `role` can apply on a scope of signature `sig`.
  bool CanCover(const Role& role, const Signature& sig) const {
    if ((role.assignable_mask >> sig.type) & 1u) return true;
    return role.descendants && (role.assignable_mask & sig.above) != 0;
  }

  // The permission an operation kind of `operations` is authorised by, or kNone
  // (the kind is not configured, or its action is not a permission).
  Index OperationPermission(const std::string& kind) const;

  // A binding without `expiresAt`, of a member who is not removed.
  bool Standing(uint32_t b) const {
    return m.binding_keys[b].expires == 0 &&
           m.members[m.binding_keys[b].member].status != MemberStatus::kRemoved;
  }

  // Whether members of some kind may hold both roles (`memberKinds`).
  static bool KindsMeet(const Role& a, const Role& b);

  // The distinct scope ids, sorted, of `scopes` capped at kMaxListedScopes.
  std::vector<std::string> ScopeList(const std::vector<Index>& scopes) const;
};

// The distinct members holding, through standing bindings, something on the
// scopes of a walk (WalkCovering): a count per member and the list of those
// counted.
class CoverSet {
 public:
  explicit CoverSet(size_t members) : count_(members, 0), position_(members, 0) {}
  void Add(Index member) {
    if (count_[member]++ == 0) {
      position_[member] = static_cast<uint32_t>(held_.size());
      held_.push_back(member);
    }
  }
  void Remove(Index member) {
    if (--count_[member] == 0) {
      const Index last = held_.back();
      held_[position_[member]] = last;
      position_[last] = position_[member];
      held_.pop_back();
    }
  }
  size_t size() const { return held_.size(); }
  const std::vector<Index>& members() const { return held_; }

 private:
  std::vector<uint32_t> count_, position_;
  std::vector<Index> held_;
};

// Visits every scope in preorder with the CoverSet of the members who hold a
// standing binding that applies there and for which `keep(binding)` holds:
// visit(scope, set). O(scopes + bindings).
template <typename Keep, typename Visit>
void WalkCovering(const Analysis& a, const Keep& keep, const Visit& visit) {
  const Model& m = a.m;
  CoverSet set(m.members.size());
  struct Open {
    Index scope;
    std::vector<Index> members;  // added by bindings that apply below too
  };
  std::vector<Open> open;
  std::vector<Index> local;  // added by bindings that apply on their scope only
  for (Index s : m.preorder) {
    const Scope& scope = m.scopes[s];
    while (!open.empty()) {
      const Scope& top = m.scopes[open.back().scope];
      if (top.pre <= scope.pre && scope.pre < top.subtree_end) break;
      for (Index member : open.back().members) set.Remove(member);
      open.pop_back();
    }
    open.push_back(Open{s, {}});
    local.clear();
    m.ForEachBindingOnScope(s, [&](uint32_t b) {
      if (!a.Standing(b) || !keep(b)) return;
      const BindingKey& k = m.binding_keys[b];
      set.Add(k.member);
      (m.roles[k.role].descendants ? open.back().members : local).push_back(k.member);
    });
    visit(s, set);
    for (Index member : local) set.Remove(member);
  }
}

// The finding families, each appending to `out` (order does not matter: the
// caller sorts).
void FindEscalationPaths(const Analysis& a, std::vector<Finding>* out);
void FindUnreachableRoles(const Analysis& a, std::vector<Finding>* out);
void FindApprovalVetoes(const Analysis& a, std::vector<Finding>* out);
void FindApprovalGaps(const Analysis& a, std::vector<Finding>* out);  // unsatisfiable, self
void FindLockoutRisks(const Analysis& a, std::vector<Finding>* out);

// Every finding, sorted, as {"ok": true, "findings", "summary"}.
Json Analyze(const Model& m);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_ANALYZE_H_
