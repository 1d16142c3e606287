// Policy::CheckText: the explained check from text, read and written without a
// JSON document for a plain request, must give exactly the bytes of Check on the
// parsed text, for every request of every example and for every text that is not
// plain (which the general path answers).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "canonical_text.h"
#include "model.h"
#include "request_text.h"
#include "rolegate/rolegate.h"
#include "test_util.h"

namespace rolegate {
namespace {

const char* const kExamples[] = {"account-hub", "bt-business", "cloud-work", "code-hosting",
                                 "hosted-voice"};

std::shared_ptr<const Policy> Example(const std::string& name) {
  return testing::MustLoad(Json::parse(testing::ReadFileOrDie(
      std::string(ROLEGATE_SOURCE_DIR) + "/examples/" + name + "/bundle.json")));
}

std::string General(const Policy& p, const std::string& text) {
  ParsedJson parsed = ParseJson(text);
  if (!parsed.ok()) return Canonical(ErrorsToJson(parsed.errors));
  return Canonical(p.Check(parsed.value));
}

// Every member on every action of the bundle (permissions, self-upgrade and
// claim actions) on every third scope, with and without the attributes a
// rank-limited permission reads, in two layouts: the plain path must take them
// all and answer as the general path does.
TEST(CheckText, AnswersAsCheckOnEveryRequestOfEveryExample) {
  for (const char* example : kExamples) {
    SCOPED_TRACE(example);
    auto p = Example(example);
    ASSERT_NE(p, nullptr);
    const internal::Model& m = p->model();
    std::vector<std::string> actions;
    for (const auto& perm : m.permissions) actions.push_back(perm.id);
    for (const auto& u : m.self_upgrades) actions.push_back(u.action);
    for (const auto& c : m.claims) actions.push_back(c.action);
    size_t checked = 0, allowed = 0;
    for (size_t mi = 0; mi < m.members.size(); ++mi) {
      for (const std::string& action : actions) {
        for (size_t si = mi % 3; si < m.scopes.size(); si += 3) {
          Request r = testing::MakeRequest(m.members[mi].id, action, m.scopes[si].id);
          if (!m.roles.empty()) {
            r.attributes = Json{{"role", m.roles[(mi + si) % m.roles.size()].id},
                                {"target", m.members[(mi * 7 + si) % m.members.size()].id}};
          }
          const std::string compact = Canonical(RequestToJson(r));
          // Another order and layout, no attributes: what a hand-written file holds.
          const std::string loose = "{ \"now\": \"" + r.now + "\",\n  \"resource\": \"" +
                                    r.resource + "\", \"action\": \"" + r.action +
                                    "\",\t\"actor\":\"" + r.actor + "\" }\n";
          for (const std::string& text : {compact, loose}) {
            Request plain;
            ASSERT_TRUE(internal::ReadPlainRequest(text, Limits(), &plain)) << text;
            const std::string got = p->CheckText(text);
            ASSERT_EQ(got, General(*p, text)) << text;
            allowed += got.find("\"effect\":\"allow\"") != std::string::npos;
            ++checked;
          }
        }
      }
    }
    EXPECT_GT(checked, 100u);
    EXPECT_GT(allowed, 0u);  // the decisions with reasons of an allow are written too
  }
}

// Texts the plain path must leave to the general path, which answers them (an
// error, or a decision read through escapes and numbers the plain path does not
// read): CheckText gives the general path's bytes all the same.
TEST(CheckText, LeavesEveryOtherTextToTheGeneralPath) {
  auto p = Example("account-hub");
  ASSERT_NE(p, nullptr);
  const internal::Model& m = p->model();
  const std::string actor = m.members.front().id, action = m.permissions.front().id,
                    scope = m.scopes.front().id;
  const std::string base = "\"actor\":\"" + actor + "\",\"action\":\"" + action +
                           "\",\"resource\":\"" + scope + "\",\"now\":\"2026-12-01T09:00:00Z\"";
  const std::vector<std::string> not_plain = {
      "",
      "   ",
      "{}",
      "[]",
      "null",
      "{" + base,
      "{" + base + "}}",
      "{" + base + "} x",
      "{" + base + ",}",
      "{" + base + ",\"actor\":\"" + actor + "\"}",  // repeated key
      "{" + base + ",\"extra\":1}",                  // unknown key
      "{\"actor\":\"" + actor + "\",\"action\":\"" + action + "\",\"resource\":\"" + scope + "\"}",
      "{" + base + ",\"attributes\":{\"registering\":true}}",  // reserved
      "{" + base + ",\"attributes\":{\"a\":1,\"a\":2}}",
      "{" + base + ",\"attributes\":{\"a\":1.0}}",
      "{" + base + ",\"attributes\":{\"a\":1e3}}",
      "{" + base + ",\"attributes\":{\"a\":-0}}",
      "{" + base + ",\"attributes\":{\"a\":007}}",
      "{" + base + ",\"attributes\":{\"a\":1234567890123456789}}",
      "{" + base + ",\"attributes\":{\"a\":99999999999999999999}}",
      "{" + base + ",\"attributes\":{\"a\":null}}",
      "{" + base + ",\"attributes\":{\"a\":[1]}}",
      "{" + base + ",\"attributes\":{\"a\":{}}}",
      "{" + base + ",\"attributes\":{\"a\":truex}}",
      "{" + base + ",\"attributes\":{\"a\":\"caf\\u00e9\"}}",
      "{" + base + ",\"attributes\":{\"a\":\"café\"}}",
      "{" + base + ",\"attributes\":[]}",
      "{" + base + ",\"attributes\":null}",
      "{\"actor\":\"" + actor.substr(0, 1) + "\\u00" + "6" + actor.substr(1) + "\"}",
      "{\"actor\":\"\\u006d" + actor.substr(1) + "\",\"action\":\"" + action +
          "\",\"resource\":\"" + scope + "\",\"now\":\"2026-12-01T09:00:00Z\"}",
      "{\"actor\":\"" + actor + "\",\"action\":\"" + action + "\",\"resource\":\"" + scope +
          "\",\"now\":\"2026-13-01T09:00:00Z\"}",
      "{\"actor\":\"\",\"action\":\"" + action + "\",\"resource\":\"" + scope +
          "\",\"now\":\"2026-12-01T09:00:00Z\"}",
      "{\"actor\":\"" + std::string(300, 'm') + "\",\"action\":\"" + action + "\",\"resource\":\"" +
          scope + "\",\"now\":\"2026-12-01T09:00:00Z\"}",
      "{\"actor\":\"" + std::string(5000, 'm') + "\",\"action\":\"" + action +
          "\",\"resource\":\"" + scope + "\",\"now\":\"2026-12-01T09:00:00Z\"}",
      "{\"actor\":1,\"action\":\"" + action + "\",\"resource\":\"" + scope +
          "\",\"now\":\"2026-12-01T09:00:00Z\"}",
      std::string("{") + base + ",\"attributes\":{\"a\":\"x\ty\"}}",
      std::string("\xEF\xBB\xBF{") + base + "}",
      std::string("{") + base + std::string("}\0", 2),
  };
  for (const std::string& text : not_plain) {
    SCOPED_TRACE(text.substr(0, 200));
    Request plain;
    EXPECT_FALSE(internal::ReadPlainRequest(text, Limits(), &plain));
    EXPECT_EQ(p->CheckText(text), General(*p, text));
  }
  // Plain, and the unknown ids the decider reports: the general path's errors.
  const std::vector<std::string> plain_errors = {
      "{\"actor\":\"nobody\",\"action\":\"" + action + "\",\"resource\":\"" + scope +
          "\",\"now\":\"2026-12-01T09:00:00Z\"}",
      "{\"actor\":\"" + actor +
          "\",\"action\":\"no.such\",\"resource\":\"nowhere\",\"now\":"
          "\"2026-12-01T09:00:00Z\",\"attributes\":{\"a\":-12,\"b\":false,\"c\":\"x\",\"d\":0}}",
  };
  for (const std::string& text : plain_errors) {
    SCOPED_TRACE(text);
    Request plain;
    EXPECT_TRUE(internal::ReadPlainRequest(text, Limits(), &plain));
    const std::string got = p->CheckText(text);
    EXPECT_EQ(got, General(*p, text));
    EXPECT_NE(got.find("\"ok\":false"), std::string::npos);
  }
  // A smaller string limit than the text's: the general path reports it.
  Limits small;
  small.max_string = 3;
  const std::string text = "{" + base + "}";
  Request plain;
  EXPECT_FALSE(internal::ReadPlainRequest(text, small, &plain));
  ParsedJson parsed = ParseJson(text, small);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(p->CheckText(text, small), Canonical(ErrorsToJson(parsed.errors)));
}

// The effect-only path at a time checked once answers as at the same time given
// as text, for every member, permission and scope of every example, and a time
// that is not one is refused once, up front.
TEST(CheckTime, DecidesAsTheTimeGivenAsText) {
  EXPECT_FALSE(CheckTime::Parse("2026-13-01T09:00:00Z"));
  EXPECT_FALSE(CheckTime::Parse("2026-12-01 09:00:00"));
  EXPECT_FALSE(CheckTime::Parse(""));
  for (const std::string now : {"2026-12-01T09:00:00Z", "2030-01-01T00:00:00Z"}) {
    const std::optional<CheckTime> at = CheckTime::Parse(now);
    ASSERT_TRUE(at);
    EXPECT_EQ(at->now(), now);
    for (const char* example : kExamples) {
      SCOPED_TRACE(example);
      auto p = Example(example);
      ASSERT_NE(p, nullptr);
      const internal::Model& m = p->model();
      const int32_t members = static_cast<int32_t>(m.members.size()),
                    permissions = static_cast<int32_t>(m.permissions.size()),
                    scopes = static_cast<int32_t>(m.scopes.size());
      for (int32_t mi = -1; mi <= members; ++mi) {
        for (int32_t pi = -1; pi <= permissions; ++pi) {
          for (int32_t si = -1; si <= scopes; ++si) {
            ASSERT_EQ(p->DecideEffect(mi, pi, si, *at), p->DecideEffect(mi, pi, si, now))
                << mi << " " << pi << " " << si;
          }
        }
      }
    }
  }
}

// The canonical writer gives Canonical()'s bytes on values of every kind.
TEST(CanonicalText, WritesWhatCanonicalWrites) {
  const std::vector<Json> values = {
      Json::parse(
          R"({"b":[1,-2,0,true,false,null,"x"],"a":{"z":"\u00e9\"\\\n\t\u0001","y":[]},"":{}})"),
      Json(int64_t{-9223372036854775807} - 1),
      Json(uint64_t{18446744073709551615u}),
      Json(12.5),
      Json("\x7f\x80 invalid utf-8"),
      Json::object(),
      Json::array(),
  };
  for (const Json& v : values) {
    std::string out;
    internal::AppendCanonical(&out, v);
    EXPECT_EQ(out, Canonical(v));
  }
}

}  // namespace
}  // namespace rolegate
