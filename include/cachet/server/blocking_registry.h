// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN...): who waits where, and waking them.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cachet/commands/command.h"
#include "cachet/commands/server_api.h"
#include "cachet/storage/value.h"

namespace cachet::server {

class Connection;

// One blocked command. Created on its connection's thread; served (run again) on whichever
// thread wrote one of its keys; timed out or cancelled on its connection's thread. `state`
// settles who gets to finish it.
struct Waiter {
  enum State : int { kWaiting, kServing, kDone };

  std::shared_ptr<Connection> conn;
  uint64_t client_id = 0;
  int db = 0;
  std::vector<std::string> keys;
  std::vector<std::string> argv;
  const commands::CommandSpec* spec = nullptr;
  storage::ValueType type = storage::ValueType::kList;  // what the command pops
  int64_t deadline_ms = 0;                               // Unix ms; 0: none
  bool discard_reply = false;  // CLIENT REPLY OFF/SKIP applied to the command
  std::atomic<int> state{kWaiting};
  bool still_blocked = false;  // set by BlockOnKeys during a re-run
};

// The waiting queues, one per (db, key), first come first served.
//
// A write to a key someone waits on is noted, by the keyspace observer, in a list of the
// writing thread; once that thread's command has finished and released its locks, it calls
// ServeReady(), which runs the longest-waiting client's command again for each ready key, as
// long as that serves someone. Serving is serialized across threads (one server at a time;
// other threads hand their ready keys over), so each queue is strictly FIFO, and a waiter is
// never served twice.
//
// Lock order: a shard lock may be held when taking mu_ (registration, NoteWritten); mu_ is
// never held while taking a shard lock.
class BlockingRegistry {
 public:
  // Queues w on each of its keys. Called with the shards of the keys locked.
  void Add(const std::shared_ptr<Waiter>& w);
  // Ends w's wait, unless it is being served or was served: true when this call ended it
  // (the caller then replies to the client, e.g. with its timeout reply).
  bool Cancel(Waiter* w);
  // Whether w is being served right now (a timeout must wait for the outcome).
  static bool Serving(const Waiter* w) { return w->state.load() == Waiter::kServing; }

  // The keyspace observer: key in db was written (or created); notes it if someone waits.
  void NoteWritten(int db, std::string_view key);
  // SWAPDB: every waited key of db may have changed.
  void NoteDbChanged(int db);
  // Whether this thread has noted ready keys (cheap; checked after every command).
  static bool HasReady();
  // Serves the clients waiting on the keys this thread noted (and, while serving, those
  // other threads hand over). serve(w) runs w's command again and returns whether it was
  // served (false: it blocked again and keeps its place).
  template <typename Serve>
  void ServeReady(Serve&& serve);

  // Number of blocked clients (INFO blocked_clients).
  uint64_t blocked_clients() const { return blocked_.load(std::memory_order_relaxed); }
  // Number of keys with waiters.
  size_t waited_keys() const;

 private:
  using DbKey = std::pair<int, std::string>;
  // Orders (db, key) pairs, whether the key is held as a string or a view.
  struct DbKeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.first != b.first) return a.first < b.first;
      return std::string_view(a.second) < std::string_view(b.second);
    }
  };
  struct Queue {
    std::deque<std::shared_ptr<Waiter>> waiters;
  };

  // Removes w from every queue it is in (mu_ held).
  void RemoveLocked(Waiter* w);
  // The first waiter of (db, key) that is waiting, claimed for serving; null if none.
  std::shared_ptr<Waiter> ClaimHead(const DbKey& k);
  // Takes the keys handed over for serving; false when there are none.
  bool TakeReady(std::vector<DbKey>* out);

  mutable std::mutex mu_;
  std::map<DbKey, Queue, DbKeyLess> queues_;  // guarded by mu_
  std::vector<DbKey> ready_;                    // handed over; guarded by mu_
  std::atomic<size_t> queued_keys_{0};          // queues_.size(), for the lock-free fast path
  std::atomic<uint64_t> blocked_{0};
  std::mutex serve_mu_;  // held by the one thread serving
};

// --- template implementation ---

namespace detail {
// Ready keys noted by this thread's writes.
std::vector<std::pair<int, std::string>>& ThreadReadyKeys();
}  // namespace detail

template <typename Serve>
void BlockingRegistry::ServeReady(Serve&& serve) {
  auto& mine = detail::ThreadReadyKeys();
  {
    std::lock_guard lock(mu_);
    for (auto& k : mine) ready_.push_back(std::move(k));
  }
  mine.clear();
  // One thread serves at a time; a thread that finds another serving leaves its keys to it.
  while (serve_mu_.try_lock()) {
    std::vector<DbKey> keys;
    while (TakeReady(&keys)) {
      for (const DbKey& k : keys) {
        while (std::shared_ptr<Waiter> w = ClaimHead(k)) {
          w->still_blocked = false;
          const bool served = serve(*w);
          std::lock_guard lock(mu_);
          if (served) {
            w->state.store(Waiter::kDone);
            RemoveLocked(w.get());
          } else {
            w->state.store(Waiter::kWaiting);
            break;
          }
        }
        // Serving may have written more waited keys on this thread.
        if (!mine.empty()) {
          std::lock_guard lock(mu_);
          for (auto& r : mine) ready_.push_back(std::move(r));
          mine.clear();
        }
      }
    }
    serve_mu_.unlock();
    // Keys handed over between the last TakeReady and the unlock are served by looping.
    std::lock_guard lock(mu_);
    if (ready_.empty()) break;
  }
}

}  // namespace cachet::server
