// The random source of commands that pick elements (SPOP, SRANDMEMBER, HRANDFIELD...).
#pragma once

#include <cstdint>
#include <random>

namespace cachet::commands {

// xoshiro256** (Blackman & Vigna), seeded from std::random_device: fast, and good enough for
// picking elements uniformly.
class Rng {
 public:
  Rng() {
    std::random_device rd;
    for (uint64_t& w : s_) w = (uint64_t{rd()} << 32) ^ rd();
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }
  uint64_t operator()() {
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
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return (*this)() % n; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// This thread's generator.
inline Rng& ThreadRng() {
  thread_local Rng rng;
  return rng;
}

}  // namespace cachet::commands
