// The answer of a simulation (docs/changes.md, "The result"; the schema
// schemas/simulation.schema.json): the one place its top-level keys and each
// operation's are written.
#ifndef ROLEGATE_CHANGE_RESULT_H_
#define ROLEGATE_CHANGE_RESULT_H_

#include <string>

#include "change/invariants.h"
#include "change/operation.h"
#include "change/outcome.h"

namespace rolegate {
namespace internal {

class ResultBuilder {
 public:
  // Operation `i`'s outcome: its result entry, its events, the tally.
  void AddOperation(size_t i, const Operation& op, Outcome out);
  // The whole answer; `bundle_after` is null when not asked for.
  Json Finish(const std::string& base_revision, const std::string& revision_after, Json access_diff,
              Violations violations, Json bundle_after);

 private:
  Json results_ = Json::array();
  Json events_ = Json::array();
  int64_t allowed_ = 0, denied_ = 0, conditional_ = 0;
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CHANGE_RESULT_H_
