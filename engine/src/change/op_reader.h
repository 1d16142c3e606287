// Reading one operation of a change set: the checks every kind's `read` uses
// (ops/*.cc), over the bundle's ids and those earlier operations create.
#ifndef ROLEGATE_CHANGE_OP_READER_H_
#define ROLEGATE_CHANGE_OP_READER_H_

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

#include "model.h"
#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"
#include "shape.h"

namespace rolegate {
namespace internal {

class OpReader {
 public:
  // Ids are looked up in the bundle's indexes; the sets hold only what the
  // change set creates (and, for the small lists, what the bundle has).
  OpReader(const Model& m, const Limits& limits, Errors* errors);

  // Reads operation `op` at `p`: its kind, then the kind's own fields.
  void Operation(const Json& op, const std::string& p);

  Shape& shape() { return shape_; }
  const Model& model() const { return m_; }
  const Limits& limits() const { return limits_; }

  // `member`: an id of a member that exists or that an earlier operation creates.
  void Member(const Json& op, const std::string& p, bool required);
  // `role`: an id of a role that exists or that an earlier operation defines.
  void Role(const Json& op, const std::string& p);
  // `scope`: an id of a scope of the bundle.
  void Scope(const Json& op, const std::string& p, bool required);
  // Exactly one of `scope` or `scopes` (a non-empty list of scope ids).
  void Scopes(const Json& op, const std::string& p);
  // A new member object: {"id", "email"?, "name"?, "kind"?, "registered"?, ...}.
  void NewMember(const Json& v, const std::string& p);
  // The new member of `invite` or `register`: an object; with `existing_ok`, or
  // the id of a member that exists.
  void MemberOrNew(const Json& op, const std::string& p, bool existing_ok);
  // An optional secret an operation carries: a non-empty string of at most `max`
  // characters, never read by the engine.
  void Proof(const Json& op, const std::string& p, const char* key, size_t max);
  // `setup`: one of the set-up options.
  void Setup(const Json& op, const std::string& p, bool required);
  // `request`: a pending approval or role request (`what` names it in the message).
  void Request(const Json& op, const std::string& p, const char* what);

  // The shapes several kinds share (`keys`: the fields the operation takes).
  // A role on a scope (`role`, `scope`).
  void RoleOnScope(const Json& op, const std::string& p,
                   std::initializer_list<std::string_view> keys);
  // A member, on an optional scope (`member`, `scope`).
  void MemberOnScope(const Json& op, const std::string& p, bool scope_required);
  // A member and a role, on `scope` or `scopes`.
  void MemberRoleOnScopes(const Json& op, const std::string& p);

  // Roles: `id` defined by this operation (false when it exists already), or known.
  bool DefineRole(const std::string& id) { return roles_.insert(id); }
  bool KnowsRole(const std::string& id) const { return roles_.count(id) > 0; }
  // Approval rules: `id` set by this operation, or known.
  void SetRule(const std::string& id) { rules_.insert(id); }
  bool KnowsRule(const std::string& id) const { return rules_.count(id) > 0; }
  // Pending approval and role requests of the bundle.
  bool KnowsRequest(const std::string& id) const { return requests_.count(id) > 0; }

 private:
  // Ids of the bundle plus those created by earlier operations.
  class Known {
   public:
    explicit Known(const IdIndex& base) : base_(base) {}
    size_t count(const std::string& id) const { return base_.count(id) + created_.count(id); }
    // Adds `id`; false when it is known already.
    bool insert(const std::string& id) { return !count(id) && created_.insert(id).second; }

   private:
    const IdIndex& base_;
    std::set<std::string> created_;
  };

  const Model& m_;
  const Limits& limits_;
  Shape shape_;
  Known members_, roles_;
  std::set<std::string> rules_, requests_;
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_OP_READER_H_
