// In-process tests of the generic key commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN,
// RANDOMKEY, RENAME, RENAMENX, COPY, TOUCH, the EXPIRE and TTL families, PERSIST, OBJECT.
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cachet/storage/lru.h"
#include "command_fixture.h"

namespace cachet::test {
namespace {

using storage::kNoExpire;

// A list value with no behaviour beyond what the keyspace needs, so key commands can be
// tested on a non-string type without depending on the list commands.
class TestList : public storage::Collection {
 public:
  explicit TestList(size_t n = 1) : items(n, "x") {}
  storage::ValueType type() const override { return storage::ValueType::kList; }
  storage::Encoding encoding() const override { return storage::Encoding::kQuicklist; }
  std::unique_ptr<storage::Collection> Clone() const override {
    return std::make_unique<TestList>(*this);
  }
  size_t MemoryUsage() const override { return sizeof(*this) + items.size() * 32; }
  size_t ElementCount() const override { return items.size(); }

  std::vector<std::string> items;
};

class KeysFamilyTest : public CommandTest {
 protected:
  int64_t Now() { return clock().NowMs(); }

  void SetString(const std::string& key, const std::string& value, int db = 0,
                 int64_t expire_ms = kNoExpire) {
    storage::Access acc = keyspace().Lock(key);
    acc.SetString(db, key, value, {.expire_ms = expire_ms});
  }

  void SetList(const std::string& key, size_t n = 1, int db = 0) {
    storage::Access acc = keyspace().Lock(key);
    acc.Set(db, key, storage::Value::Object(std::make_unique<TestList>(n)));
  }

  std::optional<std::string> GetString(const std::string& key, int db = 0) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(db, key, storage::kLookupNoTouch);
    if (!e) return std::nullopt;
    storage::IntBuffer buf;
    return std::string(e.StringView(&buf));
  }

  int64_t ExpireOf(const std::string& key, int db = 0) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(db, key, storage::kLookupNoTouch);
    return e ? e.expire_ms() : -2;
  }

  // Runs a full SCAN iteration with the given options and returns every key it produced.
  std::multiset<std::string> ScanAll(std::vector<std::string> options) {
    std::multiset<std::string> seen;
    std::string cursor = "0";
    for (int calls = 0; calls < 100000; ++calls) {
      std::vector<std::string> argv = {"scan", cursor};
      argv.insert(argv.end(), options.begin(), options.end());
      RespValue v = Run(argv);
      EXPECT_EQ(v.type, '*');
      if (v.type != '*' || v.elements.size() != 2) return seen;
      EXPECT_EQ(v.elements[0].type, '$');
      EXPECT_EQ(v.elements[1].type, '*');
      for (const RespValue& key : v.elements[1].elements) seen.insert(key.text);
      cursor = v.elements[0].text;
      if (cursor == "0") return seen;
    }
    ADD_FAILURE() << "SCAN did not terminate";
    return seen;
  }

  // Sets the maxmemory policy in the configuration and in the keyspace, as the server does.
  void SetPolicy(const std::string& policy) {
    ASSERT_TRUE(server_.config().Set("maxmemory-policy", policy).ok);
    bool lfu = policy.find("lfu") != std::string::npos;
    keyspace().SetAccessPolicy(lfu ? storage::AccessPolicy::kLfu : storage::AccessPolicy::kLru);
  }
};

TEST_F(KeysFamilyTest, DelCountsOnlyKeysItRemoved) {
  SetString("a", "1");
  SetString("b", "2");
  SetList("l");
  EXPECT_EQ(RunRaw({"del", "a", "b", "missing", "a", "l"}), ":3\r\n");
  EXPECT_EQ(GetString("a"), std::nullopt);
  EXPECT_EQ(RunRaw({"del", "a"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"del"}), "-ERR wrong number of arguments for 'del' command\r\n");
}

TEST_F(KeysFamilyTest, DelDoesNotCountExpiredKeys) {
  SetString("k", "v", 0, Now() + 100);
  clock().AdvanceMs(101);
  EXPECT_EQ(RunRaw({"del", "k"}), ":0\r\n");
}

TEST_F(KeysFamilyTest, UnlinkFreesLargeValuesInTheBackground) {
  SetList("big", 10000);
  SetString("s", "v");
  EXPECT_EQ(RunRaw({"unlink", "big", "s", "nope"}), ":2\r\n");
  keyspace().WaitForLazyFree();
  EXPECT_EQ(RunRaw({"exists", "big", "s"}), ":0\r\n");
}

TEST_F(KeysFamilyTest, ExistsCountsEveryOccurrence) {
  SetString("a", "1");
  SetString("b", "2");
  EXPECT_EQ(RunRaw({"exists", "a"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"exists", "a", "a", "b", "c", "a"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"exists", "c"}), ":0\r\n");
}

TEST_F(KeysFamilyTest, TypeNamesTheValueType) {
  SetString("s", "v");
  SetString("i", "12");
  SetList("l");
  EXPECT_EQ(RunRaw({"type", "s"}), "+string\r\n");
  EXPECT_EQ(RunRaw({"type", "i"}), "+string\r\n");
  EXPECT_EQ(RunRaw({"type", "l"}), "+list\r\n");
  EXPECT_EQ(RunRaw({"type", "none"}), "+none\r\n");
  EXPECT_EQ(RunRaw({"type", "a", "b"}), "-ERR wrong number of arguments for 'type' command\r\n");
}

TEST_F(KeysFamilyTest, KeysMatchesGlobPatterns) {
  for (const char* k : {"hello", "hallo", "hxllo", "hllo", "heeeello", "other"}) SetString(k, "v");
  auto keys_of = [&](const std::string& pattern) {
    RespValue v = Run({"keys", pattern});
    std::set<std::string> out;
    for (const RespValue& e : v.elements) out.insert(e.text);
    return out;
  };
  using Set = std::set<std::string>;
  EXPECT_EQ(keys_of("h?llo"), (Set{"hello", "hallo", "hxllo"}));
  EXPECT_EQ(keys_of("h*llo"), (Set{"hello", "hallo", "hxllo", "hllo", "heeeello"}));
  EXPECT_EQ(keys_of("h[ae]llo"), (Set{"hello", "hallo"}));
  EXPECT_EQ(keys_of("h[^e]llo"), (Set{"hallo", "hxllo"}));
  EXPECT_EQ(keys_of("h[a-b]llo"), (Set{"hallo"}));
  EXPECT_EQ(keys_of("*").size(), 6u);
  EXPECT_EQ(keys_of("nomatch*"), Set{});
  EXPECT_EQ(RunRaw({"keys", "oth\\er"}), "*1\r\n$5\r\nother\r\n");
}

TEST_F(KeysFamilyTest, KeysSkipsExpiredKeysAndOtherDatabases) {
  SetString("live", "v");
  SetString("dying", "v", 0, Now() + 10);
  SetString("elsewhere", "v", 1);
  clock().AdvanceMs(11);
  EXPECT_EQ(RunRaw({"keys", "*"}), "*1\r\n$4\r\nlive\r\n");
}

TEST_F(KeysFamilyTest, ScanFullIterationReturnsEveryKey) {
  std::multiset<std::string> all;
  for (int i = 0; i < 1000; ++i) {
    std::string key = "key:" + std::to_string(i);
    SetString(key, "v");
    all.insert(key);
  }
  std::multiset<std::string> seen = ScanAll({});
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(all.begin(), all.end()));
  // With COUNT 1 every call still makes progress.
  std::multiset<std::string> slow = ScanAll({"COUNT", "1"});
  EXPECT_EQ(std::set<std::string>(slow.begin(), slow.end()).size(), 1000u);
  std::multiset<std::string> big = ScanAll({"count", "100000"});
  EXPECT_EQ(big.size(), 1000u);
}

TEST_F(KeysFamilyTest, ScanFiltersByMatchAndType) {
  for (int i = 0; i < 50; ++i) SetString("user:" + std::to_string(i), "v");
  for (int i = 0; i < 30; ++i) SetList("list:" + std::to_string(i));
  auto ones = ScanAll({"MATCH", "user:1*"});
  EXPECT_EQ(std::set<std::string>(ones.begin(), ones.end()).size(), 11u);
  auto lists = ScanAll({"TYPE", "list"});
  EXPECT_EQ(std::set<std::string>(lists.begin(), lists.end()).size(), 30u);
  for (const std::string& k : lists) EXPECT_EQ(k.rfind("list:", 0), 0u) << k;
  auto strings = ScanAll({"type", "STRING", "match", "*:4*"});
  EXPECT_EQ(std::set<std::string>(strings.begin(), strings.end()),
            (std::set<std::string>{"user:4", "user:40", "user:41", "user:42", "user:43", "user:44",
                                   "user:45", "user:46", "user:47", "user:48", "user:49"}));
  // An unknown type is not an error: nothing matches.
  EXPECT_TRUE(ScanAll({"TYPE", "nosuchtype"}).empty());
}

TEST_F(KeysFamilyTest, ScanSkipsExpiredKeys) {
  SetString("a", "v");
  SetString("b", "v", 0, Now() + 5);
  clock().AdvanceMs(6);
  EXPECT_EQ(ScanAll({}), (std::multiset<std::string>{"a"}));
}

TEST_F(KeysFamilyTest, ScanReplyShapeAndCursorParsing) {
  EXPECT_EQ(RunRaw({"scan", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"scan", "0", "count", "1000"}), "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n");
  // strtoul rules: "" is 0, "+5" is 5, "-1" wraps; all are accepted.
  EXPECT_EQ(Run({"scan", ""}).type, '*');
  EXPECT_EQ(Run({"scan", "+5"}).type, '*');
  EXPECT_EQ(RunRaw({"scan", "-1"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(RunRaw({"scan", "18446744073709551615"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  for (const char* bad : {"abc", " 1", "1 ", "1.5", "0x10", "18446744073709551616"}) {
    EXPECT_EQ(RunRaw({"scan", bad}), "-ERR invalid cursor\r\n") << bad;
  }
}

TEST_F(KeysFamilyTest, ScanOptionErrors) {
  EXPECT_EQ(RunRaw({"scan", "0", "count", "0"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"scan", "0", "count", "-1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"scan", "0", "count", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(RunRaw({"scan", "0", "count"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"scan", "0", "match"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"scan", "0", "type"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"scan", "0", "foo", "bar"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"scan", "abc", "count", "0"}), "-ERR invalid cursor\r\n");
  // A huge COUNT is accepted.
  EXPECT_EQ(RunRaw({"scan", "0", "count", "9223372036854775807"}), "*2\r\n$1\r\n0\r\n*0\r\n");
}

TEST_F(KeysFamilyTest, RandomKeyReturnsALiveKey) {
  EXPECT_EQ(RunRaw({"randomkey"}), "$-1\r\n");
  SetString("a", "1");
  SetString("b", "2");
  SetString("gone", "3", 0, Now() + 1);
  clock().AdvanceMs(2);
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    RespValue v = Run({"randomkey"});
    ASSERT_EQ(v.type, '$');
    ASSERT_FALSE(v.null);
    seen.insert(v.text);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"a", "b"}));
  client_.protocol = 3;
  client_.db = 5;
  EXPECT_EQ(RunRaw({"randomkey"}), "_\r\n");
}

TEST_F(KeysFamilyTest, RenameMovesValueAndKeepsTtl) {
  SetString("src", "value", 0, Now() + 50000);
  SetString("dst", "old");
  EXPECT_EQ(RunRaw({"rename", "src", "dst"}), "+OK\r\n");
  EXPECT_EQ(GetString("src"), std::nullopt);
  EXPECT_EQ(GetString("dst"), "value");
  EXPECT_EQ(RunRaw({"ttl", "dst"}), ":50\r\n");
  EXPECT_EQ(RunRaw({"rename", "nokey", "x"}), "-ERR no such key\r\n");
  EXPECT_EQ(RunRaw({"rename", "nokey", "nokey"}), "-ERR no such key\r\n");
  EXPECT_EQ(RunRaw({"rename", "dst", "dst"}), "+OK\r\n");
  EXPECT_EQ(GetString("dst"), "value");
  // A TTL-less source clears the destination's TTL.
  SetString("plain", "p");
  EXPECT_EQ(RunRaw({"rename", "plain", "dst"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"ttl", "dst"}), ":-1\r\n");
}

TEST_F(KeysFamilyTest, RenameNxOnlyWhenTargetIsAbsent) {
  SetString("a", "1");
  SetString("b", "2");
  EXPECT_EQ(RunRaw({"renamenx", "a", "b"}), ":0\r\n");
  EXPECT_EQ(GetString("a"), "1");
  EXPECT_EQ(RunRaw({"renamenx", "a", "a"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"renamenx", "a", "c"}), ":1\r\n");
  EXPECT_EQ(GetString("c"), "1");
  EXPECT_EQ(RunRaw({"renamenx", "a", "d"}), "-ERR no such key\r\n");
}

TEST_F(KeysFamilyTest, CopyWithinAndAcrossDatabases) {
  SetString("src", "value", 0, Now() + 20000);
  EXPECT_EQ(RunRaw({"copy", "src", "dst"}), ":1\r\n");
  EXPECT_EQ(GetString("dst"), "value");
  EXPECT_EQ(ExpireOf("dst"), Now() + 20000);
  EXPECT_EQ(RunRaw({"copy", "src", "dst"}), ":0\r\n");
  SetString("src", "newer");
  EXPECT_EQ(RunRaw({"copy", "src", "dst", "REPLACE"}), ":1\r\n");
  EXPECT_EQ(GetString("dst"), "newer");
  EXPECT_EQ(ExpireOf("dst"), kNoExpire);
  EXPECT_EQ(RunRaw({"copy", "src", "src", "db", "3"}), ":1\r\n");
  EXPECT_EQ(GetString("src", 3), "newer");
  EXPECT_EQ(RunRaw({"copy", "src", "src", "db", "3"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"copy", "src", "src", "replace", "db", "3", "replace"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"copy", "missing", "x"}), ":0\r\n");
}

TEST_F(KeysFamilyTest, CopyOfACollectionIsDeep) {
  SetList("l", 3);
  EXPECT_EQ(RunRaw({"copy", "l", "l2", "db", "1"}), ":1\r\n");
  storage::Access acc = keyspace().Lock({"l", "l2"});
  storage::EntryRef orig = acc.Find(0, "l");
  storage::EntryRef copy = acc.Find(1, "l2");
  ASSERT_TRUE(orig);
  ASSERT_TRUE(copy);
  EXPECT_NE(orig.object(), copy.object());
  EXPECT_EQ(copy.object_as<TestList>()->items.size(), 3u);
}

TEST_F(KeysFamilyTest, CopyErrors) {
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"copy", "k", "k"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(RunRaw({"copy", "k", "k", "db", "0"}),
            "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(RunRaw({"copy", "nokey", "nokey"}),
            "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(RunRaw({"copy", "k", "k2", "db", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"copy", "k", "k2", "db", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"copy", "k", "k2", "db", "abc"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(RunRaw({"copy", "k", "k2", "db", "99999999999"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(RunRaw({"copy", "k", "k2", "db"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"copy", "k", "k2", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"copy", "k"}), "-ERR wrong number of arguments for 'copy' command\r\n");
}

TEST_F(KeysFamilyTest, TouchCountsAndRefreshesAccessTime) {
  SetString("a", "1");
  SetString("b", "2");
  clock().AdvanceMs(10000);
  EXPECT_EQ(RunRaw({"object", "idletime", "a"}), ":10\r\n");
  EXPECT_EQ(RunRaw({"touch", "a", "a", "missing"}), ":2\r\n");
  EXPECT_EQ(RunRaw({"object", "idletime", "a"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"object", "idletime", "b"}), ":10\r\n");
  // EXISTS, TYPE and TTL do not touch.
  clock().AdvanceMs(3000);
  Run({"exists", "a"});
  Run({"type", "a"});
  Run({"ttl", "a"});
  EXPECT_EQ(RunRaw({"object", "idletime", "a"}), ":3\r\n");
}

TEST_F(KeysFamilyTest, ExpireBecomesVisibleAsTimeAdvances) {
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":-1\r\n");
  EXPECT_EQ(RunRaw({"pttl", "k"}), ":-1\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "10"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":10\r\n");
  EXPECT_EQ(RunRaw({"pttl", "k"}), ":10000\r\n");
  clock().AdvanceMs(4600);
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":5\r\n");  // 5400 ms, rounded to nearest
  EXPECT_EQ(RunRaw({"pttl", "k"}), ":5400\r\n");
  clock().AdvanceMs(5400);
  EXPECT_EQ(RunRaw({"pttl", "k"}), ":0\r\n");  // due this very ms, not yet expired
  EXPECT_EQ(RunRaw({"exists", "k"}), ":1\r\n");
  clock().AdvanceMs(1);
  EXPECT_EQ(RunRaw({"exists", "k"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":-2\r\n");
  EXPECT_EQ(RunRaw({"pttl", "k"}), ":-2\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "10"}), ":0\r\n");
}

TEST_F(KeysFamilyTest, TtlRoundsToNearestSecond) {
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"pexpire", "k", "1499"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"pexpire", "k", "1500"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":2\r\n");
  EXPECT_EQ(RunRaw({"pexpire", "k", "499"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":0\r\n");
}

TEST_F(KeysFamilyTest, ExpireInThePastDeletesTheKey) {
  for (std::vector<std::string> argv :
       std::vector<std::vector<std::string>>{{"expire", "k", "-5"},
                                             {"expire", "k", "0"},
                                             {"pexpire", "k", "0"},
                                             {"expireat", "k", "1"},
                                             {"pexpireat", "k", "0", "nx"},
                                             {"pexpireat", "k", std::to_string(Now())}}) {
    SetString("k", "v");
    EXPECT_EQ(RunRaw(argv), ":1\r\n") << argv[0] << " " << argv[2];
    EXPECT_EQ(GetString("k"), std::nullopt) << argv[0] << " " << argv[2];
  }
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"pexpireat", "k", std::to_string(Now() + 1)}), ":1\r\n");
  EXPECT_EQ(RunRaw({"exists", "k"}), ":1\r\n");
}

TEST_F(KeysFamilyTest, ExpireAtAndExpireTime) {
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"expiretime", "k"}), ":-1\r\n");
  EXPECT_EQ(RunRaw({"pexpiretime", "k"}), ":-1\r\n");
  EXPECT_EQ(RunRaw({"expiretime", "nokey"}), ":-2\r\n");
  EXPECT_EQ(RunRaw({"pexpiretime", "nokey"}), ":-2\r\n");
  EXPECT_EQ(RunRaw({"pexpireat", "k", "33177600000000"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expiretime", "k"}), ":33177600000\r\n");
  EXPECT_EQ(RunRaw({"pexpiretime", "k"}), ":33177600000000\r\n");
  EXPECT_EQ(RunRaw({"expireat", "k", "33177600001"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"pexpiretime", "k"}), ":33177600001000\r\n");
  EXPECT_EQ(RunRaw({"pexpireat", "k", "33177600001499"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expiretime", "k"}), ":33177600001\r\n");
  EXPECT_EQ(RunRaw({"pexpireat", "k", "33177600001500"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expiretime", "k"}), ":33177600002\r\n");
  // Near INT64_MAX the rounding does not overflow (as Redis reports it).
  EXPECT_EQ(RunRaw({"pexpireat", "k", "9223372036854775807"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expiretime", "k"}), ":9223372036854776\r\n");
  EXPECT_EQ(RunRaw({"pexpiretime", "k"}), ":9223372036854775807\r\n");
  EXPECT_EQ(RunRaw({"pttl", "k"}), ":" + std::to_string(INT64_MAX - Now()) + "\r\n");
}

TEST_F(KeysFamilyTest, ExpireConditions) {
  SetString("k", "v");
  // No TTL: XX and GT fail, LT and NX succeed.
  EXPECT_EQ(RunRaw({"expire", "k", "100", "xx"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "100", "gt"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "100", "nx"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "200", "nx"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":100\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "200", "lt"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "100", "lt"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "50", "LT"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "50", "gt"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "60", "Gt"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "70", "xx", "gt"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "20", "xx", "lt"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":20\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "10", "nx", "nx"}), ":0\r\n");
  // LT with no TTL: any time is less than "never".
  SetString("p", "v");
  EXPECT_EQ(RunRaw({"expire", "p", "100", "lt"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"expire", "missing", "100", "xx", "gt"}), ":0\r\n");
  // A failed condition leaves a past time alone.
  EXPECT_EQ(RunRaw({"expire", "p", "-1", "gt"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"exists", "p"}), ":1\r\n");
}

TEST_F(KeysFamilyTest, ExpireOptionErrors) {
  SetString("k", "v");
  const std::string nx = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
  EXPECT_EQ(RunRaw({"expire", "k", "100", "nx", "xx"}), nx);
  EXPECT_EQ(RunRaw({"expire", "k", "100", "nx", "gt"}), nx);
  EXPECT_EQ(RunRaw({"pexpire", "k", "100", "lt", "nx"}), nx);
  EXPECT_EQ(RunRaw({"expire", "k", "100", "gt", "lt"}),
            "-ERR GT and LT options at the same time are not compatible\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "100", "foo"}), "-ERR Unsupported option foo\r\n");
  // Options are checked before the time.
  EXPECT_EQ(RunRaw({"expire", "k", "abc", "foo"}), "-ERR Unsupported option foo\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "abc", "nx", "xx"}), nx);
  EXPECT_EQ(RunRaw({"expire", "k", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "1.5"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "100", std::string("a\0b", 3)}),
            "-ERR Unsupported option a\r\n");
  EXPECT_EQ(RunRaw({"expire", "k"}), "-ERR wrong number of arguments for 'expire' command\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":-1\r\n");
}

TEST_F(KeysFamilyTest, ExpireOverflowIsAnError) {
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"expire", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(RunRaw({"expire", "k", "9223372036854776"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  // Fits after * 1000 but not once now is added.
  EXPECT_EQ(RunRaw({"expire", "k", "9223372036854775"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(RunRaw({"EXPIRE", "k", "-9223372036854776"}),
            "-ERR invalid expire time in 'expire' command\r\n");
  EXPECT_EQ(RunRaw({"pexpire", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'pexpire' command\r\n");
  EXPECT_EQ(RunRaw({"expireat", "k", "9223372036854775807"}),
            "-ERR invalid expire time in 'expireat' command\r\n");
  EXPECT_EQ(RunRaw({"expireat", "nokey", "9223372036854775807"}),
            "-ERR invalid expire time in 'expireat' command\r\n");
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":-1\r\n");
  // Absolute times up to INT64_MAX are fine.
  EXPECT_EQ(RunRaw({"expireat", "k", "9223372036854775"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"pexpireat", "k", "9223372036854775807"}), ":1\r\n");
  // The most negative relative time deletes.
  EXPECT_EQ(RunRaw({"expire", "k", "-9223372036854775"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"exists", "k"}), ":0\r\n");
}

TEST_F(KeysFamilyTest, PersistRemovesTheTtl) {
  SetString("k", "v", 0, Now() + 1000);
  EXPECT_EQ(RunRaw({"persist", "k"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"persist", "k"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"persist", "nokey"}), ":0\r\n");
  clock().AdvanceMs(5000);
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":-1\r\n");
  EXPECT_EQ(GetString("k"), "v");
}

TEST_F(KeysFamilyTest, CommandsUseTheSelectedDatabase) {
  SetString("k", "zero", 0);
  SetString("k", "one", 1, Now() + 7000);
  client_.db = 1;
  EXPECT_EQ(RunRaw({"ttl", "k"}), ":7\r\n");
  EXPECT_EQ(RunRaw({"del", "k"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"exists", "k"}), ":0\r\n");
  client_.db = 0;
  EXPECT_EQ(RunRaw({"exists", "k"}), ":1\r\n");
}

TEST_F(KeysFamilyTest, ObjectEncodingAndRefcount) {
  SetString("int", "100");
  SetString("bigint", "10000");
  SetString("neg", "-1");
  SetString("emb", "hello");
  SetString("raw", std::string(45, 'x'));
  SetList("list");
  EXPECT_EQ(RunRaw({"object", "encoding", "int"}), "$3\r\nint\r\n");
  EXPECT_EQ(RunRaw({"object", "encoding", "emb"}), "$6\r\nembstr\r\n");
  EXPECT_EQ(RunRaw({"object", "encoding", "raw"}), "$3\r\nraw\r\n");
  EXPECT_EQ(RunRaw({"OBJECT", "ENCODING", "list"}), "$9\r\nquicklist\r\n");
  EXPECT_EQ(RunRaw({"object", "encoding", "nokey"}), "$-1\r\n");
  EXPECT_EQ(RunRaw({"object", "refcount", "int"}), ":2147483647\r\n");
  EXPECT_EQ(RunRaw({"object", "refcount", "bigint"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"object", "refcount", "neg"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"object", "refcount", "emb"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"object", "refcount", "nokey"}), "$-1\r\n");
  // With maxmemory and an LRU/LFU policy Redis does not share integers.
  ASSERT_TRUE(server_.config().Set("maxmemory", "100mb").ok);
  EXPECT_EQ(RunRaw({"object", "refcount", "int"}), ":2147483647\r\n");
  SetPolicy("allkeys-lru");
  EXPECT_EQ(RunRaw({"object", "refcount", "int"}), ":1\r\n");
}

TEST_F(KeysFamilyTest, ObjectIdletimeAndFreqFollowThePolicy) {
  SetString("k", "v");
  clock().AdvanceMs(65000);
  EXPECT_EQ(RunRaw({"object", "idletime", "k"}), ":65\r\n");
  EXPECT_EQ(RunRaw({"object", "freq", "k"}),
            "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
            "Please note that when switching between policies at runtime LRU and LFU data will "
            "take some time to adjust.\r\n");
  EXPECT_EQ(RunRaw({"object", "idletime", "nokey"}), "$-1\r\n");
  SetPolicy("allkeys-lfu");
  SetString("f", "v");
  EXPECT_EQ(RunRaw({"object", "freq", "f"}), ":" + std::to_string(storage::kLfuInitVal) + "\r\n");
  EXPECT_EQ(RunRaw({"object", "idletime", "f"}),
            "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
            "when switching between policies at runtime LRU and LFU data will take some time to "
            "adjust.\r\n");
  EXPECT_EQ(RunRaw({"object", "freq", "nokey"}), "$-1\r\n");
  // OBJECT FREQ does not count as an access; the counter decays by one per minute idle.
  EXPECT_EQ(RunRaw({"object", "freq", "f"}), ":5\r\n");
  clock().AdvanceMs(3 * 60 * 1000);
  EXPECT_EQ(RunRaw({"object", "freq", "f"}), ":2\r\n");
  SetPolicy("volatile-lfu");
  EXPECT_EQ(Run({"object", "freq", "f"}).type, ':');
}

TEST_F(KeysFamilyTest, ObjectHelpAndErrors) {
  RespValue help = Run({"object", "help"});
  ASSERT_EQ(help.type, '*');
  ASSERT_EQ(help.elements.size(), 15u);
  EXPECT_EQ(help.elements[0].text,
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(help.elements[14].text, "    Prints this help.");
  EXPECT_EQ(RunRaw({"object", "foo", "k"}), "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n");
  EXPECT_EQ(RunRaw({"object", "encoding"}),
            "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  EXPECT_EQ(RunRaw({"object", "encoding", "a", "b"}),
            "-ERR wrong number of arguments for 'object|encoding' command\r\n");
  EXPECT_EQ(RunRaw({"object"}), "-ERR wrong number of arguments for 'object' command\r\n");
  EXPECT_EQ(RunRaw({"object", "help", "x"}),
            "-ERR wrong number of arguments for 'object|help' command\r\n");
}

TEST_F(KeysFamilyTest, TableEntriesCarryKeyPositions) {
  std::vector<size_t> keys;
  const commands::CommandSpec* del = registry_.Find("del");
  ASSERT_NE(del, nullptr);
  ASSERT_TRUE(commands::GetKeys(*del, {"del", "a", "b", "c"}, &keys));
  EXPECT_EQ(keys, (std::vector<size_t>{1, 2, 3}));
  const commands::CommandSpec* copy = registry_.Find("copy");
  ASSERT_TRUE(commands::GetKeys(*copy, {"copy", "a", "b", "db", "1"}, &keys));
  EXPECT_EQ(keys, (std::vector<size_t>{1, 2}));
  const commands::CommandSpec* enc = registry_.FindFullName("object|encoding");
  ASSERT_NE(enc, nullptr);
  ASSERT_TRUE(commands::GetKeys(*enc, {"object", "encoding", "k"}, &keys));
  EXPECT_EQ(keys, (std::vector<size_t>{2}));
  for (const char* name : {"keys", "scan", "randomkey"}) {
    const commands::CommandSpec* spec = registry_.Find(name);
    ASSERT_NE(spec, nullptr) << name;
    EXPECT_TRUE(spec->key_specs.empty()) << name;
  }
}

}  // namespace
}  // namespace cachet::test
