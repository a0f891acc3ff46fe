// Internal to the storage layer: one database's keys within one shard, a chained hash table
// of entries with Redis-style incremental rehashing and reverse-binary scanning.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "cachet/storage/detail/entry.h"
#include "cachet/storage/detail/expiry_index.h"

namespace cachet::storage::detail {

// Buckets are arrays of tagged pointers (entry.h); chains link through each entry's `next`.
// An entry sits in bucket (hash >> hash_shift) & mask: the low hash bits chose the shard.
// Tags (the top 16 hash bits) let lookups skip non-matching entries without touching them.
// The table grows at load factor 1 and shrinks below 1/8 (Redis's rules), moving buckets
// from the old array to the new one a few at a time, during inserts and RehashStep().
// The table owns its entries: destroying it frees them all.
class Table {
 public:
  // Where an entry's pointer is stored: a bucket slot or the `next` of the previous entry.
  struct Link {
    uint64_t* slot = nullptr;
    int ht = 0;
    explicit operator bool() const { return slot != nullptr; }
    Entry* entry() const { return PtrOf(*slot); }
  };

  explicit Table(int hash_shift) : hash_shift_(hash_shift) {}
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  size_t size() const { return ht_[0].used + ht_[1].used; }
  size_t bucket_count() const { return ht_[0].size() + ht_[1].size(); }
  bool rehashing() const { return rehash_idx_ >= 0; }

  // The link to key's entry, or a null Link.
  Link Find(uint64_t hash, std::string_view key) const;
  // The link to entry e (found by identity), which must be in the table.
  Link LinkOf(uint64_t hash, const Entry* e) const;
  // Adds e (whose key is absent) under hash. May grow the table and move a few buckets.
  void Insert(uint64_t hash, Entry* e);
  // Removes the entry at link from the table and returns it (not freed).
  Entry* Unlink(Link link);
  // Puts fresh in the place of the entry at link (same key); returns the old one (not freed).
  Entry* Replace(Link link, Entry* fresh);

  // Moves up to n buckets of a rehash in progress; returns whether it is still in progress.
  bool RehashStep(size_t n);
  // Starts shrinking when the table is less than 1/8 full; returns whether it started.
  bool MaybeShrink();

  // One SCAN step (Redis's dictScan): calls fn(Entry*) for the entries of the bucket(s) the
  // cursor designates and returns the next cursor, 0 when the scan is complete. fn must not
  // change the table.
  template <typename Fn>
  uint64_t ScanStep(uint64_t cursor, Fn&& fn) const;
  // Calls fn(Entry*) for every entry; fn must not change the table.
  template <typename Fn>
  void ForEach(Fn&& fn) const;
  // Calls fn(Link) for each entry of the chain(s) hash maps to; fn returns true when it
  // unlinked the entry at the link (the walk then continues from the same link).
  template <typename Fn>
  void WalkChains(uint64_t hash, Fn&& fn);
  // A uniformly chosen bucket's random entry (Redis's dictGetRandomKey); null when empty.
  Entry* RandomEntry(uint64_t (*next_random)(void*), void* rng) const;
  // Redis's dictGetSomeKeys, for eviction: offers fn(Entry*) the entries of consecutive
  // buckets (whole chains) from a random one, both tables while rehashing, until fn has
  // accepted `count` of them (it returns whether it did) or max_steps bucket positions were
  // visited; a run of more than max(4, count) empty buckets jumps to another random place.
  // fn must not change the table. Returns the number accepted.
  template <typename Fn>
  size_t Sample(size_t count, size_t max_steps, uint64_t (*next_random)(void*), void* rng,
                Fn&& fn) const;

  // Keys with a TTL, maintained by the owner.
  size_t expires = 0;
  ExpiryIndex& expiry() { return expiry_; }
  const ExpiryIndex& expiry() const { return expiry_; }

  // Bytes of entries and their values (maintained by the owner via Charge), of the bucket
  // arrays, and of the expiry index.
  void Charge(int64_t delta) { entry_bytes_ += delta; }
  size_t bytes() const;

  int hash_shift() const { return hash_shift_; }

 private:
  struct Ht {
    uint64_t* slots = nullptr;
    uint64_t mask = 0;
    size_t used = 0;
    size_t size() const { return slots ? mask + 1 : 0; }
  };

  size_t BucketOf(uint64_t hash, const Ht& ht) const { return (hash >> hash_shift_) & ht.mask; }
  uint64_t HashOf(const Entry* e) const;
  void StartResize(size_t size);
  void FinishRehash();
  static void FreeAll(Ht* ht);
  // Frees a bucket array, keeping slot_bytes_ right.
  void FreeSlots(Ht* ht);

  int hash_shift_;
  Ht ht_[2];
  int64_t rehash_idx_ = -1;
  int64_t entry_bytes_ = 0;
  size_t slot_bytes_ = 0;  // malloc_usable_size of both bucket arrays
  ExpiryIndex expiry_;
};

inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
  v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
  return __builtin_bswap64(v);
}

template <typename Fn>
uint64_t Table::ScanStep(uint64_t v, Fn&& fn) const {
  if (size() == 0) return 0;
  auto emit = [&fn](uint64_t slot) {
    while (slot != 0) {
      Entry* e = PtrOf(slot);
      slot = e->next;
      fn(e);
    }
  };
  if (!rehashing()) {
    const Ht& t0 = ht_[0];
    const uint64_t m0 = t0.mask;
    emit(t0.slots[v & m0]);
    v |= ~m0;
    v = ReverseBits(v);
    v++;
    return ReverseBits(v);
  }
  const Ht* t0 = &ht_[0];
  const Ht* t1 = &ht_[1];
  if (t0->size() > t1->size()) std::swap(t0, t1);
  const uint64_t m0 = t0->mask;
  const uint64_t m1 = t1->mask;
  emit(t0->slots[v & m0]);
  // The buckets of the larger table that expand the smaller table's bucket.
  do {
    emit(t1->slots[v & m1]);
    v |= ~m1;
    v = ReverseBits(v);
    v++;
    v = ReverseBits(v);
  } while (v & (m0 ^ m1));
  return v;
}

template <typename Fn>
size_t Table::Sample(size_t count, size_t max_steps, uint64_t (*next_random)(void*), void* rng,
                     Fn&& fn) const {
  if (size() == 0 || count == 0) return 0;
  const int tables = rehashing() ? 2 : 1;
  uint64_t max_mask = ht_[0].mask;
  if (tables == 2 && ht_[1].mask > max_mask) max_mask = ht_[1].mask;
  uint64_t i = next_random(rng) & max_mask;
  size_t accepted = 0;
  size_t empty_run = 0;
  while (accepted < count && max_steps-- > 0) {
    for (int j = 0; j < tables; ++j) {
      // Buckets of the old table below the rehash index have moved to the new one.
      if (tables == 2 && j == 0 && i < static_cast<uint64_t>(rehash_idx_)) {
        if (i >= ht_[1].size()) {
          i = static_cast<uint64_t>(rehash_idx_);
        } else {
          continue;
        }
      }
      const Ht& ht = ht_[j];
      if (i >= ht.size()) continue;
      uint64_t slot = ht.slots[i];
      if (slot == 0) {
        if (++empty_run >= 5 && empty_run > count) {
          i = next_random(rng) & max_mask;
          empty_run = 0;
        }
        continue;
      }
      empty_run = 0;
      while (slot != 0) {
        Entry* e = PtrOf(slot);
        slot = e->next;
        if (fn(e) && ++accepted == count) return accepted;
      }
    }
    i = (i + 1) & max_mask;
  }
  return accepted;
}

template <typename Fn>
void Table::ForEach(Fn&& fn) const {
  for (const Ht& ht : ht_) {
    for (size_t i = 0; i < ht.size(); ++i) {
      for (uint64_t slot = ht.slots[i]; slot != 0;) {
        Entry* e = PtrOf(slot);
        slot = e->next;
        fn(e);
      }
    }
  }
}

template <typename Fn>
void Table::WalkChains(uint64_t hash, Fn&& fn) {
  for (int i = 0; i < 2; ++i) {
    Ht& ht = ht_[i];
    if (ht.slots == nullptr) continue;
    uint64_t* slot = &ht.slots[BucketOf(hash, ht)];
    while (*slot != 0) {
      Link link{slot, i};
      Entry* e = PtrOf(*slot);
      if (!fn(link)) slot = &e->next;
    }
  }
}

}  // namespace cachet::storage::detail
