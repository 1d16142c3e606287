// rolegate_fuzz_seeds TARGET OUTDIR: writes the seed corpus of one fuzz target
// (docs/fuzzing.md) into OUTDIR, from committed files only:
//   - examples/*/bundle.json, and each example's requests/ and changes/;
//   - tests/scenarios/**/*.json: the files, their inline bundles, and their cases
//     (check and query documents, change sets with the scenario's `now` and the
//     bundle's revision filled in, as the scenario runner does);
//   - tests/data/invalid/*.json;
//   - every file under tests/bad-input/, when that folder exists, whatever its
//     layout, as it is (for the targets that read a first byte as the choice of
//     example, after one example's byte, the examples in turn).
// Computed with the engine: the previews of those change sets (fuzz_verify), chains
// of them each on the bundle the step before leaves (fuzz_verify), and the bundles
// after them (fuzz_load_bundle).
//
// Seeds for a target on an example begin with the example's byte (its position
// among examples sorted by folder name: fuzz_util.h's Pick).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fuzz_util.h"

namespace {

namespace fs = std::filesystem;
using rolegate::Json;
using rolegate::fuzz::Example;
using rolegate::fuzz::Examples;

constexpr size_t kNoExample = static_cast<size_t>(-1);

// A change set, request or query read from a committed file, on an example.
struct Doc {
  size_t example;
  std::string label;
  Json value;
};

class Writer {
 public:
  explicit Writer(fs::path dir) : dir_(std::move(dir)) {}

  void Add(const std::string& label, const std::string& bytes) {
    if (!seen_.insert(bytes).second) return;
    std::string name = std::to_string(seen_.size());
    name.insert(0, 5 - std::min<size_t>(5, name.size()), '0');
    name += "-";
    for (char c : label) {
      name += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
    }
    if (name.size() > 120) name.resize(120);
    std::ofstream out(dir_ / name, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << "rolegate_fuzz_seeds: cannot write " << (dir_ / name).string() << "\n";
      std::exit(1);
    }
  }

  // The document after the example's byte.
  void AddOn(size_t example, const std::string& label, const std::string& text) {
    Add(Examples()[example].name + "-" + label, std::string(1, static_cast<char>(example)) + text);
  }

  size_t count() const { return seen_.size(); }

 private:
  fs::path dir_;
  std::set<std::string> seen_;
};

std::string Rel(const fs::path& p) {
  return fs::relative(p, rolegate::fuzz::SourceDir()).generic_string();
}

// Regular files under `dir` (recursively), sorted; none when it does not exist.
std::vector<fs::path> FilesUnder(const fs::path& dir, const std::string& extension = "") {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    if (!extension.empty() && it->path().extension() != extension) continue;
    out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Json> ReadJson(const fs::path& p) {
  std::optional<std::string> text = rolegate::fuzz::ReadFile(p.string());
  if (!text) return std::nullopt;
  rolegate::ParsedJson parsed = rolegate::ParseJson(*text);
  if (!parsed.ok()) return std::nullopt;
  return parsed.value;
}

// The example a scenario's bundle path names: the folder it ends in.
size_t ExampleOfPath(const std::string& path) {
  const std::vector<Example>& examples = Examples();
  for (size_t i = 0; i < examples.size(); ++i) {
    const std::string tail = "examples/" + examples[i].name + "/bundle.json";
    if (path.size() >= tail.size() &&
        path.compare(path.size() - tail.size(), tail.size(), tail) == 0) {
      return i;
    }
  }
  return kNoExample;
}

struct Corpus {
  std::vector<std::pair<std::string, std::string>> scenario_files;  // label, text
  std::vector<std::pair<std::string, Json>> inline_bundles;
  std::vector<Doc> requests;     // check documents
  std::vector<Doc> queries;      // whatCan, whoCan, visibleMembers documents
  std::vector<Doc> change_sets;  // complete: baseRevision and now filled in
  // Change sets in the order of their file, for chains: example or scenario file.
  std::map<std::string, std::vector<size_t>> sequences;
};

Corpus Collect() {
  Corpus c;
  const fs::path root = rolegate::fuzz::SourceDir();
  const std::vector<Example>& examples = Examples();
  for (size_t i = 0; i < examples.size(); ++i) {
    const fs::path dir = root / "examples" / examples[i].name;
    for (const fs::path& p : FilesUnder(dir / "requests", ".json")) {
      if (std::optional<Json> v = ReadJson(p)) c.requests.push_back({i, Rel(p), *v});
    }
    for (const fs::path& p : FilesUnder(dir / "changes", ".json")) {
      if (std::optional<Json> v = ReadJson(p)) {
        c.sequences["examples/" + examples[i].name].push_back(c.change_sets.size());
        c.change_sets.push_back({i, Rel(p), *v});
      }
    }
  }
  for (const fs::path& p : FilesUnder(root / "tests" / "scenarios", ".json")) {
    std::optional<std::string> text = rolegate::fuzz::ReadFile(p.string());
    if (!text) continue;
    c.scenario_files.push_back({Rel(p), *text});
    std::optional<Json> doc = ReadJson(p);
    if (!doc || !doc->is_object()) continue;
    const Json bundle = doc->value("bundle", Json());
    if (bundle.is_object()) c.inline_bundles.push_back({Rel(p), bundle});
    const size_t example =
        bundle.is_string()
            ? ExampleOfPath(
                  (p.parent_path() / bundle.get<std::string>()).lexically_normal().generic_string())
            : kNoExample;
    if (example == kNoExample) continue;
    const std::string now = doc->value("now", "");
    const rolegate::Policy& policy = *examples[example].policy;
    const Json cases = doc->value("cases", Json::array());
    for (const Json& k : cases) {
      if (!k.is_object()) continue;
      const std::string label = Rel(p) + "-" + k.value("id", "case");
      if (k.contains("check")) {
        Json req = k["check"];
        if (req.is_object() && !req.contains("now") && !now.empty()) req["now"] = now;
        c.requests.push_back({example, label, req});
      } else if (k.contains("simulate")) {
        Json cs = k["simulate"];
        if (cs.is_object()) {
          if (!cs.contains("baseRevision")) cs["baseRevision"] = policy.revision();
          if (!cs.contains("now") && !now.empty()) cs["now"] = now;
        }
        c.sequences[Rel(p)].push_back(c.change_sets.size());
        c.change_sets.push_back({example, label, cs});
      } else {
        for (const char* kind : {"whatCan", "whoCan", "visibleMembers"}) {
          if (k.contains(kind)) c.queries.push_back({example, label, k[kind]});
        }
      }
    }
  }
  return c;
}

// The steps of a chain of `change_sets` from `example`: each rebased on the bundle
// the one before leaves, with its preview; stops at the first the engine rejects.
Json Chain(size_t example, const std::vector<const Json*>& change_sets) {
  using namespace rolegate;
  Json steps = Json::array();
  std::shared_ptr<const Policy> policy = Examples()[example].policy;
  for (const Json* original : change_sets) {
    Json cs = *original;
    if (!cs.is_object()) break;
    cs["baseRevision"] = policy->revision();
    Json result = policy->Simulate(cs, true);
    if (!result.value("ok", false)) break;
    Json preview = result;
    preview.erase("bundleAfter");
    steps.push_back(Json{{"changeSet", cs}, {"preview", preview}});
    LoadResult next = CompilePolicy(result["bundleAfter"]);
    if (!next.ok()) break;
    policy = next.policy;
  }
  return steps;
}

void AddBadInput(Writer* w, bool on_example) {
  const fs::path dir = fs::path(rolegate::fuzz::SourceDir()) / "tests" / "bad-input";
  size_t n = 0;
  for (const fs::path& p : FilesUnder(dir)) {
    std::optional<std::string> text = rolegate::fuzz::ReadFile(p.string());
    if (!text) continue;
    // For a target on an example, after one example's byte, the examples in turn
    // (the catalogue's documents name the ids of a bundle of its own, so which
    // example reads them matters little).
    if (on_example) {
      w->AddOn(n++ % Examples().size(), Rel(p), *text);
    } else {
      w->Add(Rel(p), *text);
    }
  }
}

int Usage() {
  std::cerr << "usage: rolegate_fuzz_seeds TARGET OUTDIR\n"
               "TARGET: fuzz_load_bundle fuzz_decide fuzz_simulate fuzz_verify fuzz_scenario\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rolegate;
  if (argc != 3) return Usage();
  const std::string target = argv[1];
  const fs::path out = argv[2];
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    std::cerr << "rolegate_fuzz_seeds: cannot create " << out.string() << "\n";
    return 1;
  }
  const Corpus c = Collect();
  const std::vector<Example>& examples = Examples();
  Writer w(out);

  if (target == "fuzz_load_bundle") {
    for (const Example& e : examples) w.Add("examples-" + e.name + "-bundle.json", e.text);
    for (const auto& [label, bundle] : c.inline_bundles) w.Add(label, Pretty(bundle));
    const fs::path invalid = fs::path(fuzz::SourceDir()) / "tests" / "data" / "invalid";
    for (const fs::path& p : FilesUnder(invalid, ".json")) {
      if (std::optional<std::string> text = fuzz::ReadFile(p.string())) w.Add(Rel(p), *text);
    }
    // The bundles after the change sets (what Simulate writes, in its canonical
    // form): one per example and kind of operation allowed, as they are large
    // (each costs tens of milliseconds per run) and much alike.
    std::set<std::string> kinds_seen;
    for (const Doc& d : c.change_sets) {
      Json r = examples[d.example].policy->Simulate(d.value, true);
      if (!r.value("ok", false) || r["summary"].value("allowed", 0) == 0) continue;
      bool news = false;
      for (const Json& op : d.value.value("operations", Json::array())) {
        if (!op.is_object()) continue;
        news |= kinds_seen.insert(examples[d.example].name + " " + op.value("op", "")).second;
      }
      if (news) w.Add("after-" + d.label, Canonical(r["bundleAfter"]));
    }
    AddBadInput(&w, false);
  } else if (target == "fuzz_decide") {
    for (const Doc& d : c.requests) w.AddOn(d.example, d.label, Pretty(d.value));
    for (const Doc& d : c.queries) w.AddOn(d.example, d.label, Pretty(d.value));
    AddBadInput(&w, true);
  } else if (target == "fuzz_simulate") {
    for (const Doc& d : c.change_sets) w.AddOn(d.example, d.label, Pretty(d.value));
    AddBadInput(&w, true);
  } else if (target == "fuzz_verify") {
    for (const Doc& d : c.change_sets) {
      Json preview = examples[d.example].policy->Simulate(d.value, false);
      if (!preview.value("ok", false)) continue;
      w.AddOn(d.example, d.label, Canonical(Json{{"changeSet", d.value}, {"preview", preview}}));
    }
    // Chains: each file's change sets in windows of up to four consecutive steps
    // (longer chains cost seconds a run and reach nothing more).
    for (const auto& [file, indexes] : c.sequences) {
      const size_t example = c.change_sets[indexes.front()].example;
      for (size_t from = 0; from + 1 < indexes.size(); from += 4) {
        std::vector<const Json*> window;
        for (size_t i = from; i < indexes.size() && i < from + 4; ++i) {
          window.push_back(&c.change_sets[indexes[i]].value);
        }
        Json steps = Chain(example, window);
        if (steps.size() < 2) continue;
        w.AddOn(example, "chain-" + file + "-" + std::to_string(from),
                Canonical(Json{{"format", "rolegate-changechain/1"}, {"steps", steps}}));
      }
    }
    AddBadInput(&w, true);
  } else if (target == "fuzz_scenario") {
    for (const auto& [label, text] : c.scenario_files) w.Add(label, text);
    AddBadInput(&w, false);
  } else {
    return Usage();
  }
  std::cout << w.count() << " seeds for " << target << " in " << out.string() << "\n";
  return 0;
}
