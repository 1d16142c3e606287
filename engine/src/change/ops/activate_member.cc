// activate_member: sets up a member who was added without a role (or is
// pending), optionally giving them a role on a scope.
#include <algorithm>

#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "status.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "member", "setup", "role", "scope"});
  r.Member(op, p, true);
  r.Setup(op, p, true);
  if (op.contains("role")) r.Role(op, p);
  r.Scope(op, p, op.contains("role"));
}

// The checks: on the member's scopes, and where the role is bound when that is
// not among them.
void Authorise(Context& cx, const Operation& op, Outcome* out) {
  const std::string& member = op.member;
  Json attrs = op.attributes;
  if (!op.role.empty()) attrs["role"] = op.role;
  cx.CheckOnMemberScopes("activate_member", member, op.scope, attrs, out);
  if (out->effect == Effect::kDeny || op.role.empty()) return;
  // The role is bound on `scope`: authorised there as well, when the member's
  // own scopes (checked above, in place of `scope`) do not include it.
  const std::vector<std::string> held = cx.MemberScopes(member);
  if (!held.empty() && std::find(held.begin(), held.end(), op.scope) == held.end()) {
    attrs["target"] = member;
    cx.Check(cx.M().operation_rules.at("activate_member").action, op.scope, attrs, out);
  }
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& member = op.member;
  const std::string& setup = op.setup;
  if (!cx.SetupOffered("activate_member", setup, out)) return;
  if (!op.role.empty() && !cx.KindAllowed(*cx.MemberById(member), op.role, out)) return;
  Authorise(cx, op, out);
  if (out->effect == Effect::kDeny) return;
  if (!cx.EmailReachable(member, cx.MemberById(member)->email, setup, out)) return;
  if (out->effect != Effect::kAllow) return;
  const MemberStatus status = cx.MemberById(member)->status;
  const std::optional<MemberStatus> next =
      NextStatus(*op.kind, setup, status, cx.V().MemberJson(*cx.V().FindMember(member)));
  if (!next) {
    out->Deny(Reason("wrong_status",
                     "member " + Q(member) + " is " + StatusName(status) + ": " + Q(setup) +
                         " activates only " + StatusesFrom(*op.kind, setup) + " members",
                     Json{{"status", StatusName(status)}}));
    return;
  }
  cx.UpdateMember(e, member, [&](Json& entry) {
    WriteStatus(*op.kind, setup, status, *next, &entry);
    if (setup == "send_invite" || setup == "activation_email") {
      entry["invitation"] = Json{{"sentAt", cx.now()}};
    }
  });
  if (!op.role.empty()) cx.AddBinding(e, member, op.role, op.scope);
  Json facts = Json::object();
  if (!op.role.empty()) facts = Json{{"role", op.role}, {"scope", op.scope}};
  if (setup == "send_invite") cx.Emit(out, i, "member_invited", member, facts);
  if (setup == "activation_email") cx.Emit(out, i, "activation_email", member, facts);
}

using S = MemberStatus;
using To = StatusMove::To;

// Its moves in the state machine (status.h), by set-up.
const std::vector<StatusMove> kMoves = {
    {"assign_credentials", {S::kPending}, To::kFixed, S::kActive},
    {"send_invite", {S::kPending, S::kInvited}, To::kFixed, S::kInvited},
    {"activation_email", {S::kPending, S::kInvited}, To::kFixed, S::kInvited},
    {"activate_later", {S::kPending, S::kInvited}, To::kSame, S::kPending}};

}  // namespace

extern const OpKind kActivateMember = [] {
  OpKind k{"activate_member",
           true,
           /*gives_role=*/true,
           nullptr,
           nullptr,
           Read,
           Apply,
           OnMember::kEveryScope,
           kSetups | kInvitationValidForDays};
  k.moves = &kMoves;
  k.server_sends = "invitation_token";
  k.concerns = Concerns::kMemberScopes;
  return k;
}();

}  // namespace internal
}  // namespace rolegate
