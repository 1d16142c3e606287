// What the libFuzzer targets in tests/fuzz/ share (docs/fuzzing.md): the example
// bundles, loaded once; how an input picks one; and how a property that does not
// hold stops the run with a message that says which and why.
//
// A target's input is bytes. Targets that work on a loaded bundle read the first
// byte as the choice of example (byte % count, examples sorted by folder name) and
// the rest as the document; rolegate_fuzz_seeds writes seeds in that form.
#ifndef ROLEGATE_TESTS_FUZZ_FUZZ_UTIL_H_
#define ROLEGATE_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rolegate/rolegate.h"

namespace rolegate {
namespace fuzz {

// One of examples/*/bundle.json.
struct Example {
  std::string name;  // the folder: "bt-business"
  std::string text;  // the file as committed
  std::shared_ptr<const Policy> policy;
};

// The repository the fuzz targets were built from (ROLEGATE_SOURCE_DIR).
const std::string& SourceDir();

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> ReadFile(const std::string& path);

// Every examples/*/bundle.json, sorted by folder name, loaded on first use and kept
// for the process. A missing or invalid example stops the process: the targets
// would test nothing.
const std::vector<Example>& Examples();

// An input split into the example policy its first byte picks and the JSON
// document after it; nullopt for an empty input or one that is not JSON (the
// parser is fuzz_load_bundle's business).
struct Picked {
  const Policy* policy;
  Json document;
};
std::optional<Picked> Pick(const uint8_t* data, size_t size);

// Stops the process (abort, which libFuzzer reports as a crash and saves as an
// artifact) after printing, on stderr, "<target>: property violated: <property>"
// and the detail.
[[noreturn]] void Violation(std::string_view target, std::string_view property,
                            std::string_view detail);

// Violation unless `a` and `b` are the same bytes; the message shows where they
// first differ.
void RequireSame(std::string_view target, std::string_view property, const std::string& a,
                 const std::string& b);

// Violation unless `condition`.
void Require(bool condition, std::string_view target, std::string_view property,
             std::string_view detail);

// At most `n` bytes of `text`, with a note of how much was left out.
std::string Clip(std::string_view text, size_t n = 1500);

// The targets' LLVMFuzzerCustomMutator (tests/fuzz/mutate.cc, linked into the
// targets only): half the time libFuzzer's byte mutation; otherwise, when the
// document (after the example's byte, with `example_byte`) is JSON, one to three
// changes to its tree (a value replaced by a word of the examples and scenarios, by
// a scalar of another type, or by another value of the document; a member or element
// removed or added; a key renamed), written back canonical or indented, and now and
// then another example's byte.
size_t MutateJson(uint8_t* data, size_t size, size_t max_size, unsigned int seed,
                  bool example_byte);

// The canonical text of a load result: {"errors", "warnings"} and, when the bundle
// loaded, "summary".
std::string LoadResultText(const LoadResult& loaded);

}  // namespace fuzz
}  // namespace rolegate

#endif  // ROLEGATE_TESTS_FUZZ_FUZZ_UTIL_H_
