// rolegate_escalation: the property-based escalation search (README.md).
//
//   rolegate_escalation [--seed S] [--sequences N] [--steps K] [--threads T]
//                       [--off CHECK]... [--all] [--expect-counterexample]
//   rolegate_escalation --bites
//   rolegate_escalation --self-test
//
// Exit 0 when no counterexample is found (with --expect-counterexample: when one
// is), 1 otherwise, 2 on a usage error.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "search.h"
#include "selftest.h"

namespace {

int Usage(const char* why) {
  std::fprintf(stderr,
               "rolegate_escalation: %s\n"
               "usage: rolegate_escalation [--seed S] [--sequences N] [--steps K] "
               "[--threads T] [--off CHECK]... [--all] [--expect-counterexample]\n"
               "       rolegate_escalation --bites\n"
               "       rolegate_escalation --self-test\n",
               why);
  return 2;
}

// Each SoundnessChecks flag, switched off alone, must let the search find a
// counterexample of its own invariants within `kBitesSequences` sequences. The
// other invariants are enforced by refusing the steps that break them, as the
// engine with every other check on does.
constexpr int64_t kBitesSequences = 400;

int Bites(const esc::Options& base) {
  int passed = 0, failed = 0;
  for (const std::string& flag : esc::FlagNames()) {
    // Every invariant of the flag must bite on its own.
    std::string line;
    bool ok = true;
    for (const char* inv : {"I1a", "I1b", "I1c", "I1d", "I1e", "I1f", "I3a", "I3b", "I3c", "I4"}) {
      if (esc::FlagOf(inv) != flag) continue;
      esc::Options o = base;
      o.sequences = kBitesSequences;
      o.all = false;
      o.emulate = true;
      o.checks.*esc::FlagNamed(flag) = false;
      o.target = {inv};
      const esc::Report r = esc::Search(o);
      line += line.empty() ? "" : "; ";
      if (r.found.empty()) {
        ok = false;
        line += std::string(inv) + " not found in " + std::to_string(r.sequences) + " sequences";
        continue;
      }
      const esc::Found& f = r.found[0];
      // With the check on, the engine should refuse that very step.
      const bool refused = esc::RefusedWith(f, o, base.checks);
      line += std::string(inv) + " after " + std::to_string(r.sequences) + " sequence(s) (seed " +
              std::to_string(f.seed) + ", step " + std::to_string(f.steps.size()) +
              (refused ? ", refused with the check on" : ", ALSO ALLOWED with the check on") +
              "): " + f.violation.message;
    }
    ++(ok ? passed : failed);
    std::printf("%s %s: %s\n", ok ? "PASS" : "FAIL", flag.c_str(), line.c_str());
    std::fflush(stdout);
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

bool Number(const char* text, long long* out) {
  char* end = nullptr;
  *out = std::strtoll(text, &end, 10);
  return end != text && *end == '\0' && *out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
  esc::Options o;
  bool expect = false, bites = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    long long n = 0;
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--expect-counterexample") {
      expect = true;
    } else if (a == "--bites") {
      bites = true;
    } else if (a == "--self-test") {
      return esc::SelfTest();
    } else if (a == "--all") {
      o.all = true;
    } else if (a == "--seed" || a == "--sequences" || a == "--steps" || a == "--threads") {
      const char* v = value();
      if (v == nullptr || !Number(v, &n)) return Usage(("bad value for " + a).c_str());
      if (a == "--seed") o.seed = static_cast<unsigned long long>(n);
      if (a == "--sequences") o.sequences = n;
      if (a == "--steps") o.steps = static_cast<int>(n);
      if (a == "--threads") o.threads = static_cast<int>(n);
    } else if (a == "--off") {
      const char* v = value();
      if (v == nullptr || esc::FlagNamed(v) == nullptr) {
        return Usage(("unknown check `" + std::string(v ? v : "") + "`").c_str());
      }
      o.checks.*esc::FlagNamed(v) = false;
    } else {
      return Usage(("unknown argument `" + a + "`").c_str());
    }
  }
  if (bites) return Bites(o);

  const esc::Report r = esc::Search(o);
  for (const esc::Found& f : r.found) std::printf("%s", esc::Reproduce(f, o).c_str());
  const int64_t failed = o.all ? static_cast<int64_t>(r.found.size()) : (r.found.empty() ? 0 : 1);
  std::printf("escalation search: %lld sequences, %lld steps kept, %lld counterexample%s\n",
              static_cast<long long>(r.sequences), static_cast<long long>(r.kept),
              static_cast<long long>(failed), failed == 1 ? "" : "s");
  std::printf("%lld passed, %lld failed\n", static_cast<long long>(r.sequences - failed),
              static_cast<long long>(failed));
  if (expect) return failed > 0 ? 0 : 1;
  return failed == 0 ? 0 : 1;
}
