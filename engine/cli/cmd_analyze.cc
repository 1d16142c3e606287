// `rolegate analyze BUNDLE`: static findings about a bundle (docs/format.md,
// "Analysis"): escalation paths, approval vetoes, unsatisfiable approval rules,
// self-approval paths, lockout risks and unreachable roles.
//
// json: {"ok": true, "findings": [...], "summary": {"error", "warning", "info"}}
//       or {"ok": false, "errors"} for an invalid bundle.
// text (default): a line with the counts, then one line per finding:
//       "<severity> <code> <pointer>: <message>", ids shown with their names.
// Exit 0 no error finding, 2 some finding of severity error, 3 invalid bundle or
// unreadable file, 1 internal error.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <unordered_map>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kText;

// Names of whatever a finding's message quotes: roles, scopes, members, scope
// types and permissions, first match in that order.
class AnyNames {
 public:
  explicit AnyNames(const Json& bundle) {
    for (const auto& [list, key] : {std::pair{"roles", "label"},
                                    {"scopes", "name"},
                                    {"members", "name"},
                                    {"scopeTypes", "label"},
                                    {"permissions", "label"}}) {
      const auto it = bundle.find(list);
      if (it == bundle.end() || !it->is_array()) continue;
      for (const Json& item : *it) {
        const std::string id = StringField(item, "id"), name = StringField(item, key);
        if (!id.empty() && !name.empty()) names_.try_emplace(id, name);
      }
    }
  }

  // "`billing.admin`" -> "Admin (billing.admin)"; ids without a name keep their
  // backticks.
  std::string Rewrite(const std::string& message) const {
    std::string out;
    size_t i = 0;
    while (i < message.size()) {
      const size_t open = message.find('`', i);
      const size_t close = open == std::string::npos ? open : message.find('`', open + 1);
      if (close == std::string::npos) {
        out += message.substr(i);
        break;
      }
      out += message.substr(i, open - i);
      const std::string id = message.substr(open + 1, close - open - 1);
      const auto it = names_.find(id);
      out += it == names_.end() ? "`" + id + "`" : it->second + " (" + id + ")";
      i = close + 1;
    }
    return out;
  }

 private:
  std::unordered_map<std::string, std::string> names_;
};

std::string Count(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

int RunAnalyze(const std::string& path, Format format) {
  std::optional<Bundle> bundle = LoadValidBundle(path, format);
  if (!bundle) return kExitInvalid;
  const Json result = bundle->loaded.policy->Analyze();
  const Json& summary = result["summary"];
  const int64_t errors = summary.value("error", int64_t{0});
  if (format == Format::kJson) {
    PrintJson(result);
  } else {
    const Json& findings = result["findings"];
    const ParsedJson parsed = ParseJson(bundle->text);
    const AnyNames names(parsed.ok() ? parsed.value : Json::object());
    std::cout << "analysis of " << path << ": ";
    if (findings.empty()) {
      std::cout << "no findings\n";
    } else {
      std::cout << Count(static_cast<int64_t>(findings.size()), "finding", "findings") << " ("
                << Count(errors, "error", "errors") << ", "
                << Count(summary.value("warning", int64_t{0}), "warning", "warnings") << ", "
                << summary.value("info", int64_t{0}) << " info)\n";
    }
    for (const Json& f : findings) {
      std::cout << StringField(f, "severity") << ' ' << StringField(f, "code") << ' '
                << StringField(f, "pointer") << ": " << names.Rewrite(StringField(f, "message"))
                << '\n';
    }
  }
  return errors > 0 ? kExitDeny : kExitOk;
}

}  // namespace

void AddAnalyze(CLI::App& app, Context& ctx) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "analyze", "static findings about a bundle: escalation paths, approval gaps, lockouts");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", *path, "policy bundle file")->required();
  cmd->callback([&ctx, path] { ctx.exit_code = RunAnalyze(*path, ctx.FormatOr(kDefaultFormat)); });
}

}  // namespace rolegate::cli
