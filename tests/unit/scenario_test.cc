// The GoogleTest driver for scenario files: every *.json under tests/scenarios runs
// here, case by case, through the same runner `rolegate test` uses.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "test_util.h"

namespace rolegate {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> out;
  fs::path root = fs::path(ROLEGATE_SOURCE_DIR) / "tests" / "scenarios";
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".json") {
      out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

BundleResolver ResolverFor(const std::string& scenario_path) {
  fs::path dir = fs::path(scenario_path).parent_path();
  return [dir](const std::string& rel) -> std::optional<std::string> {
    std::ifstream in(dir / rel, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
}

class ScenarioFile : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioFile, AllCasesPass) {
  const std::string& path = GetParam();
  ScenarioReport report = RunScenario(testing::ReadFileOrDie(path), ResolverFor(path));
  for (const Error& e : report.errors) {
    ADD_FAILURE() << path << ": " << e.pointer << ": " << e.code << ": " << e.message;
  }
  EXPECT_FALSE(report.cases.empty()) << path << " has no cases";
  for (const CaseResult& c : report.cases) {
    for (const std::string& f : c.failures) {
      ADD_FAILURE() << path << " case " << c.id << ": " << f << "\n  actual: "
                    << Canonical(c.actual);
    }
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string rel = fs::relative(info.param, fs::path(ROLEGATE_SOURCE_DIR) / "tests" /
                                                 "scenarios")
                        .replace_extension("")
                        .string();
  for (char& c : rel) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return rel;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioFile, ::testing::ValuesIn(ScenarioFiles()),
                         CaseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ScenarioFile);

// The runner itself: a scenario whose expectation is wrong must fail.
TEST(ScenarioRunner, FailsWhenExpectationIsWrong) {
  Json scenario = {
      {"format", "rolegate-scenario/1"},
      {"name", "wrong on purpose"},
      {"bundle", testing::TinyBundle()},
      {"now", testing::kNow},
      {"cases",
       {{{"id", "a"},
         {"check", {{"actor", "dan"}, {"action", "code.read"}, {"resource", "repo-x"}}},
         {"expect", {{"effect", "deny"}}}},
        {{"id", "b"},
         {"check", {{"actor", "dan"}, {"action", "code.read"}, {"resource", "repo-x"}}},
         {"expect", {{"effect", "allow"}, {"reasons", {"granted_by"}}}}}}}};
  ScenarioReport r = RunScenario(Canonical(scenario), [](const std::string&) {
    return std::optional<std::string>();
  });
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_FALSE(r.cases[0].passed);
  EXPECT_TRUE(r.cases[1].passed);
  EXPECT_FALSE(r.passed());
}

TEST(ScenarioRunner, ReportsMalformedScenario) {
  ScenarioReport r = RunScenario(R"({"format": "rolegate-scenario/1", "cases": [{"id": 1}]})",
                                 [](const std::string&) { return std::optional<std::string>(); });
  EXPECT_FALSE(r.errors.empty());
  EXPECT_FALSE(r.passed());
}

TEST(ScenarioRunner, ReportsWronglyTypedExpectations) {
  Json scenario = {
      {"format", "rolegate-scenario/1"},
      {"name", "bad expect"},
      {"bundle", testing::TinyBundle()},
      {"now", testing::kNow},
      {"cases",
       {{{"id", "a"},
         {"check", {{"actor", "dan"}, {"action", "code.read"}, {"resource", "repo-x"}}},
         {"expect", {{"effect", 7}, {"reasons", "granted_by"}}}},
        {{"id", "b"},
         {"visibleMembers", {{"actor", "dan"}, {"scope", "repo-x"}}},
         {"expect", {{"members", {{{"member", "mia"}, {"email", "yes"}}}}}}}}}};
  ScenarioReport r = RunScenario(Canonical(scenario), nullptr);
  std::vector<std::string> keys;
  for (const Error& e : r.errors) keys.push_back(e.code + "@" + e.pointer);
  EXPECT_EQ(keys, (std::vector<std::string>{"wrong_type@/cases/0/expect/effect",
                                            "wrong_type@/cases/0/expect/reasons",
                                            "wrong_type@/cases/1/expect/members/0/email"}));
}

// Found by fuzz_scenario (tests/fuzz/regressions/fuzz_scenario/): an expected bundle
// error whose code was not a string stopped the runner with an exception.
TEST(ScenarioRunner, ReportsWronglyTypedBundleErrors) {
  Json bundle = testing::TinyBundle();
  bundle["roles"][0]["rank"] = -1;
  Json scenario = {{"format", "rolegate-scenario/1"},
                   {"name", "invalid"},
                   {"bundle", bundle},
                   {"expectBundleErrors",
                    {{{"code", 10}, {"pointer", "/roles/0/rank"}}, {{"pointer", false}}, "x"}}};
  ScenarioReport r = RunScenario(Canonical(scenario), nullptr);
  std::vector<std::string> keys;
  for (const Error& e : r.errors) keys.push_back(e.code + "@" + e.pointer);
  EXPECT_EQ(keys, (std::vector<std::string>{"wrong_type@/expectBundleErrors/0/code",
                                            "missing_field@/expectBundleErrors/1",
                                            "wrong_type@/expectBundleErrors/1/pointer",
                                            "wrong_type@/expectBundleErrors/2"}));
  EXPECT_TRUE(r.cases.empty());
}

TEST(ScenarioRunner, ExpectBundleErrors) {
  Json bundle = testing::TinyBundle();
  bundle["roles"][0]["rank"] = -1;
  Json scenario = {{"format", "rolegate-scenario/1"},
                   {"name", "invalid"},
                   {"bundle", bundle},
                   {"expectBundleErrors", {{{"code", "invalid_value"}, {"pointer", "/roles/0/rank"}}}}};
  ScenarioReport r = RunScenario(Canonical(scenario), nullptr);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_TRUE(r.passed()) << Canonical(ScenarioReportToJson(r));
}

}  // namespace
}  // namespace rolegate
