// Eviction under maxmemory: victim selection per shard (candidate pool or random) and
// Keyspace::EvictToLimit, Redis's performEvictions() over the shards.
#include "cachet/storage/eviction.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "cachet/storage/detail/shard.h"

namespace cachet::storage {

using detail::Entry;
using detail::Table;

namespace {

// Evictions between two readings of the clock (Redis checks its time limit every 16 keys).
constexpr size_t kTimeCheckEvery = 16;
// Populate-and-pick attempts per eviction before a shard reports it has no victim.
constexpr int kMaxPopulateAttempts = 4;
// Bucket positions one volatile-* sampling round may walk when keys with a TTL are rare.
constexpr size_t kMaxVolatileSteps = 1u << 16;

uint64_t ShardRandom(void* self) { return static_cast<Shard*>(self)->NextRandom(); }

// Offers fn(Entry*) the entries of t in bucket order until it has accepted `count` of them
// (fn returns whether it did) or the table is done. fn must not change the table.
template <typename Fn>
void WalkTable(const Table* t, size_t count, Fn&& fn) {
  size_t accepted = 0;
  uint64_t cursor = 0;
  do {
    cursor = t->ScanStep(cursor, [&](Entry* e) {
      if (accepted < count && fn(e)) ++accepted;
    });
  } while (cursor != 0 && accepted < count);
}

}  // namespace

bool IsVolatilePolicy(EvictionPolicy policy) {
  return policy == EvictionPolicy::kVolatileLru || policy == EvictionPolicy::kVolatileLfu ||
         policy == EvictionPolicy::kVolatileRandom || policy == EvictionPolicy::kVolatileTtl;
}

bool IsRandomPolicy(EvictionPolicy policy) {
  return policy == EvictionPolicy::kAllkeysRandom || policy == EvictionPolicy::kVolatileRandom;
}

AccessPolicy AccessPolicyFor(EvictionPolicy policy) {
  return policy == EvictionPolicy::kAllkeysLfu || policy == EvictionPolicy::kVolatileLfu
             ? AccessPolicy::kLfu
             : AccessPolicy::kLru;
}

std::string_view EvictionPolicyName(EvictionPolicy policy) {
  switch (policy) {
    case EvictionPolicy::kVolatileLru:
      return "volatile-lru";
    case EvictionPolicy::kVolatileLfu:
      return "volatile-lfu";
    case EvictionPolicy::kVolatileRandom:
      return "volatile-random";
    case EvictionPolicy::kVolatileTtl:
      return "volatile-ttl";
    case EvictionPolicy::kAllkeysLru:
      return "allkeys-lru";
    case EvictionPolicy::kAllkeysLfu:
      return "allkeys-lfu";
    case EvictionPolicy::kAllkeysRandom:
      return "allkeys-random";
    case EvictionPolicy::kNoEviction:
      return "noeviction";
  }
  return "noeviction";
}

int64_t EvictionTimeLimitUs(int tenacity) {
  tenacity = std::clamp(tenacity, 0, 100);
  if (tenacity <= 10) return 50 * int64_t{tenacity};
  if (tenacity < 100) return static_cast<int64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
  return -1;
}

// ---------------------------------------------------------------------------------------
// EvictionPool

namespace detail {

void EvictionPool::RemoveAt(size_t i) {
  // The removed slot (and its string's capacity) moves to the free end.
  std::rotate(slots_ + i, slots_ + i + 1, slots_ + size_);
  --size_;
}

void EvictionPool::Insert(uint64_t score, uint64_t hash, int db, std::string_view key) {
  // Slots are in ascending score order; p is where the new candidate goes.
  size_t p = 0;
  while (p < size_ && slots_[p].score < score) ++p;
  Candidate* c;
  if (size_ < kSize) {
    std::rotate(slots_ + p, slots_ + size_, slots_ + size_ + 1);
    ++size_;
    c = &slots_[p];
  } else {
    if (p == 0) return;  // no better than the worst of a full pool
    // The worst candidate leaves; its slot is reused at p - 1.
    std::rotate(slots_, slots_ + 1, slots_ + p);
    c = &slots_[p - 1];
  }
  c->score = score;
  c->hash = hash;
  c->db = db;
  c->key.assign(key.data(), key.size());
}

void EvictionPool::Resort(size_t i) {
  size_t p = 0;
  while (p < i && slots_[p].score < slots_[i].score) ++p;
  std::rotate(slots_ + p, slots_ + i, slots_ + i + 1);
}

void EvictionPool::Offer(uint64_t score, uint64_t hash, int db, std::string_view key) {
  for (size_t i = 0; i < size_; ++i) {
    const Candidate& c = slots_[i];
    if (c.hash == hash && c.db == db && c.key == key) {
      if (c.score == score) return;
      RemoveAt(i);
      break;
    }
  }
  Insert(score, hash, db, key);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------
// Shard: memory accounting and victim selection

size_t Shard::BytesNow() const {
  size_t n = 0;
  for (const auto& t : tables_) {
    if (t != nullptr) n += t->bytes();
  }
  return n;
}

void Shard::PublishUsed(bool force) {
  const int64_t now = static_cast<int64_t>(BytesNow());
  const int64_t delta = now - published_bytes_;
  if (delta == 0 || (!force && delta < kUsedBytesBatch && delta > -kUsedBytesBatch)) return;
  published_bytes_ = now;
  ks_->used_bytes_.fetch_add(delta, std::memory_order_relaxed);
}

uint64_t Shard::EvictionScore(const Entry* e, EvictionPolicy policy, int64_t now) const {
  switch (policy) {
    case EvictionPolicy::kVolatileLru:
    case EvictionPolicy::kAllkeysLru:
      // estimateObjectIdleTime()
      return static_cast<uint64_t>(LruIdleMs(detail::AccessOf(e), now));
    case EvictionPolicy::kVolatileLfu:
    case EvictionPolicy::kAllkeysLfu:
      // Redis ranks LFU victims by 255 - LFUDecrAndReturn() in the same pool.
      return 255 - LfuDecayedCounter(detail::AccessOf(e), now,
                                     ks_->lfu_decay_time_.load(std::memory_order_relaxed));
    case EvictionPolicy::kVolatileTtl:
      // The sooner it expires, the better a victim.
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(detail::ExpireOf(e));
    default:
      return 0;
  }
}

void Shard::PopulatePool(Table* t, int db, const EvictionOptions& opts, int64_t now) {
  const bool volatile_only = IsVolatilePolicy(opts.policy);
  const size_t available = volatile_only ? t->expires : t->size();
  const size_t count = std::min<size_t>(static_cast<size_t>(std::max(opts.samples, 1)), available);
  if (count == 0) return;
  size_t steps = count * 10;
  if (volatile_only && t->expires < t->size()) {
    // Walk far enough to meet `count` keys with a TTL among the others, within reason.
    const size_t ratio = t->size() / t->expires + 1;
    steps = std::max(steps, std::min({steps * ratio, t->bucket_count(), kMaxVolatileSteps}));
  }
  t->Sample(count, steps, ShardRandom, this, [&](Entry* e) {
    if (volatile_only && !detail::HasExpire(e)) return false;
    const uint64_t score = EvictionScore(e, opts.policy, now);
    if (pool_.Admits(score)) {
      const std::string_view key = detail::KeyOf(e);
      pool_.Offer(score, HashKey(key), db, key);
    }
    return true;
  });
}

int64_t Shard::EvictKey(int db, uint64_t hash, std::string_view key, bool async, int64_t now) {
  const size_t before = BytesNow();
  // The eviction path: evicted_keys and KeyEvent::kEvicted (an already expired key is
  // reclaimed as expired instead, which frees the same memory).
  Delete(db, hash, key, KeyEvent::kEvicted, async, now);
  const size_t after = BytesNow();
  return before > after ? static_cast<int64_t>(before - after) : 0;
}

int64_t Shard::EvictRandom(const EvictionOptions& opts, int64_t now) {
  const bool volatile_only = IsVolatilePolicy(opts.policy);
  const int n = static_cast<int>(tables_.size());
  for (int i = 0; i < n; ++i) {
    const int db = (next_evict_db_ + i) % n;
    Table* t = tables_[db].get();
    if (t == nullptr || (volatile_only ? t->expires == 0 : t->size() == 0)) continue;
    next_evict_db_ = (db + 1) % n;
    Entry* victim = nullptr;
    if (volatile_only) {
      // A key with a TTL from a random bucket on, or failing that the first one in table order.
      t->Sample(1, std::max<size_t>(t->bucket_count(), 1), ShardRandom, this, [&](Entry* e) {
        if (!detail::HasExpire(e)) return false;
        victim = e;
        return true;
      });
      if (victim == nullptr) {
        WalkTable(t, 1, [&](Entry* e) {
          if (!detail::HasExpire(e)) return false;
          victim = e;
          return true;
        });
      }
    } else {
      victim = t->RandomEntry(ShardRandom, this);
    }
    if (victim == nullptr) continue;
    const std::string_view key = detail::KeyOf(victim);
    victim_.key.assign(key.data(), key.size());
    return EvictKey(db, HashKey(victim_.key), victim_.key, opts.lazy_free, now);
  }
  return -1;
}

int64_t Shard::EvictOne(const EvictionOptions& opts, int64_t now) {
  if (opts.policy == EvictionPolicy::kNoEviction) return -1;
  if (IsRandomPolicy(opts.policy)) return EvictRandom(opts, now);
  if (pool_.policy != opts.policy) {
    pool_.Clear();
    pool_.policy = opts.policy;
  }
  const bool volatile_only = IsVolatilePolicy(opts.policy);
  // Re-checks a candidate under the lock: its current score, or nullopt when it is gone (or
  // lost its TTL under a volatile policy).
  auto current = [&](const detail::EvictionPool::Candidate& c) -> std::optional<uint64_t> {
    Table* t = tables_[c.db].get();
    if (t == nullptr) return std::nullopt;
    Table::Link link = t->Find(c.hash, c.key);
    if (!link) return std::nullopt;
    const Entry* e = link.entry();
    if (volatile_only && !detail::HasExpire(e)) return std::nullopt;
    return EvictionScore(e, opts.policy, now);
  };
  for (int attempt = 0; attempt < kMaxPopulateAttempts; ++attempt) {
    bool any = false;
    for (size_t db = 0; db < tables_.size(); ++db) {
      Table* t = tables_[db].get();
      if (t == nullptr || (volatile_only ? t->expires == 0 : t->size() == 0)) continue;
      any = true;
      PopulatePool(t, static_cast<int>(db), opts, now);
    }
    if (!any) {
      pool_.Clear();
      return -1;
    }
    if (pool_.TakeBest(current, &victim_)) {
      return EvictKey(victim_.db, victim_.hash, victim_.key, opts.lazy_free, now);
    }
  }
  // Sampling kept missing (a sparse table, or few keys with a TTL among many): offer keys in
  // table order instead, which finds one whenever there is one.
  for (size_t db = 0; db < tables_.size(); ++db) {
    Table* t = tables_[db].get();
    if (t == nullptr || (volatile_only ? t->expires == 0 : t->size() == 0)) continue;
    WalkTable(t, static_cast<size_t>(std::max(opts.samples, 1)), [&](Entry* e) {
      if (volatile_only && !detail::HasExpire(e)) return false;
      const std::string_view key = detail::KeyOf(e);
      pool_.Offer(EvictionScore(e, opts.policy, now), HashKey(key), static_cast<int>(db), key);
      return true;
    });
  }
  if (pool_.TakeBest(current, &victim_)) {
    return EvictKey(victim_.db, victim_.hash, victim_.key, opts.lazy_free, now);
  }
  return -1;
}

// ---------------------------------------------------------------------------------------
// Keyspace

uint64_t Keyspace::used_bytes() const {
  const int64_t v = used_bytes_.load(std::memory_order_relaxed);
  return v > 0 ? static_cast<uint64_t>(v) : 0;
}

uint64_t Keyspace::SyncUsedBytes() {
  for (size_t i = 0; i < shard_count_; ++i) {
    Shard& s = shard(i);
    std::lock_guard<std::mutex> guard(s.mu);
    s.PublishUsed(/*force=*/true);
  }
  return used_bytes();
}

EvictResult Keyspace::EvictToLimit(uint64_t maxmemory, const EvictionOptions& opts) {
  EvictResult result;
  if (used_bytes() <= maxmemory) return result;
  // Before refusing anything, the exact figure decides: the published one may be up to
  // shards x kUsedBytesBatch high (deletions not yet published).
  auto fail = [&] {
    result.status = SyncUsedBytes() > maxmemory ? EvictStatus::kFail : EvictStatus::kOk;
    return result;
  };
  if (opts.policy == EvictionPolicy::kNoEviction) return fail();
  const auto start = std::chrono::steady_clock::now();
  const size_t mask = shard_count_ - 1;
  while (used_bytes() > maxmemory) {
    // Callers on several threads start from different shards.
    const size_t first = evict_cursor_.fetch_add(1, std::memory_order_relaxed) & mask;
    int64_t freed = -1;
    for (size_t i = 0; i <= mask && freed < 0; ++i) {
      Shard& s = shard((first + i) & mask);
      std::lock_guard<std::mutex> guard(s.mu);
      freed = s.EvictOne(opts, clock_->NowMs());
      s.PublishUsed(/*force=*/true);
    }
    if (freed < 0) return fail();
    ++result.keys;
    result.bytes += static_cast<uint64_t>(freed);
    if (result.keys % kTimeCheckEvery == 0 && opts.time_limit_us >= 0) {
      const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
      if (elapsed >= opts.time_limit_us) {
        if (used_bytes() > maxmemory) result.status = EvictStatus::kRunning;
        return result;
      }
    }
  }
  return result;
}

}  // namespace cachet::storage
