// Pending records: verifications, approval requests and role requests
// (docs/changes.md, section 1).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "base/fields.h"
#include "base/text.h"
#include "change/events.h"
#include "change/registry.h"
#include "load/reader.h"
#include "member_fields.h"
#include "scope_limits.h"

namespace rolegate {
namespace internal {

void BundleReader::ReadVerifications() {
  const Json* list = shape_.Array(*doc_, "verifications", "", false, limits_.max_members);
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
    // Kept typed (model.h); a bundle with an error in a record is refused whole, so
    // only valid records are ever used.
    m_->verifications.push_back(VerificationRecord{
        StringAt(item, "id"), StringAt(item, "member"), StringAt(item, "role"),
        StringAt(item, "scope"), StringAt(item, "rule"), StringAt(item, "method"),
        StringAt(item, "issuedAt"), StringAt(item, "expiresAt")});
  }
}

void BundleReader::ReadApprovalRequests() {
  const Json* list = shape_.Array(*doc_, "approvalRequests", "", false, limits_.max_members);
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
    r.id = StringAt(item, "id");
    r.group = StringAt(item, "group");
    r.requester = StringAt(item, "requester");
    r.rule = StringAt(item, "rule");
    r.action = StringAt(item, "action");
    r.resource = StringAt(item, "resource");
    r.created_at = StringAt(item, "createdAt");
    r.expires_at = OptionalString(item, "expiresAt");
    if (auto op = item.find("operation"); op != item.end()) r.operation = *op;
    if (auto ds = item.find("decisions"); ds != item.end() && ds->is_array()) {
      for (const Json& d : *ds) {
        if (!d.is_object()) continue;
        r.decisions.push_back({StringAt(d, "member"), StringAt(d, "decision"), StringAt(d, "at")});
      }
    }
    m_->approval_requests.push_back(std::move(r));
  }
}

void BundleReader::ReadRoleRequests() {
  const Json* list = shape_.Array(*doc_, "roleRequests", "", false, limits_.max_members);
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
    r.id = StringAt(item, "id");
    r.requester = StringAt(item, "requester");
    r.role = StringAt(item, "role");
    r.scope = StringAt(item, "scope");
    r.created_at = StringAt(item, "createdAt");
    r.reason = OptionalString(item, "reason");
    r.until = OptionalString(item, "until");
    r.expires_at = OptionalString(item, "expiresAt");
    m_->role_requests.push_back(std::move(r));
  }
}

}  // namespace internal
}  // namespace rolegate
