// A request read straight from its text, without a JSON document, for the
// explained check's hot path (Policy::CheckText).
#ifndef ROLEGATE_REQUEST_TEXT_H_
#define ROLEGATE_REQUEST_TEXT_H_

#include <string_view>

#include "rolegate/limits.h"
#include "rolegate/request.h"

namespace rolegate {
namespace internal {

// Reads a plain request: one object with "actor", "action", "resource" and "now"
// and at most "attributes", each key once; strings of printable ASCII without
// escapes; attributes strings, booleans or integers of at most 18 digits. True,
// with `out` filled, only when ParseJson and then ReadRequest would read the same
// request without an error. False for anything else, which the caller then reads
// the general way, errors and all: this reader never reports an error itself.
bool ReadPlainRequest(std::string_view text, const Limits& limits, Request* out);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_REQUEST_TEXT_H_
