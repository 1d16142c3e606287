// `rolegate verifications BUNDLE CHANGESET`: the change set actor's self-upgrades
// waiting for their PIN once CHANGESET is applied as `simulate` applies it (with no
// operations: those of the bundle). json (default): the canonical answer; text: one
// line per verification. Exit 0, or 3 when the change set is invalid.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kJson;

void PrintText(const Names& names, const Json& answer) {
  const Json records = answer.value("verifications", Json::array());
  const Json made = answer.value("made", Json::array());
  std::cout << names.Member(StringField(answer, "actor")) << " has " << records.size()
            << (records.size() == 1 ? " self-upgrade" : " self-upgrades") << " waiting for a PIN\n";
  for (const Json& r : records) {
    const bool is_new = std::find(made.begin(), made.end(), r.value("id", Json())) != made.end();
    std::cout << "  " << names.Role(StringField(r, "role")) << " on "
              << names.Scope(StringField(r, "scope")) << ": " << StringField(r, "id")
              << (is_new ? " (made by this change)" : "") << ", until "
              << StringField(r, "expiresAt") << '\n';
  }
}

int RunVerifications(const std::string& bundle_path, const std::string& change_set_path,
                     Format format) {
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  const std::optional<Json> change_set = ReadJsonDocument(change_set_path, "change set", format);
  if (!change_set) return kExitInvalid;
  const Json answer = bundle->loaded.policy->OpenVerifications(*change_set);
  if (format == Format::kJson) {
    PrintJson(answer);
  } else if (IsFailure(answer)) {
    std::cout << "invalid change set `" << change_set_path << "`:\n";
    PrintErrorLines(answer, std::cout, "  ");
  } else {
    PrintText(Names::FromText(bundle->text), answer);
  }
  return IsFailure(answer) ? kExitInvalid : kExitOk;
}

}  // namespace

void AddVerifications(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, change_set;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "verifications", "list the self-upgrades waiting for a PIN once a change set is applied");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("CHANGESET", args->change_set, "change set file, or - for stdin")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunVerifications(args->bundle, args->change_set, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
