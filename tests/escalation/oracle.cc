#include "oracle.h"

#include <algorithm>
#include <set>

namespace esc {
namespace {

using Out = std::vector<Violation>;

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string Q(const std::string& s) { return "`" + s + "`"; }
std::string N(int64_t n) { return std::to_string(n); }

std::string Field(const Json& op, const char* key) {
  auto it = op.find(key);
  return it != op.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// I1: define_role / edit_role / delete_role, allowed.
void CheckRoleOp(const World& before, const World& after, const std::string& actor,
                 const std::string& now, const Json& op, Out* out) {
  const std::string kind = Field(op, "op");
  const Json& role = op["role"];
  const std::string id = role.is_object()   ? Field(role, "id")
                         : role.is_string() ? role.get<std::string>()
                                            : "";
  const RoleDef* old = before.Role(id);
  if ((kind == "edit_role" || kind == "delete_role") && old != nullptr) {
    const int64_t cap = before.Capacity(actor, old->family, now);
    if (old->rank > cap) {
      out->push_back({"I1e", kind + " of " + Q(id) + " (family " + Q(old->family) + ", rank " +
                                 N(old->rank) + ") by " + Q(actor) + ", who manages it up to " +
                                 N(cap)});
    }
  }
  if (kind == "delete_role") return;
  const RoleDef* r = after.Role(id);
  if (r == nullptr) return;
  const std::string what = kind + " " + Q(id) + " by " + Q(actor) + ": ";
  // (a) rank within the actor's capacity for its family.
  const int64_t cap = before.Capacity(actor, r->family, now);
  if (r->rank > cap) {
    out->push_back({"I1a", what + "rank " + N(r->rank) + " in family " + Q(r->family) +
                               ", but the actor manages it up to " + N(cap)});
  }
  // (b) effective permissions within what the actor holds.
  const std::set<std::string> held = before.HeldPermissions(actor, now);
  std::string beyond;
  for (const std::string& p : after.EffectivePermissions(id)) {
    if (!held.count(p)) beyond += (beyond.empty() ? "" : ", ") + Q(p);
  }
  if (!beyond.empty()) {
    out->push_back({"I1b", what + "grants " + beyond + ", which the actor does not hold"});
  }
  // (c) manages within the actor's capacity, family by family, and all of it
  // within one live role of the actor's (two roles' limits never add up).
  bool each_within = true;
  for (const auto& [fam, up] : r->manages_up) {
    const int64_t c = before.Capacity(actor, fam, now);
    if (up > c) {
      each_within = false;
      out->push_back({"I1c", what + "manages " + Q(fam) + " up to " + N(up) +
                                 ", but the actor manages it up to " + N(c)});
    }
  }
  if (each_within && r->manages_up.size() > 1) {
    bool one = false;
    for (const BindingDef* b : before.LiveBindingsOf(actor, now)) {
      const RoleDef& own = *before.Role(b->role);
      if (!before.ManagesAnyone(own)) continue;
      bool all = true;
      for (const auto& [fam, up] : r->manages_up) all = all && World::ManagesUpTo(own, fam) >= up;
      one = one || all;
    }
    if (!one) {
      out->push_back({"I1c", what + "manages " + N(static_cast<int64_t>(r->manages_up.size())) +
                                 " families together, which no single role of the actor does"});
    }
  }
  // (d) every rule the role sees by (its own and those it inherits, in the bundle
  // after) within what some rule of a live role of the actor sees (its own or
  // inherited, in the bundle before).
  const std::vector<const RoleDef*> rules = after.SeeingRoles(id);
  if (!rules.empty()) {
    std::vector<const RoleDef*> seeing;
    for (const BindingDef* b : before.LiveBindingsOf(actor, now)) {
      for (const RoleDef* a : before.SeeingRoles(b->role)) seeing.push_back(a);
    }
    if (seeing.empty()) {
      out->push_back(
          {"I1d", what + "the role sees members, but the actor holds no role that does"});
    }
    for (const RoleDef* rule : rules) {
      for (const std::string& fam : after.SeenFamilies(*rule)) {
        if (seeing.empty()) break;
        bool ok = false;
        for (const RoleDef* a : seeing) {
          ok = ok || (Has(before.SeenFamilies(*a), fam) && a->sees_min <= rule->sees_min &&
                      (!rule->sees_email || a->sees_email));
        }
        if (!ok) {
          out->push_back({"I1d", what + "sees family " + Q(fam) + " from rank " +
                                     N(rule->sees_min) + (rule->sees_email ? " with e-mail" : "") +
                                     ", which no live role of the actor sees"});
        }
      }
    }
  }
  // (f) an edit of a held role keeps its holders within reach of every other role
  // that managed them (the edited role's own holders lose or keep their reach with
  // the edit itself: taking power away is no escalation).
  if (kind == "edit_role" && old != nullptr) {
    bool held_by_someone = false;
    for (const BindingDef& b : before.bindings) held_by_someone = held_by_someone || b.role == id;
    if (!held_by_someone) return;
    for (const std::string& did : before.role_ids) {
      if (did == id) continue;
      const RoleDef& d = before.roles.at(did);
      if (World::ManagesUpTo(d, old->family) < old->rank) continue;
      const RoleDef* dn = after.Role(did);
      if (dn == nullptr || World::ManagesUpTo(*dn, r->family) < r->rank) {
        out->push_back({"I1f", what + "role " + Q(did) + " managed its holders (family " +
                                   Q(old->family) + ", rank " + N(old->rank) +
                                   ") but does not reach family " + Q(r->family) + ", rank " +
                                   N(r->rank)});
        return;
      }
    }
  }
}

// I2: a binding the step created was within its granter's reach there.
void CheckAssignments(const World& before, const World& after, const std::string& granter,
                      const std::string& now, const std::string& kind, Out* out) {
  if (kind == "request_self_upgrade" || kind == "complete_self_upgrade" || kind == "register" ||
      kind == "claim_role") {
    return;
  }
  std::set<std::string> had;
  for (const BindingDef& b : before.bindings) had.insert(b.Key());
  for (const BindingDef& b : after.bindings) {
    if (had.count(b.Key())) continue;
    const RoleDef* r = before.Role(b.role) ? before.Role(b.role) : after.Role(b.role);
    if (r == nullptr) continue;
    const int64_t cap = before.Capacity(granter, r->family, now, b.scope);
    if (cap < r->rank) {
      out->push_back({"I2", kind + " bound " + Q(b.role) + " (rank " + N(r->rank) + ") to " +
                                Q(b.member) + " on " + Q(b.scope) + ", but " + Q(granter) +
                                " manages family " + Q(r->family) + " there up to " + N(cap)});
    }
  }
}

// I3: set_approval_rule, allowed.
void CheckRule(const World& before, const World& after, const std::string& actor,
               const std::string& now, const std::string& id, Out* out) {
  const RuleDef* rule = nullptr;
  for (const RuleDef& r : after.rules) {
    if (r.id == id) rule = &r;
  }
  if (rule == nullptr) return;
  const std::string what = "set_approval_rule " + Q(id) + " by " + Q(actor) + ": ";
  if (rule->requester_roles.empty()) {
    out->push_back({"I3a", what + "the rule gates every requester (no requesterRoles)"});
  }
  const std::vector<std::string>& checked = rule->scopes.empty() ? before.roots : rule->scopes;
  for (const std::string& qid : rule->requester_roles) {
    const RoleDef* q = before.Role(qid);
    if (q == nullptr) continue;
    for (const std::string& s : checked) {
      const int64_t cap = before.Capacity(actor, q->family, now, s);
      const int64_t own = before.OwnRankAt(actor, q->family, s, now);
      if (cap < q->rank) {
        out->push_back({"I3b", what + "requester role " + Q(qid) + " (rank " + N(q->rank) +
                                   ") on " + Q(s) + ", where the actor manages " + Q(q->family) +
                                   " up to " + N(cap)});
        return;
      }
      if (own >= 0 && q->rank >= own) {
        out->push_back({"I3b", what + "requester role " + Q(qid) + " (rank " + N(q->rank) +
                                   ") on " + Q(s) + " is not below the actor's own rank " +
                                   N(own)});
        return;
      }
    }
  }
  for (const std::string& s : after.scopes) {
    bool under = rule->scopes.empty();
    for (const std::string& rs : rule->scopes) under = under || after.IsAncestorOrSelf(rs, s);
    const std::string& type = after.scope_type.at(s);
    if (!under || (!rule->scope_types.empty() && !Has(rule->scope_types, type))) continue;
    bool applies = false;
    for (const std::string& a : rule->actions) {
      auto it = after.applies_to.find(a);
      applies = applies || (it != after.applies_to.end() && Has(it->second, type));
    }
    if (!applies) continue;
    bool requester = false;
    for (const BindingDef& b : after.bindings) {
      requester =
          requester || (after.Live(b, now) && after.Covers(b, s) &&
                        (rule->requester_roles.empty() || Has(rule->requester_roles, b.role)));
    }
    if (!requester) continue;
    std::set<std::string> approvers;
    for (const BindingDef& b : after.bindings) {
      if (World::Expired(b, now) || after.Status(b.member) == "removed" || !after.Covers(b, s)) {
        continue;
      }
      if ((!rule->approver_permission.empty() &&
           after.EffectivePermissions(b.role).count(rule->approver_permission)) ||
          Has(rule->approver_roles, b.role)) {
        approvers.insert(b.member);
      }
    }
    if (static_cast<int64_t>(approvers.size()) < rule->quorum) {
      out->push_back({"I3c", what + "quorum " + N(rule->quorum) + " on " + Q(s) + ", where " +
                                 N(static_cast<int64_t>(approvers.size())) +
                                 " member(s) could ever approve"});
      return;
    }
  }
}

// I4: every status change follows the one state machine.
void CheckStatuses(const World& before, const World& after, const std::string& actor,
                   const std::string& now, const Json& op, History* history, Out* out) {
  const std::string kind = Field(op, "op"), target = Field(op, "member");
  const std::string setup = Field(op, "setup");
  for (const std::string& id : before.member_ids) {
    const std::string s0 = before.Status(id), s1 = after.Status(id);
    if (s1.empty() || s0 == s1) continue;
    std::vector<std::string>& stack = history->Stack(id);
    const bool on_it = target == id;
    std::string why;
    auto restore = [&](const char* op_kind) {
      if (kind != op_kind || !on_it) {
        why = std::string("only ") + op_kind + " of the member leaves " + s0;
        return;
      }
      std::string expected;
      if (!stack.empty()) {
        expected = stack.back();
        stack.pop_back();
      }
      if (!expected.empty() && s1 != expected) why = "it was " + expected + " before";
    };
    if (s0 == "removed") {
      why = "removed is final";
    } else if (s1 == "removed") {
      if (kind != "delete_member" || !on_it) why = "only delete_member removes a member";
      stack.clear();
    } else if (s0 == "blocked") {
      restore("unblock");
    } else if (s1 == "blocked") {
      if (kind != "block" || !on_it) why = "only block blocks";
      stack.push_back(s0);
    } else if (s0 == "disabled") {
      restore("enable");
    } else if (s1 == "disabled") {
      if (kind != "disable" || !on_it) why = "only disable disables";
      stack.push_back(s0);
    } else if (s0 == "invited" && s1 == "active") {
      const MemberDef* m = before.Member(id);
      if (kind != "accept_invitation" || actor != id) {
        why = "only the invitee's accept_invitation activates an invited member";
      } else if (!m->invitation_expires.empty() && m->invitation_expires <= now) {
        why = "the invitation expired at " + m->invitation_expires;
      }
    } else if (s0 == "pending" && s1 == "active") {
      if (kind != "activate_member" || !on_it || setup != "assign_credentials") {
        why = "only activate_member with assign_credentials activates a pending member";
      }
    } else if (s0 == "pending" && s1 == "invited") {
      if (kind != "activate_member" || !on_it ||
          (setup != "send_invite" && setup != "activation_email")) {
        why = "only activate_member with an invitation invites a pending member";
      }
    } else {
      why = "no operation makes this move";
    }
    if (!why.empty()) {
      out->push_back({"I4", "member " + Q(id) + " went " + s0 + " -> " + s1 + " by " + kind +
                                " (actor " + Q(actor) + "): " + why});
    }
  }
}

}  // namespace

History::History(const World& initial) {
  for (const std::string& id : initial.member_ids) {
    const MemberDef& m = initial.members.at(id);
    std::vector<std::string>& s = stacks_[id];
    if (m.status == "blocked") {
      if (m.blocked_from == "disabled") s.push_back(m.disabled_from);
      s.push_back(m.blocked_from);
    } else if (m.status == "disabled") {
      s.push_back(m.disabled_from);
    }
  }
}

std::vector<Violation> CheckStep(const World& before, const World& after, const std::string& actor,
                                 const std::string& now, const Json& op, const std::string& effect,
                                 History* history) {
  Out out;
  std::string kind = Field(op, "op");
  // apply_approved runs the stored operation as its requester.
  Json effective = op;
  std::string as = actor;
  if (kind == "apply_approved") {
    for (const Json& r : before.requests) {
      if (Field(r, "id") == Field(op, "request") && r.contains("operation")) {
        effective = r["operation"];
        as = Field(r, "requester");
      }
    }
  }
  const std::string ekind = Field(effective, "op");
  const bool allowed = effect == "allow";
  if (allowed && (ekind == "define_role" || ekind == "edit_role" || ekind == "delete_role")) {
    CheckRoleOp(before, after, as, now, effective, &out);
  }
  if (allowed && ekind == "set_approval_rule" && effective["rule"].is_object()) {
    CheckRule(before, after, as, now, Field(effective["rule"], "id"), &out);
  }
  CheckAssignments(before, after, as, now, ekind, &out);
  CheckStatuses(before, after, as, now, effective, history, &out);
  if (allowed && kind == "complete_self_upgrade") {
    bool found = false;
    for (const Json& v : before.verifications) {
      found = found || (Field(v, "member") == actor && Field(v, "role") == Field(op, "role") &&
                        Field(v, "scope") == Field(op, "scope"));
    }
    if (!found) {
      out.push_back({"P2", "complete_self_upgrade of " + Q(Field(op, "role")) + " on " +
                               Q(Field(op, "scope")) + " by " + Q(actor) +
                               " without a verification record"});
    }
  }
  // P4: asking for a role, or taking the request back, gives nobody anything.
  if (allowed && (kind == "request_role" || kind == "withdraw_request")) {
    std::set<std::string> had, has;
    for (const BindingDef& b : before.bindings) had.insert(b.Key());
    for (const BindingDef& b : after.bindings) has.insert(b.Key());
    if (had != has) {
      out.push_back({"P4", kind + " by " + Q(actor) + " changed the bindings"});
    }
    for (const std::string& m : before.member_ids) {
      if (before.Status(m) != after.Status(m)) {
        out.push_back({"P4", kind + " by " + Q(actor) + " changed the status of " + Q(m)});
      }
    }
  }
  if (allowed && kind == "decide_request") {
    for (const Json& r : before.role_requests) {
      if (Field(r, "id") == Field(op, "request") && Field(r, "requester") == actor) {
        out.push_back({"P3", "decide_request " + Q(Field(op, "request")) +
                                 " (a role request) by its own requester " + Q(actor)});
      }
    }
    for (const Json& r : before.requests) {
      if (Field(r, "id") == Field(op, "request") && Field(r, "requester") == actor) {
        out.push_back({"P3", "decide_request " + Q(Field(op, "request")) +
                                 " by its own requester " + Q(actor)});
      }
    }
  }
  return out;
}

std::string FlagOf(const std::string& invariant) {
  if (invariant == "I1a") return "role_rank_within_creator";
  if (invariant == "I1b") return "role_permissions_within_creator";
  if (invariant == "I1c") return "role_manages_within_creator";
  if (invariant == "I1d") return "role_sees_within_creator";
  if (invariant == "I1e" || invariant == "I1f") return "role_edit_keeps_holders_in_reach";
  if (invariant == "I3a" || invariant == "I3b") return "approval_rule_below_author";
  if (invariant == "I3c") return "approval_rule_satisfiable";
  if (invariant == "I4") return "status_machine";
  return "";
}

}  // namespace esc
