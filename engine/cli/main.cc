// `rolegate`: the command-line face of the engine.
//
//   rolegate validate BUNDLE
//   rolegate check BUNDLE REQUEST          (REQUEST: a file, or - for stdin)
//   rolegate explain BUNDLE REQUEST
//   rolegate who-can BUNDLE ACTION SCOPE
//   rolegate what-can BUNDLE MEMBER SCOPE
//   rolegate visible BUNDLE ACTOR [SCOPE]
//   rolegate abilities BUNDLE ACTOR MEMBER --now T
//   rolegate verifications BUNDLE CHANGESET
//   rolegate test PATH...
//   rolegate simulate BUNDLE CHANGESET [--bundle-after]   (CHANGESET: a file, or -)
//   rolegate verify BUNDLE CHANGESET PREVIEW
//   rolegate apply BUNDLE CHANGESET [--output PATH]
//   rolegate analyze BUNDLE
//
// Exit codes: 0 ok/allow, 1 internal error, 2 deny/test failure/blocked change set/
// verify differences/an error finding, 3 invalid input or bad usage, 4 conditional.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <string>

#include "commands.h"
#include "io.h"

namespace {

// Kept equal to the project version in the top-level CMakeLists.txt.
constexpr const char* kVersion = "0.1.0";

}  // namespace

int main(int argc, char** argv) {
  using namespace rolegate::cli;
  try {
    std::ios::sync_with_stdio(false);
    CLI::App app{"rolegate: a role-and-approval policy engine"};
    app.set_version_flag("--version", std::string("rolegate ") + kVersion);
    app.require_subcommand(1);
    // Subcommands pass options they do not know (--format) up to this app, so
    // --format may be given before or after the subcommand.
    app.fallthrough();

    Context ctx;
    app.add_option("--format", ctx.format,
                   "output format: json or text (each command has its default)")
        ->check(CLI::IsMember({"json", "text"}));

    AddValidate(app, ctx);
    AddCheck(app, ctx);
    AddExplain(app, ctx);
    AddWhoCan(app, ctx);
    AddApproval(app, ctx);
    AddWhatCan(app, ctx);
    AddVisible(app, ctx);
    AddAbilities(app, ctx);
    AddAttributes(app, ctx);
    AddRequestable(app, ctx);
    AddVerifications(app, ctx);
    AddTest(app, ctx);
    AddSimulate(app, ctx);
    AddVerify(app, ctx);
    AddVerifyChain(app, ctx);
    AddApply(app, ctx);
    AddServe(app, ctx);
    AddAnalyze(app, ctx);
    AddToken(app, ctx);
    AddOutbox(app, ctx);

    try {
      app.parse(argc, argv);  // runs the chosen subcommand's callback
    } catch (const CLI::ParseError& e) {
      // --help and --version are "errors" with exit code 0; bad usage exits 3.
      return app.exit(e) == 0 ? kExitOk : kExitInvalid;
    }
    std::cout.flush();
    return ctx.exit_code;
  } catch (const std::exception& e) {
    std::cout.flush();
    std::cerr << "rolegate: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
}
