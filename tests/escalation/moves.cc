// Operation generation: one plausible operation of a random kind on a state, with
// its actor, weighted toward the moves that could escalate.
#include "moves.h"

#include <algorithm>
#include <tuple>

namespace esc {
namespace {

const std::vector<std::string> kSetups = {"send_invite", "activation_email", "assign_credentials",
                                          "activate_later"};

// A member operation on `member` (status and binding operations).
Json OnMember(Ctx& c, const std::string& kind, const std::string& member) {
  Json op{{"op", kind}, {"member", member}};
  bool bound = false;
  for (const BindingDef& b : c.w.bindings) bound = bound || b.member == member;
  const MemberDef& m = c.w.members.at(member);
  if (!bound && c.rng.Chance(85)) {
    op["scope"] = m.added_to.empty() ? c.rng.Pick(c.w.scopes) : m.added_to;
  } else if (c.rng.Chance(10)) {
    op["scope"] = c.rng.Pick(c.w.scopes);
  }
  return op;
}

const std::vector<std::pair<const char*, int>>& Weights() {
  static const std::vector<std::pair<const char*, int>> kWeights = {{"define_role", 12},
                                                                    {"edit_role", 12},
                                                                    {"delete_role", 3},
                                                                    {"set_approval_rule", 14},
                                                                    {"delete_approval_rule", 2},
                                                                    {"block", 7},
                                                                    {"unblock", 7},
                                                                    {"disable", 6},
                                                                    {"enable", 6},
                                                                    {"accept_invitation", 5},
                                                                    {"activate_member", 6},
                                                                    {"resend_invitation", 2},
                                                                    {"delete_member", 2},
                                                                    {"invite", 6},
                                                                    {"assign_role", 6},
                                                                    {"change_role", 4},
                                                                    {"revoke_role", 2},
                                                                    {"remove_role", 2},
                                                                    {"remove_member", 2},
                                                                    {"edit_member", 1},
                                                                    {"add_members", 2},
                                                                    {"reset_password", 1},
                                                                    {"perform", 1},
                                                                    {"request_self_upgrade", 3},
                                                                    {"resend_verification", 2},
                                                                    {"complete_self_upgrade", 4},
                                                                    {"claim_role", 2},
                                                                    {"decide_request", 6},
                                                                    {"apply_approved", 6},
                                                                    {"request_role", 4},
                                                                    {"withdraw_request", 1}};
  return kWeights;
}

}  // namespace

Move GenerateMove(Rng& rng, const World& w, const std::string& now, int tag) {
  Ctx c{rng, w, now, std::to_string(tag)};
  int total = 0;
  for (const auto& kw : Weights()) total += kw.second;
  int x = static_cast<int>(rng.Below(static_cast<size_t>(total)));
  std::string kind;
  for (const auto& kw : Weights()) {
    if (kind.empty() && (x -= kw.second) < 0) kind = kw.first;
  }
  // Kinds that need something the state lacks become one that makes it.
  const std::vector<std::string> invited = WithStatus(w, {"invited"});
  bool decided = false;
  for (const Json& r : w.requests)
    decided = decided || !r.value("decisions", Json::array()).empty();
  if (kind == "unblock" && WithStatus(w, {"blocked"}).empty()) kind = "block";
  if (kind == "enable" && WithStatus(w, {"disabled"}).empty()) kind = "disable";
  if ((kind == "accept_invitation" || kind == "resend_invitation") && invited.empty())
    kind = "invite";
  if (kind == "withdraw_request" && w.role_requests.empty()) kind = "request_role";
  if (kind == "decide_request" && w.requests.empty() && w.role_requests.empty()) kind = "block";
  if (kind == "apply_approved" && w.requests.empty()) kind = "block";
  if (kind == "apply_approved" && !decided && rng.Chance(70)) kind = "decide_request";
  if ((kind == "resend_verification" || kind == "complete_self_upgrade") &&
      w.verifications.empty()) {
    kind = "request_self_upgrade";
  }
  if (kind == "delete_approval_rule" && w.rules.empty()) kind = "set_approval_rule";
  if ((kind == "change_role" || kind == "revoke_role" || kind == "remove_role" ||
       kind == "remove_member") &&
      w.bindings.empty()) {
    kind = "assign_role";
  }
  Move mv;
  auto pick = [&](const std::vector<std::string>& v) {
    return v.empty() ? rng.Pick(w.member_ids) : rng.Pick(v);
  };
  if (kind == "define_role" || kind == "edit_role" || kind == "delete_role") {
    mv.op = RoleOp(c, kind, &mv.actor);
  } else if (kind == "set_approval_rule") {
    mv.op = RuleOp(c, &mv.actor);
  } else if (kind == "delete_approval_rule") {
    mv.actor = ActorOn(c, "config.edit", w.roots);
    mv.op = {{"op", kind}, {"scope", rng.Pick(w.roots)}, {"rule", rng.Pick(w.rules).id}};
  } else if (kind == "block" || kind == "disable" || kind == "unblock" || kind == "enable" ||
             kind == "delete_member" || kind == "resend_invitation" || kind == "reset_password" ||
             kind == "edit_member" || kind == "activate_member") {
    std::vector<std::string> from = {"active", "invited", "pending", "blocked", "disabled"};
    if (kind == "block") from = {"invited", "pending", "disabled"};
    if (kind == "disable") from = {"invited", "pending"};
    if (kind == "unblock") from = {"blocked"};
    if (kind == "enable") from = {"disabled"};
    if (kind == "resend_invitation") from = {"invited"};
    if (kind == "activate_member") from = {"pending", "pending", "invited"};
    if ((kind == "block" || kind == "disable") && rng.Chance(25)) from.push_back("active");
    const std::string member = pick(WithStatus(w, from));
    mv.actor = ActorFor(c, member);
    mv.op = OnMember(c, kind, member);
    if (kind == "edit_member") mv.op["name"] = "Renamed " + c.tag;
    if (kind == "activate_member") {
      mv.op["setup"] = rng.Pick(kSetups);
      if (rng.Chance(40)) {
        const std::string role = rng.Pick(w.role_ids);
        const std::string home = w.members.at(member).added_to;
        mv.op["role"] = role;
        mv.op["scope"] = !home.empty() && rng.Chance(70) ? home : BindableScope(c, role);
      }
    }
  } else if (kind == "accept_invitation") {
    mv.actor = rng.Chance(90) ? rng.Pick(invited) : rng.Pick(w.member_ids);
    mv.op = {{"op", kind}};
  } else if (kind == "invite" || kind == "assign_role") {
    // Mostly a role the actor manages, on a scope its managing binding covers;
    // sometimes any role (the grant must then be refused).
    mv.actor = PickActor(c);
    std::string role = rng.Pick(w.role_ids), scope = BindableScope(c, role);
    std::vector<std::pair<std::string, std::string>> fits;  // role, scope
    for (const BindingDef* a : w.LiveBindingsOf(mv.actor, now)) {
      const RoleDef& ar = *w.Role(a->role);
      if (!ar.manages) continue;
      for (const std::string& rid : w.role_ids) {
        const RoleDef& r = w.roles.at(rid);
        if (r.rank > World::ManagesUpTo(ar, r.family)) continue;
        for (const std::string& s : w.scopes) {
          if (w.Covers(*a, s) && Has(r.assignable_at, w.scope_type.at(s))) fits.push_back({rid, s});
        }
      }
    }
    if (!fits.empty() && rng.Chance(75)) std::tie(role, scope) = rng.Pick(fits);
    mv.op = {{"op", kind}, {"role", role}, {"scope", scope}};
    std::vector<std::string> reached;
    for (const std::string& m : w.member_ids) {
      if (w.members.at(m).status != "removed" && Reaches(w, mv.actor, m, now)) reached.push_back(m);
    }
    if (kind == "invite" && rng.Chance(55)) {
      mv.op["member"] = {{"id", "n" + c.tag}, {"email", "n" + c.tag + "@ex.org"}};
    } else {
      mv.op["member"] =
          !reached.empty() && rng.Chance(75) ? rng.Pick(reached) : rng.Pick(w.member_ids);
    }
    if (kind == "invite" && rng.Chance(35)) mv.op["setup"] = rng.Pick(kSetups);
  } else if (kind == "change_role" || kind == "revoke_role" || kind == "remove_role" ||
             kind == "remove_member") {
    const BindingDef& b = rng.Pick(w.bindings);
    mv.actor = ActorFor(c, b.member);
    mv.op = {{"op", kind}, {"member", b.member}};
    if (kind != "remove_role") mv.op["scope"] = b.scope;
    if (kind != "remove_member") mv.op["role"] = b.role;
    if (kind == "change_role") {
      std::vector<std::string> same;
      for (const std::string& id : w.role_ids) {
        if (w.roles.at(id).family == w.Role(b.role)->family && id != b.role) same.push_back(id);
      }
      mv.op["role"] = !same.empty() && rng.Chance(75) ? rng.Pick(same) : rng.Pick(w.role_ids);
    }
  } else if (kind == "add_members") {
    mv.op = {{"op", kind},
             {"scope", rng.Pick(w.scopes)},
             {"members", {{{"id", "a" + c.tag}, {"email", "a" + c.tag + "@ex.org"}}}}};
    mv.actor = ActorOn(c, "members.view", {mv.op["scope"].get<std::string>()});
  } else if (kind == "perform") {
    std::vector<std::string> plain;
    for (const std::string& p : w.permissions) {
      if (!w.rank_limited.count(p)) plain.push_back(p);
    }
    mv.op = {{"op", kind}, {"action", rng.Pick(plain)}, {"scope", rng.Pick(w.scopes)}};
    mv.actor = ActorOn(c, mv.op["action"].get<std::string>(), {mv.op["scope"].get<std::string>()});
  } else if (kind == "request_self_upgrade" || kind == "claim_role") {
    const Json& rules = kind == "claim_role" ? w.claims : w.self_upgrades;
    mv.actor = PickActor(c);
    mv.op = {{"op", kind}, {"role", rng.Pick(w.role_ids)}, {"scope", rng.Pick(w.scopes)}};
    if (!rules.empty()) {
      const Json& r = rules[rng.Below(rules.size())];
      const Json& from = kind == "claim_role" ? r["holder"] : r["from"];
      std::vector<const BindingDef*> holders;
      for (const BindingDef& b : w.bindings) {
        if (std::find(from.begin(), from.end(), b.role) != from.end() &&
            (w.Live(b, now) || rng.Chance(10))) {
          holders.push_back(&b);
        }
      }
      if (!holders.empty()) {
        const BindingDef* h = rng.Pick(holders);
        mv.actor = h->member;
        mv.op["scope"] = h->scope;
        mv.op["role"] = kind == "claim_role" ? r["grants"] : r["to"][rng.Below(r["to"].size())];
        if (kind == "claim_role") mv.op["scope"] = BindableScope(c, r["grants"].get<std::string>());
      }
    }
  } else if (kind == "resend_verification" || kind == "complete_self_upgrade") {
    const Json& v = w.verifications[rng.Below(w.verifications.size())];
    mv.actor = v["member"].get<std::string>();
    mv.op = {{"op", kind}, {"role", v["role"]}, {"scope", v["scope"]}};
    if (rng.Chance(15)) mv.op["role"] = rng.Pick(w.role_ids);
    if (rng.Chance(10)) mv.actor = rng.Pick(w.member_ids);
  } else if (kind == "request_role") {
    // Mostly for a role on a scope the actor holds something on (where asking is
    // usually allowed); sometimes anywhere.
    mv.actor = PickActor(c);
    std::vector<std::string> held;
    for (const BindingDef& b : w.bindings) {
      if (b.member == mv.actor) held.push_back(b.scope);
    }
    const std::string scope = !held.empty() && rng.Chance(80) ? rng.Pick(held) : rng.Pick(w.scopes);
    std::vector<std::string> fitting;  // roles given on a scope of that type
    for (const std::string& id : w.role_ids) {
      const RoleDef& r = w.roles.at(id);
      if (std::find(r.assignable_at.begin(), r.assignable_at.end(), w.scope_type.at(scope)) !=
          r.assignable_at.end()) {
        fitting.push_back(id);
      }
    }
    const std::string role =
        !fitting.empty() && rng.Chance(85) ? rng.Pick(fitting) : rng.Pick(w.role_ids);
    mv.op = {{"op", kind}, {"role", role}, {"scope", scope}};
    if (rng.Chance(30)) mv.op["until"] = rng.Chance(80) ? "2027-06-01T00:00:00Z" : now;
  } else if (kind == "withdraw_request") {
    const Json& r = w.role_requests[rng.Below(w.role_requests.size())];
    mv.op = {{"op", kind}, {"request", r["id"]}};
    mv.actor = rng.Chance(80) ? r["requester"].get<std::string>() : PickActor(c);
  } else if (kind == "decide_request" &&
             (w.requests.empty() || (!w.role_requests.empty() && rng.Chance(50)))) {
    // A role request: decided mostly by a member who manages roles somewhere (a
    // likely decider, or one whose reach falls short), sometimes by anyone.
    const Json& r = w.role_requests[rng.Below(w.role_requests.size())];
    mv.op = {
        {"op", kind}, {"request", r["id"]}, {"decision", rng.Chance(80) ? "approve" : "reject"}};
    std::vector<std::string> managers;
    for (const BindingDef& b : w.bindings) {
      if (w.Live(b, now) && b.member != r["requester"] && w.Role(b.role) != nullptr &&
          w.Role(b.role)->manages) {
        managers.push_back(b.member);
      }
    }
    mv.actor = !managers.empty() && rng.Chance(85) ? rng.Pick(managers)
               : rng.Chance(50)                    ? r["requester"].get<std::string>()
                                                   : PickActor(c);
  } else {  // decide_request, apply_approved
    std::vector<const Json*> pool;
    for (const Json& r : w.requests) {
      if (kind == "decide_request" || !r.value("decisions", Json::array()).empty())
        pool.push_back(&r);
    }
    const Json& r = pool.empty() ? w.requests[rng.Below(w.requests.size())] : *rng.Pick(pool);
    mv.op = {{"op", kind}, {"request", r["id"]}};
    mv.actor = r["requester"].get<std::string>();
    if (kind == "decide_request") {
      mv.op["decision"] = rng.Chance(85) ? "approve" : "reject";
      std::vector<std::string> approvers;
      for (const BindingDef& b : w.bindings) {
        if (w.Live(b, now) && b.member != mv.actor && Grants(w, b, "approve.it")) {
          approvers.push_back(b.member);
        }
      }
      if (!approvers.empty() && rng.Chance(85)) mv.actor = rng.Pick(approvers);
    } else if (rng.Chance(40)) {
      mv.actor = PickActor(c);
    }
  }
  return mv;
}

}  // namespace esc
