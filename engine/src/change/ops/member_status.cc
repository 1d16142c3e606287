// The member status operations, one state machine (status.h): resend_invitation,
// block, unblock, disable, enable and delete_member. Each acts on a member, on
// every scope where they hold a role.
#include <map>

#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "shape.h"
#include "status.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) { r.MemberOnScope(op, p, false); }

// resend_invitation: a fresh invitation, valid as long as invite's says.
void Resend(Context& cx, size_t i, const std::string& member, Edit* e, Outcome* out) {
  Json inv{{"sentAt", cx.now()}};
  auto rule = cx.M().operation_rules.find("invite");
  if (rule != cx.M().operation_rules.end() && rule->second.invitation_valid_for_days > 0) {
    inv["expiresAt"] = AddDays(cx.now(), rule->second.invitation_valid_for_days);
  }
  cx.UpdateMember(e, member, [&](Json& entry) { entry["invitation"] = inv; });
  cx.Emit(out, i, "invitation_resent", member, Json::object());
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& kind = op.name;
  const std::string& member = op.member;
  const Member* mb = cx.MemberById(member);
  if (kind == "resend_invitation" && mb->status != MemberStatus::kInvited) {
    out->Deny(Reason("not_invited",
                     "member " + Q(member) + " is " + StatusName(mb->status) + ", not invited"));
    return;
  }
  // The one state machine (status.h) says where the operation leads from here:
  // unblocking or enabling gives back the status the member had, never more.
  const std::optional<MemberStatus> next =
      NextStatus(*op.kind, "", mb->status, cx.V().MemberJson(*cx.V().FindMember(member)),
                 cx.checks().status_machine);
  if (!next) {
    out->Deny(Reason("wrong_status",
                     "member " + Q(member) + " is " + StatusName(mb->status) + ", so " + Q(kind) +
                         " does not apply (only to " + StatusesFrom(*op.kind, "") + " members)",
                     Json{{"status", StatusName(mb->status)}}));
    return;
  }
  cx.CheckOnMemberScopes(kind, member, op.scope, op.attributes, out);
  if (out->effect != Effect::kAllow) return;
  if (kind == "resend_invitation") return Resend(cx, i, member, e, out);
  static const std::map<std::string, const char*> kEvent = {{"block", "member_blocked"},
                                                            {"unblock", "member_unblocked"},
                                                            {"disable", "member_disabled"},
                                                            {"enable", "member_enabled"},
                                                            {"delete_member", "member_deleted"}};
  const MemberStatus from = mb->status;
  cx.UpdateMember(e, member, [&](Json& j) { WriteStatus(*op.kind, "", from, *next, &j); });
  if (kind == "delete_member") {
    cx.RemoveBindings(e, member, [](const std::string&, const std::string&) { return true; });
  }
  cx.Emit(out, i, kEvent.at(kind), member, Json::object());
}

using S = MemberStatus;
using To = StatusMove::To;

// Each kind's moves in the state machine (status.h).
const std::vector<StatusMove> kResendMoves = {{"", {S::kInvited}, To::kSame, S::kInvited}};
const std::vector<StatusMove> kBlockMoves = {
    {"", {S::kActive, S::kInvited, S::kPending, S::kDisabled}, To::kFixed, S::kBlocked}};
const std::vector<StatusMove> kUnblockMoves = {{"", {S::kBlocked}, To::kBlockedFrom, S::kActive}};
const std::vector<StatusMove> kDisableMoves = {
    {"", {S::kActive, S::kInvited, S::kPending}, To::kFixed, S::kDisabled}};
const std::vector<StatusMove> kEnableMoves = {{"", {S::kDisabled}, To::kDisabledFrom, S::kActive}};
const std::vector<StatusMove> kDeleteMoves = {
    {"",
     {S::kActive, S::kInvited, S::kPending, S::kBlocked, S::kDisabled},
     To::kFixed,
     S::kRemoved}};

// A status operation on the whole member, with its moves.
constexpr OpKind StatusKind(const char* name, const std::vector<StatusMove>* moves) {
  OpKind k{name, true, false, nullptr, nullptr, Read, Apply, OnMember::kEveryScope};
  k.moves = moves;
  k.concerns = Concerns::kMemberScopes;
  return k;
}

}  // namespace

extern const OpKind kResendInvitation = [] {
  OpKind k = StatusKind("resend_invitation", &kResendMoves);
  k.server_sends = "invitation_token";
  return k;
}();
extern const OpKind kDeleteMember = StatusKind("delete_member", &kDeleteMoves);
extern const OpKind kBlock = StatusKind("block", &kBlockMoves);
extern const OpKind kUnblock = StatusKind("unblock", &kUnblockMoves);
extern const OpKind kDisable = StatusKind("disable", &kDisableMoves);
extern const OpKind kEnable = StatusKind("enable", &kEnableMoves);

}  // namespace internal
}  // namespace rolegate
