// The invariants an operation's edit is judged against before the simulator keeps
// it (docs/format.md, "Invariants"; docs/changes.md, "Violations"). An error
// breach the operation brings refuses it whole; a warning it brings is reported.
//
//   load errors   the edit checked as loading the bundle would (load_errors.cc):
//                 unique_email, exclusive_role, and any other invalid result
//   member rules  judged on the members the operation touches (member_field.cc,
//                 scope_limit.cc), in the edited overlay or the recompiled bundle
//   min_holders   judged on the scopes it could affect (min_holders.cc)
#ifndef ROLEGATE_CHANGE_INVARIANTS_H_
#define ROLEGATE_CHANGE_INVARIANTS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "access.h"
#include "change/context.h"
#include "change/outcome.h"
#include "rolegate/error.h"

namespace rolegate {
namespace internal {

// A violation as the result lists it: the invariant, its kind and severity, the
// operation that brought it, the message, and `details` (member, scope, ...).
Json Violation(const std::string& invariant, const std::string& kind, const std::string& severity,
               size_t op, const std::string& message, const Json& details = Json::object());

// The violations of a simulation, and whether an error one stands.
struct Violations {
  Json list = Json::array();
  bool error = false;
  void Add(Json v) { list.push_back(std::move(v)); }
};

// ---- Load errors (load_errors.cc).
// The bindings an overlay edit added, checked as loading the bundle would: the
// errors loading would report (none when they are valid).
Errors ValidateAdded(const Model& m, const Edit& e);
// Refuses operation `i` for `errors` (a load's): unique_email and exclusive_role
// ones are violations, the rest invalid changes.
void RefuseLoadErrors(const Model& m, const Errors& errors, size_t i, Outcome* out,
                      Violations* violations);
// A warning a recompiled bundle reports that was not there before: a violation.
Json WarningViolation(const Model& m, const Error& warning, size_t i);

// ---- Member rules (member_field.cc, scope_limit.cc).
// A breach of an invariant on a member the operation touches.
struct MemberBreach {
  Index invariant = 0;  // into Model::invariants
  std::string member, message;
  Json details;  // the violation's details: member and what it concerns
  Json facts;    // the facts of the deny reason
};
using MemberBreaches = std::vector<MemberBreach>;

// An invariant kind judged on the members an operation touches (cx.touching()).
class MemberRule {
 public:
  virtual ~MemberRule() = default;
  // The breaches after the operation, in the edited overlay...
  virtual MemberBreaches After(const Context& cx, const Overlay& after) const = 0;
  // ...or in the whole bundle after it.
  virtual MemberBreaches After(const Context& cx, const Json& after) const = 0;
  // Those that stood before it (a warning is reported only when new).
  virtual MemberBreaches Before(const Context& cx) const = 0;
};

// A member the operation touches, read from the whole bundle after it as loading
// would read it: its entry, and the scopes of its bindings, in bundle order.
struct TouchedEntry {
  Member member;
  std::vector<Index> bound;
};
std::map<std::string, TouchedEntry> TouchedEntries(const Context& cx, const Json& bundle);

// The member rules, in the order their breaches are reported: member_field, scope_limit.
std::vector<std::unique_ptr<MemberRule>> MemberRules();
std::unique_ptr<MemberRule> MemberFieldInvariant();
std::unique_ptr<MemberRule> ScopeLimitInvariant();

bool HasErrorBreach(const Model& m, const MemberBreaches& breaches);
// Refuses operation `i` for the error breaches (the warnings go with it).
void RefuseBreaches(const Model& m, const MemberBreaches& breaches, size_t i, Outcome* out,
                    Violations* violations);
// Reports the breaches of `after` not in `before` (by member and invariant).
void ReportNewBreaches(const Model& m, const MemberBreaches& after, const MemberBreaches& before,
                       size_t i, Violations* violations);

// ---- min_holders (min_holders.cc).
// A min_holders breach, keyed by (invariant id, scope id).
using HolderBreach = std::pair<std::pair<std::string, std::string>, Breach>;
using HolderBreaches = std::vector<HolderBreach>;

// The min_holders breaches the operations kept so far brought, with the
// operation that brought each.
class MinHolders {
 public:
  // Breaches in `candidate` that stand neither before the operation, nor in the
  // base, nor were brought already: the operation's own. `only`: the scopes to
  // look at (all when null).
  HolderBreaches Fresh(const Context& cx, const Overlay& candidate,
                       const std::vector<Index>* only) const;
  static bool BreaksError(const HolderBreaches& fresh);
  // Refuses operation `i` for the error breaches among `fresh`.
  static void Refuse(const HolderBreaches& fresh, size_t i, Outcome* out, Violations* violations);
  // Records `fresh` as brought by operation `i`.
  void Brought(const HolderBreaches& fresh, size_t i);
  // After the last operation: those brought and still standing are violations.
  void Finish(const Context& cx, Violations* violations) const;

 private:
  std::map<std::pair<std::string, std::string>, std::pair<Breach, size_t>> brought_;
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_INVARIANTS_H_
