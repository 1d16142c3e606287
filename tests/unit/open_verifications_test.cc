// Policy::OpenVerifications: the actor's self-upgrades waiting for a PIN once a
// change set is applied, and which of them the change set made.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace rolegate {
namespace {

constexpr const char* kNow = "2026-12-01T09:00:00Z";
const Json kRequest = {
    {"op", "request_self_upgrade"}, {"role", "billing.admin"}, {"scope", "acc-1003"}};

std::shared_ptr<const Policy> BtBusiness() {
  return testing::MustLoad(Json::parse(testing::ReadFileOrDie(
      std::string(ROLEGATE_SOURCE_DIR) + "/examples/bt-business/bundle.json")));
}

Json ChangeSet(const Policy& p, const std::string& actor, Json operations) {
  return {{"format", "rolegate-changeset/1"},
          {"baseRevision", p.revision()},
          {"actor", actor},
          {"now", kNow},
          {"operations", std::move(operations)}};
}

Json With(Json op, const char* key, const std::string& value) {
  op[key] = value;
  return op;
}

TEST(OpenVerifications, ARequestMakesARecordThatCompletingTakesAway) {
  auto p = BtBusiness();
  Json r = p->OpenVerifications(ChangeSet(*p, "m-george", Json::array({kRequest})));
  ASSERT_EQ(r["ok"], true) << Canonical(r);
  ASSERT_EQ(r["verifications"].size(), 1u);
  const Json& record = r["verifications"][0];
  EXPECT_EQ(record["member"], "m-george");
  EXPECT_EQ(record["role"], "billing.admin");
  EXPECT_EQ(record["scope"], "acc-1003");
  EXPECT_EQ(r["made"], Json::array({record["id"]}));
  // The same id as the simulation's letter names.
  const Json sim = p->Simulate(ChangeSet(*p, "m-george", Json::array({kRequest})));
  bool named = false;
  for (const Json& e : sim["events"])
    named = named || e.value("verification", Json()) == record["id"];
  EXPECT_TRUE(named) << Canonical(sim["events"]);

  Json complete = kRequest;
  complete["op"] = "complete_self_upgrade";
  r = p->OpenVerifications(ChangeSet(*p, "m-george", Json::array({kRequest, complete})));
  EXPECT_EQ(r["verifications"], Json::array());
  EXPECT_EQ(r["made"], Json::array());
}

TEST(OpenVerifications, OnlyTheActorsAndOnlyWhatTheChangeLeaves) {
  auto p = BtBusiness();
  // A member the rule does not let upgrade: the request is denied, no letter, no record.
  const Json denied = p->Simulate(ChangeSet(*p, "m-olivia", Json::array({kRequest})));
  ASSERT_EQ(denied["operations"][0]["effect"], "deny") << Canonical(denied);
  EXPECT_EQ(
      p->OpenVerifications(ChangeSet(*p, "m-olivia", Json::array({kRequest})))["verifications"],
      Json::array());
  // George's record stays George's: another actor's change set does not list it.
  const Json after = p->Simulate(ChangeSet(*p, "m-george", Json::array({kRequest})), true);
  auto next = testing::MustLoad(after["bundleAfter"]);
  EXPECT_EQ(next->OpenVerifications(ChangeSet(*next, "m-olivia", Json::array()))["verifications"],
            Json::array());
  // With no operations: the policy's records, none of them made by the change.
  Json kept = next->OpenVerifications(ChangeSet(*next, "m-george", Json::array()));
  ASSERT_EQ(kept["verifications"].size(), 1u);
  const std::string id = kept["verifications"][0]["id"];
  EXPECT_EQ(kept["made"], Json::array());
  // A resend replaces the record, and its PIN, with a new one the change made.
  Json resend = With(kRequest, "verification", id);
  resend["op"] = "resend_verification";
  Json resent = next->OpenVerifications(ChangeSet(*next, "m-george", Json::array({resend})));
  ASSERT_EQ(resent["verifications"].size(), 1u) << Canonical(resent);
  EXPECT_NE(resent["verifications"][0]["id"], id);
  EXPECT_EQ(resent["made"], Json::array({resent["verifications"][0]["id"]}));
}

TEST(OpenVerifications, AnInvalidChangeSetIsRefusedWithItsErrors) {
  auto p = BtBusiness();
  Json cs = ChangeSet(*p, "m-george", Json::array({kRequest}));
  cs["baseRevision"] = "fnv1a64:0000000000000000";
  Json r = p->OpenVerifications(cs);
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["errors"], p->Simulate(cs)["errors"]);
  r = p->OpenVerifications(Json::array());
  EXPECT_EQ(r["ok"], false);
}

}  // namespace
}  // namespace rolegate
