// `rolegate apply BUNDLE CHANGESET [--output PATH] [--now T]`: simulate a change set
// and, when nothing blocks it, write the bundle after the change.
//
// The change set is judged at this machine's time (UtcNow), or at `--now T`; the
// change set's own `now` is what its author previewed, not what decides. While it
// reads BUNDLE, judges and writes, apply holds an exclusive lock on the file it
// writes: "<BUNDLE>.lock", or "<PATH>.lock" with --output (FileLock in io.h). Of two
// applies built on the same revision of a bundle they write back, the second reads
// what the first wrote and is refused with stale_revision, so no change is silently
// lost.
//
// CHANGESET is a file or "-" (stdin). The bundle after the change is written as
// indented JSON (and a newline) to PATH, by default over BUNDLE itself, atomically
// (WriteFileAtomically in io.h): the target holds either its old bytes or the whole
// new bundle, never a part.
// text (default): "applied: <path> (revision <revisionAfter>)", and a line saying when
//       it was judged when that differs from the change set's `now`; when the change
//       set is blocked, "refused: ..." and what blocks it (the operations that are not
//       allowed, the error violations) and the summary line; nothing is written.
// json: the canonical simulation result, without "bundleAfter".
// Exit 0 applied, 2 refused (summary.blocked), 3 invalid input (including a stale
// baseRevision), 1 internal error or the file could not be written.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kText;

// Writes the bundle after the change to `target`, atomically, once it is known to
// load with the revision the simulation announced (`code`: the simulation's exit
// code, kExitOk here). kExitOk, or kExitInternal with the reason on stderr.
int WriteBundleAfter(int code, const Json& result, const Json& after, const std::string& target) {
  const auto internal_error = [&target](const std::string& what) {
    std::cerr << "rolegate: internal error: " << what << "; `" << target << "` was not written\n";
    return kExitInternal;
  };
  if (code != kExitOk) return internal_error("the simulation result has no summary");
  if (!after.is_object()) return internal_error("the simulation result has no bundleAfter");
  // The bundle written must load, with the revision the simulation announced: a
  // bundle that the next change set cannot be built on is never written.
  const std::string revision = StringField(result, "revisionAfter");
  const std::string text = Pretty(after) + "\n";
  const LoadResult reloaded = LoadPolicy(text);
  if (!reloaded.ok()) {
    const int status = internal_error("the bundle after the change does not load");
    PrintErrorLines(reloaded.errors, std::cerr, "  ");
    return status;
  }
  if (reloaded.policy->revision() != revision) {
    return internal_error("the bundle after the change has revision " +
                          reloaded.policy->revision() + ", not " + revision);
  }

  std::string error;
  if (!WriteFileAtomically(target, text, &error)) {
    std::cerr << "rolegate: " << error << "\n";
    return kExitInternal;
  }
  return kExitOk;
}

int RunApply(const std::string& bundle_path, const std::string& change_set_path,
             const std::string& output_path, const std::string& now, Format format) {
  if (bundle_path == "-" && output_path.empty()) {
    std::cerr << "rolegate: apply: BUNDLE is read from stdin, so --output PATH is required\n";
    return kExitInvalid;
  }
  std::optional<Json> change_set = ReadJsonDocument(change_set_path, "change set", format);
  if (!change_set) return kExitInvalid;
  // Read, judge and write under the lock: nobody else's write falls in between.
  std::string lock_error;
  const std::optional<FileLock> lock =
      FileLock::Acquire(output_path.empty() ? bundle_path : output_path, &lock_error);
  if (!lock) {
    std::cerr << "rolegate: " << lock_error << "\n";
    return kExitInternal;
  }
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  // Judged now, not at the time the change set names.
  std::string previewed;
  if (change_set->is_object()) {
    if (auto it = change_set->find("now"); it != change_set->end() && it->is_string()) {
      previewed = it->get<std::string>();
    }
    (*change_set)["now"] = now.empty() ? UtcNow() : now;
  }

  Json result = bundle->loaded.policy->Simulate(*change_set, /*include_bundle=*/true);
  if (IsFailure(result)) {
    if (format == Format::kJson) {
      PrintJson(result);
    } else {
      PrintInvalidChangeSet(change_set_path, result);
    }
    return kExitInvalid;
  }
  Json after;
  if (const auto it = result.find("bundleAfter"); it != result.end()) {
    after = std::move(*it);
    result.erase("bundleAfter");
  }
  const std::string target = output_path.empty() ? bundle_path : output_path;
  const int code = ExitCodeForSimulation(result);
  if (code == kExitDeny) {
    if (format == Format::kJson) {
      PrintJson(result);
    } else {
      std::cout << "refused: change set `" << change_set_path
                << "` cannot be applied as it stands; `" << target << "` was not written\n";
      PrintBlockers(ChangeNames(ParseJson(bundle->text).value, *change_set), *change_set, result);
    }
    return kExitDeny;
  }
  if (const int written = WriteBundleAfter(code, result, after, target); written != kExitOk) {
    return written;
  }
  const std::string revision = StringField(result, "revisionAfter");
  if (format == Format::kJson) {
    PrintJson(result);
  } else {
    std::cout << "applied: " << target << " (revision " << revision << ")\n";
    const std::string judged = StringField(*change_set, "now");
    if (judged != previewed) {
      std::cout << "judged at " << judged
                << (previewed.empty() ? std::string() : ", not at the change set's " + previewed)
                << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddApply(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, change_set, output, now;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "apply", "apply a change set that nothing blocks, writing the bundle after it");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("CHANGESET", args->change_set, "change set file, or - for stdin")->required();
  cmd->add_option("--output", args->output,
                  "where to write the bundle after the change (default: over BUNDLE)");
  cmd->add_option("--now", args->now,
                  "judge the change set at this time (YYYY-MM-DDTHH:MM:SSZ) instead of "
                  "this machine's clock");
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunApply(args->bundle, args->change_set, args->output, args->now,
                             ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
