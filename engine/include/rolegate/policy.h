// A compiled policy bundle.
//
//   rolegate::LoadResult loaded = rolegate::LoadPolicy(bundle_text);
//   if (!loaded.ok()) { /* loaded.errors lists every problem */ }
//   rolegate::DecideResult r = loaded.policy->Decide(request);
//
// A Policy is immutable once loaded and safe to share between threads. Loading
// validates the whole bundle and reports every problem; a Policy exists only for a
// valid bundle.
#ifndef ROLEGATE_POLICY_H_
#define ROLEGATE_POLICY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rolegate/decision.h"
#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"
#include "rolegate/request.h"

namespace rolegate {

namespace internal {
struct Model;
}

class Policy;

struct LoadResult {
  std::shared_ptr<const Policy> policy;  // null when errors is not empty
  Errors errors;
  Errors warnings;  // problems that do not stop the bundle from loading
  bool ok() const { return policy != nullptr; }
};

// Parses, validates and compiles a bundle.
LoadResult LoadPolicy(std::string_view bundle_text, const Limits& limits = Limits());
LoadResult CompilePolicy(const Json& bundle, const Limits& limits = Limits());
// The same, keeping `bundle` itself (moved into the policy) rather than a copy.
LoadResult CompilePolicy(Json&& bundle, const Limits& limits = Limits());

// The answer of `rolegate validate --format json` (and the JS API's validate):
// {"ok": true, "revision", "summary", "warnings"}, or {"ok": false, "errors"}.
Json ValidationToJson(const LoadResult& loaded);

struct DecideResult {
  Errors errors;      // an invalid request: unknown actor, action, resource...
  Decision decision;  // meaningful only when errors is empty
  bool ok() const { return errors.empty(); }
};

// A time for effect-only decisions (Policy::DecideEffect), checked once, so that
// the interned fast path decides many requests at it without reading it again.
class CheckTime {
 public:
  // nullopt when `now` is not a timestamp of the form YYYY-MM-DDTHH:MM:SSZ.
  static std::optional<CheckTime> Parse(const std::string& now);
  const std::string& now() const { return request_.now; }

 private:
  CheckTime() = default;
  friend class Policy;
  Request request_;  // `now` set and no attributes: all the decider reads here
};

class Policy {
 public:
  explicit Policy(std::unique_ptr<internal::Model> model);
  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  const std::string& revision() const;

  // Decides one request. With `explain` false, reasons are left out (the effect and
  // the requirements are the same), which is the fast path for bulk checks.
  DecideResult Decide(const Request& request, bool explain = true) const;

  // Interned ids, for callers that decide many requests on one policy (the
  // WebAssembly fast path): the dense index of a member, permission or scope id,
  // or -1 when the policy has no such id. Indexes are stable for this Policy.
  int32_t MemberIndex(const std::string& id) const;
  int32_t PermissionIndex(const std::string& id) const;
  int32_t ScopeIndex(const std::string& id) const;

  // The effect of a request without attributes whose actor, permission and
  // resource are given by index: exactly Decide's effect for the same request,
  // or nullopt where Decide reports an error (an index out of range, `now` not
  // a timestamp, a rankLimited permission, which needs attributes).
  std::optional<Effect> DecideEffect(int32_t member, int32_t permission, int32_t scope,
                                     const std::string& now) const;
  // The same at a time checked once.
  std::optional<Effect> DecideEffect(int32_t member, int32_t permission, int32_t scope,
                                     const CheckTime& at) const;

  // DecideEffect for `count` requests at one time: `triples` holds (member,
  // permission, scope) indexes, and out[i] is 0 allow, 1 deny, 2 conditional, or
  // -1 where DecideEffect gives nothing.
  void DecideEffects(const int32_t* triples, size_t count, const std::string& now,
                     int8_t* out) const;

  // JSON-level entry points. Each returns a canonical result object: the answer
  // with "ok": true, or {"ok": false, "errors": [...]}.
  Json Check(const Json& request) const;
  // Check of a request given as text: Canonical(Check(request)) byte for byte,
  // or the canonical errors of a text that is not JSON, as ParseJson reports
  // them with `limits`. A plain request (strings without escapes, scalar
  // attributes) and its decision are read and written without a JSON document.
  std::string CheckText(std::string_view text, const Limits& limits = Limits()) const;
  Json WhatCan(const Json& query) const;         // {"member", "scope"}
  Json WhoCan(const Json& query) const;          // {"action", "scope"}
  Json VisibleMembers(const Json& query) const;  // {"actor", "scope"}

  // What `actor` may do to `member` at `now` (docs/queries.md, "Abilities"): each
  // kind of operation on an existing member that the bundle's `operations` maps and
  // whose status rule fits, when its action is allowed or needs approval where the
  // kind acts (every scope of the member's for a kind on the whole member, one of
  // them for the others). {"actor", "member", "now"} -> {"ok", "actor", "member",
  // "status", "abilities": [{"op", "effect": "allow" | "conditional"}...]}, kinds
  // in the order of OperationKinds().
  Json MemberAbilities(const Json& query) const;

  // The attributes a check of `action` reads (docs/format.md, "Queries"): `role`
  // and `target` for a rankLimited permission, `role` for a self-upgrade or a
  // claim, and those the approval rules on the action compare. {"action"} ->
  // {"ok", "action", "role", "target", "others": [name...]}, `others` in the order
  // the rules and their conditions list them, without `role` and `target`.
  Json CheckAttributes(const Json& query) const;

  // The roles a member could ask for with `request_role` (docs/format.md,
  // "Queries"), judged as its simulation judges a request, but for whether anyone
  // could decide it: {"actor", "now"} -> {"ok", "actor", "scopes": [{"scope",
  // "roles": [role...]}...]}, the scopes where they hold a live role in the order
  // of the scope tree, roles in the bundle's order; none when the policy does not
  // map `request_role` or the member is not active.
  Json RequestableRoles(const Json& query) const;

  // Change sets (docs/changes.md). Simulate returns the simulation result, with
  // "bundleAfter" when `include_bundle`; Verify recomputes it and lists every
  // difference from `preview`, and says whether the change may be committed as it
  // stands ("committable": it matches and nothing blocks it). Both reject a change
  // set whose baseRevision is not this policy's revision.
  Json Simulate(const Json& change_set, bool include_bundle = false) const;

  // The actor's self-upgrades waiting for their PIN once the change set is applied
  // as Simulate applies it (docs/changes.md, "Self-upgrades"): {"ok", "actor",
  // "verifications": [record...] (the actor's verification records in the state
  // it leaves, as the bundle writes them), "made": [id...] (those the change set
  // itself made, whose ids change with the operations before them)}. A change set
  // with no operations gives the records of this policy.
  Json OpenVerifications(const Json& change_set) const;
  Json Verify(const Json& change_set, const Json& preview) const;

  // A what-if chain: `steps` is [{"changeSet", "preview"}...], step 0 built on this
  // policy and each next step on the bundle the one before leaves, which is
  // recomputed here, never taken from the steps. Answers {"ok", "match",
  // "committable" (every step matches and the last one is committable),
  // "revision" (the last step's base), "differences" (pointers
  // `<pointer>/<k>/preview/...`), "steps" (one verification each)}, or the first
  // failing step's errors under `<pointer>/<k>/changeSet`. At most kMaxChainSteps.
  static constexpr size_t kMaxChainSteps = 64;
  Json VerifyChain(const Json& steps, const std::string& pointer) const;

  // A what-if chain as a document, {"format": "rolegate-changechain/1", "steps"}
  // (the admin app's download, `rolegate verify-chain`'s file, the JS API's
  // verifyChain): VerifyChain of its `steps` at "/steps", after checking the
  // format (unsupported_format at /format) and that it has steps (missing_field
  // at /steps: a file of change sets or of previews alone cannot be verified).
  static constexpr const char* kChainFormat = "rolegate-changechain/1";
  Json VerifyChainDocument(const Json& chain) const;

  // The status of an approval request, or of a role request (pending until it
  // lapses; `eligible` its deciders, quorum 1), of the bundle at a time:
  // {"request", "now"} -> {"ok", "request", "status", "approvals", "rejections",
  // "eligible", "quorum"}.
  Json ApprovalStatus(const Json& query) const;

  // Static findings about the bundle (docs/format.md, "Analysis"): escalation
  // paths, approval rules that veto superiors or can never be approved, scopes
  // one member's departure would lock, roles nobody can be given.
  // {"ok": true, "findings": [{"code", "severity", "pointer", "message",
  // "facts"}...], "summary": {"error", "warning", "info"}}, findings sorted by
  // code, pointer and facts. Pure and deterministic: no clock (a binding with an
  // expiry counts as lapsed), and about one pass over the bundle per approval rule.
  Json Analyze() const;

  // Summary of the compiled policy: counts and revision.
  Json Summary() const;

  const internal::Model& model() const { return *model_; }

 private:
  std::unique_ptr<internal::Model> model_;
};

}  // namespace rolegate

#endif  // ROLEGATE_POLICY_H_
