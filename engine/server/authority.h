// The server of record (docs/server.md): who is calling, what time it is, which
// secrets are right, and what is committed. The HTTP layer (engine/cli/cmd_serve.cc)
// only routes to these methods; each answers a status and a canonical JSON body.
//
// The engine stays pure: the authority gives it the head revision and the
// server's time, and keeps what the engine must never see (PINs, invitation
// tokens, bearer tokens) in the store, hashed.
#ifndef ROLEGATE_SERVER_AUTHORITY_H_
#define ROLEGATE_SERVER_AUTHORITY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rolegate/rolegate.h"
#include "store.h"

namespace rolegate::server {

struct Reply {
  int status = 200;
  Json body;
};

// Limits of what one call may ask.
constexpr size_t kMaxOperationsPerChange = 256;
constexpr size_t kMaxAddedMembers = 10000;  // by add_members, invite and register together
constexpr size_t kMaxBatch = 1000;
constexpr int64_t kMaxPage = 500;
constexpr int64_t kMaxSecretAttempts = 5;
constexpr int kPinDigits = 6;
// PINs issued for one self-upgrade (member, role, scope) in 24 hours: the first
// and three resends. With five tries each, 20 guesses a day at most.
constexpr int64_t kMaxPinsPerDay = 4;

class Authority {
 public:
  // `clock` gives the server's time in the engine's form (2026-12-01T09:30:00Z).
  Authority(Store& store, std::function<std::string()> clock);

  // The local demo (`rolegate serve --demo`, loopback only): anyone may sign in as
  // any member, and the outbox shows the PIN or token a letter or e-mail carries,
  // as the post or the mail would deliver it. Never on a server of record.
  void SetDemo(bool demo) { demo_ = demo; }
  bool demo() const { return demo_; }
  Reply DemoMembers();
  Reply DemoSignIn(const Json& body);

  // Writes `bundle_text` as the first revision when the store holds none.
  // Returns "seeded", "kept" (the store already holds a bundle: it is ignored),
  // or sets *error (an invalid bundle).
  std::string SeedIfEmpty(const std::string& bundle_text, std::string* error);

  // The member a bearer token belongs to, from an Authorization header value
  // ("Bearer <token>"); nullopt when there is none or it is unknown or revoked.
  std::optional<std::string> Authenticate(const std::string& authorization);

  // Mints a bearer token for `member` (who must be in the head bundle) and returns
  // it; only its hash is stored. Sets *error and returns "" otherwise.
  std::string MintToken(const std::string& member, std::string* error);
  int64_t RevokeTokens(const std::string& member);

  Reply Health(int64_t uptime_seconds);
  Reply Bundle(const std::string& caller);
  Reply Check(const std::string& caller, const Json& body);
  Reply CheckBatch(const std::string& caller, const Json& body);
  Reply Simulate(const std::string& caller, const Json& body);
  Reply Changes(const std::string& caller, const Json& body);
  Reply Requests(const std::string& caller);
  Reply Decide(const std::string& caller, const std::string& request_id, const Json& body);
  Reply CompleteVerification(const std::string& caller, const std::string& id, const Json& body);
  Reply ResendVerification(const std::string& caller, const std::string& id);
  Reply AcceptInvitation(const Json& body);
  Reply Outbox(const std::string& caller, int64_t after, int64_t limit);
  // GET /v1/audit with its query parameters (docs/server.md, "API"): order
  // (oldest, newest), after, before, limit, member, scope.
  Reply Audit(const std::string& caller, const std::map<std::string, std::string>& query);

  // Replaces what the caller may not see in an answer: the owner of a clashing
  // e-mail, when their e-mail is withheld, by "another member". The HTTP layer
  // passes every answer that carries a simulation through it.
  Reply ForCaller(const std::string& caller, Reply reply);

  // The head revision, compiled (reloaded when another process committed).
  struct Head {
    std::string revision;
    std::shared_ptr<const Policy> policy;
  };
  Head Current();

 private:
  // What a commit adds beyond the change itself.
  struct Extra {
    std::string kind = "change";   // the audit entry's kind
    Json detail = Json::object();  // merged into the audit detail
    std::vector<std::string> secrets_used;
    std::vector<std::pair<std::string, std::string>> tokens;
  };
  // Simulates `change_set` (its `now` already the server's) on the head and
  // commits it when nothing in it is denied and no `error` invariant breaks.
  // `simulation` receives the result.
  Reply CommitChange(const Json& change_set, const Extra& extra, Json* simulation);
  // POST /v1/changes, in steps: no member the caller may not see is acted on; the
  // preview is what the change set gives, at the client's time and at the
  // server's (`at_server`: the change set at the server's time); the PINs it
  // carries are right (their tries counted in `extra`).
  std::optional<Reply> ActsOnVisible(const Policy& policy, const std::string& caller,
                                     const Json& ops);
  std::optional<Reply> PreviewHolds(const Policy& policy, const Json& cs, const Json& preview,
                                    Json* at_server);
  std::optional<Reply> PinsHold(const std::string& caller, const Json& ops, Extra* extra);
  // POST /v1/requests/{id}/decision on a role request.
  Reply DecideRoleRequest(const Head& head, const std::string& caller, const Json& decide,
                          const Extra& extra);
  // GET /v1/audit: the entries found, as the caller may read them.
  Json ReadableEntries(const Policy& policy, const std::string& caller, const std::string& now,
                       const std::vector<AuditEntry>& found);
  // Checks a PIN against its verification, taking one of its tries first: the
  // refusal (superseded, used, locked, expired, wrong), or nullopt when right.
  std::optional<Reply> TryPin(const Secret& secret, const std::string& pin,
                              const std::string& pointer);
  // What of the head bundle the caller may not see (docs/server.md, "What a
  // caller may see"): the members whose name, and whose e-mail, is withheld.
  struct Withheld {
    std::set<std::string> names, emails;  // member ids
    // Whose name, and whose e-mail, the caller may see (their own among them),
    // whether or not the member has one.
    std::set<std::string> names_seen, emails_seen;
    bool Any(const std::string& member) const {
      return names.count(member) > 0 || emails.count(member) > 0;
    }
  };
  Withheld WithheldFrom(const Policy& policy, const std::string& caller,
                        const std::string& now) const;
  bool ActiveMember(const Policy& policy, const std::string& member) const;
  bool HoldsEverywhere(const Policy& policy, const std::string& member,
                       const std::string& permission, const std::string& now) const;
  // Whether `member` holds `permission` on the scope of index `scope`: the
  // engine allows it (a rankLimited one, for at least one role handed out).
  bool HoldsAt(const Policy& policy, const std::string& member, const std::string& permission,
               uint32_t scope, const std::string& now) const;
  // Where `member` holds `permission` (docs/server.md, "The bundle's `server`
  // section"). A live binding of a role granting it contributes, where the
  // engine allows it: when the role applies to descendants, the highest scopes
  // it covers where it is allowed, each with its whole subtree; when it does not,
  // its own scope alone.
  struct Holding {
    struct At {
      uint32_t scope = 0;    // index
      bool subtree = false;  // the whole subtree; else this scope only
    };
    std::vector<At> scopes;     // in preorder; none lies in another's subtree
    std::vector<uint8_t> held;  // by preorder position (Model::preorder): 1 where held
    size_t count = 0;           // positions held
    bool Everywhere() const { return count > 0 && count == held.size(); }
  };
  // The scopes marked held (HeldScopes), tops of whole subtrees and single scopes.
  static void Gather(const internal::Model& m, const std::vector<uint8_t>& mark, Holding* out);
  Holding HeldScopes(const Policy& policy, const std::string& member, const std::string& permission,
                     const std::string& now) const;
  std::string ServerPermission(const Policy& policy, const char* key) const;
  Json NewChangeSet(const Head& head, const std::string& actor, Json operations) const;

  Store& store_;
  std::function<std::string()> clock_;
  std::mutex head_mu_;
  Head head_;
  std::mutex commit_mu_;  // one commit at a time in this process
  bool demo_ = false;
};

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_AUTHORITY_H_
