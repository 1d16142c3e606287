// The order of errors and findings: by JSON Pointer, token by token, array
// indexes compared as numbers, so that `/roles/2` comes before `/roles/10`.
#ifndef ROLEGATE_POINTER_ORDER_H_
#define ROLEGATE_POINTER_ORDER_H_

#include <string>

#include "rolegate/error.h"

namespace rolegate {
namespace internal {

// Orders JSON Pointers token by token, array indexes as numbers (`/roles/2`
// before `/roles/10`).
bool PointerLess(const std::string& a, const std::string& b);

// Orders errors by pointer (array indexes compared as numbers), stably.
void SortErrors(Errors* errors);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_POINTER_ORDER_H_
