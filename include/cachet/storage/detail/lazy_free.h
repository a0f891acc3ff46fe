// Internal to the storage layer: the background thread that frees flushed tables and large
// values handed over by FLUSHALL/FLUSHDB ASYNC and UNLINK.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace cachet::storage::detail {

class LazyFreer {
 public:
  LazyFreer() = default;
  // Frees everything still queued, then stops the thread.
  ~LazyFreer();
  LazyFreer(const LazyFreer&) = delete;
  LazyFreer& operator=(const LazyFreer&) = delete;

  // Destroys *p on the background thread (started on first use); `objects` is what the
  // lazyfree_pending_objects / lazyfreed_objects counters move by.
  template <typename T>
  void Free(std::unique_ptr<T> p, size_t objects) {
    if (p == nullptr) return;
    Enqueue(std::make_unique<Holder<T>>(std::move(p)), objects);
  }

  // Blocks until the queue is empty and nothing is being freed.
  void WaitIdle();
  uint64_t pending_objects() const { return pending_.load(std::memory_order_relaxed); }
  uint64_t freed_objects() const { return freed_.load(std::memory_order_relaxed); }

 private:
  struct Garbage {
    virtual ~Garbage() = default;
    size_t objects = 0;
  };
  template <typename T>
  struct Holder final : Garbage {
    explicit Holder(std::unique_ptr<T> p) : ptr(std::move(p)) {}
    std::unique_ptr<T> ptr;
  };

  void Enqueue(std::unique_ptr<Garbage> g, size_t objects);
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::unique_ptr<Garbage>> queue_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread thread_;
  std::atomic<uint64_t> pending_{0};
  std::atomic<uint64_t> freed_{0};
};

}  // namespace cachet::storage::detail
