// Canonical JSON written straight into a string, for answers built without a
// JSON document (a decision, above all): the bytes are those of Canonical() of
// the same value. Strings of plain ASCII are written as they are; any other
// string, and any number that is not an integer, is written by the JSON library
// itself, so the two can never disagree on escaping or on a number's digits.
#ifndef ROLEGATE_CANONICAL_TEXT_H_
#define ROLEGATE_CANONICAL_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// A JSON string: `s` in quotes, escaped as Canonical() escapes it.
void AppendString(std::string* out, std::string_view s);
void AppendInt(std::string* out, int64_t v);
// Canonical(v), appended.
void AppendCanonical(std::string* out, const Json& v);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_CANONICAL_TEXT_H_
