// In-process tests of the database commands: SELECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, MOVE.
#include <optional>
#include <string>

#include "command_fixture.h"

namespace cachet::test {
namespace {

using storage::kNoExpire;

class DbFamilyTest : public CommandTest {
 protected:
  int64_t Now() { return clock().NowMs(); }

  void SetString(const std::string& key, const std::string& value, int db = 0,
                 int64_t expire_ms = kNoExpire) {
    storage::Access acc = keyspace().Lock(key);
    acc.SetString(db, key, value, {.expire_ms = expire_ms});
  }

  std::optional<std::string> GetString(const std::string& key, int db) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(db, key, storage::kLookupNoTouch);
    if (!e) return std::nullopt;
    storage::IntBuffer buf;
    return std::string(e.StringView(&buf));
  }

  int64_t ExpireOf(const std::string& key, int db) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(db, key, storage::kLookupNoTouch);
    return e ? e.expire_ms() : -2;
  }

  void Fill(int db, int n, const std::string& prefix = "k") {
    for (int i = 0; i < n; ++i) SetString(prefix + std::to_string(i), "v", db);
  }
};

TEST_F(DbFamilyTest, SelectSwitchesTheClientsDatabase) {
  EXPECT_EQ(RunRaw({"select", "3"}), "+OK\r\n");
  EXPECT_EQ(client_.db.load(), 3);
  EXPECT_EQ(RunRaw({"select", "15"}), "+OK\r\n");
  EXPECT_EQ(client_.db.load(), 15);
  EXPECT_EQ(RunRaw({"select", "0"}), "+OK\r\n");
  EXPECT_EQ(client_.db.load(), 0);
}

TEST_F(DbFamilyTest, SelectErrors) {
  EXPECT_EQ(RunRaw({"select", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"select", "-1"}), "-ERR DB index is out of range\r\n");
  for (const char* bad : {"abc", "", " 1", "1.0", "+1", "01", "1 "}) {
    EXPECT_EQ(RunRaw({"select", bad}), "-ERR value is not an integer or out of range\r\n") << bad;
  }
  EXPECT_EQ(RunRaw({"select", "99999999999"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(RunRaw({"select"}), "-ERR wrong number of arguments for 'select' command\r\n");
  EXPECT_EQ(client_.db.load(), 0);
}

TEST_F(DbFamilyTest, DbSizeCountsTheSelectedDatabase) {
  EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n");
  Fill(0, 5);
  Fill(2, 3);
  EXPECT_EQ(RunRaw({"dbsize"}), ":5\r\n");
  client_.db = 2;
  EXPECT_EQ(RunRaw({"dbsize"}), ":3\r\n");
  EXPECT_EQ(RunRaw({"dbsize", "x"}), "-ERR wrong number of arguments for 'dbsize' command\r\n");
}

TEST_F(DbFamilyTest, FlushDbEmptiesOnlyTheSelectedDatabase) {
  Fill(0, 10);
  Fill(1, 4);
  EXPECT_EQ(RunRaw({"flushdb"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n");
  client_.db = 1;
  EXPECT_EQ(RunRaw({"dbsize"}), ":4\r\n");
  EXPECT_EQ(RunRaw({"flushdb", "SYNC"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n");
}

TEST_F(DbFamilyTest, FlushDbAsyncFreesInTheBackground) {
  Fill(0, 2000);
  Fill(1, 1);
  EXPECT_EQ(RunRaw({"flushdb", "async"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"exists", "k0"}), ":0\r\n");
  // The database is usable at once.
  SetString("fresh", "v");
  EXPECT_EQ(RunRaw({"dbsize"}), ":1\r\n");
  keyspace().WaitForLazyFree();
  EXPECT_EQ(GetString("fresh", 0), "v");
  EXPECT_EQ(GetString("k0", 1), "v");
}

TEST_F(DbFamilyTest, FlushAllEmptiesEveryDatabase) {
  Fill(0, 3);
  Fill(7, 3);
  Fill(15, 3);
  EXPECT_EQ(RunRaw({"flushall"}), "+OK\r\n");
  for (int db : {0, 7, 15}) {
    client_.db = db;
    EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n") << db;
  }
  Fill(4, 100);
  EXPECT_EQ(RunRaw({"flushall", "ASYNC"}), "+OK\r\n");
  client_.db = 4;
  EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n");
  keyspace().WaitForLazyFree();
}

TEST_F(DbFamilyTest, FlushModeErrors) {
  for (const char* cmd : {"flushdb", "flushall"}) {
    EXPECT_EQ(RunRaw({cmd, "foo"}), "-ERR syntax error\r\n") << cmd;
    EXPECT_EQ(RunRaw({cmd, "sync", "x"}), "-ERR syntax error\r\n") << cmd;
    EXPECT_EQ(RunRaw({cmd, "async", "async"}), "-ERR syntax error\r\n") << cmd;
  }
}

TEST_F(DbFamilyTest, FlushHonoursLazyfreeLazyUserFlush) {
  ASSERT_TRUE(server_.config().Set("lazyfree-lazy-user-flush", "yes").ok);
  Fill(0, 100);
  EXPECT_EQ(RunRaw({"flushdb"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n");
  keyspace().WaitForLazyFree();
}

TEST_F(DbFamilyTest, SwapDbExchangesContentsAndTtls) {
  SetString("a", "in0", 0, Now() + 30000);
  SetString("b", "in1", 1);
  Fill(1, 5);
  EXPECT_EQ(RunRaw({"swapdb", "0", "1"}), "+OK\r\n");
  EXPECT_EQ(GetString("a", 1), "in0");
  EXPECT_EQ(ExpireOf("a", 1), Now() + 30000);
  EXPECT_EQ(GetString("a", 0), std::nullopt);
  EXPECT_EQ(GetString("b", 0), "in1");
  // The client stays on index 0 and now sees the other contents.
  EXPECT_EQ(RunRaw({"dbsize"}), ":6\r\n");
  EXPECT_EQ(RunRaw({"ttl", "a"}), ":-2\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "1", "1"}), "+OK\r\n");
  EXPECT_EQ(GetString("a", 1), "in0");
  EXPECT_EQ(RunRaw({"swapdb", "1", "0"}), "+OK\r\n");
  EXPECT_EQ(GetString("a", 0), "in0");
  EXPECT_EQ(RunRaw({"swapdb", "0", "15"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"dbsize"}), ":0\r\n");
}

TEST_F(DbFamilyTest, SwapDbErrors) {
  EXPECT_EQ(RunRaw({"swapdb", "a", "1"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "1", "a"}), "-ERR invalid second DB index\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "a", "b"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "99999999999", "1"}), "-ERR invalid first DB index\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "1", "99999999999"}), "-ERR invalid second DB index\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "16", "1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "1", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "-1", "1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"swapdb", "1"}), "-ERR wrong number of arguments for 'swapdb' command\r\n");
}

TEST_F(DbFamilyTest, MoveTransfersKeyWithItsTtl) {
  SetString("k", "v", 0, Now() + 9000);
  EXPECT_EQ(RunRaw({"move", "k", "4"}), ":1\r\n");
  EXPECT_EQ(GetString("k", 0), std::nullopt);
  EXPECT_EQ(GetString("k", 4), "v");
  EXPECT_EQ(ExpireOf("k", 4), Now() + 9000);
  EXPECT_EQ(RunRaw({"move", "k", "4"}), ":0\r\n");  // gone from the source
  SetString("k", "again", 0);
  EXPECT_EQ(RunRaw({"move", "k", "4"}), ":0\r\n");  // exists in the target
  EXPECT_EQ(GetString("k", 0), "again");
  EXPECT_EQ(GetString("k", 4), "v");
  client_.db = 4;
  EXPECT_EQ(RunRaw({"move", "k", "5"}), ":1\r\n");
  EXPECT_EQ(GetString("k", 5), "v");
}

TEST_F(DbFamilyTest, MoveErrors) {
  SetString("k", "v");
  EXPECT_EQ(RunRaw({"move", "k", "0"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(RunRaw({"move", "nokey", "0"}), "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(RunRaw({"move", "nokey", "1"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"move", "k", "16"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"move", "k", "-1"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(RunRaw({"move", "k", "abc"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(RunRaw({"move", "k", "99999999999"}),
            "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n");
  EXPECT_EQ(GetString("k", 0), "v");
}

TEST_F(DbFamilyTest, ExpiredKeysDoNotMove) {
  SetString("k", "v", 0, Now() + 10);
  clock().AdvanceMs(11);
  EXPECT_EQ(RunRaw({"move", "k", "1"}), ":0\r\n");
  EXPECT_EQ(GetString("k", 1), std::nullopt);
}

}  // namespace
}  // namespace cachet::test
