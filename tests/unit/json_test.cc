#include <string>

#include <gtest/gtest.h>

#include "rolegate/json.h"

namespace rolegate {
namespace {

TEST(ParseJson, AcceptsValidDocument) {
  ParsedJson p = ParseJson(R"({"b": [1, 2, {"c": null}], "a": "x"})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.value["a"], "x");
  EXPECT_EQ(p.value["b"][2]["c"], nullptr);
}

TEST(ParseJson, ReportsLineAndColumn) {
  ParsedJson p = ParseJson("{\n  \"a\": 1\n  \"b\": 2\n}");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].code, "parse_error");
  EXPECT_EQ(p.errors[0].pointer, "");
  EXPECT_NE(p.errors[0].message.find("line 3, column 3"), std::string::npos)
      << p.errors[0].message;
  EXPECT_TRUE(p.value.is_null());
}

TEST(ParseJson, RejectsTrailingGarbageAndEmptyInput) {
  EXPECT_EQ(ParseJson("{} x").errors.at(0).code, "parse_error");
  EXPECT_EQ(ParseJson("").errors.at(0).code, "parse_error");
}

TEST(ParseJson, EnforcesSizeLimit) {
  Limits limits;
  limits.max_bytes = 10;
  ParsedJson p = ParseJson(R"({"a": "0123456789"})", limits);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].code, "input_too_large");
}

TEST(ParseJson, EnforcesDepthLimitWithPointer) {
  Limits limits;
  limits.max_depth = 3;
  ParsedJson ok = ParseJson(R"({"a": {"b": [1]}})", limits);
  EXPECT_TRUE(ok.ok());
  ParsedJson p = ParseJson(R"({"a": {"b": [[1]]}})", limits);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].code, "nesting_too_deep");
  EXPECT_EQ(p.errors[0].pointer, "/a/b/0");
}

TEST(ParseJson, DeepNestingDoesNotCrash) {
  std::string deep(100000, '[');
  ParsedJson p = ParseJson(deep);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.errors[0].code, "nesting_too_deep");
}

TEST(ParseJson, EnforcesStringLimit) {
  Limits limits;
  limits.max_string = 4;
  ParsedJson p = ParseJson(R"({"k": ["ok", "too long"]})", limits);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].code, "string_too_long");
  EXPECT_EQ(p.errors[0].pointer, "/k/1");
}

TEST(ParseJson, ReportsEveryDuplicateKeyAndKeepsTheFirst) {
  ParsedJson p = ParseJson(R"({"a": 1, "a": {"x": [1]}, "b": {"c": 1, "c": 2}})");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0].code, "duplicate_key");
  EXPECT_EQ(p.errors[0].pointer, "/a");
  EXPECT_EQ(p.errors[1].pointer, "/b/c");
}

TEST(ParseJson, EscapesPointerTokens) {
  ParsedJson p = ParseJson(R"({"a/b": {"c~d": 1, "c~d": 2}})");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].pointer, "/a~1b/c~0d");
}

TEST(ParseJson, RejectsInvalidUtf8) {
  std::string bad = "{\"a\": \"\xff\"}";
  EXPECT_EQ(ParseJson(bad).errors.at(0).code, "parse_error");
}

TEST(Canonical, SortsKeysAndDropsWhitespace) {
  ParsedJson p = ParseJson("{ \"b\": 1,\n \"a\": {\"z\": true, \"y\": [3, 2]} }");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(Canonical(p.value), R"({"a":{"y":[3,2],"z":true},"b":1})");
}

TEST(Canonical, IsStableUnderReparsing) {
  const char* text = R"({"name":"Zoë","n":-12,"list":["b","a"],"o":{}})";
  std::string once = Canonical(ParseJson(text).value);
  EXPECT_EQ(Canonical(ParseJson(once).value), once);
}

}  // namespace
}  // namespace rolegate
