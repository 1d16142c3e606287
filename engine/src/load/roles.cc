// Permissions and roles (docs/format.md, "Roles"): ranks, families, what a role
// sees and manages, and inheritance.
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

void BundleReader::ReadPermissions(const Json& list) {
  m_->permissions.resize(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/permissions", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p, {"id", "label", "description", "appliesTo", "rankLimited"})) {
      continue;
    }
    Permission& perm = m_->permissions[i];
    if (const std::string* id = shape_.Id(item, "id", p, true)) perm.id = *id;
    if (const std::string* s = shape_.String(item, "label", p, false)) perm.label = *s;
    if (const std::string* s = shape_.String(item, "description", p, false)) {
      perm.description = *s;
    }
    perm.applies_mask = TypeMask(item, "appliesTo", p, true);
    perm.rank_limited = shape_.Bool(item, "rankLimited", p).value_or(false);
  }
}

void BundleReader::ReadRoles(const Json& list) {
  m_->roles.resize(list.size());
  // Families first: a role's `sees` may name a family introduced by a later role.
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& item = list[i];
    if (!item.is_object()) continue;
    auto f = item.find("family");
    if (f != item.end() && f->is_string() && !f->get_ref<const std::string&>().empty()) {
      Family(f->get<std::string>(), true, "");
    }
  }
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/roles", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "label", "description", "family", "rank", "permissions", "inherits",
                        "assignableAt", "exclusive", "hasService", "custom", "appliesToDescendants",
                        "sees", "manages", "memberKinds"})) {
      continue;
    }
    Role& r = m_->roles[i];
    ReadRole(item, p, &r);
    ReadRoleSees(item, p, &r);
    ReadRoleManages(item, p, &r);
  }
}

void BundleReader::ReadRole(const Json& item, const std::string& p, Role* role) {
  Role& r = *role;
  if (const std::string* id = shape_.Id(item, "id", p, true)) r.id = *id;
  if (const std::string* s = shape_.String(item, "label", p, false)) r.label = *s;
  if (const std::string* s = shape_.String(item, "description", p, false)) {
    r.description = *s;
  }
  if (const std::string* f = shape_.Id(item, "family", p, true)) {
    r.family = Family(*f, true, p);
  }
  r.rank = shape_.Integer(item, "rank", p, true, 0, kMaxRank).value_or(0);
  r.direct_permissions = ResolveList(item, "permissions", p, m_->permission_index,
                                     "unknown_permission", "permission", false, false);
  for (const IdAt& ref : shape_.IdList(item, "inherits", p, false, limits_.max_list)) {
    Index parent = Resolve(m_->role_index, ref, "unknown_role", "role");
    if (parent == kNone ||
        std::find(r.inherits.begin(), r.inherits.end(), parent) != r.inherits.end()) {
      continue;
    }
    r.inherits.push_back(parent);
    r.inherits_at.push_back(
        static_cast<uint32_t>(std::stoul(ref.pointer.substr(ref.pointer.rfind('/') + 1))));
  }
  r.assignable_mask = TypeMask(item, "assignableAt", p, true);
  r.exclusive = shape_.Bool(item, "exclusive", p).value_or(false);
  r.has_service = shape_.Bool(item, "hasService", p).value_or(true);
  r.custom = shape_.Bool(item, "custom", p).value_or(false);
  r.descendants = shape_.Bool(item, "appliesToDescendants", p).value_or(true);
  for (const IdAt& k : shape_.IdList(item, "memberKinds", p, false, limits_.max_list, true)) {
    if (std::find(r.member_kinds.begin(), r.member_kinds.end(), k.id) == r.member_kinds.end()) {
      r.member_kinds.push_back(k.id);
    }
  }
}

void BundleReader::ReadRoleSees(const Json& item, const std::string& p, Role* role) {
  Role& r = *role;
  if (const Json* sees = shape_.Field(item, "sees", p, false)) {
    std::string sp = PointerAppend(p, "sees");
    if (shape_.Object(*sees, sp, {"minRank", "families", "fields"})) {
      r.sees = true;
      r.sees_min_rank = shape_.Integer(*sees, "minRank", sp, false, 0, kMaxRank).value_or(0);
      for (const IdAt& f : shape_.IdList(*sees, "families", sp, false, limits_.max_list, true)) {
        Index fi = Family(f.id, false, f.pointer);
        if (fi != kNone) r.sees_families.push_back(fi);
      }
      if (!sees->contains("families") && r.family != kNone) {
        r.sees_families.push_back(r.family);
      }
      for (const IdAt& f : shape_.IdList(*sees, "fields", sp, false, 8)) {
        if (f.id == "email") {
          r.sees_email = true;
        } else if (f.id != "name") {
          shape_.Add("invalid_value", f.pointer,
                     "unknown field " + Q(f.id) + ": expected `email` or `name`");
        }
      }
    }
  }
}

void BundleReader::ReadRoleManages(const Json& item, const std::string& p, Role* role) {
  Role& r = *role;
  if (const Json* manages = shape_.Field(item, "manages", p, false)) {
    // One limit, or a list of them: one per family.
    std::string mp = PointerAppend(p, "manages");
    auto limit = [&](const Json& entry, const std::string& at) {
      if (!shape_.Object(entry, at, {"upToRank", "families"})) return;
      r.manages = true;
      const int64_t up_to = shape_.Integer(entry, "upToRank", at, true, 0, kMaxRank).value_or(0);
      auto add = [&](Index family, const std::string& pointer) {
        for (const ManagesLimit& l : r.manages_limits) {
          if (l.family == family) {
            shape_.Add("invalid_value", pointer,
                       "family " + Q(m_->families[family]) +
                           " is limited twice: a family has one limit in `manages`");
            return;
          }
        }
        r.manages_limits.push_back({family, up_to});
      };
      std::vector<Index> here;  // a family repeated in one list is one family
      for (const IdAt& f : shape_.IdList(entry, "families", at, false, limits_.max_list, true)) {
        Index fi = Family(f.id, false, f.pointer);
        if (fi == kNone || std::find(here.begin(), here.end(), fi) != here.end()) continue;
        here.push_back(fi);
        add(fi, f.pointer);
      }
      if (!entry.contains("families") && r.family != kNone) add(r.family, at);
    };
    if (manages->is_array()) {
      if (shape_.Array(item, "manages", p, false, limits_.max_list, true) != nullptr) {
        for (size_t k = 0; k < manages->size(); ++k) limit((*manages)[k], PointerAppend(mp, k));
      }
    } else {
      limit(*manages, mp);
    }
  }
}

void BundleReader::CheckRoleInheritance() {
  std::vector<uint8_t> state(m_->roles.size(), 0);
  // Iterative depth-first search; a back edge is a cycle.
  for (size_t start = 0; start < m_->roles.size(); ++start) {
    if (state[start] != 0) continue;
    std::vector<std::pair<Index, size_t>> stack{{static_cast<Index>(start), 0}};
    state[start] = 1;
    while (!stack.empty()) {
      auto& [role, next] = stack.back();
      const std::vector<Index>& parents = m_->roles[role].inherits;
      if (next < parents.size()) {
        size_t k = next++;
        Index to = parents[k];
        if (state[to] == 1) {
          shape_.Add("role_inheritance_cycle",
                     PointerAppend(PointerAppend(PointerAppend("/roles", role), "inherits"),
                                   m_->roles[role].inherits_at[k]),
                     "role " + Q(m_->roles[role].id) + " inherits from itself through " +
                         Q(m_->roles[to].id));
        } else if (state[to] == 0) {
          state[to] = 1;
          stack.push_back({to, 0});
        }
      } else {
        state[role] = 2;
        stack.pop_back();
      }
    }
  }
}

}  // namespace internal
}  // namespace rolegate
