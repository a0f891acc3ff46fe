// Internal to the storage layer: the time index of one table's TTLs, a hierarchical set of
// time buckets holding key hashes, from which active expiry finds due keys without sampling.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <vector>

namespace cachet::storage::detail {

// Items are the 64-bit hashes of keys with a TTL; each sits in a bucket covering an aligned
// time range [start, start + width). Widths are 64 ms << 6*level (level 0..6: 64 ms, 4 s,
// 4.4 min, 4.7 h, 12 days, 2.2 years, 139 years) and an item is filed at the finest level
// whose 64 buckets ahead of `now` reach its time, so the index holds ~64 buckets per level
// whatever the spread of TTLs. Items carry no time: whoever processes one looks the hash up in
// the table and judges by the entries' own expire times. Hence:
//   * a level-0 bucket is processed once its whole range has passed: every matching entry
//     whose time lies in it has expired;
//   * a coarser bucket is processed once its start has passed: expired entries are deleted
//     and live ones are re-filed (a finer level, since their time is now < width away);
//   * changing or removing a TTL, deleting or renaming a key never touch the index: the old
//     item finds nothing (or an entry whose time lies outside its bucket) and is dropped.
// Stale items are bounded by Compact(), called when items exceed twice the live TTLs.
class ExpiryIndex {
 public:
  static constexpr int kLevels = 7;
  static constexpr int kBaseShift = 6;   // level-0 width: 64 ms
  static constexpr int kLevelShift = 6;  // 64 buckets per level
  static constexpr int64_t kMaxWhen = int64_t{1} << 61;

  ExpiryIndex() = default;
  ~ExpiryIndex();
  ExpiryIndex(const ExpiryIndex&) = delete;
  ExpiryIndex& operator=(const ExpiryIndex&) = delete;

  // Times are filed clamped to [0, 2^61]: past times are due at once, far ones never.
  static int64_t Clamp(int64_t when_ms) {
    return when_ms < 0 ? 0 : (when_ms > kMaxWhen ? kMaxWhen : when_ms);
  }
  static int64_t Width(int level) { return int64_t{1} << (kBaseShift + kLevelShift * level); }
  // The level an item due at when_ms is filed at, seen from now_ms.
  static int LevelFor(int64_t when_ms, int64_t now_ms);

  // Files hash under when_ms (a time in the past is due at the next processing).
  void Add(uint64_t hash, int64_t when_ms, int64_t now_ms);

  size_t items() const { return items_; }
  bool empty() const { return items_ == 0; }
  size_t bucket_count() const { return buckets_.size(); }
  // Bytes held by buckets and their chunks.
  size_t bytes() const { return bytes_; }
  void Clear();

  // Whether some bucket is due at now_ms.
  bool HasDue(int64_t now_ms) const;

  // Takes items out of due buckets, at most budget of them, calling
  //   resolve(hash, lo, hi, refile)
  // for each, where [lo, hi) is the item's bucket range; resolve must delete the expired
  // entries matching hash and call refile(t) for each live matching entry whose time t lies in
  // [lo, hi) (which re-files it in a finer bucket). Returns the number of items taken; *more
  // tells whether due items remain.
  template <typename Resolve>
  size_t Process(int64_t now_ms, size_t budget, Resolve&& resolve, bool* more);

  // Whether stale items have piled up enough, next to `live` keys with a TTL, to make
  // Compact() worth its cost (amortized O(1) per Add).
  bool NeedsCompaction(size_t live) const { return items_ >= compact_at_ && items_ > 2 * live; }
  // Removes duplicate items, then items for which keep(hash, lo, hi) is false (keep must say
  // whether an entry matching hash has its Clamp()ed time in [lo, hi)).
  template <typename Keep>
  void Compact(Keep&& keep);

 private:
  struct Chunk {
    Chunk* next;
    uint32_t count;
    uint32_t cap;
    uint64_t* items() { return reinterpret_cast<uint64_t*>(this + 1); }
  };
  struct Bucket {
    Chunk* head = nullptr;
    size_t size = 0;
  };
  struct Key {
    int64_t start;
    int level;
    bool operator<(const Key& o) const {
      return start != o.start ? start < o.start : level < o.level;
    }
  };
  using Map = std::map<Key, Bucket>;

  static int64_t DueAt(const Key& k);
  void Push(Bucket* b, uint64_t hash);
  uint64_t Pop(Bucket* b);
  void FreeChunks(Bucket* b);
  void Erase(Map::iterator it);

  static constexpr size_t kMinCompaction = 1024;

  Map buckets_;
  size_t items_ = 0;
  size_t compact_at_ = kMinCompaction;
  size_t bytes_ = 0;
  // The bucket the last Add went to (TTLs set in a burst share one).
  Key last_key_{0, -1};
  Bucket* last_bucket_ = nullptr;
};

template <typename Resolve>
size_t ExpiryIndex::Process(int64_t now_ms, size_t budget, Resolve&& resolve, bool* more) {
  size_t taken = 0;
  *more = false;
  auto it = buckets_.begin();
  while (it != buckets_.end() && it->first.start <= now_ms) {
    if (DueAt(it->first) > now_ms) {  // the level-0 bucket that contains now
      ++it;
      continue;
    }
    if (taken == budget) {
      *more = true;
      break;
    }
    const Key key = it->first;
    Bucket* bucket = &it->second;
    const int64_t lo = key.start;
    const int64_t hi = key.start + Width(key.level);
    while (bucket->size > 0 && taken < budget) {
      uint64_t hash = Pop(bucket);
      ++taken;
      resolve(hash, lo, hi, [&](int64_t t) { Add(hash, t, now_ms); });
    }
    if (bucket->size > 0) {
      *more = true;
      break;
    }
    Erase(it);
    // Re-filed items may have landed in buckets ordered before the next one: start over.
    it = buckets_.begin();
  }
  return taken;
}

template <typename Keep>
void ExpiryIndex::Compact(Keep&& keep) {
  std::vector<uint64_t> tmp;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    Bucket* b = &it->second;
    tmp.clear();
    tmp.reserve(b->size);
    while (b->size > 0) tmp.push_back(Pop(b));
    std::sort(tmp.begin(), tmp.end());
    tmp.erase(std::unique(tmp.begin(), tmp.end()), tmp.end());
    const int64_t lo = it->first.start;
    const int64_t hi = lo + Width(it->first.level);
    for (uint64_t h : tmp) {
      if (keep(h, lo, hi)) Push(b, h);
    }
    if (b->size == 0) {
      auto next = std::next(it);
      Erase(it);
      it = next;
    } else {
      ++it;
    }
  }
  compact_at_ = std::max(kMinCompaction, 2 * items_);
}

}  // namespace cachet::storage::detail
