// Policy::Decide: deny by default; allow only through a live binding of an active
// member whose role grants the action on the resource; conditional when an approval
// rule or a verification stands between the actor and the action.
#include <algorithm>
#include <map>
#include <set>

#include "bundle.h"
#include "model.h"
#include "overlay.h"
#include "rolegate/policy.h"
#include "shape.h"
#include "small_vector.h"
#include "base/text.h"

namespace rolegate {
namespace internal {
namespace {


using Bindings = SmallVector<Index, 8>;

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
  bool TargetVisible();
  void CheckApprovals(Index permission);
  void DecideSelfUpgrade(const std::vector<Index>& rules);
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
std::string Decider<V>::ScopeWord(Index scope) const { return Q(m_.scopes[scope].id); }

template <typename V>
void Decider<V>::Cover() {
  v_.ForEachBindingOfMember(actor_, [&](uint32_t b) {
    if (!v_.Covers(b, resource_)) return;
    bool expired = v_.key(b).expires && Model::Expired(v_.binding(b), req_.now);
    (expired ? expired_ : live_).push_back(b);
  });
}

template <typename V>
void Decider<V>::GrantedBy(Index b) {
  if (!explain_) return;
  const Binding& bd = v_.binding(b);
  Json facts{{"binding", bd.id}, {"role", m_.roles[bd.role].id},
             {"scope", m_.scopes[bd.scope].id}};
  std::string msg = "granted by role " + Q(m_.roles[bd.role].id) + " on " +
                    ScopeWord(bd.scope) + " (binding " + Q(bd.id) + ")";
  if (bd.scope != resource_) {
    facts["inheritedFrom"] = m_.scopes[bd.scope].id;
    msg += ", inherited by " + ScopeWord(resource_) + " from its ancestor " +
           ScopeWord(bd.scope);
  }
  if (explain_) Add("granted_by", std::move(facts), std::move(msg));
}

template <typename V>
int64_t Decider<V>::RankOn(Index member, const std::vector<Index>& families) const {
  int64_t best = -1;
  v_.ForEachBindingOfMember(member, [&](uint32_t b) {
    const Binding& bd = v_.binding(b);
    if (!v_.Covers(b, resource_) || Model::Expired(bd, req_.now)) return;
    const Role& r = m_.roles[bd.role];
    if (std::find(families.begin(), families.end(), r.family) == families.end()) return;
    best = std::max(best, r.rank);
  });
  return best;
}

template <typename V>
bool Decider<V>::CheckRankLimit(const Permission& perm, Bindings* granting) {
  const Json& attrs = req_.attributes;
  Index target_role = kNone, target = kNone;
  if (auto it = attrs.find("role"); it != attrs.end()) {
    target_role = m_.role_index.at(it->get<std::string>());
  }
  if (auto it = attrs.find("target"); it != attrs.end()) {
    target = *v_.FindMember(it->get<std::string>());
  }
  int64_t need_role = target_role == kNone ? -1 : m_.roles[target_role].rank;
  int64_t best_have = -1;
  int64_t target_rank = -1;
  bool role_failed = false, target_failed = false;
  Bindings passing;
  for (Index b : *granting) {
    const Role& r = m_.roles[v_.binding(b).role];
    if (!r.manages) continue;
    bool ok = true;
    if (target_role != kNone) {
      const int64_t limit = r.ManagesUpTo(m_.roles[target_role].family);
      best_have = std::max(best_have, limit);
      if (need_role > limit) {
        ok = false;
        role_failed = true;
      }
    }
    if (target != kNone) {
      // With a role named, the target's standing in that role's family. Without,
      // the action reaches the whole member: every role the target holds here must
      // be of a family this binding manages, within that family's limit.
      int64_t tr = -1;
      bool beyond = false;
      if (target_role != kNone) {
        tr = RankOn(target, std::vector<Index>{m_.roles[target_role].family});
        beyond = tr > r.ManagesUpTo(m_.roles[target_role].family);
      } else {
        v_.ForEachBindingOfMember(target, [&](uint32_t tb) {
          if (!v_.Covers(tb, resource_) || Model::Expired(v_.binding(tb), req_.now)) return;
          const Role& held = m_.roles[v_.key(tb).role];
          tr = std::max(tr, held.rank);
          if (held.rank > r.ManagesUpTo(held.family)) beyond = true;
        });
      }
      target_rank = std::max(target_rank, tr);
      if (beyond) {
        ok = false;
        target_failed = true;
      }
    }
    if (ok) passing.push_back(b);
  }
  if (!passing.empty()) {
    *granting = std::move(passing);
    return true;
  }
  Deny();
  const std::string& action = perm.id;
  if (best_have < 0 && target_role != kNone) {
    if (explain_) Add("rank_too_low",
        Json{{"role", m_.roles[target_role].id}, {"have", -1}, {"need", need_role}},
        "no role of the actor on " + ScopeWord(resource_) + " may manage roles of family " +
            Q(m_.families[m_.roles[target_role].family]));
    return false;
  }
  if (role_failed || (!target_failed && target_role != kNone)) {
    if (explain_) Add("rank_too_low",
        Json{{"role", m_.roles[target_role].id}, {"have", best_have}, {"need", need_role}},
        Q(action) + " with role " + Q(m_.roles[target_role].id) + " needs rank " +
            std::to_string(need_role) + ", but the actor manages roles up to rank " +
            std::to_string(best_have) + " on " + ScopeWord(resource_));
  }
  if (target_failed && explain_) {
    const std::string who = "member " + Q(v_.member(target).id);
    Json facts{{"target", v_.member(target).id}, {"have", best_have}, {"need", target_rank}};
    std::string message = who + " holds rank " + std::to_string(target_rank) + " on " +
                          ScopeWord(resource_) + ", above the rank " +
                          std::to_string(best_have) + " the actor may manage";
    if (target_role == kNone) {
      // Acting on the whole member: say whether a family they hold a role of is
      // managed by none of the actor's roles here, or only the rank falls short.
      std::map<Index, const Role*> held;  // family -> the target's highest role in it
      v_.ForEachBindingOfMember(target, [&](uint32_t tb) {
        if (!v_.Covers(tb, resource_) || Model::Expired(v_.binding(tb), req_.now)) return;
        const Role& r = m_.roles[v_.key(tb).role];
        const Role*& top = held[r.family];
        if (top == nullptr || r.rank > top->rank) top = &r;
      });
      const Role* orphan = nullptr;  // the target's role in a family nobody here manages
      for (const auto& [family, role] : held) {
        bool managed = false;
        for (Index b : *granting) {
          managed = managed || m_.roles[v_.key(b).role].ManagesUpTo(family) >= 0;
        }
        if (!managed && orphan == nullptr) orphan = role;
      }
      // Among the actor's roles here that manage every family held, the best
      // limit in each family; the family whose top role is furthest beyond it
      // (the highest rank; the first family on a tie) is the one to name.
      bool any_all = false;
      const Role* short_of = nullptr;
      int64_t short_have = -1;
      for (const auto& [family, role] : held) {
        int64_t have = -1;
        for (Index b : *granting) {
          const Role& r = m_.roles[v_.key(b).role];
          bool all = r.manages;
          for (const auto& entry : held) all = all && r.ManagesUpTo(entry.first) >= 0;
          if (!all) continue;
          any_all = true;
          have = std::max(have, r.ManagesUpTo(family));
        }
        if (role->rank > have && (short_of == nullptr || role->rank > short_of->rank)) {
          short_of = role;
          short_have = have;
        }
      }
      if (orphan != nullptr) {
        facts = Json{{"target", v_.member(target).id}, {"family", m_.families[orphan->family]},
                     {"have", -1}, {"need", orphan->rank}};
        message = who + " holds role " + Q(orphan->id) + " of family " +
                  Q(m_.families[orphan->family]) + " on " + ScopeWord(resource_) +
                  ", a family the actor's roles there do not manage";
      } else if (any_all && short_of != nullptr) {
        facts["have"] = short_have;
        facts["need"] = short_of->rank;
        message = who + " holds rank " + std::to_string(short_of->rank) + " on " +
                  ScopeWord(resource_) + ", above the rank " + std::to_string(short_have) +
                  " the actor may manage";
      } else if (any_all) {  // each role is within some limit, but none within all
        facts["have"] = -1;
        message = "no single role of the actor on " + ScopeWord(resource_) +
                  " may manage every role " + who + " holds there";
      } else {
        facts["have"] = -1;
        message = "no single role of the actor on " + ScopeWord(resource_) +
                  " manages every family " + who + " holds a role of there";
      }
    }
    Add("target_outranks_actor", std::move(facts), std::move(message));
  }
  if (!role_failed && !target_failed) {
    if (explain_) Add("rank_too_low", Json{{"role", ""}, {"have", -1}, {"need", 0}},
        "no role of the actor on " + ScopeWord(resource_) + " may manage other members");
  }
  return false;
}

template <typename V>
std::vector<std::string> Decider<V>::Approvers(const ApprovalRule& rule) const {
  return EligibleApprovers(v_, rule, resource_, actor_, req_.now);
}

// Compares an attribute with a condition's value. Returns nullopt when the types
// do not match.
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
    case Op::kEq: return have == want;
    case Op::kNe: return have != want;
    case Op::kLt: return have < want;
    case Op::kLe: return have <= want;
    case Op::kGt: return have > want;
    case Op::kGe: return have >= want;
    case Op::kIn: break;
  }
  return std::nullopt;
}

template <typename V>
void Decider<V>::CheckApprovals(Index permission) {
  const Scope& scope = m_.scopes[resource_];
  bool unreachable = false;
  for (Index ri : m_.approval_rules_by_permission[permission]) {
    const ApprovalRule& rule = m_.approval_rules[ri];
    if (rule.scope_mask != 0 && !((rule.scope_mask >> scope.type) & 1u)) continue;
    if (!rule.scopes.empty() &&
        std::none_of(rule.scopes.begin(), rule.scopes.end(),
                     [&](Index s) { return m_.IsAncestorOrSelf(s, resource_); })) {
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
      if (explain_) Add(code, Json{{"rule", rule.id}, {"attribute", attribute}},
          std::string("rule ") + Q(rule.id) + " applies because attribute " + Q(attribute) +
              (std::string(code) == "condition_attribute_missing"
                   ? " is missing from the request"
                   : " has a type its condition cannot compare"));
    }
    std::vector<std::string> approvers = Approvers(rule);
    if (static_cast<int64_t>(approvers.size()) < rule.quorum) {
      unreachable = true;
      if (explain_) Add("approval_unreachable",
          Json{{"rule", rule.id},
               {"have", static_cast<int64_t>(approvers.size())},
               {"need", rule.quorum}},
          "rule " + Q(rule.id) + " needs " + std::to_string(rule.quorum) +
              " approval(s), but only " + std::to_string(approvers.size()) +
              " member(s) could approve on " + ScopeWord(resource_));
      continue;
    }
    if (explain_) Add("approval_required", Json{{"rule", rule.id}},
        "rule " + Q(rule.id) + " requires " + std::to_string(rule.quorum) +
            " approval(s) from: " + [&] {
              std::string s;
              for (const std::string& a : approvers) s += (s.empty() ? "" : ", ") + Q(a);
              return s;
            }());
    d_->approvals.push_back(
        ApprovalRequirement{rule.id, std::move(approvers), rule.quorum,
                            rule.expires_after_days});
  }
  if (unreachable) {
    Deny();
    d_->approvals.clear();
  } else if (!d_->approvals.empty()) {
    d_->effect = Effect::kConditional;
  }
}

template <typename V>
void Decider<V>::DecidePermission(Index permission) {
  const Permission& perm = m_.permissions[permission];
  const Scope& scope = m_.scopes[resource_];
  if (!((perm.applies_mask >> scope.type) & 1u)) {
    Deny();
    if (explain_) Add("action_not_applicable", Json{{"scopeType", m_.scope_types[scope.type].id}},
        Q(perm.id) + " does not apply to scopes of type " +
            Q(m_.scope_types[scope.type].id));
    return;
  }
  Cover();
  Bindings granting;
  for (Index b : live_) {
    if (m_.roles[v_.key(b).role].permissions.Test(permission)) {
      granting.push_back(b);
    }
  }
  if (granting.empty()) {
    Deny();
    // Expired bindings are named only when they would have granted the action.
    Bindings lapsed;
    for (Index b : expired_) {
      if (m_.roles[v_.key(b).role].permissions.Test(permission)) lapsed.push_back(b);
    }
    if (live_.empty() && lapsed.empty() && explain_) {
      // A role bound on an ancestor that applies on its own scope only is held
      // above, but does not reach here: say so rather than "no role".
      const Binding* above = nullptr;
      v_.ForEachBindingOfMember(actor_, [&](uint32_t b) {
        const BindingKey& k = v_.key(b);
        if (above == nullptr && k.scope != resource_ && !m_.roles[k.role].descendants &&
            m_.IsAncestorOrSelf(k.scope, resource_)) {
          above = &v_.binding(b);
        }
      });
      Add("no_binding", Json::object(),
          above == nullptr
              ? "member " + Q(req_.actor) + " holds no role on " + ScopeWord(resource_) +
                    " or its ancestors"
              : "member " + Q(req_.actor) + " holds no role that applies on " +
                    ScopeWord(resource_) + ": role " + Q(m_.roles[above->role].id) + " on " +
                    ScopeWord(above->scope) + " applies on that scope only, not below it");
    }
    for (Index b : lapsed) {
      const Binding& bd = v_.binding(b);
      if (explain_) Add("binding_expired", Json{{"binding", bd.id}, {"expiresAt", bd.expires_at}},
          "binding " + Q(bd.id) + " expired at " + bd.expires_at);
    }
    if (!live_.empty()) {
      std::set<std::string> roles;
      for (Index b : live_) roles.insert(m_.roles[v_.binding(b).role].id);
      std::string list;
      for (const std::string& r : roles) list += (list.empty() ? "" : ", ") + Q(r);
      if (explain_) Add("permission_not_granted", Json{{"roles", roles}},
          "none of the roles held on " + ScopeWord(resource_) + " (" + list + ") grants " +
              Q(perm.id));
    }
    return;
  }
  if (perm.rank_limited && !CheckRankLimit(perm, &granting)) return;
  if (!TargetVisible()) return;
  d_->effect = Effect::kAllow;
  for (Index b : granting) GrantedBy(b);
  CheckApprovals(permission);
}

// Acting on another member who holds a role here needs the actor to see them:
// the member-visibility rules of the actor's roles on the scope must admit one
// of the target's roles there. (A member with no role here, invited in, say, is
// not hidden by these rules.)
template <typename V>
bool Decider<V>::TargetVisible() {
  auto it = req_.attributes.find("target");
  if (it == req_.attributes.end()) return true;
  const Index target = *v_.FindMember(it->template get<std::string>());
  if (target == actor_) return true;
  const Scope& scope = m_.scopes[resource_];
  bool present = false, seen = false;
  auto consider = [&](uint32_t b) {
    if (Model::Expired(v_.binding(b), req_.now)) return;
    present = true;
    const Role& held = m_.roles[v_.key(b).role];
    for (Index a : live_) {
      for (const SeesRule& rule : m_.roles[v_.key(a).role].sees_rules) {
        if (held.rank >= rule.min_rank &&
            std::find(rule.families.begin(), rule.families.end(), held.family) !=
                rule.families.end()) {
          seen = true;
        }
      }
    }
  };
  v_.ForEachBindingOfMember(target, [&](uint32_t b) {
    const BindingKey& k = v_.key(b);
    if (v_.Covers(b, resource_) ||
        (scope.pre < m_.scopes[k.scope].pre && m_.scopes[k.scope].pre < scope.subtree_end)) {
      consider(b);
    }
  });
  if (!present || seen) return true;
  Deny();
  if (explain_) Add("target_not_visible", Json{{"target", v_.member(target).id}},
      "member " + Q(v_.member(target).id) + " holds a role on " + ScopeWord(resource_) +
          " that the actor's roles there do not let them see");
  return false;
}

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
    bool holds_family = false;  // any role of the wanted family on the scope
    for (Index b : live_) {
      const Binding& bd = v_.binding(b);
      if (bd.scope != resource_) continue;
      if (m_.roles[bd.role].family == want.family) holds_family = true;
      if (std::find(rule.from.begin(), rule.from.end(), bd.role) != rule.from.end()) {
        held = &bd;
      }
    }
    if (held == nullptr && !(rule.on_registration && !holds_family)) {
      std::vector<std::string> from;
      for (Index r : rule.from) from.push_back(m_.roles[r].id);
      std::sort(from.begin(), from.end());
      if (explain_) Add("not_eligible", Json{{"rule", rule.id}, {"from", from}},
          "rule " + Q(rule.id) + " applies to members holding one of its roles on " +
              ScopeWord(resource_) + ", and the actor holds none");
      continue;
    }
    if (held != nullptr && want.rank <= m_.roles[held->role].rank) {
      const Role& have = m_.roles[held->role];
      if (explain_) Add("not_an_upgrade", Json{{"have", have.rank}, {"need", want.rank}},
          "role " + Q(want.id) + " (rank " + std::to_string(want.rank) +
              ") is not above the role held, " + Q(have.id) + " (rank " +
              std::to_string(have.rank) + ")");
      continue;
    }
    if (rule.has_unless) {
      std::set<std::string> holders;
      ForEachPresent(v_, resource_, want.family, rule.unless_min_rank, req_.now,
                     [&](const Binding& bd) {
                       if (bd.member != actor_) holders.insert(v_.member(bd.member).id);
                     });
      if (!holders.empty()) {
        std::string list;
        for (const std::string& h : holders) list += (list.empty() ? "" : ", ") + Q(h);
        if (explain_) Add("self_upgrade_blocked", Json{{"rule", rule.id}, {"holders", holders}},
            "rule " + Q(rule.id) + " allows a self-upgrade only while nobody holds rank " +
                std::to_string(rule.unless_min_rank) + " or above on " +
                ScopeWord(resource_) + ", and " + list + " does");
        continue;
      }
    }
    // Eligible: this rule decides.
    d_->reasons.clear();
    const std::string from = held != nullptr ? m_.roles[held->role].id : std::string();
    Json facts{{"rule", rule.id}};
    if (held != nullptr) facts["from"] = from;  // none when registering
    if (explain_) Add("self_upgrade_allowed", std::move(facts),
        "rule " + Q(rule.id) + (held != nullptr ? " lets a holder of " + Q(from)
                                                 : std::string(" lets a member with no role of its family")) +
            " upgrade to " + Q(want.id) + " on " + ScopeWord(resource_));
    if (rule.has_verification) {
      d_->effect = Effect::kConditional;
      d_->verifications.push_back(
          VerificationRequirement{rule.id, rule.method, rule.valid_for_days});
      if (explain_) Add("verification_required",
          Json{{"rule", rule.id}, {"method", rule.method},
               {"validForDays", rule.valid_for_days}},
          "the upgrade needs verification by " + Q(rule.method) + ", valid for " +
              std::to_string(rule.valid_for_days) + " days");
    } else {
      d_->effect = Effect::kAllow;
    }
    return;
  }
  if (!any_rule) {
    // No rule to name: the facts say which role nothing leads to.
    if (explain_) Add("not_eligible", Json{{"role", want.id}},
        "no rule of " + Q(req_.action) + " lets a member upgrade themself to " + Q(want.id));
  }
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
      if (explain_) Add("claimable", Json{{"claim", c.id}, {"binding", bd.id}},
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
        Json{{"holder", holder_roles}, {"role", grants.id},
             {"scopeType", m_.scope_types[type].id}},
        "role " + Q(grants.id) + " cannot be given on " + ScopeWord(resource_) +
            ", a scope of type " + Q(m_.scope_types[type].id) + " (claim " +
            Q(unassignable->id) + ")");
    return;
  }
  std::string list;
  for (const std::string& r : holder_roles) list += (list.empty() ? "" : ", ") + Q(r);
  Add("claim_not_available", Json{{"holder", holder_roles}},
      "claiming on " + ScopeWord(resource_) + " needs one of these roles on a related scope: " +
          (list.empty() ? std::string("none") : list));
}

template <typename V>
void Decider<V>::Run(Index actor, Index resource, const Index* permission) {
  actor_ = actor;
  resource_ = resource;
  d_->effect = Effect::kDeny;
  const Member& mb = v_.member(actor);
  if (mb.status != MemberStatus::kActive) {
    if (explain_) Add("member_not_active", Json{{"member", mb.id}, {"status", StatusName(mb.status)}},
        "member " + Q(mb.id) + " is " + StatusName(mb.status) +
            ", and only active members hold permissions");
    return;
  }
  if (permission != nullptr) {
    DecidePermission(*permission);
  } else if (auto it = m_.self_upgrades_by_action.find(req_.action);
             it != m_.self_upgrades_by_action.end()) {
    DecideSelfUpgrade(it->second);
  } else {
    DecideClaim(m_.claims_by_action.at(req_.action));
  }
}

}  // namespace

std::optional<bool> CompareCondition(const Json& have, Op op, const Json& want) {
  return Compare(have, op, want);
}

template <typename V>
std::vector<std::string> EligibleApprovers(const V& v, const ApprovalRule& rule,
                                           Index resource, Index requester,
                                           const std::string& now) {
  const Model& m = v.model();
  std::set<std::string> out;
  v.ForEachBindingCovering(resource, [&](uint32_t b) {
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

namespace {

bool ReasonLess(const Reason& a, const Reason& b) {
  if (a.code != b.code) return a.code < b.code;
  return Canonical(a.facts) < Canonical(b.facts);
}

}  // namespace
}  // namespace internal

namespace internal {

template <typename V>
DecideResult DecideIn(const V& v, const Request& req, bool explain) {
  const Model& m = v.model();
  DecideResult out;
  Errors& errors = out.errors;
  const Index* actor = v.FindMember(req.actor);
  const Index* resource = m.Find(m.scope_index, req.resource);
  const Index* permission = m.Find(m.permission_index, req.action);
  if (actor == nullptr) {
    errors.push_back({"unknown_member", "/actor", "unknown member " + Q(req.actor)});
  }
  if (permission == nullptr && !m.self_upgrades_by_action.count(req.action) &&
      !m.claims_by_action.count(req.action)) {
    errors.push_back({"unknown_action", "/action", "unknown action " + Q(req.action)});
  }
  if (resource == nullptr) {
    errors.push_back({"unknown_scope", "/resource", "unknown scope " + Q(req.resource)});
  }
  if (!IsTimestamp(req.now)) {
    errors.push_back({"invalid_timestamp", "/now",
                      Q(req.now) + " is not a timestamp of the form YYYY-MM-DDTHH:MM:SSZ"});
  }
  const Json& attrs = req.attributes;
  if (!attrs.is_object()) {
    errors.push_back({"wrong_type", "/attributes", "expected an object"});
  } else {
    if (auto it = attrs.find("role"); it != attrs.end()) {
      if (!it->is_string() || !m.role_index.count(it->get<std::string>())) {
        errors.push_back({"unknown_role", "/attributes/role",
                          "unknown role " + (it->is_string() ? Q(it->get<std::string>())
                                                             : std::string("(not a string)"))});
      }
    }
    if (auto it = attrs.find("target"); it != attrs.end()) {
      if (!it->is_string() || v.FindMember(it->get<std::string>()) == nullptr) {
        errors.push_back({"unknown_member", "/attributes/target",
                          "unknown member " + (it->is_string() ? Q(it->get<std::string>())
                                                               : std::string("(not a string)"))});
      }
    }
    bool needs_role = permission == nullptr && m.self_upgrades_by_action.count(req.action);
    bool rank_limited = permission != nullptr && m.permissions[*permission].rank_limited;
    if (needs_role && !attrs.contains("role")) {
      errors.push_back({"missing_attribute", "/attributes",
                        "a self-upgrade request must name the role wanted in `role`"});
    }
    if (rank_limited && !attrs.contains("role") && !attrs.contains("target")) {
      errors.push_back({"missing_attribute", "/attributes",
                        Q(req.action) + " manages other members: name the role in `role` "
                                        "or the member acted on in `target`"});
    }
  }
  if (!errors.empty()) {
    SortErrors(&errors);
    return out;
  }
  Decision& d = out.decision;
  d.actor = req.actor;
  d.action = req.action;
  d.resource = req.resource;
  Decider<V>(v, req, explain, &d).Run(*actor, *resource, permission);
  if (explain) std::sort(d.reasons.begin(), d.reasons.end(), ReasonLess);
  return out;
}

template DecideResult DecideIn<Model>(const Model&, const Request&, bool);
template DecideResult DecideIn<Overlay>(const Overlay&, const Request&, bool);
template std::vector<std::string> EligibleApprovers<Model>(const Model&, const ApprovalRule&,
                                                           Index, Index, const std::string&);
template std::vector<std::string> EligibleApprovers<Overlay>(const Overlay&,
                                                             const ApprovalRule&, Index, Index,
                                                             const std::string&);

}  // namespace internal

DecideResult Policy::Decide(const Request& req, bool explain) const {
  return internal::DecideIn(*model_, req, explain);
}

namespace {
int32_t IndexOf(const internal::Index* found) { return found ? static_cast<int32_t>(*found) : -1; }
}  // namespace

int32_t Policy::MemberIndex(const std::string& id) const {
  return IndexOf(model_->FindMember(id));
}
int32_t Policy::PermissionIndex(const std::string& id) const {
  return IndexOf(model_->Find(model_->permission_index, id));
}
int32_t Policy::ScopeIndex(const std::string& id) const {
  return IndexOf(model_->Find(model_->scope_index, id));
}

namespace {

// The effect of one interned request on `m` at `req.now` (a valid timestamp),
// or nullopt for an index out of range or a rank-limited permission.
std::optional<Effect> EffectAt(const internal::Model& m, const Request& req, int32_t member,
                               int32_t permission, int32_t scope) {
  if (member < 0 || static_cast<size_t>(member) >= m.members.size() || permission < 0 ||
      static_cast<size_t>(permission) >= m.permissions.size() || scope < 0 ||
      static_cast<size_t>(scope) >= m.scopes.size()) {
    return std::nullopt;
  }
  if (m.permissions[permission].rank_limited) return std::nullopt;
  // The decider reads only `now` and the (empty) attributes of the request here:
  // ids are used in reasons, which the fast path does not build.
  Decision d;
  const internal::Index p = static_cast<internal::Index>(permission);
  internal::Decider<internal::Model>(m, req, false, &d)
      .Run(static_cast<internal::Index>(member), static_cast<internal::Index>(scope), &p);
  return d.effect;
}

}  // namespace

std::optional<Effect> Policy::DecideEffect(int32_t member, int32_t permission, int32_t scope,
                                           const std::string& now) const {
  if (!internal::IsTimestamp(now)) return std::nullopt;
  // One request per thread, reused, so the hot loop allocates nothing.
  thread_local Request req;
  req.now = now;
  return EffectAt(*model_, req, member, permission, scope);
}

void Policy::DecideEffects(const int32_t* triples, size_t count, const std::string& now,
                           int8_t* out) const {
  Request req;
  req.now = now;
  const bool valid = internal::IsTimestamp(now);
  for (size_t i = 0; i < count; ++i) {
    std::optional<Effect> e;
    if (valid) e = EffectAt(*model_, req, triples[3 * i], triples[3 * i + 1], triples[3 * i + 2]);
    out[i] = !e ? -1 : *e == Effect::kAllow ? 0 : *e == Effect::kDeny ? 1 : 2;
  }
}

Json Policy::Check(const Json& request) const {
  Request req;
  Errors errors = ReadRequest(request, "", &req);
  if (errors.empty()) {
    DecideResult r = Decide(req, true);
    if (r.ok()) return DecisionToJson(r.decision);
    errors = std::move(r.errors);
  } else if (request.is_object()) {
    // Report the references that could be read too, except where the field
    // itself was already found wrong.
    DecideResult r = Decide(req, false);
    auto shadowed = [&](const Error& e) {
      std::string top = e.pointer.substr(0, e.pointer.find('/', 1));  // "/attributes"
      for (const Error& known : errors) {
        if (known.pointer == e.pointer || known.pointer == top) return true;
        if (known.code == "missing_field" && known.pointer.empty() &&
            known.message.find("`" + top.substr(1) + "`") != std::string::npos) {
          return true;
        }
      }
      return false;
    };
    Errors more;
    for (Error& e : r.errors) {
      if (!shadowed(e)) more.push_back(std::move(e));
    }
    for (Error& e : more) errors.push_back(std::move(e));
  }
  internal::SortErrors(&errors);
  return ErrorsToJson(errors);
}

}  // namespace rolegate
