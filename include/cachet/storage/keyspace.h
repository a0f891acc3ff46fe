// The sharded keyspace: shard locking, key lookup and mutation, TTLs, iteration, flushes.
//
// A command does all its work on the keyspace through an Access, the RAII guard returned by
// Keyspace::Lock(): it holds the locks of the shards its keys hash to (taken in ascending
// order, so any set of commands can run concurrently without deadlock) and offers every
// operation on those keys. Typical uses:
//
//   // GET key
//   {
//     storage::Access acc = keyspace.Lock(key);
//     storage::EntryRef e = acc.Find(db, key);
//     if (!e) return reply.Null();
//     if (e.type() != storage::ValueType::kString) return reply.Error(kWrongTypeError);
//     storage::IntBuffer buf;
//     reply.Bulk(e.StringView(&buf));  // into the connection's buffer, never a socket
//   }
//   // SET key value PX 1000
//   {
//     storage::Access acc = keyspace.Lock(key);
//     acc.SetString(db, key, value, {.expire_ms = acc.now_ms() + 1000});
//   }
//   // MSET k1 v1 k2 v2: atomic across shards
//   storage::Access acc = keyspace.Lock(std::span<const std::string_view>(keys));
//   for (i...) acc.SetString(db, keys[i], values[i]);
//
// An Access must never be held across I/O, a blocking wait, or a call that takes another
// Access on the same thread (the locks are not recursive). There is deliberately no way to
// obtain a shard's mutex or to keep an entry pointer beyond the Access that produced it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/storage/clock.h"
#include "cachet/storage/eviction.h"
#include "cachet/storage/lru.h"
#include "cachet/storage/value.h"

namespace cachet::storage {

class Shard;
class Keyspace;
namespace detail {
struct Entry;
class Table;
class LazyFreer;
}  // namespace detail

// "No TTL" in expire_ms fields and results.
inline constexpr int64_t kNoExpire = -1;
// Largest shard count (SCAN cursors keep the shard index in their top 16 bits).
inline constexpr size_t kMaxShards = size_t{1} << 16;

// Why the observer is called.
enum class KeyEvent : uint8_t {
  kWritten,  // created, overwritten, or changed in place (value or TTL)
  kDeleted,  // removed by a command (DEL, UNLINK, RENAME's source, MOVE's source, ...)
  kExpired,  // removed because its TTL passed (lazily or by the active cycle)
  kEvicted,  // removed by Access::Evict
  kFlushed,  // a whole database was emptied: key is empty; db is -1 for FLUSHALL
  kSwapped,  // SWAPDB: called once for each of the two databases, key empty
  kCreated,  // a key that did not exist was added (before its kWritten), as Redis's dbAdd
  kMissed,   // a read lookup did not find the key (Redis's keymiss), unless kLookupNoNotify
};
std::string_view KeyEventName(KeyEvent event);

// Called synchronously after every change to a key, with the lock of the key's shard held
// (by the thread that made the change, or by the active expire cycle). It must be quick and
// must not call into the keyspace or do I/O: record what it needs and act after the command.
// Unset (the default), it costs one branch per change.
using KeyObserver = std::function<void(int db, std::string_view key, KeyEvent event)>;

// Flags of Access::Find, after Redis's LOOKUP_* flags.
enum LookupFlags : uint32_t {
  // A read: counts a keyspace hit or miss, refreshes the key's LRU/LFU data.
  kLookupRead = 0,
  // Does not count keyspace_hits/keyspace_misses (Redis's lookupKeyWrite).
  kLookupNoStats = 1u << 0,
  // Does not refresh LRU/LFU data (OBJECT, TTL-style inspection).
  kLookupNoTouch = 1u << 1,
  // Does not report a miss to the observer (Redis's LOOKUP_NONOTIFY: OBJECT).
  kLookupNoNotify = 1u << 2,
  kLookupWrite = kLookupNoStats,
};

// How Access::Set treats TTLs.
struct SetOptions {
  // Absolute Unix time in ms at which the key expires; kNoExpire for none. A time not after
  // the Access's now_ms() stores a key that is already expired (Redis deletes instead: the
  // caller decides).
  int64_t expire_ms = kNoExpire;
  // Keep the TTL the key already has (SET KEEPTTL); expire_ms is then used only if the key
  // did not exist.
  bool keep_ttl = false;
};

enum class RenameResult : uint8_t { kOk, kNoSuchKey, kTargetExists, kSameKey };
enum class CopyResult : uint8_t { kOk, kNoSuchKey, kTargetExists, kSameObject };
enum class MoveResult : uint8_t { kOk, kNoSuchKey, kTargetExists, kSameDb };

struct ScanOptions {
  // Buckets to visit, roughly (SCAN's COUNT): the call returns when it has collected this many
  // keys or visited about ten times as many buckets without finding them.
  size_t count = 10;
  // MATCH pattern (Redis glob); nullopt: no filter.
  std::optional<std::string_view> pattern;
  // TYPE filter; nullopt: no filter.
  std::optional<ValueType> type;
};

// Scratch room for formatting an int-encoded string (EntryRef::StringView).
struct IntBuffer {
  char data[kInt64MaxDigits + 4];
};

// A reference to a live key inside a locked shard. Valid until the Access that produced it is
// destroyed, the key is deleted, or another write (Set, Delete, Rename, Copy, Move, a flush,
// SwapDb, Evict) is made through the Access; lookups of other keys do not invalidate it.
// Mutations of the key itself go through Access methods taking EntryRef*, which keep it
// valid. A default-constructed EntryRef means "no such key".
class EntryRef {
 public:
  EntryRef() = default;

  explicit operator bool() const { return entry_ != nullptr; }
  int db() const { return db_; }
  std::string_view key() const;
  ValueType type() const;
  Encoding encoding() const;

  // --- Strings (type() == kString) ---
  bool is_int() const { return encoding() == Encoding::kInt; }
  // The integer of an int-encoded string.
  int64_t int_value() const;
  // The bytes of an embstr/raw string; empty for int-encoded ones.
  std::string_view string_bytes() const;
  // The bytes of a string in any encoding; ints are formatted into *buf.
  std::string_view StringView(IntBuffer* buf) const;
  // Length in bytes of the string in any encoding (STRLEN).
  size_t StringLength() const;
  // Appends the string's bytes to *out.
  void AppendStringTo(std::string* out) const;

  // --- Collections (type() != kString) ---
  Collection* object() const;
  // object() cast to the data type's class; the caller has checked type().
  template <typename T>
  T* object_as() const {
    return static_cast<T*>(object());
  }

  // --- TTL ---
  bool has_expire() const;
  // Absolute Unix ms, or kNoExpire.
  int64_t expire_ms() const;

  // --- Metadata ---
  // The 24-bit LRU/LFU field (see lru.h); interpret it with the keyspace's access_policy().
  uint32_t access_field() const;
  // Bytes this key occupies, as MEMORY USAGE reports it: the entry, its out-of-line value and
  // its share of the hash table.
  size_t MemoryUsage() const;
  // A deep copy of the value (COPY).
  Value CloneValue() const;

 private:
  friend class Access;
  friend class Shard;
  EntryRef(Shard* shard, detail::Table* table, int db, detail::Entry* entry)
      : shard_(shard), table_(table), db_(db), entry_(entry) {}

  Shard* shard_ = nullptr;
  detail::Table* table_ = nullptr;
  int db_ = 0;
  detail::Entry* entry_ = nullptr;
};

// The locks of a set of shards, and every operation on the keys they hold. Obtain one from
// Keyspace::Lock/LockAll; it unlocks on destruction. Operating on a key whose shard is not
// held aborts the process (a programming error, not a client error). db must be in
// [0, databases); the commands layer validates client input before calling.
class Access {
 public:
  Access(Access&& other) noexcept;
  Access& operator=(Access&&) = delete;
  Access(const Access&) = delete;
  Access& operator=(const Access&) = delete;
  ~Access();

  // The time all TTL decisions of this Access are made against: taken once when the locks
  // were acquired, as Redis fixes the time of a command (and of EXEC) when it starts.
  int64_t now_ms() const { return now_ms_; }
  Keyspace& keyspace() const { return *ks_; }
  bool holds_all() const { return all_; }

  // --- Lookup ---

  // The live key, or a null EntryRef. An expired key is deleted on the spot (expired_keys,
  // KeyEvent::kExpired) and reported as missing. See LookupFlags for stats and LRU/LFU.
  EntryRef Find(int db, std::string_view key, uint32_t flags = kLookupRead);

  // --- Writes by key ---

  // Creates or overwrites key with value. TTL per opts (an overwrite drops the old TTL unless
  // keep_ttl). Under an LFU policy an overwrite keeps the LFU counter, as Redis does. Notifies
  // kWritten. Returns the new entry.
  EntryRef Set(int db, std::string_view key, Value value, const SetOptions& opts = {});
  // Set() of a string with Redis's encoding rule, copying bytes once, straight into the entry.
  EntryRef SetString(int db, std::string_view key, std::string_view bytes,
                     const SetOptions& opts = {});
  // Deletes key; false if it did not exist (or had expired). With async, a collection of more
  // than kLazyFreeThreshold elements is freed on the background thread (UNLINK). Notifies
  // kDeleted.
  bool Delete(int db, std::string_view key, bool async = false);
  // Deletes key as an eviction (evicted_keys, KeyEvent::kEvicted); false if absent. With
  // async, a large collection is freed on the background thread (lazyfree-lazy-eviction).
  bool Evict(int db, std::string_view key, bool async = false);

  // --- Writes through an EntryRef (e stays valid and points at the key afterwards) ---

  // Replaces the value, keeping the TTL and the LRU/LFU field (INCR, APPEND results, ...).
  void ReplaceValue(EntryRef* e, Value value);
  // ReplaceValue(Value::Int(v)) without building a Value.
  void ReplaceInt(EntryRef* e, int64_t v);
  // Makes the string raw-encoded with exactly new_len bytes (keeping the existing prefix,
  // zero-filling growth) and returns its writable bytes, valid until the next operation.
  // SETRANGE writes through it; growth is amortized like Redis's sds.
  char* ResizeRawString(EntryRef* e, size_t new_len);
  // APPEND: ResizeRawString + copy.
  void AppendString(EntryRef* e, std::string_view tail);
  // The caller changed e.object() in place: re-charges its memory and notifies kWritten.
  void NoteObjectChanged(EntryRef* e);
  // Sets the TTL to the absolute time when_ms (a past time leaves an expired key; EXPIRE's
  // delete-instead rule is the caller's). Notifies kWritten.
  void SetExpire(EntryRef* e, int64_t when_ms);
  // Removes the TTL; false if there was none (then nothing is notified).
  bool Persist(EntryRef* e);
  // Deletes the key e refers to; e becomes null. See Delete(db, key, async).
  void Erase(EntryRef* e, bool async = false);

  // --- Multi-key (all keys' shards must be held) ---

  // RENAME / RENAMENX (only_if_absent): moves the value and TTL of `from` to `to`, replacing
  // `to` unless only_if_absent. kSameKey when from == to and it exists (nothing changes).
  // Notifies kDeleted for from and kWritten for to.
  RenameResult Rename(int db, std::string_view from, std::string_view to, bool only_if_absent);
  // COPY: a deep copy of src (value and TTL) as dst in dst_db. Without replace an existing dst
  // is kTargetExists. kSameObject when db and key are the same.
  CopyResult Copy(int src_db, std::string_view src, int dst_db, std::string_view dst, bool replace);
  // MOVE: moves key with its TTL from db to dst_db unless it exists there.
  MoveResult Move(int db, std::string_view key, int dst_db);

  // --- Whole-database operations (require LockAll) ---

  // Number of keys in db, expired-but-unreclaimed ones included (as Redis's DBSIZE).
  size_t DbSize(int db) const;
  // Empties db (or all databases). With async the tables are swapped out in O(shards) and
  // freed by the background thread. Notifies kFlushed once.
  void FlushDb(int db, bool async);
  void FlushAll(bool async);
  // Exchanges the contents (keys and TTLs) of databases a and b. Notifies kSwapped for each.
  void SwapDb(int a, int b);
  // A random live key of db (expired ones found on the way are deleted), nullopt if empty.
  std::optional<std::string> RandomKey(int db);
  // Appends every live key of db matching pattern (Redis glob, case-sensitive) to *out.
  void Keys(int db, std::string_view pattern, std::vector<std::string>* out);
  // SCAN under locks already held: see Keyspace::Scan.
  uint64_t Scan(int db, uint64_t cursor, const ScanOptions& opts, std::vector<std::string>* out);

 private:
  friend class Keyspace;
  friend class AccessScope;
  static constexpr size_t kInlineShards = 4;
  // The borrowed view returned by Lock*/LockAll inside an AccessScope.
  Access Borrow() const;

  Access(Keyspace* ks, bool all);
  Shard& ShardFor(std::string_view key, uint64_t* hash) const;
  void CheckHeld(uint32_t shard) const;
  void CheckAll(const char* what) const;
  void CheckDb(int db) const;
  void CheckRef(const EntryRef* e) const;
  void LockSorted();
  void FlushTables(int db, bool async);

  Keyspace* ks_;
  bool all_;
  bool borrowed_ = false;  // a view of an AccessScope's hold: unlocks nothing
  int64_t now_ms_ = 0;
  uint32_t count_ = 0;  // shards held when !all_
  uint32_t inline_[kInlineShards] = {};
  std::vector<uint32_t> spill_;
};

// While alive, every Keyspace::Lock/LockAll made on this thread returns a borrowed view of
// `held` instead of taking locks: EXEC (and later scripts) run many commands, each locking its
// own keys, under the one hold taken up front. The keys those commands touch must be covered
// by `held` (operating on another shard aborts, as for any Access). Scopes do not nest.
class AccessScope {
 public:
  explicit AccessScope(Access& held);
  ~AccessScope();
  AccessScope(const AccessScope&) = delete;
  AccessScope& operator=(const AccessScope&) = delete;

 private:
  Access* previous_;
};

struct KeyspaceOptions {
  // Number of shards, a power of two; 0 picks DefaultShardCount(worker_threads).
  size_t shards = 0;
  // Threads that will run commands; 0 means std::thread::hardware_concurrency().
  size_t worker_threads = 0;
  // Number of databases (Redis's `databases`).
  int databases = 16;
  // Time source, not owned; nullptr means SystemClock::Default().
  Clock* clock = nullptr;
};

// 4 x worker_threads rounded up to a power of two, at least 1, at most kMaxShards.
size_t DefaultShardCount(size_t worker_threads);

// How far Keyspace::used_bytes() may lag the exact figure, per shard: a shard publishes its
// change in bytes when the Access that made it ends, once the change reaches this much.
inline constexpr int64_t kUsedBytesBatch = 4096;

// Counters summed over shards (INFO stats / INFO memory / INFO keyspace).
struct KeyspaceStats {
  uint64_t keys = 0;
  uint64_t expires = 0;
  uint64_t expired_keys = 0;
  uint64_t evicted_keys = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  // Bytes the allocator gave for entries, out-of-line values, tables and expiry indexes.
  uint64_t used_bytes = 0;
  uint64_t lazyfree_pending_objects = 0;
  uint64_t lazyfreed_objects = 0;
};

struct DbStats {
  uint64_t keys = 0;
  uint64_t expires = 0;
};

// What one round of active expiry did.
struct ExpireCycleResult {
  size_t examined = 0;    // index items looked at
  size_t expired = 0;     // keys deleted
  bool more_due = false;  // some shard stopped on its budget with due work left
};

class Keyspace {
 public:
  explicit Keyspace(const KeyspaceOptions& options = {});
  ~Keyspace();
  Keyspace(const Keyspace&) = delete;
  Keyspace& operator=(const Keyspace&) = delete;

  size_t shard_count() const { return shard_count_; }
  int databases() const { return databases_; }
  Clock& clock() const { return *clock_; }

  // The shard key hashes to: XXH3_64bits(key) & (shard_count() - 1).
  uint32_t ShardOf(std::string_view key) const;

  // --- Locking (see the file comment) ---
  Access Lock(std::string_view key);
  Access Lock(std::initializer_list<std::string_view> keys);
  Access Lock(std::span<const std::string_view> keys);
  Access Lock(std::span<const std::string> keys);
  // Every shard: for FLUSHALL, FLUSHDB, SWAPDB, KEYS, RANDOMKEY, DBSIZE, and EXEC of
  // transactions whose keys are not known in advance.
  Access LockAll();

  // --- Configuration; call before the keyspace is shared between threads ---
  void SetObserver(KeyObserver observer);
  // maxmemory-policy family (LRU or LFU data kept per key), lfu-log-factor, lfu-decay-time.
  // Safe to call at any time (CONFIG SET); keys touched afterwards use the new setting.
  void SetAccessPolicy(AccessPolicy policy, int lfu_log_factor = kDefaultLfuLogFactor,
                       int lfu_decay_time = kDefaultLfuDecayTime);
  AccessPolicy access_policy() const;
  int lfu_log_factor() const;
  int lfu_decay_time() const;

  // --- Iteration without a held Access ---

  // SCAN: collects keys of db from cursor on, locking one shard at a time, and returns the
  // next cursor (0 when done). Every key present in db from the first call to the last is
  // returned at least once, however the tables grow or shrink in between; keys may repeat.
  // Expired keys met on the way are deleted and not returned. The cursor holds the shard in
  // its top 16 bits and a reverse-binary bucket cursor (Redis's dictScan) below.
  uint64_t Scan(int db, uint64_t cursor, const ScanOptions& opts, std::vector<std::string>* out);

  // --- Background work (the server's cron calls these; each locks one shard at a time) ---

  // Reclaims expired keys found through each shard's expiry index, looking at no more than
  // budget_per_shard index items per shard. A key is reclaimed at most 64 ms after its
  // expiry time if cycles run often enough.
  ExpireCycleResult ActiveExpireCycle(size_t budget_per_shard);
  // The same for one shard (for a server that gives each thread its own shards).
  ExpireCycleResult ActiveExpireShard(size_t shard, size_t budget);
  // Advances incremental rehashing (and starts shrinking under-filled tables), moving at most
  // budget_per_shard buckets per shard. Returns whether any table is still rehashing.
  bool RehashStep(size_t budget_per_shard);

  // --- Memory and eviction (eviction.h) ---

  // The keyspace's used memory (KeyspaceStats::used_bytes) as the shards last published it:
  // one relaxed load, for the check before every command. It lags the exact figure by less
  // than shard_count() * kUsedBytesBatch bytes (each shard publishes when the Access that
  // changed it ends and its change reaches kUsedBytesBatch; eviction publishes at once).
  uint64_t used_bytes() const;
  // Makes used_bytes() exact (as of each shard's turn), locking one shard at a time, and
  // returns it.
  uint64_t SyncUsedBytes();
  // Redis's performEvictions(): while used_bytes() > maxmemory, evicts one key from the next
  // shard in turn (locking one shard at a time; each shard chooses from its own candidate
  // pool, or at random, per opts.policy), through the eviction path (evicted_keys,
  // KeyEvent::kEvicted, lazy freeing when opts.lazy_free). kOk when used memory is at or
  // under maxmemory; kRunning when opts.time_limit_us ran out first; kFail when over the
  // limit with nothing evictable (noeviction, or volatile-* and no key with a TTL left),
  // judged on the exact figure (SyncUsedBytes), not the published one. Safe to call from
  // several threads at once; must not be called while holding an Access.
  EvictResult EvictToLimit(uint64_t maxmemory, const EvictionOptions& opts);

  // --- Statistics ---
  // Exact figures, summed under each shard's lock in turn; also brings used_bytes() up to
  // date with them.
  KeyspaceStats Stats() const;
  std::vector<DbStats> PerDbStats() const;
  // CONFIG RESETSTAT: zeroes expired_keys, evicted_keys, keyspace_hits, keyspace_misses.
  void ResetStats();
  // Blocks until the background thread has freed everything handed to it (tests, SHUTDOWN).
  void WaitForLazyFree();

 private:
  friend class Access;
  friend class Shard;

  Shard& shard(size_t i) const { return *shards_[i]; }
  template <typename Keys>
  Access LockKeys(const Keys& keys);
  void Notify(int db, std::string_view key, KeyEvent ev) const;
  uint64_t ScanImpl(int db, uint64_t cursor, const ScanOptions& opts, std::vector<std::string>* out,
                    bool lock, int64_t now);

  size_t shard_count_;
  int shard_bits_;
  int databases_;
  Clock* clock_;
  KeyObserver observer_;
  std::atomic<AccessPolicy> policy_{AccessPolicy::kLru};
  std::atomic<int> lfu_log_factor_{kDefaultLfuLogFactor};
  std::atomic<int> lfu_decay_time_{kDefaultLfuDecayTime};
  std::unique_ptr<detail::LazyFreer> freer_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Sum of what the shards published (Shard::PublishUsed).
  alignas(64) std::atomic<int64_t> used_bytes_{0};
  // The shard the next eviction starts from.
  alignas(64) std::atomic<uint64_t> evict_cursor_{0};
};

}  // namespace cachet::storage
