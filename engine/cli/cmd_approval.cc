// `rolegate approval BUNDLE REQUEST --now TIME`: the status of one of the bundle's
// pending approval requests at a time: pending, approved, rejected or expired,
// with the eligible approvers and the decisions that count. json (default): the
// canonical answer; text: a short summary. Exit 0, or 3 when the query is invalid.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kJson;

std::string NameList(const Names& names, const Json& ids) {
  std::string out;
  for (const Json& id : ids) {
    out += (out.empty() ? "" : ", ") + names.Member(id.is_string() ? id.get<std::string>() : "");
  }
  return out.empty() ? "none" : out;
}

void PrintText(const Names& names, const Json& answer) {
  std::cout << "request " << StringField(answer, "request") << ": " << StringField(answer, "status")
            << " (" << answer.value("approvals", Json::array()).size() << " of "
            << answer.value("quorum", 1) << " approvals needed)\n"
            << "  may approve: " << NameList(names, answer.value("eligible", Json::array()))
            << "\n  approved by: " << NameList(names, answer.value("approvals", Json::array()))
            << "\n  rejected by: " << NameList(names, answer.value("rejections", Json::array()))
            << '\n';
}

int RunApproval(const std::string& bundle_path, const std::string& request, const std::string& now,
                Format format) {
  return RunQuery(
      bundle_path, format,
      [&](const Policy& policy) {
        return policy.ApprovalStatus(Json{{"request", request}, {"now", now}});
      },
      PrintText);
}

}  // namespace

void AddApproval(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, request, now;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("approval", "the status of a pending approval request at a time");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("REQUEST", args->request, "approval request id")->required();
  cmd->add_option("--now", args->now, "the time, YYYY-MM-DDTHH:MM:SSZ")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code =
        RunApproval(args->bundle, args->request, args->now, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
