#include "authority_util.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

#include "model.h"
#include "secrets.h"

namespace rolegate::server::authority_detail {

using internal::MemberStatus;

Json ErrorBody(const std::string& code, const std::string& pointer, const std::string& message) {
  return Json{
      {"ok", false},
      {"errors", Json::array({Json{{"code", code}, {"pointer", pointer}, {"message", message}}})}};
}

Reply Fail(int status, const std::string& code, const std::string& pointer,
           const std::string& message, Json extra) {
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

bool Failed(const Json& result) { return result.is_object() && result.value("ok", true) == false; }

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
Json OutcomeDifferences(const Json& verification, const Json& client_now, const Json& server_now) {
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
  if (value.is_string())
    return value.get_ref<const std::string&>().find(kOwnerPhrase) != std::string::npos;
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
  // The details an operation writes about the member it names (edit_member's).
  Withhold(op, member != op->end() && member->is_string() ? member->get<std::string>() : "", true,
           true);
  if (auto list = op->find("members"); list != op->end() && list->is_array()) {
    for (Json& mb : *list) {
      if (mb.is_object()) Withhold(&mb, mb.value("id", ""), true, true);
    }
  }
}

}  // namespace rolegate::server::authority_detail
