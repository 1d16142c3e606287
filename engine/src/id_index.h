// A flat, open-addressing map from id strings to dense indexes. One probe usually
// touches one cache line: the slot holds the hash and the key (short ids stay in
// the string's inline buffer), which is what keeps a check's three lookups cheap.
#ifndef ROLEGATE_ID_INDEX_H_
#define ROLEGATE_ID_INDEX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rolegate {
namespace internal {

class IdIndex {
 public:
  using Value = uint32_t;

  // Adds `key`; returns {value now stored, whether it was added}.
  std::pair<Value, bool> emplace(const std::string& key, Value value) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    uint64_t h = Hash(key);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (!s.used) {
        s = Slot{h, key, value, true};
        ++size_;
        return {value, true};
      }
      if (s.hash == h && s.key == key) return {s.value, false};
    }
  }

  // The value for `key`, or null.
  const Value* Get(std::string_view key) const {
    if (size_ == 0) return nullptr;
    uint64_t h = Hash(key);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.hash == h && s.key == key) return &s.value;
    }
  }

  size_t count(std::string_view key) const { return Get(key) != nullptr; }
  // The value for a key known to be present.
  Value at(std::string_view key) const { return *Get(key); }
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string key;
    Value value = 0;
    bool used = false;
  };

  // FNV-1a: the same on every platform, so iteration-free lookups stay portable.
  static uint64_t Hash(std::string_view key) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : key) {
      h ^= c;
      h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
  }

  // Twice the slots; each key moves to its new slot with the hash it has.
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot());
    const size_t mask = slots_.size() - 1;
    for (Slot& s : old) {
      if (!s.used) continue;
      size_t i = s.hash & mask;
      while (slots_[i].used) i = (i + 1) & mask;
      slots_[i] = std::move(s);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_ID_INDEX_H_
