// Choosing actors, members and scopes that make an operation likely to be allowed.
#include <algorithm>

#include "moves.h"

namespace esc {

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::vector<std::string> WithStatus(const World& w, const std::vector<std::string>& statuses) {
  std::vector<std::string> out;
  for (const std::string& id : w.member_ids) {
    if (Has(statuses, w.members.at(id).status)) out.push_back(id);
  }
  return out;
}

std::string PickActor(Ctx& c) {
  std::vector<std::string> managers;
  for (const BindingDef& b : c.w.bindings) {
    if (c.w.Live(b, c.now) && c.w.Role(b.role) && c.w.Role(b.role)->manages &&
        !Has(managers, b.member)) {
      managers.push_back(b.member);
    }
  }
  if (!managers.empty() && c.rng.Chance(75)) return c.rng.Pick(managers);
  return c.rng.Pick(c.w.member_ids);
}

bool Grants(const World& w, const BindingDef& b, const std::string& perm) {
  return w.EffectivePermissions(b.role).count(perm) > 0;
}

// An actor likely to be allowed: one holding `perm` through a live binding covering
// each of `scopes` (most of the time), or anyone.
std::string ActorOn(Ctx& c, const std::string& perm, const std::vector<std::string>& scopes) {
  std::vector<std::string> able;
  for (const std::string& m : c.w.member_ids) {
    bool all = true;
    for (const std::string& s : scopes) {
      bool one = false;
      for (const BindingDef* b : c.w.LiveBindingsOf(m, c.now)) {
        one = one || (c.w.Covers(*b, s) && Grants(c.w, *b, perm));
      }
      all = all && one;
    }
    if (all) able.push_back(m);
  }
  return !able.empty() && c.rng.Chance(80) ? c.rng.Pick(able) : PickActor(c);
}

// Whether `actor` manages `member` wherever the member holds a role (or where it
// was added, when it holds none).
bool Reaches(const World& w, const std::string& actor, const std::string& member,
             const std::string& now) {
  bool any = false;
  for (const BindingDef& t : w.bindings) {
    if (t.member != member || w.Role(t.role) == nullptr) continue;
    any = true;
    const RoleDef& r = *w.Role(t.role);
    bool ok = false;
    for (const BindingDef* a : w.LiveBindingsOf(actor, now)) {
      const RoleDef& ar = *w.Role(a->role);
      ok = ok || (w.Covers(*a, t.scope) && Grants(w, *a, "members.manage") &&
                  World::ManagesUpTo(ar, r.family) >= r.rank);
    }
    if (!ok) return false;
  }
  if (any) return true;
  const std::string home = w.members.at(member).added_to;
  for (const BindingDef* a : w.LiveBindingsOf(actor, now)) {
    if (w.Role(a->role)->manages && (home.empty() || w.Covers(*a, home))) return true;
  }
  return false;
}

std::string ActorFor(Ctx& c, const std::string& member) {
  std::vector<std::string> able;
  for (const std::string& m : c.w.member_ids) {
    if (Reaches(c.w, m, member, c.now)) able.push_back(m);
  }
  return !able.empty() && c.rng.Chance(80) ? c.rng.Pick(able) : PickActor(c);
}

std::string BindableScope(Ctx& c, const std::string& role) {
  std::vector<std::string> at;
  if (const RoleDef* r = c.w.Role(role)) {
    for (const std::string& s : c.w.scopes) {
      if (Has(r->assignable_at, c.w.scope_type.at(s))) at.push_back(s);
    }
  }
  return at.empty() || c.rng.Chance(5) ? c.rng.Pick(c.w.scopes) : c.rng.Pick(at);
}

std::vector<std::string> Customs(const World& w) {
  std::vector<std::string> out;
  for (const std::string& id : w.role_ids) {
    if (w.roles.at(id).custom) out.push_back(id);
  }
  return out;
}

}  // namespace esc
