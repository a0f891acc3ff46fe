// Eviction: victims per maxmemory-policy, the candidate pool's re-validation, the used-memory
// figure and EvictToLimit's results, with a manual clock to age keys deterministically.
#include "cachet/storage/eviction.h"

#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cachet/storage/keyspace.h"
#include "cachet/storage/set_value.h"

namespace cachet::storage {
namespace {

using Candidate = detail::EvictionPool::Candidate;

class EvictionTest : public ::testing::Test {
 protected:
  // One shard and samples larger than the key count make sampling see every key, so the
  // pool's choice is the exact best: the tests can name the victims.
  void Make(size_t shards = 1) {
    KeyspaceOptions o;
    o.shards = shards;
    o.databases = 2;
    o.clock = &clock_;
    ks_ = std::make_unique<Keyspace>(o);
    ks_->SetObserver([this](int db, std::string_view key, KeyEvent ev) {
      // Called under one shard's lock: threads evicting from different shards meet here.
      std::lock_guard<std::mutex> lock(events_mu_);
      if (ev == KeyEvent::kEvicted) evicted_.emplace(key);
      if (ev == KeyEvent::kExpired) expired_.emplace(key);
    });
  }

  void Set(const std::string& key, int64_t ttl_ms = -1, int db = 0,
           const std::string& value = std::string(40, 'v')) {
    Access acc = ks_->Lock(key);
    SetOptions opts;
    if (ttl_ms >= 0) opts.expire_ms = acc.now_ms() + ttl_ms;
    acc.SetString(db, key, value, opts);
  }
  void Touch(const std::string& key, int db = 0) {
    Access acc = ks_->Lock(key);
    ASSERT_TRUE(acc.Find(db, key));
  }
  bool Exists(const std::string& key, int db = 0) {
    Access acc = ks_->Lock(key);
    return static_cast<bool>(acc.Find(db, key, kLookupNoTouch | kLookupNoStats));
  }
  size_t Keys(int db = 0) { return ks_->LockAll().DbSize(db); }
  // The exact used memory, with no rehash in progress (finishing one frees a bucket array,
  // which would blur the count of keys a number of bytes takes); Stats() also publishes it
  // to used_bytes(), which EvictToLimit reads.
  uint64_t Used() {
    while (ks_->RehashStep(1 << 20)) {
    }
    return ks_->Stats().used_bytes;
  }
  EvictResult EvictTo(uint64_t limit, const EvictionOptions& opts) {
    Used();
    return ks_->EvictToLimit(limit, opts);
  }

  EvictionOptions Opts(EvictionPolicy policy, int samples = 1000) {
    EvictionOptions o;
    o.policy = policy;
    o.samples = samples;
    o.time_limit_us = -1;
    return o;
  }
  // Evicts until about `bytes` are released.
  EvictResult Free(uint64_t bytes, EvictionPolicy policy, int samples = 1000) {
    const uint64_t used = Used();
    return ks_->EvictToLimit(used > bytes ? used - bytes : 0, Opts(policy, samples));
  }
  // The bytes one key of Set()'s default shape adds.
  uint64_t BytesPerKey() {
    const uint64_t before = Used();
    Set("probe");
    const uint64_t after = Used();
    Access acc = ks_->Lock("probe");
    acc.Delete(0, "probe");
    return after - before;
  }

  ManualClock clock_;
  std::unique_ptr<Keyspace> ks_;
  std::mutex events_mu_;
  std::set<std::string> evicted_;
  std::set<std::string> expired_;
};

std::string K(const char* prefix, int i) { return std::string(prefix) + std::to_string(i); }

TEST(EvictionPoolTest, KeepsTheBestCandidatesInOrder) {
  detail::EvictionPool pool;
  for (int i = 0; i < 40; ++i) pool.Offer(static_cast<uint64_t>(i), i, 0, K("k", i));
  ASSERT_EQ(pool.size(), detail::EvictionPool::kSize);
  // The 16 highest scores (24..39), ascending.
  for (size_t i = 0; i < pool.size(); ++i) EXPECT_EQ(pool.at(i).key, K("k", 24 + i));
  EXPECT_FALSE(pool.Admits(24));
  EXPECT_TRUE(pool.Admits(25));
  // The same key offered again is moved, not duplicated.
  pool.Offer(100, 30, 0, "k30");
  EXPECT_EQ(pool.size(), detail::EvictionPool::kSize);
  EXPECT_EQ(pool.at(pool.size() - 1).key, "k30");
  EXPECT_EQ(pool.at(pool.size() - 1).score, 100u);
  // Another database's key of the same name is another candidate.
  pool.Offer(101, 30, 1, "k30");
  EXPECT_EQ(pool.at(pool.size() - 1).db, 1);
  EXPECT_EQ(pool.at(pool.size() - 2).db, 0);
}

TEST(EvictionPoolTest, TakeBestRevalidatesStaleCandidates) {
  detail::EvictionPool pool;
  pool.Offer(10, 1, 0, "old");
  pool.Offer(50, 2, 0, "deleted");
  pool.Offer(40, 3, 0, "touched");
  pool.Offer(30, 4, 0, "victim");
  auto current = [](const Candidate& c) -> std::optional<uint64_t> {
    if (c.key == "deleted") return std::nullopt;  // gone since it was sampled
    if (c.key == "touched") return 0;             // used since it was sampled
    return c.score + 1;                           // idle a little longer
  };
  Candidate out;
  ASSERT_TRUE(pool.TakeBest(current, &out));
  EXPECT_EQ(out.key, "victim");
  EXPECT_EQ(out.score, 31u);
  EXPECT_EQ(out.hash, 4u);
  // "deleted" was dropped; "touched" was re-filed under its current score, below "old".
  ASSERT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.at(0).key, "touched");
  EXPECT_EQ(pool.at(0).score, 0u);
  EXPECT_EQ(pool.at(1).key, "old");
  ASSERT_TRUE(pool.TakeBest(current, &out));
  EXPECT_EQ(out.key, "old");
  ASSERT_TRUE(pool.TakeBest(current, &out));
  EXPECT_EQ(out.key, "touched");
  EXPECT_FALSE(pool.TakeBest(current, &out));
  EXPECT_TRUE(pool.empty());
}

TEST(EvictionPoolTest, AllCandidatesGone) {
  detail::EvictionPool pool;
  for (int i = 0; i < 5; ++i) pool.Offer(i, i, 0, K("k", i));
  Candidate out;
  EXPECT_FALSE(pool.TakeBest([](const Candidate&) { return std::optional<uint64_t>(); }, &out));
  EXPECT_TRUE(pool.empty());
}

TEST(EvictionTimeLimit, FollowsTenacity) {
  EXPECT_EQ(EvictionTimeLimitUs(0), 0);
  EXPECT_EQ(EvictionTimeLimitUs(1), 50);
  EXPECT_EQ(EvictionTimeLimitUs(10), 500);
  EXPECT_EQ(EvictionTimeLimitUs(11), 575);
  EXPECT_EQ(EvictionTimeLimitUs(99), static_cast<int64_t>(500.0 * std::pow(1.15, 89.0)));
  EXPECT_EQ(EvictionTimeLimitUs(100), -1);
}

TEST(EvictionPolicyTest, Names) {
  EXPECT_EQ(EvictionPolicyName(EvictionPolicy::kVolatileTtl), "volatile-ttl");
  EXPECT_TRUE(IsVolatilePolicy(EvictionPolicy::kVolatileRandom));
  EXPECT_FALSE(IsVolatilePolicy(EvictionPolicy::kAllkeysLru));
  EXPECT_EQ(AccessPolicyFor(EvictionPolicy::kVolatileLfu), AccessPolicy::kLfu);
  EXPECT_EQ(AccessPolicyFor(EvictionPolicy::kAllkeysRandom), AccessPolicy::kLru);
}

TEST_F(EvictionTest, UsedBytesFollowsTheAccounting) {
  Make(4);
  EXPECT_EQ(ks_->used_bytes(), 0u);
  for (int i = 0; i < 2000; ++i) Set(K("k", i));
  const uint64_t published = ks_->used_bytes();
  const uint64_t exact = Used();
  EXPECT_GT(exact, 2000u * 40);
  EXPECT_LE(exact - published, 4 * static_cast<uint64_t>(kUsedBytesBatch));
  EXPECT_EQ(ks_->used_bytes(), exact);  // Stats() published everything
  {
    Access acc = ks_->LockAll();
    acc.FlushAll(false);
  }
  EXPECT_EQ(ks_->used_bytes(), 0u);
}

TEST_F(EvictionTest, UnderTheLimitNothingHappens) {
  Make();
  for (int i = 0; i < 10; ++i) Set(K("k", i));
  EvictResult r = ks_->EvictToLimit(Used(), Opts(EvictionPolicy::kAllkeysLru));
  EXPECT_EQ(r.status, EvictStatus::kOk);
  EXPECT_EQ(r.keys, 0u);
  EXPECT_EQ(Keys(), 10u);
}

TEST_F(EvictionTest, NoEvictionEvictsNothing) {
  Make();
  for (int i = 0; i < 50; ++i) Set(K("k", i));
  EvictResult r = EvictTo(1, Opts(EvictionPolicy::kNoEviction));
  EXPECT_EQ(r.status, EvictStatus::kFail);
  EXPECT_EQ(r.keys, 0u);
  EXPECT_EQ(Keys(), 50u);
  EXPECT_TRUE(evicted_.empty());
  EXPECT_EQ(ks_->Stats().evicted_keys, 0u);
}

TEST_F(EvictionTest, RefusalIsDecidedOnTheExactFigure) {
  Make(4);
  for (int i = 0; i < 50; ++i) Set(K("k", i));
  const uint64_t per_key = BytesPerKey();
  const uint64_t used = Used();
  // Two deletions too small to be published yet: the published figure is still `used`.
  for (const char* key : {"k1", "k2"}) {
    Access acc = ks_->Lock(key);
    acc.Delete(0, key);
  }
  ASSERT_EQ(ks_->used_bytes(), used);
  EvictResult r = ks_->EvictToLimit(used - per_key, Opts(EvictionPolicy::kNoEviction));
  EXPECT_EQ(r.status, EvictStatus::kOk);
  const uint64_t exact = ks_->used_bytes();
  EXPECT_LT(exact, used - per_key);
  EXPECT_EQ(exact, Used());
  r = ks_->EvictToLimit(exact - 1, Opts(EvictionPolicy::kNoEviction));
  EXPECT_EQ(r.status, EvictStatus::kFail);
  EXPECT_EQ(Keys(), 48u);
}

TEST_F(EvictionTest, AllkeysLruKeepsRecentlyTouchedKeys) {
  Make();
  for (int i = 0; i < 100; ++i) Set(K("old", i));
  clock_.AdvanceMs(100'000);
  for (int i = 0; i < 100; ++i) Set(K("new", i));
  clock_.AdvanceMs(10'000);
  for (int i = 0; i < 10; ++i) Touch(K("old", i));
  const uint64_t per_key = BytesPerKey();
  EvictResult r = Free(50 * per_key, EvictionPolicy::kAllkeysLru);
  EXPECT_EQ(r.status, EvictStatus::kOk);
  ASSERT_GE(evicted_.size(), 25u);
  ASSERT_LT(evicted_.size(), 90u);
  EXPECT_EQ(r.keys, evicted_.size());
  // Only old keys nobody touched went.
  for (const std::string& k : evicted_) {
    EXPECT_EQ(k.substr(0, 3), "old") << k;
    EXPECT_GE(std::stoi(k.substr(3)), 10) << k;
  }
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Exists(K("old", i)));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(Exists(K("new", i)));
  EXPECT_EQ(ks_->Stats().evicted_keys, evicted_.size());
  EXPECT_LE(Used(), ks_->used_bytes());
}

TEST_F(EvictionTest, AllkeysLruEvictsInIdleOrder) {
  Make();
  // k0 is the idlest, k39 the most recent: one second apart (the LRU clock's resolution).
  for (int i = 0; i < 40; ++i) {
    Set(K("k", i));
    clock_.AdvanceMs(1000);
  }
  Free(1, EvictionPolicy::kAllkeysLru);
  EXPECT_EQ(evicted_, std::set<std::string>{"k0"});
  // The pool still holds k1..k15 from that round; make two of them stale.
  {
    Access acc = ks_->Lock("k1");
    acc.Delete(0, "k1");
  }
  Touch("k2");
  Free(1, EvictionPolicy::kAllkeysLru);
  EXPECT_EQ(evicted_, (std::set<std::string>{"k0", "k3"}));
  Free(1, EvictionPolicy::kAllkeysLru);
  EXPECT_EQ(evicted_, (std::set<std::string>{"k0", "k3", "k4"}));
  EXPECT_TRUE(Exists("k2"));
}

TEST_F(EvictionTest, StalePoolCandidatesAreNotEvictedWithFewSamples) {
  Make();
  for (int i = 0; i < 1000; ++i) {
    Set(K("k", i));
    clock_.AdvanceMs(1000);
  }
  Free(1, EvictionPolicy::kAllkeysLru);  // fills the pool with every key's score
  ASSERT_EQ(evicted_, std::set<std::string>{"k0"});
  // Every candidate in the pool is touched; with one sample per round the pool cannot learn
  // it from sampling alone: only re-validation keeps them.
  for (int i = 1; i < 16; ++i) Touch(K("k", i));
  clock_.AdvanceMs(1000);
  Free(1, EvictionPolicy::kAllkeysLru, /*samples=*/1);
  ASSERT_EQ(evicted_.size(), 2u);
  for (int i = 1; i < 16; ++i) EXPECT_TRUE(Exists(K("k", i))) << i;
}

TEST_F(EvictionTest, AllkeysLfuKeepsFrequentlyUsedKeys) {
  Make();
  // Log factor 0: every access increments the counter, so the test needs no luck.
  ks_->SetAccessPolicy(AccessPolicy::kLfu, /*lfu_log_factor=*/0, /*lfu_decay_time=*/1);
  for (int i = 0; i < 100; ++i) Set(K("cold", i));
  for (int i = 0; i < 100; ++i) {
    Set(K("hot", i));
    for (int j = 0; j < 3; ++j) Touch(K("hot", i));
  }
  // A cold key touched once ranks between the two groups.
  Touch("cold0");
  const uint64_t per_key = BytesPerKey();
  EvictResult r = Free(50 * per_key, EvictionPolicy::kAllkeysLfu);
  EXPECT_EQ(r.status, EvictStatus::kOk);
  ASSERT_GE(evicted_.size(), 25u);
  ASSERT_LT(evicted_.size(), 99u);
  for (const std::string& k : evicted_) EXPECT_EQ(k.substr(0, 4), "cold") << k;
  EXPECT_TRUE(Exists("cold0"));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(Exists(K("hot", i)));
}

TEST_F(EvictionTest, AllkeysLfuCountersDecay) {
  Make();
  ks_->SetAccessPolicy(AccessPolicy::kLfu, 0, /*lfu_decay_time=*/1);
  // Keys that were hot long ago: counter 5 + 20, then 30 idle minutes decay it to 0.
  for (int i = 0; i < 20; ++i) {
    Set(K("was-hot", i));
    for (int j = 0; j < 20; ++j) Touch(K("was-hot", i));
  }
  clock_.AdvanceMs(30 * 60 * 1000);
  for (int i = 0; i < 20; ++i) Set(K("fresh", i));  // counter 5
  const uint64_t per_key = BytesPerKey();
  Free(10 * per_key, EvictionPolicy::kAllkeysLfu);
  ASSERT_GE(evicted_.size(), 5u) << per_key;
  for (const std::string& k : evicted_) EXPECT_EQ(k.substr(0, 7), "was-hot") << k;
}

TEST_F(EvictionTest, VolatileTtlEvictsTheSoonestExpiring) {
  Make();
  for (int i = 0; i < 50; ++i) Set(K("persistent", i));
  // ttl0 expires first; ttl49 last.
  for (int i = 0; i < 50; ++i) Set(K("ttl", i), 1'000'000 + 1000 * i);
  const uint64_t per_key = BytesPerKey();
  EvictResult r = Free(10 * per_key, EvictionPolicy::kVolatileTtl);
  EXPECT_EQ(r.status, EvictStatus::kOk);
  ASSERT_GE(evicted_.size(), 5u);
  ASSERT_LT(evicted_.size(), 20u);
  for (size_t i = 0; i < evicted_.size(); ++i) {
    EXPECT_EQ(evicted_.count(K("ttl", static_cast<int>(i))), 1u) << i;
  }
}

TEST_F(EvictionTest, VolatileTtlPushedBackIsRevalidated) {
  Make();
  for (int i = 0; i < 30; ++i) Set(K("ttl", i), 1'000'000 + 1000 * i);
  Free(1, EvictionPolicy::kVolatileTtl);
  ASSERT_EQ(evicted_, std::set<std::string>{"ttl0"});
  // ttl1 (in the pool) gets a later expiry; ttl2 loses its TTL altogether.
  {
    Access acc = ks_->Lock("ttl1");
    EntryRef e = acc.Find(0, "ttl1");
    acc.SetExpire(&e, acc.now_ms() + 10'000'000);
  }
  {
    Access acc = ks_->Lock("ttl2");
    EntryRef e = acc.Find(0, "ttl2");
    acc.Persist(&e);
  }
  Free(1, EvictionPolicy::kVolatileTtl, /*samples=*/1);
  EXPECT_EQ(evicted_, (std::set<std::string>{"ttl0", "ttl3"}));
}

class VolatilePolicyTest : public EvictionTest,
                           public ::testing::WithParamInterface<EvictionPolicy> {};

TEST_P(VolatilePolicyTest, EvictsOnlyKeysWithTtlThenFails) {
  Make(4);
  for (int i = 0; i < 100; ++i) Set(K("persistent", i));
  for (int i = 0; i < 30; ++i) Set(K("ttl", i), 1'000'000, i % 2);
  EvictResult r = EvictTo(1, Opts(GetParam(), 5));
  EXPECT_EQ(r.status, EvictStatus::kFail);
  EXPECT_EQ(r.keys, 30u);
  EXPECT_EQ(evicted_.size(), 30u);
  for (const std::string& k : evicted_) EXPECT_EQ(k.substr(0, 3), "ttl") << k;
  EXPECT_EQ(Keys(0), 100u);
  EXPECT_EQ(Keys(1), 0u);
  EXPECT_EQ(ks_->Stats().evicted_keys, 30u);
}

TEST_P(VolatilePolicyTest, NothingVolatileFailsAtOnce) {
  Make(2);
  for (int i = 0; i < 20; ++i) Set(K("persistent", i));
  EvictResult r = EvictTo(1, Opts(GetParam(), 5));
  EXPECT_EQ(r.status, EvictStatus::kFail);
  EXPECT_EQ(r.keys, 0u);
  EXPECT_EQ(Keys(), 20u);
}

INSTANTIATE_TEST_SUITE_P(All, VolatilePolicyTest,
                         ::testing::Values(EvictionPolicy::kVolatileLru,
                                           EvictionPolicy::kVolatileLfu,
                                           EvictionPolicy::kVolatileRandom,
                                           EvictionPolicy::kVolatileTtl),
                         [](const auto& info) {
                           std::string name(EvictionPolicyName(info.param));
                           name.erase(name.find('-'), 1);
                           return name;
                         });

class AllkeysPolicyTest : public EvictionTest,
                          public ::testing::WithParamInterface<EvictionPolicy> {};

TEST_P(AllkeysPolicyTest, EndsUnderTheLimitAcrossShardsAndDatabases) {
  Make(8);
  for (int i = 0; i < 3000; ++i) Set(K("k", i), i % 3 == 0 ? 1'000'000 : -1, i % 2);
  const uint64_t used = Used();
  const uint64_t limit = used / 2;
  EvictResult r = ks_->EvictToLimit(limit, Opts(GetParam(), 5));
  EXPECT_EQ(r.status, EvictStatus::kOk);
  EXPECT_LE(ks_->used_bytes(), limit);
  EXPECT_LE(Used(), limit);
  EXPECT_GE(r.bytes, used - limit);
  EXPECT_EQ(r.keys, evicted_.size());
  EXPECT_EQ(Keys(0) + Keys(1) + r.keys, 3000u);
  EXPECT_GT(Keys(0) + Keys(1), 1000u);
  // Everything can go.
  r = EvictTo(0, Opts(GetParam(), 5));
  EXPECT_EQ(Keys(0) + Keys(1), 0u);
}

INSTANTIATE_TEST_SUITE_P(All, AllkeysPolicyTest,
                         ::testing::Values(EvictionPolicy::kAllkeysLru, EvictionPolicy::kAllkeysLfu,
                                           EvictionPolicy::kAllkeysRandom),
                         [](const auto& info) {
                           std::string name(EvictionPolicyName(info.param));
                           name.erase(name.find('-'), 1);
                           return name;
                         });

TEST_F(EvictionTest, ConcurrentWritersEvictingStayBounded) {
  Make(8);
  constexpr int kThreads = 4;
  constexpr int kKeysPerThread = 5000;
  constexpr uint64_t kLimit = 256 * 1024;
  const std::string value(200, 'v');
  EvictionOptions o = Opts(EvictionPolicy::kAllkeysLru, 5);
  o.time_limit_us = EvictionTimeLimitUs(10);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kKeysPerThread; ++i) {
        // As the server does before each command.
        ks_->EvictToLimit(kLimit, o);
        const std::string key = "t" + std::to_string(t) + ":" + std::to_string(i);
        Access acc = ks_->Lock(key);
        acc.SetString(i % 2, key, value);
      }
    });
  }
  for (auto& th : threads) th.join();
  // Each thread's last write came after its last check; the rest is publication lag.
  EXPECT_LE(Used(), kLimit + kThreads * 1024 + 8 * static_cast<uint64_t>(kUsedBytesBatch));
  EXPECT_GT(Keys(0) + Keys(1), 0u);
  EXPECT_EQ(ks_->Stats().evicted_keys + Keys(0) + Keys(1), uint64_t{kThreads} * kKeysPerThread);
  EXPECT_EQ(evicted_.size(), ks_->Stats().evicted_keys);
}

TEST_F(EvictionTest, TimeLimitedCallsEndRunningAndResume) {
  Make(4);
  for (int i = 0; i < 2000; ++i) Set(K("k", i));
  EvictionOptions o = Opts(EvictionPolicy::kAllkeysRandom, 5);
  o.time_limit_us = 0;  // stop at the first clock check: every 16 keys
  EvictResult r = EvictTo(0, o);
  EXPECT_EQ(r.status, EvictStatus::kRunning);
  EXPECT_EQ(r.keys, 16u);
  size_t calls = 1;
  while (r.status == EvictStatus::kRunning) {
    r = ks_->EvictToLimit(0, o);
    ++calls;
  }
  EXPECT_EQ(Keys(), 0u);
  EXPECT_GE(calls, 2000u / 16);
}

TEST_F(EvictionTest, ExpiredKeysMetAreReclaimedAsExpired) {
  Make();
  for (int i = 0; i < 20; ++i) Set(K("ttl", i), 1000);
  clock_.AdvanceMs(5000);
  EvictResult r = EvictTo(1, Opts(EvictionPolicy::kVolatileTtl));
  EXPECT_EQ(r.keys, 20u);
  EXPECT_TRUE(evicted_.empty());
  EXPECT_EQ(expired_.size(), 20u);
  EXPECT_EQ(ks_->Stats().expired_keys, 20u);
}

TEST_F(EvictionTest, LazyEvictionFreesLargeValuesInTheBackground) {
  Make();
  {
    Access acc = ks_->Lock("big");
    auto set = std::make_unique<SetValue>();
    for (int i = 0; i < 500; ++i) set->Add(K("member-", i), 512);
    acc.Set(0, "big", Value::Object(std::move(set)));
  }
  EvictionOptions o = Opts(EvictionPolicy::kAllkeysLru);
  o.lazy_free = true;
  EvictResult r = EvictTo(1, o);
  EXPECT_EQ(r.keys, 1u);
  EXPECT_EQ(evicted_, std::set<std::string>{"big"});
  ks_->WaitForLazyFree();
  EXPECT_EQ(ks_->Stats().lazyfreed_objects, 1u);
}

}  // namespace
}  // namespace cachet::storage
