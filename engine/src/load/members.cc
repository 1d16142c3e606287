// Members and bindings (docs/format.md, "Members", "Bindings").
#include <algorithm>
#include <cstdio>
#include <functional>
#include <string_view>
#include <tuple>

#include "base/text.h"
#include "change/events.h"
#include "change/registry.h"
#include "load/reader.h"
#include "member_fields.h"
#include "scope_limits.h"

namespace rolegate {
namespace internal {

void BundleReader::MemberElement(size_t i, const Json& item) {
  RegisterId(item, "members", i, &m_->member_index);
  Member& mb = m_->members.emplace_back();
  std::string p = PointerAppend("/members", i);
  if (!shape_.Object(item, p,
                     {"id", "email", "name", "kind", "status", "registered", "brandingDomain",
                      "language", "invitation", "addedTo", "blockedFrom", "disabledFrom"})) {
    streamed_[kMemberList].refs.emplace_back();
    return;
  }
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
  AddRef(kMemberList, item, "addedTo", p, false);
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

void BundleReader::ResolveMembers() {
  for (size_t i = 0; i < m_->members.size(); ++i) {
    m_->members[i].added_to =
        ResolveRef(kMemberList, i, 0, "addedTo", m_->scope_index, "unknown_scope", "scope");
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

void BundleReader::BindingElement(size_t i, const Json& item) {
  Streamed& st = streamed_[kBindingList];
  Binding& b = m_->bindings.emplace_back();
  st.id_written.push_back(item.is_object() && item.contains("id"));
  std::string p = PointerAppend("/bindings", i);
  if (!shape_.Object(item, p,
                     {"id", "member", "role", "scope", "grantedBy", "grantedAt", "expiresAt"})) {
    st.refs.resize(st.refs.size() + 3);
    return;
  }
  AddRef(kBindingList, item, "member", p, true);
  AddRef(kBindingList, item, "role", p, true);
  AddRef(kBindingList, item, "scope", p, true);
  shape_.String(item, "grantedBy", p, false);
  shape_.Timestamp(item, "grantedAt", p, false);
  if (const std::string* s = shape_.Timestamp(item, "expiresAt", p, false)) b.expires_at = *s;
  if (const std::string* id = shape_.Id(item, "id", p, false)) b.id = *id;
}

void BundleReader::ResolveBindings() {
  const Streamed& st = streamed_[kBindingList];
  std::vector<Binding>& bindings = m_->bindings;
  // Repeated ids, found with a table of binding indexes rather than of copies of
  // the ids: open addressing, at most half full.
  size_t capacity = 16;
  while (capacity < 2 * bindings.size()) capacity <<= 1;
  std::vector<Index> table(capacity, kNone);
  const std::hash<std::string_view> hash;
  for (size_t i = 0; i < bindings.size(); ++i) {
    Binding& b = bindings[i];
    b.member =
        ResolveRef(kBindingList, i, 0, "member", m_->member_index, "unknown_member", "member");
    b.role = ResolveRef(kBindingList, i, 1, "role", m_->role_index, "unknown_role", "role");
    b.scope = ResolveRef(kBindingList, i, 2, "scope", m_->scope_index, "unknown_scope", "scope");
    if (b.id.empty() && b.member != kNone && b.role != kNone && b.scope != kNone) {
      const std::string& member = m_->members[b.member].id;
      const std::string& role = m_->roles[b.role].id;
      const std::string& scope = m_->scopes[b.scope].id;
      b.id.reserve(member.size() + role.size() + scope.size() + 2);
      b.id.append(member).append("/").append(role).append("@").append(scope);
    }
    if (b.id.empty()) continue;
    for (size_t h = hash(b.id) & (capacity - 1);; h = (h + 1) & (capacity - 1)) {
      if (table[h] == kNone) {
        table[h] = static_cast<Index>(i);
        break;
      }
      if (bindings[table[h]].id != b.id) continue;
      // A derived id repeats exactly when member, role and scope repeat: that is
      // reported as duplicate_binding by CheckBindings.
      if (st.id_written[i]) {
        shape_.Add("duplicate_id", PointerAppend(PointerAppend("/bindings", i), "id"),
                   "duplicate id " + Q(b.id) + " in `bindings`");
      }
      break;
    }
  }
}

void BundleReader::CheckBindings() {
  const std::vector<Binding>& bindings = m_->bindings;
  const auto resolved = [](const Binding& b) {
    return b.member != kNone && b.role != kNone && b.scope != kNone;
  };
  // For each binding, the first (in the bindings' order) with the same member, role
  // and scope, and the first with the same member, scope and family of an exclusive
  // role: found by sorting, which stays cheap for a million bindings.
  struct Key {
    Index a, b, c, i;
    bool operator<(const Key& o) const {
      return std::tie(a, b, c, i) < std::tie(o.a, o.b, o.c, o.i);
    }
  };
  const auto firsts = [&bindings](std::vector<Key>* keys) {
    std::sort(keys->begin(), keys->end());
    std::vector<Index> first(bindings.size(), kNone);
    for (size_t k = 1, run = 0; k < keys->size(); ++k) {
      const Key& x = (*keys)[k];
      const Key& y = (*keys)[run];
      if (x.a == y.a && x.b == y.b && x.c == y.c) {
        first[x.i] = y.i;
      } else {
        run = k;
      }
    }
    return first;
  };
  std::vector<Key> keys;
  keys.reserve(bindings.size());
  for (size_t i = 0; i < bindings.size(); ++i) {
    const Binding& b = bindings[i];
    if (resolved(b)) keys.push_back({b.member, b.role, b.scope, static_cast<Index>(i)});
  }
  const std::vector<Index> repeats = firsts(&keys);
  keys.clear();
  for (size_t i = 0; i < bindings.size(); ++i) {
    const Binding& b = bindings[i];
    if (!resolved(b) || repeats[i] != kNone) continue;
    const Role& role = m_->roles[b.role];
    if (role.exclusive && role.family != kNone) {
      keys.push_back({b.member, b.scope, role.family, static_cast<Index>(i)});
    }
  }
  const std::vector<Index> conflicts = firsts(&keys);

  for (size_t i = 0; i < bindings.size(); ++i) {
    const Binding& b = bindings[i];
    if (!resolved(b)) continue;
    const Role& role = m_->roles[b.role];
    const Scope& scope = m_->scopes[b.scope];
    if (scope.type != kNone && !((role.assignable_mask >> scope.type) & 1u)) {
      shape_.Add("role_not_assignable_at", PointerAppend(PointerAppend("/bindings", i), "scope"),
                 "role " + Q(role.id) + " cannot be bound on scope " + Q(scope.id) + " of type " +
                     Q(m_->scope_types[scope.type].id));
    }
    if (!role.AllowsKind(m_->members[b.member].kind)) {
      shape_.Add("member_kind_not_allowed", PointerAppend(PointerAppend("/bindings", i), "member"),
                 KindNotAllowedMessage(m_->members[b.member], role));
    }
    if (repeats[i] != kNone) {
      shape_.Add("duplicate_binding", PointerAppend("/bindings", i),
                 "member " + Q(m_->members[b.member].id) + " already holds role " + Q(role.id) +
                     " on scope " + Q(scope.id));
      continue;
    }
    if (conflicts[i] != kNone) {
      const Binding& first = bindings[conflicts[i]];
      shape_.Add("exclusive_role_conflict", PointerAppend(PointerAppend("/bindings", i), "role"),
                 "member " + Q(m_->members[b.member].id) + " already holds role " +
                     Q(m_->roles[first.role].id) + " of family " + Q(m_->families[role.family]) +
                     " on scope " + Q(scope.id) +
                     ": a member holds one role of this family per scope");
    }
  }
}

}  // namespace internal
}  // namespace rolegate
