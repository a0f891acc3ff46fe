// Unit tests of the compat runner's parts: reply extents, case-file parsing, normalisation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "case_file.h"
#include "normalise.h"
#include "support/resp_reader.h"

namespace cachet::compat {
namespace {

using test::ExtentStatus;
using test::ParseReply;
using test::ReplyExtent;
using test::RespValue;
using test::SerializeReply;

const std::vector<std::string> kWellFormed = {
    "+OK\r\n",
    "-ERR wrong\r\n",
    ":-42\r\n",
    "$3\r\nabc\r\n",
    "$0\r\n\r\n",
    "$-1\r\n",
    "$4\r\na\r\nb\r\n",  // CRLF inside a bulk payload
    "*-1\r\n",
    "*0\r\n",
    "*2\r\n$1\r\na\r\n:1\r\n",
    "*2\r\n*1\r\n*0\r\n%1\r\n+k\r\n~1\r\n_\r\n",
    "%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*1\r\n:2\r\n",
    "~2\r\n+a\r\n+b\r\n",
    ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nmsg\r\n",
    "|1\r\n+key\r\n+value\r\n*1\r\n:7\r\n",  // an attribute, then the reply it annotates
    "_\r\n",
    ",3.14\r\n",
    "#t\r\n",
    "(12345678901234567890\r\n",
    "!9\r\nERR oops!\r\n",
    "=8\r\ntxt:some\r\n",
};

TEST(ReplyExtentTest, FindsTheEndOfEveryReplyType) {
  for (const std::string& reply : kWellFormed) {
    SCOPED_TRACE(test::EscapeBytes(reply));
    size_t length = 0;
    ASSERT_EQ(ReplyExtent(reply, &length), ExtentStatus::kComplete);
    EXPECT_EQ(length, reply.size());
    // A following reply does not change where this one ends.
    ASSERT_EQ(ReplyExtent(reply + "+NEXT\r\n", &length), ExtentStatus::kComplete);
    EXPECT_EQ(length, reply.size());
    // Every proper prefix is incomplete.
    for (size_t cut = 0; cut < reply.size(); ++cut) {
      EXPECT_EQ(ReplyExtent(reply.substr(0, cut), &length), ExtentStatus::kIncomplete) << cut;
    }
  }
}

TEST(ReplyExtentTest, ParseAndSerializeRoundTrip) {
  for (const std::string& reply : kWellFormed) {
    RespValue value;
    size_t length = 0;
    ASSERT_EQ(ParseReply(reply, &value, &length), ExtentStatus::kComplete) << reply;
    EXPECT_EQ(SerializeReply(value), reply);
  }
}

TEST(ReplyExtentTest, RejectsWhatIsNotResp) {
  for (std::string bad : {"x\r\n", "$abc\r\n", "$3\r\nabcde\r\n", "*-2\r\n", "%-1\r\n", "$-2\r\n",
                          "PONG\n", "*1\r\n?\r\n"}) {
    size_t length = 0;
    EXPECT_EQ(ReplyExtent(bad, &length), ExtentStatus::kMalformed) << test::EscapeBytes(bad);
  }
}

TEST(EscapeTest, EscapesAndUnescapes) {
  EXPECT_EQ(test::EscapeBytes(std::string("a\r\n\"\\\x00\xff", 7)), "a\\r\\n\\\"\\\\\\x00\\xff");
  std::string out;
  ASSERT_TRUE(test::UnescapeBytes("*1\\r\\n$1\\r\\n\\x41\\\\", &out));
  EXPECT_EQ(out, "*1\r\n$1\r\nA\\");
  EXPECT_FALSE(test::UnescapeBytes("\\x4", &out));
  EXPECT_FALSE(test::UnescapeBytes("\\xZZ", &out));
}

std::vector<std::string> Split(std::string_view line) {
  std::vector<std::string> out;
  EXPECT_TRUE(SplitArgs(line, &out)) << line;
  return out;
}

bool SplitFails(std::string_view line) {
  std::vector<std::string> out;
  return !SplitArgs(line, &out);
}

TEST(SplitArgsTest, SplitsLikeSdssplitargs) {
  using V = std::vector<std::string>;
  EXPECT_EQ(Split(""), V{});
  EXPECT_EQ(Split("   "), V{});
  EXPECT_EQ(Split("PING"), V{"PING"});
  EXPECT_EQ(Split("  set  a   b "), (V{"set", "a", "b"}));
  EXPECT_EQ(Split("\"a b\" c"), (V{"a b", "c"}));
  EXPECT_EQ(Split("\"\""), V{""});
  EXPECT_EQ(Split("\"\\x41\\x00z\\n\\r\\t\\\"\\\\\""), V{std::string("A\0z\n\r\t\"\\", 8)});
  EXPECT_EQ(Split("\"\\q\""), V{"q"});  // an unknown escape stands for the character
  EXPECT_EQ(Split("'it\\'s' '\\n'"), (V{"it's", "\\n"}));
  EXPECT_EQ(Split("a\"b c\" e"), (V{"ab c", "e"}));  // a quote may open mid-word
}

TEST(SplitArgsTest, RejectsUnbalancedQuotes) {
  EXPECT_TRUE(SplitFails("\"abc"));
  EXPECT_TRUE(SplitFails("'abc"));
  EXPECT_TRUE(SplitFails("\"abc\"def"));
  EXPECT_TRUE(SplitFails("'abc'def"));
  EXPECT_TRUE(SplitFails("a\"b c\"d"));
}

CaseFile Parse(const std::string& text) {
  CaseFile file;
  std::string error;
  EXPECT_TRUE(ParseCaseFile("t.case", text, &file, &error)) << error;
  return file;
}

std::string ParseError(const std::string& text) {
  CaseFile file;
  std::string error;
  EXPECT_FALSE(ParseCaseFile("t.case", text, &file, &error));
  return error;
}

TEST(CaseFileTest, ParsesGroupsStepsAndDirectives) {
  CaseFile file = Parse(
      "# comment\n"
      "@config requirepass \"pw 1\"\n"
      "@config save \"\"\n"
      "\n"
      "--- first group\n"
      "PING\n"
      "  # indented comment\n"
      "@unordered\n"
      "@any-int\n"
      "ECHO \"a b\"\n"
      "@raw-replies 2 PING\\r\\nPING  \\r\\n\n"
      "--- second\n"
      "@proto 3\n"
      "@ignore-fields id other\n"
      "HELLO 3\n"
      "@raw *1\\r\\n$x\\r\\n\n"
      "@conn other\n"
      "@reconnect\n"
      "@noreply\n"
      "CLIENT REPLY OFF\n"
      "@unordered 0.9 *.1\n"
      "@close\n"
      "QUIT\n");
  EXPECT_EQ(file.server_args, (std::vector<std::string>{"--requirepass", "pw 1", "--save", ""}));
  EXPECT_EQ(file.password, "pw 1");
  ASSERT_EQ(file.groups.size(), 2u);
  EXPECT_EQ(file.groups[0].name, "first group");
  EXPECT_EQ(file.groups[0].line, 5);

  const auto& first = file.groups[0].steps;
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].argv, std::vector<std::string>{"PING"});
  EXPECT_TRUE(first[0].rules.unordered.empty());
  EXPECT_EQ(first[1].argv, (std::vector<std::string>{"ECHO", "a b"}));
  EXPECT_EQ(first[1].rules.unordered, std::vector<std::string>{""});
  EXPECT_TRUE(first[1].rules.any_int);
  EXPECT_EQ(first[1].line, 10);
  EXPECT_EQ(first[2].kind, Step::Kind::kRawReplies);
  EXPECT_EQ(first[2].replies, 2);
  EXPECT_EQ(first[2].bytes, "PING\r\nPING  \r\n");
  EXPECT_FALSE(first[2].rules.any_int);

  const auto& second = file.groups[1].steps;
  ASSERT_EQ(second.size(), 7u);
  EXPECT_EQ(second[0].kind, Step::Kind::kProto);
  EXPECT_EQ(second[0].proto, 3);
  EXPECT_EQ(second[1].rules.ignore_fields, (std::vector<std::string>{"id", "other"}));
  EXPECT_EQ(second[2].kind, Step::Kind::kRaw);
  EXPECT_EQ(second[2].bytes, "*1\r\n$x\r\n");
  EXPECT_EQ(second[3].kind, Step::Kind::kConnection);
  EXPECT_EQ(second[3].name, "other");
  EXPECT_EQ(second[4].kind, Step::Kind::kReconnect);
  EXPECT_TRUE(second[5].rules.no_reply);
  EXPECT_EQ(second[6].rules.unordered, (std::vector<std::string>{"0.9", "*.1"}));
  EXPECT_TRUE(second[6].rules.expect_close);
}

TEST(CaseFileTest, ReportsErrorsWithTheLine) {
  EXPECT_EQ(ParseError("--- g\n@bogus\nPING\n"), "t.case:2: unknown directive @bogus");
  EXPECT_EQ(ParseError("--- g\nPING \"open\n"), "t.case:2: unbalanced quotes");
  EXPECT_EQ(ParseError("--- g\n@config port 1\n"),
            "t.case:2: @config must come before the first group");
  EXPECT_EQ(ParseError("PING\n@any-int\n"),
            "t.case:2: a modifier at the end of the file applies to nothing");
  EXPECT_EQ(ParseError("@any-int\n@reconnect\n"),
            "t.case:2: a modifier must be followed by a command or @raw");
  EXPECT_EQ(ParseError("@raw-replies x PING\\r\\n\n"),
            "t.case:1: @raw-replies needs a reply count and bytes");
  EXPECT_EQ(ParseError("@unordered 0.a\nPING\n"),
            "t.case:1: @unordered paths are indexes joined by '.', or '*'");
}

std::string Norm(const std::string& bytes, const CompareRules& rules) {
  return Normalise(bytes, rules);
}

TEST(NormaliseTest, WithoutRulesBytesAreUntouched) {
  EXPECT_FALSE(HasRules(CompareRules{}));
  EXPECT_EQ(Norm("*2\r\n:1\r\n:2\r\n", {}), "*2\r\n:1\r\n:2\r\n");
}

TEST(NormaliseTest, AnyIntReplacesEveryInteger) {
  CompareRules rules;
  rules.any_int = true;
  EXPECT_EQ(Norm(":17\r\n", rules), ":<int>\r\n");
  EXPECT_EQ(Norm("*2\r\n:1\r\n*1\r\n:2\r\n", rules), "*2\r\n:<int>\r\n*1\r\n:<int>\r\n");
  EXPECT_EQ(Norm("$2\r\n17\r\n", rules), "$2\r\n17\r\n");
}

TEST(NormaliseTest, IgnoreFieldsInMapsAndFlatArrays) {
  CompareRules rules;
  rules.ignore_fields = {"id"};
  EXPECT_EQ(Norm("%2\r\n$2\r\nid\r\n:5\r\n$1\r\nx\r\n:5\r\n", rules),
            "%2\r\n$2\r\nid\r\n+<ignored>\r\n$1\r\nx\r\n:5\r\n");
  EXPECT_EQ(Norm("*4\r\n$2\r\nid\r\n:5\r\n$1\r\nx\r\n:5\r\n", rules),
            "*4\r\n$2\r\nid\r\n+<ignored>\r\n$1\r\nx\r\n:5\r\n");
  EXPECT_EQ(Norm("*3\r\n$2\r\nid\r\n:5\r\n:6\r\n", rules), "*3\r\n$2\r\nid\r\n:5\r\n:6\r\n");
}

TEST(NormaliseTest, UnorderedSortsTheAggregateAtEachPath) {
  CompareRules top;
  top.unordered = {""};
  EXPECT_EQ(Norm("*3\r\n+c\r\n+a\r\n+b\r\n", top), Norm("*3\r\n+b\r\n+c\r\n+a\r\n", top));
  EXPECT_NE(Norm("*2\r\n+a\r\n+a\r\n", top), Norm("*2\r\n+a\r\n+b\r\n", top));
  EXPECT_EQ(Norm("%2\r\n+k2\r\n:2\r\n+k1\r\n:1\r\n", top), "%2\r\n+k1\r\n:1\r\n+k2\r\n:2\r\n");

  CompareRules nested;
  nested.unordered = {"0.1"};
  EXPECT_EQ(Norm("*1\r\n*2\r\n+z\r\n*2\r\n+b\r\n+a\r\n", nested),
            "*1\r\n*2\r\n+z\r\n*2\r\n+a\r\n+b\r\n");
  // Only the named aggregate is sorted.
  EXPECT_EQ(Norm("*2\r\n*2\r\n+b\r\n+a\r\n+x\r\n", nested), "*2\r\n*2\r\n+b\r\n+a\r\n+x\r\n");

  CompareRules wildcard;
  wildcard.unordered = {"*"};
  EXPECT_EQ(Norm("*2\r\n*2\r\n+b\r\n+a\r\n*2\r\n+d\r\n+c\r\n", wildcard),
            "*2\r\n*2\r\n+a\r\n+b\r\n*2\r\n+c\r\n+d\r\n");
}

TEST(NormaliseTest, TypeOnlyKeepsTheTypeAndAppliesToEachReply) {
  CompareRules rules;
  rules.type_only = true;
  EXPECT_EQ(Norm(":12\r\n:13\r\n", rules), ":<any>\r\n:<any>\r\n");
  EXPECT_EQ(Norm("*1\r\n+x\r\n", rules), "*<any>\r\n");
  // Bytes that are not RESP are kept for the comparison.
  EXPECT_EQ(Norm(":1\r\nnot resp", rules), ":<any>\r\nnot resp");
}

}  // namespace
}  // namespace cachet::compat
