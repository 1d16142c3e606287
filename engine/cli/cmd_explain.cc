// `rolegate explain BUNDLE REQUEST`: the decision of `check`, written for a person.
//
//   ALLOW: Alex Morgan (m-alex) may billing.pay on Account 1002 (acc-1002)
//   because:
//     - <reason message>
//       granted_by: binding b-7; role Admin (billing.admin); scope ...
//   requires:
//     - needs 1 approval under rule orders.large from: Bea Lee (m-bea), ...
//     - needs verification postal_pin, valid 28 days
//
// Names and labels come from the bundle. Requests are read as by `check` (one
// object, or JSON Lines: one explanation per line, separated by a blank line), and
// the exit codes are the same. --format json prints the check JSON instead.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kText;

// One fact value, with ids shown by name where the key says what they name.
std::string ShowFact(const Names& names, const std::string& key, const Json& value) {
  if (value.is_array()) {
    std::string out;
    for (const Json& item : value) out += (out.empty() ? "" : ", ") + ShowFact(names, key, item);
    return out.empty() ? "none" : out;
  }
  if (!value.is_string()) return Canonical(value);
  const std::string id = value.get<std::string>();
  if (key == "member" || key == "target" || key == "holders" || key == "approvers") {
    return names.Member(id);
  }
  if (key == "role" || key == "roles" || key == "from" || key == "holder" || key == "grants") {
    return names.Role(id);
  }
  if (key == "scope" || key == "inheritedFrom") return names.Scope(id);
  return id;
}

// The code and facts of a reason (its keys besides "code" and "message"):
// "granted_by: binding b-7; role Admin (billing.admin); scope Group North (grp-north)"
std::string ShowFacts(const Names& names, const Json& reason) {
  const std::string code = StringField(reason, "code");
  std::string details;
  for (auto it = reason.begin(); it != reason.end(); ++it) {
    if (it.key() == "code" || it.key() == "message") continue;
    details += (details.empty() ? "" : "; ") + it.key() + " " + ShowFact(names, it.key(), *it);
  }
  return details.empty() ? code : code + ": " + details;
}

// " with role Admin (billing.admin), orderTotal 12000": the request's attributes.
std::string ShowAttributes(const Names& names, const Json& request) {
  const auto attributes = request.find("attributes");
  if (attributes == request.end() || !attributes->is_object() || attributes->empty()) return "";
  std::string out;
  for (auto it = attributes->begin(); it != attributes->end(); ++it) {
    out += (out.empty() ? " with " : ", ") + it.key() + " " + ShowFact(names, it.key(), *it);
  }
  return out;
}

std::string Headline(const Names& names, const Json& request, const Json& result) {
  const std::string effect = StringField(result, "effect");
  const std::string who = names.Member(StringField(result, "actor"));
  const std::string what = StringField(result, "action") + ShowAttributes(names, request);
  const std::string where = names.Scope(StringField(result, "resource"));
  if (effect == "allow") return "ALLOW: " + who + " may " + what + " on " + where;
  if (effect == "deny") return "DENY: " + who + " may not " + what + " on " + where;
  if (effect == "conditional") {
    return "CONDITIONAL: " + who + " may " + what + " on " + where +
           " once the requirements below are met";
  }
  return effect + ": " + who + " " + what + " " + where;
}

void PrintRequirements(const Names& names, const Json& result) {
  const auto requirements = result.find("requirements");
  if (requirements == result.end() || !requirements->is_object()) return;
  std::vector<std::string> lines;
  const Json approvals = requirements->value("approvals", Json::array());
  for (const Json& approval : approvals) {
    const int64_t quorum = approval.value("quorum", int64_t{1});
    std::string line =
        "needs " + std::to_string(quorum) + (quorum == 1 ? " approval" : " approvals") +
        " under rule " + StringField(approval, "rule") +
        " from: " + ShowFact(names, "approvers", approval.value("approvers", Json::array()));
    if (approval.contains("expiresAfterDays")) {
      line += " (expires after " + Canonical(approval["expiresAfterDays"]) + " days)";
    }
    lines.push_back(line);
  }
  const Json verifications = requirements->value("verifications", Json::array());
  for (const Json& verification : verifications) {
    lines.push_back("needs verification " + StringField(verification, "method") + ", valid " +
                    Canonical(verification.value("validForDays", Json(0))) + " days");
  }
  if (lines.empty()) return;
  std::cout << "requires:\n";
  for (const std::string& line : lines) std::cout << "  - " << line << '\n';
}

void PrintExplanation(const Names& names, const RequestInput& item, const Json& result,
                      bool batch) {
  if (IsFailure(result)) {
    std::cout << "INVALID request";
    if (batch) std::cout << " on line " << item.line;
    std::cout << ":\n";
    PrintErrorLines(result, std::cout, "  - ");
    return;
  }
  std::cout << Headline(names, item.parsed.value, result) << '\n';
  const Json reasons = result.value("reasons", Json::array());
  if (!reasons.empty()) {
    std::cout << "because:\n";
    for (const Json& reason : reasons) {
      const std::string message = StringField(reason, "message");
      std::cout << "  - " << (message.empty() ? StringField(reason, "code") : message) << '\n'
                << "    " << ShowFacts(names, reason) << '\n';
    }
  }
  PrintRequirements(names, result);
}

int RunExplain(const std::string& bundle_path, const std::string& request_path, Format format) {
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  RequestBatch batch;
  if (!ReadRequests(request_path, &batch)) return kExitInvalid;

  const Names names = format == Format::kText ? Names::FromText(bundle->text) : Names();
  std::vector<Json> results;
  results.reserve(batch.items.size());
  for (const RequestInput& item : batch.items) {
    results.push_back(CheckItem(*bundle->loaded.policy, item));
    if (format == Format::kJson) {
      PrintJson(results.back());
      continue;
    }
    if (results.size() > 1) std::cout << '\n';
    PrintExplanation(names, item, results.back(), !batch.single);
  }
  return ExitCodeForBatch(batch, results);
}

}  // namespace

void AddExplain(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, request;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("explain", "explain a decision in plain words");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("REQUEST", args->request, "request file, or - for stdin")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunExplain(args->bundle, args->request, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
