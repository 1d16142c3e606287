// The bundle's big lists as canonical text (model.h).
#include <algorithm>

#include "canonical_text.h"
#include "model.h"

namespace rolegate {
namespace internal {

void ElementTexts::Add(const Json& element) {
  // Canonical(element), written into a buffer that is kept for the next one.
  scratch_.clear();
  AppendCanonical(&scratch_, element);
  if (blocks_.empty() || blocks_.back().size() + scratch_.size() > blocks_.back().capacity()) {
    // Each block as large as all before it, from 4 KB up to kBlock: a short list
    // takes little, a long one a megabyte at a time.
    size_t total = 0;
    for (const std::string& b : blocks_) total += b.size();
    blocks_.emplace_back().reserve(
        std::max(std::min(kBlock, std::max<size_t>(4096, total)), scratch_.size()));
  }
  std::string& block = blocks_.back();
  spans_.push_back(Span{static_cast<uint32_t>(blocks_.size() - 1),
                        static_cast<uint32_t>(block.size()),
                        static_cast<uint32_t>(scratch_.size())});
  block += scratch_;
}

Json ElementTexts::Parse(size_t i) const {
  // Canonical text of a document read before: it parses, and within the limits.
  return Json::parse(at(i), nullptr, /*allow_exceptions=*/false);
}

Json Model::Document() const {
  Json out = rest;
  for (size_t k = 0; k < kBigLists; ++k) {
    if (!out.is_object()) break;
    auto it = out.find(std::string(kBigListKeys[k]));
    if (it == out.end() || !it->is_array()) continue;
    Json::array_t& list = it->get_ref<Json::array_t&>();
    list.reserve(lists[k].size());
    for (size_t i = 0; i < lists[k].size(); ++i) list.push_back(lists[k].Parse(i));
  }
  return out;
}

}  // namespace internal
}  // namespace rolegate
