// Seeded, reproducible request streams of key ids for the hit-ratio benchmark.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cachet::hitratio {

// The shape of a request stream.
enum class Pattern {
  kZipf,   // Zipf(alpha) over the key population, hot keys scattered by a seeded permutation
  kScan,   // the kZipf stream with a one-off sequential scan of keys/2 never-seen keys in the
           // middle (the scan adds keys/2 requests to the stream)
  kShift,  // the kZipf stream whose second half ranks keys by a different permutation, so the
           // hot set moves to keys that were cold in the first half
};

struct WorkloadSpec {
  Pattern pattern = Pattern::kZipf;
  double alpha = 0.99;            // Zipf exponent (> 0)
  uint64_t keys = 1'000'000;      // key population of the Zipf part: ids 0..keys-1
  uint64_t requests = 2'000'000;  // Zipf requests (a scan adds keys/2 more)
  uint64_t seed = 1;
};

// Parses "zipf-0.99", "scan-1.2", "shift-0.8" (pattern, '-', alpha) into spec's pattern and
// alpha; returns false (spec untouched) for anything else.
bool ParseWorkloadName(std::string_view name, WorkloadSpec* spec);

// The name ParseWorkloadName accepts for spec, e.g. "zipf-0.99".
std::string WorkloadName(const WorkloadSpec& spec);

// The request stream of spec: the same vector for the same spec on every run and platform.
// Zipf ids lie in [0, keys); scan ids lie in [keys, keys + keys/2).
std::vector<uint64_t> GenerateWorkload(const WorkloadSpec& spec);

// Where GenerateWorkload puts the scan of a kScan stream: [begin, begin + length).
struct ScanRange {
  uint64_t begin = 0;
  uint64_t length = 0;
};
ScanRange ScanRangeOf(const WorkloadSpec& spec);

// The key name of id, as sent to a server: "key:" and the id zero-padded to 8 digits.
std::string KeyName(uint64_t id);

// A small fast PRNG (splitmix64-seeded xoshiro256**) whose output is fixed by the seed alone.
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double NextDouble();             // uniform in [0, 1)
  uint64_t Below(uint64_t bound);  // uniform in [0, bound), bound > 0

 private:
  uint64_t s_[4];
};

// Zipf sampler over ranks 1..n with P(k) proportional to k^-alpha, by rejection-inversion
// (Hormann and Derflinger 1996): O(1) expected time per sample, no table.
class ZipfSampler {
 public:
  ZipfSampler(uint64_t n, double alpha);
  // A rank in [1, n].
  uint64_t Sample(Rng& rng) const;

 private:
  double H(double x) const;  // integral of h from 1 to x, shifted (see .cc)
  double HInverse(double x) const;
  double h(double x) const;  // x^-alpha

  uint64_t n_;
  double alpha_;
  double h_integral_x1_;
  double h_integral_n_;
  double s_;
};

// A seeded random permutation of [0, n) (Fisher-Yates with Rng).
std::vector<uint32_t> SeededPermutation(uint64_t n, uint64_t seed);

}  // namespace cachet::hitratio
