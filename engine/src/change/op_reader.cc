#include "change/op_reader.h"

#include "base/text.h"
#include "change/operation.h"
#include "change/registry.h"

namespace rolegate {
namespace internal {

OpReader::OpReader(const Model& m, const Limits& limits, Errors* errors)
    : m_(m), limits_(limits), shape_(errors), members_(m.member_index), roles_(m.role_index) {
  for (const ApprovalRule& r : m.approval_rules) rules_.insert(r.id);
  for (const ApprovalRequestRecord& r : m.approval_requests) requests_.insert(r.id);
  for (const RoleRequestRecord& r : m.role_requests) requests_.insert(r.id);
}

void OpReader::Operation(const Json& op, const std::string& p) {
  if (!op.is_object()) {
    shape_.Add("wrong_type", p, "expected an operation object");
    return;
  }
  const std::string* name = shape_.String(op, "op", p, true);
  if (name == nullptr) return;
  const OpKind* kind = FindOpKind(*name);
  if (kind == nullptr) {
    shape_.Add("unknown_operation", PointerAppend(p, "op"), "unknown operation " + Q(*name));
    return;
  }
  shape_.ScalarMap(op, "attributes", p);
  kind->read(*this, op, p);
}

void OpReader::Member(const Json& op, const std::string& p, bool required) {
  if (const std::string* id = shape_.Id(op, "member", p, required); id && !members_.count(*id)) {
    shape_.Add("unknown_member", PointerAppend(p, "member"), "unknown member " + Q(*id));
  }
}

void OpReader::Role(const Json& op, const std::string& p) {
  if (const std::string* id = shape_.Id(op, "role", p, true); id && !roles_.count(*id)) {
    shape_.Add("unknown_role", PointerAppend(p, "role"), "unknown role " + Q(*id));
  }
}

void OpReader::Scope(const Json& op, const std::string& p, bool required) {
  if (const std::string* id = shape_.Id(op, "scope", p, required);
      id && !m_.scope_index.count(*id)) {
    shape_.Add("unknown_scope", PointerAppend(p, "scope"), "unknown scope " + Q(*id));
  }
}

void OpReader::Scopes(const Json& op, const std::string& p) {
  bool one = op.contains("scope"), many = op.contains("scopes");
  if (one == many) {
    shape_.Add("missing_field", p, "give exactly one of `scope` or `scopes`");
    return;
  }
  if (one) return Scope(op, p, true);
  for (const IdAt& s : shape_.IdList(op, "scopes", p, true, limits_.max_list, true)) {
    if (!m_.scope_index.count(s.id)) {
      shape_.Add("unknown_scope", s.pointer, "unknown scope " + Q(s.id));
    }
  }
}

void OpReader::NewMember(const Json& v, const std::string& p) {
  if (!shape_.Object(v, p,
                     {"id", "email", "name", "kind", "registered", "brandingDomain", "language"})) {
    return;
  }
  if (const std::string* id = shape_.Id(v, "id", p, true)) {
    if (!members_.insert(*id)) {
      shape_.Add("duplicate_id", PointerAppend(p, "id"), "member " + Q(*id) + " already exists");
    }
  }
  for (const char* k : {"email", "name", "kind", "brandingDomain", "language"}) {
    shape_.String(v, k, p, false);
  }
  shape_.Bool(v, "registered", p);
}

void OpReader::MemberOrNew(const Json& op, const std::string& p, bool existing_ok) {
  const Json* mb = shape_.Field(op, "member", p, true);
  if (mb == nullptr) return;
  if (mb->is_object()) {
    NewMember(*mb, PointerAppend(p, "member"));
  } else if (existing_ok) {
    Member(op, p, true);
  } else {
    shape_.Add("wrong_type", PointerAppend(p, "member"), "expected the new member's details");
  }
}

void OpReader::Proof(const Json& op, const std::string& p, const char* key, size_t max) {
  if (const std::string* s = shape_.String(op, key, p, false)) {
    if (s->empty() || Utf8Length(*s) > max) {
      shape_.Add("invalid_value", PointerAppend(p, key),
                 std::string("`") + key + "` must be 1 to " + std::to_string(max) + " characters");
    }
  }
}

void OpReader::Setup(const Json& op, const std::string& p, bool required) {
  if (const std::string* s = shape_.String(op, "setup", p, required)) {
    if (*s != "send_invite" && *s != "activation_email" && *s != "assign_credentials" &&
        *s != "activate_later") {
      shape_.Add("invalid_value", PointerAppend(p, "setup"),
                 "unknown set-up option " + Q(*s) +
                     ": expected send_invite, activation_email, assign_credentials or "
                     "activate_later");
    }
  }
}

void OpReader::Request(const Json& op, const std::string& p, const char* what) {
  if (const std::string* id = shape_.Id(op, "request", p, true); id && !KnowsRequest(*id)) {
    shape_.Add("unknown_request", PointerAppend(p, "request"),
               std::string("unknown ") + what + " " + Q(*id));
  }
}

void OpReader::RoleOnScope(const Json& op, const std::string& p,
                           std::initializer_list<std::string_view> keys) {
  shape_.Object(op, p, keys);
  Role(op, p);
  Scope(op, p, true);
}

void OpReader::MemberOnScope(const Json& op, const std::string& p, bool scope_required) {
  shape_.Object(op, p, {"op", "attributes", "member", "scope"});
  Member(op, p, true);
  Scope(op, p, scope_required);
}

void OpReader::MemberRoleOnScopes(const Json& op, const std::string& p) {
  shape_.Object(op, p, {"op", "attributes", "member", "role", "scope", "scopes"});
  Member(op, p, true);
  Role(op, p);
  Scopes(op, p);
}

}  // namespace internal
}  // namespace rolegate
