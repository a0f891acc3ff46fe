// In-process tests of MULTI, EXEC, DISCARD, WATCH and UNWATCH.
#include "command_fixture.h"

namespace cachet::test {
namespace {

class TransactionTest : public CommandTest {
 protected:
  // A second client of the same server, for changes made "by someone else".
  std::string RunOther(const std::vector<std::string>& argv) {
    std::string out;
    protocol::ReplyBuilder reply(&out, 2);
    dispatcher_.Execute(other_, argv, reply);
    return out;
  }
  commands::ClientState other_;

  void SetUp() override { other_.authenticated = true; }
};

TEST_F(TransactionTest, QueuesAndExecutesInOrder) {
  EXPECT_EQ(RunRaw({"multi"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"set", "a", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(RunRaw({"incr", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(RunRaw({"get", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(RunRaw({"exec"}), "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n");
  EXPECT_EQ(RunRaw({"exec"}), "-ERR EXEC without MULTI\r\n");
}

TEST_F(TransactionTest, RuntimeErrorFailsOnlyThatCommand) {
  RunRaw({"set", "s", "x"});
  RunRaw({"multi"});
  RunRaw({"incr", "s"});
  RunRaw({"set", "t", "1"});
  EXPECT_EQ(RunRaw({"exec"}),
            "*2\r\n-ERR value is not an integer or out of range\r\n+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "t"}), "$1\r\n1\r\n");
}

TEST_F(TransactionTest, QueuingErrorAbortsExec) {
  RunRaw({"multi"});
  EXPECT_EQ(RunRaw({"set", "a"}), "-ERR wrong number of arguments for 'set' command\r\n");
  EXPECT_EQ(RunRaw({"nosuch"}), "-ERR unknown command 'nosuch', with args beginning with: \r\n");
  EXPECT_EQ(RunRaw({"set", "a", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(RunRaw({"shutdown"}), "-ERR Command not allowed inside a transaction\r\n");
  EXPECT_EQ(RunRaw({"exec"}),
            "-EXECABORT Transaction discarded because of previous errors.\r\n");
  EXPECT_EQ(RunRaw({"get", "a"}), "$-1\r\n");
}

TEST_F(TransactionTest, NestingAndWatchInsideMultiAreErrors) {
  RunRaw({"multi"});
  EXPECT_EQ(RunRaw({"multi"}), "-ERR MULTI calls can not be nested\r\n");
  EXPECT_EQ(RunRaw({"watch", "a"}), "-ERR WATCH inside MULTI is not allowed\r\n");
  EXPECT_EQ(RunRaw({"set", "a", "1"}), "+QUEUED\r\n");
  EXPECT_EQ(RunRaw({"exec"}), "*1\r\n+OK\r\n");  // those errors do not abort
}

TEST_F(TransactionTest, DiscardDropsQueue) {
  EXPECT_EQ(RunRaw({"discard"}), "-ERR DISCARD without MULTI\r\n");
  RunRaw({"multi"});
  RunRaw({"set", "a", "1"});
  EXPECT_EQ(RunRaw({"discard"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "a"}), "$-1\r\n");
}

TEST_F(TransactionTest, WatchedKeyModifiedByAnotherClientFailsExec) {
  RunRaw({"set", "w", "1"});
  EXPECT_EQ(RunRaw({"watch", "w"}), "+OK\r\n");
  EXPECT_EQ(RunOther({"set", "w", "2"}), "+OK\r\n");
  RunRaw({"multi"});
  RunRaw({"set", "w", "3"});
  EXPECT_EQ(RunRaw({"exec"}), "*-1\r\n");
  EXPECT_EQ(RunRaw({"get", "w"}), "$1\r\n2\r\n");
  // The watch is gone after EXEC: the next transaction runs.
  RunRaw({"multi"});
  RunRaw({"set", "w", "4"});
  EXPECT_EQ(RunRaw({"exec"}), "*1\r\n+OK\r\n");
}

TEST_F(TransactionTest, UnmodifiedWatchRuns) {
  RunRaw({"watch", "w", "missing"});
  RunOther({"set", "unrelated", "1"});
  RunRaw({"multi"});
  RunRaw({"set", "w", "1"});
  EXPECT_EQ(RunRaw({"exec"}), "*1\r\n+OK\r\n");
}

TEST_F(TransactionTest, UnwatchForgets) {
  RunRaw({"watch", "w"});
  EXPECT_EQ(RunRaw({"unwatch"}), "+OK\r\n");
  RunOther({"set", "w", "2"});
  RunRaw({"multi"});
  RunRaw({"get", "w"});
  EXPECT_EQ(RunRaw({"exec"}), "*1\r\n$1\r\n2\r\n");
}

TEST_F(TransactionTest, ExpiredWatchedKeyFailsExec) {
  RunRaw({"set", "w", "1", "px", "100"});
  RunRaw({"watch", "w"});
  clock().AdvanceMs(200);
  RunRaw({"multi"});
  RunRaw({"set", "x", "1"});
  EXPECT_EQ(RunRaw({"exec"}), "*-1\r\n");
}

TEST_F(TransactionTest, FlushOfWatchedExistingKeyFailsExec) {
  RunRaw({"set", "w", "1"});
  RunRaw({"watch", "w"});
  RunOther({"flushall"});
  RunRaw({"multi"});
  RunRaw({"ping"});
  EXPECT_EQ(RunRaw({"exec"}), "*-1\r\n");
}

TEST_F(TransactionTest, KeylessKeyspaceCommandsRunUnderOneHold) {
  RunRaw({"set", "a", "1"});
  RunRaw({"multi"});
  RunRaw({"dbsize"});
  RunRaw({"keys", "*"});
  RunRaw({"flushdb"});
  RunRaw({"dbsize"});
  EXPECT_EQ(RunRaw({"exec"}), "*4\r\n:1\r\n*1\r\n$1\r\na\r\n+OK\r\n:0\r\n");
}

TEST_F(TransactionTest, ResetLeavesTransaction) {
  RunRaw({"multi"});
  RunRaw({"set", "a", "1"});
  EXPECT_EQ(RunRaw({"reset"}), "+RESET\r\n");
  EXPECT_EQ(RunRaw({"exec"}), "-ERR EXEC without MULTI\r\n");
  EXPECT_EQ(RunRaw({"get", "a"}), "$-1\r\n");
}

}  // namespace
}  // namespace cachet::test
