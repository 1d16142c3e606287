// The oracle's own test: hand-made steps that must (or must not) break an
// invariant. Prints one PASS/FAIL line per case and `N passed, M failed`; returns
// the exit code (0 when every case passes).
#ifndef ROLEGATE_TESTS_ESCALATION_SELFTEST_H_
#define ROLEGATE_TESTS_ESCALATION_SELFTEST_H_

namespace esc {

int SelfTest();

}  // namespace esc

#endif  // ROLEGATE_TESTS_ESCALATION_SELFTEST_H_
