// The compiled, immutable model of a valid bundle. Every id is interned to a dense
// integer. Lists keep the bundle's document order; every output sorts what it lists,
// so results do not depend on that order.
#ifndef ROLEGATE_MODEL_H_
#define ROLEGATE_MODEL_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "id_index.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

using Index = uint32_t;
inline constexpr Index kNone = 0xffffffffu;

enum class MemberStatus { kPending, kInvited, kActive, kBlocked, kDisabled, kRemoved };
const char* StatusName(MemberStatus status);
std::optional<MemberStatus> ParseStatus(const std::string& text);

// A fixed-size set of permission indexes.
class PermissionSet {
 public:
  PermissionSet() = default;
  explicit PermissionSet(size_t bits) : words_((bits + 63) / 64, 0) {}
  void Set(Index i) { words_[i >> 6] |= uint64_t{1} << (i & 63); }
  bool Test(Index i) const { return (words_[i >> 6] >> (i & 63)) & 1u; }
  void Merge(const PermissionSet& other) {
    for (size_t w = 0; w < words_.size(); ++w) words_[w] |= other.words_[w];
  }
  size_t size_bits() const { return words_.size() * 64; }

 private:
  std::vector<uint64_t> words_;
};

// The bundle's big lists, which are read element by element (load/reader.h) and
// kept as text rather than as documents: their keys, by BigList.
enum BigList : size_t { kScopeList, kMemberList, kBindingList, kBigLists };
inline constexpr std::array<std::string_view, kBigLists> kBigListKeys = {"scopes", "members",
                                                                         "bindings"};

// The elements of a list, each as its canonical text: a fraction of the memory a
// document of them takes. The text lies in blocks of up to a megabyte, so that
// growing never copies what is there (and never holds it twice).
class ElementTexts {
 public:
  void Add(const Json& element);
  size_t size() const { return spans_.size(); }
  std::string_view at(size_t i) const {
    const Span& s = spans_[i];
    return std::string_view(blocks_[s.block]).substr(s.begin, s.size);
  }
  // Element `i` as a document.
  Json Parse(size_t i) const;
  void Reserve(size_t elements) { spans_.reserve(elements); }
  void Clear() {
    blocks_.clear();
    spans_.clear();
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 20;
  struct Span {
    uint32_t block, begin, size;
  };
  std::vector<std::string> blocks_;
  std::vector<Span> spans_;
  std::string scratch_;  // the element being written
};

struct ScopeType {
  std::string id, label;
  uint64_t parent_mask = 0;  // bit i: scope type i may be the parent
};

struct Scope {
  std::string id, name;
  Index type = kNone;
  Index parent = kNone;
  uint32_t tin = 0, tout = 0;         // Euler-tour interval: a is an ancestor-or-self of d
                                      // iff tin[a] <= tin[d] && tout[d] <= tout[a]
  uint32_t pre = 0, subtree_end = 0;  // the scope's descendants are
                                      // Model::preorder[pre + 1, subtree_end)
  Json attributes = Json::object();
};

struct Permission {
  std::string id, label, description;
  uint64_t applies_mask = 0;  // scope types
  bool rank_limited = false;
};

// One `sees` rule: members holding a role of one of `families` with rank at least
// `min_rank`, with their e-mail when `email`.
struct SeesRule {
  int64_t min_rank = 0;
  std::vector<Index> families;
  bool email = false;
  bool operator==(const SeesRule& o) const {
    return min_rank == o.min_rank && families == o.families && email == o.email;
  }
};

// One limit of a role's `manages`: the roles of `family` up to rank `up_to`.
struct ManagesLimit {
  Index family = 0;
  int64_t up_to = 0;
};

struct Role {
  std::string id, label, description;
  Index family = kNone;
  int64_t rank = 0;
  std::vector<Index> direct_permissions, inherits;
  std::vector<uint32_t> inherits_at;  // position of each of `inherits` in the document
  PermissionSet permissions;          // inheritance expanded
  uint64_t assignable_mask = 0;
  bool exclusive = false, has_service = true, custom = false, descendants = true;
  // The role's own `sees` rule, as written.
  bool sees = false;
  int64_t sees_min_rank = 0;
  std::vector<Index> sees_families;
  bool sees_email = false;
  // What the role sees: its own rule and those of the roles it inherits,
  // transitively (inheritance expanded; the union of the rules, so the widest
  // wins: a member admitted by any rule is seen, with their e-mail when any rule
  // admitting them shows it).
  std::vector<SeesRule> sees_rules;
  // `manages`: whose roles its holders may hand out and take away, one limit per
  // family (a family appears in one limit at most). `manages` without a family
  // listed limits the role's own family.
  bool manages = false;
  std::vector<ManagesLimit> manages_limits;
  // The highest rank of `family` the role manages, or -1 when it manages none.
  int64_t ManagesUpTo(Index of) const {
    for (const ManagesLimit& l : manages_limits) {
      if (l.family == of) return l.up_to;
    }
    return -1;
  }
  // The member kinds that may hold the role (`memberKinds`); empty: any kind.
  std::vector<std::string> member_kinds;
  bool AllowsKind(const std::string& kind) const {
    return member_kinds.empty() ||
           std::find(member_kinds.begin(), member_kinds.end(), kind) != member_kinds.end();
  }
};

struct Member {
  std::string id, email, name, kind, branding_domain, language;
  std::string invitation_sent_at, invitation_expires_at;  // while invited
  // The scope the member was added to (`add_members`): where a member who holds no
  // binding belongs. kNone when not recorded.
  Index added_to = kNone;
  MemberStatus status = MemberStatus::kActive;
  bool registered = true;
};

struct Binding {
  std::string id;
  Index member = kNone, role = kNone, scope = kNone;
  std::string expires_at;
  // Who granted it and when are in the bundle (Model::lists) and nowhere else: no
  // decision reads them.
};

// The fields of a binding a check reads, packed apart from its strings so that the
// hot path touches 16 bytes per binding.
struct BindingKey {
  Index member = kNone, role = kNone, scope = kNone;
  uint32_t expires = 0;  // 1 when the binding has an expiry
};

// A self-upgrade waiting for its PIN (bundle "verifications"; docs/changes.md,
// section 1), as simulation reads it. The bundle's list stays the record of it:
// simulation writes there, and the next compile reads it back into these.
struct VerificationRecord {
  std::string id, member, role, scope, rule, method, issued_at, expires_at;
  // As the bundle writes it.
  Json ToJson() const {
    return Json{
        {"id", id},     {"member", member}, {"role", role},          {"scope", scope},
        {"rule", rule}, {"method", method}, {"issuedAt", issued_at}, {"expiresAt", expires_at}};
  }
};

// A member's request for a role (bundle "roleRequests"; docs/changes.md, "Access
// requests"), open until it is decided, withdrawn or lapses. Kept as the
// verification records are.
struct RoleRequestRecord {
  std::string id, requester, role, scope, created_at;
  std::optional<std::string> reason, until, expires_at;
  // Whether it has lapsed by `now`.
  bool Lapsed(const std::string& now) const { return expires_at && *expires_at <= now; }
};

// An operation waiting for approval (bundle "approvalRequests"; docs/changes.md,
// "Approvals"), with the decisions made on it so far. Kept as the verification
// records are.
struct ApprovalRequestRecord {
  struct Decision {
    std::string member, decision, at;  // decision: "approve" or "reject"
  };
  std::string id, group, requester, rule, action, resource, created_at;
  std::optional<std::string> expires_at;
  Json operation;  // the operation it holds, as written (without its secret)
  std::vector<Decision> decisions;
  // The requests approved together (`group`; a request alone is its own group).
  const std::string& Group() const { return group.empty() ? id : group; }
};

struct SelfUpgrade {
  std::string id, action;
  std::vector<Index> from, to;
  // Applies only to a member registering (request attribute `registering`: true,
  // set by the `register` operation), who holds no role of the family there yet.
  bool on_registration = false;
  bool has_unless = false;
  int64_t unless_min_rank = 0;
  bool has_verification = false;
  std::string method;
  int64_t valid_for_days = 0;
};

struct Claim {
  std::string id, action;
  std::vector<Index> holder;
  Index grants = kNone;
  Index within = kNone;  // scope type
};

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe, kIn };
const char* OpName(Op op);

struct Condition {
  std::string attribute;
  Op op = Op::kEq;
  Json value;
};

// Compares an attribute value with a condition's value (decide.cc). Returns
// nullopt when the types cannot be compared.
std::optional<bool> CompareCondition(const Json& have, Op op, const Json& want);

struct ApprovalRule {
  std::string id;
  std::vector<Index> actions;
  uint64_t scope_mask = 0;             // 0: any scope type
  std::vector<Index> requester_roles;  // empty: any requester
  std::vector<Index> scopes;           // empty: everywhere; else these scopes and their descendants
  std::vector<Condition> when;
  Index approver_permission = kNone;  // either this...
  std::vector<Index> approver_roles;  // ...or these
  int64_t quorum = 1;
  std::optional<int64_t> expires_after_days;
};

// How an operation kind is authorised (bundle "operations").
// The longest reason a member may give when asking for a role (request_role).
inline constexpr size_t kMaxRequestReason = 500;

struct OperationRule {
  std::string action;
  int64_t invitation_valid_for_days = 0;  // invite only; 0: never expires
  int64_t request_valid_for_days = 0;     // request_role only; 0: never lapses
  // Conditions on the operation's `attributes` that must all hold (a missing
  // attribute fails): otherwise the operation is denied.
  std::vector<Condition> preconditions;
  // invite and activate_member: the set-up options offered; empty: all of them.
  std::vector<std::string> setups;
};

// Which events are sent, and how (bundle "notifications").
struct NotificationRule {
  std::vector<std::string> channels;
  bool reveal_actor = false, reveal_actor_email = false, temporary_password = false;
};

struct Invariant {
  std::string id, kind, severity;
  Json spec;  // the rule as written, for simulation
};

struct Model {
  // The source document as read, in two parts: `rest` is the document where
  // each big list present is an empty array, and `lists` holds those lists'
  // elements (by BigList).
  Json rest;
  std::array<ElementTexts, kBigLists> lists;
  // The whole source document.
  Json Document() const;
  std::vector<Error> warnings;  // problems found on load that did not stop it
  std::string revision, name;

  std::vector<ScopeType> scope_types;
  std::vector<Scope> scopes;
  std::vector<Index> preorder;  // scopes in depth-first order
  std::vector<Permission> permissions;
  std::vector<Role> roles;
  std::vector<std::string> families;
  std::vector<Member> members;
  std::vector<Binding> bindings;
  std::vector<BindingKey> binding_keys;  // parallel to bindings
  struct Span {
    uint32_t tin, tout;
  };
  std::vector<Span> spans;  // parallel to scopes: their Euler-tour intervals
  std::vector<SelfUpgrade> self_upgrades;
  std::vector<VerificationRecord> verifications;         // in the bundle's order
  std::vector<RoleRequestRecord> role_requests;          // in the bundle's order
  std::vector<ApprovalRequestRecord> approval_requests;  // in the bundle's order
  // The approval request `id`, or null.
  const ApprovalRequestRecord* FindApprovalRequest(const std::string& id) const {
    for (const ApprovalRequestRecord& r : approval_requests) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }
  // The role request `id`, or null.
  const RoleRequestRecord* FindRoleRequest(const std::string& id) const {
    for (const RoleRequestRecord& r : role_requests) {
      if (r.id == id) return &r;
    }
    return nullptr;
  }
  std::vector<Claim> claims;
  std::vector<ApprovalRule> approval_rules;
  std::vector<Invariant> invariants;
  std::map<std::string, OperationRule> operation_rules;        // by operation kind
  std::map<std::string, NotificationRule> notification_rules;  // by event kind

  IdIndex scope_type_index, scope_index, permission_index, role_index, family_index, member_index;
  // Actions that are not permissions.
  std::unordered_map<std::string, std::vector<Index>> self_upgrades_by_action, claims_by_action;
  std::vector<std::vector<Index>> approval_rules_by_permission;

  // Bindings indexed by member and by scope, as offsets into flat arrays (CSR).
  std::vector<uint32_t> member_binding_start, member_bindings;
  std::vector<uint32_t> scope_binding_start, scope_bindings;

  // The read interface shared with Overlay (overlay.h; view.h says what it is and
  // derives the rest): decisions and access computations are written against it,
  // so they run on a compiled bundle and on a simulated state alike.
  const Model& model() const { return *this; }
  const Member& member(Index i) const { return members[i]; }
  const Binding& binding(uint32_t b) const { return bindings[b]; }
  const BindingKey& key(uint32_t b) const { return binding_keys[b]; }
  const Index* FindMember(const std::string& id) const { return member_index.Get(id); }
  size_t member_count() const { return members.size(); }

  bool IsAncestorOrSelf(Index ancestor, Index scope) const {
    const Span& a = spans[ancestor];
    const Span& d = spans[scope];
    return a.tin <= d.tin && d.tout <= a.tout;
  }
  // Whether binding `b` applies on `scope` (ignores member status and expiry).
  bool BindingCovers(const Binding& b, Index scope) const {
    if (b.scope == scope) return true;
    return roles[b.role].descendants && IsAncestorOrSelf(b.scope, scope);
  }
  template <typename F>
  void ForEachBindingOfMember(Index member, F&& f) const {
    for (uint32_t i = member_binding_start[member]; i < member_binding_start[member + 1]; ++i) {
      f(member_bindings[i]);
    }
  }
  template <typename F>
  void ForEachBindingOnScope(Index scope, F&& f) const {
    for (uint32_t i = scope_binding_start[scope]; i < scope_binding_start[scope + 1]; ++i) {
      f(scope_bindings[i]);
    }
  }
  // Whether binding `b` has expired at `now` (an empty `now` never expires it).
  static bool Expired(const Binding& b, const std::string& now) {
    return !now.empty() && !b.expires_at.empty() && b.expires_at <= now;
  }
  const Index* Find(const IdIndex& index, const std::string& id) const { return index.Get(id); }
};

// Whether a role's `manages` has effect: only through a rankLimited permission it
// holds (its own or inherited) does it hand out or take away anything.
inline bool ManagesAnyone(const Model& m, const Role& r) {
  if (!r.manages) return false;
  for (size_t p = 0; p < m.permissions.size(); ++p) {
    if (m.permissions[p].rank_limited && r.permissions.Test(static_cast<Index>(p))) return true;
  }
  return false;
}

// The active members other than `requester` who could approve under `rule` on
// `resource` (bindings on it or on an ancestor that apply there), sorted by id.
// V: Model or Overlay (instantiated for both in decide.cc).
template <typename V>
std::vector<std::string> EligibleApprovers(const V& v, const ApprovalRule& rule, Index resource,
                                           Index requester, const std::string& now);

// Builds the indexes of a model whose lists are filled in and valid: Euler-tour
// intervals, expanded role permissions, binding indexes, rule indexes.
void BuildIndexes(Model* model);

// The nearest ancestor-or-self of `scope` for which `match(scope index)` holds,
// or kNone. `memo` (one entry per scope, filled in as paths are walked; start
// with an empty vector, and keep one per `match` and per forest) remembers every
// answer, so a deep forest is walked once however many bindings hang below it.
// Bounded by the number of scopes, so a cyclic forest (reported elsewhere) ends.
template <typename Match>
Index NearestAncestorOrSelf(const Model& m, Index scope, std::vector<Index>* memo,
                            const Match& match) {
  constexpr Index kUnknown = kNone - 1;
  if (memo->size() != m.scopes.size()) memo->assign(m.scopes.size(), kUnknown);
  std::vector<Index> path;
  Index found = kNone;
  size_t steps = 0;
  for (Index s = scope; s != kNone && steps <= m.scopes.size(); s = m.scopes[s].parent, ++steps) {
    if ((*memo)[s] != kUnknown) {
      found = (*memo)[s];
      break;
    }
    path.push_back(s);
    if (match(s)) {
      found = s;
      break;
    }
  }
  for (Index s : path) (*memo)[s] = found;
  return found;
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_MODEL_H_
