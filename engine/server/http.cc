#include "http.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "http_parse.h"

namespace rolegate::server::http {

std::string Request::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

using namespace detail;

const char* Reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

struct Server::Impl {
  struct Route {
    std::string method;
    std::regex pattern;
    Handler handler;
  };

  Options options;
  std::vector<Route> routes;
  int listener = -1;
  int epoll = -1;
  int wake = -1;  // eventfd: a handler finished, or Stop()
  std::atomic<bool> stopping{false};
  uint64_t next_id = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections;
  std::unordered_map<int, uint64_t> by_fd;

  // Work for the pool, and what it finished.
  std::mutex mu;
  std::condition_variable work_ready;
  std::deque<std::pair<uint64_t, Request>> work;
  std::deque<std::pair<uint64_t, Response>> done;
  std::vector<std::thread> workers;

  explicit Impl(Options o) : options(std::move(o)) {}

  ~Impl() {
    for (auto& [id, c] : connections) ::close(c->fd);
    if (listener >= 0) ::close(listener);
    if (epoll >= 0) ::close(epoll);
    if (wake >= 0) ::close(wake);
  }

  void Error(Response& res, int status, const std::string& code, const std::string& message) {
    res.status = status;
    res.content_type = "application/json";
    if (options.error) options.error(res, code, message);
  }

  // --- the pool -------------------------------------------------------------

  void Work() {
    for (;;) {
      std::pair<uint64_t, Request> job;
      {
        std::unique_lock<std::mutex> lock(mu);
        work_ready.wait(lock, [&] { return stopping.load() || !work.empty(); });
        if (work.empty()) return;
        job = std::move(work.front());
        work.pop_front();
      }
      Response res;
      Dispatch(job.second, res);
      {
        std::lock_guard<std::mutex> lock(mu);
        done.emplace_back(job.first, std::move(res));
      }
      const uint64_t one = 1;
      (void)!::write(wake, &one, sizeof one);
    }
  }

  void Dispatch(Request& req, Response& res) {
    bool path_known = false;
    // HEAD is GET without the body, unless a route takes HEAD itself.
    bool head_route = false;
    for (const Route& r : routes) head_route = head_route || r.method == "HEAD";
    const bool as_get = req.method == "HEAD" && !head_route;
    const std::string method = as_get ? "GET" : req.method;
    res.head = req.method == "HEAD";
    for (const Route& r : routes) {
      std::smatch m;
      if (!std::regex_match(req.path, m, r.pattern)) continue;
      // A catch-all OPTIONS route (CORS preflight) does not make a path known.
      path_known = path_known || r.method != "OPTIONS";
      if (r.method != method) continue;
      for (size_t i = 1; i < m.size(); ++i) req.matches.push_back(m[i].str());
      try {
        r.handler(req, res);
      } catch (const std::exception&) {
        res = Response();
        Error(res, 500, "internal_error", "the server could not answer this request");
      }
      res.head = req.method == "HEAD";
      return;
    }
    if (path_known) {
      Error(res, 405, "method_not_allowed",
            "`" + req.method + "` is not served on `" + req.path + "`");
    } else {
      Error(res, 404, "not_found", "nothing is served at `" + req.path + "`");
    }
  }

  // --- the I/O loop ---------------------------------------------------------

  void Watch(Connection& c, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = c.id;
    epoll_ctl(epoll, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Close(uint64_t id) {
    auto it = connections.find(id);
    if (it == connections.end()) return;
    epoll_ctl(epoll, EPOLL_CTL_DEL, it->second->fd, nullptr);
    ::close(it->second->fd);
    by_fd.erase(it->second->fd);
    connections.erase(it);
  }

  void Accept() {
    for (;;) {
      const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN, or a transient error: epoll tells us again
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connections.size() >= options.max_connections) {
        Response res;
        Error(res, 503, "too_many_connections", "the server has too many connections open");
        res.close = true;
        const std::string bytes = Serialize(res);
        (void)!::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        ::close(fd);
        continue;
      }
      auto c = std::make_unique<Connection>();
      c->id = next_id++;
      c->fd = fd;
      c->deadline = Clock::now() + std::chrono::milliseconds(options.header_timeout_ms);
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.u64 = c->id;
      epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev);
      by_fd[fd] = c->id;
      connections.emplace(c->id, std::move(c));
    }
  }

  std::string Serialize(const Response& res) const {
    std::string out = "HTTP/1.1 " + std::to_string(res.status) + " " + Reason(res.status) + "\r\n";
    for (const auto& [k, v] : options.default_headers) {
      bool replaced = false;
      for (const auto& own : res.headers) replaced = replaced || Lower(own.first) == Lower(k);
      if (!replaced) out += k + ": " + v + "\r\n";
    }
    for (const auto& [k, v] : res.headers) out += k + ": " + v + "\r\n";
    const bool bodiless = res.status == 204 || res.status == 304;
    if (!bodiless) {
      if (!res.body.empty()) out += "Content-Type: " + res.content_type + "\r\n";
      out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n";
    }
    out += res.close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    if (!bodiless && !res.head) out += res.body;
    return out;
  }

  // Queues `res` on the connection and starts writing it.
  void Answer(Connection& c, Response res) {
    if (!c.keep_alive) res.close = true;
    c.close_after = res.close;
    c.out = Serialize(res);
    c.out_pos = 0;
    c.phase = Phase::kWriting;
    c.deadline = Clock::now() + std::chrono::milliseconds(options.write_timeout_ms);
    Write(c);
  }

  void Refuse(Connection& c, const Refusal& r) {
    Response res;
    Error(res, r.status, r.code, r.message);
    res.close = true;
    Answer(c, std::move(res));
  }

  void Write(Connection& c) {
    while (c.out_pos < c.out.size()) {
      const ssize_t n =
          ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        Watch(c, EPOLLOUT | EPOLLRDHUP);
        return;
      }
      if (n < 0 && errno == EINTR) continue;
      return Close(c.id);
    }
    if (c.phase != Phase::kWriting) {
      // A 100 Continue went out; keep reading the body.
      c.out.clear();
      c.out_pos = 0;
      Watch(c, EPOLLIN | EPOLLRDHUP);
      return;
    }
    if (c.close_after) {
      // Lingering close: the answer is sent; what the client still sends is read
      // and dropped for a moment (2 s, 256 KiB at most), so that closing with
      // unread bytes does not reset the connection before the client has read
      // the answer.
      ::shutdown(c.fd, SHUT_WR);
      c.phase = Phase::kClosing;
      c.in.clear();
      c.deadline = Clock::now() + std::chrono::milliseconds(2000);
      Watch(c, EPOLLIN | EPOLLRDHUP);
      return;
    }
    // Ready for the next request on this connection (it may be in `in` already).
    c.out.clear();
    c.out_pos = 0;
    c.phase = Phase::kHeaders;
    c.request = Request();
    c.scanned = 0;
    c.request_started = !c.in.empty();
    c.chunked = false;
    c.chunks_done = false;
    c.body_length = 0;
    c.continue_sent = false;
    c.deadline = Clock::now() + std::chrono::milliseconds(c.in.empty() ? options.idle_timeout_ms
                                                                       : options.header_timeout_ms);
    Watch(c, EPOLLIN | EPOLLRDHUP);
    if (!c.in.empty()) Advance(c);
  }

  // At most this much is read and dropped after an answer that closes the
  // connection, within the 2 s of lingering: enough for a client to see the
  // answer, not a way to keep the server reading an upload it refused for long.
  // Closing while the client's bytes are still unread resets the connection, and
  // a reset makes the client's kernel drop the answer it has not read yet. A
  // client sending as fast as it can has tens of MiB in the two sockets' buffers
  // when the answer goes out (Linux grows a receive buffer up to tcp_rmem's
  // maximum, 32 MiB here), so everything it sent before it could see the answer
  // is read and dropped, up to 64 MiB.
  static constexpr size_t kMaxDrained = 64u << 20;

  void Drain(Connection& c) {
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        c.drained += static_cast<size_t>(n);
        if (c.drained > kMaxDrained) return Close(c.id);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      return Close(c.id);  // the client closed too
    }
  }

  void Read(Connection& c) {
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
      if (n > 0) {
        if (!c.request_started) {
          c.request_started = true;
          c.deadline = Clock::now() + std::chrono::milliseconds(options.header_timeout_ms);
        }
        c.in.append(buffer, static_cast<size_t>(n));
        // Never hold more than a request's worth: the parser refuses beyond.
        if (c.in.size() > options.max_body + options.max_header_bytes + 65536) break;
        continue;
      }
      if (n == 0) {
        c.peer_gone = true;
        break;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) c.peer_gone = true;
      break;
    }
    const uint64_t id = c.id;
    Advance(c);  // may close the connection
    auto it = connections.find(id);
    if (it != connections.end() && it->second->peer_gone &&
        (it->second->phase == Phase::kHeaders || it->second->phase == Phase::kBody)) {
      Close(id);
    }
  }

  // Parses what has arrived; hands a whole request to the pool.
  void Advance(Connection& c) {
    if (c.phase == Phase::kHeaders) {
      const size_t from = c.scanned > 3 ? c.scanned - 3 : 0;
      const size_t end = c.in.find("\r\n\r\n", from);
      if (end == std::string::npos) {
        c.scanned = c.in.size();
        if (c.in.size() > options.max_header_bytes) {
          return Refuse(c, {431, "headers_too_large",
                            "the request's headers are over " +
                                std::to_string(options.max_header_bytes) + " bytes"});
        }
        return;
      }
      if (end > options.max_header_bytes) {
        return Refuse(c, {431, "headers_too_large",
                          "the request's headers are over " +
                              std::to_string(options.max_header_bytes) + " bytes"});
      }
      Refusal r = ParseHeaders(c, c.in.substr(0, end));
      c.in.erase(0, end + 4);
      if (r.status != 0) return Refuse(c, r);
      if (options.before_body) {
        Response res;
        if (options.before_body(c.request, res)) {
          res.close = true;
          return Answer(c, std::move(res));
        }
      }
      c.phase = Phase::kBody;
      c.deadline = Clock::now() + std::chrono::milliseconds(options.body_timeout_ms);
      const bool expects_body = c.chunked || c.body_length > 0;
      if (expects_body && c.in.empty() && Lower(c.request.Header("expect")) == "100-continue" &&
          !c.continue_sent) {
        c.continue_sent = true;
        c.out = "HTTP/1.1 100 Continue\r\n\r\n";
        c.out_pos = 0;
        const uint64_t id = c.id;
        Write(c);  // may close the connection
        if (!connections.count(id)) return;
      }
    }
    if (c.phase == Phase::kBody) {
      if (c.chunked) {
        Refusal r = Dechunk(c);
        if (r.status != 0) return Refuse(c, r);
        if (!c.chunks_done) return;
      } else {
        if (c.in.size() < c.body_length) return;
        c.request.body = c.in.substr(0, c.body_length);
        c.in.erase(0, c.body_length);
      }
      c.phase = Phase::kHandling;
      Watch(c, EPOLLRDHUP);
      {
        std::lock_guard<std::mutex> lock(mu);
        work.emplace_back(c.id, std::move(c.request));
      }
      work_ready.notify_one();
    }
  }

  Refusal ParseHeaders(Connection& c, const std::string& head) {
    return ParseHead(head, options.max_body, &c);
  }

  Refusal Dechunk(Connection& c) { return DechunkBody(options.max_body, &c); }

  void Expire() {
    const Clock::time_point now = Clock::now();
    std::vector<uint64_t> late;
    for (auto& [id, c] : connections) {
      if (c->phase != Phase::kHandling && now >= c->deadline) late.push_back(id);
    }
    for (uint64_t id : late) {
      Connection& c = *connections[id];
      if (c.phase == Phase::kHeaders && c.request_started) {
        // Too slow to send its headers: say so if it listens, then close.
        Response res;
        Error(res, 408, "request_timeout", "the request took too long to arrive");
        res.close = true;
        const std::string bytes = Serialize(res);
        (void)!::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      } else if (c.phase == Phase::kBody) {
        Response res;
        Error(res, 408, "request_timeout", "the request body took too long to arrive");
        res.close = true;
        const std::string bytes = Serialize(res);
        (void)!::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      Close(id);
    }
  }

  void Finished() {
    uint64_t count = 0;
    (void)!::read(wake, &count, sizeof count);
    std::deque<std::pair<uint64_t, Response>> ready;
    {
      std::lock_guard<std::mutex> lock(mu);
      ready.swap(done);
    }
    for (auto& [id, res] : ready) {
      auto it = connections.find(id);
      if (it == connections.end()) continue;
      Connection& c = *it->second;
      if (c.peer_gone) {
        Close(id);
        continue;
      }
      Answer(c, std::move(res));
    }
  }

  void Loop() {
    epoll_event events[256];
    while (!stopping.load()) {
      const int n = epoll_wait(epoll, events, 256, 200);
      for (int i = 0; i < n; ++i) {
        const uint64_t id = events[i].data.u64;
        if (id == 0) {
          Accept();
          continue;
        }
        if (id == UINT64_MAX) {
          Finished();
          continue;
        }
        auto it = connections.find(id);
        if (it == connections.end()) continue;
        Connection& c = *it->second;
        const uint32_t e = events[i].events;
        if (c.phase == Phase::kHandling) {
          // Only hang-ups are watched while a handler runs; the answer then
          // closes the connection instead of writing to it.
          if (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            c.peer_gone = true;
            epoll_ctl(epoll, EPOLL_CTL_DEL, c.fd, nullptr);
          }
          continue;
        }
        if (c.phase == Phase::kClosing) {
          Drain(c);
          continue;
        }
        if (e & EPOLLERR) {
          Close(id);
          continue;
        }
        if (c.phase == Phase::kWriting || !c.out.empty()) {
          if (e & EPOLLOUT) Write(c);
          continue;
        }
        if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) Read(c);
      }
      Expire();
    }
  }
};

Server::Server(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() {
  Stop();
  impl_->work_ready.notify_all();
  for (std::thread& t : impl_->workers) {
    if (t.joinable()) t.join();
  }
}

void Server::Route(const std::string& method, const std::string& pattern, Handler handler) {
  impl_->routes.push_back({method, std::regex(pattern), std::move(handler)});
}

int Server::Bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return -1;
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const int actual = bound.ss_family == AF_INET6
                         ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                         : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  impl_->listener = fd;
  impl_->epoll = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  epoll_ctl(impl_->epoll, EPOLL_CTL_ADD, fd, &ev);
  ev.data.u64 = UINT64_MAX;
  epoll_ctl(impl_->epoll, EPOLL_CTL_ADD, impl_->wake, &ev);
  return actual;
}

void Server::Run() {
  for (size_t i = 0; i < impl_->options.workers; ++i) {
    impl_->workers.emplace_back([this] { impl_->Work(); });
  }
  impl_->Loop();
  impl_->work_ready.notify_all();
  for (std::thread& t : impl_->workers) {
    if (t.joinable()) t.join();
  }
  impl_->workers.clear();
}

void Server::Stop() {
  impl_->stopping = true;
  impl_->work_ready.notify_all();
  if (impl_->wake >= 0) {
    const uint64_t one = 1;
    (void)!::write(impl_->wake, &one, sizeof one);
  }
}

}  // namespace rolegate::server::http
