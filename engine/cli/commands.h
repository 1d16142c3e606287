// The subcommands of `rolegate`, one source file each (cmd_<name>.cc).
//
// Each Add* function registers its subcommand on `app`. When the subcommand runs,
// it writes its answer to stdout and sets ctx->exit_code (see ExitCode in io.h).
#ifndef ROLEGATE_CLI_COMMANDS_H_
#define ROLEGATE_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io.h"
#include "rolegate/rolegate.h"

namespace rolegate::cli {

// State shared by all subcommands: the global --format option and the exit code.
struct Context {
  std::string format;  // "json", "text", or "" for the subcommand's default
  int exit_code = kExitOk;

  Format FormatOr(Format fallback) const {
    if (format == "json") return Format::kJson;
    if (format == "text") return Format::kText;
    return fallback;
  }
};

// Adds --format to a subcommand (bound to ctx.format, so it may also be given
// before the subcommand), with the subcommand's default in its help.
inline void AddFormatOption(CLI::App* cmd, Context& ctx, Format fallback) {
  cmd->add_option("--format", ctx.format,
                  std::string("output format: json or text (default: ") +
                      (fallback == Format::kJson ? "json" : "text") + ")")
      ->check(CLI::IsMember({"json", "text"}));
}

void AddValidate(CLI::App& app, Context& ctx);       // default format: text
void AddCheck(CLI::App& app, Context& ctx);          // default format: json
void AddExplain(CLI::App& app, Context& ctx);        // default format: text
void AddWhoCan(CLI::App& app, Context& ctx);         // default format: json
void AddApproval(CLI::App& app, Context& ctx);       // default format: json
void AddWhatCan(CLI::App& app, Context& ctx);        // default format: json
void AddVisible(CLI::App& app, Context& ctx);        // default format: json
void AddAbilities(CLI::App& app, Context& ctx);      // default format: json
void AddAttributes(CLI::App& app, Context& ctx);     // default format: json
void AddRequestable(CLI::App& app, Context& ctx);    // default format: json
void AddVerifications(CLI::App& app, Context& ctx);  // default format: json
void AddTest(CLI::App& app, Context& ctx);           // default format: text
void AddSimulate(CLI::App& app, Context& ctx);       // default format: json
void AddVerify(CLI::App& app, Context& ctx);         // default format: json
void AddVerifyChain(CLI::App& app, Context& ctx);    // default format: json
void AddApply(CLI::App& app, Context& ctx);          // default format: text
void AddServe(CLI::App& app, Context& ctx);          // JSON over HTTP
void AddAnalyze(CLI::App& app, Context& ctx);        // default format: text
void AddToken(CLI::App& app, Context& ctx);          // the database of record (cmd_store.cc)
void AddOutbox(CLI::App& app, Context& ctx);         // the database of record (cmd_store.cc)

// The requests in a check/explain input (defined in cmd_check.cc).
struct RequestInput {
  size_t line = 0;    // 1-based line in a JSON Lines input; 0 for a single document
  ParsedJson parsed;  // the request, or why it did not parse
};

struct RequestBatch {
  bool single = false;  // the whole input is one document (a request, or why it is none)
  std::vector<RequestInput> items;
};

// `text` is JSON Lines when it does not parse as one document, has more than one
// non-blank line, and one such line at least is a JSON object on its own: then each
// non-blank line is parsed on its own (errors name the line). Otherwise it is one
// document of any layout (an empty text is a parse_error): the one request.
RequestBatch SplitRequests(std::string_view text);

// Decides one input item: policy.Check() of the request, or the parse failure.
Json CheckItem(const Policy& policy, const RequestInput& item);

// The exit code of one check result: 0 allow, 2 deny, 4 conditional, 3 invalid.
int ExitCodeForResult(const Json& result);

// The exit code of a whole input: the single result's code, or for a batch 3 when
// any line was invalid, else 0.
int ExitCodeForBatch(const RequestBatch& batch, const std::vector<Json>& results);

// Reads the requests at `path` ("-" for stdin). Prints why and returns false when
// the input is unreadable or holds no request.
bool ReadRequests(const std::string& path, RequestBatch* batch);

// Change sets (docs/changes.md), shared by simulate, verify and apply (defined in
// cmd_simulate.cc).

// Reads the JSON document at `path` ("-" for stdin): a change set or, for verify, a
// preview; `what` names it in messages ("change set"). Returns nullopt after
// reporting why: an unreadable file on stderr; text that is not JSON as a failed
// result (json: {"ok": false, "errors"} on stdout; text: "invalid <what> `path`:"
// and one line per error on stdout). The caller then exits with kExitInvalid.
std::optional<Json> ReadJsonDocument(const std::string& path, const std::string& what,
                                     Format format);

// The exit code of a simulation result: 3 invalid (including stale_revision), 2 when
// summary.blocked is true, 0 when it is false, 1 when the result has no summary.
int ExitCodeForSimulation(const Json& result);

// "invalid change set `path`:" and one error line per error, on stdout.
void PrintInvalidChangeSet(const std::string& path, const Json& failed_result);

// The names to show for a change: the bundle's, plus the members and roles the
// change set creates (an invited member object, add_members, define_role).
Names ChangeNames(const Json& bundle, const Json& change_set);

// The text report of a successful simulation result: each operation and its effect
// (with reasons and requirements unless allowed), the access changes, violations,
// notifications and the summary line.
void PrintSimulationText(const Names& names, const Json& change_set, const Json& result);

// What blocks a simulation result: each operation that is not allowed (with its
// reasons and requirements) and each `error` violation, as in PrintSimulationText.
void PrintBlockers(const Names& names, const Json& change_set, const Json& result);

}  // namespace rolegate::cli

#endif  // ROLEGATE_CLI_COMMANDS_H_
