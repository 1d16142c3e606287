#include "io.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <system_error>

namespace rolegate::cli {
namespace {

namespace fs = std::filesystem;

// "No such file or directory" -> "no such file or directory": messages are lowercase.
std::string Lowercased(std::string reason) {
  if (!reason.empty()) {
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  }
  return reason;
}

std::string CannotRead(const std::string& path, const std::string& reason) {
  return "cannot read `" + path + "`: " + Lowercased(reason);
}

// Reads names from `list` (an array of objects) into `map`: id -> object[key].
void Collect(const Json& bundle, const char* list, const char* key,
             std::unordered_map<std::string, std::string>* map) {
  const auto it = bundle.find(list);
  if (it == bundle.end() || !it->is_array()) return;
  for (const Json& item : *it) {
    if (!item.is_object()) continue;
    const std::string id = StringField(item, "id");
    const std::string name = StringField(item, key);
    if (!id.empty() && !name.empty()) (*map)[id] = name;
  }
}

}  // namespace

std::optional<std::string> ReadInput(const std::string& path, std::string* error) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) {
      *error = CannotRead(path, "read error on standard input");
      return std::nullopt;
    }
    return buffer.str();
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    *error = CannotRead(path, "is a directory");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = CannotRead(path, std::strerror(errno));
    return std::nullopt;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    *error = CannotRead(path, "read error");
    return std::nullopt;
  }
  return text;
}

std::optional<Bundle> ReadBundle(const std::string& path) {
  std::string error;
  std::optional<std::string> text = ReadInput(path, &error);
  if (!text) {
    std::cerr << "rolegate: " << error << "\n";
    return std::nullopt;
  }
  Bundle bundle;
  bundle.path = path;
  bundle.text = std::move(*text);
  bundle.loaded = LoadPolicy(bundle.text);
  return bundle;
}

std::optional<Bundle> LoadValidBundle(const std::string& path, Format format) {
  std::optional<Bundle> bundle = ReadBundle(path);
  if (!bundle) return std::nullopt;
  if (bundle->loaded.ok()) return bundle;
  if (format == Format::kJson) {
    PrintJson(ErrorsToJson(bundle->loaded.errors));
  } else {
    std::cerr << "rolegate: invalid bundle `" << path << "`:\n";
    PrintErrorLines(bundle->loaded.errors, std::cerr, "  ");
  }
  return std::nullopt;
}

void PrintJson(const Json& value) { std::cout << Canonical(value) << '\n'; }

std::string ErrorLine(const Error& error) {
  return (error.pointer.empty() ? std::string("(root)") : error.pointer) + ": " + error.code +
         ": " + error.message;
}

std::string ErrorLine(const Json& error) {
  Error e;
  e.code = StringField(error, "code");
  e.pointer = StringField(error, "pointer");
  e.message = StringField(error, "message");
  return ErrorLine(e);
}

void PrintErrorLines(const Errors& errors, std::ostream& out, const std::string& indent) {
  for (const Error& error : errors) out << indent << ErrorLine(error) << '\n';
}

void PrintErrorLines(const Json& failed_result, std::ostream& out, const std::string& indent) {
  const auto it = failed_result.find("errors");
  if (it == failed_result.end() || !it->is_array()) return;
  for (const Json& error : *it) out << indent << ErrorLine(error) << '\n';
}

bool IsFailure(const Json& result) {
  if (!result.is_object()) return true;
  const auto it = result.find("ok");
  return it != result.end() && it->is_boolean() && !it->get<bool>();
}

Names::Names(const Json& bundle) {
  if (!bundle.is_object()) return;
  Collect(bundle, "members", "name", &members_);
  Collect(bundle, "scopes", "name", &scopes_);
  Collect(bundle, "roles", "label", &roles_);
  Collect(bundle, "permissions", "label", &permissions_);
}

Names Names::FromText(const std::string& bundle_text) {
  ParsedJson parsed = ParseJson(bundle_text);
  return parsed.ok() ? Names(parsed.value) : Names();
}

std::string Names::Show(const Map& map, const std::string& id) {
  const auto it = map.find(id);
  return it == map.end() ? id : it->second + " (" + id + ")";
}

std::string Names::Member(const std::string& id) const { return Show(members_, id); }
std::string Names::Scope(const std::string& id) const { return Show(scopes_, id); }
std::string Names::Role(const std::string& id) const { return Show(roles_, id); }
std::string Names::Permission(const std::string& id) const {
  const auto it = permissions_.find(id);
  return it == permissions_.end() ? id : id + " (" + it->second + ")";
}

std::string StringField(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace rolegate::cli
