// The pieces the Authority's files share (authority*.cc): error replies, the
// verification outcome, and how names and e-mails are withheld from a caller.
#ifndef ROLEGATE_SERVER_AUTHORITY_UTIL_H_
#define ROLEGATE_SERVER_AUTHORITY_UTIL_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "authority.h"

namespace rolegate::server::authority_detail {

Json ErrorBody(const std::string& code, const std::string& pointer, const std::string& message);
// A failed reply: `status`, one error, and `extra` fields beside it.
Reply Fail(int status, const std::string& code, const std::string& pointer,
           const std::string& message, Json extra = Json::object());
// Prefixes every error pointer of a failed engine result with `prefix`.
Json Under(Json result, const std::string& prefix);
bool Failed(const Json& result);
Reply NotActive(const std::string& caller);
const Json* FindById(const Json& bundle, const char* list, const std::string& id);
// The change set's blockers for the server: a denied operation or a broken
// `error` invariant. A conditional operation is committed as a pending request
// or verification.
bool Blocked(const Json& simulation);
// Seconds since the epoch of an engine timestamp (2026-12-01T09:30:00Z), or
// nullopt when `value` is not one.
std::optional<int64_t> Seconds(const Json& value);
// The differences of a verification at the server's time that change the
// outcome. Left out: the revision after (it hashes the time of the change, which
// the server decides) and times that moved by exactly as much as `now` did (an
// expiry 28 days after now is the same outcome a few seconds later).
Json OutcomeDifferences(const Json& verification, const Json& client_now, const Json& server_now);
// At most a thousand differences in `body` (the rest counted).
Json Capped(Json differences, Json* body);
std::string EmailDomain(const std::string& email);
std::string FormatTime(int64_t seconds);
// The placeholder of a member's e-mail, keeping its domain.
std::string Placeholder(const std::string& member, const std::string& email);
// Whether any string of `value` names the owner of a taken e-mail.
bool NamesAnOwner(const Json& value);
// Replaces, in every string of `value`, the owner a taken e-mail names, when the
// caller may not see that owner's e-mail.
void Scrub(Json* value, const std::set<std::string>& owners);
// Replaces the `name` and the `email` an object gives member `id` by their
// placeholders, as asked; true when it changed anything.
bool Withhold(Json* entry, const std::string& id, bool name, bool email);
// An operation of an approval request as someone who neither asked nor may
// decide sees it: the name and e-mail it gives a member are withheld.
void RedactOperation(Json* op);

}  // namespace rolegate::server::authority_detail

#endif  // ROLEGATE_SERVER_AUTHORITY_UTIL_H_
