#include "rolegate/json.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

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
  EXPECT_NE(p.errors[0].message.find("line 3, column 3"), std::string::npos) << p.errors[0].message;
  EXPECT_TRUE(p.value.is_null());
}

// A parse error points at the first byte of the token that broke the input: a
// misplaced punctuation mark itself, a string at its opening quote, a number or a
// word at its first character; past the end when the input ran out.
TEST(ParseJson, PointsAtTheTokenThatBrokeTheInput) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"a": 1,,})", "line 1, column 9"},  // the second comma
      {R"([1, 2,])", "line 1, column 7"},     // the bracket after a comma
      {"   }", "line 1, column 4"},
      {R"({"a"::1})", "line 1, column 6"},
      {R"({"a": 1 "b"})", "line 1, column 9"},        // the unexpected string
      {R"({"a": "x\\" "z"})", "line 1, column 13"},   // after an escaped backslash
      {R"({"a": "x\"y" "z"})", "line 1, column 14"},  // after an escaped quote
      {R"({"abc": "d\q"})", "line 1, column 9"},      // a bad escape: its string
      {R"({"a": "\u12"})", "line 1, column 7"},       // a short \u escape: its string
      {"{\"a\": \"b\nc\"}", "line 1, column 7"},      // a raw line feed: its string
      {R"({"a" 1})", "line 1, column 6"},             // the unexpected number
      {R"({"a": 1.x})", "line 1, column 7"},          // a malformed number
      {R"({"a": -})", "line 1, column 7"},
      {R"({"a": tru})", "line 1, column 7"},  // a misspelt literal
      {R"({"a": truex})", "line 1, column 7"},
      {R"([1 true])", "line 1, column 4"},   // the unexpected literal
      {R"({"a": 1}x)", "line 1, column 9"},  // after the document
      {"[1,\n  2,\n  ]", "line 3, column 3"},
      {R"({"a": [1, 2)", "line 1, column 12"},  // ran out: past the end
  };
  for (const auto& [text, where] : cases) {
    ParsedJson p = ParseJson(text);
    ASSERT_EQ(p.errors.size(), 1u) << text;
    EXPECT_NE(p.errors[0].message.find(where), std::string::npos)
        << text << "\n"
        << p.errors[0].message << "\nwanted " << where;
  }
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

TEST(ParseJson, ColumnsCountCharactersNotBytes) {
  // "ä" is two bytes; the second "x" starts at the 12th character (13th byte).
  ParsedJson p = ParseJson("{\"a\": \"\xC3\xA4\" \"x\"}");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].message.find("line 1, column 11"), std::string::npos)
      << p.errors[0].message;
}

TEST(ParseJson, ANulByteIsNotTheEndOfTheInput) {
  const std::string text("{\"a\": 1,\0 \"b\": 2}", 17);
  ParsedJson p = ParseJson(text);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_NE(p.errors[0].message.find("line 1, column 9: "), std::string::npos)
      << p.errors[0].message;
  EXPECT_NE(p.errors[0].message.find("unexpected NUL byte"), std::string::npos)
      << p.errors[0].message;
}

TEST(ParseJson, OverflowingNumbersPointAtTheirFirstCharacter) {
  for (const char* text : {R"({"a": 1e400})", R"({"a": -1e400})",
                           R"({"a": 1000000000000000000000000000000000000000000000000000000)"
                           R"(00000000000000000000000000000000000000000000000000000000000000)"
                           R"(00000000000000000000000000000000000000000000000000000000000000)"
                           R"(00000000000000000000000000000000000000000000000000000000000000)"
                           R"(00000000000000000000000000000000000000000000000000000000000000)"
                           R"(000000000000000000000000000000000000000000000000000000000000000})"}) {
    ParsedJson p = ParseJson(text);
    ASSERT_EQ(p.errors.size(), 1u) << text;
    EXPECT_NE(p.errors[0].message.find("line 1, column 7: number overflow"), std::string::npos)
        << p.errors[0].message;
  }
}

TEST(ParseJson, AKeyTooLongIsReportedAtItsObject) {
  Limits limits;
  limits.max_string = 4;
  EXPECT_EQ(ParseJson(R"({"abcde": 1})", limits).errors.at(0).pointer, "");
  EXPECT_EQ(ParseJson(R"({"a": 1, "abcde": 1})", limits).errors.at(0).pointer, "");
  EXPECT_EQ(ParseJson(R"({"a": [{"b": 1, "abcde": 1}]})", limits).errors.at(0).pointer, "/a/0");
  // Lengths count characters: four two-byte characters fit.
  EXPECT_TRUE(
      ParseJson("{\"\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\": \"\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\"}",
                limits)
          .ok());
  EXPECT_EQ(
      ParseJson("{\"a\": \"\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\xC3\xA4\"}", limits).errors.at(0).code,
      "string_too_long");
}

TEST(ParseJson, RepeatedKeysAreReportedInPointerOrder) {
  ParsedJson p = ParseJson(R"({"b": {"x": 1, "x": 2}, "a": 1, "a": 2})");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0].pointer, "/a");
  EXPECT_EQ(p.errors[1].pointer, "/b/x");
}

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80"), 3u);  // ä € 😀
}

}  // namespace
}  // namespace rolegate
