// `manages` as a list of limits, one per family: "Super Admin on one product,
// Admin on another". Reading the list, checks against each family's own limit
// (a role handed out, a whole member acted on), and custom roles kept within
// their creator's limit family by family.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_util.h"

namespace rolegate {
namespace {

// The tiny bundle, plus a hub administrator who manages the `dev` family up to
// owners (30) but the `ops` family only up to viewers (5), and an `ops.lead`
// (rank 15) held by Vic on repo-x.
Json PerFamilyBundle() {
  Json b = testing::TinyBundle();
  b["roles"].push_back({{"id", "ops.lead"},
                        {"label", "Lead"},
                        {"family", "ops"},
                        {"rank", 15},
                        {"permissions", {"code.read"}},
                        {"assignableAt", {"repo"}}});
  b["roles"].push_back(
      {{"id", "hub.admin"},
       {"label", "Hub admin"},
       {"family", "hub"},
       {"rank", 50},
       {"permissions", {"members.manage", "code.read", "billing.pay"}},
       {"assignableAt", {"org", "team"}},
       {"sees", {{"minRank", 0}, {"families", {"dev", "ops"}}}},
       {"manages",
        {{{"families", {"dev"}}, {"upToRank", 30}}, {{"families", {"ops"}}, {"upToRank", 5}}}}});
  b["members"].push_back(
      {{"id", "hal"}, {"name", "Hal Hub"}, {"email", "hal@example.org"}, {"status", "active"}});
  b["bindings"].push_back(
      {{"id", "b-hal"}, {"member", "hal"}, {"role", "hub.admin"}, {"scope", "org-1"}});
  b["bindings"].push_back(
      {{"id", "b-vic-lead"}, {"member", "vic"}, {"role", "ops.lead"}, {"scope", "repo-x"}});
  return b;
}

Decision Check(const Policy& p, const std::string& actor, const std::string& resource, Json attrs) {
  return p.Decide(testing::MakeRequest(actor, "members.manage", resource, std::move(attrs)))
      .decision;
}

std::vector<std::string> Codes(const Decision& d) {
  std::vector<std::string> out;
  for (const Reason& r : d.reasons) out.push_back(r.code);
  return out;
}

TEST(Manages, EachFamilyHasItsOwnLimitForARoleHandedOut) {
  auto p = testing::MustLoad(PerFamilyBundle());
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(Check(*p, "hal", "repo-y", {{"role", "dev.owner"}}).effect, Effect::kAllow);
  EXPECT_EQ(Check(*p, "hal", "repo-y", {{"role", "ops.viewer"}}).effect, Effect::kAllow);
  Decision lead = Check(*p, "hal", "repo-y", {{"role", "ops.lead"}});
  EXPECT_EQ(lead.effect, Effect::kDeny);
  ASSERT_THAT(Codes(lead), ::testing::ElementsAre("rank_too_low"));
  EXPECT_EQ(lead.reasons[0].facts["have"], 5);  // the `ops` limit, not the best of all
  EXPECT_EQ(lead.reasons[0].facts["need"], 15);
  // A family in no limit: nothing of it is managed.
  Decision hub = Check(*p, "hal", "repo-y", {{"role", "hub.admin"}});
  EXPECT_EQ(hub.effect, Effect::kDeny);
  EXPECT_EQ(hub.reasons[0].facts["have"], -1);
}

TEST(Manages, AWholeMemberIsManagedWhenEveryRoleIsWithinItsFamilysLimit) {
  Json b = PerFamilyBundle();
  auto p = testing::MustLoad(b);
  // Dan holds dev.member (10): within `dev` up to 30.
  Decision dan = Check(*p, "hal", "repo-x", {{"target", "dan"}});
  EXPECT_EQ(dan.effect, Effect::kAllow) << ::testing::PrintToString(Codes(dan));
  // Vic holds ops.lead (15) on repo-x: beyond `ops` up to 5, although 15 is
  // below the 30 of `dev`.
  Decision vic = Check(*p, "hal", "repo-x", {{"target", "vic"}});
  EXPECT_EQ(vic.effect, Effect::kDeny);
  ASSERT_THAT(Codes(vic), ::testing::ElementsAre("target_outranks_actor"));
  EXPECT_EQ(vic.reasons[0].facts["have"], 5);
  EXPECT_EQ(vic.reasons[0].facts["need"], 15);
  // On repo-y Vic holds only ops.viewer (5): within the limit.
  EXPECT_EQ(Check(*p, "hal", "repo-y", {{"target", "vic"}}).effect, Effect::kAllow);
  // Naming the role narrows to its family: Vic's dev standing (none) is managed.
  EXPECT_EQ(Check(*p, "hal", "repo-x", {{"target", "vic"}, {"role", "dev.member"}}).effect,
            Effect::kAllow);
  EXPECT_EQ(Check(*p, "hal", "repo-x", {{"target", "vic"}, {"role", "ops.viewer"}}).effect,
            Effect::kDeny);
}

TEST(Manages, TwoRolesEachWithinOneFamilyDoNotAddUpForAWholeMember) {
  // Hal's power split over two roles: one manages `dev`, the other `ops`. Acting on
  // a member who holds roles of both families needs one role managing both.
  Json b = PerFamilyBundle();
  b["roles"].push_back(
      {{"id", "hub.ops"},
       {"label", "Hub ops"},
       {"family", "hub"},
       {"rank", 40},
       {"permissions", {"members.manage"}},
       {"assignableAt", {"org"}},
       {"sees", {{"minRank", 0}, {"families", {"dev", "ops"}}}},
       {"manages",
        {{{"families", {"ops"}}, {"upToRank", 15}}, {{"families", {"dev"}}, {"upToRank", 5}}}}});
  b["bindings"].push_back({{"member", "hal"}, {"role", "hub.ops"}, {"scope", "org-1"}});
  b["bindings"].push_back({{"member", "vic"}, {"role", "dev.member"}, {"scope", "repo-x"}});
  auto p = testing::MustLoad(b);
  // Vic on repo-x: dev.member (10) and ops.lead (15). hub.admin reaches dev 30 but
  // ops 5; hub.ops reaches ops 15 but dev 5. Neither manages both.
  Decision d = Check(*p, "hal", "repo-x", {{"target", "vic"}});
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("target_outranks_actor"));
  EXPECT_EQ(d.reasons[0].facts["have"], -1);
  EXPECT_THAT(d.reasons[0].message, ::testing::HasSubstr("may manage every role"));
  // Each role alone still does what it reaches.
  EXPECT_EQ(Check(*p, "hal", "repo-x", {{"target", "vic"}, {"role", "ops.lead"}}).effect,
            Effect::kAllow);
  EXPECT_EQ(Check(*p, "hal", "repo-x", {{"target", "vic"}, {"role", "dev.owner"}}).effect,
            Effect::kAllow);
}

TEST(Manages, AListEntryWithoutFamiliesLimitsTheRolesOwnFamily) {
  Json b = PerFamilyBundle();
  b["roles"][1]["manages"] = {{{"upToRank", 20}}, {{"families", {"ops"}}, {"upToRank", 15}}};
  auto p = testing::MustLoad(b);
  // Mia (dev.maintainer on team-a) now also hands out ops.lead, and dev up to 20.
  EXPECT_EQ(Check(*p, "mia", "repo-y", {{"role", "ops.lead"}}).effect, Effect::kAllow);
  EXPECT_EQ(Check(*p, "mia", "repo-y", {{"role", "dev.maintainer"}}).effect, Effect::kAllow);
  EXPECT_EQ(Check(*p, "mia", "repo-y", {{"role", "dev.owner"}}).effect, Effect::kDeny);
}

TEST(Manages, ABadListIsReportedEntryByEntry) {
  Json b = PerFamilyBundle();
  const std::string at = "/roles/5/manages";
  b["roles"][5]["manages"] = {{{"families", {"dev"}}, {"upToRank", 30}},
                              {{"families", {"ops", "dev"}}, {"upToRank", 5}},
                              "dev",
                              {{"families", {"nope"}}, {"upToRank", 1}},
                              {{"upToRank", -1}}};
  EXPECT_THAT(testing::ErrorKeys(b),
              ::testing::ElementsAre(
                  "invalid_value@" + at + "/1/families/1", "invalid_value@" + at + "/4/upToRank",
                  "unknown_family@" + at + "/3/families/0", "wrong_type@" + at + "/2"));
  b["roles"][5]["manages"] = Json::array();
  EXPECT_THAT(testing::ErrorKeys(b), ::testing::ElementsAre("invalid_value@" + at));
  // A family repeated within one entry is that family once.
  b["roles"][5]["manages"] = {{{"families", {"ops", "ops"}}, {"upToRank", 5}}};
  EXPECT_TRUE(testing::ErrorKeys(b).empty());
}

TEST(Manages, ACustomRoleStaysWithinItsCreatorFamilyByFamily) {
  auto p = testing::MustLoad(PerFamilyBundle());
  auto define = [&](const Json& manages) {
    Json role = {{"id", "custom.lead"},          {"family", "ops"},          {"rank", 1},
                 {"permissions", {"code.read"}}, {"assignableAt", {"team"}}, {"manages", manages}};
    return p->Simulate(
        {{"baseRevision", p->revision()},
         {"actor", "hal"},
         {"now", testing::kNow},
         {"operations", {{{"op", "define_role"}, {"scope", "org-1"}, {"role", role}}}}});
  };
  Json ok =
      define({{{"families", {"dev"}}, {"upToRank", 30}}, {{"families", {"ops"}}, {"upToRank", 5}}});
  EXPECT_EQ(ok["operations"][0]["effect"], "allow") << Canonical(ok);
  // 30 for `ops` is within Hal's best limit overall, but not within his `ops` one.
  Json beyond =
      define({{{"families", {"dev"}}, {"upToRank", 5}}, {{"families", {"ops"}}, {"upToRank", 30}}});
  ASSERT_EQ(beyond["operations"][0]["effect"], "deny") << Canonical(beyond);
  const Json& reason = beyond["operations"][0]["reasons"][0];
  EXPECT_EQ(reason["code"], "custom_role_beyond_creator");
  EXPECT_EQ(reason["limit"], "manages");
  EXPECT_EQ(reason["family"], "ops");
  EXPECT_EQ(reason["have"], 5);
  EXPECT_EQ(reason["need"], 30);
}

// define_role by Hal, of a role of family `ops` with these `manages` limits.
Json DefineBy(const Policy& p, const std::string& actor, const Json& manages,
              const Json& permissions = Json{"code.read", "members.manage"}) {
  Json role = {{"id", "custom.new"},         {"family", "ops"},          {"rank", 1},
               {"permissions", permissions}, {"assignableAt", {"team"}}, {"manages", manages}};
  return p.Simulate(
      {{"baseRevision", p.revision()},
       {"actor", actor},
       {"now", testing::kNow},
       {"operations", {{{"op", "define_role"}, {"scope", "org-1"}, {"role", role}}}}});
}

TEST(Manages, ARolesManagesWithoutARankLimitedPermissionGivesNoReach) {
  // Found in review: Hal also holds a role that lists `ops` up to 15 but holds no
  // rankLimited permission, so it manages nobody; it must not let him define a
  // role that does.
  Json b = PerFamilyBundle();
  b["roles"].push_back({{"id", "ops.inert"},
                        {"family", "ops"},
                        {"rank", 1},
                        {"permissions", {"code.read"}},
                        {"assignableAt", {"repo"}},
                        {"manages", {{{"families", {"ops"}}, {"upToRank", 15}}}}});
  b["bindings"].push_back({{"member", "hal"}, {"role", "ops.inert"}, {"scope", "repo-x"}});
  auto p = testing::MustLoad(b);
  Json r = DefineBy(*p, "hal", {{{"families", {"ops"}}, {"upToRank", 15}}});
  ASSERT_EQ(r["operations"][0]["effect"], "deny") << Canonical(r);
  EXPECT_EQ(r["operations"][0]["reasons"][0]["limit"], "manages");
  EXPECT_EQ(r["operations"][0]["reasons"][0]["have"], 5);
  EXPECT_EQ(
      DefineBy(*p, "hal", {{{"families", {"ops"}}, {"upToRank", 5}}})["operations"][0]["effect"],
      "allow");
}

TEST(Manages, EditingARoleCannotWakeTheManagesOfARoleInheritingIt) {
  // c.heir lists `ops` up to 15 and inherits c.base; neither holds a rankLimited
  // permission. Hal may not give c.base one: c.heir would then manage `ops` up to
  // 15, beyond his 5.
  Json b = PerFamilyBundle();
  b["roles"].push_back({{"id", "c.base"},
                        {"family", "ops"},
                        {"rank", 1},
                        {"custom", true},
                        {"permissions", {"code.read"}},
                        {"assignableAt", {"repo"}}});
  b["roles"].push_back({{"id", "c.heir"},
                        {"family", "ops"},
                        {"rank", 2},
                        {"custom", true},
                        {"inherits", {"c.base"}},
                        {"assignableAt", {"repo"}},
                        {"manages", {{{"families", {"ops"}}, {"upToRank", 15}}}}});
  auto p = testing::MustLoad(b);
  auto edit = [&](const Json& permissions) {
    Json role = {{"id", "c.base"},
                 {"family", "ops"},
                 {"rank", 1},
                 {"permissions", permissions},
                 {"assignableAt", {"repo"}}};
    return p->Simulate(
        {{"baseRevision", p->revision()},
         {"actor", "hal"},
         {"now", testing::kNow},
         {"operations", {{{"op", "edit_role"}, {"scope", "org-1"}, {"role", role}}}}});
  };
  Json woken = edit({"code.read", "members.manage"});
  ASSERT_EQ(woken["operations"][0]["effect"], "deny") << Canonical(woken);
  const Json& reason = woken["operations"][0]["reasons"][0];
  EXPECT_EQ(reason["code"], "custom_role_beyond_creator");
  EXPECT_EQ(reason["role"], "c.heir");
  EXPECT_EQ(reason["family"], "ops");
  EXPECT_EQ(reason["need"], 15);
  EXPECT_EQ(reason["have"], 5);
  // An edit that wakes nothing is fine.
  EXPECT_EQ(edit({"code.read", "billing.pay"})["operations"][0]["effect"], "allow");
}

TEST(Manages, ANewRoleMayNotAddUpTwoRolesLimits) {
  // Hal's power over `dev` and over `ops` is in two roles; a role managing both is
  // more than either: with it he could act on a member holding roles of both.
  Json b = PerFamilyBundle();
  b["roles"][5]["manages"] = {{{"families", {"dev"}}, {"upToRank", 30}}};
  b["roles"].push_back({{"id", "hub.ops"},
                        {"family", "hub"},
                        {"rank", 40},
                        {"permissions", {"members.manage"}},
                        {"assignableAt", {"org"}},
                        {"manages", {{{"families", {"ops"}}, {"upToRank", 15}}}}});
  b["bindings"].push_back({{"member", "hal"}, {"role", "hub.ops"}, {"scope", "org-1"}});
  auto p = testing::MustLoad(b);
  Json both = DefineBy(
      *p, "hal",
      {{{"families", {"dev"}}, {"upToRank", 30}}, {{"families", {"ops"}}, {"upToRank", 15}}});
  ASSERT_EQ(both["operations"][0]["effect"], "deny") << Canonical(both);
  EXPECT_EQ(both["operations"][0]["reasons"][0]["limit"], "manages");
  EXPECT_EQ(both["operations"][0]["reasons"][0]["have"], -1);
  EXPECT_EQ(
      DefineBy(*p, "hal", {{{"families", {"ops"}}, {"upToRank", 15}}})["operations"][0]["effect"],
      "allow");
  EXPECT_EQ(
      DefineBy(*p, "hal", {{{"families", {"dev"}}, {"upToRank", 30}}})["operations"][0]["effect"],
      "allow");
}

}  // namespace
}  // namespace rolegate
