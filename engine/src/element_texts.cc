// The bundle's big lists as canonical text (model.h).
#include "model.h"

namespace rolegate {
namespace internal {

void ElementTexts::Add(const Json& element) {
  text_ += Canonical(element);
  ends_.push_back(text_.size());
}

Json ElementTexts::Parse(size_t i) const {
  // Canonical text of a document read before: it parses, and within the limits.
  return Json::parse(at(i), nullptr, /*allow_exceptions=*/false);
}

void ElementTexts::AppendList(std::string* out) const {
  out->push_back('[');
  for (size_t i = 0; i < ends_.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(at(i));
  }
  out->push_back(']');
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
