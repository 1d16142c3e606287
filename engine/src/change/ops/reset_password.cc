// reset_password: sends a member a password reset; it changes nothing in the
// bundle.
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "status.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) { r.MemberOnScope(op, p, false); }

void Apply(Context& cx, size_t i, const Operation& op, Edit*, Outcome* out) {
  const MemberStatus status = cx.MemberById(op.member)->status;
  // status.h: a reset leaves the status as it is, from the statuses that have a password.
  if (!NextStatus(*op.kind, "", status, Json::object())) {
    out->Deny(Reason("wrong_status",
                     "member " + Q(op.member) + " is " + StatusName(status) + ": only " +
                         StatusesFrom(*op.kind, "") + " members have a password",
                     Json{{"status", StatusName(status)}}));
    return;
  }
  cx.CheckOnMemberScopes("reset_password", op.member, op.scope, op.attributes, out);
  if (out->effect != Effect::kAllow) return;
  cx.Emit(out, i, "password_reset", op.member, Json::object());
}

// It moves no one: it applies from the statuses that have a password (status.h).
const std::vector<StatusMove> kMoves = {{"",
                                         {MemberStatus::kActive, MemberStatus::kInvited},
                                         StatusMove::To::kSame,
                                         MemberStatus::kActive}};

}  // namespace

extern const OpKind kResetPassword = [] {
  OpKind k{"reset_password", true, false, nullptr, nullptr, Read, Apply, OnMember::kEveryScope};
  k.moves = &kMoves;
  k.concerns = Concerns::kMemberScopes;
  return k;
}();

}  // namespace internal
}  // namespace rolegate
