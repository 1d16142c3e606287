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

void BundleReader::RegisterId(const Json& item, const char* key, size_t i, IdIndex* index) {
  if (!item.is_object()) return;  // reported by the Read pass
  auto it = item.find("id");
  if (it == item.end() || !it->is_string()) return;
  const std::string& id = *it->get_ptr<const std::string*>();
  if (!IsValidId(id)) return;  // reported by the Read pass
  if (!index->emplace(id, static_cast<Index>(i)).second) {
    shape_.Add("duplicate_id", PointerAppend(PointerAppend(PointerAppend("", key), i), "id"),
               "duplicate id " + Q(id) + " in `" + key + "`");
  }
}

const Json* BundleReader::CollectIds(const char* key, size_t max_items, IdIndex* index,
                                     size_t* count) {
  *count = 0;
  const Json* list = shape_.Array(*doc_, key, "", false, max_items);
  if (list == nullptr) return nullptr;
  *count = list->size();
  for (size_t i = 0; i < list->size(); ++i) RegisterId((*list)[i], key, i, index);
  return list;
}

size_t BundleReader::MaxItems(size_t list) const {
  switch (list) {
    case kScopeList:
      return limits_.max_scopes;
    case kMemberList:
      return limits_.max_members;
    default:
      return limits_.max_bindings;
  }
}

void BundleReader::Expect(size_t list, size_t count) {
  count = std::min(count, MaxItems(list));
  Streamed& st = streamed_[list];
  st.refs.reserve(count * RefSlots(list));
  m_->lists[list].Reserve(count);
  switch (list) {
    case kScopeList:
      m_->scopes.reserve(count);
      break;
    case kMemberList:
      m_->members.reserve(count);
      break;
    default:
      m_->bindings.reserve(count);
      st.id_written.reserve(count);
      break;
  }
}

void BundleReader::Element(size_t list, size_t index, Json&& item) {
  Streamed& st = streamed_[list];
  st.count = index + 1;
  // Past the limit the list is refused whole (TakeList): only count.
  if (index >= MaxItems(list)) return;
  shape_.set_errors(&st.errors);
  switch (list) {
    case kScopeList:
      ScopeElement(index, item);
      break;
    case kMemberList:
      MemberElement(index, item);
      break;
    default:
      BindingElement(index, item);
      break;
  }
  shape_.set_errors(errors_);
  m_->lists[list].Add(item);
}

void BundleReader::AddRef(size_t list, const Json& item, const char* key,
                          const std::string& pointer, bool required) {
  Streamed& st = streamed_[list];
  Ref ref;
  if (const std::string* id = shape_.Id(item, key, pointer, required)) {
    ref.begin = static_cast<uint32_t>(st.ids.size());
    ref.size = static_cast<uint32_t>(id->size());
    st.ids += *id;
  } else if (item.contains(key)) {
    ref.size = Ref::kInvalid;
  }
  st.refs.push_back(ref);
}

Index BundleReader::ResolveRef(size_t list, size_t i, size_t slot, const char* key,
                               const IdIndex& index, const char* code, const char* what) {
  Streamed& st = streamed_[list];
  const Ref& ref = st.refs[i * RefSlots(list) + slot];
  if (ref.size == Ref::kAbsent || ref.size == Ref::kInvalid) return kNone;
  const std::string_view id = std::string_view(st.ids).substr(ref.begin, ref.size);
  if (st.last_found[slot] != kNone && st.last_id[slot] == id) return st.last_found[slot];
  if (const Index* found = index.Get(id)) {
    st.last_id[slot] = id;
    st.last_found[slot] = *found;
    return *found;
  }
  shape_.Add(code,
             PointerAppend(PointerAppend(PointerAppend("", kBigListKeys[list].data()), i), key),
             std::string("unknown ") + what + " " + Q(std::string(id)));
  return kNone;
}

bool BundleReader::TakeList(size_t list) {
  const char* key = kBigListKeys[list].data();
  Streamed& st = streamed_[list];
  // Not an array: Element never saw it, and Shape says why.
  if (shape_.Array(*doc_, key, "", false, MaxItems(list)) == nullptr) return false;
  if (st.count > MaxItems(list)) {
    shape_.Add("too_many_items", PointerAppend("", key),
               "list of " + std::to_string(st.count) + " items exceeds the limit of " +
                   std::to_string(MaxItems(list)));
    st = Streamed();
    m_->lists[list].Clear();
    switch (list) {
      case kScopeList:
        m_->scopes.clear();
        m_->scope_index = IdIndex();
        break;
      case kMemberList:
        m_->members.clear();
        m_->member_index = IdIndex();
        break;
      default:
        m_->bindings.clear();
        break;
    }
    return false;
  }
  errors_->insert(errors_->end(), std::make_move_iterator(st.errors.begin()),
                  std::make_move_iterator(st.errors.end()));
  st.errors = Errors();
  return true;
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

std::unique_ptr<Model> BundleReader::Finish(Json&& rest) {
  m_->rest = std::move(rest);
  doc_ = &m_->rest;
  return Run();
}

std::unique_ptr<Model> BundleReader::Run() {
  if (!shape_.Object(*doc_, "",
                     {"$schema",       "format",        "revision",         "name",
                      "description",   "scopeTypes",    "scopes",           "permissions",
                      "roles",         "selfUpgrades",  "claims",           "approvalRules",
                      "invariants",    "members",       "bindings",         "operations",
                      "notifications", "verifications", "approvalRequests", "roleRequests",
                      "server"})) {
    return nullptr;
  }
  if (const std::string* f = shape_.String(*doc_, "format", "", true)) {
    if (*f != "rolegate/1") {
      shape_.Add("unsupported_format", "/format",
                 "unsupported format " + Q(*f) + ": expected `rolegate/1`");
    }
  }
  if (const std::string* r = shape_.String(*doc_, "revision", "", false)) m_->revision = *r;
  if (const std::string* n = shape_.String(*doc_, "name", "", false)) m_->name = *n;
  shape_.String(*doc_, "description", "", false);
  shape_.String(*doc_, "$schema", "", false);  // for editors; the engine ignores it

  size_t n = 0;
  const Json* scope_types =
      CollectIds("scopeTypes", limits_.max_scope_types, &m_->scope_type_index, &n);
  const bool scopes = TakeList(kScopeList);
  const Json* permissions =
      CollectIds("permissions", limits_.max_permissions, &m_->permission_index, &n);
  const Json* roles = CollectIds("roles", limits_.max_roles, &m_->role_index, &n);
  const bool members = TakeList(kMemberList);
  const bool bindings = TakeList(kBindingList);
  const Json* self_upgrades = shape_.Array(*doc_, "selfUpgrades", "", false, limits_.max_rules);
  const Json* claims = shape_.Array(*doc_, "claims", "", false, limits_.max_rules);
  const Json* approval_rules = shape_.Array(*doc_, "approvalRules", "", false, limits_.max_rules);
  const Json* invariants = shape_.Array(*doc_, "invariants", "", false, limits_.max_rules);

  if (scope_types) ReadScopeTypes(*scope_types);
  if (scopes) ResolveScopes();
  if (permissions) ReadPermissions(*permissions);
  if (roles) ReadRoles(*roles);
  if (members) ResolveMembers();
  if (bindings) ResolveBindings();
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
  // The ids the big lists named are resolved: their text goes before the checks
  // that allocate for every binding.
  streamed_ = {};
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

namespace {

// FNV-1a, 64 bits, of text fed in pieces.
class Fnv {
 public:
  void Feed(std::string_view text) {
    for (unsigned char c : text) {
      h_ ^= c;
      h_ *= 1099511628211ull;
    }
  }
  std::string Revision() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h_));
    return std::string("fnv1a64:") + buf;
  }

 private:
  uint64_t h_ = 1469598103934665603ull;
};

// Feeds the canonical text of `value`. An object's `$schema`, which only tells an
// editor where the schema is, is left out: the same policy has the same revision
// with it or without it. With `lists`, the root object's big lists are empty
// arrays whose elements are there. Written member by member, in canonical
// (sorted) order, rather than copying a bundle that may be large.
void FeedCanonical(const Json& value, const std::array<ElementTexts, kBigLists>* lists, Fnv* fnv) {
  if (!value.is_object()) {
    fnv->Feed(Canonical(value));
    return;
  }
  fnv->Feed("{");
  bool first = true;
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key() == "$schema") continue;
    fnv->Feed(std::string(first ? "" : ",") + Canonical(Json(it.key())) + ":");
    first = false;
    const auto big = std::find(kBigListKeys.begin(), kBigListKeys.end(), it.key());
    if (lists != nullptr && big != kBigListKeys.end() && it.value().is_array()) {
      const ElementTexts& elements = (*lists)[static_cast<size_t>(big - kBigListKeys.begin())];
      fnv->Feed("[");
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) fnv->Feed(",");
        fnv->Feed(elements.at(i));
      }
      fnv->Feed("]");
    } else {
      fnv->Feed(Canonical(it.value()));
    }
  }
  fnv->Feed("}");
}

// What is left to do once the reader is done.
std::unique_ptr<Model> Done(std::unique_ptr<Model> model, Errors* errors, Errors* warnings) {
  SortErrors(errors);
  SortErrors(warnings);
  if (model && model->revision.empty()) {
    Fnv fnv;
    FeedCanonical(model->rest, &model->lists, &fnv);
    model->revision = fnv.Revision();
  }
  if (model) model->warnings = *warnings;
  return model;
}

}  // namespace

std::string ContentRevision(const Json& bundle) {
  Fnv fnv;
  FeedCanonical(bundle, nullptr, &fnv);
  return fnv.Revision();
}

std::unique_ptr<Model> ReadBundle(const Json& bundle, const Limits& limits, Errors* errors,
                                  Errors* warnings) {
  return ReadBundle(Json(bundle), limits, errors, warnings);
}

std::unique_ptr<Model> ReadBundle(Json&& bundle, const Limits& limits, Errors* errors,
                                  Errors* warnings) {
  BundleReader reader(limits, errors, warnings);
  if (bundle.is_object()) {
    // The big lists go to the reader element by element, as a streaming parse
    // hands them over (ReadBundleText), each element freed once read.
    for (size_t k = 0; k < kBigLists; ++k) {
      auto it = bundle.find(std::string(kBigListKeys[k]));
      if (it == bundle.end() || !it->is_array()) continue;
      Json::array_t list = std::move(it->get_ref<Json::array_t&>());
      *it = Json::array();
      reader.Expect(k, list.size());
      for (size_t i = 0; i < list.size(); ++i) {
        Json item = std::move(list[i]);
        reader.Element(k, i, std::move(item));
      }
    }
  }
  return Done(reader.Finish(std::move(bundle)), errors, warnings);
}

std::array<size_t, kBigLists> CountBigLists(std::string_view text) {
  std::array<size_t, kBigLists> counts{};
  size_t depth = 0;
  int list = -1;  // the big list the bytes are in (its elements at depth 2)
  size_t commas = 0;
  bool item = false;
  std::string_view last_string, key;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t start = i + 1;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
      }
      if (depth == 1) last_string = text.substr(start, std::min(i, text.size()) - start);
      if (depth == 2 && list >= 0) item = true;
      continue;
    }
    switch (c) {
      case ' ':
      case '\t':
      case '\n':
      case '\r':
        break;
      case ':':
        if (depth == 1) key = last_string;
        break;
      case '{':
      case '[':
        if (depth == 2 && list >= 0) item = true;
        ++depth;
        if (depth == 2 && c == '[') {
          const auto big = std::find(kBigListKeys.begin(), kBigListKeys.end(), key);
          list = big == kBigListKeys.end() ? -1 : static_cast<int>(big - kBigListKeys.begin());
          commas = 0;
          item = false;
        }
        break;
      case '}':
      case ']':
        if (depth == 2 && list >= 0) {
          counts[static_cast<size_t>(list)] = item ? commas + 1 : 0;
          list = -1;
        }
        if (depth > 0) --depth;
        break;
      case ',':
        if (depth == 2 && list >= 0) ++commas;
        break;
      default:
        if (depth == 2 && list >= 0) item = true;
        break;
    }
  }
  return counts;
}

std::unique_ptr<Model> ReadBundleText(std::string_view text, const Limits& limits, Errors* errors,
                                      Errors* warnings) {
  BundleReader reader(limits, errors, warnings);
  // For a big bundle, room for its lists first (reserving for a small one costs
  // more than it saves).
  if (text.size() >= (size_t{1} << 20) && text.size() <= limits.max_bytes) {
    const std::array<size_t, kBigLists> counts = CountBigLists(text);
    for (size_t k = 0; k < kBigLists; ++k) reader.Expect(k, counts[k]);
  }
  static const std::vector<std::string_view> kLists(kBigListKeys.begin(), kBigListKeys.end());
  ParsedJson parsed = ParseJsonDiverting(text, 1, limits, kLists, &reader);
  if (!parsed.ok()) {
    *errors = std::move(parsed.errors);
    return nullptr;
  }
  return Done(reader.Finish(std::move(parsed.value)), errors, warnings);
}

}  // namespace internal
}  // namespace rolegate
