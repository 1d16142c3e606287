#include "search.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "generate.h"
#include "rolegate/policy.h"

namespace esc {
namespace {

using rolegate::Policy;

constexpr int kAttempts = 8;  // operations drawn per step before giving the step up

// A sequence's state between steps.
struct State {
  Json bundle;
  std::shared_ptr<const Policy> policy;
  World world;
  History history;
  std::string now;

  explicit State(const Json& b, std::shared_ptr<const Policy> compiled = nullptr)
      : bundle(b),
        policy(compiled ? std::move(compiled) : rolegate::CompilePolicy(b).policy),
        world(World::From(b)),
        history(world),
        now(kStart) {}
};

// P1: no member who is not active is allowed anything (every plain permission, on
// every scope).
void InactiveAllowed(const Policy& p, const World& w, const std::string& now,
                     std::vector<Violation>* out) {
  for (const std::string& m : w.member_ids) {
    if (w.members.at(m).status == "active") continue;
    for (const std::string& perm : w.permissions) {
      if (w.rank_limited.count(perm)) continue;
      for (const std::string& s : w.scopes) {
        std::optional<rolegate::Effect> e =
            p.DecideEffect(p.MemberIndex(m), p.PermissionIndex(perm), p.ScopeIndex(s), now);
        if (e && *e == rolegate::Effect::kAllow) {
          out->push_back({"P1", "member `" + m + "` (" + w.members.at(m).status + ") is allowed `" +
                                    perm + "` on `" + s + "`"});
          return;
        }
      }
    }
  }
}

// ESC_TRACE=1: each operation tried, with its effect and reason codes, on stderr.
void Trace(const Step& step, const Json& res) {
  std::string codes;
  if (res.value("ok", false)) {
    const Json& op = res["operations"][0];
    codes = op["effect"].get<std::string>();
    for (const Json& r : op["reasons"]) codes += " " + r.value("code", "");
    for (const Json& c : op["checks"]) {
      for (const Json& r : c.value("reasons", Json::array())) {
        if (r.value("code", "") != "granted_by") codes += " " + r.value("code", "");
      }
    }
    for (const Json& v : res["violations"]) codes += " violation:" + v.value("kind", "");
  } else {
    codes = "error " + rolegate::Canonical(res["errors"]).substr(0, 200);
  }
  std::fprintf(stderr, "%s %s %s -> %s\n", step.op.value("op", "").c_str(), step.actor.c_str(),
               rolegate::Canonical(step.op).substr(0, 160).c_str(), codes.c_str());
}

class Runner {
 public:
  explicit Runner(const Options& o) : o_(o) {}

  bool Counts(const std::string& invariant) const {
    return o_.target.empty() || o_.target.count(invariant) > 0;
  }

  // Simulates `step` alone on `st`. Returns whether it is kept (allowed or
  // conditional, nothing blocking it); then `st` moves on and `hits` holds the
  // counted invariants it breaks. `cs`, when given, receives the change set.
  bool Try(State* st, const Step& step, std::vector<Violation>* hits, Json* cs = nullptr) const {
    hits->clear();
    Json change{{"format", "rolegate-changeset/1"},
                {"baseRevision", st->policy->revision()},
                {"actor", step.actor},
                {"now", step.now},
                {"operations", Json::array({step.op})}};
    Json res = rolegate::internal::SimulateWith(*st->policy, change, true, false, o_.checks);
    if (std::getenv("ESC_TRACE")) Trace(step, res);
    if (!res.value("ok", false)) return false;
    const std::string effect = res["operations"][0]["effect"];
    if (effect == "deny") return false;
    for (const Json& v : res["violations"]) {
      if (v.value("severity", "") == "error") return false;
    }
    Json after = std::move(res["bundleAfter"]);
    rolegate::LoadResult loaded = rolegate::CompilePolicy(after);
    World next = World::From(after);
    History history = st->history;
    std::vector<Violation> all =
        CheckStep(st->world, next, step.actor, step.now, step.op, effect, &history);
    if (!loaded.ok()) {
      all.push_back({"B0", "the bundle after " + step.op.value("op", "") + " does not load: " +
                               loaded.errors[0].pointer + ": " + loaded.errors[0].message});
    } else {
      InactiveAllowed(*loaded.policy, next, step.now, &all);
    }
    for (const Violation& v : all) {
      if (o_.emulate && !Counts(v.invariant)) return false;
      if (Counts(v.invariant)) hits->push_back(v);
    }
    if (!loaded.ok() && hits->empty()) return false;
    if (cs) *cs = change;
    st->bundle = std::move(after);
    st->policy = loaded.policy;
    st->world = std::move(next);
    st->history = std::move(history);
    st->now = step.now;
    return true;
  }

  struct Sequence {
    int64_t kept = 0;
    std::optional<Found> found;
  };

  Sequence Run(uint64_t seed) const {
    Sequence out;
    Rng rng(Mix(seed, 0x5eed));
    std::shared_ptr<const Policy> compiled;
    const Json bundle = GenerateBundle(seed, &compiled);
    State st(bundle, compiled);
    std::vector<Step> steps;
    const int64_t n = o_.steps > 0 ? o_.steps : rng.Range(6, 12);
    std::vector<Violation> hits;
    for (int64_t s = 0; s < n; ++s) {
      for (int a = 0; a < kAttempts; ++a) {
        std::string now = st.now;
        if (rng.Chance(25)) now = AddSeconds(now, rng.Range(1, 480) * 3600);
        Move mv = GenerateMove(rng, st.world, now, static_cast<int>(s * 16 + a));
        Step step{mv.actor, now, mv.op};
        if (!Try(&st, step, &hits)) continue;
        steps.push_back(step);
        ++out.kept;
        if (!hits.empty()) {
          out.found = Found{seed, bundle, steps, hits[0]};
          return out;
        }
        break;
      }
    }
    return out;
  }

  // Replays `steps` from `bundle`; the kept steps up to the first that breaks
  // `invariant`, or nullopt when none does.
  std::optional<std::vector<Step>> Replay(const Json& bundle, const std::vector<Step>& steps,
                                          const std::string& invariant,
                                          std::vector<Json>* change_sets = nullptr,
                                          Json* before_last = nullptr,
                                          Violation* seen = nullptr) const {
    State st(bundle);
    std::vector<Step> kept;
    std::vector<Violation> hits;
    for (const Step& step : steps) {
      Json before = st.bundle, cs;
      if (!Try(&st, step, &hits, &cs)) continue;
      kept.push_back(step);
      if (change_sets) change_sets->push_back(cs);
      for (const Violation& v : hits) {
        if (v.invariant != invariant) continue;
        if (before_last) *before_last = before;
        if (seen) *seen = v;
        return kept;
      }
      if (st.policy == nullptr) break;  // a bundle that does not load (B0): no further
    }
    return std::nullopt;
  }

 private:
  const Options& o_;
};

}  // namespace

Report Search(const Options& o) {
  const Runner runner(o);
  const int64_t n = std::max<int64_t>(o.sequences, 0);
  std::vector<int64_t> kept(static_cast<size_t>(n), 0);
  std::map<int64_t, Found> found;
  std::mutex mu;
  std::atomic<int64_t> first{n};  // lowest index with a counterexample
  auto work = [&](int64_t start, int64_t stride) {
    for (int64_t i = start; i < n; i += stride) {
      if (!o.all && i > first.load()) break;
      Runner::Sequence s = runner.Run(o.seed + static_cast<uint64_t>(i));
      kept[static_cast<size_t>(i)] = s.kept;
      if (!s.found) continue;
      std::lock_guard<std::mutex> lock(mu);
      found.emplace(i, std::move(*s.found));
      int64_t f = first.load();
      while (i < f && !first.compare_exchange_weak(f, i)) {
      }
    }
  };
  const int threads = std::max(1, o.threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t, threads);
  work(0, threads);
  for (std::thread& t : pool) t.join();

  Report r;
  r.sequences = o.all || found.empty() ? n : found.begin()->first + 1;
  for (int64_t i = 0; i < r.sequences; ++i) r.kept += kept[static_cast<size_t>(i)];
  std::set<std::string> invariants;
  for (auto& [i, f] : found) {
    if (i >= r.sequences) break;
    if (!o.all && !r.found.empty()) break;
    if (invariants.insert(f.violation.invariant).second) r.found.push_back(f);
  }
  return r;
}

std::string Reproduce(const Found& found, const Options& o) {
  const Runner runner(o);
  const std::string& inv = found.violation.invariant;
  std::vector<Step> cur = found.steps;
  // Delta debugging: drop chunks, then single steps, while the replay still
  // breaks the invariant (the replay itself drops steps the engine now refuses).
  for (size_t chunk = std::max<size_t>(cur.size() / 2, 1); chunk >= 1;) {
    bool progress = false;
    for (size_t i = 0; i < cur.size();) {
      std::vector<Step> cand(cur.begin(), cur.begin() + static_cast<std::ptrdiff_t>(i));
      cand.insert(cand.end(),
                  cur.begin() + static_cast<std::ptrdiff_t>(std::min(i + chunk, cur.size())),
                  cur.end());
      std::optional<std::vector<Step>> r = runner.Replay(found.bundle, cand, inv);
      if (r && r->size() < cur.size()) {
        cur = *r;
        progress = true;
      } else {
        i += chunk;
      }
    }
    if (!progress) {
      if (chunk == 1) break;
      chunk /= 2;
    }
  }
  std::vector<Json> change_sets;
  Json before_last;
  Violation v = found.violation;
  if (!runner.Replay(found.bundle, cur, inv, &change_sets, &before_last, &v)) {
    cur = found.steps;  // the minimal one did not hold up: show the original
    change_sets.clear();
    runner.Replay(found.bundle, cur, inv, &change_sets, &before_last, &v);
  }
  std::string flag = FlagOf(inv);
  std::string out =
      "counterexample: " + inv + (flag.empty() ? "" : " (" + flag + ")") + ": " + v.message + "\n";
  std::string again = "rolegate_escalation --seed " + std::to_string(found.seed) +
                      " --sequences 1" + (o.steps > 0 ? " --steps " + std::to_string(o.steps) : "");
  for (const std::string& name : FlagNames()) {
    if (!(o.checks.*FlagNamed(name))) again += " --off " + name;
  }
  out += "  sequence seed " + std::to_string(found.seed) + " (" + again + "); " +
         std::to_string(change_sets.size()) + " step(s), minimised from " +
         std::to_string(found.steps.size()) + "\n";
  out += "bundle: " + rolegate::Canonical(found.bundle) + "\n";
  for (size_t i = 0; i < change_sets.size(); ++i) {
    out += "changeset " + std::to_string(i + 1) + ": " + rolegate::Canonical(change_sets[i]) + "\n";
  }
  if (change_sets.size() > 1) {
    out += "bundle before changeset " + std::to_string(change_sets.size()) + ": " +
           rolegate::Canonical(before_last) + "\n";
  }
  return out;
}

bool RefusedWith(const Found& found, const Options& o,
                 const rolegate::internal::SoundnessChecks& checks) {
  Options other = o;
  other.checks = checks;
  const Runner runner(o), judge(other);
  State st(found.bundle);
  std::vector<Violation> hits;
  for (size_t i = 0; i + 1 < found.steps.size() && st.policy; ++i) {
    runner.Try(&st, found.steps[i], &hits);
  }
  if (st.policy == nullptr) return false;
  if (found.steps.empty() || !judge.Try(&st, found.steps.back(), &hits)) return true;
  for (const Violation& v : hits) {
    if (v.invariant == found.violation.invariant) return false;
  }
  return true;
}

Flag FlagNamed(const std::string& name) {
  using C = rolegate::internal::SoundnessChecks;
  static const std::map<std::string, Flag> kFlags = {
      {"role_rank_within_creator", &C::role_rank_within_creator},
      {"role_permissions_within_creator", &C::role_permissions_within_creator},
      {"role_sees_within_creator", &C::role_sees_within_creator},
      {"role_manages_within_creator", &C::role_manages_within_creator},
      {"role_edit_keeps_holders_in_reach", &C::role_edit_keeps_holders_in_reach},
      {"approval_rule_below_author", &C::approval_rule_below_author},
      {"approval_rule_satisfiable", &C::approval_rule_satisfiable},
      {"status_machine", &C::status_machine}};
  auto it = kFlags.find(name);
  return it == kFlags.end() ? nullptr : it->second;
}

std::vector<std::string> FlagNames() {
  return {"role_rank_within_creator",         "role_permissions_within_creator",
          "role_sees_within_creator",         "role_manages_within_creator",
          "role_edit_keeps_holders_in_reach", "approval_rule_below_author",
          "approval_rule_satisfiable",        "status_machine"};
}

}  // namespace esc
