// WATCH bookkeeping shared by every worker thread.
#include "cachet/commands/watch_registry.h"

#include <algorithm>
#include <cstring>

namespace cachet::commands {

std::string WatchRegistry::Slot(int db, std::string_view key) {
  std::string slot(sizeof(int) + key.size(), '\0');
  std::memcpy(slot.data(), &db, sizeof(int));
  std::memcpy(slot.data() + sizeof(int), key.data(), key.size());
  return slot;
}

void WatchRegistry::Watch(ClientState* client, int db, std::string_view key, bool existed) {
  for (const auto& w : client->watched) {
    if (w.db == db && w.key == key) return;  // already watched
  }
  client->watched.push_back({db, std::string(key), existed});
  std::lock_guard lock(mu_);
  by_key_[Slot(db, key)].push_back({client, existed});
  count_.fetch_add(1, std::memory_order_relaxed);
}

void WatchRegistry::UnwatchAll(ClientState* client) {
  if (!client->watched.empty()) {
    std::lock_guard lock(mu_);
    for (const auto& w : client->watched) {
      auto it = by_key_.find(Slot(w.db, w.key));
      if (it == by_key_.end()) continue;
      auto& v = it->second;
      size_t before = v.size();
      std::erase_if(v, [client](const Watcher& x) { return x.client == client; });
      count_.fetch_sub(before - v.size(), std::memory_order_relaxed);
      if (v.empty()) by_key_.erase(it);
    }
    client->watched.clear();
  }
  client->watch_dirty.store(false, std::memory_order_relaxed);
}

void WatchRegistry::OnKeyEvent(int db, std::string_view key, storage::KeyEvent event) {
  if (count_.load(std::memory_order_relaxed) == 0) return;
  // A miss changes nothing; a creation is followed by its kWritten.
  if (event == storage::KeyEvent::kMissed || event == storage::KeyEvent::kCreated) return;
  std::lock_guard lock(mu_);
  if (event == storage::KeyEvent::kFlushed || event == storage::KeyEvent::kSwapped) {
    for (auto& [slot, watchers] : by_key_) {
      int slot_db;
      std::memcpy(&slot_db, slot.data(), sizeof(int));
      if (db != -1 && slot_db != db) continue;
      for (auto& w : watchers) {
        if (w.existed || event == storage::KeyEvent::kSwapped)
          w.client->watch_dirty.store(true, std::memory_order_relaxed);
      }
    }
    return;
  }
  auto it = by_key_.find(Slot(db, key));
  if (it == by_key_.end()) return;
  for (auto& w : it->second) w.client->watch_dirty.store(true, std::memory_order_relaxed);
}

}  // namespace cachet::commands
