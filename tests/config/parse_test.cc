// Tests of Redis's text primitives as the config layer reproduces them: memory units, word
// splitting with quotes and escapes, strict integers, globs, quoting and notify classes.
#include <gtest/gtest.h>

#include <climits>
#include <optional>
#include <string>
#include <vector>

#include "cachet/config/config.h"
#include "cachet/config/config_parse.h"

namespace cachet::config {
namespace {

using Words = std::vector<std::string>;

TEST(ParseMemory, EveryUnitInEveryCase) {
  EXPECT_EQ(ParseMemory("0"), 0u);
  EXPECT_EQ(ParseMemory("123"), 123u);
  EXPECT_EQ(ParseMemory("5b"), 5u);
  EXPECT_EQ(ParseMemory("5B"), 5u);
  for (const char* k : {"1k", "1K"}) EXPECT_EQ(ParseMemory(k), 1000u) << k;
  for (const char* kb : {"1kb", "1Kb", "1kB", "1KB"}) EXPECT_EQ(ParseMemory(kb), 1024u) << kb;
  for (const char* m : {"2m", "2M"}) EXPECT_EQ(ParseMemory(m), 2000000u) << m;
  for (const char* mb : {"2mb", "2Mb", "2mB", "2MB"}) EXPECT_EQ(ParseMemory(mb), 2097152u) << mb;
  for (const char* g : {"3g", "3G"}) EXPECT_EQ(ParseMemory(g), 3000000000u) << g;
  for (const char* gb : {"3gb", "3Gb", "3gB", "3GB"}) {
    EXPECT_EQ(ParseMemory(gb), 3221225472u) << gb;
  }
}

TEST(ParseMemory, MalformedIsRefused) {
  for (const char* bad : {"-1", "-1kb", "1 kb", " 1", "1 ", "1.5mb", "1tb", "1kbb", "kbk", "1x",
                          "0x10", "+1", "1e3", "mb1"}) {
    EXPECT_EQ(ParseMemory(bad), std::nullopt) << bad;
  }
}

TEST(ParseMemory, RedisEdgeCases) {
  // memtoull reads an empty digit run as 0 ("", "kb") and lets strtoull saturate.
  EXPECT_EQ(ParseMemory(""), 0u);
  EXPECT_EQ(ParseMemory("kb"), 0u);
  EXPECT_EQ(ParseMemory("18446744073709551615"), ULLONG_MAX);
  EXPECT_EQ(ParseMemory("99999999999999999999999"), ULLONG_MAX);
  EXPECT_EQ(ParseMemory("17179869183gb"), 17179869183ULL * 1024 * 1024 * 1024);
  // Redis 7.0 does not check the product: 2^34 gb wraps to 0.
  EXPECT_EQ(ParseMemory("17179869184gb"), 0u);
  EXPECT_EQ(ParseMemory("17179869185gb"), 1u << 30);
  EXPECT_EQ(ParseMemory("01k"), 1000u);
}

TEST(SplitArgs, PlainWordsAndBlanks) {
  EXPECT_EQ(SplitArgs("port 6379"), (Words{"port", "6379"}));
  EXPECT_EQ(SplitArgs("  bind \t 127.0.0.1   ::1  "), (Words{"bind", "127.0.0.1", "::1"}));
  EXPECT_EQ(SplitArgs(""), Words{});
  EXPECT_EQ(SplitArgs("   \t "), Words{});
  EXPECT_EQ(SplitArgs("a\rb\nc"), (Words{"a", "b", "c"}));
}

TEST(SplitArgs, DoubleQuotesAndEscapes) {
  EXPECT_EQ(SplitArgs("requirepass \"a b\""), (Words{"requirepass", "a b"}));
  EXPECT_EQ(SplitArgs("x \"\""), (Words{"x", ""}));
  EXPECT_EQ(SplitArgs("x \"\\n\\r\\t\\b\\a\\\\\\\"\""),
            (Words{"x", std::string("\n\r\t\b\a\\\"")}));
  EXPECT_EQ(SplitArgs("x \"\\x41\\x6a\\x7A\""), (Words{"x", "Ajz"}));
  EXPECT_EQ(SplitArgs("x \"\\x00z\""), (Words{"x", std::string("\0z", 2)}));
  // Not a hex escape: the backslash escapes the 'x' alone.
  EXPECT_EQ(SplitArgs("x \"\\xZZ\""), (Words{"x", "xZZ"}));
  EXPECT_EQ(SplitArgs("x \"\\q\""), (Words{"x", "q"}));
  // A quote may open in the middle of a word and joins what follows.
  EXPECT_EQ(SplitArgs("foo\"bar baz\""), (Words{"foobar baz"}));
}

TEST(SplitArgs, SingleQuotes) {
  EXPECT_EQ(SplitArgs("x 'a b'"), (Words{"x", "a b"}));
  EXPECT_EQ(SplitArgs("x ''"), (Words{"x", ""}));
  EXPECT_EQ(SplitArgs("x 'it\\'s'"), (Words{"x", "it's"}));
  // Other escapes stay literal inside single quotes.
  EXPECT_EQ(SplitArgs("x 'a\\nb'"), (Words{"x", "a\\nb"}));
}

TEST(SplitArgs, UnbalancedOrGluedQuotesFail) {
  EXPECT_EQ(SplitArgs("port \"abc"), std::nullopt);
  EXPECT_EQ(SplitArgs("port 'abc"), std::nullopt);
  EXPECT_EQ(SplitArgs("\"a\"b"), std::nullopt);
  EXPECT_EQ(SplitArgs("'a'b"), std::nullopt);
  EXPECT_EQ(SplitArgs("x \"a\\\""), std::nullopt);
  // A closing quote followed by a blank or the end is fine.
  EXPECT_EQ(SplitArgs("\"a\"\tb"), (Words{"a", "b"}));
}

TEST(SplitOn, KeepsEmptyWords) {
  EXPECT_EQ(SplitOn("", ' '), Words{});
  EXPECT_EQ(SplitOn("a", ' '), Words{"a"});
  EXPECT_EQ(SplitOn("a  b", ' '), (Words{"a", "", "b"}));
  EXPECT_EQ(SplitOn(" a ", ' '), (Words{"", "a", ""}));
}

TEST(String2ll, Strict) {
  EXPECT_EQ(String2ll("0"), 0);
  EXPECT_EQ(String2ll("-1"), -1);
  EXPECT_EQ(String2ll("9223372036854775807"), LLONG_MAX);
  EXPECT_EQ(String2ll("-9223372036854775808"), LLONG_MIN);
  for (const char* bad : {"", "-", "-0", "+1", "01", " 1", "1 ", "1a", "9223372036854775808",
                          "-9223372036854775809", "0x1", "1e3"}) {
    EXPECT_EQ(String2ll(bad), std::nullopt) << bad;
  }
}

TEST(String2d, Strict) {
  EXPECT_EQ(String2d("99.9"), 99.9);
  EXPECT_EQ(String2d("1e1"), 10.0);
  for (const char* bad : {"", " 1", "1 ", "x", "nan", "1e999"}) {
    EXPECT_EQ(String2d(bad), std::nullopt) << bad;
  }
}

TEST(StringMatch, Globs) {
  EXPECT_TRUE(StringMatch("*", "port", true));
  EXPECT_TRUE(StringMatch("PO*", "port", true));
  EXPECT_FALSE(StringMatch("PO*", "port", false));
  EXPECT_TRUE(StringMatch("p?rt", "port", true));
  EXPECT_TRUE(StringMatch("*max-*-entries*", "hash-max-listpack-entries", true));
  EXPECT_TRUE(StringMatch("[pq]ort", "port", true));
  EXPECT_FALSE(StringMatch("[^p]ort", "port", true));
  EXPECT_TRUE(StringMatch("[a-z]ort", "Port", true));
  EXPECT_TRUE(StringMatch("\\*x", "*x", false));
  EXPECT_FALSE(StringMatch("\\*x", "ax", false));
  EXPECT_FALSE(StringMatch("port?", "port", true));
  EXPECT_TRUE(StringMatch("port*", "port", true));
  EXPECT_TRUE(StringMatch("a*b*c", "aXXbYYc", true));
  EXPECT_FALSE(StringMatch("a*b*c", "aXXbYYd", true));
}

TEST(Repr, QuotesLikeSdscatrepr) {
  EXPECT_EQ(Repr("abc"), "\"abc\"");
  EXPECT_EQ(Repr(""), "\"\"");
  EXPECT_EQ(Repr("a\"b\\\n\r\t\a\b"), "\"a\\\"b\\\\\\n\\r\\t\\a\\b\"");
  EXPECT_EQ(Repr(std::string("\x01\xff", 2)), "\"\\x01\\xff\"");
}

TEST(AbsolutePath, JoinsAndClimbs) {
  EXPECT_EQ(AbsolutePath("/etc/redis.conf"), "/etc/redis.conf");
  EXPECT_EQ(AbsolutePath("  /x.conf \n"), "/x.conf");
  std::string cwd = AbsolutePath("x.conf");
  ASSERT_EQ(cwd.substr(cwd.size() - 7), "/x.conf");
  std::string dir = cwd.substr(0, cwd.size() - 7);
  std::string parent = dir.substr(0, dir.rfind('/'));
  EXPECT_EQ(AbsolutePath("../y.conf"), parent + "/y.conf");
}

TEST(NotifyFlags, RoundTripAsRedis) {
  EXPECT_EQ(NotifyFlagsFromString(""), 0);
  EXPECT_EQ(NotifyFlagsFromString("KEA"), kNotifyKeyspace | kNotifyKeyevent | kNotifyAll);
  EXPECT_EQ(NotifyFlagsFromString("Q"), std::nullopt);
  EXPECT_EQ(NotifyFlagsToString(*NotifyFlagsFromString("KEA")), "AKE");
  EXPECT_EQ(NotifyFlagsToString(*NotifyFlagsFromString("gxKn")), "gxnK");
  EXPECT_EQ(NotifyFlagsToString(*NotifyFlagsFromString("Amn")), "Am");  // 'A' hides 'n'
  EXPECT_EQ(NotifyFlagsToString(*NotifyFlagsFromString("x$lshzetdE")), "$lshzxetdE");
}

}  // namespace
}  // namespace cachet::config
