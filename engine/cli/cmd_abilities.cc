// `rolegate abilities BUNDLE ACTOR MEMBER --now T`: what ACTOR may do to MEMBER at
// time T, the operations on them each allowed or needing approval.
// json (default): the canonical memberAbilities answer; text: one line per operation.
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
  const Json abilities = answer.value("abilities", Json::array());
  std::cout << names.Member(StringField(answer, "actor")) << " may do " << abilities.size()
            << (abilities.size() == 1 ? " kind of operation" : " kinds of operation") << " to "
            << names.Member(StringField(answer, "member")) << " (" << StringField(answer, "status")
            << ")\n";
  for (const Json& a : abilities) {
    const std::string effect = StringField(a, "effect");
    std::cout << "  " << StringField(a, "op") << (effect == "conditional" ? ", with approval" : "")
              << '\n';
  }
}

}  // namespace

void AddAbilities(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, actor, member, now;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("abilities", "list the operations an actor may do to a member");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("ACTOR", args->actor, "member id of the one acting")->required();
  cmd->add_option("MEMBER", args->member, "member id of the one acted on")->required();
  cmd->add_option("--now", args->now, "the time to judge at (YYYY-MM-DDTHH:MM:SSZ)")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunQuery(
        args->bundle, ctx.FormatOr(kDefaultFormat),
        [&](const Policy& policy) {
          return policy.MemberAbilities(
              Json{{"actor", args->actor}, {"member", args->member}, {"now", args->now}});
        },
        PrintText);
  });
}

}  // namespace rolegate::cli
