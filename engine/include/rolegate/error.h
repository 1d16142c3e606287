// Errors as values. Every problem rolegate reports about an input document is an
// Error: a stable snake_case code, a JSON Pointer (RFC 6901) to the offending value
// and a plain lowercase message. Nothing in the public API throws.
#ifndef ROLEGATE_ERROR_H_
#define ROLEGATE_ERROR_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rolegate {

struct Error {
  std::string code;     // e.g. "unknown_role"
  std::string pointer;  // e.g. "/bindings/3/role"; "" is the whole document
  std::string message;  // e.g. "unknown role `billing.admn`"
};

using Errors = std::vector<Error>;

// Appends one path segment to a JSON Pointer, escaping `~` and `/`.
std::string PointerAppend(const std::string& pointer, const std::string& token);
std::string PointerAppend(const std::string& pointer, size_t index);

// {"code", "pointer", "message"}.
nlohmann::json ErrorToJson(const Error& error);

// {"ok": false, "errors": [...]}: the shape of every failed result.
nlohmann::json ErrorsToJson(const Errors& errors);

// A failed result with every error's pointer put under `prefix` (a pointer into
// a document that holds the one the errors point into); any other value as it is.
nlohmann::json ErrorsUnder(nlohmann::json result, const std::string& prefix);

}  // namespace rolegate

#endif  // ROLEGATE_ERROR_H_
