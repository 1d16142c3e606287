#include "overlay.h"

namespace rolegate {
namespace internal {

uint32_t Overlay::AddBinding(Binding b, Json entry) {
  uint32_t index = base_count() + static_cast<uint32_t>(added_.size());
  added_by_member_[b.member].push_back(index);
  added_by_scope_[b.scope].push_back(index);
  added_keys_.push_back(BindingKey{b.member, b.role, b.scope, b.expires_at.empty() ? 0u : 1u});
  added_.push_back(std::move(b));
  added_json_.push_back(std::move(entry));
  return index;
}

size_t Overlay::MaterializedPosition(uint32_t b) const {
  size_t removed_before = 0;
  for (uint32_t r : removed_) {
    if (r < b) ++removed_before;
  }
  return b - removed_before;
}

Json Overlay::Materialize() const {
  Json out = base_->Document();
  if (!changed_json_.empty()) {
    Json& members = out["members"];
    for (const auto& [i, entry] : changed_json_) members[i] = entry;
  }
  if (!chunks_.empty()) {
    if (!out.contains("members") || !out["members"].is_array()) out["members"] = Json::array();
    Json& members = out["members"];
    for (const auto& c : chunks_) {
      for (const Json& entry : c->json) members.push_back(entry);
    }
  }
  if (!added_.empty() || !removed_.empty()) {
    Json bindings = Json::array();
    Json base = out.contains("bindings") ? std::move(out["bindings"]) : Json::array();
    for (uint32_t b = 0; b < base_count(); ++b) {
      if (Live(b)) bindings.push_back(std::move(base[b]));
    }
    for (uint32_t k = 0; k < added_.size(); ++k) {
      if (Live(base_count() + k)) bindings.push_back(added_json_[k]);
    }
    out["bindings"] = std::move(bindings);
  }
  return out;
}

}  // namespace internal
}  // namespace rolegate
