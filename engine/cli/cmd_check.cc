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
#include <fstream>
#include <functional>
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

// Reads the requests of `in` as SplitRequests reads a whole text, handing each to
// `each` (with whether the input is one document) as soon as it is known. JSON
// Lines whose first non-blank line is an object on its own stream: once another
// non-blank line follows, the input cannot be one document, so each line is
// decided as it is read and none is kept. Any other input is read whole first.
// `idle` is called before a read that may wait for more input, so that what was
// decided so far can be flushed to a reader at the other end of a pipe.
// False when the input cannot be read.
bool StreamRequests(std::istream& in,
                    const std::function<void(const RequestInput&, bool single)>& each,
                    const std::function<void()>& idle) {
  std::string text, line;
  size_t number = 0;
  bool streamed = false;
  auto next = [&] {
    if (in.rdbuf()->in_avail() <= 0) idle();
    if (!std::getline(in, line)) return false;
    ++number;
    return true;
  };
  // Kept as it was read: getline drops the newline, and the last line may have none.
  auto keep = [&] {
    text += line;
    if (!in.eof()) text += '\n';
  };
  bool found = false;
  while (!found && next()) {
    keep();
    found = !IsBlank(line);
  }
  if (found) {
    const size_t first = number;
    ParsedJson head = ParseJsonAt(line, number);
    if (head.ok() && head.value.is_object()) {
      while (!streamed && next()) {
        if (IsBlank(line)) {
          keep();
          continue;
        }
        streamed = true;
        text = std::string();
        each(RequestInput{first, std::move(head)}, false);
        do {
          if (!IsBlank(line)) each(RequestInput{number, ParseJsonAt(line, number)}, false);
        } while (next());
      }
    } else {
      while (next()) keep();
    }
  }
  if (in.bad()) return false;
  if (!streamed) {
    RequestBatch batch = SplitRequests(text);
    for (const RequestInput& item : batch.items) each(item, batch.single);
  }
  return true;
}

// Decides and prints each request as it is read: memory stays the same whatever
// the number of lines.
int RunCheck(const std::string& bundle_path, const std::string& request_path, Format format) {
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  std::ifstream file;
  std::istream* in = nullptr;
  std::string error;
  if (!OpenInput(request_path, &file, &in, &error)) {
    std::cerr << "rolegate: " << error << "\n";
    return kExitInvalid;
  }
  int code = kExitOk;
  const bool read = StreamRequests(
      *in,
      [&](const RequestInput& item, bool single) {
        const Json result = CheckItem(*bundle->loaded.policy, item);
        if (format == Format::kJson) {
          PrintJson(result);
        } else {
          PrintTextResult(item, result, !single);
        }
        if (single) {
          code = ExitCodeForResult(result);
        } else if (IsFailure(result)) {
          code = kExitInvalid;
        }
      },
      [] { std::cout.flush(); });
  if (!read) {
    std::cerr << "rolegate: "
              << CannotRead(request_path,
                            request_path == "-" ? "read error on standard input" : "read error")
              << "\n";
    return kExitInvalid;
  }
  return code;
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
