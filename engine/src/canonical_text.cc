#include "canonical_text.h"

namespace rolegate {
namespace internal {

namespace {

// Printable ASCII that needs no escape: what ids, times and messages are made of.
bool Plain(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

void AppendString(std::string* out, std::string_view s) {
  if (Plain(s)) {
    out->push_back('"');
    out->append(s.data(), s.size());
    out->push_back('"');
  } else {
    *out += Canonical(Json(std::string(s)));
  }
}

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  // Digits from the last, on the magnitude as unsigned: INT64_MIN has no
  // positive counterpart.
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *--p = '-';
  out->append(p, static_cast<size_t>(end - p));
}

void AppendCanonical(std::string* out, const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out->push_back(',');
        first = false;
        AppendString(out, it.key());
        out->push_back(':');
        AppendCanonical(out, it.value());
      }
      out->push_back('}');
      return;
    }
    case Json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const Json& x : v) {
        if (!first) out->push_back(',');
        first = false;
        AppendCanonical(out, x);
      }
      out->push_back(']');
      return;
    }
    case Json::value_t::string:
      AppendString(out, v.get_ref<const std::string&>());
      return;
    case Json::value_t::number_integer:
      AppendInt(out, v.get<int64_t>());
      return;
    case Json::value_t::boolean:
      out->append(v.get<bool>() ? "true" : "false");
      return;
    case Json::value_t::null:
      out->append("null");
      return;
    default:  // unsigned, floating-point, binary, discarded: the library's own digits
      *out += Canonical(v);
      return;
  }
}

}  // namespace internal
}  // namespace rolegate
