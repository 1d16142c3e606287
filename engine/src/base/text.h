// The words of messages: how an id or a value is quoted in every message the
// engine writes ("role `billing.admin` ranks 30 ...").
#ifndef ROLEGATE_BASE_TEXT_H_
#define ROLEGATE_BASE_TEXT_H_

#include <string>

namespace rolegate {
namespace internal {

// `s`, in backticks.
inline std::string Q(const std::string& s) { return "`" + s + "`"; }

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_BASE_TEXT_H_
