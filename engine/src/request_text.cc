#include "request_text.h"

#include <cstdint>

#include "shape.h"

namespace rolegate {
namespace internal {

namespace {

// A cursor over the text; every step returns false at anything not plain.
class Plain {
 public:
  Plain(std::string_view text, const Limits& limits) : t_(text), limits_(limits) {}

  void Space() {
    while (i_ < t_.size() &&
           (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) {
      ++i_;
    }
  }
  bool Take(char c) {
    Space();
    if (i_ >= t_.size() || t_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool Peek(char c) {
    Space();
    return i_ < t_.size() && t_[i_] == c;
  }
  bool AtEnd() {
    Space();
    return i_ == t_.size();
  }

  // A string of printable ASCII without escapes, within the string limit.
  bool String(std::string_view* s) {
    if (!Take('"')) return false;
    const size_t start = i_;
    while (i_ < t_.size()) {
      const unsigned char c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') break;
      if (c < 0x20 || c > 0x7E || c == '\\') return false;
      ++i_;
    }
    if (i_ >= t_.size()) return false;
    *s = t_.substr(start, i_ - start);
    ++i_;
    return s->size() <= limits_.max_string;
  }

  // A string, boolean or integer (at most 18 digits, not -0), as the parser
  // would hold it: a non-negative integer unsigned, a negative one signed.
  bool Scalar(Json* v) {
    Space();
    if (i_ >= t_.size()) return false;
    const char c = t_[i_];
    if (c == '"') {
      std::string_view s;
      if (!String(&s)) return false;
      *v = std::string(s);
      return true;
    }
    for (const auto& [word, value] :
         {std::pair{std::string_view("true"), true}, {"false", false}}) {
      if (t_.substr(i_, word.size()) == word) {
        i_ += word.size();
        if (i_ < t_.size() && Alnum(t_[i_])) return false;
        *v = value;
        return true;
      }
    }
    const bool negative = c == '-';
    size_t j = i_ + (negative ? 1 : 0);
    const size_t first = j;
    uint64_t n = 0;
    while (j < t_.size() && t_[j] >= '0' && t_[j] <= '9')
      n = n * 10 + static_cast<uint64_t>(t_[j++] - '0');
    const size_t digits = j - first;
    if (digits == 0 || digits > 18 || (digits > 1 && t_[first] == '0')) return false;
    if (j < t_.size() && (t_[j] == '.' || t_[j] == 'e' || t_[j] == 'E' || Alnum(t_[j])))
      return false;
    if (negative && n == 0) return false;
    i_ = j;
    if (negative) {
      *v = -static_cast<int64_t>(n);
    } else {
      *v = n;
    }
    return true;
  }

 private:
  static bool Alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  std::string_view t_;
  const Limits& limits_;
  size_t i_ = 0;
};

bool ReadAttributes(Plain* in, Json* out) {
  if (!in->Take('{')) return false;
  *out = Json::object();
  if (in->Take('}')) return true;
  do {
    std::string_view key;
    Json value;
    if (!in->String(&key) || !in->Take(':') || !in->Scalar(&value)) return false;
    // `registering` is refused by the general path; a repeated key is an error.
    if (key == "registering" || out->contains(key)) return false;
    (*out)[std::string(key)] = std::move(value);
  } while (in->Take(','));
  return in->Take('}');
}

}  // namespace

bool ReadPlainRequest(std::string_view text, const Limits& limits, Request* out) {
  // The general path refuses these before it reads a byte.
  if (text.size() > limits.max_bytes || limits.max_depth < 2) return false;
  Plain in(text, limits);
  if (!in.Take('{')) return false;
  enum : unsigned { kActor = 1, kAction = 2, kResource = 4, kNow = 8, kAttributes = 16 };
  unsigned seen = 0;
  if (!in.Peek('}')) {
    do {
      std::string_view key;
      if (!in.String(&key) || !in.Take(':')) return false;
      unsigned bit = 0;
      std::string* field = nullptr;
      if (key == "actor") {
        bit = kActor, field = &out->actor;
      } else if (key == "action") {
        bit = kAction, field = &out->action;
      } else if (key == "resource") {
        bit = kResource, field = &out->resource;
      } else if (key == "now") {
        bit = kNow, field = &out->now;
      } else if (key == "attributes") {
        bit = kAttributes;
      }
      if (bit == 0 || (seen & bit) != 0) return false;  // unknown or repeated
      seen |= bit;
      if (field == nullptr) {
        if (!ReadAttributes(&in, &out->attributes)) return false;
        continue;
      }
      std::string_view value;
      if (!in.String(&value)) return false;
      if (bit == kNow ? !IsTimestamp(value) : !IsValidId(value)) return false;
      field->assign(value);
    } while (in.Take(','));
  }
  if (!in.Take('}') || !in.AtEnd()) return false;
  if ((seen & (kActor | kAction | kResource | kNow)) != (kActor | kAction | kResource | kNow)) {
    return false;
  }
  if ((seen & kAttributes) == 0) out->attributes = Json::object();
  return true;
}

}  // namespace internal
}  // namespace rolegate
