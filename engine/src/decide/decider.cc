// Deciding a request (decider.h): the permission path and the request checks.
#include "decide/decider.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/text.h"
#include "bundle.h"
#include "shape.h"
#include "view.h"

namespace rolegate {
namespace internal {

template <typename V>
void Decider<V>::GrantedBy(Index b) {
  if (!explain_) return;
  const Binding& bd = v_.binding(b);
  Json facts{{"binding", bd.id}, {"role", m_.roles[bd.role].id}, {"scope", m_.scopes[bd.scope].id}};
  std::string msg = "granted by role " + Q(m_.roles[bd.role].id) + " on " + ScopeWord(bd.scope) +
                    " (binding " + Q(bd.id) + ")";
  if (bd.scope != resource_) {
    facts["inheritedFrom"] = m_.scopes[bd.scope].id;
    msg += ", inherited by " + ScopeWord(resource_) + " from its ancestor " + ScopeWord(bd.scope);
  }
  if (explain_) Add("granted_by", std::move(facts), std::move(msg));
}

template <typename V>
void Decider<V>::DecidePermission(Index permission) {
  const Permission& perm = m_.permissions[permission];
  const Scope& scope = m_.scopes[resource_];
  if (!((perm.applies_mask >> scope.type) & 1u)) {
    Deny();
    if (explain_)
      Add("action_not_applicable", Json{{"scopeType", m_.scope_types[scope.type].id}},
          Q(perm.id) + " does not apply to scopes of type " + Q(m_.scope_types[scope.type].id));
    return;
  }
  Cover();
  Bindings granting;
  for (Index b : live_) {
    if (m_.roles[v_.key(b).role].permissions.Test(permission)) {
      granting.push_back(b);
    }
  }
  if (granting.empty()) {
    Deny();
    // Expired bindings are named only when they would have granted the action.
    Bindings lapsed;
    for (Index b : expired_) {
      if (m_.roles[v_.key(b).role].permissions.Test(permission)) lapsed.push_back(b);
    }
    if (live_.empty() && lapsed.empty() && explain_) {
      // A role bound on an ancestor that applies on its own scope only is held
      // above, but does not reach here: say so rather than "no role".
      const Binding* above = nullptr;
      v_.ForEachBindingOfMember(actor_, [&](uint32_t b) {
        const BindingKey& k = v_.key(b);
        if (above == nullptr && k.scope != resource_ && !m_.roles[k.role].descendants &&
            m_.IsAncestorOrSelf(k.scope, resource_)) {
          above = &v_.binding(b);
        }
      });
      Add("no_binding", Json::object(),
          above == nullptr
              ? "member " + Q(req_.actor) + " holds no role on " + ScopeWord(resource_) +
                    " or its ancestors"
              : "member " + Q(req_.actor) + " holds no role that applies on " +
                    ScopeWord(resource_) + ": role " + Q(m_.roles[above->role].id) + " on " +
                    ScopeWord(above->scope) + " applies on that scope only, not below it");
    }
    for (Index b : lapsed) {
      const Binding& bd = v_.binding(b);
      if (explain_)
        Add("binding_expired", Json{{"binding", bd.id}, {"expiresAt", bd.expires_at}},
            "binding " + Q(bd.id) + " expired at " + bd.expires_at);
    }
    if (!live_.empty()) {
      std::set<std::string> roles;
      for (Index b : live_) roles.insert(m_.roles[v_.binding(b).role].id);
      std::string list;
      for (const std::string& r : roles) list += (list.empty() ? "" : ", ") + Q(r);
      if (explain_)
        Add("permission_not_granted", Json{{"roles", roles}},
            "none of the roles held on " + ScopeWord(resource_) + " (" + list + ") grants " +
                Q(perm.id));
    }
    return;
  }
  if (perm.rank_limited && !CheckRankLimit(perm, &granting)) return;
  if (!TargetVisible()) return;
  d_->effect = Effect::kAllow;
  for (Index b : granting) GrantedBy(b);
  CheckApprovals(permission);
}

// Acting on another member who holds a role here needs the actor to see them:
// the member-visibility rules of the actor's roles on the scope must admit one
// of the target's roles there. (A member with no role here, invited in, say, is
// not hidden by these rules.)
template <typename V>
bool Decider<V>::TargetVisible() {
  auto it = req_.attributes.find("target");
  if (it == req_.attributes.end()) return true;
  const Index target = *v_.FindMember(it->template get<std::string>());
  if (target == actor_) return true;
  const Scope& scope = m_.scopes[resource_];
  bool present = false, seen = false;
  auto consider = [&](uint32_t b) {
    if (Model::Expired(v_.binding(b), req_.now)) return;
    present = true;
    const Role& held = m_.roles[v_.key(b).role];
    for (Index a : live_) {
      for (const SeesRule& rule : m_.roles[v_.key(a).role].sees_rules) {
        if (held.rank >= rule.min_rank && std::find(rule.families.begin(), rule.families.end(),
                                                    held.family) != rule.families.end()) {
          seen = true;
        }
      }
    }
  };
  v_.ForEachBindingOfMember(target, [&](uint32_t b) {
    const BindingKey& k = v_.key(b);
    if (Covers(v_, b, resource_) ||
        (scope.pre < m_.scopes[k.scope].pre && m_.scopes[k.scope].pre < scope.subtree_end)) {
      consider(b);
    }
  });
  if (!present || seen) return true;
  Deny();
  if (explain_)
    Add("target_not_visible", Json{{"target", v_.member(target).id}},
        "member " + Q(v_.member(target).id) + " holds a role on " + ScopeWord(resource_) +
            " that the actor's roles there do not let them see");
  return false;
}

template <typename V>
void Decider<V>::Run(Index actor, Index resource, const Index* permission) {
  actor_ = actor;
  resource_ = resource;
  d_->effect = Effect::kDeny;
  const Member& mb = v_.member(actor);
  if (mb.status != MemberStatus::kActive) {
    if (explain_)
      Add("member_not_active", Json{{"member", mb.id}, {"status", StatusName(mb.status)}},
          "member " + Q(mb.id) + " is " + StatusName(mb.status) +
              ", and only active members hold permissions");
    return;
  }
  if (permission != nullptr) {
    DecidePermission(*permission);
  } else if (auto it = m_.self_upgrades_by_action.find(req_.action);
             it != m_.self_upgrades_by_action.end()) {
    DecideSelfUpgrade(it->second);
  } else {
    DecideClaim(m_.claims_by_action.at(req_.action));
  }
}

namespace {

bool ReasonLess(const Reason& a, const Reason& b) {
  if (a.code != b.code) return a.code < b.code;
  return Canonical(a.facts) < Canonical(b.facts);
}

}  // namespace

template <typename V>
DecideResult DecideIn(const V& v, const Request& req, bool explain) {
  const Model& m = v.model();
  DecideResult out;
  Errors& errors = out.errors;
  const Index* actor = v.FindMember(req.actor);
  const Index* resource = m.Find(m.scope_index, req.resource);
  const Index* permission = m.Find(m.permission_index, req.action);
  if (actor == nullptr) {
    errors.push_back({"unknown_member", "/actor", "unknown member " + Q(req.actor)});
  }
  if (permission == nullptr && !m.self_upgrades_by_action.count(req.action) &&
      !m.claims_by_action.count(req.action)) {
    errors.push_back({"unknown_action", "/action", "unknown action " + Q(req.action)});
  }
  if (resource == nullptr) {
    errors.push_back({"unknown_scope", "/resource", "unknown scope " + Q(req.resource)});
  }
  if (!IsTimestamp(req.now)) {
    errors.push_back({"invalid_timestamp", "/now",
                      Q(req.now) + " is not a timestamp of the form YYYY-MM-DDTHH:MM:SSZ"});
  }
  const Json& attrs = req.attributes;
  if (!attrs.is_object()) {
    errors.push_back({"wrong_type", "/attributes", "expected an object"});
  } else {
    if (auto it = attrs.find("role"); it != attrs.end()) {
      if (!it->is_string() || !m.role_index.count(it->get<std::string>())) {
        errors.push_back({"unknown_role", "/attributes/role",
                          "unknown role " + (it->is_string() ? Q(it->get<std::string>())
                                                             : std::string("(not a string)"))});
      }
    }
    if (auto it = attrs.find("target"); it != attrs.end()) {
      if (!it->is_string() || v.FindMember(it->get<std::string>()) == nullptr) {
        errors.push_back({"unknown_member", "/attributes/target",
                          "unknown member " + (it->is_string() ? Q(it->get<std::string>())
                                                               : std::string("(not a string)"))});
      }
    }
    bool needs_role = permission == nullptr && m.self_upgrades_by_action.count(req.action);
    bool rank_limited = permission != nullptr && m.permissions[*permission].rank_limited;
    if (needs_role && !attrs.contains("role")) {
      errors.push_back({"missing_attribute", "/attributes",
                        "a self-upgrade request must name the role wanted in `role`"});
    }
    if (rank_limited && !attrs.contains("role") && !attrs.contains("target")) {
      errors.push_back({"missing_attribute", "/attributes",
                        Q(req.action) + " manages other members: name the role in `role` "
                                        "or the member acted on in `target`"});
    }
  }
  if (!errors.empty()) {
    SortErrors(&errors);
    return out;
  }
  Decision& d = out.decision;
  d.actor = req.actor;
  d.action = req.action;
  d.resource = req.resource;
  Decider<V>(v, req, explain, &d).Run(*actor, *resource, permission);
  if (explain) std::sort(d.reasons.begin(), d.reasons.end(), ReasonLess);
  return out;
}

template DecideResult DecideIn<Model>(const Model&, const Request&, bool);
template DecideResult DecideIn<Overlay>(const Overlay&, const Request&, bool);

}  // namespace internal
}  // namespace rolegate
