// Reading and validating a bundle (format rolegate/1) into a Model, one section
// at a time (load/<section>.cc). Every problem is reported; a Model is produced
// only when there are none.
#ifndef ROLEGATE_LOAD_READER_H_
#define ROLEGATE_LOAD_READER_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bundle.h"
#include "json_stream.h"
#include "model.h"
#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"
#include "rolegate/policy.h"
#include "shape.h"

namespace rolegate {
namespace internal {

inline constexpr int64_t kMaxRank = 1000000;

// How many elements each big list of a bundle's text has (by BigList), by a quick
// look at its bytes (strings, nesting, the root's keys): a hint for
// BundleReader::Expect, which the parse then checks. Not a parser: text that is
// not JSON gives some count, and a key written with escapes is not recognised.
std::array<size_t, kBigLists> CountBigLists(std::string_view text);
inline constexpr int64_t kMaxDays = 36500;

// Reads a bundle in two steps. The elements of its big lists (scopes, members,
// bindings; model.h) come first, one at a time and in any order of the lists, as
// a streaming parse meets them (Element): each is checked and kept as it comes,
// and the ids it names wait. Finish then reads the rest of the document, resolves
// those ids, and checks the whole.
class BundleReader : public ElementSink {
 public:
  BundleReader(const Limits& limits, Errors* errors, Errors* warnings)
      : limits_(limits),
        shape_(errors),
        errors_(errors),
        warnings_(warnings),
        m_(std::make_unique<Model>()) {}

  // Room for `count` elements of `list` (a hint: the elements that come decide),
  // so that the lists never grow by copying, and never hold twice their size.
  void Expect(size_t list, size_t count);
  void Element(size_t list, size_t index, Json&& item) override;
  // `rest` is the document, where each big list whose elements went to Element
  // is an empty array.
  std::unique_ptr<Model> Finish(Json&& rest);

 private:
  // An id an element of a big list names, waiting to be resolved: a span of
  // Streamed::ids, or none.
  struct Ref {
    static constexpr uint32_t kAbsent = 0xffffffffu;   // no such field
    static constexpr uint32_t kInvalid = 0xfffffffeu;  // a field that is not an id
    uint32_t begin = 0, size = kAbsent;
  };
  // A big list as Element reads it.
  struct Streamed {
    Errors errors;  // joined with the others' when the list is taken (TakeList)
    size_t count = 0;
    std::string ids;               // the ids the elements name, one after another
    std::vector<Ref> refs;         // per element, RefSlots(list) of them
    std::vector<bool> id_written;  // bindings: whether the element has an `id` field
    // Per slot, the last id resolved and what it resolved to: elements of a list
    // often name what the one before named (a member's bindings are together).
    std::string_view last_id[3];
    Index last_found[3] = {kNone, kNone, kNone};
  };
  static size_t RefSlots(size_t list) {
    return list == kScopeList ? 2 : list == kMemberList ? 1 : 3;
  }
  size_t MaxItems(size_t list) const;
  // Records the id field `key` of an element of `list` (checked as Shape::Id).
  void AddRef(size_t list, const Json& item, const char* key, const std::string& pointer,
              bool required);
  // Resolves slot `slot` of element `i` of `list`, the field `key`.
  Index ResolveRef(size_t list, size_t i, size_t slot, const char* key, const IdIndex& index,
                   const char* code, const char* what);
  // Reports a big list that is not an array or has too many elements, and then
  // forgets what Element read of it; otherwise joins its errors. Whether the list
  // is there and taken.
  bool TakeList(size_t list);
  void ScopeElement(size_t i, const Json& item);
  void MemberElement(size_t i, const Json& item);
  void BindingElement(size_t i, const Json& item);
  void ResolveScopes();
  void ResolveMembers();
  void ResolveBindings();

  std::unique_ptr<Model> Run();

  // Registers the id of element `i` of the top-level list `key`, reporting a
  // duplicate.
  void RegisterId(const Json& item, const char* key, size_t i, IdIndex* index);
  // Registers the id of each element of a top-level list, reporting duplicates.
  // Returns the list (or null when absent or malformed).
  const Json* CollectIds(const char* key, size_t max_items, IdIndex* index, size_t* count);

  Index Resolve(const IdIndex& index, const IdAt& ref, const char* code, const char* what);
  Index ResolveField(const Json& obj, const char* key, const std::string& pointer,
                     const IdIndex& index, const char* code, const char* what, bool required);
  std::vector<Index> ResolveList(const Json& obj, const char* key, const std::string& pointer,
                                 const IdIndex& index, const char* code, const char* what,
                                 bool required, bool non_empty);
  uint64_t TypeMask(const Json& obj, const char* key, const std::string& pointer, bool required);
  Index Family(const std::string& name, bool create, const std::string& pointer);
  // The list `key` of `obj`: conditions on attributes, as approval rules' `when`.
  std::vector<Condition> ReadConditions(const Json& obj, const char* key,
                                        const std::string& pointer);

  void ReadScopeTypes(const Json& list);
  // A scope's `attributes`: strings, integers, booleans and lists of strings.
  const Json* ScopeAttributes(const Json& item, const std::string& pointer);
  void ReadPermissions(const Json& list);
  void ReadRoles(const Json& list);
  // A role's own fields, its `sees` and its `manages` (one limit, or one per family).
  void ReadRole(const Json& item, const std::string& p, Role* r);
  void ReadRoleSees(const Json& item, const std::string& p, Role* r);
  void ReadRoleManages(const Json& item, const std::string& p, Role* r);
  void ReadSuspension(const Json& item, const std::string& p, MemberStatus status);
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

  const Json* doc_ = nullptr;  // the rest of the document, in Finish
  const Limits& limits_;
  Shape shape_;
  Errors* errors_;
  Errors* warnings_;
  std::unique_ptr<Model> m_;
  std::vector<const Json*> role_json_;  // per role, its "inherits" pointer source
  std::array<Streamed, kBigLists> streamed_;
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_LOAD_READER_H_
