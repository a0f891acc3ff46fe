// Redis's LFU counter arithmetic (evict.c): decay over time and logarithmic increments.
#include "cachet/storage/lru.h"

namespace cachet::storage {
namespace {

uint32_t LfuTimeElapsed(uint32_t ldt, int64_t now_ms) {
  uint32_t now = LfuTimeInMinutes(now_ms);
  if (now >= ldt) return now - ldt;
  return 65535 - ldt + now;
}

}  // namespace

uint8_t LfuDecayedCounter(uint32_t field, int64_t now_ms, int decay_time) {
  const uint32_t ldt = field >> 8;
  uint32_t counter = field & 255;
  const uint32_t periods = decay_time > 0 ? LfuTimeElapsed(ldt, now_ms) / decay_time : 0;
  if (periods != 0) counter = periods > counter ? 0 : counter - periods;
  return static_cast<uint8_t>(counter);
}

uint32_t LfuTouched(uint32_t field, int64_t now_ms, int log_factor, int decay_time,
                    double random01) {
  uint32_t counter = LfuDecayedCounter(field, now_ms, decay_time);
  if (counter != 255) {
    double base = static_cast<double>(counter) - kLfuInitVal;
    if (base < 0) base = 0;
    const double p = 1.0 / (base * log_factor + 1);
    if (random01 < p) ++counter;
  }
  return (LfuTimeInMinutes(now_ms) << 8) | counter;
}

}  // namespace cachet::storage
