// Self-upgrades and claims (decider.h): the roles a member may take themselves.
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

template <typename V>
void Decider<V>::DecideSelfUpgrade(const std::vector<Index>& rules) {
  const Json& attrs = req_.attributes;
  Index target = m_.role_index.at(attrs.at("role").get<std::string>());
  const Role& want = m_.roles[target];
  Cover();
  Deny();
  bool any_rule = false;
  for (Index ri : rules) {
    const SelfUpgrade& rule = m_.self_upgrades[ri];
    if (std::find(rule.to.begin(), rule.to.end(), target) == rule.to.end()) continue;
    // A registration rule serves a member registering (the `register` operation);
    // the other rules, members holding one of their roles.
    const bool registering = req_.attributes.value("registering", Json(false)) == Json(true);
    if (rule.on_registration != registering) continue;
    any_rule = true;
    const Binding* held = nullptr;
    if (!UpgradeEligible(rule, want, &held)) continue;
    // Eligible: this rule decides.
    GrantUpgrade(rule, want, held);
    return;
  }
  if (!any_rule) {
    // No rule to name: the facts say which role nothing leads to.
    if (explain_)
      Add("not_eligible", Json{{"role", want.id}},
          "no rule of " + Q(req_.action) + " lets a member upgrade themself to " + Q(want.id));
  }
}

template <typename V>
bool Decider<V>::UpgradeEligible(const SelfUpgrade& rule, const Role& want,
                                 const Binding** held_out) {
  const Binding* held = nullptr;
  bool holds_family = false;  // any role of the wanted family on the scope
  for (Index b : live_) {
    const Binding& bd = v_.binding(b);
    if (bd.scope != resource_) continue;
    if (m_.roles[bd.role].family == want.family) holds_family = true;
    if (std::find(rule.from.begin(), rule.from.end(), bd.role) != rule.from.end()) held = &bd;
  }
  *held_out = held;
  if (held == nullptr && !(rule.on_registration && !holds_family)) {
    std::vector<std::string> from;
    for (Index r : rule.from) from.push_back(m_.roles[r].id);
    std::sort(from.begin(), from.end());
    if (explain_)
      Add("not_eligible", Json{{"rule", rule.id}, {"from", from}},
          "rule " + Q(rule.id) + " applies to members holding one of its roles on " +
              ScopeWord(resource_) + ", and the actor holds none");
    return false;
  }
  if (held != nullptr && want.rank <= m_.roles[held->role].rank) {
    const Role& have = m_.roles[held->role];
    if (explain_)
      Add("not_an_upgrade", Json{{"have", have.rank}, {"need", want.rank}},
          "role " + Q(want.id) + " (rank " + std::to_string(want.rank) +
              ") is not above the role held, " + Q(have.id) + " (rank " +
              std::to_string(have.rank) + ")");
    return false;
  }
  if (!rule.has_unless) return true;
  std::set<std::string> holders;
  ForEachPresent(v_, resource_, want.family, rule.unless_min_rank, req_.now,
                 [&](const Binding& bd) {
                   if (bd.member != actor_) holders.insert(v_.member(bd.member).id);
                 });
  if (holders.empty()) return true;
  std::string list;
  for (const std::string& h : holders) list += (list.empty() ? "" : ", ") + Q(h);
  if (explain_)
    Add("self_upgrade_blocked", Json{{"rule", rule.id}, {"holders", holders}},
        "rule " + Q(rule.id) + " allows a self-upgrade only while nobody holds rank " +
            std::to_string(rule.unless_min_rank) + " or above on " + ScopeWord(resource_) +
            ", and " + list + " does");
  return false;
}

template <typename V>
void Decider<V>::GrantUpgrade(const SelfUpgrade& rule, const Role& want, const Binding* held) {
  d_->reasons.clear();
  const std::string from = held != nullptr ? m_.roles[held->role].id : std::string();
  Json facts{{"rule", rule.id}};
  if (held != nullptr) facts["from"] = from;  // none when registering
  if (explain_)
    Add("self_upgrade_allowed", std::move(facts),
        "rule " + Q(rule.id) +
            (held != nullptr ? " lets a holder of " + Q(from)
                             : std::string(" lets a member with no role of its family")) +
            " upgrade to " + Q(want.id) + " on " + ScopeWord(resource_));
  if (!rule.has_verification) {
    d_->effect = Effect::kAllow;
    return;
  }
  d_->effect = Effect::kConditional;
  d_->verifications.push_back(VerificationRequirement{rule.id, rule.method, rule.valid_for_days});
  if (explain_)
    Add("verification_required",
        Json{{"rule", rule.id}, {"method", rule.method}, {"validForDays", rule.valid_for_days}},
        "the upgrade needs verification by " + Q(rule.method) + ", valid for " +
            std::to_string(rule.valid_for_days) + " days");
}

template <typename V>
void Decider<V>::DecideClaim(const std::vector<Index>& claims) {
  Cover();
  Deny();
  const Json& attrs = req_.attributes;
  Index wanted = kNone;
  if (auto it = attrs.find("role"); it != attrs.end()) {
    wanted = m_.role_index.at(it->get<std::string>());
  }
  std::set<std::string> holder_roles;
  const Index type = m_.scopes[resource_].type;
  const Claim* unassignable = nullptr;  // a claim the actor holds for, of a role not given here
  for (Index ci : claims) {
    const Claim& c = m_.claims[ci];
    if (wanted != kNone && c.grants != wanted) continue;
    for (Index r : c.holder) holder_roles.insert(m_.roles[r].id);
    const Role& grants = m_.roles[c.grants];
    const bool assignable = (grants.assignable_mask >> type) & 1u;
    v_.ForEachBindingOfMember(actor_, [&](uint32_t b) {
      if (d_->effect == Effect::kAllow) return;
      const Binding& bd = v_.binding(b);
      if (Model::Expired(bd, req_.now)) return;
      if (std::find(c.holder.begin(), c.holder.end(), bd.role) == c.holder.end()) return;
      Index w = bd.scope;
      while (w != kNone && m_.scopes[w].type != c.within) w = m_.scopes[w].parent;
      if (w == kNone || !m_.IsAncestorOrSelf(w, resource_)) return;
      if (!assignable) {
        if (unassignable == nullptr) unassignable = &c;
        return;
      }
      d_->effect = Effect::kAllow;
      if (explain_)
        Add("claimable", Json{{"claim", c.id}, {"binding", bd.id}},
            "holding " + Q(m_.roles[bd.role].id) + " on " + ScopeWord(bd.scope) +
                " lets the actor take " + Q(grants.id) + " on " + ScopeWord(resource_) +
                " (claim " + Q(c.id) + ")");
    });
    if (d_->effect == Effect::kAllow) return;
  }
  if (!explain_) return;
  if (unassignable != nullptr) {
    // The actor holds what the claim asks for; the role itself is not given here.
    const Role& grants = m_.roles[unassignable->grants];
    Add("claim_not_available",
        Json{{"holder", holder_roles}, {"role", grants.id}, {"scopeType", m_.scope_types[type].id}},
        "role " + Q(grants.id) + " cannot be given on " + ScopeWord(resource_) +
            ", a scope of type " + Q(m_.scope_types[type].id) + " (claim " + Q(unassignable->id) +
            ")");
    return;
  }
  std::string list;
  for (const std::string& r : holder_roles) list += (list.empty() ? "" : ", ") + Q(r);
  Add("claim_not_available", Json{{"holder", holder_roles}},
      "claiming on " + ScopeWord(resource_) + " needs one of these roles on a related scope: " +
          (list.empty() ? std::string("none") : list));
}

template void Decider<Model>::DecideSelfUpgrade(const std::vector<Index>&);
template void Decider<Model>::DecideClaim(const std::vector<Index>&);
template void Decider<Overlay>::DecideSelfUpgrade(const std::vector<Index>&);
template void Decider<Overlay>::DecideClaim(const std::vector<Index>&);

}  // namespace internal
}  // namespace rolegate
