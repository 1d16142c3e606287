// The assembled admin app, served by `rolegate serve --app DIR` from the origin of
// the API (docs/server.md, "The app"):
//
// - only files under DIR: a path with a `..` segment, a backslash or a NUL, or one
//   that resolves (through a symbolic link) outside DIR, is not found;
// - `/` and a directory serve its index.html;
// - the type by extension (text/javascript for .js and .mjs, application/wasm, ...),
//   with `X-Content-Type-Options: nosniff`;
// - gzip for a client that accepts it, for text, JavaScript, JSON, SVG and
//   WebAssembly, compressed once per file version and kept;
// - a strong `ETag` (the content's SHA-256), `If-None-Match` answered 304, and
//   `Cache-Control: no-cache` (always revalidated: the app's file names carry no
//   hash, so a new build is picked up at once).
#ifndef ROLEGATE_SERVER_STATIC_FILES_H_
#define ROLEGATE_SERVER_STATIC_FILES_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "http.h"

namespace rolegate::server {

class StaticFiles {
 public:
  // `root` must be a directory; throws std::runtime_error otherwise.
  explicit StaticFiles(const std::string& root);

  // Answers a GET (or HEAD) of `req.path`.
  void Serve(const http::Request& req, http::Response& res);

 private:
  struct Cached {
    std::string mtime_and_size;
    std::string body, gzipped, etag;
  };
  // The file a URL path names under the root, or "" when there is none.
  std::string Resolve(const std::string& url_path) const;

  std::string root_;  // real path, without a trailing slash
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const Cached>> cache_;
};

}  // namespace rolegate::server

#endif  // ROLEGATE_SERVER_STATIC_FILES_H_
