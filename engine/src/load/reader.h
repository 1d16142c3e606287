// Reading and validating a bundle (format rolegate/1) into a Model, one section
// at a time (load/<section>.cc). Every problem is reported; a Model is produced
// only when there are none.
#ifndef ROLEGATE_LOAD_READER_H_
#define ROLEGATE_LOAD_READER_H_

#include <memory>
#include <string>
#include <vector>

#include "bundle.h"
#include "model.h"
#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"
#include "rolegate/policy.h"
#include "shape.h"

namespace rolegate {
namespace internal {

inline constexpr int64_t kMaxRank = 1000000;
inline constexpr int64_t kMaxDays = 36500;

class BundleReader {
 public:
  BundleReader(const Json& bundle, const Limits& limits, Errors* errors, Errors* warnings)
      : doc_(bundle),
        limits_(limits),
        shape_(errors),
        errors_(errors),
        warnings_(warnings),
        m_(std::make_unique<Model>()) {}

  std::unique_ptr<Model> Run();

 private:
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
  void ReadScopes(const Json& list);
  // A scope's `attributes`: strings, integers, booleans and lists of strings.
  const Json* ScopeAttributes(const Json& item, const std::string& pointer);
  void ReadPermissions(const Json& list);
  void ReadRoles(const Json& list);
  // A role's own fields, its `sees` and its `manages` (one limit, or one per family).
  void ReadRole(const Json& item, const std::string& p, Role* r);
  void ReadRoleSees(const Json& item, const std::string& p, Role* r);
  void ReadRoleManages(const Json& item, const std::string& p, Role* r);
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

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_LOAD_READER_H_
