// GlobMatch against Redis 7.0.15: every expectation below was produced by the real server.
#include "cachet/storage/glob.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cachet::storage {
namespace {

std::string_view SV(const char* s, size_t n) { return std::string_view(s, n); }

// The keyspace the expectations were taken on (SET <key> 1 for each).
const std::string_view kKeys[] = {
    SV("", 0),
    SV("a", 1),
    SV("b", 1),
    SV("ab", 2),
    SV("abc", 3),
    SV("abcd", 4),
    SV("aXc", 3),
    SV("a*c", 3),
    SV("a?c", 3),
    SV("a[c", 3),
    SV("a]c", 3),
    SV("a\\c", 3),
    SV("a-c", 3),
    SV("hello", 5),
    SV("hallo", 5),
    SV("hxllo", 5),
    SV("hllo", 4),
    SV("heeeello", 8),
    SV("Hello", 5),
    SV("HELLO", 5),
    SV("h^llo", 5),
    SV("h-llo", 5),
    SV("foo:bar", 7),
    SV("foo:baz", 7),
    SV("foo:", 4),
    SV("foo", 3),
    SV("user:1000", 9),
    SV("user:1", 6),
    SV("x", 1),
    SV("xyz", 3),
    SV("zzz", 3),
    SV("^", 1),
    SV("]", 1),
    SV("[", 1),
    SV("*", 1),
    SV("?", 1),
    SV("\\", 1),
    SV("-", 1),
    SV("a\x00"
       "b",
       3),
    SV("\xe9"
       "t\xe9"
       "",
       3),
    SV("\xff"
       "",
       1),
    SV("\x80"
       "",
       1),
    SV("caf\xe9"
       "",
       4),
    SV("ABC", 3),
    SV("aBc", 3),
};

struct Case {
  std::pair<const char*, size_t> pattern;
  std::vector<std::pair<const char*, size_t>> matches;  // KEYS <pattern>, sorted
};

// KEYS <pattern> replies of redis-server 7.0.15 on kKeys.
const Case kCases[] = {
    {{"*", 1},
     {{"", 0},
      {"*", 1},
      {"-", 1},
      {"?", 1},
      {"ABC", 3},
      {"HELLO", 5},
      {"Hello", 5},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4},
      {"b", 1},
      {"caf\xe9"
       "",
       4},
      {"foo", 3},
      {"foo:", 4},
      {"foo:bar", 7},
      {"foo:baz", 7},
      {"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5},
      {"user:1", 6},
      {"user:1000", 9},
      {"x", 1},
      {"xyz", 3},
      {"zzz", 3},
      {"\x80"
       "",
       1},
      {"\xe9"
       "t\xe9"
       "",
       3},
      {"\xff"
       "",
       1}}},
    {{"?", 1},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"b", 1},
      {"x", 1},
      {"\x80"
       "",
       1},
      {"\xff"
       "",
       1}}},
    {{"??", 2}, {{"ab", 2}}},
    {{"a*", 2},
     {{"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4}}},
    {{"*c", 2},
     {{"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"abc", 3}}},
    {{"a?c", 3},
     {{"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"abc", 3}}},
    {{"a*c", 3},
     {{"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"abc", 3}}},
    {{"a[bX]c", 6}, {{"aXc", 3}, {"abc", 3}}},
    {{"a[^b]c", 6},
     {{"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3}}},
    {{"a[a-z]c", 7}, {{"abc", 3}}},
    {{"a[z-a]c", 7}, {{"abc", 3}}},
    {{"h[ae]llo", 8}, {{"hallo", 5}, {"hello", 5}}},
    {{"h[^e]llo", 8}, {{"h-llo", 5}, {"h^llo", 5}, {"hallo", 5}, {"hxllo", 5}}},
    {{"h[a-b]llo", 9}, {{"hallo", 5}}},
    {{"h*llo", 5},
     {{"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5}}},
    {{"h\\*llo", 6}, {}},
    {{"a\\*c", 4}, {{"a*c", 3}}},
    {{"a\\?c", 4}, {{"a?c", 3}}},
    {{"a[\\]]c", 6}, {{"a]c", 3}}},
    {{"a[\\-]c", 6}, {{"a-c", 3}}},
    {{"a[]c", 4}, {}},
    {{"a[", 2}, {}},
    {{"a[b", 3}, {{"ab", 2}}},
    {{"[", 1}, {}},
    {{"]", 1}, {{"]", 1}}},
    {{"\\", 1}, {{"\\", 1}}},
    {{"a\\", 2}, {}},
    {{"a\\\\c", 4}, {{"a\\c", 3}}},
    {{"*:*", 3}, {{"foo:", 4}, {"foo:bar", 7}, {"foo:baz", 7}, {"user:1", 6}, {"user:1000", 9}}},
    {{"foo:*", 5}, {{"foo:", 4}, {"foo:bar", 7}, {"foo:baz", 7}}},
    {{"foo:b?r", 7}, {{"foo:bar", 7}}},
    {{"user:[0-9]*", 11}, {{"user:1", 6}, {"user:1000", 9}}},
    {{"user:[0-9]", 10}, {{"user:1", 6}}},
    {{"[]", 2}, {}},
    {{"[^]", 3},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"b", 1},
      {"x", 1},
      {"\x80"
       "",
       1},
      {"\xff"
       "",
       1}}},
    {{"[^a]", 4},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"b", 1},
      {"x", 1},
      {"\x80"
       "",
       1},
      {"\xff"
       "",
       1}}},
    {{"[a-]", 4}, {{"]", 1}, {"^", 1}, {"a", 1}}},
    {{"[-a]", 4}, {{"-", 1}, {"a", 1}}},
    {{"a[!b]c", 6}, {{"abc", 3}}},
    {{"*\\", 2}, {{"\\", 1}}},
    {{"**", 2},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"ABC", 3},
      {"HELLO", 5},
      {"Hello", 5},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4},
      {"b", 1},
      {"caf\xe9"
       "",
       4},
      {"foo", 3},
      {"foo:", 4},
      {"foo:bar", 7},
      {"foo:baz", 7},
      {"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5},
      {"user:1", 6},
      {"user:1000", 9},
      {"x", 1},
      {"xyz", 3},
      {"zzz", 3},
      {"\x80"
       "",
       1},
      {"\xe9"
       "t\xe9"
       "",
       3},
      {"\xff"
       "",
       1}}},
    {{"***a", 4}, {{"a", 1}}},
    {{"a**", 3},
     {{"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4}}},
    {{"[\\", 2}, {{"\\", 1}}},
    {{"[x\\", 3}, {{"\\", 1}, {"x", 1}}},
    {{"[a-c-e]", 7}, {{"-", 1}, {"a", 1}, {"b", 1}}},
    {{"h[a-ex]llo", 10}, {{"hallo", 5}, {"hello", 5}, {"hxllo", 5}}},
    {{"[\x80"
      "-\xff"
      "]",
      5},
     {{"\x80"
       "",
       1},
      {"\xff"
       "",
       1}}},
    {{"[\xe9"
      "]t*",
      5},
     {{"\xe9"
       "t\xe9"
       "",
       3}}},
    {{"*\xe9"
      "",
      2},
     {{"caf\xe9"
       "",
       4},
      {"\xe9"
       "t\xe9"
       "",
       3}}},
    {{"[a-\xff"
      "]",
      5},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"\xff"
       "",
       1}}},
    {{"[\x00"
      "-a]",
      5},
     {{"*", 1}, {"-", 1}, {"?", 1}, {"[", 1}, {"\\", 1}, {"]", 1}, {"^", 1}, {"a", 1}}},
    {{"a?b", 3},
     {{"a\x00"
       "b",
       3}}},
    {{"a\x00"
      "b",
      3},
     {{"a\x00"
       "b",
       3}}},
    {{"a*b", 3},
     {{"a\x00"
       "b",
       3},
      {"ab", 2}}},
    {{"[A-Z]*", 6}, {{"ABC", 3}, {"HELLO", 5}, {"Hello", 5}}},
    {{"[a-Z]*", 6},
     {{"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4}}},
    {{"[Z-a]*", 6},
     {{"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4}}},
    {{"*[", 2}, {}},
    {{"*[a", 3}, {{"a", 1}}},
    {{"?[", 2}, {}},
    {{"x[y-", 4}, {}},
    {{"x[y-z", 5}, {}},
    {{"[^", 2},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"b", 1},
      {"x", 1},
      {"\x80"
       "",
       1},
      {"\xff"
       "",
       1}}},
    {{"\\a", 2}, {{"a", 1}}},
    {{"[[]", 3}, {{"[", 1}}},
    {{"[]]", 3}, {}},
    {{"[*]", 3}, {{"*", 1}}},
    {{"[?]", 3}, {{"?", 1}}},
    {{"[-]", 3}, {{"-", 1}}},
    {{"^*", 2}, {{"^", 1}}},
    {{"foo*bar", 7}, {{"foo:bar", 7}}},
    {{"*o*", 3},
     {{"Hello", 5},
      {"foo", 3},
      {"foo:", 4},
      {"foo:bar", 7},
      {"foo:baz", 7},
      {"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5}}},
    {{"*o*o*", 5}, {{"foo", 3}, {"foo:", 4}, {"foo:bar", 7}, {"foo:baz", 7}}},
    {{"*l*l*", 5},
     {{"Hello", 5},
      {"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5}}},
    {{"he*o", 4}, {{"heeeello", 8}, {"hello", 5}}},
    {{"h?*o", 4},
     {{"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5}}},
    {{"*?", 2},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"ABC", 3},
      {"HELLO", 5},
      {"Hello", 5},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4},
      {"b", 1},
      {"caf\xe9"
       "",
       4},
      {"foo", 3},
      {"foo:", 4},
      {"foo:bar", 7},
      {"foo:baz", 7},
      {"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5},
      {"user:1", 6},
      {"user:1000", 9},
      {"x", 1},
      {"xyz", 3},
      {"zzz", 3},
      {"\x80"
       "",
       1},
      {"\xe9"
       "t\xe9"
       "",
       3},
      {"\xff"
       "",
       1}}},
    {{"?*", 2},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"ABC", 3},
      {"HELLO", 5},
      {"Hello", 5},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4},
      {"b", 1},
      {"caf\xe9"
       "",
       4},
      {"foo", 3},
      {"foo:", 4},
      {"foo:bar", 7},
      {"foo:baz", 7},
      {"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5},
      {"user:1", 6},
      {"user:1000", 9},
      {"x", 1},
      {"xyz", 3},
      {"zzz", 3},
      {"\x80"
       "",
       1},
      {"\xe9"
       "t\xe9"
       "",
       3},
      {"\xff"
       "",
       1}}},
    {{"*?*", 3},
     {{"*", 1},
      {"-", 1},
      {"?", 1},
      {"ABC", 3},
      {"HELLO", 5},
      {"Hello", 5},
      {"[", 1},
      {"\\", 1},
      {"]", 1},
      {"^", 1},
      {"a", 1},
      {"a\x00"
       "b",
       3},
      {"a*c", 3},
      {"a-c", 3},
      {"a?c", 3},
      {"aBc", 3},
      {"aXc", 3},
      {"a[c", 3},
      {"a\\c", 3},
      {"a]c", 3},
      {"ab", 2},
      {"abc", 3},
      {"abcd", 4},
      {"b", 1},
      {"caf\xe9"
       "",
       4},
      {"foo", 3},
      {"foo:", 4},
      {"foo:bar", 7},
      {"foo:baz", 7},
      {"h-llo", 5},
      {"h^llo", 5},
      {"hallo", 5},
      {"heeeello", 8},
      {"hello", 5},
      {"hllo", 4},
      {"hxllo", 5},
      {"user:1", 6},
      {"user:1000", 9},
      {"x", 1},
      {"xyz", 3},
      {"zzz", 3},
      {"\x80"
       "",
       1},
      {"\xe9"
       "t\xe9"
       "",
       3},
      {"\xff"
       "",
       1}}},
    {{"[ab][bc]*", 9}, {{"ab", 2}, {"abc", 3}, {"abcd", 4}}},
    {{"a[b-b]*", 7}, {{"ab", 2}, {"abc", 3}, {"abcd", 4}}},
};

TEST(StorageGlob, MatchesRedisKeysReplies) {
  for (const Case& c : kCases) {
    const std::string_view pattern(c.pattern.first, c.pattern.second);
    std::set<std::string> expected;
    for (const auto& m : c.matches) expected.emplace(m.first, m.second);
    std::set<std::string> got;
    for (std::string_view key : kKeys) {
      // KEYS skips matching for "*" (which stringmatchlen does not match with "").
      if (GlobMatchesAll(pattern) || GlobMatch(pattern, key)) got.emplace(key);
    }
    EXPECT_EQ(got, expected) << "pattern: " << std::string(pattern);
  }
}

TEST(StorageGlob, Basics) {
  // As in Redis 7.0, a pattern never matches the empty string through '*'; KEYS and SCAN
  // special-case "*" (GlobMatchesAll), which is why "KEYS *" lists an empty key.
  EXPECT_FALSE(GlobMatch("*", ""));
  EXPECT_FALSE(GlobMatch("**", ""));
  EXPECT_TRUE(GlobMatch("", ""));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_FALSE(GlobMatch("?", ""));
  EXPECT_TRUE(GlobMatch("h?llo", "hello"));
  EXPECT_TRUE(GlobMatch("h*llo", "hllo"));
  EXPECT_TRUE(GlobMatch("h[ae]llo", "hallo"));
  EXPECT_FALSE(GlobMatch("h[^e]llo", "hello"));
  EXPECT_TRUE(GlobMatch("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("h[b-a]llo", "hbllo"));
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatchesAll("*"));
  EXPECT_FALSE(GlobMatchesAll("**"));
}

// CONFIG GET matches without case; these replies come from redis-server 7.0.15.
TEST(StorageGlob, NoCase) {
  EXPECT_TRUE(GlobMatch("MaxMemory*", "maxmemory-policy", true));
  EXPECT_TRUE(GlobMatch("*POLICY", "maxmemory-policy", true));
  EXPECT_TRUE(GlobMatch("[L-M]axmemory-samples", "maxmemory-samples", true));
  EXPECT_TRUE(GlobMatch("[^a-l]axmemory", "maxmemory", true));
  EXPECT_TRUE(GlobMatch("[G-I]z", "hz", true));
  EXPECT_TRUE(GlobMatch("[g-i]Z", "hz", true));
  EXPECT_TRUE(GlobMatch("h?", "hz", true));
  EXPECT_FALSE(GlobMatch("[^a-l]axmemory", "laxmemory", true));
  EXPECT_FALSE(GlobMatch("MaxMemory*", "maxmemory-policy", false));
}

// Redis gives up (no match) past 1000 nested stars: KEYS with "*a" x n on the key "a" x n
// matched for n = 999 and 1000, not for 1001 and 1002; "a*" x n on "a" x (n+5) matched for
// n up to 1001 (the last star returns before recursing).
TEST(StorageGlob, NestingLimit) {
  for (int n : {999, 1000, 1001, 1002}) {
    std::string pattern, key(n, 'a');
    for (int i = 0; i < n; ++i) pattern += "*a";
    EXPECT_EQ(GlobMatch(pattern, key), n <= 1000) << n;
  }
  for (int n : {999, 1000, 1001, 1002}) {
    std::string pattern, key(n + 5, 'a');
    for (int i = 0; i < n; ++i) pattern += "a*";
    EXPECT_EQ(GlobMatch(pattern, key), n <= 1001) << n;
  }
}

// Patterns that take exponential time in a naive matcher finish at once.
TEST(StorageGlob, PathologicalPatternsAreFast) {
  std::string pattern;
  for (int i = 0; i < 30; ++i) pattern += "a*";
  pattern += "b";
  const std::string key(200, 'a');
  EXPECT_FALSE(GlobMatch(pattern, key));
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

}  // namespace
}  // namespace cachet::storage
