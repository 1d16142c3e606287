// The escalation search: sequences of allowed steps from generated bundles, each
// step judged by the oracle; a counterexample is minimised into a bundle and the
// change sets that reproduce it with `rolegate simulate`.
#ifndef ROLEGATE_TESTS_ESCALATION_SEARCH_H_
#define ROLEGATE_TESTS_ESCALATION_SEARCH_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "oracle.h"
#include "simulate.h"

namespace esc {

struct Options {
  uint64_t seed = 1;  // sequence i starts from seed + i
  int64_t sequences = 10000;
  int steps = 0;  // kept steps per sequence; 0: 6 to 12, drawn per sequence
  int threads = 2;
  rolegate::internal::SoundnessChecks checks;
  std::set<std::string> target;  // the invariants that count; empty: all
  // Refuse (as an engine making every other check would) a step that breaks an
  // invariant outside `target`: the bites mode's stand-in for the other checks.
  bool emulate = false;
  bool all = false;  // go on after the first counterexample: the first of each invariant
};

struct Step {
  std::string actor, now;
  Json op;
};

struct Found {
  uint64_t seed = 0;        // the sequence's seed
  Json bundle;              // the generated bundle
  std::vector<Step> steps;  // the kept steps, the last one breaking `violation`
  Violation violation;
};

struct Report {
  int64_t sequences = 0;     // sequences run (up to the first counterexample, unless `all`)
  int64_t kept = 0;          // steps kept in them
  std::vector<Found> found;  // by sequence; with `all`, the first of each invariant
};

Report Search(const Options& options);

// The smallest sub-sequence of `found.steps` that, replayed from its bundle (steps
// the engine now refuses are dropped), still breaks the same invariant; printed as
// the bundle, the change sets in order and the state the last one applies to.
std::string Reproduce(const Found& found, const Options& options);

// Whether the last step of `found`, after the same steps before it, is refused
// (or no longer breaks the invariant) when simulated with `checks` instead.
bool RefusedWith(const Found& found, const Options& options,
                 const rolegate::internal::SoundnessChecks& checks);

// The SoundnessChecks flag called `name`, or null.
using Flag = bool rolegate::internal::SoundnessChecks::*;
Flag FlagNamed(const std::string& name);
std::vector<std::string> FlagNames();

}  // namespace esc

#endif  // ROLEGATE_TESTS_ESCALATION_SEARCH_H_
