// Scope types and scopes (docs/format.md, "Scopes"): the forest they form.
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

void BundleReader::ReadScopeTypes(const Json& list) {
  m_->scope_types.resize(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/scopeTypes", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p, {"id", "label", "parents"})) continue;
    ScopeType& t = m_->scope_types[i];
    if (const std::string* id = shape_.Id(item, "id", p, true)) t.id = *id;
    if (const std::string* s = shape_.String(item, "label", p, false)) t.label = *s;
    t.parent_mask = TypeMask(item, "parents", p, false);
  }
}

void BundleReader::ScopeElement(size_t i, const Json& item) {
  RegisterId(item, "scopes", i, &m_->scope_index);
  Scope& s = m_->scopes.emplace_back();
  std::string p = PointerAppend("/scopes", i);
  if (!shape_.Object(item, p, {"id", "type", "parent", "name", "attributes"})) {
    streamed_[kScopeList].refs.resize(streamed_[kScopeList].refs.size() + 2);
    return;
  }
  if (const std::string* id = shape_.Id(item, "id", p, true)) s.id = *id;
  if (const std::string* n = shape_.String(item, "name", p, false)) s.name = *n;
  AddRef(kScopeList, item, "type", p, true);
  AddRef(kScopeList, item, "parent", p, false);
  if (const Json* a = ScopeAttributes(item, p)) s.attributes = *a;
}

void BundleReader::ResolveScopes() {
  for (size_t i = 0; i < m_->scopes.size(); ++i) {
    Scope& s = m_->scopes[i];
    s.type = ResolveRef(kScopeList, i, 0, "type", m_->scope_type_index, "unknown_scope_type",
                        "scope type");
    s.parent = ResolveRef(kScopeList, i, 1, "parent", m_->scope_index, "unknown_scope", "scope");
  }
}

const Json* BundleReader::ScopeAttributes(const Json& item, const std::string& pointer) {
  const Json* v = shape_.Field(item, "attributes", pointer, false);
  if (v == nullptr) return nullptr;
  std::string at = PointerAppend(pointer, "attributes");
  if (!v->is_object()) {
    shape_.Add("wrong_type", at, std::string("expected an object, found ") + TypeName(*v));
    return nullptr;
  }
  bool ok = true;
  for (auto it = v->begin(); it != v->end(); ++it) {
    const Json& x = it.value();
    std::string p = PointerAppend(at, it.key());
    if (x.is_array()) {
      if (x.size() > limits_.max_list) {
        shape_.Add("too_many_items", p,
                   "at most " + std::to_string(limits_.max_list) + " values are allowed");
        ok = false;
        continue;
      }
      for (size_t k = 0; k < x.size(); ++k) {
        if (!x[k].is_string()) {
          shape_.Add("wrong_type", PointerAppend(p, k),
                     std::string("expected a string, found ") + TypeName(x[k]));
          ok = false;
        }
      }
    } else if (x.is_number_float()) {
      shape_.Add("not_an_integer", p, "expected an integer, found a number with a fraction");
      ok = false;
    } else if (!x.is_string() && !x.is_boolean() && !x.is_number_integer()) {
      shape_.Add("wrong_type", p,
                 std::string("expected a string, integer, boolean or list of strings, found ") +
                     TypeName(x));
      ok = false;
    }
  }
  return ok ? v : nullptr;
}

void BundleReader::CheckScopeForest() {
  std::vector<Scope>& scopes = m_->scopes;
  // Parent types.
  for (size_t i = 0; i < scopes.size(); ++i) {
    const Scope& s = scopes[i];
    if (s.type == kNone) continue;
    const ScopeType& t = m_->scope_types[s.type];
    std::string p = PointerAppend("/scopes", i);
    if (t.parent_mask == 0) {
      if (s.parent != kNone) {
        shape_.Add("invalid_parent_type", PointerAppend(p, "parent"),
                   "a scope of type " + Q(t.id) + " is a root and cannot have a parent");
      }
    } else if (s.parent == kNone) {
      if (streamed_[kScopeList].refs[2 * i + 1].size == Ref::kAbsent) {
        shape_.Add("invalid_parent_type", p, "a scope of type " + Q(t.id) + " needs a parent");
      }
    } else {
      Index pt = scopes[s.parent].type;
      if (pt != kNone && !((t.parent_mask >> pt) & 1u)) {
        shape_.Add("invalid_parent_type", PointerAppend(p, "parent"),
                   "a scope of type " + Q(t.id) + " cannot hang under a scope of type " +
                       Q(m_->scope_types[pt].id));
      }
    }
  }
  // Cycles: walk up from each scope; 1 = on the current path, 2 = known to reach a root.
  std::vector<uint8_t> state(scopes.size(), 0);
  std::vector<Index> path;
  for (size_t start = 0; start < scopes.size(); ++start) {
    path.clear();
    Index at = static_cast<Index>(start);
    while (at != kNone && state[at] == 0) {
      state[at] = 1;
      path.push_back(at);
      at = scopes[at].parent;
    }
    if (at != kNone && state[at] == 1) {
      shape_.Add("scope_cycle", PointerAppend(PointerAppend("/scopes", at), "parent"),
                 "scope " + Q(scopes[at].id) + " is its own ancestor");
    }
    for (Index s : path) state[s] = 2;
  }
}

}  // namespace internal
}  // namespace rolegate
