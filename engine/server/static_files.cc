#include "static_files.h"

#include <sys/stat.h>
#include <zlib.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "secrets.h"

namespace rolegate::server {

namespace {

std::string RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) return "";
  return buffer;
}

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

struct Type {
  const char* extension;
  const char* media;
  bool compress;
};

constexpr Type kTypes[] = {
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".json", "application/json", true},
    {".webmanifest", "application/manifest+json", true},
    {".map", "application/json", true},
    {".txt", "text/plain; charset=utf-8", true},
    {".svg", "image/svg+xml", true},
    {".wasm", "application/wasm", true},
    {".png", "image/png", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
};

const Type* TypeOf(const std::string& path) {
  for (const Type& t : kTypes) {
    const std::string ext = t.extension;
    if (path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0) {
      return &t;
    }
  }
  return nullptr;
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  // 15 + 16: a gzip wrapper; level 9: compressed once per file version.
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const size_t written = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return "";
  out.resize(written);
  return out;
}

bool AcceptsGzip(const std::string& accept_encoding) {
  std::stringstream list(accept_encoding);
  std::string item;
  while (std::getline(list, item, ',')) {
    const size_t b = item.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    item = item.substr(b);
    const std::string coding = item.substr(0, item.find_first_of(" \t;"));
    if (coding != "gzip" && coding != "*") continue;
    // "gzip;q=0" refuses it.
    const size_t q = item.find("q=");
    if (q != std::string::npos && std::strtod(item.c_str() + q + 2, nullptr) == 0.0) continue;
    return true;
  }
  return false;
}

}  // namespace

StaticFiles::StaticFiles(const std::string& root) : root_(RealPath(root)) {
  if (root_.empty() || !IsDirectory(root_)) {
    throw std::runtime_error("`" + root + "` is not a directory");
  }
}

std::string StaticFiles::Resolve(const std::string& url_path) const {
  std::string path;
  if (!http::PercentDecode(url_path, false, &path)) return "";  // a malformed escape
  if (path.empty() || path[0] != '/' || path.find('\0') != std::string::npos ||
      path.find('\\') != std::string::npos) {
    return "";
  }
  // No segment may be `..` (nor `.`, which names nothing of its own).
  std::stringstream segments(path.substr(1));
  std::string segment;
  while (std::getline(segments, segment, '/')) {
    if (segment == ".." || segment == ".") return "";
  }
  std::string file = root_ + path;
  if (IsDirectory(file)) file += (file.back() == '/' ? "" : "/") + std::string("index.html");
  // Through symbolic links too, the file must be inside the root.
  const std::string real = RealPath(file);
  if (real.empty() || real.compare(0, root_.size() + 1, root_ + "/") != 0) return "";
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  return real;
}

void StaticFiles::Serve(const http::Request& req, http::Response& res) {
  const std::string file = Resolve(req.path);
  if (file.empty()) {
    res.status = 404;
    res.content_type = "text/plain; charset=utf-8";
    res.body = "not found\n";
    return;
  }
  struct stat st {};
  ::stat(file.c_str(), &st);
  const std::string version = std::to_string(st.st_mtim.tv_sec) + "." +
                              std::to_string(st.st_mtim.tv_nsec) + "/" + std::to_string(st.st_size);
  std::shared_ptr<const Cached> cached;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(file);
    if (it != cache_.end() && it->second->mtime_and_size == version) cached = it->second;
  }
  const Type* type = TypeOf(file);
  if (cached == nullptr) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    auto fresh = std::make_shared<Cached>();
    fresh->mtime_and_size = version;
    fresh->body = bytes.str();
    fresh->etag = "\"" + Sha256Hex(fresh->body).substr(0, 32) + "\"";
    if (type != nullptr && type->compress && fresh->body.size() > 256) {
      fresh->gzipped = Gzip(fresh->body);
    }
    cached = fresh;
    std::lock_guard<std::mutex> lock(mu_);
    cache_[file] = fresh;
  }
  res.headers.push_back({"ETag", cached->etag});
  res.headers.push_back({"Cache-Control", "no-cache"});
  res.headers.push_back({"X-Content-Type-Options", "nosniff"});
  res.headers.push_back({"Vary", "Accept-Encoding"});
  if (req.Header("if-none-match") == cached->etag) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.content_type = type != nullptr ? type->media : "application/octet-stream";
  if (!cached->gzipped.empty() && AcceptsGzip(req.Header("accept-encoding"))) {
    res.headers.push_back({"Content-Encoding", "gzip"});
    res.body = cached->gzipped;
  } else {
    res.body = cached->body;
  }
}

}  // namespace rolegate::server
