// Checks the shape of JSON input field by field, recording every problem as an
// Error with a pointer. Accessors return null / nullopt for a missing or wrong
// value, so callers can go on and find the next problem.
#ifndef ROLEGATE_SHAPE_H_
#define ROLEGATE_SHAPE_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rolegate/error.h"
#include "rolegate/json.h"

namespace rolegate {
namespace internal {

inline constexpr size_t kMaxIdLength = 256;

// 1 to 256 characters, none of them a control character.
bool IsValidId(std::string_view id);

// YYYY-MM-DDTHH:MM:SSZ with plausible field ranges.
bool IsTimestamp(std::string_view text);

// `timestamp` (valid) plus `days` whole days, in the same form. Pure calendar
// arithmetic on the proleptic Gregorian calendar: no clock, no time zone. Past
// the years 0000 to 9999, the range's first or last second.
std::string AddDays(const std::string& timestamp, int64_t days);

// An id and the pointer to where it was written.
struct IdAt {
  std::string id;
  std::string pointer;
};

class Shape {
 public:
  explicit Shape(Errors* errors) : errors_(errors) {}

  void Add(const char* code, const std::string& pointer, std::string message) {
    errors_->push_back({code, pointer, std::move(message)});
  }
  size_t error_count() const { return errors_->size(); }
  // Where problems go from now on.
  void set_errors(Errors* errors) { errors_ = errors; }

  // `v` must be an object whose keys are all in `allowed`.
  bool Object(const Json& v, const std::string& pointer,
              std::initializer_list<std::string_view> allowed);
  bool Object(const Json& v, const std::string& pointer,
              const std::vector<std::string_view>& allowed);

  // The field `key` of `obj` (an object), or null when absent. Reports
  // missing_field when `required`.
  const Json* Field(const Json& obj, const char* key, const std::string& pointer, bool required);

  const std::string* String(const Json& obj, const char* key, const std::string& pointer,
                            bool required);
  // A string of 1..256 characters.
  const std::string* Id(const Json& obj, const char* key, const std::string& pointer,
                        bool required);
  const std::string* Timestamp(const Json& obj, const char* key, const std::string& pointer,
                               bool required);
  std::optional<int64_t> Integer(const Json& obj, const char* key, const std::string& pointer,
                                 bool required, int64_t min, int64_t max);
  std::optional<bool> Bool(const Json& obj, const char* key, const std::string& pointer);
  // An array of at most `max_items` (too_many_items beyond), non-empty if asked.
  const Json* Array(const Json& obj, const char* key, const std::string& pointer, bool required,
                    size_t max_items, bool non_empty = false);
  // An array of ids.
  std::vector<IdAt> IdList(const Json& obj, const char* key, const std::string& pointer,
                           bool required, size_t max_items, bool non_empty = false);
  // An object of strings, integers and booleans.
  const Json* ScalarMap(const Json& obj, const char* key, const std::string& pointer);

  // Checks a value that must be an id (used for array elements).
  bool IsIdValue(const Json& v, const std::string& pointer);
  // Checks an integer value (not a field).
  std::optional<int64_t> IntegerValue(const Json& v, const std::string& pointer, int64_t min,
                                      int64_t max);

 private:
  // A number with a fraction where an integer was wanted: not_an_integer, or
  // invalid_value when it is an integer beyond 64 bits (read as a double).
  void NotAnInteger(const Json& v, const std::string& pointer);

  Errors* errors_;
};

// Plain type words for messages: "an object", "a string", ...
const char* TypeName(const Json& v);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_SHAPE_H_
