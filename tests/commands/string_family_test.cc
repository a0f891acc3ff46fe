// In-process tests of the string commands: replies, errors, encodings and TTLs.
#include <memory>
#include <string>

#include "cachet/config/config.h"
#include "command_fixture.h"

namespace cachet::test {
namespace {

// A non-string value, for WRONGTYPE paths (no list commands are needed to create it).
class FakeList : public storage::Collection {
 public:
  storage::ValueType type() const override { return storage::ValueType::kList; }
  storage::Encoding encoding() const override { return storage::Encoding::kQuicklist; }
  std::unique_ptr<storage::Collection> Clone() const override {
    return std::make_unique<FakeList>();
  }
  size_t MemoryUsage() const override { return sizeof(*this); }
  size_t ElementCount() const override { return 1; }
};

constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr const char* kSyntax = "-ERR syntax error\r\n";
constexpr const char* kNotInteger = "-ERR value is not an integer or out of range\r\n";
constexpr const char* kNotFloat = "-ERR value is not a valid float\r\n";
constexpr const char* kNil = "$-1\r\n";

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

class StringFamilyTest : public CommandTest {
 protected:
  void MakeList(const std::string& key) {
    storage::Access acc = keyspace().Lock(key);
    acc.Set(0, key, storage::Value::Object(std::make_unique<FakeList>()));
  }

  // The key's absolute expiry in ms; kNoExpire without one; -2 when missing.
  int64_t ExpireOf(const std::string& key) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(0, key, storage::kLookupNoStats | storage::kLookupNoTouch);
    return e ? e.expire_ms() : -2;
  }

  bool Exists(const std::string& key) { return ExpireOf(key) != -2; }

  int64_t Now() { return clock().NowMs(); }

  std::string InvalidExpire(const std::string& cmd) {
    return "-ERR invalid expire time in '" + cmd + "' command\r\n";
  }
};

// --- GET / SET ---

TEST_F(StringFamilyTest, GetAndSet) {
  EXPECT_EQ(RunRaw({"get", "k"}), kNil);
  EXPECT_EQ(RunRaw({"set", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(RunRaw({"SET", "k", "w"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"GeT", "k"}), "$1\r\nw\r\n");
  const std::string binary("a\0b\r\n\xff", 6);
  EXPECT_EQ(RunRaw({"set", binary, binary}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", binary}), Bulk(binary));
  EXPECT_EQ(RunRaw({"set", "empty", ""}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "empty"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"get"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(RunRaw({"get", "a", "b"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(RunRaw({"set", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
}

TEST_F(StringFamilyTest, NilIsRespThreeNull) {
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"get", "k"}), "_\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "v", "xx"}), "_\r\n");
  EXPECT_EQ(RunRaw({"mget", "a", "b"}), "*2\r\n_\r\n_\r\n");
}

TEST_F(StringFamilyTest, GetOfOtherTypeIsWrongType) {
  MakeList("l");
  EXPECT_EQ(RunRaw({"get", "l"}), kWrongType);
  EXPECT_EQ(RunRaw({"set", "l", "v", "get"}), kWrongType);
  EXPECT_EQ(RunRaw({"getset", "l", "v"}), kWrongType);
  EXPECT_EQ(RunRaw({"getdel", "l"}), kWrongType);
  EXPECT_EQ(RunRaw({"getex", "l"}), kWrongType);
  EXPECT_EQ(RunRaw({"getex", "l", "ex", "0"}), kWrongType);
  EXPECT_EQ(RunRaw({"append", "l", "v"}), kWrongType);
  EXPECT_EQ(RunRaw({"strlen", "l"}), kWrongType);
  EXPECT_EQ(RunRaw({"getrange", "l", "0", "1"}), kWrongType);
  EXPECT_EQ(RunRaw({"setrange", "l", "0", "x"}), kWrongType);
  EXPECT_EQ(RunRaw({"setrange", "l", "0", ""}), kWrongType);
  EXPECT_EQ(RunRaw({"incr", "l"}), kWrongType);
  EXPECT_EQ(RunRaw({"incrbyfloat", "l", "x"}), kWrongType);
  EXPECT_EQ(RunRaw({"lcs", "l", "x"}), "-ERR The specified keys must contain string values\r\n");
  // A plain SET replaces a value of any type.
  EXPECT_EQ(RunRaw({"set", "l", "v"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "l"}), "$1\r\nv\r\n");
}

TEST_F(StringFamilyTest, SetChoosesRedisEncodings) {
  Run({"set", "int", "12345"});
  EXPECT_EQ(EncodingOf("int"), "int");
  Run({"set", "min", "-9223372036854775808"});
  EXPECT_EQ(EncodingOf("min"), "int");
  Run({"set", "plus", "+1"});
  EXPECT_EQ(EncodingOf("plus"), "embstr");
  Run({"set", "lead0", "01"});
  EXPECT_EQ(EncodingOf("lead0"), "embstr");
  Run({"set", "over", "9223372036854775808"});
  EXPECT_EQ(EncodingOf("over"), "embstr");
  Run({"set", "e44", std::string(44, 'x')});
  EXPECT_EQ(EncodingOf("e44"), "embstr");
  Run({"set", "r45", std::string(45, 'x')});
  EXPECT_EQ(EncodingOf("r45"), "raw");
  EXPECT_EQ(RunRaw({"get", "int"}), "$5\r\n12345\r\n");
  EXPECT_EQ(RunRaw({"get", "min"}), Bulk("-9223372036854775808"));
}

TEST_F(StringFamilyTest, SetOptionConflictsAreSyntaxErrors) {
  for (const std::vector<std::string>& extra :
       std::vector<std::vector<std::string>>{{"nx", "xx"},
                                             {"xx", "nx"},
                                             {"ex", "10", "px", "10"},
                                             {"px", "10", "ex", "10"},
                                             {"ex", "10", "exat", "10"},
                                             {"pxat", "10", "px", "10"},
                                             {"exat", "10", "pxat", "10"},
                                             {"ex", "10", "keepttl"},
                                             {"keepttl", "ex", "10"},
                                             {"keepttl", "pxat", "10"},
                                             {"ex"},
                                             {"px"},
                                             {"nx", "exat"},
                                             {"persist"},
                                             {"foo"},
                                             {"nxx"},
                                             {"getx"}}) {
    std::vector<std::string> argv = {"set", "k", "v"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    EXPECT_EQ(RunRaw(argv), kSyntax) << argv[3];
  }
  EXPECT_FALSE(Exists("k"));
  // Repeating an option is allowed; the last expire wins.
  EXPECT_EQ(RunRaw({"set", "k", "v", "EX", "10", "ex", "20"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), Now() + 20000);
  EXPECT_EQ(RunRaw({"set", "k", "v", "nx", "NX"}), kNil);
  EXPECT_EQ(RunRaw({"set", "k", "w", "get", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "v", "keepttl", "keepttl"}), "+OK\r\n");
  // Redis compares options as C strings: what follows a NUL byte is not seen.
  EXPECT_EQ(RunRaw({"set", "k", "z", std::string("xx\0junk", 7)}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nz\r\n");
}

TEST_F(StringFamilyTest, SetNxXxAndGet) {
  EXPECT_EQ(RunRaw({"set", "k", "v", "xx"}), kNil);
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(RunRaw({"set", "k", "v", "nx"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "w", "nx"}), kNil);
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "w", "xx"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nw\r\n");
  // GET replies the old value whatever NX/XX decide.
  EXPECT_EQ(RunRaw({"set", "k", "x", "nx", "get"}), "$1\r\nw\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nw\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "x", "xx", "get"}), "$1\r\nw\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nx\r\n");
  EXPECT_EQ(RunRaw({"set", "n", "1", "xx", "get"}), kNil);
  EXPECT_FALSE(Exists("n"));
  EXPECT_EQ(RunRaw({"set", "n", "1", "nx", "get"}), kNil);
  EXPECT_EQ(RunRaw({"get", "n"}), "$1\r\n1\r\n");
  EXPECT_EQ(RunRaw({"set", "n", "2", "get"}), "$1\r\n1\r\n");
}

TEST_F(StringFamilyTest, SetExpireOptions) {
  const int64_t t0 = Now();
  EXPECT_EQ(RunRaw({"set", "k", "v", "ex", "10"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 10000);
  EXPECT_EQ(RunRaw({"set", "k", "v", "px", "1500"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 1500);
  EXPECT_EQ(RunRaw({"set", "k", "v", "exat", std::to_string(t0 / 1000 + 100)}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), (t0 / 1000 + 100) * 1000);
  EXPECT_EQ(RunRaw({"set", "k", "v", "pxat", std::to_string(t0 + 777)}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 777);
  // KEEPTTL keeps it; a plain SET drops it.
  EXPECT_EQ(RunRaw({"set", "k", "w", "keepttl"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 777);
  EXPECT_EQ(RunRaw({"set", "k", "w"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), storage::kNoExpire);
  // KEEPTTL on a new key sets none.
  EXPECT_EQ(RunRaw({"set", "fresh", "v", "keepttl"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("fresh"), storage::kNoExpire);
  // Largest absolute times are accepted.
  EXPECT_EQ(RunRaw({"set", "k", "v", "pxat", "9223372036854775807"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), INT64_MAX);
  EXPECT_EQ(RunRaw({"set", "k", "v", "exat", "9223372036854775"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), int64_t{9223372036854775} * 1000);
}

TEST_F(StringFamilyTest, SetExpiresWithTheClock) {
  EXPECT_EQ(RunRaw({"set", "k", "v", "px", "100"}), "+OK\r\n");
  clock().AdvanceMs(100);
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nv\r\n");  // expired only once now passes the time
  clock().AdvanceMs(1);
  EXPECT_EQ(RunRaw({"get", "k"}), kNil);
  EXPECT_EQ(RunRaw({"set", "k", "v", "ex", "2"}), "+OK\r\n");
  clock().AdvanceMs(1999);
  EXPECT_EQ(RunRaw({"strlen", "k"}), ":1\r\n");
  clock().AdvanceMs(2);
  EXPECT_EQ(RunRaw({"strlen", "k"}), ":0\r\n");
  // An expired key is missing for NX, XX and GET.
  EXPECT_EQ(RunRaw({"set", "k", "v", "px", "5"}), "+OK\r\n");
  clock().AdvanceMs(10);
  EXPECT_EQ(RunRaw({"set", "k", "w", "xx", "get"}), kNil);
  EXPECT_EQ(RunRaw({"set", "k", "w", "nx", "get"}), kNil);
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nw\r\n");
}

TEST_F(StringFamilyTest, SetInvalidExpireTimes) {
  for (const std::vector<std::string>& opt : std::vector<std::vector<std::string>>{
           {"ex", "0"},
           {"ex", "-1"},
           {"px", "0"},
           {"px", "-100"},
           {"exat", "0"},
           {"pxat", "0"},
           {"pxat", "-1"},
           {"ex", "9223372036854776"},     // seconds to ms overflows
           {"ex", "9223372036854775"},     // fits in ms, overflows when now is added
           {"px", "9223372036854775807"},  // overflows when now is added
           {"exat", "9223372036854776"}}) {
    std::vector<std::string> argv = {"set", "k", "v", opt[0], opt[1]};
    EXPECT_EQ(RunRaw(argv), InvalidExpire("set")) << opt[0] << " " << opt[1];
  }
  EXPECT_EQ(RunRaw({"set", "k", "v", "ex", "abc"}), kNotInteger);
  EXPECT_EQ(RunRaw({"set", "k", "v", "ex", "1.5"}), kNotInteger);
  EXPECT_EQ(RunRaw({"set", "k", "v", "px", " 1"}), kNotInteger);
  EXPECT_EQ(RunRaw({"set", "k", "v", "ex", "+1"}), kNotInteger);
  EXPECT_FALSE(Exists("k"));
  // The expire time is checked before GET looks at the old value's type.
  MakeList("l");
  EXPECT_EQ(RunRaw({"set", "l", "v", "get", "ex", "0"}), InvalidExpire("set"));
  EXPECT_EQ(RunRaw({"setex", "k", "0", "v"}), InvalidExpire("setex"));
  EXPECT_EQ(RunRaw({"setex", "k", "-5", "v"}), InvalidExpire("setex"));
  EXPECT_EQ(RunRaw({"psetex", "k", "0", "v"}), InvalidExpire("psetex"));
  EXPECT_EQ(RunRaw({"psetex", "k", "-5", "v"}), InvalidExpire("psetex"));
  EXPECT_EQ(RunRaw({"setex", "k", "x", "v"}), kNotInteger);
  EXPECT_FALSE(Exists("k"));
}

TEST_F(StringFamilyTest, SetWithAbsoluteTimeInThePastLeavesNothingVisible) {
  EXPECT_EQ(RunRaw({"set", "k", "old"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "v", "pxat", "1"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), kNil);
  EXPECT_EQ(RunRaw({"set", "k", "a"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "b", "exat", "1", "get"}), "$1\r\na\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), kNil);
  EXPECT_EQ(RunRaw({"set", "k", "c", "pxat", std::to_string(Now() - 1), "nx"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"strlen", "k"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"set", "k", "c", "pxat", std::to_string(Now() - 1), "xx"}), kNil);
}

TEST_F(StringFamilyTest, SetExPSetExSetNxGetSet) {
  const int64_t t0 = Now();
  EXPECT_EQ(RunRaw({"setex", "k", "10", "v"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 10000);
  EXPECT_EQ(RunRaw({"psetex", "k", "10", "w"}), "+OK\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 10);
  EXPECT_EQ(RunRaw({"get", "k"}), "$1\r\nw\r\n");
  clock().AdvanceMs(11);
  EXPECT_EQ(RunRaw({"get", "k"}), kNil);
  EXPECT_EQ(RunRaw({"setex", "k", "abc", "v"}), kNotInteger);
  EXPECT_EQ(RunRaw({"setex", "k", "10"}), "-ERR wrong number of arguments for 'setex' command\r\n");

  EXPECT_EQ(RunRaw({"setnx", "n", "1"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"setnx", "n", "2"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"get", "n"}), "$1\r\n1\r\n");
  MakeList("l");
  EXPECT_EQ(RunRaw({"setnx", "l", "2"}), ":0\r\n");

  EXPECT_EQ(RunRaw({"getset", "g", "1"}), kNil);
  EXPECT_EQ(RunRaw({"getset", "g", "2"}), "$1\r\n1\r\n");
  EXPECT_EQ(RunRaw({"setex", "g", "100", "3"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"getset", "g", "4"}), "$1\r\n3\r\n");
  EXPECT_EQ(ExpireOf("g"), storage::kNoExpire);  // GETSET drops the TTL
  EXPECT_EQ(EncodingOf("g"), "int");
}

// --- GETDEL / GETEX ---

TEST_F(StringFamilyTest, GetDel) {
  EXPECT_EQ(RunRaw({"getdel", "k"}), kNil);
  Run({"set", "k", "12"});
  EXPECT_EQ(RunRaw({"getdel", "k"}), "$2\r\n12\r\n");
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(RunRaw({"getdel", "k"}), kNil);
}

TEST_F(StringFamilyTest, GetExOptions) {
  const int64_t t0 = Now();
  EXPECT_EQ(RunRaw({"getex", "k"}), kNil);
  EXPECT_EQ(RunRaw({"getex", "k", "ex", "0"}), kNil);  // a missing key wins over the time
  EXPECT_EQ(RunRaw({"getex", "k", "ex", "abc"}), kNil);
  Run({"set", "k", "v"});
  EXPECT_EQ(RunRaw({"getex", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireOf("k"), storage::kNoExpire);
  EXPECT_EQ(RunRaw({"getex", "k", "ex", "10"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 10000);
  EXPECT_EQ(RunRaw({"getex", "k", "px", "10"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 10);
  EXPECT_EQ(RunRaw({"getex", "k", "pxat", std::to_string(t0 + 50)}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 50);
  EXPECT_EQ(RunRaw({"getex", "k", "exat", std::to_string(t0 / 1000 + 9)}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireOf("k"), (t0 / 1000 + 9) * 1000);
  EXPECT_EQ(RunRaw({"getex", "k", "persist"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireOf("k"), storage::kNoExpire);
  EXPECT_EQ(RunRaw({"getex", "k", "persist"}), "$1\r\nv\r\n");
  // Errors: syntax first, then the time (only for an existing string).
  EXPECT_EQ(RunRaw({"getex", "k", "ex", "0"}), InvalidExpire("getex"));
  EXPECT_EQ(RunRaw({"getex", "k", "px", "-1"}), InvalidExpire("getex"));
  EXPECT_EQ(RunRaw({"getex", "k", "ex", "9223372036854776"}), InvalidExpire("getex"));
  EXPECT_EQ(RunRaw({"getex", "k", "ex", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"getex", "nokey", "ex"}), kSyntax);
  for (const std::vector<std::string>& bad :
       std::vector<std::vector<std::string>>{{"persist", "ex", "10"},
                                             {"ex", "10", "persist"},
                                             {"ex", "10", "px", "10"},
                                             {"keepttl"},
                                             {"nx"},
                                             {"xx"},
                                             {"get"},
                                             {"ex"}}) {
    std::vector<std::string> argv = {"getex", "k"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    EXPECT_EQ(RunRaw(argv), kSyntax) << bad[0];
  }
  EXPECT_EQ(RunRaw({"getex", "k", "ex", "10", "ex", "20"}), "$1\r\nv\r\n");
  EXPECT_EQ(ExpireOf("k"), t0 + 20000);
}

TEST_F(StringFamilyTest, GetExAbsoluteTimeInThePastDeletes) {
  Run({"set", "k", "v"});
  EXPECT_EQ(RunRaw({"getex", "k", "exat", "1"}), "$1\r\nv\r\n");
  EXPECT_FALSE(Exists("k"));
  Run({"set", "k", "v"});
  EXPECT_EQ(RunRaw({"getex", "k", "pxat", std::to_string(Now())}), "$1\r\nv\r\n");
  EXPECT_FALSE(Exists("k"));
  Run({"set", "k", "v"});
  EXPECT_EQ(RunRaw({"getex", "k", "pxat", std::to_string(Now() + 1)}), "$1\r\nv\r\n");
  EXPECT_TRUE(Exists("k"));
}

// --- MGET / MSET / MSETNX ---

TEST_F(StringFamilyTest, MGetMSet) {
  EXPECT_EQ(RunRaw({"mset", "a", "1", "b", "2", "c", "3"}), "+OK\r\n");
  MakeList("l");
  EXPECT_EQ(RunRaw({"mget", "a", "nokey", "l", "c", "a"}),
            "*5\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n3\r\n$1\r\n1\r\n");
  EXPECT_EQ(RunRaw({"mset", "a", "x", "a", "y"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "a"}), "$1\r\ny\r\n");
  EXPECT_EQ(RunRaw({"mset", "a"}), "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(RunRaw({"mset", "a", "1", "b"}),
            "-ERR wrong number of arguments for 'mset' command\r\n");
  EXPECT_EQ(RunRaw({"mget"}), "-ERR wrong number of arguments for 'mget' command\r\n");
  // MSET replaces values of any type and drops TTLs.
  Run({"set", "t", "v", "ex", "100"});
  EXPECT_EQ(RunRaw({"mset", "l", "s", "t", "w"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "l"}), "$1\r\ns\r\n");
  EXPECT_EQ(ExpireOf("t"), storage::kNoExpire);
}

TEST_F(StringFamilyTest, MSetManyKeysAcrossShards) {
  std::vector<std::string> mset = {"mset"};
  std::vector<std::string> mget = {"mget"};
  std::string expected = "*100\r\n";
  for (int i = 0; i < 100; ++i) {
    mset.push_back("key:" + std::to_string(i));
    mset.push_back(std::to_string(i * 7));
    mget.push_back("key:" + std::to_string(i));
    expected += Bulk(std::to_string(i * 7));
  }
  EXPECT_EQ(RunRaw(mset), "+OK\r\n");
  EXPECT_EQ(RunRaw(mget), expected);
}

TEST_F(StringFamilyTest, MSetNxIsAllOrNothing) {
  EXPECT_EQ(RunRaw({"msetnx", "a", "1", "b", "2"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"msetnx", "c", "3", "b", "9", "d", "4"}), ":0\r\n");
  EXPECT_FALSE(Exists("c"));
  EXPECT_FALSE(Exists("d"));
  EXPECT_EQ(RunRaw({"get", "b"}), "$1\r\n2\r\n");
  EXPECT_EQ(RunRaw({"msetnx", "c", "3", "c", "4"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"get", "c"}), "$1\r\n4\r\n");
  MakeList("l");
  EXPECT_EQ(RunRaw({"msetnx", "l", "1", "x", "1"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"msetnx", "x", "1", "y"}),
            "-ERR wrong number of arguments for 'msetnx' command\r\n");
  // An expired key counts as missing.
  Run({"set", "e", "v", "px", "1"});
  clock().AdvanceMs(2);
  EXPECT_EQ(RunRaw({"msetnx", "e", "1", "f", "2"}), ":1\r\n");
}

// --- Counters ---

TEST_F(StringFamilyTest, IncrDecr) {
  EXPECT_EQ(RunRaw({"incr", "n"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"incrby", "n", "41"}), ":42\r\n");
  EXPECT_EQ(RunRaw({"decr", "n"}), ":41\r\n");
  EXPECT_EQ(RunRaw({"decrby", "n", "50"}), ":-9\r\n");
  EXPECT_EQ(RunRaw({"decrby", "m", "-5"}), ":5\r\n");
  EXPECT_EQ(EncodingOf("n"), "int");
  EXPECT_EQ(RunRaw({"get", "n"}), "$2\r\n-9\r\n");
  Run({"set", "s", "100"});
  EXPECT_EQ(RunRaw({"incr", "s"}), ":101\r\n");
  Run({"set", "e", std::string(30, '1')});
  EXPECT_EQ(RunRaw({"incr", "e"}), kNotInteger);
  for (const char* bad : {"abc", " 1", "1 ", "+1", "01", "-0", "1.5", "", "1\r"}) {
    Run({"set", "b", bad});
    EXPECT_EQ(RunRaw({"incr", "b"}), kNotInteger) << bad;
  }
  EXPECT_EQ(RunRaw({"incrby", "n", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"incrby", "n", "1.0"}), kNotInteger);
  EXPECT_EQ(RunRaw({"incrby", "n", "9223372036854775808"}), kNotInteger);
  EXPECT_EQ(RunRaw({"decrby", "n", ""}), kNotInteger);
  // The increment is parsed before the key's type is looked at.
  MakeList("l");
  EXPECT_EQ(RunRaw({"incrby", "l", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"incrby", "l", "1"}), kWrongType);
}

TEST_F(StringFamilyTest, IncrOverflow) {
  Run({"set", "max", "9223372036854775807"});
  EXPECT_EQ(RunRaw({"incr", "max"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(RunRaw({"incrby", "max", "0"}), ":9223372036854775807\r\n");
  EXPECT_EQ(RunRaw({"decrby", "max", "-1"}), "-ERR increment or decrement would overflow\r\n");
  Run({"set", "min", "-9223372036854775808"});
  EXPECT_EQ(RunRaw({"decr", "min"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(RunRaw({"incrby", "min", "-1"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(RunRaw({"incrby", "min", "9223372036854775807"}), ":-1\r\n");
  EXPECT_EQ(RunRaw({"decrby", "x", "-9223372036854775808"}), "-ERR decrement would overflow\r\n");
  EXPECT_EQ(RunRaw({"incrby", "x", "-9223372036854775808"}), ":-9223372036854775808\r\n");
  EXPECT_EQ(RunRaw({"get", "max"}), Bulk("9223372036854775807"));
}

TEST_F(StringFamilyTest, CountersKeepTheTtl) {
  Run({"set", "n", "5", "px", "1000"});
  const int64_t when = ExpireOf("n");
  EXPECT_EQ(RunRaw({"incr", "n"}), ":6\r\n");
  EXPECT_EQ(ExpireOf("n"), when);
  EXPECT_EQ(RunRaw({"incrbyfloat", "n", "0.5"}), "$3\r\n6.5\r\n");
  EXPECT_EQ(ExpireOf("n"), when);
  clock().AdvanceMs(1001);
  EXPECT_EQ(RunRaw({"incr", "n"}), ":1\r\n");
  EXPECT_EQ(ExpireOf("n"), storage::kNoExpire);
}

TEST_F(StringFamilyTest, IncrByFloatFormatting) {
  struct Case {
    const char* start;  // nullptr: the key is missing
    const char* incr;
    const char* result;
  };
  for (const Case& c : std::initializer_list<Case>{
           {nullptr, "10.50", "10.5"},
           {nullptr, "3.0e3", "3000"},
           {nullptr, "5.0e3", "5000"},
           {nullptr, "1e-20", "0"},
           {nullptr, "-1e-18", "0"},
           {nullptr, "-0", "0"},
           {nullptr, "0x10", "16"},
           {nullptr, "1.23456789012345678901", "1.23456789012345679"},
           {"0.1", "0.2", "0.3"},
           {"10", "-10", "0"},
           {"-3", "1.5", "-1.5"},
           {"3", "1e-20", "3"},
           {"1.5", "1", "2.5"},
           {"5", "0", "5"},
       }) {
    {
      storage::Access acc = keyspace().Lock("f");
      acc.Delete(0, "f");
    }
    if (c.start) Run({"set", "f", c.start});
    EXPECT_EQ(RunRaw({"incrbyfloat", "f", c.incr}), Bulk(c.result))
        << (c.start ? c.start : "(none)") << " + " << c.incr;
    EXPECT_EQ(RunRaw({"get", "f"}), Bulk(c.result));
  }
}

TEST_F(StringFamilyTest, IncrByFloatHugeValues) {
  std::string out = RunRaw({"incrbyfloat", "h", "1e300"});
  ASSERT_EQ(out.substr(0, 7), "$301\r\n1");
  EXPECT_EQ(out.substr(6, 20), "10000000000000000000");
  EXPECT_EQ(EncodingOf("h"), "raw");
  out = RunRaw({"incrbyfloat", "h2", "1.5e4000"});
  EXPECT_EQ(out.substr(0, 12), "$4001\r\n15000");
  EXPECT_EQ(RunRaw({"incrbyfloat", "m", "1.7976931348623157e308"}).substr(0, 6), "$309\r\n");
}

TEST_F(StringFamilyTest, IncrByFloatErrors) {
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", "abc"}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", ""}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", " 1"}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", "1 "}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", "nan"}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", "1e5000"}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", "1e-5000"}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", std::string("1\0002", 3)}), kNotFloat);
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", "inf"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  EXPECT_EQ(RunRaw({"incrbyfloat", "f", "-inf"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  EXPECT_FALSE(Exists("f"));
  Run({"set", "big", "1e4932"});
  EXPECT_EQ(RunRaw({"incrbyfloat", "big", "1e4932"}),
            "-ERR increment would produce NaN or Infinity\r\n");
  Run({"set", "s", "abc"});
  EXPECT_EQ(RunRaw({"incrbyfloat", "s", "1"}), kNotFloat);
  // Strings of 5120 bytes or more are not numbers; shorter ones are.
  const std::string long_ok = "1." + std::string(5117, '0');
  const std::string too_long = "1." + std::string(5118, '0');
  EXPECT_EQ(RunRaw({"incrbyfloat", "x", long_ok}), Bulk("1"));
  EXPECT_EQ(RunRaw({"incrbyfloat", "x", too_long}), kNotFloat);
  Run({"set", "y", too_long});
  EXPECT_EQ(RunRaw({"incrbyfloat", "y", "1"}), kNotFloat);
}

// The encoding Redis gives INCRBYFLOAT results that read as integers is embstr; the storage
// layer offers no way to store an integer-looking string unencoded, so it is int here.
TEST_F(StringFamilyTest, IncrByFloatIntegerResultIsEmbstr) {
  Run({"incrbyfloat", "f", "3"});
  EXPECT_EQ(EncodingOf("f"), "embstr");
  Run({"set", "g", "10"});
  EXPECT_EQ(EncodingOf("g"), "int");
  EXPECT_EQ(RunRaw({"incrbyfloat", "g", "1"}), "$2\r\n11\r\n");
  EXPECT_EQ(EncodingOf("g"), "embstr");
  EXPECT_EQ(RunRaw({"incr", "g"}), ":12\r\n");
  EXPECT_EQ(EncodingOf("g"), "int");
}

// --- APPEND / STRLEN / GETRANGE / SETRANGE ---

TEST_F(StringFamilyTest, AppendAndStrlen) {
  EXPECT_EQ(RunRaw({"strlen", "k"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"append", "k", "12"}), ":2\r\n");
  EXPECT_EQ(EncodingOf("k"), "int");  // created as SET creates it
  EXPECT_EQ(RunRaw({"append", "k", "34"}), ":4\r\n");
  EXPECT_EQ(EncodingOf("k"), "raw");
  EXPECT_EQ(RunRaw({"get", "k"}), "$4\r\n1234\r\n");
  EXPECT_EQ(RunRaw({"strlen", "k"}), ":4\r\n");
  Run({"set", "e", "abc"});
  EXPECT_EQ(RunRaw({"append", "e", ""}), ":3\r\n");
  EXPECT_EQ(EncodingOf("e"), "raw");
  Run({"set", "n", "-123"});
  EXPECT_EQ(RunRaw({"strlen", "n"}), ":4\r\n");
  const std::string bin("\0\x01\xff", 3);
  EXPECT_EQ(RunRaw({"append", "n", bin}), ":7\r\n");
  EXPECT_EQ(RunRaw({"get", "n"}), Bulk("-123" + bin));
  Run({"set", "t", "v", "ex", "100"});
  const int64_t when = ExpireOf("t");
  EXPECT_EQ(RunRaw({"append", "t", "w"}), ":2\r\n");
  EXPECT_EQ(ExpireOf("t"), when);
}

TEST_F(StringFamilyTest, AppendRespectsProtoMaxBulkLen) {
  ASSERT_TRUE(server_.config().Set("proto-max-bulk-len", "1mb").ok);
  Run({"set", "k", std::string(1024 * 1024 - 1, 'x')});
  EXPECT_EQ(RunRaw({"append", "k", "yz"}),
            "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n");
  EXPECT_EQ(RunRaw({"append", "k", "y"}), ":1048576\r\n");
}

TEST_F(StringFamilyTest, GetRange) {
  Run({"set", "k", "Hello World"});
  EXPECT_EQ(RunRaw({"getrange", "k", "0", "4"}), "$5\r\nHello\r\n");
  EXPECT_EQ(RunRaw({"getrange", "k", "-5", "-1"}), "$5\r\nWorld\r\n");
  EXPECT_EQ(RunRaw({"getrange", "k", "0", "-1"}), Bulk("Hello World"));
  EXPECT_EQ(RunRaw({"getrange", "k", "0", "100"}), Bulk("Hello World"));
  EXPECT_EQ(RunRaw({"getrange", "k", "-100", "2"}), "$3\r\nHel\r\n");
  EXPECT_EQ(RunRaw({"getrange", "k", "5", "3"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"getrange", "k", "-1", "-5"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"getrange", "k", "20", "30"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"getrange", "k", "-9223372036854775808", "9223372036854775807"}),
            Bulk("Hello World"));
  EXPECT_EQ(RunRaw({"getrange", "k", "9223372036854775807", "-9223372036854775808"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"substr", "k", "6", "-1"}), "$5\r\nWorld\r\n");
  Run({"set", "n", "12345"});
  EXPECT_EQ(RunRaw({"getrange", "n", "1", "2"}), "$2\r\n23\r\n");
  Run({"set", "e", ""});
  EXPECT_EQ(RunRaw({"getrange", "e", "0", "-1"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"getrange", "nokey", "0", "-1"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"getrange", "nokey", "a", "0"}), kNotInteger);
  EXPECT_EQ(RunRaw({"getrange", "k", "0", "1.5"}), kNotInteger);
}

TEST_F(StringFamilyTest, SetRange) {
  EXPECT_EQ(RunRaw({"setrange", "k", "0", ""}), ":0\r\n");
  EXPECT_FALSE(Exists("k"));
  EXPECT_EQ(RunRaw({"setrange", "k", "3", "ab"}), ":5\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), Bulk(std::string("\0\0\0ab", 5)));
  EXPECT_EQ(EncodingOf("k"), "raw");
  Run({"set", "h", "Hello World"});
  EXPECT_EQ(RunRaw({"setrange", "h", "6", "Redis"}), ":11\r\n");
  EXPECT_EQ(RunRaw({"get", "h"}), Bulk("Hello Redis"));
  EXPECT_EQ(RunRaw({"setrange", "h", "0", "J"}), ":11\r\n");
  EXPECT_EQ(RunRaw({"setrange", "h", "13", "!"}), ":14\r\n");
  EXPECT_EQ(RunRaw({"get", "h"}), Bulk(std::string("Jello Redis\0\0!", 14)));
  Run({"set", "n", "1234"});
  EXPECT_EQ(RunRaw({"setrange", "n", "1", ""}), ":4\r\n");
  EXPECT_EQ(EncodingOf("n"), "int");  // an empty write changes nothing
  EXPECT_EQ(RunRaw({"setrange", "n", "1", "x"}), ":4\r\n");
  EXPECT_EQ(EncodingOf("n"), "raw");
  EXPECT_EQ(RunRaw({"get", "n"}), "$4\r\n1x34\r\n");
  EXPECT_EQ(RunRaw({"setrange", "n", "-1", "x"}), "-ERR offset is out of range\r\n");
  EXPECT_EQ(RunRaw({"setrange", "nokey", "-1", ""}), "-ERR offset is out of range\r\n");
  EXPECT_EQ(RunRaw({"setrange", "n", "x", "x"}), kNotInteger);
  Run({"set", "t", "v", "ex", "100"});
  const int64_t when = ExpireOf("t");
  EXPECT_EQ(RunRaw({"setrange", "t", "1", "w"}), ":2\r\n");
  EXPECT_EQ(ExpireOf("t"), when);
}

TEST_F(StringFamilyTest, SetRangeLimits) {
  const std::string too_big = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
  EXPECT_EQ(RunRaw({"setrange", "k", "536870912", "x"}), too_big);
  EXPECT_EQ(RunRaw({"setrange", "k", "536870911", "xy"}), too_big);
  EXPECT_EQ(RunRaw({"setrange", "k", "9223372036854775807", "x"}), too_big);
  EXPECT_EQ(RunRaw({"setrange", "k", "9223372036854775807", ""}), ":0\r\n");
  Run({"set", "s", "hello"});
  EXPECT_EQ(RunRaw({"setrange", "s", "9223372036854775806", "xy"}), too_big);
  EXPECT_EQ(RunRaw({"setrange", "s", "9223372036854775807", ""}), ":5\r\n");
  EXPECT_FALSE(Exists("k"));
  ASSERT_TRUE(server_.config().Set("proto-max-bulk-len", "1mb").ok);
  EXPECT_EQ(RunRaw({"setrange", "k", "1048576", "x"}), too_big);
  EXPECT_EQ(RunRaw({"setrange", "k", "1048575", "x"}), ":1048576\r\n");
}

// --- LCS ---

TEST_F(StringFamilyTest, Lcs) {
  Run({"mset", "key1", "ohmytext", "key2", "mynewtext"});
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2"}), "$6\r\nmytext\r\n");
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "LEN"}), ":6\r\n");
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "idx"}),
            "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n"
            ":2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"}),
            "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
            "$3\r\nlen\r\n:6\r\n");
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "minmatchlen", "-5", "idx"}),
            RunRaw({"lcs", "key1", "key2", "idx"}));
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "len", "idx"}),
            "-ERR If you want both the length and indexes, please just use IDX.\r\n");
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "idx", "minmatchlen"}), kSyntax);
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "minmatchlen", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "foo"}), kSyntax);
  EXPECT_EQ(RunRaw({"lcs", "nokey", "key2"}), "$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"lcs", "nokey", "nokey2", "idx"}),
            "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n");
  EXPECT_EQ(RunRaw({"lcs", "key1", "key1"}), "$8\r\nohmytext\r\n");
  // The type check comes before the options are parsed.
  MakeList("l");
  EXPECT_EQ(RunRaw({"lcs", "key1", "l", "foo"}),
            "-ERR The specified keys must contain string values\r\n");
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"lcs", "key1", "key2", "idx", "withmatchlen"}),
            "%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n"
            "*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n");
}

TEST_F(StringFamilyTest, LcsTableLimit) {
  ASSERT_TRUE(server_.config().Set("proto-max-bulk-len", "1mb").ok);
  // A table of (511 + 1) * (511 + 1) cells of 4 bytes is exactly 1 MiB: allowed.
  Run({"set", "a", std::string(511, 'a')});
  Run({"set", "b", std::string(511, 'a')});
  EXPECT_EQ(RunRaw({"lcs", "a", "b", "len"}), ":511\r\n");
  Run({"set", "a", std::string(1000, 'a')});
  Run({"set", "b", std::string(1000, 'b')});
  EXPECT_EQ(RunRaw({"lcs", "a", "b", "len"}),
            "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n");
}

// --- The command table ---

TEST_F(StringFamilyTest, TableEntriesMatchRedis) {
  struct Expect {
    const char* name;
    int arity;
    const char* flags;
    int first, last, step;
    const char* acl;
  };
  for (const Expect& x : std::initializer_list<Expect>{
           {"get", 2, "readonly fast", 1, 1, 1, "read string fast"},
           {"set", -3, "write denyoom", 1, 1, 1, "write string slow"},
           {"setex", 4, "write denyoom", 1, 1, 1, "write string slow"},
           {"psetex", 4, "write denyoom", 1, 1, 1, "write string slow"},
           {"setnx", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"getset", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"getdel", 2, "write fast", 1, 1, 1, "write string fast"},
           {"getex", -2, "write fast", 1, 1, 1, "write string fast"},
           {"mget", -2, "readonly fast", 1, -1, 1, "read string fast"},
           {"mset", -3, "write denyoom", 1, -1, 2, "write string slow"},
           {"msetnx", -3, "write denyoom", 1, -1, 2, "write string slow"},
           {"incr", 2, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"decr", 2, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"incrby", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"decrby", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"append", 3, "write denyoom fast", 1, 1, 1, "write string fast"},
           {"strlen", 2, "readonly fast", 1, 1, 1, "read string fast"},
           {"getrange", 4, "readonly", 1, 1, 1, "read string slow"},
           {"substr", 4, "readonly", 1, 1, 1, "read string slow"},
           {"setrange", 4, "write denyoom", 1, 1, 1, "write string slow"},
           {"lcs", -3, "readonly", 1, 2, 1, "read string slow"}}) {
    const commands::CommandSpec* spec = registry_.Find(x.name);
    ASSERT_NE(spec, nullptr) << x.name;
    EXPECT_EQ(spec->arity, x.arity) << x.name;
    EXPECT_EQ(spec->flag_bits, commands::ParseFlags(x.flags)) << x.name;
    EXPECT_EQ(spec->first_key, x.first) << x.name;
    EXPECT_EQ(spec->last_key, x.last) << x.name;
    EXPECT_EQ(spec->step, x.step) << x.name;
    EXPECT_EQ(spec->acl, x.acl) << x.name;
    EXPECT_EQ(spec->group, "string") << x.name;
    ASSERT_EQ(spec->key_specs.size(), 1u) << x.name;
  }
  std::vector<size_t> keys;
  ASSERT_TRUE(commands::GetKeys(*registry_.Find("lcs"), {"lcs", "a", "b", "len"}, &keys));
  EXPECT_EQ(keys, (std::vector<size_t>{1, 2}));
  ASSERT_TRUE(commands::GetKeys(*registry_.Find("mget"), {"mget", "a", "b", "c"}, &keys));
  EXPECT_EQ(keys, (std::vector<size_t>{1, 2, 3}));
}

// Redis's COMMAND GETKEYS mset a 1 b 2 answers a and b: a range whose last key is -1 ends on
// the last argument, which with a key step of 2 is a value, not a key.
TEST_F(StringFamilyTest, MSetKeysStepOverValues) {
  std::vector<size_t> keys;
  ASSERT_TRUE(commands::GetKeys(*registry_.Find("mset"), {"mset", "a", "1", "b", "2"}, &keys));
  EXPECT_EQ(keys, (std::vector<size_t>{1, 3}));
}

}  // namespace
}  // namespace cachet::test
