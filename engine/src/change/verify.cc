// Verifying previews (docs/changes.md, "Verifying a preview"): the server of
// record recomputes a change set's simulation and compares it with the preview a
// client submits, difference by difference; a chain of steps is judged step by
// step on the bundle each step leaves.
#include <algorithm>
#include <set>

#include "bundle.h"
#include "rolegate/policy.h"

namespace rolegate {
namespace internal {
namespace {

// Every difference between `expected` and `actual`, with pointers.
void Diff(const Json& expected, const Json& actual, const std::string& pointer, Json* out) {
  if (expected.is_object() && actual.is_object()) {
    std::set<std::string> keys;
    for (auto it = expected.begin(); it != expected.end(); ++it) keys.insert(it.key());
    for (auto it = actual.begin(); it != actual.end(); ++it) keys.insert(it.key());
    for (const std::string& k : keys) {
      std::string p = PointerAppend(pointer, k);
      auto e = expected.find(k);
      auto a = actual.find(k);
      if (e == expected.end()) {
        out->push_back(Json{{"pointer", p}, {"actual", *a}});
      } else if (a == actual.end()) {
        out->push_back(Json{{"pointer", p}, {"expected", *e}});
      } else {
        Diff(*e, *a, p, out);
      }
    }
    return;
  }
  if (expected.is_array() && actual.is_array()) {
    size_t n = std::max(expected.size(), actual.size());
    for (size_t i = 0; i < n; ++i) {
      std::string p = PointerAppend(pointer, i);
      if (i >= expected.size()) {
        out->push_back(Json{{"pointer", p}, {"actual", actual[i]}});
      } else if (i >= actual.size()) {
        out->push_back(Json{{"pointer", p}, {"expected", expected[i]}});
      } else {
        Diff(expected[i], actual[i], p, out);
      }
    }
    return;
  }
  if (expected != actual) {
    out->push_back(Json{{"pointer", pointer}, {"expected", expected}, {"actual", actual}});
  }
}

}  // namespace
}  // namespace internal

Json Differences(const Json& expected, const Json& actual) {
  Json differences = Json::array();
  internal::Diff(expected, actual, "", &differences);
  return differences;
}

Json Policy::Verify(const Json& change_set, const Json& preview) const {
  Json actual = Simulate(change_set, preview.is_object() && preview.contains("bundleAfter"));
  if (!actual.value("ok", false)) return actual;
  Json differences = Differences(preview, actual);
  // A preview that matches a change nothing blocks may be committed; one that
  // matches a blocked change (a denial, an approval or verification still
  // needed, an error invariant broken) may not, match or no match.
  const bool blocked = actual["summary"].value("blocked", true);
  const bool match = differences.empty();
  return Json{{"ok", true},
              {"match", match},
              {"committable", match && !blocked},
              {"revision", revision()},
              {"differences", std::move(differences)}};
}

Json Policy::VerifyChain(const Json& steps, const std::string& pointer) const {
  if (!steps.is_array() || steps.empty()) {
    return ErrorsToJson({{"wrong_type", pointer, "expected a non-empty array of steps"}});
  }
  if (steps.size() > kMaxChainSteps) {
    return ErrorsToJson({{"too_many_items", pointer,
                          "a chain has at most " + std::to_string(kMaxChainSteps) + " steps"}});
  }
  Errors shape;
  for (size_t k = 0; k < steps.size(); ++k) {
    const Json& step = steps[k];
    if (!step.is_object() || !step.contains("changeSet") || !step.contains("preview")) {
      shape.push_back({"wrong_type", pointer + "/" + std::to_string(k),
                       "expected a step {changeSet, preview}"});
    }
  }
  if (!shape.empty()) return ErrorsToJson(shape);

  const Policy* policy = this;
  std::shared_ptr<const Policy> owned;  // the bundle after the previous step
  Json verdicts = Json::array();
  Json differences = Json::array();
  bool match = true;
  for (size_t k = 0; k < steps.size(); ++k) {
    const std::string at = pointer + "/" + std::to_string(k);
    const Json& change_set = steps[k]["changeSet"];
    Json verdict = policy->Verify(change_set, steps[k]["preview"]);
    if (!verdict.value("ok", false)) return ErrorsUnder(std::move(verdict), at + "/changeSet");
    if (verdict.value("match", false) != true) match = false;
    for (const Json& d : verdict.value("differences", Json::array())) {
      Json moved = d;
      moved["pointer"] = at + "/preview" + d.value("pointer", "");
      differences.push_back(std::move(moved));
    }
    verdicts.push_back(std::move(verdict));
    if (k + 1 == steps.size()) break;
    // The next step is judged on the bundle this step leaves, recomputed here.
    LoadResult next =
        CompilePolicy(policy->Simulate(change_set, true).value("bundleAfter", Json()));
    if (!next.ok()) {
      return ErrorsToJson(
          {{"invalid_change", at + "/changeSet", "the bundle after this step does not load"}});
    }
    owned = std::move(next.policy);
    policy = owned.get();
  }
  const std::string revision = verdicts.back().value("revision", "");
  // The chain commits as its last step: the steps before it only lead there.
  const bool committable = match && verdicts.back().value("committable", false);
  return Json{{"ok", true},
              {"match", match},
              {"committable", committable},
              {"revision", revision},
              {"differences", std::move(differences)},
              {"steps", std::move(verdicts)}};
}

Json Policy::VerifyChainDocument(const Json& chain) const {
  const auto format = chain.is_object() ? chain.find("format") : chain.end();
  if (!chain.is_object() || format == chain.end() || !format->is_string() ||
      format->get_ref<const std::string&>() != kChainFormat) {
    return ErrorsToJson({{"unsupported_format", "/format",
                          std::string("expected a chain of format `") + kChainFormat + "`"}});
  }
  const auto steps = chain.find("steps");
  if (steps == chain.end()) {
    return ErrorsToJson({{"missing_field", "/steps",
                          "the chain holds no `steps` ({changeSet, preview} each): "
                          "a chain of change sets or of previews alone cannot be verified"}});
  }
  return VerifyChain(*steps, "/steps");
}

}  // namespace rolegate
