// Judging an operation's edit (docs/changes.md, "Violations"): the edit is
// checked as loading the bundle would and against the invariants, and either
// kept (the state moves on) or refused whole (the operation turns deny and
// nothing of it is applied).
#ifndef ROLEGATE_CHANGE_COMMIT_H_
#define ROLEGATE_CHANGE_COMMIT_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "change/context.h"
#include "change/invariants.h"
#include "change/outcome.h"

namespace rolegate {
namespace internal {

class Committer {
 public:
  // With `recompile_each`, every edit is judged on the whole bundle, recompiled:
  // the reference the overlay must equal.
  Committer(Context& cx, bool recompile_each);

  // Judges the edit of operation `i` (`written`, as the change set has it).
  void Judge(size_t i, const Json& written, Edit* edit, Outcome* out);
  // After the last operation: the violations, sorted by operation.
  Violations Finish();
  // The operations kept that changed the state, [index, operation] each.
  const Json& applied() const { return applied_; }

 private:
  // The state after the edit, when it is valid (else the operation is refused).
  struct Candidate {
    std::unique_ptr<Overlay> overlay;
    std::shared_ptr<const Policy> compiled;  // when the bundle was recompiled
    Errors warnings;                         // the recompiled bundle's
    std::vector<MemberBreaches> breaches;    // each member rule's (warnings only)
  };
  // On the edited overlay: its added bindings and the member rules.
  Candidate OnOverlay(size_t i, Edit* edit, Outcome* out);
  // On the whole bundle after the edit, recompiled.
  Candidate OnBundle(size_t i, Edit* edit, Outcome* out);
  // min_holders, then keeps the candidate and reports its new warnings.
  void Keep(size_t i, const Json& written, bool whole, Candidate c, Outcome* out);

  Context& cx_;
  const bool recompile_each_;
  std::vector<std::unique_ptr<MemberRule>> rules_;
  MinHolders holders_;
  std::set<std::string> warnings_before_;  // pointer + code of warnings reported
  Violations violations_;
  Json applied_ = Json::array();
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_COMMIT_H_
