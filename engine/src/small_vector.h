// A vector that keeps its first N elements inline, so the few bindings a check
// collects cost no allocation. Only what the engine needs: push_back, iteration,
// size, clear.
#ifndef ROLEGATE_SMALL_VECTOR_H_
#define ROLEGATE_SMALL_VECTOR_H_

#include <array>
#include <cstddef>
#include <vector>

namespace rolegate {
namespace internal {

template <typename T, size_t N>
class SmallVector {
 public:
  void push_back(const T& v) {
    if (size_ < N) {
      inline_[size_] = v;
    } else {
      if (size_ == N) heap_.assign(inline_.begin(), inline_.end());
      heap_.push_back(v);
    }
    ++size_;
  }
  const T* begin() const { return size_ <= N ? inline_.data() : heap_.data(); }
  const T* end() const { return begin() + size_; }
  const T& operator[](size_t i) const { return begin()[i]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() {
    size_ = 0;
    heap_.clear();
  }

 private:
  std::array<T, N> inline_{};
  std::vector<T> heap_;
  size_t size_ = 0;
};

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_SMALL_VECTOR_H_
