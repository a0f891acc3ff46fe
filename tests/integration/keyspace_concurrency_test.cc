// Concurrency invariants of the keyspace over the real server: many clients on many worker
// threads running MSET/MGET/INCR/RENAME/EXEC on overlapping keys.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/redis_client.h"
#include "support/server_process.h"

namespace cachet::test {
namespace {

class KeyspaceConcurrency : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(TestServerBinary());
    ServerOptions opts;
    if (!IsRedisServerBinary(server_->binary())) opts.args = {"--io-threads", "4"};
    ASSERT_TRUE(server_->Start(opts)) << server_->ReadLog();
  }

  RedisConnection Connect() {
    auto c = ConnectRedis(server_->port(), Millis(20000));
    EXPECT_TRUE(c);
    return c;
  }

  std::unique_ptr<ServerProcess> server_;
};

constexpr int kThreads = 8;
constexpr int kRounds = 400;

// Concurrent INCRs on a few shared counters lose no increment.
TEST_F(KeyspaceConcurrency, NoLostIncrements) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this] {
      auto c = Connect();
      for (int i = 0; i < kRounds; ++i) {
        Call(c.get(), {"incr", "counter:" + std::to_string(i % 4)});
        Call(c.get(), {"incrby", "total", "2"});
      }
    });
  }
  for (auto& th : threads) th.join();
  auto c = Connect();
  int64_t sum = 0;
  for (int k = 0; k < 4; ++k) sum += std::stoll(Call(c.get(), {"get", "counter:" + std::to_string(k)}));
  EXPECT_EQ(sum, kThreads * kRounds);
  EXPECT_EQ(Call(c.get(), {"get", "total"}), std::to_string(2 * kThreads * kRounds));
}

// Writers MSET a group of keys (spread over shards) to one value; readers MGET the group and
// must never see two different values (a torn MSET).
TEST_F(KeyspaceConcurrency, MsetIsNeverTorn) {
  std::vector<std::string> keys;
  for (int k = 0; k < 16; ++k) keys.push_back("group:" + std::to_string(k * 7919));
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto c = Connect();
      for (int i = 0; i < kRounds; ++i) {
        std::vector<std::string> argv = {"mset"};
        for (const auto& k : keys) {
          argv.push_back(k);
          argv.push_back("w" + std::to_string(t) + "-" + std::to_string(i));
        }
        Call(c.get(), argv);
      }
    });
  }
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto c = Connect();
      while (!stop.load()) {
        std::vector<std::string> argv = {"mget"};
        argv.insert(argv.end(), keys.begin(), keys.end());
        ReplyPtr r = RunCommand(c.get(), argv);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
        if (r->element[0]->type != REDIS_REPLY_STRING) continue;  // before the first MSET
        std::string first(r->element[0]->str, r->element[0]->len);
        for (size_t i = 1; i < r->elements; ++i) {
          if (std::string(r->element[i]->str, r->element[i]->len) != first) ++torn;
        }
      }
    });
  }
  for (int t = 0; t < 4; ++t) threads[t].join();
  stop = true;
  for (size_t t = 4; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(torn.load(), 0);
}

// Transactions that move a unit between two accounts on different shards keep the total, as
// seen by concurrent transactional readers and at the end; RENAME back and forth never loses
// the value.
TEST_F(KeyspaceConcurrency, ExecAndRenameAreAtomic) {
  {
    auto c = Connect();
    Call(c.get(), {"mset", "acct:a", "1000", "acct:b", "1000", "ren:x", "payload"});
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad_total{0}, lost_rename{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto c = Connect();
      for (int i = 0; i < kRounds / 2; ++i) {
        bool ab = (i + t) % 2 == 0;
        RunCommand(c.get(), {"multi"});
        RunCommand(c.get(), {"decr", ab ? "acct:a" : "acct:b"});
        RunCommand(c.get(), {"incr", ab ? "acct:b" : "acct:a"});
        ReplyPtr r = RunCommand(c.get(), {"exec"});
        ASSERT_TRUE(r);
        ASSERT_EQ(r->type, REDIS_REPLY_ARRAY);
      }
    });
  }
  threads.emplace_back([&] {
    auto c = Connect();
    while (!stop.load()) {
      RunCommand(c.get(), {"multi"});
      RunCommand(c.get(), {"get", "acct:a"});
      RunCommand(c.get(), {"get", "acct:b"});
      ReplyPtr r = RunCommand(c.get(), {"exec"});
      ASSERT_TRUE(r);
      ASSERT_EQ(r->elements, 2u);
      if (std::stoll(r->element[0]->str) + std::stoll(r->element[1]->str) != 2000) ++bad_total;
    }
  });
  threads.emplace_back([&] {
    auto c = Connect();
    for (int i = 0; i < kRounds; ++i) {
      std::string r1 = Call(c.get(), {"rename", "ren:x", "ren:y"});
      std::string r2 = Call(c.get(), {"rename", "ren:y", "ren:x"});
      if (r1 != "OK" || r2 != "OK") ++lost_rename;
    }
  });
  for (int t = 0; t < 4; ++t) threads[t].join();
  threads.back().join();
  stop = true;
  threads[4].join();
  EXPECT_EQ(bad_total.load(), 0);
  EXPECT_EQ(lost_rename.load(), 0);
  auto c = Connect();
  EXPECT_EQ(std::stoll(Call(c.get(), {"get", "acct:a"})) + std::stoll(Call(c.get(), {"get", "acct:b"})),
            2000);
  EXPECT_EQ(Call(c.get(), {"get", "ren:x"}), "payload");
}

// WATCH-based optimistic increments from many clients: every successful EXEC counts once.
TEST_F(KeyspaceConcurrency, WatchRetriesCountExactly) {
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto c = Connect();
      for (int i = 0; i < 100; ++i) {
        RunCommand(c.get(), {"watch", "opt"});
        ReplyPtr v = RunCommand(c.get(), {"get", "opt"});
        int64_t cur = v && v->type == REDIS_REPLY_STRING ? std::stoll(v->str) : 0;
        RunCommand(c.get(), {"multi"});
        RunCommand(c.get(), {"set", "opt", std::to_string(cur + 1)});
        ReplyPtr r = RunCommand(c.get(), {"exec"});
        ASSERT_TRUE(r);
        if (r->type == REDIS_REPLY_ARRAY) ++committed;
      }
    });
  }
  for (auto& th : threads) th.join();
  auto c = Connect();
  EXPECT_EQ(Call(c.get(), {"get", "opt"}), std::to_string(committed.load()));
  EXPECT_GT(committed.load(), 0);
}

}  // namespace
}  // namespace cachet::test
