// A simulated state: a compiled model plus a few changed members and added or
// removed bindings, read through the same interface as Model. Simulation applies
// role and status changes here instead of recompiling the bundle, so previewing
// one change costs in proportion to what it touches, not to the bundle's size.
#ifndef ROLEGATE_OVERLAY_H_
#define ROLEGATE_OVERLAY_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "model.h"
#include "rolegate/json.h"
#include "rolegate/policy.h"

namespace rolegate {
namespace internal {

class Overlay {
 public:
  // `base` must outlive the overlay.
  explicit Overlay(const Model& base) : base_(&base) {}

  // The read interface (see Model).
  const Model& model() const { return *base_; }
  const Member& member(Index i) const {
    auto it = changed_.find(i);
    return it == changed_.end() ? base_->members[i] : it->second;
  }
  const Binding& binding(uint32_t b) const {
    return b < base_count() ? base_->bindings[b] : added_[b - base_count()];
  }
  const BindingKey& key(uint32_t b) const {
    return b < base_count() ? base_->binding_keys[b] : added_keys_[b - base_count()];
  }
  const Index* FindMember(const std::string& id) const { return base_->member_index.Get(id); }
  size_t member_count() const { return base_->members.size(); }
  bool Covers(uint32_t b, Index scope) const {
    const BindingKey& k = key(b);
    if (k.scope == scope) return true;
    return base_->roles[k.role].descendants && base_->IsAncestorOrSelf(k.scope, scope);
  }
  bool Live(uint32_t b) const { return removed_.empty() || !removed_.count(b); }
  template <typename F>
  void ForEachBindingOfMember(Index m, F&& f) const {
    base_->ForEachBindingOfMember(m, [&](uint32_t b) {
      if (Live(b)) f(b);
    });
    if (auto it = added_by_member_.find(m); it != added_by_member_.end()) {
      for (uint32_t b : it->second) {
        if (Live(b)) f(b);
      }
    }
  }
  template <typename F>
  void ForEachBindingOnScope(Index s, F&& f) const {
    base_->ForEachBindingOnScope(s, [&](uint32_t b) {
      if (Live(b)) f(b);
    });
    if (auto it = added_by_scope_.find(s); it != added_by_scope_.end()) {
      for (uint32_t b : it->second) {
        if (Live(b)) f(b);
      }
    }
  }
  template <typename F>
  void ForEachBindingCovering(Index scope, F&& f) const {
    for (Index s = scope; s != kNone; s = base_->scopes[s].parent) {
      ForEachBindingOnScope(s, [&](uint32_t b) {
        if (s == scope || base_->roles[key(b).role].descendants) f(b);
      });
    }
  }

  // Changes. The member entry is the member's bundle JSON after the change.
  void SetMember(Index i, Member member, Json entry) {
    changed_[i] = std::move(member);
    changed_json_[i] = std::move(entry);
  }
  // The member's bundle JSON as it stands.
  const Json& MemberJson(Index i) const {
    auto it = changed_json_.find(i);
    return it == changed_json_.end() ? base_->bundle["members"][i] : it->second;
  }
  uint32_t AddBinding(Binding b, Json entry);
  void RemoveBinding(uint32_t b) { removed_.insert(b); }

  // Where binding `b` stands in the bundle's `bindings` list after the change.
  size_t MaterializedPosition(uint32_t b) const;
  // The whole bundle after the change (a copy of the base's JSON, edited).
  Json Materialize() const;

 private:
  uint32_t base_count() const { return static_cast<uint32_t>(base_->bindings.size()); }

  const Model* base_;
  std::map<Index, Member> changed_;
  std::map<Index, Json> changed_json_;
  std::vector<Binding> added_;
  std::vector<BindingKey> added_keys_;
  std::vector<Json> added_json_;
  std::set<uint32_t> removed_;
  std::map<Index, std::vector<uint32_t>> added_by_member_, added_by_scope_;
};

// Policy::Decide on a view: a compiled Model or an Overlay (decide.cc).
template <typename V>
DecideResult DecideIn(const V& v, const Request& req, bool explain);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_OVERLAY_H_
