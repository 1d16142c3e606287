#include "change/operation.h"

#include "base/fields.h"
#include "change/registry.h"

namespace rolegate {
namespace internal {
namespace {

// `member`, `role` and `rule` are an id or, for the kinds that create one, an
// object with its id.
void ReadObjectOrId(const Json& op, const char* key, std::string* id, std::optional<Json>* object) {
  auto it = op.find(key);
  if (it == op.end()) return;
  if (it->is_object()) {
    *object = *it;
    *id = StringAt(*it, "id");
  } else if (it->is_string()) {
    *id = it->get<std::string>();
  }
}

}  // namespace

Json OpAttributes(const Json& op) {
  Json attrs = Json::object();
  if (auto it = op.find("attributes"); it != op.end() && it->is_object()) attrs = *it;
  attrs.erase("role");
  attrs.erase("target");
  attrs.erase("registering");
  return attrs;
}

const char* OnMemberName(OnMember on) {
  switch (on) {
    case OnMember::kEveryScope:
      return "every_scope";
    case OnMember::kNamedScope:
      return "named_scope";
    case OnMember::kHeldScope:
      return "held_scope";
    case OnMember::kNot:
      break;
  }
  return "";
}

const char* ConcernsName(Concerns c) {
  switch (c) {
    case Concerns::kMemberScopes:
      return "member_scopes";
    case Concerns::kActorScopes:
      return "actor_scopes";
    case Concerns::kEveryRoot:
      return "every_root";
    case Concerns::kRuleScopes:
      return "rule_scopes";
    case Concerns::kRequest:
      return "request";
    case Concerns::kNamed:
      break;
  }
  return "";
}

Json WithoutProof(const Json& op) {
  if (!op.is_object() || (!op.contains("pin") && !op.contains("token"))) return op;
  Json out = op;
  out.erase("pin");
  out.erase("token");
  return out;
}

Operation TypedOperation(const Json& op) {
  Operation o;
  o.name = StringAt(op, "op");
  o.kind = FindOpKind(o.name);
  o.written = op;
  o.attributes = OpAttributes(op);
  ReadObjectOrId(op, "member", &o.member, &o.new_member);
  ReadObjectOrId(op, "role", &o.role, &o.role_definition);
  ReadObjectOrId(op, "rule", &o.rule, &o.rule_definition);
  o.scope = StringAt(op, "scope");
  if (!o.scope.empty()) o.scopes.push_back(o.scope);
  if (auto it = op.find("scopes"); it != op.end() && it->is_array()) {
    for (const Json& s : *it) {
      if (s.is_string()) o.scopes.push_back(s.get<std::string>());
    }
  }
  if (auto it = op.find("members"); it != op.end() && it->is_array()) {
    o.members.assign(it->begin(), it->end());
  }
  o.setup = StringAt(op, "setup");
  o.request = StringAt(op, "request");
  o.decision = StringAt(op, "decision");
  o.action = StringAt(op, "action");
  o.verification = StringAt(op, "verification");
  o.reason = OptionalString(op, "reason");
  o.until = OptionalString(op, "until");
  for (const char* field : {"name", "email", "language", "brandingDomain"}) {
    if (auto v = OptionalString(op, field)) o.details.emplace_back(field, *v);
  }
  return o;
}

}  // namespace internal
}  // namespace rolegate
