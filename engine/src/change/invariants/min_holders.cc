// min_holders (invariants.h): a scope keeps at least `min` active holders of the
// roles named. An operation that leaves fewer, where there were enough before
// it, is refused for an error invariant; a warning is reported once, at the end,
// if it still stands.
#include "change/invariants.h"

namespace rolegate {
namespace internal {
namespace {

Json HolderViolation(const Breach& b, size_t op) {
  return Violation(b.invariant, b.kind, b.severity, op, b.message,
                   Json{{"scope", b.scope}, {"have", b.have}, {"need", b.need}});
}

}  // namespace

HolderBreaches MinHolders::Fresh(const Context& cx, const Overlay& candidate,
                                 const std::vector<Index>* only) const {
  Breaches before = MinHolderBreaches(cx.V(), cx.now(), only);
  Breaches base = MinHolderBreaches(cx.base().model(), cx.now(), only);
  HolderBreaches fresh;
  for (auto& [key, breach] : MinHolderBreaches(candidate, cx.now(), only)) {
    if (!before.count(key) && !base.count(key) && !brought_.count(key)) {
      fresh.push_back({key, breach});
    }
  }
  return fresh;
}

bool MinHolders::BreaksError(const HolderBreaches& fresh) {
  for (const auto& entry : fresh) {
    if (entry.second.severity == "error") return true;
  }
  return false;
}

void MinHolders::Refuse(const HolderBreaches& fresh, size_t i, Outcome* out,
                        Violations* violations) {
  for (const auto& [key, b] : fresh) {
    if (b.severity != "error") continue;
    violations->Add(HolderViolation(b, i));
    out->Deny(Reason("violates_invariant", b.message,
                     Json{{"invariant", b.invariant}, {"scope", b.scope}}));
  }
  violations->error = true;
  out->Withdraw();
}

void MinHolders::Brought(const HolderBreaches& fresh, size_t i) {
  for (const auto& [key, breach] : fresh) brought_.emplace(key, std::make_pair(breach, i));
}

void MinHolders::Finish(const Context& cx, Violations* violations) const {
  for (const auto& [key, entry] : brought_) {
    const Index* s = cx.M().scope_index.Get(key.second);
    std::vector<Index> one{*s};
    if (!MinHolderBreaches(cx.V(), cx.now(), &one).count(key)) continue;  // mended later
    violations->Add(HolderViolation(entry.first, entry.second));
    if (entry.first.severity == "error") violations->error = true;
  }
}

}  // namespace internal
}  // namespace rolegate
