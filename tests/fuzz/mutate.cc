// The fuzz targets' mutator (fuzz_util.h, MutateJson): half of the mutations are
// libFuzzer's own, on bytes; the other half keep the document JSON and change one
// thing in its tree, with the ids and words of the examples and scenarios, so that
// most inputs get past the parser and the shape checks to the engine's logic.
//
// Linked into the fuzz targets only: it calls libFuzzer's LLVMFuzzerMutate.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "fuzz_util.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace rolegate {
namespace fuzz {
namespace {

namespace fs = std::filesystem;

void Strings(const Json& j, std::set<std::string>* out) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s.size() <= 64) out->insert(s);
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key().size() <= 64) out->insert(it.key());
      Strings(it.value(), out);
    }
  } else if (j.is_array()) {
    for (const Json& v : j) Strings(v, out);
  }
}

// Every key and short string of the examples (bundles, requests, change sets) and
// of the scenario files: ids, operation kinds, field names, timestamps. Read once,
// when the first mutation is made.
const std::vector<std::string>& Vocabulary() {
  static const std::vector<std::string> words = [] {
    std::set<std::string> set;
    for (const Example& e : Examples()) Strings(ParseJson(e.text).value, &set);
    const fs::path root = SourceDir();
    for (const fs::path& dir : {root / "examples", root / "tests" / "scenarios"}) {
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(dir, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file() || it->path().extension() != ".json") continue;
        if (std::optional<std::string> text = ReadFile(it->path().string())) {
          Strings(ParseJson(*text).value, &set);
        }
      }
    }
    return std::vector<std::string>(set.begin(), set.end());
  }();
  return words;
}

using Rng = std::minstd_rand;

size_t Below(Rng& rng, size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); }

const std::string& Word(Rng& rng) {
  const std::vector<std::string>& words = Vocabulary();
  static const std::string kNone = "x";
  return words.empty() ? kNone : words[Below(rng, words.size())];
}

Json Scalar(Rng& rng) {
  switch (Below(rng, 12)) {
    case 0:
      return 0;
    case 1:
      return -1;
    case 2:
      return 1;
    case 3:
      return std::numeric_limits<int64_t>::max();
    case 4:
      return std::numeric_limits<int64_t>::min();
    case 5:
      return static_cast<int64_t>(1) << 31;
    case 6:
      return 0.5;
    case 7:
      return true;
    case 8:
      return false;
    case 9:
      return nullptr;
    case 10:
      return "";
    default:
      return Json::object();
  }
}

void Nodes(Json& j, std::vector<Json*>* out) {
  out->push_back(&j);
  if (j.is_structured()) {
    for (Json& v : j) Nodes(v, out);
  }
}

// One change to the tree.
void MutateTree(Json* root, Rng& rng) {
  std::vector<Json*> nodes;
  Nodes(*root, &nodes);
  Json& n = *nodes[Below(rng, nodes.size())];
  const Json other = *nodes[Below(rng, nodes.size())];  // a copy: n may contain it
  switch (Below(rng, 7)) {
    case 0:
    case 1:  // a word of the examples in place of the value (most often a string)
      n = Word(rng);
      return;
    case 2:  // a scalar of another type, or at a boundary
      n = Scalar(rng);
      return;
    case 3:  // one member or element fewer
      if (n.is_object() && !n.empty()) {
        auto it = n.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(Below(rng, n.size())));
        n.erase(it);
      } else if (n.is_array() && !n.empty()) {
        n.erase(Below(rng, n.size()));
      } else {
        n = Word(rng);
      }
      return;
    case 4:  // one more: a copy of a value of the document, under a word of the examples
      if (n.is_object()) {
        n[Word(rng)] = other;
      } else if (n.is_array()) {
        const size_t at = Below(rng, n.size() + 1);
        n.insert(n.begin() + static_cast<std::ptrdiff_t>(at),
                 !n.empty() && Below(rng, 2) == 0 ? n[Below(rng, n.size())] : other);
      } else {
        n = other;
      }
      return;
    case 5:  // a value of the document in place of this one
      n = other;
      return;
    default:  // the same key, another word of the examples
      if (n.is_object() && !n.empty()) {
        auto it = n.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(Below(rng, n.size())));
        Json value = it.value();
        n.erase(it);
        n[Word(rng)] = std::move(value);
      } else {
        n = Word(rng);
      }
      return;
  }
}

}  // namespace

size_t MutateJson(uint8_t* data, size_t size, size_t max_size, unsigned int seed,
                  bool example_byte) {
  Rng rng(seed);
  if (Below(rng, 2) == 0) return LLVMFuzzerMutate(data, size, max_size);
  const size_t skip = example_byte && size > 0 ? 1 : 0;
  ParsedJson parsed =
      ParseJson(std::string_view(reinterpret_cast<const char*>(data) + skip, size - skip));
  if (!parsed.ok()) return LLVMFuzzerMutate(data, size, max_size);
  Json doc = std::move(parsed.value);
  const int changes = 1 + static_cast<int>(Below(rng, 3));
  for (int i = 0; i < changes; ++i) MutateTree(&doc, rng);
  const std::string text = Below(rng, 4) == 0 ? Pretty(doc) : Canonical(doc);
  std::string out;
  if (skip) {
    // Now and then another example.
    out.push_back(Below(rng, 16) == 0 ? static_cast<char>(rng()) : static_cast<char>(data[0]));
  }
  out += text;
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

}  // namespace fuzz
}  // namespace rolegate
