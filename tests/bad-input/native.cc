// The bad-input catalogue answered by the C++ library itself, without the CLI:
// `rolegate_bad_input JOBS` reads a JSON array of jobs, one per case, each
// {"kind", "path", "bundle", "changeSet", "query", "jsonLines"} (absolute paths,
// as tests/bad-input/answers.mjs resolves them), and prints one line per job: the
// canonical answer the library gives the file's bytes, made exactly as the
// WebAssembly boundary makes it (wasm/bindings.cc), so that run.test.mjs can
// require the native library, the native CLI, the raw module and the JS API to
// answer byte for byte alike. A JSON Lines request file answers a JSON array of
// one answer per request line, each line read alone (as the module is given it).
//
// Exit 0 when every job was answered, 1 when the jobs file itself is unusable.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "rolegate/rolegate.h"

namespace {

using rolegate::Json;

std::optional<std::string> ReadBytes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Failure(const rolegate::Errors& errors) {
  return rolegate::Canonical(rolegate::ErrorsToJson(errors));
}

// Parses a document the way the boundary does: its parse errors are the answer.
std::optional<Json> Parse(const std::string& text, std::string* answer) {
  rolegate::ParsedJson p = rolegate::ParseJson(text);
  if (!p.ok()) {
    *answer = Failure(p.errors);
    return std::nullopt;
  }
  return std::move(p.value);
}

// The request lines of a JSON Lines file as answers.mjs `jsonLines` splits them:
// every line that holds more than spaces, tabs and carriage returns.
std::vector<std::string> JsonLines(const std::string& bytes) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    if (end == std::string::npos) end = bytes.size();
    const std::string line = bytes.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string Check(const rolegate::Policy& policy, const std::string& text) {
  std::string answer;
  const std::optional<Json> request = Parse(text, &answer);
  return request ? rolegate::Canonical(policy.Check(*request)) : answer;
}

// One job's answer.
std::string Answer(const Json& job) {
  const std::string kind = job.value("kind", "");
  const std::optional<std::string> doc = ReadBytes(job.value("path", ""));
  if (!doc) return "unreadable: " + job.value("path", "");
  if (kind == "bundle")
    return rolegate::Canonical(rolegate::ValidationToJson(rolegate::LoadPolicy(*doc)));
  if (kind == "scenario") {
    // The bundle a scenario names, relative to the scenario's folder (a regular
    // file only, as the module is given it).
    const std::filesystem::path dir = std::filesystem::path(job.value("path", "")).parent_path();
    const rolegate::ScenarioReport report = rolegate::RunScenario(
        *doc, [&dir](const std::string& path) { return ReadBytes((dir / path).string()); });
    return "[" + rolegate::Canonical(rolegate::ScenarioReportToJson(report)) + "]";
  }
  const std::optional<std::string> bundle = ReadBytes(job.value("bundle", ""));
  if (!bundle) return "unreadable: " + job.value("bundle", "");
  const rolegate::LoadResult loaded = rolegate::LoadPolicy(*bundle);
  if (!loaded.ok()) return "the case's bundle does not load: " + Failure(loaded.errors);
  const rolegate::Policy& policy = *loaded.policy;
  if (kind == "request") {
    if (!job.value("jsonLines", false)) return Check(policy, *doc);
    std::string out = "[";
    for (const std::string& line : JsonLines(*doc)) {
      if (out.size() > 1) out += ",";
      out += Check(policy, line);
    }
    return out + "]";
  }
  std::string answer;
  const std::optional<Json> value = Parse(*doc, &answer);
  if (!value) return answer;
  if (kind == "query") {
    const std::string query = job.value("query", "");
    if (query == "whatCan") return rolegate::Canonical(policy.WhatCan(*value));
    if (query == "whoCan") return rolegate::Canonical(policy.WhoCan(*value));
    if (query == "visibleMembers") return rolegate::Canonical(policy.VisibleMembers(*value));
    return "unknown query: " + query;
  }
  if (kind == "changeset") return rolegate::Canonical(policy.Simulate(*value, false));
  if (kind == "preview") {
    // verify(changeSet, preview): the change set is parsed first, as the boundary does.
    const std::optional<std::string> cs_text = ReadBytes(job.value("changeSet", ""));
    if (!cs_text) return "unreadable: " + job.value("changeSet", "");
    const std::optional<Json> cs = Parse(*cs_text, &answer);
    if (!cs) return answer;
    return rolegate::Canonical(policy.Verify(*cs, *value));
  }
  if (kind == "chain") return rolegate::Canonical(policy.VerifyChainDocument(*value));
  return "unknown kind: " + kind;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: rolegate_bad_input JOBS.json\n";
    return 1;
  }
  const std::optional<std::string> text = ReadBytes(argv[1]);
  const rolegate::ParsedJson jobs = text ? rolegate::ParseJson(*text) : rolegate::ParsedJson{};
  if (!text || !jobs.ok() || !jobs.value.is_array()) {
    std::cerr << "rolegate_bad_input: " << argv[1] << " is not a JSON array of jobs\n";
    return 1;
  }
  for (const Json& job : jobs.value) std::cout << Answer(job) << '\n';
  return 0;
}
