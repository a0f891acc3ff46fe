// The per-database hash table of a shard: lookups, chain surgery, incremental rehashing.
#include "cachet/storage/detail/table.h"

#include <malloc.h>
#include <xxhash.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace cachet::storage::detail {
namespace {

constexpr size_t kInitialSize = 4;      // DICT_HT_INITIAL_SIZE
constexpr size_t kMinFillPercent = 10;  // HASHTABLE_MIN_FILL

size_t NextPowerOfTwo(size_t n) {
  size_t size = kInitialSize;
  while (size < n) size <<= 1;
  return size;
}

bool SameKey(const Entry* e, std::string_view key) {
  return KeyLenOf(e) == key.size() && std::memcmp(KeyPtrOf(e), key.data(), key.size()) == 0;
}

}  // namespace

Table::~Table() {
  FreeAll(&ht_[0]);
  FreeAll(&ht_[1]);
}

void Table::FreeSlots(Ht* ht) {
  if (ht->slots != nullptr) slot_bytes_ -= malloc_usable_size(ht->slots);
  std::free(ht->slots);
}

void Table::FreeAll(Ht* ht) {
  for (size_t i = 0; i < ht->size(); ++i) {
    for (uint64_t slot = ht->slots[i]; slot != 0;) {
      Entry* e = PtrOf(slot);
      slot = e->next;
      FreeEntry(e);
    }
  }
  std::free(ht->slots);
  *ht = Ht{};
}

uint64_t Table::HashOf(const Entry* e) const { return XXH3_64bits(KeyPtrOf(e), KeyLenOf(e)); }

Table::Link Table::Find(uint64_t hash, std::string_view key) const {
  const uint16_t tag = HashTag(hash);
  for (int i = 0; i < 2; ++i) {
    const Ht& ht = ht_[i];
    if (ht.slots == nullptr) continue;
    uint64_t* slot = &ht.slots[BucketOf(hash, ht)];
    while (*slot != 0) {
      Entry* e = PtrOf(*slot);
      if (TagOf(*slot) == tag && SameKey(e, key)) return Link{slot, i};
      slot = &e->next;
    }
  }
  return Link{};
}

Table::Link Table::LinkOf(uint64_t hash, const Entry* target) const {
  for (int i = 0; i < 2; ++i) {
    const Ht& ht = ht_[i];
    if (ht.slots == nullptr) continue;
    uint64_t* slot = &ht.slots[BucketOf(hash, ht)];
    while (*slot != 0) {
      Entry* e = PtrOf(*slot);
      if (e == target) return Link{slot, i};
      slot = &e->next;
    }
  }
  std::fprintf(stderr, "cachet: entry missing from its table\n");
  std::abort();
}

void Table::Insert(uint64_t hash, Entry* e) {
  if (rehashing()) {
    RehashStep(2);
  } else if (ht_[0].slots == nullptr || ht_[0].used >= ht_[0].size()) {
    StartResize(NextPowerOfTwo(ht_[0].used + 1));
  }
  Ht& ht = ht_[rehashing() ? 1 : 0];
  uint64_t* slot = &ht.slots[BucketOf(hash, ht)];
  e->next = *slot;
  *slot = Tagged(e, hash);
  ++ht.used;
}

Entry* Table::Unlink(Link link) {
  Entry* e = PtrOf(*link.slot);
  *link.slot = e->next;
  --ht_[link.ht].used;
  return e;
}

Entry* Table::Replace(Link link, Entry* fresh) {
  Entry* old = PtrOf(*link.slot);
  fresh->next = old->next;
  *link.slot = reinterpret_cast<uint64_t>(fresh) | (*link.slot & ~kPtrMask);
  return old;
}

void Table::StartResize(size_t size) {
  auto* slots = static_cast<uint64_t*>(std::calloc(size, sizeof(uint64_t)));
  if (slots == nullptr) {
    std::fprintf(stderr, "cachet: out of memory growing a table to %zu buckets\n", size);
    std::abort();
  }
  slot_bytes_ += malloc_usable_size(slots);
  if (ht_[0].slots == nullptr) {
    ht_[0].slots = slots;
    ht_[0].mask = size - 1;
    return;
  }
  ht_[1].slots = slots;
  ht_[1].mask = size - 1;
  ht_[1].used = 0;
  rehash_idx_ = 0;
}

void Table::FinishRehash() {
  FreeSlots(&ht_[0]);
  ht_[0] = ht_[1];
  ht_[1] = Ht{};
  rehash_idx_ = -1;
}

bool Table::RehashStep(size_t n) {
  if (!rehashing()) return false;
  size_t empty_visits = n * 10;
  Ht& from = ht_[0];
  Ht& to = ht_[1];
  while (n-- > 0 && from.used != 0) {
    while (from.slots[rehash_idx_] == 0) {
      ++rehash_idx_;
      if (--empty_visits == 0) return true;
    }
    uint64_t slot = from.slots[rehash_idx_];
    while (slot != 0) {
      Entry* e = PtrOf(slot);
      const uint64_t next = e->next;
      uint64_t* dst = &to.slots[BucketOf(HashOf(e), to)];
      e->next = *dst;
      *dst = slot;  // the tag travels with the pointer
      --from.used;
      ++to.used;
      slot = next;
    }
    from.slots[rehash_idx_] = 0;
    ++rehash_idx_;
  }
  if (from.used == 0) {
    FinishRehash();
    return false;
  }
  return true;
}

bool Table::MaybeShrink() {
  if (rehashing() || ht_[0].slots == nullptr) return false;
  const size_t size = ht_[0].size();
  if (ht_[0].used == 0) {
    FreeSlots(&ht_[0]);
    ht_[0] = Ht{};
    return false;
  }
  if (size <= kInitialSize || ht_[0].used * 100 / size >= kMinFillPercent) return false;
  const size_t target = NextPowerOfTwo(ht_[0].used);
  if (target >= size) return false;
  StartResize(target);
  return true;
}

Entry* Table::RandomEntry(uint64_t (*next_random)(void*), void* rng) const {
  if (size() == 0) return nullptr;
  uint64_t slot = 0;
  if (rehashing()) {
    const size_t s0 = ht_[0].size();
    const size_t total = s0 + ht_[1].size();
    do {
      const size_t h = rehash_idx_ + next_random(rng) % (total - rehash_idx_);
      slot = h >= s0 ? ht_[1].slots[h - s0] : ht_[0].slots[h];
    } while (slot == 0);
  } else {
    do {
      slot = ht_[0].slots[next_random(rng) & ht_[0].mask];
    } while (slot == 0);
  }
  size_t len = 0;
  for (uint64_t s = slot; s != 0; s = PtrOf(s)->next) ++len;
  size_t pick = next_random(rng) % len;
  while (pick-- > 0) slot = PtrOf(slot)->next;
  return PtrOf(slot);
}

size_t Table::bytes() const {
  return static_cast<size_t>(entry_bytes_) + expiry_.bytes() + slot_bytes_;
}

}  // namespace cachet::storage::detail
