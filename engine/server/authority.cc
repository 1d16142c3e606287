#include "authority.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "audit_subjects.h"
#include "model.h"
#include "secrets.h"

namespace rolegate::server {

namespace {

using internal::MemberStatus;

Json ErrorBody(const std::string& code, const std::string& pointer, const std::string& message) {
  return Json{{"ok", false},
              {"errors", Json::array({Json{{"code", code},
                                           {"pointer", pointer},
                                           {"message", message}}})}};
}

Reply Fail(int status, const std::string& code, const std::string& pointer,
           const std::string& message, Json extra = Json::object()) {
  Json body = ErrorBody(code, pointer, message);
  for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
  return Reply{status, std::move(body)};
}

// Prefixes every error pointer of a failed engine result with `prefix`.
Json Under(Json result, const std::string& prefix) {
  if (auto it = result.find("errors"); it != result.end() && it->is_array()) {
    for (Json& e : *it) {
      if (e.is_object() && e.contains("pointer") && e["pointer"].is_string()) {
        e["pointer"] = prefix + e["pointer"].get<std::string>();
      }
    }
  }
  return result;
}

bool Failed(const Json& result) {
  return result.is_object() && result.value("ok", true) == false;
}

Reply NotActive(const std::string& caller) {
  return Fail(403, "member_not_active", "",
              "member `" + caller + "` is not active: only their own outbox can be read");
}

const Json* FindById(const Json& bundle, const char* list, const std::string& id) {
  auto it = bundle.find(list);
  if (it == bundle.end() || !it->is_array()) return nullptr;
  for (const Json& x : *it) {
    if (x.is_object() && x.value("id", "") == id) return &x;
  }
  return nullptr;
}

// The change set's blockers for the server: a denied operation or a broken
// `error` invariant. A conditional operation is committed as a pending request
// or verification.
bool Blocked(const Json& simulation) {
  if (simulation["summary"].value("denied", 0) > 0) return true;
  for (const Json& v : simulation["violations"]) {
    if (v.value("severity", "") == "error") return true;
  }
  return false;
}

// Seconds since the epoch of an engine timestamp (2026-12-01T09:30:00Z), or
// nullopt when `value` is not one.
std::optional<int64_t> Seconds(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  const std::string& s = value.get_ref<const std::string&>();
  std::tm tm{};
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return std::nullopt;
  }
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  tm.tm_hour = std::stoi(s.substr(11, 2));
  tm.tm_min = std::stoi(s.substr(14, 2));
  tm.tm_sec = std::stoi(s.substr(17, 2));
  return static_cast<int64_t>(timegm(&tm));
}

// The differences of a verification at the server's time that change the
// outcome. Left out: the revision after (it hashes the time of the change, which
// the server decides) and times that moved by exactly as much as `now` did (an
// expiry 28 days after now is the same outcome a few seconds later).
Json OutcomeDifferences(const Json& verification, const Json& client_now,
                        const Json& server_now) {
  const std::optional<int64_t> from = Seconds(client_now), to = Seconds(server_now);
  const int64_t shift = from && to ? *to - *from : 0;
  Json out = Json::array();
  for (const Json& d : verification.value("differences", Json::array())) {
    if (d.value("pointer", "") == "/revisionAfter") continue;
    const std::optional<int64_t> expected = Seconds(d.value("expected", Json()));
    const std::optional<int64_t> actual = Seconds(d.value("actual", Json()));
    if (expected && actual && *actual - *expected == shift) continue;
    out.push_back(d);
  }
  return out;
}

Json Capped(Json differences, Json* body) {
  constexpr size_t kMax = 1000;
  if (differences.size() > kMax) {
    (*body)["differencesTotal"] = static_cast<int64_t>(differences.size());
    differences.erase(differences.begin() + static_cast<std::ptrdiff_t>(kMax), differences.end());
  }
  return differences;
}

std::string EmailDomain(const std::string& email) {
  const size_t at = email.rfind('@');
  return at == std::string::npos ? "invalid" : email.substr(at + 1);
}

// The `op` of an operation, or "" when it is not an object with a string `op`.
std::string OpKind(const Json& op) {
  if (!op.is_object()) return "";
  auto it = op.find("op");
  return it != op.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string FormatTime(int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string Placeholder(const std::string& member, const std::string& email) {
  return "withheld-" + Sha256Hex(member).substr(0, 16) + "@" + EmailDomain(email);
}

// Replaces, in every string of `value`, the owner of a clashing e-mail by
// "another member" when that owner's e-mail is withheld (`owners`): the server
// must refuse an e-mail that is taken, but not say whose it is. (E-mails are
// left alone: those in an answer are the caller's own input or what the
// bundle's notifications reveal.)
constexpr const char* kOwnerPhrase = "used by member `";

// Whether any string of `value` names the owner of a taken e-mail.
bool NamesAnOwner(const Json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().find(kOwnerPhrase) != std::string::npos;
  if (value.is_object() || value.is_array()) {
    for (const Json& child : value) {
      if (NamesAnOwner(child)) return true;
    }
  }
  return false;
}

void Scrub(Json* value, const std::set<std::string>& owners) {
  if (value->is_string()) {
    std::string& text = value->get_ref<std::string&>();
    if (text.find(kOwnerPhrase) == std::string::npos) return;
    for (const std::string& id : owners) {
      const std::string phrase = kOwnerPhrase + id + "`";
      for (size_t at = text.find(phrase); at != std::string::npos; at = text.find(phrase, at)) {
        text.replace(at, phrase.size(), "used by another member");
      }
    }
    return;
  }
  if (value->is_object() || value->is_array()) {
    for (Json& child : *value) Scrub(&child, owners);
  }
}

}  // namespace

Authority::Authority(Store& store, std::function<std::string()> clock)
    : store_(store), clock_(std::move(clock)) {}

std::string Authority::SeedIfEmpty(const std::string& bundle_text, std::string* error) {
  if (!store_.HeadRevision().empty()) return "kept";
  LoadResult loaded = LoadPolicy(bundle_text);
  if (!loaded.ok()) {
    *error = "the bundle is not valid: " + loaded.errors.front().pointer + ": " +
             loaded.errors.front().message;
    return "";
  }
  const std::string now = clock_();
  Json bundle = loaded.policy->model().bundle;
  bundle["revision"] = loaded.policy->revision();
  StoredRevision first{0, loaded.policy->revision(), "", Canonical(bundle), now};
  AuditEntry audit{0, now, "", "seed", "", first.revision, Canonical(Json::object())};
  return store_.Seed(first, audit) ? "seeded" : "kept";
}

Authority::Head Authority::Current() {
  const std::string revision = store_.HeadRevision();
  {
    std::lock_guard<std::mutex> lock(head_mu_);
    if (head_.policy != nullptr && head_.revision == revision) return head_;
  }
  std::optional<StoredRevision> stored = store_.Head();
  if (!stored) throw StoreError("the store holds no bundle");
  LoadResult loaded = LoadPolicy(stored->bundle);
  if (!loaded.ok()) throw StoreError("the stored revision " + stored->revision + " does not load");
  Head head{stored->revision, loaded.policy};
  std::lock_guard<std::mutex> lock(head_mu_);
  head_ = head;
  return head;
}

std::optional<std::string> Authority::Authenticate(const std::string& authorization) {
  static const std::string kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() || authorization.compare(0, kScheme.size(), kScheme) != 0) {
    return std::nullopt;
  }
  const std::string token = authorization.substr(kScheme.size());
  if (token.size() > 256) return std::nullopt;
  return store_.TokenMember(Sha256Hex(token));
}

std::string Authority::MintToken(const std::string& member, std::string* error) {
  Head head = Current();
  if (head.policy->MemberIndex(member) < 0) {
    *error = "no member `" + member + "` in revision " + head.revision;
    return "";
  }
  const std::string token = "rg_" + RandomHex(32);
  store_.AddToken(Sha256Hex(token), member, clock_());
  return token;
}

int64_t Authority::RevokeTokens(const std::string& member) {
  return store_.RevokeTokens(member, clock_());
}

bool Authority::ActiveMember(const Policy& policy, const std::string& member) const {
  const int32_t i = policy.MemberIndex(member);
  return i >= 0 && policy.model().members[static_cast<size_t>(i)].status == MemberStatus::kActive;
}

std::string Authority::ServerPermission(const Policy& policy, const char* key) const {
  auto it = policy.model().bundle.find("server");
  if (it == policy.model().bundle.end()) return "";
  return it->value(key, "");
}

bool Authority::HoldsAt(const Policy& policy, const std::string& member,
                        const std::string& permission, internal::Index scope,
                        const std::string& now) const {
  const internal::Model& m = policy.model();
  const int32_t p = policy.PermissionIndex(permission);
  if (p < 0 || scope >= m.scopes.size()) return false;
  Request r{member, permission, m.scopes[scope].id, now, Json::object()};
  auto allowed = [&] {
    DecideResult d = policy.Decide(r, false);
    return d.ok() && d.decision.effect == Effect::kAllow;
  };
  if (!m.permissions[static_cast<size_t>(p)].rank_limited) return allowed();
  // A rankLimited permission is asked about a role handed out (attributes.role):
  // held where the member may exercise it for at least one role, the way a
  // check of one of their operations would ask.
  const int32_t me = policy.MemberIndex(member);
  if (me < 0) return false;
  std::set<internal::Index> tried;
  bool held = false;
  m.ForEachBindingOfMember(static_cast<internal::Index>(me), [&](uint32_t b) {
    const internal::Binding& bd = m.bindings[b];
    const internal::Role& granting = m.roles[bd.role];
    if (held || !granting.manages || !granting.permissions.Test(static_cast<internal::Index>(p)) ||
        !m.BindingCovers(bd, scope) || internal::Model::Expired(bd, now)) {
      return;
    }
    for (internal::Index ri = 0; ri < m.roles.size() && !held; ++ri) {
      const internal::Role& given = m.roles[ri];
      if (given.rank > granting.ManagesUpTo(given.family) || !tried.insert(ri).second) {
        continue;
      }
      r.attributes = Json{{"role", given.id}};
      held = allowed();
    }
  });
  return held;
}

Authority::Holding Authority::HeldScopes(const Policy& policy, const std::string& member,
                                         const std::string& permission,
                                         const std::string& now) const {
  Holding out;
  const internal::Model& m = policy.model();
  const size_t n = m.preorder.size();
  out.held.assign(n, 0);
  const int32_t me = policy.MemberIndex(member);
  const int32_t p = policy.PermissionIndex(permission);
  if (permission.empty() || me < 0 || p < 0) return out;
  const bool rank_limited = m.permissions[static_cast<size_t>(p)].rank_limited;
  // By preorder position: kSingle, held there through a role that does not apply
  // to descendants; kTop, held there through one that does, and so on its whole
  // subtree; kInside, within such a subtree (the top included).
  constexpr uint8_t kSingle = 1, kTop = 2, kInside = 4;
  std::vector<uint8_t> mark(n, 0);
  Request r{member, permission, "", now, Json::object()};
  auto allowed = [&](internal::Index scope) {
    r.resource = m.scopes[scope].id;
    DecideResult d = policy.Decide(r, false);
    return d.ok() && d.decision.effect == Effect::kAllow;
  };
  m.ForEachBindingOfMember(static_cast<internal::Index>(me), [&](uint32_t b) {
    const internal::Binding& bd = m.bindings[b];
    const internal::Role& role = m.roles[bd.role];
    if (!role.permissions.Test(static_cast<internal::Index>(p)) ||
        internal::Model::Expired(bd, now)) {
      return;
    }
    // A rankLimited permission is asked about a role handed out (attributes.role):
    // held through this binding where the member may exercise it for at least one
    // role it manages, the way a check of one of their operations would ask.
    std::vector<std::string> given;
    if (rank_limited) {
      if (!role.manages) return;
      for (const internal::Role& g : m.roles) {
        if (g.rank <= role.ManagesUpTo(g.family)) given.push_back(g.id);
      }
      if (given.empty()) return;
    }
    auto holds = [&](internal::Index scope) {
      if (!rank_limited) {
        r.attributes = Json::object();
        return allowed(scope);
      }
      for (const std::string& id : given) {
        r.attributes = Json{{"role", id}};
        if (allowed(scope)) return true;
      }
      return false;
    };
    const internal::Scope& top = m.scopes[bd.scope];
    if (!role.descendants) {
      if (!(mark[top.pre] & (kSingle | kInside)) && holds(bd.scope)) mark[top.pre] |= kSingle;
      return;
    }
    // Top down through what the binding covers, skipping what lies in a subtree
    // already held (each scope is decided at most once per binding).
    for (uint32_t i = top.pre; i < top.subtree_end;) {
      const internal::Index s = m.preorder[i];
      const uint32_t end = m.scopes[s].subtree_end;
      if (mark[i] & kInside) {
        i = end;
      } else if (holds(s)) {
        mark[i] |= kTop;
        for (uint32_t j = i; j < end; ++j) mark[j] |= kInside;
        i = end;
      } else {
        ++i;
      }
    }
  });
  for (uint32_t i = 0; i < n;) {
    const internal::Index s = m.preorder[i];
    if (mark[i] & kTop) {
      out.scopes.push_back(Holding::At{s, true});
      const uint32_t end = m.scopes[s].subtree_end;
      std::fill(out.held.begin() + i, out.held.begin() + end, uint8_t{1});
      out.count += end - i;
      i = end;
    } else {
      if (mark[i] & kSingle) {
        out.scopes.push_back(Holding::At{s, false});
        out.held[i] = 1;
        ++out.count;
      }
      ++i;
    }
  }
  return out;
}

bool Authority::HoldsEverywhere(const Policy& policy, const std::string& member,
                                const std::string& permission, const std::string& now) const {
  if (permission.empty()) return false;
  const internal::Model& m = policy.model();
  bool any = false;
  for (internal::Index s = 0; s < m.scopes.size(); ++s) {
    if (m.scopes[s].parent != internal::kNone) continue;
    any = true;
    if (!HoldsAt(policy, member, permission, s, now)) return false;
  }
  return any;
}

Json Authority::NewChangeSet(const Head& head, const std::string& actor, Json operations) const {
  return Json{{"format", "rolegate-changeset/1"},
              {"baseRevision", head.revision},
              {"actor", actor},
              {"now", clock_()},
              {"operations", std::move(operations)}};
}

Reply Authority::Health(int64_t uptime_seconds) {
  Json body{{"ok", true}, {"uptimeSeconds", uptime_seconds}, {"now", clock_()}};
  if (demo_) body["demo"] = true;
  try {
    body["revision"] = store_.HeadRevision();
    body["database"] = "ok";
  } catch (const StoreError& e) {
    return Reply{503, Json{{"ok", false},
                           {"database", "unavailable"},
                           {"errors", ErrorBody("store_unavailable", "", e.what())["errors"]}}};
  }
  return Reply{200, std::move(body)};
}

Authority::Withheld Authority::WithheldFrom(const Policy& policy, const std::string& caller,
                                            const std::string& now) const {
  const internal::Model& m = policy.model();
  std::set<std::string> names{caller}, emails{caller};
  std::set<std::string> scopes;
  const int32_t me = policy.MemberIndex(caller);
  if (me >= 0) {
    m.ForEachBindingOfMember(static_cast<internal::Index>(me), [&](uint32_t b) {
      scopes.insert(m.scopes[m.bindings[b].scope].id);
    });
  }
  for (const std::string& scope : scopes) {
    Json seen = policy.VisibleMembers(Json{{"actor", caller}, {"scope", scope}, {"now", now}});
    for (const Json& e : seen.value("members", Json::array())) {
      names.insert(e.value("member", ""));
      if (e.contains("email")) emails.insert(e.value("member", ""));
    }
  }
  Withheld w;
  for (const internal::Member& mb : m.members) {
    if (!mb.name.empty() && !names.count(mb.id)) w.names.insert(mb.id);
    if (!mb.email.empty() && !emails.count(mb.id)) {
      w.emails.insert(mb.id);
    }
  }
  w.names_seen = std::move(names);
  w.emails_seen = std::move(emails);
  return w;
}

Reply Authority::ForCaller(const std::string& caller, Reply reply) {
  // What the caller may see is worked out only for an answer that names the
  // owner of a taken e-mail, not for every simulation and commit.
  if (!NamesAnOwner(reply.body)) return reply;
  Head head = Current();
  const Withheld w = WithheldFrom(*head.policy, caller, clock_());
  if (!w.emails.empty()) Scrub(&reply.body, w.emails);
  return reply;
}

namespace {

// An operation of an approval request as someone who neither asked nor may
// decide sees it: the name and e-mail it gives a member are withheld.
// Replaces the `name` and the `email` an object gives member `id` by their
// placeholders, as asked; true when it changed anything.
bool Withhold(Json* entry, const std::string& id, bool name, bool email) {
  bool changed = false;
  if (name && entry->contains("name")) {
    (*entry)["name"] = "Withheld";
    changed = true;
  }
  if (email && entry->contains("email") && (*entry)["email"].is_string()) {
    (*entry)["email"] = Placeholder(id, (*entry)["email"].get<std::string>());
    changed = true;
  }
  return changed;
}

void RedactOperation(Json* op) {
  if (!op->is_object()) return;
  auto member = op->find("member");
  if (member != op->end() && member->is_object()) {
    Withhold(&*member, member->value("id", ""), true, true);
  }
  if (OpKind(*op) == "edit_member") {
    Withhold(op, member != op->end() && member->is_string() ? member->get<std::string>() : "",
             true, true);
  }
  if (auto list = op->find("members"); list != op->end() && list->is_array()) {
    for (Json& mb : *list) {
      if (mb.is_object()) Withhold(&mb, mb.value("id", ""), true, true);
    }
  }
}

}  // namespace

namespace {

// An e-mail address in text: a run of address characters on each side of an '@'.
bool LocalChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}
bool DomainChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}
std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What of an audit entry's detail the caller may see (docs/server.md, "What a
// caller may see"), with the rules of GET /v1/bundle, on the head: names and
// e-mails of members the caller's `sees` rules do not reveal become the bundle's
// placeholders, wherever the detail gives them (operations and the members they
// add, the access diff, violations, events, copies of requests, and any text
// naming their e-mail). A member who is not in the head bundle (removed from it,
// or never one: a rejected or expired invitee) is withheld too, except from the
// entry's actor, who typed it, and from whom the bundle shows them (the
// requester and eligible approvers of a request that would add them). An
// operation of an approval request is withheld from whom the bundle withholds it.
class AuditSight {
 public:
  AuditSight(const Policy& policy, const std::string& caller, const std::set<std::string>& names_seen,
             const std::set<std::string>& emails_seen, const std::set<std::string>& emails_withheld)
      : policy_(policy),
        caller_(caller),
        names_seen_(names_seen),
        emails_seen_(emails_seen),
        emails_withheld_(emails_withheld) {}

  // The head's approval requests: whose operation the caller may see (the
  // members it adds are not withheld) and whose not (`operation` as written).
  void RevealRequest(const Json& operation) {
    if (!operation.is_object()) return;
    if (auto mb = operation.find("member"); mb != operation.end() && mb->is_object()) {
      revealed_.insert(mb->value("id", ""));
    }
    if (auto list = operation.find("members"); list != operation.end() && list->is_array()) {
      for (const Json& mb : *list) {
        if (mb.is_object()) revealed_.insert(mb.value("id", ""));
      }
    }
  }
  void HideRequest(const Json& operation) { hidden_ops_.insert(OperationKey(operation)); }

  void Redact(const std::string& actor, Json* detail) {
    actor_ = actor;
    local_emails_.clear();
    local_names_.clear();
    Collect(*detail, "");
    Walk(detail, "");
    if (NamesAnOwner(*detail)) Scrub(detail, emails_withheld_);
  }

 private:
  static std::string OperationKey(const Json& op) {
    Json key = op;
    if (key.is_object()) key.erase("attributes");
    return Canonical(key);
  }
  bool OnHead(const std::string& id) const { return policy_.MemberIndex(id) >= 0; }
  bool HideName(const std::string& id) const { return Hide(id, names_seen_); }
  bool HideEmail(const std::string& id) const { return Hide(id, emails_seen_); }
  bool Hide(const std::string& id, const std::set<std::string>& seen) const {
    if (id == caller_) return false;
    if (OnHead(id)) return !seen.count(id);
    return !(actor_ == caller_ || revealed_.count(id));
  }
  // The member an object gives the name and e-mail of, or "": a new member
  // (under `member` or `members`), one named by `member`, or a member of the
  // head named by `id`.
  std::string Owner(const Json& object, const std::string& key) const {
    auto id = object.find("id");
    if (id != object.end() && id->is_string() &&
        (key == "member" || key == "members" || OnHead(id->get<std::string>()))) {
      return id->get<std::string>();
    }
    auto member = object.find("member");
    if (member != object.end() && member->is_string()) return member->get<std::string>();
    return "";
  }
  // The e-mails and names the detail gives each member.
  void Collect(const Json& value, const std::string& key) {
    if (value.is_array()) {
      for (const Json& child : value) Collect(child, key);
      return;
    }
    if (!value.is_object()) return;
    const std::string owner = Owner(value, key);
    if (!owner.empty()) {
      if (auto e = value.find("email"); e != value.end() && e->is_string()) {
        local_emails_.emplace(Lower(e->get<std::string>()), owner);
      }
      if (auto n = value.find("name"); n != value.end() && n->is_string() &&
                                        !n->get<std::string>().empty()) {
        local_names_[owner].insert(n->get<std::string>());
      }
    }
    if (auto e = value.find("byEmail"); e != value.end() && e->is_string()) {
      local_emails_.emplace(Lower(e->get<std::string>()), By(value));
    }
    for (auto it = value.begin(); it != value.end(); ++it) Collect(it.value(), it.key());
  }
  std::string By(const Json& object) const {
    auto by = object.find("by");
    return by != object.end() && by->is_string() ? by->get<std::string>() : actor_;
  }
  void Walk(Json* value, const std::string& key) {
    if (value->is_array()) {
      for (Json& child : *value) Walk(&child, key);
      return;
    }
    if (value->is_string()) {
      ScrubEmails(&value->get_ref<std::string&>());
      return;
    }
    if (!value->is_object()) return;
    if (!hidden_ops_.empty() && value->contains("op") && hidden_ops_.count(OperationKey(*value))) {
      RedactOperation(value);
    }
    std::set<std::string> done;  // fields already redacted here
    const std::string owner = Owner(*value, key);
    if (!owner.empty()) {
      const bool name = HideName(owner), email = HideEmail(owner);
      Withhold(value, owner, name, email);
      done = {"name", "email"};
      if (name) ScrubNames(value, owner);
    }
    if (auto e = value->find("byEmail"); e != value->end() && e->is_string()) {
      const std::string by = By(*value);
      if (HideEmail(by)) *e = Placeholder(by, e->get<std::string>());
      done.insert("byEmail");
    }
    for (auto it = value->begin(); it != value->end(); ++it) {
      if (!done.count(it.key())) Walk(&it.value(), it.key());
    }
  }
  // Replaces the hidden member's names in the messages of an object naming them
  // (a violation of a rule on a member's fields quotes its value).
  void ScrubNames(Json* object, const std::string& owner) {
    std::set<std::string> names = local_names_[owner];
    const int32_t i = policy_.MemberIndex(owner);
    if (i >= 0 && !policy_.model().members[static_cast<size_t>(i)].name.empty()) {
      names.insert(policy_.model().members[static_cast<size_t>(i)].name);
    }
    for (auto it = object->begin(); it != object->end(); ++it) {
      if (it.key() != "message" || !it.value().is_string()) continue;
      std::string& text = it.value().get_ref<std::string&>();
      for (const std::string& name : names) {
        for (size_t at = text.find(name); at != std::string::npos;
             at = text.find(name, at + 8)) {
          text.replace(at, name.size(), "Withheld");
        }
      }
    }
  }
  // Each e-mail in `text` of a member whose e-mail is withheld: its placeholder.
  void ScrubEmails(std::string* text) {
    if (text->find('@') == std::string::npos) return;
    std::string out;
    size_t copied = 0;
    for (size_t at = text->find('@'); at != std::string::npos; at = text->find('@', at + 1)) {
      size_t b = at, e = at + 1;
      while (b > copied && LocalChar((*text)[b - 1])) --b;
      while (e < text->size() && DomainChar((*text)[e])) ++e;
      while (e > at + 1 && (*text)[e - 1] == '.') --e;
      if (b == at || e == at + 1) continue;
      const std::string email = text->substr(b, e - b);
      const std::string owner = OwnerOfEmail(Lower(email));
      if (owner.empty() || !HideEmail(owner)) continue;
      out += text->substr(copied, b - copied);
      out += Placeholder(owner, email);
      copied = e;
      at = e - 1;
    }
    if (copied == 0) return;
    out += text->substr(copied);
    *text = std::move(out);
  }
  std::string OwnerOfEmail(const std::string& email) {
    if (auto it = local_emails_.find(email); it != local_emails_.end()) return it->second;
    if (email.rfind("withheld-", 0) == 0) return "";
    if (!head_emails_built_) {
      head_emails_built_ = true;
      for (const internal::Member& mb : policy_.model().members) {
        if (!mb.email.empty()) head_emails_.emplace(Lower(mb.email), mb.id);
      }
    }
    auto it = head_emails_.find(email);
    return it == head_emails_.end() ? "" : it->second;
  }

  const Policy& policy_;
  const std::string caller_;
  const std::set<std::string>& names_seen_;
  const std::set<std::string>& emails_seen_;
  const std::set<std::string>& emails_withheld_;
  std::set<std::string> revealed_, hidden_ops_;
  std::string actor_;
  std::unordered_map<std::string, std::string> local_emails_;
  std::map<std::string, std::set<std::string>> local_names_;
  bool head_emails_built_ = false;
  std::unordered_map<std::string, std::string> head_emails_;
};

}  // namespace

// The bundle as the caller may see it: a member whom none of the caller's `sees`
// rules reveals keeps their id, status and roles, but their name and e-mail are
// replaced by placeholders that stay the same from one call to the next (and
// keep the e-mail's domain, so rules on it still hold). An approval request
// shows the member its operation would create or edit only to its requester and
// its eligible approvers; a role request shows its reason only to its requester
// and the members who may decide it.
Reply Authority::Bundle(const std::string& caller) {
  Head head = Current();
  const Policy& policy = *head.policy;
  if (!ActiveMember(policy, caller)) return NotActive(caller);
  const std::string now = clock_();
  const Withheld w = WithheldFrom(policy, caller, now);
  Json bundle = policy.model().bundle;
  bundle["revision"] = head.revision;
  int64_t withheld = 0;
  if (auto it = bundle.find("members"); it != bundle.end()) {
    for (Json& member : *it) {
      const std::string id = member.value("id", "");
      if (Withhold(&member, id, w.names.count(id) > 0, w.emails.count(id) > 0)) ++withheld;
    }
  }
  if (auto it = bundle.find("approvalRequests"); it != bundle.end()) {
    for (Json& request : *it) {
      if (request.value("requester", "") == caller) continue;
      Json status = policy.ApprovalStatus(Json{{"request", request.value("id", "")}, {"now", now}});
      const Json eligible = status.value("eligible", Json::array());
      if (std::find(eligible.begin(), eligible.end(), Json(caller)) != eligible.end()) continue;
      if (auto op = request.find("operation"); op != request.end()) RedactOperation(&*op);
    }
  }
  // A role request's reason is for its requester and the members who may decide it.
  if (auto it = bundle.find("roleRequests"); it != bundle.end()) {
    for (Json& request : *it) {
      if (request.value("requester", "") == caller || !request.contains("reason")) continue;
      Json status = policy.ApprovalStatus(Json{{"request", request.value("id", "")}, {"now", now}});
      const Json eligible = status.value("eligible", Json::array());
      if (std::find(eligible.begin(), eligible.end(), Json(caller)) != eligible.end()) continue;
      request.erase("reason");
    }
  }
  return Reply{200, Json{{"ok", true},
                         {"revision", head.revision},
                         {"member", caller},
                         {"now", now},
                         {"bundle", std::move(bundle)},
                         {"withheld", withheld},
                         {"checkedByServer", Json::array({"unique_email", "member_field"})}}};
}

Reply Authority::Check(const std::string& caller, const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object()) return Fail(400, "wrong_type", "", "expected a request object");
  Json request = body;
  const std::string now = clock_();
  if (!request.contains("actor")) request["actor"] = caller;
  if (request["actor"] != caller &&
      !HoldsEverywhere(*head.policy, caller, ServerPermission(*head.policy, "decisionsPermission"),
                       now)) {
    return Fail(403, "forbidden", "/actor",
                "only a member holding the bundle's `server.decisionsPermission` on every root "
                "scope may ask for another member's decisions");
  }
  request["now"] = now;  // the server's time, whatever the request said
  Json result = head.policy->Check(request);
  return Reply{Failed(result) ? 400 : 200, std::move(result)};
}

Reply Authority::CheckBatch(const std::string& caller, const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object() || !body.contains("requests") || !body["requests"].is_array()) {
    return Fail(400, "missing_field", "/requests", "expected {\"requests\": [...]}");
  }
  const Json& requests = body["requests"];
  if (requests.size() > kMaxBatch) {
    return Fail(413, "too_many_items", "/requests",
                "at most " + std::to_string(kMaxBatch) + " requests a batch");
  }
  const std::string now = clock_();
  const bool others = HoldsEverywhere(
      *head.policy, caller, ServerPermission(*head.policy, "decisionsPermission"), now);
  Json results = Json::array();
  for (size_t i = 0; i < requests.size(); ++i) {
    Json request = requests[i];
    const std::string pointer = "/requests/" + std::to_string(i);
    if (!request.is_object()) {
      results.push_back(ErrorBody("wrong_type", pointer, "expected a request object"));
      continue;
    }
    if (!request.contains("actor")) request["actor"] = caller;
    if (request["actor"] != caller && !others) {
      results.push_back(ErrorBody("forbidden", pointer + "/actor",
                                  "another member's decisions need the bundle's "
                                  "`server.decisionsPermission`"));
      continue;
    }
    request["now"] = now;
    results.push_back(Under(head.policy->Check(request), pointer));
  }
  return Reply{200, Json{{"ok", true}, {"now", now}, {"results", std::move(results)}}};
}

Reply Authority::Simulate(const std::string& caller, const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object()) return Fail(400, "wrong_type", "", "expected a change set");
  if (body.value("actor", Json()) != caller) {
    return Fail(403, "actor_not_caller", "/actor",
                "a change set's actor must be the member the token belongs to");
  }
  Json change_set = body;
  change_set["now"] = clock_();
  if (change_set.value("baseRevision", Json()) != head.revision) {
    return Fail(409, "stale_revision", "/baseRevision",
                "the change set is built on another revision than the head",
                Json{{"revision", head.revision}});
  }
  Json result = head.policy->Simulate(change_set);
  if (Failed(result)) return Reply{400, std::move(result)};
  result["now"] = change_set["now"];
  return Reply{200, std::move(result)};
}

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
  const Json& base = head.policy->model().bundle;

  CommitRecord record;
  record.parent = head.revision;
  record.next = StoredRevision{0, after, head.revision, Canonical(bundle_after), now};
  record.secrets_used = extra.secrets_used;
  record.tokens = extra.tokens;

  // Postal PINs: each self-upgrade the change leaves waiting on a verification
  // gets a new one (a resend voids the one before).
  Json pending_verifications = Json::array();
  std::set<std::string> lettered;  // verification ids given a PIN by this change
  const Json& ops = change_set["operations"];
  for (const Json& op_result : result["operations"]) {
    const size_t i = op_result["index"].get<size_t>();
    const std::string kind = OpKind(ops[i]);
    if (op_result.value("effect", "") != "conditional") continue;
    if (kind != "request_self_upgrade" && kind != "resend_verification" && kind != "register") {
      continue;
    }
    if (op_result["requirements"]["verifications"].empty()) continue;
    const std::string role = ops[i].value("role", ""), scope = ops[i].value("scope", "");
    std::optional<Json> v;
    if (auto list = bundle_after.find("verifications"); list != bundle_after.end()) {
      for (const Json& r : *list) {
        if (r.value("member", "") == actor && r.value("role", "") == role &&
            r.value("scope", "") == scope) {
          v = r;
        }
      }
    }
    // The record the change leaves: asked for twice in one change, it gets one PIN.
    if (!v || !lettered.insert(v->value("id", "")).second) continue;
    // However a new PIN is asked for (a resend, asking to upgrade again), a
    // self-upgrade gets at most kMaxPinsPerDay of them in 24 hours.
    const std::optional<int64_t> now_seconds = Seconds(Json(now));
    const std::string day_ago = now_seconds ? FormatTime(*now_seconds - 24 * 3600) : now;
    if (store_.CountIssuedSince("pin", actor, role, scope, day_ago) >= kMaxPinsPerDay) {
      return Fail(429, "too_many_pins", "/changeSet/operations/" + std::to_string(i),
                  "at most " + std::to_string(kMaxPinsPerDay) + " PINs are sent for one upgrade "
                  "in 24 hours: wait for the letter, or try again later");
    }
    Secret secret;
    // The verification's id is the engine's record id: the one the preview showed,
    // new with every letter (a resend's record has a new id).
    secret.id = v->value("id", "");
    secret.kind = "pin";
    secret.member = actor;
    secret.role = role;
    secret.scope = scope;
    secret.salt = RandomHex(16);
    const std::string pin = RandomPin(kPinDigits);
    secret.hash = HashSecret(secret.salt, pin);
    secret.state = "live";
    secret.issued_at = now;
    secret.expires_at = v->value("expiresAt", now);
    const std::string method = v->value("method", "postal_pin");
    Json letter{{"event", "verification_code"},
                {"verification", secret.id},
                {"role", role},
                {"scope", scope},
                {"method", method},
                {"expiresAt", secret.expires_at}};
    record.messages.push_back(Message{0, actor, method == "postal_pin" ? "post" : method, now,
                                      after, Canonical(letter), pin, false});
    pending_verifications.push_back(Json{{"id", secret.id},
                                         {"role", role},
                                         {"scope", scope},
                                         {"expiresAt", secret.expires_at}});
    record.secrets.push_back(std::move(secret));
  }

  // Invitations: each invitation the change sends or restarts gets a new
  // one-time token, e-mailed to the invitee.
  std::set<std::string> invited;
  for (const Json& member : bundle_after.value("members", Json::array())) {
    if (!member.contains("invitation")) continue;
    const std::string id = member.value("id", "");
    const Json* before = FindById(base, "members", id);
    if (before == nullptr || before->value("invitation", Json()) != member["invitation"]) {
      invited.insert(id);
    }
  }
  for (const Json& op_result : result["operations"]) {
    const Json& op = ops[op_result["index"].get<size_t>()];
    const std::string kind = OpKind(op);
    if (op_result.value("effect", "") != "allow") continue;
    if (kind == "resend_invitation" || kind == "invite" || kind == "activate_member") {
      const Json mb = op.value("member", Json());
      invited.insert(mb.is_object() ? mb.value("id", "") : mb.is_string() ? mb.get<std::string>() : "");
    }
  }
  Json pending_invitations = Json::array();
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
    Json mail{{"event", "invitation_token"},
              {"invitation", secret.id},
              {"expiresAt", secret.expires_at}};
    record.messages.push_back(
        Message{0, id, "email", now, after, Canonical(mail), token, false});
    pending_invitations.push_back(Json{{"id", secret.id}, {"member", id}});
    record.secrets.push_back(std::move(secret));
  }

  // The engine's notifications, one message per recipient and channel.
  for (const Json& event : result["events"]) {
    for (const Json& channel : event.value("channels", Json::array())) {
      record.messages.push_back(Message{0, event.value("to", ""), channel.get<std::string>(), now,
                                        after, Canonical(event), "", false});
    }
  }

  // Approval and role requests the change opened.
  Json pending_requests = Json::array();
  for (const char* list : {"approvalRequests", "roleRequests"}) {
    for (const Json& r : bundle_after.value(list, Json::array())) {
      if (FindById(base, list, r.value("id", "")) == nullptr) {
        pending_requests.push_back(r.value("id", ""));
      }
    }
  }

  Json recorded = change_set;  // never a PIN or token in the audit log
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
  for (auto it = extra.detail.begin(); it != extra.detail.end(); ++it) detail[it.key()] = it.value();
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
                         {"pending", {{"requests", pending_requests},
                                      {"verifications", pending_verifications},
                                      {"invitations", pending_invitations}}},
                         {"summary", result["summary"]}}};
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
    if (ops.size() > kMaxOperationsPerChange) {
      return Fail(413, "too_many_operations", "/changeSet/operations",
                  "at most " + std::to_string(kMaxOperationsPerChange) +
                      " operations a change set on this server");
    }
    // Members added in one change set are capped, so that one request cannot
    // hold a worker for long (the engine adds them in time proportional to
    // their number; larger imports go in several change sets).
    size_t added = 0;
    for (const Json& op : ops) {
      const std::string kind = OpKind(op);
      if (kind == "add_members" && op.contains("members") && op["members"].is_array()) {
        added += op["members"].size();
      } else if ((kind == "invite" && op.contains("member") && op["member"].is_object()) ||
                 kind == "register") {
        ++added;
      }
    }
    if (added > kMaxAddedMembers) {
      return Fail(413, "too_many_additions", "/changeSet/operations",
                  "at most " + std::to_string(kMaxAddedMembers) +
                      " members may be added by one change set on this server");
    }
    // A member the server withholds from the caller cannot be acted on: binding
    // them to a scope the caller sees would uncover what is withheld.
    std::optional<Withheld> w;  // worked out for the first operation that names a member
    for (size_t i = 0; i < ops.size(); ++i) {
      if (!ops[i].is_object()) continue;
      auto member = ops[i].find("member");
      if (member == ops[i].end() || !member->is_string()) continue;
      if (!w) w = WithheldFrom(*head.policy, caller, clock_());
      if (w->Any(member->get<std::string>())) {
        return Fail(403, "target_not_visible",
                    "/changeSet/operations/" + std::to_string(i) + "/member",
                    "member `" + member->get<std::string>() +
                        "` is not one the caller may see, so the caller cannot act on them");
      }
    }
    for (size_t i = 0; i < ops.size(); ++i) {
      const std::string kind = OpKind(ops[i]);
      const std::string at = "/changeSet/operations/" + std::to_string(i);
      if (kind == "accept_invitation") {
        // The invitee has no bearer token yet: the token is presented on its own.
        return Fail(422, "proof_required", at + "/op",
                    "`accept_invitation` is made with the e-mailed token at "
                    "POST /v1/invitations/accept");
      }
      if (kind == "complete_self_upgrade" &&
          !(ops[i].contains("pin") && ops[i]["pin"].is_string())) {
        return Fail(422, "proof_required", at + "/pin",
                    "`complete_self_upgrade` carries the PIN the member received, which the "
                    "server checks");
      }
    }
  }
  if (cs.value("baseRevision", Json()) != head.revision) {
    return Fail(409, "stale_revision", "/changeSet/baseRevision",
                "the change set is built on another revision than the head",
                Json{{"revision", head.revision}});
  }
  // The preview must be what the change set gives at the time the client said.
  Json faithful = head.policy->Verify(cs, body["preview"]);
  if (Failed(faithful)) return Reply{400, Under(std::move(faithful), "/changeSet")};
  if (!faithful.value("match", false)) {
    Json reply = ErrorBody("preview_mismatch", "/preview",
                           "the preview is not what this change set gives");
    reply["differences"] = Capped(faithful["differences"], &reply);
    return Reply{422, std::move(reply)};
  }
  // Then it must still be what it gives now.
  Json at_server = cs;
  at_server["now"] = clock_();
  if (at_server["now"] != cs["now"]) {
    Json now_check = head.policy->Verify(at_server, body["preview"]);
    if (Failed(now_check)) return Reply{400, Under(std::move(now_check), "/changeSet")};
    Json differences = OutcomeDifferences(now_check, cs["now"], at_server["now"]);
    if (!differences.empty()) {
      Json reply = ErrorBody("outcome_changed", "/changeSet/now",
                             "at the server's time the change has another outcome: preview it "
                             "again");
      reply["now"] = at_server["now"];
      reply["differences"] = Capped(std::move(differences), &reply);
      return Reply{409, std::move(reply)};
    }
  }
  // Last, the PINs the change set carries, each against the newest verification of
  // its upgrade (a try is taken only for a change set that would otherwise commit).
  Extra extra;
  const Json& ops = cs["operations"];
  for (size_t i = 0; i < ops.size(); ++i) {
    if (OpKind(ops[i]) != "complete_self_upgrade") continue;
    const std::string at = "/changeSet/operations/" + std::to_string(i) + "/pin";
    // The verification the operation names, or else the newest of its upgrade.
    std::optional<Secret> secret =
        ops[i].contains("verification")
            ? store_.FindSecret(ops[i]["verification"].get<std::string>())
            : store_.LatestSecret("pin", caller, ops[i].value("role", ""),
                                  ops[i].value("scope", ""));
    if (secret && (secret->kind != "pin" || secret->member != caller ||
                   secret->role != ops[i].value("role", "") ||
                   secret->scope != ops[i].value("scope", ""))) {
      secret.reset();
    }
    std::optional<Reply> refused =
        secret ? TryPin(*secret, ops[i]["pin"].get<std::string>(), at)
               : std::optional<Reply>(Fail(422, "no_pending_verification", at,
                                           "no PIN was sent for this upgrade"));
    if (refused) {
      for (const std::string& id : extra.secrets_used) store_.RefundAttempt(id);
      return *refused;
    }
    extra.secrets_used.push_back(secret->id);
  }
  Json simulation;
  Reply reply = CommitChange(at_server, extra, &simulation);
  if (reply.status != 200) {
    for (const std::string& id : extra.secrets_used) store_.RefundAttempt(id);
  }
  return reply;
}

Reply Authority::Requests(const std::string& caller) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  const std::string now = clock_();
  // Approval requests, then role requests: the caller's own, and those the caller
  // may decide now and has not decided yet (a role request carries no decisions).
  Json mine = Json::array(), to_decide = Json::array();
  for (const auto& [list, kind] : {std::pair<const char*, const char*>{"approvalRequests", "approval"},
                                   std::pair<const char*, const char*>{"roleRequests", "role"}}) {
    for (const Json& r : head.policy->model().bundle.value(list, Json::array())) {
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
  for (const Json& v : head.policy->model().bundle.value("verifications", Json::array())) {
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

Reply Authority::Decide(const std::string& caller, const std::string& request_id,
                        const Json& body) {
  Head head = Current();
  if (!ActiveMember(*head.policy, caller)) return NotActive(caller);
  if (!body.is_object() || !body.contains("decision")) {
    return Fail(400, "missing_field", "/decision", "expected {\"decision\": \"approve\"|\"reject\"}");
  }
  const Json decision = body["decision"];
  if (decision != "approve" && decision != "reject") {
    return Fail(400, "invalid_value", "/decision", "expected `approve` or `reject`");
  }
  if (body.contains("comment") && (!body["comment"].is_string() || body["comment"].get<std::string>().size() > 2000)) {
    return Fail(400, "invalid_value", "/comment", "expected a string of at most 2,000 characters");
  }
  const Json* request = FindById(head.policy->model().bundle, "approvalRequests", request_id);
  const Json* asked = FindById(head.policy->model().bundle, "roleRequests", request_id);
  if (request == nullptr && asked == nullptr) {
    return Fail(404, "unknown_request", "", "no request `" + request_id + "`");
  }
  if ((request != nullptr ? request : asked)->value("requester", "") == caller) {
    return Fail(403, "not_an_approver", "",
                "a requester never decides their own request");
  }
  Json decide{{"op", "decide_request"}, {"request", request_id}, {"decision", decision}};
  Extra extra;
  extra.kind = "decision";
  extra.detail = Json{{"request", request_id}, {"decision", decision}};
  if (body.contains("comment")) extra.detail["comment"] = body["comment"];
  Json simulation;
  if (asked != nullptr) {
    // A role request: deciding it is the whole of it (approving gives the role,
    // as the caller's own grant, checked now); nothing is left to apply.
    Reply reply = CommitChange(NewChangeSet(head, caller, Json::array({decide})), extra, &simulation);
    if (reply.status == 422 && simulation.is_object()) {
      for (const Json& r : simulation["operations"][0]["reasons"]) {
        if (r.value("code", "") == "not_a_decider") {
          return Fail(403, "not_a_decider", "", r.value("message", "not a decider"));
        }
      }
    }
    if (reply.status == 200) reply.body["applied"] = decision == "approve";
    return reply;
  }
  // At quorum the request is applied at once, after a fresh check at the
  // server's time, in the same commit as the decision.
  if (decision == "approve") {
    Json both = NewChangeSet(head, caller,
                             Json::array({decide, Json{{"op", "apply_approved"},
                                                       {"request", request_id}}}));
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
      for (const Json& r : reasons) not_yet = not_yet || r.value("code", "") == "request_not_approved";
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
    if (extra.detail.contains("applyRefused")) reply.body["applyRefused"] = extra.detail["applyRefused"];
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
    return Fail(422, "invitation_expired", "/token", "the invitation expired at " + secret->expires_at,
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
  return Reply{200, Json{{"ok", true}, {"messages", std::move(messages)}, {"next", more ? Json(last) : Json()}}};
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
  return Reply{200, Json{{"ok", true}, {"demo", true}, {"revision", head.revision},
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
  return Reply{200, Json{{"ok", true}, {"demo", true}, {"member", body["member"]}, {"token", token}}};
}

namespace {

// A query parameter that must be a whole number; nullopt when it is not one.
std::optional<int64_t> WholeNumber(const std::string& v) {
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(v);
}

Reply BadParameter(const std::string& name, const std::string& message) {
  return Fail(400, "invalid_value", "/query/" + name, message);
}

}  // namespace

// The audit log as the caller may read it (docs/server.md, "API"): the entries
// every scope of which is one where the caller holds `server.auditPermission`
// (on the head, at the server's time: HeldScopes), and the entries that touch no
// scope (the seed) only for a caller who holds it on every scope, who reads
// every entry. Filters narrow that down, never widen it. What the caller may not
// see of the members an entry names is withheld as GET /v1/bundle withholds it
// (AuditSight). `next` is the id of the last entry returned, or, when the
// reading stopped at kAuditMaxExamined rows, where it stopped: ids are dense, so
// it names nothing the caller could not page to.
Reply Authority::Audit(const std::string& caller, const std::map<std::string, std::string>& query) {
  auto param = [&](const char* name) -> const std::string* {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  };
  AuditQuery q;
  const std::string* order = param("order");
  if (order != nullptr && *order != "oldest" && *order != "newest") {
    return BadParameter("order", "expected `oldest` (the default) or `newest`");
  }
  q.newest_first = order != nullptr && *order == "newest";
  std::map<std::string, int64_t> numbers;
  for (const char* name : {"after", "before", "limit"}) {
    const std::string* v = param(name);
    if (v == nullptr) continue;
    std::optional<int64_t> n = WholeNumber(*v);
    if (!n) return BadParameter(name, "expected a whole number");
    numbers[name] = *n;
  }
  if (numbers.count("before") && !q.newest_first) {
    return BadParameter("before", "`before` pages newest first (order=newest); oldest first "
                                  "pages with `after`");
  }
  if (numbers.count("after") && q.newest_first) {
    return BadParameter("after", "`after` pages oldest first; newest first pages with `before`");
  }
  if (numbers.count("after")) q.after = numbers["after"];
  if (numbers.count("before")) q.before = numbers["before"];
  const int64_t limit =
      std::clamp<int64_t>(numbers.count("limit") ? numbers["limit"] : 100, 1, kMaxPage);
  for (const char* name : {"member", "scope"}) {
    const std::string* v = param(name);
    if (v != nullptr && (v->empty() || v->size() > 256)) {
      return BadParameter(name, std::string("expected a ") + name + " id");
    }
  }
  if (const std::string* member = param("member")) q.member = *member;

  Head head = Current();
  const Policy& policy = *head.policy;
  if (!ActiveMember(policy, caller)) return NotActive(caller);
  const std::string now = clock_();
  const Holding held =
      HeldScopes(policy, caller, ServerPermission(policy, "auditPermission"), now);
  if (held.count == 0) {
    return Fail(403, "forbidden", "",
                "reading the audit log needs the bundle's `server.auditPermission` on a scope");
  }
  const internal::Model& m = policy.model();
  const bool everywhere = held.Everywhere();
  // The preorder positions of the scopes an entry kept must touch one of.
  uint32_t from = 0, to = static_cast<uint32_t>(m.preorder.size());
  if (const std::string* scope = param("scope")) {
    const int32_t index = policy.ScopeIndex(*scope);
    if (index < 0) {
      return BadParameter("scope", "no scope `" + *scope + "` in revision " + head.revision);
    }
    from = m.scopes[static_cast<size_t>(index)].pre;
    to = m.scopes[static_cast<size_t>(index)].subtree_end;
    q.in_scope = [&m, &policy, from, to](const std::string& id) {
      const int32_t i = policy.ScopeIndex(id);
      if (i < 0) return false;
      const uint32_t pre = m.scopes[static_cast<size_t>(i)].pre;
      return pre >= from && pre < to;
    };
  }
  if (!everywhere) {
    q.readable = [&m, &policy, &held](const std::string& id) {
      const int32_t i = policy.ScopeIndex(id);
      return i >= 0 && held.held[m.scopes[static_cast<size_t>(i)].pre] != 0;
    };
  }
  Json none{{"ok", true}, {"entries", Json::array()}, {"next", Json()}};
  if (q.in_scope || q.readable) {
    // The scopes both filters accept: none, and nothing can be read; a few, and
    // the log is read through their entries only.
    std::vector<std::string> through;
    bool many = false;
    for (uint32_t i = from; i < to; ++i) {
      if (!everywhere && !held.held[i]) continue;
      if (through.size() == kAuditMaxThrough) {
        many = true;
        break;
      }
      through.push_back(m.scopes[m.preorder[i]].id);
    }
    if (through.empty()) return Reply{200, std::move(none)};
    if (!many) q.through = std::move(through);
  }
  q.limit = limit + 1;  // one more tells whether there is a next page
  AuditPage page = store_.QueryAudit(q);
  std::vector<AuditEntry>& found = page.entries;
  const bool more = static_cast<int64_t>(found.size()) > limit;
  if (more) found.resize(static_cast<size_t>(limit));
  Json next = more ? Json(found.back().id) : page.resume ? Json(*page.resume) : Json();
  Json entries = Json::array();
  if (!found.empty()) {
    const Withheld w = WithheldFrom(policy, caller, now);
    AuditSight sight(policy, caller, w.names_seen, w.emails_seen, w.emails);
    for (const Json& request : m.bundle.value("approvalRequests", Json::array())) {
      const Json operation = request.value("operation", Json());
      bool sees = request.value("requester", "") == caller;
      if (!sees) {
        Json status =
            policy.ApprovalStatus(Json{{"request", request.value("id", "")}, {"now", now}});
        const Json eligible = status.value("eligible", Json::array());
        sees = std::find(eligible.begin(), eligible.end(), Json(caller)) != eligible.end();
      }
      if (sees) {
        sight.RevealRequest(operation);
      } else {
        sight.HideRequest(operation);
      }
    }
    for (const AuditEntry& a : found) {
      Json detail = ParseJson(a.detail).value;
      sight.Redact(a.actor, &detail);
      entries.push_back(Json{{"id", a.id},
                             {"at", a.at},
                             {"actor", a.actor},
                             {"kind", a.kind},
                             {"revisionBefore", a.revision_before},
                             {"revisionAfter", a.revision_after},
                             {"detail", std::move(detail)}});
    }
  }
  return Reply{200, Json{{"ok", true}, {"entries", std::move(entries)}, {"next", std::move(next)}}};
}

}  // namespace rolegate::server
