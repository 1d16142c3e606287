// Findings about who may be given which role: escalation_path (a role's holders
// may give themselves, or others, more than the role holds) and unreachable_role
// (a role nobody can ever be given). docs/format.md, "Analysis".
#include <algorithm>
#include <set>

#include "analyze.h"
#include "base/text.h"
#include "change/registry.h"

namespace rolegate {
namespace internal {
namespace {

// The operations that bind a role to a member chosen by the actor, checked with
// `role` (and `target`): the kinds that act on a member and give the role they
// name (registry.h: invite, assign_role, change_role, activate_member). Only
// invite, assign_role and change_role can name the actor themself; change_role
// only replaces a role the member holds.
std::vector<const char*> Assigning() {
  std::vector<const char*> kinds;
  for (const OpKind* k : OpKinds()) {
    if (k->acts_on_member && k->gives_role) kinds.push_back(k->name);
  }
  return kinds;
}

// What role `to` holds that `from` does not: permissions (inherited ones
// included) and managed ranks.
struct Gains {
  std::vector<std::string> permissions;  // sorted
  Json manages = Json::array();          // [{"family", "upToRank"}], by family
  bool empty() const { return permissions.empty() && manages.empty(); }
};

int64_t ManagedRank(const Role& r, Index family) { return r.ManagesUpTo(family); }

Gains GainsOf(const Model& m, const Role& from, const Role& to) {
  Gains g;
  for (Index p = 0; p < m.permissions.size(); ++p) {
    if (to.permissions.Test(p) && !from.permissions.Test(p))
      g.permissions.push_back(m.permissions[p].id);
  }
  std::sort(g.permissions.begin(), g.permissions.end());
  if (to.manages) {
    std::vector<std::pair<std::string, int64_t>> fams;
    for (const ManagesLimit& l : to.manages_limits) {
      if (l.up_to > ManagedRank(from, l.family)) fams.emplace_back(m.families[l.family], l.up_to);
    }
    std::sort(fams.begin(), fams.end());
    for (const auto& [family, rank] : fams) {
      g.manages.push_back(Json{{"family", family}, {"upToRank", rank}});
    }
  }
  return g;
}

// Whether `to` holds every permission of `from` and manages every family `from`
// manages at least as high.
bool HoldsAll(const Model& m, const Role& to, const Role& from) {
  for (Index p = 0; p < m.permissions.size(); ++p) {
    if (from.permissions.Test(p) && !to.permissions.Test(p)) return false;
  }
  for (const ManagesLimit& l : from.manages_limits) {
    if (ManagedRank(to, l.family) < l.up_to) return false;
  }
  return true;
}

// "permissions `a`, `b`; manages `f` up to rank 30"
std::string Describe(const Gains& g) {
  std::string out;
  if (!g.permissions.empty()) {
    out += g.permissions.size() == 1 ? "permission " : "permissions ";
    for (size_t i = 0; i < g.permissions.size(); ++i) out += (i ? ", " : "") + Q(g.permissions[i]);
  }
  for (const Json& f : g.manages) {
    out += (out.empty() ? "" : "; ") + std::string("manages ") + Q(f["family"].get<std::string>()) +
           " up to rank " + std::to_string(f["upToRank"].get<int64_t>());
  }
  return out;
}

// Whether approval rule `rule` surely applies when a holder of `giver` asks for
// `action` with role `given` on a scope of type `type`: a rule limited to
// `scopes`, or with a condition on anything but the role handed out (which the
// requester could make fail), may not.
bool Gates(const ApprovalRule& rule, Index action, Index type, Index giver, const Role& given) {
  if (std::find(rule.actions.begin(), rule.actions.end(), action) == rule.actions.end())
    return false;
  if (rule.scope_mask != 0 && !((rule.scope_mask >> type) & 1u)) return false;
  if (!rule.scopes.empty()) return false;
  if (!rule.requester_roles.empty() &&
      std::find(rule.requester_roles.begin(), rule.requester_roles.end(), giver) ==
          rule.requester_roles.end()) {
    return false;
  }
  for (const Condition& c : rule.when) {
    if (c.attribute != "role") return false;
    std::optional<bool> holds = CompareCondition(Json(given.id), c.op, c.value);
    if (holds && !*holds) return false;
  }
  return true;
}

struct Edge {
  bool others = false, self = false, self_gated = false;
  // The kinds that give it to others; to themselves without approval; with.
  std::set<std::string> others_operations, self_operations, gated_operations, rules;
};

// An operation that hands out roles, and the permission it needs here.
struct Assigner {
  const char* kind;
  Index permission;
};

// Marks the edge of `op` as one a holder of role `r` may take themselves, on
// scopes of the types `self_types`, gated or not.
void SelfEdge(const Model& m, const Assigner& op, Index r, const Role& given, uint64_t self_types,
              Edge* edge) {
  for (Index t = 0; t < 64; ++t) {
    if (!((self_types >> t) & 1u)) continue;
    std::vector<std::string> gating;
    for (Index ri : m.approval_rules_by_permission[op.permission]) {
      if (Gates(m.approval_rules[ri], op.permission, t, r, given)) {
        gating.push_back(m.approval_rules[ri].id);
      }
    }
    if (gating.empty()) {
      edge->self = true;
      edge->self_operations.insert(op.kind);
    } else {
      edge->self_gated = true;
      edge->gated_operations.insert(op.kind);
      edge->rules.insert(gating.begin(), gating.end());
    }
  }
}

// How holders of role `r` may give role `h`: to others, to themselves (gated by
// approval rules or not), and by which operations.
Edge EdgeBetween(const Analysis& a, const std::vector<Assigner>& ops, Index r, Index h) {
  const Model& m = a.m;
  const Role& giver = m.roles[r];
  const Role& given = m.roles[h];
  Edge edge;
  for (const Assigner& op : ops) {
    const Permission& perm = m.permissions[op.permission];
    if (!giver.permissions.Test(op.permission)) continue;
    if (perm.rank_limited && (ManagedRank(giver, given.family) < given.rank)) continue;
    const uint64_t types = a.reach_types[r] & perm.applies_mask & given.assignable_mask;
    if (types == 0) continue;
    edge.others = true;
    edge.others_operations.insert(op.kind);
    const std::string kind = op.kind;
    if (kind == "activate_member" || !Analysis::KindsMeet(giver, given)) continue;
    // The actor targets themself: their own rank in the family must be in reach.
    if (perm.rank_limited && giver.family == given.family &&
        giver.rank > ManagedRank(giver, giver.family)) {
      continue;
    }
    uint64_t self_types = types;
    if (kind == "change_role") {
      // Replacing the giver's own binding, on a scope it is bound on.
      if (giver.family != given.family) continue;
      self_types &= giver.assignable_mask;
    }
    SelfEdge(m, op, r, given, self_types, &edge);
  }
  return edge;
}

// The finding an edge makes, if any: holders who may give themselves a role
// that holds more or outranks theirs, or give others one that does.
bool EscalationFinding(const Model& m, const Edge& edge, Index r, Index h, Finding* f) {
  const Role& giver = m.roles[r];
  const Role& given = m.roles[h];
  const Gains gains = GainsOf(m, giver, given);
  const bool outranks = given.family == giver.family && given.rank > giver.rank;
  const std::string rank_words =
      "rank " + std::to_string(given.rank) + " above " + std::to_string(giver.rank);
  f->code = "escalation_path";
  f->pointer = "/roles/" + std::to_string(r);
  if ((edge.self || edge.self_gated) && (!gains.empty() || outranks)) {
    const bool gated = !edge.self;
    f->severity = edge.self && !gains.empty() ? "error" : "warning";
    f->message = "holders of " + Q(giver.id) + " may give themselves " + Q(given.id);
    if (gated) {
      std::string rules;
      for (const std::string& id : edge.rules) rules += (rules.empty() ? "" : ", ") + Q(id);
      f->message += " once approved (" + rules + ")";
    }
    f->message += gains.empty()
                      ? ", which outranks it (" + rank_words + ") though it holds nothing more"
                      : ", which holds more: " + Describe(gains);
    f->facts["self"] = true;
    if (gated) {
      f->facts["approvalRules"] = std::vector<std::string>(edge.rules.begin(), edge.rules.end());
    }
    const std::set<std::string>& kinds = gated ? edge.gated_operations : edge.self_operations;
    f->facts["operations"] = std::vector<std::string>(kinds.begin(), kinds.end());
  } else if (outranks || (!gains.empty() && HoldsAll(m, given, giver))) {
    f->severity = "warning";
    f->message = "holders of " + Q(giver.id) + " may give others " + Q(given.id) +
                 (gains.empty() ? ", which outranks it (" + rank_words + ")"
                                : ", which holds all it holds and more: " + Describe(gains));
    f->facts["self"] = false;
    f->facts["operations"] =
        std::vector<std::string>(edge.others_operations.begin(), edge.others_operations.end());
  } else {
    return false;
  }
  f->facts["role"] = giver.id;
  f->facts["grants"] = given.id;
  f->facts["permissions"] = gains.permissions;
  f->facts["manages"] = gains.manages;
  return true;
}

}  // namespace

void FindEscalationPaths(const Analysis& a, std::vector<Finding>* out) {
  const Model& m = a.m;
  std::vector<Assigner> ops;
  for (const char* kind : Assigning()) {
    Index p = a.OperationPermission(kind);
    if (p != kNone) ops.push_back(Assigner{kind, p});
  }
  if (ops.empty()) return;
  for (Index r = 0; r < m.roles.size(); ++r) {
    for (Index h = 0; h < m.roles.size(); ++h) {
      if (h == r) continue;
      const Edge edge = EdgeBetween(a, ops, r, h);
      if (!edge.others) continue;
      Finding f;
      if (EscalationFinding(m, edge, r, h, &f)) out->push_back(std::move(f));
    }
  }
}

void FindUnreachableRoles(const Analysis& a, std::vector<Finding>* out) {
  const Model& m = a.m;
  std::vector<char> reached(m.roles.size(), 0);
  std::vector<Index> queue;
  auto reach = [&](Index r) {
    if (reached[r]) return;
    reached[r] = 1;
    queue.push_back(r);
  };
  for (uint32_t b = 0; b < m.bindings.size(); ++b) {
    if (a.Standing(b)) reach(m.binding_keys[b].role);
  }
  auto action_of = [&](const char* kind) -> const std::string* {
    auto it = m.operation_rules.find(kind);
    return it == m.operation_rules.end() ? nullptr : &it->second.action;
  };
  const std::string* upgrade = action_of("request_self_upgrade");
  const std::string* registration = action_of("register");
  const std::string* claim = action_of("claim_role");
  for (const SelfUpgrade& u : m.self_upgrades) {
    if (!u.on_registration || registration == nullptr || *registration != u.action) continue;
    for (Index to : u.to) {
      if (m.roles[to].assignable_mask & a.existing_types) reach(to);
    }
  }
  std::vector<Index> ops;
  for (const char* kind : Assigning()) {
    Index p = a.OperationPermission(kind);
    if (p != kNone) ops.push_back(p);
  }
  for (size_t next = 0; next < queue.size(); ++next) {
    const Index r = queue[next];
    const Role& giver = m.roles[r];
    for (Index p : ops) {
      const Permission& perm = m.permissions[p];
      if (!giver.permissions.Test(p)) continue;
      for (Index h = 0; h < m.roles.size(); ++h) {
        const Role& given = m.roles[h];
        if (reached[h]) continue;
        if (perm.rank_limited && ManagedRank(giver, given.family) < given.rank) continue;
        if (a.reach_types[r] & perm.applies_mask & given.assignable_mask) reach(h);
      }
    }
    for (const SelfUpgrade& u : m.self_upgrades) {
      if (u.on_registration || upgrade == nullptr || *upgrade != u.action) continue;
      if (std::find(u.from.begin(), u.from.end(), r) == u.from.end()) continue;
      for (Index to : u.to) {
        const Role& wanted = m.roles[to];
        if (wanted.rank > giver.rank &&
            (giver.assignable_mask & wanted.assignable_mask & a.existing_types)) {
          reach(to);
        }
      }
    }
    for (const Claim& c : m.claims) {
      if (claim == nullptr || *claim != c.action) continue;
      if (std::find(c.holder.begin(), c.holder.end(), r) == c.holder.end()) continue;
      if (m.roles[c.grants].assignable_mask & a.existing_types) reach(c.grants);
    }
  }
  for (Index r = 0; r < m.roles.size(); ++r) {
    if (reached[r]) continue;
    const Role& role = m.roles[r];
    Finding f;
    f.code = "unreachable_role";
    f.severity = "warning";
    f.pointer = "/roles/" + std::to_string(r);
    f.message = "role " + Q(role.id) +
                " can never be given: nobody holds it, no role anyone can hold may hand it "
                "out, and no self-upgrade, claim or registration leads to it";
    f.facts = Json{{"role", role.id}, {"family", m.families[role.family]}, {"rank", role.rank}};
    out->push_back(std::move(f));
  }
}

}  // namespace internal
}  // namespace rolegate
