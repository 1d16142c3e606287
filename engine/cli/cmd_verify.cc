// `rolegate verify BUNDLE CHANGESET PREVIEW`: recompute a change set's simulation
// and compare it with PREVIEW, the result a client showed (docs/changes.md).
//
// CHANGESET and PREVIEW are files, or "-" (stdin) for one of them.
// json (default): the canonical verification result {"ok", "match", "committable",
// "revision", "differences"}.
// text: "match", or "match, but blocked: ..." when the change the preview matches
// cannot be committed as it stands, or "N differences:" and one line per difference:
//   "  <pointer>: expected <preview's value>, actual <recomputed value>"
//   (a side that lacks the value shows "(absent)").
// Exit 0 match, 2 differences, 3 invalid input (including a stale baseRevision).
//
// `rolegate verify-chain BUNDLE CHAIN`: the same for a what-if chain, a file
// {"format": "rolegate-changechain/1", "steps": [{"changeSet", "preview"}...]}
// (the admin app's download of both): each step is verified on the bundle the
// step before leaves, recomputed from BUNDLE (Policy::VerifyChain); differences
// point into the file (/steps/1/preview/...).
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kJson;

// The canonical text of `difference[key]`, or "(absent)".
std::string ShowSide(const Json& difference, const char* key) {
  const auto it = difference.find(key);
  return it == difference.end() ? "(absent)" : Canonical(*it);
}

void PrintText(const Json& result) {
  const auto match = result.find("match");
  if (match != result.end() && match->is_boolean() && match->get<bool>()) {
    if (result.value("committable", false)) {
      std::cout << "match\n";
    } else {
      std::cout << "match, but blocked: the change cannot be committed as it stands "
                   "(something is denied, needs an approval or a verification, or breaks an "
                   "error invariant)\n";
    }
    return;
  }
  const auto differences = result.find("differences");
  const Json none = Json::array();
  const Json& list = differences != result.end() && differences->is_array() ? *differences : none;
  std::cout << list.size() << (list.size() == 1 ? " difference:" : " differences:") << '\n';
  for (const Json& difference : list) {
    if (!difference.is_object()) continue;
    const std::string pointer = StringField(difference, "pointer");
    std::cout << "  " << (pointer.empty() ? "(root)" : pointer) << ": expected "
              << ShowSide(difference, "expected") << ", actual " << ShowSide(difference, "actual")
              << '\n';
  }
}

// 0 match, 2 differences, 3 invalid, 1 when the result says neither.
int ExitCodeForVerification(const Json& result) {
  if (IsFailure(result)) return kExitInvalid;
  const auto match = result.find("match");
  if (match == result.end() || !match->is_boolean()) return kExitInternal;
  return match->get<bool>() ? kExitOk : kExitDeny;
}

int RunVerify(const std::string& bundle_path, const std::string& change_set_path,
              const std::string& preview_path, Format format) {
  if (change_set_path == "-" && preview_path == "-") {
    std::cerr << "rolegate: verify: CHANGESET and PREVIEW cannot both be read from stdin\n";
    return kExitInvalid;
  }
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  const std::optional<Json> change_set = ReadJsonDocument(change_set_path, "change set", format);
  if (!change_set) return kExitInvalid;
  const std::optional<Json> preview = ReadJsonDocument(preview_path, "preview", format);
  if (!preview) return kExitInvalid;

  const Json result = bundle->loaded.policy->Verify(*change_set, *preview);
  if (format == Format::kJson) {
    PrintJson(result);
  } else if (IsFailure(result)) {
    PrintInvalidChangeSet(change_set_path, result);
  } else {
    PrintText(result);
  }
  return ExitCodeForVerification(result);
}

int RunVerifyChain(const std::string& bundle_path, const std::string& chain_path, Format format) {
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  const std::optional<Json> chain = ReadJsonDocument(chain_path, "chain", format);
  if (!chain) return kExitInvalid;
  const Json result = bundle->loaded.policy->VerifyChainDocument(*chain);
  if (format == Format::kJson) {
    PrintJson(result);
  } else if (IsFailure(result)) {
    PrintInvalidChangeSet(chain_path, result);
  } else {
    PrintText(result);
  }
  return ExitCodeForVerification(result);
}

}  // namespace

void AddVerifyChain(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, chain;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "verify-chain", "verify a what-if chain of change sets and previews, step by step");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file (the chain's first base)")
      ->required();
  cmd->add_option("CHAIN", args->chain, "chain file (rolegate-changechain/1), or - for stdin")
      ->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunVerifyChain(args->bundle, args->chain, ctx.FormatOr(kDefaultFormat));
  });
}

void AddVerify(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, change_set, preview;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "recompute a change set's simulation and compare it with a preview");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("CHANGESET", args->change_set, "change set file, or - for stdin")->required();
  cmd->add_option("PREVIEW", args->preview,
                  "the simulation result the client showed: a file, or - for stdin")
      ->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code =
        RunVerify(args->bundle, args->change_set, args->preview, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
