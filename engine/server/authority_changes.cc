// Committing a change set (authority.h): POST /v1/changes and the commit every
// change the server makes goes through.
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
#include "kinds.h"
#include "model.h"
#include "secrets.h"

namespace rolegate::server {

using internal::MemberStatus;
using namespace authority_detail;

namespace {

// What a commit leaves waiting, for the reply: request ids, verifications and
// invitations.
struct Pending {
  Json requests = Json::array();
  Json verifications = Json::array();
  Json invitations = Json::array();
};

// The verification record the change leaves for `actor`'s upgrade to `role` on
// `scope`, or nullopt.
std::optional<Json> LeftVerification(const Json& bundle_after, const std::string& actor,
                                     const std::string& role, const std::string& scope) {
  std::optional<Json> v;
  if (auto list = bundle_after.find("verifications"); list != bundle_after.end()) {
    for (const Json& r : *list) {
      if (r.value("member", "") == actor && r.value("role", "") == role &&
          r.value("scope", "") == scope) {
        v = r;
      }
    }
  }
  return v;
}

// A PIN for verification `v`, posted to `actor`: its secret (hashed) and its letter.
void LetterPin(const Json& v, const std::string& actor, const std::string& role,
               const std::string& scope, const std::string& now, const std::string& after,
               CommitRecord* record, Pending* pending) {
  Secret secret;
  // The verification's id is the engine's record id: the one the preview showed,
  // new with every letter (a resend's record has a new id).
  secret.id = v.value("id", "");
  secret.kind = "pin";
  secret.member = actor;
  secret.role = role;
  secret.scope = scope;
  secret.salt = RandomHex(16);
  const std::string pin = RandomPin(kPinDigits);
  secret.hash = HashSecret(secret.salt, pin);
  secret.state = "live";
  secret.issued_at = now;
  secret.expires_at = v.value("expiresAt", now);
  const std::string method = v.value("method", "postal_pin");
  Json letter{{"event", "verification_code"},
              {"verification", secret.id},
              {"role", role},
              {"scope", scope},
              {"method", method},
              {"expiresAt", secret.expires_at}};
  record->messages.push_back(Message{0, actor, method == "postal_pin" ? "post" : method, now, after,
                                     Canonical(letter), pin, false});
  pending->verifications.push_back(
      Json{{"id", secret.id}, {"role", role}, {"scope", scope}, {"expiresAt", secret.expires_at}});
  record->secrets.push_back(std::move(secret));
}

// Postal PINs: each self-upgrade the change leaves waiting on a verification
// gets a new one (a resend voids the one before). A failed reply when an upgrade
// asked for too many.
std::optional<Reply> LetterPins(Store& store, const Json& change_set, const Json& result,
                                const Json& bundle_after, CommitRecord* record, Pending* pending) {
  const std::string now = change_set["now"];
  const std::string actor = change_set["actor"];
  const std::string after = result["revisionAfter"];
  std::set<std::string> lettered;  // verification ids given a PIN by this change
  const Json& ops = change_set["operations"];
  for (const Json& op_result : result["operations"]) {
    const size_t i = op_result["index"].get<size_t>();
    const OperationKind* kind = KindOf(ops[i]);
    if (op_result.value("effect", "") != "conditional") continue;
    if (kind == nullptr || kind->server_sends != "pin") continue;
    if (op_result["requirements"]["verifications"].empty()) continue;
    const std::string role = ops[i].value("role", ""), scope = ops[i].value("scope", "");
    const std::optional<Json> v = LeftVerification(bundle_after, actor, role, scope);
    // The record the change leaves: asked for twice in one change, it gets one PIN.
    if (!v || !lettered.insert(v->value("id", "")).second) continue;
    // However a new PIN is asked for (a resend, asking to upgrade again), a
    // self-upgrade gets at most kMaxPinsPerDay of them in 24 hours.
    const std::optional<int64_t> now_seconds = Seconds(Json(now));
    const std::string day_ago = now_seconds ? FormatTime(*now_seconds - 24 * 3600) : now;
    if (store.CountIssuedSince("pin", actor, role, scope, day_ago) >= kMaxPinsPerDay) {
      return Fail(429, "too_many_pins", "/changeSet/operations/" + std::to_string(i),
                  "at most " + std::to_string(kMaxPinsPerDay) +
                      " PINs are sent for one upgrade "
                      "in 24 hours: wait for the letter, or try again later");
    }
    LetterPin(*v, actor, role, scope, now, after, record, pending);
  }
  return std::nullopt;
}

// The members the change invites or re-invites: their invitation changed, or an
// allowed operation sent one.
std::set<std::string> Invited(const Json& change_set, const Json& result, const Json& base,
                              const Json& bundle_after) {
  std::set<std::string> invited;
  for (const Json& member : bundle_after.value("members", Json::array())) {
    if (!member.contains("invitation")) continue;
    const std::string id = member.value("id", "");
    const Json* before = FindById(base, "members", id);
    if (before == nullptr || before->value("invitation", Json()) != member["invitation"]) {
      invited.insert(id);
    }
  }
  const Json& ops = change_set["operations"];
  for (const Json& op_result : result["operations"]) {
    const Json& op = ops[op_result["index"].get<size_t>()];
    const OperationKind* kind = KindOf(op);
    if (op_result.value("effect", "") != "allow") continue;
    if (kind != nullptr && kind->server_sends == "invitation_token") {
      const Json mb = op.value("member", Json());
      invited.insert(mb.is_object()   ? mb.value("id", "")
                     : mb.is_string() ? mb.get<std::string>()
                                      : "");
    }
  }
  return invited;
}

// Invitations: each invitation the change sends or restarts gets a new one-time
// token, e-mailed to the invitee.
void MailInvitations(const std::set<std::string>& invited, const Json& bundle_after,
                     const std::string& now, const std::string& after, CommitRecord* record,
                     Pending* pending) {
  for (const std::string& id : invited) {
    const Json* member = FindById(bundle_after, "members", id);
    if (member == nullptr || member->value("status", "") != "invited" ||
        !member->contains("invitation")) {
      continue;
    }
    Secret secret;
    secret.id = "inv-" + RandomHex(8);
    secret.kind = "invitation";
    secret.member = id;
    secret.salt = RandomHex(16);
    const std::string token = secret.id + "." + RandomHex(24);
    secret.hash = HashSecret(secret.salt, token);
    secret.state = "live";
    secret.issued_at = now;
    secret.expires_at = (*member)["invitation"].value("expiresAt", now);
    Json mail{
        {"event", "invitation_token"}, {"invitation", secret.id}, {"expiresAt", secret.expires_at}};
    record->messages.push_back(Message{0, id, "email", now, after, Canonical(mail), token, false});
    pending->invitations.push_back(Json{{"id", secret.id}, {"member", id}});
    record->secrets.push_back(std::move(secret));
  }
}

// The audit entry's detail: the change set (never a PIN or token), what it did,
// and what the caller adds.
Json AuditDetail(const Json& change_set, const Json& result, const Json& extra_detail) {
  Json recorded = change_set;
  for (Json& op : recorded["operations"]) {
    if (op.is_object()) {
      op.erase("pin");
      op.erase("token");
    }
  }
  Json detail{{"changeSet", std::move(recorded)},
              {"accessDiff", result["accessDiff"]},
              {"summary", result["summary"]},
              {"violations", result["violations"]}};
  for (auto it = extra_detail.begin(); it != extra_detail.end(); ++it) {
    detail[it.key()] = it.value();
  }
  return detail;
}

}  // namespace

Reply Authority::CommitChange(const Json& change_set, const Extra& extra, Json* simulation) {
  std::lock_guard<std::mutex> lock(commit_mu_);
  Head head = Current();
  if (change_set.value("baseRevision", Json()) != head.revision) {
    return Fail(409, "stale_revision", "/changeSet/baseRevision",
                "the change set is built on another revision than the head",
                Json{{"revision", head.revision}});
  }
  Json result = head.policy->Simulate(change_set, true);
  if (Failed(result)) return Reply{400, Under(std::move(result), "/changeSet")};
  Json bundle_after = std::move(result["bundleAfter"]);
  result.erase("bundleAfter");
  *simulation = result;
  if (Blocked(result)) {
    return Fail(422, "blocked", "/changeSet",
                "the change is denied or breaks an `error` invariant at the server's time",
                Json{{"simulation", result}, {"now", change_set["now"]}});
  }
  const std::string now = change_set["now"];
  const std::string actor = change_set["actor"];
  const std::string after = result["revisionAfter"];
  const Json base = head.policy->model().Document();

  CommitRecord record;
  record.parent = head.revision;
  record.next = StoredRevision{0, after, head.revision, Canonical(bundle_after), now};
  record.secrets_used = extra.secrets_used;
  record.tokens = extra.tokens;
  Pending pending;
  if (std::optional<Reply> refused =
          LetterPins(store_, change_set, result, bundle_after, &record, &pending)) {
    return *refused;
  }
  MailInvitations(Invited(change_set, result, base, bundle_after), bundle_after, now, after,
                  &record, &pending);
  // The engine's notifications, one message per recipient and channel.
  for (const Json& event : result["events"]) {
    for (const Json& channel : event.value("channels", Json::array())) {
      record.messages.push_back(Message{0, event.value("to", ""), channel.get<std::string>(), now,
                                        after, Canonical(event), "", false});
    }
  }
  // Approval and role requests the change opened.
  for (const char* list : {"approvalRequests", "roleRequests"}) {
    for (const Json& r : bundle_after.value(list, Json::array())) {
      if (FindById(base, list, r.value("id", "")) == nullptr) {
        pending.requests.push_back(r.value("id", ""));
      }
    }
  }
  Json detail = AuditDetail(change_set, result, extra.detail);
  record.audit = AuditEntry{0, now, actor, extra.kind, head.revision, after, Canonical(detail)};
  // Whom and what it touches, for reading the log per scope (audit_subjects.h).
  record.subjects = SubjectsOfEntry(actor, detail, [&base]() -> const Json* { return &base; });

  switch (store_.Commit(std::move(record))) {
    case CommitStatus::kStale:
      return Fail(409, "stale_revision", "/changeSet/baseRevision",
                  "another change was committed first", Json{{"revision", store_.HeadRevision()}});
    case CommitStatus::kSpent:
      return Fail(422, "secret_spent", "",
                  "the PIN or invitation was used, locked or replaced meanwhile");
    case CommitStatus::kCommitted:
      break;
  }
  return Reply{200, Json{{"ok", true},
                         {"now", now},
                         {"revisionBefore", head.revision},
                         {"revision", after},
                         {"pending",
                          {{"requests", pending.requests},
                           {"verifications", pending.verifications},
                           {"invitations", pending.invitations}}},
                         {"summary", result["summary"]}}};
}

namespace {

// The server's own limits on a change set: operations, and members added.
std::optional<Reply> WithinServerLimits(const Json& ops) {
  if (ops.size() > kMaxOperationsPerChange) {
    return Fail(413, "too_many_operations", "/changeSet/operations",
                "at most " + std::to_string(kMaxOperationsPerChange) +
                    " operations a change set on this server");
  }
  // Members added in one change set are capped, so that one request cannot
  // hold a worker for long (the engine adds them in time proportional to
  // their number; larger imports go in several change sets).
  // A new member is written out whole: `member` as an object (invite, register),
  // or each of `members` (add_members).
  size_t added = 0;
  for (const Json& op : ops) {
    if (!op.is_object()) continue;
    if (op.contains("members") && op["members"].is_array()) added += op["members"].size();
    if (op.contains("member") && op["member"].is_object()) ++added;
  }
  if (added > kMaxAddedMembers) {
    return Fail(413, "too_many_additions", "/changeSet/operations",
                "at most " + std::to_string(kMaxAddedMembers) +
                    " members may be added by one change set on this server");
  }
  return std::nullopt;
}

// The proofs only this endpoint cannot take: an invitation is accepted with its
// token on its own; a completion carries its PIN.
std::optional<Reply> ProofsInPlace(const Json& ops) {
  for (size_t i = 0; i < ops.size(); ++i) {
    const OperationKind* kind = KindOf(ops[i]);
    if (kind == nullptr) continue;
    const std::string at = "/changeSet/operations/" + std::to_string(i);
    const std::string& proof = kind->checked_by_server;
    if (proof == "invitation_token") {
      // The invitee has no bearer token yet: the token is presented on its own.
      return Fail(422, "proof_required", at + "/op",
                  "`" + kind->name +
                      "` is made with the e-mailed token at "
                      "POST /v1/invitations/accept");
    }
    if (proof == "pin" && !(ops[i].contains("pin") && ops[i]["pin"].is_string())) {
      return Fail(422, "proof_required", at + "/pin",
                  "`" + kind->name +
                      "` carries the PIN the member received, which the "
                      "server checks");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Reply> Authority::ActsOnVisible(const Policy& policy, const std::string& caller,
                                              const Json& ops) {
  // A member the server withholds from the caller cannot be acted on: binding
  // them to a scope the caller sees would uncover what is withheld.
  std::optional<Withheld> w;  // worked out for the first operation that names a member
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!ops[i].is_object()) continue;
    auto member = ops[i].find("member");
    if (member == ops[i].end() || !member->is_string()) continue;
    if (!w) w = WithheldFrom(policy, caller, clock_());
    if (w->Any(member->get<std::string>())) {
      return Fail(403, "target_not_visible",
                  "/changeSet/operations/" + std::to_string(i) + "/member",
                  "member `" + member->get<std::string>() +
                      "` is not one the caller may see, so the caller cannot act on them");
    }
  }
  return std::nullopt;
}

std::optional<Reply> Authority::PreviewHolds(const Policy& policy, const Json& cs,
                                             const Json& preview, Json* at_server) {
  // The preview must be what the change set gives at the time the client said.
  Json faithful = policy.Verify(cs, preview);
  if (Failed(faithful)) return Reply{400, Under(std::move(faithful), "/changeSet")};
  if (!faithful.value("match", false)) {
    Json reply =
        ErrorBody("preview_mismatch", "/preview", "the preview is not what this change set gives");
    reply["differences"] = Capped(faithful["differences"], &reply);
    return Reply{422, std::move(reply)};
  }
  // Then it must still be what it gives now.
  *at_server = cs;
  (*at_server)["now"] = clock_();
  if ((*at_server)["now"] == cs["now"]) return std::nullopt;
  Json now_check = policy.Verify(*at_server, preview);
  if (Failed(now_check)) return Reply{400, Under(std::move(now_check), "/changeSet")};
  Json differences = OutcomeDifferences(now_check, cs["now"], (*at_server)["now"]);
  if (differences.empty()) return std::nullopt;
  Json reply = ErrorBody("outcome_changed", "/changeSet/now",
                         "at the server's time the change has another outcome: preview it "
                         "again");
  reply["now"] = (*at_server)["now"];
  reply["differences"] = Capped(std::move(differences), &reply);
  return Reply{409, std::move(reply)};
}

std::optional<Reply> Authority::PinsHold(const std::string& caller, const Json& ops, Extra* extra) {
  for (size_t i = 0; i < ops.size(); ++i) {
    const OperationKind* kind = KindOf(ops[i]);
    if (kind == nullptr || kind->checked_by_server != "pin") continue;
    const std::string at = "/changeSet/operations/" + std::to_string(i) + "/pin";
    // The verification the operation names, or else the newest of its upgrade.
    std::optional<Secret> secret =
        ops[i].contains("verification")
            ? store_.FindSecret(ops[i]["verification"].get<std::string>())
            : store_.LatestSecret("pin", caller, ops[i].value("role", ""),
                                  ops[i].value("scope", ""));
    if (secret &&
        (secret->kind != "pin" || secret->member != caller ||
         secret->role != ops[i].value("role", "") || secret->scope != ops[i].value("scope", ""))) {
      secret.reset();
    }
    std::optional<Reply> refused =
        secret ? TryPin(*secret, ops[i]["pin"].get<std::string>(), at)
               : std::optional<Reply>(
                     Fail(422, "no_pending_verification", at, "no PIN was sent for this upgrade"));
    if (refused) {
      for (const std::string& id : extra->secrets_used) store_.RefundAttempt(id);
      return refused;
    }
    extra->secrets_used.push_back(secret->id);
  }
  return std::nullopt;
}

Reply Authority::Changes(const std::string& caller, const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object() || !body.contains("changeSet") || !body.contains("preview")) {
    return Fail(400, "missing_field", "", "expected {\"changeSet\", \"preview\"}");
  }
  const Json& cs = body["changeSet"];
  if (!cs.is_object()) return Fail(400, "wrong_type", "/changeSet", "expected a change set");
  if (cs.value("actor", Json()) != caller) {
    return Fail(403, "actor_not_caller", "/changeSet/actor",
                "a change set's actor must be the member the token belongs to");
  }
  if (cs.contains("operations") && cs["operations"].is_array()) {
    const Json& ops = cs["operations"];
    if (auto refused = WithinServerLimits(ops)) return *refused;
    if (auto refused = ActsOnVisible(*head.policy, caller, ops)) return *refused;
    if (auto refused = ProofsInPlace(ops)) return *refused;
  }
  if (cs.value("baseRevision", Json()) != head.revision) {
    return Fail(409, "stale_revision", "/changeSet/baseRevision",
                "the change set is built on another revision than the head",
                Json{{"revision", head.revision}});
  }
  Json at_server;
  if (auto refused = PreviewHolds(*head.policy, cs, body["preview"], &at_server)) return *refused;
  // Last, the PINs the change set carries, each against the newest verification of
  // its upgrade (a try is taken only for a change set that would otherwise commit).
  Extra extra;
  if (auto refused = PinsHold(caller, cs["operations"], &extra)) return *refused;
  Json simulation;
  Reply reply = CommitChange(at_server, extra, &simulation);
  if (reply.status != 200) {
    for (const std::string& id : extra.secrets_used) store_.RefundAttempt(id);
  }
  return reply;
}

}  // namespace rolegate::server
