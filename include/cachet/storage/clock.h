// The injectable time source of the keyspace: a real clock and a manual one for tests.
#pragma once

#include <atomic>
#include <cstdint>

namespace cachet::storage {

// A wall clock. NowMs() is Unix time in milliseconds (TTLs are absolute Unix ms, as in
// Redis); NowUs() is the same instant in microseconds. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
  virtual int64_t NowUs() const = 0;
};

// CLOCK_REALTIME. Default() is a process-wide instance that is never destroyed.
class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override;
  int64_t NowUs() const override;
  static SystemClock* Default();
};

// A clock that moves only when told to. Starts at start_ms (a plausible present by default,
// so LRU/LFU clocks derived from it look like Redis's). Safe to advance from one thread while
// others read it.
class ManualClock final : public Clock {
 public:
  static constexpr int64_t kDefaultStartMs = 1'700'000'000'000;

  explicit ManualClock(int64_t start_ms = kDefaultStartMs) : now_us_(start_ms * 1000) {}

  int64_t NowMs() const override { return now_us_.load(std::memory_order_relaxed) / 1000; }
  int64_t NowUs() const override { return now_us_.load(std::memory_order_relaxed); }

  void SetMs(int64_t ms) { now_us_.store(ms * 1000, std::memory_order_relaxed); }
  void AdvanceMs(int64_t ms) { now_us_.fetch_add(ms * 1000, std::memory_order_relaxed); }
  void AdvanceUs(int64_t us) { now_us_.fetch_add(us, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_us_;
};

}  // namespace cachet::storage
