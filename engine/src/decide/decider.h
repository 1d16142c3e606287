// The decider (decide/*.cc): one template over a view of the state (a compiled
// Model, or an Overlay of a simulated state) that decides a request and, when
// asked, explains it. Deny by default; allow only through a live binding of an
// active member whose role grants the action on the resource; conditional when
// an approval rule or a verification stands between the actor and the action.
//
//   decider.cc      Run, a permission (DecidePermission), the target's visibility,
//                   DecideIn (the request checked, then decided)
//   rank_limit.cc   what a member who manages others may hand out and act on
//   approvals.cc    approval rules and their conditions, eligible approvers
//   upgrades.cc     self-upgrades and claims
//   fast_path.cc    Policy::Decide, the interned effect-only path, Policy::Check
#ifndef ROLEGATE_DECIDE_DECIDER_H_
#define ROLEGATE_DECIDE_DECIDER_H_

#include <optional>
#include <string>
#include <vector>

#include "base/text.h"
#include "model.h"
#include "overlay.h"
#include "rolegate/decision.h"
#include "rolegate/request.h"
#include "small_vector.h"
#include "view.h"

namespace rolegate {
namespace internal {

using Bindings = SmallVector<Index, 8>;

// What the rank limit found among the actor's bindings that grant the action.
struct RankCheck {
  Index target_role = kNone, target = kNone;  // the role handed out, the member acted on
  int64_t need_role = -1, best_have = -1, target_rank = -1;
  bool role_failed = false, target_failed = false;
};

// V is the view decided on: a compiled Model, or an Overlay of a simulated state.
template <typename V>
class Decider {
 public:
  Decider(const V& v, const Request& req, bool explain, Decision* out)
      : v_(v), m_(v.model()), req_(req), explain_(explain), d_(out) {}

  void Run(Index actor, Index resource, const Index* permission);

 private:
  // Callers test explain_ first, so that the fast path builds no messages.
  void Add(const char* code, Json facts, std::string message) {
    d_->reasons.push_back(Reason{code, std::move(facts), std::move(message)});
  }
  void Deny() { d_->effect = Effect::kDeny; }

  // Splits the actor's bindings covering the resource into live and expired.
  void Cover();
  void DecidePermission(Index permission);
  bool CheckRankLimit(const Permission& perm, Bindings* granting);
  // The rank limit's parts (rank_limit.cc): what the request hands out and acts
  // on, whether one granting binding manages both, and why none does.
  RankCheck RankTargets() const;
  bool WithinRank(Index binding, RankCheck* c) const;
  void ExplainRankLimit(const Permission& perm, const RankCheck& c, const Bindings& granting);
  void ExplainTargetBeyond(const RankCheck& c, const Bindings& granting);
  void WholeMemberBeyond(const RankCheck& c, const Bindings& granting, const std::string& who,
                         Json* facts, std::string* message) const;
  bool TargetVisible();
  void CheckApprovals(Index permission);
  void DecideSelfUpgrade(const std::vector<Index>& rules);
  // Whether `rule` lets the actor upgrade to `want` (the role they hold that it
  // upgrades from in `held`); else says why not.
  bool UpgradeEligible(const SelfUpgrade& rule, const Role& want, const Binding** held);
  void GrantUpgrade(const SelfUpgrade& rule, const Role& want, const Binding* held);
  void DecideClaim(const std::vector<Index>& claims);
  std::vector<std::string> Approvers(const ApprovalRule& rule) const;
  // Highest rank `member` holds on the resource among roles of `families`, or -1.
  int64_t RankOn(Index member, const std::vector<Index>& families) const;
  void GrantedBy(Index binding);
  std::string ScopeWord(Index scope) const;

  const V& v_;
  const Model& m_;  // the parts a simulated state does not change
  const Request& req_;
  bool explain_;
  Decision* d_;
  Index actor_ = kNone, resource_ = kNone;
  Bindings live_, expired_;
};

template <typename V>
inline std::string Decider<V>::ScopeWord(Index scope) const {
  return Q(m_.scopes[scope].id);
}

template <typename V>
inline void Decider<V>::Cover() {
  v_.ForEachBindingOfMember(actor_, [&](uint32_t b) {
    if (!Covers(v_, b, resource_)) return;
    bool expired = v_.key(b).expires && Model::Expired(v_.binding(b), req_.now);
    (expired ? expired_ : live_).push_back(b);
  });
}

// Compares an attribute with a condition's value; nullopt when the types do not
// match.
std::optional<bool> Compare(const Json& have, Op op, const Json& want);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_DECIDE_DECIDER_H_
