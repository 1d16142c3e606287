// Parsing a document whose big lists are read element by element: each element
// goes to a sink as soon as it is complete, so the document never holds them all.
#ifndef ROLEGATE_JSON_STREAM_H_
#define ROLEGATE_JSON_STREAM_H_

#include <string_view>
#include <vector>

#include "rolegate/json.h"

namespace rolegate {
namespace internal {

class ElementSink {
 public:
  virtual ~ElementSink() = default;
  // Element `index` of the root object's array `lists[list]`.
  virtual void Element(size_t list, size_t index, Json&& value) = 0;
};

// ParseJsonAt, except that every element of an array that is the value of one of
// the root object's keys in `lists` goes to `sink` instead of the document, where
// that array stays empty. Limits and errors are those of ParseJsonAt, pointers
// included; when there are errors, what the sink was given means nothing.
ParsedJson ParseJsonDiverting(std::string_view text, size_t first_line, const Limits& limits,
                              const std::vector<std::string_view>& lists, ElementSink* sink);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_JSON_STREAM_H_
