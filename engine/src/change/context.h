// What an operation kind's `apply` (ops/*.cc) works with: the state the
// operations before it left, who acts and when, the checks that authorise it, the
// writes that change the state, and the records it leaves (events, requests).
// The simulator (simulator.cc) owns one per change set and moves its state on
// after every operation it keeps.
#ifndef ROLEGATE_CHANGE_CONTEXT_H_
#define ROLEGATE_CHANGE_CONTEXT_H_

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "change/operation.h"
#include "change/outcome.h"
#include "member_fields.h"
#include "model.h"
#include "overlay.h"
#include "reach.h"
#include "rolegate/policy.h"
#include "scope_limits.h"
#include "simulate.h"

namespace rolegate {
namespace internal {

class Context {
 public:
  Context(const Policy& base, const std::string& actor, const std::string& now,
          const SoundnessChecks& checks);

  // ---- The state: the compiled checkpoint and the overlay of changes on it.
  const Model& M() const { return checkpoint_->model(); }
  const Overlay& V() const { return *overlay_; }
  const Policy& base() const { return base_; }
  const std::string& actor() const { return actor_; }
  const std::string& now() const { return now_; }
  const SoundnessChecks& checks() const { return checks_; }
  // The bundle's member_field and scope_limit invariants (simulation changes
  // neither invariants nor scopes).
  const std::vector<MemberFieldRule>& field_rules() const { return field_rules_; }
  const std::vector<ScopeLimitRule>& scope_rules() const { return scope_rules_; }

  // apply_approved: runs what follows as `requester`, with the approvals of
  // `approved` ((rule, action, resource)) given; Restore() ends it.
  using Approvals = std::set<std::tuple<std::string, std::string, std::string>>;
  std::string ActAs(const std::string& requester, Approvals approved);
  void Restore(const std::string& actor);

  // ---- Looking up.
  const Member* MemberById(const std::string& id) const;
  const Role* RoleById(const std::string& id) const;
  // The scopes (ids, sorted) where `member` holds a binding.
  std::vector<std::string> MemberScopes(const std::string& member) const;
  // The role (id) the member holds on the scope in the family, or "".
  std::string RoleOf(const std::string& member, const std::string& scope, Index family) const;
  // The scope a member who holds no binding was added to (its id), or "" when
  // the member holds a binding or was added nowhere.
  std::string HomeOf(const std::string& member) const;

  // ---- Checks: each denies into `out` (with its reason) when it fails.
  // The action an operation kind needs, or null (with a deny) when not configured.
  const std::string* ActionFor(const std::string& kind, Outcome* out);
  // Whether the operation's `attributes` meet the `requires` conditions of its
  // kind's entry in `operations` (precondition_failed).
  bool PreconditionsHold(const Operation& op, Outcome* out);
  // Whether the kind's entry in `operations` offers `setup`.
  bool SetupOffered(const std::string& kind, const std::string& setup, Outcome* out);
  // Whether a set-up that e-mails the member can reach `email`.
  bool EmailReachable(const std::string& member, const std::string& email, const std::string& setup,
                      Outcome* out);
  // Whether `scope` may concern `member`: a member who holds no binding but was
  // added to a scope belongs there, and only there and below.
  bool WithinHome(const std::string& member, const std::string& scope, Outcome* out);
  // Whether member `mb` is of a kind that may hold `role` (its `memberKinds`).
  bool KindAllowed(const Member& mb, const std::string& role, Outcome* out);
  // Authorises `action` on `scope` with `attrs` as the actor; records the decision.
  Effect Check(const std::string& action, const std::string& scope, Json attrs, Outcome* out);
  // The same, on another view of the state (a Model or an Overlay).
  template <typename View>
  Effect CheckIn(const View& view, const std::string& action, const std::string& scope, Json attrs,
                 Outcome* out);
  // Roles and approval rules hold everywhere: the action on every root scope.
  void CheckPolicyWide(const std::string& action, const Json& attrs, Outcome* out);
  // The kind's action on every scope where `member` holds a binding (or, for a
  // member who holds none, where it was added and on `fallback`).
  void CheckOnMemberScopes(const std::string& kind, const std::string& member,
                           const std::string& fallback, Json attrs, Outcome* out);
  // edit_role, delete_role: the role must be a custom one (role_not_custom)...
  bool CustomRole(const std::string& id, Outcome* out);
  // ...and, as it stands, within the actor's reach.
  bool RoleWithinActor(const std::string& id, Outcome* out);
  // set_approval_rule, delete_approval_rule: a rule may gate only requester roles
  // strictly below its author, on every scope where it holds.
  bool RuleWithinAuthor(const std::string& id, const Json& requester_roles,
                        const std::vector<Index>& where, Outcome* out);
  // What an operation's result is judged by once compiled (BeyondActor): a role
  // it defines, a role it edits (whose holders and inheritors are judged too), an
  // approval rule it sets.
  enum class Judged { kRoleDefined, kRoleEdited, kApprovalRuleSet };
  // Judge the role or rule `id` as `what`, as the current actor.
  void Judge(Judged what, const std::string& id);
  // Why the judged operation, compiled into `after`, goes beyond its actor
  // (reach.h), if there is one and it does.
  std::optional<Beyond> BeyondActor(const Model& after) const;

  // ---- Writes, to the edit's overlay or (once materialized) its JSON.
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
  // Marks a member or a role as changed by the current operation.
  void Touch(const std::string& member) { touching_.insert(member); }
  void TouchRole(const std::string& role) { touching_roles_.insert(role); }

  // ---- Records.
  // Sends `event` to `to`, when the bundle's notifications name it.
  void Emit(Outcome* out, size_t op, const char* event, const std::string& to, Json facts);
  // Adds the recipient's branding domain and language to an event.
  void Brand(Json* event) const;
  // Records pending approval requests for a conditional operation.
  void RequestApprovals(size_t index, const Json& op, Edit* e, Outcome* out);
  // The first unused id `prefix`N, N from the list's size + 1.
  std::string NextId(const Json& list, const std::string& prefix) const;
  // The id of a verification issued by operation `op`: derived from the base
  // revision, the actor and the operation's index, so an id is never issued twice
  // (each commit has its own base revision) and a resend's record never has the id
  // of the one it replaces. Not from the time: a preview made a second before the
  // server judges the change names the id the server records.
  std::string VerificationId(size_t op) const;
  // The record of a verification operation `op` issues for the actor's upgrade to
  // `role` on `scope`, as its requirement `v` (rule, method, validForDays) asks.
  Json NewVerification(size_t op, const Json& v, const std::string& role,
                       const std::string& scope) const;
  static Json* FindById(Json* list, const std::string& id);

  // ---- Access requests (docs/changes.md, "Access requests").
  // The operation that gives `member` `role` on `scope`: change_role when they
  // hold an exclusive role of its family there, else assign_role.
  Json GrantOperation(const std::string& member, const std::string& role,
                      const std::string& scope) const;
  // Who may decide a request for `grant`: the active members, never `requester`,
  // whom the policy lets make that grant themselves now, sorted.
  std::vector<std::string> Deciders(const std::string& requester, const Json& grant) const;
  // Whether `viewer` may see `target`'s e-mail on `scope` (as VisibleMembers).
  bool SeesEmail(const std::string& viewer, const std::string& target,
                 const std::string& scope) const;

  // ---- The simulator's side.
  // Starts an operation: nothing touched yet, nothing to judge.
  void BeginOperation();
  // The members and roles the current operation changes, and those of the
  // operations kept so far (the access diff looks at these only).
  const std::set<std::string>& touching() const { return touching_; }
  const std::set<std::string>& touching_roles() const { return touching_roles_; }
  const std::set<std::string>& touched() const { return touched_; }
  const std::set<std::string>& touched_roles() const { return touched_roles_; }
  // Keeps the current operation: its state is `next` (on `compiled` when it was
  // recompiled, else on the checkpoint as it is).
  void Keep(std::unique_ptr<Overlay> next, std::shared_ptr<const Policy> compiled);

 private:
  // Whether a member of the checkpoint or one the overlay added may have this
  // e-mail (lower case): then a load judges the new one.
  bool EmailMayBeTaken(const Overlay& o, const std::string& lower);

  const Policy& base_;
  const std::string now_;
  const SoundnessChecks checks_;
  const Policy* checkpoint_;             // the compiled state...
  std::shared_ptr<const Policy> owned_;  // ...when it is not the base
  std::unique_ptr<Overlay> overlay_;     // changes on the checkpoint
  const std::string change_set_actor_;
  std::string actor_;  // who acts: the change set's actor, or a requester
  std::set<std::string> touching_, touching_roles_, touched_, touched_roles_;
  Approvals approved_;  // apply_approved: the approvals already given
  struct Judgement {
    Judged what;
    std::string id, actor;
  };
  std::optional<Judgement> judge_;
  std::vector<MemberFieldRule> field_rules_;
  std::vector<ScopeLimitRule> scope_rules_;
  const Model* emails_of_ = nullptr;  // the checkpoint checkpoint_emails_ was built for
  std::unordered_set<std::string> checkpoint_emails_;
};

template <typename Pred>
size_t Context::RemoveBindings(Edit* e, const std::string& member, Pred pred) {
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

// The member entry's fields the model reads back after a change (status,
// registration, e-mail, name, invitation).
void RereadMember(const Json& entry, Member* m);

template <typename F>
void Context::UpdateMember(Edit* e, const std::string& member, F mutate) {
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
  RereadMember(entry, &m);
  e->overlay.SetMember(i, std::move(m), std::move(entry));
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_CONTEXT_H_
