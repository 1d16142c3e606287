// The `member_field` invariant and role `memberKinds` (member_fields.h).
#include "member_fields.h"

#include <algorithm>
#include <string>
#include <vector>

#include "base/text.h"

namespace rolegate {
namespace internal {

namespace {

std::string List(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : ", ") + Q(v);
  return out;
}

}  // namespace

bool IsMemberField(const std::string& f) {
  for (const char* x : kMemberFields) {
    if (f == x) return true;
  }
  return false;
}

std::vector<MemberFieldRule> MemberFieldRules(const Model& m) {
  std::vector<MemberFieldRule> out;
  for (size_t i = 0; i < m.invariants.size(); ++i) {
    const Invariant& inv = m.invariants[i];
    if (inv.kind != "member_field" || !inv.spec.is_object()) continue;
    MemberFieldRule r;
    r.invariant = static_cast<Index>(i);
    const Json& s = inv.spec;
    if (!s.contains("field") || !s["field"].is_string()) continue;
    r.field = s["field"].get<std::string>();
    if (!IsMemberField(r.field)) continue;
    auto strings = [&](const char* key, std::vector<std::string>* into) {
      if (auto it = s.find(key); it != s.end() && it->is_array()) {
        for (const Json& x : *it) {
          if (x.is_string()) into->push_back(x.get<std::string>());
        }
        return true;
      }
      return false;
    };
    strings("kinds", &r.kinds);
    r.has_values = strings("values", &r.values);
    if (auto it = s.find("required"); it != s.end() && it->is_boolean()) {
      r.required = it->get<bool>();
    }
    if (auto it = s.find("valuesFromAttribute"); it != s.end() && it->is_string()) {
      r.from_attribute = it->get<std::string>();
    }
    out.push_back(std::move(r));
  }
  return out;
}

const std::string& FieldValue(const Member& mb, const std::string& field) {
  if (field == "name") return mb.name;
  if (field == "email") return mb.email;
  if (field == "language") return mb.language;
  return mb.branding_domain;
}

std::vector<std::string> AttributeValues(const Scope& s, const std::string& name) {
  std::vector<std::string> out;
  auto it = s.attributes.find(name);
  if (it == s.attributes.end()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const Json& x : *it) {
      // Distinct values: a list that repeats one value offers no choice.
      if (x.is_string() && std::find(out.begin(), out.end(), x.get<std::string>()) == out.end()) {
        out.push_back(x.get<std::string>());
      }
    }
  }
  return out;
}

std::vector<FieldBreach> MemberFieldBreaches(const Model& m,
                                             const std::vector<MemberFieldRule>& rules,
                                             const Member& mb, std::vector<Index> scopes) {
  std::vector<FieldBreach> out;
  if (mb.status == MemberStatus::kRemoved) return out;
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  for (const MemberFieldRule& r : rules) {
    if (!r.kinds.empty() && std::find(r.kinds.begin(), r.kinds.end(), mb.kind) == r.kinds.end()) {
      continue;
    }
    const std::string& value = FieldValue(mb, r.field);
    const std::string& inv = m.invariants[r.invariant].id;
    const std::string who = "member " + Q(mb.id);
    const std::string tail = " (invariant " + Q(inv) + ")";
    auto breach = [&](std::string message) {
      out.push_back(FieldBreach{r.invariant, r.field, std::move(message) + tail});
    };
    // From an attribute: one list per scope the member's scopes take it from. A
    // member with no scope yet is judged when it gets one (removing a member's
    // last role never breaks the invariant).
    bool offered = false;
    std::vector<std::pair<Index, std::vector<std::string>>> lists;
    if (!r.from_attribute.empty()) {
      std::vector<Index> sources;
      for (Index s : scopes) {
        sources.push_back(NearestAncestorOrSelf(m, s, &r.source, [&](Index x) {
          return m.scopes[x].attributes.is_object() &&
                 m.scopes[x].attributes.contains(r.from_attribute);
        }));
      }
      std::sort(sources.begin(), sources.end());
      sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
      for (Index s : sources) {
        lists.push_back({s, s == kNone ? std::vector<std::string>()
                                       : AttributeValues(m.scopes[s], r.from_attribute)});
        if (lists.back().second.size() >= 2) offered = true;
      }
    }
    if (value.empty()) {
      if (r.required && (r.from_attribute.empty() || offered)) {
        breach(who + " has no " + Q(r.field) + ", which is required");
      }
      continue;
    }
    if (r.has_values && std::find(r.values.begin(), r.values.end(), value) == r.values.end()) {
      breach(who + " has " + Q(r.field) + " " + Q(value) + ", which is not one of " +
             List(r.values));
      continue;
    }
    const std::string has = who + " has " + Q(r.field) + " " + Q(value);
    for (const auto& [source, values] : lists) {
      if (source == kNone) {
        breach(has + ", but one of the member's scopes has no attribute " + Q(r.from_attribute) +
               " on it or above it, so the field is not offered "
               "there and must be absent");
        break;
      }
      const std::string where = "scope " + Q(m.scopes[source].id);
      if (values.size() >= 2) {
        if (std::find(values.begin(), values.end(), value) == values.end()) {
          breach(has + ", which is not one of the values " + where + " lists in " +
                 Q(r.from_attribute) + ": " + List(values));
          break;
        }
      } else if (values.empty() || values[0] != value) {
        breach(has + ", but " + where + " lists " +
               (values.empty() ? std::string("no value") : "only " + Q(values[0])) + " in " +
               Q(r.from_attribute) + ", so the field is not offered and must be absent" +
               (values.empty() ? std::string() : " or " + Q(values[0])));
        break;
      }
    }
  }
  return out;
}

std::string KindNotAllowedMessage(const Member& mb, const Role& role) {
  return "member " + Q(mb.id) +
         (mb.kind.empty() ? std::string(" has no kind") : " is of kind " + Q(mb.kind)) +
         ", and role " + Q(role.id) + " is only for members of kind " + List(role.member_kinds);
}

}  // namespace internal
}  // namespace rolegate
