// `rolegate who-can BUNDLE ACTION SCOPE`: the active members who may do ACTION on
// SCOPE, with the bindings that grant it. json (default): the canonical whoCan
// answer; text: one line per member. Exit 0, or 3 when the query is invalid.
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
  const Json members = answer.value("members", Json::array());
  std::cout << "who can " << StringField(answer, "action") << " on "
            << names.Scope(StringField(answer, "scope")) << ": " << members.size()
            << (members.size() == 1 ? " member" : " members") << '\n';
  for (const Json& member : members) {
    std::string grants;
    for (const Json& binding : member.value("bindings", Json::array())) {
      grants += (grants.empty() ? "" : ", ") + names.Role(StringField(binding, "role")) + " on " +
                names.Scope(StringField(binding, "scope")) + " [" +
                StringField(binding, "binding") + "]";
    }
    std::cout << "  " << names.Member(StringField(member, "member")) << ": " << grants << '\n';
  }
}

int RunWhoCan(const std::string& bundle_path, const std::string& action, const std::string& scope,
              Format format) {
  return RunQuery(
      bundle_path, format,
      [&](const Policy& policy) {
        return policy.WhoCan(Json{{"action", action}, {"scope", scope}});
      },
      PrintText);
}

}  // namespace

void AddWhoCan(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, action, scope;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("who-can", "list the members who may do an action on a scope");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("ACTION", args->action, "permission id")->required();
  cmd->add_option("SCOPE", args->scope, "scope id")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code =
        RunWhoCan(args->bundle, args->action, args->scope, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
