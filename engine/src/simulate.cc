// Simulation of change sets (docs/changes.md): operations run one by one against
// the state the allowed operations before them produced; each is authorised by
// the policy of that state. The result is canonical and deterministic.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include <optional>
#include <tuple>

#include "access.h"
#include "bundle.h"
#include "changeset.h"
#include "member_fields.h"
#include "model.h"
#include "overlay.h"
#include "reach.h"
#include "rolegate/policy.h"
#include "scope_limits.h"
#include "shape.h"
#include "simulate.h"
#include "status.h"
#include "base/text.h"

namespace rolegate {
namespace internal {
namespace {


// The attributes an operation passes to its checks. `role` and `target` are set by
// each operation from its own fields: a caller may not supply them.
Json OpAttributes(const Json& op) {
  Json attrs = Json::object();
  if (auto it = op.find("attributes"); it != op.end() && it->is_object()) attrs = *it;
  attrs.erase("role");
  attrs.erase("target");
  attrs.erase("registering");
  return attrs;
}

Json Reason(const char* code, std::string message, Json facts = Json::object()) {
  facts["code"] = code;
  facts["message"] = std::move(message);
  return facts;
}

Json Reason(const Beyond& b) {
  Json facts = b.facts;
  facts["code"] = b.code;
  facts["message"] = b.message;
  return facts;
}

// What one operation came to.
struct Outcome {
  Effect effect = Effect::kAllow;
  Json checks = Json::array();
  Json reasons = Json::array();
  Json approvals = Json::array();
  Json verifications = Json::array();
  std::vector<Json> events;
  Json violations = Json::array();
  // A role request the operation recorded: {"id", "deciders", "expiresAt"?}.
  Json request;
  // The operation a conditional outcome waits on approval for, when it is not
  // the submitted one (a role request's grant): what its approval request holds.
  std::optional<Json> pending_operation;

  void Deny(Json reason) {
    effect = Effect::kDeny;
    reasons.push_back(std::move(reason));
  }
};

// The changes one operation makes. Role and status changes go to `overlay` (a
// copy of the state's overlay); operations that change anything else (roles,
// rules, pending records, new members) work on `json`, the whole bundle,
// materialized on first use. Once materialized, all changes go to `json`.
struct Edit {
  explicit Edit(const Overlay& o) : overlay(o) {}
  Overlay overlay;
  std::optional<Json> json;
  std::vector<uint32_t> added;  // bindings the operation added to `overlay`
  bool changed = false;
  Json& J() {
    if (!json) json = overlay.Materialize();
    return *json;
  }
  // The list `key` of the materialized bundle, created empty when absent.
  Json& List(const char* key) {
    Json& j = J();
    if (!j.contains(key) || !j[key].is_array()) j[key] = Json::array();
    return j[key];
  }
  // Removes the entry `id` from the list `key` (a change, whether or not it was there).
  void RemoveById(const char* key, const std::string& id) {
    Json& list = List(key);
    Json kept = Json::array();
    for (Json& x : list) {
      if (x.value("id", "") != id) kept.push_back(std::move(x));
    }
    list = std::move(kept);
    changed = true;
  }
};

class Simulator {
 public:
  Simulator(const Policy& base, const ChangeSet& cs, bool recompile_each,
            const SoundnessChecks& checks)
      : base_(base), cs_(cs), checks_(checks), checkpoint_(&base),
        overlay_(std::make_unique<Overlay>(base.model())), actor_(cs.actor),
        recompile_each_(recompile_each), field_rules_(MemberFieldRules(base.model())),
        scope_rules_(ScopeLimitRules(base.model())) {}

  Json Run(bool include_bundle);

 private:
  // The state: the compiled checkpoint and the overlay of changes on it.
  const Model& M() const { return checkpoint_->model(); }
  const Overlay& V() const { return *overlay_; }

  // One operation, by kind. Each fills `out` and records its changes in `e`; the
  // caller validates them and keeps them when they are valid.
  void Apply(size_t index, const Json& op, Edit* e, Outcome* out);

  // Authorises `action` on `scope` with `attrs`; records the decision.
  Effect Check(const std::string& action, const std::string& scope, Json attrs, Outcome* out);
  // The same, on another view of the state.
  template <typename View>
  Effect CheckIn(const View& view, const std::string& action, const std::string& scope,
                 Json attrs, Outcome* out);
  // Checks over every scope where `member` holds a binding (or `fallback`).
  void CheckPolicyWide(const std::string& action, const Json& attrs, Outcome* out);
  // edit_role, delete_role: the role as it stands must be within the actor's reach.
  bool RoleWithinActor(const std::string& id, Outcome* out);
  // set_approval_rule, delete_approval_rule: a rule may gate only requester roles
  // strictly below its author, on every scope where it holds.
  bool RuleWithinAuthor(const std::string& id, const Json& requester_roles,
                        const std::vector<Index>& where, Outcome* out);
  // A define_role, edit_role or set_approval_rule to judge once its result is
  // compiled: the operation and who it acts as (the requester, under
  // apply_approved).
  struct Judgement {
    std::string kind;
    Json op;
    std::string actor;
  };
  std::optional<Judgement> judge_;
  // Why the operation of `j`, compiled into `after`, goes beyond its actor
  // (reach.h), if it does.
  std::optional<Beyond> BeyondActor(const Judgement& j, const Model& after) const;
  void CheckOnMemberScopes(const std::string& kind, const std::string& member,
                           const std::string& fallback, Json attrs, Outcome* out);
  // The action an operation kind needs, or null (with a deny) when not configured.
  const std::string* ActionFor(const std::string& kind, Outcome* out);
  // Whether the operation's `attributes` meet the `requires` conditions of its
  // kind's entry in `operations`; denies (precondition_failed) when not.
  bool PreconditionsHold(const std::string& kind, const Json& op, Outcome* out);
  // Whether the kind's entry in `operations` offers `setup`; denies when not.
  bool SetupOffered(const std::string& kind, const std::string& setup, Outcome* out);
  // Whether a set-up that e-mails the member can reach `email`; denies when not.
  bool EmailReachable(const std::string& member, const std::string& email,
                      const std::string& setup, Outcome* out);
  // Whether `scope` may concern `member`: a member who holds no binding but was
  // added to a scope belongs there, and only there and below. Denies when not.
  bool WithinHome(const std::string& member, const std::string& scope, Outcome* out);
  // The scope a member who holds no binding was added to (its id), or "" when
  // the member holds a binding or was added nowhere.
  std::string HomeOf(const std::string& member) const;
  // Adds the recipient's branding domain and language to an event.
  void Brand(Json* event) const;
  // Whether member `mb` is of a kind that may hold `role` (its `memberKinds`);
  // denies (member_kind_not_allowed) when not.
  bool KindAllowed(const Member& mb, const std::string& role, Outcome* out);

  void Emit(Outcome* out, size_t op, const char* event, const std::string& to, Json facts);
  // Records pending approval requests for a conditional operation.
  void RequestApprovals(size_t index, const Json& op, Edit* e, Outcome* out);

  std::string NextId(const Json& list, const std::string& prefix) const;
  // The id of a verification issued by operation `op`: derived from the base
  // revision, the actor and the operation's index, so an id is never issued twice
  // (each commit has its own base revision) and a resend's record never has the id
  // of the one it replaces. Not from the time: a preview made a second before the
  // server judges the change names the id the server records.
  std::string VerificationId(size_t op) const;
  static Json* FindById(Json* list, const std::string& id);
  static const Json* FindById(const Json& list, const std::string& id);
  std::vector<std::string> MemberScopes(const std::string& member) const;
  // The role (id) the member holds on the scope in the family, or "".
  std::string RoleOf(const std::string& member, const std::string& scope, Index family) const;

  // Writes, to the overlay or (once materialized) the JSON.
  void AddBinding(Edit* e, const std::string& member, const std::string& role,
                  const std::string& scope);
  // Removes `member`'s bindings for which pred(role id, scope id) holds.
  template <typename Pred>
  size_t RemoveBindings(Edit* e, const std::string& member, Pred pred);
  // Changes the member's bundle entry with mutate(Json&).
  template <typename F>
  void UpdateMember(Edit* e, const std::string& member, F mutate);
  // Adds a new member (its bundle entry) to the edit.
  void AddMemberEntry(Edit* e, Json entry);
  // Whether a member of the checkpoint or one the overlay added may have this
  // e-mail (lower case): then a load judges the new one.
  bool EmailMayBeTaken(const Overlay& o, const std::string& lower);
  const Model* emails_of_ = nullptr;  // the checkpoint checkpoint_emails_ was built for
  std::unordered_set<std::string> checkpoint_emails_;

  // Checks the bindings an operation added, as loading the bundle would: the
  // errors loading would report (none when they are valid).
  Errors ValidateAdded(const Edit& e) const;
  // Records why an operation's changes were refused.
  void Refuse(const Errors& errors, size_t i, Outcome* out, Json* violations,
              bool* error_violation) const;

  // Operation handlers.
  void Invite(size_t i, const Json& op, Edit* e, Outcome* out);
  void Register(size_t i, const Json& op, Edit* e, Outcome* out);
  void AcceptInvitation(size_t i, Edit* e, Outcome* out);
  void MemberStatusOp(size_t i, const Json& op, Edit* e, Outcome* out);
  void RoleBindingOp(size_t i, const Json& op, Edit* e, Outcome* out);
  void ChangeRole(size_t i, const Json& op, Edit* e, Outcome* out);
  void RemoveOp(size_t i, const Json& op, Edit* e, Outcome* out);
  void EditMember(size_t i, const Json& op, Edit* e, Outcome* out);
  void AddMembers(size_t i, const Json& op, Edit* e, Outcome* out);
  void ActivateMember(size_t i, const Json& op, Edit* e, Outcome* out);
  void SelfUpgrade(size_t i, const Json& op, Edit* e, Outcome* out);
  void ClaimRole(size_t i, const Json& op, Edit* e, Outcome* out);
  void RoleDefinition(size_t i, const Json& op, Edit* e, Outcome* out);
  void ApprovalRuleOp(size_t i, const Json& op, Edit* e, Outcome* out);
  void DecideRequest(size_t i, const Json& op, Edit* e, Outcome* out);
  // Access requests (docs/changes.md, "Access requests").
  void RequestRole(size_t i, const Json& op, Edit* e, Outcome* out);
  void WithdrawRequest(size_t i, const Json& op, Edit* e, Outcome* out);
  void DecideRoleRequest(size_t i, const Json& op, const Json& request, Edit* e, Outcome* out);
  // The operation that gives `member` `role` on `scope`: change_role when they
  // hold an exclusive role of its family there, else assign_role.
  Json GrantOperation(const std::string& member, const std::string& role,
                      const std::string& scope) const;
  // Who may decide a request for `grant`: the active members, never `requester`,
  // whom the policy lets make that grant themselves now (allowed, or allowed
  // subject to an approval), sorted.
  std::vector<std::string> Deciders(const std::string& requester, const Json& grant) const;
  // Whether `viewer` may see `target`'s e-mail on `scope` (as VisibleMembers).
  bool SeesEmail(const std::string& viewer, const std::string& target,
                 const std::string& scope) const;
  void ApplyApproved(size_t i, const Json& op, Edit* e, Outcome* out);
  void ResetPassword(size_t i, const Json& op, Outcome* out);
  void Perform(size_t i, const Json& op, Outcome* out);

  const Member* MemberById(const std::string& id) const {
    const Index* i = V().FindMember(id);
    return i ? &V().member(*i) : nullptr;
  }
  const Role* RoleById(const std::string& id) const {
    const Index* i = M().role_index.Get(id);
    return i ? &M().roles[*i] : nullptr;
  }

  const Policy& base_;
  const ChangeSet& cs_;
  const SoundnessChecks checks_;
  const Policy* checkpoint_;                 // the compiled state...
  std::shared_ptr<const Policy> owned_;      // ...when it is not the base
  std::unique_ptr<Overlay> overlay_;         // changes on the checkpoint
  std::string actor_;          // who acts: the change set's actor, or a requester
  bool recompile_each_;        // recompile after every operation (for testing)
  // Members and roles the current operation changes, and those of the operations
  // applied so far: the access diff looks at these only.
  std::set<std::string> touching_, touching_roles_, touched_, touched_roles_;
  // apply_approved: the (rule, action, resource) approvals already given.
  std::set<std::tuple<std::string, std::string, std::string>> approved_;
  // The bundle's member_field invariants (simulation does not change invariants).
  std::vector<MemberFieldRule> field_rules_;

  // member_field: the breaches of the members the current operation touches, by
  // member id, in a view of a state (the state before it, or its overlay after)...
  using FieldBreaches = std::vector<std::pair<std::string, FieldBreach>>;
  template <typename View>
  FieldBreaches TouchedFieldBreaches(const View& view) const;
  // ...or in the whole bundle after it.
  FieldBreaches TouchedFieldBreaches(const Json& bundle) const;
  bool HasErrorBreach(const FieldBreaches& breaches) const;
  // Records the error breaches as violations and refuses the operation.
  void RefuseFields(const FieldBreaches& breaches, size_t i, Outcome* out, Json* violations,
                    bool* error_violation) const;
  Json FieldViolation(const std::string& member, const FieldBreach& b, size_t i) const;

  // The bundle's scope_limit invariants (simulation changes neither invariants nor
  // scopes).
  std::vector<ScopeLimitRule> scope_rules_;
  // scope_limit: a member the current operation touches who holds roles within
  // more scopes of a rule's type than it allows, and than before the operation:
  // in a view of the state after it...
  struct ScopeBreach {
    std::string member;
    size_t rule = 0;  // index into scope_rules_
    std::string message;
  };
  using ScopeBreaches = std::vector<ScopeBreach>;
  template <typename View>
  ScopeBreaches TouchedScopeBreaches(const View& view) const;
  // ...or in the whole bundle after it.
  ScopeBreaches TouchedScopeBreaches(const Json& bundle) const;
  // How many scopes of rule `rule`'s type `member` holds roles within before the
  // operation (0 when the rule does not judge the member).
  size_t ScopeCountBefore(const std::string& member, size_t rule) const;
  bool HasErrorBreach(const ScopeBreaches& breaches) const;
  // Records the error breaches as violations and refuses the operation.
  void RefuseScopes(const ScopeBreaches& breaches, size_t i, Outcome* out, Json* violations,
                    bool* error_violation) const;
  Json ScopeViolation(const ScopeBreach& b, size_t i) const;
};

// An operation without the secret it may carry (`pin`, `token`): what is hashed
// into the revision and recorded in an approval request.
Json WithoutProof(const Json& op) {
  if (!op.is_object() || (!op.contains("pin") && !op.contains("token"))) return op;
  Json out = op;
  out.erase("pin");
  out.erase("token");
  return out;
}

std::string Simulator::NextId(const Json& list, const std::string& prefix) const {
  std::set<std::string> used;
  for (const Json& x : list) used.insert(x.value("id", ""));
  for (size_t n = list.size() + 1;; ++n) {
    std::string id = prefix + std::to_string(n);
    if (!used.count(id)) return id;
  }
}

std::string Simulator::VerificationId(size_t op) const {
  const std::string digest = ContentRevision(
      Json::array({"verification", base_.revision(), cs_.actor, op}));
  return "verification-" + digest.substr(digest.find(':') + 1);
}

Json* Simulator::FindById(Json* list, const std::string& id) {
  for (Json& x : *list) {
    if (x.value("id", "") == id) return &x;
  }
  return nullptr;
}

const Json* Simulator::FindById(const Json& list, const std::string& id) {
  for (const Json& x : list) {
    if (x.value("id", "") == id) return &x;
  }
  return nullptr;
}

std::vector<std::string> Simulator::MemberScopes(const std::string& member) const {
  std::set<std::string> scopes;
  if (const Index* i = V().FindMember(member)) {
    V().ForEachBindingOfMember(*i, [&](uint32_t b) {
      scopes.insert(M().scopes[V().key(b).scope].id);
    });
  }
  return std::vector<std::string>(scopes.begin(), scopes.end());
}

std::string Simulator::RoleOf(const std::string& member, const std::string& scope,
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

void Simulator::AddBinding(Edit* e, const std::string& member, const std::string& role,
                           const std::string& scope) {
  touching_.insert(member);
  e->changed = true;
  Json entry{{"member", member},
             {"role", role},
             {"scope", scope},
             {"grantedBy", actor_},
             {"grantedAt", cs_.now}};
  if (e->json) {
    e->List("bindings").push_back(std::move(entry));
    return;
  }
  Binding b;
  b.member = *e->overlay.FindMember(member);  // the edit's state: it may add the member
  b.role = M().role_index.at(role);
  b.scope = M().scope_index.at(scope);
  b.id = member + "/" + role + "@" + scope;
  b.granted_by = actor_;
  b.granted_at = cs_.now;
  e->added.push_back(e->overlay.AddBinding(std::move(b), std::move(entry)));
}

template <typename Pred>
size_t Simulator::RemoveBindings(Edit* e, const std::string& member, Pred pred) {
  size_t removed = 0;
  if (e->json) {
    Json& list = e->List("bindings");
    Json kept = Json::array();
    for (Json& b : list) {
      if (b.value("member", "") == member && pred(b.value("role", ""), b.value("scope", ""))) {
        ++removed;
      } else {
        kept.push_back(std::move(b));
      }
    }
    list = std::move(kept);
  } else if (const Index* i = e->overlay.FindMember(member)) {
    std::vector<uint32_t> doomed;
    e->overlay.ForEachBindingOfMember(*i, [&](uint32_t b) {
      const BindingKey& k = e->overlay.key(b);
      if (pred(M().roles[k.role].id, M().scopes[k.scope].id)) doomed.push_back(b);
    });
    for (uint32_t b : doomed) e->overlay.RemoveBinding(b);
    removed = doomed.size();
  }
  if (removed > 0) {
    touching_.insert(member);
    e->changed = true;
  }
  return removed;
}

template <typename F>
void Simulator::UpdateMember(Edit* e, const std::string& member, F mutate) {
  touching_.insert(member);
  e->changed = true;
  if (e->json) {
    mutate(*FindById(&e->List("members"), member));
    return;
  }
  const Index i = *e->overlay.FindMember(member);
  Json entry = e->overlay.MemberJson(i);
  mutate(entry);
  Member m = e->overlay.member(i);
  m.status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
  m.registered = entry.value("registered", true);
  m.email = entry.value("email", "");
  m.name = entry.value("name", "");
  const Json inv = entry.value("invitation", Json::object());
  m.invitation_sent_at = inv.value("sentAt", "");
  m.invitation_expires_at = inv.value("expiresAt", "");
  e->overlay.SetMember(i, std::move(m), std::move(entry));
}

void Simulator::AddMemberEntry(Edit* e, Json entry) {
  const std::string id = entry.value("id", "");
  touching_.insert(id);
  e->changed = true;
  // A member a load would report on (an e-mail that is malformed or may be
  // taken, the member limit reached) is added to the bundle itself, which is
  // then recompiled, so that the report is the load's own. Any other is added
  // to the overlay: adding many members costs in proportion to them, not to the
  // bundle times their number.
  const std::string email = entry.value("email", "");
  const std::string lower = Lower(email);  // as the load compares e-mails
  const size_t at = email.find('@');
  const bool malformed = !email.empty() && (at == std::string::npos || at == 0 || at + 1 == email.size());
  if (!e->json && (malformed || e->overlay.member_count() + 1 > Limits().max_members ||
                   (!lower.empty() && EmailMayBeTaken(e->overlay, lower)))) {
    e->J();
  }
  if (e->json) {
    e->List("members").push_back(std::move(entry));
    return;
  }
  Member m;
  m.id = id;
  m.email = email;
  m.name = entry.value("name", "");
  m.kind = entry.value("kind", "");
  m.branding_domain = entry.value("brandingDomain", "");
  m.language = entry.value("language", "");
  m.status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
  m.registered = entry.value("registered", true);
  const Json inv = entry.value("invitation", Json::object());
  m.invitation_sent_at = inv.value("sentAt", "");
  m.invitation_expires_at = inv.value("expiresAt", "");
  if (entry.contains("addedTo")) m.added_to = M().scope_index.at(entry["addedTo"].get<std::string>());
  e->overlay.AddMember(std::move(m), std::move(entry), lower);
}

bool Simulator::EmailMayBeTaken(const Overlay& o, const std::string& lower) {
  if (emails_of_ != &M()) {
    checkpoint_emails_.clear();
    for (const Member& mb : M().members) {
      if (!mb.email.empty()) checkpoint_emails_.insert(Lower(mb.email));
    }
    emails_of_ = &M();
  }
  return checkpoint_emails_.count(lower) > 0 || o.AddedEmail(lower);
}

const std::string* Simulator::ActionFor(const std::string& kind, Outcome* out) {
  auto it = M().operation_rules.find(kind);
  if (it == M().operation_rules.end()) {
    out->Deny(Reason("operation_not_supported",
                     "this policy does not allow " + Q(kind) + " operations"));
    return nullptr;
  }
  return &it->second.action;
}

bool Simulator::PreconditionsHold(const std::string& kind, const Json& op, Outcome* out) {
  auto it = M().operation_rules.find(kind);
  if (it == M().operation_rules.end() &&
      (kind == "resend_verification" || kind == "complete_self_upgrade")) {
    // Authorised by request_self_upgrade's entry (SelfUpgrade): bound by its
    // preconditions too.
    it = M().operation_rules.find("request_self_upgrade");
  }
  if (it == M().operation_rules.end()) return true;
  const Json attrs = OpAttributes(op);
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
                     Q(kind) + " requires attribute " + Q(c.attribute) + " " + OpName(c.op) +
                         " " + c.value.dump() + ", but " + why,
                     std::move(facts)));
  }
  return hold;
}

bool Simulator::SetupOffered(const std::string& kind, const std::string& setup, Outcome* out) {
  auto it = M().operation_rules.find(kind);
  if (it == M().operation_rules.end() || it->second.setups.empty()) return true;
  const std::vector<std::string>& offered = it->second.setups;
  if (std::find(offered.begin(), offered.end(), setup) != offered.end()) return true;
  std::string list;
  for (const std::string& s : offered) list += (list.empty() ? "" : ", ") + s;
  out->Deny(Reason("setup_not_supported",
                   "set-up option " + Q(setup) + " is not offered for " + Q(kind) +
                       ": offered are " + list,
                   Json{{"setup", setup}, {"allowed", offered}}));
  return false;
}

bool Simulator::EmailReachable(const std::string& member, const std::string& email,
                               const std::string& setup, Outcome* out) {
  if (setup != "send_invite" && setup != "activation_email") return true;
  if (!email.empty()) return true;
  out->Deny(Reason("email_required",
                   "set-up option " + Q(setup) + " e-mails member " + Q(member) +
                       ", who has no e-mail address",
                   Json{{"member", member}, {"setup", setup}}));
  return false;
}

bool Simulator::WithinHome(const std::string& member, const std::string& scope, Outcome* out) {
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

std::string Simulator::HomeOf(const std::string& member) const {
  const Index* i = V().FindMember(member);
  if (i == nullptr || V().member(*i).added_to == kNone) return "";
  bool bound = false;
  V().ForEachBindingOfMember(*i, [&](uint32_t) { bound = true; });
  return bound ? "" : M().scopes[V().member(*i).added_to].id;
}

void Simulator::Brand(Json* event) const {
  auto to = event->find("to");
  if (to == event->end() || !to->is_string()) return;
  const Member* mb = MemberById(to->get<std::string>());
  if (mb == nullptr) return;
  if (!mb->branding_domain.empty()) (*event)["brandingDomain"] = mb->branding_domain;
  if (!mb->language.empty()) (*event)["language"] = mb->language;
}

bool Simulator::KindAllowed(const Member& mb, const std::string& role, Outcome* out) {
  const Role* r = RoleById(role);
  if (r == nullptr || r->AllowsKind(mb.kind)) return true;
  out->Deny(Reason("member_kind_not_allowed", KindNotAllowedMessage(mb, *r),
                   Json{{"member", mb.id}, {"kind", mb.kind}, {"role", role}}));
  return false;
}

Effect Simulator::Check(const std::string& action, const std::string& scope, Json attrs,
                        Outcome* out) {
  return CheckIn(V(), action, scope, std::move(attrs), out);
}

template <typename View>
Effect Simulator::CheckIn(const View& view, const std::string& action, const std::string& scope,
                          Json attrs, Outcome* out) {
  Request req;
  req.actor = actor_;
  req.action = action;
  req.resource = scope;
  req.now = cs_.now;
  req.attributes = std::move(attrs);
  DecideResult r = DecideIn(view, req, true);
  Effect effect = Effect::kDeny;
  if (!r.ok()) {
    Json errors = ErrorsToJson(r.errors)["errors"];
    out->checks.push_back(Json{{"action", action}, {"resource", scope}, {"errors", errors}});
    out->Deny(Reason("invalid_check", "the check of " + Q(action) + " on " + Q(scope) +
                                          " could not be made: " +
                                          r.errors[0].message));
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

void Simulator::CheckOnMemberScopes(const std::string& kind, const std::string& member,
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

void Simulator::Emit(Outcome* out, size_t op, const char* event, const std::string& to,
                     Json facts) {
  auto it = M().notification_rules.find(event);
  if (it == M().notification_rules.end()) return;
  const NotificationRule& rule = it->second;
  facts["event"] = event;
  facts["to"] = to;
  facts["op"] = static_cast<int64_t>(op);
  facts["channels"] = rule.channels;
  if (rule.reveal_actor || rule.reveal_actor_email) facts["by"] = actor_;
  if (rule.reveal_actor_email) {
    if (const Member* a = MemberById(actor_); a && !a->email.empty()) facts["byEmail"] = a->email;
  }
  if (rule.temporary_password) facts["temporaryPassword"] = true;
  out->events.push_back(std::move(facts));
}

void Simulator::RequestApprovals(size_t index, const Json& op, Edit* e, Outcome* out) {
  Json& list = e->List("approvalRequests");
  e->changed = true;
  std::string group;
  for (const Json& a : out->approvals) {
    std::string id = NextId(list, "request-");
    if (group.empty()) group = id;
    Json attrs = OpAttributes(op);
    Json request{{"id", id},
                 {"group", group},
                 {"requester", actor_},
                 {"rule", a["rule"]},
                 {"action", a["action"]},
                 {"resource", a["resource"]},
                 {"attributes", attrs},
                 {"operation", WithoutProof(op)},
                 {"createdAt", cs_.now},
                 {"decisions", Json::array()}};
    if (a.contains("expiresAfterDays")) {
      request["expiresAt"] = AddDays(cs_.now, a["expiresAfterDays"].get<int64_t>());
    }
    list.push_back(request);
    for (const Json& approver : a["approvers"]) {
      Emit(out, index, "approval_requested", approver.get<std::string>(),
           Json{{"request", id}, {"rule", a["rule"]}, {"requester", actor_},
                {"action", a["action"]}, {"scope", a["resource"]}});
    }
  }
}

void Simulator::Invite(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string* action = ActionFor("invite", out);
  if (action == nullptr) return;
  const Json& mb = op["member"];
  const bool is_new = mb.is_object();
  const std::string member = is_new ? mb["id"].get<std::string>() : mb.get<std::string>();
  const std::string role = op["role"], scope = op["scope"];
  const std::string setup = op.value("setup", "send_invite");
  if (!SetupOffered("invite", setup, out)) return;
  if (!is_new && !WithinHome(member, scope, out)) return;
  Member invitee = is_new ? Member() : *MemberById(member);
  if (is_new) {
    invitee.id = member;
    invitee.kind = mb.value("kind", "");
  }
  if (!KindAllowed(invitee, role, out)) return;
  Json attrs = OpAttributes(op);
  attrs["role"] = role;
  if (!is_new) attrs["target"] = member;
  // An unassigned member belongs where it was added: checked there too.
  if (const std::string home = is_new ? "" : HomeOf(member); !home.empty() && home != scope) {
    Check(*action, home, attrs, out);
  }
  Check(*action, scope, attrs, out);
  if (out->effect == Effect::kDeny) return;
  if (!EmailReachable(member, is_new ? mb.value("email", "") : MemberById(member)->email,
                      setup, out)) {
    return;
  }
  if (out->effect != Effect::kAllow) return;
  if (is_new) {
    Json entry = mb;
    entry["status"] = setup == "assign_credentials" ? "active"
                      : setup == "activate_later"   ? "pending"
                                                    : "invited";
    if (entry["status"] == "invited") {
      Json inv{{"sentAt", cs_.now}};
      int64_t days = M().operation_rules.at("invite").invitation_valid_for_days;
      if (days > 0) inv["expiresAt"] = AddDays(cs_.now, days);
      entry["invitation"] = inv;
    }
    AddMemberEntry(e, std::move(entry));
  }
  AddBinding(e, member, role, scope);
  Json facts{{"scope", scope}, {"role", role}};
  if (is_new) facts["registered"] = mb.value("registered", true);
  if (setup == "send_invite") Emit(out, i, "member_invited", member, facts);
  if (setup == "activation_email") Emit(out, i, "activation_email", member, facts);
}

void Simulator::Register(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string* action = ActionFor("register", out);
  if (action == nullptr) return;
  const std::string role = op["role"], scope = op["scope"];
  // The new member, registered and active, asks for the role as a self-upgrade
  // would: on the state where they exist.
  Json entry = op["member"];
  Member joining;
  joining.id = actor_;
  joining.kind = entry.value("kind", "");
  if (!KindAllowed(joining, role, out)) return;
  entry["status"] = "active";
  entry["registered"] = true;
  e->List("members").push_back(entry);
  touching_.insert(actor_);
  e->changed = true;
  // The state the request is judged on. Member fields are judged once the
  // operation is done (the role it asks for may be what offers a field).
  Json probe = e->J();
  if (!field_rules_.empty() && probe.contains("invariants")) {
    Json kept = Json::array();
    for (const Json& inv : probe["invariants"]) {
      if (inv.value("kind", "") != "member_field") kept.push_back(inv);
    }
    probe["invariants"] = std::move(kept);
  }
  LoadResult joined = CompilePolicy(probe);
  if (!joined.ok()) {
    out->Deny(Reason("invalid_change", "the new member cannot be recorded: " +
                                           joined.errors[0].pointer + ": " +
                                           joined.errors[0].message,
                     Json{{"error", joined.errors[0].code}}));
    return;
  }
  Json attrs = OpAttributes(op);
  attrs["role"] = role;
  attrs["registering"] = true;
  CheckIn(joined.policy->model(), *action, scope, attrs, out);
  if (out->effect == Effect::kDeny || !out->approvals.empty()) return;
  if (out->verifications.empty()) {
    AddBinding(e, actor_, role, scope);  // no verification needed: the role is theirs
    return;
  }
  const Json& v = out->verifications[0];
  Json& list = e->List("verifications");
  Json record{{"id", VerificationId(i)},
              {"member", actor_},
              {"role", role},
              {"scope", scope},
              {"rule", v["rule"]},
              {"method", v["method"]},
              {"issuedAt", cs_.now},
              {"expiresAt", AddDays(cs_.now, v["validForDays"].get<int64_t>())}};
  list.push_back(record);
  Emit(out, i, "verification_sent", actor_,
       Json{{"scope", scope}, {"role", role}, {"method", v["method"]},
            {"expiresAt", record["expiresAt"]}, {"verification", record["id"]}});
}

void Simulator::AcceptInvitation(size_t i, Edit* e, Outcome* out) {
  const Member* mb = MemberById(actor_);
  if (mb->status != MemberStatus::kInvited) {
    out->Deny(Reason("not_invited", "member " + Q(actor_) + " has no open invitation"));
    return;
  }
  if (!mb->invitation_expires_at.empty() && mb->invitation_expires_at <= cs_.now) {
    out->Deny(Reason("invitation_expired",
                     "the invitation expired at " + mb->invitation_expires_at,
                     Json{{"expiresAt", mb->invitation_expires_at}}));
    return;
  }
  UpdateMember(e, actor_, [](Json& entry) {
    WriteStatus("accept_invitation", MemberStatus::kInvited, MemberStatus::kActive, &entry);
    entry["registered"] = true;
  });
  Emit(out, i, "invitation_accepted", actor_, Json::object());
}

void Simulator::MemberStatusOp(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string kind = op["op"], member = op["member"];
  Json attrs = OpAttributes(op);
  const Member* mb = MemberById(member);
  if (kind == "resend_invitation" && mb->status != MemberStatus::kInvited) {
    out->Deny(Reason("not_invited", "member " + Q(member) + " is " +
                                        StatusName(mb->status) + ", not invited"));
    return;
  }
  // The one state machine (status.h) says where the operation leads from here:
  // unblocking or enabling gives back the status the member had, never more.
  const std::optional<MemberStatus> next =
      NextStatus(kind, "", mb->status, V().MemberJson(*V().FindMember(member)),
                 checks_.status_machine);
  if (!next) {
    out->Deny(Reason("wrong_status", "member " + Q(member) + " is " + StatusName(mb->status) +
                                         ", so " + Q(kind) + " does not apply (only to " +
                                         StatusesFrom(kind, "") + " members)",
                     Json{{"status", StatusName(mb->status)}}));
    return;
  }
  CheckOnMemberScopes(kind, member, op.value("scope", ""), attrs, out);
  if (out->effect != Effect::kAllow) return;
  static const std::map<std::string, const char*> kEvent = {
      {"block", "member_blocked"},     {"unblock", "member_unblocked"},
      {"disable", "member_disabled"},  {"enable", "member_enabled"},
      {"delete_member", "member_deleted"}};
  if (kind == "resend_invitation") {
    Json inv{{"sentAt", cs_.now}};
    auto rule = M().operation_rules.find("invite");
    if (rule != M().operation_rules.end() && rule->second.invitation_valid_for_days > 0) {
      inv["expiresAt"] = AddDays(cs_.now, rule->second.invitation_valid_for_days);
    }
    UpdateMember(e, member, [&](Json& entry) { entry["invitation"] = inv; });
    Emit(out, i, "invitation_resent", member, Json::object());
    return;
  }
  const MemberStatus from = mb->status;
  UpdateMember(e, member, [&](Json& j) { WriteStatus(kind, from, *next, &j); });
  if (kind == "delete_member") {
    RemoveBindings(e, member, [](const std::string&, const std::string&) { return true; });
  }
  Emit(out, i, kEvent.at(kind), member, Json::object());
}

void Simulator::RoleBindingOp(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string kind = op["op"], member = op["member"], role = op["role"];
  const std::string* action = ActionFor(kind, out);
  if (action == nullptr) return;
  std::vector<std::string> scopes;
  if (op.contains("scope")) {
    scopes.push_back(op["scope"]);
  } else {
    for (const Json& s : op["scopes"]) scopes.push_back(s);
  }
  if (kind == "assign_role") {
    for (const std::string& s : scopes) {
      if (!WithinHome(member, s, out)) return;
    }
    if (!KindAllowed(*MemberById(member), role, out)) return;
  }
  Json attrs = OpAttributes(op);
  attrs["role"] = role;
  attrs["target"] = member;
  if (kind == "assign_role") {
    // An unassigned member belongs where it was added: checked there too.
    if (const std::string home = HomeOf(member);
        !home.empty() && std::find(scopes.begin(), scopes.end(), home) == scopes.end()) {
      Check(*action, home, attrs, out);
    }
  }
  for (const std::string& s : scopes) Check(*action, s, attrs, out);
  if (out->effect != Effect::kAllow) return;
  for (const std::string& s : scopes) {
    if (kind == "assign_role") {
      AddBinding(e, member, role, s);
      Emit(out, i, "role_assigned", member, Json{{"scope", s}, {"role", role}});
    } else {
      size_t n = RemoveBindings(e, member, [&](const std::string& r, const std::string& sc) {
        return r == role && sc == s;
      });
      if (n == 0) {
        out->Deny(Reason("no_such_binding", "member " + Q(member) + " does not hold " +
                                                Q(role) + " on " + Q(s)));
        return;
      }
      Emit(out, i, "role_revoked", member, Json{{"scope", s}, {"role", role}});
    }
  }
}

void Simulator::ChangeRole(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string member = op["member"], role = op["role"], scope = op["scope"];
  const std::string* action = ActionFor("change_role", out);
  if (action == nullptr) return;
  const Role& to = M().roles[M().role_index.at(role)];
  const std::string from = RoleOf(member, scope, to.family);
  if (from.empty()) {
    out->Deny(Reason("no_such_binding", "member " + Q(member) + " holds no role of family " +
                                            Q(M().families[to.family]) + " on " + Q(scope) +
                                            " to change"));
    return;
  }
  if (!KindAllowed(*MemberById(member), role, out)) return;
  Json attrs = OpAttributes(op);
  attrs["role"] = role;
  attrs["target"] = member;
  Check(*action, scope, attrs, out);
  if (out->effect != Effect::kAllow) return;
  RemoveBindings(e, member, [&](const std::string& r, const std::string& s) {
    return s == scope && r == from;
  });
  AddBinding(e, member, role, scope);
  const Role& was = M().roles[M().role_index.at(from)];
  const char* event = to.rank > was.rank   ? "role_upgraded"
                      : to.rank < was.rank ? "role_downgraded"
                                           : "role_changed";
  Emit(out, i, event, member, Json{{"scope", scope}, {"role", role}, {"fromRole", from}});
}

void Simulator::RemoveOp(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string kind = op["op"], member = op["member"];
  Json attrs = OpAttributes(op);
  if (kind == "remove_member") {
    const std::string scope = op["scope"];
    const std::string* action = ActionFor(kind, out);
    if (action == nullptr) return;
    // Only the roles on the scope itself (a role on a scope below, a service under
    // an account, is its own membership), each checked as revoking it would be.
    std::set<std::string> held;
    if (const Index* m = V().FindMember(member)) {
      V().ForEachBindingOfMember(*m, [&](uint32_t b) {
        const BindingKey& k = V().key(b);
        if (M().scopes[k.scope].id == scope) held.insert(M().roles[k.role].id);
      });
    }
    if (held.empty()) {
      out->Deny(Reason("no_such_binding", "member " + Q(member) + " holds no role on " +
                                              Q(scope)));
      return;
    }
    attrs["target"] = member;
    for (const std::string& role : held) {
      attrs["role"] = role;
      Check(*action, scope, attrs, out);
    }
    if (out->effect != Effect::kAllow) return;
    RemoveBindings(e, member, [&](const std::string&, const std::string& s) {
      return s == scope;
    });
    Emit(out, i, "member_removed", member, Json{{"scope", scope}});
    return;
  }
  // remove_role: every binding of the role, checked on each of its scopes.
  const std::string role = op["role"];
  const std::string* action = ActionFor(kind, out);
  if (action == nullptr) return;
  std::set<std::string> scopes;
  if (const Index* m = V().FindMember(member)) {
    V().ForEachBindingOfMember(*m, [&](uint32_t b) {
      const BindingKey& k = V().key(b);
      if (M().roles[k.role].id == role) scopes.insert(M().scopes[k.scope].id);
    });
  }
  if (scopes.empty()) {
    out->Deny(Reason("no_such_binding", "member " + Q(member) + " does not hold " + Q(role)));
    return;
  }
  attrs["role"] = role;
  attrs["target"] = member;
  for (const std::string& s : scopes) Check(*action, s, attrs, out);
  if (out->effect != Effect::kAllow) return;
  RemoveBindings(e, member, [&](const std::string& r, const std::string&) { return r == role; });
  for (const std::string& s : scopes) {
    Emit(out, i, "role_revoked", member, Json{{"scope", s}, {"role", role}});
  }
}

void Simulator::EditMember(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string member = op["member"];
  CheckOnMemberScopes("edit_member", member, op.value("scope", ""),
                      OpAttributes(op), out);
  if (out->effect != Effect::kAllow) return;
  e->J();  // e-mail uniqueness is checked as a load would
  Json changed = Json::array();
  UpdateMember(e, member, [&](Json& entry) {
    for (const char* k : {"name", "email", "language", "brandingDomain"}) {
      if (op.contains(k)) {
        entry[k] = op[k];
        changed.push_back(k);
      }
    }
  });
  Emit(out, i, "member_edited", member, Json{{"fields", changed}});
}

void Simulator::AddMembers(size_t, const Json& op, Edit* e, Outcome* out) {
  const std::string* action = ActionFor("add_members", out);
  if (action == nullptr) return;
  Check(*action, op["scope"], OpAttributes(op), out);
  if (out->effect != Effect::kAllow) return;
  for (const Json& mb : op["members"]) {
    Json entry = mb;
    entry["status"] = "pending";  // unassigned until activated
    entry["addedTo"] = op["scope"];  // where it belongs until then
    AddMemberEntry(e, std::move(entry));
  }
  e->changed = true;
}

void Simulator::ActivateMember(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string member = op["member"], setup = op["setup"];
  if (!SetupOffered("activate_member", setup, out)) return;
  if (op.contains("role") && !KindAllowed(*MemberById(member), op["role"], out)) return;
  Json attrs = OpAttributes(op);
  if (op.contains("role")) attrs["role"] = op["role"];
  CheckOnMemberScopes("activate_member", member, op.value("scope", ""), attrs, out);
  if (out->effect == Effect::kDeny) return;
  if (op.contains("role")) {
    // The role is bound on `scope`: authorised there as well, when the member's
    // own scopes (checked above, in place of `scope`) do not include it.
    const std::string scope = op["scope"];
    const std::vector<std::string> held = MemberScopes(member);
    if (!held.empty() && std::find(held.begin(), held.end(), scope) == held.end()) {
      attrs["target"] = member;
      Check(M().operation_rules.at("activate_member").action, scope, attrs, out);
      if (out->effect == Effect::kDeny) return;
    }
  }
  if (!EmailReachable(member, MemberById(member)->email, setup, out)) return;
  if (out->effect != Effect::kAllow) return;
  const MemberStatus status = MemberById(member)->status;
  const std::optional<MemberStatus> next =
      NextStatus("activate_member", setup, status, V().MemberJson(*V().FindMember(member)));
  if (!next) {
    out->Deny(Reason("wrong_status", "member " + Q(member) + " is " + StatusName(status) +
                                         ": " + Q(setup) + " activates only " +
                                         StatusesFrom("activate_member", setup) + " members",
                     Json{{"status", StatusName(status)}}));
    return;
  }
  UpdateMember(e, member, [&](Json& entry) {
    WriteStatus("activate_member", status, *next, &entry);
    if (setup == "send_invite" || setup == "activation_email") {
      entry["invitation"] = Json{{"sentAt", cs_.now}};
    }
  });
  if (op.contains("role")) AddBinding(e, member, op["role"], op["scope"]);
  Json facts = Json::object();
  if (op.contains("role")) facts = Json{{"role", op["role"]}, {"scope", op["scope"]}};
  if (setup == "send_invite") Emit(out, i, "member_invited", member, facts);
  if (setup == "activation_email") Emit(out, i, "activation_email", member, facts);
}

void Simulator::SelfUpgrade(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string kind = op["op"], role = op["role"], scope = op["scope"];
  auto rule_it = M().operation_rules.find(kind);
  if (rule_it == M().operation_rules.end()) {
    rule_it = M().operation_rules.find("request_self_upgrade");
  }
  if (rule_it == M().operation_rules.end()) {
    ActionFor(kind, out);
    return;
  }
  const std::string action = rule_it->second.action;
  if (!KindAllowed(*MemberById(actor_), role, out)) return;
  Json records = Json::array();
  if (auto it = V().model().bundle.find("verifications"); it != V().model().bundle.end()) {
    records = *it;
  }
  const Json* record = nullptr;
  for (const Json& v : records) {
    if (v.value("member", "") == actor_ && v.value("role", "") == role &&
        v.value("scope", "") == scope) {
      record = &v;
    }
  }
  if (kind != "request_self_upgrade" && record == nullptr) {
    out->Deny(Reason("no_pending_verification",
                     "there is no pending verification for " + Q(role) + " on " + Q(scope)));
    return;
  }
  // An operation naming its verification must name the pending one: a resend
  // replaced the record (and its PIN) with a new id.
  if (auto named = op.find("verification"); named != op.end() && record != nullptr &&
      kind != "request_self_upgrade") {
    const std::string id = named->get<std::string>();
    const std::string current = record->value("id", "");
    if (id != current) {
      out->Deny(Reason("verification_superseded",
                       "verification " + Q(id) + " is not the pending one for " + Q(role) +
                           " on " + Q(scope) + ": " + Q(current) +
                           " replaced it (a resend deletes the PIN before)",
                       Json{{"verification", id}, {"current", current}}));
      return;
    }
  }
  if (kind == "complete_self_upgrade" && (*record)["expiresAt"].get<std::string>() <= cs_.now) {
    out->Deny(Reason("verification_expired",
                     "the verification expired at " + (*record)["expiresAt"].get<std::string>(),
                     Json{{"expiresAt", (*record)["expiresAt"]}}));
    return;
  }
  Json attrs = OpAttributes(op);
  attrs["role"] = role;
  // A verification issued at registration is judged by the registration rule.
  if (record != nullptr) {
    for (const internal::SelfUpgrade& u : M().self_upgrades) {
      if (u.id == record->value("rule", "") && u.on_registration) attrs["registering"] = true;
    }
  }
  Check(action, scope, attrs, out);
  if (out->effect == Effect::kDeny) return;
  Json& list = e->List("verifications");  // the pending records change
  e->changed = true;
  if (kind == "complete_self_upgrade" || out->verifications.empty()) {
    // The verification is done (or none is needed): the upgrade takes effect.
    out->effect = out->approvals.empty() ? Effect::kAllow : out->effect;
    out->verifications = Json::array();
    if (out->effect != Effect::kAllow) return;
    const std::string from = RoleOf(actor_, scope, M().roles[M().role_index.at(role)].family);
    RemoveBindings(e, actor_, [&](const std::string& r, const std::string& s) {
      return s == scope && r == from;
    });
    AddBinding(e, actor_, role, scope);
    Json kept = Json::array();
    for (Json& v : list) {
      if (!(v.value("member", "") == actor_ && v.value("role", "") == role &&
            v.value("scope", "") == scope)) {
        kept.push_back(std::move(v));
      }
    }
    list = std::move(kept);
    Emit(out, i, "role_upgraded", actor_,
         Json{{"scope", scope}, {"role", role}, {"fromRole", from}});
    return;
  }
  // Conditional on a verification: (re)issue the record; a new one invalidates
  // the previous one.
  const Json& v = out->verifications[0];
  Json fresh{{"member", actor_},
             {"role", role},
             {"scope", scope},
             {"rule", v["rule"]},
             {"method", v["method"]},
             {"issuedAt", cs_.now},
             {"expiresAt", AddDays(cs_.now, v["validForDays"].get<int64_t>())}};
  // The record before (if any) is deleted with its PIN; the new one has a new id.
  std::string replaced;
  Json kept = Json::array();
  for (Json& r : list) {
    if (r.value("member", "") == actor_ && r.value("role", "") == role &&
        r.value("scope", "") == scope) {
      replaced = r.value("id", "");
    } else {
      kept.push_back(std::move(r));
    }
  }
  fresh["id"] = VerificationId(i);
  kept.push_back(fresh);
  list = std::move(kept);
  Json facts{{"scope", scope}, {"role", role}, {"method", v["method"]},
             {"expiresAt", fresh["expiresAt"]}, {"verification", fresh["id"]}};
  if (!replaced.empty()) facts["replaces"] = replaced;
  Emit(out, i, replaced.empty() ? "verification_sent" : "verification_resent", actor_,
       std::move(facts));
}

void Simulator::ClaimRole(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string* action = ActionFor("claim_role", out);
  if (action == nullptr) return;
  const std::string role = op["role"], scope = op["scope"];
  if (!KindAllowed(*MemberById(actor_), role, out)) return;
  Json attrs = OpAttributes(op);
  attrs["role"] = role;
  Check(*action, scope, attrs, out);
  if (out->effect != Effect::kAllow) return;
  AddBinding(e, actor_, role, scope);
  Emit(out, i, "role_claimed", actor_, Json{{"scope", scope}, {"role", role}});
}

void Simulator::RoleDefinition(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string kind = op["op"];
  const std::string* action = ActionFor(kind, out);
  if (action == nullptr) return;
  const std::string id = op["role"].is_object() ? op["role"]["id"].get<std::string>()
                                                : op["role"].get<std::string>();
  if (kind != "define_role") {
    const Index* r = M().role_index.Get(id);
    if (r == nullptr || !M().roles[*r].custom) {
      out->Deny(Reason("role_not_custom", "role " + Q(id) +
                                              " is part of the policy, not a custom role"));
      return;
    }
  }
  CheckPolicyWide(*action, OpAttributes(op), out);
  if (out->effect != Effect::kAllow) return;
  if (kind != "define_role" && !RoleWithinActor(id, out)) return;
  if (kind != "delete_role") judge_ = Judgement{kind, op, actor_};
  Json& roles = e->List("roles");
  e->changed = true;
  touching_roles_.insert(id);
  if (kind == "delete_role") {
    Json kept = Json::array();
    for (Json& r : roles) {
      if (r.value("id", "") != id) kept.push_back(std::move(r));
    }
    roles = std::move(kept);
    Json& bindings = e->List("bindings");
    Json left = Json::array();
    for (Json& b : bindings) {
      if (b.value("role", "") == id) {
        touching_.insert(b.value("member", ""));
      } else {
        left.push_back(std::move(b));
      }
    }
    bindings = std::move(left);
    // Open requests for the role go with it: nobody can be given it any more.
    if (e->J().contains("roleRequests")) {
      Json& asked = e->List("roleRequests");
      Json open = Json::array();
      for (Json& r : asked) {
        if (r.value("role", "") != id) open.push_back(std::move(r));
      }
      asked = std::move(open);
    }
    Emit(out, i, "role_deleted", actor_, Json{{"role", id}});
    return;
  }
  Json role = op["role"];
  role["custom"] = true;
  if (kind == "define_role") {
    roles.push_back(role);
  } else {
    *FindById(&roles, id) = role;
  }
  Emit(out, i, kind == "define_role" ? "role_defined" : "role_edited", actor_, Json{{"role", id}});
}

void Simulator::CheckPolicyWide(const std::string& action, const Json& attrs, Outcome* out) {
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

bool Simulator::RoleWithinActor(const std::string& id, Outcome* out) {
  if (!checks_.role_edit_keeps_holders_in_reach) return true;
  const Role& role = M().roles[M().role_index.at(id)];
  const std::string& family = M().families[role.family];
  const int64_t have = ReachOf(V(), actor_, cs_.now).Manages(family);
  if (role.rank <= have) return true;
  out->Deny(Reason("role_above_actor",
                   "role " + Q(id) + " ranks " + std::to_string(role.rank) + " in family " +
                       Q(family) + ", above the rank " + std::to_string(have) +
                       " up to which " + Q(actor_) + " manages it",
                   Json{{"role", id}, {"family", family}, {"have", have}, {"need", role.rank}}));
  return false;
}

bool Simulator::RuleWithinAuthor(const std::string& id, const Json& requester_roles,
                                 const std::vector<Index>& where, Outcome* out) {
  if (!checks_.approval_rule_below_author) return true;
  if (!requester_roles.is_array() || requester_roles.empty()) {
    out->Deny(Reason("approval_rule_beyond_author",
                     "rule " + Q(id) + " names no requesterRoles, so it would gate every "
                     "requester, its author's equals and superiors among them",
                     Json{{"rule", id}}));
    return false;
  }
  for (Index scope : where) {
    const Reach reach = ReachOf(V(), actor_, cs_.now, scope);
    for (const Json& r : requester_roles) {
      const Index* ri = r.is_string() ? M().role_index.Get(r.get<std::string>()) : nullptr;
      if (ri == nullptr) continue;  // an unknown role: the rule is invalid (invalid_change)
      const Role& role = M().roles[*ri];
      const std::string& family = M().families[role.family];
      const int64_t manages = reach.Manages(family), own = reach.Rank(family);
      if (role.rank <= manages && (own < 0 || role.rank < own)) continue;
      out->Deny(Reason(
          "approval_rule_beyond_author",
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

std::optional<Beyond> Simulator::BeyondActor(const Judgement& j, const Model& after) const {
  const std::string& kind = j.kind;
  const Json& op = j.op;
  if (kind == "define_role" || kind == "edit_role") {
    const std::string id = op["role"]["id"];
    const Role& role = after.roles[after.role_index.at(id)];
    RoleLimits limits;
    limits.rank = checks_.role_rank_within_creator;
    limits.permissions = checks_.role_permissions_within_creator;
    limits.sees = checks_.role_sees_within_creator;
    limits.manages = checks_.role_manages_within_creator;
    const Reach reach = ReachOf(V(), j.actor, cs_.now);
    if (auto b = RoleBeyondReach(after, role, reach, limits)) return b;
    if (kind == "edit_role" && limits.manages) {
      if (auto b = InheritorsBeyondReach(V().model(), after, id, reach)) return b;
    }
    if (kind == "edit_role" && checks_.role_edit_keeps_holders_in_reach) {
      return HoldersBeyondReach(V(), after, id);
    }
    return std::nullopt;
  }
  if (kind == "set_approval_rule" && checks_.approval_rule_satisfiable) {
    const std::string id = op["rule"]["id"];
    for (const ApprovalRule& rule : after.approval_rules) {
      if (rule.id == id) return UnsatisfiableRule(after, rule, cs_.now);
    }
  }
  return std::nullopt;
}

void Simulator::ApprovalRuleOp(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string kind = op["op"];
  const std::string* action = ActionFor(kind, out);
  if (action == nullptr) return;
  std::string id = op["rule"].is_object() ? op["rule"]["id"].get<std::string>()
                                          : op["rule"].get<std::string>();
  // A rule holds on its `scopes` (and below), or everywhere. Setting it needs the
  // action where it will hold; replacing or deleting one, also where it held.
  bool everywhere = false;
  std::vector<std::string> scopes;
  auto where = [&](const std::vector<std::string>& listed) {
    if (listed.empty()) everywhere = true;
    for (const std::string& s : listed) {
      if (std::find(scopes.begin(), scopes.end(), s) == scopes.end()) scopes.push_back(s);
    }
  };
  if (kind == "set_approval_rule") {
    std::vector<std::string> listed;
    if (auto it = op["rule"].find("scopes"); it != op["rule"].end() && it->is_array()) {
      for (const Json& s : *it) {
        if (s.is_string()) listed.push_back(s.get<std::string>());
      }
    }
    where(listed);
  }
  for (const ApprovalRule& r : M().approval_rules) {
    if (r.id != id) continue;
    std::vector<std::string> listed;
    for (Index s : r.scopes) listed.push_back(M().scopes[s].id);
    where(listed);
  }
  if (scopes.empty()) everywhere = true;  // a rule not found: as an unscoped one
  const Json attrs = OpAttributes(op);
  if (everywhere) CheckPolicyWide(*action, attrs, out);
  for (const std::string& s : scopes) Check(*action, s, attrs, out);
  if (out->effect != Effect::kAllow) return;
  // The rule stays below its author where it will hold; a rule it replaces or
  // deletes must have been one the actor could set, where it held.
  auto holds_on = [&](const std::vector<Index>& listed) {
    if (!listed.empty()) return listed;
    std::vector<Index> roots;
    for (Index s = 0; s < M().scopes.size(); ++s) {
      if (M().scopes[s].parent == kNone) roots.push_back(s);
    }
    return roots;
  };
  if (kind == "set_approval_rule") {
    std::vector<Index> listed;
    if (auto it = op["rule"].find("scopes"); it != op["rule"].end() && it->is_array()) {
      for (const Json& s : *it) {
        if (const Index* si = s.is_string() ? M().scope_index.Get(s.get<std::string>()) : nullptr) {
          listed.push_back(*si);
        }
      }
    }
    if (!RuleWithinAuthor(id, op["rule"].value("requesterRoles", Json::array()),
                          holds_on(listed), out)) {
      return;
    }
  }
  for (const ApprovalRule& r : M().approval_rules) {
    if (r.id != id) continue;
    Json gated = Json::array();
    for (Index q : r.requester_roles) gated.push_back(M().roles[q].id);
    if (!RuleWithinAuthor(id, gated, holds_on(r.scopes), out)) return;
  }
  if (kind == "set_approval_rule") judge_ = Judgement{kind, op, actor_};
  Json& rules = e->List("approvalRules");
  e->changed = true;
  if (kind == "delete_approval_rule") {
    Json kept = Json::array();
    for (Json& r : rules) {
      if (r.value("id", "") != id) kept.push_back(std::move(r));
    }
    rules = std::move(kept);
  } else if (Json* existing = FindById(&rules, id)) {
    *existing = op["rule"];
  } else {
    rules.push_back(op["rule"]);
  }
  Emit(out, i, "approval_rule_changed", actor_, Json{{"rule", id}});
}

// The status of an approval request in state `v` at `now`, as in ApprovalStatus.
template <typename V>
Json RequestStatus(const V& v, const Json& request, const std::string& now) {
  const Model& m = v.model();
  const ApprovalRule* rule = nullptr;
  for (const ApprovalRule& r : m.approval_rules) {
    if (r.id == request.value("rule", "")) rule = &r;
  }
  const Index* resource = m.scope_index.Get(request.value("resource", ""));
  const Index* requester = v.FindMember(request.value("requester", ""));
  std::vector<std::string> eligible;
  if (rule != nullptr && resource != nullptr && requester != nullptr) {
    eligible = EligibleApprovers(v, *rule, *resource, *requester, now);
  }
  std::set<std::string> approvals, rejections;
  for (const Json& d : request.value("decisions", Json::array())) {
    std::string who = d.value("member", "");
    if (!std::binary_search(eligible.begin(), eligible.end(), who)) continue;
    (d.value("decision", "") == "approve" ? approvals : rejections).insert(who);
  }
  int64_t quorum = rule ? rule->quorum : 1;
  std::string status = "pending";
  if (rule == nullptr) {
    status = "rejected";  // its rule is gone: nothing can approve it
  } else if (!rejections.empty()) {
    status = "rejected";
  } else if (static_cast<int64_t>(approvals.size()) >= quorum) {
    status = "approved";
  } else if (request.contains("expiresAt") && request["expiresAt"].get<std::string>() <= now) {
    status = "expired";
  }
  return Json{{"ok", true},
              {"request", request.value("id", "")},
              {"status", status},
              {"approvals", approvals},
              {"rejections", rejections},
              {"eligible", eligible},
              {"quorum", quorum}};
}

// The approval requests of the state.
const Json& RequestsOf(const Model& m) {
  static const Json kNone = Json::array();
  auto it = m.bundle.find("approvalRequests");
  return it == m.bundle.end() ? kNone : *it;
}

// The operation that gives `member` `role` on `scope` in state `v`: change_role
// when they hold an exclusive role of its family there, else assign_role.
template <typename V>
Json RoleGrant(const V& v, const std::string& member, const std::string& role,
               const std::string& scope) {
  const Model& m = v.model();
  const Role& to = m.roles[m.role_index.at(role)];
  bool change = false;
  const Index* i = v.FindMember(member);
  const Index* s = m.scope_index.Get(scope);
  if (to.exclusive && to.family != kNone && i != nullptr && s != nullptr) {
    v.ForEachBindingOfMember(*i, [&](uint32_t b) {
      const BindingKey& k = v.key(b);
      change = change || (k.scope == *s && m.roles[k.role].family == to.family);
    });
  }
  return Json{{"op", change ? "change_role" : "assign_role"},
              {"member", member},
              {"role", role},
              {"scope", scope}};
}

// Who may decide a role request for `grant` in state `v` at `now`: the active
// members, never `requester`, whom the grant's check allows (outright or subject
// to an approval), sorted.
template <typename V>
std::vector<std::string> RoleDeciders(const V& v, const std::string& requester,
                                      const Json& grant, const std::string& now) {
  std::vector<std::string> out;
  const Model& m = v.model();
  auto rule = m.operation_rules.find(grant["op"].get<std::string>());
  if (rule == m.operation_rules.end()) return out;
  Request req;
  req.action = rule->second.action;
  req.resource = grant["scope"].get<std::string>();
  req.now = now;
  req.attributes = Json{{"role", grant["role"]}, {"target", requester}};
  if (grant.contains("attributes")) {
    for (auto it = grant["attributes"].begin(); it != grant["attributes"].end(); ++it) {
      if (it.key() != "role" && it.key() != "target") req.attributes[it.key()] = it.value();
    }
  }
  const Index count = static_cast<Index>(v.member_count());
  for (Index i = 0; i < count; ++i) {
    const Member& mb = v.member(i);
    if (mb.status != MemberStatus::kActive || mb.id == requester) continue;
    req.actor = mb.id;
    const DecideResult r = DecideIn(v, req, false);
    if (r.ok() && r.decision.effect != Effect::kDeny) out.push_back(mb.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The role requests of the state (request_role).
const Json& RoleRequestsOf(const Model& m) {
  static const Json kNone = Json::array();
  auto it = m.bundle.find("roleRequests");
  return it == m.bundle.end() ? kNone : *it;
}

void Simulator::DecideRequest(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string id = op["request"];
  if (const Json* asked = FindById(RoleRequestsOf(M()), id)) {
    return DecideRoleRequest(i, op, *asked, e, out);
  }
  const Json* request = FindById(RequestsOf(M()), id);
  if (request == nullptr) {
    out->Deny(Reason("unknown_request", "approval request " + Q(id) + " no longer exists"));
    return;
  }
  Json status = RequestStatus(V(), *request, cs_.now);
  const Json& eligible = status["eligible"];
  if (std::find(eligible.begin(), eligible.end(), actor_) == eligible.end()) {
    out->Deny(Reason("not_an_approver", "member " + Q(actor_) +
                                            " cannot approve request " + Q(id),
                     Json{{"eligible", eligible}}));
    return;
  }
  if (status["status"] != "pending") {
    out->Deny(Reason("request_not_pending", "request " + Q(id) + " is already " +
                                                status["status"].get<std::string>()));
    return;
  }
  const std::string requester = (*request)["requester"];
  FindById(&e->List("approvalRequests"), id)->operator[]("decisions").push_back(
      Json{{"member", actor_}, {"decision", op["decision"]}, {"at", cs_.now}});
  e->changed = true;
  Emit(out, i, "request_decided", requester, Json{{"request", id}, {"decision", op["decision"]}});
}

void Simulator::ApplyApproved(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string id = op["request"];
  const Json& requests = RequestsOf(M());
  const Json* request = FindById(requests, id);
  if (request == nullptr) {
    out->Deny(Reason("unknown_request", "approval request " + Q(id) + " no longer exists"));
    return;
  }
  std::string group = request->value("group", id);
  std::vector<std::string> members;
  for (const Json& r : requests) {
    if (r.value("group", r.value("id", "")) != group) continue;
    Json status = RequestStatus(V(), r, cs_.now);
    if (status["status"] != "approved") {
      out->Deny(Reason("request_not_approved",
                       "request " + Q(r.value("id", "")) + " is " +
                           status["status"].get<std::string>(),
                       Json{{"request", r.value("id", "")}, {"status", status["status"]}}));
      return;
    }
    members.push_back(r.value("id", ""));
  }
  if (V().member(*V().FindMember(actor_)).status != MemberStatus::kActive) {
    out->Deny(Reason("member_not_active", "member " + Q(actor_) + " is not active"));
    return;
  }
  // The operation runs as its requester, with the approvals its group was given.
  const Json operation = (*request)["operation"];
  Errors invalid = ReadOperation(M(), operation);
  std::string kind;
  if (operation.is_object() && operation.contains("op") && operation["op"].is_string()) {
    kind = operation["op"].get<std::string>();
  }
  if (!invalid.empty() || kind == "apply_approved" || kind == "decide_request") {
    out->Deny(Reason("invalid_change", "request " + Q(id) + " holds an operation that cannot run" +
                                           (invalid.empty() ? std::string()
                                                            : ": " + invalid[0].message)));
    return;
  }
  std::string saved = actor_;
  actor_ = request->value("requester", "");
  for (const Json& r : requests) {
    if (r.value("group", r.value("id", "")) == group) {
      approved_.insert({r.value("rule", ""), r.value("action", ""), r.value("resource", "")});
    }
  }
  Apply(i, operation, e, out);
  approved_.clear();
  actor_ = saved;
  if (out->effect != Effect::kAllow) return;
  Json& list = e->List("approvalRequests");
  Json kept = Json::array();
  for (Json& r : list) {
    if (std::find(members.begin(), members.end(), r.value("id", "")) == members.end()) {
      kept.push_back(std::move(r));
    }
  }
  list = std::move(kept);
  e->changed = true;
}

Json Simulator::GrantOperation(const std::string& member, const std::string& role,
                               const std::string& scope) const {
  return RoleGrant(V(), member, role, scope);
}

std::vector<std::string> Simulator::Deciders(const std::string& requester,
                                              const Json& grant) const {
  return RoleDeciders(V(), requester, grant, cs_.now);
}

bool Simulator::SeesEmail(const std::string& viewer, const std::string& target,
                          const std::string& scope_id) const {
  const Index* v = V().FindMember(viewer);
  const Index* t = V().FindMember(target);
  const Index* scope = M().scope_index.Get(scope_id);
  if (v == nullptr || t == nullptr || scope == nullptr) return false;
  if (V().member(*v).status != MemberStatus::kActive || V().member(*t).email.empty()) return false;
  const Model& m = M();
  const Scope& at = m.scopes[*scope];
  // The target's live roles on the scope, above it (reaching down) or below it.
  std::vector<const Role*> held;
  V().ForEachBindingOfMember(*t, [&](uint32_t b) {
    if (Model::Expired(V().binding(b), cs_.now)) return;
    const BindingKey& k = V().key(b);
    const Scope& s = m.scopes[k.scope];
    if (V().Covers(b, *scope) || (s.pre > at.pre && s.pre < at.subtree_end)) {
      held.push_back(&m.roles[k.role]);
    }
  });
  bool sees = false;
  V().ForEachBindingOfMember(*v, [&](uint32_t b) {
    if (sees || Model::Expired(V().binding(b), cs_.now) || !V().Covers(b, *scope)) return;
    for (const SeesRule& rule : m.roles[V().key(b).role].sees_rules) {
      if (!rule.email) continue;
      for (const Role* h : held) {
        if (h->rank >= rule.min_rank &&
            std::find(rule.families.begin(), rule.families.end(), h->family) !=
                rule.families.end()) {
          sees = true;
        }
      }
    }
  });
  return sees;
}

void Simulator::RequestRole(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string role = op["role"], scope = op["scope"];
  const std::string* action = ActionFor("request_role", out);
  if (action == nullptr) return;
  const Member& me = *MemberById(actor_);
  if (me.status != MemberStatus::kActive) {
    out->Deny(Reason("member_not_active", "member " + Q(actor_) + " is " +
                                              StatusName(me.status) +
                                              ": only an active member asks for a role"));
    return;
  }
  const Role& wanted = M().roles[M().role_index.at(role)];
  const Scope& where = M().scopes[M().scope_index.at(scope)];
  if (!((wanted.assignable_mask >> where.type) & 1u)) {
    out->Deny(Reason("role_not_assignable_at",
                     "role " + Q(role) + " is not given on a scope of type " +
                         Q(M().scope_types[where.type].id),
                     Json{{"role", role}, {"scope", scope}}));
    return;
  }
  if (!KindAllowed(me, role, out)) return;
  bool holds = false;
  V().ForEachBindingOfMember(*V().FindMember(actor_), [&](uint32_t b) {
    const BindingKey& k = V().key(b);
    holds = holds || (M().roles[k.role].id == role && M().scopes[k.scope].id == scope &&
                      !Model::Expired(V().binding(b), cs_.now));
  });
  if (holds) {
    out->Deny(Reason("already_holds", "member " + Q(actor_) + " already holds " + Q(role) +
                                          " on " + Q(scope),
                     Json{{"role", role}, {"scope", scope}}));
    return;
  }
  for (const Json& r : RoleRequestsOf(M())) {
    if (r.value("requester", "") == actor_ && r.value("role", "") == role &&
        r.value("scope", "") == scope &&
        !(r.contains("expiresAt") && r["expiresAt"].get<std::string>() <= cs_.now)) {
      out->Deny(Reason("request_pending",
                       "member " + Q(actor_) + " has already asked for " + Q(role) + " on " +
                           Q(scope) + " (request " + Q(r.value("id", "")) + ")",
                       Json{{"request", r.value("id", "")}}));
      return;
    }
  }
  if (op.contains("until") && op["until"].get<std::string>() <= cs_.now) {
    out->Deny(Reason("invalid_until", "the role would end at " + op["until"].get<std::string>() +
                                          ", which is not after now",
                     Json{{"until", op["until"]}}));
    return;
  }
  Json attrs = OpAttributes(op);
  attrs["role"] = role;
  Check(*action, scope, attrs, out);
  if (out->effect != Effect::kAllow) return;
  const std::vector<std::string> deciders = Deciders(actor_, GrantOperation(actor_, role, scope));
  if (deciders.empty()) {
    out->Deny(Reason("no_decider", "no active member may give " + Q(role) + " on " + Q(scope) +
                                       ": nobody could decide the request"));
    return;
  }
  Json& list = e->List("roleRequests");
  e->changed = true;
  const std::string id = NextId(list, "role-request-");
  Json record{{"id", id},
              {"requester", actor_},
              {"role", role},
              {"scope", scope},
              {"createdAt", cs_.now}};
  if (op.contains("reason")) record["reason"] = op["reason"];
  if (op.contains("until")) record["until"] = op["until"];
  const int64_t days = M().operation_rules.at("request_role").request_valid_for_days;
  if (days > 0) record["expiresAt"] = AddDays(cs_.now, days);
  list.push_back(record);
  out->request = Json{{"id", id}, {"deciders", deciders}};
  if (record.contains("expiresAt")) out->request["expiresAt"] = record["expiresAt"];
  for (const std::string& d : deciders) {
    Json facts{{"request", id}, {"role", role}, {"scope", scope}, {"requester", actor_}};
    if (SeesEmail(d, actor_, scope)) facts["requesterEmail"] = me.email;
    if (op.contains("reason")) facts["reason"] = op["reason"];
    Emit(out, i, "role_requested", d, std::move(facts));
  }
}

void Simulator::WithdrawRequest(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string id = op["request"];
  if (ActionFor("request_role", out) == nullptr) return;
  const Json* found = FindById(RoleRequestsOf(M()), id);
  if (found == nullptr) {
    out->Deny(Reason("unknown_request", "there is no role request " + Q(id) + " to withdraw"));
    return;
  }
  const Json request = *found;
  if (request.value("requester", "") != actor_) {
    out->Deny(Reason("not_the_requester", "only " + Q(request.value("requester", "")) +
                                              ", who asked, may withdraw request " + Q(id),
                     Json{{"requester", request["requester"]}}));
    return;
  }
  const std::string role = request["role"], scope = request["scope"];
  e->RemoveById("roleRequests", id);
  for (const std::string& d : Deciders(actor_, GrantOperation(actor_, role, scope))) {
    Emit(out, i, "role_request_withdrawn", d,
         Json{{"request", id}, {"role", role}, {"scope", scope}, {"requester", actor_}});
  }
}

void Simulator::DecideRoleRequest(size_t i, const Json& op, const Json& found, Edit* e,
                                  Outcome* out) {
  const Json request = found;  // `found` lives in the state the edit replaces
  const std::string id = request["id"], requester = request["requester"];
  const std::string role = request["role"], scope = request["scope"];
  const std::string decision = op["decision"];
  if (requester == actor_) {
    out->Deny(Reason("own_request", "member " + Q(actor_) + " cannot decide their own request " +
                                        Q(id)));
    return;
  }
  if (request.contains("expiresAt") && request["expiresAt"].get<std::string>() <= cs_.now) {
    out->Deny(Reason("request_expired",
                     "request " + Q(id) + " lapsed at " + request["expiresAt"].get<std::string>(),
                     Json{{"expiresAt", request["expiresAt"]}}));
    return;
  }
  Json grant = GrantOperation(requester, role, scope);
  if (op.contains("attributes")) grant["attributes"] = op["attributes"];
  // Taken off the list first, so that the role given below lands in the bundle's
  // list of bindings, where `until` is set.
  e->RemoveById("roleRequests", id);
  const Json facts{{"request", id}, {"decision", decision}, {"role", role}, {"scope", scope}};
  if (decision == "reject") {
    // Whoever could give the role may turn the request down.
    const std::vector<std::string> deciders = Deciders(requester, grant);
    if (!std::binary_search(deciders.begin(), deciders.end(), actor_)) {
      out->Deny(Reason("not_a_decider",
                       "member " + Q(actor_) + " may not give " + Q(role) + " on " + Q(scope) +
                           ", so cannot decide request " + Q(id),
                       Json{{"eligible", deciders}}));
      return;
    }
    Emit(out, i, "request_decided", requester, facts);
    return;
  }
  const MemberStatus status = MemberById(requester)->status;
  if (status != MemberStatus::kActive) {
    out->Deny(Reason("member_not_active",
                     "member " + Q(requester) + ", who asked, is " + StatusName(status)));
    return;
  }
  // Approving gives the role as the decider would give it now: every check of
  // assign_role (or change_role) applies, at this time.
  Apply(i, grant, e, out);
  if (out->effect == Effect::kDeny) return;
  if (out->effect == Effect::kConditional) {
    out->pending_operation = grant;  // the grant waits for its approvals
  } else if (request.contains("until")) {
    for (Json& b : e->List("bindings")) {
      if (b.value("member", "") == requester && b.value("role", "") == role &&
          b.value("scope", "") == scope && !b.contains("expiresAt")) {
        b["expiresAt"] = request["until"];
      }
    }
  }
  Emit(out, i, "request_decided", requester, facts);
}

void Simulator::ResetPassword(size_t i, const Json& op, Outcome* out) {
  const std::string member = op["member"];
  const MemberStatus status = MemberById(member)->status;
  if (status != MemberStatus::kActive && status != MemberStatus::kInvited) {
    out->Deny(Reason("wrong_status", "member " + Q(member) + " is " + StatusName(status) +
                                         ": only active or invited members have a password",
                     Json{{"status", StatusName(status)}}));
    return;
  }
  CheckOnMemberScopes("reset_password", member, op.value("scope", ""), OpAttributes(op), out);
  if (out->effect != Effect::kAllow) return;
  Emit(out, i, "password_reset", member, Json::object());  // changes nothing in the bundle
}

void Simulator::Perform(size_t i, const Json& op, Outcome* out) {
  // A domain transaction: authorised by its own action on its scope, not through
  // `operations`. It changes nothing in the bundle; when it needs approvals, the
  // caller records the requests.
  const std::string action = op["action"], scope = op["scope"];
  Check(action, scope, OpAttributes(op), out);
  if (out->effect != Effect::kAllow) return;
  Emit(out, i, "action_performed", actor_, Json{{"action", action}, {"scope", scope}});
}

void Simulator::Apply(size_t i, const Json& op, Edit* e, Outcome* out) {
  const std::string kind = op["op"];
  // The change set named members and roles that exist or that earlier operations
  // create; an operation that would have created one may have been denied. The
  // actor too: a member registering does not exist once `register` was denied.
  if (kind != "register" && V().FindMember(actor_) == nullptr) {
    out->Deny(Reason("unknown_reference", "member " + Q(actor_) +
                                              " (the actor) does not exist in this state"));
    return;
  }
  if (!(op.contains("member") && op["member"].is_object()) && op.contains("member") &&
      V().FindMember(op["member"].get<std::string>()) == nullptr) {
    out->Deny(Reason("unknown_reference", "member " + Q(op["member"].get<std::string>()) +
                                              " does not exist in this state"));
    return;
  }
  if (op.contains("role") && op["role"].is_string() &&
      M().role_index.Get(op["role"].get<std::string>()) == nullptr) {
    out->Deny(Reason("unknown_reference", "role " + Q(op["role"].get<std::string>()) +
                                              " does not exist in this state"));
    return;
  }
  if (kind == "edit_role" && M().role_index.Get(op["role"]["id"].get<std::string>()) == nullptr) {
    out->Deny(Reason("unknown_reference", "role " + Q(op["role"]["id"].get<std::string>()) +
                                              " does not exist in this state"));
    return;
  }
  if (!PreconditionsHold(kind, op, out)) return;
  if (kind == "invite") return Invite(i, op, e, out);
  if (kind == "register") return Register(i, op, e, out);
  if (kind == "accept_invitation") return AcceptInvitation(i, e, out);
  if (kind == "resend_invitation" || kind == "block" || kind == "unblock" || kind == "disable" ||
      kind == "enable" || kind == "delete_member") {
    return MemberStatusOp(i, op, e, out);
  }
  if (kind == "assign_role" || kind == "revoke_role") return RoleBindingOp(i, op, e, out);
  if (kind == "change_role") return ChangeRole(i, op, e, out);
  if (kind == "remove_member" || kind == "remove_role") return RemoveOp(i, op, e, out);
  if (kind == "edit_member") return EditMember(i, op, e, out);
  if (kind == "add_members") return AddMembers(i, op, e, out);
  if (kind == "activate_member") return ActivateMember(i, op, e, out);
  if (kind == "request_self_upgrade" || kind == "resend_verification" ||
      kind == "complete_self_upgrade") {
    return SelfUpgrade(i, op, e, out);
  }
  if (kind == "claim_role") return ClaimRole(i, op, e, out);
  if (kind == "define_role" || kind == "edit_role" || kind == "delete_role") {
    return RoleDefinition(i, op, e, out);
  }
  if (kind == "set_approval_rule" || kind == "delete_approval_rule") {
    return ApprovalRuleOp(i, op, e, out);
  }
  if (kind == "decide_request") return DecideRequest(i, op, e, out);
  if (kind == "request_role") return RequestRole(i, op, e, out);
  if (kind == "withdraw_request") return WithdrawRequest(i, op, e, out);
  if (kind == "reset_password") return ResetPassword(i, op, out);
  if (kind == "perform") return Perform(i, op, out);
  return ApplyApproved(i, op, e, out);
}

Errors Simulator::ValidateAdded(const Edit& e) const {
  Errors errors;
  const Overlay& o = e.overlay;
  const Model& m = M();
  for (uint32_t b : e.added) {
    if (!o.Live(b)) continue;
    const BindingKey& k = o.key(b);
    const Role& role = m.roles[k.role];
    const Scope& scope = m.scopes[k.scope];
    const std::string& member = o.member(k.member).id;
    std::string p = PointerAppend("/bindings", o.MaterializedPosition(b));
    if (!((role.assignable_mask >> scope.type) & 1u)) {
      errors.push_back({"role_not_assignable_at", PointerAppend(p, "scope"),
                        "role " + Q(role.id) + " cannot be bound on scope " + Q(scope.id) +
                            " of type " + Q(m.scope_types[scope.type].id)});
    }
    if (!role.AllowsKind(o.member(k.member).kind)) {
      errors.push_back({"member_kind_not_allowed", PointerAppend(p, "member"),
                        KindNotAllowedMessage(o.member(k.member), role)});
    }
    // Earlier bindings (in bundle order) of the member on the scope.
    bool duplicate = false;
    const Role* first_exclusive = nullptr;
    o.ForEachBindingOfMember(k.member, [&](uint32_t other) {
      if (other >= b) return;  // base bindings come first, added ones in order
      const BindingKey& ok = o.key(other);
      if (ok.scope != k.scope) return;
      if (ok.role == k.role) duplicate = true;
      const Role& r = m.roles[ok.role];
      if (r.exclusive && r.family == role.family && first_exclusive == nullptr) {
        first_exclusive = &r;
      }
    });
    if (duplicate) {
      errors.push_back({"duplicate_binding", p,
                        "member " + Q(member) + " already holds role " + Q(role.id) +
                            " on scope " + Q(scope.id)});
      continue;
    }
    if (role.exclusive && role.family != kNone && first_exclusive != nullptr) {
      errors.push_back({"exclusive_role_conflict", PointerAppend(p, "role"),
                        "member " + Q(member) + " already holds role " +
                            Q(first_exclusive->id) + " of family " +
                            Q(m.families[role.family]) + " on scope " + Q(scope.id) +
                            ": a member holds one role of this family per scope"});
    }
  }
  SortErrors(&errors);
  return errors;
}

void Simulator::Refuse(const Errors& errors, size_t i, Outcome* out, Json* violations,
                       bool* error_violation) const {
  for (const Error& e : errors) {
    std::string kind = e.code == "duplicate_email"           ? "unique_email"
                       : e.code == "exclusive_role_conflict" ? "exclusive_role"
                                                             : "";
    if (!kind.empty()) {
      const Invariant* inv = nullptr;
      for (const Invariant& x : M().invariants) {
        if (x.kind == kind && inv == nullptr) inv = &x;
      }
      violations->push_back(Json{{"invariant", inv ? inv->id : kind},
                                 {"kind", kind},
                                 {"severity", "error"},
                                 {"op", static_cast<int64_t>(i)},
                                 {"message", e.message}});
      *error_violation = true;
    }
    if (e.code == "member_kind_not_allowed") {
      // A binding for a member of a kind its role is not for (a role edited to
      // exclude its holders, say): refused under its own name.
      out->Deny(Reason("member_kind_not_allowed", e.message, Json{{"error", e.code}}));
      continue;
    }
    out->Deny(Reason(kind.empty() ? "invalid_change" : "violates_invariant",
                     kind.empty() ? "the change would make the policy invalid: " + e.pointer +
                                        ": " + e.message
                                  : e.message,
                     Json{{"error", e.code}}));
  }
  out->events.clear();
  out->approvals = Json::array();
  out->verifications = Json::array();
}

template <typename View>
Simulator::FieldBreaches Simulator::TouchedFieldBreaches(const View& view) const {
  FieldBreaches out;
  if (field_rules_.empty()) return out;
  for (const std::string& id : touching_) {  // sorted: the same order both ways
    const Index* i = view.FindMember(id);
    if (i == nullptr) continue;
    for (FieldBreach& b : MemberFieldBreaches(M(), field_rules_, view.member(*i),
                                              MemberScopesIn(view, *i))) {
      out.push_back({id, std::move(b)});
    }
  }
  return out;
}

Simulator::FieldBreaches Simulator::TouchedFieldBreaches(const Json& bundle) const {
  FieldBreaches out;
  if (field_rules_.empty()) return out;
  // The touched members' entries and scopes, read as loading the bundle would.
  std::map<std::string, Member> members;
  std::map<std::string, std::vector<Index>> scopes;
  auto scope = [&](const Json& id) -> Index {
    const Index* s = id.is_string() ? M().scope_index.Get(id.get<std::string>()) : nullptr;
    return s ? *s : kNone;
  };
  for (const Json& entry : bundle.value("members", Json::array())) {
    const std::string id = entry.value("id", "");
    if (!touching_.count(id)) continue;
    Member& mb = members[id];
    mb.id = id;
    mb.kind = entry.value("kind", "");
    mb.name = entry.value("name", "");
    mb.email = entry.value("email", "");
    mb.language = entry.value("language", "");
    mb.branding_domain = entry.value("brandingDomain", "");
    mb.status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
    if (entry.contains("addedTo")) mb.added_to = scope(entry["addedTo"]);
    if (mb.added_to != kNone) scopes[id].push_back(mb.added_to);
  }
  for (const Json& b : bundle.value("bindings", Json::array())) {
    const std::string member = b.value("member", "");
    if (!members.count(member) || !b.contains("scope")) continue;
    if (Index s = scope(b["scope"]); s != kNone) scopes[member].push_back(s);
  }
  for (const auto& [id, mb] : members) {
    for (FieldBreach& b : MemberFieldBreaches(M(), field_rules_, mb, scopes[id])) {
      out.push_back({id, std::move(b)});
    }
  }
  return out;
}

bool Simulator::HasErrorBreach(const FieldBreaches& breaches) const {
  for (const auto& entry : breaches) {
    if (M().invariants[entry.second.invariant].severity == "error") return true;
  }
  return false;
}

Json Simulator::FieldViolation(const std::string& member, const FieldBreach& b,
                               size_t i) const {
  const Invariant& inv = M().invariants[b.invariant];
  return Json{{"invariant", inv.id},     {"kind", inv.kind},   {"severity", inv.severity},
              {"op", static_cast<int64_t>(i)}, {"member", member}, {"field", b.field},
              {"message", b.message}};
}

void Simulator::RefuseFields(const FieldBreaches& breaches, size_t i, Outcome* out,
                             Json* violations, bool* error_violation) const {
  for (const auto& [member, b] : breaches) {
    const Invariant& inv = M().invariants[b.invariant];
    if (inv.severity != "error") continue;
    violations->push_back(FieldViolation(member, b, i));
    out->Deny(Reason("violates_invariant", b.message,
                     Json{{"invariant", inv.id}, {"member", member}, {"field", b.field}}));
    *error_violation = true;
  }
  out->events.clear();
  out->approvals = Json::array();
  out->verifications = Json::array();
}

size_t Simulator::ScopeCountBefore(const std::string& member, size_t rule) const {
  const Index* i = V().FindMember(member);
  if (i == nullptr || !ScopeLimitApplies(scope_rules_[rule], V().member(*i))) return 0;
  return CountedScopes(M(), scope_rules_[rule], BoundScopesIn(V(), *i)).size();
}

template <typename View>
Simulator::ScopeBreaches Simulator::TouchedScopeBreaches(const View& view) const {
  ScopeBreaches out;
  if (scope_rules_.empty()) return out;
  for (const std::string& id : touching_) {  // sorted: the same order both ways
    const Index* i = view.FindMember(id);
    if (i == nullptr) continue;
    const Member& mb = view.member(*i);
    const std::vector<Index> bound = BoundScopesIn(view, *i);
    for (size_t r = 0; r < scope_rules_.size(); ++r) {
      const ScopeLimitRule& rule = scope_rules_[r];
      if (!ScopeLimitApplies(rule, mb)) continue;
      std::vector<Index> counted = CountedScopes(M(), rule, bound);
      if (static_cast<int64_t>(counted.size()) <= rule.max) continue;
      if (counted.size() <= ScopeCountBefore(id, r)) continue;  // not raised by the operation
      out.push_back({id, r, ScopeLimitMessage(M(), rule, mb, counted)});
    }
  }
  return out;
}

Simulator::ScopeBreaches Simulator::TouchedScopeBreaches(const Json& bundle) const {
  ScopeBreaches out;
  if (scope_rules_.empty()) return out;
  // The touched members' entries and bound scopes, read as loading the bundle would.
  std::map<std::string, Member> members;
  std::map<std::string, std::vector<Index>> bound;
  for (const Json& entry : bundle.value("members", Json::array())) {
    const std::string id = entry.value("id", "");
    if (!touching_.count(id)) continue;
    Member& mb = members[id];
    mb.id = id;
    mb.kind = entry.value("kind", "");
    mb.status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
  }
  for (const Json& b : bundle.value("bindings", Json::array())) {
    const std::string member = b.value("member", "");
    if (!members.count(member) || !b.contains("scope") || !b["scope"].is_string()) continue;
    if (const Index* s = M().scope_index.Get(b["scope"].get<std::string>())) {
      bound[member].push_back(*s);
    }
  }
  for (const auto& [id, mb] : members) {
    for (size_t r = 0; r < scope_rules_.size(); ++r) {
      const ScopeLimitRule& rule = scope_rules_[r];
      if (!ScopeLimitApplies(rule, mb)) continue;
      std::vector<Index> counted = CountedScopes(M(), rule, bound[id]);
      if (static_cast<int64_t>(counted.size()) <= rule.max) continue;
      if (counted.size() <= ScopeCountBefore(id, r)) continue;  // not raised by the operation
      out.push_back({id, r, ScopeLimitMessage(M(), rule, mb, counted)});
    }
  }
  return out;
}

bool Simulator::HasErrorBreach(const ScopeBreaches& breaches) const {
  for (const ScopeBreach& b : breaches) {
    if (M().invariants[scope_rules_[b.rule].invariant].severity == "error") return true;
  }
  return false;
}

Json Simulator::ScopeViolation(const ScopeBreach& b, size_t i) const {
  const ScopeLimitRule& rule = scope_rules_[b.rule];
  const Invariant& inv = M().invariants[rule.invariant];
  return Json{{"invariant", inv.id},
              {"kind", inv.kind},
              {"severity", inv.severity},
              {"op", static_cast<int64_t>(i)},
              {"member", b.member},
              {"scopeType", M().scope_types[rule.scope_type].id},
              {"max", rule.max},
              {"message", b.message}};
}

void Simulator::RefuseScopes(const ScopeBreaches& breaches, size_t i, Outcome* out,
                             Json* violations, bool* error_violation) const {
  for (const ScopeBreach& b : breaches) {
    const Invariant& inv = M().invariants[scope_rules_[b.rule].invariant];
    if (inv.severity != "error") continue;
    violations->push_back(ScopeViolation(b, i));
    out->Deny(Reason("violates_invariant", b.message,
                     Json{{"invariant", inv.id}, {"member", b.member}}));
    *error_violation = true;
  }
  out->events.clear();
  out->approvals = Json::array();
  out->verifications = Json::array();
}

// Permission ids a member holds anywhere (live bindings, active member).
const Invariant* FindInvariant(const Model& m, const char* kind) {
  for (const Invariant& inv : m.invariants) {
    if (inv.kind == kind) return &inv;
  }
  return nullptr;
}

Json Simulator::Run(bool include_bundle) {
  Json results = Json::array();
  Json events = Json::array();
  std::map<std::pair<std::string, std::string>, std::pair<Breach, size_t>> new_breaches;
  std::set<std::string> warnings_before;
  for (const Error& w : base_.model().warnings) warnings_before.insert(w.pointer + w.code);
  Json violations = Json::array();
  Json applied = Json::array();  // the operations that changed the state
  int64_t allowed = 0, denied = 0, conditional = 0;
  bool error_violation = false;

  for (size_t i = 0; i < cs_.operations->size(); ++i) {
    const Json& op = (*cs_.operations)[i];
    Outcome out;
    touching_.clear();
    touching_roles_.clear();
    judge_.reset();
    Edit edit(V());
    Apply(i, op, &edit, &out);
    if (out.effect == Effect::kConditional && !out.approvals.empty()) {
      RequestApprovals(i, out.pending_operation ? *out.pending_operation : op, &edit, &out);
    }
    if (out.effect != Effect::kDeny && edit.changed) {
      // The candidate state: the edited overlay, or the recompiled bundle.
      const bool whole = edit.json.has_value() || recompile_each_;
      std::shared_ptr<const Policy> compiled_policy;
      std::unique_ptr<Overlay> candidate;
      Errors new_warnings;
      // member_field breaches of the members the operation touches, after it (the
      // same both ways: loading reports them as member_field_invalid).
      FieldBreaches fields;
      // scope_limit breaches the operation raises, likewise (scope_limit_exceeded).
      ScopeBreaches limits;
      if (!whole) {
        Errors errors = ValidateAdded(edit);
        fields = TouchedFieldBreaches(edit.overlay);
        limits = TouchedScopeBreaches(edit.overlay);
        if (errors.empty() && !HasErrorBreach(fields) && !HasErrorBreach(limits)) {
          candidate = std::make_unique<Overlay>(std::move(edit.overlay));
        } else {
          if (!errors.empty()) Refuse(errors, i, &out, &violations, &error_violation);
          RefuseFields(fields, i, &out, &violations, &error_violation);
          RefuseScopes(limits, i, &out, &violations, &error_violation);
        }
      } else {
        Json next = edit.json ? std::move(*edit.json) : edit.overlay.Materialize();
        fields = TouchedFieldBreaches(next);
        limits = TouchedScopeBreaches(next);
        LoadResult compiled = CompilePolicy(next);
        if (!compiled.ok()) {
          // The change would break the bundle: an error invariant, or an invalid
          // definition. Nothing of it is applied.
          Errors others;
          for (const Error& err : compiled.errors) {
            if (err.code != "member_field_invalid" && err.code != "scope_limit_exceeded") {
              others.push_back(err);
            }
          }
          if (others.empty() && !HasErrorBreach(fields) && !HasErrorBreach(limits)) {
            others = compiled.errors;
          }
          if (!others.empty()) Refuse(others, i, &out, &violations, &error_violation);
          RefuseFields(fields, i, &out, &violations, &error_violation);
          RefuseScopes(limits, i, &out, &violations, &error_violation);
        } else {
          bool refused = false;
          // A role or rule beyond its actor (reach.h) is refused whole.
          if (out.effect == Effect::kAllow && judge_) {
            if (std::optional<Beyond> b = BeyondActor(*judge_, compiled.policy->model())) {
              out.Deny(Reason(*b));
              out.events.clear();
              refused = true;
            }
          }
          if (!refused) {
            compiled_policy = compiled.policy;
            candidate = std::make_unique<Overlay>(compiled_policy->model());
            new_warnings = compiled.warnings;
          }
        }
      }
      if (candidate) {
        // min_holders: breaches on the scopes the operation could affect (all of
        // them when it changed more than roles and statuses).
        std::vector<Index> scopes;
        const std::vector<Index>* only = nullptr;
        if (!whole && touching_roles_.empty()) {
          std::set<Index> affected;
          ScopesOfMembers(V(), touching_, &affected);
          ScopesOfMembers(*candidate, touching_, &affected);
          scopes.assign(affected.begin(), affected.end());
          only = &scopes;
        }
        Breaches before = MinHolderBreaches(V(), cs_.now, only);
        Breaches base = MinHolderBreaches(base_.model(), cs_.now, only);
        std::vector<std::pair<std::pair<std::string, std::string>, Breach>> fresh;
        bool breaks_error = false;
        for (auto& [key, breach] : MinHolderBreaches(*candidate, cs_.now, only)) {
          if (!before.count(key) && !base.count(key) && !new_breaches.count(key)) {
            breaks_error = breaks_error || breach.severity == "error";
            fresh.push_back({key, breach});
          }
        }
        if (breaks_error) {
          // An error invariant would break: nothing of the operation is applied.
          for (const auto& [key, b] : fresh) {
            if (b.severity != "error") continue;
            violations.push_back(Json{{"invariant", b.invariant},
                                      {"kind", b.kind},
                                      {"severity", b.severity},
                                      {"scope", b.scope},
                                      {"have", b.have},
                                      {"need", b.need},
                                      {"op", static_cast<int64_t>(i)},
                                      {"message", b.message}});
            out.Deny(Reason("violates_invariant", b.message,
                            Json{{"invariant", b.invariant}, {"scope", b.scope}}));
          }
          error_violation = true;
          out.events.clear();
          out.approvals = Json::array();
          out.verifications = Json::array();
        } else {
          for (const Error& w : new_warnings) {
            // Below, by member.
            if (w.code == "member_field_invalid" || w.code == "scope_limit_exceeded") continue;
            if (warnings_before.insert(w.pointer + w.code).second) {
              const Invariant* inv = FindInvariant(M(), "unique_email");
              violations.push_back(Json{{"invariant", inv ? inv->id : "unique_email"},
                                        {"kind", "unique_email"},
                                        {"severity", "warning"},
                                        {"op", static_cast<int64_t>(i)},
                                        {"message", w.message}});
            }
          }
          if (!fields.empty()) {
            // Warning breaches (errors refused the operation above), when new.
            const FieldBreaches had = TouchedFieldBreaches(V());
            for (const auto& [member, b] : fields) {
              bool known = false;
              for (const auto& old : had) {
                known = known || (old.first == member && old.second.invariant == b.invariant);
              }
              if (!known) violations.push_back(FieldViolation(member, b, i));
            }
          }
          // Warning breaches (errors refused the operation above): each raises a
          // member's count.
          for (const ScopeBreach& b : limits) violations.push_back(ScopeViolation(b, i));
          if (compiled_policy) {
            owned_ = std::move(compiled_policy);
            checkpoint_ = owned_.get();
          }
          overlay_ = std::move(candidate);
          // The revision after hashes what changed, never a PIN or token.
          applied.push_back(Json::array({static_cast<int64_t>(i), WithoutProof(op)}));
          touched_.insert(touching_.begin(), touching_.end());
          touched_roles_.insert(touching_roles_.begin(), touching_roles_.end());
          for (auto& [key, breach] : fresh) new_breaches.emplace(key, std::make_pair(breach, i));
        }
      }
    }
    switch (out.effect) {
      case Effect::kAllow: ++allowed; break;
      case Effect::kDeny: ++denied; break;
      case Effect::kConditional: ++conditional; break;
    }
    for (Json& e : out.events) {
      Brand(&e);  // the recipient as the operation left them
      events.push_back(std::move(e));
    }
    Json result{{"index", static_cast<int64_t>(i)},
                {"op", op["op"]},
                {"effect", EffectName(out.effect)},
                {"checks", std::move(out.checks)},
                {"reasons", std::move(out.reasons)},
                {"requirements",
                 {{"approvals", std::move(out.approvals)},
                  {"verifications", std::move(out.verifications)}}}};
    if (!out.request.is_null() && out.effect != Effect::kDeny) {
      result["request"] = std::move(out.request);
    }
    // What only the server of record can check: the secret the operation carries.
    if (op["op"] == "complete_self_upgrade") result["checkedByServer"] = Json::array({"pin"});
    if (op["op"] == "accept_invitation") {
      result["checkedByServer"] = Json::array({"invitation_token"});
    }
    results.push_back(std::move(result));
  }
  // min_holders breaches introduced and still present at the end.
  for (const auto& [key, entry] : new_breaches) {
    const Index* s = M().scope_index.Get(key.second);
    std::vector<Index> one{*s};
    if (!MinHolderBreaches(V(), cs_.now, &one).count(key)) continue;  // mended later
    const Breach& b = entry.first;
    violations.push_back(Json{{"invariant", b.invariant},
                              {"kind", b.kind},
                              {"severity", b.severity},
                              {"scope", b.scope},
                              {"have", b.have},
                              {"need", b.need},
                              {"op", static_cast<int64_t>(entry.second)},
                              {"message", b.message}});
    if (b.severity == "error") error_violation = true;
  }
  std::stable_sort(violations.begin(), violations.end(), [](const Json& a, const Json& b) {
    return a["op"] < b["op"];
  });

  // The revision after: the base revision and the operations that changed it,
  // hashed, so that it costs nothing in proportion to the bundle.
  std::string revision_after = base_.revision();
  if (!applied.empty()) {
    revision_after =
        ContentRevision(Json::array({base_.revision(), cs_.actor, cs_.now, applied}));
  }
  Json result{{"ok", true},
              {"baseRevision", base_.revision()},
              {"revisionAfter", revision_after},
              {"operations", std::move(results)},
              {"accessDiff", AccessDiff(base_.model(), V(), cs_.now, touched_, touched_roles_)},
              {"violations", std::move(violations)},
              {"events", std::move(events)},
              {"summary",
               {{"allowed", allowed},
                {"denied", denied},
                {"conditional", conditional},
                {"blocked", denied > 0 || conditional > 0 || error_violation}}}};
  if (include_bundle) {
    Json after = V().Materialize();
    after["revision"] = revision_after;
    result["bundleAfter"] = std::move(after);
  }
  return result;
}

// Every difference between `expected` and `actual`, with pointers.
void Diff(const Json& expected, const Json& actual, const std::string& pointer, Json* out) {
  if (expected.is_object() && actual.is_object()) {
    std::set<std::string> keys;
    for (auto it = expected.begin(); it != expected.end(); ++it) keys.insert(it.key());
    for (auto it = actual.begin(); it != actual.end(); ++it) keys.insert(it.key());
    for (const std::string& k : keys) {
      std::string p = PointerAppend(pointer, k);
      auto e = expected.find(k);
      auto a = actual.find(k);
      if (e == expected.end()) {
        out->push_back(Json{{"pointer", p}, {"actual", *a}});
      } else if (a == actual.end()) {
        out->push_back(Json{{"pointer", p}, {"expected", *e}});
      } else {
        Diff(*e, *a, p, out);
      }
    }
    return;
  }
  if (expected.is_array() && actual.is_array()) {
    size_t n = std::max(expected.size(), actual.size());
    for (size_t i = 0; i < n; ++i) {
      std::string p = PointerAppend(pointer, i);
      if (i >= expected.size()) {
        out->push_back(Json{{"pointer", p}, {"actual", actual[i]}});
      } else if (i >= actual.size()) {
        out->push_back(Json{{"pointer", p}, {"expected", expected[i]}});
      } else {
        Diff(expected[i], actual[i], p, out);
      }
    }
    return;
  }
  if (expected != actual) {
    out->push_back(Json{{"pointer", pointer}, {"expected", expected}, {"actual", actual}});
  }
}

}  // namespace
}  // namespace internal

namespace internal {

Json SimulateWith(const Policy& policy, const Json& change_set, bool include_bundle,
                  bool recompile_each, const SoundnessChecks& checks) {
  ChangeSet cs;
  Errors errors = ReadChangeSet(policy.model(), change_set, Limits(), &cs);
  if (!errors.empty()) return ErrorsToJson(errors);
  return Simulator(policy, cs, recompile_each, checks).Run(include_bundle);
}

}  // namespace internal

Json Policy::Simulate(const Json& change_set, bool include_bundle) const {
  return internal::SimulateWith(*this, change_set, include_bundle, false);
}

Json Policy::Verify(const Json& change_set, const Json& preview) const {
  Json actual = Simulate(change_set, preview.is_object() && preview.contains("bundleAfter"));
  if (!actual.value("ok", false)) return actual;
  Json differences = Json::array();
  internal::Diff(preview, actual, "", &differences);
  // A preview that matches a change nothing blocks may be committed; one that
  // matches a blocked change (a denial, an approval or verification still
  // needed, an error invariant broken) may not, match or no match.
  const bool blocked = actual["summary"].value("blocked", true);
  const bool match = differences.empty();
  return Json{{"ok", true},
              {"match", match},
              {"committable", match && !blocked},
              {"revision", revision()},
              {"differences", std::move(differences)}};
}

Json Policy::VerifyChain(const Json& steps, const std::string& pointer) const {
  if (!steps.is_array() || steps.empty()) {
    return ErrorsToJson({{"wrong_type", pointer, "expected a non-empty array of steps"}});
  }
  if (steps.size() > kMaxChainSteps) {
    return ErrorsToJson({{"too_many_items", pointer,
                          "a chain has at most " + std::to_string(kMaxChainSteps) + " steps"}});
  }
  Errors shape;
  for (size_t k = 0; k < steps.size(); ++k) {
    const Json& step = steps[k];
    if (!step.is_object() || !step.contains("changeSet") || !step.contains("preview")) {
      shape.push_back({"wrong_type", pointer + "/" + std::to_string(k),
                       "expected a step {changeSet, preview}"});
    }
  }
  if (!shape.empty()) return ErrorsToJson(shape);

  const Policy* policy = this;
  std::shared_ptr<const Policy> owned;  // the bundle after the previous step
  Json verdicts = Json::array();
  Json differences = Json::array();
  bool match = true;
  for (size_t k = 0; k < steps.size(); ++k) {
    const std::string at = pointer + "/" + std::to_string(k);
    const Json& change_set = steps[k]["changeSet"];
    Json verdict = policy->Verify(change_set, steps[k]["preview"]);
    if (!verdict.value("ok", false)) return ErrorsUnder(std::move(verdict), at + "/changeSet");
    if (verdict.value("match", false) != true) match = false;
    for (const Json& d : verdict.value("differences", Json::array())) {
      Json moved = d;
      moved["pointer"] = at + "/preview" + d.value("pointer", "");
      differences.push_back(std::move(moved));
    }
    verdicts.push_back(std::move(verdict));
    if (k + 1 == steps.size()) break;
    // The next step is judged on the bundle this step leaves, recomputed here.
    LoadResult next = CompilePolicy(policy->Simulate(change_set, true).value("bundleAfter", Json()));
    if (!next.ok()) {
      return ErrorsToJson({{"invalid_change", at + "/changeSet",
                            "the bundle after this step does not load"}});
    }
    owned = std::move(next.policy);
    policy = owned.get();
  }
  const std::string revision = verdicts.back().value("revision", "");
  // The chain commits as its last step: the steps before it only lead there.
  const bool committable = match && verdicts.back().value("committable", false);
  return Json{{"ok", true},
              {"match", match},
              {"committable", committable},
              {"revision", revision},
              {"differences", std::move(differences)},
              {"steps", std::move(verdicts)}};
}

Json Policy::VerifyChainDocument(const Json& chain) const {
  const auto format = chain.is_object() ? chain.find("format") : chain.end();
  if (!chain.is_object() || format == chain.end() || !format->is_string() ||
      format->get_ref<const std::string&>() != kChainFormat) {
    return ErrorsToJson({{"unsupported_format", "/format",
                          std::string("expected a chain of format `") + kChainFormat + "`"}});
  }
  const auto steps = chain.find("steps");
  if (steps == chain.end()) {
    return ErrorsToJson({{"missing_field", "/steps",
                          "the chain holds no `steps` ({changeSet, preview} each): "
                          "a chain of change sets or of previews alone cannot be verified"}});
  }
  return VerifyChain(*steps, "/steps");
}

Json Policy::ApprovalStatus(const Json& query) const {
  Errors errors;
  internal::Shape shape(&errors);
  std::string id, now;
  if (shape.Object(query, "", {"request", "now"})) {
    if (const std::string* r = shape.Id(query, "request", "", true)) id = *r;
    if (const std::string* n = shape.Timestamp(query, "now", "", true)) now = *n;
  }
  const Json* request = nullptr;
  const Json* asked = nullptr;  // a role request
  if (errors.empty()) {
    if (auto it = model_->bundle.find("approvalRequests"); it != model_->bundle.end()) {
      for (const Json& r : *it) {
        if (r.value("id", "") == id) request = &r;
      }
    }
    if (auto it = model_->bundle.find("roleRequests"); it != model_->bundle.end()) {
      for (const Json& r : *it) {
        if (r.value("id", "") == id) asked = &r;
      }
    }
    if (request == nullptr && asked == nullptr) {
      errors.push_back({"unknown_request", "/request", "unknown request `" + id + "`"});
    }
  }
  if (!errors.empty()) return ErrorsToJson(errors);
  if (request != nullptr) return internal::RequestStatus(*model_, *request, now);
  // A role request: open until it lapses; any one of its deciders decides it.
  const std::string requester = asked->value("requester", "");
  const bool lapsed = asked->contains("expiresAt") && (*asked)["expiresAt"].get<std::string>() <= now;
  const Json grant = internal::RoleGrant(*model_, requester, asked->value("role", ""),
                                         asked->value("scope", ""));
  return Json{{"ok", true},
              {"request", id},
              {"status", lapsed ? "expired" : "pending"},
              {"approvals", Json::array()},
              {"rejections", Json::array()},
              {"eligible", internal::RoleDeciders(*model_, requester, grant, now)},
              {"quorum", 1}};
}

}  // namespace rolegate
