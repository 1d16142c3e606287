// resend_invitation: sends an invited member a fresh invitation, valid as long as
// invite's entry says; the server of record e-mails a new token.
#include "base/text.h"
#include "change/member_status.h"
#include "shape.h"

namespace rolegate {
namespace internal {
namespace {

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string& member = op.member;
  const Member* mb = cx.MemberById(member);
  if (mb->status != MemberStatus::kInvited) {
    out->Deny(Reason("not_invited",
                     "member " + Q(member) + " is " + StatusName(mb->status) + ", not invited"));
    return;
  }
  if (!AuthoriseStatusChange(cx, op, out)) return;
  Json inv{{"sentAt", cx.now()}};
  auto rule = cx.M().operation_rules.find("invite");
  if (rule != cx.M().operation_rules.end() && rule->second.invitation_valid_for_days > 0) {
    inv["expiresAt"] = AddDays(cx.now(), rule->second.invitation_valid_for_days);
  }
  cx.UpdateMember(e, member, [&](Json& entry) { entry["invitation"] = inv; });
  cx.Emit(out, i, "invitation_resent", member, Json::object());
}

// It leaves the member invited.
const std::vector<StatusMove> kMoves = {
    {"", {MemberStatus::kInvited}, StatusMove::To::kSame, MemberStatus::kInvited}};

}  // namespace

extern const OpKind kResendInvitation = [] {
  OpKind k = StatusKind("resend_invitation", Apply, &kMoves);
  k.server_sends = "invitation_token";
  return k;
}();

}  // namespace internal
}  // namespace rolegate
