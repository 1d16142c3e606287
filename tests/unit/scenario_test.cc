// The GoogleTest driver for scenario files: every *.json under tests/scenarios runs
// here, case by case, through the same runner `rolegate test` uses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

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
      ADD_FAILURE() << path << " case " << c.id << ": " << f
                    << "\n  actual: " << Canonical(c.actual);
    }
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string rel = fs::relative(info.param, fs::path(ROLEGATE_SOURCE_DIR) / "tests" / "scenarios")
                        .replace_extension("")
                        .string();
  for (char& c : rel) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return rel;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioFile, ::testing::ValuesIn(ScenarioFiles()), CaseName);
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
  ScenarioReport r = RunScenario(Canonical(scenario),
                                 [](const std::string&) { return std::optional<std::string>(); });
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
  EXPECT_EQ(keys,
            (std::vector<std::string>{
                "wrong_type@/expectBundleErrors/0/code", "missing_field@/expectBundleErrors/1",
                "wrong_type@/expectBundleErrors/1/pointer", "wrong_type@/expectBundleErrors/2"}));
  EXPECT_TRUE(r.cases.empty());
}

TEST(ScenarioRunner, ExpectBundleErrors) {
  Json bundle = testing::TinyBundle();
  bundle["roles"][0]["rank"] = -1;
  Json scenario = {
      {"format", "rolegate-scenario/1"},
      {"name", "invalid"},
      {"bundle", bundle},
      {"expectBundleErrors", {{{"code", "invalid_value"}, {"pointer", "/roles/0/rank"}}}}};
  ScenarioReport r = RunScenario(Canonical(scenario), nullptr);
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_TRUE(r.passed()) << Canonical(ScenarioReportToJson(r));
}

// A case of steps: each step on the state the steps before it left, as a server
// applying them would (a change set it would refuse changes nothing).
TEST(ScenarioRunner, StepsRunOnTheStateTheStepsBeforeLeft) {
  const Json read = {{"actor", "dan"}, {"action", "code.read"}, {"resource", "repo-x"}};
  auto cs = [](const char* actor, Json ops) {
    return Json{{"format", "rolegate-changeset/1"}, {"actor", actor}, {"operations", ops}};
  };
  const Json block_dan = {{"op", "block"}, {"member", "dan"}};
  const Json unblock_dan = {{"op", "unblock"}, {"member", "dan"}};
  const Json steps = {
      {{"simulate", cs("olga", {block_dan})},
       {"expect", {{"operations", {{{"effect", "allow"}}}}}}},
      {{"check", read}, {"expect", {{"effect", "deny"}}}},
      // Refused as a whole (Olga may not block the last owner): Dan stays blocked.
      {{"simulate", cs("olga", {unblock_dan, {{"op", "block"}, {"member", "olga"}}})},
       {"expect", {{"blocked", true}}}},
      {{"check", read}, {"expect", {{"effect", "deny"}}}},
      {{"simulate", cs("olga", {unblock_dan})}, {"expect", {{"blocked", false}}}},
      {{"check", read}, {"expect", {{"effect", "allow"}}}},
      {{"whoCan", {{"action", "code.push"}, {"scope", "repo-x"}, {"now", testing::kNow}}},
       {"expect", {{"members", {"dan", "mia", "olga"}}}}}};
  Json wrong = steps;
  wrong[3]["expect"]["effect"] = "allow";  // as if step 3 had been committed
  Json scenario = {
      {"format", "rolegate-scenario/1"},
      {"name", "steps"},
      {"bundle", testing::TinyBundle()},
      {"now", testing::kNow},
      {"cases", {{{"id", "flow"}, {"steps", steps}}, {{"id", "wrong"}, {"steps", wrong}}}}};
  ScenarioReport r = RunScenario(Canonical(scenario), nullptr);
  ASSERT_TRUE(r.errors.empty()) << Canonical(ScenarioReportToJson(r));
  ASSERT_EQ(r.cases.size(), 2u);
  EXPECT_TRUE(r.cases[0].passed) << Canonical(ScenarioReportToJson(r));
  ASSERT_EQ(r.cases[0].actual.size(), steps.size()) << "one answer per step";
  EXPECT_FALSE(r.cases[0].actual[0].contains("bundleAfter"));
  EXPECT_FALSE(r.cases[1].passed);
  ASSERT_EQ(r.cases[1].failures.size(), 1u);
  EXPECT_EQ(r.cases[1].failures[0].rfind("step 4: ", 0), 0u) << r.cases[1].failures[0];
}

TEST(ScenarioRunner, ChecksAndReportsPowerExpectations) {
  const Json promote = {{"format", "rolegate-changeset/1"},
                        {"actor", "olga"},
                        {"operations",
                         {{{"op", "change_role"},
                           {"member", "dan"},
                           {"role", "dev.maintainer"},
                           {"scope", "repo-x"}}}}};
  auto scenario = [&](Json power) {
    return Json{{"format", "rolegate-scenario/1"},
                {"name", "power"},
                {"bundle", testing::TinyBundle()},
                {"now", testing::kNow},
                {"cases",
                 {{{"id", "promote"},
                   {"simulate", promote},
                   {"expect", {{"accessDiff", {{{"member", "dan"}, {"power", power}}}}}}}}}};
  };
  const Json manages = Json::parse(R"([{"scope":"repo-x","family":"dev","from":null,"to":20}])");
  ScenarioReport ok = RunScenario(
      Canonical(scenario({{"manages", manages},
                          {"claims", {{"gained", Json::array()}, {"lost", Json::array()}}}})),
      nullptr);
  ASSERT_TRUE(ok.errors.empty());
  ASSERT_EQ(ok.cases.size(), 1u);
  EXPECT_TRUE(ok.passed()) << ::testing::PrintToString(ok.cases[0].failures);
  ScenarioReport wrong = RunScenario(Canonical(scenario({{"manages", Json::array()}})), nullptr);
  ASSERT_EQ(wrong.failed_count(), 1u);
  EXPECT_THAT(wrong.cases[0].failures[0],
              ::testing::HasSubstr("power of `dan`: manages expected []"));
  ScenarioReport bad = RunScenario(
      Canonical(scenario({{"manages", 3}, {"claims", {{"gained", Json::array()}}}, {"reach", 1}})),
      nullptr);
  std::vector<std::string> keys;
  for (const Error& e : bad.errors) keys.push_back(e.code + "@" + e.pointer);
  const std::string at = "/cases/0/expect/accessDiff/0/power";
  EXPECT_EQ(keys, (std::vector<std::string>{"unknown_field@" + at + "/reach",
                                            "wrong_type@" + at + "/manages",
                                            "missing_field@" + at + "/claims"}));
}

TEST(ScenarioRunner, ReportsMalformedSteps) {
  const Json check = {{"actor", "dan"}, {"action", "code.read"}, {"resource", "repo-x"}};
  Json scenario = {
      {"format", "rolegate-scenario/1"},
      {"name", "bad steps"},
      {"bundle", testing::TinyBundle()},
      {"now", testing::kNow},
      {"cases",
       {{{"id", "empty"}, {"steps", Json::array()}},
        {{"id", "beside"},
         {"steps", {{{"check", check}, {"expect", {{"effect", "allow"}}}}}},
         {"expect", {{"effect", "allow"}}}},
        {{"id", "no-question"}, {"steps", {{{"expect", {{"effect", "allow"}}}}}}},
        {{"id", "two-questions"},
         {"steps",
          {{{"check", check},
            {"whatCan", {{"member", "dan"}, {"scope", "repo-x"}}},
            {"expect", {{"effect", "allow"}}}}}}},
        {{"id", "no-expect"}, {"steps", {{{"check", check}}}}},
        {{"id", "bad-expect"}, {"steps", {{{"check", check}, {"expect", {{"effect", 1}}}}}}},
        {{"id", "not-a-list"}, {"steps", {{"check", check}}}}}}};
  Json many = Json::array();
  for (int k = 0; k < 65; ++k)
    many.push_back({{"check", check}, {"expect", {{"effect", "allow"}}}});
  scenario["cases"].push_back({{"id", "too-many"}, {"steps", many}});
  ScenarioReport r = RunScenario(Canonical(scenario), nullptr);
  std::vector<std::string> keys;
  for (const Error& e : r.errors) keys.push_back(e.code + "@" + e.pointer);
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "invalid_value@/cases/0/steps", "invalid_value@/cases/1",
                      "invalid_value@/cases/2/steps/0", "invalid_value@/cases/3/steps/0",
                      "missing_field@/cases/4/steps/0", "wrong_type@/cases/5/steps/0/expect/effect",
                      "wrong_type@/cases/6/steps", "too_many_items@/cases/7/steps"}));
  EXPECT_TRUE(r.cases.empty());
}

}  // namespace
}  // namespace rolegate
