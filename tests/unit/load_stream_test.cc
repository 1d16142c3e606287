// The bundle read as it is parsed (LoadPolicy: the big lists element by element)
// answers exactly as the bundle read from a document (CompilePolicy), and keeps the
// bundle it read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "bundle.h"
#include "load/reader.h"
#include "model.h"
#include "test_util.h"

namespace rolegate {
namespace {

using ::testing::ElementsAre;

const char* const kExamples[] = {"account-hub", "bt-business", "cloud-work", "code-hosting",
                                 "hosted-voice"};

std::string ExampleText(const std::string& name) {
  return testing::ReadFileOrDie(std::string(ROLEGATE_SOURCE_DIR) + "/examples/" + name +
                                "/bundle.json");
}

// Everything a load answers: the errors, or the revision, summary and warnings.
std::string Answer(const LoadResult& r) { return Canonical(ValidationToJson(r)); }

// The load from the document the text parses to (or the parse errors).
std::string DocumentAnswer(const std::string& text, const Limits& limits = Limits()) {
  ParsedJson parsed = ParseJson(text, limits);
  if (!parsed.ok()) {
    LoadResult r;
    r.errors = parsed.errors;
    return Answer(r);
  }
  return Answer(CompilePolicy(parsed.value, limits));
}

std::vector<std::string> Keys(const LoadResult& r) {
  std::vector<std::string> out;
  for (const Error& e : r.errors) out.push_back(e.code + "@" + e.pointer);
  return out;
}

// Texts of a bundle that are read in unusual ways: the lists before what they name,
// no revision, elements wrong in each list, errors inside elements.
std::vector<std::string> Variants(const Json& bundle) {
  std::vector<std::string> out;
  Json b = bundle;
  b.erase("revision");
  out.push_back(Canonical(b));
  // Bindings, members and scopes first, scope types and roles last.
  std::string reordered = "{";
  for (const char* key : {"bindings", "members", "scopes"}) {
    if (b.contains(key)) reordered += Canonical(Json(key)) + ":" + Canonical(b[key]) + ",";
  }
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (it.key() != "bindings" && it.key() != "members" && it.key() != "scopes") {
      reordered += Canonical(Json(it.key())) + ":" + Canonical(it.value()) + ",";
    }
  }
  reordered.back() = '}';
  out.push_back(reordered);
  {
    Json w = bundle;
    w["members"].push_back(5);
    w["members"].push_back(w["members"][0]);
    w["members"][0]["status"] = "asleep";
    w["members"][1]["addedTo"] = "nowhere";
    w["bindings"][0].erase("member");
    w["bindings"][1]["role"] = "nope";
    w["bindings"].push_back(w["bindings"][2]);
    w["bindings"].push_back(Json{{"id", 5}, {"member", "x"}, {"role", 1}, {"scope", "y"}});
    w["scopes"][0]["parent"] = 3;
    w["scopes"].push_back(w["scopes"][1]);
    w["scopes"][1]["type"] = "planet";
    out.push_back(Canonical(w));
  }
  {
    Json w = bundle;
    w["members"] = Json::object();
    w["scopes"] = "x";
    out.push_back(Canonical(w));
  }
  {
    // Errors the parser finds inside the elements of each list.
    std::string text = Canonical(bundle);
    const auto replace = [&text](const std::string& from, const std::string& to) {
      const size_t at = text.find(from);
      if (at != std::string::npos) text.replace(at, from.size(), to);
    };
    replace("\"members\":[{", "\"members\":[{\"id\":\"a\",\"id\":\"b\",");
    replace("\"bindings\":[{", "\"bindings\":[{\"x\":\"" + std::string(5000, 'x') + "\",");
    out.push_back(text);
    out.push_back(Canonical(bundle).substr(0, Canonical(bundle).size() / 2));
  }
  return out;
}

TEST(LoadStream, TextLoadsAsTheDocumentDoes) {
  for (const char* name : kExamples) {
    const std::string text = ExampleText(name);
    EXPECT_EQ(Answer(LoadPolicy(text)), DocumentAnswer(text)) << name;
    const std::vector<std::string> variants = Variants(Json::parse(text));
    for (size_t v = 0; v < variants.size(); ++v) {
      EXPECT_EQ(Answer(LoadPolicy(variants[v])), DocumentAnswer(variants[v]))
          << name << ", variant " << v;
    }
  }
}

TEST(LoadStream, TheRevisionOfTheContentIgnoresLayoutAndKeyOrder) {
  Json b = Json::parse(ExampleText("bt-business"));
  b.erase("revision");
  const std::vector<std::string> variants = Variants(b);
  const LoadResult canonical = LoadPolicy(variants[0]);
  const LoadResult reordered = LoadPolicy(variants[1]);
  const LoadResult pretty = LoadPolicy(Pretty(b));
  ASSERT_TRUE(canonical.ok() && reordered.ok() && pretty.ok());
  EXPECT_EQ(canonical.policy->revision(), internal::ContentRevision(b));
  EXPECT_EQ(reordered.policy->revision(), internal::ContentRevision(b));
  EXPECT_EQ(pretty.policy->revision(), internal::ContentRevision(b));
}

TEST(LoadStream, TheModelKeepsTheBundleAsRead) {
  for (const char* name : kExamples) {
    const std::string text = ExampleText(name);
    const LoadResult r = LoadPolicy(text);
    ASSERT_TRUE(r.ok()) << name;
    const internal::Model& m = r.policy->model();
    EXPECT_EQ(Canonical(m.Document()), Canonical(Json::parse(text))) << name;
    // The big lists are text, not documents.
    for (size_t k = 0; k < internal::kBigLists; ++k) {
      const std::string key(internal::kBigListKeys[k]);
      if (m.rest.contains(key)) {
        EXPECT_TRUE(m.rest[key].empty()) << name << " " << key;
      }
    }
    EXPECT_EQ(m.lists[internal::kMemberList].size(), m.members.size());
    EXPECT_EQ(m.lists[internal::kBindingList].size(), m.bindings.size());
  }
}

TEST(LoadStream, AListOverItsLimitIsRefusedWholeAndNothingOfItIsRead) {
  Json b = testing::TinyBundle();
  const size_t members = b["members"].size();
  ASSERT_GE(members, 2u);
  b["members"][0]["status"] = "asleep";  // not reported: the list is refused
  Limits limits;
  limits.max_members = members - 1;
  const std::string text = Canonical(b);
  const LoadResult r = LoadPolicy(text, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(Answer(r), DocumentAnswer(text, limits));
  std::vector<std::string> keys = Keys(r);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "too_many_items@/members"), keys.end());
  for (const std::string& k : keys) {
    EXPECT_EQ(k.find("@/members/"), std::string::npos) << k;
  }
  // At the limit, the list is read.
  limits.max_members = members;
  EXPECT_EQ(Answer(LoadPolicy(text, limits)), DocumentAnswer(text, limits));
  EXPECT_THAT(Keys(LoadPolicy(text, limits)), ElementsAre("invalid_value@/members/0/status"));
}

TEST(LoadStream, ParseErrorsInsideAListNameTheElement) {
  Json b = testing::TinyBundle();
  b["bindings"].push_back({{"member", "x"}});
  std::string text = Canonical(b);
  const size_t at = text.find("{\"member\":\"x\"}");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 14, "{\"member\":\"x\",\"member\":\"y\"}");
  const std::string pointer = "/bindings/" + std::to_string(b["bindings"].size() - 1) + "/member";
  EXPECT_THAT(Keys(LoadPolicy(text)), ElementsAre("duplicate_key@" + pointer));
  EXPECT_EQ(Answer(LoadPolicy(text)), DocumentAnswer(text));
}

TEST(LoadStream, TheListsAreCountedBeforeTheyAreRead) {
  using Counts = std::array<size_t, internal::kBigLists>;
  EXPECT_EQ(internal::CountBigLists(Canonical(testing::TinyBundle())),
            (Counts{testing::TinyBundle()["scopes"].size(), testing::TinyBundle()["members"].size(),
                    testing::TinyBundle()["bindings"].size()}));
  // Brackets, commas and quotes inside strings, nested lists, scalars, empty lists,
  // the same keys deeper down, layout.
  const std::string text = R"({"name": "members: [1,2]", "scopes" : [ ],
    "members": [{"id": "a\"],[", "x": [1, [2, 3], {"members": [4, 5]}]}, 7, "s", null],
    "roles": [{"bindings": [1, 2, 3]}],
    "bindings": [[], {}, "]"]})";
  EXPECT_EQ(internal::CountBigLists(text), (Counts{0, 4, 3}));
  // Not JSON: some count, and no harm.
  EXPECT_EQ(internal::CountBigLists(R"({"members": [1, 2)"), (Counts{0, 0, 0}));
  EXPECT_EQ(internal::CountBigLists(R"(]]]}}}"\)"), (Counts{0, 0, 0}));
}

}  // namespace
}  // namespace rolegate
