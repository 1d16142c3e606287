// accept_invitation: an invited member accepts, with the invitation's token
// (checked by the server of record only) and becomes active.
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "status.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  // `token`: the invitation's token, opaque here, checked by the server of record.
  r.shape().Object(op, p, {"op", "attributes", "token"});
  r.Proof(op, p, "token", 256);
}

void Apply(Context& cx, size_t i, const Operation&, Edit* e, Outcome* out) {
  const std::string& actor = cx.actor();
  const Member* mb = cx.MemberById(actor);
  if (mb->status != MemberStatus::kInvited) {
    out->Deny(Reason("not_invited", "member " + Q(actor) + " has no open invitation"));
    return;
  }
  if (!mb->invitation_expires_at.empty() && mb->invitation_expires_at <= cx.now()) {
    out->Deny(Reason("invitation_expired", "the invitation expired at " + mb->invitation_expires_at,
                     Json{{"expiresAt", mb->invitation_expires_at}}));
    return;
  }
  cx.UpdateMember(e, actor, [](Json& entry) {
    WriteStatus("accept_invitation", MemberStatus::kInvited, MemberStatus::kActive, &entry);
    entry["registered"] = true;
  });
  cx.Emit(out, i, "invitation_accepted", actor, Json::object());
}

}  // namespace

extern const OpKind kAcceptInvitation{
    "accept_invitation", false, false, "invitation_token", nullptr, Read, Apply};

}  // namespace internal
}  // namespace rolegate
