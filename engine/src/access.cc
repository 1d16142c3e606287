#include "access.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "overlay.h"
#include "view.h"

namespace rolegate {
namespace internal {
namespace {

// Members holding (in `v`) one of `roles`.
template <typename V>
void HoldersOf(const V& v, const std::set<std::string>& roles, std::set<std::string>* out) {
  const Model& m = v.model();
  for (size_t i = 0; i < v.member_count(); ++i) {
    v.ForEachBindingOfMember(static_cast<Index>(i), [&](uint32_t b) {
      if (roles.count(m.roles[v.key(b).role].id)) out->insert(v.member(static_cast<Index>(i)).id);
    });
  }
}

// (role id, scope id) of every binding of `member`, sorted.
template <typename V>
void HeldRoles(const V& v, Index member, std::set<std::pair<std::string, std::string>>* out) {
  const Model& m = v.model();
  v.ForEachBindingOfMember(member, [&](uint32_t b) {
    const BindingKey& k = v.key(b);
    out->insert({m.roles[k.role].id, m.scopes[k.scope].id});
  });
}

// How far a member reaches over others, per scope they are bound on: the highest
// rank they may hand out or take away per family (`manages`, through a role that
// holds a rankLimited permission), and the lowest rank they see per family and
// field (`sees`, inherited rules included; "email" also shows the e-mail).
struct Power {
  std::map<std::pair<std::string, std::string>, int64_t> manages;             // (scope, family)
  std::map<std::tuple<std::string, std::string, std::string>, int64_t> sees;  // + field
};

template <typename V>
Power PowerOf(const V& v, Index member, const std::string& now) {
  const Model& m = v.model();
  Power out;
  if (v.member(member).status != MemberStatus::kActive) return out;
  v.ForEachBindingOfMember(member, [&](uint32_t b) {
    const Binding& bd = v.binding(b);
    if (Model::Expired(bd, now)) return;
    const Role& r = m.roles[bd.role];
    const std::string& scope = m.scopes[bd.scope].id;
    if (ManagesAnyone(m, r)) {
      for (const ManagesLimit& l : r.manages_limits) {
        auto it = out.manages.try_emplace({scope, m.families[l.family]}, l.up_to).first;
        it->second = std::max(it->second, l.up_to);
      }
    }
    for (const SeesRule& rule : r.sees_rules) {
      for (Index f : rule.families) {
        for (const char* field : {"name", "email"}) {
          if (std::string(field) == "email" && !rule.email) continue;
          auto it = out.sees.try_emplace({scope, m.families[f], field}, rule.min_rank).first;
          it->second = std::min(it->second, rule.min_rank);
        }
      }
    }
  });
  return out;
}

// What a member could start for themself: self-upgrades (rule, role, scope) and
// claims (rule, role, the scope within which it may be claimed).
struct Offers {
  std::set<std::tuple<std::string, std::string, std::string>> self_upgrades, claims;
};

// The self-upgrades and claims open to members of a view, as a check of
// `request_self_upgrade` or `claim_role` would find them (Decider::DecideSelfUpgrade
// and DecideClaim, decide.cc): a live binding of a rule's `from` role on the scope, a
// `to` role above it, nobody else present of the rank `unlessPresent` names, the
// operation mapped to the rule's action, and the member's kind allowed the role.
// Who is present on a scope is found once per scope, family and rank (memoised), so
// asking for many members stays linear in the bindings.
template <typename V>
class OfferFinder {
 public:
  OfferFinder(const V& v, const std::string& now) : v_(v), m_(v.model()), now_(now) {
    auto action = [&](const char* kind) {
      auto it = m_.operation_rules.find(kind);
      return it == m_.operation_rules.end() ? std::string() : it->second.action;
    };
    upgrade_action_ = action("request_self_upgrade");
    claim_action_ = action("claim_role");
  }

  Offers Of(Index member) {
    Offers out;
    const Member& mb = v_.member(member);
    if (mb.status != MemberStatus::kActive) return out;
    v_.ForEachBindingOfMember(member, [&](uint32_t b) {
      const Binding& bd = v_.binding(b);
      if (Model::Expired(bd, now_)) return;
      const Role& held = m_.roles[bd.role];
      const std::string& scope = m_.scopes[bd.scope].id;
      for (const SelfUpgrade& u : m_.self_upgrades) {
        if (u.on_registration || u.action != upgrade_action_ ||
            std::find(u.from.begin(), u.from.end(), bd.role) == u.from.end()) {
          continue;
        }
        for (Index to : u.to) {
          const Role& want = m_.roles[to];
          if (want.rank <= held.rank || !want.AllowsKind(mb.kind)) continue;
          if (u.has_unless && Present(bd.scope, want.family, u.unless_min_rank, member)) continue;
          out.self_upgrades.insert({u.id, want.id, scope});
        }
      }
      for (const Claim& c : m_.claims) {
        if (c.action != claim_action_ ||
            std::find(c.holder.begin(), c.holder.end(), bd.role) == c.holder.end() ||
            !m_.roles[c.grants].AllowsKind(mb.kind)) {
          continue;
        }
        Index w = bd.scope;
        while (w != kNone && m_.scopes[w].type != c.within) w = m_.scopes[w].parent;
        if (w != kNone) out.claims.insert({c.id, m_.roles[c.grants].id, m_.scopes[w].id});
      }
    });
    return out;
  }

  // The active members with a live binding covering `scope` of a role of `family`
  // from rank `min` (at most two of them: enough to say whether anyone but a given
  // member is present).
  const std::vector<Index>& Holders(Index scope, Index family, int64_t min) {
    auto [it, fresh] = present_.try_emplace({scope, family, min});
    if (!fresh) return it->second;
    std::vector<Index>& holders = it->second;
    ForEachPresent(v_, scope, family, min, now_, [&](const Binding& bd) {
      if (holders.size() < 2 &&
          std::find(holders.begin(), holders.end(), bd.member) == holders.end()) {
        holders.push_back(bd.member);
      }
    });
    return holders;
  }

 private:
  bool Present(Index scope, Index family, int64_t min, Index except) {
    for (Index h : Holders(scope, family, min)) {
      if (h != except) return true;
    }
    return false;
  }

  const V& v_;
  const Model& m_;
  const std::string now_;
  std::string upgrade_action_, claim_action_;
  std::map<std::tuple<Index, Index, int64_t>, std::vector<Index>> present_;
};

// The members whose self-upgrades may open or close although the change does not
// name them: those holding a rule's `from` role on one of `scopes` (ids), where who
// is present of the rule's `unlessPresent` rank changes between the two states so
// that it can matter to someone (one side has at most one such member).
template <typename V>
void MayUpgradeOn(const Model& before, OfferFinder<Model>& fb, const V& after, OfferFinder<V>& fa,
                  const std::set<std::string>& scopes, std::set<std::string>* out) {
  const Model& ma = after.model();
  for (const std::string& id : scopes) {
    const Index* sb = before.scope_index.Get(id);
    const Index* sa = ma.scope_index.Get(id);
    if (sb == nullptr || sa == nullptr) continue;
    bool moves = false;
    for (const SelfUpgrade& u : ma.self_upgrades) {
      if (!u.has_unless) continue;
      for (Index to : u.to) {
        const Index* fam_before = before.family_index.Get(ma.families[ma.roles[to].family]);
        std::vector<std::string> hb, ha;
        if (fam_before != nullptr) {
          for (Index h : fb.Holders(*sb, *fam_before, u.unless_min_rank))
            hb.push_back(before.members[h].id);
        }
        for (Index h : fa.Holders(*sa, ma.roles[to].family, u.unless_min_rank)) {
          ha.push_back(after.member(h).id);
        }
        std::sort(hb.begin(), hb.end());
        std::sort(ha.begin(), ha.end());
        moves = moves || (hb != ha && std::min(hb.size(), ha.size()) <= 1);
      }
    }
    if (!moves) continue;
    auto holders_of_from = [&](const auto& v, Index scope) {
      const Model& m = v.model();
      v.ForEachBindingOnScope(scope, [&](uint32_t b) {
        const Binding& bd = v.binding(b);
        for (const SelfUpgrade& u : m.self_upgrades) {
          if (std::find(u.from.begin(), u.from.end(), bd.role) != u.from.end()) {
            out->insert(v.member(bd.member).id);
            return;
          }
        }
      });
    };
    holders_of_from(before, *sb);
    holders_of_from(after, *sa);
  }
}

// Sets of tuples as {gained, lost} lists of objects with the fields `names`.
template <typename T>
Json SetChange(const std::set<T>& a, const std::set<T>& b,
               const std::array<const char*, 3>& names) {
  auto object = [&](const T& t) {
    return Json{{names[0], std::get<0>(t)}, {names[1], std::get<1>(t)}, {names[2], std::get<2>(t)}};
  };
  Json gained = Json::array(), lost = Json::array();
  for (const T& t : b) {
    if (!a.count(t)) gained.push_back(object(t));
  }
  for (const T& t : a) {
    if (!b.count(t)) lost.push_back(object(t));
  }
  return Json{{"gained", std::move(gained)}, {"lost", std::move(lost)}};
}

// {from, to} where a value differs between two maps (null: absent), in key order.
template <typename Key, typename Emit>
void EachChange(const std::map<Key, int64_t>& a, const std::map<Key, int64_t>& b,
                const Emit& emit) {
  std::set<Key> keys;
  for (const auto& entry : a) keys.insert(entry.first);
  for (const auto& entry : b) keys.insert(entry.first);
  for (const Key& k : keys) {
    auto ia = a.find(k), ib = b.find(k);
    Json from = ia == a.end() ? Json(nullptr) : Json(ia->second);
    Json to = ib == b.end() ? Json(nullptr) : Json(ib->second);
    if (from != to) emit(k, std::move(from), std::move(to));
  }
}

}  // namespace

template <typename V>
Access EffectiveAccess(const V& v, Index member, const std::string& now) {
  const Model& m = v.model();
  Access out;
  if (v.member(member).status != MemberStatus::kActive) return out;
  v.ForEachBindingOfMember(member, [&](uint32_t b) {
    const Binding& bd = v.binding(b);
    if (Model::Expired(bd, now)) return;
    const Role& r = m.roles[bd.role];
    auto add = [&](Index s) {
      const Scope& scope = m.scopes[s];
      for (size_t p = 0; p < m.permissions.size(); ++p) {
        if (r.permissions.Test(static_cast<Index>(p)) &&
            ((m.permissions[p].applies_mask >> scope.type) & 1u)) {
          out.insert({scope.id, m.permissions[p].id});
        }
      }
    };
    add(bd.scope);
    if (r.descendants) {
      const Scope& s = m.scopes[bd.scope];
      for (uint32_t i = s.pre + 1; i < s.subtree_end; ++i) add(m.preorder[i]);
    }
  });
  return out;
}

namespace {

// The roles `roles_touched` reach through inheritance, transitively, in either
// state: a changed role changes every role that inherits from it.
std::set<std::string> WithHeirs(const Model& before, const Model& after,
                                const std::set<std::string>& roles_touched) {
  std::set<std::string> roles = roles_touched;
  for (const Model* m : {&before, &after}) {
    for (bool grew = true; grew;) {
      grew = false;
      for (const Role& r : m->roles) {
        if (roles.count(r.id)) continue;
        for (Index parent : r.inherits) {
          if (roles.count(m->roles[parent].id)) {
            grew = roles.insert(r.id).second || grew;
            break;
          }
        }
      }
    }
  }
  return roles;
}

// The roles self-upgrades and claims that lead to one of `roles` start from.
std::set<std::string> StartsOf(const Model& before, const Model& after,
                               const std::set<std::string>& roles) {
  std::set<std::string> starts;
  for (const Model* m : {&before, &after}) {
    for (const SelfUpgrade& u : m->self_upgrades) {
      for (Index to : u.to) {
        if (!roles.count(m->roles[to].id)) continue;
        for (Index from : u.from) starts.insert(m->roles[from].id);
      }
    }
    for (const Claim& c : m->claims) {
      if (!roles.count(m->roles[c.grants].id)) continue;
      for (Index holder : c.holder) starts.insert(m->roles[holder].id);
    }
  }
  return starts;
}

// The members whose access the change may have changed: those it names, the
// holders of the roles it changed (and their heirs), and the holders of the roles
// a changed self-upgrade or claim target starts from (its rank, the kinds that
// may hold it: what they could start may change).
template <typename V>
std::set<std::string> TouchedMembers(const Model& before, const V& after,
                                     const std::set<std::string>& members_touched,
                                     const std::set<std::string>& roles_touched) {
  std::set<std::string> touched = members_touched;
  if (roles_touched.empty()) return touched;
  const std::set<std::string> roles = WithHeirs(before, after.model(), roles_touched);
  HoldersOf(before, roles, &touched);
  HoldersOf(after, roles, &touched);
  const std::set<std::string> starts = StartsOf(before, after.model(), roles);
  HoldersOf(before, starts, &touched);
  HoldersOf(after, starts, &touched);
  return touched;
}

// A permission gained that the member may use only with approval: the rules and
// who may approve, as a check of it (no attributes) answers. A rankLimited one is
// asked about the first role the member may hand out there (a check of it must
// name one).
template <typename V>
Json GainedEntry(const V& after, const Index* ia, const std::string& id, const std::string& scope,
                 const std::string& perm, const std::string& now) {
  Json entry{{"scope", scope}, {"permission", perm}};
  const Index* pi = after.model().permission_index.Get(perm);
  std::optional<DecideResult> d;
  if (ia && pi && !after.model().permissions[*pi].rank_limited) {
    d = DecideIn(after, Request{id, perm, scope, now, Json::object()}, false);
  } else if (ia && pi) {
    for (const Role& r : after.model().roles) {
      DecideResult tried =
          DecideIn(after, Request{id, perm, scope, now, Json{{"role", r.id}}}, false);
      if (tried.ok() && tried.decision.effect != Effect::kDeny) {
        d = std::move(tried);
        break;
      }
    }
  }
  if (d && d->ok() && d->decision.effect == Effect::kConditional &&
      !d->decision.approvals.empty()) {
    Json approvals = Json::array();
    for (const ApprovalRequirement& r : d->decision.approvals) {
      approvals.push_back(Json{{"rule", r.rule}, {"quorum", r.quorum}, {"approvers", r.approvers}});
    }
    entry["approvals"] = std::move(approvals);
  }
  return entry;
}

// The roles a member gained and lost (bindings, whatever the member's status): a
// change of rank can matter without changing permissions.
template <typename V>
Json RolesChange(const Model& before, const Index* ib, const V& after, const Index* ia) {
  std::set<std::pair<std::string, std::string>> held_before, held_after;
  if (ib) HeldRoles(before, *ib, &held_before);
  if (ia) HeldRoles(after, *ia, &held_after);
  Json gained = Json::array(), lost = Json::array();
  for (const auto& [role, scope] : held_after) {
    if (!held_before.count({role, scope})) gained.push_back(Json{{"role", role}, {"scope", scope}});
  }
  for (const auto& [role, scope] : held_before) {
    if (!held_after.count({role, scope})) lost.push_back(Json{{"role", role}, {"scope", scope}});
  }
  return Json{{"gained", std::move(gained)}, {"lost", std::move(lost)}};
}

// Power over others: whom a member may manage and see, per scope, and the
// self-upgrades and claims open to them; null when none of it changed.
template <typename V>
Json PowerChange(const Model& before, const Index* ib, OfferFinder<Model>& offers_before,
                 const V& after, const Index* ia, OfferFinder<V>& offers_after,
                 const std::string& now) {
  Power pa, pb;
  if (ib) pa = PowerOf(before, *ib, now);
  if (ia) pb = PowerOf(after, *ia, now);
  Json manages = Json::array(), sees = Json::array();
  EachChange(pa.manages, pb.manages, [&](const auto& k, Json from, Json to) {
    manages.push_back(Json{{"scope", k.first}, {"family", k.second}, {"from", from}, {"to", to}});
  });
  EachChange(pa.sees, pb.sees, [&](const auto& k, Json from, Json to) {
    sees.push_back(Json{{"scope", std::get<0>(k)},
                        {"family", std::get<1>(k)},
                        {"field", std::get<2>(k)},
                        {"from", from},
                        {"to", to}});
  });
  Offers oa, ob;
  if (ib) oa = offers_before.Of(*ib);
  if (ia) ob = offers_after.Of(*ia);
  Json upgrades = SetChange(oa.self_upgrades, ob.self_upgrades, {"rule", "role", "scope"});
  Json claims = SetChange(oa.claims, ob.claims, {"rule", "role", "within"});
  const bool offers_changed = !upgrades["gained"].empty() || !upgrades["lost"].empty() ||
                              !claims["gained"].empty() || !claims["lost"].empty();
  if (manages.empty() && sees.empty() && !offers_changed) return Json();
  return Json{{"manages", std::move(manages)},
              {"sees", std::move(sees)},
              {"selfUpgrades", std::move(upgrades)},
              {"claims", std::move(claims)}};
}

// One member's entry of the access diff, or null when nothing of theirs changed.
template <typename V>
Json MemberDiff(const Model& before, OfferFinder<Model>& offers_before, const V& after,
                OfferFinder<V>& offers_after, const std::string& id, const std::string& now) {
  Access a, b;
  const Index* ib = before.FindMember(id);
  const Index* ia = after.FindMember(id);
  if (ib) a = EffectiveAccess(before, *ib, now);
  if (ia) b = EffectiveAccess(after, *ia, now);
  Json gained = Json::array(), lost = Json::array();
  std::set<std::string> scopes;
  for (const auto& [scope, perm] : b) {
    if (a.count({scope, perm})) continue;
    gained.push_back(GainedEntry(after, ia, id, scope, perm, now));
    scopes.insert(scope);
  }
  for (const auto& [scope, perm] : a) {
    if (b.count({scope, perm})) continue;
    lost.push_back(Json{{"scope", scope}, {"permission", perm}});
    scopes.insert(scope);
  }
  Json roles = RolesChange(before, ib, after, ia);
  Json power = PowerChange(before, ib, offers_before, after, ia, offers_after, now);
  if (gained.empty() && lost.empty() && roles["gained"].empty() && roles["lost"].empty() &&
      power.is_null()) {
    return Json();
  }
  const int64_t g = static_cast<int64_t>(gained.size()), l = static_cast<int64_t>(lost.size());
  Json entry{
      {"member", id},
      {"gained", std::move(gained)},
      {"lost", std::move(lost)},
      {"roles", std::move(roles)},
      {"totals", {{"gained", g}, {"lost", l}, {"scopes", static_cast<int64_t>(scopes.size())}}}};
  if (!power.is_null()) entry["power"] = std::move(power);
  return entry;
}

}  // namespace

template <typename V>
Json AccessDiff(const Model& before, const V& after, const std::string& now,
                const std::set<std::string>& members_touched,
                const std::set<std::string>& roles_touched) {
  std::set<std::string> touched = TouchedMembers(before, after, members_touched, roles_touched);
  // A self-upgrade may hang on who else holds roles on the scope (`unlessPresent`):
  // where the touched members' bindings are, or were, and who is present changes so
  // that it can matter, the members who may upgrade there are looked at too (listed
  // only when something of theirs changes).
  OfferFinder<Model> offers_before(before, now);
  OfferFinder<V> offers_after(after, now);
  if (!after.model().self_upgrades.empty()) {
    std::set<Index> scopes_before, scopes_after;
    ScopesOfMembers(before, touched, &scopes_before);
    ScopesOfMembers(after, touched, &scopes_after);
    std::set<std::string> scope_ids;
    for (Index s : scopes_before) scope_ids.insert(before.scopes[s].id);
    for (Index s : scopes_after) scope_ids.insert(after.model().scopes[s].id);
    std::set<std::string> more;
    MayUpgradeOn(before, offers_before, after, offers_after, scope_ids, &more);
    touched.insert(more.begin(), more.end());
  }
  Json members = Json::array();
  int64_t total_gained = 0, total_lost = 0;
  for (const std::string& id : touched) {
    Json entry = MemberDiff(before, offers_before, after, offers_after, id, now);
    if (entry.is_null()) continue;
    total_gained += entry["totals"]["gained"].get<int64_t>();
    total_lost += entry["totals"]["lost"].get<int64_t>();
    members.push_back(std::move(entry));
  }
  int64_t count = static_cast<int64_t>(members.size());
  return Json{{"members", std::move(members)},
              {"totals", {{"gained", total_gained}, {"lost", total_lost}, {"members", count}}}};
}

template <typename V>
Breaches MinHolderBreaches(const V& v, const std::string& now, const std::vector<Index>* scopes) {
  const Model& m = v.model();
  Breaches out;
  for (const Invariant& inv : m.invariants) {
    if (inv.kind != "min_holders") continue;
    const std::string family = inv.spec.value("family", "");
    const int64_t min_rank = inv.spec.value("minRank", int64_t{0});
    const int64_t need = inv.spec.value("count", int64_t{1});
    const Index* type = m.scope_type_index.Get(inv.spec.value("scopeType", ""));
    const Index* fam = m.family_index.Get(family);
    if (type == nullptr || fam == nullptr) continue;
    auto check = [&](Index s) {
      if (m.scopes[s].type != *type) return;
      std::set<Index> holders;
      ForEachPresent(v, s, *fam, min_rank, now,
                     [&](const Binding& bd) { holders.insert(bd.member); });
      int64_t have = static_cast<int64_t>(holders.size());
      if (have >= need) return;
      Breach br;
      br.invariant = inv.id;
      br.kind = inv.kind;
      br.severity = inv.severity;
      br.scope = m.scopes[s].id;
      br.have = have;
      br.need = need;
      br.message = "scope `" + br.scope + "` would have " + std::to_string(have) +
                   " active holder(s) of a `" + family + "` role of rank " +
                   std::to_string(min_rank) + " or above; invariant `" + inv.id + "` needs " +
                   std::to_string(need);
      out[{inv.id, br.scope}] = std::move(br);
    };
    if (scopes == nullptr) {
      for (size_t s = 0; s < m.scopes.size(); ++s) check(static_cast<Index>(s));
    } else {
      for (Index s : *scopes) check(s);
    }
  }
  return out;
}

template <typename V>
void ScopesOfMembers(const V& v, const std::set<std::string>& members, std::set<Index>* out) {
  const Model& m = v.model();
  for (const std::string& id : members) {
    const Index* i = v.FindMember(id);
    if (i == nullptr) continue;
    v.ForEachBindingOfMember(*i, [&](uint32_t b) {
      const BindingKey& k = v.key(b);
      out->insert(k.scope);
      if (m.roles[k.role].descendants) {
        const Scope& s = m.scopes[k.scope];
        for (uint32_t p = s.pre + 1; p < s.subtree_end; ++p) out->insert(m.preorder[p]);
      }
    });
  }
}

#define ROLEGATE_ACCESS_INSTANTIATE(V)                                                             \
  template Access EffectiveAccess<V>(const V&, Index, const std::string&);                         \
  template Json AccessDiff<V>(const Model&, const V&, const std::string&,                          \
                              const std::set<std::string>&, const std::set<std::string>&);         \
  template Breaches MinHolderBreaches<V>(const V&, const std::string&, const std::vector<Index>*); \
  template void ScopesOfMembers<V>(const V&, const std::set<std::string>&, std::set<Index>*);
ROLEGATE_ACCESS_INSTANTIATE(Model)
ROLEGATE_ACCESS_INSTANTIATE(Overlay)
#undef ROLEGATE_ACCESS_INSTANTIATE

}  // namespace internal
}  // namespace rolegate
