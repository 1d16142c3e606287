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
#include "serve_http.h"

namespace rolegate::cli {
namespace {

using serve_http::kWorkers;
using serve_http::Served;
using serve_http::Server;
namespace http = server::http;

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

// The options that do not go together; kExitOk when they do.
int CheckServeArgs(const ServeArgs& args) {
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
  return kExitOk;
}

// The server of record: the store of --db, seeded from the bundle when it is
// empty; the Authority over it.
int OpenRecord(ServeArgs& args, std::unique_ptr<server::SqliteStore>* store,
               std::unique_ptr<server::Authority>* authority) {
  const int64_t offset = args.clock_offset;
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
    *store = std::make_unique<server::SqliteStore>(args.db);
    *authority = std::make_unique<server::Authority>(**store, [offset] { return UtcNow(offset); });
    if (!args.bundles.empty()) {
      std::optional<std::string> text = std::nullopt;
      std::string error;
      text = ReadInput(args.bundles[0], &error);
      if (!text) {
        std::cerr << "rolegate: " << error << "\n";
        return kExitInvalid;
      }
      const std::string seeded = (*authority)->SeedIfEmpty(*text, &error);
      if (seeded.empty()) {
        std::cerr << "rolegate: serve: " << args.bundles[0] << ": " << error << "\n";
        return kExitInvalid;
      }
      if (seeded == "kept") {
        std::cerr << "rolegate: serve: " << args.db << " already holds a bundle; "
                  << args.bundles[0] << " is ignored\n";
      }
    }
    (*authority)->Current();  // fails when the database holds no bundle
    if (args.demo) {
      (*authority)->SetDemo(true);
      std::cerr << "rolegate: serve: DEMO MODE: anyone who can reach this server may sign in "
                   "as any member, and PINs and invitation tokens are shown in the outbox. "
                   "Never use it for real data.\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "rolegate: serve: " << e.what() << "\n";
    return kExitInvalid;
  }
  return kExitOk;
}

// Offline verification: each bundle, loaded once, by a revision of its own.
int LoadServed(const ServeArgs& args, std::vector<Served>* served) {
  if (args.bundles.empty()) {
    std::cerr << "rolegate: serve: give BUNDLE files, or --db FILE\n";
    return kExitInvalid;
  }
  for (const std::string& path : args.bundles) {
    std::optional<Bundle> bundle = LoadValidBundle(path, Format::kText);
    if (!bundle) return kExitInvalid;
    for (const Served& s : *served) {
      if (s.policy->revision() == bundle->loaded.policy->revision()) {
        std::cerr << "rolegate: serve: " << path << " has the revision of " << s.name
                  << "; a change set could not say which it was built on\n";
        return kExitInvalid;
      }
    }
    served->push_back({path, bundle->loaded.policy});
  }
  return kExitOk;
}

// Serves until SIGINT or SIGTERM.
int Listen(const ServeArgs& args, std::vector<Served> served, server::SqliteStore* store,
           server::Authority* authority) {
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
      !args.allow_origin.empty() ? args.allow_origin : (authority != nullptr ? "" : "*");
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
  Server server(std::move(served), origin, authority, options, app.get());
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
  if (authority != nullptr) {
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

int RunServe(ServeArgs args) {
  if (const int refused = CheckServeArgs(args); refused != kExitOk) return refused;
  std::vector<Served> served;
  std::unique_ptr<server::SqliteStore> store;
  std::unique_ptr<server::Authority> authority;
  const int opened =
      args.db.empty() ? LoadServed(args, &served) : OpenRecord(args, &store, &authority);
  if (opened != kExitOk) return opened;
  return Listen(args, std::move(served), store.get(), authority.get());
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
