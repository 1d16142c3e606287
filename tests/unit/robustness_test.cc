// Hostile and mangled input: whatever arrives, the engine answers with errors or a
// decision, never a crash, and an invalid bundle never yields a policy.
#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace rolegate {
namespace {

struct Lcg {
  uint64_t s;
  uint32_t Next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
};

// Replaces one randomly chosen value somewhere in `v` with a value of another kind.
void Mutate(Json* v, Lcg* rng) {
  Json* at = v;
  for (int depth = 0; depth < 6; ++depth) {
    if (at->is_object() && !at->empty() && rng->Next() % 4 != 0) {
      auto it = at->begin();
      std::advance(it, rng->Next() % at->size());
      at = &it.value();
    } else if (at->is_array() && !at->empty() && rng->Next() % 4 != 0) {
      at = &(*at)[rng->Next() % at->size()];
    } else {
      break;
    }
  }
  switch (rng->Next() % 9) {
    case 0:
      *at = nullptr;
      break;
    case 1:
      *at = static_cast<int64_t>(rng->Next()) - 2000000000;
      break;
    case 2:
      *at = 1.5;
      break;
    case 3:
      *at = "x" + std::to_string(rng->Next() % 5);
      break;
    case 4:
      *at = Json::array();
      break;
    case 5:
      *at = Json::object();
      break;
    case 6:
      *at = true;
      break;
    case 7:
      if (at->is_object() && !at->empty()) at->erase(at->begin());
      break;
    case 8:
      if (at->is_array() && !at->empty()) at->push_back((*at)[0]);
      break;
  }
}

TEST(Robustness, MutatedBundlesNeverCrashAndNeverHalfLoad) {
  Lcg rng{2026};
  const Json base = testing::TinyBundle();
  int loaded = 0, rejected = 0;
  for (int round = 0; round < 3000; ++round) {
    Json b = base;
    int mutations = 1 + static_cast<int>(rng.Next() % 3);
    for (int k = 0; k < mutations; ++k) Mutate(&b, &rng);
    LoadResult r = CompilePolicy(b);
    if (!r.ok()) {
      ++rejected;
      ASSERT_FALSE(r.errors.empty());
      for (const Error& e : r.errors) {
        ASSERT_FALSE(e.code.empty());
        ASSERT_FALSE(e.message.empty());
        ASSERT_TRUE(e.pointer.empty() || e.pointer[0] == '/') << e.pointer;
      }
      continue;
    }
    ++loaded;
    ASSERT_TRUE(r.errors.empty());
    // Whatever loaded must answer every query without crashing.
    for (const char* actor : {"olga", "dan", "x1", "ben"}) {
      for (const char* action : {"code.read", "members.manage", "roles.self_upgrade", "x2"}) {
        Json req = {{"actor", actor},
                    {"action", action},
                    {"resource", "repo-x"},
                    {"now", testing::kNow},
                    {"attributes", {{"role", "dev.owner"}}}};
        Json out = r.policy->Check(req);
        ASSERT_TRUE(out.contains("ok"));
      }
      r.policy->VisibleMembers({{"actor", actor}, {"scope", "org-1"}});
      r.policy->WhatCan({{"member", actor}, {"scope", "repo-y"}});
    }
    r.policy->WhoCan({{"action", "code.push"}, {"scope", "repo-z"}});
  }
  EXPECT_GT(rejected, 1000);
  EXPECT_GT(loaded, 10);
}

TEST(Robustness, MangledTextNeverCrashes) {
  Lcg rng{99};
  const std::string base = Canonical(testing::TinyBundle());
  for (int round = 0; round < 2000; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng.Next() % 4);
    for (int k = 0; k < edits; ++k) {
      size_t at = rng.Next() % text.size();
      switch (rng.Next() % 3) {
        case 0:
          text[at] = static_cast<char>(rng.Next() % 256);
          break;
        case 1:
          text.erase(at, 1 + rng.Next() % 8);
          break;
        case 2:
          text.insert(at, std::string(1 + rng.Next() % 3, "{[\",:}]"[rng.Next() % 7]));
          break;
      }
      if (text.empty()) text = "{";
    }
    LoadResult r = LoadPolicy(text);
    if (!r.ok()) {
      ASSERT_FALSE(r.errors.empty());
    }
  }
}

TEST(Robustness, MutatedChangeSetsNeverCrash) {
  auto policy = testing::MustLoad(testing::TinyBundle());
  const Json base = {
      {"baseRevision", policy->revision()},
      {"actor", "olga"},
      {"now", testing::kNow},
      {"operations",
       {{{"op", "invite"},
         {"member", {{"id", "nia"}, {"email", "nia@example.org"}}},
         {"role", "dev.member"},
         {"scope", "repo-y"}},
        {{"op", "change_role"}, {"member", "dan"}, {"scope", "repo-x"}, {"role", "dev.maintainer"}},
        {{"op", "remove_member"}, {"member", "mia"}, {"scope", "team-a"}},
        {{"op", "block"}, {"member", "dan"}},
        {{"op", "edit_member"}, {"member", "zed"}, {"email", "z@example.org"}},
        {{"op", "request_self_upgrade"}, {"role", "dev.maintainer"}, {"scope", "repo-z"}},
        {{"op", "define_role"},
         {"scope", "org-1"},
         {"role",
          {{"id", "c.r"},
           {"family", "c"},
           {"rank", 1},
           {"permissions", {"code.read"}},
           {"assignableAt", {"repo"}}}}},
        {{"op", "claim_role"}, {"role", "ops.viewer"}, {"scope", "repo-x"}}}}};
  Json first = policy->Simulate(base, true);
  ASSERT_EQ(first["ok"], true) << Canonical(first);
  Lcg rng{4242};
  int simulated = 0;
  for (int round = 0; round < 1500; ++round) {
    Json cs = base;
    int mutations = 1 + static_cast<int>(rng.Next() % 3);
    for (int k = 0; k < mutations; ++k) Mutate(&cs, &rng);
    Json r = policy->Simulate(cs, true);
    ASSERT_TRUE(r.contains("ok"));
    if (r["ok"] == true) {
      ++simulated;
      // Whatever was simulated leaves a valid bundle behind.
      ASSERT_TRUE(CompilePolicy(r["bundleAfter"]).ok()) << Canonical(cs);
      ASSERT_EQ(policy->Verify(cs, r)["match"], true);
    } else {
      ASSERT_FALSE(r["errors"].empty());
    }
  }
  EXPECT_GT(simulated, 100);
}

TEST(Robustness, RequestsOfEveryWrongShapeAreErrors) {
  auto policy = testing::MustLoad(testing::TinyBundle());
  for (const Json& req :
       {Json(nullptr), Json::array(), Json("check"), Json(5), Json{{"actor", nullptr}},
        Json{{"actor", "dan"},
             {"action", "code.read"},
             {"resource", "repo-x"},
             {"now", testing::kNow},
             {"attributes", {{"role", Json::array()}}}},
        Json{{"actor", "dan"},
             {"action", "code.read"},
             {"resource", "repo-x"},
             {"now", testing::kNow},
             {"attributes", {{"role", 7}}}}}) {
    Json out = policy->Check(req);
    EXPECT_EQ(out["ok"], false) << Canonical(req);
  }
}

}  // namespace
}  // namespace rolegate
