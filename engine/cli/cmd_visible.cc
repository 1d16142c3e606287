// `rolegate visible BUNDLE ACTOR [SCOPE]`: the other members ACTOR may see on SCOPE,
// or everywhere (every scope where ACTOR holds a role, and the members added within
// their reach who hold no role yet).
// json (default): the canonical visibleMembers answer; text: one line per member.
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
  const Json members = answer.value("members", Json::array());
  const std::string scope = StringField(answer, "scope");
  std::cout << names.Member(StringField(answer, "actor")) << " sees " << members.size()
            << (members.size() == 1 ? " member" : " members")
            << (scope.empty() ? " everywhere" : " on " + names.Scope(scope)) << '\n';
  for (const Json& member : members) {
    std::string line =
        names.Member(StringField(member, "member")) + ", " + StringField(member, "status");
    const std::string email = StringField(member, "email");
    if (!email.empty()) line += ", " + email;
    std::string roles;
    for (const Json& role : member.value("roles", Json::array())) {
      roles += (roles.empty() ? "" : ", ") + names.Role(StringField(role, "role")) + " on " +
               names.Scope(StringField(role, "scope"));
    }
    const std::string added_to = StringField(member, "addedTo");
    if (!added_to.empty()) roles = "no role yet, added to " + names.Scope(added_to);
    std::cout << "  " << line << ": " << roles << '\n';
  }
}

int RunVisible(const std::string& bundle_path, const std::string& actor, const std::string& scope,
               Format format) {
  return RunQuery(
      bundle_path, format,
      [&](const Policy& policy) {
        Json query{{"actor", actor}};
        if (!scope.empty()) query["scope"] = scope;
        return policy.VisibleMembers(query);
      },
      PrintText);
}

}  // namespace

void AddVisible(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, actor, scope;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("visible", "list the members an actor may see on a scope, or everywhere");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("ACTOR", args->actor, "member id of the one looking")->required();
  cmd->add_option("SCOPE", args->scope, "scope id (none: everywhere)");
  cmd->callback([&ctx, args] {
    ctx.exit_code =
        RunVisible(args->bundle, args->actor, args->scope, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
