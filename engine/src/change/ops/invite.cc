// invite: adds a member (new, or one added earlier and not yet assigned) with a
// role on a scope, and sets them up (docs/changes.md, "Members").
#include "base/text.h"
#include "change/context.h"
#include "change/op_reader.h"
#include "shape.h"

namespace rolegate {
namespace internal {
namespace {

void Read(OpReader& r, const Json& op, const std::string& p) {
  r.shape().Object(op, p, {"op", "attributes", "member", "role", "scope", "setup"});
  r.MemberOrNew(op, p, true);
  r.Role(op, p);
  r.Scope(op, p, true);
  r.Setup(op, p, false);
}

// The new member's bundle entry: its status and invitation follow the set-up.
Json NewEntry(const Context& cx, const Json& written, const std::string& setup) {
  Json entry = written;
  entry["status"] = setup == "assign_credentials" ? "active"
                    : setup == "activate_later"   ? "pending"
                                                  : "invited";
  if (entry["status"] == "invited") {
    Json inv{{"sentAt", cx.now()}};
    int64_t days = cx.M().operation_rules.at("invite").invitation_valid_for_days;
    if (days > 0) inv["expiresAt"] = AddDays(cx.now(), days);
    entry["invitation"] = inv;
  }
  return entry;
}

void Apply(Context& cx, size_t i, const Operation& op, Edit* e, Outcome* out) {
  const std::string* action = cx.ActionFor("invite", out);
  if (action == nullptr) return;
  const bool is_new = op.new_member.has_value();
  const std::string& member = op.member;
  const std::string& role = op.role;
  const std::string& scope = op.scope;
  const std::string setup = op.setup.empty() ? "send_invite" : op.setup;
  if (!cx.SetupOffered("invite", setup, out)) return;
  if (!is_new && !cx.WithinHome(member, scope, out)) return;
  Member invitee = is_new ? Member() : *cx.MemberById(member);
  if (is_new) {
    invitee.id = member;
    invitee.kind = op.new_member->value("kind", "");
  }
  if (!cx.KindAllowed(invitee, role, out)) return;
  Json attrs = op.attributes;
  attrs["role"] = role;
  if (!is_new) attrs["target"] = member;
  // An unassigned member belongs where it was added: checked there too.
  if (const std::string home = is_new ? "" : cx.HomeOf(member); !home.empty() && home != scope) {
    cx.Check(*action, home, attrs, out);
  }
  cx.Check(*action, scope, attrs, out);
  if (out->effect == Effect::kDeny) return;
  const std::string email =
      is_new ? op.new_member->value("email", "") : cx.MemberById(member)->email;
  if (!cx.EmailReachable(member, email, setup, out)) return;
  if (out->effect != Effect::kAllow) return;
  if (is_new) cx.AddMemberEntry(e, NewEntry(cx, *op.new_member, setup));
  cx.AddBinding(e, member, role, scope);
  Json facts{{"scope", scope}, {"role", role}};
  if (is_new) facts["registered"] = op.new_member->value("registered", true);
  if (setup == "send_invite") cx.Emit(out, i, "member_invited", member, facts);
  if (setup == "activation_email") cx.Emit(out, i, "activation_email", member, facts);
}

}  // namespace

extern const OpKind kInvite = [] {
  OpKind k{"invite",
           /*acts_on_member=*/true,
           /*gives_role=*/true,
           nullptr,
           nullptr,
           Read,
           Apply,
           OnMember::kNot,
           kSetups | kInvitationValidForDays};
  k.server_sends = "invitation_token";  // when it sends the invitation
  return k;
}();

}  // namespace internal
}  // namespace rolegate
