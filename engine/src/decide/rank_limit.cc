// The rank limit (decider.h): a member who manages others hands out roles, and
// acts on members, only up to the rank their roles manage in each family.
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
int64_t Decider<V>::RankOn(Index member, const std::vector<Index>& families) const {
  int64_t best = -1;
  v_.ForEachBindingOfMember(member, [&](uint32_t b) {
    const Binding& bd = v_.binding(b);
    if (!Covers(v_, b, resource_) || Model::Expired(bd, req_.now)) return;
    const Role& r = m_.roles[bd.role];
    if (std::find(families.begin(), families.end(), r.family) == families.end()) return;
    best = std::max(best, r.rank);
  });
  return best;
}

template <typename V>
RankCheck Decider<V>::RankTargets() const {
  const Json& attrs = req_.attributes;
  RankCheck c;
  if (auto it = attrs.find("role"); it != attrs.end()) {
    c.target_role = m_.role_index.at(it->get<std::string>());
    c.need_role = m_.roles[c.target_role].rank;
  }
  if (auto it = attrs.find("target"); it != attrs.end()) {
    c.target = *v_.FindMember(it->get<std::string>());
  }
  return c;
}

template <typename V>
bool Decider<V>::WithinRank(Index b, RankCheck* c) const {
  const Role& r = m_.roles[v_.binding(b).role];
  if (!r.manages) return false;
  bool ok = true;
  if (c->target_role != kNone) {
    const int64_t limit = r.ManagesUpTo(m_.roles[c->target_role].family);
    c->best_have = std::max(c->best_have, limit);
    if (c->need_role > limit) {
      ok = false;
      c->role_failed = true;
    }
  }
  if (c->target == kNone) return ok;
  // With a role named, the target's standing in that role's family. Without,
  // the action reaches the whole member: every role the target holds here must
  // be of a family this binding manages, within that family's limit.
  int64_t tr = -1;
  bool beyond = false;
  if (c->target_role != kNone) {
    tr = RankOn(c->target, std::vector<Index>{m_.roles[c->target_role].family});
    beyond = tr > r.ManagesUpTo(m_.roles[c->target_role].family);
  } else {
    v_.ForEachBindingOfMember(c->target, [&](uint32_t tb) {
      if (!Covers(v_, tb, resource_) || Model::Expired(v_.binding(tb), req_.now)) return;
      const Role& held = m_.roles[v_.key(tb).role];
      tr = std::max(tr, held.rank);
      if (held.rank > r.ManagesUpTo(held.family)) beyond = true;
    });
  }
  c->target_rank = std::max(c->target_rank, tr);
  if (beyond) {
    ok = false;
    c->target_failed = true;
  }
  return ok;
}

template <typename V>
bool Decider<V>::CheckRankLimit(const Permission& perm, Bindings* granting) {
  RankCheck c = RankTargets();
  Bindings passing;
  for (Index b : *granting) {
    if (WithinRank(b, &c)) passing.push_back(b);
  }
  if (!passing.empty()) {
    *granting = std::move(passing);
    return true;
  }
  Deny();
  if (explain_) ExplainRankLimit(perm, c, *granting);
  return false;
}

template <typename V>
void Decider<V>::ExplainRankLimit(const Permission& perm, const RankCheck& c,
                                  const Bindings& granting) {
  if (c.best_have < 0 && c.target_role != kNone) {
    Add("rank_too_low",
        Json{{"role", m_.roles[c.target_role].id}, {"have", -1}, {"need", c.need_role}},
        "no role of the actor on " + ScopeWord(resource_) + " may manage roles of family " +
            Q(m_.families[m_.roles[c.target_role].family]));
    return;
  }
  if (c.role_failed || (!c.target_failed && c.target_role != kNone)) {
    Add("rank_too_low",
        Json{{"role", m_.roles[c.target_role].id}, {"have", c.best_have}, {"need", c.need_role}},
        Q(perm.id) + " with role " + Q(m_.roles[c.target_role].id) + " needs rank " +
            std::to_string(c.need_role) + ", but the actor manages roles up to rank " +
            std::to_string(c.best_have) + " on " + ScopeWord(resource_));
  }
  if (c.target_failed) ExplainTargetBeyond(c, granting);
  if (!c.role_failed && !c.target_failed) {
    Add("rank_too_low", Json{{"role", ""}, {"have", -1}, {"need", 0}},
        "no role of the actor on " + ScopeWord(resource_) + " may manage other members");
  }
}

template <typename V>
void Decider<V>::ExplainTargetBeyond(const RankCheck& c, const Bindings& granting) {
  const std::string who = "member " + Q(v_.member(c.target).id);
  Json facts{{"target", v_.member(c.target).id}, {"have", c.best_have}, {"need", c.target_rank}};
  std::string message = who + " holds rank " + std::to_string(c.target_rank) + " on " +
                        ScopeWord(resource_) + ", above the rank " + std::to_string(c.best_have) +
                        " the actor may manage";
  if (c.target_role == kNone) WholeMemberBeyond(c, granting, who, &facts, &message);
  Add("target_outranks_actor", std::move(facts), std::move(message));
}

template <typename V>
void Decider<V>::WholeMemberBeyond(const RankCheck& c, const Bindings& granting,
                                   const std::string& who, Json* facts,
                                   std::string* message) const {
  // Acting on the whole member: say whether a family they hold a role of is
  // managed by none of the actor's roles here, or only the rank falls short.
  std::map<Index, const Role*> held;  // family -> the target's highest role in it
  v_.ForEachBindingOfMember(c.target, [&](uint32_t tb) {
    if (!Covers(v_, tb, resource_) || Model::Expired(v_.binding(tb), req_.now)) return;
    const Role& r = m_.roles[v_.key(tb).role];
    const Role*& top = held[r.family];
    if (top == nullptr || r.rank > top->rank) top = &r;
  });
  const Role* orphan = nullptr;  // the target's role in a family nobody here manages
  for (const auto& [family, role] : held) {
    bool managed = false;
    for (Index b : granting) managed = managed || m_.roles[v_.key(b).role].ManagesUpTo(family) >= 0;
    if (!managed && orphan == nullptr) orphan = role;
  }
  // Among the actor's roles here that manage every family held, the best limit
  // in each family; the family whose top role is furthest beyond it (the highest
  // rank; the first family on a tie) is the one to name.
  bool any_all = false;
  const Role* short_of = nullptr;
  int64_t short_have = -1;
  for (const auto& [family, role] : held) {
    int64_t have = -1;
    for (Index b : granting) {
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
  const std::string target = v_.member(c.target).id;
  if (orphan != nullptr) {
    *facts = Json{{"target", target},
                  {"family", m_.families[orphan->family]},
                  {"have", -1},
                  {"need", orphan->rank}};
    *message = who + " holds role " + Q(orphan->id) + " of family " +
               Q(m_.families[orphan->family]) + " on " + ScopeWord(resource_) +
               ", a family the actor's roles there do not manage";
  } else if (any_all && short_of != nullptr) {
    (*facts)["have"] = short_have;
    (*facts)["need"] = short_of->rank;
    *message = who + " holds rank " + std::to_string(short_of->rank) + " on " +
               ScopeWord(resource_) + ", above the rank " + std::to_string(short_have) +
               " the actor may manage";
  } else if (any_all) {  // each role is within some limit, but none within all
    (*facts)["have"] = -1;
    *message = "no single role of the actor on " + ScopeWord(resource_) +
               " may manage every role " + who + " holds there";
  } else {
    (*facts)["have"] = -1;
    *message = "no single role of the actor on " + ScopeWord(resource_) + " manages every family " +
               who + " holds a role of there";
  }
}

template int64_t Decider<Model>::RankOn(Index, const std::vector<Index>&) const;
template bool Decider<Model>::CheckRankLimit(const Permission&, Bindings*);
template int64_t Decider<Overlay>::RankOn(Index, const std::vector<Index>&) const;
template bool Decider<Overlay>::CheckRankLimit(const Permission&, Bindings*);

}  // namespace internal
}  // namespace rolegate
