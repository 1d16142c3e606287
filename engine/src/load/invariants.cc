// Invariants (docs/format.md, "Invariants") and how a load judges them.
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

void BundleReader::ReadInvariants(const Json& list) {
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/invariants", i);
    const Json& item = list[i];
    if (!item.is_object()) {
      shape_.Add("wrong_type", p, std::string("expected an object, found ") + TypeName(item));
      continue;
    }
    Invariant inv;
    const std::string* kind = shape_.String(item, "kind", p, true);
    if (kind != nullptr) inv.kind = *kind;
    if (inv.kind == "min_holders") {
      shape_.Object(item, p, {"id", "kind", "severity", "family", "minRank", "scopeType", "count"});
      if (const std::string* f = shape_.Id(item, "family", p, true)) {
        Family(*f, false, PointerAppend(p, "family"));
      }
      shape_.Integer(item, "minRank", p, true, 0, kMaxRank);
      ResolveField(item, "scopeType", p, m_->scope_type_index, "unknown_scope_type", "scope type",
                   true);
      shape_.Integer(item, "count", p, true, 1, 1000);
    } else if (inv.kind == "unique_email") {
      shape_.Object(item, p, {"id", "kind", "severity", "kinds"});
      shape_.IdList(item, "kinds", p, false, limits_.max_list);
    } else if (inv.kind == "custom_role_within_creator") {
      shape_.Object(item, p, {"id", "kind", "severity"});
    } else if (inv.kind == "member_field") {
      shape_.Object(item, p,
                    {"id", "kind", "severity", "field", "kinds", "required", "values",
                     "valuesFromAttribute"});
      if (const std::string* f = shape_.String(item, "field", p, true); f && !IsMemberField(*f)) {
        shape_.Add(
            "invalid_value", PointerAppend(p, "field"),
            "unknown member field " + Q(*f) + ": expected name, email, language or brandingDomain");
      }
      shape_.IdList(item, "kinds", p, false, limits_.max_list);
      const bool required = shape_.Bool(item, "required", p).value_or(false);
      shape_.IdList(item, "values", p, false, limits_.max_list, true);
      shape_.Id(item, "valuesFromAttribute", p, false);
      if (!required && !item.contains("values") && !item.contains("valuesFromAttribute")) {
        shape_.Add("invalid_value", p,
                   "a member_field invariant needs `required`, `values` or "
                   "`valuesFromAttribute`");
      }
    } else if (inv.kind == "scope_limit") {
      shape_.Object(item, p, {"id", "kind", "severity", "scopeType", "max", "kinds"});
      ResolveField(item, "scopeType", p, m_->scope_type_index, "unknown_scope_type", "scope type",
                   true);
      shape_.Integer(item, "max", p, true, 1, kMaxScopeLimit);
      shape_.IdList(item, "kinds", p, false, limits_.max_list);
    } else if (kind != nullptr) {
      shape_.Add("invalid_value", PointerAppend(p, "kind"),
                 "unknown invariant kind " + Q(inv.kind) +
                     ": expected min_holders, unique_email, custom_role_within_creator, "
                     "member_field or scope_limit");
    }
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      inv.id = *id;
      if (!ids.emplace(inv.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Q(inv.id) + " in `invariants`");
      }
    }
    if (const std::string* s = shape_.String(item, "severity", p, true)) {
      inv.severity = *s;
      if (*s != "error" && *s != "warning") {
        shape_.Add("invalid_value", PointerAppend(p, "severity"),
                   "unknown severity " + Q(*s) + ": expected error or warning");
      }
    }
    inv.spec = item;
    m_->invariants.push_back(std::move(inv));
  }
}

void BundleReader::CheckMemberFields() {
  const std::vector<MemberFieldRule> rules = MemberFieldRules(*m_);
  if (rules.empty()) return;
  // An attribute that lists a field's values holds a string or a list of strings.
  std::set<std::string> attributes;
  for (const MemberFieldRule& r : rules) {
    if (!r.from_attribute.empty()) attributes.insert(r.from_attribute);
  }
  for (size_t i = 0; i < m_->scopes.size(); ++i) {
    const Json& a = m_->scopes[i].attributes;
    for (const std::string& name : attributes) {
      auto it = a.find(name);
      if (it == a.end() || it->is_string() || it->is_array()) continue;
      shape_.Add("invalid_value",
                 PointerAppend(PointerAppend(PointerAppend("/scopes", i), "attributes"), name),
                 "attribute " + Q(name) +
                     " lists the values of a member field: expected a string or a list of "
                     "strings");
    }
  }
  std::vector<std::vector<Index>> scopes(m_->members.size());
  for (const Binding& b : m_->bindings) {
    if (b.member != kNone && b.scope != kNone) scopes[b.member].push_back(b.scope);
  }
  for (size_t i = 0; i < m_->members.size(); ++i) {
    const Member& mb = m_->members[i];
    if (mb.added_to != kNone) scopes[i].push_back(mb.added_to);
    for (FieldBreach& f : MemberFieldBreaches(*m_, rules, mb, std::move(scopes[i]))) {
      Error e{"member_field_invalid", PointerAppend(PointerAppend("/members", i), f.field),
              std::move(f.message)};
      (m_->invariants[f.invariant].severity == "error" ? errors_ : warnings_)
          ->push_back(std::move(e));
    }
  }
}

void BundleReader::CheckScopeLimits() {
  const std::vector<ScopeLimitRule> rules = ScopeLimitRules(*m_);
  if (rules.empty()) return;
  // Each member's bound scopes in bundle order, and the binding each came from.
  std::vector<std::vector<Index>> scopes(m_->members.size());
  std::vector<std::vector<size_t>> from(m_->members.size());
  for (size_t i = 0; i < m_->bindings.size(); ++i) {
    const Binding& b = m_->bindings[i];
    if (b.member == kNone || b.scope == kNone) continue;
    scopes[b.member].push_back(b.scope);
    from[b.member].push_back(i);
  }
  for (size_t i = 0; i < m_->members.size(); ++i) {
    const Member& mb = m_->members[i];
    for (const ScopeLimitRule& r : rules) {
      if (!ScopeLimitApplies(r, mb)) continue;
      size_t beyond = 0;
      std::vector<Index> counted = CountedScopes(*m_, r, scopes[i], &beyond);
      if (static_cast<int64_t>(counted.size()) <= r.max) continue;
      Error e{"scope_limit_exceeded", PointerAppend("/bindings", from[i][beyond]),
              ScopeLimitMessage(*m_, r, mb, counted)};
      (m_->invariants[r.invariant].severity == "error" ? errors_ : warnings_)
          ->push_back(std::move(e));
    }
  }
}

void BundleReader::CheckUniqueEmail() {
  for (const Invariant& inv : m_->invariants) {
    if (inv.kind != "unique_email") continue;
    std::set<std::string> kinds;
    if (auto it = inv.spec.find("kinds"); it != inv.spec.end() && it->is_array()) {
      for (const Json& k : *it) {
        if (k.is_string()) kinds.insert(k.get<std::string>());
      }
    }
    std::map<std::string, Index> seen;
    for (size_t i = 0; i < m_->members.size(); ++i) {
      const Member& mb = m_->members[i];
      if (mb.email.empty() || mb.status == MemberStatus::kRemoved) continue;
      if (!kinds.empty() && !kinds.count(mb.kind)) continue;
      auto [it, fresh] = seen.emplace(Lower(mb.email), static_cast<Index>(i));
      if (!fresh) {
        Error e{"duplicate_email", PointerAppend(PointerAppend("/members", i), "email"),
                "e-mail " + Q(mb.email) + " is already used by member " +
                    Q(m_->members[it->second].id) + " (invariant " + Q(inv.id) + ")"};
        (inv.severity == "error" ? errors_ : warnings_)->push_back(std::move(e));
      }
    }
  }
}

}  // namespace internal
}  // namespace rolegate
