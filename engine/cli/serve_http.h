// The HTTP face of `rolegate serve` (cmd_serve.cc): the routes of the server of
// record (/v1/, docs/server.md) or of offline verification (/verify, /simulate,
// /health), and the app's files. Internal to the command line.
#ifndef ROLEGATE_CLI_SERVE_HTTP_H_
#define ROLEGATE_CLI_SERVE_HTTP_H_

#include <pthread.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "../server/authority.h"
#include "../server/http.h"
#include "../server/sqlite_store.h"
#include "../server/static_files.h"
#include "commands.h"
#include "io.h"

namespace rolegate::cli::serve_http {

struct Served {
  std::string name;  // the bundle's file path, as given
  std::shared_ptr<const Policy> policy;
};

inline std::string Fail(const char* code, const std::string& pointer, const std::string& message) {
  return Canonical(ErrorsToJson({{code, pointer, message}}));
}

namespace http = server::http;

// Worker threads serving requests.
inline constexpr size_t kWorkers = 16;

inline std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// At most this many differences are returned; "differencesTotal" then says how
// many there were. A preview that differs everywhere must not make an answer many
// times its own size.
inline constexpr size_t kMaxDifferences = 1000;

// Caps the differences of a verification (and of each step of a chain).
inline Json CapDifferences(Json result) {
  auto cap = [](Json* v) {
    auto it = v->find("differences");
    if (it == v->end() || !it->is_array() || it->size() <= kMaxDifferences) return;
    const size_t total = it->size();
    it->erase(it->begin() + static_cast<std::ptrdiff_t>(kMaxDifferences), it->end());
    (*v)["differencesTotal"] = static_cast<int64_t>(total);
  };
  cap(&result);
  if (auto steps = result.find("steps"); steps != result.end() && steps->is_array()) {
    for (Json& step : *steps) cap(&step);
  }
  return result;
}

inline int64_t IntParam(const http::Request& req, const char* name, int64_t fallback) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  const std::string& v = it->second;
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoll(v);
}

inline void Send(http::Response& res, int status, const std::string& body) {
  res.status = status;
  res.content_type = "application/json";
  res.body = body;
}

// The id in a route such as /v1/requests/{id}/decision.
inline constexpr const char* kId = "([A-Za-z0-9._:-]{1,256})";

class Server {
 public:
  Server(std::vector<Served> served, std::string allow_origin, server::Authority* authority,
         const http::Options& base, server::StaticFiles* app = nullptr)
      : served_(std::move(served)),
        authority_(authority),
        started_(std::chrono::steady_clock::now()),
        loopback_port_(std::make_shared<std::atomic<int>>(0)),
        http_(MakeOptions(base, allow_origin, loopback_port_)) {
    if (authority_ != nullptr) {
      RegisterV1();
    } else {
      RegisterOffline();
    }
    if (app != nullptr) {
      // The app: every GET the routes above do not take (never one under /v1/).
      http_.Route("GET", "/(?!v1/).*",
                  [app](const http::Request& req, http::Response& res) { app->Serve(req, res); });
    }
    http_.Route("OPTIONS", "/.*",
                [](const http::Request&, http::Response& res) { res.status = 204; });
  }

  int Bind(const std::string& host, int port) { return http_.Bind(host, port); }
  // From now on a request must name this machine and `port` in its Host header
  // (the local demo): a page elsewhere that points its own name at 127.0.0.1 (DNS
  // rebinding) reaches the socket, but not the demo's sign-in.
  void RequireLoopbackHost(int port) { loopback_port_->store(port); }
  void Listen() { http_.Run(); }
  void Stop() { http_.Stop(); }

 private:
  // Whether a Host header names this machine on `port`: 127.0.0.1, localhost or
  // [::1], with the port (or without it for port 80).
  static bool LoopbackHost(const std::string& host, int port) {
    const std::string p = std::to_string(port);
    for (const char* name : {"127.0.0.1", "localhost", "[::1]"}) {
      if (host == std::string(name) + ":" + p || (port == 80 && host == name)) return true;
    }
    return false;
  }

  static http::Options MakeOptions(http::Options o, const std::string& allow_origin,
                                   std::shared_ptr<std::atomic<int>> loopback_port) {
    // Bodies are requests and change sets: 16 MiB is far more than they need, and
    // less than a document may be (Limits::max_bytes), which comes from a file.
    o.max_body = 16u << 20;
    // No answer is cached by the browser or shown inside another site's frame.
    o.default_headers = {{"Cache-Control", "no-store"},
                         {"X-Frame-Options", "DENY"},
                         {"Content-Security-Policy", "frame-ancestors 'none'"}};
    if (!allow_origin.empty()) {
      o.default_headers.push_back({"Access-Control-Allow-Origin", allow_origin});
      o.default_headers.push_back({"Access-Control-Allow-Methods", "GET, POST, OPTIONS"});
      o.default_headers.push_back({"Access-Control-Allow-Headers", "Content-Type, Authorization"});
    }
    // Only JSON is read: a body of another type is refused before it is read.
    o.before_body = [loopback_port](const http::Request& req, http::Response& res) {
      const int port = loopback_port->load();
      if (port != 0 && !LoopbackHost(Trimmed(req.Header("host")), port)) {
        Send(res, 421,
             Fail("misdirected_request", "",
                  "this local demo answers only requests for http://127.0.0.1:" +
                      std::to_string(port) + " (or localhost, [::1]), not for `" +
                      req.Header("host") + "`"));
        return true;
      }
      if (req.method != "POST") return false;
      const std::string type = req.Header("content-type");
      const std::string media = type.substr(0, type.find(';'));
      if (Trimmed(media) == "application/json") return false;
      Send(res, 415,
           Fail("unsupported_media_type", "",
                "the request body must be JSON, sent as `Content-Type: "
                "application/json`" +
                    (type.empty() ? std::string(" (none was given)") : " (not `" + type + "`)")));
      return true;
    };
    o.error = [](http::Response& res, const std::string& code, const std::string& message) {
      res.body = Fail(code.c_str(), "", message);
    };
    return o;
  }

  // Runs one /v1/ handler: a store that fails answers 503, never a half-write.
  static void Answer(http::Response& res, const std::function<server::Reply()>& handle) {
    server::Reply reply;
    try {
      reply = handle();
    } catch (const server::StoreError& e) {
      return Send(res, 503, Fail("store_unavailable", "", e.what()));
    } catch (const std::exception&) {
      return Send(res, 500, Fail("internal_error", "", "the server could not answer this request"));
    }
    if (reply.status == 401) res.headers.push_back({"WWW-Authenticate", "Bearer"});
    Send(res, reply.status, Canonical(reply.body));
  }

  // The caller, from the bearer token; nullopt after answering 401.
  std::optional<std::string> Caller(const http::Request& req, http::Response& res) {
    std::optional<std::string> member;
    try {
      member = authority_->Authenticate(req.Header("authorization"));
    } catch (const std::exception& e) {
      Send(res, 503, Fail("store_unavailable", "", e.what()));
      return std::nullopt;
    }
    if (!member) {
      res.headers.push_back({"WWW-Authenticate", "Bearer"});
      Send(res, 401,
           Fail("unauthenticated", "",
                req.HasHeader("authorization")
                    ? "the bearer token is unknown or revoked"
                    : "send `Authorization: Bearer TOKEN` (rolegate token mints one)"));
    }
    return member;
  }

  // Parses a JSON body; false after answering 400.
  static bool JsonBody(const http::Request& req, http::Response& res, Json* out) {
    ParsedJson parsed = ParseJson(req.body);
    if (!parsed.ok()) {
      Send(res, 400, Canonical(ErrorsToJson(parsed.errors)));
      return false;
    }
    *out = std::move(parsed.value);
    return true;
  }

  using Authed = std::function<server::Reply(const std::string& caller, const Json& body,
                                             const http::Request& req)>;

  void Authed_(const std::string& method, const std::string& pattern, Authed handle) {
    http_.Route(method, pattern,
                [this, method, handle](const http::Request& req, http::Response& res) {
                  std::optional<std::string> caller = Caller(req, res);
                  if (!caller) return;
                  Json body;
                  if (method == "POST" && !JsonBody(req, res, &body)) return;
                  Answer(res, [&] { return handle(*caller, body, req); });
                });
  }

  static server::Reply BadPage() {
    return server::Reply{
        400,
        ParseJson(Fail("invalid_value", "", "`after` and `limit` must be whole numbers")).value};
  }

  // The routes of the server of record (docs/server.md).
  void RegisterV1() {
    server::Authority& a = *authority_;
    http_.Route("GET", "/v1/health", [this](const http::Request&, http::Response& res) {
      const auto up = std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::steady_clock::now() - started_);
      Answer(res, [&] { return authority_->Health(up.count()); });
    });
    Authed_("GET", "/v1/bundle",
            [&a](const std::string& c, const Json&, const http::Request&) { return a.Bundle(c); });
    Authed_("POST", "/v1/check", [&a](const std::string& c, const Json& b, const http::Request&) {
      return a.Check(c, b);
    });
    Authed_("POST", "/v1/check/batch",
            [&a](const std::string& c, const Json& b, const http::Request&) {
              return a.CheckBatch(c, b);
            });
    Authed_("POST", "/v1/simulate",
            [&a](const std::string& c, const Json& b, const http::Request&) {
              return a.ForCaller(c, a.Simulate(c, b));
            });
    Authed_("POST", "/v1/changes", [&a](const std::string& c, const Json& b, const http::Request&) {
      return a.ForCaller(c, a.Changes(c, b));
    });
    Authed_("GET", "/v1/requests", [&a](const std::string& c, const Json&, const http::Request&) {
      return a.Requests(c);
    });
    Authed_("POST", std::string("/v1/requests/") + kId + "/decision",
            [&a](const std::string& c, const Json& b, const http::Request& r) {
              return a.ForCaller(c, a.Decide(c, r.matches[0], b));
            });
    Authed_("POST", std::string("/v1/verifications/") + kId + "/complete",
            [&a](const std::string& c, const Json& b, const http::Request& r) {
              return a.ForCaller(c, a.CompleteVerification(c, r.matches[0], b));
            });
    Authed_("POST", std::string("/v1/verifications/") + kId + "/resend",
            [&a](const std::string& c, const Json&, const http::Request& r) {
              return a.ForCaller(c, a.ResendVerification(c, r.matches[0]));
            });
    // The local demo only (--demo); 404 otherwise.
    http_.Route("GET", "/v1/demo/members", [this](const http::Request&, http::Response& res) {
      Answer(res, [&] { return authority_->DemoMembers(); });
    });
    http_.Route("POST", "/v1/demo/sign-in", [this](const http::Request& req, http::Response& res) {
      Json body;
      if (!JsonBody(req, res, &body)) return;
      Answer(res, [&] { return authority_->DemoSignIn(body); });
    });
    // The invitation token is the proof: no bearer token yet.
    http_.Route("POST", "/v1/invitations/accept",
                [this](const http::Request& req, http::Response& res) {
                  Json body;
                  if (!JsonBody(req, res, &body)) return;
                  Answer(res, [&] { return authority_->AcceptInvitation(body); });
                });
    Authed_("GET", "/v1/outbox", [&a](const std::string& c, const Json&, const http::Request& r) {
      const int64_t after = IntParam(r, "after", 0), limit = IntParam(r, "limit", 100);
      if (after < 0 || limit < 0) return BadPage();
      return a.Outbox(c, after, limit);
    });
    Authed_("GET", "/v1/audit", [&a](const std::string& c, const Json&, const http::Request& r) {
      return a.Audit(c, r.query);
    });
  }

  // The routes for offline verification (no --db).
  void RegisterOffline() {
    http_.Route("GET", "/health", [this](const http::Request&, http::Response& res) {
      Json bundles = Json::array();
      for (const Served& s : served_) {
        bundles.push_back(Json{{"name", s.name}, {"revision", s.policy->revision()}});
      }
      Send(res, 200, Canonical(Json{{"ok", true}, {"bundles", bundles}}));
    });
    auto verify = [this](const http::Request& req, http::Response& res) { Verify(req.body, res); };
    http_.Route("POST", "/verify", verify);
    http_.Route("POST", "/", verify);
    http_.Route("POST", "/simulate",
                [this](const http::Request& req, http::Response& res) { Simulate(req.body, res); });
  }

  // The policy a change set was built on: the one whose revision is its
  // baseRevision. With a single bundle, that one (it reports a stale revision).
  const Policy* PolicyFor(const Json& change_set) const {
    if (served_.size() == 1) return served_[0].policy.get();
    if (!change_set.is_object()) return nullptr;
    auto it = change_set.find("baseRevision");
    if (it == change_set.end() || !it->is_string()) return nullptr;
    for (const Served& s : served_) {
      if (s.policy->revision() == it->get<std::string>()) return s.policy.get();
    }
    return nullptr;
  }

  std::string NoBundleFor(const std::string& pointer) const {
    std::string revisions;
    for (const Served& s : served_) {
      revisions += (revisions.empty() ? "`" : ", `") + s.policy->revision() + "`";
    }
    return Fail(
        "stale_revision", pointer + "/baseRevision",
        "no bundle served here has this change set's base revision (served: " + revisions + ")");
  }

  void Verify(const std::string& body, http::Response& res) const {
    ParsedJson parsed = ParseJson(body);
    if (!parsed.ok()) return Send(res, 400, Canonical(ErrorsToJson(parsed.errors)));
    const Json& request = parsed.value;
    if (!request.is_object()) {
      return Send(res, 400, Fail("wrong_type", "", "expected an object {changeSet, preview}"));
    }
    for (const char* key : {"changeSet", "preview"}) {
      if (!request.contains(key)) {
        return Send(res, 400, Fail("missing_field", "", std::string("missing `") + key + "`"));
      }
    }
    if (request.contains("chain")) return VerifyChain(request, res);
    const Policy* policy = PolicyFor(request["changeSet"]);
    if (policy == nullptr) return Send(res, 400, NoBundleFor("/changeSet"));
    // The engine's pointers are into the change set, the client's into the body.
    const Json result = CapDifferences(
        ErrorsUnder(policy->Verify(request["changeSet"], request["preview"]), "/changeSet"));
    Send(res, IsFailure(result) ? 400 : 200, Canonical(result));
  }

  // A what-if chain: step k is verified on the bundle step k-1 leaves, as this
  // server recomputes it (Policy::VerifyChain).
  void VerifyChain(const Json& request, http::Response& res) const {
    const Json& chain = request["chain"];
    // The top-level {changeSet, preview} is the chain's last step: both are
    // compared with it, so neither can say something the chain does not.
    if (chain.is_array() && !chain.empty() && chain.back().is_object()) {
      if (chain.back().value("changeSet", Json()) != request["changeSet"]) {
        return Send(res, 400,
                    Fail("invalid_value", "/changeSet",
                         "the change set submitted is not the last step of the chain"));
      }
      if (chain.back().value("preview", Json()) != request["preview"]) {
        return Send(res, 400,
                    Fail("invalid_value", "/preview",
                         "the preview submitted is not the last step's preview"));
      }
    }
    const Json first = chain.is_array() && !chain.empty() && chain[0].is_object()
                           ? chain[0].value("changeSet", Json())
                           : Json();
    const Policy* policy = PolicyFor(first);
    if (policy == nullptr) return Send(res, 400, NoBundleFor("/chain/0/changeSet"));
    const Json result = CapDifferences(policy->VerifyChain(chain, "/chain"));
    Send(res, IsFailure(result) ? 400 : 200, Canonical(result));
  }

  void Simulate(const std::string& body, http::Response& res) const {
    ParsedJson parsed = ParseJson(body);
    if (!parsed.ok()) return Send(res, 400, Canonical(ErrorsToJson(parsed.errors)));
    const Policy* policy = PolicyFor(parsed.value);
    if (policy == nullptr) return Send(res, 400, NoBundleFor(""));
    const Json result = policy->Simulate(parsed.value);
    Send(res, IsFailure(result) ? 400 : 200, Canonical(result));
  }

  std::vector<Served> served_;
  server::Authority* authority_;
  std::chrono::steady_clock::time_point started_;
  std::shared_ptr<std::atomic<int>> loopback_port_;  // 0: any Host
  http::Server http_;
};

}  // namespace rolegate::cli::serve_http

#endif  // ROLEGATE_CLI_SERVE_HTTP_H_
