// A SAX handler that builds the DOM while enforcing limits, so that oversized or
// hostile input is refused before it costs memory, and every error gets a pointer.
#include "rolegate/json.h"

#include <deque>
#include <string>
#include <vector>

#include "json_stream.h"
#include "pointer_order.h"

namespace rolegate {
namespace {

class LimitedBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  LimitedBuilder(const Limits& limits, Json* root, Errors* errors)
      : limits_(limits), root_(root), errors_(errors) {}

  // Hands each element of the root object's arrays named in `lists` to `sink` as
  // soon as it is complete, rather than keeping it: such an array stays empty in
  // the document. Pointers in errors count the elements handed over.
  void Divert(const std::vector<std::string_view>* lists, internal::ElementSink* sink) {
    lists_ = lists;
    sink_ = sink;
  }

  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool v) { return Put(Json(v)); }
  bool number_integer(number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(number_float_t v, const string_t&) { return Put(Json(v)); }
  bool binary(binary_t&) { return Fail("parse_error", "", "binary values are not json"); }

  bool string(string_t& v) {
    // Bytes are at least as many as characters: count only when it matters.
    if (v.size() > limits_.max_string && Utf8Length(v) > limits_.max_string) {
      return Fail("string_too_long", CurrentPointer(),
                  "string of " + std::to_string(Utf8Length(v)) +
                      " characters exceeds the limit of " + std::to_string(limits_.max_string));
    }
    return Put(Json(std::move(v)));
  }

  bool start_object(std::size_t) { return Open(Json::object()); }
  bool start_array(std::size_t) { return Open(Json::array()); }

  bool key(string_t& k) {
    if (k.size() > limits_.max_string && Utf8Length(k) > limits_.max_string) {
      // The key has no pointer of its own: the object that holds it.
      return Fail("string_too_long", PointerOfTop(),
                  "object key of " + std::to_string(Utf8Length(k)) +
                      " characters exceeds the limit of " + std::to_string(limits_.max_string));
    }
    Json* object = stack_.back().node;
    if (object->contains(k)) {
      // Keep going: report every repeated key, keep the first value.
      errors_->push_back({"duplicate_key", PointerAppend(PointerOfTop(), k),
                          "key `" + k + "` appears more than once in this object"});
      stack_.back().key = k;
      stack_.back().skip_next = true;
      return true;
    }
    stack_.back().key = k;
    stack_.back().skip_next = false;
    return true;
  }

  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) {
    parse_failed_ = true;
    parse_what_ = ex.what();
    // Where the parser stopped: `position` bytes read, so the last byte read is
    // the one that broke the input (1-based), or one past the end when the input
    // ran out. The token's start is found in the text later (ErrorStart): the
    // parser's `last_token` holds everything read since the last string or number
    // (whitespace, punctuation, a literal's letters) with control characters
    // spelled out, so its length says nothing reliable about where a token began.
    const bool ended = parse_what_.find("unexpected end of input") != std::string::npos;
    parse_position_ = ended ? position + 1 : position;
    parse_ended_ = ended;
    (void)last_token;
    return false;
  }

  bool parse_failed() const { return parse_failed_; }
  bool parse_ended() const { return parse_ended_; }
  size_t parse_position() const { return parse_position_; }
  const std::string& parse_what() const { return parse_what_; }

 private:
  struct Frame {
    Json* node;
    std::string key;         // last key seen, for objects
    bool skip_next = false;  // the value belongs to a duplicate key
    size_t count = 0;        // elements added, for arrays
    int divert = -1;         // for a diverted array, its index in `lists_`
  };

  std::string PointerOfTop() const {
    std::string p;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.node->is_object()) {
        p = PointerAppend(p, f.key);
      } else {
        p = PointerAppend(p, f.count - 1);
      }
    }
    return p;
  }

  // Pointer of the value about to be added.
  std::string CurrentPointer() const {
    if (stack_.empty()) return "";
    std::string p = PointerOfTop();
    const Frame& f = stack_.back();
    return f.node->is_object() ? PointerAppend(p, f.key) : PointerAppend(p, f.count);
  }

  // The index in `lists_` of the array about to be opened under the root, or -1.
  int DivertedList() const {
    if (lists_ == nullptr || stack_.size() != 1) return -1;
    const Frame& root = stack_.back();
    if (!root.node->is_object() || root.skip_next) return -1;
    for (size_t i = 0; i < lists_->size(); ++i) {
      if ((*lists_)[i] == root.key) return static_cast<int>(i);
    }
    return -1;
  }

  // The element just completed in the diverted array on top goes to the sink.
  void HandOver() {
    Frame& f = stack_.back();
    Json::array_t& array = f.node->get_ref<Json::array_t&>();
    sink_->Element(static_cast<size_t>(f.divert), f.count - 1, std::move(array.back()));
    array.pop_back();
  }

  // Adds a value to the current container (or as the root); returns its address.
  Json* Insert(Json&& v) {
    if (stack_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    Frame& f = stack_.back();
    if (f.node->is_object()) {
      if (f.skip_next) {
        f.skip_next = false;
        discard_ = std::move(v);
        return &discard_;
      }
      Json& slot = (*f.node)[f.key];
      slot = std::move(v);
      return &slot;
    }
    ++f.count;
    f.node->push_back(std::move(v));
    return &f.node->back();
  }

  bool Put(Json&& v) {
    Insert(std::move(v));
    if (!stack_.empty() && stack_.back().divert >= 0) HandOver();
    return true;
  }

  bool Open(Json&& container) {
    if (stack_.size() >= limits_.max_depth) {
      return Fail("nesting_too_deep", CurrentPointer(),
                  "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    const int divert = container.is_array() ? DivertedList() : -1;
    Json* node = Insert(std::move(container));
    // A duplicate key's container is parsed into a scratch value that must not be
    // reused while open; give it its own storage.
    if (node == &discard_) {
      scratch_.emplace_back(std::move(discard_));
      node = &scratch_.back();
    }
    stack_.push_back(Frame{node, std::string(), false, 0, divert});
    return true;
  }

  bool Close() {
    stack_.pop_back();
    if (!stack_.empty() && stack_.back().divert >= 0) HandOver();
    return true;
  }

  bool Fail(const char* code, const std::string& pointer, const std::string& message) {
    errors_->push_back({code, pointer, message});
    return false;
  }

  const Limits& limits_;
  Json* root_;
  Errors* errors_;
  std::vector<Frame> stack_;
  Json discard_;
  std::deque<Json> scratch_;  // values under duplicate keys; a deque keeps
                              // addresses stable while their frames are open
  const std::vector<std::string_view>* lists_ = nullptr;
  internal::ElementSink* sink_ = nullptr;
  bool parse_failed_ = false;
  bool parse_ended_ = false;
  size_t parse_position_ = 0;
  std::string parse_what_;
};

// "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error
// while parsing object - unexpected '}'" -> "syntax error while parsing object -
// unexpected '}'".
std::string ParseDetail(const std::string& what) {
  size_t at = what.find("column ");
  if (at != std::string::npos) {
    size_t colon = what.find(": ", at);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  size_t bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

// The 1-based position of the first byte of the token that broke the input, given
// the 1-based position `last` of the byte at which the parser stopped: a string
// from its opening quote, a number or a literal from its first character, and
// anything else (a misplaced comma, bracket or colon, an unexpected character) at
// that byte itself.
size_t ErrorStart(std::string_view text, size_t last, const std::string& what) {
  if (last == 0 || last > text.size()) return last;
  size_t i = last - 1;  // 0-based, the byte the parser stopped at
  auto has = [&what](const char* s) { return what.find(s) != std::string::npos; };
  if (has("invalid string") || has("unexpected string literal")) {
    // Back to the nearest quote before that byte that no backslash escapes: no
    // string holds an unescaped quote, so that is the opening one. (The byte
    // itself may be a quote: the closing one of an unexpected string, or one
    // read as a digit of a short \u escape.)
    size_t j = i;
    while (j > 0) {
      --j;
      if (text[j] != '"') continue;
      size_t backslashes = 0;
      while (backslashes < j && text[j - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return j + 1;
    }
    return last;
  }
  auto number = [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  };
  auto letter = [](char c) { return c >= 'a' && c <= 'z'; };
  if (has("invalid number") || has("unexpected number literal") || has("number overflow")) {
    // The parser stops after the character that ended the number, or on the
    // digit that ended it well-formed: back over the number's characters.
    size_t j = i;
    while (j > 0 && number(text[j - 1])) --j;
    return j + 1;
  }
  if (has("invalid literal") || has("unexpected true literal") || has("unexpected false literal") ||
      has("unexpected null literal")) {
    // A word where a value or a literal was wanted: from its first letter.
    size_t j = i;
    if (!letter(text[j]) && j > 0 && letter(text[j - 1])) --j;
    while (j > 0 && letter(text[j - 1])) --j;
    return j + 1;
  }
  return last;
}

}  // namespace

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;  // not a continuation byte
  return n;
}

ParsedJson ParseJson(std::string_view text, const Limits& limits) {
  return ParseJsonAt(text, 1, limits);
}

ParsedJson ParseJsonAt(std::string_view text, size_t first_line, const Limits& limits) {
  return internal::ParseJsonDiverting(text, first_line, limits, {}, nullptr);
}

namespace internal {

ParsedJson ParseJsonDiverting(std::string_view text, size_t first_line, const Limits& limits,
                              const std::vector<std::string_view>& lists, ElementSink* sink) {
  ParsedJson out;
  if (text.size() > limits.max_bytes) {
    out.errors.push_back({"input_too_large", "",
                          "input of " + std::to_string(text.size()) +
                              " bytes exceeds the limit of " + std::to_string(limits.max_bytes) +
                              " bytes"});
    return out;
  }
  LimitedBuilder builder(limits, &out.value, &out.errors);
  if (sink != nullptr) builder.Divert(&lists, sink);
  bool ok = Json::sax_parse(text.begin(), text.end(), &builder, Json::input_format_t::json,
                            /*strict=*/true);
  if (builder.parse_failed()) {
    // Line and column (1-based) of the character where parsing stopped.
    size_t pos = builder.parse_position();
    std::string detail = ParseDetail(builder.parse_what());
    if (builder.parse_ended() && pos >= 2 && pos - 1 <= text.size() && text[pos - 2] == '\0') {
      // The parser takes a NUL byte for the end of the input: it is a byte that
      // has no place there, at its own position.
      pos -= 1;
      const size_t at = detail.find("unexpected end of input");
      if (at != std::string::npos) detail.replace(at, 23, "unexpected NUL byte");
    } else if (pos > text.size() + 1) {
      pos = text.size() + 1;  // just past the end: where it ran out
    } else if (!builder.parse_ended()) {
      pos = ErrorStart(text, pos, builder.parse_what());
    }
    size_t line = first_line == 0 ? 1 : first_line, column = 1;
    for (size_t i = 0; i + 1 < pos; ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
        ++column;  // columns count characters, as an editor does, not bytes
      }
    }
    out.errors.push_back({"parse_error", "",
                          "invalid json at line " + std::to_string(line) + ", column " +
                              std::to_string(column) + ": " + detail});
  } else if (!ok && out.errors.empty()) {
    out.errors.push_back({"parse_error", "", "invalid json"});
  }
  if (!out.errors.empty()) out.value = Json();
  // Repeated keys are found in the order of the text; errors go out in the order
  // of their pointers, like every other list of errors.
  internal::SortErrors(&out.errors);
  return out;
}

}  // namespace internal

std::string Canonical(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Pretty(const Json& value) {
  return value.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace rolegate
