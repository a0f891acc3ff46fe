// Blocking pops over the real server: wake-ups across connections and threads, FIFO order,
// timeouts, disconnects, pipelining behind a blocked command, MULTI, chained BLMOVE.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/server_test.h"

namespace cachet::test {
namespace {

class BlockingTest : public ServerTest {
 protected:
  void SetUp() override {
    if (testing_redis()) {
      StartServer();
    } else {
      StartServer({"--io-threads", "4"});
    }
  }

  // Polls CLIENT LIST until exactly n clients show the blocked flag; false after 5 s.
  bool WaitBlocked(redisContext* c, int n) {
    for (int i = 0; i < 500; ++i) {
      std::string list = Call(c, {"CLIENT", "LIST"});
      int blocked = 0;
      for (size_t pos = 0; (pos = list.find("flags=b", pos)) != std::string::npos; ++pos)
        ++blocked;
      if (blocked == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Sends a command on a raw connection without reading its reply.
  static void Send(RawClient& c, std::initializer_list<std::string_view> argv) {
    ASSERT_TRUE(c.Send(EncodeCommand(argv)));
  }
};

TEST_F(BlockingTest, BlpopIsWokenByAPushOnAnotherConnection) {
  RawClient waiter = ConnectRaw();
  Send(waiter, {"BLPOP", "q", "0"});
  auto admin = Connect();
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  EXPECT_EQ(waiter.Drain(Millis(100)), "");  // still waiting
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "q", "hello"}), "(integer) 1");
  EXPECT_EQ(waiter.ReadReply(), "*2\r\n$1\r\nq\r\n$5\r\nhello\r\n");
  // The pushed element went to the waiter.
  EXPECT_EQ(Call(admin.get(), {"LLEN", "q"}), "(integer) 0");
  EXPECT_TRUE(WaitBlocked(admin.get(), 0));
}

TEST_F(BlockingTest, WaitersAreServedFirstComeFirstServed) {
  auto admin = Connect();
  std::vector<RawClient> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.push_back(ConnectRaw());
    Send(waiters.back(), {"BRPOP", "a", "q", "0"});
    ASSERT_TRUE(WaitBlocked(admin.get(), i + 1));
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call(admin.get(), {"LPUSH", "q", "v" + std::to_string(i)}), "(integer) 1");
    // Exactly the oldest remaining waiter is served.
    EXPECT_EQ(waiters[i].ReadReply(),
              "*2\r\n$1\r\nq\r\n$2\r\nv" + std::to_string(i) + "\r\n");
    for (int j = i + 1; j < 3; ++j) EXPECT_EQ(waiters[j].Drain(Millis(50)), "");
  }
}

TEST_F(BlockingTest, OnePushOfManyElementsServesSeveralWaiters) {
  auto admin = Connect();
  std::vector<RawClient> waiters;
  for (int i = 0; i < 2; ++i) {
    waiters.push_back(ConnectRaw());
    Send(waiters.back(), {"BLPOP", "q", "0"});
    ASSERT_TRUE(WaitBlocked(admin.get(), i + 1));
  }
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "q", "x", "y", "z"}), "(integer) 3");
  EXPECT_EQ(waiters[0].ReadReply(), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
  EXPECT_EQ(waiters[1].ReadReply(), "*2\r\n$1\r\nq\r\n$1\r\ny\r\n");
  EXPECT_EQ(Call(admin.get(), {"LRANGE", "q", "0", "-1"}), "[z]");
}

TEST_F(BlockingTest, TimeoutRepliesNullAndSubSecondTimeoutsWork) {
  RawClient c = ConnectRaw();
  const auto start = std::chrono::steady_clock::now();
  Send(c, {"BLPOP", "q", "0.2"});
  EXPECT_EQ(c.ReadReply(Millis(5000)), "*-1\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  // Redis 7.0 times BLMOVE out with a null array too, although it serves a bulk string.
  Send(c, {"BLMOVE", "q", "d", "LEFT", "RIGHT", "0.05"});
  EXPECT_EQ(c.ReadReply(Millis(5000)), "*-1\r\n");
  // Sub-millisecond timeouts round up to 1 ms; negative ones above -1 ms round to 0: forever.
  Send(c, {"BLPOP", "q", "0.0001"});
  EXPECT_EQ(c.ReadReply(Millis(5000)), "*-1\r\n");
  // RESP3 null for both shapes.
  Send(c, {"HELLO", "3"});
  ASSERT_TRUE(c.ReadReply().has_value());
  Send(c, {"BRPOP", "q", "0.01"});
  EXPECT_EQ(c.ReadReply(Millis(5000)), "_\r\n");
}

TEST_F(BlockingTest, BadTimeoutsAreErrors) {
  auto c = Connect();
  EXPECT_EQ(Call(c.get(), {"BLPOP", "q", "-1"}), "(error) ERR timeout is negative");
  EXPECT_EQ(Call(c.get(), {"BLPOP", "q", "abc"}),
            "(error) ERR timeout is not a float or out of range");
  EXPECT_EQ(Call(c.get(), {"BLPOP", "q", "nan"}),
            "(error) ERR timeout is not a float or out of range");
  // Redis 7.0 on x86: out of the int64 range reads as negative.
  EXPECT_EQ(Call(c.get(), {"BLPOP", "q", "1e300"}), "(error) ERR timeout is negative");
  EXPECT_EQ(Call(c.get(), {"BLPOP", "q", "inf"}), "(error) ERR timeout is negative");
}

TEST_F(BlockingTest, ADisconnectedWaiterLeavesNothingBehind) {
  auto admin = Connect();
  {
    RawClient gone = ConnectRaw();
    Send(gone, {"BLPOP", "q", "0"});
    ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  }
  ASSERT_TRUE(WaitBlocked(admin.get(), 0));
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "q", "kept"}), "(integer) 1");
  EXPECT_EQ(Call(admin.get(), {"LRANGE", "q", "0", "-1"}), "[kept]");
}

TEST_F(BlockingTest, CommandsPipelinedBehindABlockedOneWaitForIt) {
  RawClient c = ConnectRaw();
  ASSERT_TRUE(c.Send(EncodeCommand({"BLPOP", "q", "0"}) + EncodeCommand({"ECHO", "after"})));
  auto admin = Connect();
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  EXPECT_EQ(c.Drain(Millis(100)), "");
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "q", "v"}), "(integer) 1");
  EXPECT_EQ(c.ReadReplies(2), "*2\r\n$1\r\nq\r\n$1\r\nv\r\n$5\r\nafter\r\n");
}

TEST_F(BlockingTest, InsideMultiBlockingPopsDoNotBlock) {
  auto c = Connect();
  EXPECT_EQ(Call(c.get(), {"MULTI"}), "OK");
  EXPECT_EQ(Call(c.get(), {"BLPOP", "q", "0"}), "QUEUED");
  EXPECT_EQ(Call(c.get(), {"BLMOVE", "q", "d", "LEFT", "LEFT", "0"}), "QUEUED");
  EXPECT_EQ(Call(c.get(), {"EXEC"}), "[(nil), (nil)]");
  EXPECT_EQ(Call(c.get(), {"RPUSH", "q", "v"}), "(integer) 1");
  EXPECT_EQ(Call(c.get(), {"MULTI"}), "OK");
  EXPECT_EQ(Call(c.get(), {"BLPOP", "q", "0"}), "QUEUED");
  EXPECT_EQ(Call(c.get(), {"EXEC"}), "[[q, v]]");
}

TEST_F(BlockingTest, PushInsideExecWakesWaiterAfterTheTransaction) {
  RawClient waiter = ConnectRaw();
  Send(waiter, {"BLPOP", "q", "0"});
  auto admin = Connect();
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  EXPECT_EQ(Call(admin.get(), {"MULTI"}), "OK");
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "q", "a", "b"}), "QUEUED");
  EXPECT_EQ(Call(admin.get(), {"LPOP", "q"}), "QUEUED");
  EXPECT_EQ(Call(admin.get(), {"EXEC"}), "[(integer) 2, a]");
  EXPECT_EQ(waiter.ReadReply(), "*2\r\n$1\r\nq\r\n$1\r\nb\r\n");
}

TEST_F(BlockingTest, BlmoveChainsToAWaiterOnTheDestination) {
  auto admin = Connect();
  RawClient mover = ConnectRaw();
  Send(mover, {"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"});
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  RawClient popper = ConnectRaw();
  Send(popper, {"BLPOP", "dst", "0"});
  ASSERT_TRUE(WaitBlocked(admin.get(), 2));
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "src", "item"}), "(integer) 1");
  EXPECT_EQ(mover.ReadReply(), "$4\r\nitem\r\n");
  EXPECT_EQ(popper.ReadReply(), "*2\r\n$3\r\ndst\r\n$4\r\nitem\r\n");
  EXPECT_EQ(Call(admin.get(), {"EXISTS", "src", "dst"}), "(integer) 0");
}

TEST_F(BlockingTest, AKeyOfAnotherTypeLeavesTheClientBlocked) {
  RawClient waiter = ConnectRaw();
  Send(waiter, {"BLPOP", "k", "0"});
  auto admin = Connect();
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  EXPECT_EQ(Call(admin.get(), {"SET", "k", "string"}), "OK");
  EXPECT_EQ(waiter.Drain(Millis(100)), "");
  EXPECT_EQ(Call(admin.get(), {"DEL", "k"}), "(integer) 1");
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "k", "v"}), "(integer) 1");
  EXPECT_EQ(waiter.ReadReply(), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
}

TEST_F(BlockingTest, KeysArrivingByRenameServeWaiters) {
  RawClient waiter = ConnectRaw();
  Send(waiter, {"BLPOP", "target", "0"});
  auto admin = Connect();
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  EXPECT_EQ(Call(admin.get(), {"RPUSH", "tmp", "r"}), "(integer) 1");
  EXPECT_EQ(Call(admin.get(), {"RENAME", "tmp", "target"}), "OK");
  EXPECT_EQ(waiter.ReadReply(), "*2\r\n$6\r\ntarget\r\n$1\r\nr\r\n");
}

TEST_F(BlockingTest, SortedSetPopsAreWokenInOrderAndServeTheLowestOrHighest) {
  auto admin = Connect();
  RawClient min_waiter = ConnectRaw();
  Send(min_waiter, {"BZPOPMIN", "z", "0"});
  ASSERT_TRUE(WaitBlocked(admin.get(), 1));
  RawClient max_waiter = ConnectRaw();
  Send(max_waiter, {"BZPOPMAX", "z", "0"});
  ASSERT_TRUE(WaitBlocked(admin.get(), 2));
  RawClient mpop_waiter = ConnectRaw();
  Send(mpop_waiter, {"BZMPOP", "0", "2", "nokey", "z", "MIN", "COUNT", "5"});
  ASSERT_TRUE(WaitBlocked(admin.get(), 3));
  EXPECT_EQ(Call(admin.get(), {"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}),
            "(integer) 4");
  EXPECT_EQ(min_waiter.ReadReply(), "*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n");
  EXPECT_EQ(max_waiter.ReadReply(), "*3\r\n$1\r\nz\r\n$1\r\nd\r\n$1\r\n4\r\n");
  EXPECT_EQ(mpop_waiter.ReadReply(),
            "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n");
  EXPECT_EQ(Call(admin.get(), {"EXISTS", "z"}), "(integer) 0");
  EXPECT_TRUE(WaitBlocked(admin.get(), 0));
}

TEST_F(BlockingTest, SortedSetPopTimesOutWithANullArray) {
  auto c = Connect();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Call(c.get(), {"BZPOPMIN", "nokey", "0.2"}), "(nil)");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  EXPECT_EQ(Call(c.get(), {"ZADD", "s", "1", "x"}), "(integer) 1");
  RawClient waiter = ConnectRaw();
  Send(waiter, {"BZPOPMAX", "s2", "0"});
  ASSERT_TRUE(WaitBlocked(c.get(), 1));
  // A list pushed to the awaited key leaves the waiter blocked, as in Redis 7.0.
  EXPECT_EQ(Call(c.get(), {"RPUSH", "s2", "v"}), "(integer) 1");
  EXPECT_EQ(waiter.Drain(Millis(100)), "");
  EXPECT_EQ(Call(c.get(), {"DEL", "s2"}), "(integer) 1");
  EXPECT_EQ(Call(c.get(), {"ZADD", "s2", "5", "y"}), "(integer) 1");
  EXPECT_EQ(waiter.ReadReply(), "*3\r\n$2\r\ns2\r\n$1\r\ny\r\n$1\r\n5\r\n");
}

// Many waiters on several threads, many pushers: every pushed element is received exactly once.
TEST_F(BlockingTest, ConcurrencyEveryElementReachesExactlyOneWaiter) {
  constexpr int kWaiters = 8;
  constexpr int kPerWaiter = 100;
  std::atomic<int> received{0};
  std::atomic<long long> sum{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWaiters; ++w) {
    threads.emplace_back([&] {
      auto c = Connect();
      for (int i = 0; i < kPerWaiter; ++i) {
        ReplyPtr r = RunCommand(c.get(), {"BLPOP", "q1", "q2", "10"});
        ASSERT_NE(r, nullptr);
        ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
        sum += std::stoll(std::string(r->element[1]->str, r->element[1]->len));
        ++received;
      }
    });
  }
  for (int p = 0; p < 4; ++p) {
    threads.emplace_back([&, p] {
      auto c = Connect();
      for (int i = p; i < kWaiters * kPerWaiter; i += 4) {
        Call(c.get(), {"RPUSH", i % 2 ? "q1" : "q2", std::to_string(i)});
      }
    });
  }
  for (auto& t : threads) t.join();
  const long long n = kWaiters * kPerWaiter;
  EXPECT_EQ(received.load(), n);
  EXPECT_EQ(sum.load(), n * (n - 1) / 2);
  auto admin = Connect();
  EXPECT_EQ(Call(admin.get(), {"EXISTS", "q1", "q2"}), "(integer) 0");
}

}  // namespace
}  // namespace cachet::test
