// Internal to the storage layer: the single allocation that holds one key, its value and
// its metadata, and the tagged pointers that chain entries in a table bucket.
#pragma once

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "cachet/storage/value.h"

namespace cachet::storage::detail {

// Layout of an entry (one malloc block, no padding):
//
//   offset 0   uint64  next      tagged pointer to the next entry of the bucket chain
//   offset 8   uint8[3] access   24-bit LRU clock or LFU field (lru.h), little-endian
//   offset 11  uint8   kind      type (bits 0-2) | has_expire (bit 3) | encoding (bits 4-7)
//   offset 12  uint8   key_len   0..254, or 255: a uint32 length follows
//   offset 13  [int64  expire_ms]          present iff has_expire
//              [uint32 key length]         present iff key_len == 255
//              key bytes
//              value:  kInt     int64
//                      kEmbstr  uint8 length + bytes (<= kEmbstrMaxLen)
//                      kRaw     RawString*
//                      others   Collection*
//
// A 10-byte key with a 16-byte embstr value takes 40 bytes, which glibc serves from a
// 48-byte chunk (malloc_usable_size 40).
struct Entry {
  uint64_t next;
  uint8_t access[3];
  uint8_t kind;
  uint8_t key_len8;
};

inline constexpr size_t kEntryHeader = 13;
inline constexpr uint8_t kLongKey = 255;
inline constexpr uint8_t kHasExpireBit = 1u << 3;

// An out-of-line string (raw encoding): length, then bytes; capacity is what the allocator
// gave (malloc_usable_size), so appends grow in place when they can.
struct RawString {
  size_t len;
  char* data() { return reinterpret_cast<char*>(this + 1); }
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
  size_t capacity() const {
    return malloc_usable_size(const_cast<RawString*>(this)) - sizeof(*this);
  }
};

// Allocates a raw string of len bytes (uninitialized) with room for at least cap bytes.
RawString* NewRawString(size_t len, size_t cap);
// Grows or shrinks r to new_len bytes, keeping the common prefix and zero-filling growth;
// amortized like sds (doubling below 1 MiB, +1 MiB above). Returns the (maybe moved) string.
RawString* ResizeRawString(RawString* r, size_t new_len);

// --- Tagged pointers: the top 16 bits carry the entry's hash tag (hash >> 48) ---
inline constexpr uint64_t kPtrMask = (uint64_t{1} << 48) - 1;
inline Entry* PtrOf(uint64_t tagged) { return reinterpret_cast<Entry*>(tagged & kPtrMask); }
inline uint16_t TagOf(uint64_t tagged) { return static_cast<uint16_t>(tagged >> 48); }
inline uint16_t HashTag(uint64_t hash) { return static_cast<uint16_t>(hash >> 48); }
inline uint64_t Tagged(const Entry* e, uint64_t hash) {
  return reinterpret_cast<uint64_t>(e) | (hash & ~kPtrMask);
}

// --- Field access ---
inline ValueType TypeOf(const Entry* e) { return static_cast<ValueType>(e->kind & 7); }
inline Encoding EncodingOf(const Entry* e) { return static_cast<Encoding>(e->kind >> 4); }
inline bool HasExpire(const Entry* e) { return (e->kind & kHasExpireBit) != 0; }
inline const char* Tail(const Entry* e) { return reinterpret_cast<const char*>(e) + kEntryHeader; }
inline char* Tail(Entry* e) { return reinterpret_cast<char*>(e) + kEntryHeader; }

inline int64_t ExpireOf(const Entry* e) {
  if (!HasExpire(e)) return -1;
  int64_t v;
  std::memcpy(&v, Tail(e), sizeof(v));
  return v;
}
// Overwrites the expire time of an entry that has one.
inline void StoreExpire(Entry* e, int64_t when_ms) { std::memcpy(Tail(e), &when_ms, 8); }

inline size_t KeyLenOf(const Entry* e) {
  if (e->key_len8 != kLongKey) return e->key_len8;
  uint32_t n;
  std::memcpy(&n, Tail(e) + (HasExpire(e) ? 8 : 0), sizeof(n));
  return n;
}
inline const char* KeyPtrOf(const Entry* e) {
  return Tail(e) + (HasExpire(e) ? 8 : 0) + (e->key_len8 == kLongKey ? 4 : 0);
}
inline std::string_view KeyOf(const Entry* e) { return {KeyPtrOf(e), KeyLenOf(e)}; }
inline const char* ValuePtrOf(const Entry* e) { return KeyPtrOf(e) + KeyLenOf(e); }
inline char* ValuePtrOf(Entry* e) { return const_cast<char*>(KeyPtrOf(e)) + KeyLenOf(e); }

inline uint32_t AccessOf(const Entry* e) {
  return e->access[0] | (uint32_t{e->access[1]} << 8) | (uint32_t{e->access[2]} << 16);
}
inline void StoreAccess(Entry* e, uint32_t v) {
  e->access[0] = static_cast<uint8_t>(v);
  e->access[1] = static_cast<uint8_t>(v >> 8);
  e->access[2] = static_cast<uint8_t>(v >> 16);
}

// Which representation the value part uses.
enum class Repr : uint8_t { kInt, kInline, kRaw, kObject };
inline Repr ReprOf(ValueType type, Encoding encoding) {
  if (type != ValueType::kString) return Repr::kObject;
  if (encoding == Encoding::kInt) return Repr::kInt;
  if (encoding == Encoding::kEmbstr) return Repr::kInline;
  return Repr::kRaw;
}
inline Repr ReprOf(const Entry* e) { return ReprOf(TypeOf(e), EncodingOf(e)); }

inline int64_t IntOf(const Entry* e) {
  int64_t v;
  std::memcpy(&v, ValuePtrOf(e), sizeof(v));
  return v;
}
inline void StoreInt(Entry* e, int64_t v) { std::memcpy(ValuePtrOf(e), &v, sizeof(v)); }
inline RawString* RawOf(const Entry* e) {
  RawString* r;
  std::memcpy(&r, ValuePtrOf(e), sizeof(r));
  return r;
}
inline void StoreRaw(Entry* e, RawString* r) { std::memcpy(ValuePtrOf(e), &r, sizeof(r)); }
inline Collection* ObjectOf(const Entry* e) {
  Collection* o;
  std::memcpy(&o, ValuePtrOf(e), sizeof(o));
  return o;
}
// The bytes of an inline or raw string (not int).
inline std::string_view StringBytesOf(const Entry* e) {
  if (ReprOf(e) == Repr::kInline) {
    const char* v = ValuePtrOf(e);
    return {v + 1, static_cast<uint8_t>(v[0])};
  }
  const RawString* r = RawOf(e);
  return {r->data(), r->len};
}

// A value about to be written into a new entry. For kRaw/kObject the entry adopts the
// pointer; for kInline the bytes are copied.
struct Payload {
  ValueType type = ValueType::kString;
  Encoding encoding = Encoding::kEmbstr;
  int64_t int_value = 0;
  std::string_view bytes;
  RawString* raw = nullptr;
  Collection* object = nullptr;
};

// Allocates an entry holding key, payload, the access field and, unless expire_ms is -1,
// a TTL. Aborts when the allocator returns an address that does not fit
// in 48 bits (tagged pointers rely on it, as on every Linux x86-64/arm64 user space).
Entry* NewEntry(std::string_view key, int64_t expire_ms, uint32_t access, const Payload& p);
// A payload that moves e's value (raw/object pointers are shared: free e with FreeShell).
Payload PayloadOf(const Entry* e);
// The bytes last charged for collection c (maintained by the shard).
size_t ChargedBytes(Collection* c);
void SetChargedBytes(Collection* c, size_t n);
// Bytes the allocator charges for e and what it owns out of line.
size_t FootprintOf(const Entry* e);
// Frees the out-of-line part of e's value (raw string or collection).
void DestroyValue(Entry* e);
// Frees e itself but not its out-of-line value.
inline void FreeShell(Entry* e) { std::free(e); }
// Frees e and its value.
inline void FreeEntry(Entry* e) {
  DestroyValue(e);
  FreeShell(e);
}

}  // namespace cachet::storage::detail
