// Shared fixtures for the unit tests: a small generic bundle (an organisation with
// teams and repositories) that no seed describes, so the tests exercise the engine
// as a general mechanism.
#ifndef ROLEGATE_TESTS_TEST_UTIL_H_
#define ROLEGATE_TESTS_TEST_UTIL_H_

#include <memory>
#include <string>

#include "rolegate/rolegate.h"

namespace rolegate {
namespace testing {

inline constexpr const char* kNow = "2026-12-01T09:00:00Z";

// org-1 > team-a > repo-x, repo-y; org-1 > team-b > repo-z.
Json TinyBundle();

// Compiles `bundle`; fails the test (ADD_FAILURE) on errors and returns null.
std::shared_ptr<const Policy> MustLoad(const Json& bundle);

// Loads `bundle` and returns its errors as "code@pointer" strings, sorted.
std::vector<std::string> ErrorKeys(const Json& bundle);

Request MakeRequest(const std::string& actor, const std::string& action,
                    const std::string& resource, Json attributes = Json::object());

std::string ReadFileOrDie(const std::string& path);

}  // namespace testing
}  // namespace rolegate

#endif  // ROLEGATE_TESTS_TEST_UTIL_H_
