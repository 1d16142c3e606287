// The bundle reader (reader.h): resolving references, and the order in which
// the sections are read and checked (Run).
#include "load/reader.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "base/text.h"
#include "change/events.h"
#include "change/registry.h"
#include "member_fields.h"
#include "scope_limits.h"

namespace rolegate {
namespace internal {

const Json* BundleReader::CollectIds(const char* key, size_t max_items, IdIndex* index,
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
                 "duplicate id " + Q(id) + " in `" + key + "`");
    }
  }
  return list;
}

Index BundleReader::Resolve(const IdIndex& index, const IdAt& ref, const char* code,
                            const char* what) {
  const Index* found = index.Get(ref.id);
  if (found == nullptr) {
    shape_.Add(code, ref.pointer, std::string("unknown ") + what + " " + Q(ref.id));
    return kNone;
  }
  return *found;
}

Index BundleReader::ResolveField(const Json& obj, const char* key, const std::string& pointer,
                                 const IdIndex& index, const char* code, const char* what,
                                 bool required) {
  const std::string* id = shape_.Id(obj, key, pointer, required);
  if (id == nullptr) return kNone;
  return Resolve(index, IdAt{*id, PointerAppend(pointer, key)}, code, what);
}

std::vector<Index> BundleReader::ResolveList(const Json& obj, const char* key,
                                             const std::string& pointer, const IdIndex& index,
                                             const char* code, const char* what, bool required,
                                             bool non_empty) {
  std::vector<Index> out;
  for (const IdAt& ref : shape_.IdList(obj, key, pointer, required, limits_.max_list, non_empty)) {
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
                     "unknown operator " + Q(*op) + ": expected eq, ne, lt, le, gt, ge or in");
        }
      }
      if (const Json* v = shape_.Field(c, "value", cp, true)) {
        std::string vp = PointerAppend(cp, "value");
        auto scalar = [&](const Json& x, const std::string& xp) {
          if (x.is_number_float()) {
            shape_.Add("not_an_integer", xp, "expected an integer, found a number with a fraction");
            return false;
          }
          if (!x.is_string() && !x.is_number_integer() && !x.is_boolean()) {
            shape_.Add("wrong_type", xp,
                       std::string("expected a string, integer or boolean, found ") + TypeName(x));
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
    shape_.Add("unknown_family", pointer, "no role has the family " + Q(name));
    return kNone;
  }
  Index f = static_cast<Index>(m_->families.size());
  m_->families.push_back(name);
  m_->family_index.emplace(name, f);
  return f;
}

std::unique_ptr<Model> BundleReader::Run() {
  if (!shape_.Object(doc_, "",
                     {"$schema",       "format",        "revision",         "name",
                      "description",   "scopeTypes",    "scopes",           "permissions",
                      "roles",         "selfUpgrades",  "claims",           "approvalRules",
                      "invariants",    "members",       "bindings",         "operations",
                      "notifications", "verifications", "approvalRequests", "roleRequests",
                      "server"})) {
    return nullptr;
  }
  if (const std::string* f = shape_.String(doc_, "format", "", true)) {
    if (*f != "rolegate/1") {
      shape_.Add("unsupported_format", "/format",
                 "unsupported format " + Q(*f) + ": expected `rolegate/1`");
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
  const Json* approval_rules = shape_.Array(doc_, "approvalRules", "", false, limits_.max_rules);
  const Json* invariants = shape_.Array(doc_, "invariants", "", false, limits_.max_rules);

  if (scope_types) ReadScopeTypes(*scope_types);
  if (scopes) ReadScopes(*scopes);
  if (permissions) ReadPermissions(*permissions);
  if (roles) ReadRoles(*roles);
  if (members) ReadMembers(*members);
  if (bindings) ReadBindings(*bindings);
  if (self_upgrades) ReadSelfUpgrades(*self_upgrades);
  for (size_t i = 0; i < m_->self_upgrades.size(); ++i) {
    m_->self_upgrades_by_action[m_->self_upgrades[i].action].push_back(static_cast<Index>(i));
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
  return std::move(m_);
}

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

namespace {

// Reads `bundle` into a model, without keeping the document yet.
std::unique_ptr<Model> Read(const Json& bundle, const Limits& limits, Errors* errors,
                            Errors* warnings) {
  BundleReader reader(bundle, limits, errors, warnings);
  std::unique_ptr<Model> model = reader.Run();
  SortErrors(errors);
  SortErrors(warnings);
  if (model && model->revision.empty()) model->revision = ContentRevision(bundle);
  if (model) model->warnings = *warnings;
  return model;
}

}  // namespace

std::unique_ptr<Model> ReadBundle(const Json& bundle, const Limits& limits, Errors* errors,
                                  Errors* warnings) {
  std::unique_ptr<Model> model = Read(bundle, limits, errors, warnings);
  if (model) model->bundle = bundle;
  return model;
}

std::unique_ptr<Model> ReadBundle(Json&& bundle, const Limits& limits, Errors* errors,
                                  Errors* warnings) {
  std::unique_ptr<Model> model = Read(bundle, limits, errors, warnings);
  if (model) model->bundle = std::move(bundle);
  return model;
}

}  // namespace internal
}  // namespace rolegate
