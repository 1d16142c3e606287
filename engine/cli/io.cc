#include "io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <vector>

namespace rolegate::cli {
namespace {

namespace fs = std::filesystem;

// "No such file or directory" -> "no such file or directory": messages are lowercase.
std::string Lowercased(std::string reason) {
  if (!reason.empty()) {
    reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  }
  return reason;
}

// Reads names from `list` (an array of objects) into `map`: id -> object[key].
void Collect(const Json& bundle, const char* list, const char* key,
             std::unordered_map<std::string, std::string>* map) {
  const auto it = bundle.find(list);
  if (it == bundle.end() || !it->is_array()) return;
  for (const Json& item : *it) {
    if (!item.is_object()) continue;
    const std::string id = StringField(item, "id");
    const std::string name = StringField(item, key);
    if (!id.empty() && !name.empty()) (*map)[id] = name;
  }
}

std::string CannotWrite(const std::string& path, const std::string& reason) {
  return "cannot write `" + path + "`: " + Lowercased(reason);
}

// Writes all of `data` to `fd`, retrying short writes and interrupted calls.
bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// The mode a file written at `path` should get: that of the file it replaces, or
// for a new file 0666 less the process umask.
mode_t ModeFor(const std::string& path) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0 && S_ISREG(existing.st_mode)) {
    return existing.st_mode & 07777;
  }
  const mode_t mask = ::umask(0);
  ::umask(mask);
  return static_cast<mode_t>(0666 & ~mask);
}

// Syncs the directory `dir`, so that a rename in it is on disk. Filesystems that
// cannot sync a directory (EINVAL) count as synced.
bool SyncDirectory(const std::string& dir, std::string* reason) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *reason = std::strerror(errno);
    return false;
  }
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;
  if (!ok) *reason = std::strerror(errno);
  ::close(fd);
  return ok;
}

}  // namespace

std::string CannotRead(const std::string& path, const std::string& reason) {
  return "cannot read `" + path + "`: " + Lowercased(reason);
}

std::optional<FileLock> FileLock::Acquire(const std::string& path, std::string* error) {
  const std::string lock_path = path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) {
    *error = "cannot open the lock file `" + lock_path + "`: " + Lowercased(std::strerror(errno));
    return std::nullopt;
  }
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    *error = "cannot lock `" + lock_path + "`: " + Lowercased(std::strerror(errno));
    ::close(fd);
    return std::nullopt;
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

std::string UtcNow(int64_t offset_seconds) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(offset_seconds);
  std::tm utc{};
  ::gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

bool WriteFileAtomically(const std::string& path, const std::string& contents, std::string* error) {
  if (path.empty() || path == "-") {
    *error = CannotWrite(path, "not a file path");
    return false;
  }
  const fs::path target(path);
  const std::string dir =
      target.has_parent_path() ? target.parent_path().string() : std::string(".");

  std::string name = path + ".tmp-XXXXXX";
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  const int fd = ::mkstemp(buffer.data());
  if (fd < 0) {
    *error =
        CannotWrite(path, "cannot create a temporary file: " + Lowercased(std::strerror(errno)));
    return false;
  }
  const std::string temp(buffer.data());

  // Everything up to the rename happens on the temporary file only; any failure
  // removes it and leaves `path` untouched.
  auto fail = [&](const std::string& what, int fd_to_close) {
    const std::string reason = what + ": " + Lowercased(std::strerror(errno));
    if (fd_to_close >= 0) ::close(fd_to_close);
    ::unlink(temp.c_str());
    *error = CannotWrite(path, reason);
    return false;
  };
  if (::fchmod(fd, ModeFor(path)) != 0) return fail("cannot set the file mode", fd);
  if (!WriteAll(fd, contents)) return fail("cannot write the temporary file", fd);
  if (::fsync(fd) != 0) return fail("cannot sync the temporary file", fd);
  if (::close(fd) != 0) return fail("cannot close the temporary file", -1);

  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) {
    ::unlink(temp.c_str());
    *error = CannotWrite(path, ec.message());
    return false;
  }
  std::string reason;
  if (!SyncDirectory(dir, &reason)) {
    *error = CannotWrite(path, "the file was replaced, but its directory could not be synced: " +
                                   Lowercased(reason));
    return false;
  }
  return true;
}

bool OpenInput(const std::string& path, std::ifstream* file, std::istream** in,
               std::string* error) {
  if (path == "-") {
    *in = &std::cin;
    return true;
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    *error = CannotRead(path, "is a directory");
    return false;
  }
  file->open(path, std::ios::binary);
  if (!*file) {
    *error = CannotRead(path, std::strerror(errno));
    return false;
  }
  *in = file;
  return true;
}

std::optional<std::string> ReadInput(const std::string& path, std::string* error) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) {
      *error = CannotRead(path, "read error on standard input");
      return std::nullopt;
    }
    return buffer.str();
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    *error = CannotRead(path, "is a directory");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = CannotRead(path, std::strerror(errno));
    return std::nullopt;
  }
  // In blocks, into a string sized from the file's size (a hint: the file may
  // change while it is read), rather than byte by byte into one that keeps growing.
  std::string text;
  const auto size = fs::file_size(path, ec);
  if (!ec) text.reserve(static_cast<size_t>(size));
  char block[1 << 16];
  while (in.read(block, sizeof block), in.gcount() > 0) {
    text.append(block, static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) {
    *error = CannotRead(path, "read error");
    return std::nullopt;
  }
  return text;
}

std::optional<Bundle> ReadBundle(const std::string& path) {
  std::string error;
  std::optional<std::string> text = ReadInput(path, &error);
  if (!text) {
    std::cerr << "rolegate: " << error << "\n";
    return std::nullopt;
  }
  Bundle bundle;
  bundle.path = path;
  bundle.text = std::move(*text);
  bundle.loaded = LoadPolicy(bundle.text);
  return bundle;
}

std::optional<Bundle> LoadValidBundle(const std::string& path, Format format) {
  std::optional<Bundle> bundle = ReadBundle(path);
  if (!bundle) return std::nullopt;
  if (bundle->loaded.ok()) return bundle;
  if (format == Format::kJson) {
    PrintJson(ErrorsToJson(bundle->loaded.errors));
  } else {
    std::cerr << "rolegate: invalid bundle `" << path << "`:\n";
    PrintErrorLines(bundle->loaded.errors, std::cerr, "  ");
  }
  return std::nullopt;
}

void PrintJson(const Json& value) { std::cout << Canonical(value) << '\n'; }

std::string ErrorLine(const Error& error) {
  return (error.pointer.empty() ? std::string("(root)") : error.pointer) + ": " + error.code +
         ": " + error.message;
}

std::string ErrorLine(const Json& error) {
  Error e;
  e.code = StringField(error, "code");
  e.pointer = StringField(error, "pointer");
  e.message = StringField(error, "message");
  return ErrorLine(e);
}

void PrintErrorLines(const Errors& errors, std::ostream& out, const std::string& indent) {
  for (const Error& error : errors) out << indent << ErrorLine(error) << '\n';
}

void PrintErrorLines(const Json& failed_result, std::ostream& out, const std::string& indent) {
  const auto it = failed_result.find("errors");
  if (it == failed_result.end() || !it->is_array()) return;
  for (const Json& error : *it) out << indent << ErrorLine(error) << '\n';
}

bool IsFailure(const Json& result) {
  if (!result.is_object()) return true;
  const auto it = result.find("ok");
  return it != result.end() && it->is_boolean() && !it->get<bool>();
}

Names::Names(const Json& bundle) {
  if (!bundle.is_object()) return;
  Collect(bundle, "members", "name", &members_);
  Collect(bundle, "scopes", "name", &scopes_);
  Collect(bundle, "roles", "label", &roles_);
  Collect(bundle, "permissions", "label", &permissions_);
}

Names Names::FromText(const std::string& bundle_text) {
  ParsedJson parsed = ParseJson(bundle_text);
  return parsed.ok() ? Names(parsed.value) : Names();
}

std::string Names::Show(const Map& map, const std::string& id) {
  const auto it = map.find(id);
  return it == map.end() ? id : it->second + " (" + id + ")";
}

std::string Names::Member(const std::string& id) const { return Show(members_, id); }
std::string Names::Scope(const std::string& id) const { return Show(scopes_, id); }
std::string Names::Role(const std::string& id) const { return Show(roles_, id); }
std::string Names::Permission(const std::string& id) const {
  const auto it = permissions_.find(id);
  return it == permissions_.end() ? id : id + " (" + it->second + ")";
}

std::string StringField(const Json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

int RunQuery(const std::string& bundle_path, Format format,
             const std::function<Json(const Policy&)>& ask,
             const std::function<void(const Names&, const Json&)>& print_text) {
  std::optional<Bundle> bundle = LoadValidBundle(bundle_path, format);
  if (!bundle) return kExitInvalid;
  const Json answer = ask(*bundle->loaded.policy);
  if (format == Format::kJson) {
    PrintJson(answer);
  } else if (IsFailure(answer)) {
    std::cout << "invalid query:\n";
    PrintErrorLines(answer, std::cout, "  ");
  } else {
    print_text(Names::FromText(bundle->text), answer);
  }
  return IsFailure(answer) ? kExitInvalid : kExitOk;
}

}  // namespace rolegate::cli
