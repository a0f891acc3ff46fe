// In-process tests of the list commands: replies, errors, notifications and blocking calls.
#include <string>
#include <vector>

#include "cachet/commands/notify.h"
#include "cachet/storage/list_value.h"
#include "command_fixture.h"

namespace cachet::test {
namespace {

constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr const char* kSyntax = "-ERR syntax error\r\n";
constexpr const char* kNotInteger = "-ERR value is not an integer or out of range\r\n";
constexpr const char* kNil = "$-1\r\n";
constexpr const char* kNilArray = "*-1\r\n";

std::string Bulk(const std::string& s) {
  return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

// A RESP2 array of bulk strings.
std::string Array(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const auto& s : items) out += Bulk(s);
  return out;
}

class ListFamilyTest : public CommandTest {
 protected:
  // (class, event, key) of every notification since the last call.
  std::vector<std::string> TakeEvents() {
    std::vector<std::string> out;
    for (const auto& e : server_.events) {
      std::string cls = e.notify_class == commands::kNotifyList      ? "l"
                        : e.notify_class == commands::kNotifyGeneric ? "g"
                                                                     : "?";
      out.push_back(cls + ":" + e.event + ":" + e.key);
    }
    server_.events.clear();
    return out;
  }

  bool Exists(const std::string& key) {
    storage::Access acc = keyspace().Lock(key);
    return static_cast<bool>(acc.Find(0, key, storage::kLookupNoStats | storage::kLookupNoTouch));
  }

  // The list value at key, checked for internal consistency.
  void CheckList(const std::string& key) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(0, key, storage::kLookupNoStats | storage::kLookupNoTouch);
    ASSERT_TRUE(e);
    ASSERT_EQ(e.type(), storage::ValueType::kList);
    e.object_as<storage::ListValue>()->CheckInvariants();
  }
};

// --- Pushes ---

TEST_F(ListFamilyTest, PushCreatesAndGrows) {
  EXPECT_EQ(RunRaw({"rpush", "l", "a", "b"}), ":2\r\n");
  EXPECT_EQ(RunRaw({"lpush", "l", "x", "y"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "0", "-1"}), Array({"y", "x", "a", "b"}));
  EXPECT_EQ(RunRaw({"type", "l"}), "+list\r\n");
  EXPECT_EQ(RunRaw({"object", "encoding", "l"}), Bulk("quicklist"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:rpush:l", "l:lpush:l"}));
  EXPECT_EQ(RunRaw({"lpush", "l"}), "-ERR wrong number of arguments for 'lpush' command\r\n");
}

TEST_F(ListFamilyTest, PushXOnlyOntoExistingLists) {
  EXPECT_EQ(RunRaw({"lpushx", "l", "a"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"rpushx", "l", "a", "b"}), ":0\r\n");
  EXPECT_FALSE(Exists("l"));
  EXPECT_TRUE(TakeEvents().empty());
  RunRaw({"rpush", "l", "m"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"lpushx", "l", "a", "b"}), ":3\r\n");
  EXPECT_EQ(RunRaw({"rpushx", "l", "z"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "0", "-1"}), Array({"b", "a", "m", "z"}));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:lpush:l", "l:rpush:l"}));
}

TEST_F(ListFamilyTest, WrongTypeEverywhere) {
  RunRaw({"set", "s", "v"});
  server_.events.clear();  // SET's own event
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"lpush", "s", "a"},
           {"rpushx", "s", "a"},
           {"lpop", "s"},
           {"rpop", "s", "2"},
           {"llen", "s"},
           {"lrange", "s", "0", "1"},
           {"lindex", "s", "0"},
           {"lset", "s", "0", "v"},
           {"linsert", "s", "before", "a", "b"},
           {"lrem", "s", "0", "a"},
           {"ltrim", "s", "0", "1"},
           {"lpos", "s", "a"},
           {"lmove", "s", "d", "left", "right"},
           {"rpoplpush", "s", "d"},
           {"lmpop", "1", "s", "left"},
           {"blpop", "s", "0"},
           {"brpop", "nokey", "s", "0"},
           {"blmove", "s", "d", "left", "left", "0"},
           {"brpoplpush", "s", "d", "0"},
           {"blmpop", "0", "1", "s", "left"},
       }) {
    EXPECT_EQ(RunRaw(argv), kWrongType) << argv[0];
  }
  EXPECT_TRUE(server_.blocked.empty());
  EXPECT_TRUE(TakeEvents().empty());
}

// --- Pops ---

TEST_F(ListFamilyTest, PopOneAndDeleteWhenEmpty) {
  EXPECT_EQ(RunRaw({"lpop", "l"}), kNil);
  RunRaw({"rpush", "l", "a", "b"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"lpop", "l"}), Bulk("a"));
  EXPECT_EQ(RunRaw({"rpop", "l"}), Bulk("b"));
  EXPECT_FALSE(Exists("l"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:lpop:l", "l:rpop:l", "g:del:l"}));
  EXPECT_EQ(RunRaw({"lpop", "l", "1", "2"}),
            "-ERR wrong number of arguments for 'lpop' command\r\n");
}

TEST_F(ListFamilyTest, PopWithCount) {
  const std::string kNotPositive = "-ERR value is out of range, must be positive\r\n";
  EXPECT_EQ(RunRaw({"lpop", "l", "2"}), kNilArray);
  EXPECT_EQ(RunRaw({"lpop", "l", "-1"}), kNotPositive);
  EXPECT_EQ(RunRaw({"lpop", "l", "x"}), kNotPositive);
  RunRaw({"rpush", "l", "a", "b", "c", "1", "2"});
  EXPECT_EQ(RunRaw({"lpop", "l", "0"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"lpop", "l", "2"}), Array({"a", "b"}));
  EXPECT_EQ(RunRaw({"rpop", "l", "2"}), Array({"2", "1"}));
  EXPECT_EQ(RunRaw({"rpop", "l", "9223372036854775807"}), Array({"c"}));
  EXPECT_FALSE(Exists("l"));
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"lpop", "l", "2"}), "_\r\n");
  EXPECT_EQ(RunRaw({"lpop", "l"}), "_\r\n");
}

// --- Reads ---

TEST_F(ListFamilyTest, RangeIndexLength) {
  EXPECT_EQ(RunRaw({"lrange", "l", "0", "-1"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"llen", "l"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"lindex", "l", "x"}), kNil);  // the key is looked up first
  RunRaw({"rpush", "l", "a", "b", "c", "d"});
  EXPECT_EQ(RunRaw({"llen", "l"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "1", "2"}), Array({"b", "c"}));
  EXPECT_EQ(RunRaw({"lrange", "l", "-2", "100"}), Array({"c", "d"}));
  EXPECT_EQ(RunRaw({"lrange", "l", "-100", "0"}), Array({"a"}));
  EXPECT_EQ(RunRaw({"lrange", "l", "3", "1"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "9223372036854775807", "-9223372036854775808"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "-9223372036854775808", "9223372036854775807"}),
            Array({"a", "b", "c", "d"}));
  EXPECT_EQ(RunRaw({"lrange", "l", "a", "1"}), kNotInteger);
  EXPECT_EQ(RunRaw({"lindex", "l", "0"}), Bulk("a"));
  EXPECT_EQ(RunRaw({"lindex", "l", "-1"}), Bulk("d"));
  EXPECT_EQ(RunRaw({"lindex", "l", "4"}), kNil);
  EXPECT_EQ(RunRaw({"lindex", "l", "-5"}), kNil);
  EXPECT_EQ(RunRaw({"lindex", "l", "-9223372036854775808"}), kNil);
  EXPECT_EQ(RunRaw({"lindex", "l", "x"}), kNotInteger);
}

TEST_F(ListFamilyTest, IntegersComeBackAsBytes) {
  RunRaw({"rpush", "l", "0", "-1", "127", "128", "-4097", "9223372036854775807", "007", "-0"});
  EXPECT_EQ(RunRaw({"lrange", "l", "0", "-1"}),
            Array({"0", "-1", "127", "128", "-4097", "9223372036854775807", "007", "-0"}));
  EXPECT_EQ(RunRaw({"lpos", "l", "7"}), kNil);
  EXPECT_EQ(RunRaw({"lpos", "l", "007"}), ":6\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "128"}), ":3\r\n");
}

// --- Updates ---

TEST_F(ListFamilyTest, SetInsertRemTrim) {
  EXPECT_EQ(RunRaw({"lset", "l", "0", "v"}), "-ERR no such key\r\n");
  RunRaw({"rpush", "l", "a", "b", "c"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"lset", "l", "x", "v"}), kNotInteger);
  EXPECT_EQ(RunRaw({"lset", "l", "3", "v"}), "-ERR index out of range\r\n");
  EXPECT_EQ(RunRaw({"lset", "l", "-1", "C"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"linsert", "l", "middle", "a", "x"}), kSyntax);
  EXPECT_EQ(RunRaw({"linsert", "nokey", "before", "a", "x"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"linsert", "l", "before", "zz", "x"}), ":-1\r\n");
  EXPECT_EQ(RunRaw({"linsert", "l", "BEFORE", "b", "x"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"linsert", "l", "after", "b", "x"}), ":5\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "0", "-1"}), Array({"a", "x", "b", "x", "C"}));
  EXPECT_EQ(RunRaw({"lrem", "l", "x", "x"}), kNotInteger);
  EXPECT_EQ(RunRaw({"lrem", "l", "0", "zz"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"lrem", "l", "-1", "x"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "0", "-1"}), Array({"a", "x", "b", "C"}));
  EXPECT_EQ(RunRaw({"ltrim", "l", "1", "-2"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"lrange", "l", "0", "-1"}), Array({"x", "b"}));
  EXPECT_EQ(RunRaw({"ltrim", "l", "0", "-1"}), "+OK\r\n");  // nothing trimmed: still an event
  EXPECT_EQ(RunRaw({"lrem", "l", "0", "x"}), ":1\r\n");
  EXPECT_EQ(RunRaw({"lrem", "l", "-9223372036854775808", "b"}), ":1\r\n");
  EXPECT_FALSE(Exists("l"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:lset:l", "l:linsert:l", "l:linsert:l",
                                                    "l:lrem:l", "l:ltrim:l", "l:ltrim:l",
                                                    "l:lrem:l", "l:lrem:l", "g:del:l"}));
  RunRaw({"rpush", "l", "a"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"ltrim", "l", "1", "0"}), "+OK\r\n");
  EXPECT_FALSE(Exists("l"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:ltrim:l", "g:del:l"}));
  EXPECT_EQ(RunRaw({"ltrim", "l", "0", "1"}), "+OK\r\n");
  EXPECT_TRUE(TakeEvents().empty());
}

TEST_F(ListFamilyTest, LposOptions) {
  RunRaw({"rpush", "l", "a", "b", "a", "c", "a"});
  EXPECT_EQ(RunRaw({"lpos", "l", "a"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "rank", "2"}), ":2\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "rank", "-1"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "count", "0"}), "*3\r\n:0\r\n:2\r\n:4\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "rank", "-2", "count", "0"}), "*2\r\n:2\r\n:0\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "count", "2", "maxlen", "2"}), "*1\r\n:0\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "zz", "count", "1"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "rank", "4"}), kNil);
  // Redis negates INT64_MIN into itself: every match, from the tail, whatever COUNT says.
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "rank", "-9223372036854775808", "count", "1"}),
            "*3\r\n:4\r\n:2\r\n:0\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "rank", "0"}),
            "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second "
            "... or use negative to start from the end of the list\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "count", "-1"}), "-ERR COUNT can't be negative\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "maxlen", "x"}), "-ERR MAXLEN can't be negative\r\n");
  EXPECT_EQ(RunRaw({"lpos", "l", "a", "rank"}), kSyntax);
  EXPECT_EQ(RunRaw({"lpos", "nokey", "a"}), kNil);
  EXPECT_EQ(RunRaw({"lpos", "nokey", "a", "count", "0"}), "*0\r\n");
}

// --- Moves ---

TEST_F(ListFamilyTest, MoveBetweenListsAndRotate) {
  EXPECT_EQ(RunRaw({"lmove", "src", "dst", "left", "right"}), kNil);
  EXPECT_EQ(RunRaw({"lmove", "src", "dst", "up", "right"}), kSyntax);
  RunRaw({"rpush", "src", "a", "b"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"lmove", "src", "dst", "left", "right"}), Bulk("a"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:rpush:dst", "l:lpop:src"}));
  EXPECT_EQ(RunRaw({"rpoplpush", "src", "dst"}), Bulk("b"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:lpush:dst", "l:rpop:src", "g:del:src"}));
  EXPECT_FALSE(Exists("src"));
  EXPECT_EQ(RunRaw({"lrange", "dst", "0", "-1"}), Array({"b", "a"}));
  EXPECT_EQ(RunRaw({"lmove", "dst", "dst", "left", "right"}), Bulk("b"));
  EXPECT_EQ(RunRaw({"lrange", "dst", "0", "-1"}), Array({"a", "b"}));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:rpush:dst", "l:lpop:dst"}));
  RunRaw({"set", "s", "v"});
  EXPECT_EQ(RunRaw({"lmove", "dst", "s", "left", "right"}), kWrongType);
  EXPECT_EQ(RunRaw({"lrange", "dst", "0", "-1"}), Array({"a", "b"}));  // untouched
  // One element moved onto its own list keeps the key.
  RunRaw({"rpush", "one", "x"});
  EXPECT_EQ(RunRaw({"rpoplpush", "one", "one"}), Bulk("x"));
  EXPECT_EQ(RunRaw({"lrange", "one", "0", "-1"}), Array({"x"}));
  CheckList("one");
  CheckList("dst");
}

TEST_F(ListFamilyTest, MPop) {
  EXPECT_EQ(RunRaw({"lmpop", "2", "a", "b", "left"}), kNilArray);
  EXPECT_EQ(RunRaw({"lmpop", "0", "a", "left"}), "-ERR numkeys should be greater than 0\r\n");
  EXPECT_EQ(RunRaw({"lmpop", "x", "a", "left"}), "-ERR numkeys should be greater than 0\r\n");
  EXPECT_EQ(RunRaw({"lmpop", "2", "a", "left"}), kSyntax);
  EXPECT_EQ(RunRaw({"lmpop", "9223372036854775807", "a", "left"}), kSyntax);
  EXPECT_EQ(RunRaw({"lmpop", "1", "a", "up"}), kSyntax);
  EXPECT_EQ(RunRaw({"lmpop", "1", "a", "left", "count", "0"}),
            "-ERR count should be greater than 0\r\n");
  EXPECT_EQ(RunRaw({"lmpop", "1", "a", "left", "count", "1", "count", "1"}), kSyntax);
  EXPECT_EQ(RunRaw({"lmpop", "1", "a", "left", "foo"}), kSyntax);
  RunRaw({"rpush", "b", "1", "2", "3"});
  TakeEvents();
  EXPECT_EQ(RunRaw({"lmpop", "2", "a", "b", "right", "count", "2"}),
            "*2\r\n" + Bulk("b") + Array({"3", "2"}));
  EXPECT_EQ(RunRaw({"lmpop", "2", "a", "b", "left", "COUNT", "5"}),
            "*2\r\n" + Bulk("b") + Array({"1"}));
  EXPECT_FALSE(Exists("b"));
  EXPECT_EQ(TakeEvents(), (std::vector<std::string>{"l:rpop:b", "l:lpop:b", "g:del:b"}));
}

// --- Blocking ---

TEST_F(ListFamilyTest, BlockingPopsServeAtOnceWhenTheyCan) {
  RunRaw({"rpush", "b", "x", "y"});
  EXPECT_EQ(RunRaw({"blpop", "a", "b", "0"}), Array({"b", "x"}));
  EXPECT_EQ(RunRaw({"brpop", "a", "b", "1.5"}), Array({"b", "y"}));
  EXPECT_FALSE(Exists("b"));
  RunRaw({"rpush", "b", "1", "2", "3"});
  EXPECT_EQ(RunRaw({"blmpop", "0", "2", "a", "b", "left", "count", "2"}),
            "*2\r\n" + Bulk("b") + Array({"1", "2"}));
  EXPECT_EQ(RunRaw({"blmove", "b", "c", "right", "left", "0"}), Bulk("3"));
  RunRaw({"rpush", "b", "4"});
  EXPECT_EQ(RunRaw({"brpoplpush", "b", "c", "0"}), Bulk("4"));
  EXPECT_EQ(RunRaw({"lrange", "c", "0", "-1"}), Array({"4", "3"}));
  EXPECT_TRUE(server_.blocked.empty());
}

TEST_F(ListFamilyTest, BlockingPopsBlockOnEmptyKeys) {
  EXPECT_EQ(RunRaw({"blpop", "a", "b", "0"}), "");
  EXPECT_EQ(RunRaw({"brpop", "a", "1.5"}), "");
  EXPECT_EQ(RunRaw({"blmpop", "0.001", "2", "a", "b", "left"}), "");
  EXPECT_EQ(RunRaw({"blmove", "a", "d", "left", "right", "2"}), "");
  EXPECT_EQ(RunRaw({"brpoplpush", "a", "d", "0"}), "");
  ASSERT_EQ(server_.blocked.size(), 5u);
  EXPECT_EQ(server_.blocked[0].keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(server_.blocked[0].timeout_ms, 0);
  EXPECT_EQ(server_.blocked[1].keys, (std::vector<std::string>{"a"}));
  EXPECT_EQ(server_.blocked[1].timeout_ms, 1500);
  EXPECT_EQ(server_.blocked[2].keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(server_.blocked[2].timeout_ms, 1);
  EXPECT_EQ(server_.blocked[3].keys, (std::vector<std::string>{"a"}));
  EXPECT_EQ(server_.blocked[3].timeout_ms, 2000);
  EXPECT_EQ(server_.blocked[4].keys, (std::vector<std::string>{"a"}));
  EXPECT_FALSE(Exists("d"));
  EXPECT_TRUE(server_.events.empty());
}

TEST_F(ListFamilyTest, BlockingArgumentErrors) {
  EXPECT_EQ(RunRaw({"blpop", "a", "x"}), "-ERR timeout is not a float or out of range\r\n");
  EXPECT_EQ(RunRaw({"blpop", "a", "-1"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(RunRaw({"blmove", "a", "b", "left", "up", "x"}), kSyntax);
  EXPECT_EQ(RunRaw({"blmove", "a", "b", "left", "left", "x"}),
            "-ERR timeout is not a float or out of range\r\n");
  EXPECT_EQ(RunRaw({"blmpop", "x", "0", "a", "left"}), "-ERR numkeys should be greater than 0\r\n");
  EXPECT_EQ(RunRaw({"blmpop", "x", "1", "a", "up"}), kSyntax);
  EXPECT_EQ(RunRaw({"blmpop", "x", "1", "a", "left"}),
            "-ERR timeout is not a float or out of range\r\n");
  EXPECT_TRUE(server_.blocked.empty());
}

TEST_F(ListFamilyTest, BlockingInsideExecActsAsTimeout) {
  RunRaw({"set", "s", "v"});
  EXPECT_EQ(RunRaw({"multi"}), "+OK\r\n");
  for (const auto& argv :
       std::vector<std::vector<std::string>>{{"blpop", "a", "0"},
                                             {"blmove", "a", "d", "left", "left", "0"},
                                             {"blmpop", "0", "1", "a", "left", "count", "3"},
                                             {"brpoplpush", "a", "d", "0"},
                                             {"brpop", "s", "0"}}) {
    EXPECT_EQ(RunRaw(argv), "+QUEUED\r\n");
  }
  EXPECT_EQ(RunRaw({"exec"}), std::string("*5\r\n*-1\r\n$-1\r\n*-1\r\n$-1\r\n") + kWrongType);
  EXPECT_TRUE(server_.blocked.empty());
}

// --- Larger lists through the commands ---

TEST_F(ListFamilyTest, LargeListsAcrossNodeSizes) {
  for (const char* fill : {"-2", "4", "1"}) {
    SCOPED_TRACE(fill);
    RunRaw({"flushall"});
    ASSERT_TRUE(server_.config_.Set("list-max-listpack-size", fill).ok);
    std::vector<std::string> argv = {"rpush", "l"};
    for (int i = 0; i < 1000; ++i) argv.push_back(std::to_string(i));
    EXPECT_EQ(RunRaw(argv), ":1000\r\n");
    EXPECT_EQ(RunRaw({"lindex", "l", "500"}), Bulk("500"));
    EXPECT_EQ(RunRaw({"lset", "l", "500", std::string(9000, 'x')}), "+OK\r\n");
    EXPECT_EQ(RunRaw({"linsert", "l", "before", "700", "ins"}), ":1001\r\n");
    EXPECT_EQ(RunRaw({"lrem", "l", "0", "3"}), ":1\r\n");
    EXPECT_EQ(RunRaw({"ltrim", "l", "100", "-100"}), "+OK\r\n");
    EXPECT_EQ(RunRaw({"llen", "l"}), ":801\r\n");
    EXPECT_EQ(RunRaw({"lindex", "l", "0"}), Bulk("101"));
    EXPECT_EQ(RunRaw({"lpos", "l", "ins"}), ":599\r\n");
    EXPECT_EQ(RunRaw({"lrange", "l", "398", "400"}), Array({"499", std::string(9000, 'x'), "501"}));
    CheckList("l");
    EXPECT_EQ(RunRaw({"copy", "l", "l2"}), ":1\r\n");
    EXPECT_EQ(RunRaw({"lpop", "l", "1000"}).substr(0, 6), "*801\r\n");
    EXPECT_EQ(RunRaw({"llen", "l2"}), ":801\r\n");
    CheckList("l2");
  }
}

}  // namespace
}  // namespace cachet::test
