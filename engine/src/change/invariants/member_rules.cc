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

std::map<std::string, TouchedEntry> TouchedEntries(const Context& cx, const Json& bundle) {
  std::map<std::string, TouchedEntry> out;
  auto scope = [&](const Json& id) -> Index {
    const Index* s = id.is_string() ? cx.M().scope_index.Get(id.get<std::string>()) : nullptr;
    return s ? *s : kNone;
  };
  for (const Json& entry : bundle.value("members", Json::array())) {
    const std::string id = entry.value("id", "");
    if (!cx.touching().count(id)) continue;
    Member& mb = out[id].member;
    mb.id = id;
    mb.kind = entry.value("kind", "");
    mb.name = entry.value("name", "");
    mb.email = entry.value("email", "");
    mb.language = entry.value("language", "");
    mb.branding_domain = entry.value("brandingDomain", "");
    mb.status = ParseStatus(entry.value("status", "active")).value_or(MemberStatus::kActive);
    if (entry.contains("addedTo")) mb.added_to = scope(entry["addedTo"]);
  }
  for (const Json& b : bundle.value("bindings", Json::array())) {
    auto it = out.find(b.value("member", ""));
    if (it == out.end() || !b.contains("scope")) continue;
    if (Index s = scope(b["scope"]); s != kNone) it->second.bound.push_back(s);
  }
  return out;
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
