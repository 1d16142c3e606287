// The registry of operation kinds (change/registry.h) against what documents
// them: the bundle schema's list of kinds, the change set schema's shape for each,
// and docs/changes.md.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "change/registry.h"
#include "rolegate/operations.h"

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
  EXPECT_EQ(json["kinds"][0],
            (Json{{"name", "invite"}, {"actsOnMember", true}, {"givesRole", true}}));
  const OpKind* complete = FindOpKind("complete_self_upgrade");
  EXPECT_STREQ(complete->checked_by_server, "pin");
  EXPECT_STREQ(complete->authorised_by, "request_self_upgrade");
}

}  // namespace
}  // namespace rolegate::internal
