// Eviction under maxmemory: the policies, their options and time limit, and the candidate pool.
//
// The keyspace evicts with Keyspace::EvictToLimit (keyspace.h), Redis's performEvictions():
// shard after shard (one lock at a time), each shard picks its best victim from its own
// candidate pool, filled from keys sampled out of random buckets of its tables, and deletes
// it through the eviction path (evicted_keys, KeyEvent::kEvicted, optional lazy free).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cachet/storage/lru.h"

namespace cachet::storage {

// maxmemory-policy, in the order of Redis's (and the config table's) enumeration.
enum class EvictionPolicy : uint8_t {
  kVolatileLru = 0,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllkeysLru,
  kAllkeysLfu,
  kAllkeysRandom,
  kNoEviction,
};

// Whether the policy only evicts keys with a TTL (volatile-*).
bool IsVolatilePolicy(EvictionPolicy policy);
// Whether victims are drawn at random (no candidate pool).
bool IsRandomPolicy(EvictionPolicy policy);
// The per-key access data the policy needs (LFU for *-lfu, LRU otherwise).
AccessPolicy AccessPolicyFor(EvictionPolicy policy);
// The policy's configuration name ("allkeys-lru", ...).
std::string_view EvictionPolicyName(EvictionPolicy policy);

// Redis's evictionTimeLimitUs(): how long one EvictToLimit call may run for a
// maxmemory-eviction-tenacity in [0, 100]: 0..10 -> 0..500 us linearly, then a 15% geometric
// progression (about 2 minutes at 99); 100 -> no limit (returns -1).
int64_t EvictionTimeLimitUs(int tenacity);

struct EvictionOptions {
  EvictionPolicy policy = EvictionPolicy::kNoEviction;
  // maxmemory-samples: keys sampled per database per round (the pool keeps the best).
  int samples = 5;
  // Time one call may spend (EvictionTimeLimitUs); the clock is read every 16 evictions, as
  // Redis does, so at least 16 keys go per call when there is that much to free. -1: none.
  int64_t time_limit_us = 500;
  // lazyfree-lazy-eviction: large collections are freed on the background thread.
  bool lazy_free = false;
};

enum class EvictStatus : uint8_t {
  kOk,       // used memory is at or under the limit
  kRunning,  // over the limit still, the time limit was reached: call again soon
  kFail,     // over the limit and nothing (more) can be evicted under the policy
};

struct EvictResult {
  EvictStatus status = EvictStatus::kOk;
  size_t keys = 0;     // keys removed (evicted, or found expired on the way)
  uint64_t bytes = 0;  // bytes the keyspace's accounting released
};

namespace detail {

// Redis's EVPOOL: the kSize best eviction candidates one shard has seen, kept sorted by
// score (higher is a better victim: idle time, 255 - LFU counter, or "expires sooner").
// Candidates are names, not entry pointers: they may go stale (deleted, re-touched, given a
// new TTL) and are checked against the table before anything is evicted.
class EvictionPool {
 public:
  static constexpr size_t kSize = 16;

  struct Candidate {
    uint64_t score = 0;
    uint64_t hash = 0;
    int db = 0;
    std::string key;  // capacity is reused as candidates come and go
  };

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Candidate& at(size_t i) const { return slots_[i]; }  // ascending score
  void Clear() { size_ = 0; }

  // Whether a candidate with this score would be kept (the pool has room or it beats the
  // worst): lets the sampler skip hashing keys that would not make it.
  bool Admits(uint64_t score) const { return size_ < kSize || score > slots_[0].score; }
  // Offers (db, key): kept if admitted; an entry for the same key has its score replaced.
  void Offer(uint64_t score, uint64_t hash, int db, std::string_view key);

  // Removes and returns, into *out, the best candidate that is still a valid victim.
  // current(candidate) says what the key scores now, or nullopt when it is gone or no longer
  // eligible (dropped). A candidate that scores lower than recorded (touched, or its TTL
  // pushed back, since it was sampled) is re-filed under its current score and the search
  // goes on. false when no candidate survives.
  template <typename Current>
  bool TakeBest(Current&& current, Candidate* out);

  // The policy the scores were computed for; the pool is cleared when it changes.
  std::optional<EvictionPolicy> policy;

 private:
  void RemoveAt(size_t i);
  void Insert(uint64_t score, uint64_t hash, int db, std::string_view key);
  // Moves slot i (whose score just dropped) down to its place in the order.
  void Resort(size_t i);

  Candidate slots_[kSize];
  size_t size_ = 0;
};

template <typename Current>
bool EvictionPool::TakeBest(Current&& current, Candidate* out) {
  // Each candidate is re-scored at most once per call, so the loop ends.
  size_t rescored = 0;
  while (size_ > 0) {
    Candidate& best = slots_[size_ - 1];
    std::optional<uint64_t> now = current(static_cast<const Candidate&>(best));
    if (!now) {
      RemoveAt(size_ - 1);
      continue;
    }
    if (*now < best.score && rescored < kSize) {
      ++rescored;
      best.score = *now;
      Resort(size_ - 1);
      continue;
    }
    out->score = *now;
    out->hash = best.hash;
    out->db = best.db;
    out->key.assign(best.key);
    RemoveAt(size_ - 1);
    return true;
  }
  return false;
}

}  // namespace detail
}  // namespace cachet::storage
