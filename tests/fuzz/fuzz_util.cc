#include "fuzz_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace rolegate {
namespace fuzz {

namespace fs = std::filesystem;

const std::string& SourceDir() {
  static const std::string dir = ROLEGATE_SOURCE_DIR;
  return dir;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

namespace {

std::vector<Example> LoadExamples() {
  std::vector<Example> out;
  const fs::path root = fs::path(SourceDir()) / "examples";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const fs::path bundle = entry.path() / "bundle.json";
    if (!entry.is_directory() || !fs::is_regular_file(bundle)) continue;
    Example e;
    e.name = entry.path().filename().string();
    std::optional<std::string> text = ReadFile(bundle.string());
    if (!text) Violation("fuzz", "the examples load", "cannot read " + bundle.string());
    e.text = std::move(*text);
    LoadResult loaded = LoadPolicy(e.text);
    if (!loaded.ok()) {
      Violation("fuzz", "the examples load",
                bundle.string() + ": " + Canonical(ErrorsToJson(loaded.errors)));
    }
    e.policy = std::move(loaded.policy);
    out.push_back(std::move(e));
  }
  if (out.empty()) Violation("fuzz", "the examples load", "no bundle.json under " + root.string());
  std::sort(out.begin(), out.end(),
            [](const Example& a, const Example& b) { return a.name < b.name; });
  return out;
}

}  // namespace

const std::vector<Example>& Examples() {
  static const std::vector<Example> examples = LoadExamples();
  return examples;
}

std::optional<Picked> Pick(const uint8_t* data, size_t size) {
  if (size == 0) return std::nullopt;
  const std::vector<Example>& examples = Examples();
  ParsedJson parsed =
      ParseJson(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  if (!parsed.ok()) return std::nullopt;
  return Picked{examples[data[0] % examples.size()].policy.get(), std::move(parsed.value)};
}

std::string Clip(std::string_view text, size_t n) {
  if (text.size() <= n) return std::string(text);
  return std::string(text.substr(0, n)) + "... (" + std::to_string(text.size() - n) +
         " more bytes)";
}

void Violation(std::string_view target, std::string_view property, std::string_view detail) {
  std::fprintf(stderr, "\n%.*s: property violated: %.*s\n%.*s\n\n", static_cast<int>(target.size()),
               target.data(), static_cast<int>(property.size()), property.data(),
               static_cast<int>(detail.size()), detail.data());
  std::fflush(stderr);
  std::abort();
}

void RequireSame(std::string_view target, std::string_view property, const std::string& a,
                 const std::string& b) {
  if (a == b) return;
  const size_t at = static_cast<size_t>(
      std::mismatch(a.begin(),
                    a.begin() + static_cast<std::ptrdiff_t>(std::min(a.size(), b.size())),
                    b.begin())
          .first -
      a.begin());
  const size_t from = at > 200 ? at - 200 : 0;
  std::string detail = "first difference at byte " + std::to_string(at) + " (sizes " +
                       std::to_string(a.size()) + " and " + std::to_string(b.size()) + ")\n" +
                       "one:   ..." + Clip(std::string_view(a).substr(from), 600) + "\n" +
                       "other: ..." + Clip(std::string_view(b).substr(from), 600);
  Violation(target, property, detail);
}

void Require(bool condition, std::string_view target, std::string_view property,
             std::string_view detail) {
  if (!condition) Violation(target, property, detail);
}

std::string LoadResultText(const LoadResult& loaded) {
  Json out{{"errors", ErrorsToJson(loaded.errors)["errors"]},
           {"warnings", ErrorsToJson(loaded.warnings)["errors"]}};
  if (loaded.ok()) out["summary"] = loaded.policy->Summary();
  return Canonical(out);
}

}  // namespace fuzz
}  // namespace rolegate
