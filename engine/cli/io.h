// Input and output for the `rolegate` command-line tool: reading files and stdin,
// loading bundles, printing JSON and errors, and the names a person reads.
//
// Contract: results go to stdout; problems that stop a command (an unreadable file,
// an invalid bundle in text mode) go to stderr. Nothing here throws on bad input.
#ifndef ROLEGATE_CLI_IO_H_
#define ROLEGATE_CLI_IO_H_

#include <fstream>
#include <functional>
#include <iosfwd>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "rolegate/rolegate.h"

namespace rolegate::cli {

// Exit codes shared by every subcommand.
enum ExitCode : int {
  kExitOk = 0,           // allow, valid, all scenarios pass
  kExitInternal = 1,     // an unexpected internal error
  kExitDeny = 2,         // deny, or a scenario case failed
  kExitInvalid = 3,      // invalid input, unreadable file or bad usage
  kExitConditional = 4,  // allowed once approvals or verifications are given
};

enum class Format { kJson, kText };

// Reads the whole file at `path` ("-" reads stdin) as bytes. On failure returns
// nullopt and sets *error to "cannot read `path`: reason".
std::optional<std::string> ReadInput(const std::string& path, std::string* error);

// Opens `path` ("-" is stdin) to be read as it comes: *in is `file` opened, or
// std::cin. On failure returns false and sets *error as ReadInput does.
bool OpenInput(const std::string& path, std::ifstream* file, std::istream** in, std::string* error);

// "cannot read `path`: reason" (the reason lowercased).
std::string CannotRead(const std::string& path, const std::string& reason);

// A bundle file, read and loaded.
struct Bundle {
  std::string path;
  std::string text;   // the file's bytes
  LoadResult loaded;  // loaded.ok() when the bundle is valid
};

// Reads and loads the bundle at `path`. Returns nullopt, after printing
// "rolegate: cannot read ..." to stderr, when the file cannot be read.
std::optional<Bundle> ReadBundle(const std::string& path);

// Reads and loads the bundle at `path` for a command that needs a valid one.
// When it is unreadable or invalid, reports why (json: the {"ok": false, ...}
// object on stdout; text: one line per error on stderr) and returns nullopt;
// the caller then exits with kExitInvalid.
std::optional<Bundle> LoadValidBundle(const std::string& path, Format format);

// Replaces the file at `path` with `contents` atomically: afterwards `path` holds
// either its old bytes or all of `contents`, never a part. The bytes are written to
// a new temporary file "<path>.tmp-XXXXXX" in the same directory (mkstemp), which
// is flushed to disk (fsync) and then renamed over `path`; the directory is then
// synced so that the rename itself survives a crash. The new file keeps the mode of
// the file it replaces (a new file gets 0666 less the umask). A symbolic link at
// `path` is replaced by the file, not followed. On failure the temporary file is
// removed, `path` is left as it was (unless only the final directory sync failed:
// the message says so), and *error is set to "cannot write `path`: reason".
bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error);

// An exclusive advisory lock (flock) on the file "<path>.lock", created when
// missing and never removed or replaced, held until the object is destroyed.
// Commands that read a file, decide and write it back take it first, so that two
// of them never work from the same old contents: the second reads what the first
// wrote.
class FileLock {
 public:
  // Blocks until the lock is held. Returns nullopt and sets *error when the lock
  // file cannot be opened or locked.
  static std::optional<FileLock> Acquire(const std::string& path, std::string* error);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

// The current UTC time of this machine's clock, in the engine's timestamp form
// (2026-12-01T09:30:00Z). The engine has no clock: commands that judge "now"
// (apply) read it here.
// `offset_seconds` shifts it (rolegate serve --clock-offset, for drills and tests).
std::string UtcNow(int64_t offset_seconds = 0);

// Writes the canonical text of `value` and a newline to stdout.
void PrintJson(const Json& value);

// "<pointer>: <code>: <message>", with "(root)" for the empty pointer.
std::string ErrorLine(const Error& error);
// The same line for an error object {"code", "pointer", "message"}.
std::string ErrorLine(const Json& error);

// Writes one ErrorLine per error to `out`, each preceded by `indent`.
void PrintErrorLines(const Errors& errors, std::ostream& out, const std::string& indent = "");
// The same for a failed result {"ok": false, "errors": [...]}.
void PrintErrorLines(const Json& failed_result, std::ostream& out, const std::string& indent = "");

// True when `result` is a failed result: an object whose "ok" is false.
bool IsFailure(const Json& result);

// The names a bundle gives its members, scopes, roles and permissions, to show ids
// to a person: "Alex Morgan (m-alex)", or the bare id when the bundle has no name.
class Names {
 public:
  Names() = default;
  // Reads names from the bundle document; anything malformed is skipped.
  explicit Names(const Json& bundle);
  // Parses `bundle_text` first; an unparsable text gives no names.
  static Names FromText(const std::string& bundle_text);

  std::string Member(const std::string& id) const;
  std::string Scope(const std::string& id) const;
  std::string Role(const std::string& id) const;
  // Permissions show their id first: "billing.pay (Pay bills)".
  std::string Permission(const std::string& id) const;

 private:
  using Map = std::unordered_map<std::string, std::string>;
  static std::string Show(const Map& map, const std::string& id);
  Map members_, scopes_, roles_, permissions_;
};

// The string value of `key` in `object`, or "" when absent or not a string.
std::string StringField(const Json& object, const char* key);

// Runs a query on a valid bundle: `ask` computes the answer, printed as canonical
// JSON, or in text by `print_text` (an invalid query as its error lines). Returns
// the exit code: 0 answered, 3 invalid bundle or query.
int RunQuery(const std::string& bundle_path, Format format,
             const std::function<Json(const Policy&)>& ask,
             const std::function<void(const Names&, const Json&)>& print_text);

}  // namespace rolegate::cli

#endif  // ROLEGATE_CLI_IO_H_
