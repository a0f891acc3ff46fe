// Internal to the storage layer: one shard of the keyspace, the tables of all databases for
// the keys that hash to it, their expiry indexes and counters, behind one mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/storage/detail/entry.h"
#include "cachet/storage/detail/table.h"
#include "cachet/storage/eviction.h"
#include "cachet/storage/keyspace.h"

namespace cachet::storage {

// Every method requires mu to be held by the caller (Access, or Keyspace for background
// work); none of them locks anything. Promises are those of the Access methods they serve.
class alignas(64) Shard {
 public:
  Shard(Keyspace* ks, uint32_t index);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  std::mutex mu;

  uint32_t index() const { return index_; }
  detail::Table* table(int db) const { return tables_[db].get(); }
  detail::Table& EnsureTable(int db);

  // --- Keys ---
  EntryRef Find(int db, uint64_t hash, std::string_view key, uint32_t flags, int64_t now);
  // Creates or overwrites key with payload p (adopted). expire_ms: the TTL to store (-1 for
  // none); keep_ttl keeps an existing key's TTL instead.
  EntryRef Set(int db, uint64_t hash, std::string_view key, const detail::Payload& p,
               int64_t expire_ms, bool keep_ttl, int64_t now);
  // Deletes a live key; false when absent or expired (an expired key is reclaimed as such).
  bool Delete(int db, uint64_t hash, std::string_view key, KeyEvent why, bool async, int64_t now);
  // Removes entry e (of table t) and frees it; notifies `why` unless !notify.
  void Erase(detail::Table* t, int db, uint64_t hash, detail::Entry* e, KeyEvent why, bool async,
             bool notify = true);

  // --- One key through its EntryRef (which is kept pointing at the key) ---
  void ReplaceValue(EntryRef* ref, const detail::Payload& p);
  void ReplaceInt(EntryRef* ref, int64_t v);
  char* ResizeRaw(EntryRef* ref, size_t new_len);
  void ObjectChanged(EntryRef* ref);
  void SetExpire(EntryRef* ref, int64_t when_ms, int64_t now);
  bool Persist(EntryRef* ref);
  // Unlinks the entry without freeing it or notifying (RENAME/MOVE relink it elsewhere).
  detail::Entry* Detach(EntryRef* ref);
  // Links entry e, whose key hashes to this shard, into db's table and files its TTL.
  EntryRef Attach(int db, uint64_t hash, detail::Entry* e, int64_t now);

  // --- Whole shard ---
  size_t DbSize(int db) const;
  std::unique_ptr<detail::Table> TakeTable(int db) { return std::move(tables_[db]); }
  void SwapTables(int a, int b) { std::swap(tables_[a], tables_[b]); }
  // SCAN over db's table from pos; see Keyspace::Scan. *visited counts keys seen;
  // *iterations bounds the steps. Returns the next position, 0 when the table is done.
  uint64_t Scan(int db, uint64_t pos, const ScanOptions& opts, size_t want, size_t* visited,
                size_t* iterations, int64_t now, std::vector<std::string>* out);
  void Keys(int db, std::string_view pattern, int64_t now, std::vector<std::string>* out);
  std::optional<std::string> RandomKey(int db, int64_t now);
  uint64_t NextRandom();

  // --- Background work ---
  ExpireCycleResult ActiveExpire(size_t budget, int64_t now);
  bool RehashStep(size_t budget);

  // --- Memory and eviction (eviction.cc) ---
  // Bytes of every table of the shard (KeyspaceStats::used_bytes's share).
  size_t BytesNow() const;
  // Adds the change of BytesNow() since the last call to Keyspace::used_bytes_, when it
  // reaches kUsedBytesBatch either way, or whatever it is when force.
  void PublishUsed(bool force = false);
  // Removes the best victim of this shard under opts.policy (from the candidate pool, or at
  // random) and returns the bytes that released; -1 when the shard has nothing to evict.
  int64_t EvictOne(const EvictionOptions& opts, int64_t now);

  // --- Counters and notifications ---
  void AddStats(KeyspaceStats* s) const;
  void AddDbStats(std::vector<DbStats>* s) const;
  void ResetStats();
  void CountLookup(bool hit) { hit ? ++keyspace_hits_ : ++keyspace_misses_; }
  void Notify(int db, std::string_view key, KeyEvent ev) const;

 private:
  void Touch(detail::Entry* e, int64_t now);
  uint32_t NewAccessField(int64_t now) const;
  // Unlinks the entry at link and frees it; no rehashing (safe inside chain walks).
  void RemoveAt(detail::Table* t, int db, detail::Table::Link link, KeyEvent why, bool async,
                bool notify = true);
  // Rehash/shrink upkeep after deletions.
  void Upkeep(detail::Table* t);
  // Frees an unlinked entry, on the background thread when async and the value is large.
  void Dispose(detail::Entry* e, bool async);
  // Files a TTL in t's expiry index (e must be linked already), compacting when needed.
  void IndexExpire(detail::Table* t, uint64_t hash, int64_t when_ms, int64_t now);
  // Puts fresh in the place of ref's entry and updates ref. The old entry is freed with its
  // value when destroy_value, else only its shell (fresh took the value over).
  void Rebuild(EntryRef* ref, detail::Entry* fresh, bool destroy_value);
  // Eviction helpers (eviction.cc).
  uint64_t EvictionScore(const detail::Entry* e, EvictionPolicy policy, int64_t now) const;
  void PopulatePool(detail::Table* t, int db, const EvictionOptions& opts, int64_t now);
  int64_t EvictRandom(const EvictionOptions& opts, int64_t now);
  int64_t EvictKey(int db, uint64_t hash, std::string_view key, bool async, int64_t now);

  Keyspace* ks_;
  uint32_t index_;
  std::vector<std::unique_ptr<detail::Table>> tables_;
  int next_expire_db_ = 0;
  uint64_t rng_;
  uint64_t expired_keys_ = 0;
  uint64_t evicted_keys_ = 0;
  uint64_t keyspace_hits_ = 0;
  uint64_t keyspace_misses_ = 0;
  // What PublishUsed last added to the keyspace's total.
  int64_t published_bytes_ = 0;
  detail::EvictionPool pool_;
  detail::EvictionPool::Candidate victim_;
  int next_evict_db_ = 0;
};

// XXH3_64bits of key: picks the shard (low bits) and the bucket (the bits above).
uint64_t HashKey(std::string_view key);

}  // namespace cachet::storage
