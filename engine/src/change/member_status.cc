#include "change/member_status.h"

#include "base/text.h"

namespace rolegate {
namespace internal {

void ReadStatusChange(OpReader& r, const Json& op, const std::string& p) {
  r.MemberOnScope(op, p, false);
}

std::optional<MemberStatus> AuthoriseStatusChange(Context& cx, const Operation& op, Outcome* out) {
  const std::string& member = op.member;
  const Member* mb = cx.MemberById(member);
  // The kind's moves (status.h) say where the operation leads from here:
  // unblocking or enabling gives back the status the member had, never more.
  const std::optional<MemberStatus> next =
      NextStatus(*op.kind, "", mb->status, cx.V().MemberJson(*cx.V().FindMember(member)),
                 cx.checks().status_machine);
  if (!next) {
    out->Deny(Reason("wrong_status",
                     "member " + Q(member) + " is " + StatusName(mb->status) + ", so " +
                         Q(op.name) + " does not apply (only to " + StatusesFrom(*op.kind, "") +
                         " members)",
                     Json{{"status", StatusName(mb->status)}}));
    return std::nullopt;
  }
  cx.CheckOnMemberScopes(op.name, member, op.scope, op.attributes, out);
  if (out->effect != Effect::kAllow) return std::nullopt;
  return next;
}

void MoveStatus(Context& cx, const Operation& op, MemberStatus to, Edit* e) {
  const MemberStatus from = cx.MemberById(op.member)->status;
  cx.UpdateMember(e, op.member, [&](Json& j) { WriteStatus(*op.kind, "", from, to, &j); });
}

bool ApplyStatusChange(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out,
                       const char* event) {
  const std::optional<MemberStatus> to = AuthoriseStatusChange(cx, op, out);
  if (!to) return false;
  MoveStatus(cx, op, *to, e);
  cx.Emit(out, i, event, op.member, Json::object());
  return true;
}

}  // namespace internal
}  // namespace rolegate
