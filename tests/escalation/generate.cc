// Bundle generation. Operations are in moves.cc.
#include "generate.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "rolegate/policy.h"

namespace esc {

const char* const kStart = "2026-12-01T09:00:00Z";

uint64_t Mix(uint64_t seed, uint64_t n) {
  Rng r(seed ^ (n * 0xd1b54a32d192ed03ULL));
  r.Next();
  return r.Next();
}

namespace {

const std::vector<std::string> kSetups = {"send_invite", "activation_email", "assign_credentials",
                                          "activate_later"};

Json Arr(const std::vector<std::string>& v) { return Json(v); }

template <typename T>
std::vector<T> NonEmpty(Rng& rng, std::vector<T> sub, const std::vector<T>& from) {
  if (sub.empty()) sub.push_back(rng.Pick(from));
  return sub;
}

struct Draft {
  Json b = Json::object();
  std::vector<std::string> types, roots, scopes, ordinary, families, role_ids;
  std::map<std::string, std::string> type_of;
  std::map<std::string, std::vector<std::string>> family_roles;  // by rank
  std::map<std::string, Json> roles;
};

void Scopes(Rng& rng, Draft* d) {
  Json types = Json::array(
      {{{"id", "org"}, {"parents", Json::array()}}, {{"id", "team"}, {"parents", {"org"}}}});
  d->types = {"org", "team"};
  const bool units = rng.Chance(70), zones = rng.Chance(60);
  if (units) {
    types.push_back({{"id", "unit"}, {"parents", {"team"}}});
    d->types.push_back("unit");
  }
  if (zones) {
    types.push_back({{"id", "zone"}, {"parents", Json::array()}});
    types.push_back(
        {{"id", "site"}, {"parents", rng.Chance(30) ? Arr({"zone", "org"}) : Arr({"zone"})}});
    d->types.push_back("zone");
    d->types.push_back("site");
  }
  d->b["scopeTypes"] = types;
  Json scopes = Json::array();
  auto add = [&](const std::string& id, const std::string& type, const std::string& parent) {
    Json s{{"id", id}, {"type", type}};
    if (!parent.empty()) s["parent"] = parent;
    if (rng.Chance(40)) s["name"] = "Scope " + id;
    scopes.push_back(s);
    d->scopes.push_back(id);
    d->type_of[id] = type;
    if (parent.empty()) d->roots.push_back(id);
  };
  int teams = 0, unit_count = 0;
  std::vector<std::string> orgs = {"o1"};
  if (rng.Chance(25)) orgs.push_back("o2");
  for (const std::string& o : orgs) {
    add(o, "org", "");
    for (int64_t t = rng.Range(1, 2); t > 0; --t) {
      const std::string team = "t" + std::to_string(++teams);
      add(team, "team", o);
      for (int64_t u = units ? rng.Range(0, 2) : 0; u > 0; --u) {
        add("u" + std::to_string(++unit_count), "unit", team);
      }
    }
  }
  if (zones) {
    add("z1", "zone", "");
    for (int64_t s = rng.Range(1, 2); s > 0; --s) add("s" + std::to_string(s), "site", "z1");
  }
  d->b["scopes"] = scopes;
}

void Permissions(Rng& rng, Draft* d) {
  Json perms = Json::array();
  for (int64_t i = 0, n = rng.Range(3, 6); i < n; ++i) {
    const std::string id = "p" + std::to_string(i);
    perms.push_back({{"id", id}, {"appliesTo", NonEmpty(rng, rng.Subset(d->types, 50), d->types)}});
    d->ordinary.push_back(id);
  }
  perms.push_back({{"id", "members.manage"}, {"appliesTo", d->types}, {"rankLimited", true}});
  if (rng.Chance(50)) {
    perms.push_back({{"id", "members.invite"}, {"appliesTo", d->types}, {"rankLimited", true}});
  }
  for (const char* id : {"members.view", "config.edit", "approve.it"}) {
    perms.push_back({{"id", id}, {"appliesTo", d->types}});
  }
  d->b["permissions"] = perms;
}

bool HasInvite(const Draft& d) {
  for (const Json& p : d.b["permissions"]) {
    if (p["id"] == "members.invite") return true;
  }
  return false;
}

void Roles(Rng& rng, Draft* d) {
  const char* names[] = {"fa", "fb", "fc"};
  for (int64_t f = 0, n = rng.Range(2, 3); f < n; ++f) d->families.push_back(names[f]);
  std::vector<std::string> root_types = {"org"};
  if (std::find(d->types.begin(), d->types.end(), "zone") != d->types.end()) {
    root_types.push_back("zone");
  }
  Json roles = Json::array();
  for (const std::string& fam : d->families) {
    const int64_t n = rng.Range(2, 4);
    for (int64_t j = 0; j < n; ++j) {
      const bool top = j == n - 1, admin = j >= 1;
      const int64_t rank = 10 * (j + 1) + rng.Range(0, 4);
      const std::string id = fam + ".r" + std::to_string(j);
      Json r{{"id", id}, {"family", fam}, {"rank", rank}};
      std::vector<std::string> perms = rng.Subset(d->ordinary, 40);
      if (admin) {
        perms.push_back("members.manage");
        perms.push_back("members.view");
        if (HasInvite(*d) && rng.Chance(80)) perms.push_back("members.invite");
      }
      if (top || (admin && rng.Chance(30))) perms.push_back("approve.it");
      if (top || (j == n - 2 && rng.Chance(60))) perms.push_back("config.edit");
      r["permissions"] = perms;
      if (j > 0 && rng.Chance(60)) r["inherits"] = Arr({fam + ".r" + std::to_string(j - 1)});
      std::vector<std::string> at = rng.Subset(d->types, 60);
      const bool keeper = fam == "fa" && j >= n - 2;  // bound on every root below
      if (keeper) at.insert(at.end(), root_types.begin(), root_types.end());
      std::sort(at.begin(), at.end());
      at.erase(std::unique(at.begin(), at.end()), at.end());
      r["assignableAt"] = NonEmpty(rng, at, d->types);
      if (rng.Chance(40)) r["exclusive"] = true;
      if (!keeper && rng.Chance(15)) r["appliesToDescendants"] = false;
      if (rng.Chance(80)) {
        Json sees{{"minRank", rng.Pick(std::vector<int64_t>{0, 10, 20, rank})}};
        if (rng.Chance(40))
          sees["families"] = NonEmpty(rng, rng.Subset(d->families, 60), d->families);
        if (rng.Chance(50)) {
          sees["fields"] = Arr({"email", "name"});
        } else if (rng.Chance(50)) {
          sees["fields"] = Arr({"name"});
        }
        r["sees"] = sees;
      }
      if (admin) {
        int64_t up = rank;
        if (rng.Chance(30)) up = rank - rng.Range(1, 10);
        if (rng.Chance(10)) up = rank + rng.Range(1, 10);
        Json m{{"upToRank", up}};
        if (rng.Chance(35)) m["families"] = NonEmpty(rng, rng.Subset(d->families, 60), d->families);
        r["manages"] = m;
        if (rng.Chance(30)) {  // one limit per family, each with its own rank
          Json list = Json::array();
          for (const std::string& f : NonEmpty(rng, rng.Subset(d->families, 60), d->families)) {
            list.push_back({{"families", Arr({f})}, {"upToRank", rng.Range(0, rank + 10)}});
          }
          r["manages"] = list;
        }
      }
      d->family_roles[fam].push_back(id);
      d->role_ids.push_back(id);
      d->roles[id] = r;
      roles.push_back(r);
    }
  }
  for (int64_t k = 0, n = rng.Range(1, 3); k < n; ++k) {
    const std::string fam = rng.Pick(d->families);
    const int64_t rank = rng.Range(5, 45);
    const std::string id = "cx" + std::to_string(k);
    Json r{{"id", id}, {"family", fam}, {"rank", rank}, {"custom", true}};
    std::vector<std::string> perms = rng.Subset(d->ordinary, 30);
    if (rng.Chance(40)) perms.push_back("members.manage");
    r["permissions"] = perms;
    r["assignableAt"] = NonEmpty(rng, rng.Subset(d->types, 50), d->types);
    if (rng.Chance(20)) r["inherits"] = Arr({d->family_roles[fam][0]});
    if (rng.Chance(40)) r["manages"] = {{"upToRank", rng.Range(0, rank)}};
    if (rng.Chance(50)) r["sees"] = {{"minRank", rng.Range(0, 20)}, {"fields", Arr({"email"})}};
    d->role_ids.push_back(id);
    d->roles[id] = r;
    roles.push_back(r);
  }
  d->b["roles"] = roles;
}

void Rules(Rng& rng, Draft* d) {
  const std::vector<std::string>& fa = d->family_roles["fa"];
  Json ups = Json::array();
  Json a{{"id", "up.a"},
         {"action", "roles.self_upgrade"},
         {"from", Arr({fa[0]})},
         {"to", std::vector<std::string>(fa.begin() + 1, fa.end())},
         {"unlessPresent", {{"minRank", d->roles[fa.back()]["rank"]}}}};
  if (rng.Chance(60)) a["verification"] = {{"method", "postal_pin"}, {"validForDays", 28}};
  ups.push_back(a);
  const std::vector<std::string>& fb = d->family_roles["fb"];
  if (rng.Chance(60)) {
    Json u{{"id", "up.b"},
           {"action", "roles.self_upgrade"},
           {"from", Arr({fb[0]})},
           {"to", Arr({fb[1]})},
           {"unlessPresent", {{"minRank", d->roles[fb.back()]["rank"]}}}};
    if (rng.Chance(30)) u["verification"] = {{"method", "email_code"}, {"validForDays", 3}};
    ups.push_back(u);
  }
  d->b["selfUpgrades"] = ups;
  d->b["claims"] = Json::array();
  if (rng.Chance(80)) {
    d->b["claims"].push_back({{"id", "claim.x"},
                              {"action", "roles.claim"},
                              {"holder", Arr({fa.back()})},
                              {"grants", rng.Pick(fb)},
                              {"within", "org"}});
  }
  std::vector<std::string> lower, tops;
  for (const std::string& fam : d->families) {
    const std::vector<std::string>& rs = d->family_roles[fam];
    lower.insert(lower.end(), rs.begin(), rs.end() - 1);
    tops.push_back(rs.back());
  }
  Json rules = Json::array();
  for (int64_t i = 0, n = rng.Range(0, 3); i < n; ++i) {
    std::vector<std::string> actions = NonEmpty(rng, rng.Subset(d->ordinary, 35), d->ordinary);
    if (rng.Chance(40)) actions.push_back("members.manage");
    Json r{{"id", "ar." + std::to_string(i)}, {"actions", actions}};
    if (rng.Chance(50)) r["requesterRoles"] = NonEmpty(rng, rng.Subset(lower, 30), lower);
    if (rng.Chance(30)) r["scopes"] = Arr({rng.Pick(d->scopes)});
    if (rng.Chance(20)) r["scopeTypes"] = Arr({rng.Pick(d->types)});
    r["approvers"] = rng.Chance(65) ? Json{{"permission", "approve.it"}}
                                    : Json{{"roles", Arr({rng.Pick(tops)})}};
    if (rng.Chance(20)) r["quorum"] = 2;
    if (rng.Chance(50)) r["expiresAfterDays"] = rng.Range(1, 14);
    rules.push_back(r);
  }
  d->b["approvalRules"] = rules;
  Json inv = Json::array();
  if (rng.Chance(30)) {
    inv.push_back({{"id", "min.owner"},
                   {"kind", "min_holders"},
                   {"severity", "warning"},
                   {"family", "fa"},
                   {"minRank", d->roles[fa.back()]["rank"]},
                   {"scopeType", "org"},
                   {"count", 1}});
  }
  if (rng.Chance(30))
    inv.push_back({{"id", "email"}, {"kind", "unique_email"}, {"severity", "error"}});
  if (rng.Chance(25)) {
    inv.push_back({{"id", "within"},
                   {"kind", "custom_role_within_creator"},
                   {"severity", rng.Chance(50) ? "error" : "warning"}});
  }
  d->b["invariants"] = inv;
}

void Members(Rng& rng, Draft* d) {
  const std::vector<std::string>& fa = d->family_roles["fa"];
  const std::vector<std::string> statuses = {
      "active",  "active",  "active",  "active",   "active",   "invited", "invited",
      "pending", "blocked", "blocked", "disabled", "disabled", "removed"};
  Json members = Json::array(), bindings = Json::array();
  std::set<std::string> taken;  // member|role@scope and member|family@scope (exclusive)
  auto bind = [&](const std::string& m, const std::string& role, const std::string& scope,
                  bool may_expire) {
    const Json& r = d->roles[role];
    const std::string key = m + "|" + role + "@" + scope;
    const std::string fkey = m + "|" + r["family"].get<std::string>() + "@" + scope;
    const bool excl = r.value("exclusive", false);
    if (taken.count(key) || (excl && taken.count(fkey))) return;
    taken.insert(key);
    if (excl) taken.insert(fkey);
    Json x{{"member", m}, {"role", role}, {"scope", scope}};
    if (may_expire && rng.Chance(10)) x["expiresAt"] = AddDays(kStart, rng.Range(-20, 40));
    bindings.push_back(x);
  };
  const int64_t n = rng.Range(6, 10);
  for (int64_t i = 0; i < n; ++i) {
    const std::string id = "m" + std::to_string(i);
    const std::string status = i < 2 ? "active" : rng.Pick(statuses);
    Json m{{"id", id}, {"status", status}};
    if (rng.Chance(90)) m["email"] = id + "@ex.org";
    if (rng.Chance(70)) m["name"] = "Member " + std::to_string(i);
    const std::string sent = AddDays(kStart, -rng.Range(1, 30));
    if (status == "invited" && rng.Chance(80)) {
      m["invitation"] = {{"sentAt", sent}, {"expiresAt", AddDays(sent, rng.Range(1, 40))}};
    }
    if (status == "invited" && rng.Chance(30)) m["registered"] = false;
    const std::vector<std::string> from = {"active", "invited", "pending"};
    if (status == "blocked" && rng.Chance(60)) {
      m["blockedFrom"] = rng.Chance(25) ? std::string("disabled") : rng.Pick(from);
      if (m["blockedFrom"] == "disabled" && rng.Chance(70)) m["disabledFrom"] = rng.Pick(from);
    }
    if (status == "disabled" && rng.Chance(60)) m["disabledFrom"] = rng.Pick(from);
    const bool added = status == "pending" && rng.Chance(50);
    if (added) m["addedTo"] = rng.Pick(d->scopes);
    members.push_back(m);
    if (i == 0) {
      for (const std::string& root : d->roots) bind(id, fa.back(), root, false);
    } else if (i == 1 && rng.Chance(70)) {
      for (const std::string& root : d->roots) bind(id, fa[fa.size() - 2], root, false);
    }
    if (status == "removed" || added) continue;
    for (int64_t k = rng.Range(i < 2 ? 0 : 1, 3); k > 0; --k) {
      std::string role = rng.Pick(d->role_ids);
      if (rng.Chance(50)) role = d->family_roles[rng.Pick(d->families)][0];
      std::vector<std::string> at;
      for (const std::string& s : d->scopes) {
        for (const Json& t : d->roles[role]["assignableAt"]) {
          if (t == d->type_of[s]) at.push_back(s);
        }
      }
      if (!at.empty()) bind(id, role, rng.Pick(at), true);
    }
  }
  d->b["members"] = members;
  d->b["bindings"] = bindings;
}

void Operations(Rng& rng, Draft* d) {
  const std::string inv = HasInvite(*d) ? "members.invite" : "members.manage";
  Json ops = Json::object();
  for (const char* k : {"assign_role", "change_role", "revoke_role", "remove_role", "remove_member",
                        "delete_member", "block", "unblock", "disable", "enable", "edit_member",
                        "reset_password"}) {
    ops[k] = {{"action", "members.manage"}};
  }
  for (const char* k : {"invite", "resend_invitation", "activate_member"}) {
    ops[k] = {{"action", inv}};
  }
  ops["add_members"] = {{"action", "members.view"}};  // names no role nor member: plain
  if (rng.Chance(70)) ops["invite"]["invitationValidForDays"] = rng.Range(1, 20);
  for (const char* k : {"invite", "activate_member"}) {
    if (rng.Chance(25)) ops[k]["setups"] = NonEmpty(rng, rng.Subset(kSetups, 60), kSetups);
  }
  for (const char* k :
       {"define_role", "edit_role", "delete_role", "set_approval_rule", "delete_approval_rule"}) {
    ops[k] = {{"action", "config.edit"}};
  }
  ops["request_self_upgrade"] = {{"action", "roles.self_upgrade"}};
  // Anyone who sees members may ask for a role; deciding is the grant's own check.
  ops["request_role"] = {{"action", "members.view"}};
  for (const char* k : {"resend_verification", "complete_self_upgrade"}) {
    if (rng.Chance(50)) ops[k] = {{"action", "roles.self_upgrade"}};
  }
  if (!d->b["claims"].empty()) ops["claim_role"] = {{"action", "roles.claim"}};
  for (const char* k : {"accept_invitation", "decide_request", "apply_approved"}) {
    if (rng.Chance(40)) ops[k] = {{"action", "members.view"}};
  }
  d->b["operations"] = ops;
  Json notes = Json::array();
  for (const char* e : {"member_invited", "role_upgraded", "member_blocked", "role_defined",
                        "approval_requested", "verification_sent"}) {
    if (rng.Chance(50)) notes.push_back({{"event", e}, {"channels", Arr({"email"})}});
  }
  d->b["notifications"] = notes;
}

Json Draw(uint64_t seed) {
  Rng rng(seed);
  Draft d;
  d.b["format"] = "rolegate/1";
  d.b["name"] = "escalation " + std::to_string(seed);
  Scopes(rng, &d);
  Permissions(rng, &d);
  Roles(rng, &d);
  Rules(rng, &d);
  Members(rng, &d);
  Operations(rng, &d);
  return d.b;
}

}  // namespace

Json GenerateBundle(uint64_t seed, std::shared_ptr<const rolegate::Policy>* policy) {
  for (uint64_t attempt = 0;; ++attempt) {
    Json b = Draw(Mix(seed, attempt));
    rolegate::LoadResult loaded = rolegate::CompilePolicy(b);
    if (loaded.ok()) {
      if (policy) *policy = loaded.policy;
      return b;
    }

    if (attempt == 20) {
      std::fprintf(stderr, "escalation: seed %llu keeps drawing invalid bundles, e.g.:\n",
                   static_cast<unsigned long long>(seed));
      for (size_t i = 0; i < loaded.errors.size() && i < 5; ++i) {
        std::fprintf(stderr, "  %s %s: %s\n", loaded.errors[i].code.c_str(),
                     loaded.errors[i].pointer.c_str(), loaded.errors[i].message.c_str());
      }
    }
  }
}

}  // namespace esc
