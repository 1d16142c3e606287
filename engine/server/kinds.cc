#include "kinds.h"

#include <map>
#include <string>
#include <vector>

namespace rolegate::server {

const OperationKind* KindOf(const Json& op) {
  static const std::map<std::string, OperationKind> kKinds = [] {
    std::map<std::string, OperationKind> kinds;
    for (OperationKind& k : OperationKinds()) kinds.emplace(k.name, std::move(k));
    return kinds;
  }();
  if (!op.is_object()) return nullptr;
  auto name = op.find("op");
  if (name == op.end() || !name->is_string()) return nullptr;
  auto it = kKinds.find(name->get<std::string>());
  return it != kKinds.end() ? &it->second : nullptr;
}

}  // namespace rolegate::server
