#include "shape.h"

#include <cctype>
#include <cstdio>

namespace rolegate {
namespace internal {

bool IsValidId(std::string_view id) {
  if (id.empty() || (id.size() > kMaxIdLength && Utf8Length(id) > kMaxIdLength)) return false;
  for (unsigned char c : id) {
    // An id is shown in messages, tables and terminals: no line breaks, no
    // escape sequences.
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool IsTimestamp(std::string_view t) {
  // 0123456789012345678 9
  // YYYY-MM-DDTHH:MM:SSZ
  if (t.size() != 20) return false;
  static const char kPattern[] = "dddd-dd-ddTdd:dd:ddZ";
  for (size_t i = 0; i < 20; ++i) {
    if (kPattern[i] == 'd') {
      if (t[i] < '0' || t[i] > '9') return false;
    } else if (t[i] != kPattern[i]) {
      return false;
    }
  }
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + (t[at + i] - '0');
    return v;
  };
  int year = num(0, 4), month = num(5, 2), day = num(8, 2), hour = num(11, 2), minute = num(14, 2),
      second = num(17, 2);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) {
    return false;
  }
  // A day the calendar has: 30 days hath September..., and 29 February in leap
  // years only (every fourth year, but not centuries unless divisible by 400).
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

namespace {

// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

}  // namespace

std::string AddDays(const std::string& t, int64_t days) {
  auto num = [&](size_t at, size_t n) {
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v * 10 + (t[at + i] - '0');
    return v;
  };
  int64_t y, m, d;
  CivilFromDays(DaysFromCivil(num(0, 4), num(5, 2), num(8, 2)) + days, &y, &m, &d);
  // Out of the timestamp's range: the range's end, or its start. (Never `t`: an
  // expiry past the year 9999 must not fall on the moment it was set.)
  if (y > 9999) return "9999-12-31T23:59:59Z";
  if (y < 0) return "0000-01-01T00:00:00Z";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return std::string(buf) + t.substr(10);
}

const char* TypeName(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return "an integer";
    case Json::value_t::number_float:
      return "a number with a fraction";
    default:
      return "an unsupported value";
  }
}

bool Shape::Object(const Json& v, const std::string& pointer,
                   std::initializer_list<std::string_view> allowed) {
  return Object(v, pointer, std::vector<std::string_view>(allowed));
}

bool Shape::Object(const Json& v, const std::string& pointer,
                   const std::vector<std::string_view>& allowed) {
  if (!v.is_object()) {
    Add("wrong_type", pointer, std::string("expected an object, found ") + TypeName(v));
    return false;
  }
  for (auto it = v.begin(); it != v.end(); ++it) {
    bool known = false;
    for (std::string_view a : allowed) {
      if (it.key() == a) {
        known = true;
        break;
      }
    }
    if (!known) {
      Add("unknown_field", PointerAppend(pointer, it.key()), "unknown field `" + it.key() + "`");
    }
  }
  return true;
}

const Json* Shape::Field(const Json& obj, const char* key, const std::string& pointer,
                         bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required) {
      Add("missing_field", pointer, std::string("missing required field `") + key + "`");
    }
    return nullptr;
  }
  return &*it;
}

const std::string* Shape::String(const Json& obj, const char* key, const std::string& pointer,
                                 bool required) {
  const Json* v = Field(obj, key, pointer, required);
  if (v == nullptr) return nullptr;
  if (!v->is_string()) {
    Add("wrong_type", PointerAppend(pointer, key),
        std::string("expected a string, found ") + TypeName(*v));
    return nullptr;
  }
  return v->get_ptr<const std::string*>();
}

bool Shape::IsIdValue(const Json& v, const std::string& pointer) {
  if (!v.is_string()) {
    Add("wrong_type", pointer, std::string("expected an id string, found ") + TypeName(v));
    return false;
  }
  const std::string& s = *v.get_ptr<const std::string*>();
  if (s.empty() || (s.size() > kMaxIdLength && Utf8Length(s) > kMaxIdLength)) {
    Add("invalid_value", pointer, "an id must have 1 to 256 characters");
    return false;
  }
  if (!IsValidId(s)) {
    Add("invalid_value", pointer, "an id must not contain control characters");
    return false;
  }
  return true;
}

const std::string* Shape::Id(const Json& obj, const char* key, const std::string& pointer,
                             bool required) {
  const Json* v = Field(obj, key, pointer, required);
  if (v == nullptr) return nullptr;
  if (!IsIdValue(*v, PointerAppend(pointer, key))) return nullptr;
  return v->get_ptr<const std::string*>();
}

const std::string* Shape::Timestamp(const Json& obj, const char* key, const std::string& pointer,
                                    bool required) {
  const std::string* s = String(obj, key, pointer, required);
  if (s == nullptr) return nullptr;
  if (!IsTimestamp(*s)) {
    Add("invalid_timestamp", PointerAppend(pointer, key),
        "`" + *s + "` is not a timestamp of the form YYYY-MM-DDTHH:MM:SSZ");
    return nullptr;
  }
  return s;
}

void Shape::NotAnInteger(const Json& v, const std::string& pointer) {
  // An integer written out that no 64-bit integer holds arrives as a double: it
  // is out of range, not a fraction. (Doubles this large have no fraction.)
  const double d = v.get<double>();
  if (d >= 9223372036854775808.0 || d <= -9223372036854775808.0) {
    Add("invalid_value", pointer, "integer out of range");
  } else {
    Add("not_an_integer", pointer, "expected an integer, found a number with a fraction");
  }
}

std::optional<int64_t> Shape::IntegerValue(const Json& v, const std::string& pointer, int64_t min,
                                           int64_t max) {
  if (v.is_number_float()) {
    NotAnInteger(v, pointer);
    return std::nullopt;
  }
  if (!v.is_number_integer()) {
    Add("wrong_type", pointer, std::string("expected an integer, found ") + TypeName(v));
    return std::nullopt;
  }
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    Add("invalid_value", pointer, "integer out of range");
    return std::nullopt;
  }
  int64_t n = v.get<int64_t>();
  if (n < min || n > max) {
    Add("invalid_value", pointer,
        "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
            ", found " + std::to_string(n));
    return std::nullopt;
  }
  return n;
}

std::optional<int64_t> Shape::Integer(const Json& obj, const char* key, const std::string& pointer,
                                      bool required, int64_t min, int64_t max) {
  const Json* v = Field(obj, key, pointer, required);
  if (v == nullptr) return std::nullopt;
  return IntegerValue(*v, PointerAppend(pointer, key), min, max);
}

std::optional<bool> Shape::Bool(const Json& obj, const char* key, const std::string& pointer) {
  const Json* v = Field(obj, key, pointer, false);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Add("wrong_type", PointerAppend(pointer, key),
        std::string("expected a boolean, found ") + TypeName(*v));
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* Shape::Array(const Json& obj, const char* key, const std::string& pointer,
                         bool required, size_t max_items, bool non_empty) {
  const Json* v = Field(obj, key, pointer, required);
  if (v == nullptr) return nullptr;
  std::string at = PointerAppend(pointer, key);
  if (!v->is_array()) {
    Add("wrong_type", at, std::string("expected an array, found ") + TypeName(*v));
    return nullptr;
  }
  if (v->size() > max_items) {
    Add("too_many_items", at,
        "list of " + std::to_string(v->size()) + " items exceeds the limit of " +
            std::to_string(max_items));
    return nullptr;
  }
  if (non_empty && v->empty()) {
    Add("invalid_value", at, "list must not be empty");
    return nullptr;
  }
  return v;
}

std::vector<IdAt> Shape::IdList(const Json& obj, const char* key, const std::string& pointer,
                                bool required, size_t max_items, bool non_empty) {
  std::vector<IdAt> out;
  const Json* list = Array(obj, key, pointer, required, max_items, non_empty);
  if (list == nullptr) return out;
  std::string at = PointerAppend(pointer, key);
  for (size_t i = 0; i < list->size(); ++i) {
    std::string p = PointerAppend(at, i);
    if (IsIdValue((*list)[i], p)) {
      out.push_back({(*list)[i].get<std::string>(), p});
    }
  }
  return out;
}

const Json* Shape::ScalarMap(const Json& obj, const char* key, const std::string& pointer) {
  const Json* v = Field(obj, key, pointer, false);
  if (v == nullptr) return nullptr;
  std::string at = PointerAppend(pointer, key);
  if (!v->is_object()) {
    Add("wrong_type", at, std::string("expected an object, found ") + TypeName(*v));
    return nullptr;
  }
  bool ok = true;
  for (auto it = v->begin(); it != v->end(); ++it) {
    const Json& x = it.value();
    std::string p = PointerAppend(at, it.key());
    if (x.is_number_float()) {
      NotAnInteger(x, p);
      ok = false;
    } else if (!x.is_string() && !x.is_boolean() && !x.is_number_integer()) {
      Add("wrong_type", p,
          std::string("expected a string, integer or boolean, found ") + TypeName(x));
      ok = false;
    }
  }
  return ok ? v : nullptr;
}

}  // namespace internal
}  // namespace rolegate
