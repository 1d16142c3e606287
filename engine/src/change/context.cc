#include "change/context.h"

#include <algorithm>
#include <set>

#include "base/text.h"
#include "bundle.h"
#include "change/outcome.h"
#include "shape.h"

namespace rolegate {
namespace internal {

Context::Context(const Policy& base, const std::string& actor, const std::string& now,
                 const SoundnessChecks& checks)
    : base_(base),
      now_(now),
      checks_(checks),
      checkpoint_(&base),
      overlay_(std::make_unique<Overlay>(base.model())),
      change_set_actor_(actor),
      actor_(actor),
      field_rules_(MemberFieldRules(base.model())),
      scope_rules_(ScopeLimitRules(base.model())) {}

std::string Context::ActAs(const std::string& requester, Approvals approved) {
  std::string saved = actor_;
  actor_ = requester;
  approved_ = std::move(approved);
  return saved;
}

void Context::Restore(const std::string& actor) {
  approved_.clear();
  actor_ = actor;
}

void Context::BeginOperation() {
  touching_.clear();
  touching_roles_.clear();
  judge_.reset();
}

void Context::Keep(std::unique_ptr<Overlay> next, std::shared_ptr<const Policy> compiled) {
  if (compiled) {
    owned_ = std::move(compiled);
    checkpoint_ = owned_.get();
  }
  overlay_ = std::move(next);
  touched_.insert(touching_.begin(), touching_.end());
  touched_roles_.insert(touching_roles_.begin(), touching_roles_.end());
}

const Member* Context::MemberById(const std::string& id) const {
  const Index* i = V().FindMember(id);
  return i ? &V().member(*i) : nullptr;
}

const Role* Context::RoleById(const std::string& id) const {
  const Index* i = M().role_index.Get(id);
  return i ? &M().roles[*i] : nullptr;
}

std::string Context::NextId(const Json& list, const std::string& prefix) const {
  std::set<std::string> used;
  for (const Json& x : list) used.insert(x.value("id", ""));
  for (size_t n = list.size() + 1;; ++n) {
    std::string id = prefix + std::to_string(n);
    if (!used.count(id)) return id;
  }
}

std::string Context::VerificationId(size_t op) const {
  const std::string digest =
      ContentRevision(Json::array({"verification", base_.revision(), change_set_actor_, op}));
  return "verification-" + digest.substr(digest.find(':') + 1);
}

Json* Context::FindById(Json* list, const std::string& id) {
  for (Json& x : *list) {
    if (x.value("id", "") == id) return &x;
  }
  return nullptr;
}

std::vector<std::string> Context::MemberScopes(const std::string& member) const {
  std::set<std::string> scopes;
  if (const Index* i = V().FindMember(member)) {
    V().ForEachBindingOfMember(*i,
                               [&](uint32_t b) { scopes.insert(M().scopes[V().key(b).scope].id); });
  }
  return std::vector<std::string>(scopes.begin(), scopes.end());
}

std::string Context::RoleOf(const std::string& member, const std::string& scope,
                            Index family) const {
  const Index* i = V().FindMember(member);
  const Index* s = M().scope_index.Get(scope);
  std::string found;
  if (i == nullptr || s == nullptr) return found;
  V().ForEachBindingOfMember(*i, [&](uint32_t b) {
    const BindingKey& k = V().key(b);
    if (found.empty() && k.scope == *s && M().roles[k.role].family == family) {
      found = M().roles[k.role].id;
    }
  });
  return found;
}

const std::string* Context::ActionFor(const std::string& kind, Outcome* out) {
  auto it = M().operation_rules.find(kind);
  if (it == M().operation_rules.end()) {
    out->Deny(
        Reason("operation_not_supported", "this policy does not allow " + Q(kind) + " operations"));
    return nullptr;
  }
  return &it->second.action;
}

bool Context::PreconditionsHold(const Operation& op, Outcome* out) {
  const std::string& kind = op.name;
  auto it = M().operation_rules.find(kind);
  if (it == M().operation_rules.end() && op.kind->authorised_by != nullptr) {
    // Authorised by another kind's entry: bound by its preconditions too.
    it = M().operation_rules.find(op.kind->authorised_by);
  }
  if (it == M().operation_rules.end()) return true;
  const Json& attrs = op.attributes;
  bool hold = true;
  for (const Condition& c : it->second.preconditions) {
    auto a = attrs.find(c.attribute);
    std::optional<bool> r;
    if (a != attrs.end()) r = CompareCondition(*a, c.op, c.value);
    if (r.value_or(false)) continue;
    // A missing attribute, or one its condition cannot compare, fails: the
    // operation is refused rather than let through.
    hold = false;
    Json facts{{"attribute", c.attribute}, {"op", OpName(c.op)}, {"value", c.value}};
    std::string why = "the operation does not give it";
    if (a != attrs.end()) {
      facts["actual"] = *a;
      why = r ? "it is " + a->dump() : "its value " + a->dump() + " cannot be compared";
    }
    out->Deny(Reason("precondition_failed",
                     Q(kind) + " requires attribute " + Q(c.attribute) + " " + OpName(c.op) + " " +
                         c.value.dump() + ", but " + why,
                     std::move(facts)));
  }
  return hold;
}

bool Context::SetupOffered(const std::string& kind, const std::string& setup, Outcome* out) {
  auto it = M().operation_rules.find(kind);
  if (it == M().operation_rules.end() || it->second.setups.empty()) return true;
  const std::vector<std::string>& offered = it->second.setups;
  if (std::find(offered.begin(), offered.end(), setup) != offered.end()) return true;
  std::string list;
  for (const std::string& s : offered) list += (list.empty() ? "" : ", ") + s;
  out->Deny(Reason(
      "setup_not_supported",
      "set-up option " + Q(setup) + " is not offered for " + Q(kind) + ": offered are " + list,
      Json{{"setup", setup}, {"allowed", offered}}));
  return false;
}

bool Context::EmailReachable(const std::string& member, const std::string& email,
                             const std::string& setup, Outcome* out) {
  if (setup != "send_invite" && setup != "activation_email") return true;
  if (!email.empty()) return true;
  out->Deny(Reason(
      "email_required",
      "set-up option " + Q(setup) + " e-mails member " + Q(member) + ", who has no e-mail address",
      Json{{"member", member}, {"setup", setup}}));
  return false;
}

bool Context::WithinHome(const std::string& member, const std::string& scope, Outcome* out) {
  const Index* i = V().FindMember(member);
  const Index* s = M().scope_index.Get(scope);
  if (i == nullptr || s == nullptr) return true;
  const Index home = V().member(*i).added_to;
  if (home == kNone || M().IsAncestorOrSelf(home, *s)) return true;
  bool bound = false;
  V().ForEachBindingOfMember(*i, [&](uint32_t) { bound = true; });
  if (bound) return true;
  const std::string& home_id = M().scopes[home].id;
  out->Deny(Reason("wrong_scope",
                   "member " + Q(member) + " holds no role and was added to " + Q(home_id) +
                       ", so it cannot be acted on from " + Q(scope),
                   Json{{"member", member}, {"addedTo", home_id}, {"scope", scope}}));
  return false;
}

std::string Context::HomeOf(const std::string& member) const {
  const Index* i = V().FindMember(member);
  if (i == nullptr || V().member(*i).added_to == kNone) return "";
  bool bound = false;
  V().ForEachBindingOfMember(*i, [&](uint32_t) { bound = true; });
  return bound ? "" : M().scopes[V().member(*i).added_to].id;
}

bool Context::KindAllowed(const Member& mb, const std::string& role, Outcome* out) {
  const Role* r = RoleById(role);
  if (r == nullptr || r->AllowsKind(mb.kind)) return true;
  out->Deny(Reason("member_kind_not_allowed", KindNotAllowedMessage(mb, *r),
                   Json{{"member", mb.id}, {"kind", mb.kind}, {"role", role}}));
  return false;
}

Effect Context::Check(const std::string& action, const std::string& scope, Json attrs,
                      Outcome* out) {
  return CheckIn(V(), action, scope, std::move(attrs), out);
}

template <typename View>
Effect Context::CheckIn(const View& view, const std::string& action, const std::string& scope,
                        Json attrs, Outcome* out) {
  Request req;
  req.actor = actor_;
  req.action = action;
  req.resource = scope;
  req.now = now_;
  req.attributes = std::move(attrs);
  DecideResult r = DecideIn(view, req, true);
  Effect effect = Effect::kDeny;
  if (!r.ok()) {
    Json errors = ErrorsToJson(r.errors)["errors"];
    out->checks.push_back(Json{{"action", action}, {"resource", scope}, {"errors", errors}});
    out->Deny(Reason("invalid_check", "the check of " + Q(action) + " on " + Q(scope) +
                                          " could not be made: " + r.errors[0].message));
    return effect;
  }
  Json d = DecisionToJson(r.decision);
  d.erase("ok");
  effect = r.decision.effect;
  Json approvals = Json::array();  // the approvals still needed
  for (const Json& a : d["requirements"]["approvals"]) {
    if (!approved_.count({a["rule"].get<std::string>(), action, scope})) approvals.push_back(a);
  }
  if (effect == Effect::kConditional && approvals.empty() && r.decision.verifications.empty()) {
    effect = Effect::kAllow;  // approved already (apply_approved)
  }
  if (effect == Effect::kDeny) {
    out->effect = Effect::kDeny;
  } else if (effect == Effect::kConditional && out->effect != Effect::kDeny) {
    out->effect = Effect::kConditional;
    for (const Json& a : approvals) {
      Json entry = a;
      entry["resource"] = scope;
      entry["action"] = action;
      out->approvals.push_back(std::move(entry));
    }
    for (const Json& v : d["requirements"]["verifications"]) out->verifications.push_back(v);
  }
  out->checks.push_back(std::move(d));
  return effect;
}

void Context::CheckOnMemberScopes(const std::string& kind, const std::string& member,
                                  const std::string& fallback, Json attrs, Outcome* out) {
  const std::string* action = ActionFor(kind, out);
  if (action == nullptr) return;
  // Every scope where the member holds a role: acting on a member reaches all of
  // them. A named scope counts only for a member who holds none.
  std::vector<std::string> scopes = MemberScopes(member);
  if (scopes.empty()) {
    // A member added to a scope belongs there: checked there, and also on a named
    // scope below it; a named scope elsewhere is refused.
    const Index* i = V().FindMember(member);
    const Index home = i ? V().member(*i).added_to : kNone;
    if (home != kNone) {
      if (!fallback.empty() && !WithinHome(member, fallback, out)) return;
      scopes = {M().scopes[home].id};
      if (!fallback.empty() && fallback != scopes[0]) scopes.push_back(fallback);
    } else if (!fallback.empty()) {
      scopes = {fallback};
    }
  }
  if (scopes.empty()) {
    out->Deny(Reason("no_scope", "member " + Q(member) +
                                     " holds no role, so the operation must name a `scope`"));
    return;
  }
  attrs["target"] = member;
  for (const std::string& s : scopes) Check(*action, s, attrs, out);
}

void Context::CheckPolicyWide(const std::string& action, const Json& attrs, Outcome* out) {
  // Roles and approval rules hold everywhere, so changing them needs the action on
  // every root of the scope forest.
  bool any = false;
  for (const Scope& s : M().scopes) {
    if (s.parent != kNone) continue;
    any = true;
    Check(action, s.id, attrs, out);
  }
  if (!any) out->Deny(Reason("no_scope", "the policy has no scopes to authorise this on"));
}

bool Context::CustomRole(const std::string& id, Outcome* out) {
  const Role* r = RoleById(id);
  if (r != nullptr && r->custom) return true;
  out->Deny(
      Reason("role_not_custom", "role " + Q(id) + " is part of the policy, not a custom role"));
  return false;
}

bool Context::RoleWithinActor(const std::string& id, Outcome* out) {
  if (!checks_.role_edit_keeps_holders_in_reach) return true;
  const Role& role = M().roles[M().role_index.at(id)];
  const std::string& family = M().families[role.family];
  const int64_t have = ReachOf(V(), actor_, now_).Manages(family);
  if (role.rank <= have) return true;
  out->Deny(Reason("role_above_actor",
                   "role " + Q(id) + " ranks " + std::to_string(role.rank) + " in family " +
                       Q(family) + ", above the rank " + std::to_string(have) + " up to which " +
                       Q(actor_) + " manages it",
                   Json{{"role", id}, {"family", family}, {"have", have}, {"need", role.rank}}));
  return false;
}

bool Context::RuleWithinAuthor(const std::string& id, const Json& requester_roles,
                               const std::vector<Index>& where, Outcome* out) {
  if (!checks_.approval_rule_below_author) return true;
  if (!requester_roles.is_array() || requester_roles.empty()) {
    out->Deny(Reason("approval_rule_beyond_author",
                     "rule " + Q(id) +
                         " names no requesterRoles, so it would gate every "
                         "requester, its author's equals and superiors among them",
                     Json{{"rule", id}}));
    return false;
  }
  for (Index scope : where) {
    const Reach reach = ReachOf(V(), actor_, now_, scope);
    for (const Json& r : requester_roles) {
      const Index* ri = r.is_string() ? M().role_index.Get(r.get<std::string>()) : nullptr;
      if (ri == nullptr) continue;  // an unknown role: the rule is invalid (invalid_change)
      const Role& role = M().roles[*ri];
      const std::string& family = M().families[role.family];
      const int64_t manages = reach.Manages(family), own = reach.Rank(family);
      if (role.rank <= manages && (own < 0 || role.rank < own)) continue;
      out->Deny(Reason("approval_rule_beyond_author",
                       "rule " + Q(id) + " would gate holders of " + Q(role.id) + " (rank " +
                           std::to_string(role.rank) + " in family " + Q(family) + ") on " +
                           Q(M().scopes[scope].id) + ", whom " + Q(actor_) +
                           (own >= 0 && role.rank >= own
                                ? " does not outrank (rank " + std::to_string(own) + ")"
                                : " does not manage (up to rank " + std::to_string(manages) + ")"),
                       Json{{"rule", id},
                            {"role", role.id},
                            {"scope", M().scopes[scope].id},
                            {"family", family},
                            {"manages", manages},
                            {"rank", own},
                            {"need", role.rank}}));
      return false;
    }
  }
  return true;
}

void Context::Judge(Judged what, const std::string& id) { judge_ = Judgement{what, id, actor_}; }

std::optional<Beyond> Context::BeyondActor(const Model& after) const {
  if (!judge_) return std::nullopt;
  const Judgement& j = *judge_;
  const bool edited = j.what == Judged::kRoleEdited;
  if (j.what == Judged::kRoleDefined || edited) {
    const std::string& id = j.id;
    const Role& role = after.roles[after.role_index.at(id)];
    RoleLimits limits;
    limits.rank = checks_.role_rank_within_creator;
    limits.permissions = checks_.role_permissions_within_creator;
    limits.sees = checks_.role_sees_within_creator;
    limits.manages = checks_.role_manages_within_creator;
    const Reach reach = ReachOf(V(), j.actor, now_);
    if (auto b = RoleBeyondReach(after, role, reach, limits)) return b;
    if (edited && limits.manages) {
      if (auto b = InheritorsBeyondReach(V().model(), after, id, reach)) return b;
    }
    if (edited && checks_.role_edit_keeps_holders_in_reach) {
      return HoldersBeyondReach(V(), after, id);
    }
    return std::nullopt;
  }
  if (j.what == Judged::kApprovalRuleSet && checks_.approval_rule_satisfiable) {
    for (const ApprovalRule& rule : after.approval_rules) {
      if (rule.id == j.id) return UnsatisfiableRule(after, rule, now_);
    }
  }
  return std::nullopt;
}

template Effect Context::CheckIn<Model>(const Model&, const std::string&, const std::string&, Json,
                                        Outcome*);
template Effect Context::CheckIn<Overlay>(const Overlay&, const std::string&, const std::string&,
                                          Json, Outcome*);

}  // namespace internal
}  // namespace rolegate
