// Fields of a JSON object already validated (an operation, a bundle's record), read
// into typed values.
#ifndef ROLEGATE_BASE_FIELDS_H_
#define ROLEGATE_BASE_FIELDS_H_

#include <optional>
#include <string>

#include "rolegate/json.h"

namespace rolegate {
namespace internal {

// The string at `key`, or "" when absent or not a string.
inline std::string StringAt(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The string at `key`, or nullopt when absent or not a string.
inline std::optional<std::string> OptionalString(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_BASE_FIELDS_H_
