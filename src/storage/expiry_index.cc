// The hierarchical time buckets of a table's TTLs (see expiry_index.h for the scheme).
#include "cachet/storage/detail/expiry_index.h"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>

namespace cachet::storage::detail {
namespace {

// What a std::map node holding a bucket costs, roughly (red-black links, key, bucket, malloc).
constexpr size_t kNodeBytes = 80;
constexpr uint32_t kMinChunk = 8;
constexpr uint32_t kMaxChunk = 256;

}  // namespace

ExpiryIndex::~ExpiryIndex() { Clear(); }

int ExpiryIndex::LevelFor(int64_t when_ms, int64_t now_ms) {
  const int64_t d = when_ms - now_ms;
  if (d <= 0) return 0;
  for (int level = 0; level < kLevels - 1; ++level) {
    if ((d >> (kBaseShift + kLevelShift * (level + 1))) == 0) return level;
  }
  return kLevels - 1;
}

int64_t ExpiryIndex::DueAt(const Key& k) { return k.level == 0 ? k.start + Width(0) : k.start; }

void ExpiryIndex::Add(uint64_t hash, int64_t when_ms, int64_t now_ms) {
  when_ms = Clamp(when_ms);
  const int level = LevelFor(when_ms, now_ms);
  const Key key{when_ms & ~(Width(level) - 1), level};
  if (last_bucket_ == nullptr || last_key_.start != key.start || last_key_.level != key.level) {
    auto [it, inserted] = buckets_.try_emplace(key);
    if (inserted) bytes_ += kNodeBytes;
    last_key_ = key;
    last_bucket_ = &it->second;
  }
  Push(last_bucket_, hash);
}

void ExpiryIndex::Push(Bucket* b, uint64_t hash) {
  Chunk* c = b->head;
  if (c == nullptr || c->count == c->cap) {
    uint32_t cap = kMinChunk;
    while (cap < b->size && cap < kMaxChunk) cap <<= 1;
    const size_t n = sizeof(Chunk) + cap * sizeof(uint64_t);
    c = static_cast<Chunk*>(std::malloc(n));
    if (c == nullptr) {
      std::fprintf(stderr, "cachet: out of memory in the expiry index\n");
      std::abort();
    }
    c->next = b->head;
    c->count = 0;
    c->cap = cap;
    b->head = c;
    bytes_ += malloc_usable_size(c);
  }
  c->items()[c->count++] = hash;
  ++b->size;
  ++items_;
}

uint64_t ExpiryIndex::Pop(Bucket* b) {
  Chunk* c = b->head;
  const uint64_t hash = c->items()[--c->count];
  if (c->count == 0) {
    b->head = c->next;
    bytes_ -= malloc_usable_size(c);
    std::free(c);
  }
  --b->size;
  --items_;
  return hash;
}

void ExpiryIndex::FreeChunks(Bucket* b) {
  while (b->head != nullptr) {
    Chunk* c = b->head;
    b->head = c->next;
    bytes_ -= malloc_usable_size(c);
    std::free(c);
  }
  items_ -= b->size;
  b->size = 0;
}

void ExpiryIndex::Erase(Map::iterator it) {
  FreeChunks(&it->second);
  if (&it->second == last_bucket_) last_bucket_ = nullptr;
  bytes_ -= kNodeBytes;
  buckets_.erase(it);
}

void ExpiryIndex::Clear() {
  while (!buckets_.empty()) Erase(buckets_.begin());
}

bool ExpiryIndex::HasDue(int64_t now_ms) const {
  for (auto it = buckets_.begin(); it != buckets_.end() && it->first.start <= now_ms; ++it) {
    if (DueAt(it->first) <= now_ms) return true;
  }
  return false;
}

}  // namespace cachet::storage::detail
