#include "change/commit.h"

#include <algorithm>

#include "bundle.h"

namespace rolegate {
namespace internal {

Committer::Committer(Context& cx, bool recompile_each)
    : cx_(cx), recompile_each_(recompile_each), rules_(MemberRules()) {
  for (const Error& w : cx.base().model().warnings) warnings_before_.insert(w.pointer + w.code);
}

void Committer::Judge(size_t i, const Json& written, Edit* edit, Outcome* out) {
  // The candidate state: the edited overlay, or the recompiled bundle.
  const bool whole = edit->json.has_value() || recompile_each_;
  Candidate c = whole ? OnBundle(i, edit, out) : OnOverlay(i, edit, out);
  if (c.overlay) Keep(i, written, whole, std::move(c), out);
}

Committer::Candidate Committer::OnOverlay(size_t i, Edit* edit, Outcome* out) {
  Candidate c;
  const Errors errors = ValidateAdded(cx_.M(), *edit);
  bool refused = !errors.empty();
  for (const auto& rule : rules_) {
    c.breaches.push_back(rule->After(cx_, edit->overlay));
    refused = refused || HasErrorBreach(cx_.M(), c.breaches.back());
  }
  if (!refused) {
    c.overlay = std::make_unique<Overlay>(std::move(edit->overlay));
    return c;
  }
  if (!errors.empty()) RefuseLoadErrors(cx_.M(), errors, i, out, &violations_);
  for (const MemberBreaches& b : c.breaches) RefuseBreaches(cx_.M(), b, i, out, &violations_);
  return c;
}

Committer::Candidate Committer::OnBundle(size_t i, Edit* edit, Outcome* out) {
  Candidate c;
  Json next = edit->json ? std::move(*edit->json) : edit->overlay.Materialize();
  // Member rules are judged the same both ways (loading reports them as
  // member_field_invalid and scope_limit_exceeded).
  bool breach_error = false;
  for (const auto& rule : rules_) {
    c.breaches.push_back(rule->After(cx_, next));
    breach_error = breach_error || HasErrorBreach(cx_.M(), c.breaches.back());
  }
  LoadResult compiled = CompilePolicy(next);
  if (!compiled.ok()) {
    // The change would break the bundle: an error invariant, or an invalid
    // definition. Nothing of it is applied.
    Errors others;
    for (const Error& err : compiled.errors) {
      if (err.code != "member_field_invalid" && err.code != "scope_limit_exceeded") {
        others.push_back(err);
      }
    }
    if (others.empty() && !breach_error) others = compiled.errors;
    if (!others.empty()) RefuseLoadErrors(cx_.M(), others, i, out, &violations_);
    for (const MemberBreaches& b : c.breaches) RefuseBreaches(cx_.M(), b, i, out, &violations_);
    return c;
  }
  // A role or rule beyond its actor (reach.h) is refused whole.
  if (out->effect == Effect::kAllow) {
    if (std::optional<Beyond> b = cx_.BeyondActor(compiled.policy->model())) {
      out->Deny(Reason(*b));
      out->events.clear();
      return c;
    }
  }
  c.compiled = compiled.policy;
  c.overlay = std::make_unique<Overlay>(c.compiled->model());
  c.warnings = compiled.warnings;
  return c;
}

void Committer::Keep(size_t i, const Json& written, bool whole, Candidate c, Outcome* out) {
  // min_holders: breaches on the scopes the operation could affect (all of them
  // when it changed more than roles and statuses).
  std::vector<Index> scopes;
  const std::vector<Index>* only = nullptr;
  if (!whole && cx_.touching_roles().empty()) {
    std::set<Index> affected;
    ScopesOfMembers(cx_.V(), cx_.touching(), &affected);
    ScopesOfMembers(*c.overlay, cx_.touching(), &affected);
    scopes.assign(affected.begin(), affected.end());
    only = &scopes;
  }
  const HolderBreaches fresh = holders_.Fresh(cx_, *c.overlay, only);
  if (MinHolders::BreaksError(fresh)) {
    // An error invariant would break: nothing of the operation is applied.
    MinHolders::Refuse(fresh, i, out, &violations_);
    return;
  }
  for (const Error& w : c.warnings) {
    // Member rules' warnings are reported below, by member.
    if (w.code == "member_field_invalid" || w.code == "scope_limit_exceeded") continue;
    if (warnings_before_.insert(w.pointer + w.code).second) {
      violations_.Add(WarningViolation(cx_.M(), w, i));
    }
  }
  for (size_t r = 0; r < rules_.size(); ++r) {
    if (c.breaches[r].empty()) continue;
    ReportNewBreaches(cx_.M(), c.breaches[r], rules_[r]->Before(cx_), i, &violations_);
  }
  cx_.Keep(std::move(c.overlay), std::move(c.compiled));
  // The revision after hashes what changed, never a PIN or token.
  applied_.push_back(Json::array({static_cast<int64_t>(i), WithoutProof(written)}));
  holders_.Brought(fresh, i);
}

Violations Committer::Finish() {
  // min_holders breaches brought and still standing at the end.
  holders_.Finish(cx_, &violations_);
  std::stable_sort(violations_.list.begin(), violations_.list.end(),
                   [](const Json& a, const Json& b) { return a["op"] < b["op"]; });
  return std::move(violations_);
}

}  // namespace internal
}  // namespace rolegate
