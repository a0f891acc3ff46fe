// The keyspace: shard locking (Access), entry references, and keyspace-wide operations.
#include "cachet/storage/keyspace.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "cachet/storage/detail/lazy_free.h"
#include "cachet/storage/detail/shard.h"
#include "cachet/storage/glob.h"

namespace cachet::storage {

using detail::Entry;
using detail::Payload;

namespace {

constexpr int kCursorShardShift = 48;
constexpr uint64_t kCursorPosMask = (uint64_t{1} << kCursorShardShift) - 1;

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "cachet: storage misuse: %s\n", what);
  std::abort();
}

// The entry payload for a detached value; a raw string is copied into its own allocation and
// a collection is released into the entry.
Payload PayloadFromValue(Value& v) {
  Payload p;
  p.type = v.type();
  p.encoding = v.encoding();
  if (!v.is_string()) {
    p.object = v.ReleaseObject().release();
    return p;
  }
  switch (v.encoding()) {
    case Encoding::kInt:
      p.int_value = v.int_value();
      break;
    case Encoding::kEmbstr:
      if (v.string_bytes().size() <= kEmbstrMaxLen) {
        p.bytes = v.string_bytes();
        break;
      }
      p.encoding = Encoding::kRaw;
      [[fallthrough]];
    default: {
      std::string_view s = v.string_bytes();
      p.raw = detail::NewRawString(s.size(), s.size());
      if (!s.empty()) std::memcpy(p.raw->data(), s.data(), s.size());
      break;
    }
  }
  return p;
}

Payload PayloadFromString(std::string_view s) {
  Payload p;
  if (ParseCanonicalInt64(s, &p.int_value)) {
    p.encoding = Encoding::kInt;
  } else if (s.size() <= kEmbstrMaxLen) {
    p.encoding = Encoding::kEmbstr;
    p.bytes = s;
  } else {
    p.encoding = Encoding::kRaw;
    p.raw = detail::NewRawString(s.size(), s.size());
    std::memcpy(p.raw->data(), s.data(), s.size());
  }
  return p;
}

}  // namespace

std::string_view KeyEventName(KeyEvent event) {
  switch (event) {
    case KeyEvent::kWritten:
      return "written";
    case KeyEvent::kDeleted:
      return "deleted";
    case KeyEvent::kExpired:
      return "expired";
    case KeyEvent::kEvicted:
      return "evicted";
    case KeyEvent::kFlushed:
      return "flushed";
    case KeyEvent::kSwapped:
      return "swapped";
    case KeyEvent::kCreated:
      return "created";
    case KeyEvent::kMissed:
      return "missed";
  }
  return "unknown";
}

size_t DefaultShardCount(size_t worker_threads) {
  if (worker_threads == 0) worker_threads = std::max(1u, std::thread::hardware_concurrency());
  size_t n = 1;
  while (n < 4 * worker_threads && n < kMaxShards) n <<= 1;
  return n;
}

// ---------------------------------------------------------------------------------------
// EntryRef

std::string_view EntryRef::key() const { return detail::KeyOf(entry_); }
ValueType EntryRef::type() const { return detail::TypeOf(entry_); }
Encoding EntryRef::encoding() const { return detail::EncodingOf(entry_); }
int64_t EntryRef::int_value() const { return detail::IntOf(entry_); }

std::string_view EntryRef::string_bytes() const {
  if (detail::ReprOf(entry_) == detail::Repr::kInt) return {};
  return detail::StringBytesOf(entry_);
}

std::string_view EntryRef::StringView(IntBuffer* buf) const {
  if (detail::ReprOf(entry_) == detail::Repr::kInt) {
    return FormatInt64(detail::IntOf(entry_), buf->data);
  }
  return detail::StringBytesOf(entry_);
}

size_t EntryRef::StringLength() const {
  IntBuffer buf;
  return StringView(&buf).size();
}

void EntryRef::AppendStringTo(std::string* out) const {
  IntBuffer buf;
  out->append(StringView(&buf));
}

Collection* EntryRef::object() const {
  return detail::ReprOf(entry_) == detail::Repr::kObject ? detail::ObjectOf(entry_) : nullptr;
}

bool EntryRef::has_expire() const { return detail::HasExpire(entry_); }
int64_t EntryRef::expire_ms() const { return detail::ExpireOf(entry_); }
uint32_t EntryRef::access_field() const { return detail::AccessOf(entry_); }

size_t EntryRef::MemoryUsage() const { return detail::FootprintOf(entry_) + sizeof(uint64_t); }

Value EntryRef::CloneValue() const {
  switch (detail::ReprOf(entry_)) {
    case detail::Repr::kInt:
      return Value::Int(detail::IntOf(entry_));
    case detail::Repr::kInline:
      return Value::String(detail::StringBytesOf(entry_));
    case detail::Repr::kRaw:
      return Value::RawString(detail::StringBytesOf(entry_));
    case detail::Repr::kObject:
      return Value::Object(detail::ObjectOf(entry_)->Clone());
  }
  return Value();
}

// ---------------------------------------------------------------------------------------
// Access

Access::Access(Keyspace* ks, bool all) : ks_(ks), all_(all) {}

namespace {
// The hold of the AccessScope active on this thread, if any.
thread_local Access* tls_scope = nullptr;
}  // namespace

AccessScope::AccessScope(Access& held) : previous_(tls_scope) { tls_scope = &held; }
AccessScope::~AccessScope() { tls_scope = previous_; }

Access Access::Borrow() const {
  Access a(ks_, all_);
  a.borrowed_ = true;
  a.now_ms_ = now_ms_;
  a.count_ = count_;
  std::copy(std::begin(inline_), std::end(inline_), std::begin(a.inline_));
  a.spill_ = spill_;
  return a;
}

Access::Access(Access&& other) noexcept
    : ks_(other.ks_),
      all_(other.all_),
      borrowed_(other.borrowed_),
      now_ms_(other.now_ms_),
      count_(other.count_),
      spill_(std::move(other.spill_)) {
  std::copy(std::begin(other.inline_), std::end(other.inline_), std::begin(inline_));
  other.ks_ = nullptr;
}

Access::~Access() {
  if (ks_ == nullptr || borrowed_) return;
  if (all_) {
    for (size_t i = ks_->shard_count_; i-- > 0;) {
      Shard& s = ks_->shard(i);
      s.PublishUsed();
      s.mu.unlock();
    }
    return;
  }
  const uint32_t* held = spill_.empty() ? inline_ : spill_.data();
  for (uint32_t i = count_; i-- > 0;) {
    Shard& s = ks_->shard(held[i]);
    s.PublishUsed();
    s.mu.unlock();
  }
}

void Access::LockSorted() {
  uint32_t* held = spill_.empty() ? inline_ : spill_.data();
  std::sort(held, held + count_);
  count_ = static_cast<uint32_t>(std::unique(held, held + count_) - held);
  for (uint32_t i = 0; i < count_; ++i) ks_->shard(held[i]).mu.lock();
  now_ms_ = ks_->clock_->NowMs();
}

void Access::CheckHeld(uint32_t shard) const {
  if (all_) return;
  const uint32_t* held = spill_.empty() ? inline_ : spill_.data();
  for (uint32_t i = 0; i < count_; ++i) {
    if (held[i] == shard) return;
  }
  Fatal("a key's shard is used without its lock (add the key to Keyspace::Lock)");
}

void Access::CheckAll(const char* what) const {
  if (!all_) Fatal(what);
}

Shard& Access::ShardFor(std::string_view key, uint64_t* hash) const {
  *hash = HashKey(key);
  const uint32_t s = static_cast<uint32_t>(*hash & (ks_->shard_count_ - 1));
  CheckHeld(s);
  return ks_->shard(s);
}

void Access::CheckDb(int db) const {
  if (db < 0 || db >= ks_->databases_) Fatal("database index out of range");
}

void Access::CheckRef(const EntryRef* e) const {
  if (e == nullptr || e->entry_ == nullptr) Fatal("null EntryRef");
  CheckHeld(e->shard_->index());
}

EntryRef Access::Find(int db, std::string_view key, uint32_t flags) {
  CheckDb(db);
  uint64_t hash;
  Shard& s = ShardFor(key, &hash);
  return s.Find(db, hash, key, flags, now_ms_);
}

EntryRef Access::Set(int db, std::string_view key, Value value, const SetOptions& opts) {
  CheckDb(db);
  uint64_t hash;
  Shard& s = ShardFor(key, &hash);
  return s.Set(db, hash, key, PayloadFromValue(value), opts.expire_ms, opts.keep_ttl, now_ms_);
}

EntryRef Access::SetString(int db, std::string_view key, std::string_view bytes,
                           const SetOptions& opts) {
  CheckDb(db);
  uint64_t hash;
  Shard& s = ShardFor(key, &hash);
  return s.Set(db, hash, key, PayloadFromString(bytes), opts.expire_ms, opts.keep_ttl, now_ms_);
}

bool Access::Delete(int db, std::string_view key, bool async) {
  CheckDb(db);
  uint64_t hash;
  Shard& s = ShardFor(key, &hash);
  return s.Delete(db, hash, key, KeyEvent::kDeleted, async, now_ms_);
}

bool Access::Evict(int db, std::string_view key, bool async) {
  CheckDb(db);
  uint64_t hash;
  Shard& s = ShardFor(key, &hash);
  return s.Delete(db, hash, key, KeyEvent::kEvicted, async, now_ms_);
}

void Access::ReplaceValue(EntryRef* e, Value value) {
  CheckRef(e);
  e->shard_->ReplaceValue(e, PayloadFromValue(value));
}

void Access::ReplaceInt(EntryRef* e, int64_t v) {
  CheckRef(e);
  e->shard_->ReplaceInt(e, v);
}

char* Access::ResizeRawString(EntryRef* e, size_t new_len) {
  CheckRef(e);
  if (e->type() != ValueType::kString) Fatal("ResizeRawString on a collection");
  return e->shard_->ResizeRaw(e, new_len);
}

void Access::AppendString(EntryRef* e, std::string_view tail) {
  const size_t len = e->StringLength();
  char* data = ResizeRawString(e, len + tail.size());
  if (!tail.empty()) std::memcpy(data + len, tail.data(), tail.size());
}

void Access::NoteObjectChanged(EntryRef* e) {
  CheckRef(e);
  if (e->object() == nullptr) Fatal("NoteObjectChanged on a string");
  e->shard_->ObjectChanged(e);
}

void Access::SetExpire(EntryRef* e, int64_t when_ms) {
  CheckRef(e);
  if (when_ms == kNoExpire) {
    e->shard_->Persist(e);
    return;
  }
  e->shard_->SetExpire(e, when_ms, now_ms_);
}

bool Access::Persist(EntryRef* e) {
  CheckRef(e);
  return e->shard_->Persist(e);
}

void Access::Erase(EntryRef* e, bool async) {
  CheckRef(e);
  Entry* entry = e->entry_;
  e->shard_->Erase(e->table_, e->db_, HashKey(detail::KeyOf(entry)), entry, KeyEvent::kDeleted,
                   async);
  *e = EntryRef();
}

RenameResult Access::Rename(int db, std::string_view from, std::string_view to,
                            bool only_if_absent) {
  CheckDb(db);
  uint64_t hf, ht;
  Shard& sf = ShardFor(from, &hf);
  Shard& st = ShardFor(to, &ht);
  EntryRef src = sf.Find(db, hf, from, kLookupWrite, now_ms_);
  if (!src) return RenameResult::kNoSuchKey;
  if (from == to) return RenameResult::kSameKey;
  EntryRef dst = st.Find(db, ht, to, kLookupWrite, now_ms_);
  if (dst) {
    if (only_if_absent) return RenameResult::kTargetExists;
    st.Erase(dst.table_, db, ht, dst.entry_, KeyEvent::kDeleted, false, /*notify=*/false);
  }
  Entry* old = sf.Detach(&src);
  Entry* fresh =
      detail::NewEntry(to, detail::ExpireOf(old), detail::AccessOf(old), detail::PayloadOf(old));
  detail::FreeShell(old);
  st.Attach(db, ht, fresh, now_ms_);
  st.Notify(db, to, KeyEvent::kCreated);
  sf.Notify(db, from, KeyEvent::kDeleted);
  st.Notify(db, to, KeyEvent::kWritten);
  return RenameResult::kOk;
}

CopyResult Access::Copy(int src_db, std::string_view src, int dst_db, std::string_view dst,
                        bool replace) {
  CheckDb(src_db);
  CheckDb(dst_db);
  if (src_db == dst_db && src == dst) return CopyResult::kSameObject;
  uint64_t hs, hd;
  Shard& ss = ShardFor(src, &hs);
  Shard& sd = ShardFor(dst, &hd);
  EntryRef from = ss.Find(src_db, hs, src, kLookupRead, now_ms_);
  if (!from) return CopyResult::kNoSuchKey;
  EntryRef existing = sd.Find(dst_db, hd, dst, kLookupWrite, now_ms_);
  if (existing && !replace) return CopyResult::kTargetExists;
  Value copy = from.CloneValue();
  const int64_t expire = from.expire_ms();
  // As Redis's COPY ... REPLACE: the old destination goes first, so the copy is a new key.
  if (existing)
    sd.Erase(existing.table_, dst_db, hd, existing.entry_, KeyEvent::kDeleted, false,
             /*notify=*/false);
  sd.Set(dst_db, hd, dst, PayloadFromValue(copy), expire, false, now_ms_);
  return CopyResult::kOk;
}

MoveResult Access::Move(int db, std::string_view key, int dst_db) {
  CheckDb(db);
  CheckDb(dst_db);
  if (db == dst_db) return MoveResult::kSameDb;
  uint64_t hash;
  Shard& s = ShardFor(key, &hash);
  EntryRef e = s.Find(db, hash, key, kLookupWrite, now_ms_);
  if (!e) return MoveResult::kNoSuchKey;
  if (s.Find(dst_db, hash, key, kLookupWrite, now_ms_)) return MoveResult::kTargetExists;
  Entry* entry = s.Detach(&e);
  s.Attach(dst_db, hash, entry, now_ms_);
  s.Notify(dst_db, key, KeyEvent::kCreated);
  s.Notify(db, key, KeyEvent::kDeleted);
  s.Notify(dst_db, key, KeyEvent::kWritten);
  return MoveResult::kOk;
}

size_t Access::DbSize(int db) const {
  CheckAll("DbSize needs LockAll");
  CheckDb(db);
  size_t n = 0;
  for (size_t i = 0; i < ks_->shard_count_; ++i) n += ks_->shard(i).DbSize(db);
  return n;
}

void Access::FlushTables(int db, bool async) {
  for (size_t i = 0; i < ks_->shard_count_; ++i) {
    std::unique_ptr<detail::Table> t = ks_->shard(i).TakeTable(db);
    if (t == nullptr) continue;
    if (async) {
      const size_t objects = t->size();
      ks_->freer_->Free(std::move(t), objects);
    }
  }
}

void Access::FlushDb(int db, bool async) {
  CheckAll("FlushDb needs LockAll");
  CheckDb(db);
  FlushTables(db, async);
  ks_->Notify(db, {}, KeyEvent::kFlushed);
}

void Access::FlushAll(bool async) {
  CheckAll("FlushAll needs LockAll");
  for (int db = 0; db < ks_->databases_; ++db) FlushTables(db, async);
  ks_->Notify(-1, {}, KeyEvent::kFlushed);
}

void Access::SwapDb(int a, int b) {
  CheckAll("SwapDb needs LockAll");
  CheckDb(a);
  CheckDb(b);
  if (a == b) return;
  for (size_t i = 0; i < ks_->shard_count_; ++i) ks_->shard(i).SwapTables(a, b);
  ks_->Notify(a, {}, KeyEvent::kSwapped);
  ks_->Notify(b, {}, KeyEvent::kSwapped);
}

std::optional<std::string> Access::RandomKey(int db) {
  CheckAll("RandomKey needs LockAll");
  CheckDb(db);
  const size_t n = ks_->shard_count_;
  while (true) {
    size_t total = 0;
    for (size_t i = 0; i < n; ++i) total += ks_->shard(i).DbSize(db);
    if (total == 0) return std::nullopt;
    // Pick a shard in proportion to its keys, so every key is equally likely.
    uint64_t r = ks_->shard(0).NextRandom() % total;
    size_t i = 0;
    for (; i < n; ++i) {
      const size_t size = ks_->shard(i).DbSize(db);
      if (r < size) break;
      r -= size;
    }
    std::optional<std::string> key = ks_->shard(i).RandomKey(db, now_ms_);
    if (key) return key;
  }
}

void Access::Keys(int db, std::string_view pattern, std::vector<std::string>* out) {
  CheckAll("Keys needs LockAll");
  CheckDb(db);
  for (size_t i = 0; i < ks_->shard_count_; ++i) ks_->shard(i).Keys(db, pattern, now_ms_, out);
}

uint64_t Access::Scan(int db, uint64_t cursor, const ScanOptions& opts,
                      std::vector<std::string>* out) {
  CheckAll("Access::Scan needs LockAll (use Keyspace::Scan otherwise)");
  CheckDb(db);
  return ks_->ScanImpl(db, cursor, opts, out, /*lock=*/false, now_ms_);
}

// ---------------------------------------------------------------------------------------
// Keyspace

Keyspace::Keyspace(const KeyspaceOptions& options)
    : shard_count_(options.shards != 0 ? options.shards
                                       : DefaultShardCount(options.worker_threads)),
      shard_bits_(0),
      databases_(options.databases),
      clock_(options.clock != nullptr ? options.clock : SystemClock::Default()),
      freer_(std::make_unique<detail::LazyFreer>()) {
  if (shard_count_ == 0 || shard_count_ > kMaxShards || (shard_count_ & (shard_count_ - 1))) {
    Fatal("shard count must be a power of two in [1, 65536]");
  }
  if (databases_ < 1) Fatal("databases must be at least 1");
  while ((size_t{1} << shard_bits_) < shard_count_) ++shard_bits_;
  shards_.reserve(shard_count_);
  for (size_t i = 0; i < shard_count_; ++i) {
    shards_.push_back(std::make_unique<Shard>(this, static_cast<uint32_t>(i)));
  }
}

Keyspace::~Keyspace() {
  // Shards first: their entries may hold collections the freer is not involved with.
  shards_.clear();
  freer_.reset();
}

uint32_t Keyspace::ShardOf(std::string_view key) const {
  return static_cast<uint32_t>(HashKey(key) & (shard_count_ - 1));
}

Access Keyspace::Lock(std::string_view key) {
  if (tls_scope != nullptr && tls_scope->ks_ == this) return tls_scope->Borrow();
  Access a(this, false);
  a.count_ = 1;
  a.inline_[0] = ShardOf(key);
  a.LockSorted();
  return a;
}

Access Keyspace::Lock(std::initializer_list<std::string_view> keys) {
  return Lock(std::span<const std::string_view>(keys.begin(), keys.size()));
}

template <typename Keys>
Access Keyspace::LockKeys(const Keys& keys) {
  if (tls_scope != nullptr && tls_scope->ks_ == this) return tls_scope->Borrow();
  Access a(this, false);
  if (keys.size() > Access::kInlineShards) a.spill_.reserve(keys.size());
  uint32_t n = 0;
  for (const auto& key : keys) {
    const uint32_t s = ShardOf(key);
    if (keys.size() > Access::kInlineShards) {
      a.spill_.push_back(s);
    } else {
      a.inline_[n] = s;
    }
    ++n;
  }
  a.count_ = n;
  a.LockSorted();
  return a;
}

Access Keyspace::Lock(std::span<const std::string_view> keys) { return LockKeys(keys); }
Access Keyspace::Lock(std::span<const std::string> keys) { return LockKeys(keys); }

Access Keyspace::LockAll() {
  if (tls_scope != nullptr && tls_scope->ks_ == this) {
    // A command needing every shard inside a hold of fewer cannot be served by it.
    if (!tls_scope->all_) std::abort();
    return tls_scope->Borrow();
  }
  Access a(this, true);
  for (size_t i = 0; i < shard_count_; ++i) shard(i).mu.lock();
  a.now_ms_ = clock_->NowMs();
  return a;
}

void Keyspace::SetObserver(KeyObserver observer) { observer_ = std::move(observer); }

void Keyspace::SetAccessPolicy(AccessPolicy policy, int lfu_log_factor, int lfu_decay_time) {
  policy_.store(policy, std::memory_order_relaxed);
  lfu_log_factor_.store(lfu_log_factor, std::memory_order_relaxed);
  lfu_decay_time_.store(lfu_decay_time, std::memory_order_relaxed);
}

AccessPolicy Keyspace::access_policy() const { return policy_.load(std::memory_order_relaxed); }
int Keyspace::lfu_log_factor() const { return lfu_log_factor_.load(std::memory_order_relaxed); }
int Keyspace::lfu_decay_time() const { return lfu_decay_time_.load(std::memory_order_relaxed); }

void Keyspace::Notify(int db, std::string_view key, KeyEvent ev) const {
  if (observer_) observer_(db, key, ev);
}

uint64_t Keyspace::Scan(int db, uint64_t cursor, const ScanOptions& opts,
                        std::vector<std::string>* out) {
  if (db < 0 || db >= databases_) Fatal("database index out of range");
  if (tls_scope != nullptr && tls_scope->ks_ == this) {
    // Inside an AccessScope the shards are already held: scan under that hold.
    if (!tls_scope->all_) std::abort();
    return ScanImpl(db, cursor, opts, out, /*lock=*/false, tls_scope->now_ms_);
  }
  return ScanImpl(db, cursor, opts, out, /*lock=*/true, 0);
}

uint64_t Keyspace::ScanImpl(int db, uint64_t cursor, const ScanOptions& opts,
                            std::vector<std::string>* out, bool lock, int64_t now) {
  ScanOptions o = opts;
  if (o.pattern && GlobMatchesAll(*o.pattern)) o.pattern.reset();
  const size_t count = std::max<size_t>(o.count, 1);
  uint64_t shard_index = cursor >> kCursorShardShift;
  uint64_t pos = cursor & kCursorPosMask;
  if (shard_index >= shard_count_) return 0;
  size_t visited = 0;
  size_t iterations = count * 10;
  while (true) {
    Shard& s = shard(shard_index);
    if (lock) {
      std::lock_guard<std::mutex> guard(s.mu);
      pos = s.Scan(db, pos, o, count, &visited, &iterations, clock_->NowMs(), out);
      s.PublishUsed();
    } else {
      pos = s.Scan(db, pos, o, count, &visited, &iterations, now, out);
    }
    if (pos == 0 && ++shard_index == shard_count_) return 0;
    if (visited >= count || iterations == 0) return (shard_index << kCursorShardShift) | pos;
  }
}

ExpireCycleResult Keyspace::ActiveExpireShard(size_t index, size_t budget) {
  Shard& s = shard(index);
  std::lock_guard<std::mutex> guard(s.mu);
  ExpireCycleResult r = s.ActiveExpire(budget, clock_->NowMs());
  s.PublishUsed();
  return r;
}

ExpireCycleResult Keyspace::ActiveExpireCycle(size_t budget_per_shard) {
  ExpireCycleResult total;
  for (size_t i = 0; i < shard_count_; ++i) {
    ExpireCycleResult r = ActiveExpireShard(i, budget_per_shard);
    total.examined += r.examined;
    total.expired += r.expired;
    total.more_due |= r.more_due;
  }
  return total;
}

bool Keyspace::RehashStep(size_t budget_per_shard) {
  bool any = false;
  for (size_t i = 0; i < shard_count_; ++i) {
    Shard& s = shard(i);
    std::lock_guard<std::mutex> guard(s.mu);
    any |= s.RehashStep(budget_per_shard);
    s.PublishUsed();
  }
  return any;
}

KeyspaceStats Keyspace::Stats() const {
  KeyspaceStats stats;
  for (size_t i = 0; i < shard_count_; ++i) {
    Shard& s = shard(i);
    std::lock_guard<std::mutex> guard(s.mu);
    s.AddStats(&stats);
    s.PublishUsed(/*force=*/true);
  }
  stats.lazyfree_pending_objects = freer_->pending_objects();
  stats.lazyfreed_objects = freer_->freed_objects();
  return stats;
}

std::vector<DbStats> Keyspace::PerDbStats() const {
  std::vector<DbStats> stats(static_cast<size_t>(databases_));
  for (size_t i = 0; i < shard_count_; ++i) {
    Shard& s = shard(i);
    std::lock_guard<std::mutex> guard(s.mu);
    s.AddDbStats(&stats);
  }
  return stats;
}

void Keyspace::ResetStats() {
  for (size_t i = 0; i < shard_count_; ++i) {
    Shard& s = shard(i);
    std::lock_guard<std::mutex> guard(s.mu);
    s.ResetStats();
  }
}

void Keyspace::WaitForLazyFree() { freer_->WaitIdle(); }

}  // namespace cachet::storage
