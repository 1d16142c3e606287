// The `member_field` invariant: constraints on a member's name, e-mail,
// language or branding domain (docs/format.md, invariants). One definition
// serves the bundle reader (a breach is a load error or warning) and simulation
// (a breach is a violation), so both judge a member alike.
#ifndef ROLEGATE_MEMBER_FIELDS_H_
#define ROLEGATE_MEMBER_FIELDS_H_

#include <algorithm>
#include <string>
#include <vector>

#include "model.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// The member fields an invariant may constrain, as written in the bundle.
inline constexpr const char* kMemberFields[] = {"name", "email", "language", "brandingDomain"};

bool IsMemberField(const std::string& f);

// A `member_field` invariant, read from its (validated) spec.
struct MemberFieldRule {
  Index invariant = kNone;  // index into Model::invariants
  std::string field;
  std::vector<std::string> kinds;  // empty: every kind
  bool required = false;
  bool has_values = false;
  std::vector<std::string> values;
  std::string from_attribute;  // "": none
  // For each scope, the nearest scope at or above it with attribute
  // `from_attribute`, as far as looked up (NearestAncestorOrSelf). Valid for the
  // scopes of the model the rule was read from, which simulation does not
  // change; not thread-safe.
  mutable std::vector<Index> source;
};

// A member that breaks a rule: which invariant, which field, why.
struct FieldBreach {
  Index invariant = kNone;
  std::string field, message;
};

// The `member_field` invariants of `m`, in bundle order. Specs that are not
// well formed (reported by the reader) are skipped.
std::vector<MemberFieldRule> MemberFieldRules(const Model& m);

// The value of `field` (one of kMemberFields) of member `mb`.
const std::string& FieldValue(const Member& mb, const std::string& field);

// The values attribute `name` of scope `s` lists: a string is one value, a list
// of strings its distinct values; anything else none.
std::vector<std::string> AttributeValues(const Scope& s, const std::string& name);

// The rules of `rules` that member `mb` breaks, at most one breach per rule, in
// rule order. `scopes` are the member's scopes (those of its bindings, and the
// scope it was added to), in any order. A removed member breaks nothing.
std::vector<FieldBreach> MemberFieldBreaches(const Model& m,
                                             const std::vector<MemberFieldRule>& rules,
                                             const Member& mb, std::vector<Index> scopes);

// Why member `mb` may not hold `role` (its `memberKinds` leave the member's
// kind out).
std::string KindNotAllowedMessage(const Member& mb, const Role& role);

// The member's scopes in view `v` (a Model or an Overlay): the scopes of its
// bindings, and the scope it was added to.
template <typename V>
std::vector<Index> MemberScopesIn(const V& v, Index member) {
  std::vector<Index> out;
  v.ForEachBindingOfMember(member, [&](uint32_t b) { out.push_back(v.key(b).scope); });
  if (v.member(member).added_to != kNone) out.push_back(v.member(member).added_to);
  return out;
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_MEMBER_FIELDS_H_
