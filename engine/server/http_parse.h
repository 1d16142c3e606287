// Reading HTTP/1.1 requests (http.cc's I/O loop hands it what arrived): the
// request line, the query, the header fields, how the body is framed, and
// chunked bodies. Internal to the server.
#ifndef ROLEGATE_SERVER_HTTP_PARSE_H_
#define ROLEGATE_SERVER_HTTP_PARSE_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "http.h"

namespace rolegate::server::http::detail {

using Clock = std::chrono::steady_clock;

std::string Lower(std::string s);
// `s` without spaces and tabs around it.
std::string Trim(const std::string& s);
// The value of a hex digit, or -1.
int HexDigit(char c);
// Whether `s` is an HTTP token (a method, a header name).
bool Token(const std::string& s);

enum class Phase { kHeaders, kBody, kHandling, kWriting, kClosing };

// Why a request could not be read: the status, code and message to answer with.
struct Refusal {
  int status = 0;
  std::string code, message;
};

struct Connection {
  uint64_t id = 0;
  int fd = -1;
  Phase phase = Phase::kHeaders;
  std::string in;      // bytes received and not yet consumed
  size_t scanned = 0;  // where to resume looking for the end of the headers
  Request request;
  bool keep_alive = true;
  bool chunked = false;
  size_t body_length = 0;  // declared, when not chunked
  bool chunks_done = false;
  bool continue_sent = false;
  Clock::time_point deadline;  // of the current phase
  bool request_started = false;
  std::string out;
  size_t out_pos = 0;
  bool close_after = false;
  bool peer_gone = false;
  size_t drained = 0;  // bytes dropped while closing
};

// Reads the request line and header fields `head` (without the empty line that
// ends them) into `c`'s request, and how its body is framed; a refusal (status
// not 0) when they are not acceptable.
Refusal ParseHead(const std::string& head, size_t max_body, Connection* c);

// Decodes the chunks received so far into the body (in place of `in`); a
// refusal when the framing is wrong or the body is over `max_body`.
Refusal DechunkBody(size_t max_body, Connection* c);

}  // namespace rolegate::server::http::detail

#endif  // ROLEGATE_SERVER_HTTP_PARSE_H_
