// `rolegate serve [BUNDLE...] [--db FILE] [--host H] [--port N] [--allow-origin O]`.
//
// With --db it is the server of record (docs/server.md): the SQLite file keeps
// the bundle's revisions, tokens, PINs, invitations, the outbox and the audit log;
// BUNDLE (one) seeds an empty database and is ignored, with a notice, by one that
// holds a bundle already. Every /v1/ call but health and invitation acceptance
// needs `Authorization: Bearer TOKEN` (`rolegate token`); the routes are listed in
// RegisterV1 below and documented in docs/server.md.
//
// Without --db it verifies previews for offline use, keeping nothing. Each bundle
// is loaded once; a change set names the bundle it was built on by its
// baseRevision. Answers are canonical JSON over HTTP/1.1:
//
//   GET  /health     {"ok": true, "bundles": [{"name", "revision"}...]}
//   POST /verify     {"changeSet", "preview"} -> what `rolegate verify` prints
//                    (also at POST /, so a client may be given the bare address);
//                    with "chain": [{"changeSet", "preview"}...], a what-if chain
//                    whose last step is changeSet: each step is verified on the
//                    bundle the one before it leaves (recomputed here, never taken
//                    from the client), and the answer adds "steps", one
//                    verification each, with differences under /chain/<k>/preview;
//                    the top-level changeSet and preview must be the last step's.
//                    "committable" is true only when everything matches and nothing
//                    blocks the change (the last step's, for a chain)
//   POST /simulate   a change set -> what `rolegate simulate` prints
//
// 200 with the engine's answer; 400 with {"ok": false, "errors"} for input the
// engine rejects (not JSON, a missing field, a revision no bundle has), pointers
// into the request body; 404 and 405 for other paths and methods; 413 beyond the
// input limit; 415 for a POST whose Content-Type is not application/json. At most
// 1,000 differences are returned ("differencesTotal" counts them all). Replies
// go out with TCP_NODELAY; the HTTP layer (engine/server/http.h) reads whole
// requests under deadlines before a fixed pool of 16 workers runs them.
// Every answer allows the origin --allow-origin names (default "*" without --db:
// answers are computed from what is posted and reveal nothing else). It prints
// the address it listens on, then serves until SIGINT or SIGTERM.
#include <atomic>
#include <chrono>
#include <functional>
#include <regex>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pthread.h>

#include <CLI/CLI.hpp>

#include "../server/authority.h"
#include "../server/http.h"
#include "../server/static_files.h"
#include "../server/sqlite_store.h"
#include "commands.h"
#include "io.h"

namespace rolegate::cli {
namespace {

struct Served {
  std::string name;  // the bundle's file path, as given
  std::shared_ptr<const Policy> policy;
};

std::string Fail(const char* code, const std::string& pointer, const std::string& message) {
  return Canonical(ErrorsToJson({{code, pointer, message}}));
}

namespace http = server::http;

// Worker threads serving requests.
constexpr size_t kWorkers = 16;

std::string Trimmed(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// At most this many differences are returned; "differencesTotal" then says how
// many there were. A preview that differs everywhere must not make an answer many
// times its own size.
constexpr size_t kMaxDifferences = 1000;

// Caps the differences of a verification (and of each step of a chain).
Json CapDifferences(Json result) {
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

int64_t IntParam(const http::Request& req, const char* name, int64_t fallback) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  const std::string& v = it->second;
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoll(v);
}

void Send(http::Response& res, int status, const std::string& body) {
  res.status = status;
  res.content_type = "application/json";
  res.body = body;
}

// The id in a route such as /v1/requests/{id}/decision.
constexpr const char* kId = "([A-Za-z0-9._:-]{1,256})";

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
      http_.Route("GET", "/(?!v1/).*", [app](const http::Request& req, http::Response& res) {
        app->Serve(req, res);
      });
    }
    http_.Route("OPTIONS", "/.*", [](const http::Request&, http::Response& res) {
      res.status = 204;
    });
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
    o.max_body = Limits().max_bytes;
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
        Send(res, 421, Fail("misdirected_request", "",
                            "this local demo answers only requests for http://127.0.0.1:" +
                                std::to_string(port) + " (or localhost, [::1]), not for `" +
                                req.Header("host") + "`"));
        return true;
      }
      if (req.method != "POST") return false;
      const std::string type = req.Header("content-type");
      const std::string media = type.substr(0, type.find(';'));
      if (Trimmed(media) == "application/json") return false;
      Send(res, 415, Fail("unsupported_media_type", "",
                          "the request body must be JSON, sent as `Content-Type: "
                          "application/json`" +
                              (type.empty() ? std::string(" (none was given)")
                                            : " (not `" + type + "`)")));
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
      Send(res, 401, Fail("unauthenticated", "",
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
    http_.Route(method, pattern, [this, method, handle](const http::Request& req,
                                                       http::Response& res) {
      std::optional<std::string> caller = Caller(req, res);
      if (!caller) return;
      Json body;
      if (method == "POST" && !JsonBody(req, res, &body)) return;
      Answer(res, [&] { return handle(*caller, body, req); });
    });
  }

  static server::Reply BadPage() {
    return server::Reply{
        400, ParseJson(Fail("invalid_value", "", "`after` and `limit` must be whole numbers")).value};
  }

  // The routes of the server of record (docs/server.md).
  void RegisterV1() {
    server::Authority& a = *authority_;
    http_.Route("GET", "/v1/health", [this](const http::Request&, http::Response& res) {
      const auto up = std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::steady_clock::now() - started_);
      Answer(res, [&] { return authority_->Health(up.count()); });
    });
    Authed_("GET", "/v1/bundle", [&a](const std::string& c, const Json&, const http::Request&) {
      return a.Bundle(c);
    });
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
    Authed_("POST", "/v1/changes",
            [&a](const std::string& c, const Json& b, const http::Request&) {
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
    http_.Route("POST", "/simulate", [this](const http::Request& req, http::Response& res) {
      Simulate(req.body, res);
    });
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
    return Fail("stale_revision", pointer + "/baseRevision",
                "no bundle served here has this change set's base revision (served: " +
                    revisions + ")");
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
        return Send(res, 400, Fail("invalid_value", "/changeSet",
                                   "the change set submitted is not the last step of the chain"));
      }
      if (chain.back().value("preview", Json()) != request["preview"]) {
        return Send(res, 400, Fail("invalid_value", "/preview",
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

struct ServeArgs {
  std::vector<std::string> bundles;
  std::string seed;  // --bundle
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8081;
  std::string allow_origin;
  int64_t clock_offset = 0;
  std::string app;  // --app DIR
  bool demo = false;
  int header_timeout = 10;
  int max_connections = 4096;
};

int RunServe(ServeArgs args) {
  std::vector<Served> served;
  std::unique_ptr<server::SqliteStore> store;
  std::unique_ptr<server::Authority> authority;
  const int64_t offset = args.clock_offset;
  if (args.demo) {
    if (args.db.empty()) {
      std::cerr << "rolegate: serve: --demo needs --db\n";
      return kExitInvalid;
    }
    // Anyone who reaches a demo may act as anyone: never beyond this machine.
    if (args.host != "127.0.0.1" && args.host != "::1" && args.host != "localhost") {
      std::cerr << "rolegate: serve: --demo listens on this machine only (--host 127.0.0.1, "
                   "::1 or localhost), not on "
                << args.host << "\n";
      return kExitInvalid;
    }
  }
  if (!args.seed.empty() && args.db.empty()) {
    std::cerr << "rolegate: serve: --bundle seeds the database of --db, which is missing\n";
    return kExitInvalid;
  }
  if (!args.db.empty()) {
    if (!args.seed.empty()) {
      if (!args.bundles.empty()) {
        std::cerr << "rolegate: serve: give the seed bundle once, as BUNDLE or --bundle\n";
        return kExitInvalid;
      }
      args.bundles.push_back(args.seed);
    }
    if (args.bundles.size() > 1) {
      std::cerr << "rolegate: serve: --db takes at most one BUNDLE, to seed an empty database\n";
      return kExitInvalid;
    }
    try {
      store = std::make_unique<server::SqliteStore>(args.db);
      authority = std::make_unique<server::Authority>(*store, [offset] { return UtcNow(offset); });
      if (!args.bundles.empty()) {
        std::optional<std::string> text = std::nullopt;
        std::string error;
        text = ReadInput(args.bundles[0], &error);
        if (!text) {
          std::cerr << "rolegate: " << error << "\n";
          return kExitInvalid;
        }
        const std::string seeded = authority->SeedIfEmpty(*text, &error);
        if (seeded.empty()) {
          std::cerr << "rolegate: serve: " << args.bundles[0] << ": " << error << "\n";
          return kExitInvalid;
        }
        if (seeded == "kept") {
          std::cerr << "rolegate: serve: " << args.db << " already holds a bundle; "
                    << args.bundles[0] << " is ignored\n";
        }
      }
      authority->Current();  // fails when the database holds no bundle
      if (args.demo) {
        authority->SetDemo(true);
        std::cerr << "rolegate: serve: DEMO MODE: anyone who can reach this server may sign in "
                     "as any member, and PINs and invitation tokens are shown in the outbox. "
                     "Never use it for real data.\n";
      }
    } catch (const std::exception& e) {
      std::cerr << "rolegate: serve: " << e.what() << "\n";
      return kExitInvalid;
    }
  } else {
    if (args.bundles.empty()) {
      std::cerr << "rolegate: serve: give BUNDLE files, or --db FILE\n";
      return kExitInvalid;
    }
    for (const std::string& path : args.bundles) {
      std::optional<Bundle> bundle = LoadValidBundle(path, Format::kText);
      if (!bundle) return kExitInvalid;
      for (const Served& s : served) {
        if (s.policy->revision() == bundle->loaded.policy->revision()) {
          std::cerr << "rolegate: serve: " << path << " has the revision of " << s.name
                    << "; a change set could not say which it was built on\n";
          return kExitInvalid;
        }
      }
      served.push_back({path, bundle->loaded.policy});
    }
  }

  // SIGINT and SIGTERM are taken by one thread that stops the server; the
  // server's threads inherit the mask, so none of them is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // The server of record answers only the origin it is given (none by default:
  // a browser on another origin cannot call it); offline verification allows any.
  const std::string origin =
      !args.allow_origin.empty() ? args.allow_origin : (authority ? "" : "*");
  http::Options options;
  options.workers = kWorkers;
  options.header_timeout_ms = args.header_timeout * 1000;
  options.max_connections = static_cast<size_t>(args.max_connections);
  std::unique_ptr<server::StaticFiles> app;
  if (!args.app.empty()) {
    try {
      app = std::make_unique<server::StaticFiles>(args.app);
    } catch (const std::exception& e) {
      std::cerr << "rolegate: serve: --app: " << e.what() << "\n";
      return kExitInvalid;
    }
  }
  Server server(std::move(served), origin, authority.get(), options, app.get());
  const int bound = server.Bind(args.host, args.port);
  if (bound < 0) {
    std::cerr << "rolegate: serve: cannot listen on " << args.host << ":" << args.port << "\n";
    return kExitInvalid;
  }
  if (args.demo) server.RequireLoopbackHost(bound);
  std::atomic<bool> signalled{false};
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    signalled = true;
    server.Stop();
  });
  if (authority) {
    std::cout << "serving " << args.db << " (revision " << store->HeadRevision() << ") on http://"
              << args.host << ":" << bound << "/v1/" << std::endl;
  } else {
    std::cout << "serving " << args.bundles.size()
              << (args.bundles.size() == 1 ? " bundle" : " bundles") << " on http://" << args.host
              << ":" << bound << "/ (POST /verify, POST /simulate, GET /health)" << std::endl;
  }
  server.Listen();
  // Listen returns when the stopper stopped it, or on a failure: then wake the
  // stopper (the signal is blocked, so it only ends its wait) to join it.
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return kExitOk;
}

}  // namespace

void AddServe(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "the server of record (--db), or verification of previews over HTTP");
  cmd->add_option("BUNDLE", args->bundles,
                  "policy bundle files; a change set picks one by its baseRevision. With --db, "
                  "one bundle that seeds an empty database");
  cmd->add_option("--db", args->db,
                  "the SQLite file of record (created when missing): serve /v1/ (docs/server.md)");
  cmd->add_option("--bundle", args->seed,
                  "with --db: the bundle that seeds an empty database (the same as one BUNDLE)");
  cmd->add_option("--host", args->host, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "port to listen on; 0 picks a free one (default 8081)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--allow-origin", args->allow_origin,
                  "the browser origin allowed to call it (default: * without --db, none with it)");
  cmd->add_option("--app", args->app,
                  "also serve this directory (the assembled admin app, build/web) at /, "
                  "from the origin of the API");
  cmd->add_flag("--demo", args->demo,
                "the local demo: sign in as any member (GET /v1/demo/members, POST "
                "/v1/demo/sign-in) and see PINs in the outbox; loopback only, never for real data");
  cmd->add_option("--header-timeout", args->header_timeout,
                  "seconds a request may take to send its headers (default 10)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--max-connections", args->max_connections,
                  "connections open at once; more are answered 503 (default 4096)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--clock-offset", args->clock_offset,
                  "seconds added to this machine's clock (drills and tests of expiry)");
  cmd->callback([&ctx, args] { ctx.exit_code = RunServe(*args); });
}

}  // namespace rolegate::cli
