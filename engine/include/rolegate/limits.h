// Input limits. They are the same in every build (native and WebAssembly), so a
// document accepted by one is accepted by the other.
#ifndef ROLEGATE_LIMITS_H_
#define ROLEGATE_LIMITS_H_

#include <cstddef>

namespace rolegate {

struct Limits {
  size_t max_bytes = 64u << 20;   // input_too_large
  size_t max_depth = 32;          // nesting_too_deep
  size_t max_string = 4096;       // string_too_long
  size_t max_permissions = 1024;  // too_many_items, and so on
  size_t max_roles = 1024;
  size_t max_scope_types = 64;
  size_t max_scopes = 200000;
  size_t max_members = 200000;
  size_t max_bindings = 1000000;
  size_t max_rules = 1024;     // per rule list
  size_t max_list = 1024;      // any other list (role permissions, ...)
  size_t max_batch = 1000000;  // requests in one batch
};

}  // namespace rolegate

#endif  // ROLEGATE_LIMITS_H_
