// `rolegate attributes BUNDLE ACTION`: the attributes a check of ACTION reads.
// json (default): the canonical checkAttributes answer; text: one line.
// Exit 0, or 3 when the query is invalid (an unknown action).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kJson;

void PrintText(const Names&, const Json& answer) {
  std::vector<std::string> names;
  if (answer.value("role", false)) names.push_back("role");
  if (answer.value("target", false)) names.push_back("target");
  for (const Json& a : answer.value("others", Json::array())) {
    if (a.is_string()) names.push_back(a.get<std::string>());
  }
  std::cout << "a check of " << StringField(answer, "action") << " reads ";
  if (names.empty()) std::cout << "no attributes";
  for (size_t i = 0; i < names.size(); ++i) std::cout << (i > 0 ? ", " : "") << names[i];
  std::cout << '\n';
}

}  // namespace

void AddAttributes(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, action;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("attributes", "list the attributes a check of an action reads");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("ACTION", args->action, "a permission, self-upgrade or claim action")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunQuery(
        args->bundle, ctx.FormatOr(kDefaultFormat),
        [&](const Policy& policy) {
          return policy.CheckAttributes(Json{{"action", args->action}});
        },
        PrintText);
  });
}

}  // namespace rolegate::cli
