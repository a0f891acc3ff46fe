// A keyspace shard: key operations on its tables, lazy and active expiry, scans, counters.
#include "cachet/storage/detail/shard.h"

#include <xxhash.h>

#include "cachet/storage/detail/lazy_free.h"
#include "cachet/storage/glob.h"

namespace cachet::storage {

using detail::Entry;
using detail::Payload;
using detail::Table;

uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

Shard::Shard(Keyspace* ks, uint32_t index)
    : ks_(ks),
      index_(index),
      tables_(static_cast<size_t>(ks->databases())),
      rng_(0x9E3779B97F4A7C15ull * (index + 1)) {}

Shard::~Shard() = default;

Table& Shard::EnsureTable(int db) {
  if (tables_[db] == nullptr) tables_[db] = std::make_unique<Table>(ks_->shard_bits_);
  return *tables_[db];
}

uint64_t Shard::NextRandom() {
  // xorshift64*
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  return rng_ * 0x2545F4914F6CDD1Dull;
}

void Shard::Notify(int db, std::string_view key, KeyEvent ev) const {
  if (ks_->observer_) ks_->observer_(db, key, ev);
}

uint32_t Shard::NewAccessField(int64_t now) const {
  return ks_->policy_.load(std::memory_order_relaxed) == AccessPolicy::kLfu ? LfuInitial(now)
                                                                            : LruClock(now);
}

void Shard::Touch(Entry* e, int64_t now) {
  if (ks_->policy_.load(std::memory_order_relaxed) == AccessPolicy::kLfu) {
    const double r = static_cast<double>(NextRandom() >> 11) * 0x1.0p-53;
    detail::StoreAccess(e, LfuTouched(detail::AccessOf(e), now,
                                      ks_->lfu_log_factor_.load(std::memory_order_relaxed),
                                      ks_->lfu_decay_time_.load(std::memory_order_relaxed), r));
  } else {
    detail::StoreAccess(e, LruClock(now));
  }
}

void Shard::Dispose(Entry* e, bool async) {
  if (async && detail::ReprOf(e) == detail::Repr::kObject &&
      detail::ObjectOf(e)->ElementCount() > kLazyFreeThreshold) {
    ks_->freer_->Free(std::unique_ptr<Collection>(detail::ObjectOf(e)), 1);
    detail::FreeShell(e);
    return;
  }
  detail::FreeEntry(e);
}

void Shard::RemoveAt(Table* t, int db, Table::Link link, KeyEvent why, bool async, bool notify) {
  Entry* e = t->Unlink(link);
  if (detail::HasExpire(e)) --t->expires;
  if (why == KeyEvent::kExpired) {
    ++expired_keys_;
  } else if (why == KeyEvent::kEvicted) {
    ++evicted_keys_;
  }
  if (notify) Notify(db, detail::KeyOf(e), why);
  t->Charge(-static_cast<int64_t>(detail::FootprintOf(e)));
  Dispose(e, async);
}

void Shard::Upkeep(Table* t) {
  if (t->rehashing()) {
    t->RehashStep(1);
  } else {
    t->MaybeShrink();
  }
}

void Shard::IndexExpire(Table* t, uint64_t hash, int64_t when_ms, int64_t now) {
  detail::ExpiryIndex& index = t->expiry();
  index.Add(hash, when_ms, now);
  if (!index.NeedsCompaction(t->expires)) return;
  index.Compact([t](uint64_t h, int64_t lo, int64_t hi) {
    bool keep = false;
    t->WalkChains(h, [&](Table::Link link) {
      const Entry* e = link.entry();
      if (detail::TagOf(*link.slot) == detail::HashTag(h) && detail::HasExpire(e)) {
        const int64_t when = detail::ExpiryIndex::Clamp(detail::ExpireOf(e));
        if (when >= lo && when < hi) keep = true;
      }
      return false;
    });
    return keep;
  });
}

EntryRef Shard::Find(int db, uint64_t hash, std::string_view key, uint32_t flags, int64_t now) {
  Table* t = tables_[db].get();
  Entry* e = nullptr;
  if (t != nullptr) {
    if (t->rehashing()) t->RehashStep(1);
    Table::Link link = t->Find(hash, key);
    if (link) {
      e = link.entry();
      if (detail::HasExpire(e) && now > detail::ExpireOf(e)) {
        RemoveAt(t, db, link, KeyEvent::kExpired, false);
        e = nullptr;
      }
    }
  }
  if ((flags & kLookupNoStats) == 0) {
    CountLookup(e != nullptr);
    if (e == nullptr && (flags & kLookupNoNotify) == 0) Notify(db, key, KeyEvent::kMissed);
  }
  if (e == nullptr) return EntryRef();
  if ((flags & kLookupNoTouch) == 0) Touch(e, now);
  return EntryRef(this, t, db, e);
}

EntryRef Shard::Set(int db, uint64_t hash, std::string_view key, const Payload& p,
                    int64_t expire_ms, bool keep_ttl, int64_t now) {
  Table& t = EnsureTable(db);
  if (p.object != nullptr) detail::SetChargedBytes(p.object, p.object->MemoryUsage());
  Table::Link link = t.Find(hash, key);
  if (link) {
    Entry* old = link.entry();
    if (detail::HasExpire(old) && now > detail::ExpireOf(old)) {
      RemoveAt(&t, db, link, KeyEvent::kExpired, false);
      link = Table::Link{};
    }
  }
  Entry* fresh;
  if (link) {
    Entry* old = link.entry();
    const int64_t old_expire = detail::ExpireOf(old);
    const int64_t expire = keep_ttl ? old_expire : expire_ms;
    const uint32_t access = ks_->policy_.load(std::memory_order_relaxed) == AccessPolicy::kLfu
                                ? detail::AccessOf(old)
                                : NewAccessField(now);
    fresh = detail::NewEntry(key, expire, access, p);
    t.Charge(static_cast<int64_t>(detail::FootprintOf(fresh)) -
             static_cast<int64_t>(detail::FootprintOf(old)));
    t.Replace(link, fresh);
    detail::FreeEntry(old);
    if (old_expire != -1) --t.expires;
    if (expire != -1) {
      ++t.expires;
      // An item for an unchanged time is still in the index.
      if (expire != old_expire) IndexExpire(&t, hash, expire, now);
    }
  } else {
    fresh = detail::NewEntry(key, expire_ms, NewAccessField(now), p);
    t.Insert(hash, fresh);
    t.Charge(static_cast<int64_t>(detail::FootprintOf(fresh)));
    if (expire_ms != -1) {
      ++t.expires;
      IndexExpire(&t, hash, expire_ms, now);
    }
    Notify(db, key, KeyEvent::kCreated);
  }
  Notify(db, key, KeyEvent::kWritten);
  return EntryRef(this, &t, db, fresh);
}

bool Shard::Delete(int db, uint64_t hash, std::string_view key, KeyEvent why, bool async,
                   int64_t now) {
  Table* t = tables_[db].get();
  if (t == nullptr) return false;
  Table::Link link = t->Find(hash, key);
  if (!link) return false;
  Entry* e = link.entry();
  const bool expired = detail::HasExpire(e) && now > detail::ExpireOf(e);
  RemoveAt(t, db, link, expired ? KeyEvent::kExpired : why, async);
  Upkeep(t);
  return !expired;
}

void Shard::Erase(Table* t, int db, uint64_t hash, Entry* e, KeyEvent why, bool async,
                  bool notify) {
  RemoveAt(t, db, t->LinkOf(hash, e), why, async, notify);
  Upkeep(t);
}

void Shard::Rebuild(EntryRef* ref, Entry* fresh, bool destroy_value) {
  Entry* old = ref->entry_;
  Table* t = ref->table_;
  t->Charge(static_cast<int64_t>(detail::FootprintOf(fresh)) -
            static_cast<int64_t>(detail::FootprintOf(old)));
  t->Replace(t->LinkOf(HashKey(detail::KeyOf(old)), old), fresh);
  if (destroy_value) {
    detail::FreeEntry(old);
  } else {
    detail::FreeShell(old);
  }
  ref->entry_ = fresh;
}

void Shard::ReplaceValue(EntryRef* ref, const Payload& p) {
  Entry* old = ref->entry_;
  if (p.object != nullptr) detail::SetChargedBytes(p.object, p.object->MemoryUsage());
  Entry* fresh =
      detail::NewEntry(detail::KeyOf(old), detail::ExpireOf(old), detail::AccessOf(old), p);
  Rebuild(ref, fresh, /*destroy_value=*/true);
  Notify(ref->db_, detail::KeyOf(fresh), KeyEvent::kWritten);
}

void Shard::ReplaceInt(EntryRef* ref, int64_t v) {
  Entry* e = ref->entry_;
  if (detail::TypeOf(e) == ValueType::kString && detail::EncodingOf(e) == Encoding::kInt) {
    detail::StoreInt(e, v);
    Notify(ref->db_, detail::KeyOf(e), KeyEvent::kWritten);
    return;
  }
  Payload p;
  p.encoding = Encoding::kInt;
  p.int_value = v;
  ReplaceValue(ref, p);
}

char* Shard::ResizeRaw(EntryRef* ref, size_t new_len) {
  Entry* e = ref->entry_;
  if (detail::ReprOf(e) == detail::Repr::kRaw) {
    detail::RawString* r = detail::RawOf(e);
    const size_t before = malloc_usable_size(r);
    r = detail::ResizeRawString(r, new_len);
    detail::StoreRaw(e, r);
    ref->table_->Charge(static_cast<int64_t>(malloc_usable_size(r)) - static_cast<int64_t>(before));
    Notify(ref->db_, detail::KeyOf(e), KeyEvent::kWritten);
    return r->data();
  }
  // Like Redis's dbUnshareStringValue: an exact copy first, then sds-style growth.
  IntBuffer buf;
  std::string_view current = ref->StringView(&buf);
  detail::RawString* r = detail::NewRawString(current.size(), current.size());
  if (!current.empty()) std::memcpy(r->data(), current.data(), current.size());
  r = detail::ResizeRawString(r, new_len);
  Payload p;
  p.encoding = Encoding::kRaw;
  p.raw = r;
  ReplaceValue(ref, p);
  return r->data();
}

void Shard::ObjectChanged(EntryRef* ref) {
  Collection* obj = detail::ObjectOf(ref->entry_);
  // The object may have converted itself (listpack to hashtable...): the entry's copy of the
  // encoding follows, for OBJECT ENCODING.
  ref->entry_->kind = static_cast<uint8_t>((ref->entry_->kind & 0x0F) |
                                           (static_cast<uint8_t>(obj->encoding()) << 4));
  const size_t now_bytes = obj->MemoryUsage();
  ref->table_->Charge(static_cast<int64_t>(now_bytes) -
                      static_cast<int64_t>(detail::ChargedBytes(obj)));
  detail::SetChargedBytes(obj, now_bytes);
  Notify(ref->db_, detail::KeyOf(ref->entry_), KeyEvent::kWritten);
}

void Shard::SetExpire(EntryRef* ref, int64_t when_ms, int64_t now) {
  Entry* e = ref->entry_;
  Table* t = ref->table_;
  if (detail::HasExpire(e)) {
    if (detail::ExpireOf(e) == when_ms) {
      Notify(ref->db_, detail::KeyOf(e), KeyEvent::kWritten);
      return;
    }
    detail::StoreExpire(e, when_ms);
  } else {
    Entry* fresh =
        detail::NewEntry(detail::KeyOf(e), when_ms, detail::AccessOf(e), detail::PayloadOf(e));
    Rebuild(ref, fresh, /*destroy_value=*/false);
    ++t->expires;
    e = fresh;
  }
  IndexExpire(t, HashKey(detail::KeyOf(e)), when_ms, now);
  Notify(ref->db_, detail::KeyOf(e), KeyEvent::kWritten);
}

bool Shard::Persist(EntryRef* ref) {
  Entry* e = ref->entry_;
  if (!detail::HasExpire(e)) return false;
  Entry* fresh = detail::NewEntry(detail::KeyOf(e), -1, detail::AccessOf(e), detail::PayloadOf(e));
  Rebuild(ref, fresh, /*destroy_value=*/false);
  --ref->table_->expires;
  Notify(ref->db_, detail::KeyOf(fresh), KeyEvent::kWritten);
  return true;
}

Entry* Shard::Detach(EntryRef* ref) {
  Entry* e = ref->entry_;
  Table* t = ref->table_;
  t->Unlink(t->LinkOf(HashKey(detail::KeyOf(e)), e));
  if (detail::HasExpire(e)) --t->expires;
  t->Charge(-static_cast<int64_t>(detail::FootprintOf(e)));
  Upkeep(t);
  *ref = EntryRef();
  return e;
}

EntryRef Shard::Attach(int db, uint64_t hash, Entry* e, int64_t now) {
  Table& t = EnsureTable(db);
  t.Insert(hash, e);
  t.Charge(static_cast<int64_t>(detail::FootprintOf(e)));
  if (detail::HasExpire(e)) {
    ++t.expires;
    IndexExpire(&t, hash, detail::ExpireOf(e), now);
  }
  return EntryRef(this, &t, db, e);
}

size_t Shard::DbSize(int db) const {
  const Table* t = tables_[db].get();
  return t == nullptr ? 0 : t->size();
}

uint64_t Shard::Scan(int db, uint64_t pos, const ScanOptions& opts, size_t want, size_t* visited,
                     size_t* iterations, int64_t now, std::vector<std::string>* out) {
  Table* t = tables_[db].get();
  if (t == nullptr || t->size() == 0) return 0;
  std::vector<std::string> expired;
  do {
    pos = t->ScanStep(pos, [&](const Entry* e) {
      ++*visited;
      std::string_view key = detail::KeyOf(e);
      if (detail::HasExpire(e) && now > detail::ExpireOf(e)) {
        expired.emplace_back(key);
        return;
      }
      if (opts.type && detail::TypeOf(e) != *opts.type) return;
      if (opts.pattern && !GlobMatch(*opts.pattern, key)) return;
      out->emplace_back(key);
    });
    for (const std::string& key : expired) {
      Table::Link link = t->Find(HashKey(key), key);
      if (link) RemoveAt(t, db, link, KeyEvent::kExpired, false);
    }
    expired.clear();
    if (pos == 0 || *iterations == 0) break;
    --*iterations;
  } while (*visited < want);
  return pos;
}

void Shard::Keys(int db, std::string_view pattern, int64_t now, std::vector<std::string>* out) {
  const Table* t = tables_[db].get();
  if (t == nullptr) return;
  const bool all = GlobMatchesAll(pattern);
  t->ForEach([&](const Entry* e) {
    if (detail::HasExpire(e) && now > detail::ExpireOf(e)) return;
    std::string_view key = detail::KeyOf(e);
    if (all || GlobMatch(pattern, key)) out->emplace_back(key);
  });
}

std::optional<std::string> Shard::RandomKey(int db, int64_t now) {
  Table* t = tables_[db].get();
  while (t != nullptr && t->size() > 0) {
    Entry* e =
        t->RandomEntry([](void* self) { return static_cast<Shard*>(self)->NextRandom(); }, this);
    if (detail::HasExpire(e) && now > detail::ExpireOf(e)) {
      RemoveAt(t, db, t->LinkOf(HashKey(detail::KeyOf(e)), e), KeyEvent::kExpired, false);
      continue;
    }
    return std::string(detail::KeyOf(e));
  }
  return std::nullopt;
}

ExpireCycleResult Shard::ActiveExpire(size_t budget, int64_t now) {
  ExpireCycleResult result;
  const int n = static_cast<int>(tables_.size());
  int resume = -1;
  for (int i = 0; i < n; ++i) {
    const int db = (next_expire_db_ + i) % n;
    Table* t = tables_[db].get();
    if (t == nullptr || t->expiry().empty()) continue;
    if (result.examined == budget) {
      if (t->expiry().HasDue(now)) {
        result.more_due = true;
        resume = db;
        break;
      }
      continue;
    }
    const uint64_t expired_before = expired_keys_;
    bool more = false;
    result.examined += t->expiry().Process(
        now, budget - result.examined,
        [&](uint64_t hash, int64_t lo, int64_t hi, auto&& refile) {
          const uint16_t tag = detail::HashTag(hash);
          t->WalkChains(hash, [&](Table::Link link) {
            Entry* e = link.entry();
            if (detail::TagOf(*link.slot) != tag || !detail::HasExpire(e)) return false;
            const int64_t when = detail::ExpireOf(e);
            if (now > when) {
              RemoveAt(t, db, link, KeyEvent::kExpired, false);
              return true;
            }
            const int64_t filed = detail::ExpiryIndex::Clamp(when);
            if (filed >= lo && filed < hi) refile(filed);
            return false;
          });
        },
        &more);
    result.expired += expired_keys_ - expired_before;
    Upkeep(t);
    if (more) {
      result.more_due = true;
      resume = db;
      break;
    }
  }
  next_expire_db_ = resume >= 0 ? resume : (next_expire_db_ + 1) % n;
  return result;
}

bool Shard::RehashStep(size_t budget) {
  bool any = false;
  for (auto& t : tables_) {
    if (t == nullptr) continue;
    if (!t->rehashing()) t->MaybeShrink();
    if (t->rehashing()) any |= t->RehashStep(budget);
  }
  return any;
}

void Shard::AddStats(KeyspaceStats* s) const {
  for (const auto& t : tables_) {
    if (t == nullptr) continue;
    s->keys += t->size();
    s->expires += t->expires;
    s->used_bytes += t->bytes();
  }
  s->expired_keys += expired_keys_;
  s->evicted_keys += evicted_keys_;
  s->keyspace_hits += keyspace_hits_;
  s->keyspace_misses += keyspace_misses_;
}

void Shard::AddDbStats(std::vector<DbStats>* s) const {
  for (size_t db = 0; db < tables_.size(); ++db) {
    const Table* t = tables_[db].get();
    if (t == nullptr) continue;
    (*s)[db].keys += t->size();
    (*s)[db].expires += t->expires;
  }
}

void Shard::ResetStats() {
  expired_keys_ = 0;
  evicted_keys_ = 0;
  keyspace_hits_ = 0;
  keyspace_misses_ = 0;
}

}  // namespace cachet::storage
