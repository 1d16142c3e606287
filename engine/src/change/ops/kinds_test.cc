// The registry of operation kinds (change/registry.h) against what documents
// them: the bundle schema's list of kinds, the change set schema's shape for each,
// and docs/changes.md.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "change/registry.h"
#include "rolegate/operations.h"
#include "status.h"

namespace rolegate::internal {
namespace {

Json ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

std::set<std::string> RegistryNames() {
  std::set<std::string> names;
  for (const OpKind* k : OpKinds()) names.insert(k->name);
  return names;
}

TEST(OpKinds, EachHasANameAReadAndAnApplyAndIsFoundByName) {
  EXPECT_EQ(RegistryNames().size(), OpKinds().size()) << "names are unique";
  for (const OpKind* k : OpKinds()) {
    EXPECT_NE(k->read, nullptr) << k->name;
    EXPECT_NE(k->apply, nullptr) << k->name;
    EXPECT_EQ(FindOpKind(k->name), k);
    if (k->authorised_by != nullptr) {
      EXPECT_NE(FindOpKind(k->authorised_by), nullptr);
    }
  }
  EXPECT_EQ(FindOpKind("promote"), nullptr);
}

TEST(OpKinds, TheBundleSchemaListsTheSameKindsInTheSameOrder) {
  const Json schema = ReadJsonFile(ROLEGATE_SOURCE_DIR "/schemas/bundle.schema.json");
  const Json& listed = schema["$defs"]["operationKind"]["enum"];
  ASSERT_EQ(listed.size(), OpKinds().size());
  for (size_t i = 0; i < listed.size(); ++i) EXPECT_EQ(listed[i], OpKinds()[i]->name) << i;
}

TEST(OpKinds, TheChangeSetSchemaShapesEveryKind) {
  const Json schema = ReadJsonFile(ROLEGATE_SOURCE_DIR "/schemas/changeset.schema.json");
  std::set<std::string> shaped;
  for (const Json& branch : schema["$defs"]["operation"]["allOf"]) {
    const Json& op = branch["if"]["properties"]["op"];
    if (op.contains("const")) shaped.insert(op["const"].get<std::string>());
    for (const Json& name : op.value("enum", Json::array())) shaped.insert(name.get<std::string>());
  }
  EXPECT_EQ(shaped, RegistryNames());
}

// The bundle's `operations` entry of each kind, as the loader reads it from the
// registry (OpKind::entry_fields, no_entry), is the one the schema describes.
TEST(OpKinds, TheBundleSchemaShapesEachKindsEntryAsTheRegistrySays) {
  const Json schema = ReadJsonFile(ROLEGATE_SOURCE_DIR "/schemas/bundle.schema.json");
  const Json& operations = schema["properties"]["operations"];
  std::vector<std::string> no_entry;
  for (const OpKind* k : OpKinds()) {
    if (k->no_entry != nullptr) {
      no_entry.push_back(k->name);
      continue;
    }
    const Json& entry = operations["properties"].contains(k->name)
                            ? operations["properties"][k->name]
                            : operations["additionalProperties"];
    const std::string ref = entry["$ref"];
    const Json& def = schema["$defs"][ref.substr(std::string("#/$defs/").size())];
    std::set<std::string> fields = {"action", "requires"};
    if (k->entry_fields & kInvitationValidForDays) fields.insert("invitationValidForDays");
    if (k->entry_fields & kRequestValidForDays) fields.insert("requestValidForDays");
    if (k->entry_fields & kSetups) fields.insert("setups");
    std::set<std::string> described;
    for (auto it = def["properties"].begin(); it != def["properties"].end(); ++it) {
      described.insert(it.key());
    }
    EXPECT_EQ(described, fields) << k->name << " (" << ref << ")";
    EXPECT_EQ(def["additionalProperties"], false) << ref;
  }
  EXPECT_EQ(operations["propertyNames"]["not"]["enum"], Json(no_entry));
}

TEST(OpKinds, DocsChangesNamesEveryKind) {
  std::ifstream in(ROLEGATE_SOURCE_DIR "/docs/changes.md");
  std::stringstream text;
  text << in.rdbuf();
  for (const OpKind* k : OpKinds()) {
    EXPECT_NE(text.str().find("`" + std::string(k->name) + "`"), std::string::npos) << k->name;
  }
}

TEST(OpKinds, ThePublicListMirrorsTheRegistry) {
  const std::vector<OperationKind> kinds = OperationKinds();
  ASSERT_EQ(kinds.size(), OpKinds().size());
  for (size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(kinds[i].name, OpKinds()[i]->name);
    EXPECT_EQ(kinds[i].acts_on_member, OpKinds()[i]->acts_on_member);
    EXPECT_EQ(kinds[i].gives_role, OpKinds()[i]->gives_role);
  }
  const Json json = OperationKindsJson();
  EXPECT_EQ(json["kinds"][0], (Json{{"name", "invite"},
                                    {"actsOnMember", true},
                                    {"givesRole", true},
                                    {"serverSends", "invitation_token"}}));
  const OpKind* complete = FindOpKind("complete_self_upgrade");
  EXPECT_STREQ(complete->checked_by_server, "pin");
  EXPECT_STREQ(complete->authorised_by, "request_self_upgrade");
}

// Each kind holds its own moves (OpKind::moves); together they are the one state
// machine status.h draws: every (kind, set-up, status) and where it leads.
TEST(OpKinds, TheirMovesAreTheStateMachineStatusHDraws) {
  const std::vector<std::string> setups = {"", "assign_credentials", "send_invite",
                                           "activation_email", "activate_later"};
  const std::vector<MemberStatus> all = {MemberStatus::kPending,  MemberStatus::kInvited,
                                         MemberStatus::kActive,   MemberStatus::kBlocked,
                                         MemberStatus::kDisabled, MemberStatus::kRemoved};
  const Json suspended{{"blockedFrom", "invited"}, {"disabledFrom", "pending"}};
  std::set<std::string> moves;
  for (const OpKind* k : OpKinds()) {
    for (const std::string& setup : setups) {
      for (MemberStatus from : all) {
        if (auto to = NextStatus(*k, setup, from, suspended)) {
          moves.insert(std::string(k->name) + (setup.empty() ? "" : " " + setup) + ": " +
                       StatusName(from) + " -> " + StatusName(*to));
        }
      }
    }
    if (k->moves == nullptr) {
      EXPECT_TRUE(StatusesOf(*k).empty()) << k->name;
    }
  }
  // activate_member's moves are by set-up; the others take any (so "" and each
  // set-up name the same move).
  std::set<std::string> expected;
  const std::vector<std::pair<std::string, std::string>> any_setup = {
      {"accept_invitation", "invited -> active"},
      {"resend_invitation", "invited -> invited"},
      {"reset_password", "active -> active"},
      {"reset_password", "invited -> invited"},
      {"block", "active -> blocked"},
      {"block", "invited -> blocked"},
      {"block", "pending -> blocked"},
      {"block", "disabled -> blocked"},
      {"unblock", "blocked -> invited"},
      {"disable", "active -> disabled"},
      {"disable", "invited -> disabled"},
      {"disable", "pending -> disabled"},
      {"enable", "disabled -> pending"},
      {"delete_member", "active -> removed"},
      {"delete_member", "invited -> removed"},
      {"delete_member", "pending -> removed"},
      {"delete_member", "blocked -> removed"},
      {"delete_member", "disabled -> removed"}};
  for (const auto& [kind, move] : any_setup) {
    for (const std::string& setup : setups) {
      expected.insert(kind + (setup.empty() ? "" : " " + setup) + ": " + move);
    }
  }
  for (const char* move :
       {"assign_credentials: pending -> active", "send_invite: pending -> invited",
        "send_invite: invited -> invited", "activation_email: pending -> invited",
        "activation_email: invited -> invited", "activate_later: pending -> pending",
        "activate_later: invited -> invited"}) {
    expected.insert(std::string("activate_member ") + move);
  }
  EXPECT_EQ(moves, expected);
}

// What the server of record and the audit log ask of a kind is in the registry,
// never its name: the secret it sends, and the scopes it concerns unnamed.
TEST(OpKinds, SayWhatTheServerSendsAndWhichScopesTheyConcern) {
  for (const OpKind* k : OpKinds()) {
    if (k->server_sends != nullptr) {
      EXPECT_TRUE(std::string(k->server_sends) == "pin" ||
                  std::string(k->server_sends) == "invitation_token")
          << k->name;
    }
    // A kind checked on every scope of a member concerns all of them.
    if (k->on_member == OnMember::kEveryScope) {
      EXPECT_EQ(k->concerns, Concerns::kMemberScopes) << k->name;
    }
  }
  const Json json = OperationKindsJson();
  std::map<std::string, Json> by_name;
  for (const Json& k : json["kinds"]) by_name[k["name"]] = k;
  EXPECT_EQ(by_name["register"]["serverSends"], "pin");
  EXPECT_EQ(by_name["delete_role"]["concerns"], "every_root");
  EXPECT_EQ(by_name["decide_request"]["concerns"], "request");
  EXPECT_FALSE(by_name["assign_role"].contains("concerns"));  // it names its scopes
}

// A kind that takes no entry in `operations` is supported some other way: by every
// policy, or by another kind's entry.
TEST(OpKinds, OneWithoutAnEntryIsSupportedByEveryPolicyOrAnotherKindsEntry) {
  for (const OperationKind& k : OperationKinds()) {
    const OpKind* kind = FindOpKind(k.name);
    if (kind->no_entry != nullptr) {
      EXPECT_TRUE(k.every_policy || !k.entry_of.empty()) << k.name;
    }
    if (!k.entry_of.empty()) {
      ASSERT_NE(FindOpKind(k.entry_of), nullptr) << k.name;
      EXPECT_EQ(FindOpKind(k.entry_of)->no_entry, nullptr) << k.name;
    }
  }
  const Json json = OperationKindsJson();
  std::map<std::string, Json> by_name;
  for (const Json& k : json["kinds"]) by_name[k["name"]] = k;
  EXPECT_EQ(by_name["withdraw_request"]["entryOf"], "request_role");
  EXPECT_EQ(by_name["complete_self_upgrade"]["entryOf"], "request_self_upgrade");
  EXPECT_EQ(by_name["decide_request"]["everyPolicy"], true);
  EXPECT_FALSE(by_name["invite"].contains("everyPolicy"));
}

}  // namespace
}  // namespace rolegate::internal
