// A simulated state: a compiled model plus a few changed or added members and
// added or removed bindings, read through the same interface as Model. Simulation applies
// role and status changes here instead of recompiling the bundle, so previewing
// one change costs in proportion to what it touches, not to the bundle's size.
#ifndef ROLEGATE_OVERLAY_H_
#define ROLEGATE_OVERLAY_H_

#include <map>
#include <memory>
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
    if (i >= base_members()) {
      const MemberChunk& c = ChunkOf(i);
      return c.members[i - c.start];
    }
    auto it = changed_.find(i);
    return it == changed_.end() ? base_->members[i] : it->second;
  }
  const Binding& binding(uint32_t b) const {
    return b < base_count() ? base_->bindings[b] : added_[b - base_count()];
  }
  const BindingKey& key(uint32_t b) const {
    return b < base_count() ? base_->binding_keys[b] : added_keys_[b - base_count()];
  }
  const Index* FindMember(const std::string& id) const {
    if (const Index* i = base_->member_index.Get(id)) return i;
    for (const auto& c : chunks_) {
      auto it = c->index.find(id);
      if (it != c->index.end()) return &it->second;
    }
    return nullptr;
  }
  size_t member_count() const { return base_->members.size() + added_member_count(); }
  bool Live(uint32_t b) const { return removed_.empty() || !removed_.count(b); }
  template <typename F>
  void ForEachBindingOfMember(Index m, F&& f) const {
    if (m < base_members()) {
      base_->ForEachBindingOfMember(m, [&](uint32_t b) {
        if (Live(b)) f(b);
      });
    }
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

  // Changes. The member entry is the member's bundle JSON after the change.
  void SetMember(Index i, Member member, Json entry) {
    if (i >= base_members()) {
      MemberChunk& c = OwnChunkOf(i);
      c.members[i - c.start] = std::move(member);
      c.json[i - c.start] = std::move(entry);
      return;
    }
    changed_[i] = std::move(member);
    changed_json_[i] = std::move(entry);
  }
  // A new member, appended to the bundle's members; returns its index.
  Index AddMember(Member member, Json entry, std::string lower_email) {
    const Index i = static_cast<Index>(member_count());
    // A copy of an overlay shares the chunks it was copied with; what it adds
    // goes to a chunk of its own, so copying an overlay never copies members.
    if (chunks_.empty() || chunks_.back().use_count() > 1) {
      // Chunks are kept at sizes that at least halve from one to the next (the
      // last two are merged, into a new chunk, until they do), so there are
      // O(log n) of them to search and each member is copied O(log n) times.
      while (chunks_.size() >= 2 &&
             chunks_.back()->members.size() * 2 >= chunks_[chunks_.size() - 2]->members.size()) {
        auto merged = std::make_shared<MemberChunk>(*chunks_[chunks_.size() - 2]);
        const MemberChunk& last = *chunks_.back();
        merged->members.insert(merged->members.end(), last.members.begin(), last.members.end());
        merged->json.insert(merged->json.end(), last.json.begin(), last.json.end());
        merged->index.insert(last.index.begin(), last.index.end());
        merged->emails.insert(last.emails.begin(), last.emails.end());
        chunks_.pop_back();
        chunks_.back() = std::move(merged);
      }
      chunks_.push_back(std::make_shared<MemberChunk>());
      chunks_.back()->start = i;
    }
    MemberChunk& c = *chunks_.back();
    c.index.emplace(member.id, i);
    if (!lower_email.empty()) c.emails.insert(std::move(lower_email));
    c.members.push_back(std::move(member));
    c.json.push_back(std::move(entry));
    return i;
  }
  size_t added_member_count() const {
    return chunks_.empty()
               ? 0
               : chunks_.back()->start + chunks_.back()->members.size() - base_members();
  }
  // Whether a member added here has this e-mail (lower case).
  bool AddedEmail(const std::string& lower_email) const {
    for (const auto& c : chunks_) {
      if (c->emails.count(lower_email)) return true;
    }
    return false;
  }
  // The member's bundle JSON as it stands.
  Json MemberJson(Index i) const {
    if (i >= base_members()) {
      const MemberChunk& c = ChunkOf(i);
      return c.json[i - c.start];
    }
    auto it = changed_json_.find(i);
    return it == changed_json_.end() ? base_->lists[kMemberList].Parse(i) : it->second;
  }
  uint32_t AddBinding(Binding b, Json entry);
  void RemoveBinding(uint32_t b) { removed_.insert(b); }

  // Where binding `b` stands in the bundle's `bindings` list after the change.
  size_t MaterializedPosition(uint32_t b) const;
  // The whole bundle after the change (a copy of the base's JSON, edited).
  Json Materialize() const;

 private:
  uint32_t base_count() const { return static_cast<uint32_t>(base_->bindings.size()); }
  Index base_members() const { return static_cast<Index>(base_->members.size()); }

  // Members added by one operation (or a run of edits of one overlay).
  struct MemberChunk {
    Index start = 0;  // the index of members[0]
    std::vector<Member> members;
    std::vector<Json> json;
    std::map<std::string, Index> index;
    std::set<std::string> emails;  // lower case
  };
  size_t ChunkPosition(Index i) const {
    size_t lo = 0, hi = chunks_.size();
    while (hi - lo > 1) {
      const size_t mid = (lo + hi) / 2;
      if (chunks_[mid]->start <= i) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
  const MemberChunk& ChunkOf(Index i) const { return *chunks_[ChunkPosition(i)]; }
  // The chunk of member i, copied first when another overlay shares it.
  MemberChunk& OwnChunkOf(Index i) {
    std::shared_ptr<MemberChunk>& c = chunks_[ChunkPosition(i)];
    if (c.use_count() > 1) c = std::make_shared<MemberChunk>(*c);
    return *c;
  }

  const Model* base_;
  std::map<Index, Member> changed_;
  std::map<Index, Json> changed_json_;
  std::vector<Binding> added_;
  std::vector<BindingKey> added_keys_;
  std::vector<Json> added_json_;
  std::set<uint32_t> removed_;
  std::map<Index, std::vector<uint32_t>> added_by_member_, added_by_scope_;
  // Members the change adds, after the base's, in the order added.
  std::vector<std::shared_ptr<MemberChunk>> chunks_;
};

// Policy::Decide on a view: a compiled Model or an Overlay (decide.cc).
template <typename V>
DecideResult DecideIn(const V& v, const Request& req, bool explain);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_OVERLAY_H_
