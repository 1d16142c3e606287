// The WebAssembly boundary: JSON text in, JSON text out, one function per engine
// operation. Compiled policies stay inside the module, named by an integer
// handle, so a check passes only short strings. Nothing escapes as an abort:
// every failure comes back as {"ok": false, "errors": [...]}.
//
// The hot path bypasses Embind: ids are interned once (intern), the time is set
// once per value (setNow), and then rg_effect / rg_effects decide by integer
// index, the batch reading index triples from and writing effects to the heap.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "rolegate/rolegate.h"
#include "shape.h"  // IsTimestamp

namespace {

using rolegate::Json;

// A loaded policy and the time its fast-path checks are made at (setNow).
struct Loaded {
  std::shared_ptr<const rolegate::Policy> policy;
  std::optional<rolegate::CheckTime> at;  // none until setNow gives a valid time
};

std::map<int, Loaded>& Policies() {
  static auto* policies = new std::map<int, Loaded>();
  return *policies;
}

int next_handle = 1;

std::string Fail(const char* code, const std::string& pointer, const std::string& message) {
  return rolegate::Canonical(rolegate::ErrorsToJson({{code, pointer, message}}));
}

// Runs `f` and turns anything thrown into an error value.
template <typename F>
std::string Guarded(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Fail("internal_error", "", std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail("internal_error", "", "internal error");
  }
}

// The last policy found, for the fast path's call after call on one handle (a
// map's elements stay where they are until erased; Release forgets it).
int last_handle = 0;
Loaded* last_loaded = nullptr;

Loaded* FindLoaded(int handle) {
  if (handle == last_handle && last_loaded != nullptr) return last_loaded;
  auto it = Policies().find(handle);
  if (it == Policies().end()) return nullptr;
  last_handle = handle;
  last_loaded = &it->second;
  return last_loaded;
}

const rolegate::Policy* Find(int handle) {
  const Loaded* l = FindLoaded(handle);
  return l == nullptr ? nullptr : l->policy.get();
}

std::string NoPolicy() {
  return Fail("unknown_handle", "", "no policy is loaded under this handle");
}

// Parses `text`; on failure, the error result.
bool Parse(const std::string& text, Json* out, std::string* failure) {
  rolegate::ParsedJson p = rolegate::ParseJson(text);
  if (!p.ok()) {
    *failure = rolegate::Canonical(rolegate::ErrorsToJson(p.errors));
    return false;
  }
  *out = std::move(p.value);
  return true;
}

// {"ok": true, "handle", "revision", "summary", "warnings"} or the bundle's errors.
std::string LoadView(std::string_view bundle) {
  return Guarded([&] {
    rolegate::LoadResult r = rolegate::LoadPolicy(bundle);
    Json answer = rolegate::ValidationToJson(r);
    if (r.ok()) {
      answer["handle"] = next_handle++;
      Policies()[answer["handle"].get<int>()] = Loaded{r.policy, std::nullopt};
    }
    return rolegate::Canonical(answer);
  });
}

std::string Load(const std::string& bundle) { return LoadView(bundle); }

void Release(int handle) {
  if (handle == last_handle) last_loaded = nullptr;
  Policies().erase(handle);
}

std::string Validate(const std::string& bundle) {
  return Guarded([&] {
    return rolegate::Canonical(rolegate::ValidationToJson(rolegate::LoadPolicy(bundle)));
  });
}

// A query taking one JSON document (a change set, for openVerifications).
template <Json (rolegate::Policy::*Method)(const Json&) const>
std::string Query(int handle, const std::string& text) {
  return Guarded([&] {
    const rolegate::Policy* p = Find(handle);
    if (p == nullptr) return NoPolicy();
    Json q;
    std::string failure;
    if (!Parse(text, &q, &failure)) return failure;
    return rolegate::Canonical((p->*Method)(q));
  });
}

std::string Simulate(int handle, const std::string& text, bool include_bundle) {
  return Guarded([&] {
    const rolegate::Policy* p = Find(handle);
    if (p == nullptr) return NoPolicy();
    Json cs;
    std::string failure;
    if (!Parse(text, &cs, &failure)) return failure;
    return rolegate::Canonical(p->Simulate(cs, include_bundle));
  });
}

std::string Verify(int handle, const std::string& change_set, const std::string& preview) {
  return Guarded([&] {
    const rolegate::Policy* p = Find(handle);
    if (p == nullptr) return NoPolicy();
    Json cs, pv;
    std::string failure;
    if (!Parse(change_set, &cs, &failure) || !Parse(preview, &pv, &failure)) return failure;
    return rolegate::Canonical(p->Verify(cs, pv));
  });
}

// A what-if chain document (Policy::VerifyChainDocument), as `rolegate
// verify-chain` verifies it.
std::string VerifyChain(int handle, const std::string& chain) {
  return Guarded([&] {
    const rolegate::Policy* p = Find(handle);
    if (p == nullptr) return NoPolicy();
    Json doc;
    std::string failure;
    if (!Parse(chain, &doc, &failure)) return failure;
    return rolegate::Canonical(p->VerifyChainDocument(doc));
  });
}

// Static findings about the policy (Policy::Analyze).
// The operation kinds change sets may use (rolegate/operations.h).
// {"ok": true, "differences": [...]} between two JSON texts, as Policy::Verify lists
// them, or the first text's parse errors.
std::string Diff(const std::string& expected_text, const std::string& actual_text) {
  return Guarded([&] {
    Json expected, actual;
    std::string failure;
    if (!Parse(expected_text, &expected, &failure) || !Parse(actual_text, &actual, &failure)) {
      return failure;
    }
    return rolegate::Canonical(
        Json{{"ok", true}, {"differences", rolegate::Differences(expected, actual)}});
  });
}

std::string OperationKinds() {
  return Guarded([&] { return rolegate::Canonical(rolegate::OperationKindsJson()); });
}

std::string Analyze(int handle) {
  return Guarded([&] {
    const rolegate::Policy* p = Find(handle);
    if (p == nullptr) return NoPolicy();
    return rolegate::Canonical(p->Analyze());
  });
}

// Many requests in one crossing: a JSON array of requests in, a JSON array of
// results out (each a decision or its own errors).
// One request's decision (Policy::CheckText: a plain request is read and its
// decision written without a JSON document).
std::string CheckView(int handle, std::string_view text) {
  return Guarded([&] {
    const rolegate::Policy* p = Find(handle);
    if (p == nullptr) return NoPolicy();
    return p->CheckText(text);
  });
}

std::string Check(int handle, const std::string& text) { return CheckView(handle, text); }

std::string CheckBatch(int handle, const std::string& text) {
  return Guarded([&] {
    const rolegate::Policy* p = Find(handle);
    if (p == nullptr) return NoPolicy();
    Json list;
    std::string failure;
    if (!Parse(text, &list, &failure)) return failure;
    if (!list.is_array()) return Fail("wrong_type", "", "expected an array of requests");
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out += ",";
      out += rolegate::Canonical(p->Check(list[i]));
    }
    return out + "]";
  });
}

// The last answer of rg_check.
std::string& Answer() {
  static auto* answer = new std::string();
  return *answer;
}

// 0 allow, 1 deny, 2 conditional; -1 for none.
int EffectCode(const std::optional<rolegate::Effect>& e) {
  if (!e) return -1;
  switch (*e) {
    case rolegate::Effect::kAllow:
      return 0;
    case rolegate::Effect::kDeny:
      return 1;
    case rolegate::Effect::kConditional:
      return 2;
  }
  return -1;
}

// The fast path: the effect of one request named by ids, without reasons.
// 0 allow, 1 deny, 2 conditional, -1 an invalid request or handle.
int Decide(int handle, const std::string& actor, const std::string& action,
           const std::string& resource, const std::string& now) {
  const rolegate::Policy* p = Find(handle);
  if (p == nullptr) return -1;
  rolegate::Request r;
  r.actor = actor;
  r.action = action;
  r.resource = resource;
  r.now = now;
  rolegate::DecideResult d = p->Decide(r, false);
  if (!d.ok()) return -1;
  return EffectCode(d.decision.effect);
}

// The interned index of an id: kind 0 a member, 1 a permission, 2 a scope; -1
// when the policy has no such id (or no policy has this handle).
int Intern(int handle, int kind, const std::string& id) {
  const rolegate::Policy* p = Find(handle);
  if (p == nullptr) return -1;
  switch (kind) {
    case 0:
      return p->MemberIndex(id);
    case 1:
      return p->PermissionIndex(id);
    case 2:
      return p->ScopeIndex(id);
  }
  return -1;
}

// Sets the time of the handle's fast-path checks; false (and no time) when `now`
// is not a timestamp, so that later fast-path checks answer -1.
bool SetNow(int handle, const std::string& now) {
  Loaded* l = FindLoaded(handle);
  if (l == nullptr) return false;
  l->at = rolegate::CheckTime::Parse(now);
  return l->at.has_value();
}

// Runs a scenario file. The bundle files it names arrive as bytes, as read, so
// that a file that is not UTF-8 is refused as it is natively: `index` is a JSON
// array of [path, length] pairs and `blob` their contents one after another.
std::string RunScenarioText(const std::string& scenario, const std::string& index,
                            const std::string& blob) {
  return Guarded([&] {
    rolegate::ParsedJson parsed = rolegate::ParseJson(index);
    if (!parsed.ok()) return rolegate::Canonical(rolegate::ErrorsToJson(parsed.errors));
    std::map<std::string, std::string> files;
    size_t at = 0;
    if (parsed.value.is_array()) {
      for (const Json& entry : parsed.value) {
        if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() ||
            !entry[1].is_number_unsigned()) {
          break;
        }
        const size_t length = entry[1].get<size_t>();
        if (length > blob.size() - at) break;
        files[entry[0].get<std::string>()] = blob.substr(at, length);
        at += length;
      }
    }
    rolegate::ScenarioReport report = rolegate::RunScenario(
        scenario, [&files](const std::string& path) -> std::optional<std::string> {
          auto it = files.find(path);
          if (it == files.end()) return std::nullopt;
          return it->second;
        });
    return rolegate::Canonical(rolegate::ScenarioReportToJson(report));
  });
}

}  // namespace

extern "C" {

// The effect of one request by interned indices at the handle's time: 0 allow,
// 1 deny, 2 conditional, -1 invalid (an unknown index, no valid time, a
// rank-limited permission, which needs attributes, or no such handle).
EMSCRIPTEN_KEEPALIVE int rg_effect(int handle, int member, int permission, int scope) {
  const Loaded* l = FindLoaded(handle);
  if (l == nullptr || !l->at) return -1;
  return EffectCode(l->policy->DecideEffect(member, permission, scope, *l->at));
}

// The explained check without embind's conversions of strings, which scan every
// byte in JavaScript: the request is `size` bytes of text at `text`; the answer
// (Policy::CheckText) stays in the module until the next call, at the address
// returned, rg_answer_size() bytes long.
EMSCRIPTEN_KEEPALIVE const char* rg_check(int handle, const char* text, int size) {
  std::string& answer = Answer();
  answer = CheckView(handle, std::string_view(text, size < 0 ? 0 : static_cast<size_t>(size)));
  return answer.data();
}

// Loads the bundle of `size` bytes at `text` as load() does; the answer is left
// as rg_check leaves its own. The JS API's createEngine: the text crosses once, as
// bytes, instead of through Embind's conversion (a JavaScript loop over every
// character, and a copy into a std::string).
EMSCRIPTEN_KEEPALIVE const char* rg_load(const char* text, int size) {
  std::string& answer = Answer();
  answer = LoadView(std::string_view(text, size < 0 ? 0 : static_cast<size_t>(size)));
  return answer.data();
}

EMSCRIPTEN_KEEPALIVE int rg_answer_size() { return static_cast<int>(Answer().size()); }

// `count` requests as index triples (member, permission, scope) at `triples`;
// writes one code per request (as rg_effect, -1 stored as 255) to `out`.
// Returns the number decided, or -1 for an unknown handle.
EMSCRIPTEN_KEEPALIVE int rg_effects(int handle, const int32_t* triples, int count, uint8_t* out) {
  const Loaded* l = FindLoaded(handle);
  if (l == nullptr || count < 0) return -1;
  // -1 (int8) is stored as 255 (uint8): an invalid request.
  if (!l->at) {
    std::fill(out, out + count, uint8_t{255});
  } else {
    l->policy->DecideEffects(triples, static_cast<size_t>(count), l->at->now(),
                             reinterpret_cast<int8_t*>(out));
  }
  return count;
}

}  // extern "C"

EMSCRIPTEN_BINDINGS(rolegate) {
  emscripten::function("load", &Load);
  emscripten::function("release", &Release);
  emscripten::function("validate", &Validate);
  emscripten::function("check", &Check);
  emscripten::function("checkBatch", &CheckBatch);
  emscripten::function("decide", &Decide);
  emscripten::function("intern", &Intern);
  emscripten::function("setNow", &SetNow);
  emscripten::function("whatCan", &Query<&rolegate::Policy::WhatCan>);
  emscripten::function("whoCan", &Query<&rolegate::Policy::WhoCan>);
  emscripten::function("visibleMembers", &Query<&rolegate::Policy::VisibleMembers>);
  emscripten::function("approvalStatus", &Query<&rolegate::Policy::ApprovalStatus>);
  emscripten::function("memberAbilities", &Query<&rolegate::Policy::MemberAbilities>);
  emscripten::function("checkAttributes", &Query<&rolegate::Policy::CheckAttributes>);
  emscripten::function("requestableRoles", &Query<&rolegate::Policy::RequestableRoles>);
  emscripten::function("simulate", &Simulate);
  emscripten::function("openVerifications", &Query<&rolegate::Policy::OpenVerifications>);
  emscripten::function("verify", &Verify);
  emscripten::function("verifyChain", &VerifyChain);
  emscripten::function("analyze", &Analyze);
  emscripten::function("operationKinds", &OperationKinds);
  emscripten::function("diff", &Diff);
  emscripten::function("runScenario", &RunScenarioText);
}
