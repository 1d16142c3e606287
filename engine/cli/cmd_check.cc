// `rolegate check BUNDLE REQUEST`: decide requests.
//
// REQUEST is a file or "-" (stdin). One JSON object is one request: its canonical
// decision is printed on one line and the exit code tells the effect (0 allow,
// 2 deny, 4 conditional, 3 invalid); so is any text that is not JSON Lines (an empty
// file is a parse_error). JSON Lines -- a text that is not one document, of lines
// one of which at least is a request on its own -- gives one result line per non-blank input
// line, in order, errors naming their line; exit 3 if any line was invalid, else 0.
// --format text prints "<effect> <actor> <action> <resource>: <reason codes>".
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

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// "allow m-alex billing.pay acc-1002: granted_by" or, for an invalid request,
// "invalid ..." followed by its errors.
void PrintTextResult(const RequestInput& item, const Json& result, bool batch) {
  const Json& request = item.parsed.value;
  const bool failed = IsFailure(result);
  const Json& source = failed ? request : result;
  std::string head = failed ? "invalid" : StringField(result, "effect");
  if (failed && batch) head += " (line " + std::to_string(item.line) + ")";
  for (const char* key : {"actor", "action", "resource"}) {
    const std::string value = StringField(source, key);
    if (!value.empty()) head += " " + value;
  }
  std::cout << head;
  if (failed) {
    std::cout << '\n';
    PrintErrorLines(result, std::cout, "  ");
    return;
  }
  const auto reasons = result.find("reasons");
  if (reasons != result.end() && reasons->is_array() && !reasons->empty()) {
    std::string codes;
    for (const Json& reason : *reasons) {
      codes += (codes.empty() ? "" : ", ") + StringField(reason, "code");
    }
    std::cout << ": " << codes;
  }
  std::cout << '\n';
}

int RunCheck(const std::string& bundle_path, const std::string& request_path, Format format) {
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  RequestBatch batch;
  if (!ReadRequests(request_path, &batch)) return kExitInvalid;

  std::vector<Json> results;
  results.reserve(batch.items.size());
  for (const RequestInput& item : batch.items) {
    results.push_back(CheckItem(*bundle->loaded.policy, item));
    if (format == Format::kJson) {
      PrintJson(results.back());
    } else {
      PrintTextResult(item, results.back(), !batch.single);
    }
  }
  return ExitCodeForBatch(batch, results);
}

}  // namespace

RequestBatch SplitRequests(std::string_view text) {
  RequestBatch batch;
  ParsedJson whole = ParseJson(text);
  // The non-blank lines, with their 1-based numbers.
  std::vector<std::pair<size_t, std::string_view>> lines;
  size_t line = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line;
    const std::string_view content = text.substr(start, end - start);
    if (!IsBlank(content)) lines.emplace_back(line, content);
    start = end + 1;
  }
  // JSON Lines only when the text is not one document and some line is a whole
  // object on its own: a pretty-printed request that does not parse (a repeated
  // key, a missing brace) has no such line, so it is one document with its errors
  // where they are, never a dozen broken lines.
  bool json_lines = false;
  if (!whole.ok() && lines.size() > 1) {
    for (const auto& [number, content] : lines) {
      const ParsedJson one = ParseJsonAt(content, number);
      if (one.ok() && one.value.is_object()) {
        json_lines = true;
        break;
      }
    }
  }
  if (!json_lines) {
    batch.single = true;  // one document, whatever its layout; empty is a parse_error
    batch.items.push_back(RequestInput{0, std::move(whole)});
    return batch;
  }
  for (const auto& [number, content] : lines) {
    batch.items.push_back(RequestInput{number, ParseJsonAt(content, number)});
  }
  return batch;
}

Json CheckItem(const Policy& policy, const RequestInput& item) {
  if (!item.parsed.ok()) return ErrorsToJson(item.parsed.errors);
  return policy.Check(item.parsed.value);
}

int ExitCodeForResult(const Json& result) {
  if (IsFailure(result)) return kExitInvalid;
  const std::string effect = StringField(result, "effect");
  if (effect == "allow") return kExitOk;
  if (effect == "deny") return kExitDeny;
  if (effect == "conditional") return kExitConditional;
  return kExitInternal;  // the engine answered something unknown
}

int ExitCodeForBatch(const RequestBatch& batch, const std::vector<Json>& results) {
  if (batch.single && results.size() == 1) return ExitCodeForResult(results.front());
  for (const Json& result : results) {
    if (IsFailure(result)) return kExitInvalid;
  }
  return kExitOk;
}

bool ReadRequests(const std::string& path, RequestBatch* batch) {
  std::string error;
  const std::optional<std::string> text = ReadInput(path, &error);
  if (!text) {
    std::cerr << "rolegate: " << error << "\n";
    return false;
  }
  *batch = SplitRequests(*text);
  return true;
}

void AddCheck(CLI::App& app, Context& ctx) {
  struct Args {
    std::string bundle, request;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd =
      app.add_subcommand("check", "decide a request, or one request per line (JSON Lines)");
  AddFormatOption(cmd, ctx, kDefaultFormat);
  cmd->add_option("BUNDLE", args->bundle, "policy bundle file")->required();
  cmd->add_option("REQUEST", args->request, "request file, or - for stdin")->required();
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunCheck(args->bundle, args->request, ctx.FormatOr(kDefaultFormat));
  });
}

}  // namespace rolegate::cli
