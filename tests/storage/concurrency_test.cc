// Storage under threads (the TSan pass runs every suite named *Concurrency*): SCAN's guarantee
// while a writer grows and shrinks the tables, deadlock-free multi-shard locking, async
// flushes and active expiry running beside commands.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cachet/storage/keyspace.h"

namespace cachet::storage {
namespace {

std::string Stable(int i) { return "stable:" + std::to_string(i); }
std::string Churn(int i) { return "churn:" + std::to_string(i); }

TEST(StorageConcurrency, ScanReturnsEveryStableKeyWhileTablesResize) {
  ManualClock clock;
  Keyspace ks({.shards = 4, .databases = 2, .clock = &clock});
  constexpr int kStable = 1500;
  for (int i = 0; i < kStable; ++i) ks.Lock(Stable(i)).SetString(0, Stable(i), "v");

  std::atomic<bool> stop{false};
  std::atomic<int> bursts{0};
  std::thread writer([&] {
    std::mt19937 rng(42);
    int low = 0, high = 0;  // churn keys [low, high) exist
    while (!stop.load(std::memory_order_relaxed)) {
      // Swing between ~0 and ~12000 extra keys so every table doubles and halves repeatedly.
      const bool grow = (high - low) < 200 || ((high - low) < 12000 && rng() % 2 == 0);
      const int burst = 1 + static_cast<int>(rng() % 800);
      for (int i = 0; i < burst; ++i) {
        if (grow) {
          ks.Lock(Churn(high)).SetString(0, Churn(high), "x");
          ++high;
        } else if (low < high) {
          ks.Lock(Churn(low)).Delete(0, Churn(low));
          ++low;
        }
      }
      ks.RehashStep(rng() % 16);
      bursts.fetch_add(1, std::memory_order_relaxed);
    }
  });

  // At least six full scans, and as many more as it takes for the writer to have resized
  // the tables many times under them.
  for (int round = 0; round < 6 || bursts.load(std::memory_order_relaxed) < 300; ++round) {
    std::set<std::string> seen;
    std::vector<std::string> batch;
    uint64_t cursor = 0;
    ScanOptions opts;
    opts.count = 5 + (round % 6) * 10;
    opts.pattern = "stable:*";
    do {
      batch.clear();
      cursor = ks.Scan(0, cursor, opts, &batch);
      seen.insert(batch.begin(), batch.end());
      std::this_thread::yield();
    } while (cursor != 0);
    for (int i = 0; i < kStable; ++i) {
      ASSERT_TRUE(seen.count(Stable(i))) << "round " << round << " missed " << Stable(i);
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(kStable));
  }
  stop = true;
  writer.join();
}

TEST(StorageConcurrency, MultiShardTransfersNeitherDeadlockNorLoseUpdates) {
  Keyspace ks({.shards = 16, .databases = 1});
  constexpr int kAccounts = 64;
  constexpr int64_t kInitial = 1000;
  for (int i = 0; i < kAccounts; ++i) {
    const std::string k = "acct:" + std::to_string(i);
    ks.Lock(k).SetString(0, k, std::to_string(kInitial));
  }
  auto total = [&] {
    Access all = ks.LockAll();
    int64_t sum = 0;
    for (int i = 0; i < kAccounts; ++i) sum += all.Find(0, "acct:" + std::to_string(i)).int_value();
    return sum;
  };
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int op = 0; op < 3000; ++op) {
        // An MSET-like group of 2..6 keys, in random order, often spanning many shards.
        std::vector<std::string> keys;
        const int n = 2 + static_cast<int>(rng() % 5);
        for (int j = 0; j < n; ++j) keys.push_back("acct:" + std::to_string(rng() % kAccounts));
        Access acc = ks.Lock(std::span<const std::string>(keys));
        EntryRef from = acc.Find(0, keys[0]);
        EntryRef to = acc.Find(0, keys[1]);
        if (keys[0] == keys[1]) continue;
        const int64_t amount = static_cast<int64_t>(rng() % 10);
        acc.ReplaceInt(&from, from.int_value() - amount);
        acc.ReplaceInt(&to, to.int_value() + amount);
      }
    });
  }
  threads.emplace_back([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      EXPECT_EQ(total(), kAccounts * kInitial);
      std::this_thread::yield();
    }
  });
  for (int t = 0; t < 4; ++t) threads[t].join();
  stop = true;
  threads.back().join();
  EXPECT_EQ(total(), kAccounts * kInitial);
}

TEST(StorageConcurrency, AsyncFlushesBesideWriters) {
  Keyspace ks({.shards = 8, .databases = 2});
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
        const std::string k = "w" + std::to_string(t) + ":" + std::to_string(i % 5000);
        Access acc = ks.Lock(k);
        acc.SetString(i % 2, k, std::string(i % 100, 'v'));
        if (i % 7 == 0) acc.Delete(i % 2, k, /*async=*/true);
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    {
      Access all = ks.LockAll();
      if (i % 2 == 0) {
        all.FlushAll(/*async=*/true);
      } else {
        all.FlushDb(1, /*async=*/true);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop = true;
  for (auto& w : writers) w.join();
  ks.LockAll().FlushAll(true);
  ks.WaitForLazyFree();
  KeyspaceStats s = ks.Stats();
  EXPECT_EQ(s.keys, 0u);
  EXPECT_EQ(s.used_bytes, 0u);
  EXPECT_EQ(s.lazyfree_pending_objects, 0u);
}

TEST(StorageConcurrency, ActiveExpiryBesideCommands) {
  ManualClock clock;
  Keyspace ks({.shards = 8, .databases = 1, .clock = &clock});
  std::atomic<bool> stop{false};
  std::thread expirer([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      ks.ActiveExpireCycle(20);
      clock.AdvanceMs(3);
    }
  });
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < 20000; ++i) {
        const std::string k = "k" + std::to_string(rng() % 3000);
        Access acc = ks.Lock(k);
        switch (rng() % 4) {
          case 0:
            acc.SetString(0, k, "v",
                          {.expire_ms = acc.now_ms() + static_cast<int64_t>(rng() % 500)});
            break;
          case 1: {
            EntryRef e = acc.Find(0, k);
            if (e) acc.SetExpire(&e, acc.now_ms() + static_cast<int64_t>(rng() % 500));
            break;
          }
          case 2: {
            EntryRef e = acc.Find(0, k);
            if (e) acc.Persist(&e);
            break;
          }
          default:
            acc.Delete(0, k);
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  stop = true;
  expirer.join();
  const size_t keys = ks.LockAll().DbSize(0);
  const size_t persisted = keys - ks.Stats().expires;
  clock.AdvanceMs(1000);
  while (ks.ActiveExpireCycle(1000).more_due) {
  }
  EXPECT_EQ(ks.Stats().expires, 0u);
  EXPECT_EQ(ks.LockAll().DbSize(0), persisted);
}

}  // namespace
}  // namespace cachet::storage
