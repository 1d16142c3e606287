// Load errors (invariants.h): an edit checked as loading the bundle would.
#include "base/text.h"
#include "change/invariants.h"
#include "member_fields.h"
#include "pointer_order.h"

namespace rolegate {
namespace internal {
namespace {

// The first invariant of `kind`, or null.
const Invariant* FindInvariant(const Model& m, const char* kind) {
  for (const Invariant& inv : m.invariants) {
    if (inv.kind == kind) return &inv;
  }
  return nullptr;
}

// The errors loading would report for binding `b` an overlay edit added.
void CheckAdded(const Model& m, const Overlay& o, uint32_t b, Errors* errors) {
  const BindingKey& k = o.key(b);
  const Role& role = m.roles[k.role];
  const Scope& scope = m.scopes[k.scope];
  const std::string& member = o.member(k.member).id;
  std::string p = PointerAppend("/bindings", o.MaterializedPosition(b));
  if (!((role.assignable_mask >> scope.type) & 1u)) {
    errors->push_back({"role_not_assignable_at", PointerAppend(p, "scope"),
                       "role " + Q(role.id) + " cannot be bound on scope " + Q(scope.id) +
                           " of type " + Q(m.scope_types[scope.type].id)});
  }
  if (!role.AllowsKind(o.member(k.member).kind)) {
    errors->push_back({"member_kind_not_allowed", PointerAppend(p, "member"),
                       KindNotAllowedMessage(o.member(k.member), role)});
  }
  // Earlier bindings (in bundle order) of the member on the scope.
  bool duplicate = false;
  const Role* first_exclusive = nullptr;
  o.ForEachBindingOfMember(k.member, [&](uint32_t other) {
    if (other >= b) return;  // base bindings come first, added ones in order
    const BindingKey& ok = o.key(other);
    if (ok.scope != k.scope) return;
    if (ok.role == k.role) duplicate = true;
    const Role& r = m.roles[ok.role];
    if (r.exclusive && r.family == role.family && first_exclusive == nullptr) first_exclusive = &r;
  });
  if (duplicate) {
    errors->push_back(
        {"duplicate_binding", p,
         "member " + Q(member) + " already holds role " + Q(role.id) + " on scope " + Q(scope.id)});
    return;
  }
  if (role.exclusive && role.family != kNone && first_exclusive != nullptr) {
    errors->push_back({"exclusive_role_conflict", PointerAppend(p, "role"),
                       "member " + Q(member) + " already holds role " + Q(first_exclusive->id) +
                           " of family " + Q(m.families[role.family]) + " on scope " + Q(scope.id) +
                           ": a member holds one role of this family per scope"});
  }
}

}  // namespace

Errors ValidateAdded(const Model& m, const Edit& e) {
  Errors errors;
  for (uint32_t b : e.added) {
    if (e.overlay.Live(b)) CheckAdded(m, e.overlay, b, &errors);
  }
  SortErrors(&errors);
  return errors;
}

void RefuseLoadErrors(const Model& m, const Errors& errors, size_t i, Outcome* out,
                      Violations* violations) {
  for (const Error& e : errors) {
    std::string kind = e.code == "duplicate_email"           ? "unique_email"
                       : e.code == "exclusive_role_conflict" ? "exclusive_role"
                                                             : "";
    if (!kind.empty()) {
      const Invariant* inv = FindInvariant(m, kind.c_str());
      violations->Add(Violation(inv ? inv->id : kind, kind, "error", i, e.message));
      violations->error = true;
    }
    if (e.code == "member_kind_not_allowed") {
      // A binding for a member of a kind its role is not for (a role edited to
      // exclude its holders, say): refused under its own name.
      out->Deny(Reason("member_kind_not_allowed", e.message, Json{{"error", e.code}}));
      continue;
    }
    out->Deny(Reason(
        kind.empty() ? "invalid_change" : "violates_invariant",
        kind.empty() ? "the change would make the policy invalid: " + e.pointer + ": " + e.message
                     : e.message,
        Json{{"error", e.code}}));
  }
  out->Withdraw();
}

Json WarningViolation(const Model& m, const Error& warning, size_t i) {
  const Invariant* inv = FindInvariant(m, "unique_email");
  return Violation(inv ? inv->id : "unique_email", "unique_email", "warning", i, warning.message);
}

}  // namespace internal
}  // namespace rolegate
