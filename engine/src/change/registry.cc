#include "change/registry.h"

#include "base/text.h"
#include "change/context.h"
#include "rolegate/operations.h"
#include "status.h"

namespace rolegate {
namespace internal {

// Each defined in ops/<file>.cc.
extern const OpKind kInvite, kResendInvitation, kAcceptInvitation, kAssignRole, kChangeRole,
    kRevokeRole, kRemoveRole, kRemoveMember, kDeleteMember, kBlock, kUnblock, kDisable, kEnable,
    kEditMember, kAddMembers, kActivateMember, kRequestSelfUpgrade, kResendVerification,
    kCompleteSelfUpgrade, kClaimRole, kDefineRole, kEditRole, kDeleteRole, kSetApprovalRule,
    kDeleteApprovalRule, kDecideRequest, kApplyApproved, kRegister, kResetPassword, kPerform,
    kRequestRole, kWithdrawRequest;

const std::vector<const OpKind*>& OpKinds() {
  static const std::vector<const OpKind*> kinds = {&kInvite,
                                                   &kResendInvitation,
                                                   &kAcceptInvitation,
                                                   &kAssignRole,
                                                   &kChangeRole,
                                                   &kRevokeRole,
                                                   &kRemoveRole,
                                                   &kRemoveMember,
                                                   &kDeleteMember,
                                                   &kBlock,
                                                   &kUnblock,
                                                   &kDisable,
                                                   &kEnable,
                                                   &kEditMember,
                                                   &kAddMembers,
                                                   &kActivateMember,
                                                   &kRequestSelfUpgrade,
                                                   &kResendVerification,
                                                   &kCompleteSelfUpgrade,
                                                   &kClaimRole,
                                                   &kDefineRole,
                                                   &kEditRole,
                                                   &kDeleteRole,
                                                   &kSetApprovalRule,
                                                   &kDeleteApprovalRule,
                                                   &kDecideRequest,
                                                   &kApplyApproved,
                                                   &kRegister,
                                                   &kResetPassword,
                                                   &kPerform,
                                                   &kRequestRole,
                                                   &kWithdrawRequest};
  return kinds;
}

const OpKind* FindOpKind(const std::string& name) {
  for (const OpKind* k : OpKinds()) {
    if (name == k->name) return k;
  }
  return nullptr;
}

namespace {

// The change set named members and roles that exist or that earlier operations
// create; an operation that would have created one may have been denied. The
// actor too: a member registering does not exist once their registration was denied.
bool ReferencesExist(const Context& cx, const Operation& op, Outcome* out) {
  const unsigned creates = op.kind->creates;
  if (!(creates & kCreatesActor) && cx.V().FindMember(cx.actor()) == nullptr) {
    out->Deny(Reason("unknown_reference",
                     "member " + Q(cx.actor()) + " (the actor) does not exist in this state"));
    return false;
  }
  if (!op.new_member && !op.member.empty() && cx.V().FindMember(op.member) == nullptr) {
    out->Deny(
        Reason("unknown_reference", "member " + Q(op.member) + " does not exist in this state"));
    return false;
  }
  const bool names_role = !op.role.empty() && !(creates & kCreatesRole);
  if (names_role && cx.M().role_index.Get(op.role) == nullptr) {
    out->Deny(Reason("unknown_reference", "role " + Q(op.role) + " does not exist in this state"));
    return false;
  }
  return true;
}

}  // namespace

void ApplyOperation(Context& cx, size_t index, const Operation& op, Edit* e, Outcome* out) {
  if (!ReferencesExist(cx, op, out)) return;
  if (!cx.PreconditionsHold(op, out)) return;
  op.kind->apply(cx, index, op, e, out);
}

}  // namespace internal
}  // namespace rolegate

namespace rolegate {

std::vector<OperationKind> OperationKinds() {
  std::vector<OperationKind> out;
  for (const internal::OpKind* k : internal::OpKinds()) {
    OperationKind kind;
    kind.name = k->name;
    kind.acts_on_member = k->acts_on_member;
    kind.gives_role = k->gives_role;
    if (k->checked_by_server != nullptr) kind.checked_by_server = k->checked_by_server;
    if (k->authorised_by != nullptr) kind.authorised_by = k->authorised_by;
    kind.on_member = internal::OnMemberName(k->on_member);
    if (k->on_member != internal::OnMember::kNot) {
      for (internal::MemberStatus s : internal::StatusesOf(*k)) {
        kind.member_statuses.push_back(internal::StatusName(s));
      }
    }
    if (k->server_sends != nullptr) kind.server_sends = k->server_sends;
    kind.concerns = internal::ConcernsName(k->concerns);
    kind.every_policy = k->every_policy;
    if (k->entry_of != nullptr || k->authorised_by != nullptr) {
      kind.entry_of = k->entry_of != nullptr ? k->entry_of : k->authorised_by;
    }
    out.push_back(std::move(kind));
  }
  return out;
}

Json OperationKindsJson() {
  Json kinds = Json::array();
  for (const OperationKind& k : OperationKinds()) {
    Json entry{{"name", k.name}, {"actsOnMember", k.acts_on_member}, {"givesRole", k.gives_role}};
    if (!k.checked_by_server.empty()) entry["checkedByServer"] = k.checked_by_server;
    if (!k.authorised_by.empty()) entry["authorisedBy"] = k.authorised_by;
    if (!k.on_member.empty()) entry["onMember"] = k.on_member;
    if (!k.member_statuses.empty()) entry["memberStatuses"] = k.member_statuses;
    if (!k.server_sends.empty()) entry["serverSends"] = k.server_sends;
    if (!k.concerns.empty()) entry["concerns"] = k.concerns;
    if (k.every_policy) entry["everyPolicy"] = true;
    if (!k.entry_of.empty()) entry["entryOf"] = k.entry_of;
    kinds.push_back(std::move(entry));
  }
  return Json{{"ok", true}, {"kinds", std::move(kinds)}};
}

}  // namespace rolegate
