// Decisions: effects, requirements and reasons.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "test_util.h"

namespace rolegate {
namespace {

using testing::MakeRequest;

class DecideTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = testing::MustLoad(testing::TinyBundle()); }

  Decision Decide(const std::string& actor, const std::string& action, const std::string& resource,
                  Json attrs = Json::object()) {
    DecideResult r = policy_->Decide(MakeRequest(actor, action, resource, std::move(attrs)));
    EXPECT_TRUE(r.ok()) << Canonical(ErrorsToJson(r.errors));
    return r.decision;
  }
  static std::vector<std::string> Codes(const Decision& d) {
    std::vector<std::string> out;
    for (const Reason& r : d.reasons) out.push_back(r.code);
    return out;
  }
  std::shared_ptr<const Policy> policy_;
};

TEST_F(DecideTest, AllowsThroughDirectBinding) {
  Decision d = Decide("dan", "code.read", "repo-x");
  EXPECT_EQ(d.effect, Effect::kAllow);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].code, "granted_by");
  EXPECT_EQ(d.reasons[0].facts["binding"], "b-dan");
  EXPECT_FALSE(d.reasons[0].facts.contains("inheritedFrom"));
}

TEST_F(DecideTest, AllowsThroughAncestorAndNamesIt) {
  Decision d = Decide("olga", "code.approve", "repo-y");
  EXPECT_EQ(d.effect, Effect::kAllow);
  EXPECT_EQ(d.reasons[0].facts["inheritedFrom"], "org-1");
  EXPECT_NE(d.reasons[0].message.find("ancestor `org-1`"), std::string::npos);
}

// `registering` opens the rules that serve a member registering; only the
// `register` operation of a change set may set it, never a request.
TEST_F(DecideTest, ARequestCannotClaimToBeRegistering) {
  const Json result = policy_->Check(Json{{"actor", "dan"},
                                          {"action", "code.read"},
                                          {"resource", "repo-x"},
                                          {"now", testing::kNow},
                                          {"attributes", {{"registering", true}}}});
  ASSERT_EQ(result.value("ok", true), false) << Canonical(result);
  ASSERT_EQ(result["errors"].size(), 1u) << Canonical(result);
  EXPECT_EQ(result["errors"][0]["code"], "reserved_attribute");
  EXPECT_EQ(result["errors"][0]["pointer"], "/attributes/registering");
}

TEST_F(DecideTest, DeniesByDefault) {
  Decision d = Decide("zed", "code.read", "repo-x");
  EXPECT_EQ(d.effect, Effect::kDeny);
  EXPECT_THAT(Codes(d), ::testing::ElementsAre("no_binding"));
}

TEST_F(DecideTest, DeniesWhenHeldRolesLackThePermission) {
  Decision d = Decide("dan", "code.approve", "repo-x");
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("permission_not_granted"));
  EXPECT_EQ(d.reasons[0].facts["roles"], Json({"dev.member"}));
}

TEST_F(DecideTest, InactiveMembersHoldNothing) {
  Decision d = Decide("ben", "code.read", "repo-x");
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("member_not_active"));
  EXPECT_EQ(d.reasons[0].facts["status"], "blocked");
}

TEST_F(DecideTest, ExpiredBindingGrantsNothing) {
  Decision d = Decide("eve", "code.read", "repo-x");
  EXPECT_EQ(d.effect, Effect::kDeny);
  EXPECT_THAT(Codes(d), ::testing::ElementsAre("binding_expired"));
  Request early = MakeRequest("eve", "code.read", "repo-x");
  early.now = "2026-05-31T23:59:59Z";
  EXPECT_EQ(policy_->Decide(early).decision.effect, Effect::kAllow);
}

TEST_F(DecideTest, ActionMustApplyToScopeType) {
  Decision d = Decide("olga", "billing.pay", "repo-x");
  EXPECT_EQ(d.effect, Effect::kDeny);
  EXPECT_THAT(Codes(d), ::testing::ElementsAre("action_not_applicable"));
  EXPECT_EQ(Decide("olga", "billing.pay", "org-1").effect, Effect::kAllow);
}

TEST_F(DecideTest, NonInheritingRoleAppliesOnItsScopeOnly) {
  Json b = testing::TinyBundle();
  b["roles"][3]["assignableAt"] = {"team", "repo"};
  b["bindings"][6]["scope"] = "team-a";
  auto p = testing::MustLoad(b);
  DecideResult r = p->Decide(MakeRequest("vic", "code.read", "repo-y"));
  EXPECT_EQ(r.decision.effect, Effect::kDeny);
}

TEST_F(DecideTest, RankLimitNamesHaveAndNeed) {
  Decision d = Decide("mia", "members.manage", "repo-x", {{"role", "dev.owner"}});
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("rank_too_low"));
  EXPECT_EQ(d.reasons[0].facts["have"], 20);
  EXPECT_EQ(d.reasons[0].facts["need"], 30);
  EXPECT_EQ(Decide("mia", "members.manage", "repo-x", {{"role", "dev.maintainer"}}).effect,
            Effect::kAllow);
  EXPECT_EQ(Decide("olga", "members.manage", "repo-x", {{"role", "dev.owner"}}).effect,
            Effect::kAllow);
}

TEST_F(DecideTest, TargetOutranksActor) {
  Decision d = Decide("mia", "members.manage", "team-a", {{"target", "olga"}});
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("target_outranks_actor"));
  EXPECT_EQ(d.reasons[0].facts["need"], 30);
  EXPECT_EQ(Decide("mia", "members.manage", "repo-x", {{"target", "dan"}}).effect, Effect::kAllow);
}

TEST_F(DecideTest, ActingOnAMemberNeedsToSeeThem) {
  // A maintainer who sees only rank >= 20 may not manage Dan (rank 10), whom the
  // maintainer's role would otherwise let her manage.
  Json b = testing::TinyBundle();
  b["roles"][1]["sees"]["minRank"] = 20;
  auto p = testing::MustLoad(b);
  Decision d =
      p->Decide(MakeRequest("mia", "members.manage", "repo-x", {{"target", "dan"}})).decision;
  EXPECT_EQ(d.effect, Effect::kDeny);
  EXPECT_THAT(Codes(d), ::testing::ElementsAre("target_not_visible"));
  // Someone with no role there is not hidden (an invitation, say); oneself neither.
  EXPECT_EQ(p->Decide(MakeRequest("mia", "members.manage", "repo-x",
                                  {{"target", "zed"}, {"role", "dev.member"}}))
                .decision.effect,
            Effect::kAllow);
  EXPECT_EQ(p->Decide(MakeRequest("mia", "members.manage", "team-a", {{"target", "mia"}}))
                .decision.effect,
            Effect::kAllow);
}

TEST_F(DecideTest, ApprovalRuleMakesDecisionConditionalWithApprovers) {
  Decision d = Decide("dan", "code.push", "repo-x", {{"branch", "main"}});
  EXPECT_EQ(d.effect, Effect::kConditional);
  ASSERT_EQ(d.approvals.size(), 1u);
  EXPECT_EQ(d.approvals[0].rule, "protected.push");
  // Ben is a maintainer too, but blocked; Dan never approves himself.
  EXPECT_EQ(d.approvals[0].approvers, (std::vector<std::string>{"mia", "olga"}));
  EXPECT_EQ(d.approvals[0].quorum, 1);
  EXPECT_EQ(*d.approvals[0].expires_after_days, 7);
  EXPECT_EQ(Decide("dan", "code.push", "repo-x", {{"branch", "dev"}}).effect, Effect::kAllow);
}

TEST_F(DecideTest, MissingConditionAttributeFailsClosed) {
  Decision d = Decide("dan", "code.push", "repo-x");
  EXPECT_EQ(d.effect, Effect::kConditional);
  EXPECT_THAT(Codes(d), ::testing::Contains("condition_attribute_missing"));
}

TEST_F(DecideTest, UnreachableQuorumDenies) {
  // On repo-z nobody but Olga could approve; ask for two.
  Json b = testing::TinyBundle();
  b["approvalRules"][0]["quorum"] = 2;
  auto p = testing::MustLoad(b);
  Decision d = p->Decide(MakeRequest("dan", "code.push", "repo-z", {{"branch", "main"}})).decision;
  EXPECT_EQ(d.effect, Effect::kDeny);
  EXPECT_THAT(Codes(d), ::testing::Contains("approval_unreachable"));
  EXPECT_TRUE(d.approvals.empty());
}

TEST_F(DecideTest, RequesterRolesLimitWhoNeedsApproval) {
  // Mia is a maintainer, not a dev.member binding holder: no approval needed.
  EXPECT_EQ(Decide("mia", "code.push", "repo-x", {{"branch", "main"}}).effect, Effect::kAllow);
}

TEST_F(DecideTest, SelfUpgradeConditionalOnVerificationWhenNobodyOutranks) {
  // repo-z has no maintainer or owner below org... but Olga owns org-1 (rank 30).
  Decision blocked = Decide("dan", "roles.self_upgrade", "repo-z", {{"role", "dev.maintainer"}});
  EXPECT_EQ(blocked.effect, Effect::kDeny);
  EXPECT_THAT(Codes(blocked), ::testing::Contains("self_upgrade_blocked"));

  Json b = testing::TinyBundle();
  b["members"][0]["status"] = "disabled";  // Olga gone: nobody of rank >= 20 on repo-z
  auto p = testing::MustLoad(b);
  Decision d =
      p->Decide(MakeRequest("dan", "roles.self_upgrade", "repo-z", {{"role", "dev.maintainer"}}))
          .decision;
  EXPECT_EQ(d.effect, Effect::kConditional);
  ASSERT_EQ(d.verifications.size(), 1u);
  EXPECT_EQ(d.verifications[0].method, "postal_pin");
  EXPECT_EQ(d.verifications[0].valid_for_days, 28);
}

TEST_F(DecideTest, SelfUpgradeNeedsAnEligibleRole) {
  Decision d = Decide("zed", "roles.self_upgrade", "repo-z", {{"role", "dev.maintainer"}});
  EXPECT_EQ(d.effect, Effect::kDeny);
  EXPECT_THAT(Codes(d), ::testing::Contains("not_eligible"));
}

TEST_F(DecideTest, ClaimWithinTheHoldersTree) {
  Decision d = Decide("olga", "roles.claim", "repo-x", {{"role", "ops.viewer"}});
  EXPECT_EQ(d.effect, Effect::kAllow);
  EXPECT_THAT(Codes(d), ::testing::ElementsAre("claimable"));
  Decision no = Decide("mia", "roles.claim", "repo-x", {{"role", "ops.viewer"}});
  EXPECT_EQ(no.effect, Effect::kDeny);
  EXPECT_THAT(Codes(no), ::testing::ElementsAre("claim_not_available"));
}

TEST_F(DecideTest, ATargetInAFamilyTheActorDoesNotManageIsNamedAsSuch) {
  // Mia manages the dev family; Vic holds only an ops role on repo-y.
  Decision d = Decide("mia", "members.manage", "repo-y", {{"target", "vic"}});
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("target_outranks_actor"));
  EXPECT_EQ(d.reasons[0].facts["family"], "ops");
  EXPECT_EQ(d.reasons[0].facts["have"], -1);
  EXPECT_EQ(d.reasons[0].facts["need"], 5);
  EXPECT_NE(d.reasons[0].message.find("a family the actor's roles there do not manage"),
            std::string::npos)
      << d.reasons[0].message;
  // Outranked within a managed family: the ranks, no family.
  Decision r = Decide("mia", "members.manage", "team-a", {{"target", "olga"}});
  ASSERT_THAT(Codes(r), ::testing::ElementsAre("target_outranks_actor"));
  EXPECT_FALSE(r.reasons[0].facts.contains("family"));
  EXPECT_EQ(r.reasons[0].facts["have"], 20);
  EXPECT_EQ(r.reasons[0].facts["need"], 30);
}

TEST_F(DecideTest, AClaimOfARoleNotGivenOnTheScopeTypeSaysSo) {
  // Olga holds the holder role, but ops.viewer is bound on repositories only.
  Decision d = Decide("olga", "roles.claim", "team-a", {{"role", "ops.viewer"}});
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("claim_not_available"));
  EXPECT_EQ(d.reasons[0].facts["role"], "ops.viewer");
  EXPECT_EQ(d.reasons[0].facts["scopeType"], "team");
  EXPECT_NE(d.reasons[0].message.find("cannot be given on `team-a`, a scope of type `team`"),
            std::string::npos)
      << d.reasons[0].message;
  // Without the holder role, the holder roles are what is missing.
  Decision m = Decide("mia", "roles.claim", "team-a", {{"role", "ops.viewer"}});
  EXPECT_FALSE(m.reasons[0].facts.contains("role"));
  EXPECT_NE(m.reasons[0].message.find("needs one of these roles"), std::string::npos);
}

TEST_F(DecideTest, ASelfUpgradeNoRuleOffersNamesTheRoleAndNoRule) {
  Decision d = Decide("dan", "roles.self_upgrade", "repo-x", {{"role", "dev.owner"}});
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("not_eligible"));
  EXPECT_EQ(d.reasons[0].facts, Json({{"role", "dev.owner"}}));
  // A rule that offers the role names itself and the roles it starts from.
  Decision z = Decide("zed", "roles.self_upgrade", "repo-z", {{"role", "dev.maintainer"}});
  ASSERT_THAT(Codes(z), ::testing::ElementsAre("not_eligible"));
  EXPECT_EQ(z.reasons[0].facts["rule"], "up.member");
  EXPECT_EQ(z.reasons[0].facts["from"], Json({"dev.member"}));
}

TEST_F(DecideTest, NoBindingNamesARoleAboveThatDoesNotReachDown) {
  Json b = testing::TinyBundle();
  b["roles"][3]["assignableAt"] = {"team", "repo"};
  b["bindings"][6]["scope"] = "team-a";  // Vic's viewer role, on team-a only
  auto p = testing::MustLoad(b);
  ASSERT_TRUE(p);
  Decision d = p->Decide(MakeRequest("vic", "code.read", "repo-x")).decision;
  EXPECT_EQ(d.effect, Effect::kDeny);
  ASSERT_THAT(Codes(d), ::testing::ElementsAre("no_binding"));
  EXPECT_NE(d.reasons[0].message.find("role `ops.viewer` on `team-a` applies on that scope only"),
            std::string::npos)
      << d.reasons[0].message;
  Decision z = Decide("zed", "code.read", "repo-x");
  EXPECT_NE(z.reasons[0].message.find("holds no role on `repo-x` or its ancestors"),
            std::string::npos);
}

TEST_F(DecideTest, AnApprovalRuleWithScopesHoldsOnlyThereAndBelow) {
  Json b = testing::TinyBundle();
  b["approvalRules"][0]["scopes"] = {"team-b"};
  auto p = testing::MustLoad(b);
  ASSERT_TRUE(p);
  Decision outside =
      p->Decide(MakeRequest("dan", "code.push", "repo-x", {{"branch", "main"}})).decision;
  EXPECT_EQ(outside.effect, Effect::kAllow);
  Decision inside =
      p->Decide(MakeRequest("dan", "code.push", "repo-z", {{"branch", "main"}})).decision;
  EXPECT_EQ(inside.effect, Effect::kConditional);
  EXPECT_THAT(Codes(inside), ::testing::Contains("approval_required"));
}

TEST_F(DecideTest, InvalidRequestsAreErrorsNeverAllows) {
  DecideResult r = policy_->Decide(MakeRequest("ghost", "code.fly", "repo-q"));
  ASSERT_FALSE(r.ok());
  std::vector<std::string> codes;
  for (const Error& e : r.errors) codes.push_back(e.code + "@" + e.pointer);
  EXPECT_THAT(codes, ::testing::ElementsAre("unknown_action@/action", "unknown_member@/actor",
                                            "unknown_scope@/resource"));
  DecideResult m = policy_->Decide(MakeRequest("mia", "members.manage", "repo-x"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.errors[0].code, "missing_attribute");
  DecideResult t =
      policy_->Decide(MakeRequest("mia", "members.manage", "repo-x", {{"role", "dev.boss"}}));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.errors[0].pointer, "/attributes/role");
}

TEST_F(DecideTest, CheckReadsJsonAndReportsShapeErrors) {
  Json bad = {{"actor", 5},
              {"action", "code.read"},
              {"resource", "repo-x"},
              {"now", "yesterday"},
              {"colour", "red"}};
  Json out = policy_->Check(bad);
  EXPECT_EQ(out["ok"], false);
  std::vector<std::string> keys;
  for (const Json& e : out["errors"]) {
    keys.push_back(e["code"].get<std::string>() + "@" + e["pointer"].get<std::string>());
  }
  // Every problem, references included, ordered by pointer.
  EXPECT_THAT(keys, ::testing::ElementsAre("wrong_type@/actor", "unknown_field@/colour",
                                           "invalid_timestamp@/now"));
  Json unknown = {
      {"actor", "ghost"}, {"action", "code.read"}, {"resource", "repo-x"}, {"now", "yesterday"}};
  Json out2 = policy_->Check(unknown);
  ASSERT_EQ(out2["errors"].size(), 2u) << Canonical(out2);
  EXPECT_EQ(out2["errors"][0]["code"], "unknown_member");
  EXPECT_EQ(out2["errors"][1]["code"], "invalid_timestamp");
  Json good = {
      {"actor", "dan"}, {"action", "code.read"}, {"resource", "repo-x"}, {"now", testing::kNow}};
  Json d = policy_->Check(good);
  EXPECT_EQ(d["ok"], true);
  EXPECT_EQ(d["effect"], "allow");
  EXPECT_EQ(d["requirements"]["approvals"], Json::array());
}

TEST_F(DecideTest, ExplainOffGivesTheSameEffectAndRequirements) {
  Request r = MakeRequest("dan", "code.push", "repo-x", {{"branch", "main"}});
  Decision full = policy_->Decide(r, true).decision;
  Decision fast = policy_->Decide(r, false).decision;
  EXPECT_EQ(full.effect, fast.effect);
  EXPECT_TRUE(fast.reasons.empty());
  EXPECT_EQ(DecisionToJson(full)["requirements"], DecisionToJson(fast)["requirements"]);
}

TEST_F(DecideTest, OutputIsDeterministic) {
  Json req = {{"actor", "dan"},
              {"action", "code.push"},
              {"resource", "repo-x"},
              {"now", testing::kNow},
              {"attributes", {{"branch", "main"}}}};
  std::string first = Canonical(policy_->Check(req));
  auto again = testing::MustLoad(testing::TinyBundle());
  EXPECT_EQ(Canonical(again->Check(req)), first);
}

// The interned fast path gives Decide's effect for every member, permission and
// scope of a bundle, and nothing where Decide reports an error.
TEST(DecideEffectTest, AgreesWithDecideEverywhere) {
  const Json bundle =
      Json::parse(testing::ReadFileOrDie(ROLEGATE_SOURCE_DIR "/examples/code-hosting/bundle.json"));
  std::shared_ptr<const Policy> policy = testing::MustLoad(bundle);
  ASSERT_NE(policy, nullptr);
  size_t compared = 0, absent = 0;
  for (const Json& m : bundle["members"]) {
    for (const Json& p : bundle["permissions"]) {
      for (const Json& s : bundle["scopes"]) {
        const std::string member = m["id"], permission = p["id"], scope = s["id"];
        const int32_t mi = policy->MemberIndex(member), pi = policy->PermissionIndex(permission),
                      si = policy->ScopeIndex(scope);
        ASSERT_GE(mi, 0);
        ASSERT_GE(pi, 0);
        ASSERT_GE(si, 0);
        DecideResult full = policy->Decide(testing::MakeRequest(member, permission, scope));
        std::optional<Effect> fast = policy->DecideEffect(mi, pi, si, testing::kNow);
        if (!full.ok()) {
          EXPECT_FALSE(fast.has_value()) << member << " " << permission << " " << scope;
          ++absent;
          continue;
        }
        ASSERT_TRUE(fast.has_value()) << member << " " << permission << " " << scope;
        EXPECT_EQ(*fast, full.decision.effect) << member << " " << permission << " " << scope;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(absent, 0u);  // the rank-limited permissions need attributes
}

// The batch form answers as DecideEffect does, request by request; a bad time
// makes every answer -1.
TEST(DecideEffectTest, TheBatchAgreesWithOneByOne) {
  const Json bundle =
      Json::parse(testing::ReadFileOrDie(ROLEGATE_SOURCE_DIR "/examples/code-hosting/bundle.json"));
  std::shared_ptr<const Policy> policy = testing::MustLoad(bundle);
  ASSERT_NE(policy, nullptr);
  std::vector<int32_t> triples;
  for (const Json& m : bundle["members"]) {
    for (const Json& p : bundle["permissions"]) {
      for (const Json& s : bundle["scopes"]) {
        triples.insert(triples.end(),
                       {policy->MemberIndex(m["id"]), policy->PermissionIndex(p["id"]),
                        policy->ScopeIndex(s["id"])});
      }
    }
  }
  triples.insert(triples.end(), {-1, 0, 0, 0, 1 << 30, 0});  // out of range
  const size_t n = triples.size() / 3;
  std::vector<int8_t> out(n, 9);
  policy->DecideEffects(triples.data(), n, testing::kNow, out.data());
  std::set<int> seen;
  for (size_t i = 0; i < n; ++i) {
    std::optional<Effect> one =
        policy->DecideEffect(triples[3 * i], triples[3 * i + 1], triples[3 * i + 2], testing::kNow);
    const int want = !one ? -1 : *one == Effect::kAllow ? 0 : *one == Effect::kDeny ? 1 : 2;
    ASSERT_EQ(out[i], want) << i;
    seen.insert(want);
  }
  EXPECT_EQ(seen, (std::set<int>{-1, 0, 1, 2}));
  policy->DecideEffects(triples.data(), n, "not a time", out.data());
  for (int8_t x : out) ASSERT_EQ(x, -1);
}

TEST(DecideEffectTest, RefusesWhatDecideWouldReject) {
  std::shared_ptr<const Policy> policy = testing::MustLoad(testing::TinyBundle());
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->MemberIndex("nobody"), -1);
  EXPECT_EQ(policy->PermissionIndex("nothing"), -1);
  EXPECT_EQ(policy->ScopeIndex("nowhere"), -1);
  const int32_t m = 0, p = 0, s = 0;
  ASSERT_TRUE(policy->DecideEffect(m, p, s, testing::kNow).has_value());
  EXPECT_FALSE(policy->DecideEffect(-1, p, s, testing::kNow).has_value());
  EXPECT_FALSE(policy->DecideEffect(m, 1 << 30, s, testing::kNow).has_value());
  EXPECT_FALSE(policy->DecideEffect(m, p, 1 << 30, testing::kNow).has_value());
  EXPECT_FALSE(policy->DecideEffect(m, p, s, "yesterday").has_value());
}

}  // namespace
}  // namespace rolegate
