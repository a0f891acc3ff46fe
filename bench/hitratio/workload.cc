// Seeded, reproducible request streams of key ids for the hit-ratio benchmark.
#include "hitratio/workload.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace cachet::hitratio {

namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// log1p(x)/x, accurate near 0.
double Helper1(double x) {
  if (std::fabs(x) > 1e-8) return std::log1p(x) / x;
  return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

// expm1(x)/x, accurate near 0.
double Helper2(double x) {
  if (std::fabs(x) > 1e-8) return std::expm1(x) / x;
  return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

const char* PatternName(Pattern p) {
  switch (p) {
    case Pattern::kZipf:
      return "zipf";
    case Pattern::kScan:
      return "scan";
    case Pattern::kShift:
      return "shift";
  }
  return "?";
}

}  // namespace

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& s : s_) s = SplitMix64(x);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

uint64_t Rng::Below(uint64_t bound) {
  // Lemire's multiply-shift with rejection: unbiased.
  const uint64_t threshold = -bound % bound;
  while (true) {
    const __uint128_t m = static_cast<__uint128_t>(Next()) * bound;
    if (static_cast<uint64_t>(m) >= threshold) return static_cast<uint64_t>(m >> 64);
  }
}

// With e = alpha: h(x) = x^-e and H(x) = (x^(1-e) - 1) / (1 - e) (log x when e = 1), so that
// H' = h. Ranks are drawn by inverting H over [H(1.5) - 1, H(n + 0.5)] and rounding, accepting
// when the rounded rank's true mass covers the drawn point.
ZipfSampler::ZipfSampler(uint64_t n, double alpha) : n_(n), alpha_(alpha) {
  if (n == 0 || !(alpha > 0)) throw std::invalid_argument("Zipf needs n > 0 and alpha > 0");
  h_integral_x1_ = H(1.5) - 1.0;
  h_integral_n_ = H(static_cast<double>(n) + 0.5);
  s_ = 2.0 - HInverse(H(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const { return std::exp(-alpha_ * std::log(x)); }

double ZipfSampler::H(double x) const {
  const double log_x = std::log(x);
  return Helper2((1.0 - alpha_) * log_x) * log_x;
}

double ZipfSampler::HInverse(double x) const {
  double t = x * (1.0 - alpha_);
  if (t < -1.0) t = -1.0;  // rounding guard
  return std::exp(Helper1(t) * x);
}

uint64_t ZipfSampler::Sample(Rng& rng) const {
  while (true) {
    const double u = h_integral_n_ + rng.NextDouble() * (h_integral_x1_ - h_integral_n_);
    const double x = HInverse(u);
    double kd = std::floor(x + 0.5);
    if (kd < 1) kd = 1;
    if (kd > static_cast<double>(n_)) kd = static_cast<double>(n_);
    if (kd - x <= s_ || u >= H(kd + 0.5) - h(kd)) return static_cast<uint64_t>(kd);
  }
}

std::vector<uint32_t> SeededPermutation(uint64_t n, uint64_t seed) {
  std::vector<uint32_t> perm(n);
  for (uint64_t i = 0; i < n; ++i) perm[i] = static_cast<uint32_t>(i);
  Rng rng(seed ^ 0x5eed0f5eed0f5eedULL);
  for (uint64_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng.Below(i)]);
  return perm;
}

bool ParseWorkloadName(std::string_view name, WorkloadSpec* spec) {
  const size_t dash = name.find('-');
  if (dash == std::string_view::npos) return false;
  const std::string_view kind = name.substr(0, dash);
  Pattern pattern;
  if (kind == "zipf") {
    pattern = Pattern::kZipf;
  } else if (kind == "scan") {
    pattern = Pattern::kScan;
  } else if (kind == "shift") {
    pattern = Pattern::kShift;
  } else {
    return false;
  }
  const std::string alpha_text(name.substr(dash + 1));
  char* end = nullptr;
  const double alpha = std::strtod(alpha_text.c_str(), &end);
  if (alpha_text.empty() || *end != '\0' || !(alpha > 0) || !std::isfinite(alpha)) return false;
  spec->pattern = pattern;
  spec->alpha = alpha;
  return true;
}

std::string WorkloadName(const WorkloadSpec& spec) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%g", PatternName(spec.pattern), spec.alpha);
  return buf;
}

ScanRange ScanRangeOf(const WorkloadSpec& spec) {
  if (spec.pattern != Pattern::kScan) return {};
  return {spec.requests / 2, spec.keys / 2};
}

std::vector<uint64_t> GenerateWorkload(const WorkloadSpec& spec) {
  if (spec.keys == 0 || spec.keys > UINT32_MAX) throw std::invalid_argument("bad key count");
  const ZipfSampler zipf(spec.keys, spec.alpha);
  const std::vector<uint32_t> first = SeededPermutation(spec.keys, spec.seed);
  std::vector<uint32_t> second;
  if (spec.pattern == Pattern::kShift) second = SeededPermutation(spec.keys, spec.seed + 1);
  const ScanRange scan = ScanRangeOf(spec);

  std::vector<uint64_t> out;
  out.reserve(spec.requests + scan.length);
  Rng rng(spec.seed);
  const uint64_t half = spec.requests / 2;
  for (uint64_t i = 0; i < spec.requests; ++i) {
    if (i == half) {
      for (uint64_t j = 0; j < scan.length; ++j) out.push_back(spec.keys + j);
    }
    const uint64_t rank = zipf.Sample(rng) - 1;
    const auto& perm = (spec.pattern == Pattern::kShift && i >= half) ? second : first;
    out.push_back(perm[rank]);
  }
  return out;
}

std::string KeyName(uint64_t id) {
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "key:%08llu", static_cast<unsigned long long>(id));
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace cachet::hitratio
