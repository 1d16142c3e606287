// Parsing JSON text with limits, and writing canonical JSON.
//
// Canonical JSON is what makes two builds comparable byte for byte: object keys in
// byte order, no insignificant whitespace, integers only, UTF-8 as is.
#ifndef ROLEGATE_JSON_H_
#define ROLEGATE_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "rolegate/error.h"
#include "rolegate/limits.h"

namespace rolegate {

using Json = nlohmann::json;

struct ParsedJson {
  Json value;
  Errors errors;
  bool ok() const { return errors.empty(); }
};

// Parses `text`. Reports parse_error (with line and column), input_too_large,
// nesting_too_deep, string_too_long and duplicate_key. Never throws.
ParsedJson ParseJson(std::string_view text, const Limits& limits = Limits());

// The same, for a document that starts on line `first_line` (1-based) of a larger
// text, such as one line of JSON Lines: a parse_error names the line of that text.
ParsedJson ParseJsonAt(std::string_view text, size_t first_line, const Limits& limits = Limits());

// The number of characters (Unicode code points) in `text`, which is UTF-8 (the
// parser refuses anything else): how every length limit counts, as JSON Schema's
// `maxLength` does.
size_t Utf8Length(std::string_view text);

// The canonical text of `value`. Never throws.
std::string Canonical(const Json& value);

// The canonical text of `value`, indented by two spaces, for people.
std::string Pretty(const Json& value);

// Every place where two values differ, as Policy::Verify lists them: an array of
// {"pointer", "expected"?, "actual"?} (a side that lacks the value has no key), object
// keys visited in sorted order, array elements by index, numbers compared by value.
Json Differences(const Json& expected, const Json& actual);

}  // namespace rolegate

#endif  // ROLEGATE_JSON_H_
