// WATCH bookkeeping: which clients watch which keys, and marking them dirty on changes.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cachet/commands/client_state.h"
#include "cachet/storage/keyspace.h"

namespace cachet::commands {

// Thread-safe. OnKeyEvent is the keyspace observer's hook: it is called with shard locks held
// and only takes this registry's own mutex (never a shard lock), so it cannot deadlock.
class WatchRegistry {
 public:
  // Records that `client` watches key in db; `existed` says whether the key was live then.
  void Watch(ClientState* client, int db, std::string_view key, bool existed);
  // Forgets every key `client` watches and clears its dirty flag.
  void UnwatchAll(ClientState* client);
  // Marks the watchers of a changed key dirty. For kFlushed (key empty; db -1 = every db) and
  // kSwapped, marks the watchers of keys in that db that existed when they were watched, as
  // Redis does for keys present at the flush.
  void OnKeyEvent(int db, std::string_view key, storage::KeyEvent event);

  size_t watched_keys() const { return count_.load(std::memory_order_relaxed); }

 private:
  struct Watcher {
    ClientState* client;
    bool existed;
  };
  static std::string Slot(int db, std::string_view key);

  mutable std::mutex mu_;
  std::atomic<size_t> count_{0};
  std::unordered_map<std::string, std::vector<Watcher>> by_key_;  // guarded by mu_
};

}  // namespace cachet::commands
