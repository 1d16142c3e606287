#include "rolegate/decision.h"

#include "canonical_text.h"

namespace rolegate {

const char* EffectName(Effect effect) {
  switch (effect) {
    case Effect::kAllow:
      return "allow";
    case Effect::kDeny:
      return "deny";
    case Effect::kConditional:
      return "conditional";
  }
  return "deny";
}

Json DecisionToJson(const Decision& d) {
  Json reasons = Json::array();
  for (const Reason& r : d.reasons) {
    Json entry = r.facts;
    entry["code"] = r.code;
    entry["message"] = r.message;
    reasons.push_back(std::move(entry));
  }
  Json approvals = Json::array();
  for (const ApprovalRequirement& a : d.approvals) {
    Json entry{{"rule", a.rule}, {"approvers", a.approvers}, {"quorum", a.quorum}};
    if (a.expires_after_days) entry["expiresAfterDays"] = *a.expires_after_days;
    approvals.push_back(std::move(entry));
  }
  Json verifications = Json::array();
  for (const VerificationRequirement& v : d.verifications) {
    verifications.push_back(
        Json{{"rule", v.rule}, {"method", v.method}, {"validForDays", v.valid_for_days}});
  }
  return Json{{"ok", true},
              {"actor", d.actor},
              {"action", d.action},
              {"resource", d.resource},
              {"effect", EffectName(d.effect)},
              {"reasons", std::move(reasons)},
              {"requirements",
               {{"approvals", std::move(approvals)}, {"verifications", std::move(verifications)}}}};
}

namespace {

using internal::AppendCanonical;
using internal::AppendInt;
using internal::AppendString;

// A JSON array of `list`, each element written by `write`.
template <typename T, typename F>
void AppendEach(std::string* out, const std::vector<T>& list, F&& write) {
  out->push_back('[');
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out->push_back(',');
    write(list[i]);
  }
  out->push_back(']');
}

// A reason as DecisionToJson makes it: its facts with "code" and "message" set,
// keys in byte order.
void AppendReason(std::string* out, const Reason& r) {
  out->push_back('{');
  bool code = false, message = false, first = true;
  auto key = [&](std::string_view k) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(out, k);
    out->push_back(':');
  };
  auto own_before = [&](std::string_view k) {
    if (!code && std::string_view("code") < k) {
      key("code");
      AppendString(out, r.code);
      code = true;
    }
    if (!message && std::string_view("message") < k) {
      key("message");
      AppendString(out, r.message);
      message = true;
    }
  };
  if (r.facts.is_object()) {
    for (auto it = r.facts.begin(); it != r.facts.end(); ++it) {
      const std::string& k = it.key();
      if (k == "code" || k == "message") continue;  // set over by the reason's own
      own_before(k);
      key(k);
      AppendCanonical(out, it.value());
    }
  }
  own_before("\x7f\x7f");  // whatever is left, after every fact
  out->push_back('}');
}

}  // namespace

std::string DecisionToCanonical(const Decision& d) {
  std::string out;
  out.reserve(256 + 160 * d.reasons.size());
  out += "{\"action\":";
  AppendString(&out, d.action);
  out += ",\"actor\":";
  AppendString(&out, d.actor);
  out += ",\"effect\":";
  AppendString(&out, EffectName(d.effect));
  out += ",\"ok\":true,\"reasons\":";
  AppendEach(&out, d.reasons, [&](const Reason& r) { AppendReason(&out, r); });
  out += ",\"requirements\":{\"approvals\":";
  AppendEach(&out, d.approvals, [&](const ApprovalRequirement& a) {
    out += "{\"approvers\":";
    AppendEach(&out, a.approvers, [&](const std::string& m) { AppendString(&out, m); });
    if (a.expires_after_days) {
      out += ",\"expiresAfterDays\":";
      AppendInt(&out, *a.expires_after_days);
    }
    out += ",\"quorum\":";
    AppendInt(&out, a.quorum);
    out += ",\"rule\":";
    AppendString(&out, a.rule);
    out.push_back('}');
  });
  out += ",\"verifications\":";
  AppendEach(&out, d.verifications, [&](const VerificationRequirement& v) {
    out += "{\"method\":";
    AppendString(&out, v.method);
    out += ",\"rule\":";
    AppendString(&out, v.rule);
    out += ",\"validForDays\":";
    AppendInt(&out, v.valid_for_days);
    out.push_back('}');
  });
  out += "},\"resource\":";
  AppendString(&out, d.resource);
  out.push_back('}');
  return out;
}

}  // namespace rolegate
