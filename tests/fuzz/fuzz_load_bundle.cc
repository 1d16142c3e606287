// fuzz_load_bundle: the input's bytes are a policy bundle.
//
// Properties (docs/fuzzing.md):
//   - loading it twice gives the same errors and warnings, or the same summary
//     (revision included);
//   - a bundle that parses loads from its canonical text exactly as from the
//     original bytes (same errors, warnings, summary and findings): layout,
//     escapes and key order change nothing;
//   - when it loads, Summary() and Analyze() give the same bytes every time;
//   - the text, read as it is parsed (its big lists element by element), loads as
//     the document it parses to does, and keeps that document (Model::Document).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "model.h"

namespace {

constexpr char kTarget[] = "fuzz_load_bundle";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rolegate;
  using fuzz::RequireSame;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const LoadResult first = LoadPolicy(text);
  const LoadResult second = LoadPolicy(text);
  const std::string loaded_text = fuzz::LoadResultText(first);
  RequireSame(kTarget, "loading twice gives the same result", loaded_text,
              fuzz::LoadResultText(second));

  std::string findings;
  if (first.ok()) {
    const Policy& policy = *first.policy;
    RequireSame(kTarget, "Summary() is deterministic", Canonical(policy.Summary()),
                Canonical(policy.Summary()));
    RequireSame(kTarget, "the two loads have the same revision", policy.revision(),
                second.policy->revision());
    findings = Canonical(policy.Analyze());
    RequireSame(kTarget, "Analyze() is deterministic", findings,
                Canonical(second.policy->Analyze()));
  }

  const ParsedJson parsed = ParseJson(text);
  if (!parsed.ok()) {
    fuzz::Require(!first.ok(), kTarget, "a bundle that does not parse does not load",
                  Canonical(ErrorsToJson(parsed.errors)));
    return 0;
  }
  const LoadResult from_document = CompilePolicy(parsed.value);
  RequireSame(kTarget, "the text loads as the document it parses to", loaded_text,
              fuzz::LoadResultText(from_document));
  const std::string canonical = Canonical(parsed.value);
  if (first.ok()) {
    RequireSame(kTarget, "the model keeps the bundle it read", canonical,
                Canonical(first.policy->model().Document()));
  }
  const LoadResult again = LoadPolicy(canonical);
  RequireSame(kTarget, "the canonical text loads as the original bytes do", loaded_text,
              fuzz::LoadResultText(again));
  if (first.ok()) {
    RequireSame(kTarget, "the canonical text has the same findings", findings,
                Canonical(again.policy->Analyze()));
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return rolegate::fuzz::MutateJson(data, size, max_size, seed, /*example_byte=*/false);
}
