// SystemClock: the real-time clock behind TTLs and LRU/LFU data.
#include "cachet/storage/clock.h"

#include <time.h>

namespace cachet::storage {

int64_t SystemClock::NowUs() const {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t SystemClock::NowMs() const { return NowUs() / 1000; }

SystemClock* SystemClock::Default() {
  static SystemClock* clock = new SystemClock();
  return clock;
}

}  // namespace cachet::storage
