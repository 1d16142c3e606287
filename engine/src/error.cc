#include "rolegate/error.h"

#include <algorithm>
#include <string_view>

#include "pointer_order.h"

namespace rolegate {

std::string PointerAppend(const std::string& pointer, const std::string& token) {
  std::string out = pointer;
  out.reserve(pointer.size() + token.size() + 1);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string PointerAppend(const std::string& pointer, size_t index) {
  return pointer + "/" + std::to_string(index);
}

nlohmann::json ErrorToJson(const Error& error) {
  return nlohmann::json{
      {"code", error.code}, {"pointer", error.pointer}, {"message", error.message}};
}

nlohmann::json ErrorsToJson(const Errors& errors) {
  nlohmann::json list = nlohmann::json::array();
  for (const Error& e : errors) list.push_back(ErrorToJson(e));
  return nlohmann::json{{"ok", false}, {"errors", std::move(list)}};
}

nlohmann::json ErrorsUnder(nlohmann::json result, const std::string& prefix) {
  if (!result.is_object() || result.value("ok", true)) return result;
  auto errors = result.find("errors");
  if (errors == result.end() || !errors->is_array()) return result;
  for (nlohmann::json& e : *errors) {
    if (e.is_object() && e.contains("pointer") && e["pointer"].is_string()) {
      e["pointer"] = prefix + e["pointer"].get<std::string>();
    }
  }
  return result;
}

namespace internal {

bool PointerLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    size_t ie = a.find('/', i + 1), je = b.find('/', j + 1);
    if (ie == std::string::npos) ie = a.size();
    if (je == std::string::npos) je = b.size();
    std::string_view ta(a.data() + i + 1, ie - i - 1), tb(b.data() + j + 1, je - j - 1);
    bool na = !ta.empty() && ta.find_first_not_of("0123456789") == std::string_view::npos;
    bool nb = !tb.empty() && tb.find_first_not_of("0123456789") == std::string_view::npos;
    if (na && nb && ta.size() != tb.size()) return ta.size() < tb.size();
    if (ta != tb) return ta < tb;
    i = ie;
    j = je;
  }
  return a.size() - i < b.size() - j;
}

void SortErrors(Errors* errors) {
  std::stable_sort(errors->begin(), errors->end(), [](const Error& x, const Error& y) {
    return PointerLess(x.pointer, y.pointer);
  });
}

}  // namespace internal
}  // namespace rolegate
