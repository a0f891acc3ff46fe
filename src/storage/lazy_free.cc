// The lazy-free thread: destroys what flushes and UNLINK hand over, off the command path.
#include "cachet/storage/detail/lazy_free.h"

namespace cachet::storage::detail {

LazyFreer::~LazyFreer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Anything queued after the thread stopped (nothing, normally) is freed here.
  queue_.clear();
}

void LazyFreer::Enqueue(std::unique_ptr<Garbage> g, size_t objects) {
  g->objects = objects;
  pending_.fetch_add(objects, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(g));
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
  }
  cv_.notify_one();
}

void LazyFreer::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;
    std::unique_ptr<Garbage> g = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    const size_t objects = g->objects;
    g.reset();
    pending_.fetch_sub(objects, std::memory_order_relaxed);
    freed_.fetch_add(objects, std::memory_order_relaxed);
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
}

void LazyFreer::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

}  // namespace cachet::storage::detail
