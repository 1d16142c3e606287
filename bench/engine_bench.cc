// Engine benchmarks on a generated bundle: 10,000 members over 100 groups of 10
// accounts each. Targets: about 100 ns per single check natively.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "rolegate/rolegate.h"

namespace {

using rolegate::Json;

// A small deterministic generator (no <random>: its distributions differ by library).
struct Lcg {
  uint64_t s;
  uint32_t Next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s >> 33);
  }
};

constexpr int kGroups = 100, kAccountsPerGroup = 10, kMembers = 10000;

Json GenerateBundle(int members = kMembers) {
  Json b = {{"format", "rolegate/1"}, {"revision", "bench-1"}};
  b["scopeTypes"] = {{{"id", "group"}}, {{"id", "account"}, {"parents", {"group"}}}};
  b["permissions"] = Json::array();
  for (int p = 0; p < 40; ++p) {
    b["permissions"].push_back(
        {{"id", "perm." + std::to_string(p)}, {"appliesTo", {"group", "account"}}});
  }
  b["permissions"].push_back(
      {{"id", "members.manage"}, {"appliesTo", {"account"}}, {"rankLimited", true}});
  b["roles"] = Json::array();
  for (int r = 0; r < 4; ++r) {
    Json perms = Json::array();
    for (int p = r * 10; p < r * 10 + 10; ++p) perms.push_back("perm." + std::to_string(p));
    if (r >= 2) perms.push_back("members.manage");
    Json role = {{"id", "role." + std::to_string(r)},
                 {"family", "billing"},
                 {"rank", (r + 1) * 10},
                 {"permissions", perms},
                 {"assignableAt", {"group", "account"}},
                 {"exclusive", true},
                 {"sees", {{"minRank", 0}, {"fields", {"email"}}}}};
    if (r > 0) role["inherits"] = {"role." + std::to_string(r - 1)};
    if (r >= 2) role["manages"] = {{"upToRank", (r + 1) * 10}};
    b["roles"].push_back(role);
  }
  b["scopes"] = Json::array();
  for (int g = 0; g < kGroups; ++g) {
    b["scopes"].push_back({{"id", "g" + std::to_string(g)}, {"type", "group"}});
    for (int a = 0; a < kAccountsPerGroup; ++a) {
      b["scopes"].push_back({{"id", "a" + std::to_string(g * kAccountsPerGroup + a)},
                             {"type", "account"},
                             {"parent", "g" + std::to_string(g)}});
    }
  }
  b["members"] = Json::array();
  b["bindings"] = Json::array();
  b["operations"] = {{"change_role", {{"action", "members.manage"}}}};
  b["notifications"] = {
      {{"event", "role_downgraded"}, {"channels", {"in_app"}}, {"revealActor", true}}};
  Lcg rng{42};
  for (int m = 0; m < members; ++m) {
    std::string id = "m" + std::to_string(m);
    b["members"].push_back({{"id", id}, {"email", id + "@example.org"}, {"status", "active"}});
    int n = 1 + static_cast<int>(rng.Next() % 3);
    int first = static_cast<int>(rng.Next() % (kGroups * kAccountsPerGroup));
    for (int k = 0; k < n; ++k) {
      int account = (first + k) % (kGroups * kAccountsPerGroup);
      b["bindings"].push_back({{"member", id},
                               {"role", "role." + std::to_string(rng.Next() % 4)},
                               {"scope", "a" + std::to_string(account)}});
    }
  }
  return b;
}

const Json& Bundle() {
  static const Json bundle = GenerateBundle();
  return bundle;
}

const std::string& BundleText() {
  static const std::string text = rolegate::Canonical(Bundle());
  return text;
}

const rolegate::Policy& SharedPolicy() {
  static const rolegate::LoadResult loaded = rolegate::LoadPolicy(BundleText());
  return *loaded.policy;
}

// Half the requests name a scope the actor holds a role on (mostly allowed), half a
// random one (mostly denied: no binding).
std::vector<rolegate::Request> Requests(size_t n) {
  std::vector<rolegate::Request> out;
  const Json& bindings = Bundle()["bindings"];
  Lcg rng{7};
  for (size_t i = 0; i < n; ++i) {
    rolegate::Request r;
    if (i % 2 == 0) {
      const Json& b = bindings[rng.Next() % bindings.size()];
      r.actor = b["member"].get<std::string>();
      r.resource = b["scope"].get<std::string>();
    } else {
      r.actor = "m" + std::to_string(rng.Next() % kMembers);
      r.resource = "a" + std::to_string(rng.Next() % (kGroups * kAccountsPerGroup));
    }
    r.action = "perm." + std::to_string(rng.Next() % 40);
    r.now = "2026-12-01T09:00:00Z";
    out.push_back(std::move(r));
  }
  return out;
}

void BM_LoadBundle(benchmark::State& state) {
  const std::string& text = BundleText();
  for (auto _ : state) {
    rolegate::LoadResult r = rolegate::LoadPolicy(text);
    benchmark::DoNotOptimize(r.policy);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_LoadBundle)->Unit(benchmark::kMillisecond);

// Arg: how many distinct requests cycle. 16 keeps the working set in cache (the
// cost of the logic); 4096 spreads over the whole bundle (the cost with cache
// misses, closer to a server answering many members).
void BM_DecideEffectOnly(benchmark::State& state) {
  const rolegate::Policy& policy = SharedPolicy();
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<rolegate::Request> reqs = Requests(n);
  size_t i = 0, allowed = 0;
  for (auto _ : state) {
    rolegate::DecideResult r = policy.Decide(reqs[i++ & (n - 1)], false);
    allowed += r.decision.effect == rolegate::Effect::kAllow;
    benchmark::DoNotOptimize(r);
  }
  state.counters["allow_share"] =
      static_cast<double>(allowed) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DecideEffectOnly)->Arg(16)->Arg(4096);

void BM_DecideWithReasons(benchmark::State& state) {
  const rolegate::Policy& policy = SharedPolicy();
  const size_t n = static_cast<size_t>(state.range(0));
  std::vector<rolegate::Request> reqs = Requests(n);
  size_t i = 0;
  for (auto _ : state) {
    rolegate::DecideResult r = policy.Decide(reqs[i++ & (n - 1)], true);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_DecideWithReasons)->Arg(16)->Arg(4096);

// 1,024 requests as their canonical text, as a client sends them.
std::vector<std::string> RequestTexts() {
  std::vector<std::string> texts;
  for (const rolegate::Request& r : Requests(1024)) {
    texts.push_back(rolegate::Canonical(rolegate::RequestToJson(r)));
  }
  return texts;
}

void BM_CheckJsonRoundTrip(benchmark::State& state) {
  const rolegate::Policy& policy = SharedPolicy();
  const std::vector<std::string> texts = RequestTexts();
  size_t i = 0;
  for (auto _ : state) {
    rolegate::ParsedJson p = rolegate::ParseJson(texts[i++ & 1023]);
    std::string out = rolegate::Canonical(policy.Check(p.value));
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CheckJsonRoundTrip);

// The same answers through CheckText: a plain request read and its decision
// written without a JSON document (the JS API's check).
void BM_CheckText(benchmark::State& state) {
  const rolegate::Policy& policy = SharedPolicy();
  const std::vector<std::string> texts = RequestTexts();
  size_t i = 0;
  for (auto _ : state) {
    std::string out = policy.CheckText(texts[i++ & 1023]);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CheckText);

void BM_WhoCan(benchmark::State& state) {
  const rolegate::Policy& policy = SharedPolicy();
  Json q = {{"action", "perm.3"}, {"scope", "a17"}};
  for (auto _ : state) benchmark::DoNotOptimize(policy.WhoCan(q));
}
BENCHMARK(BM_WhoCan);

// One role change with its access diff, simulated on a bundle of N members.
// Target: well under 10 ms at 100,000 members.
void BM_SimulateOneRoleChange(benchmark::State& state) {
  const int members = static_cast<int>(state.range(0));
  const Json bundle = GenerateBundle(members);
  rolegate::LoadResult loaded = rolegate::CompilePolicy(bundle);
  const rolegate::Policy& policy = *loaded.policy;
  // An actor who manages roles, and a member they may change, on one account.
  const Json& bindings = bundle["bindings"];
  std::string actor, target, scope;
  for (const Json& a : bindings) {
    if (a["role"] != "role.3") continue;
    for (const Json& t : bindings) {
      if (t["scope"] == a["scope"] && t["member"] != a["member"] && t["role"] == "role.1") {
        actor = a["member"];
        target = t["member"];
        scope = a["scope"];
        break;
      }
    }
    if (!actor.empty()) break;
  }
  Json cs = {{"baseRevision", policy.revision()},
             {"actor", actor},
             {"now", "2026-12-01T09:00:00Z"},
             {"operations",
              {{{"op", "change_role"}, {"member", target}, {"scope", scope}, {"role", "role.0"}}}}};
  std::string effect;
  for (auto _ : state) {
    Json r = policy.Simulate(cs);
    effect = r["operations"][0]["effect"];
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(effect);
}
BENCHMARK(BM_SimulateOneRoleChange)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

// Adding N members in operations of 256 on a bundle of 10,000: the members go
// to the simulation's overlay, so the time grows with N, not with N times the
// bundle (it recompiled the bundle after each operation before). Time per
// member should stay about flat as N grows.
void BM_SimulateAddMembers(benchmark::State& state) {
  const int added = static_cast<int>(state.range(0));
  Json bundle = GenerateBundle();
  bundle["permissions"].push_back({{"id", "users.add"}, {"appliesTo", {"account"}}});
  bundle["roles"][3]["permissions"].push_back("users.add");
  bundle["operations"]["add_members"] = {{"action", "users.add"}};
  rolegate::LoadResult loaded = rolegate::CompilePolicy(bundle);
  const rolegate::Policy& policy = *loaded.policy;
  std::string actor, scope;
  for (const Json& b : bundle["bindings"]) {
    if (b["role"] == "role.3") {
      actor = b["member"];
      scope = b["scope"];
      break;
    }
  }
  Json ops = Json::array();
  for (int k = 0; k < added; k += 256) {
    Json members = Json::array();
    for (int i = k; i < std::min(added, k + 256); ++i) {
      members.push_back({{"id", "new" + std::to_string(i)},
                         {"email", "new" + std::to_string(i) + "@example.org"}});
    }
    ops.push_back({{"op", "add_members"}, {"scope", scope}, {"members", members}});
  }
  Json cs = {{"baseRevision", policy.revision()},
             {"actor", actor},
             {"now", "2026-12-01T09:00:00Z"},
             {"operations", ops}};
  int64_t allowed = 0;
  for (auto _ : state) {
    Json r = policy.Simulate(cs);
    allowed = r["summary"]["allowed"];
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(std::to_string(allowed) + " operations allowed");
  state.counters["per_member"] =
      benchmark::Counter(static_cast<double>(added), benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}
BENCHMARK(BM_SimulateAddMembers)
    ->Arg(1024)
    ->Arg(4096)
    ->Arg(16384)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
