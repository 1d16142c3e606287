// Commands on the database of record (docs/server.md):
//
//   rolegate token --db FILE MEMBER [--revoke]
//     mints a bearer token for MEMBER and prints it once (only its hash is
//     kept); with --revoke, revokes every token of MEMBER.
//   rolegate outbox --db FILE [--member M] [--deliver]
//     prints the undelivered messages, one canonical JSON object a line, with
//     the PIN or invitation token a letter or e-mail carries (what a delivery
//     worker sends); with --deliver, marks them delivered, which forgets those
//     secrets.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>

#include "../server/authority.h"
#include "../server/sqlite_store.h"
#include "commands.h"
#include "io.h"

namespace rolegate::cli {

void AddToken(CLI::App& app, Context& ctx) {
  struct Args {
    std::string db, member;
    bool revoke = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("token", "mint (or revoke) a member's bearer token");
  cmd->add_option("--db", args->db, "the SQLite file of record")->required();
  cmd->add_option("MEMBER", args->member, "the member id")->required();
  cmd->add_flag("--revoke", args->revoke, "revoke every token of the member");
  cmd->callback([&ctx, args] {
    try {
      server::SqliteStore store(args->db);
      server::Authority authority(store, [] { return UtcNow(); });
      if (args->revoke) {
        const int64_t n = authority.RevokeTokens(args->member);
        std::cout << "revoked " << n << (n == 1 ? " token" : " tokens") << " of " << args->member
                  << "\n";
        ctx.exit_code = kExitOk;
        return;
      }
      std::string error;
      const std::string token = authority.MintToken(args->member, &error);
      if (token.empty()) {
        std::cerr << "rolegate: token: " << error << "\n";
        ctx.exit_code = kExitInvalid;
        return;
      }
      std::cout << token << "\n";
      ctx.exit_code = kExitOk;
    } catch (const std::exception& e) {
      std::cerr << "rolegate: token: " << e.what() << "\n";
      ctx.exit_code = kExitInvalid;
    }
  });
}

void AddOutbox(CLI::App& app, Context& ctx) {
  struct Args {
    std::string db, member;
    bool deliver = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "outbox", "print the undelivered messages of the database of record, secrets included");
  cmd->add_option("--db", args->db, "the SQLite file of record")->required();
  cmd->add_option("--member", args->member, "only this member's messages");
  cmd->add_flag("--deliver", args->deliver,
                "mark the printed messages delivered (their secrets are then forgotten)");
  cmd->callback([&ctx, args] {
    try {
      server::SqliteStore store(args->db);
      std::vector<int64_t> printed;
      int64_t after = 0;
      for (;;) {
        std::vector<server::Message> page = store.Messages(args->member, after, 500, true);
        if (page.empty()) break;
        for (const server::Message& m : page) {
          Json line{{"id", m.id}, {"member", m.member},     {"channel", m.channel},
                    {"at", m.at}, {"revision", m.revision}, {"message", ParseJson(m.body).value}};
          if (!m.secret.empty()) line["secret"] = m.secret;
          PrintJson(line);
          printed.push_back(m.id);
          after = m.id;
        }
      }
      if (args->deliver) store.MarkDelivered(printed);
      ctx.exit_code = kExitOk;
    } catch (const std::exception& e) {
      std::cerr << "rolegate: outbox: " << e.what() << "\n";
      ctx.exit_code = kExitInvalid;
    }
  });
}

}  // namespace rolegate::cli
