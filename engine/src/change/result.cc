#include "change/result.h"

#include "rolegate/policy.h"

namespace rolegate {
namespace internal {

void ResultBuilder::AddOperation(size_t i, const Operation& op, Outcome out) {
  switch (out.effect) {
    case Effect::kAllow:
      ++allowed_;
      break;
    case Effect::kDeny:
      ++denied_;
      break;
    case Effect::kConditional:
      ++conditional_;
      break;
  }
  for (Json& e : out.events) events_.push_back(std::move(e));
  Json result{
      {"index", static_cast<int64_t>(i)},
      {"op", op.name},
      {"effect", EffectName(out.effect)},
      {"checks", std::move(out.checks)},
      {"reasons", std::move(out.reasons)},
      {"requirements",
       {{"approvals", std::move(out.approvals)}, {"verifications", std::move(out.verifications)}}}};
  if (!out.request.is_null() && out.effect != Effect::kDeny) {
    result["request"] = std::move(out.request);
  }
  // What only the server of record can check: the secret the operation carries.
  if (op.kind->checked_by_server != nullptr) {
    result["checkedByServer"] = Json::array({op.kind->checked_by_server});
  }
  results_.push_back(std::move(result));
}

Json ResultBuilder::Finish(const std::string& base_revision, const std::string& revision_after,
                           Json access_diff, Violations violations, Json bundle_after) {
  const bool blocked = denied_ > 0 || conditional_ > 0 || violations.error;
  Json result{{"ok", true},
              {"baseRevision", base_revision},
              {"revisionAfter", revision_after},
              {"operations", std::move(results_)},
              {"accessDiff", std::move(access_diff)},
              {"violations", std::move(violations.list)},
              {"events", std::move(events_)},
              {"summary",
               {{"allowed", allowed_},
                {"denied", denied_},
                {"conditional", conditional_},
                {"blocked", blocked}}}};
  if (!bundle_after.is_null()) result["bundleAfter"] = std::move(bundle_after);
  return result;
}

}  // namespace internal
}  // namespace rolegate
