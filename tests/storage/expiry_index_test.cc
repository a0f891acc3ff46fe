// The hierarchical expiry index on its own, with a map standing in for the table.
#include "cachet/storage/detail/expiry_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "cachet/storage/keyspace.h"

namespace cachet::storage::detail {
namespace {

TEST(StorageExpiryIndex, LevelsGrowWithDistance) {
  EXPECT_EQ(ExpiryIndex::LevelFor(100, 200), 0);  // past
  EXPECT_EQ(ExpiryIndex::LevelFor(4095, 0), 0);   // < 64 x 64 ms
  EXPECT_EQ(ExpiryIndex::LevelFor(4096, 0), 1);
  EXPECT_EQ(ExpiryIndex::LevelFor(3'600'000, 0), 2);  // an hour: 4.4-minute buckets
  EXPECT_EQ(ExpiryIndex::LevelFor(int64_t{1} << 62, 0), ExpiryIndex::kLevels - 1);
}

// Keys with random TTLs, some re-timed: processing at increasing times deletes exactly the
// due keys, each within one level-0 width, and the bucket count stays small.
TEST(StorageExpiryIndex, ProcessFindsDueKeysWithoutSampling) {
  std::map<uint64_t, int64_t> when;  // the "table": hash -> expire time
  ExpiryIndex index;
  std::mt19937_64 rng(3);
  int64_t now = 1'000'000;
  for (uint64_t h = 1; h <= 50000; ++h) {
    when[h] = now + static_cast<int64_t>(rng() % 20'000'000);
    index.Add(h, when[h], now);
  }
  for (uint64_t h = 1; h <= 50000; h += 5) {  // re-time a fifth of them
    when[h] = now + static_cast<int64_t>(rng() % 20'000'000);
    index.Add(h, when[h], now);
  }
  EXPECT_LT(index.bucket_count(), 7u * 65);
  size_t processed = 0;
  while (!when.empty()) {
    now += 1 + static_cast<int64_t>(rng() % 200'000);
    bool more = true;
    while (more) {
      processed += index.Process(
          now, 1000,
          [&](uint64_t h, int64_t lo, int64_t hi, auto&& refile) {
            auto it = when.find(h);
            if (it == when.end()) return;
            if (now > it->second) {
              when.erase(it);
            } else if (it->second >= lo && it->second < hi) {
              refile(it->second);
            }
          },
          &more);
    }
    for (const auto& [h, t] : when) ASSERT_GE(t + ExpiryIndex::Width(0), now) << h;
  }
  EXPECT_TRUE(index.empty());
  // Each item is handled once per level it passes through: a handful of times, not per cycle.
  EXPECT_LT(processed, 60000u * 5);
}

TEST(StorageExpiryIndex, CompactionBoundsStaleItems) {
  ManualClock clock;
  Keyspace ks({.shards = 1, .databases = 1, .clock = &clock});
  {
    Access acc = ks.Lock("k");
    acc.SetString(0, "k", "v");
  }
  const uint64_t base = ks.Stats().used_bytes;
  // A key whose TTL is pushed back on every access (a login token, say), 200k times.
  for (int i = 0; i < 200000; ++i) {
    clock.AdvanceMs(7);
    Access acc = ks.Lock("k");
    EntryRef e = acc.Find(0, "k");
    acc.SetExpire(&e, acc.now_ms() + 1'800'000 + i % 1000);
  }
  EXPECT_LT(ks.Stats().used_bytes, base + 64 * 1024);
  clock.AdvanceMs(1'900'000);
  while (ks.ActiveExpireCycle(100).more_due) {
  }
  EXPECT_EQ(ks.Stats().keys, 0u);
}

}  // namespace
}  // namespace cachet::storage::detail
