#include "world.h"

#include <algorithm>
#include <cstdio>

namespace esc {
namespace {

std::vector<std::string> Strings(const Json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const Json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string Str(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t Int(const Json& obj, const char* key, int64_t otherwise) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<int64_t>() : otherwise;
}

const Json& List(const Json& bundle, const char* key) {
  static const Json kEmpty = Json::array();
  auto it = bundle.find(key);
  return it != bundle.end() && it->is_array() ? *it : kEmpty;
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Days from 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp + (mp < 10 ? 3 : -9);
  *y = yoe + era * 400 + (*m <= 2);
}

}  // namespace

std::string AddSeconds(const std::string& ts, int64_t seconds) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (std::sscanf(ts.c_str(), "%d-%d-%dT%d:%d:%dZ", &y, &mo, &d, &h, &mi, &s) != 6) return ts;
  int64_t t = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s + seconds;
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t rest = t - days * 86400;
  int64_t yy = 0, mm = 0, dd = 0;
  CivilFromDays(days, &yy, &mm, &dd);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", static_cast<int>(yy),
                static_cast<int>(mm), static_cast<int>(dd), static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return buf;
}

World World::From(const Json& b) {
  World w;
  for (const Json& t : List(b, "scopeTypes")) w.types.push_back(Str(t, "id"));
  for (const Json& s : List(b, "scopes")) {
    const std::string id = Str(s, "id");
    w.scopes.push_back(id);
    w.scope_type[id] = Str(s, "type");
    w.parent[id] = Str(s, "parent");
    if (w.parent[id].empty()) w.roots.push_back(id);
  }
  for (const Json& p : List(b, "permissions")) {
    const std::string id = Str(p, "id");
    w.permissions.push_back(id);
    w.applies_to[id] = Strings(p, "appliesTo");
    if (p.value("rankLimited", false)) w.rank_limited.insert(id);
  }
  for (const Json& r : List(b, "roles")) {
    RoleDef d;
    d.id = Str(r, "id");
    d.family = Str(r, "family");
    d.rank = Int(r, "rank", 0);
    d.permissions = Strings(r, "permissions");
    d.inherits = Strings(r, "inherits");
    d.assignable_at = Strings(r, "assignableAt");
    d.descendants = r.value("appliesToDescendants", true);
    d.custom = r.value("custom", false);
    d.exclusive = r.value("exclusive", false);
    if (auto s = r.find("sees"); s != r.end() && s->is_object()) {
      d.sees = true;
      d.sees_min = Int(*s, "minRank", 0);
      d.sees_families = Strings(*s, "families");
      d.sees_email = Contains(Strings(*s, "fields"), "email");
    }
    if (auto m = r.find("manages"); m != r.end() && (m->is_object() || m->is_array())) {
      d.manages = true;
      const Json limits = m->is_array() ? *m : Json::array({*m});
      for (const Json& l : limits) {
        std::vector<std::string> fams = Strings(l, "families");
        if (!l.contains("families")) fams.push_back(d.family);
        for (const std::string& f : fams) d.manages_up[f] = Int(l, "upToRank", 0);
      }
    }
    w.role_ids.push_back(d.id);
    w.roles[d.id] = std::move(d);
  }
  for (const Json& m : List(b, "members")) {
    MemberDef d;
    d.id = Str(m, "id");
    d.status = Str(m, "status");
    d.email = Str(m, "email");
    d.added_to = Str(m, "addedTo");
    d.blocked_from = Str(m, "blockedFrom");
    d.disabled_from = Str(m, "disabledFrom");
    if (auto inv = m.find("invitation"); inv != m.end() && inv->is_object()) {
      d.invitation = true;
      d.invitation_expires = Str(*inv, "expiresAt");
    }
    w.member_ids.push_back(d.id);
    w.members[d.id] = std::move(d);
  }
  for (const Json& x : List(b, "bindings")) {
    w.bindings.push_back({Str(x, "member"), Str(x, "role"), Str(x, "scope"), Str(x, "expiresAt")});
  }
  for (const Json& r : List(b, "approvalRules")) {
    RuleDef d;
    d.id = Str(r, "id");
    d.actions = Strings(r, "actions");
    d.scope_types = Strings(r, "scopeTypes");
    d.scopes = Strings(r, "scopes");
    d.requester_roles = Strings(r, "requesterRoles");
    d.quorum = Int(r, "quorum", 1);
    if (auto a = r.find("approvers"); a != r.end() && a->is_object()) {
      d.approver_permission = Str(*a, "permission");
      d.approver_roles = Strings(*a, "roles");
    }
    w.rules.push_back(std::move(d));
  }
  w.verifications = List(b, "verifications");
  w.requests = List(b, "approvalRequests");
  w.role_requests = List(b, "roleRequests");
  w.self_upgrades = List(b, "selfUpgrades");
  w.claims = List(b, "claims");
  return w;
}

const RoleDef* World::Role(const std::string& id) const {
  auto it = roles.find(id);
  return it == roles.end() ? nullptr : &it->second;
}

const MemberDef* World::Member(const std::string& id) const {
  auto it = members.find(id);
  return it == members.end() ? nullptr : &it->second;
}

std::string World::Status(const std::string& member) const {
  const MemberDef* m = Member(member);
  return m ? m->status : std::string();
}

bool World::IsAncestorOrSelf(const std::string& ancestor, const std::string& scope) const {
  std::string s = scope;
  for (size_t guard = 0; !s.empty() && guard <= scopes.size(); ++guard) {
    if (s == ancestor) return true;
    auto it = parent.find(s);
    s = it == parent.end() ? std::string() : it->second;
  }
  return false;
}

bool World::Expired(const BindingDef& b, const std::string& now) {
  return !b.expires.empty() && b.expires <= now;
}

bool World::Live(const BindingDef& b, const std::string& now) const {
  return Status(b.member) == "active" && !Expired(b, now);
}

bool World::Covers(const BindingDef& b, const std::string& scope) const {
  if (b.scope == scope) return true;
  const RoleDef* r = Role(b.role);
  return r != nullptr && r->descendants && IsAncestorOrSelf(b.scope, scope);
}

// Calls f(role) for `role` and every role it inherits, transitively, once each.
template <typename F>
void ForEachInherited(const World& w, const std::string& role, F&& f) {
  std::set<std::string> seen;
  std::vector<std::string> todo{role};
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    if (!seen.insert(id).second) continue;
    const RoleDef* r = w.Role(id);
    if (r == nullptr) continue;
    f(*r);
    todo.insert(todo.end(), r->inherits.begin(), r->inherits.end());
  }
}

std::set<std::string> World::EffectivePermissions(const std::string& role) const {
  std::set<std::string> out;
  ForEachInherited(*this, role, [&](const RoleDef& r) {
    out.insert(r.permissions.begin(), r.permissions.end());
  });
  return out;
}

std::vector<const RoleDef*> World::SeeingRoles(const std::string& role) const {
  std::vector<const RoleDef*> out;
  ForEachInherited(*this, role, [&](const RoleDef& r) {
    if (r.sees) out.push_back(&r);
  });
  return out;
}

std::vector<std::string> World::ManagedFamilies(const RoleDef& r) const {
  std::vector<std::string> out;
  for (const auto& entry : r.manages_up) out.push_back(entry.first);
  return out;
}

int64_t World::ManagesUpTo(const RoleDef& r, const std::string& family) {
  auto it = r.manages_up.find(family);
  return it == r.manages_up.end() ? -1 : it->second;
}

std::vector<std::string> World::SeenFamilies(const RoleDef& r) const {
  if (!r.sees) return {};
  return r.sees_families.empty() ? std::vector<std::string>{r.family} : r.sees_families;
}

std::vector<const BindingDef*> World::LiveBindingsOf(const std::string& member,
                                                     const std::string& now) const {
  std::vector<const BindingDef*> out;
  for (const BindingDef& b : bindings) {
    if (b.member == member && Live(b, now) && Role(b.role) != nullptr) out.push_back(&b);
  }
  return out;
}

int64_t World::Capacity(const std::string& member, const std::string& family,
                        const std::string& now, const std::string& scope) const {
  int64_t best = -1;
  for (const BindingDef* b : LiveBindingsOf(member, now)) {
    if (!scope.empty() && !Covers(*b, scope)) continue;
    const RoleDef& r = *Role(b->role);
    if (ManagesAnyone(r)) best = std::max(best, ManagesUpTo(r, family));
  }
  return best;
}

bool World::ManagesAnyone(const RoleDef& r) const {
  if (!r.manages) return false;
  for (const std::string& p : EffectivePermissions(r.id)) {
    if (rank_limited.count(p)) return true;
  }
  return false;
}

int64_t World::OwnRankAt(const std::string& member, const std::string& family,
                         const std::string& scope, const std::string& now) const {
  int64_t best = -1;
  for (const BindingDef* b : LiveBindingsOf(member, now)) {
    const RoleDef& r = *Role(b->role);
    if (r.family == family && Covers(*b, scope)) best = std::max(best, r.rank);
  }
  return best;
}

std::set<std::string> World::HeldPermissions(const std::string& member,
                                             const std::string& now) const {
  std::set<std::string> out;
  for (const BindingDef* b : LiveBindingsOf(member, now)) {
    std::set<std::string> p = EffectivePermissions(b->role);
    out.insert(p.begin(), p.end());
  }
  return out;
}

std::vector<std::string> World::Families() const {
  std::vector<std::string> out;
  for (const std::string& id : role_ids) {
    const std::string& f = roles.at(id).family;
    if (!Contains(out, f)) out.push_back(f);
  }
  return out;
}

}  // namespace esc
