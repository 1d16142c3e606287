// Policy::Decide and the effect-only path: requests interned to indexes, decided
// without building reasons.
#include "bundle.h"
#include "decide/decider.h"
#include "request_text.h"
#include "rolegate/policy.h"
#include "shape.h"

namespace rolegate {

DecideResult Policy::Decide(const Request& req, bool explain) const {
  return internal::DecideIn(*model_, req, explain);
}

namespace {
int32_t IndexOf(const internal::Index* found) { return found ? static_cast<int32_t>(*found) : -1; }
}  // namespace

int32_t Policy::MemberIndex(const std::string& id) const { return IndexOf(model_->FindMember(id)); }
int32_t Policy::PermissionIndex(const std::string& id) const {
  return IndexOf(model_->Find(model_->permission_index, id));
}
int32_t Policy::ScopeIndex(const std::string& id) const {
  return IndexOf(model_->Find(model_->scope_index, id));
}

namespace {

// The effect of one interned request on `m` at `req.now` (a valid timestamp),
// or nullopt for an index out of range or a rank-limited permission.
std::optional<Effect> EffectAt(const internal::Model& m, const Request& req, int32_t member,
                               int32_t permission, int32_t scope) {
  if (member < 0 || static_cast<size_t>(member) >= m.members.size() || permission < 0 ||
      static_cast<size_t>(permission) >= m.permissions.size() || scope < 0 ||
      static_cast<size_t>(scope) >= m.scopes.size()) {
    return std::nullopt;
  }
  if (m.permissions[permission].rank_limited) return std::nullopt;
  // The decider reads only `now` and the (empty) attributes of the request here:
  // ids are used in reasons, which the fast path does not build.
  Decision d;
  const internal::Index p = static_cast<internal::Index>(permission);
  internal::Decider<internal::Model>(m, req, false, &d)
      .Run(static_cast<internal::Index>(member), static_cast<internal::Index>(scope), &p);
  return d.effect;
}

}  // namespace

std::optional<CheckTime> CheckTime::Parse(const std::string& now) {
  if (!internal::IsTimestamp(now)) return std::nullopt;
  CheckTime t;
  t.request_.now = now;
  return t;
}

std::optional<Effect> Policy::DecideEffect(int32_t member, int32_t permission, int32_t scope,
                                           const std::string& now) const {
  if (!internal::IsTimestamp(now)) return std::nullopt;
  // One request per thread, reused, so that a call allocates nothing (a
  // CheckTime made per call would build its request anew each time).
  thread_local Request req;
  req.now = now;
  return EffectAt(*model_, req, member, permission, scope);
}

std::optional<Effect> Policy::DecideEffect(int32_t member, int32_t permission, int32_t scope,
                                           const CheckTime& at) const {
  return EffectAt(*model_, at.request_, member, permission, scope);
}

void Policy::DecideEffects(const int32_t* triples, size_t count, const std::string& now,
                           int8_t* out) const {
  const std::optional<CheckTime> at = CheckTime::Parse(now);
  for (size_t i = 0; i < count; ++i) {
    std::optional<Effect> e;
    if (at) e = DecideEffect(triples[3 * i], triples[3 * i + 1], triples[3 * i + 2], *at);
    out[i] = !e ? -1 : *e == Effect::kAllow ? 0 : *e == Effect::kDeny ? 1 : 2;
  }
}

Json Policy::Check(const Json& request) const {
  Request req;
  Errors errors = ReadRequest(request, "", &req);
  if (errors.empty()) {
    DecideResult r = Decide(req, true);
    if (r.ok()) return DecisionToJson(r.decision);
    errors = std::move(r.errors);
  } else if (request.is_object()) {
    // Report the references that could be read too, except where the field
    // itself was already found wrong.
    DecideResult r = Decide(req, false);
    auto shadowed = [&](const Error& e) {
      std::string top = e.pointer.substr(0, e.pointer.find('/', 1));  // "/attributes"
      for (const Error& known : errors) {
        if (known.pointer == e.pointer || known.pointer == top) return true;
        if (known.code == "missing_field" && known.pointer.empty() &&
            known.message.find("`" + top.substr(1) + "`") != std::string::npos) {
          return true;
        }
      }
      return false;
    };
    Errors more;
    for (Error& e : r.errors) {
      if (!shadowed(e)) more.push_back(std::move(e));
    }
    for (Error& e : more) errors.push_back(std::move(e));
  }
  internal::SortErrors(&errors);
  return ErrorsToJson(errors);
}

std::string Policy::CheckText(std::string_view text, const Limits& limits) const {
  Request req;
  if (internal::ReadPlainRequest(text, limits, &req)) {
    DecideResult r = Decide(req, true);
    if (r.ok()) return DecisionToCanonical(r.decision);
    // An unknown id and the like: the general path reports it with the rest.
  }
  ParsedJson parsed = ParseJson(text, limits);
  if (!parsed.ok()) return Canonical(ErrorsToJson(parsed.errors));
  return Canonical(Check(parsed.value));
}

}  // namespace rolegate
