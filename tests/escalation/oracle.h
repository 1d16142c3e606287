// The invariants the escalation search holds every allowed step to (README.md).
// They are judged from the bundle before and after the step (World, read from the
// bundle JSON), the operation, its actor and `now`, and the sequence's history;
// never from the engine's own checks.
#ifndef ROLEGATE_TESTS_ESCALATION_ORACLE_H_
#define ROLEGATE_TESTS_ESCALATION_ORACLE_H_

#include <map>
#include <string>
#include <vector>

#include "world.h"

namespace esc {

// Invariant ids: I1a rank, I1b permissions, I1c manages, I1d sees, I1e edit/delete
// reach, I1f holders kept in reach; I2 assignment; I3a requester roles, I3b below
// the author, I3c satisfiable; I4 status machine; P1 inactive members allowed
// nothing, P2 self-upgrade completed without a verification, P3 self-approval;
// B0 the bundle after an allowed step loads.
struct Violation {
  std::string invariant;
  std::string message;
};

// What the sequence remembers between steps: for each member, the statuses a
// block or disable suspended (innermost last); "" marks a status nobody knows.
class History {
 public:
  explicit History(const World& initial);
  std::vector<std::string>& Stack(const std::string& member) { return stacks_[member]; }

 private:
  std::map<std::string, std::vector<std::string>> stacks_;
};

// The invariants broken by one kept step: `op` by `actor` at `now` took `before`
// to `after` with `effect` ("allow" or "conditional"). Updates `history`.
std::vector<Violation> CheckStep(const World& before, const World& after, const std::string& actor,
                                 const std::string& now, const Json& op, const std::string& effect,
                                 History* history);

// The SoundnessChecks flag whose invariants an id belongs to ("" for none).
std::string FlagOf(const std::string& invariant);

}  // namespace esc

#endif  // ROLEGATE_TESTS_ESCALATION_ORACLE_H_
