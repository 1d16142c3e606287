#include "rolegate/error.h"

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

}  // namespace rolegate
