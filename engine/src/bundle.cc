// Reading and validating a bundle (format rolegate/1) into a Model. Every problem
// is reported; a Model is produced only when there are none.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "bundle.h"
#include "model.h"
#include "rolegate/policy.h"
#include "shape.h"
#include "member_fields.h"
#include "scope_limits.h"
#include "change/events.h"
#include "change/registry.h"

namespace rolegate {
namespace internal {
namespace {

constexpr int64_t kMaxRank = 1000000;
constexpr int64_t kMaxDays = 36500;

std::string Quote(const std::string& s) { return "`" + s + "`"; }

class BundleReader {
 public:
  BundleReader(const Json& bundle, const Limits& limits, Errors* errors, Errors* warnings)
      : doc_(bundle), limits_(limits), shape_(errors), errors_(errors),
        warnings_(warnings), m_(std::make_unique<Model>()) {}

  std::unique_ptr<Model> Run();

 private:
  // Registers the id of each element of a top-level list, reporting duplicates.
  // Returns the list (or null when absent or malformed).
  const Json* CollectIds(const char* key, size_t max_items,
                         IdIndex* index, size_t* count);

  Index Resolve(const IdIndex& index, const IdAt& ref,
                const char* code, const char* what);
  Index ResolveField(const Json& obj, const char* key, const std::string& pointer,
                     const IdIndex& index, const char* code,
                     const char* what, bool required);
  std::vector<Index> ResolveList(const Json& obj, const char* key, const std::string& pointer,
                                 const IdIndex& index,
                                 const char* code, const char* what, bool required,
                                 bool non_empty);
  uint64_t TypeMask(const Json& obj, const char* key, const std::string& pointer,
                    bool required);
  Index Family(const std::string& name, bool create, const std::string& pointer);
  // The list `key` of `obj`: conditions on attributes, as approval rules' `when`.
  std::vector<Condition> ReadConditions(const Json& obj, const char* key,
                                        const std::string& pointer);

  void ReadScopeTypes(const Json& list);
  void ReadScopes(const Json& list);
  // A scope's `attributes`: strings, integers, booleans and lists of strings.
  const Json* ScopeAttributes(const Json& item, const std::string& pointer);
  void ReadPermissions(const Json& list);
  void ReadRoles(const Json& list);
  void ReadMembers(const Json& list);
  void ReadSuspension(const Json& item, const std::string& p, MemberStatus status);
  void ReadBindings(const Json& list);
  void ReadSelfUpgrades(const Json& list);
  void ReadClaims(const Json& list);
  void ReadApprovalRules(const Json& list);
  void ReadInvariants(const Json& list);

  void ReadOperations();
  void ReadServer();
  void ReadNotifications();
  void ReadVerifications();
  void ReadApprovalRequests();
  void ReadRoleRequests();
  bool IsAction(const std::string& action) const {
    return m_->permission_index.count(action) || m_->self_upgrades_by_action.count(action) ||
           m_->claims_by_action.count(action);
  }

  void CheckScopeForest();
  void CheckRoleInheritance();
  void CheckBindings();
  void CheckApprovers();
  void CheckUniqueEmail();
  void CheckMemberFields();
  void CheckScopeLimits();

  const Json& doc_;
  const Limits& limits_;
  Shape shape_;
  Errors* errors_;
  Errors* warnings_;
  std::unique_ptr<Model> m_;
  std::vector<const Json*> role_json_;  // per role, its "inherits" pointer source
};

const Json* BundleReader::CollectIds(const char* key, size_t max_items,
                                     IdIndex* index,
                                     size_t* count) {
  *count = 0;
  const Json* list = shape_.Array(doc_, key, "", false, max_items);
  if (list == nullptr) return nullptr;
  std::string at = PointerAppend("", key);
  *count = list->size();
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (!item.is_object()) continue;  // reported by the Read pass
    auto it = item.find("id");
    if (it == item.end() || !it->is_string()) continue;
    const std::string& id = *it->get_ptr<const std::string*>();
    if (!IsValidId(id)) continue;  // reported by the Read pass
    if (!index->emplace(id, static_cast<Index>(i)).second) {
      shape_.Add("duplicate_id", PointerAppend(PointerAppend(at, i), "id"),
                 "duplicate id " + Quote(id) + " in `" + key + "`");
    }
  }
  return list;
}

Index BundleReader::Resolve(const IdIndex& index,
                            const IdAt& ref, const char* code, const char* what) {
  const Index* found = index.Get(ref.id);
  if (found == nullptr) {
    shape_.Add(code, ref.pointer, std::string("unknown ") + what + " " + Quote(ref.id));
    return kNone;
  }
  return *found;
}

Index BundleReader::ResolveField(const Json& obj, const char* key, const std::string& pointer,
                                 const IdIndex& index,
                                 const char* code, const char* what, bool required) {
  const std::string* id = shape_.Id(obj, key, pointer, required);
  if (id == nullptr) return kNone;
  return Resolve(index, IdAt{*id, PointerAppend(pointer, key)}, code, what);
}

std::vector<Index> BundleReader::ResolveList(
    const Json& obj, const char* key, const std::string& pointer,
    const IdIndex& index, const char* code, const char* what,
    bool required, bool non_empty) {
  std::vector<Index> out;
  for (const IdAt& ref :
       shape_.IdList(obj, key, pointer, required, limits_.max_list, non_empty)) {
    Index i = Resolve(index, ref, code, what);
    if (i != kNone && std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
  return out;
}

uint64_t BundleReader::TypeMask(const Json& obj, const char* key, const std::string& pointer,
                                bool required) {
  uint64_t mask = 0;
  for (Index t : ResolveList(obj, key, pointer, m_->scope_type_index, "unknown_scope_type",
                             "scope type", required, required)) {
    mask |= uint64_t{1} << t;
  }
  return mask;
}

std::vector<Condition> BundleReader::ReadConditions(const Json& obj, const char* key,
                                                  const std::string& pointer) {
  std::vector<Condition> out;
  if (const Json* list = shape_.Array(obj, key, pointer, false, limits_.max_list)) {
    std::string wp = PointerAppend(pointer, key);
    for (size_t k = 0; k < list->size(); ++k) {
      std::string cp = PointerAppend(wp, k);
      const Json& c = (*list)[k];
      if (!shape_.Object(c, cp, {"attribute", "op", "value"})) continue;
      Condition cond;
      if (const std::string* a = shape_.Id(c, "attribute", cp, true)) cond.attribute = *a;
      bool op_ok = false;
      if (const std::string* op = shape_.String(c, "op", cp, true)) {
        static const std::pair<const char*, Op> kOps[] = {
            {"eq", Op::kEq}, {"ne", Op::kNe}, {"lt", Op::kLt}, {"le", Op::kLe},
            {"gt", Op::kGt}, {"ge", Op::kGe}, {"in", Op::kIn}};
        for (const auto& [name, value] : kOps) {
          if (*op == name) {
            cond.op = value;
            op_ok = true;
          }
        }
        if (!op_ok) {
          shape_.Add("invalid_value", PointerAppend(cp, "op"),
                     "unknown operator " + Quote(*op) +
                         ": expected eq, ne, lt, le, gt, ge or in");
        }
      }
      if (const Json* v = shape_.Field(c, "value", cp, true)) {
        std::string vp = PointerAppend(cp, "value");
        auto scalar = [&](const Json& x, const std::string& xp) {
          if (x.is_number_float()) {
            shape_.Add("not_an_integer", xp,
                       "expected an integer, found a number with a fraction");
            return false;
          }
          if (!x.is_string() && !x.is_number_integer() && !x.is_boolean()) {
            shape_.Add("wrong_type", xp,
                       std::string("expected a string, integer or boolean, found ") +
                           TypeName(x));
            return false;
          }
          return true;
        };
        if (op_ok && cond.op == Op::kIn) {
          if (!v->is_array()) {
            shape_.Add("wrong_type", vp, "operator `in` needs a list of values");
          } else {
            for (size_t e = 0; e < v->size(); ++e) scalar((*v)[e], PointerAppend(vp, e));
          }
        } else if (scalar(*v, vp) && op_ok && cond.op != Op::kEq && cond.op != Op::kNe &&
                   v->is_boolean()) {
          shape_.Add("wrong_type", vp, "ordering operators compare integers or strings");
        }
        cond.value = *v;
      }
      out.push_back(std::move(cond));
    }
  }
  return out;
}

Index BundleReader::Family(const std::string& name, bool create, const std::string& pointer) {
  if (const Index* found = m_->family_index.Get(name)) return *found;
  if (!create) {
    shape_.Add("unknown_family", pointer, "no role has the family " + Quote(name));
    return kNone;
  }
  Index f = static_cast<Index>(m_->families.size());
  m_->families.push_back(name);
  m_->family_index.emplace(name, f);
  return f;
}

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

void BundleReader::ReadScopes(const Json& list) {
  m_->scopes.resize(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/scopes", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p, {"id", "type", "parent", "name", "attributes"})) continue;
    Scope& s = m_->scopes[i];
    if (const std::string* id = shape_.Id(item, "id", p, true)) s.id = *id;
    if (const std::string* n = shape_.String(item, "name", p, false)) s.name = *n;
    s.type = ResolveField(item, "type", p, m_->scope_type_index, "unknown_scope_type",
                          "scope type", true);
    s.parent = ResolveField(item, "parent", p, m_->scope_index, "unknown_scope", "scope",
                            false);
    if (const Json* a = ScopeAttributes(item, p)) s.attributes = *a;
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
                       {"id", "label", "description", "family", "rank", "permissions",
                        "inherits", "assignableAt", "exclusive", "hasService", "custom",
                        "appliesToDescendants", "sees", "manages", "memberKinds"})) {
      continue;
    }
    Role& r = m_->roles[i];
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

    if (const Json* sees = shape_.Field(item, "sees", p, false)) {
      std::string sp = PointerAppend(p, "sees");
      if (shape_.Object(*sees, sp, {"minRank", "families", "fields"})) {
        r.sees = true;
        r.sees_min_rank = shape_.Integer(*sees, "minRank", sp, false, 0, kMaxRank).value_or(0);
        for (const IdAt& f :
             shape_.IdList(*sees, "families", sp, false, limits_.max_list, true)) {
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
                       "unknown field " + Quote(f.id) + ": expected `email` or `name`");
          }
        }
      }
    }
    if (const Json* manages = shape_.Field(item, "manages", p, false)) {
      // One limit, or a list of them: one per family.
      std::string mp = PointerAppend(p, "manages");
      auto limit = [&](const Json& entry, const std::string& at) {
        if (!shape_.Object(entry, at, {"upToRank", "families"})) return;
        r.manages = true;
        const int64_t up_to =
            shape_.Integer(entry, "upToRank", at, true, 0, kMaxRank).value_or(0);
        auto add = [&](Index family, const std::string& pointer) {
          for (const ManagesLimit& l : r.manages_limits) {
            if (l.family == family) {
              shape_.Add("invalid_value", pointer,
                         "family " + Quote(m_->families[family]) +
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
}

void BundleReader::ReadMembers(const Json& list) {
  m_->members.resize(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/members", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "email", "name", "kind", "status", "registered",
                        "brandingDomain", "language", "invitation", "addedTo",
                        "blockedFrom", "disabledFrom"})) {
      continue;
    }
    Member& mb = m_->members[i];
    if (const std::string* id = shape_.Id(item, "id", p, true)) mb.id = *id;
    if (const std::string* e = shape_.String(item, "email", p, false)) {
      size_t at = e->find('@');
      if (at == std::string::npos || at == 0 || at + 1 == e->size()) {
        shape_.Add("invalid_value", PointerAppend(p, "email"),
                   Quote(*e) + " is not an e-mail address");
      }
      mb.email = *e;
    }
    if (const std::string* s = shape_.String(item, "name", p, false)) mb.name = *s;
    if (const std::string* s = shape_.String(item, "kind", p, false)) mb.kind = *s;
    if (const std::string* s = shape_.String(item, "brandingDomain", p, false)) {
      mb.branding_domain = *s;
    }
    if (const std::string* s = shape_.String(item, "language", p, false)) mb.language = *s;
    mb.added_to = ResolveField(item, "addedTo", p, m_->scope_index, "unknown_scope", "scope",
                               false);
    if (const std::string* s = shape_.String(item, "status", p, true)) {
      if (auto st = ParseStatus(*s)) {
        mb.status = *st;
      } else {
        shape_.Add("invalid_value", PointerAppend(p, "status"),
                   "unknown status " + Quote(*s) +
                       ": expected pending, invited, active, blocked, disabled or removed");
      }
    }
    mb.registered = shape_.Bool(item, "registered", p).value_or(true);
    ReadSuspension(item, p, mb.status);
    if (const Json* inv = shape_.Field(item, "invitation", p, false)) {
      std::string ip = PointerAppend(p, "invitation");
      if (shape_.Object(*inv, ip, {"sentAt", "expiresAt"})) {
        if (const std::string* t = shape_.Timestamp(*inv, "sentAt", ip, true)) {
          mb.invitation_sent_at = *t;
        }
        if (const std::string* t = shape_.Timestamp(*inv, "expiresAt", ip, false)) {
          mb.invitation_expires_at = *t;
        }
      }
    }
  }
}

void BundleReader::ReadSuspension(const Json& item, const std::string& p, MemberStatus status) {
  // The status a suspension gives back (status.h): `blockedFrom` on a blocked
  // member, `disabledFrom` on a disabled one (or a blocked one blocked from
  // disabled). Unblocking or enabling never gives back more than the member had.
  const std::string* blocked_from = shape_.String(item, "blockedFrom", p, false);
  const std::string* disabled_from = shape_.String(item, "disabledFrom", p, false);
  auto check = [&](const std::string* value, const char* field, bool allowed,
                   std::initializer_list<MemberStatus> statuses, const char* words) {
    if (value == nullptr) return;
    const std::string fp = PointerAppend(p, field);
    if (!allowed) {
      shape_.Add("invalid_value", fp,
                 std::string(field) + " is recorded only for a member it suspends, not for a " +
                     StatusName(status) + " one");
      return;
    }
    std::optional<MemberStatus> s = ParseStatus(*value);
    if (!s || std::find(statuses.begin(), statuses.end(), *s) == statuses.end()) {
      shape_.Add("invalid_value", fp, Quote(*value) + " cannot be given back: expected " + words);
    }
  };
  check(blocked_from, "blockedFrom", status == MemberStatus::kBlocked,
        {MemberStatus::kActive, MemberStatus::kInvited, MemberStatus::kPending,
         MemberStatus::kDisabled},
        "active, invited, pending or disabled");
  const bool blocked_while_disabled = blocked_from != nullptr && *blocked_from == "disabled";
  check(disabled_from, "disabledFrom",
        status == MemberStatus::kDisabled ||
            (status == MemberStatus::kBlocked && blocked_while_disabled),
        {MemberStatus::kActive, MemberStatus::kInvited, MemberStatus::kPending},
        "active, invited or pending");
}

void BundleReader::ReadBindings(const Json& list) {
  m_->bindings.resize(list.size());
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/bindings", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "member", "role", "scope", "grantedBy", "grantedAt",
                        "expiresAt"})) {
      continue;
    }
    Binding& b = m_->bindings[i];
    b.member = ResolveField(item, "member", p, m_->member_index, "unknown_member", "member",
                            true);
    b.role = ResolveField(item, "role", p, m_->role_index, "unknown_role", "role", true);
    b.scope = ResolveField(item, "scope", p, m_->scope_index, "unknown_scope", "scope", true);
    if (const std::string* s = shape_.String(item, "grantedBy", p, false)) b.granted_by = *s;
    if (const std::string* s = shape_.Timestamp(item, "grantedAt", p, false)) {
      b.granted_at = *s;
    }
    if (const std::string* s = shape_.Timestamp(item, "expiresAt", p, false)) {
      b.expires_at = *s;
    }
    if (const std::string* id = shape_.Id(item, "id", p, false)) {
      b.id = *id;
    } else if (b.member != kNone && b.role != kNone && b.scope != kNone) {
      b.id = m_->members[b.member].id + "/" + m_->roles[b.role].id + "@" +
             m_->scopes[b.scope].id;
    }
    if (!b.id.empty() && !ids.emplace(b.id, static_cast<Index>(i)).second) {
      // A derived id repeats exactly when member, role and scope repeat: that is
      // reported as duplicate_binding by CheckBindings.
      if (item.contains("id")) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Quote(b.id) + " in `bindings`");
      }
    }
  }
}

void BundleReader::ReadSelfUpgrades(const Json& list) {
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/selfUpgrades", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "action", "from", "onRegistration", "to", "unlessPresent",
                        "verification"})) {
      continue;
    }
    SelfUpgrade u;
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      u.id = *id;
      if (!ids.emplace(u.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Quote(u.id) + " in `selfUpgrades`");
      }
    }
    if (const std::string* a = shape_.Id(item, "action", p, true)) {
      u.action = *a;
      if (m_->permission_index.count(u.action)) {
        shape_.Add("action_conflict", PointerAppend(p, "action"),
                   "action " + Quote(u.action) + " is already a permission id");
      }
    }
    u.on_registration = shape_.Bool(item, "onRegistration", p).value_or(false);
    u.from = ResolveList(item, "from", p, m_->role_index, "unknown_role", "role",
                         !u.on_registration, !u.on_registration);
    u.to = ResolveList(item, "to", p, m_->role_index, "unknown_role", "role", true, true);
    Index family = kNone;
    for (const std::vector<Index>* roles : {&u.from, &u.to}) {
      for (Index r : *roles) {
        if (family == kNone) family = m_->roles[r].family;
        if (m_->roles[r].family != family) {
          shape_.Add("invalid_value", p,
                     "the roles of a self-upgrade rule must all be of one family");
          family = kNone;
          break;
        }
      }
    }
    if (const Json* unless = shape_.Field(item, "unlessPresent", p, false)) {
      std::string up = PointerAppend(p, "unlessPresent");
      if (shape_.Object(*unless, up, {"minRank"})) {
        u.has_unless = true;
        u.unless_min_rank =
            shape_.Integer(*unless, "minRank", up, true, 0, kMaxRank).value_or(0);
      }
    }
    if (const Json* v = shape_.Field(item, "verification", p, false)) {
      std::string vp = PointerAppend(p, "verification");
      if (shape_.Object(*v, vp, {"method", "validForDays"})) {
        u.has_verification = true;
        if (const std::string* m = shape_.Id(*v, "method", vp, true)) u.method = *m;
        u.valid_for_days =
            shape_.Integer(*v, "validForDays", vp, true, 1, kMaxDays).value_or(0);
      }
    }
    m_->self_upgrades.push_back(std::move(u));
  }
}

void BundleReader::ReadClaims(const Json& list) {
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/claims", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p, {"id", "action", "holder", "grants", "within"})) continue;
    Claim c;
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      c.id = *id;
      if (!ids.emplace(c.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Quote(c.id) + " in `claims`");
      }
    }
    if (const std::string* a = shape_.Id(item, "action", p, true)) {
      c.action = *a;
      if (m_->permission_index.count(c.action)) {
        shape_.Add("action_conflict", PointerAppend(p, "action"),
                   "action " + Quote(c.action) + " is already a permission id");
      } else if (m_->self_upgrades_by_action.count(c.action)) {
        shape_.Add("action_conflict", PointerAppend(p, "action"),
                   "action " + Quote(c.action) + " is already a self-upgrade action");
      }
    }
    c.holder = ResolveList(item, "holder", p, m_->role_index, "unknown_role", "role", true,
                           true);
    c.grants = ResolveField(item, "grants", p, m_->role_index, "unknown_role", "role", true);
    c.within = ResolveField(item, "within", p, m_->scope_type_index, "unknown_scope_type",
                            "scope type", true);
    m_->claims.push_back(std::move(c));
  }
}

void BundleReader::ReadApprovalRules(const Json& list) {
  std::unordered_map<std::string, Index> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = PointerAppend("/approvalRules", i);
    const Json& item = list[i];
    if (!shape_.Object(item, p,
                       {"id", "actions", "scopeTypes", "scopes", "requesterRoles", "when",
                        "approvers", "quorum", "expiresAfterDays"})) {
      continue;
    }
    ApprovalRule r;
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      r.id = *id;
      if (!ids.emplace(r.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Quote(r.id) + " in `approvalRules`");
      }
    }
    r.actions = ResolveList(item, "actions", p, m_->permission_index, "unknown_permission",
                            "permission", true, true);
    r.scope_mask = TypeMask(item, "scopeTypes", p, false);
    r.scopes = ResolveList(item, "scopes", p, m_->scope_index, "unknown_scope", "scope", false,
                           true);
    r.requester_roles = ResolveList(item, "requesterRoles", p, m_->role_index,
                                    "unknown_role", "role", false, false);
    r.when = ReadConditions(item, "when", p);
    if (const Json* ap = shape_.Field(item, "approvers", p, true)) {
      std::string app = PointerAppend(p, "approvers");
      if (shape_.Object(*ap, app, {"permission", "roles"})) {
        bool has_perm = ap->contains("permission"), has_roles = ap->contains("roles");
        if (has_perm == has_roles) {
          shape_.Add("invalid_value", app,
                     "approvers must name exactly one of `permission` or `roles`");
        } else if (has_perm) {
          r.approver_permission = ResolveField(*ap, "permission", app, m_->permission_index,
                                               "unknown_permission", "permission", true);
        } else {
          r.approver_roles = ResolveList(*ap, "roles", app, m_->role_index, "unknown_role",
                                         "role", true, true);
        }
      }
    }
    r.quorum = shape_.Integer(item, "quorum", p, false, 1, 1000).value_or(1);
    if (auto d = shape_.Integer(item, "expiresAfterDays", p, false, 1, kMaxDays)) {
      r.expires_after_days = d;
    }
    m_->approval_rules.push_back(std::move(r));
  }
}

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
      shape_.Object(item, p, {"id", "kind", "severity", "family", "minRank", "scopeType",
                              "count"});
      if (const std::string* f = shape_.Id(item, "family", p, true)) {
        Family(*f, false, PointerAppend(p, "family"));
      }
      shape_.Integer(item, "minRank", p, true, 0, kMaxRank);
      ResolveField(item, "scopeType", p, m_->scope_type_index, "unknown_scope_type",
                   "scope type", true);
      shape_.Integer(item, "count", p, true, 1, 1000);
    } else if (inv.kind == "unique_email") {
      shape_.Object(item, p, {"id", "kind", "severity", "kinds"});
      shape_.IdList(item, "kinds", p, false, limits_.max_list);
    } else if (inv.kind == "custom_role_within_creator") {
      shape_.Object(item, p, {"id", "kind", "severity"});
    } else if (inv.kind == "member_field") {
      shape_.Object(item, p, {"id", "kind", "severity", "field", "kinds", "required", "values",
                              "valuesFromAttribute"});
      if (const std::string* f = shape_.String(item, "field", p, true); f && !IsMemberField(*f)) {
        shape_.Add("invalid_value", PointerAppend(p, "field"),
                   "unknown member field " + Quote(*f) +
                       ": expected name, email, language or brandingDomain");
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
      ResolveField(item, "scopeType", p, m_->scope_type_index, "unknown_scope_type",
                   "scope type", true);
      shape_.Integer(item, "max", p, true, 1, kMaxScopeLimit);
      shape_.IdList(item, "kinds", p, false, limits_.max_list);
    } else if (kind != nullptr) {
      shape_.Add("invalid_value", PointerAppend(p, "kind"),
                 "unknown invariant kind " + Quote(inv.kind) +
                     ": expected min_holders, unique_email, custom_role_within_creator, "
                     "member_field or scope_limit");
    }
    if (const std::string* id = shape_.Id(item, "id", p, true)) {
      inv.id = *id;
      if (!ids.emplace(inv.id, static_cast<Index>(i)).second) {
        shape_.Add("duplicate_id", PointerAppend(p, "id"),
                   "duplicate id " + Quote(inv.id) + " in `invariants`");
      }
    }
    if (const std::string* s = shape_.String(item, "severity", p, true)) {
      inv.severity = *s;
      if (*s != "error" && *s != "warning") {
        shape_.Add("invalid_value", PointerAppend(p, "severity"),
                   "unknown severity " + Quote(*s) + ": expected error or warning");
      }
    }
    inv.spec = item;
    m_->invariants.push_back(std::move(inv));
  }
}

void BundleReader::ReadOperations() {
  const Json* ops = shape_.Field(doc_, "operations", "", false);
  if (ops == nullptr) return;
  if (!ops->is_object()) {
    shape_.Add("wrong_type", "/operations", "expected an object of operation kinds");
    return;
  }
  for (auto it = ops->begin(); it != ops->end(); ++it) {
    std::string p = PointerAppend("/operations", it.key());
    if (FindOpKind(it.key()) == nullptr) {
      shape_.Add("unknown_operation", p, "unknown operation kind " + Quote(it.key()));
      continue;
    }
    if (it.key() == "perform") {
      shape_.Add("invalid_value", p,
                 "`perform` is authorised by the action it names and takes no entry here");
      continue;
    }
    if (it.key() == "withdraw_request") {
      shape_.Add("invalid_value", p,
                 "`withdraw_request` is open to the member who asked, wherever `request_role` "
                 "is, and takes no entry here");
      continue;
    }
    const bool takes_setup = it.key() == "invite" || it.key() == "activate_member";
    const bool is_request = it.key() == "request_role";
    if (!(takes_setup  ? shape_.Object(it.value(), p,
                                       {"action", "invitationValidForDays", "requires", "setups"})
          : is_request ? shape_.Object(it.value(), p, {"action", "requestValidForDays", "requires"})
                       : shape_.Object(it.value(), p,
                                       {"action", "invitationValidForDays", "requires"}))) {
      continue;
    }
    OperationRule rule;
    if (const std::string* a = shape_.Id(it.value(), "action", p, true)) {
      rule.action = *a;
      if (!IsAction(*a)) {
        shape_.Add("unknown_action", PointerAppend(p, "action"), "unknown action " + Quote(*a));
      } else if (FindOpKind(it.key())->acts_on_member) {
        // An operation on another member is limited by rank: only a member who
        // manages the target (and the role handed out) may do it (docs/changes.md,
        // section 2a, I2).
        const Index* perm = m_->permission_index.Get(*a);
        if (perm == nullptr || !m_->permissions[*perm].rank_limited) {
          shape_.Add("invalid_value", PointerAppend(p, "action"),
                     Quote(it.key()) + " acts on a member, so its action must be a "
                     "rankLimited permission, and " + Quote(*a) + " is not one");
        }
      }
    }
    rule.invitation_valid_for_days =
        shape_.Integer(it.value(), "invitationValidForDays", p, false, 1, kMaxDays).value_or(0);
    rule.request_valid_for_days =
        shape_.Integer(it.value(), "requestValidForDays", p, false, 1, kMaxDays).value_or(0);
    rule.preconditions = ReadConditions(it.value(), "requires", p);
    for (const IdAt& setup : shape_.IdList(it.value(), "setups", p, false, 4, true)) {
      if (setup.id != "send_invite" && setup.id != "activation_email" &&
          setup.id != "assign_credentials" && setup.id != "activate_later") {
        shape_.Add("invalid_value", setup.pointer,
                   "unknown set-up option " + Quote(setup.id) +
                       ": expected send_invite, activation_email, assign_credentials or "
                       "activate_later");
      } else if (std::find(rule.setups.begin(), rule.setups.end(), setup.id) !=
                 rule.setups.end()) {
        shape_.Add("invalid_value", setup.pointer,
                   "set-up option " + Quote(setup.id) + " is listed twice");
      } else {
        rule.setups.push_back(setup.id);
      }
    }
    m_->operation_rules[it.key()] = std::move(rule);
  }
}

// "server": what the server of record asks of a caller for what only it serves
// (docs/server.md): a permission id each.
void BundleReader::ReadServer() {
  const Json* server = shape_.Field(doc_, "server", "", false);
  if (server == nullptr) return;
  if (!shape_.Object(*server, "/server", {"auditPermission", "decisionsPermission"})) return;
  for (const char* key : {"auditPermission", "decisionsPermission"}) {
    if (const std::string* a = shape_.Id(*server, key, "/server", false)) {
      if (m_->permission_index.Get(*a) == nullptr) {
        shape_.Add("unknown_permission", PointerAppend("/server", key),
                   "unknown permission " + Quote(*a));
      }
    }
  }
}

void BundleReader::ReadNotifications() {
  const Json* list = shape_.Array(doc_, "notifications", "", false, limits_.max_rules);
  if (list == nullptr) return;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/notifications", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(item, p,
                       {"event", "channels", "revealActor", "revealActorEmail",
                        "temporaryPassword"})) {
      continue;
    }
    NotificationRule rule;
    const std::string* event = shape_.Id(item, "event", p, true);
    for (const IdAt& c : shape_.IdList(item, "channels", p, true, 16, true)) {
      rule.channels.push_back(c.id);
    }
    std::sort(rule.channels.begin(), rule.channels.end());
    rule.reveal_actor = shape_.Bool(item, "revealActor", p).value_or(false);
    rule.reveal_actor_email = shape_.Bool(item, "revealActorEmail", p).value_or(false);
    rule.temporary_password = shape_.Bool(item, "temporaryPassword", p).value_or(false);
    if (event == nullptr) continue;
    if (!InVocabulary(kEventKinds, *event)) {
      shape_.Add("invalid_value", PointerAppend(p, "event"), "unknown event " + Quote(*event));
    } else if (!m_->notification_rules.emplace(*event, std::move(rule)).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "event"),
                 "event " + Quote(*event) + " is configured twice");
    }
  }
}

void BundleReader::ReadVerifications() {
  const Json* list = shape_.Array(doc_, "verifications", "", false, limits_.max_members);
  if (list == nullptr) return;
  std::set<std::string> ids;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/verifications", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(item, p,
                       {"id", "member", "role", "scope", "rule", "method", "issuedAt",
                        "expiresAt"})) {
      continue;
    }
    if (const std::string* id = shape_.Id(item, "id", p, true); id && !ids.insert(*id).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "id"), "duplicate id " + Quote(*id));
    }
    ResolveField(item, "member", p, m_->member_index, "unknown_member", "member", true);
    ResolveField(item, "role", p, m_->role_index, "unknown_role", "role", true);
    ResolveField(item, "scope", p, m_->scope_index, "unknown_scope", "scope", true);
    if (const std::string* r = shape_.Id(item, "rule", p, true)) {
      bool known = false;
      for (const SelfUpgrade& u : m_->self_upgrades) known = known || u.id == *r;
      if (!known) {
        shape_.Add("unknown_rule", PointerAppend(p, "rule"), "unknown self-upgrade rule " + Quote(*r));
      }
    }
    shape_.Id(item, "method", p, true);
    shape_.Timestamp(item, "issuedAt", p, true);
    shape_.Timestamp(item, "expiresAt", p, true);
  }
}

void BundleReader::ReadApprovalRequests() {
  const Json* list = shape_.Array(doc_, "approvalRequests", "", false, limits_.max_members);
  if (list == nullptr) return;
  std::set<std::string> ids;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/approvalRequests", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(item, p,
                       {"id", "group", "requester", "rule", "action", "resource", "attributes",
                        "operation", "createdAt", "expiresAt", "decisions"})) {
      continue;
    }
    if (const std::string* id = shape_.Id(item, "id", p, true); id && !ids.insert(*id).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "id"), "duplicate id " + Quote(*id));
    }
    shape_.Id(item, "group", p, false);
    ResolveField(item, "requester", p, m_->member_index, "unknown_member", "member", true);
    if (const std::string* r = shape_.Id(item, "rule", p, true)) {
      bool known = false;
      for (const ApprovalRule& a : m_->approval_rules) known = known || a.id == *r;
      if (!known) {
        shape_.Add("unknown_rule", PointerAppend(p, "rule"), "unknown approval rule " + Quote(*r));
      }
    }
    ResolveField(item, "action", p, m_->permission_index, "unknown_action", "action", true);
    ResolveField(item, "resource", p, m_->scope_index, "unknown_scope", "scope", true);
    shape_.ScalarMap(item, "attributes", p);
    if (const Json* op = shape_.Field(item, "operation", p, true); op && !op->is_object()) {
      shape_.Add("wrong_type", PointerAppend(p, "operation"), "expected an operation object");
    }
    shape_.Timestamp(item, "createdAt", p, true);
    shape_.Timestamp(item, "expiresAt", p, false);
    if (const Json* ds = shape_.Array(item, "decisions", p, true, limits_.max_list)) {
      for (size_t k = 0; k < ds->size(); ++k) {
        std::string dp = PointerAppend(PointerAppend(p, "decisions"), k);
        const Json& d = (*ds)[k];
        if (!shape_.Object(d, dp, {"member", "decision", "at"})) continue;
        ResolveField(d, "member", dp, m_->member_index, "unknown_member", "member", true);
        if (const std::string* v = shape_.String(d, "decision", dp, true);
            v && *v != "approve" && *v != "reject") {
          shape_.Add("invalid_value", PointerAppend(dp, "decision"),
                     "unknown decision " + Quote(*v) + ": expected approve or reject");
        }
        shape_.Timestamp(d, "at", dp, true);
      }
    }
  }
}

void BundleReader::ReadRoleRequests() {
  const Json* list = shape_.Array(doc_, "roleRequests", "", false, limits_.max_members);
  if (list == nullptr) return;
  std::set<std::string> ids;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend("/roleRequests", i);
    const Json& item = (*list)[i];
    if (!shape_.Object(item, p,
                       {"id", "requester", "role", "scope", "reason", "until", "createdAt",
                        "expiresAt"})) {
      continue;
    }
    if (const std::string* id = shape_.Id(item, "id", p, true); id && !ids.insert(*id).second) {
      shape_.Add("duplicate_id", PointerAppend(p, "id"), "duplicate id " + Quote(*id));
    }
    ResolveField(item, "requester", p, m_->member_index, "unknown_member", "member", true);
    ResolveField(item, "role", p, m_->role_index, "unknown_role", "role", true);
    ResolveField(item, "scope", p, m_->scope_index, "unknown_scope", "scope", true);
    if (const std::string* r = shape_.String(item, "reason", p, false);
        r && Utf8Length(*r) > kMaxRequestReason) {
      shape_.Add("invalid_value", PointerAppend(p, "reason"),
                 "a reason has at most " + std::to_string(kMaxRequestReason) + " characters");
    }
    shape_.Timestamp(item, "until", p, false);
    shape_.Timestamp(item, "createdAt", p, true);
    shape_.Timestamp(item, "expiresAt", p, false);
  }
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
                   "a scope of type " + Quote(t.id) + " is a root and cannot have a parent");
      }
    } else if (s.parent == kNone) {
      if (!doc_["scopes"][i].contains("parent")) {
        shape_.Add("invalid_parent_type", p,
                   "a scope of type " + Quote(t.id) + " needs a parent");
      }
    } else {
      Index pt = scopes[s.parent].type;
      if (pt != kNone && !((t.parent_mask >> pt) & 1u)) {
        shape_.Add("invalid_parent_type", PointerAppend(p, "parent"),
                   "a scope of type " + Quote(t.id) + " cannot hang under a scope of type " +
                       Quote(m_->scope_types[pt].id));
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
                 "scope " + Quote(scopes[at].id) + " is its own ancestor");
    }
    for (Index s : path) state[s] = 2;
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
                     "role " + Quote(m_->roles[role].id) + " inherits from itself through " +
                         Quote(m_->roles[to].id));
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

void BundleReader::CheckBindings() {
  std::set<std::tuple<Index, Index, Index>> seen;            // member, role, scope
  std::map<std::tuple<Index, Index, Index>, Index> exclusive;  // member, scope, family
  for (size_t i = 0; i < m_->bindings.size(); ++i) {
    const Binding& b = m_->bindings[i];
    if (b.member == kNone || b.role == kNone || b.scope == kNone) continue;
    const Role& role = m_->roles[b.role];
    const Scope& scope = m_->scopes[b.scope];
    std::string p = PointerAppend("/bindings", i);
    if (scope.type != kNone && !((role.assignable_mask >> scope.type) & 1u)) {
      shape_.Add("role_not_assignable_at", PointerAppend(p, "scope"),
                 "role " + Quote(role.id) + " cannot be bound on scope " + Quote(scope.id) +
                     " of type " + Quote(m_->scope_types[scope.type].id));
    }
    if (!role.AllowsKind(m_->members[b.member].kind)) {
      shape_.Add("member_kind_not_allowed", PointerAppend(p, "member"),
                 KindNotAllowedMessage(m_->members[b.member], role));
    }
    if (!seen.insert({b.member, b.role, b.scope}).second) {
      shape_.Add("duplicate_binding", p,
                 "member " + Quote(m_->members[b.member].id) + " already holds role " +
                     Quote(role.id) + " on scope " + Quote(scope.id));
      continue;
    }
    if (role.exclusive && role.family != kNone) {
      auto [it, fresh] = exclusive.emplace(std::make_tuple(b.member, b.scope, role.family),
                                           static_cast<Index>(i));
      if (!fresh) {
        const Binding& first = m_->bindings[it->second];
        shape_.Add("exclusive_role_conflict", PointerAppend(p, "role"),
                   "member " + Quote(m_->members[b.member].id) + " already holds role " +
                       Quote(m_->roles[first.role].id) + " of family " +
                       Quote(m_->families[role.family]) + " on scope " + Quote(scope.id) +
                       ": a member holds one role of this family per scope");
      }
    }
  }
}

void BundleReader::CheckApprovers() {
  // Inheritance only passes permissions on, so a permission some role grants is one
  // some role lists directly. This holds even when other parts of the bundle are
  // invalid, so the check runs with the rest.
  std::vector<uint8_t> granted(m_->permissions.size(), 0);
  for (const Role& role : m_->roles) {
    for (Index p : role.direct_permissions) granted[p] = 1;
  }
  for (size_t i = 0; i < m_->approval_rules.size(); ++i) {
    const ApprovalRule& r = m_->approval_rules[i];
    std::string p = PointerAppend(PointerAppend("/approvalRules", i), "approvers");
    if (r.approver_permission == kNone) continue;
    if (!granted[r.approver_permission]) {
      shape_.Add("unapprovable_rule", PointerAppend(p, "permission"),
                 "no role grants permission " +
                     Quote(m_->permissions[r.approver_permission].id) +
                     ", so nobody could ever approve rule " + Quote(r.id));
    }
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
                 "attribute " + Quote(name) +
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
                "e-mail " + Quote(mb.email) + " is already used by member " +
                    Quote(m_->members[it->second].id) + " (invariant " + Quote(inv.id) + ")"};
        (inv.severity == "error" ? errors_ : warnings_)->push_back(std::move(e));
      }
    }
  }
}

std::unique_ptr<Model> BundleReader::Run() {
  if (!shape_.Object(doc_, "",
                     {"$schema", "format", "revision", "name", "description", "scopeTypes", "scopes",
                      "permissions", "roles", "selfUpgrades", "claims", "approvalRules",
                      "invariants", "members", "bindings", "operations", "notifications",
                      "verifications", "approvalRequests", "roleRequests", "server"})) {
    return nullptr;
  }
  if (const std::string* f = shape_.String(doc_, "format", "", true)) {
    if (*f != "rolegate/1") {
      shape_.Add("unsupported_format", "/format",
                 "unsupported format " + Quote(*f) + ": expected `rolegate/1`");
    }
  }
  if (const std::string* r = shape_.String(doc_, "revision", "", false)) m_->revision = *r;
  if (const std::string* n = shape_.String(doc_, "name", "", false)) m_->name = *n;
  shape_.String(doc_, "description", "", false);
  shape_.String(doc_, "$schema", "", false);  // for editors; the engine ignores it

  size_t n = 0;
  const Json* scope_types =
      CollectIds("scopeTypes", limits_.max_scope_types, &m_->scope_type_index, &n);
  const Json* scopes = CollectIds("scopes", limits_.max_scopes, &m_->scope_index, &n);
  const Json* permissions =
      CollectIds("permissions", limits_.max_permissions, &m_->permission_index, &n);
  const Json* roles = CollectIds("roles", limits_.max_roles, &m_->role_index, &n);
  const Json* members = CollectIds("members", limits_.max_members, &m_->member_index, &n);
  const Json* bindings = shape_.Array(doc_, "bindings", "", false, limits_.max_bindings);
  const Json* self_upgrades = shape_.Array(doc_, "selfUpgrades", "", false, limits_.max_rules);
  const Json* claims = shape_.Array(doc_, "claims", "", false, limits_.max_rules);
  const Json* approval_rules =
      shape_.Array(doc_, "approvalRules", "", false, limits_.max_rules);
  const Json* invariants = shape_.Array(doc_, "invariants", "", false, limits_.max_rules);

  if (scope_types) ReadScopeTypes(*scope_types);
  if (scopes) ReadScopes(*scopes);
  if (permissions) ReadPermissions(*permissions);
  if (roles) ReadRoles(*roles);
  if (members) ReadMembers(*members);
  if (bindings) ReadBindings(*bindings);
  if (self_upgrades) ReadSelfUpgrades(*self_upgrades);
  for (size_t i = 0; i < m_->self_upgrades.size(); ++i) {
    m_->self_upgrades_by_action[m_->self_upgrades[i].action].push_back(
        static_cast<Index>(i));
  }
  if (claims) ReadClaims(*claims);
  for (size_t i = 0; i < m_->claims.size(); ++i) {
    m_->claims_by_action[m_->claims[i].action].push_back(static_cast<Index>(i));
  }
  if (approval_rules) ReadApprovalRules(*approval_rules);
  if (invariants) ReadInvariants(*invariants);
  ReadOperations();
  ReadServer();
  ReadNotifications();
  ReadVerifications();
  ReadApprovalRequests();
  ReadRoleRequests();

  if (!m_->scopes.empty()) CheckScopeForest();
  CheckRoleInheritance();
  CheckBindings();
  CheckUniqueEmail();
  CheckMemberFields();
  CheckScopeLimits();
  CheckApprovers();
  if (!errors_->empty()) return nullptr;

  BuildIndexes(m_.get());
  m_->bundle = doc_;
  return std::move(m_);
}

}  // namespace

std::string Lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string ContentRevision(const Json& bundle) {
  uint64_t h = 1469598103934665603ull;
  const auto feed = [&h](const std::string& text) {
    for (unsigned char c : text) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  if (bundle.is_object() && bundle.contains("$schema")) {
    // The canonical text of the bundle without its `$schema`, which only tells an
    // editor where the schema is: the same policy has the same revision with it or
    // without it. Written member by member, in canonical (sorted) order, rather
    // than copying a bundle that may be large.
    feed("{");
    bool first = true;
    for (auto it = bundle.begin(); it != bundle.end(); ++it) {
      if (it.key() == "$schema") continue;
      feed(std::string(first ? "" : ",") + Canonical(Json(it.key())) + ":");
      feed(Canonical(it.value()));
      first = false;
    }
    feed("}");
  } else {
    feed(Canonical(bundle));
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string("fnv1a64:") + buf;
}

std::unique_ptr<Model> ReadBundle(const Json& bundle, const Limits& limits, Errors* errors,
                                  Errors* warnings) {
  BundleReader reader(bundle, limits, errors, warnings);
  std::unique_ptr<Model> model = reader.Run();
  SortErrors(errors);
  SortErrors(warnings);
  if (model && model->revision.empty()) model->revision = ContentRevision(bundle);
  if (model) model->warnings = *warnings;
  return model;
}

}  // namespace internal
}  // namespace rolegate
