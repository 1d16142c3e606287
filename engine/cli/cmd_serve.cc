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
// go out with TCP_NODELAY; a fixed pool of 16 workers serves the connections.
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

#include <httplib.h>
#include <pthread.h>

#include <CLI/CLI.hpp>

#include "../server/authority.h"
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

// The /v1/ routes of the server of record: method, path pattern.
const std::vector<std::pair<std::string, std::string>>& V1Routes() {
  static const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/v1/health"},
      {"GET", "/v1/bundle"},
      {"POST", "/v1/check"},
      {"POST", "/v1/check/batch"},
      {"POST", "/v1/simulate"},
      {"POST", "/v1/changes"},
      {"GET", "/v1/requests"},
      {"POST", R"(/v1/requests/([A-Za-z0-9._:-]{1,256})/decision)"},
      {"POST", R"(/v1/verifications/([A-Za-z0-9._:-]{1,256})/complete)"},
      {"POST", R"(/v1/verifications/([A-Za-z0-9._:-]{1,256})/resend)"},
      {"POST", "/v1/invitations/accept"},
      {"GET", "/v1/outbox"},
      {"GET", "/v1/audit"},
  };
  return routes;
}

int64_t IntParam(const httplib::Request& req, const char* name, int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
    return -1;
  }
  return std::stoll(v);
}

class Server {
 public:
  Server(std::vector<Served> served, std::string allow_origin,
         server::Authority* authority = nullptr)
      : served_(std::move(served)),
        allow_origin_(std::move(allow_origin)),
        authority_(authority),
        started_(std::chrono::steady_clock::now()) {}

  // Binds to host:port (0: any free port). Returns the port, or -1.
  int Bind(const std::string& host, int port) {
    http_.set_payload_max_length(Limits().max_bytes);
    // Answers go out at once, not after the peer's delayed ACK (keep-alive clients
    // waited ~40 ms a request without it).
    http_.set_tcp_nodelay(true);
    // A fixed pool of workers: a flood of connections queues, it does not fork
    // threads without end.
    http_.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
    // Only JSON is read: a body of another type is refused before it is parsed.
    http_.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (req.method != "POST") return httplib::Server::HandlerResponse::Unhandled;
      const std::string type = req.get_header_value("Content-Type");
      const std::string media = type.substr(0, type.find(';'));
      if (Trimmed(media) == "application/json") return httplib::Server::HandlerResponse::Unhandled;
      Send(res, 415, Fail("unsupported_media_type", "",
                          "the request body must be JSON, sent as `Content-Type: "
                          "application/json`" +
                              (type.empty() ? std::string(" (none was given)")
                                            : " (not `" + type + "`)")));
      return httplib::Server::HandlerResponse::Handled;
    });
    if (allow_origin_.empty()) {
      http_.set_default_headers({{"Cache-Control", "no-store"}});
    } else {
      http_.set_default_headers({{"Access-Control-Allow-Origin", allow_origin_},
                                 {"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
                                 {"Access-Control-Allow-Headers", "Content-Type, Authorization"},
                                 {"Cache-Control", "no-store"}});
    }
    if (authority_ != nullptr) RegisterV1();
    if (authority_ == nullptr) RegisterOffline();
    http_.Options(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
      res.status = 204;
    });
    http_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      bool known = authority_ == nullptr &&
                   (req.path == "/" || req.path == "/verify" || req.path == "/simulate" ||
                    req.path == "/health");
      if (authority_ != nullptr) {
        for (const auto& route : V1Routes()) {
          known = known || std::regex_match(req.path, std::regex(route.second));
        }
      }
      if (res.status == 413) {
        Send(res, 413, Fail("input_too_large", "", "the request body is over the input limit"));
      } else if (known) {
        Send(res, 405, Fail("method_not_allowed", "", "`" + req.method + "` is not served on `" +
                                                          req.path + "`"));
      } else {
        Send(res, 404, Fail("not_found", "", "nothing is served at `" + req.path + "`"));
      }
    });
    if (port == 0) return http_.bind_to_any_port(host);
    return http_.bind_to_port(host, port) ? port : -1;
  }

  // The routes for offline verification (no --db).
  void RegisterOffline() {
    http_.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
      Json bundles = Json::array();
      for (const Served& s : served_) {
        bundles.push_back(Json{{"name", s.name}, {"revision", s.policy->revision()}});
      }
      Send(res, 200, Canonical(Json{{"ok", true}, {"bundles", bundles}}));
    });
    // Bodies are read through a receiver that stops at the input limit, chunked
    // ones too: an endless upload is cut off, never read whole.
    auto verify = [this](const httplib::Request& req, httplib::Response& res,
                         const httplib::ContentReader& reader) {
      std::string body;
      if (!ReadBody(req, reader, &body)) return TooLarge(res);
      Verify(body, res);
    };
    http_.Post("/verify", verify);
    http_.Post("/", verify);
    http_.Post("/simulate", [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
      std::string body;
      if (!ReadBody(req, reader, &body)) return TooLarge(res);
      Simulate(body, res);
    });
  }

  void Listen() { http_.listen_after_bind(); }
  void Stop() { http_.stop(); }

 private:
  // Runs one /v1/ handler: a store that fails answers 503, never a half-write.
  static void Answer(httplib::Response& res, const std::function<server::Reply()>& handle) {
    server::Reply reply;
    try {
      reply = handle();
    } catch (const std::exception& e) {
      return Send(res, 503, Fail("store_unavailable", "", e.what()));
    }
    if (reply.status == 401) res.set_header("WWW-Authenticate", "Bearer");
    Send(res, reply.status, Canonical(reply.body));
  }

  // The caller, from the bearer token; nullopt after answering 401.
  std::optional<std::string> Caller(const httplib::Request& req, httplib::Response& res) {
    std::optional<std::string> member;
    try {
      member = authority_->Authenticate(req.get_header_value("Authorization"));
    } catch (const std::exception& e) {
      Send(res, 503, Fail("store_unavailable", "", e.what()));
      return std::nullopt;
    }
    if (!member) {
      res.set_header("WWW-Authenticate", "Bearer");
      Send(res, 401, Fail("unauthenticated", "",
                          req.has_header("Authorization")
                              ? "the bearer token is unknown or revoked"
                              : "send `Authorization: Bearer TOKEN` (rolegate token mints one)"));
    }
    return member;
  }

  // Reads a JSON body; false after answering 413 or 400.
  static bool JsonBody(const httplib::Request& req, const httplib::ContentReader& reader,
                       httplib::Response& res, Json* out) {
    std::string body;
    if (!ReadBody(req, reader, &body)) {
      TooLarge(res);
      return false;
    }
    ParsedJson parsed = ParseJson(body);
    if (!parsed.ok()) {
      Send(res, 400, Canonical(ErrorsToJson(parsed.errors)));
      return false;
    }
    *out = std::move(parsed.value);
    return true;
  }

  using Authed = std::function<server::Reply(const std::string& caller, const Json& body,
                                             const httplib::Request& req)>;

  void AuthedPost(const std::string& pattern, Authed handle) {
    http_.Post(pattern, [this, handle](const httplib::Request& req, httplib::Response& res,
                                       const httplib::ContentReader& reader) {
      std::optional<std::string> caller = Caller(req, res);
      if (!caller) return;
      Json body;
      if (!JsonBody(req, reader, res, &body)) return;
      Answer(res, [&] { return handle(*caller, body, req); });
    });
  }

  void AuthedGet(const std::string& pattern, Authed handle) {
    http_.Get(pattern, [this, handle](const httplib::Request& req, httplib::Response& res) {
      std::optional<std::string> caller = Caller(req, res);
      if (!caller) return;
      Answer(res, [&] { return handle(*caller, Json(), req); });
    });
  }

  static server::Reply BadPage() {
    return server::Reply{400, ParseJson(Fail("invalid_value", "",
                                             "`after` and `limit` must be whole numbers"))
                                  .value};
  }

  void RegisterV1() {
    server::Authority& a = *authority_;
    http_.Get("/v1/health", [this](const httplib::Request&, httplib::Response& res) {
      const auto up = std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::steady_clock::now() - started_);
      Answer(res, [&] { return authority_->Health(up.count()); });
    });
    AuthedGet("/v1/bundle", [&a](const std::string& c, const Json&, const httplib::Request&) {
      return a.Bundle(c);
    });
    AuthedPost("/v1/check", [&a](const std::string& c, const Json& b, const httplib::Request&) {
      return a.Check(c, b);
    });
    AuthedPost("/v1/check/batch", [&a](const std::string& c, const Json& b, const httplib::Request&) {
      return a.CheckBatch(c, b);
    });
    AuthedPost("/v1/simulate", [&a](const std::string& c, const Json& b, const httplib::Request&) {
      return a.Simulate(c, b);
    });
    AuthedPost("/v1/changes", [&a](const std::string& c, const Json& b, const httplib::Request&) {
      return a.Changes(c, b);
    });
    AuthedGet("/v1/requests", [&a](const std::string& c, const Json&, const httplib::Request&) {
      return a.Requests(c);
    });
    AuthedPost(V1Routes()[7].second, [&a](const std::string& c, const Json& b, const httplib::Request& r) {
      return a.Decide(c, r.matches[1], b);
    });
    AuthedPost(V1Routes()[8].second, [&a](const std::string& c, const Json& b, const httplib::Request& r) {
      return a.CompleteVerification(c, r.matches[1], b);
    });
    AuthedPost(V1Routes()[9].second, [&a](const std::string& c, const Json&, const httplib::Request& r) {
      return a.ResendVerification(c, r.matches[1]);
    });
    // The invitation token is the proof: no bearer token yet.
    http_.Post("/v1/invitations/accept", [this](const httplib::Request& req, httplib::Response& res,
                                                const httplib::ContentReader& reader) {
      Json body;
      if (!JsonBody(req, reader, res, &body)) return;
      Answer(res, [&] { return authority_->AcceptInvitation(body); });
    });
    AuthedGet("/v1/outbox", [&a](const std::string& c, const Json&, const httplib::Request& r) {
      const int64_t after = IntParam(r, "after", 0), limit = IntParam(r, "limit", 100);
      if (after < 0 || limit < 0) return BadPage();
      return a.Outbox(c, after, limit);
    });
    AuthedGet("/v1/audit", [&a](const std::string& c, const Json&, const httplib::Request& r) {
      const int64_t after = IntParam(r, "after", 0), limit = IntParam(r, "limit", 100);
      if (after < 0 || limit < 0) return BadPage();
      return a.Audit(c, after, limit);
    });
  }

  static void Send(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
  }

  // Reads the request body into *body; false, having stopped reading, when it is
  // over the input limit.
  static bool ReadBody(const httplib::Request& req, const httplib::ContentReader& reader,
                       std::string* body) {
    const size_t limit = Limits().max_bytes;
    bool over = false;
    const bool read = reader([&](const char* data, size_t length) {
      if (body->size() + length > limit) {
        over = true;
        return false;
      }
      body->append(data, length);
      return true;
    });
    // A declared length over the limit is refused before anything is read.
    if (!read && req.has_header("Content-Length")) {
      const std::string declared = req.get_header_value("Content-Length");
      over = declared.size() > 19 ||
             std::strtoull(declared.c_str(), nullptr, 10) > static_cast<unsigned long long>(limit);
    }
    return !over;
  }

  static void TooLarge(httplib::Response& res) {
    res.set_header("Connection", "close");
    Send(res, 413, Fail("input_too_large", "",
                        "the request body is over the input limit of " +
                            std::to_string(Limits().max_bytes) + " bytes"));
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

  void Verify(const std::string& body, httplib::Response& res) const {
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
  void VerifyChain(const Json& request, httplib::Response& res) const {
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

  void Simulate(const std::string& body, httplib::Response& res) const {
    ParsedJson parsed = ParseJson(body);
    if (!parsed.ok()) return Send(res, 400, Canonical(ErrorsToJson(parsed.errors)));
    const Policy* policy = PolicyFor(parsed.value);
    if (policy == nullptr) return Send(res, 400, NoBundleFor(""));
    const Json result = policy->Simulate(parsed.value);
    Send(res, IsFailure(result) ? 400 : 200, Canonical(result));
  }

  std::vector<Served> served_;
  std::string allow_origin_;
  server::Authority* authority_;
  std::chrono::steady_clock::time_point started_;
  httplib::Server http_;
};

struct ServeArgs {
  std::vector<std::string> bundles;
  std::string db;
  std::string host = "127.0.0.1";
  int port = 8081;
  std::string allow_origin;
  int64_t clock_offset = 0;
};

int RunServe(const ServeArgs& args) {
  std::vector<Served> served;
  std::unique_ptr<server::SqliteStore> store;
  std::unique_ptr<server::Authority> authority;
  const int64_t offset = args.clock_offset;
  if (!args.db.empty()) {
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
  Server server(std::move(served), origin, authority.get());
  const int bound = server.Bind(args.host, args.port);
  if (bound < 0) {
    std::cerr << "rolegate: serve: cannot listen on " << args.host << ":" << args.port << "\n";
    return kExitInvalid;
  }
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
  cmd->add_option("--host", args->host, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "port to listen on; 0 picks a free one (default 8081)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--allow-origin", args->allow_origin,
                  "the browser origin allowed to call it (default: * without --db, none with it)");
  cmd->add_option("--clock-offset", args->clock_offset,
                  "seconds added to this machine's clock (drills and tests of expiry)");
  cmd->callback([&ctx, args] { ctx.exit_code = RunServe(*args); });
}

}  // namespace rolegate::cli
