// The audit log as a caller may read it (authority.h).
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
  AuditSight(const Policy& policy, const std::string& caller,
             const std::set<std::string>& names_seen, const std::set<std::string>& emails_seen,
             const std::set<std::string>& emails_withheld)
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
      if (auto n = value.find("name");
          n != value.end() && n->is_string() && !n->get<std::string>().empty()) {
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
        for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 8)) {
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

// The paging and filters of GET /v1/audit, into `q` and `limit`; a failed reply
// when one is not what it must be.
std::optional<Reply> ReadAuditQuery(const std::map<std::string, std::string>& query,
                                    AuditQuery* out, int64_t* limit_out) {
  auto param = [&](const char* name) -> const std::string* {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  };
  AuditQuery& q = *out;
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
    return BadParameter("before",
                        "`before` pages newest first (order=newest); oldest first "
                        "pages with `after`");
  }
  if (numbers.count("after") && q.newest_first) {
    return BadParameter("after", "`after` pages oldest first; newest first pages with `before`");
  }
  if (numbers.count("after")) q.after = numbers["after"];
  if (numbers.count("before")) q.before = numbers["before"];
  *limit_out = std::clamp<int64_t>(numbers.count("limit") ? numbers["limit"] : 100, 1, kMaxPage);
  for (const char* name : {"member", "scope"}) {
    const std::string* v = param(name);
    if (v != nullptr && (v->empty() || v->size() > 256)) {
      return BadParameter(name, std::string("expected a ") + name + " id");
    }
  }
  if (const std::string* member = param("member")) q.member = *member;
  return std::nullopt;
}

}  // namespace

// The entries `found` as the caller may read them: what the caller may not see
// of the members an entry names is withheld (AuditSight), as GET /v1/bundle
// withholds it.
Json Authority::ReadableEntries(const Policy& policy, const std::string& caller,
                                const std::string& now, const std::vector<AuditEntry>& found) {
  Json entries = Json::array();
  if (found.empty()) return entries;
  const internal::Model& m = policy.model();
  const Withheld w = WithheldFrom(policy, caller, now);
  AuditSight sight(policy, caller, w.names_seen, w.emails_seen, w.emails);
  for (const Json& request : m.rest.value("approvalRequests", Json::array())) {
    const Json operation = request.value("operation", Json());
    bool sees = request.value("requester", "") == caller;
    if (!sees) {
      Json status = policy.ApprovalStatus(Json{{"request", request.value("id", "")}, {"now", now}});
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
  return entries;
}

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
  AuditQuery q;
  int64_t limit = 0;
  if (auto refused = ReadAuditQuery(query, &q, &limit)) return *refused;
  auto param = [&](const char* name) -> const std::string* {
    auto it = query.find(name);
    return it == query.end() ? nullptr : &it->second;
  };

  Head head = Current();
  const Policy& policy = *head.policy;
  if (!ActiveMember(policy, caller)) return NotActive(caller);
  const std::string now = clock_();
  const Holding held = HeldScopes(policy, caller, ServerPermission(policy, "auditPermission"), now);
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
  Json entries = ReadableEntries(policy, caller, now, found);
  return Reply{200, Json{{"ok", true}, {"entries", std::move(entries)}, {"next", std::move(next)}}};
}

}  // namespace rolegate::server
