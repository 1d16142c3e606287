// A small HTTP/1.1 server for `rolegate serve`, built so that slow or hostile
// clients cannot hold the server (docs/server.md, "Limits"):
//
// - One I/O thread (epoll) reads every connection without blocking. A request
//   reaches a worker only once it is whole, so a client that sends its headers a
//   line at a time, or its body a byte at a time, holds no worker: it holds a
//   file descriptor until its deadline passes, then it is closed.
// - Deadlines: the headers must arrive within `header_timeout_ms` of the
//   request's first byte, the body within `body_timeout_ms` of the headers, the
//   answer must be taken within `write_timeout_ms`, and an idle keep-alive
//   connection is closed after `idle_timeout_ms`.
// - Limits: headers of at most `max_header_bytes` (431), a body of at most
//   `max_body` bytes, declared or chunked (413, answered as soon as it is known,
//   then the connection is closed without reading the rest), at most
//   `max_connections` open (503 beyond). Transfer-Encoding together with
//   Content-Length, or an encoding other than chunked, is refused (400): no
//   request smuggling through a proxy in front.
// - A fixed pool of `workers` threads runs the handlers; each connection has at
//   most one request in a handler at a time.
// - Replies go out with TCP_NODELAY; `Expect: 100-continue` is honoured; a HEAD
//   request is answered as a GET would be, without the body. A header the answer
//   sets replaces a default header of the same name.
#ifndef ROLEGATE_SERVER_HTTP_H_
#define ROLEGATE_SERVER_HTTP_H_

#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace rolegate::server::http {

struct Request {
  std::string method;
  std::string target;                          // as sent: path and query
  std::string path;                            // without the query, not decoded
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::vector<std::string> matches;  // the route pattern's groups

  // The value of the header `name` (lower case), or "".
  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const { return headers.count(name) > 0; }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close = false;  // close the connection after this answer
  bool head = false;   // set by the server for HEAD: the body's length is sent, not the body
};

using Handler = std::function<void(const Request&, Response&)>;

// Appends `in` with its %XX escapes decoded (and `+` as a space when
// `plus_is_space`, as in a query) to *out. False when a `%` starts no escape
// (it is then kept as it is).
bool PercentDecode(const std::string& in, bool plus_is_space, std::string* out);

struct Options {
  size_t max_body = 16u << 20;
  size_t max_header_bytes = 64u << 10;
  int header_timeout_ms = 10000;
  int body_timeout_ms = 60000;
  int idle_timeout_ms = 60000;
  int write_timeout_ms = 30000;
  size_t workers = 16;
  size_t max_connections = 4096;
  // Sent with every answer.
  std::vector<std::pair<std::string, std::string>> default_headers;
  // Called once a request's headers are in, before its body is read. Returning
  // true with `res` filled answers at once and closes the connection (a body of
  // the wrong type is never read).
  std::function<bool(const Request&, Response&)> before_body;
  // Writes the body of an answer the server gives itself (400 bad_request, 404
  // not_found, 405 method_not_allowed, 413 input_too_large, 431
  // headers_too_large, 503 too_many_connections), from its stable code and a
  // message; `res.status` is already set.
  std::function<void(Response& res, const std::string& code, const std::string& message)> error;
};

class Server {
 public:
  explicit Server(Options options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Routes `method` requests whose whole path matches the regular expression
  // `pattern` to `handler`; the first route that matches wins.
  void Route(const std::string& method, const std::string& pattern, Handler handler);

  // Binds a listening socket; port 0 picks a free one. Returns the port, or -1.
  int Bind(const std::string& host, int port);
  // Serves until Stop(). Handlers in progress finish first.
  void Run();
  // Makes Run() return; safe from any thread.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rolegate::server::http

#endif  // ROLEGATE_SERVER_HTTP_H_
