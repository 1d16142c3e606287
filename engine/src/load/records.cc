// Pending records: verifications, approval requests and role requests
// (docs/changes.md, section 1).
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
namespace {

// A record's field as text, "" when it is not. The records are kept typed as they
// are read; a bundle with an error in one is refused whole, so only valid records
// are ever used.
std::string Text(const Json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void BundleReader::ReadVerifications() {
  const Json* list = shape_.Array(doc_, "verifications", "", false, limits_.max_members);
  if (list == nullptr) return;
  std::set<std::string> ids;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/verifications", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(
            item, p,
            {"id", "member", "role", "scope", "rule", "method", "issuedAt", "expiresAt"})) {
      continue;
    }
    if (const std::string* id = shape_.Id(item, "id", p, true); id && !ids.insert(*id).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "id"), "duplicate id " + Q(*id));
    }
    ResolveField(item, "member", p, m_->member_index, "unknown_member", "member", true);
    ResolveField(item, "role", p, m_->role_index, "unknown_role", "role", true);
    ResolveField(item, "scope", p, m_->scope_index, "unknown_scope", "scope", true);
    if (const std::string* r = shape_.Id(item, "rule", p, true)) {
      bool known = false;
      for (const SelfUpgrade& u : m_->self_upgrades) known = known || u.id == *r;
      if (!known) {
        shape_.Add("unknown_rule", PointerAppend(p, "rule"), "unknown self-upgrade rule " + Q(*r));
      }
    }
    shape_.Id(item, "method", p, true);
    shape_.Timestamp(item, "issuedAt", p, true);
    shape_.Timestamp(item, "expiresAt", p, true);
    m_->verifications.push_back(VerificationRecord{
        Text(item, "id"), Text(item, "member"), Text(item, "role"), Text(item, "scope"),
        Text(item, "rule"), Text(item, "method"), Text(item, "issuedAt"), Text(item, "expiresAt")});
  }
}

void BundleReader::ReadApprovalRequests() {
  const Json* list = shape_.Array(doc_, "approvalRequests", "", false, limits_.max_members);
  if (list == nullptr) return;
  std::set<std::string> ids;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/approvalRequests", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(item, p,
                       {"id", "group", "requester", "rule", "action", "resource", "attributes",
                        "operation", "createdAt", "expiresAt", "decisions"})) {
      continue;
    }
    if (const std::string* id = shape_.Id(item, "id", p, true); id && !ids.insert(*id).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "id"), "duplicate id " + Q(*id));
    }
    shape_.Id(item, "group", p, false);
    ResolveField(item, "requester", p, m_->member_index, "unknown_member", "member", true);
    if (const std::string* r = shape_.Id(item, "rule", p, true)) {
      bool known = false;
      for (const ApprovalRule& a : m_->approval_rules) known = known || a.id == *r;
      if (!known) {
        shape_.Add("unknown_rule", PointerAppend(p, "rule"), "unknown approval rule " + Q(*r));
      }
    }
    ResolveField(item, "action", p, m_->permission_index, "unknown_action", "action", true);
    ResolveField(item, "resource", p, m_->scope_index, "unknown_scope", "scope", true);
    shape_.ScalarMap(item, "attributes", p);
    if (const Json* op = shape_.Field(item, "operation", p, true); op && !op->is_object()) {
      shape_.Add("wrong_type", PointerAppend(p, "operation"), "expected an operation object");
    }
    shape_.Timestamp(item, "createdAt", p, true);
    shape_.Timestamp(item, "expiresAt", p, false);
    if (const Json* ds = shape_.Array(item, "decisions", p, true, limits_.max_list)) {
      for (size_t k = 0; k < ds->size(); ++k) {
        std::string dp = PointerAppend(PointerAppend(p, "decisions"), k);
        const Json& d = (*ds)[k];
        if (!shape_.Object(d, dp, {"member", "decision", "at"})) continue;
        ResolveField(d, "member", dp, m_->member_index, "unknown_member", "member", true);
        if (const std::string* v = shape_.String(d, "decision", dp, true);
            v && *v != "approve" && *v != "reject") {
          shape_.Add("invalid_value", PointerAppend(dp, "decision"),
                     "unknown decision " + Q(*v) + ": expected approve or reject");
        }
        shape_.Timestamp(d, "at", dp, true);
      }
    }
    ApprovalRequestRecord r;
    r.id = Text(item, "id");
    r.group = Text(item, "group");
    r.requester = Text(item, "requester");
    r.rule = Text(item, "rule");
    r.action = Text(item, "action");
    r.resource = Text(item, "resource");
    r.created_at = Text(item, "createdAt");
    if (item.contains("expiresAt")) r.expires_at = Text(item, "expiresAt");
    if (auto op = item.find("operation"); op != item.end()) r.operation = *op;
    if (auto ds = item.find("decisions"); ds != item.end() && ds->is_array()) {
      for (const Json& d : *ds) {
        if (!d.is_object()) continue;
        r.decisions.push_back({Text(d, "member"), Text(d, "decision"), Text(d, "at")});
      }
    }
    m_->approval_requests.push_back(std::move(r));
  }
}

void BundleReader::ReadRoleRequests() {
  const Json* list = shape_.Array(doc_, "roleRequests", "", false, limits_.max_members);
  if (list == nullptr) return;
  std::set<std::string> ids;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/roleRequests", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(
            item, p,
            {"id", "requester", "role", "scope", "reason", "until", "createdAt", "expiresAt"})) {
      continue;
    }
    if (const std::string* id = shape_.Id(item, "id", p, true); id && !ids.insert(*id).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "id"), "duplicate id " + Q(*id));
    }
    ResolveField(item, "requester", p, m_->member_index, "unknown_member", "member", true);
    ResolveField(item, "role", p, m_->role_index, "unknown_role", "role", true);
    ResolveField(item, "scope", p, m_->scope_index, "unknown_scope", "scope", true);
    if (const std::string* r = shape_.String(item, "reason", p, false);
        r && Utf8Length(*r) > kMaxRequestReason) {
      shape_.Add("invalid_value", PointerAppend(p, "reason"),
                 "a reason has at most " + std::to_string(kMaxRequestReason) + " characters");
    }
    shape_.Timestamp(item, "until", p, false);
    shape_.Timestamp(item, "createdAt", p, true);
    shape_.Timestamp(item, "expiresAt", p, false);
    RoleRequestRecord r;
    r.id = Text(item, "id");
    r.requester = Text(item, "requester");
    r.role = Text(item, "role");
    r.scope = Text(item, "scope");
    r.created_at = Text(item, "createdAt");
    for (auto [key, field] : {std::pair{"reason", &r.reason}, std::pair{"until", &r.until},
                              std::pair{"expiresAt", &r.expires_at}}) {
      if (item.contains(key)) *field = Text(item, key);
    }
    m_->role_requests.push_back(std::move(r));
  }
}

}  // namespace internal
}  // namespace rolegate
