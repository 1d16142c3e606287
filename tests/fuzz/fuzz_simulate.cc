// fuzz_simulate: the first byte picks an example bundle (fuzz_util.h), the rest is a
// change set (rolegate-changeset/1). A change set object without `baseRevision`
// gets the bundle's, as the scenario runner gives it, so that mutations need not
// rebuild the hash.
//
// Properties (docs/fuzzing.md):
//   - the overlay simulation equals the recompiling one byte for byte
//     (internal::SimulateWith, recompile_each false and true, bundle included);
//   - simulating twice gives the same bytes; Simulate without the bundle is the
//     same result less `bundleAfter`;
//   - a `bundleAfter` loads, and its revision is the `revisionAfter` the result
//     announced (and the revision written into it);
//   - Verify of the change set against the engine's own preview, with and without
//     the bundle, reports a match (and committable exactly when nothing blocks it).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "simulate.h"

namespace {

constexpr char kTarget[] = "fuzz_simulate";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rolegate;
  using fuzz::Require;
  using fuzz::RequireSame;
  std::optional<fuzz::Picked> picked = fuzz::Pick(data, size);
  if (!picked) return 0;
  const Policy& policy = *picked->policy;
  Json cs = std::move(picked->document);
  if (cs.is_object() && !cs.contains("baseRevision")) cs["baseRevision"] = policy.revision();

  const Json fast = internal::SimulateWith(policy, cs, true, false);
  const std::string fast_text = Canonical(fast);
  RequireSame(kTarget, "the overlay simulation equals the recompiling one", fast_text,
              Canonical(internal::SimulateWith(policy, cs, true, true)));
  RequireSame(kTarget, "simulating is deterministic", fast_text,
              Canonical(internal::SimulateWith(policy, cs, true, false)));
  Json without = fast;
  without.erase("bundleAfter");
  const std::string without_text = Canonical(without);
  RequireSame(kTarget, "Simulate without the bundle is the same result less bundleAfter",
              without_text, Canonical(policy.Simulate(cs, false)));
  if (!fast.value("ok", false)) return 0;

  const std::string context = "change set " + fuzz::Clip(Canonical(cs));
  Require(fast.contains("bundleAfter") && fast["bundleAfter"].is_object(), kTarget,
          "a simulation with the bundle carries bundleAfter", context);
  const Json& after = fast["bundleAfter"];
  const std::string announced = fast.value("revisionAfter", "");
  Require(after.value("revision", "") == announced, kTarget,
          "bundleAfter carries the revision the result announced",
          context + "\nrevisionAfter " + announced + ", bundleAfter.revision " +
              after.value("revision", "(none)"));
  const LoadResult reloaded = LoadPolicy(Canonical(after));
  Require(reloaded.ok(), kTarget, "bundleAfter loads",
          context + "\nerrors: " + fuzz::Clip(Canonical(ErrorsToJson(reloaded.errors))));
  Require(reloaded.policy->revision() == announced, kTarget,
          "bundleAfter loads with the revision the result announced",
          context + "\nrevisionAfter " + announced + ", loaded " + reloaded.policy->revision());

  const bool blocked = fast["summary"].value("blocked", true);
  for (const Json* preview : {&fast, static_cast<const Json*>(&without)}) {
    const Json verdict = policy.Verify(cs, *preview);
    Require(verdict.value("ok", false) && verdict.value("match", false) == true, kTarget,
            "Verify of the engine's own preview matches",
            context + (preview == &fast ? " (with bundleAfter)" : " (without bundleAfter)") +
                "\nverdict: " + fuzz::Clip(Canonical(verdict)));
    Require(verdict.value("committable", true) == !blocked, kTarget,
            "Verify of the engine's own preview is committable when nothing blocks it",
            context + "\nverdict: " + fuzz::Clip(Canonical(verdict)));
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return rolegate::fuzz::MutateJson(data, size, max_size, seed, /*example_byte=*/true);
}
