// Seeded generation for the escalation search: a random valid bundle, and random
// operations on a state, biased toward the moves that could escalate.
#ifndef ROLEGATE_TESTS_ESCALATION_GENERATE_H_
#define ROLEGATE_TESTS_ESCALATION_GENERATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rolegate/policy.h"
#include "world.h"

namespace esc {

// splitmix64: the same numbers on every machine; no clock, no random_device.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); 0 when n is 0.
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }
  // Uniform in [lo, hi].
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // True with probability percent / 100.
  bool Chance(int percent) { return static_cast<int>(Next() % 100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  // Each element kept with probability `percent`.
  template <typename T>
  std::vector<T> Subset(const std::vector<T>& v, int percent) {
    std::vector<T> out;
    for (const T& x : v) {
      if (Chance(percent)) out.push_back(x);
    }
    return out;
  }

 private:
  uint64_t state_;
};

// A stable mix of a seed and a counter, for derived streams.
uint64_t Mix(uint64_t seed, uint64_t n);

// The time every sequence starts at.
extern const char* const kStart;

// A valid bundle (it loads) from `seed`: families of ranked roles, custom roles,
// a scope forest, every operation kind mapped, self-upgrades, claims, approval
// rules, members of every status and their bindings. Invalid drafts are redrawn
// deterministically; after many, the first errors are printed to stderr. The
// compiled bundle goes to `policy` when given.
Json GenerateBundle(uint64_t seed, std::shared_ptr<const rolegate::Policy>* policy = nullptr);

// One step of a sequence on state `w` at time `now`.
struct Move {
  std::string actor;
  Json op;
};
Move GenerateMove(Rng& rng, const World& w, const std::string& now, int tag);

}  // namespace esc

#endif  // ROLEGATE_TESTS_ESCALATION_GENERATE_H_
