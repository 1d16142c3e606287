// `rolegate test PATH...`: run scenario files (format rolegate-scenario/1).
//
// Each PATH is a scenario file, or a directory searched recursively for *.json
// files, run in sorted order. A scenario's `bundle` path is read relative to the
// scenario file's directory.
// text (default): "PASS <name> (N cases)" or "FAIL <name> (K of N cases failed)"
//       with each failing case and its failures, or "ERROR <file>" with the
//       scenario file's errors; then "N scenarios, M cases, K failed" (and
//       ", E invalid" when scenario files were invalid or unreadable).
// json: an array with one ScenarioReportToJson object per scenario file read;
//       with --answers, each case also has `actual`, the engine's answer (what
//       a snapshot of the engine's behaviour records).
// Exit 0 all pass, 2 a case failed, 3 a scenario file is invalid or unreadable.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kText;

namespace fs = std::filesystem;

// The scenario files named by `paths`, in argument order, each directory's files
// sorted. Prints and returns false when a path does not exist.
bool CollectFiles(const std::vector<std::string>& paths, std::vector<fs::path>* files) {
  bool ok = true;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ".json") {
          found.push_back(it->path());
        }
      }
      if (ec) {
        std::cerr << "rolegate: cannot read `" << path << "`: " << ec.message() << "\n";
        ok = false;
      }
      std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
        return a.generic_string() < b.generic_string();
      });
      files->insert(files->end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files->emplace_back(path);
    } else {
      std::cerr << "rolegate: cannot read `" << path << "`: no such file or directory\n";
      ok = false;
    }
  }
  return ok;
}

// Reads a scenario's bundle path relative to the scenario file's directory.
BundleResolver ResolverFor(const fs::path& scenario_file) {
  const fs::path dir = scenario_file.parent_path();
  return [dir](const std::string& path) -> std::optional<std::string> {
    std::string error;
    return ReadInput((dir / path).string(), &error);
  };
}

void PrintTextReport(const std::string& file, const ScenarioReport& report) {
  const std::string name = report.name.empty() ? file : report.name;
  if (!report.errors.empty()) {
    std::cout << "ERROR " << name;
    if (name != file) std::cout << " (" << file << ")";
    std::cout << '\n';
    PrintErrorLines(report.errors, std::cout, "  ");
    return;
  }
  const size_t total = report.cases.size();
  const size_t failed = report.failed_count();
  const std::string cases = std::to_string(total) + (total == 1 ? " case" : " cases");
  if (report.passed()) {
    std::cout << "PASS " << name << " (" << cases << ")\n";
    return;
  }
  std::cout << "FAIL " << name << " (" << failed << " of " << cases << " failed; " << file << ")\n";
  for (const CaseResult& result : report.cases) {
    if (result.passed) continue;
    std::cout << "  " << result.id << ":\n";
    for (const std::string& failure : result.failures) std::cout << "    " << failure << '\n';
  }
}

int RunTest(const std::vector<std::string>& paths, Format format, bool answers) {
  std::vector<fs::path> files;
  const bool paths_found = CollectFiles(paths, &files);
  bool failed = false;
  size_t scenarios = 0, cases = 0, failed_cases = 0, invalid_files = 0;
  Json reports = Json::array();

  for (const fs::path& file : files) {
    std::string error;
    const std::optional<std::string> text = ReadInput(file.string(), &error);
    if (!text) {
      std::cerr << "rolegate: " << error << "\n";
      ++invalid_files;
      continue;
    }
    const ScenarioReport report = RunScenario(*text, ResolverFor(file));
    ++scenarios;
    cases += report.cases.size();
    failed_cases += report.failed_count();
    if (!report.errors.empty()) ++invalid_files;
    if (!report.passed()) failed = true;
    if (format == Format::kJson) {
      Json json = ScenarioReportToJson(report);
      if (answers && json.contains("cases")) {
        for (size_t i = 0; i < report.cases.size() && i < json["cases"].size(); ++i) {
          json["cases"][i]["actual"] = report.cases[i].actual;
        }
      }
      reports.push_back(std::move(json));
    } else {
      PrintTextReport(file.generic_string(), report);
    }
  }

  if (format == Format::kJson) {
    PrintJson(reports);
  } else {
    std::cout << scenarios << (scenarios == 1 ? " scenario, " : " scenarios, ") << cases
              << (cases == 1 ? " case, " : " cases, ") << failed_cases << " failed";
    if (invalid_files > 0) std::cout << ", " << invalid_files << " invalid";
    std::cout << '\n';
  }
  if (!paths_found || invalid_files > 0) return kExitInvalid;
  return failed ? kExitDeny : kExitOk;
}

}  // namespace

void AddTest(CLI::App& app, Context& ctx) {
  auto paths = std::make_shared<std::vector<std::string>>();
  auto answers = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("test", "run scenario files");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("PATH", *paths, "scenario files or directories of them")->required();
  cmd->add_flag("--answers", *answers,
                "with --format json: each case also gives `actual`, the engine's answer");
  cmd->callback([&ctx, paths, answers] {
    ctx.exit_code = RunTest(*paths, ctx.FormatOr(kDefaultFormat), *answers);
  });
}

}  // namespace rolegate::cli
