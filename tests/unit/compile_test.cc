// The compiled model: dense indexes, Euler-tour intervals, expanded permissions.
#include <gtest/gtest.h>

#include "model.h"
#include "test_util.h"
#include "view.h"

namespace rolegate {
namespace {

using internal::Index;
using internal::Model;

class CompileTest : public ::testing::Test {
 protected:
  void SetUp() override { policy_ = testing::MustLoad(testing::TinyBundle()); }
  const Model& m() { return policy_->model(); }
  Index Scope(const char* id) { return m().scope_index.at(id); }
  Index Role(const char* id) { return m().role_index.at(id); }
  Index Perm(const char* id) { return m().permission_index.at(id); }
  std::shared_ptr<const Policy> policy_;
};

TEST_F(CompileTest, EulerTourAnswersAncestry) {
  EXPECT_TRUE(m().IsAncestorOrSelf(Scope("org-1"), Scope("repo-z")));
  EXPECT_TRUE(m().IsAncestorOrSelf(Scope("team-a"), Scope("repo-y")));
  EXPECT_TRUE(m().IsAncestorOrSelf(Scope("repo-y"), Scope("repo-y")));
  EXPECT_FALSE(m().IsAncestorOrSelf(Scope("team-a"), Scope("repo-z")));
  EXPECT_FALSE(m().IsAncestorOrSelf(Scope("repo-x"), Scope("team-a")));
}

TEST_F(CompileTest, InheritanceIsExpandedTransitively) {
  const auto& owner = m().roles[Role("dev.owner")].permissions;
  EXPECT_TRUE(owner.Test(Perm("code.read")));     // from member, two levels up
  EXPECT_TRUE(owner.Test(Perm("code.approve")));  // from maintainer
  EXPECT_TRUE(owner.Test(Perm("billing.pay")));   // its own
  const auto& member = m().roles[Role("dev.member")].permissions;
  EXPECT_FALSE(member.Test(Perm("code.approve")));
}

TEST_F(CompileTest, BindingsAreIndexedByMemberAndScope) {
  Index dan = m().member_index.at("dan");
  std::vector<std::string> ids;
  m().ForEachBindingOfMember(dan, [&](uint32_t b) { ids.push_back(m().bindings[b].id); });
  EXPECT_EQ(ids, (std::vector<std::string>{"b-dan", "b-dan-z"}));
  std::vector<std::string> on_team;
  m().ForEachBindingOnScope(Scope("team-a"),
                            [&](uint32_t b) { on_team.push_back(m().bindings[b].id); });
  EXPECT_EQ(on_team, (std::vector<std::string>{"b-mia", "b-ben"}));
}

TEST_F(CompileTest, CoveringBindingsWalkAncestorsAndRespectNonInheritingRoles) {
  std::vector<std::string> ids;
  internal::ForEachBindingCovering(m(), Scope("repo-x"),
                                   [&](uint32_t b) { ids.push_back(m().bindings[b].id); });
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"b-ben", "b-dan", "b-eve", "b-mia", "b-olga"}));
}

TEST_F(CompileTest, DefaultBindingIdIsDerived) {
  Json b = testing::TinyBundle();
  b["bindings"][0].erase("id");
  auto p = testing::MustLoad(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->model().bindings[0].id, "olga/dev.owner@org-1");
}

TEST_F(CompileTest, SummaryCountsEverything) {
  Json s = policy_->Summary();
  EXPECT_EQ(s["revision"], "tiny-1");
  EXPECT_EQ(s["counts"]["scopes"], 6);
  EXPECT_EQ(s["counts"]["bindings"], 7);
}

}  // namespace
}  // namespace rolegate
