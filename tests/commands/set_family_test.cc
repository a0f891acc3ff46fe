// In-process tests of the set commands: replies, errors, encodings, notifications, atomicity.
#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cachet/commands/notify.h"
#include "cachet/config/config.h"
#include "cachet/storage/set_value.h"
#include "command_fixture.h"

namespace cachet::test {
namespace {

constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr const char* kSyntax = "-ERR syntax error\r\n";
constexpr const char* kNotInteger = "-ERR value is not an integer or out of range\r\n";
constexpr const char* kMustBePositive = "-ERR value is out of range, must be positive\r\n";

class SetFamilyTest : public CommandTest {
 protected:
  std::set<std::string> Members(const std::string& key) {
    std::vector<std::string> v = List({"smembers", key});
    return {v.begin(), v.end()};
  }

  // The encoding the object itself reports (must agree with the key's).
  std::string ObjectEncodingOf(const std::string& key) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(0, key, storage::kLookupNoStats | storage::kLookupNoTouch);
    return e ? std::string(storage::EncodingName(e.object()->encoding())) : "none";
  }

  bool Exists(const std::string& key) { return EncodingOf(key) != "none"; }

  void SetConfig(const std::string& name, const std::string& value) {
    EXPECT_TRUE(server_.config_.Set(name, value).ok) << name;
  }

  // The events recorded since the last call, as "event:key".
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    for (const auto& e : server_.events) out.push_back(e.event + ":" + e.key);
    server_.events.clear();
    return out;
  }

  std::vector<std::string> Range(int from, int to, const std::string& prefix = "") {
    std::vector<std::string> out;
    for (int i = from; i < to; ++i) out.push_back(prefix + std::to_string(i));
    return out;
  }

  void SAdd(const std::string& key, const std::vector<std::string>& members) {
    std::vector<std::string> argv = {"sadd", key};
    argv.insert(argv.end(), members.begin(), members.end());
    RunRaw(argv);
  }
};

TEST_F(SetFamilyTest, SAddAndSCard) {
  EXPECT_EQ(Int({"sadd", "s", "a", "b", "a"}), 2);
  EXPECT_EQ(Int({"sadd", "s", "b", "c"}), 1);
  EXPECT_EQ(Int({"sadd", "s", "c"}), 0);
  EXPECT_EQ(Int({"scard", "s"}), 3);
  EXPECT_EQ(Int({"scard", "nokey"}), 0);
  EXPECT_EQ(Members("s"), (std::set<std::string>{"a", "b", "c"}));
  EXPECT_EQ(RunRaw({"sadd", "s"}), "-ERR wrong number of arguments for 'sadd' command\r\n");
}

TEST_F(SetFamilyTest, WrongTypeEverywhere) {
  RunRaw({"set", "str", "x"});
  RunRaw({"sadd", "s", "1"});
  for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
           {"sadd", "str", "a"},
           {"srem", "str", "a"},
           {"smembers", "str"},
           {"sismember", "str", "a"},
           {"smismember", "str", "a"},
           {"scard", "str"},
           {"spop", "str"},
           {"spop", "str", "0"},
           {"srandmember", "str"},
           {"srandmember", "str", "-1"},
           {"smove", "str", "s", "1"},
           {"smove", "s", "str", "1"},
           {"sinter", "nokey", "str"},
           {"sintercard", "2", "nokey", "str"},
           {"sinterstore", "d", "nokey", "str"},
           {"sunion", "s", "str"},
           {"sunionstore", "d", "s", "str"},
           {"sdiff", "nokey", "str"},
           {"sdiffstore", "d", "s", "str"},
           {"sscan", "str", "0"},
       }) {
    EXPECT_EQ(RunRaw(argv), kWrongType) << argv[0];
  }
  // The destination of a STORE is overwritten whatever its type.
  EXPECT_EQ(Int({"sunionstore", "str", "s"}), 1);
  EXPECT_EQ(EncodingOf("str"), "intset");
  // A missing source makes SMOVE reply 0 before the destination's type is checked.
  RunRaw({"set", "str2", "x"});
  EXPECT_EQ(Int({"smove", "nokey", "str2", "1"}), 0);
}

TEST_F(SetFamilyTest, SRemDeletesEmptiedSet) {
  SAdd("s", {"1", "2", "3"});
  server_.events.clear();
  EXPECT_EQ(Int({"srem", "s", "1", "9"}), 1);
  EXPECT_EQ(Events(), (std::vector<std::string>{"srem:s"}));
  EXPECT_EQ(Int({"srem", "s", "9"}), 0);
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(Int({"srem", "s", "2", "3", "2"}), 2);
  EXPECT_FALSE(Exists("s"));
  EXPECT_EQ(Events(), (std::vector<std::string>{"srem:s", "del:s"}));
  EXPECT_EQ(Int({"srem", "s", "1"}), 0);
}

TEST_F(SetFamilyTest, Membership) {
  SAdd("s", {"1", "a"});
  EXPECT_EQ(Int({"sismember", "s", "a"}), 1);
  EXPECT_EQ(Int({"sismember", "s", "b"}), 0);
  EXPECT_EQ(Int({"sismember", "nokey", "b"}), 0);
  EXPECT_EQ(RunRaw({"smismember", "s", "1", "2", "a"}), "*3\r\n:1\r\n:0\r\n:1\r\n");
  EXPECT_EQ(RunRaw({"smismember", "nokey", "1", "2"}), "*2\r\n:0\r\n:0\r\n");
}

TEST_F(SetFamilyTest, EncodingsFollowConfig) {
  SAdd("i", Range(0, 512));
  EXPECT_EQ(EncodingOf("i"), "intset");
  SAdd("i", {"512"});
  EXPECT_EQ(EncodingOf("i"), "hashtable");
  EXPECT_EQ(ObjectEncodingOf("i"), "hashtable");
  SAdd("j", {"1", "2"});
  SAdd("j", {"x"});
  EXPECT_EQ(EncodingOf("j"), "hashtable");
  EXPECT_EQ(ObjectEncodingOf("j"), "hashtable");
  EXPECT_EQ(Members("j"), (std::set<std::string>{"1", "2", "x"}));
  SAdd("k", {"x", "1"});
  EXPECT_EQ(EncodingOf("k"), "hashtable");
  SetConfig("set-max-intset-entries", "2");
  SAdd("m", {"1", "2"});
  EXPECT_EQ(EncodingOf("m"), "intset");
  SAdd("m", {"3"});
  EXPECT_EQ(EncodingOf("m"), "hashtable");
  SetConfig("set-max-intset-entries", "0");
  SAdd("z", {"1"});
  EXPECT_EQ(EncodingOf("z"), "hashtable");
}

TEST_F(SetFamilyTest, IntsetRepliesInAscendingOrder) {
  SAdd("s", {"5", "-1", "100000", "3", "-70000"});
  EXPECT_EQ(List({"smembers", "s"}),
            (std::vector<std::string>{"-70000", "-1", "3", "5", "100000"}));
  EXPECT_EQ(RunRaw({"sscan", "s", "0"}),
            "*2\r\n$1\r\n0\r\n*5\r\n$6\r\n-70000\r\n$2\r\n-1\r\n$1\r\n3\r\n$1\r\n5\r\n$6\r\n"
            "100000\r\n");
}

TEST_F(SetFamilyTest, Resp3RepliesAreSets) {
  SAdd("s", {"1", "2"});
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"smembers", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(RunRaw({"smembers", "nokey"}), "~0\r\n");
  EXPECT_EQ(RunRaw({"sunion", "s"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(RunRaw({"spop", "nokey", "2"}), "~0\r\n");
  EXPECT_EQ(RunRaw({"srandmember", "s", "5"}), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  EXPECT_EQ(RunRaw({"srandmember", "nokey", "5"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"spop", "nokey"}), "_\r\n");
  EXPECT_EQ(RunRaw({"spop", "s", "2"}), "~2\r\n$1\r\n1\r\n$1\r\n2\r\n");
}

TEST_F(SetFamilyTest, SPopSingle) {
  SAdd("s", {"a", "b"});
  server_.events.clear();
  RespValue v = Run({"spop", "s"});
  ASSERT_EQ(v.type, '$');
  EXPECT_TRUE(v.text == "a" || v.text == "b");
  EXPECT_EQ(Int({"scard", "s"}), 1);
  EXPECT_EQ(Events(), (std::vector<std::string>{"spop:s"}));
  Run({"spop", "s"});
  EXPECT_FALSE(Exists("s"));
  EXPECT_EQ(Events(), (std::vector<std::string>{"spop:s", "del:s"}));
  EXPECT_EQ(RunRaw({"spop", "s"}), "$-1\r\n");
  EXPECT_EQ(RunRaw({"spop", "s", "1", "2"}), kSyntax);
}

TEST_F(SetFamilyTest, SPopCountCases) {
  EXPECT_EQ(RunRaw({"spop", "s", "-1"}), kMustBePositive);
  EXPECT_EQ(RunRaw({"spop", "s", "x"}), kMustBePositive);
  EXPECT_EQ(RunRaw({"spop", "s", "3"}), "*0\r\n");
  SAdd("s", Range(0, 100));
  EXPECT_EQ(RunRaw({"spop", "s", "0"}), "*0\r\n");
  server_.events.clear();
  // Case 2: a few.
  std::vector<std::string> popped = List({"spop", "s", "10"});
  EXPECT_EQ(popped.size(), 10u);
  EXPECT_EQ(std::set<std::string>(popped.begin(), popped.end()).size(), 10u);
  EXPECT_EQ(Int({"scard", "s"}), 90);
  for (const auto& m : popped) EXPECT_EQ(Int({"sismember", "s", m}), 0);
  EXPECT_EQ(Events(), (std::vector<std::string>{"spop:s"}));
  // Case 3: most of it; the rest is a new set.
  std::vector<std::string> more = List({"spop", "s", "85"});
  EXPECT_EQ(more.size(), 85u);
  EXPECT_EQ(Int({"scard", "s"}), 5);
  EXPECT_EQ(EncodingOf("s"), "intset");
  std::set<std::string> all(popped.begin(), popped.end());
  all.insert(more.begin(), more.end());
  for (const auto& m : Members("s")) all.insert(m);
  EXPECT_EQ(all.size(), 100u);
  // Case 1: everything, in ascending order for an intset; the key is deleted.
  server_.events.clear();
  std::vector<std::string> rest = List({"spop", "s", "1000"});
  EXPECT_EQ(rest.size(), 5u);
  EXPECT_TRUE(std::is_sorted(rest.begin(), rest.end(), [](const auto& a, const auto& b) {
    return std::stoll(a) < std::stoll(b);
  }));
  EXPECT_FALSE(Exists("s"));
  EXPECT_EQ(Events(), (std::vector<std::string>{"spop:s", "del:s"}));
}

TEST_F(SetFamilyTest, SPopCase3RebuildsEncodingFromRemaining) {
  // A hashtable of integers (past set-max-intset-entries) popped down to one member is a new
  // set built from that member: an intset, as in Redis.
  SAdd("s", Range(0, 600));
  EXPECT_EQ(EncodingOf("s"), "hashtable");
  EXPECT_EQ(List({"spop", "s", "599"}).size(), 599u);
  EXPECT_EQ(EncodingOf("s"), "intset");
  EXPECT_EQ(Int({"scard", "s"}), 1);
}

TEST_F(SetFamilyTest, SPopKeepsTtl) {
  SAdd("s", Range(0, 50));
  RunRaw({"expire", "s", "100"});
  RunRaw({"spop", "s", "45"});
  EXPECT_EQ(Int({"ttl", "s"}), 100);
  RunRaw({"spop", "s", "1"});
  EXPECT_EQ(Int({"ttl", "s"}), 100);
}

TEST_F(SetFamilyTest, SRandMember) {
  EXPECT_EQ(RunRaw({"srandmember", "s"}), "$-1\r\n");
  EXPECT_EQ(RunRaw({"srandmember", "s", "3"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"srandmember", "s", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"srandmember", "s", "-9223372036854775808"}),
            "-ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807\r\n");
  EXPECT_EQ(RunRaw({"srandmember", "s", "1", "2"}), kSyntax);
  for (const std::string& key : {std::string("ints"), std::string("strs")}) {
    SAdd(key, Range(0, 30, key == "ints" ? "" : "m"));
    const std::set<std::string> all = Members(key);
    EXPECT_EQ(RunRaw({"srandmember", key, "0"}), "*0\r\n");
    // Whole set when count >= size.
    std::vector<std::string> whole = List({"srandmember", key, "30"});
    EXPECT_EQ(std::set<std::string>(whole.begin(), whole.end()), all);
    EXPECT_EQ(List({"srandmember", key, "9223372036854775807"}).size(), 30u);
    // Distinct members for positive counts, both strategies.
    for (const char* count : {"1", "5", "20", "29"}) {
      std::vector<std::string> got = List({"srandmember", key, count});
      EXPECT_EQ(got.size(), std::stoul(count));
      std::set<std::string> uniq(got.begin(), got.end());
      EXPECT_EQ(uniq.size(), got.size()) << count;
      for (const auto& m : got) EXPECT_TRUE(all.count(m)) << m;
    }
    // Repeats allowed for negative counts.
    std::vector<std::string> rep = List({"srandmember", key, "-100"});
    EXPECT_EQ(rep.size(), 100u);
    for (const auto& m : rep) EXPECT_TRUE(all.count(m)) << m;
    RespValue one = Run({"srandmember", key});
    EXPECT_TRUE(all.count(one.text));
    EXPECT_EQ(Int({"scard", key}), 30);
  }
  // A reply too large to build is refused instead of exhausting memory.
  EXPECT_EQ(RunRaw({"srandmember", "ints", "-9223372036854775807"}).substr(0, 5), "-ERR ");
}

TEST_F(SetFamilyTest, SMove) {
  SAdd("a", {"1", "2"});
  SAdd("b", {"x"});
  server_.events.clear();
  EXPECT_EQ(Int({"smove", "a", "b", "1"}), 1);
  EXPECT_EQ(Events(), (std::vector<std::string>{"srem:a", "sadd:b"}));
  EXPECT_EQ(Members("b"), (std::set<std::string>{"1", "x"}));
  EXPECT_EQ(Int({"smove", "a", "b", "9"}), 0);
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(Int({"smove", "a", "a", "2"}), 1);
  EXPECT_EQ(Int({"smove", "a", "a", "9"}), 0);
  EXPECT_TRUE(Events().empty());
  // The last member: the source goes, a new destination is created.
  EXPECT_EQ(Int({"smove", "a", "c", "2"}), 1);
  EXPECT_EQ(Events(), (std::vector<std::string>{"srem:a", "del:a", "sadd:c"}));
  EXPECT_FALSE(Exists("a"));
  EXPECT_EQ(EncodingOf("c"), "intset");
  // Already in the destination: removed from the source, replied 1, no sadd.
  SAdd("d", {"5", "6"});
  SAdd("e", {"5"});
  server_.events.clear();
  EXPECT_EQ(Int({"smove", "d", "e", "5"}), 1);
  EXPECT_EQ(Events(), (std::vector<std::string>{"srem:d"}));
  // A string into an intset converts it.
  SAdd("f", {"s"});
  EXPECT_EQ(Int({"smove", "f", "e", "s"}), 1);
  EXPECT_EQ(EncodingOf("e"), "hashtable");
  EXPECT_EQ(ObjectEncodingOf("e"), "hashtable");
  EXPECT_EQ(Members("e"), (std::set<std::string>{"5", "s"}));
}

TEST_F(SetFamilyTest, SInterAndCard) {
  SAdd("a", {"1", "2", "3", "4"});
  SAdd("b", {"2", "3", "4", "x"});
  SAdd("c", {"3", "4", "5"});
  EXPECT_EQ(List({"sinter", "a", "c"}), (std::vector<std::string>{"3", "4"}));
  std::vector<std::string> abc = List({"sinter", "a", "b", "c"});
  EXPECT_EQ(std::set<std::string>(abc.begin(), abc.end()), (std::set<std::string>{"3", "4"}));
  EXPECT_EQ(List({"sinter", "a", "nokey"}), std::vector<std::string>{});
  EXPECT_EQ(List({"sinter", "a", "a"}), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(Int({"sintercard", "3", "a", "b", "c"}), 2);
  EXPECT_EQ(Int({"sintercard", "2", "a", "b", "limit", "2"}), 2);
  EXPECT_EQ(Int({"sintercard", "2", "a", "b", "limit", "1"}), 1);
  EXPECT_EQ(Int({"sintercard", "2", "a", "b", "LIMIT", "0"}), 3);
  EXPECT_EQ(Int({"sintercard", "2", "a", "nokey"}), 0);
  EXPECT_EQ(Int({"sintercard", "1", "b", "limit", "3", "limit", "1"}), 1);
  EXPECT_EQ(RunRaw({"sintercard", "0", "a"}), "-ERR numkeys should be greater than 0\r\n");
  EXPECT_EQ(RunRaw({"sintercard", "x", "a"}), "-ERR numkeys should be greater than 0\r\n");
  EXPECT_EQ(RunRaw({"sintercard", "3", "a", "b"}),
            "-ERR Number of keys can't be greater than number of args\r\n");
  EXPECT_EQ(RunRaw({"sintercard", "1", "a", "limit", "-1"}), "-ERR LIMIT can't be negative\r\n");
  EXPECT_EQ(RunRaw({"sintercard", "1", "a", "limit", "x"}), "-ERR LIMIT can't be negative\r\n");
  EXPECT_EQ(RunRaw({"sintercard", "1", "a", "limit"}), kSyntax);
  EXPECT_EQ(RunRaw({"sintercard", "1", "a", "b"}), kSyntax);
}

TEST_F(SetFamilyTest, StoreVariants) {
  SAdd("a", {"1", "2", "3"});
  SAdd("b", {"3", "4"});
  RunRaw({"set", "dst", "string"});
  RunRaw({"expire", "dst", "100"});
  server_.events.clear();
  EXPECT_EQ(Int({"sinterstore", "dst", "a", "b"}), 1);
  EXPECT_EQ(Events(), (std::vector<std::string>{"sinterstore:dst"}));
  EXPECT_EQ(Int({"ttl", "dst"}), -1);  // the overwrite drops the TTL
  EXPECT_EQ(Members("dst"), (std::set<std::string>{"3"}));
  EXPECT_EQ(Int({"sunionstore", "dst", "a", "b", "nokey"}), 4);
  EXPECT_EQ(Events(), (std::vector<std::string>{"sunionstore:dst"}));
  EXPECT_EQ(EncodingOf("dst"), "intset");
  EXPECT_EQ(Int({"sdiffstore", "dst", "a", "b"}), 2);
  EXPECT_EQ(Events(), (std::vector<std::string>{"sdiffstore:dst"}));
  EXPECT_EQ(List({"smembers", "dst"}), (std::vector<std::string>{"1", "2"}));
  // Empty results delete the destination (with a del event only when it existed).
  EXPECT_EQ(Int({"sinterstore", "dst", "a", "nokey"}), 0);
  EXPECT_FALSE(Exists("dst"));
  EXPECT_EQ(Events(), (std::vector<std::string>{"del:dst"}));
  EXPECT_EQ(Int({"sdiffstore", "dst", "a", "a"}), 0);
  EXPECT_TRUE(Events().empty());
  // A destination that is also a source.
  EXPECT_EQ(Int({"sunionstore", "a", "a", "b"}), 4);
  EXPECT_EQ(Members("a"), (std::set<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(Int({"sdiffstore", "a", "a", "b"}), 2);
  EXPECT_EQ(Members("a"), (std::set<std::string>{"1", "2"}));
}

TEST_F(SetFamilyTest, SUnionAndSDiff) {
  SAdd("a", {"3", "1"});
  SAdd("b", {"2", "3"});
  SAdd("s", {"x", "y"});
  EXPECT_EQ(List({"sunion", "a", "b", "nokey"}), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(List({"sunion", "nokey"}), std::vector<std::string>{});
  std::vector<std::string> mixed = List({"sunion", "a", "s"});
  EXPECT_EQ(std::set<std::string>(mixed.begin(), mixed.end()),
            (std::set<std::string>{"1", "3", "x", "y"}));
  EXPECT_EQ(List({"sdiff", "a", "b"}), (std::vector<std::string>{"1"}));
  EXPECT_EQ(List({"sdiff", "nokey", "a"}), std::vector<std::string>{});
  EXPECT_EQ(List({"sdiff", "a", "nokey"}), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(List({"sdiff", "a", "b", "a"}), std::vector<std::string>{});
}

TEST_F(SetFamilyTest, SDiffAlgorithmTwoKeepsHashtableEncoding) {
  // Redis picks its second diff algorithm here (first set copied, then the others removed):
  // 600 integers make the copy a hashtable, which it stays with 10 members left.
  SAdd("big", Range(0, 600));
  for (int k = 0; k < 10; ++k) SAdd("sub" + std::to_string(k), Range(k * 59, k * 59 + 59));
  std::vector<std::string> argv = {"sdiffstore", "dst", "big"};
  for (int k = 0; k < 10; ++k) argv.push_back("sub" + std::to_string(k));
  EXPECT_EQ(Int(argv), 10);
  EXPECT_EQ(EncodingOf("dst"), "hashtable");
  // With one small set to subtract, algorithm 1 builds the result member by member.
  SAdd("few", Range(0, 595));
  EXPECT_EQ(Int({"sdiffstore", "dst2", "big", "few"}), 5);
  EXPECT_EQ(EncodingOf("dst2"), "intset");
}

TEST_F(SetFamilyTest, SScan) {
  EXPECT_EQ(RunRaw({"sscan", "nokey", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(RunRaw({"sscan", "nokey", "0", "bogus"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(RunRaw({"sscan", "nokey", "x"}), "-ERR invalid cursor\r\n");
  SAdd("i", {"1", "2", "10", "11"});
  EXPECT_EQ(List({"sscan", "i", "0", "match", "1*"})[0], "0");
  EXPECT_EQ(RunRaw({"sscan", "i", "12345", "match", "1*", "count", "1"}),
            "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$2\r\n10\r\n$2\r\n11\r\n");
  EXPECT_EQ(RunRaw({"sscan", "i", "0", "count", "0"}), kSyntax);
  EXPECT_EQ(RunRaw({"sscan", "i", "0", "count", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"sscan", "i", "0", "type", "set"}), kSyntax);
  EXPECT_EQ(RunRaw({"sscan", "i", "0", "match"}), kSyntax);
  // A hashtable is walked with the cursor until it comes back to 0.
  SAdd("h", Range(0, 1000, "m"));
  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    RespValue v = Run({"sscan", "h", cursor, "count", "7"});
    ASSERT_EQ(v.elements.size(), 2u);
    cursor = v.elements[0].text;
    for (const auto& e : v.elements[1].elements) seen.insert(e.text);
    ++calls;
  } while (cursor != "0" && calls < 10000);
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(calls, 20);
  RespValue filtered = Run({"sscan", "h", "0", "count", "100000", "match", "m99*"});
  EXPECT_EQ(filtered.elements[0].text, "0");
  EXPECT_EQ(filtered.elements[1].elements.size(), 11u);  // m99, m990..m999
}

TEST_F(SetFamilyTest, WatchSeesChanges) {
  SAdd("s", {"1"});
  RunRaw({"watch", "s"});
  RunRaw({"sadd", "s", "1"});  // nothing added: not a change
  RunRaw({"multi"});
  RunRaw({"scard", "s"});
  EXPECT_EQ(RunRaw({"exec"}), "*1\r\n:1\r\n");
  RunRaw({"watch", "s"});
  RunRaw({"sadd", "s", "2"});
  RunRaw({"multi"});
  RunRaw({"scard", "s"});
  EXPECT_EQ(RunRaw({"exec"}), "*-1\r\n");
}

TEST_F(SetFamilyTest, MultiKeyStoreIsAtomicAcrossShards) {
  // SMOVE back and forth between two keys while this thread checks that the member is always
  // in exactly one of them (each read locks both keys at once).
  SAdd("left", {"m", "pad"});
  SAdd("right", {"pad"});
  std::atomic<bool> stop{false};
  std::thread mover([&] {
    commands::ClientState client;
    client.authenticated = true;
    for (int i = 0; i < 2000; ++i) {
      std::string out;
      protocol::ReplyBuilder reply(&out, 2);
      const std::vector<std::string> argv =
          i % 2 == 0 ? std::vector<std::string>{"smove", "left", "right", "m"}
                     : std::vector<std::string>{"smove", "right", "left", "m"};
      dispatcher_.Execute(client, argv, reply);
    }
    stop = true;
  });
  int checks = 0;
  while (!stop) {
    EXPECT_EQ(List({"sunion", "left", "right"}).size(), 2u);
    EXPECT_EQ(Int({"sintercard", "2", "left", "right"}), 1);
    ++checks;
  }
  mover.join();
  EXPECT_GT(checks, 0);
}

TEST_F(SetFamilyTest, MemoryIsRecharged) {
  auto used = [&] { return keyspace().Stats().used_bytes; };
  const uint64_t before = used();
  SAdd("s", Range(0, 10));
  const uint64_t small = used();
  SAdd("s", Range(10, 300));
  const uint64_t big = used();
  EXPECT_GT(big, small + 500);
  SAdd("s", Range(0, 300, "member-with-a-long-name-"));
  EXPECT_GT(used(), big);
  RunRaw({"del", "s"});
  EXPECT_EQ(used(), before);
}

TEST_F(SetFamilyTest, CopyIsDeep) {
  SAdd("s", {"1", "2"});
  EXPECT_EQ(Int({"copy", "s", "t"}), 1);
  RunRaw({"sadd", "t", "3"});
  EXPECT_EQ(Int({"scard", "s"}), 2);
  EXPECT_EQ(EncodingOf("t"), "intset");
  EXPECT_EQ(RunRaw({"type", "t"}), "+set\r\n");
}

}  // namespace
}  // namespace cachet::test
