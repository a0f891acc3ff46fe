// Building, measuring and freeing keyspace entries and raw strings.
#include "cachet/storage/detail/entry.h"

#include <cstdio>

namespace cachet::storage::detail {

// Gives the keyspace access to the bytes it last charged for a collection.
struct CollectionCharge {
  static size_t& Of(Collection* c) { return c->charged_bytes_; }
};

namespace {

constexpr size_t kMaxPrealloc = 1024 * 1024;  // sds's SDS_MAX_PREALLOC

[[noreturn]] void OutOfMemory(size_t n) {
  std::fprintf(stderr, "cachet: out of memory allocating %zu bytes\n", n);
  std::abort();
}

size_t ValueSize(const Payload& p) {
  switch (ReprOf(p.type, p.encoding)) {
    case Repr::kInt:
      return 8;
    case Repr::kInline:
      return 1 + p.bytes.size();
    case Repr::kRaw:
    case Repr::kObject:
      return sizeof(void*);
  }
  return 0;
}

}  // namespace

size_t ChargedBytes(Collection* c) { return CollectionCharge::Of(c); }
void SetChargedBytes(Collection* c, size_t n) { CollectionCharge::Of(c) = n; }

RawString* NewRawString(size_t len, size_t cap) {
  if (cap < len) cap = len;
  const size_t n = sizeof(RawString) + cap;
  auto* r = static_cast<RawString*>(std::malloc(n));
  if (r == nullptr) OutOfMemory(n);
  r->len = len;
  return r;
}

RawString* ResizeRawString(RawString* r, size_t new_len) {
  const size_t old_len = r->len;
  if (new_len > r->capacity()) {
    const size_t cap = new_len < kMaxPrealloc ? new_len * 2 : new_len + kMaxPrealloc;
    const size_t n = sizeof(RawString) + cap;
    auto* grown = static_cast<RawString*>(std::realloc(r, n));
    if (grown == nullptr) OutOfMemory(n);
    r = grown;
  }
  if (new_len > old_len) std::memset(r->data() + old_len, 0, new_len - old_len);
  r->len = new_len;
  return r;
}

Entry* NewEntry(std::string_view key, int64_t expire_ms, uint32_t access, const Payload& p) {
  const bool has_expire = expire_ms != -1;
  const bool long_key = key.size() >= kLongKey;
  const size_t size =
      kEntryHeader + (has_expire ? 8 : 0) + (long_key ? 4 : 0) + key.size() + ValueSize(p);
  auto* e = static_cast<Entry*>(std::malloc(size));
  if (e == nullptr) OutOfMemory(size);
  if ((reinterpret_cast<uint64_t>(e) & ~kPtrMask) != 0) {
    std::fprintf(stderr, "cachet: heap address %p does not fit in 48 bits\n",
                 static_cast<void*>(e));
    std::abort();
  }
  e->next = 0;
  StoreAccess(e, access);
  e->kind =
      static_cast<uint8_t>((static_cast<uint8_t>(p.type) & 7) | (has_expire ? kHasExpireBit : 0) |
                           (static_cast<uint8_t>(p.encoding) << 4));
  char* t = Tail(e);
  if (has_expire) {
    std::memcpy(t, &expire_ms, 8);
    t += 8;
  }
  if (long_key) {
    e->key_len8 = kLongKey;
    const uint32_t n = static_cast<uint32_t>(key.size());
    std::memcpy(t, &n, 4);
    t += 4;
  } else {
    e->key_len8 = static_cast<uint8_t>(key.size());
  }
  if (!key.empty()) std::memcpy(t, key.data(), key.size());
  t += key.size();
  switch (ReprOf(p.type, p.encoding)) {
    case Repr::kInt:
      std::memcpy(t, &p.int_value, 8);
      break;
    case Repr::kInline:
      t[0] = static_cast<char>(p.bytes.size());
      if (!p.bytes.empty()) std::memcpy(t + 1, p.bytes.data(), p.bytes.size());
      break;
    case Repr::kRaw:
      std::memcpy(t, &p.raw, sizeof(p.raw));
      break;
    case Repr::kObject:
      std::memcpy(t, &p.object, sizeof(p.object));
      break;
  }
  return e;
}

Payload PayloadOf(const Entry* e) {
  Payload p;
  p.type = TypeOf(e);
  p.encoding = EncodingOf(e);
  switch (ReprOf(e)) {
    case Repr::kInt:
      p.int_value = IntOf(e);
      break;
    case Repr::kInline:
      p.bytes = StringBytesOf(e);
      break;
    case Repr::kRaw:
      p.raw = RawOf(e);
      break;
    case Repr::kObject:
      p.object = ObjectOf(e);
      break;
  }
  return p;
}

size_t FootprintOf(const Entry* e) {
  size_t n = malloc_usable_size(const_cast<Entry*>(e));
  switch (ReprOf(e)) {
    case Repr::kRaw:
      n += malloc_usable_size(RawOf(e));
      break;
    case Repr::kObject:
      n += CollectionCharge::Of(ObjectOf(e));
      break;
    default:
      break;
  }
  return n;
}

void DestroyValue(Entry* e) {
  switch (ReprOf(e)) {
    case Repr::kRaw:
      std::free(RawOf(e));
      break;
    case Repr::kObject:
      delete ObjectOf(e);
      break;
    default:
      break;
  }
}

}  // namespace cachet::storage::detail
