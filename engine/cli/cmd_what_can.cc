// `rolegate what-can BUNDLE MEMBER SCOPE`: the permissions MEMBER holds on SCOPE,
// with their sources. json (default): the canonical whatCan answer; text: one line
// per permission. Exit 0, or 3 when the query is invalid.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kJson;

void PrintText(const Names& names, const Json& answer) {
  const Json permissions = answer.value("permissions", Json::array());
  std::cout << names.Member(StringField(answer, "member")) << ", " << StringField(answer, "status")
            << ", on " << names.Scope(StringField(answer, "scope")) << ": " << permissions.size()
            << (permissions.size() == 1 ? " permission" : " permissions") << '\n';
  for (const Json& permission : permissions) {
    std::string sources;
    for (const Json& source : permission.value("sources", Json::array())) {
      sources += (sources.empty() ? "" : ", ") + names.Role(StringField(source, "role")) + " on " +
                 names.Scope(StringField(source, "scope"));
      const std::string from = StringField(source, "inheritedFrom");
      if (!from.empty()) sources += " (inherited from " + names.Scope(from) + ")";
    }
    std::cout << "  " << names.Permission(StringField(permission, "permission")) << " via "
              << sources << '\n';
  }
}

int RunWhatCan(const std::string& bundle_path, const std::string& member, const std::string& scope,
               Format format) {
  return RunQuery(
      bundle_path, format,
      [&](const Policy& policy) {
        return policy.WhatCan(Json{{"member", member}, {"scope", scope}});
      },
      PrintText);
}

}  // namespace

void AddWhatCan(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, member, scope;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("what-can", "list what a member may do on a scope");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("MEMBER", args->member, "member id")->required();
  cmd->add_option("SCOPE", args->scope, "scope id")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code =
        RunWhatCan(args->bundle, args->member, args->scope, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
