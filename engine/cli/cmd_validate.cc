// `rolegate validate BUNDLE`: load a bundle and report whether it is valid.
//
// text: "ok: <path> (revision R; N scopes, N roles, N members, N bindings)" and one
//       "warning: ..." line per warning; or "invalid: <path> (N errors)" and one
//       "<pointer>: <code>: <message>" line per error.
// json: {"ok": true, "revision", "summary", "warnings"} or {"ok": false, "errors"}.
// Exit 0 valid, 3 invalid or unreadable.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

constexpr Format kDefaultFormat = Format::kText;

// "N scopes, N roles, N members, N bindings" from the policy summary's counts.
std::string Counts(const Json& summary) {
  const Json counts = summary.is_object() ? summary.value("counts", Json::object()) : Json();
  std::string out;
  for (const char* list : {"scopes", "roles", "members", "bindings"}) {
    const auto it = counts.find(list);
    out += (out.empty() ? "" : ", ") + (it != counts.end() ? Canonical(*it) : "?") + " " + list;
  }
  return out;
}

int RunValidate(const std::string& path, Format format) {
  std::optional<Bundle> bundle = ReadBundle(path);
  if (!bundle) return kExitInvalid;
  const LoadResult& loaded = bundle->loaded;

  if (format == Format::kJson) {
    PrintJson(ValidationToJson(loaded));
    return loaded.ok() ? kExitOk : kExitInvalid;
  }

  if (!loaded.ok()) {
    const size_t n = loaded.errors.size();
    std::cout << "invalid: " << path << " (" << n << (n == 1 ? " error" : " errors") << ")\n";
    PrintErrorLines(loaded.errors, std::cout);
    return kExitInvalid;
  }
  std::cout << "ok: " << path << " (revision " << loaded.policy->revision() << "; "
            << Counts(loaded.policy->Summary()) << ")\n";
  PrintErrorLines(loaded.warnings, std::cout, "warning: ");
  return kExitOk;
}

}  // namespace

void AddValidate(CLI::App& app, Context& ctx) {
  auto path = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("validate", "check that a policy bundle is valid");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", *path, "policy bundle file")->required();
  cmd->callback([&ctx, path] { ctx.exit_code = RunValidate(*path, ctx.FormatOr(kDefaultFormat)); });
}

}  // namespace rolegate::cli
