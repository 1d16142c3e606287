// `rolegate serve BUNDLE... [--host H] [--port N] [--allow-origin O]`: the
// server-side verification a client's preview is checked against before a change
// is committed. Each bundle is loaded once; a change set names the bundle it was
// built on by its baseRevision. Answers are canonical JSON over HTTP/1.1:
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
// go out with TCP_NODELAY; a fixed pool of 16 workers serves the connections. Every answer allows the origin --allow-origin names (default "*":
// answers are computed from what is posted and reveal nothing else). It prints
// the address it listens on, then serves until SIGINT or SIGTERM.
#include <atomic>
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

class Server {
 public:
  Server(std::vector<Served> served, std::string allow_origin)
      : served_(std::move(served)), allow_origin_(std::move(allow_origin)) {}

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
    http_.set_default_headers({{"Access-Control-Allow-Origin", allow_origin_},
                               {"Access-Control-Allow-Methods", "GET, POST, OPTIONS"},
                               {"Access-Control-Allow-Headers", "Content-Type"},
                               {"Cache-Control", "no-store"}});
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
    http_.Options(R"(/.*)", [](const httplib::Request&, httplib::Response& res) {
      res.status = 204;
    });
    http_.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      const bool known = req.path == "/" || req.path == "/verify" ||
                         req.path == "/simulate" || req.path == "/health";
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

  void Listen() { http_.listen_after_bind(); }
  void Stop() { http_.stop(); }

 private:
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
  httplib::Server http_;
};

int RunServe(const std::vector<std::string>& paths, const std::string& host, int port,
             const std::string& allow_origin) {
  std::vector<Served> served;
  for (const std::string& path : paths) {
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

  // SIGINT and SIGTERM are taken by one thread that stops the server; the
  // server's threads inherit the mask, so none of them is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Server server(std::move(served), allow_origin);
  const int bound = server.Bind(host, port);
  if (bound < 0) {
    std::cerr << "rolegate: serve: cannot listen on " << host << ":" << port << "\n";
    return kExitInvalid;
  }
  std::atomic<bool> signalled{false};
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    signalled = true;
    server.Stop();
  });
  std::cout << "serving " << paths.size() << (paths.size() == 1 ? " bundle" : " bundles")
            << " on http://" << host << ":" << bound << "/ (POST /verify, POST /simulate, GET /health)"
            << std::endl;
  server.Listen();
  // Listen returns when the stopper stopped it, or on a failure: then wake the
  // stopper (the signal is blocked, so it only ends its wait) to join it.
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return kExitOk;
}

}  // namespace

void AddServe(CLI::App& app, Context& ctx) {
  struct Args {
    std::vector<std::string> bundles;
    std::string host = "127.0.0.1";
    int port = 8081;
    std::string allow_origin = "*";
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "serve verification of previews over HTTP (POST /verify, POST /simulate)");
  cmd->add_option("BUNDLE", args->bundles, "policy bundle files; a change set picks one by its baseRevision")
      ->required();
  cmd->add_option("--host", args->host, "address to listen on (default 127.0.0.1)");
  cmd->add_option("--port", args->port, "port to listen on; 0 picks a free one (default 8081)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--allow-origin", args->allow_origin,
                  "the browser origin allowed to call it (default *)");
  cmd->callback([&ctx, args] {
    ctx.exit_code = RunServe(args->bundles, args->host, args->port, args->allow_origin);
  });
}

}  // namespace rolegate::cli
