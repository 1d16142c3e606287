// Pending requests, verifications, invitations and the outbox (authority.h).
#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "audit_subjects.h"
#include "authority.h"
#include "authority_util.h"
#include "model.h"
#include "secrets.h"

namespace rolegate::server {

using internal::MemberStatus;
using namespace authority_detail;

Reply Authority::Requests(const std::string& caller) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  const std::string now = clock_();
  // Approval requests, then role requests: the caller's own, and those the caller
  // may decide now and has not decided yet (a role request carries no decisions).
  Json mine = Json::array(), to_decide = Json::array();
  for (const auto& [list, kind] :
       {std::pair<const char*, const char*>{"approvalRequests", "approval"},
        std::pair<const char*, const char*>{"roleRequests", "role"}}) {
    for (const Json& r : head.policy->model().rest.value(list, Json::array())) {
      Json status = head.policy->ApprovalStatus(Json{{"request", r.value("id", "")}, {"now", now}});
      if (Failed(status)) continue;
      Json entry{{"request", r}, {"status", status}, {"kind", kind}};
      if (r.value("requester", "") == caller) mine.push_back(entry);
      const Json eligible = status.value("eligible", Json::array());
      if (status.value("status", "") == "pending" &&
          std::find(eligible.begin(), eligible.end(), Json(caller)) != eligible.end()) {
        bool decided = false;
        for (const Json& d : r.value("decisions", Json::array())) {
          decided = decided || d.value("member", "") == caller;
        }
        if (!decided) to_decide.push_back(entry);
      }
    }
  }
  // The caller's self-upgrades waiting on a PIN: the PIN's id (the newest letter's),
  // its expiry, and how many tries are left, never the PIN.
  Json verifications = Json::array();
  for (const Json& v : head.policy->model().rest.value("verifications", Json::array())) {
    if (v.value("member", "") != caller) continue;
    const std::optional<Secret> secret =
        store_.LatestSecret("pin", caller, v.value("role", ""), v.value("scope", ""));
    if (!secret) continue;
    verifications.push_back(Json{
        {"id", secret->id},
        {"role", secret->role},
        {"scope", secret->scope},
        {"method", v.value("method", "")},
        {"issuedAt", secret->issued_at},
        {"expiresAt", secret->expires_at},
        {"state", secret->expires_at <= now && secret->state == "live" ? "expired" : secret->state},
        {"attemptsLeft", std::max<int64_t>(0, kMaxSecretAttempts - secret->attempts)}});
  }
  return Reply{200, Json{{"ok", true},
                         {"now", now},
                         {"revision", head.revision},
                         {"requested", std::move(mine)},
                         {"toDecide", std::move(to_decide)},
                         {"verifications", std::move(verifications)}}};
}

// A role request: deciding it is the whole of it (approving gives the role, as
// the caller's own grant, checked now); nothing is left to apply.
Reply Authority::DecideRoleRequest(const Head& head, const std::string& caller, const Json& decide,
                                   const Extra& extra) {
  Json simulation;
  Reply reply = CommitChange(NewChangeSet(head, caller, Json::array({decide})), extra, &simulation);
  if (reply.status == 422 && simulation.is_object()) {
    for (const Json& r : simulation["operations"][0]["reasons"]) {
      if (r.value("code", "") == "not_a_decider") {
        return Fail(403, "not_a_decider", "", r.value("message", "not a decider"));
      }
    }
  }
  if (reply.status == 200) reply.body["applied"] = decide["decision"] == "approve";
  return reply;
}

Reply Authority::Decide(const std::string& caller, const std::string& request_id,
                        const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object() || !body.contains("decision")) {
    return Fail(400, "missing_field", "/decision",
                "expected {\"decision\": \"approve\"|\"reject\"}");
  }
  const Json decision = body["decision"];
  if (decision != "approve" && decision != "reject") {
    return Fail(400, "invalid_value", "/decision", "expected `approve` or `reject`");
  }
  if (body.contains("comment") &&
      (!body["comment"].is_string() || body["comment"].get<std::string>().size() > 2000)) {
    return Fail(400, "invalid_value", "/comment", "expected a string of at most 2,000 characters");
  }
  const Json* request = FindById(head.policy->model().rest, "approvalRequests", request_id);
  const Json* asked = FindById(head.policy->model().rest, "roleRequests", request_id);
  if (request == nullptr && asked == nullptr) {
    return Fail(404, "unknown_request", "", "no request `" + request_id + "`");
  }
  if ((request != nullptr ? request : asked)->value("requester", "") == caller) {
    return Fail(403, "not_an_approver", "", "a requester never decides their own request");
  }
  Json decide{{"op", "decide_request"}, {"request", request_id}, {"decision", decision}};
  Extra extra;
  extra.kind = "decision";
  extra.detail = Json{{"request", request_id}, {"decision", decision}};
  if (body.contains("comment")) extra.detail["comment"] = body["comment"];
  if (asked != nullptr) return DecideRoleRequest(head, caller, decide, extra);
  Json simulation;
  // At quorum the request is applied at once, after a fresh check at the
  // server's time, in the same commit as the decision.
  if (decision == "approve") {
    Json both = NewChangeSet(
        head, caller,
        Json::array({decide, Json{{"op", "apply_approved"}, {"request", request_id}}}));
    Json trial = head.policy->Simulate(both);
    if (!Failed(trial) && !Blocked(trial)) {
      extra.detail["applied"] = true;
      Reply reply = CommitChange(both, extra, &simulation);
      if (reply.status == 200) reply.body["applied"] = true;
      return reply;
    }
    if (!Failed(trial) && trial["operations"].size() == 2 &&
        trial["operations"][0].value("effect", "") == "allow") {
      // Approved but not applied: not at quorum yet, or denied now.
      const Json& reasons = trial["operations"][1]["reasons"];
      bool not_yet = false;
      for (const Json& r : reasons)
        not_yet = not_yet || r.value("code", "") == "request_not_approved";
      if (!not_yet) extra.detail["applyRefused"] = reasons;
    }
  }
  Reply reply = CommitChange(NewChangeSet(head, caller, Json::array({decide})), extra, &simulation);
  if (reply.status == 422 && simulation.is_object()) {
    for (const Json& r : simulation["operations"][0]["reasons"]) {
      if (r.value("code", "") == "not_an_approver") {
        return Fail(403, "not_an_approver", "", r.value("message", "not an eligible approver"));
      }
    }
  }
  if (reply.status == 200) {
    reply.body["applied"] = false;
    if (extra.detail.contains("applyRefused"))
      reply.body["applyRefused"] = extra.detail["applyRefused"];
  }
  return reply;
}

std::optional<Reply> Authority::TryPin(const Secret& secret, const std::string& pin,
                                       const std::string& pointer) {
  const std::string now = clock_();
  if (secret.state == "void") {
    return Fail(422, "verification_superseded", pointer,
                "a newer PIN was sent: this one no longer counts");
  }
  if (secret.state == "used") return Fail(422, "verification_used", pointer, "this PIN was used");
  if (secret.state == "locked") {
    return Fail(422, "verification_locked", pointer,
                "too many wrong PINs: ask for a new one (resend)");
  }
  if (secret.expires_at <= now) {
    return Fail(422, "verification_expired", pointer, "the PIN expired at " + secret.expires_at,
                Json{{"expiresAt", secret.expires_at}, {"now", now}});
  }
  // The try is taken before the PIN is checked, so answers sent at once cannot
  // have more than kMaxSecretAttempts of them checked.
  std::optional<Secret> reserved = store_.ReserveAttempt(secret.id, kMaxSecretAttempts);
  if (!reserved) {
    std::optional<Secret> now_state = store_.FindSecret(secret.id);
    const std::string state = now_state ? now_state->state : "void";
    if (state == "used") return Fail(422, "verification_used", pointer, "this PIN was used");
    if (state == "void") {
      return Fail(422, "verification_superseded", pointer,
                  "a newer PIN was sent: this one no longer counts");
    }
    return Fail(422, "verification_locked", pointer,
                "too many wrong PINs: ask for a new one (resend)");
  }
  if (pin.size() > 64 || !ConstantTimeEquals(HashSecret(secret.salt, pin), secret.hash)) {
    const int64_t left = std::max<int64_t>(0, kMaxSecretAttempts - reserved->attempts);
    if (left == 0) {
      store_.Lock(secret.id);
      return Fail(422, "verification_locked", pointer,
                  "wrong PIN, and that was the last try: ask for a new one (resend)");
    }
    return Fail(422, "wrong_pin", pointer, "wrong PIN", Json{{"attemptsLeft", left}});
  }
  return std::nullopt;
}

Reply Authority::CompleteVerification(const std::string& caller, const std::string& id,
                                      const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object() || !body.contains("pin") || !body["pin"].is_string()) {
    return Fail(400, "missing_field", "/pin", "expected {\"pin\": \"...\"}");
  }
  std::optional<Secret> secret = store_.FindSecret(id);
  if (!secret || secret->kind != "pin" || secret->member != caller) {
    return Fail(404, "unknown_verification", "", "no verification `" + id + "` of yours");
  }
  if (std::optional<Reply> refused = TryPin(*secret, body["pin"].get<std::string>(), "/pin")) {
    return *refused;
  }
  Extra extra;
  extra.kind = "verification";
  extra.detail = Json{{"verification", id}};
  extra.secrets_used = {id};
  Json simulation;
  Reply reply = CommitChange(NewChangeSet(head, caller,
                                          Json::array({Json{{"op", "complete_self_upgrade"},
                                                            {"role", secret->role},
                                                            {"scope", secret->scope},
                                                            {"verification", id}}})),
                             extra, &simulation);
  if (reply.status != 200) store_.RefundAttempt(id);
  if (reply.status == 422 && reply.body["errors"][0].value("code", "") == "secret_spent") {
    return Fail(422, "verification_used", "", "this PIN was used or replaced meanwhile");
  }
  return reply;
}

Reply Authority::ResendVerification(const std::string& caller, const std::string& id) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  std::optional<Secret> secret = store_.FindSecret(id);
  if (!secret || secret->kind != "pin" || secret->member != caller) {
    return Fail(404, "unknown_verification", "", "no verification `" + id + "` of yours");
  }
  if (secret->state == "used" || secret->state == "void") {
    return Fail(422, secret->state == "used" ? "verification_used" : "verification_superseded", "",
                "only the newest PIN of a pending upgrade can be sent again");
  }
  Extra extra;
  extra.kind = "verification";
  extra.detail = Json{{"resent", id}};
  Json simulation;
  return CommitChange(NewChangeSet(head, caller,
                                   Json::array({Json{{"op", "resend_verification"},
                                                     {"role", secret->role},
                                                     {"scope", secret->scope},
                                                     {"verification", id}}})),
                      extra, &simulation);
}

Reply Authority::AcceptInvitation(const Json& body) {
  if (!body.is_object() || !body.contains("token") || !body["token"].is_string()) {
    return Fail(400, "missing_field", "/token", "expected {\"token\": \"...\"}");
  }
  const std::string token = body["token"];
  const size_t dot = token.find('.');
  if (dot == std::string::npos || token.size() > 256) {
    return Fail(401, "invalid_token", "/token", "this invitation token is not valid");
  }
  std::optional<Secret> secret = store_.FindSecret(token.substr(0, dot));
  if (!secret || secret->kind != "invitation" || secret->state != "live") {
    return Fail(401, "invalid_token", "/token", "this invitation token is not valid");
  }
  // 96 random bits cannot be guessed, so wrong answers are not counted: counting
  // them would let anyone who knows the invitation's id lock it.
  if (!ConstantTimeEquals(HashSecret(secret->salt, token), secret->hash)) {
    return Fail(401, "invalid_token", "/token", "this invitation token is not valid");
  }
  const std::string now = clock_();
  if (secret->expires_at <= now) {
    return Fail(422, "invitation_expired", "/token",
                "the invitation expired at " + secret->expires_at,
                Json{{"expiresAt", secret->expires_at}, {"now", now}});
  }
  Head head = Current();
  const std::string bearer = "rg_" + RandomHex(32);
  Extra extra;
  extra.kind = "invitation";
  extra.detail = Json{{"invitation", secret->id}};
  extra.secrets_used = {secret->id};
  extra.tokens = {{Sha256Hex(bearer), secret->member}};
  Json simulation;
  Reply reply = CommitChange(
      NewChangeSet(head, secret->member, Json::array({Json{{"op", "accept_invitation"}}})), extra,
      &simulation);
  if (reply.status == 422 && reply.body["errors"][0].value("code", "") == "secret_spent") {
    return Fail(401, "invalid_token", "/token", "this invitation token is not valid");
  }
  if (reply.status == 200) {
    reply.body["member"] = secret->member;
    reply.body["token"] = bearer;
  }
  return reply;
}

Reply Authority::Outbox(const std::string& caller, int64_t after, int64_t limit) {
  limit = std::clamp<int64_t>(limit, 1, kMaxPage);
  Json messages = Json::array();
  int64_t last = after;
  for (const Message& m : store_.Messages(caller, after, limit, false)) {
    const Json body = ParseJson(m.body).value;
    messages.push_back(Json{{"id", m.id},
                            {"channel", m.channel},
                            {"at", m.at},
                            {"revision", m.revision},
                            {"message", body},
                            // The PIN or token itself goes by post or e-mail only.
                            {"carriesSecret", body.value("event", "") == "verification_code" ||
                                                  body.value("event", "") == "invitation_token"},
                            {"delivered", m.delivered}});
    // The local demo shows what the post or the mail would deliver.
    if (demo_ && !m.secret.empty()) messages.back()["demoSecret"] = m.secret;
    last = m.id;
  }
  const bool more = static_cast<int64_t>(messages.size()) == limit;
  return Reply{
      200,
      Json{{"ok", true}, {"messages", std::move(messages)}, {"next", more ? Json(last) : Json()}}};
}

Reply Authority::DemoMembers() {
  if (!demo_) return Fail(404, "not_found", "", "the demo is off");
  Head head = Current();
  const internal::Model& m = head.policy->model();
  Json members = Json::array();
  for (size_t i = 0; i < m.members.size(); ++i) {
    const internal::Member& mb = m.members[i];
    Json roles = Json::array();
    m.ForEachBindingOfMember(static_cast<internal::Index>(i), [&](uint32_t b) {
      const internal::Role& role = m.roles[m.bindings[b].role];
      const internal::Scope& scope = m.scopes[m.bindings[b].scope];
      roles.push_back(Json{{"role", role.id},
                           {"roleName", role.label.empty() ? role.id : role.label},
                           {"scope", scope.id},
                           {"scopeName", scope.name.empty() ? scope.id : scope.name}});
    });
    members.push_back(Json{{"member", mb.id},
                           {"name", mb.name},
                           {"status", internal::StatusName(mb.status)},
                           {"roles", std::move(roles)}});
  }
  return Reply{200, Json{{"ok", true},
                         {"demo", true},
                         {"revision", head.revision},
                         {"members", std::move(members)}}};
}

Reply Authority::DemoSignIn(const Json& body) {
  if (!demo_) return Fail(404, "not_found", "", "the demo is off");
  if (!body.is_object() || !body.contains("member") || !body["member"].is_string()) {
    return Fail(400, "missing_field", "/member", "expected {\"member\": \"...\"}");
  }
  std::string error;
  const std::string token = MintToken(body["member"].get<std::string>(), &error);
  if (token.empty()) return Fail(404, "unknown_member", "/member", error);
  return Reply{200,
               Json{{"ok", true}, {"demo", true}, {"member", body["member"]}, {"token", token}}};
}

}  // namespace rolegate::server
