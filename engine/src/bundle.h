// Reading a bundle document into a validated Model.
#ifndef ROLEGATE_BUNDLE_H_
#define ROLEGATE_BUNDLE_H_

#include <memory>
#include <string_view>

#include "model.h"
#include "pointer_order.h"
#include "rolegate/error.h"
#include "rolegate/json.h"
#include "rolegate/limits.h"

namespace rolegate {
namespace internal {

// Validates `bundle` and compiles it. Returns null, with every problem in `errors`,
// when the bundle is invalid. Problems that do not stop loading go to `warnings`.
std::unique_ptr<Model> ReadBundle(const Json& bundle, const Limits& limits, Errors* errors,
                                  Errors* warnings);
// The same, taking `bundle` apart rather than copying it.
std::unique_ptr<Model> ReadBundle(Json&& bundle, const Limits& limits, Errors* errors,
                                  Errors* warnings);
// The same, from the bundle's text, which is parsed as it is read: the elements
// of the big lists (model.h) are read one by one and never held as a document.
// Parse errors are those of ParseJson.
std::unique_ptr<Model> ReadBundleText(std::string_view text, const Limits& limits, Errors* errors,
                                      Errors* warnings);

// `s` with ASCII capitals made small, and nothing else: how e-mails are compared
// (no locale: the same in every build).
std::string Lower(const std::string& s);

// "fnv1a64:" + 16 hex digits of the canonical text of `bundle` (without the
// `$schema` of an object).
std::string ContentRevision(const Json& bundle);

}  // namespace internal
}  // namespace rolegate

#endif  // ROLEGATE_BUNDLE_H_
