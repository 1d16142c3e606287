// Members and bindings (docs/format.md, "Members", "Bindings").
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "base/text.h"
#include "change/events.h"
#include "change/registry.h"
#include "load/reader.h"
#include "member_fields.h"
#include "scope_limits.h"

namespace rolegate {
namespace internal {

void BundleReader::ReadMembers(const Json& list) {
  m_->members.resize(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/members", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "email", "name", "kind", "status", "registered", "brandingDomain",
                        "language", "invitation", "addedTo", "blockedFrom", "disabledFrom"})) {
      continue;
    }
    Member& mb = m_->members[i];
    if (const std::string* id = shape_.Id(item, "id", p, true)) mb.id = *id;
    if (const std::string* e = shape_.String(item, "email", p, false)) {
      size_t at = e->find('@');
      if (at == std::string::npos || at == 0 || at + 1 == e->size()) {
        shape_.Add("invalid_value", PointerAppend(p, "email"), Q(*e) + " is not an e-mail address");
      }
      mb.email = *e;
    }
    if (const std::string* s = shape_.String(item, "name", p, false)) mb.name = *s;
    if (const std::string* s = shape_.String(item, "kind", p, false)) mb.kind = *s;
    if (const std::string* s = shape_.String(item, "brandingDomain", p, false)) {
      mb.branding_domain = *s;
    }
    if (const std::string* s = shape_.String(item, "language", p, false)) mb.language = *s;
    mb.added_to =
        ResolveField(item, "addedTo", p, m_->scope_index, "unknown_scope", "scope", false);
    if (const std::string* s = shape_.String(item, "status", p, true)) {
      if (auto st = ParseStatus(*s)) {
        mb.status = *st;
      } else {
        shape_.Add("invalid_value", PointerAppend(p, "status"),
                   "unknown status " + Q(*s) +
                       ": expected pending, invited, active, blocked, disabled or removed");
      }
    }
    mb.registered = shape_.Bool(item, "registered", p).value_or(true);
    ReadSuspension(item, p, mb.status);
    if (const Json* inv = shape_.Field(item, "invitation", p, false)) {
      std::string ip = PointerAppend(p, "invitation");
      if (shape_.Object(*inv, ip, {"sentAt", "expiresAt"})) {
        if (const std::string* t = shape_.Timestamp(*inv, "sentAt", ip, true)) {
          mb.invitation_sent_at = *t;
        }
        if (const std::string* t = shape_.Timestamp(*inv, "expiresAt", ip, false)) {
          mb.invitation_expires_at = *t;
        }
      }
    }
  }
}

void BundleReader::ReadSuspension(const Json& item, const std::string& p, MemberStatus status) {
  // The status a suspension gives back (status.h): `blockedFrom` on a blocked
  // member, `disabledFrom` on a disabled one (or a blocked one blocked from
  // disabled). Unblocking or enabling never gives back more than the member had.
  const std::string* blocked_from = shape_.String(item, "blockedFrom", p, false);
  const std::string* disabled_from = shape_.String(item, "disabledFrom", p, false);
  auto check = [&](const std::string* value, const char* field, bool allowed,
                   std::initializer_list<MemberStatus> statuses, const char* words) {
    if (value == nullptr) return;
    const std::string fp = PointerAppend(p, field);
    if (!allowed) {
      shape_.Add("invalid_value", fp,
                 std::string(field) + " is recorded only for a member it suspends, not for a " +
                     StatusName(status) + " one");
      return;
    }
    std::optional<MemberStatus> s = ParseStatus(*value);
    if (!s || std::find(statuses.begin(), statuses.end(), *s) == statuses.end()) {
      shape_.Add("invalid_value", fp, Q(*value) + " cannot be given back: expected " + words);
    }
  };
  check(blocked_from, "blockedFrom", status == MemberStatus::kBlocked,
        {MemberStatus::kActive, MemberStatus::kInvited, MemberStatus::kPending,
         MemberStatus::kDisabled},
        "active, invited, pending or disabled");
  const bool blocked_while_disabled = blocked_from != nullptr && *blocked_from == "disabled";
  check(disabled_from, "disabledFrom",
        status == MemberStatus::kDisabled ||
            (status == MemberStatus::kBlocked && blocked_while_disabled),
        {MemberStatus::kActive, MemberStatus::kInvited, MemberStatus::kPending},
        "active, invited or pending");
}

void BundleReader::ReadBindings(const Json& list) {
  m_->bindings.resize(list.size());
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/bindings", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "member", "role", "scope", "grantedBy", "grantedAt", "expiresAt"})) {
      continue;
    }
    Binding& b = m_->bindings[i];
    b.member = ResolveField(item, "member", p, m_->member_index, "unknown_member", "member", true);
    b.role = ResolveField(item, "role", p, m_->role_index, "unknown_role", "role", true);
    b.scope = ResolveField(item, "scope", p, m_->scope_index, "unknown_scope", "scope", true);
    if (const std::string* s = shape_.String(item, "grantedBy", p, false)) b.granted_by = *s;
    if (const std::string* s = shape_.Timestamp(item, "grantedAt", p, false)) {
      b.granted_at = *s;
    }
    if (const std::string* s = shape_.Timestamp(item, "expiresAt", p, false)) {
      b.expires_at = *s;
    }
    if (const std::string* id = shape_.Id(item, "id", p, false)) {
      b.id = *id;
    } else if (b.member != kNone && b.role != kNone && b.scope != kNone) {
      b.id = m_->members[b.member].id + "/" + m_->roles[b.role].id + "@" + m_->scopes[b.scope].id;
    }
    if (!b.id.empty() && !ids.emplace(b.id, static_cast<Index>(i)).second) {
      // A derived id repeats exactly when member, role and scope repeat: that is
      // reported as duplicate_binding by CheckBindings.
      if (item.contains("id")) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Q(b.id) + " in `bindings`");
      }
    }
  }
}

void BundleReader::CheckBindings() {
  std::set<std::tuple<Index, Index, Index>> seen;              // member, role, scope
  std::map<std::tuple<Index, Index, Index>, Index> exclusive;  // member, scope, family
  for (size_t i = 0; i < m_->bindings.size(); ++i) {
    const Binding& b = m_->bindings[i];
    if (b.member == kNone || b.role == kNone || b.scope == kNone) continue;
    const Role& role = m_->roles[b.role];
    const Scope& scope = m_->scopes[b.scope];
    std::string p = PointerAppend("/bindings", i);
    if (scope.type != kNone && !((role.assignable_mask >> scope.type) & 1u)) {
      shape_.Add("role_not_assignable_at", PointerAppend(p, "scope"),
                 "role " + Q(role.id) + " cannot be bound on scope " + Q(scope.id) + " of type " +
                     Q(m_->scope_types[scope.type].id));
    }
    if (!role.AllowsKind(m_->members[b.member].kind)) {
      shape_.Add("member_kind_not_allowed", PointerAppend(p, "member"),
                 KindNotAllowedMessage(m_->members[b.member], role));
    }
    if (!seen.insert({b.member, b.role, b.scope}).second) {
      shape_.Add("duplicate_binding", p,
                 "member " + Q(m_->members[b.member].id) + " already holds role " + Q(role.id) +
                     " on scope " + Q(scope.id));
      continue;
    }
    if (role.exclusive && role.family != kNone) {
      auto [it, fresh] =
          exclusive.emplace(std::make_tuple(b.member, b.scope, role.family), static_cast<Index>(i));
      if (!fresh) {
        const Binding& first = m_->bindings[it->second];
        shape_.Add("exclusive_role_conflict", PointerAppend(p, "role"),
                   "member " + Q(m_->members[b.member].id) + " already holds role " +
                       Q(m_->roles[first.role].id) + " of family " + Q(m_->families[role.family]) +
                       " on scope " + Q(scope.id) +
                       ": a member holds one role of this family per scope");
      }
    }
  }
}

}  // namespace internal
}  // namespace rolegate
