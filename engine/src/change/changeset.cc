#include "changeset.h"

#include <set>

#include "bundle.h"
#include "shape.h"
#include "vocabulary.h"
#include "base/text.h"

namespace rolegate {
namespace internal {
namespace {


class ChangeSetReader {
 public:
  // Ids are looked up in the bundle's indexes; the sets hold only what the
  // change set creates (and, for the small lists, what the bundle has).
  ChangeSetReader(const Model& m, const Limits& limits, Errors* errors)
      : m_(m), limits_(limits), shape_(errors), members_(m.member_index),
        roles_(m.role_index) {
    for (const ApprovalRule& r : m.approval_rules) rules_.insert(r.id);
    for (const char* list : {"approvalRequests", "roleRequests"}) {
      if (auto it = m.bundle.find(list); it != m.bundle.end()) {
        for (const Json& r : *it) requests_.insert(r.value("id", ""));
      }
    }
  }

  void Operation(const Json& op, const std::string& p);

 private:
  void CheckMember(const Json& op, const std::string& p, bool required) {
    if (const std::string* id = shape_.Id(op, "member", p, required); id && !members_.count(*id)) {
      shape_.Add("unknown_member", PointerAppend(p, "member"), "unknown member " + Q(*id));
    }
  }
  void CheckRole(const Json& op, const std::string& p) {
    if (const std::string* id = shape_.Id(op, "role", p, true); id && !roles_.count(*id)) {
      shape_.Add("unknown_role", PointerAppend(p, "role"), "unknown role " + Q(*id));
    }
  }
  void CheckScope(const Json& op, const std::string& p, bool required) {
    if (const std::string* id = shape_.Id(op, "scope", p, required);
        id && !m_.scope_index.count(*id)) {
      shape_.Add("unknown_scope", PointerAppend(p, "scope"), "unknown scope " + Q(*id));
    }
  }
  void CheckScopes(const Json& op, const std::string& p) {
    bool one = op.contains("scope"), many = op.contains("scopes");
    if (one == many) {
      shape_.Add("missing_field", p, "give exactly one of `scope` or `scopes`");
      return;
    }
    if (one) return CheckScope(op, p, true);
    for (const IdAt& s : shape_.IdList(op, "scopes", p, true, limits_.max_list, true)) {
      if (!m_.scope_index.count(s.id)) {
        shape_.Add("unknown_scope", s.pointer, "unknown scope " + Q(s.id));
      }
    }
  }
  // A new member object: {"id", "email"?, "name"?, "kind"?, "registered"?}.
  void NewMember(const Json& v, const std::string& p) {
    if (!shape_.Object(v, p, {"id", "email", "name", "kind", "registered", "brandingDomain",
                              "language"})) {
      return;
    }
    if (const std::string* id = shape_.Id(v, "id", p, true)) {
      if (!members_.insert(*id)) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "member " + Q(*id) + " already exists");
      }
    }
    for (const char* k : {"email", "name", "kind", "brandingDomain", "language"}) {
      shape_.String(v, k, p, false);
    }
    shape_.Bool(v, "registered", p);
  }
  // An optional secret an operation carries: a non-empty string of at most `max`
  // characters, never read by the engine.
  void Proof(const Json& op, const std::string& p, const char* key, size_t max) {
    if (const std::string* s = shape_.String(op, key, p, false)) {
      if (s->empty() || Utf8Length(*s) > max) {
        shape_.Add("invalid_value", PointerAppend(p, key),
                   std::string("`") + key + "` must be 1 to " + std::to_string(max) +
                       " characters");
      }
    }
  }
  void Setup(const Json& op, const std::string& p, bool required) {
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

  const Model& m_;
  const Limits& limits_;
  Shape shape_;
  // Ids of the bundle plus those created by earlier operations.
  class Known {
   public:
    explicit Known(const IdIndex& base) : base_(base) {}
    size_t count(const std::string& id) const { return base_.count(id) + created_.count(id); }
    // Adds `id`; false when it is known already.
    bool insert(const std::string& id) { return !count(id) && created_.insert(id).second; }

   private:
    const IdIndex& base_;
    std::set<std::string> created_;
  };
  Known members_, roles_;
  std::set<std::string> rules_, requests_;
};

void ChangeSetReader::Operation(const Json& op, const std::string& p) {
  if (!op.is_object()) {
    shape_.Add("wrong_type", p, "expected an operation object");
    return;
  }
  const std::string* kind = shape_.String(op, "op", p, true);
  if (kind == nullptr) return;
  const std::string& k = *kind;
  if (!InVocabulary(kOperationKinds, k)) {
    shape_.Add("unknown_operation", PointerAppend(p, "op"), "unknown operation " + Q(k));
    return;
  }
  shape_.ScalarMap(op, "attributes", p);
  if (k == "invite") {
    shape_.Object(op, p, {"op", "attributes", "member", "role", "scope", "setup"});
    if (const Json* mb = shape_.Field(op, "member", p, true)) {
      if (mb->is_object()) {
        NewMember(*mb, PointerAppend(p, "member"));
      } else {
        CheckMember(op, p, true);
      }
    }
    CheckRole(op, p);
    CheckScope(op, p, true);
    Setup(op, p, false);
  } else if (k == "resend_invitation" || k == "delete_member" || k == "block" ||
             k == "unblock" || k == "disable" || k == "enable" || k == "reset_password") {
    shape_.Object(op, p, {"op", "attributes", "member", "scope"});
    CheckMember(op, p, true);
    CheckScope(op, p, false);
  } else if (k == "accept_invitation") {
    // `token`: the invitation's token, opaque here, checked by the server of record.
    shape_.Object(op, p, {"op", "attributes", "token"});
    Proof(op, p, "token", 256);
  } else if (k == "assign_role" || k == "revoke_role") {
    shape_.Object(op, p, {"op", "attributes", "member", "role", "scope", "scopes"});
    CheckMember(op, p, true);
    CheckRole(op, p);
    CheckScopes(op, p);
  } else if (k == "change_role") {
    shape_.Object(op, p, {"op", "attributes", "member", "role", "scope"});
    CheckMember(op, p, true);
    CheckRole(op, p);
    CheckScope(op, p, true);
  } else if (k == "remove_role") {
    shape_.Object(op, p, {"op", "attributes", "member", "role"});
    CheckMember(op, p, true);
    CheckRole(op, p);
  } else if (k == "remove_member") {
    shape_.Object(op, p, {"op", "attributes", "member", "scope"});
    CheckMember(op, p, true);
    CheckScope(op, p, true);
  } else if (k == "edit_member") {
    shape_.Object(op, p, {"op", "attributes", "member", "scope", "name", "email", "language",
                          "brandingDomain"});
    CheckMember(op, p, true);
    CheckScope(op, p, false);
    for (const char* f : {"name", "email", "language", "brandingDomain"}) {
      shape_.String(op, f, p, false);
    }
  } else if (k == "add_members") {
    shape_.Object(op, p, {"op", "attributes", "scope", "members"});
    CheckScope(op, p, true);
    if (const Json* list = shape_.Array(op, "members", p, true, limits_.max_list, true)) {
      for (size_t i = 0; i < list->size(); ++i) {
        NewMember((*list)[i], PointerAppend(PointerAppend(p, "members"), i));
      }
    }
  } else if (k == "activate_member") {
    shape_.Object(op, p, {"op", "attributes", "member", "setup", "role", "scope"});
    CheckMember(op, p, true);
    Setup(op, p, true);
    if (op.contains("role")) CheckRole(op, p);
    CheckScope(op, p, op.contains("role"));
  } else if (k == "complete_self_upgrade") {
    // `pin`: the PIN the member received, opaque here, checked by the server of record.
    shape_.Object(op, p, {"op", "attributes", "role", "scope", "pin", "verification"});
    CheckRole(op, p);
    CheckScope(op, p, true);
    Proof(op, p, "pin", 64);
    shape_.Id(op, "verification", p, false);
  } else if (k == "resend_verification") {
    shape_.Object(op, p, {"op", "attributes", "role", "scope", "verification"});
    CheckRole(op, p);
    CheckScope(op, p, true);
    shape_.Id(op, "verification", p, false);
  } else if (k == "request_self_upgrade" || k == "claim_role") {
    shape_.Object(op, p, {"op", "attributes", "role", "scope"});
    CheckRole(op, p);
    CheckScope(op, p, true);
  } else if (k == "define_role" || k == "edit_role") {
    shape_.Object(op, p, {"op", "attributes", "role", "scope"});
    CheckScope(op, p, true);
    if (const Json* r = shape_.Field(op, "role", p, true)) {
      std::string rp = PointerAppend(p, "role");
      if (!r->is_object()) {
        shape_.Add("wrong_type", rp, "expected a role object");
      } else if (const std::string* id = shape_.Id(*r, "id", rp, true)) {
        if (k == "define_role" && !roles_.insert(*id)) {
          shape_.Add("duplicate_id", PointerAppend(rp, "id"), "role " + Q(*id) + " already exists");
        } else if (k == "edit_role" && !roles_.count(*id)) {
          shape_.Add("unknown_role", PointerAppend(rp, "id"), "unknown role " + Q(*id));
        }
      }
    }
  } else if (k == "delete_role") {
    shape_.Object(op, p, {"op", "attributes", "role", "scope"});
    CheckRole(op, p);
    CheckScope(op, p, true);
  } else if (k == "set_approval_rule") {
    shape_.Object(op, p, {"op", "attributes", "rule", "scope"});
    CheckScope(op, p, true);
    if (const Json* r = shape_.Field(op, "rule", p, true)) {
      std::string rp = PointerAppend(p, "rule");
      if (!r->is_object()) {
        shape_.Add("wrong_type", rp, "expected an approval rule object");
      } else {
        if (const std::string* id = shape_.Id(*r, "id", rp, true)) rules_.insert(*id);
        // Where the rule holds decides where setting it is checked: its scopes
        // must exist (the rest of the rule is judged as a load would).
        if (r->contains("scopes") && (*r)["scopes"].is_array()) {
          for (const IdAt& s : shape_.IdList(*r, "scopes", rp, false, limits_.max_list)) {
            if (!m_.scope_index.count(s.id)) {
              shape_.Add("unknown_scope", s.pointer, "unknown scope " + Q(s.id));
            }
          }
        }
      }
    }
  } else if (k == "delete_approval_rule") {
    shape_.Object(op, p, {"op", "attributes", "rule", "scope"});
    CheckScope(op, p, true);
    if (const std::string* id = shape_.Id(op, "rule", p, true); id && !rules_.count(*id)) {
      shape_.Add("unknown_rule", PointerAppend(p, "rule"), "unknown approval rule " + Q(*id));
    }
  } else if (k == "register") {
    // A new member signing up and choosing a role, as a self-upgrade would.
    shape_.Object(op, p, {"op", "attributes", "member", "role", "scope"});
    if (const Json* mb = shape_.Field(op, "member", p, true)) {
      if (mb->is_object()) {
        NewMember(*mb, PointerAppend(p, "member"));
      } else {
        shape_.Add("wrong_type", PointerAppend(p, "member"), "expected the new member's details");
      }
    }
    CheckRole(op, p);
    CheckScope(op, p, true);
  } else if (k == "perform") {
    // A domain transaction, authorised by the permission it names.
    shape_.Object(op, p, {"op", "attributes", "action", "scope"});
    CheckScope(op, p, true);
    if (const std::string* a = shape_.Id(op, "action", p, true)) {
      const Index* perm = m_.permission_index.Get(*a);
      if (perm == nullptr) {
        shape_.Add("unknown_permission", PointerAppend(p, "action"),
                   "unknown permission " + Q(*a) + ": `perform` takes a permission id");
      } else if (m_.permissions[*perm].rank_limited) {
        shape_.Add("invalid_value", PointerAppend(p, "action"),
                   "permission " + Q(*a) +
                       " manages members' roles: it is exercised by the member operations, "
                       "not by `perform`");
      }
    }
  } else if (k == "request_role") {
    // A member asking for a role on a scope, with an optional reason and the time
    // the role should end (`until`).
    shape_.Object(op, p, {"op", "attributes", "role", "scope", "reason", "until"});
    CheckRole(op, p);
    CheckScope(op, p, true);
    if (const std::string* r = shape_.String(op, "reason", p, false);
        r && Utf8Length(*r) > kMaxRequestReason) {
      shape_.Add("invalid_value", PointerAppend(p, "reason"),
                 "a reason has at most " + std::to_string(kMaxRequestReason) + " characters");
    }
    shape_.Timestamp(op, "until", p, false);
  } else if (k == "withdraw_request") {
    shape_.Object(op, p, {"op", "attributes", "request"});
    if (const std::string* id = shape_.Id(op, "request", p, true); id && !requests_.count(*id)) {
      shape_.Add("unknown_request", PointerAppend(p, "request"), "unknown request " + Q(*id));
    }
  } else if (k == "decide_request" || k == "apply_approved") {
    if (k == "decide_request") {
      shape_.Object(op, p, {"op", "attributes", "request", "decision"});
      if (const std::string* d = shape_.String(op, "decision", p, true);
          d && *d != "approve" && *d != "reject") {
        shape_.Add("invalid_value", PointerAppend(p, "decision"),
                   "unknown decision " + Q(*d) + ": expected approve or reject");
      }
    } else {
      shape_.Object(op, p, {"op", "attributes", "request"});
    }
    if (const std::string* id = shape_.Id(op, "request", p, true); id && !requests_.count(*id)) {
      shape_.Add("unknown_request", PointerAppend(p, "request"),
                 "unknown approval request " + Q(*id));
    }
  }
}

}  // namespace

Errors ReadOperation(const Model& m, const Json& op) {
  Errors errors;
  Limits limits;
  ChangeSetReader(m, limits, &errors).Operation(op, "");
  SortErrors(&errors);
  return errors;
}

Errors ReadChangeSet(const Model& m, const Json& doc, const Limits& limits, ChangeSet* out) {
  Errors errors;
  Shape shape(&errors);
  if (!shape.Object(doc, "", {"$schema", "format", "baseRevision", "actor", "now", "operations"})) {
    return errors;
  }
  shape.String(doc, "$schema", "", false);  // for editors; the engine ignores it
  if (const std::string* f = shape.String(doc, "format", "", false);
      f && *f != "rolegate-changeset/1") {
    shape.Add("unsupported_format", "/format",
              "unsupported format " + Q(*f) + ": expected `rolegate-changeset/1`");
  }
  if (const std::string* r = shape.String(doc, "baseRevision", "", true)) {
    out->base_revision = *r;
  }
  out->operations = shape.Array(doc, "operations", "", true, limits.max_rules);
  // Who registers is the member being registered: they act before they exist.
  std::string registering;
  if (out->operations != nullptr && !out->operations->empty()) {
    const Json& first = (*out->operations)[0];
    if (first.is_object() && first.value("op", Json()) == "register" &&
        first.contains("member") && first["member"].is_object() &&
        first["member"].contains("id") && first["member"]["id"].is_string()) {
      registering = first["member"]["id"].get<std::string>();
    }
  }
  if (const std::string* a = shape.Id(doc, "actor", "", true)) {
    out->actor = *a;
    if (!m.member_index.count(*a) && *a != registering) {
      shape.Add("unknown_member", "/actor", "unknown member " + Q(*a));
    }
  }
  if (const std::string* n = shape.Timestamp(doc, "now", "", true)) out->now = *n;
  if (out->operations != nullptr) {
    ChangeSetReader reader(m, limits, &errors);
    for (size_t i = 0; i < out->operations->size(); ++i) {
      const Json& op = (*out->operations)[i];
      std::string p = PointerAppend("/operations", i);
      reader.Operation(op, p);
      if (op.is_object() && op.value("op", Json()) == "register" &&
          (i != 0 || registering.empty() || registering != out->actor)) {
        shape.Add("invalid_value", p,
                  "`register` must be the first operation, by the member it registers");
      }
    }
  }
  if (doc.contains("baseRevision") && doc["baseRevision"].is_string() &&
      out->base_revision != m.revision) {
    errors.push_back({"stale_revision", "/baseRevision",
                      "the change set was built on revision " + Q(out->base_revision) +
                          ", but the bundle is at " + Q(m.revision)});
  }
  SortErrors(&errors);
  return errors;
}

}  // namespace internal
}  // namespace rolegate
