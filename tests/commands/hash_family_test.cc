// In-process tests of the hash commands: replies, errors, encodings, notifications, sampling.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cachet/commands/notify.h"
#include "cachet/config/config.h"
#include "cachet/storage/hash_value.h"
#include "command_fixture.h"

namespace cachet::test {
namespace {

constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr const char* kSyntax = "-ERR syntax error\r\n";
constexpr const char* kNotInteger = "-ERR value is not an integer or out of range\r\n";
constexpr const char* kNotFloat = "-ERR value is not a valid float\r\n";
constexpr const char* kNil = "$-1\r\n";

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

class HashFamilyTest : public CommandTest {
 protected:
  bool Exists(const std::string& key) { return EncodingOf(key) != "none"; }

  void SetConfig(const std::string& name, const std::string& value) {
    ASSERT_TRUE(server_.config().Set(name, value).ok);
  }

  // The events recorded so far as "class:event:key", then forgotten.
  std::vector<std::string> TakeEvents() {
    std::vector<std::string> out;
    for (const auto& e : server_.events) {
      out.push_back(std::to_string(e.notify_class) + ":" + e.event + ":" + e.key);
    }
    server_.events.clear();
    return out;
  }
  static std::string Ev(uint32_t cls, const std::string& event, const std::string& key) {
    return std::to_string(cls) + ":" + event + ":" + key;
  }

  // Texts of a reply's elements.
  static std::vector<std::string> Texts(const RespValue& v) {
    std::vector<std::string> out;
    for (const auto& e : v.elements) out.push_back(e.text);
    return out;
  }

  void Fill(const std::string& key, int n) {
    for (int i = 0; i < n; ++i) {
      Run({"hset", key, "f" + std::to_string(i), "v" + std::to_string(i)});
    }
  }
};

TEST_F(HashFamilyTest, SetAndGet) {
  EXPECT_EQ(RunRaw({"hget", "h", "f"}), kNil);
  EXPECT_EQ(RunRaw({"hset", "h", "f", "v"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", "f"}), "$1\r\nv\r\n");
  EXPECT_EQ(RunRaw({"hset", "h", "f", "w", "g", "x", "f", "y"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", "f"}), "$1\r\ny\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", "nofield"}), kNil);
  EXPECT_EQ(RunRaw({"HMSET", "h", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"hlen", "h"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"hlen", "missing"}), ":0\r\n");
  const std::string binary("a\0b\r\n\xff", 6);
  EXPECT_EQ(RunRaw({"hset", "h", binary, binary}), ":1\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", binary}), Bulk(binary));
  EXPECT_EQ(RunRaw({"hset", "h", "", ""}), ":1\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", ""}), "$0\r\n\r\n");
  EXPECT_EQ(EncodingOf("h"), "listpack");
}

TEST_F(HashFamilyTest, ArityErrors) {
  EXPECT_EQ(RunRaw({"hset", "h", "f"}), "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(RunRaw({"hset", "h", "f", "v", "g"}),
            "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(RunRaw({"HMSET", "h", "f", "v", "g"}),
            "-ERR wrong number of arguments for 'hmset' command\r\n");
  EXPECT_EQ(RunRaw({"hget", "h"}), "-ERR wrong number of arguments for 'hget' command\r\n");
  EXPECT_EQ(RunRaw({"hdel", "h"}), "-ERR wrong number of arguments for 'hdel' command\r\n");
  EXPECT_EQ(RunRaw({"hscan", "h"}), "-ERR wrong number of arguments for 'hscan' command\r\n");
  EXPECT_FALSE(Exists("h"));
}

TEST_F(HashFamilyTest, WrongType) {
  Run({"set", "s", "x"});
  TakeEvents();  // SET's own event
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"hset", "s", "f", "v"},
           {"hmset", "s", "f", "v"},
           {"hsetnx", "s", "f", "v"},
           {"hget", "s", "f"},
           {"hmget", "s", "f"},
           {"hdel", "s", "f"},
           {"hlen", "s"},
           {"hstrlen", "s", "f"},
           {"hexists", "s", "f"},
           {"hkeys", "s"},
           {"hvals", "s"},
           {"hgetall", "s"},
           {"hincrby", "s", "f", "1"},
           {"hincrbyfloat", "s", "f", "1"},
           {"hrandfield", "s"},
           {"hrandfield", "s", "0"},
           {"hrandfield", "s", "-3", "withvalues"},
           {"hscan", "s", "0"},
       }) {
    EXPECT_EQ(RunRaw(argv), kWrongType) << argv[0];
  }
  EXPECT_EQ(RunRaw({"get", "s"}), "$1\r\nx\r\n");
  EXPECT_TRUE(TakeEvents().empty());
}

TEST_F(HashFamilyTest, HSetNx) {
  EXPECT_EQ(RunRaw({"hsetnx", "h", "f", "v"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"hsetnx", "h", "f", "w"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", "f"}), "$1\r\nv\r\n");
  EXPECT_EQ(TakeEvents(), std::vector<std::string>{Ev(commands::kNotifyHash, "hset", "h")});
  SetConfig("hash-max-listpack-value", "3");
  EXPECT_EQ(RunRaw({"hsetnx", "h", "g", "long"}), ":1\r\n");
  EXPECT_EQ(EncodingOf("h"), "hashtable");
}

TEST_F(HashFamilyTest, HMGetHExistsHStrLen) {
  Run({"hset", "h", "a", "1", "b", "hello", "n", "-12345"});
  EXPECT_EQ(RunRaw({"hmget", "h", "a", "x", "b"}), "*3\r\n$1\r\n1\r\n$-1\r\n$5\r\nhello\r\n");
  EXPECT_EQ(RunRaw({"hmget", "missing", "a", "b"}), "*2\r\n$-1\r\n$-1\r\n");
  EXPECT_EQ(RunRaw({"hexists", "h", "a"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"hexists", "h", "x"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"hexists", "missing", "a"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"hstrlen", "h", "b"}), ":5\r\n");
  EXPECT_EQ(RunRaw({"hstrlen", "h", "n"}), ":6\r\n");  // stored as an integer
  EXPECT_EQ(RunRaw({"hstrlen", "h", "x"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"hstrlen", "missing", "x"}), ":0\r\n");
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"hmget", "h", "x"}), "*1\r\n_\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", "x"}), "_\r\n");
}

TEST_F(HashFamilyTest, HDelDeletesEmptiedKey) {
  Run({"hset", "h", "a", "1", "b", "2", "c", "3"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"hdel", "h", "x"}), ":0\r\n");
  EXPECT_TRUE(TakeEvents().empty());
  EXPECT_EQ(RunRaw({"hdel", "h", "a", "a", "x"}), ":1\r\n");
  EXPECT_EQ(TakeEvents(), std::vector<std::string>{Ev(commands::kNotifyHash, "hdel", "h")});
  EXPECT_EQ(RunRaw({"hdel", "h", "b", "c", "d"}), ":2\r\n");
  EXPECT_FALSE(Exists("h"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{Ev(commands::kNotifyHash, "hdel", "h"),
                                                    Ev(commands::kNotifyGeneric, "del", "h")}));
  EXPECT_EQ(RunRaw({"hdel", "h", "a"}), ":0\r\n");
  // A hashtable emptied by HDEL goes too.
  SetConfig("hash-max-listpack-entries", "1");
  Run({"hset", "t", "a", "1", "b", "2"});
  EXPECT_EQ(EncodingOf("t"), "hashtable");
  EXPECT_EQ(RunRaw({"hdel", "t", "a", "b"}), ":2\r\n");
  EXPECT_FALSE(Exists("t"));
}

TEST_F(HashFamilyTest, GetAllKeysValsKeepInsertionOrder) {
  EXPECT_EQ(RunRaw({"hgetall", "missing"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"hkeys", "missing"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"hvals", "missing"}), "*0\r\n");
  Run({"hset", "h", "z", "1", "a", "22", "m", "x"});
  Run({"hset", "h", "z", "updated"});
  EXPECT_EQ(RunRaw({"hkeys", "h"}), "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\nm\r\n");
  EXPECT_EQ(RunRaw({"hvals", "h"}), "*3\r\n$7\r\nupdated\r\n$2\r\n22\r\n$1\r\nx\r\n");
  EXPECT_EQ(RunRaw({"hgetall", "h"}),
            "*6\r\n$1\r\nz\r\n$7\r\nupdated\r\n$1\r\na\r\n$2\r\n22\r\n$1\r\nm\r\n$1\r\nx\r\n");
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"hgetall", "h"}),
            "%3\r\n$1\r\nz\r\n$7\r\nupdated\r\n$1\r\na\r\n$2\r\n22\r\n$1\r\nm\r\n$1\r\nx\r\n");
  EXPECT_EQ(RunRaw({"hgetall", "missing"}), "%0\r\n");
  EXPECT_EQ(RunRaw({"hkeys", "missing"}), "*0\r\n");
}

TEST_F(HashFamilyTest, EncodingThresholdsFromConfig) {
  SetConfig("hash-max-listpack-entries", "4");
  SetConfig("hash-max-listpack-value", "8");
  Run({"hset", "h", "a", "1", "b", "2", "c", "3", "d", "4"});
  EXPECT_EQ(EncodingOf("h"), "listpack");
  Run({"hset", "h", "e", "5"});
  EXPECT_EQ(EncodingOf("h"), "hashtable");
  // Duplicates within one HSET do not count as entries.
  Run({"hset", "d", "a", "1", "a", "2", "a", "3", "a", "4", "a", "5"});
  EXPECT_EQ(EncodingOf("d"), "listpack");
  Run({"hset", "v", "f", "12345678"});
  EXPECT_EQ(EncodingOf("v"), "listpack");
  Run({"hset", "v", "f", "123456789"});
  EXPECT_EQ(EncodingOf("v"), "hashtable");
  Run({"hset", "k", "123456789", "v"});
  EXPECT_EQ(EncodingOf("k"), "hashtable");
  // A long argument anywhere in the HSET converts before anything is set.
  Run({"hset", "w", "a", "1"});
  Run({"hset", "w", "b", "2", "c", "toolongvalue"});
  EXPECT_EQ(EncodingOf("w"), "hashtable");
  // HINCRBY's result counts as a value: 9 digits is too long.
  Run({"hset", "i", "n", "99999999"});
  EXPECT_EQ(RunRaw({"hincrby", "i", "n", "1"}), ":100000000\r\n");
  EXPECT_EQ(EncodingOf("i"), "hashtable");
  // Raising the limits does not convert back.
  SetConfig("hash-max-listpack-entries", "512");
  Run({"hdel", "h", "a", "b", "c"});
  EXPECT_EQ(EncodingOf("h"), "hashtable");
  EXPECT_EQ(RunRaw({"hgetall", "h"}).substr(0, 4), "*4\r\n");
}

TEST_F(HashFamilyTest, ConversionKeepsTtlAndCharge) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(RunRaw({"expire", "h", "100"}), ":1\r\n");
  const uint64_t small = keyspace().Stats().used_bytes;
  Run({"hset", "h", "b", std::string(65, 'x')});
  EXPECT_EQ(EncodingOf("h"), "hashtable");
  EXPECT_EQ(RunRaw({"ttl", "h"}), ":100\r\n");
  EXPECT_GT(keyspace().Stats().used_bytes, small);
  EXPECT_EQ(RunRaw({"hget", "h", "a"}), "$1\r\n1\r\n");
  Run({"hdel", "h", "a", "b"});
  EXPECT_FALSE(Exists("h"));
}

TEST_F(HashFamilyTest, HIncrBy) {
  EXPECT_EQ(RunRaw({"hincrby", "h", "n", "5"}), ":5\r\n");
  EXPECT_EQ(RunRaw({"hincrby", "h", "n", "-7"}), ":-2\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", "n"}), "$2\r\n-2\r\n");
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{Ev(commands::kNotifyHash, "hincrby", "h"),
                                                    Ev(commands::kNotifyHash, "hincrby", "h")}));
  EXPECT_EQ(RunRaw({"hincrby", "h", "n", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"hincrby", "h", "n", "1.5"}), kNotInteger);
  EXPECT_EQ(RunRaw({"hincrby", "h", "n", "9223372036854775808"}), kNotInteger);
  Run({"hset", "h", "s", "abc", "sp", " 1", "z", "01", "big", "9223372036854775807"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"hincrby", "h", "s", "1"}), "-ERR hash value is not an integer\r\n");
  EXPECT_EQ(RunRaw({"hincrby", "h", "sp", "1"}), "-ERR hash value is not an integer\r\n");
  EXPECT_EQ(RunRaw({"hincrby", "h", "z", "1"}), "-ERR hash value is not an integer\r\n");
  EXPECT_EQ(RunRaw({"hincrby", "h", "big", "1"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(RunRaw({"hincrby", "h", "big", "-1"}), ":9223372036854775806\r\n");
  EXPECT_EQ(RunRaw({"hincrby", "h", "neg", "-9223372036854775808"}), ":-9223372036854775808\r\n");
  EXPECT_EQ(RunRaw({"hincrby", "h", "neg", "-1"}),
            "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(RunRaw({"hget", "h", "neg"}), "$20\r\n-9223372036854775808\r\n");
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{Ev(commands::kNotifyHash, "hincrby", "h"),
                                                    Ev(commands::kNotifyHash, "hincrby", "h")}));
  // A failed first write leaves no key behind.
  EXPECT_EQ(RunRaw({"hincrby", "new", "f", "x"}), kNotInteger);
  EXPECT_FALSE(Exists("new"));
}

TEST_F(HashFamilyTest, HIncrByFloat) {
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "-10.6"}), "$1\r\n0\r\n");
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "5.0e3"}), "$4\r\n5000\r\n");
  Run({"hset", "h", "i", "3"});
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "i", "1.25"}), "$4\r\n4.25\r\n");
  Run({"hset", "h", "s", "abc", "sp", " 1"});
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "s", "1"}), "-ERR hash value is not a float\r\n");
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "sp", "1"}), "-ERR hash value is not a float\r\n");
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "abc"}), kNotFloat);
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "nan"}), kNotFloat);
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "-inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "1e5000"}), kNotFloat);
  Run({"hset", "h", "huge", "1.1e4932"});
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "huge", "1.1e4932"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  TakeEvents();
  EXPECT_EQ(RunRaw({"hincrbyfloat", "h", "f", "1"}), "$4\r\n5001\r\n");
  EXPECT_EQ(TakeEvents(), std::vector<std::string>{Ev(commands::kNotifyHash, "hincrbyfloat", "h")});
  EXPECT_EQ(RunRaw({"hincrbyfloat", "new", "f", "inf"}), "-ERR value is NaN or Infinity\r\n");
  EXPECT_FALSE(Exists("new"));
}

TEST_F(HashFamilyTest, NotificationsOfWrites) {
  Run({"hset", "h", "a", "1"});
  Run({"hmset", "h", "b", "2"});
  Run({"hsetnx", "h", "a", "9"});  // not set: no event
  Run({"hget", "h", "a"});
  Run({"hgetall", "h"});
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{Ev(commands::kNotifyHash, "hset", "h"),
                                                    Ev(commands::kNotifyHash, "hset", "h")}));
}

TEST_F(HashFamilyTest, WritesDirtyWatchers) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(RunRaw({"watch", "h"}), "+OK\r\n");
  Run({"hincrby", "h", "a", "1"});
  Run({"multi"});
  Run({"hget", "h", "a"});
  EXPECT_EQ(RunRaw({"exec"}), "*-1\r\n");
  // A failed write does not.
  EXPECT_EQ(RunRaw({"watch", "h"}), "+OK\r\n");
  Run({"hincrby", "h", "missing-is-fine", "x"});
  Run({"hsetnx", "h", "a", "3"});
  Run({"multi"});
  Run({"hget", "h", "a"});
  EXPECT_EQ(RunRaw({"exec"}), "*1\r\n$1\r\n2\r\n");
}

TEST_F(HashFamilyTest, MemoryIsCharged) {
  const uint64_t before = keyspace().Stats().used_bytes;
  Fill("h", 10);
  const uint64_t small = keyspace().Stats().used_bytes;
  EXPECT_GT(small, before);
  for (int i = 0; i < 100; ++i) Run({"hset", "h", "x" + std::to_string(i), std::string(100, 'v')});
  EXPECT_EQ(EncodingOf("h"), "hashtable");
  EXPECT_GT(keyspace().Stats().used_bytes, small + 100 * 100);
  Run({"del", "h"});
  EXPECT_EQ(keyspace().Stats().used_bytes, before);
}

TEST_F(HashFamilyTest, HRandFieldArguments) {
  Run({"hset", "h", "a", "1"});
  EXPECT_EQ(RunRaw({"hrandfield", "h", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"hrandfield", "h", "1", "x"}), kSyntax);
  EXPECT_EQ(RunRaw({"hrandfield", "h", "1", "withvalues", "x"}), kSyntax);
  EXPECT_EQ(RunRaw({"hrandfield", "h", "x", "y"}), kNotInteger);
  EXPECT_EQ(RunRaw({"hrandfield", "h", "-9223372036854775808"}),
            "-ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "h", "4611686018427387904", "withvalues"}),
            "-ERR value is out of range\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "h", "-4611686018427387904", "withvalues"}),
            "-ERR value is out of range\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "h", "4611686018427387903", "WITHVALUES"}),
            "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  // Errors come before the lookup.
  EXPECT_EQ(RunRaw({"hrandfield", "missing", "1", "x"}), kSyntax);
  EXPECT_EQ(RunRaw({"hrandfield", "missing"}), kNil);
  EXPECT_EQ(RunRaw({"hrandfield", "missing", "5"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "missing", "-5", "withvalues"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "h", "0"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "h", "0", "withvalues"}), "*0\r\n");
  // Draws past the cap are refused instead of building a reply of that size.
  EXPECT_EQ(RunRaw({"hrandfield", "h", "-9223372036854775807"}), "-ERR value is out of range\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "missing", "-9223372036854775807"}), "*0\r\n");
}

TEST_F(HashFamilyTest, HRandFieldShapes) {
  Run({"hset", "one", "a", "1"});
  EXPECT_EQ(RunRaw({"hrandfield", "one"}), "$1\r\na\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "one", "-3"}), "*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "one", "-2", "withvalues"}),
            "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n");
  Run({"hset", "h", "x", "1", "y", "2", "z", "3"});
  // Counts reaching the size give the whole hash in HGETALL order.
  EXPECT_EQ(RunRaw({"hrandfield", "h", "3"}), "*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "h", "100", "withvalues"}),
            "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n");
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"hrandfield", "h", "100", "withvalues"}),
            "*3\r\n*2\r\n$1\r\nx\r\n$1\r\n1\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n*2\r\n$1\r\nz\r\n$1\r\n"
            "3\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "one", "-2", "withvalues"}),
            "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "one", "1"}), "*1\r\n$1\r\na\r\n");
  EXPECT_EQ(RunRaw({"hrandfield", "missing"}), "_\r\n");
}

TEST_F(HashFamilyTest, HRandFieldSamples) {
  for (const char* encoding : {"listpack", "hashtable"}) {
    SCOPED_TRACE(encoding);
    Run({"del", "h"});
    SetConfig("hash-max-listpack-entries", encoding == std::string("listpack") ? "512" : "4");
    Fill("h", 30);
    ASSERT_EQ(EncodingOf("h"), encoding);
    for (int count : {1, 2, 9, 10, 11, 29}) {
      RespValue v = Run({"hrandfield", "h", std::to_string(count)});
      ASSERT_EQ(v.elements.size(), static_cast<size_t>(count));
      std::vector<std::string> fields = Texts(v);
      EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()).size(), fields.size());
      for (const auto& f : fields) EXPECT_EQ(f[0], 'f');
    }
    RespValue wv = Run({"hrandfield", "h", "12", "withvalues"});
    ASSERT_EQ(wv.elements.size(), 24u);
    for (size_t i = 0; i < wv.elements.size(); i += 2) {
      EXPECT_EQ("v" + wv.elements[i].text.substr(1), wv.elements[i + 1].text);
    }
    // Negative counts repeat: 3000 draws from 30 fields reach them all, some twice.
    RespValue many = Run({"hrandfield", "h", "-3000"});
    ASSERT_EQ(many.elements.size(), 3000u);
    std::map<std::string, int> hits;
    for (const auto& e : many.elements) ++hits[e.text];
    EXPECT_EQ(hits.size(), 30u);
    // Single draws reach every field too.
    std::set<std::string> singles;
    for (int i = 0; i < 600; ++i) singles.insert(Run({"hrandfield", "h"}).text);
    EXPECT_EQ(singles.size(), 30u);
  }
}

TEST_F(HashFamilyTest, HScanListpack) {
  EXPECT_EQ(RunRaw({"hscan", "missing", "0"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(RunRaw({"hscan", "missing", "0", "count", "x"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(RunRaw({"hscan", "missing", "x"}), "-ERR invalid cursor\r\n");
  Run({"hset", "h", "a1", "1", "b1", "2", "a2", "3"});
  EXPECT_EQ(
      RunRaw({"hscan", "h", "0"}),
      "*2\r\n$1\r\n0\r\n*6\r\n$2\r\na1\r\n$1\r\n1\r\n$2\r\nb1\r\n$1\r\n2\r\n$2\r\na2\r\n$1\r\n3"
      "\r\n");
  EXPECT_EQ(RunRaw({"hscan", "h", "123", "match", "a*", "count", "1"}),
            "*2\r\n$1\r\n0\r\n*4\r\n$2\r\na1\r\n$1\r\n1\r\n$2\r\na2\r\n$1\r\n3\r\n");
  EXPECT_EQ(RunRaw({"hscan", "h", "0", "match", "*"}).substr(0, 15), "*2\r\n$1\r\n0\r\n*6\r\n");
  EXPECT_EQ(RunRaw({"hscan", "h", "0", "match", "zz"}), "*2\r\n$1\r\n0\r\n*0\r\n");
  EXPECT_EQ(RunRaw({"hscan", "h", "0", "count", "0"}), kSyntax);
  EXPECT_EQ(RunRaw({"hscan", "h", "0", "count", "-1"}), kSyntax);
  EXPECT_EQ(RunRaw({"hscan", "h", "0", "count", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"hscan", "h", "0", "count"}), kSyntax);
  EXPECT_EQ(RunRaw({"hscan", "h", "0", "type", "hash"}), kSyntax);
  EXPECT_EQ(RunRaw({"hscan", "h", "-1"}).substr(0, 15), "*2\r\n$1\r\n0\r\n*6\r\n");
  EXPECT_EQ(RunRaw({"hscan", "h", "18446744073709551616"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(RunRaw({"hscan", "h", " 1"}), "-ERR invalid cursor\r\n");
}

TEST_F(HashFamilyTest, HScanHashtableVisitsEverything) {
  SetConfig("hash-max-listpack-entries", "16");
  Fill("h", 500);
  ASSERT_EQ(EncodingOf("h"), "hashtable");
  std::map<std::string, std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    RespValue v = Run({"hscan", "h", cursor, "count", "20"});
    ASSERT_EQ(v.elements.size(), 2u);
    cursor = v.elements[0].text;
    const auto& items = v.elements[1].elements;
    ASSERT_EQ(items.size() % 2, 0u);
    for (size_t i = 0; i < items.size(); i += 2) seen[items[i].text] = items[i + 1].text;
    ++calls;
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_GT(calls, 5);
  for (const auto& [f, v] : seen) EXPECT_EQ("v" + f.substr(1), v);
  // MATCH filters what a step visited; a large COUNT covers all in one call.
  RespValue all = Run({"hscan", "h", "0", "count", "100000", "match", "f1?"});
  EXPECT_EQ(all.elements[0].text, "0");
  std::vector<std::string> fields;
  for (size_t i = 0; i < all.elements[1].elements.size(); i += 2)
    fields.push_back(all.elements[1].elements[i].text);
  std::sort(fields.begin(), fields.end());
  std::vector<std::string> expected;
  for (int i = 10; i < 20; ++i) expected.push_back("f" + std::to_string(i));
  EXPECT_EQ(fields, expected);
  // A huge COUNT is accepted.
  EXPECT_EQ(Run({"hscan", "h", "0", "count", "9223372036854775807"}).elements[1].elements.size(),
            1000u);
}

}  // namespace
}  // namespace cachet::test
