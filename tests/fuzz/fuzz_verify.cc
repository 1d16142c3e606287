// fuzz_verify: the first byte picks an example bundle (fuzz_util.h), the rest is
//   - a what-if chain {"steps": [{changeSet, preview}...]} (a rolegate-changechain/1
//     file, or only its steps), verified with VerifyChain; or
//   - {"changeSet", "preview"}, verified with Verify (a change set object without
//     `baseRevision` gets the bundle's); or
//   - anything else, verified with Verify as a change set against an empty preview.
//
// Properties (docs/fuzzing.md):
//   - no crash, and every verification gives the same bytes twice;
//   - a verdict is either {"ok": false, "errors"} or has ok, match, committable,
//     revision and differences, and `match` is true exactly when there are no
//     differences;
//   - a chain of the same change sets with the engine's own previews, each step
//     simulated on the bundle the step before leaves (which must load), verifies
//     as a match.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_util.h"

namespace {

constexpr char kTarget[] = "fuzz_verify";

using rolegate::Json;

void CheckVerdictShape(const Json& verdict, const std::string& what) {
  using rolegate::fuzz::Require;
  const std::string text = rolegate::fuzz::Clip(rolegate::Canonical(verdict));
  Require(verdict.is_object() && verdict.contains("ok") && verdict["ok"].is_boolean(), kTarget,
          "a verdict says ok", what + ": " + text);
  if (!verdict["ok"].get<bool>()) {
    Require(
        verdict.contains("errors") && verdict["errors"].is_array() && !verdict["errors"].empty(),
        kTarget, "a failed verdict lists its errors", what + ": " + text);
    return;
  }
  Require(verdict.contains("match") && verdict["match"].is_boolean() &&
              verdict.contains("committable") && verdict["committable"].is_boolean() &&
              verdict.contains("revision") && verdict["revision"].is_string() &&
              verdict.contains("differences") && verdict["differences"].is_array(),
          kTarget, "a verdict has match, committable, revision and differences",
          what + ": " + text);
  Require(verdict["match"].get<bool>() == verdict["differences"].empty(), kTarget,
          "match is true exactly when there are no differences", what + ": " + text);
  Require(!verdict["committable"].get<bool>() || verdict["match"].get<bool>(), kTarget,
          "only a match is committable", what + ": " + text);
}

// The chain's change sets with the engine's own previews, each simulated on the
// bundle the step before leaves; must verify as a match. Stops at the first change
// set the engine rejects (VerifyChain would reject the chain there).
void CheckOwnChain(const rolegate::Policy& base, const Json& steps) {
  using namespace rolegate;
  if (!steps.is_array() || steps.empty() || steps.size() > Policy::kMaxChainSteps) return;
  Json own = Json::array();
  const Policy* policy = &base;
  std::shared_ptr<const Policy> owned;
  for (size_t k = 0; k < steps.size(); ++k) {
    const Json& step = steps[k];
    if (!step.is_object() || !step.contains("changeSet")) return;
    const Json& cs = step["changeSet"];
    Json preview = policy->Simulate(cs, false);
    if (!preview.value("ok", false)) return;
    own.push_back(Json{{"changeSet", cs}, {"preview", std::move(preview)}});
    if (k + 1 == steps.size()) break;
    const Json result = policy->Simulate(cs, true);
    LoadResult next = CompilePolicy(result.value("bundleAfter", Json()));
    fuzz::Require(next.ok(), kTarget, "the bundle after each step loads",
                  "step " + std::to_string(k) + ": " + fuzz::Clip(Canonical(cs)) +
                      "\nerrors: " + fuzz::Clip(Canonical(ErrorsToJson(next.errors))));
    owned = std::move(next.policy);
    policy = owned.get();
  }
  const Json verdict = base.VerifyChain(own, "/steps");
  CheckVerdictShape(verdict, "own chain");
  fuzz::Require(
      verdict.value("ok", false) && verdict.value("match", false) == true, kTarget,
      "a chain of the engine's own previews matches",
      "chain " + fuzz::Clip(Canonical(own)) + "\nverdict: " + fuzz::Clip(Canonical(verdict)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rolegate;
  const std::optional<fuzz::Picked> picked = fuzz::Pick(data, size);
  if (!picked) return 0;
  const Policy& policy = *picked->policy;
  const Json& doc = picked->document;

  if (doc.is_object() && doc.contains("format") && !doc.contains("changeSet")) {
    // A chain document: its format and steps are checked first, then it is
    // verified as its steps are.
    const Json verdict = policy.VerifyChainDocument(doc);
    fuzz::RequireSame(kTarget, "VerifyChainDocument is deterministic", Canonical(verdict),
                      Canonical(policy.VerifyChainDocument(doc)));
    CheckVerdictShape(verdict, "chain document");
    const auto format = doc.find("format");
    if (format->is_string() && *format == Policy::kChainFormat && doc.contains("steps")) {
      fuzz::RequireSame(kTarget, "a chain document verifies as its steps", Canonical(verdict),
                        Canonical(policy.VerifyChain(doc["steps"], "/steps")));
    } else {
      fuzz::Require(verdict.value("ok", true) == false, kTarget,
                    "a document that is no chain is refused", fuzz::Clip(Canonical(verdict)));
    }
  }
  if (doc.is_object() && doc.contains("steps")) {
    const Json& steps = doc["steps"];
    const Json verdict = policy.VerifyChain(steps, "/steps");
    const std::string text = Canonical(verdict);
    fuzz::RequireSame(kTarget, "VerifyChain is deterministic", text,
                      Canonical(policy.VerifyChain(steps, "/steps")));
    CheckVerdictShape(verdict, "chain");
    // A chain that matches already is the chain of the engine's own previews.
    if (verdict.value("match", false) != true) CheckOwnChain(policy, steps);
    return 0;
  }

  Json cs = doc;
  Json preview = Json::object();
  if (doc.is_object() && doc.contains("changeSet")) {
    cs = doc["changeSet"];
    preview = doc.value("preview", Json());
  }
  if (cs.is_object() && !cs.contains("baseRevision")) cs["baseRevision"] = policy.revision();
  const Json verdict = policy.Verify(cs, preview);
  fuzz::RequireSame(kTarget, "Verify is deterministic", Canonical(verdict),
                    Canonical(policy.Verify(cs, preview)));
  CheckVerdictShape(verdict, "verify");
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return rolegate::fuzz::MutateJson(data, size, max_size, seed, /*example_byte=*/true);
}
