// Per-key access metadata packed as Redis packs it: a 24-bit LRU clock or LFU counter+time.
#pragma once

#include <cstdint>

namespace cachet::storage {

// The 24 bits Redis keeps in robj.lru hold one of two things, chosen by maxmemory-policy:
//   LRU: the LRU clock (Unix seconds, LRU_CLOCK_RESOLUTION 1000 ms) modulo 2^24.
//   LFU: (minutes modulo 2^16) << 8 | an 8-bit logarithmic access counter.
enum class AccessPolicy : uint8_t { kLru, kLfu };

inline constexpr uint32_t kLruClockMax = (1u << 24) - 1;
inline constexpr int64_t kLruClockResolutionMs = 1000;
inline constexpr uint8_t kLfuInitVal = 5;

// Redis's defaults for lfu-log-factor and lfu-decay-time.
inline constexpr int kDefaultLfuLogFactor = 10;
inline constexpr int kDefaultLfuDecayTime = 1;

// LRU_CLOCK() at now_ms.
inline uint32_t LruClock(int64_t now_ms) {
  return static_cast<uint32_t>((now_ms / kLruClockResolutionMs) & kLruClockMax);
}

// estimateObjectIdleTime(): milliseconds since the LRU clock `lru` (OBJECT IDLETIME / 1000).
inline int64_t LruIdleMs(uint32_t lru, int64_t now_ms) {
  uint32_t clock = LruClock(now_ms);
  if (clock >= lru) return static_cast<int64_t>(clock - lru) * kLruClockResolutionMs;
  return static_cast<int64_t>(clock + (kLruClockMax - lru)) * kLruClockResolutionMs;
}

// LFUGetTimeInMinutes().
inline uint32_t LfuTimeInMinutes(int64_t now_ms) {
  return static_cast<uint32_t>((now_ms / 1000 / 60) & 65535);
}

// The LFU field of a newly created value.
inline uint32_t LfuInitial(int64_t now_ms) { return (LfuTimeInMinutes(now_ms) << 8) | kLfuInitVal; }

// LFUDecrAndReturn(): the counter of `field` after decay (OBJECT FREQ), not stored back.
uint8_t LfuDecayedCounter(uint32_t field, int64_t now_ms, int decay_time);

// updateLFU(): the field after one access: decay, then LFULogIncr() with log_factor using
// `random01` (uniform in [0, 1]) as Redis uses rand()/RAND_MAX.
uint32_t LfuTouched(uint32_t field, int64_t now_ms, int log_factor, int decay_time,
                    double random01);

}  // namespace cachet::storage
