// What every invariant kind shares (invariants.h): the violation entry, and how a
// member rule's breaches refuse an operation or are reported.
#include "change/invariants.h"

namespace rolegate {
namespace internal {

Json Violation(const std::string& invariant, const std::string& kind, const std::string& severity,
               size_t op, const std::string& message, const Json& details) {
  Json v = details;
  v["invariant"] = invariant;
  v["kind"] = kind;
  v["severity"] = severity;
  v["op"] = static_cast<int64_t>(op);
  v["message"] = message;
  return v;
}

std::vector<std::unique_ptr<MemberRule>> MemberRules() {
  std::vector<std::unique_ptr<MemberRule>> rules;
  rules.push_back(MemberFieldInvariant());
  rules.push_back(ScopeLimitInvariant());
  return rules;
}

bool HasErrorBreach(const Model& m, const MemberBreaches& breaches) {
  for (const MemberBreach& b : breaches) {
    if (m.invariants[b.invariant].severity == "error") return true;
  }
  return false;
}

void RefuseBreaches(const Model& m, const MemberBreaches& breaches, size_t i, Outcome* out,
                    Violations* violations) {
  for (const MemberBreach& b : breaches) {
    const Invariant& inv = m.invariants[b.invariant];
    if (inv.severity != "error") continue;
    violations->Add(Violation(inv.id, inv.kind, inv.severity, i, b.message, b.details));
    Json facts = b.facts;
    facts["invariant"] = inv.id;
    out->Deny(Reason("violates_invariant", b.message, std::move(facts)));
    violations->error = true;
  }
  out->Withdraw();
}

void ReportNewBreaches(const Model& m, const MemberBreaches& after, const MemberBreaches& before,
                       size_t i, Violations* violations) {
  for (const MemberBreach& b : after) {
    bool known = false;
    for (const MemberBreach& old : before) {
      known = known || (old.member == b.member && old.invariant == b.invariant);
    }
    if (known) continue;
    const Invariant& inv = m.invariants[b.invariant];
    violations->Add(Violation(inv.id, inv.kind, inv.severity, i, b.message, b.details));
  }
}

}  // namespace internal
}  // namespace rolegate
