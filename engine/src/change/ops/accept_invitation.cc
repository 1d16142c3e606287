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

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
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
  cx.UpdateMember(e, actor, [&op](Json& entry) {
    WriteStatus(*op.kind, "", MemberStatus::kInvited, MemberStatus::kActive, &entry);
    entry["registered"] = true;
  });
  cx.Emit(out, i, "invitation_accepted", actor, Json::object());
}

const std::vector<StatusMove> kMoves = {
    {"", {MemberStatus::kInvited}, StatusMove::To::kFixed, MemberStatus::kActive}};

}  // namespace

extern const OpKind kAcceptInvitation = [] {
  OpKind k{"accept_invitation", false, false, "invitation_token", nullptr, Read, Apply};
  k.moves = &kMoves;
  k.concerns = Concerns::kActorScopes;
  k.every_policy = true;  // the invitation authorises it
  return k;
}();

}  // namespace internal
}  // namespace rolegate
