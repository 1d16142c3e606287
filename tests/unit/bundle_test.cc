// Validation: every mistake reported, each with its code and pointer.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "shape.h"  // AddDays
#include "test_util.h"

namespace rolegate {
namespace {

using ::testing::ElementsAre;
using testing::ErrorKeys;
using testing::TinyBundle;
using ::testing::UnorderedElementsAre;

TEST(Bundle, TinyBundleIsValid) { EXPECT_TRUE(ErrorKeys(TinyBundle()).empty()); }

TEST(Bundle, RejectsNonObjectAndWrongFormat) {
  EXPECT_THAT(ErrorKeys(Json::array()), ElementsAre("wrong_type@"));
  Json b = TinyBundle();
  b["format"] = "rolegate/2";
  EXPECT_THAT(ErrorKeys(b), ElementsAre("unsupported_format@/format"));
  b.erase("format");
  EXPECT_THAT(ErrorKeys(b), ElementsAre("missing_field@"));
}

// "$schema" tells an editor where the schema is; the engine ignores it: the same
// policy keeps its revision, and a change set or scenario may carry one too.
TEST(Bundle, SchemaReferenceIsIgnored) {
  const std::string url = "https://rolegate.dev/schemas/bundle.schema.json";
  Json with = TinyBundle();
  with["$schema"] = url;
  EXPECT_TRUE(ErrorKeys(with).empty());
  const auto plain = testing::MustLoad(TinyBundle());
  const auto marked = testing::MustLoad(with);
  ASSERT_NE(marked, nullptr);
  EXPECT_EQ(marked->revision(), plain->revision());
  with["$schema"] = 7;
  EXPECT_THAT(ErrorKeys(with), ElementsAre("wrong_type@/$schema"));

  Json cs = {{"$schema", "https://rolegate.dev/schemas/changeset.schema.json"},
             {"format", "rolegate-changeset/1"},
             {"baseRevision", plain->revision()},
             {"actor", "olga"},
             {"now", testing::kNow},
             {"operations", {{{"op", "block"}, {"member", "dan"}}}}};
  const Json marked_result = plain->Simulate(cs, true);
  ASSERT_EQ(marked_result["ok"], true) << Canonical(marked_result);
  cs.erase("$schema");
  EXPECT_EQ(Canonical(marked_result), Canonical(plain->Simulate(cs, true)));
  // The bundle after a change keeps it, and its revision is still the content's.
  Json after = marked->Simulate(Json{{"format", "rolegate-changeset/1"},
                                     {"baseRevision", marked->revision()},
                                     {"actor", "olga"},
                                     {"now", testing::kNow},
                                     {"operations", {{{"op", "block"}, {"member", "dan"}}}}},
                                true);
  EXPECT_EQ(after["bundleAfter"]["$schema"], url);
  EXPECT_EQ(after["revisionAfter"], marked_result["revisionAfter"]);

  Json scenario = {
      {"$schema", "https://rolegate.dev/schemas/scenario.schema.json"},
      {"format", "rolegate-scenario/1"},
      {"name", "marked"},
      {"bundle", TinyBundle()},
      {"now", testing::kNow},
      {"cases",
       {{{"id", "a"},
         {"check", {{"actor", "dan"}, {"action", "code.read"}, {"resource", "repo-x"}}},
         {"expect", {{"effect", "allow"}}}}}}};
  const ScenarioReport report = RunScenario(Canonical(scenario), nullptr);
  EXPECT_TRUE(report.passed()) << Canonical(ScenarioReportToJson(report));
}

TEST(Bundle, ReportsUnknownFieldsAndWrongTypes) {
  Json b = TinyBundle();
  b["roles"][0]["permisions"] = Json::array();
  b["roles"][1]["rank"] = "high";
  b["roles"][2]["rank"] = 2.5;
  b["members"][0]["status"] = "sleeping";
  EXPECT_THAT(
      ErrorKeys(b),
      UnorderedElementsAre("invalid_value@/members/0/status", "unknown_field@/roles/0/permisions",
                           "wrong_type@/roles/1/rank", "not_an_integer@/roles/2/rank"));
}

// The server of record's section: permission ids it knows, and nothing else.
TEST(Bundle, ServerSectionNamesKnownPermissions) {
  Json b = TinyBundle();
  const std::string known = b["permissions"][0]["id"];
  b["server"] = Json{{"auditPermission", known}, {"decisionsPermission", known}};
  EXPECT_TRUE(ErrorKeys(b).empty());
  b["server"] = Json{{"auditPermission", "no.such"}, {"decisionPermission", known}};
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("unknown_permission@/server/auditPermission",
                                                 "unknown_field@/server/decisionPermission"));
  b["server"] = Json::array();
  EXPECT_THAT(ErrorKeys(b), ElementsAre("wrong_type@/server"));
}

TEST(Bundle, ReportsDuplicateIds) {
  Json b = TinyBundle();
  b["scopes"].push_back({{"id", "repo-x"}, {"type", "repo"}, {"parent", "team-b"}});
  EXPECT_THAT(ErrorKeys(b), ElementsAre("duplicate_id@/scopes/6/id"));
}

TEST(Bundle, ReportsUnknownReferences) {
  Json b = TinyBundle();
  b["roles"][0]["permissions"].push_back("code.fork");
  b["roles"][0]["inherits"] = {"dev.guest"};
  b["scopes"][1]["parent"] = "org-9";
  b["scopes"][2]["type"] = "squad";
  b["bindings"][0]["member"] = "nobody";
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("unknown_member@/bindings/0/member",
                                                 "unknown_permission@/roles/0/permissions/2",
                                                 "unknown_role@/roles/0/inherits/0",
                                                 "unknown_scope@/scopes/1/parent",
                                                 "unknown_scope_type@/scopes/2/type"));
}

// The member_field and scope_limit checks walk up from every bound scope; on a
// cyclic forest they still end (and the cycle is reported), and a deep chain
// below one scope is walked once, not once per binding.
TEST(Bundle, MemberChecksEndOnACyclicForest) {
  Json b = TinyBundle();
  b["scopeTypes"][0]["parents"] = {"team"};
  b["scopes"][0]["parent"] = "team-a";  // org-1 -> team-a -> org-1
  b["invariants"].push_back({{"id", "one-team"},
                             {"kind", "scope_limit"},
                             {"scopeType", "org"},
                             {"max", 1},
                             {"severity", "error"}});
  b["invariants"].push_back({{"id", "domains"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "brandingDomain"},
                             {"valuesFromAttribute", "domains"}});
  b["members"][2]["brandingDomain"] = "a.example";  // dan, on repo-x and repo-z
  std::vector<std::string> keys = ErrorKeys(b);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "scope_cycle@/scopes/0/parent"), keys.end())
      << ::testing::PrintToString(keys);
  // Dan's scopes have no `domains` at or above them: the field is not offered.
  EXPECT_NE(std::find(keys.begin(), keys.end(), "member_field_invalid@/members/2/brandingDomain"),
            keys.end())
      << ::testing::PrintToString(keys);
}

TEST(Bundle, ReportsScopeCycleAndParentTypes) {
  Json b = TinyBundle();
  b["scopeTypes"][0]["parents"] = {"team"};  // org may now hang under team
  b["scopes"][0]["parent"] = "team-a";       // org-1 -> team-a -> org-1
  std::vector<std::string> keys = ErrorKeys(b);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "scope_cycle@/scopes/0/parent"), keys.end())
      << ::testing::PrintToString(keys);

  Json c = TinyBundle();
  c["scopes"][3]["parent"] = "org-1";  // a repo directly under an org
  c["scopes"][1].erase("parent");      // a team without a parent
  EXPECT_THAT(ErrorKeys(c), UnorderedElementsAre("invalid_parent_type@/scopes/1",
                                                 "invalid_parent_type@/scopes/3/parent"));
}

TEST(Bundle, ReportsRoleInheritanceCycle) {
  Json b = TinyBundle();
  b["roles"][1]["inherits"] = {"dev.member", "dev.maintainer"};  // itself, second entry
  EXPECT_THAT(ErrorKeys(b), ElementsAre("role_inheritance_cycle@/roles/1/inherits/1"));
  Json c = TinyBundle();
  c["roles"][0]["inherits"] = {"dev.owner"};  // member -> owner -> maintainer -> member
  std::vector<std::string> keys = ErrorKeys(c);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].rfind("role_inheritance_cycle@/roles/", 0), 0u) << keys[0];
}

TEST(Bundle, ReportsBindingProblems) {
  Json b = TinyBundle();
  b["bindings"].push_back({{"member", "zed"}, {"role", "dev.owner"}, {"scope", "repo-x"}});
  b["bindings"].push_back({{"member", "dan"}, {"role", "dev.maintainer"}, {"scope", "repo-x"}});
  b["bindings"].push_back({{"member", "vic"}, {"role", "ops.viewer"}, {"scope", "repo-y"}});
  b["bindings"][1]["expiresAt"] = "tomorrow";
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("invalid_timestamp@/bindings/1/expiresAt",
                                                 "role_not_assignable_at@/bindings/7/scope",
                                                 "exclusive_role_conflict@/bindings/8/role",
                                                 "duplicate_binding@/bindings/9"));
}

TEST(Bundle, IdsHaveNoControlCharactersAndCountCharacters) {
  for (const char* bad : {"m-\x1b[31m", "m-a\nb", "m-\x7f", "m-\t"}) {
    Json b = TinyBundle();
    b["members"][0]["id"] = bad;
    b["bindings"][0]["member"] = bad;
    EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("invalid_value@/bindings/0/member",
                                                   "invalid_value@/members/0/id"))
        << bad;
  }
  // 256 characters of two bytes each: 512 bytes, within the limit of 256 characters.
  std::string long_id;
  for (int i = 0; i < 256; ++i) long_id += "\xC3\xA4";
  Json b = TinyBundle();
  b["members"][0]["id"] = long_id;
  b["bindings"][0]["member"] = long_id;
  EXPECT_TRUE(ErrorKeys(b).empty());
  b["members"][0]["id"] = long_id + "a";
  b["bindings"][0]["member"] = long_id + "a";
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("invalid_value@/bindings/0/member",
                                                 "invalid_value@/members/0/id"));
}

TEST(Bundle, AnIntegerBeyond64BitsIsOutOfRangeNotAFraction) {
  for (const char* big : {"18446744073709551616", "-9223372036854775809", "1e19"}) {
    Json b = TinyBundle();
    b["roles"][0]["rank"] = ParseJson(big).value;
    EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("invalid_value@/roles/0/rank")) << big;
  }
  Json b = TinyBundle();
  b["roles"][0]["rank"] = 2.5;
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("not_an_integer@/roles/0/rank"));
}

TEST(Bundle, DaysAddedPastTheYear9999StopAtItsLastSecond) {
  EXPECT_EQ(internal::AddDays("9999-12-30T08:00:00Z", 7), "9999-12-31T23:59:59Z");
  EXPECT_EQ(internal::AddDays("9999-12-30T08:00:00Z", 1), "9999-12-31T08:00:00Z");
  EXPECT_EQ(internal::AddDays("2028-02-28T08:00:00Z", 1), "2028-02-29T08:00:00Z");
}

TEST(Bundle, TimestampsAreDaysTheCalendarHas) {
  for (const char* bad : {"2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
                          "2026-04-31T00:00:00Z", "2026-06-31T12:00:00Z", "2026-00-01T00:00:00Z",
                          "2026-12-00T00:00:00Z", "2026-12-01T24:00:00Z"}) {
    Json b = TinyBundle();
    b["bindings"][0]["expiresAt"] = bad;
    EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("invalid_timestamp@/bindings/0/expiresAt"))
        << bad;
  }
  for (const char* good : {"2028-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2026-04-30T23:59:59Z",
                           "2026-01-31T00:00:00Z"}) {
    Json b = TinyBundle();
    b["bindings"][0]["expiresAt"] = good;
    EXPECT_THAT(ErrorKeys(b), ::testing::IsEmpty()) << good;
  }
}

TEST(Bundle, ReportsUnapprovableRuleAndActionConflicts) {
  Json b = TinyBundle();
  b["permissions"].push_back({{"id", "nobody.has"}, {"appliesTo", {"repo"}}});
  b["approvalRules"][0]["approvers"]["permission"] = "nobody.has";
  b["claims"][0]["action"] = "code.read";
  // The claim's old action is gone, so the operation mapped to it is reported too.
  EXPECT_THAT(ErrorKeys(b),
              UnorderedElementsAre("unapprovable_rule@/approvalRules/0/approvers/permission",
                                   "action_conflict@/claims/0/action",
                                   "unknown_action@/operations/claim_role/action"));
}

TEST(Bundle, ReportsDuplicateEmailUnderUniqueEmailInvariant) {
  Json b = TinyBundle();
  b["members"][1]["email"] = "OLGA@example.org";
  EXPECT_THAT(ErrorKeys(b), ElementsAre("duplicate_email@/members/1/email"));
  b["invariants"][1]["severity"] = "warning";
  LoadResult r = CompilePolicy(b);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "duplicate_email");
}

TEST(Bundle, ScopeAttributesMayListStrings) {
  Json b = TinyBundle();
  b["scopes"][0]["attributes"] = {{"domains", {"a.example", "b.example"}}, {"tier", 2}};
  EXPECT_TRUE(ErrorKeys(b).empty());
  b["scopes"][0]["attributes"]["domains"] = {"a.example", 7};
  b["scopes"][1]["attributes"] = {{"nested", {{"x", 1}}}};
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("wrong_type@/scopes/0/attributes/domains/1",
                                                 "wrong_type@/scopes/1/attributes/nested"));
}

// Tiny bundle plus member_field invariants on names, languages and domains.
Json FieldBundle() {
  Json b = TinyBundle();
  b["scopes"][0]["attributes"] = {{"domains", {"a.example", "b.example"}}};
  b["scopes"][2]["attributes"] = {{"domains", "c.example"}};  // team-b: one value
  b["invariants"].push_back({{"id", "named"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "name"},
                             {"required", true}});
  b["invariants"].push_back({{"id", "languages"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "language"},
                             {"values", {"en", "fr"}}});
  b["invariants"].push_back({{"id", "domains"},
                             {"kind", "member_field"},
                             {"severity", "error"},
                             {"field", "brandingDomain"},
                             {"valuesFromAttribute", "domains"}});
  return b;
}

TEST(Bundle, MemberFieldInvariantsAreCheckedOnLoad) {
  Json b = FieldBundle();
  EXPECT_TRUE(ErrorKeys(b).empty());
  b["members"][2].erase("name");                    // dan
  b["members"][5]["language"] = "de";               // vic
  b["members"][1]["brandingDomain"] = "a.example";  // mia on team-a: org-1 lists it
  b["members"][5]["brandingDomain"] = "x.example";  // vic on repo-y: org-1 does not
  b["members"][6]["brandingDomain"] = "x.example";  // zed holds no role: judged later
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("member_field_invalid@/members/2/name",
                                                 "member_field_invalid@/members/5/brandingDomain",
                                                 "member_field_invalid@/members/5/language"));
  // Kinds narrow an invariant; a removed member breaks nothing.
  Json c = FieldBundle();
  c["invariants"][2]["kinds"] = {"staff"};
  c["members"][2].erase("name");
  c["members"][6]["brandingDomain"] = "a.example";
  c["members"][6]["status"] = "removed";
  EXPECT_TRUE(ErrorKeys(c).empty()) << ::testing::PrintToString(ErrorKeys(c));
}

TEST(Bundle, MemberFieldFromAnAttributeWithFewerThanTwoValuesIsNotOffered) {
  Json b = FieldBundle();
  b["invariants"][4]["required"] = true;
  // Dan is bound under org-1 (two domains: offered, so required) and under team-b
  // (one domain: `c.example` or nothing). No value satisfies both.
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("member_field_invalid@/members/0/brandingDomain",
                                                 "member_field_invalid@/members/1/brandingDomain",
                                                 "member_field_invalid@/members/2/brandingDomain",
                                                 "member_field_invalid@/members/3/brandingDomain",
                                                 "member_field_invalid@/members/4/brandingDomain",
                                                 "member_field_invalid@/members/5/brandingDomain"));
  b["invariants"][4].erase("required");
  b["members"][2]["brandingDomain"] = "c.example";  // not one of org-1's
  EXPECT_THAT(ErrorKeys(b), ElementsAre("member_field_invalid@/members/2/brandingDomain"));
  b["bindings"][2]["scope"] = "repo-z";  // both of Dan's bindings under team-b now
  b["bindings"].erase(3);
  EXPECT_TRUE(ErrorKeys(b).empty()) << ::testing::PrintToString(ErrorKeys(b));
  // The scope a member was added to counts as one of its scopes.
  b["members"][6]["brandingDomain"] = "a.example";
  EXPECT_TRUE(ErrorKeys(b).empty()) << ::testing::PrintToString(ErrorKeys(b));
  b["members"][6]["addedTo"] = "team-b";
  EXPECT_THAT(ErrorKeys(b), ElementsAre("member_field_invalid@/members/6/brandingDomain"));
  b["members"][6]["brandingDomain"] = "c.example";
  EXPECT_TRUE(ErrorKeys(b).empty()) << ::testing::PrintToString(ErrorKeys(b));
  // A scope with no attribute on it or above it offers nothing: the field must be absent.
  b["scopes"][2].erase("attributes");
  b["scopes"][0].erase("attributes");
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("member_field_invalid@/members/2/brandingDomain",
                                                 "member_field_invalid@/members/6/brandingDomain"));
}

// A list that repeats one value offers no choice: it counts as that one value.
TEST(Bundle, MemberFieldRepeatedValuesCountOnce) {
  Json b = FieldBundle();
  b["invariants"][4]["required"] = true;
  b["scopes"][0]["attributes"]["domains"] = {"a.example", "a.example"};
  b["scopes"][2]["attributes"]["domains"] = {"a.example"};
  // Not offered anywhere, so not required: absent or the only value.
  EXPECT_TRUE(ErrorKeys(b).empty()) << ::testing::PrintToString(ErrorKeys(b));
  b["members"][2]["brandingDomain"] = "a.example";
  EXPECT_TRUE(ErrorKeys(b).empty()) << ::testing::PrintToString(ErrorKeys(b));
  b["members"][2]["brandingDomain"] = "b.example";
  EXPECT_THAT(ErrorKeys(b), ElementsAre("member_field_invalid@/members/2/brandingDomain"));
}

TEST(Bundle, MemberFieldWarningsDoNotStopLoading) {
  Json b = FieldBundle();
  b["invariants"][3]["severity"] = "warning";
  b["members"][0]["language"] = "de";
  LoadResult r = CompilePolicy(b);
  ASSERT_TRUE(r.ok()) << Canonical(ErrorsToJson(r.errors));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "member_field_invalid");
  EXPECT_EQ(r.warnings[0].pointer, "/members/0/language");
  EXPECT_NE(r.warnings[0].message.find("invariant `languages`"), std::string::npos);
}

TEST(Bundle, MemberFieldInvariantsAreValidated) {
  Json b = FieldBundle();
  b["invariants"][2]["field"] = "status";
  b["invariants"][3].erase("values");
  b["invariants"][4]["valuesFrom"] = "domains";
  b["scopes"][1]["attributes"] = {{"domains", 3}};
  EXPECT_THAT(ErrorKeys(b), UnorderedElementsAre("invalid_value@/invariants/2/field",
                                                 "invalid_value@/invariants/3",
                                                 "unknown_field@/invariants/4/valuesFrom",
                                                 "invalid_value@/scopes/1/attributes/domains"));
}

// Tiny bundle plus a scope_limit invariant: roles within at most one team.
Json ScopeLimitBundle() {
  Json b = TinyBundle();
  b["invariants"].push_back({{"id", "one-team"},
                             {"kind", "scope_limit"},
                             {"severity", "error"},
                             {"scopeType", "team"},
                             {"max", 1}});
  return b;
}

TEST(Bundle, ScopeLimitIsCheckedOnLoad) {
  Json b = ScopeLimitBundle();
  // Dan holds roles on repo-x (team-a) and repo-z (team-b): the second binding is
  // beyond the limit. Olga's binding on org-1 has no team at or above it.
  EXPECT_THAT(ErrorKeys(b), ElementsAre("scope_limit_exceeded@/bindings/3"));
  LoadResult r = CompilePolicy(b);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message,
            "member `dan` holds roles within 2 scopes of type `team` (`team-a`, `team-b`), "
            "more than the 1 allowed (invariant `one-team`)");
  // Several scopes within one team count once; a higher limit admits two teams.
  Json c = ScopeLimitBundle();
  c["bindings"][3]["scope"] = "repo-y";
  c["bindings"].push_back({{"member", "dan"}, {"role", "dev.member"}, {"scope", "team-a"}});
  EXPECT_TRUE(ErrorKeys(c).empty()) << ::testing::PrintToString(ErrorKeys(c));
  b["invariants"][2]["max"] = 2;
  EXPECT_TRUE(ErrorKeys(b).empty());
  // Kinds narrow the invariant; a removed member is exempt.
  b = ScopeLimitBundle();
  b["invariants"][2]["kinds"] = {"staff"};
  EXPECT_TRUE(ErrorKeys(b).empty());
  b["members"][2]["kind"] = "staff";
  EXPECT_THAT(ErrorKeys(b), ElementsAre("scope_limit_exceeded@/bindings/3"));
  b["members"][2]["status"] = "removed";
  EXPECT_TRUE(ErrorKeys(b).empty());
  // An expired binding is still recorded, so it still counts.
  b = ScopeLimitBundle();
  b["bindings"][3]["scope"] = "repo-y";
  b["bindings"].push_back({{"member", "eve"}, {"role", "dev.member"}, {"scope", "repo-z"}});
  EXPECT_THAT(ErrorKeys(b), ElementsAre("scope_limit_exceeded@/bindings/7"));
}

TEST(Bundle, ScopeLimitWarningsDoNotStopLoading) {
  Json b = ScopeLimitBundle();
  b["invariants"][2]["severity"] = "warning";
  LoadResult r = CompilePolicy(b);
  ASSERT_TRUE(r.ok()) << Canonical(ErrorsToJson(r.errors));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].code, "scope_limit_exceeded");
  EXPECT_EQ(r.warnings[0].pointer, "/bindings/3");
}

TEST(Bundle, ScopeLimitInvariantsAreValidated) {
  Json b = ScopeLimitBundle();
  b["bindings"].erase(3);  // Dan on one team only
  b["invariants"].push_back({{"id", "a"},
                             {"kind", "scope_limit"},
                             {"severity", "error"},
                             {"scopeType", "squad"},
                             {"max", 0}});
  b["invariants"].push_back({{"id", "b"},
                             {"kind", "scope_limit"},
                             {"severity", "error"},
                             {"scopeType", "org"},
                             {"max", 1.5},
                             {"kinds", "staff"}});
  b["invariants"].push_back({{"id", "c"},
                             {"kind", "scope_limit"},
                             {"severity", "error"},
                             {"scopeType", "org"},
                             {"maximum", 1}});
  EXPECT_THAT(ErrorKeys(b),
              UnorderedElementsAre(
                  "unknown_scope_type@/invariants/3/scopeType", "invalid_value@/invariants/3/max",
                  "not_an_integer@/invariants/4/max", "wrong_type@/invariants/4/kinds",
                  "missing_field@/invariants/5", "unknown_field@/invariants/5/maximum"));
}

TEST(Bundle, RoleMemberKindsLimitWhoMayHoldIt) {
  Json b = TinyBundle();
  for (Json& m : b["members"]) m["kind"] = "staff";
  b["roles"][3]["memberKinds"] = {"auditor"};  // ops.viewer
  EXPECT_THAT(ErrorKeys(b), ElementsAre("member_kind_not_allowed@/bindings/6/member"));
  b["members"][5]["kind"] = "auditor";  // vic
  EXPECT_TRUE(ErrorKeys(b).empty());
  b["members"][5].erase("kind");
  LoadResult r = CompilePolicy(b);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("has no kind"), std::string::npos);
  b["roles"][3]["memberKinds"] = Json::array();
  EXPECT_THAT(ErrorKeys(b), ElementsAre("invalid_value@/roles/3/memberKinds"));
}

TEST(Bundle, ApprovalRuleScopesMustExist) {
  Json b = TinyBundle();
  b["approvalRules"][0]["scopes"] = {"team-a", "team-q"};
  EXPECT_THAT(ErrorKeys(b), ElementsAre("unknown_scope@/approvalRules/0/scopes/1"));
  b["approvalRules"][0]["scopes"] = Json::array();
  EXPECT_THAT(ErrorKeys(b), ElementsAre("invalid_value@/approvalRules/0/scopes"));
}

TEST(Bundle, EnforcesCountLimits) {
  Limits limits;
  limits.max_members = 3;
  LoadResult r = CompilePolicy(TinyBundle(), limits);
  ASSERT_FALSE(r.ok());
  bool found = false;
  for (const Error& e : r.errors) found |= e.code == "too_many_items" && e.pointer == "/members";
  EXPECT_TRUE(found) << Canonical(ErrorsToJson(r.errors));
}

TEST(Bundle, ErrorsAreOrderedByPointerWithNumericIndexes) {
  Json b = TinyBundle();
  for (int i = 0; i < 11; ++i) {
    b["members"].push_back({{"id", "x" + std::to_string(i)}, {"status", "gone"}});
  }
  LoadResult r = CompilePolicy(b);
  ASSERT_EQ(r.errors.size(), 11u);
  EXPECT_EQ(r.errors[0].pointer, "/members/7/status");
  EXPECT_EQ(r.errors[2].pointer, "/members/9/status");
  EXPECT_EQ(r.errors[3].pointer, "/members/10/status");
}

TEST(Bundle, DerivesRevisionFromContentWhenAbsent) {
  Json b = TinyBundle();
  b.erase("revision");
  auto p1 = testing::MustLoad(b);
  auto p2 = testing::MustLoad(b);
  ASSERT_TRUE(p1 && p2);
  EXPECT_EQ(p1->revision().rfind("fnv1a64:", 0), 0u);
  EXPECT_EQ(p1->revision(), p2->revision());
  b["members"][0]["name"] = "Olga O.";
  EXPECT_NE(testing::MustLoad(b)->revision(), p1->revision());
}

TEST(Bundle, DozenMistakesFileReportsEachExpectedError) {
  std::string dir = std::string(ROLEGATE_SOURCE_DIR) + "/tests/data/invalid/";
  LoadResult r = LoadPolicy(testing::ReadFileOrDie(dir + "dozen-mistakes.json"));
  ParsedJson expected = ParseJson(testing::ReadFileOrDie(dir + "dozen-mistakes.expected.json"));
  ASSERT_TRUE(expected.ok());
  ASSERT_FALSE(r.ok());
  std::set<std::string> codes;
  for (const Json& e : expected.value) {
    codes.insert(e["code"].get<std::string>());
    bool found = false;
    for (const Error& got : r.errors) {
      if (got.code == e["code"] && got.pointer == e["pointer"]) found = true;
    }
    EXPECT_TRUE(found) << "missing " << Canonical(e) << " in " << Canonical(ErrorsToJson(r.errors));
  }
  EXPECT_GE(codes.size(), 12u);
  EXPECT_EQ(r.errors.size(), expected.value.size()) << Canonical(ErrorsToJson(r.errors));
}

}  // namespace
}  // namespace rolegate
