// Clients blocked on keys: the waiting queues and the per-thread ready lists.
#include "cachet/server/blocking_registry.h"

#include <algorithm>
#include <set>

namespace cachet::server {

namespace detail {
std::vector<std::pair<int, std::string>>& ThreadReadyKeys() {
  thread_local std::vector<std::pair<int, std::string>> keys;
  return keys;
}
}  // namespace detail

void BlockingRegistry::Add(const std::shared_ptr<Waiter>& w) {
  std::lock_guard lock(mu_);
  for (const std::string& key : w->keys) {
    auto [it, inserted] = queues_.try_emplace(DbKey{w->db, key});
    auto& q = it->second.waiters;
    // BLPOP k k waits once on k.
    if (std::find(q.begin(), q.end(), w) == q.end()) q.push_back(w);
  }
  queued_keys_.store(queues_.size(), std::memory_order_relaxed);
  blocked_.fetch_add(1, std::memory_order_relaxed);
}

bool BlockingRegistry::Cancel(Waiter* w) {
  int expected = Waiter::kWaiting;
  if (!w->state.compare_exchange_strong(expected, Waiter::kDone)) return false;
  std::lock_guard lock(mu_);
  RemoveLocked(w);
  return true;
}

void BlockingRegistry::RemoveLocked(Waiter* w) {
  for (const std::string& key : w->keys) {
    auto it = queues_.find(DbKey{w->db, key});
    if (it == queues_.end()) continue;
    auto& q = it->second.waiters;
    q.erase(std::remove_if(q.begin(), q.end(), [w](const auto& p) { return p.get() == w; }),
            q.end());
    if (q.empty()) queues_.erase(it);
  }
  queued_keys_.store(queues_.size(), std::memory_order_relaxed);
  blocked_.fetch_sub(1, std::memory_order_relaxed);
}

void BlockingRegistry::NoteWritten(int db, std::string_view key) {
  if (queued_keys_.load(std::memory_order_relaxed) == 0) return;
  {
    std::lock_guard lock(mu_);
    if (queues_.find(std::pair<int, std::string_view>(db, key)) == queues_.end()) return;
  }
  detail::ThreadReadyKeys().emplace_back(db, std::string(key));
}

void BlockingRegistry::NoteDbChanged(int db) {
  if (queued_keys_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lock(mu_);
  for (const auto& [k, q] : queues_) {
    if (k.first == db) detail::ThreadReadyKeys().push_back(k);
  }
}

bool BlockingRegistry::HasReady() { return !detail::ThreadReadyKeys().empty(); }

std::shared_ptr<Waiter> BlockingRegistry::ClaimHead(const DbKey& k) {
  std::lock_guard lock(mu_);
  auto it = queues_.find(k);
  if (it == queues_.end()) return nullptr;
  for (const auto& w : it->second.waiters) {
    int expected = Waiter::kWaiting;
    if (w->state.compare_exchange_strong(expected, Waiter::kServing)) return w;
    // A waiter being cancelled right now is skipped; it leaves the queue in Cancel().
  }
  return nullptr;
}

bool BlockingRegistry::TakeReady(std::vector<DbKey>* out) {
  out->clear();
  std::lock_guard lock(mu_);
  if (ready_.empty()) return false;
  out->swap(ready_);
  // A key written several times is served once per round, in the order keys became ready.
  std::set<DbKey, DbKeyLess> seen;
  size_t kept = 0;
  for (size_t i = 0; i < out->size(); ++i) {
    if (!seen.insert((*out)[i]).second) continue;
    if (kept != i) (*out)[kept] = std::move((*out)[i]);
    ++kept;
  }
  out->resize(kept);
  return true;
}

size_t BlockingRegistry::waited_keys() const {
  std::lock_guard lock(mu_);
  return queues_.size();
}

}  // namespace cachet::server
