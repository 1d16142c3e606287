#include "http_parse.h"

#include <cstring>
#include <string>

namespace rolegate::server::http {
namespace detail {

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Token(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= 32 || c >= 127 || std::strchr("()<>@,;:\\\"/[]?={}", c) != nullptr) return false;
  }
  return true;
}

namespace {

// The request line: METHOD TARGET HTTP/1.x. The version, or "" when the line is
// not one.
std::string ParseRequestLine(const std::string& line, Request* req) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string::npos ? std::string::npos : line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || line.find(' ', sp2 + 1) != std::string::npos) return "";
  req->method = line.substr(0, sp1);
  req->target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string version = line.substr(sp2 + 1);
  if (!Token(req->method) || req->target.empty() || req->target[0] != '/' ||
      (version != "HTTP/1.1" && version != "HTTP/1.0")) {
    return "";
  }
  return version;
}

// The target's path and its query parameters, percent-decoded.
void ParseTarget(Request* req) {
  const size_t q = req->target.find('?');
  req->path = req->target.substr(0, q);
  if (q == std::string::npos) return;
  std::string rest = req->target.substr(q + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t amp = rest.find('&', start);
    if (amp == std::string::npos) amp = rest.size();
    const std::string pair = rest.substr(start, amp - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string key, value;
      PercentDecode(pair.substr(0, eq), true, &key);  // a stray % is kept as it is
      if (eq != std::string::npos) PercentDecode(pair.substr(eq + 1), true, &value);
      req->query[key] = value;
    }
    start = amp + 1;
  }
}

// The header fields from `pos` on: names lower-cased, repeated ones joined.
Refusal ParseFields(const std::string& head, size_t pos, Request* req) {
  size_t count = 0;
  while (pos < head.size()) {
    size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    const std::string h = head.substr(pos, next - pos);
    pos = next + 2;
    if (++count > 100) return {431, "headers_too_large", "more than 100 header fields"};
    const size_t colon = h.find(':');
    if (colon == std::string::npos || h[0] == ' ' || h[0] == '\t' || !Token(h.substr(0, colon))) {
      return {400, "bad_request", "a header line is not `Name: value`"};
    }
    const std::string name = Lower(h.substr(0, colon));
    const std::string value = Trim(h.substr(colon + 1));
    if (name == "content-length" && req->headers.count(name) && req->headers[name] != value) {
      return {400, "bad_request", "two different Content-Length headers"};
    }
    if (req->headers.count(name) && name != "content-length") {
      req->headers[name] += ", " + value;
    } else {
      req->headers[name] = value;
    }
  }
  return {};
}

// Keep-alive, and how the body is framed: chunked, or a declared length.
Refusal BodyFraming(const std::string& version, size_t max_body, Connection* c) {
  const Request& req = c->request;
  const std::string connection = Lower(req.Header("connection"));
  c->keep_alive = version == "HTTP/1.1" ? connection.find("close") == std::string::npos
                                        : connection.find("keep-alive") != std::string::npos;
  const bool has_length = req.HasHeader("content-length");
  if (req.HasHeader("transfer-encoding")) {
    if (has_length) return {400, "bad_request", "Transfer-Encoding and Content-Length together"};
    if (Lower(req.Header("transfer-encoding")) != "chunked") {
      return {400, "bad_request", "only the chunked transfer encoding is accepted"};
    }
    c->chunked = true;
  } else if (has_length) {
    const std::string v = req.Header("content-length");
    if (v.empty() || v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
      return {400, "bad_request", "Content-Length is not a number"};
    }
    const unsigned long long n = std::stoull(v);
    if (n > max_body) {
      return {413, "input_too_large",
              "the request body is over the input limit of " + std::to_string(max_body) + " bytes"};
    }
    c->body_length = static_cast<size_t>(n);
  }
  return {};
}

// The chunks from `*at` on (DechunkBody).
Refusal DechunkFrom(size_t max_body, Connection& c, size_t* at) {
  for (;;) {
    const size_t line_end = c.in.find("\r\n", *at);
    if (line_end == std::string::npos) {
      if (c.in.size() - *at > 1024) return {400, "bad_request", "a chunk size line is too long"};
      return {};
    }
    // A chunk size line (extensions after ';' are ignored).
    std::string size_text = c.in.substr(*at, line_end - *at);
    size_text = Trim(size_text.substr(0, size_text.find(';')));
    if (size_text.empty() || size_text.size() > 8) {
      return {400, "bad_request", "a chunk size is not a hex number"};
    }
    size_t size = 0;
    for (char ch : size_text) {
      const int d = HexDigit(ch);
      if (d < 0) return {400, "bad_request", "a chunk size is not a hex number"};
      size = size * 16 + static_cast<size_t>(d);
    }
    if (size == 0) {
      // The last chunk, then trailers up to an empty line.
      if (line_end + 4 <= c.in.size() && c.in.compare(line_end, 4, "\r\n\r\n") == 0) {
        *at = line_end + 4;
        c.chunks_done = true;
        return {};
      }
      const size_t trailers_end = c.in.find("\r\n\r\n", line_end);
      if (trailers_end == std::string::npos) return {};
      *at = trailers_end + 4;
      c.chunks_done = true;
      return {};
    }
    if (c.request.body.size() + size > max_body) {
      return {413, "input_too_large",
              "the request body is over the input limit of " + std::to_string(max_body) + " bytes"};
    }
    if (c.in.size() < line_end + 2 + size + 2) return {};  // the chunk is not all here
    if (c.in.compare(line_end + 2 + size, 2, "\r\n") != 0) {
      return {400, "bad_request", "a chunk does not end with CRLF"};
    }
    c.request.body.append(c.in, line_end + 2, size);
    *at = line_end + 2 + size + 2;
  }
}

}  // namespace

Refusal ParseHead(const std::string& head, size_t max_body, Connection* c) {
  Request& req = c->request;
  const size_t line_end = head.find("\r\n");
  const std::string version = ParseRequestLine(head.substr(0, line_end), &req);
  if (version.empty()) {
    return {400, "bad_request", "the request line is not `METHOD TARGET HTTP/1.1`"};
  }
  ParseTarget(&req);
  const size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  if (Refusal r = ParseFields(head, pos, &req); r.status != 0) return r;
  return BodyFraming(version, max_body, c);
}

Refusal DechunkBody(size_t max_body, Connection* c) {
  // What it consumed is erased from `in` once, on the way out, not chunk by
  // chunk: a megabyte of small chunks costs one move, not one per chunk.
  size_t at = 0;
  Refusal r = DechunkFrom(max_body, *c, &at);
  c->in.erase(0, at);
  return r;
}

}  // namespace detail

bool PercentDecode(const std::string& in, bool plus_is_space, std::string* out) {
  bool ok = true;
  for (size_t i = 0; i < in.size(); ++i) {
    if (plus_is_space && in[i] == '+') {
      out->push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && detail::HexDigit(in[i + 1]) >= 0 &&
               detail::HexDigit(in[i + 2]) >= 0) {
      out->push_back(
          static_cast<char>(detail::HexDigit(in[i + 1]) * 16 + detail::HexDigit(in[i + 2])));
      i += 2;
    } else {
      ok = ok && in[i] != '%';
      out->push_back(in[i]);
    }
  }
  return ok;
}

}  // namespace rolegate::server::http
