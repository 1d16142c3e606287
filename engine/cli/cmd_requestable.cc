// `rolegate requestable BUNDLE ACTOR --now T`: the roles ACTOR could ask for with
// `request_role` at time T, on each scope where they hold a role.
// json (default): the canonical requestableRoles answer; text: one line per scope.
// Exit 0, or 3 when the query is invalid.
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
  const Json scopes = answer.value("scopes", Json::array());
  std::cout << names.Member(StringField(answer, "actor"))
            << (scopes.empty() ? " may ask for no role\n" : " may ask for\n");
  for (const Json& s : scopes) {
    std::cout << "  on " << names.Scope(StringField(s, "scope")) << ": ";
    const Json roles = s.value("roles", Json::array());
    for (size_t i = 0; i < roles.size(); ++i) {
      std::cout << (i > 0 ? ", " : "") << (roles[i].is_string() ? roles[i].get<std::string>() : "");
    }
    std::cout << '\n';
  }
}

}  // namespace

void AddRequestable(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, actor, now;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("requestable", "list the roles a member could ask for");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("ACTOR", args->actor, "member id of the one asking")->required();
  cmd->add_option("--now", args->now, "the time to judge at (YYYY-MM-DDTHH:MM:SSZ)")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunQuery(
        args->bundle, ctx.FormatOr(kDefaultFormat),
        [&](const Policy& policy) {
          return policy.RequestableRoles(Json{{"actor", args->actor}, {"now", args->now}});
        },
        PrintText);
  });
}

}  // namespace rolegate::cli
