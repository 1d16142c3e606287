// Role definitions and approval rules drawn within the actor's power except for
// one thing at a time (rank, permissions, sees, manages, reach, holders, requester
// roles, quorum), so that each check, switched off alone, is noticed.
#include <algorithm>
#include <map>
#include <set>

#include "moves.h"

namespace esc {
namespace {

enum Fault { kWithin, kRank, kPerms, kSees, kManages, kReach, kHolders, kWild };

// A custom role `id` for `actor`: within the actor's power but for `fault`.
Json RoleFor(Ctx& c, const std::string& actor, const std::string& id, const RoleDef* old,
             Fault fault) {
  Rng& rng = c.rng;
  const World& w = c.w;
  const std::vector<std::string> fams = w.Families();
  std::map<std::string, int64_t> cap;
  std::vector<std::string> managed;
  for (const std::string& f : fams) {
    cap[f] = w.Capacity(actor, f, c.now);
    if (cap[f] >= 0) managed.push_back(f);
  }
  const std::set<std::string> held_set = w.HeldPermissions(actor, c.now);
  const std::vector<std::string> held(held_set.begin(), held_set.end());
  std::vector<const RoleDef*> seeing;
  for (const BindingDef* b : w.LiveBindingsOf(actor, c.now)) {
    if (w.Role(b->role)->sees) seeing.push_back(w.Role(b->role));
  }
  std::string fam = !managed.empty() && rng.Chance(85) ? rng.Pick(managed) : rng.Pick(fams);
  if (old != nullptr && (fault != kHolders || rng.Chance(60))) fam = old->family;
  int64_t rank =
      cap[fam] >= 0 ? (rng.Chance(30) ? cap[fam] : rng.Range(0, cap[fam])) : rng.Range(0, 50);
  if (fault == kHolders && old != nullptr && cap[fam] > old->rank) {
    rank = rng.Range(old->rank + 1, cap[fam]);
  }
  Json r{{"id", id}, {"family", fam}, {"rank", rank}, {"custom", true}};
  r["permissions"] = rng.Subset(held, 40);
  std::vector<std::string> at = old ? old->assignable_at : rng.Subset(w.types, 50);
  if (at.empty()) at.push_back(rng.Pick(w.types));
  r["assignableAt"] = at;
  if (old ? old->exclusive : rng.Chance(30)) r["exclusive"] = true;
  if (rng.Chance(25)) {
    std::vector<std::string> within;
    for (const std::string& other : w.role_ids) {
      const std::set<std::string> p = w.EffectivePermissions(other);
      if (other != id && std::includes(held_set.begin(), held_set.end(), p.begin(), p.end())) {
        within.push_back(other);
      }
    }
    if (!within.empty()) r["inherits"] = {rng.Pick(within)};
  }
  if (!seeing.empty() && rng.Chance(50)) {
    const RoleDef* a = rng.Pick(seeing);
    const std::vector<std::string> seen = w.SeenFamilies(*a);
    std::vector<std::string> sub = rng.Subset(seen, 60);
    if (sub.empty()) sub.push_back(rng.Pick(seen));
    r["sees"] = {{"minRank", a->sees_min + rng.Range(0, 10)},
                 {"families", sub},
                 {"fields", a->sees_email && rng.Chance(50) ? Json{"email"} : Json{"name"}}};
  }
  if (!managed.empty() && rng.Chance(40)) {
    const std::string mf = rng.Pick(managed);
    r["manages"] = {{"upToRank", rng.Range(0, cap[mf])}, {"families", {mf}}};
    if (managed.size() > 1 && rng.Chance(40)) {  // a list: each family within its capacity
      Json list = Json::array();
      for (const std::string& f : managed) {
        if (rng.Chance(60)) list.push_back({{"families", {f}}, {"upToRank", rng.Range(0, cap[f])}});
      }
      if (!list.empty()) r["manages"] = list;
    }
  }
  switch (fault) {
    case kRank:
      r["rank"] = std::max<int64_t>(cap[fam], 0) + (rng.Chance(30) ? 1000 : rng.Range(1, 20));
      break;
    case kPerms: {
      std::vector<std::string> beyond;
      for (const std::string& p : w.permissions) {
        if (!held_set.count(p)) beyond.push_back(p);
      }
      std::vector<std::string> wider;  // roles that would pass more on
      for (const std::string& other : w.role_ids) {
        for (const std::string& p : w.EffectivePermissions(other)) {
          if (!held_set.count(p) && other != id && !Has(wider, other)) wider.push_back(other);
        }
      }
      if (beyond.empty()) {
        r["rank"] = 1000;
      } else if (!wider.empty() && rng.Chance(30)) {
        r["inherits"] = {rng.Pick(wider)};
      } else {
        r["permissions"].push_back(rng.Pick(beyond));
      }
      break;
    }
    case kSees: {
      const std::string f = rng.Pick(fams);
      int64_t low = -1;
      bool email = false;
      for (const RoleDef* a : seeing) {
        if (!Has(w.SeenFamilies(*a), f)) continue;
        low = low < 0 ? a->sees_min : std::min(low, a->sees_min);
        email = email || a->sees_email;
      }
      if (low < 0) {
        r["sees"] = {{"minRank", rng.Range(0, 30)}, {"families", {f}}};
      } else if (low > 0 && (email || rng.Chance(50))) {
        r["sees"] = {{"minRank", rng.Range(0, low - 1)}, {"families", {f}}};
      } else if (!email) {
        r["sees"] = {{"minRank", low + rng.Range(0, 10)}, {"families", {f}}, {"fields", {"email"}}};
      } else {
        r["sees"] = {{"minRank", 0}, {"families", {f}}, {"fields", {"email"}}};
      }
      break;
    }
    case kManages: {
      const std::string mf = rng.Pick(fams);
      const int64_t up =
          cap[mf] < 0 ? rng.Range(0, 50) : cap[mf] + (rng.Chance(30) ? 1000 : rng.Range(1, 20));
      r["manages"] = {{"upToRank", up}, {"families", {mf}}};
      if (rng.Chance(40)) {  // the limit beyond capacity hidden in a list
        Json list = Json::array();
        for (const std::string& f : fams) {
          if (f != mf && cap[f] >= 0 && rng.Chance(50)) {
            list.push_back({{"families", {f}}, {"upToRank", rng.Range(0, cap[f])}});
          }
        }
        list.insert(list.begin() + static_cast<std::ptrdiff_t>(
                                       rng.Range(0, static_cast<int64_t>(list.size()))),
                    Json{{"families", {mf}}, {"upToRank", up}});
        r["manages"] = list;
      }
      break;
    }
    case kWild: {
      r["rank"] = rng.Pick(std::vector<int64_t>{0, 5, 25, 45, 1000});
      r["permissions"] = rng.Subset(w.permissions, 40);
      if (rng.Chance(50)) r["sees"] = {{"minRank", 0}, {"fields", {"email"}}};
      if (rng.Chance(50)) {
        r["manages"] = {{"upToRank", rng.Pick(std::vector<int64_t>{0, 50, 1000})},
                        {"families", {rng.Pick(fams)}}};
      }
      break;
    }
    default:
      break;
  }
  return r;
}

}  // namespace

Json RoleOp(Ctx& c, const std::string& kind, std::string* actor) {
  *actor = ActorOn(c, "config.edit", c.w.roots);
  const std::vector<std::string> customs = Customs(c.w);
  Json op{{"op", kind}, {"scope", c.rng.Pick(c.w.roots)}};
  if (kind == "define_role" || customs.empty()) {
    const Fault f =
        c.rng.Pick(std::vector<Fault>{kWithin, kWithin, kRank, kPerms, kSees, kManages, kWild});
    op["op"] = "define_role";
    op["role"] = RoleFor(c, *actor, "c" + c.tag, nullptr, f);
    return op;
  }
  // Edits and deletions aim at a role in reach, or (kReach) at one beyond it.
  const Fault f = c.rng.Pick(std::vector<Fault>{kWithin, kWithin, kRank, kPerms, kSees, kManages,
                                                kReach, kHolders, kHolders, kWild});
  std::vector<std::string> in_reach, beyond, held;
  for (const std::string& id : customs) {
    const RoleDef& r = c.w.roles.at(id);
    (r.rank <= c.w.Capacity(*actor, r.family, c.now) ? in_reach : beyond).push_back(id);
    for (const BindingDef& b : c.w.bindings) {
      if (b.role == id && !Has(held, id)) held.push_back(id);
    }
  }
  std::string target = c.rng.Pick(customs);
  if (f == kReach && !beyond.empty()) target = c.rng.Pick(beyond);
  if (f != kReach && !in_reach.empty() && c.rng.Chance(80)) target = c.rng.Pick(in_reach);
  if (f == kHolders && !held.empty()) target = c.rng.Pick(held);
  if (kind == "delete_role") {
    op["role"] = target;
    return op;
  }
  op["role"] = RoleFor(c, *actor, target, c.w.Role(target), f);
  return op;
}

Json RuleOp(Ctx& c, std::string* actor) {
  Rng& rng = c.rng;
  const World& w = c.w;
  *actor = ActorOn(c, "config.edit", w.roots);
  Json rule{{"id", !w.rules.empty() && rng.Chance(25) ? rng.Pick(w.rules).id : "ar.n" + c.tag}};
  std::vector<std::string> actions;
  for (const std::string& p : w.permissions) {
    if (!w.rank_limited.count(p) || rng.Chance(20)) actions.push_back(p);
  }
  rule["actions"] = {rng.Pick(actions)};
  std::vector<std::string> checked = w.roots;
  const std::vector<const BindingDef*> mine = w.LiveBindingsOf(*actor, c.now);
  if (!mine.empty() && rng.Chance(50)) {
    checked = {rng.Pick(mine)->scope};
    rule["scopes"] = checked;
  }
  if (rng.Chance(15)) rule["scopeTypes"] = {rng.Pick(w.types)};
  std::vector<std::string> below, above;
  for (const std::string& q : w.role_ids) {
    const RoleDef& r = w.roles.at(q);
    bool ok = true;
    for (const std::string& s : checked) {
      const int64_t own = w.OwnRankAt(*actor, r.family, s, c.now);
      ok = ok && w.Capacity(*actor, r.family, c.now, s) >= r.rank && (own < 0 || r.rank < own);
    }
    (ok ? below : above).push_back(q);
  }
  std::vector<std::string> nobody;  // roles no one holds: approvers that never come
  for (const std::string& q : w.role_ids) {
    bool held = false;
    for (const BindingDef& b : w.bindings) held = held || b.role == q;
    if (!held) nobody.push_back(q);
  }
  const int fault = static_cast<int>(rng.Below(6));  // 0 within, 1-4 one fault, 5 wild
  if (!below.empty() && fault != 1) {
    std::vector<std::string> sub = rng.Subset(below, 40);
    rule["requesterRoles"] = sub.empty() ? std::vector<std::string>{rng.Pick(below)} : sub;
  }
  if (fault == 2 && !above.empty()) rule["requesterRoles"] = {rng.Pick(above)};
  if (fault == 5) rule["requesterRoles"] = {rng.Pick(w.role_ids)};
  rule["approvers"] = {{"permission", "approve.it"}};
  if (rng.Chance(25)) rule["approvers"] = {{"roles", {rng.Pick(w.role_ids)}}};
  if (fault == 4 && !nobody.empty()) rule["approvers"] = {{"roles", {rng.Pick(nobody)}}};
  if (fault == 3 || (fault == 4 && nobody.empty())) {
    rule["quorum"] = rng.Chance(50) ? int64_t{1000} : rng.Range(2, 6);
  } else if (fault == 5 || rng.Chance(15)) {
    rule["quorum"] = rng.Pick(std::vector<int64_t>{1, 2, 1000});
  }
  return Json{{"op", "set_approval_rule"}, {"scope", rng.Pick(w.roots)}, {"rule", rule}};
}

}  // namespace esc
