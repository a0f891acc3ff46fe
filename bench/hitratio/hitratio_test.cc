// Tests of the hit-ratio benchmark's workloads and cache simulators.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "hitratio/sim.h"
#include "hitratio/workload.h"

namespace cachet::hitratio {
namespace {

std::vector<bool> AccessAll(CacheSim& sim, const std::vector<uint64_t>& keys) {
  std::vector<bool> hits;
  for (uint64_t k : keys) hits.push_back(sim.Access(k));
  return hits;
}

// ---- Workloads ----

TEST(Workload, ParsesAndNamesWorkloads) {
  WorkloadSpec spec;
  ASSERT_TRUE(ParseWorkloadName("scan-1.2", &spec));
  EXPECT_EQ(spec.pattern, Pattern::kScan);
  EXPECT_DOUBLE_EQ(spec.alpha, 1.2);
  EXPECT_EQ(WorkloadName(spec), "scan-1.2");
  ASSERT_TRUE(ParseWorkloadName("shift-0.8", &spec));
  EXPECT_EQ(spec.pattern, Pattern::kShift);
  ASSERT_TRUE(ParseWorkloadName("zipf-0.99", &spec));
  EXPECT_EQ(WorkloadName(spec), "zipf-0.99");
  EXPECT_FALSE(ParseWorkloadName("zipf", &spec));
  EXPECT_FALSE(ParseWorkloadName("zipf-", &spec));
  EXPECT_FALSE(ParseWorkloadName("zipf-0", &spec));
  EXPECT_FALSE(ParseWorkloadName("zipf-1x", &spec));
  EXPECT_FALSE(ParseWorkloadName("uniform-1", &spec));
  EXPECT_EQ(KeyName(42), "key:00000042");
}

TEST(Workload, SameSpecSameStreamOtherSeedOtherStream) {
  WorkloadSpec spec{Pattern::kZipf, 0.99, 10'000, 50'000, 7};
  const auto a = GenerateWorkload(spec);
  const auto b = GenerateWorkload(spec);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 50'000u);
  for (uint64_t id : a) ASSERT_LT(id, 10'000u);
  spec.seed = 8;
  EXPECT_NE(GenerateWorkload(spec), a);
}

TEST(Workload, ZipfSamplerMatchesTheDistribution) {
  const uint64_t n = 1000;
  for (double alpha : {0.8, 0.99, 1.2}) {
    ZipfSampler zipf(n, alpha);
    Rng rng(3);
    const int samples = 400'000;
    std::vector<int> count(n + 1, 0);
    for (int i = 0; i < samples; ++i) {
      const uint64_t k = zipf.Sample(rng);
      ASSERT_GE(k, 1u);
      ASSERT_LE(k, n);
      ++count[k];
    }
    double norm = 0;
    for (uint64_t k = 1; k <= n; ++k) norm += std::pow(static_cast<double>(k), -alpha);
    for (uint64_t k : {1, 2, 5, 20, 100}) {
      const double expected = samples * std::pow(static_cast<double>(k), -alpha) / norm;
      // Five standard deviations of a binomial count.
      EXPECT_NEAR(count[k], expected, 5 * std::sqrt(expected) + 1)
          << "alpha " << alpha << " k " << k;
    }
  }
}

TEST(Workload, HotKeysAreScatteredNotTheFirstIds) {
  const auto stream = GenerateWorkload({Pattern::kZipf, 1.2, 100'000, 100'000, 1});
  std::unordered_map<uint64_t, int> freq;
  for (uint64_t id : stream) ++freq[id];
  int low = 0;  // of the 10 hottest ids, how many are among ids 0..9
  std::vector<std::pair<int, uint64_t>> byfreq;
  for (auto [id, f] : freq) byfreq.emplace_back(f, id);
  std::sort(byfreq.rbegin(), byfreq.rend());
  for (int i = 0; i < 10; ++i) low += byfreq[i].second < 10;
  EXPECT_LT(low, 2);
}

TEST(Workload, ScanIsContiguousColdKeysInTheMiddle) {
  const WorkloadSpec spec{Pattern::kScan, 0.99, 1000, 10'000, 1};
  const auto stream = GenerateWorkload(spec);
  const ScanRange scan = ScanRangeOf(spec);
  EXPECT_EQ(scan.begin, 5000u);
  EXPECT_EQ(scan.length, 500u);
  ASSERT_EQ(stream.size(), 10'500u);
  for (uint64_t j = 0; j < scan.length; ++j) EXPECT_EQ(stream[scan.begin + j], 1000 + j);
  for (size_t i = 0; i < stream.size(); ++i) {
    if (i < scan.begin || i >= scan.begin + scan.length) {
      ASSERT_LT(stream[i], 1000u);
    }
  }
  // Outside the scan it is the plain Zipf stream.
  auto plain = GenerateWorkload({Pattern::kZipf, 0.99, 1000, 10'000, 1});
  plain.insert(plain.begin() + 5000, stream.begin() + 5000, stream.begin() + 5500);
  EXPECT_EQ(plain, stream);
}

TEST(Workload, ShiftMovesTheHotSetToColdKeys) {
  const WorkloadSpec spec{Pattern::kShift, 1.2, 100'000, 200'000, 1};
  const auto stream = GenerateWorkload(spec);
  ASSERT_EQ(stream.size(), 200'000u);
  std::unordered_map<uint64_t, int> first, second;
  for (size_t i = 0; i < 100'000; ++i) ++first[stream[i]];
  for (size_t i = 100'000; i < 200'000; ++i) ++second[stream[i]];
  auto hottest = [](const std::unordered_map<uint64_t, int>& m) {
    uint64_t best = 0;
    int f = -1;
    for (auto [id, c] : m) {
      if (c > f) f = c, best = id;
    }
    return best;
  };
  const uint64_t hot2 = hottest(second);
  EXPECT_NE(hottest(first), hot2);
  // The second half's hottest key was (almost) never requested in the first half.
  EXPECT_LT(first[hot2], second[hot2] / 100);
}

// ---- LRU ----

TEST(LruSim, HandComputedStream) {
  LruSim lru(3);
  // 1m [1]; 2m [2 1]; 3m [3 2 1]; 1h [1 3 2]; 4m evicts 2 [4 1 3]; 1h [1 4 3];
  // 2m evicts 3 [2 1 4]; 5m evicts 4 [5 2 1]; 4m evicts 1 [4 5 2]; 1m evicts 2 [1 4 5].
  const auto hits = AccessAll(lru, {1, 2, 3, 1, 4, 1, 2, 5, 4, 1});
  EXPECT_EQ(hits, (std::vector<bool>{0, 0, 0, 1, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(lru.size(), 3u);
  EXPECT_TRUE(lru.Contains(1));
  EXPECT_TRUE(lru.Contains(4));
  EXPECT_TRUE(lru.Contains(5));
  EXPECT_FALSE(lru.Contains(2));
}

TEST(Simulate, WarmupIsNotCounted) {
  LruSim lru(2);
  // A m, B m, A h | C m (evicts B), A h, B m.
  const SimResult r = Simulate(lru, {1, 2, 1, 3, 1, 2}, 3);
  EXPECT_EQ(r.requests, 3u);
  EXPECT_EQ(r.hits, 1u);
  EXPECT_DOUBLE_EQ(r.ratio(), 1.0 / 3);
}

// ---- S3-FIFO ----

TEST(S3FifoSim, ReusedKeySurvivesAScanThatFlushesLru) {
  S3FifoSim s3(100);
  LruSim lru(100);
  std::vector<uint64_t> stream = {0, 0, 0};
  for (uint64_t k = 1000; k < 3000; ++k) stream.push_back(k);  // one-off scan
  AccessAll(s3, stream);
  AccessAll(lru, stream);
  EXPECT_TRUE(s3.Contains(0));
  EXPECT_TRUE(s3.InMain(0));
  EXPECT_FALSE(lru.Contains(0));
  EXPECT_EQ(s3.size(), 100u);
  EXPECT_TRUE(s3.Access(0));
}

TEST(S3FifoSim, GhostHitGoesStraightToMain) {
  S3FifoSim s3(10);  // small 1, main 9, ghost 9
  AccessAll(s3, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  EXPECT_FALSE(s3.Access(10));  // evicts 0 (never reused) from small into the ghost
  EXPECT_FALSE(s3.Contains(0));
  EXPECT_FALSE(s3.Access(0));  // ghost hit
  EXPECT_TRUE(s3.InMain(0));
  EXPECT_TRUE(s3.Access(0));
  EXPECT_FALSE(s3.InMain(10));
}

TEST(S3FifoSim, MainGivesASecondChanceToReusedKeys) {
  S3FifoSim s3(10);
  // Key 0 reused in small, so it reaches main when small overflows.
  AccessAll(s3, {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  for (uint64_t k = 100; k < 200; ++k) s3.Access(k);
  EXPECT_TRUE(s3.InMain(0));
  EXPECT_EQ(s3.size(), 10u);
}

// ---- W-TinyLFU ----

TEST(FrequencySketch, CountsCapsAndAges) {
  FrequencySketch sketch(1000);  // ages after 10,000 increments
  EXPECT_EQ(sketch.Estimate(7), 0);
  sketch.Increment(7);
  EXPECT_EQ(sketch.Estimate(7), 1);  // the doorkeeper's bit
  for (int i = 0; i < 5; ++i) sketch.Increment(7);
  EXPECT_EQ(sketch.Estimate(7), 6);
  for (int i = 0; i < 30; ++i) sketch.Increment(7);
  EXPECT_EQ(sketch.Estimate(7), 16);  // 4-bit counter saturates at 15, plus the doorkeeper
  for (uint64_t k = 1'000'000; sketch.resets() == 0; ++k) sketch.Increment(k);
  // Counters halved (15 -> 7), doorkeeper cleared.
  EXPECT_EQ(sketch.Estimate(7), 7);
}

TEST(WTinyLfuSim, RejectsOneHitWonders) {
  WTinyLfuSim tiny(100);  // window 1, probation 20, protected 79
  LruSim lru(100);
  std::vector<uint64_t> stream;
  for (int round = 0; round < 5; ++round) {
    for (uint64_t k = 0; k < 100; ++k) stream.push_back(k);
  }
  for (uint64_t k = 10'000; k < 10'400; ++k) stream.push_back(k);  // each requested once
  AccessAll(tiny, stream);
  AccessAll(lru, stream);
  int kept = 0;
  for (uint64_t k = 0; k < 100; ++k) kept += tiny.Contains(k);
  EXPECT_GE(kept, 95);
  int kept_lru = 0;
  for (uint64_t k = 0; k < 100; ++k) kept_lru += lru.Contains(k);
  EXPECT_EQ(kept_lru, 0);
  int one_hit_kept = 0;
  for (uint64_t k = 10'000; k < 10'400; ++k) one_hit_kept += tiny.Contains(k);
  EXPECT_LE(one_hit_kept, 5);
  EXPECT_EQ(tiny.size(), 100u);
}

TEST(WTinyLfuSim, AdmitsAKeyThatBecameFrequent) {
  WTinyLfuSim tiny(100);
  for (int round = 0; round < 3; ++round) {
    for (uint64_t k = 0; k < 100; ++k) tiny.Access(k);
  }
  for (int i = 0; i < 10; ++i) tiny.Access(5000);  // stays in the 1-key window meanwhile
  tiny.Access(5001);                               // pushes 5000 out of the window
  EXPECT_TRUE(tiny.Contains(5000));
  EXPECT_TRUE(tiny.Access(5000));
}

// ---- All simulators on a Zipf stream ----

TEST(Simulators, FrequencyAwarePoliciesBeatLruOnZipf) {
  const WorkloadSpec spec{Pattern::kZipf, 0.99, 100'000, 400'000, 1};
  const auto stream = GenerateWorkload(spec);
  std::map<std::string, double> ratio;
  for (const auto& name : SimNames()) {
    auto sim = MakeSim(name, 5'000);
    ASSERT_NE(sim, nullptr);
    ratio[name] = Simulate(*sim, stream, stream.size() / 5).ratio();
    EXPECT_LE(sim->size(), 5'000u);
    EXPECT_GT(ratio[name], 0.2) << name;
    EXPECT_LT(ratio[name], 0.9) << name;
  }
  EXPECT_GT(ratio["S3FIFO"], ratio["LRU"]);
  EXPECT_GT(ratio["WTinyLFU"], ratio["LRU"]);
  EXPECT_EQ(MakeSim("ARC", 10), nullptr);
}

}  // namespace
}  // namespace cachet::hitratio
