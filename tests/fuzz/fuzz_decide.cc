// fuzz_decide: the first byte picks an example bundle (fuzz_util.h), the rest is a
// request {actor, action, resource, now, attributes}, or a query (whatCan
// {member, scope}, whoCan {action, scope}, visibleMembers {actor, scope}).
//
// Properties (docs/fuzzing.md):
//   - Check gives the same bytes twice, and exactly Decide's answer (the decision,
//     or Decide's errors) for a request whose shape is valid; CheckText of the
//     text gives Check's bytes (its plain-request path included);
//   - Decide without reasons (explain = false) has the full decision's effect and
//     requirements;
//   - the effect-only path (MemberIndex/PermissionIndex/ScopeIndex, DecideEffect)
//     agrees with Decide on the same request without attributes: the same effect
//     where Decide answers, nullopt where Decide reports an error (a rankLimited
//     permission, which needs attributes); DecideEffects answers as DecideEffect
//     for each triple, also for triples derived from the input (other members,
//     permissions and scopes of the bundle, and indexes out of range);
//   - a query gives the same bytes twice.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "model.h"

namespace {

constexpr char kTarget[] = "fuzz_decide";

using rolegate::DecideResult;
using rolegate::Decision;
using rolegate::Effect;
using rolegate::Json;
using rolegate::Policy;
using rolegate::Request;

std::string EffectText(std::optional<Effect> e) { return e ? rolegate::EffectName(*e) : "nullopt"; }

// The decision without its reasons: what the fast path must get right.
std::string WithoutReasons(const Decision& d) {
  Json j = rolegate::DecisionToJson(d);
  j.erase("reasons");
  return rolegate::Canonical(j);
}

// What DecideEffect must answer for `request` (its attributes dropped): Decide's
// effect, or nullopt where Decide reports an error.
std::optional<Effect> Expected(const Policy& policy, Request request) {
  request.attributes = Json::object();
  DecideResult r = policy.Decide(request, false);
  if (!r.ok()) return std::nullopt;
  return r.decision.effect;
}

// The effect-only path against Decide for one triple of indexes, which may be out
// of range (then nullopt is the only right answer).
void CheckTriple(const Policy& policy, int32_t member, int32_t permission, int32_t scope,
                 const std::string& now, const std::string& context) {
  const rolegate::internal::Model& m = policy.model();
  const std::optional<Effect> fast = policy.DecideEffect(member, permission, scope, now);
  std::optional<Effect> want;
  const bool in_range = member >= 0 && static_cast<size_t>(member) < m.members.size() &&
                        permission >= 0 && static_cast<size_t>(permission) < m.permissions.size() &&
                        scope >= 0 && static_cast<size_t>(scope) < m.scopes.size();
  if (in_range) {
    Request r;
    r.actor = m.members[static_cast<size_t>(member)].id;
    r.action = m.permissions[static_cast<size_t>(permission)].id;
    r.resource = m.scopes[static_cast<size_t>(scope)].id;
    r.now = now;
    want = Expected(policy, r);
  }
  if (fast != want) {
    rolegate::fuzz::Violation(
        kTarget, "DecideEffect agrees with Decide on the request without attributes",
        context + ": triple (" + std::to_string(member) + ", " + std::to_string(permission) + ", " +
            std::to_string(scope) + ") now " + now + ": DecideEffect " + EffectText(fast) +
            ", Decide " + EffectText(want));
  }
}

void CheckRequest(const Policy& policy, const Json& doc, const std::string& check_text) {
  using rolegate::fuzz::RequireSame;
  Request request;
  if (!rolegate::ReadRequest(doc, "", &request).empty()) return;  // Check reports the shape

  const DecideResult full = policy.Decide(request, true);
  const DecideResult fast = policy.Decide(request, false);
  const std::string full_text = rolegate::Canonical(
      full.ok() ? rolegate::DecisionToJson(full.decision) : rolegate::ErrorsToJson(full.errors));
  RequireSame(kTarget, "Check answers as Decide does", check_text, full_text);
  RequireSame(kTarget, "Decide without reasons gives the same errors",
              rolegate::Canonical(rolegate::ErrorsToJson(full.errors)),
              rolegate::Canonical(rolegate::ErrorsToJson(fast.errors)));
  if (full.ok()) {
    RequireSame(kTarget, "Decide without reasons gives the same effect and requirements",
                WithoutReasons(full.decision), WithoutReasons(fast.decision));
  }

  // The effect-only path, on the request's own ids.
  const int32_t member = policy.MemberIndex(request.actor);
  const int32_t permission = policy.PermissionIndex(request.action);
  const int32_t scope = policy.ScopeIndex(request.resource);
  if (permission >= 0) {
    const std::optional<Effect> want = Expected(policy, request);
    const std::optional<Effect> got = policy.DecideEffect(member, permission, scope, request.now);
    if (got != want) {
      rolegate::fuzz::Violation(kTarget,
                                "DecideEffect agrees with Decide on the request without attributes",
                                "request " + rolegate::Canonical(doc) + ": DecideEffect " +
                                    EffectText(got) + ", Decide " + EffectText(want));
    }
    if (request.attributes.empty() && full.ok() && got != full.decision.effect) {
      rolegate::fuzz::Violation(kTarget, "DecideEffect agrees with Check",
                                "request " + rolegate::Canonical(doc) + ": DecideEffect " +
                                    EffectText(got) + ", Check " +
                                    rolegate::EffectName(full.decision.effect));
    }
  }

  // Triples around the request's own: other members, permissions and scopes of the
  // bundle (picked from the request's text) and indexes out of range, decided one
  // by one and as a batch.
  const rolegate::internal::Model& m = policy.model();
  const int32_t members = static_cast<int32_t>(m.members.size());
  const int32_t permissions = static_cast<int32_t>(m.permissions.size());
  const int32_t scopes = static_cast<int32_t>(m.scopes.size());
  uint64_t h = 1469598103934665603ull;  // FNV-1a of the canonical request
  for (unsigned char c : rolegate::Canonical(doc)) h = (h ^ c) * 1099511628211ull;
  auto pick = [&h](int32_t n) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;
    return n <= 0 ? 0 : static_cast<int32_t>((h >> 33) % static_cast<uint64_t>(n));
  };
  std::vector<int32_t> triples = {member, permission, scope};
  for (int k = 0; k < 6; ++k) {
    triples.push_back(k == 0 ? member : pick(members));
    triples.push_back(k == 1 ? permission : pick(permissions));
    triples.push_back(k == 2 ? scope : pick(scopes));
  }
  triples.insert(triples.end(), {members, 0, 0, 0, permissions, 0, 0, 0, scopes, -1, -1, -1});
  const size_t count = triples.size() / 3;
  std::vector<int8_t> out(count, 42);
  policy.DecideEffects(triples.data(), count, request.now, out.data());
  for (size_t i = 0; i < count; ++i) {
    const int32_t* t = &triples[3 * i];
    CheckTriple(policy, t[0], t[1], t[2], request.now, "request " + rolegate::Canonical(doc));
    const std::optional<Effect> one = policy.DecideEffect(t[0], t[1], t[2], request.now);
    const int8_t want = !one ? -1 : *one == Effect::kAllow ? 0 : *one == Effect::kDeny ? 1 : 2;
    if (out[i] != want) {
      rolegate::fuzz::Violation(kTarget, "DecideEffects answers as DecideEffect",
                                "triple " + std::to_string(i) + " of the batch: " +
                                    std::to_string(out[i]) + " instead of " + std::to_string(want));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rolegate;
  const std::optional<fuzz::Picked> picked = fuzz::Pick(data, size);
  if (!picked) return 0;
  const Policy& policy = *picked->policy;
  const Json& doc = picked->document;

  const std::string check_text = Canonical(policy.Check(doc));
  fuzz::RequireSame(kTarget, "Check is deterministic", check_text, Canonical(policy.Check(doc)));
  fuzz::RequireSame(
      kTarget, "CheckText answers as Check on the parsed text",
      policy.CheckText(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)),
      check_text);
  CheckRequest(policy, doc, check_text);

  if (doc.is_object() && doc.contains("scope")) {
    if (doc.contains("member")) {
      fuzz::RequireSame(kTarget, "WhatCan is deterministic", Canonical(policy.WhatCan(doc)),
                        Canonical(policy.WhatCan(doc)));
    }
    if (doc.contains("action")) {
      fuzz::RequireSame(kTarget, "WhoCan is deterministic", Canonical(policy.WhoCan(doc)),
                        Canonical(policy.WhoCan(doc)));
    }
    if (doc.contains("actor")) {
      fuzz::RequireSame(kTarget, "VisibleMembers is deterministic",
                        Canonical(policy.VisibleMembers(doc)),
                        Canonical(policy.VisibleMembers(doc)));
    }
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return rolegate::fuzz::MutateJson(data, size, max_size, seed, /*example_byte=*/true);
}
