// SetValue: the set data type, in Redis 7.0's two encodings (intset and hashtable).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <variant>

#include "cachet/storage/dict.h"
#include "cachet/storage/value.h"

namespace cachet::storage {

// Room for one intset member formatted as decimal (SetValue::RandomMember, ForEach).
struct SetIntBuffer {
  char data[kInt64MaxDigits + 4];
};

// A set of binary-safe strings, encoded as Redis 7.0 encodes sets:
//
// - `intset` while every member is the canonical decimal form of an int64 and there are at
//   most set-max-intset-entries of them: a sorted packed array of 16-, 32- or 64-bit integers,
//   its width the narrowest that holds every member, widened (never narrowed) as Redis's
//   intsetUpgradeAndAdd widens it. Up to kInlineBytes bytes of integers live inside the object
//   itself (ten 16-bit members: a small set costs one 40-byte allocation); beyond, one exactly
//   sized heap buffer, resized on every change as Redis's intset is.
// - `hashtable` otherwise: a StringDict without payloads. Conversion is one-way, as in Redis.
//
// Iteration order is Redis's for intsets (ascending) and the dict's own order for hashtables
// (Redis's hash function differs, so hashtable order is not Redis's).
class SetValue final : public Collection {
 public:
  using Dict = StringDict<std::monostate>;

  // The largest set-max-intset-entries honoured: about 1G entries, as Redis limits intsets
  // (2^30 there; two less here, so that the one-past-the-limit length an add reaches before
  // converting still fits the 30-bit length field).
  static constexpr size_t kMaxIntsetEntries = (size_t{1} << 30) - 2;
  // Bytes of intset members stored inside the object.
  static constexpr size_t kInlineBytes = 20;

  // An empty intset (Redis's createIntsetObject).
  SetValue();
  // An empty set of the encoding Redis's setTypeCreate picks for a set whose first member is
  // `first`: an intset when it is a canonical int64, else a hashtable.
  static std::unique_ptr<SetValue> CreateFor(std::string_view first);
  // A deep copy with the same encoding (Redis's setTypeDup).
  SetValue(const SetValue& other);
  // Takes other's members and encoding; other is left an empty intset.
  SetValue(SetValue&& other) noexcept;
  SetValue& operator=(const SetValue&) = delete;
  SetValue& operator=(SetValue&&) = delete;
  ~SetValue() override;

  // --- Collection ---
  ValueType type() const override { return ValueType::kSet; }
  Encoding encoding() const override {
    return is_intset() ? Encoding::kIntset : Encoding::kHashtable;
  }
  std::unique_ptr<Collection> Clone() const override;
  // The object, its heap intset buffer or its dict (buckets, nodes, long members).
  size_t MemoryUsage() const override;
  size_t ElementCount() const override { return size(); }

  size_t size() const { return is_intset() ? IntLen() : dict_ptr()->size(); }
  bool empty() const { return size() == 0; }
  bool is_intset() const { return (meta_ >> kCodeShift) != kCodeDict; }

  // Redis's setTypeAdd: adds member; true if it was not there. An intset becomes a hashtable
  // when member is not a canonical int64, or when it grows past max_intset_entries (itself
  // capped at kMaxIntsetEntries).
  bool Add(std::string_view member, size_t max_intset_entries);
  // Adds an integer member (as Add of its decimal form).
  bool AddInt(int64_t v, size_t max_intset_entries);
  // Redis's setTypeRemove: true if member was there. A hashtable never turns back into an
  // intset, and an intset keeps its width.
  bool Remove(std::string_view member);
  bool Contains(std::string_view member) const;
  bool ContainsInt(int64_t v) const;
  // Turns an intset into a hashtable holding the same members (no-op for a hashtable).
  void ConvertToHashtable();

  // --- Intset access (is_intset() only) ---
  size_t IntLen() const { return meta_ & kLenMask; }
  // The i-th smallest member, i < IntLen().
  int64_t IntAt(size_t i) const { return Load(Bytes(), Width(), i); }
  // Bytes per member: 2, 4 or 8.
  size_t IntWidth() const { return Width(); }

  // --- Hashtable access (!is_intset() only) ---
  const Dict& dict() const { return *dict_ptr(); }

  // Calls fn(std::string_view member) for every member, in encoding order (ascending
  // integers for an intset). fn must not change the set.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (is_intset()) {
      SetIntBuffer buf;
      const unsigned char* p = Bytes();
      const size_t w = Width();
      for (size_t i = 0, n = IntLen(); i < n; ++i) fn(FormatInt64(Load(p, w, i), buf.data));
    } else {
      dict_ptr()->ForEach([&](const Dict::Node& n) { fn(std::string_view(n.key)); });
    }
  }

  // A random member of a non-empty set: uniform for an intset, Redis's dictGetRandomKey pick
  // (a random non-empty bucket, then a random chain position) for a hashtable. An intset
  // member is formatted into *buf; a hashtable member's view stays valid until the set
  // changes. rng() returns uniformly distributed 64-bit numbers.
  template <typename Rng>
  std::string_view RandomMember(Rng& rng, SetIntBuffer* buf) const {
    if (is_intset()) return FormatInt64(IntAt(rng() % IntLen()), buf->data);
    return dict_ptr()->Random(rng)->key;
  }

 private:
  // meta_: the intset length in the low 30 bits, the width code (or kCodeDict) above.
  static constexpr int kCodeShift = 30;
  static constexpr uint32_t kLenMask = (uint32_t{1} << kCodeShift) - 1;
  static constexpr uint32_t kCode16 = 0, kCode32 = 1, kCode64 = 2, kCodeDict = 3;

  size_t Width() const { return size_t{2} << (meta_ >> kCodeShift); }
  bool IsInline() const { return IntLen() * Width() <= kInlineBytes; }
  void SetMeta(size_t len, uint32_t code) {
    meta_ = static_cast<uint32_t>(len) | (code << kCodeShift);
  }
  unsigned char* HeapPtr() const {
    unsigned char* p;
    std::memcpy(&p, store_, sizeof(p));
    return p;
  }
  void SetPtr(const void* p) { std::memcpy(store_, &p, sizeof(p)); }
  Dict* dict_ptr() const {
    Dict* d;
    std::memcpy(&d, store_, sizeof(d));
    return d;
  }
  // The intset's bytes: inside the object or on the heap.
  const unsigned char* Bytes() const { return IsInline() ? store_ : HeapPtr(); }
  unsigned char* Bytes() { return IsInline() ? store_ : HeapPtr(); }

  static int64_t Load(const unsigned char* p, size_t width, size_t i) {
    switch (width) {
      case 2: {
        int16_t v;
        std::memcpy(&v, p + 2 * i, 2);
        return v;
      }
      case 4: {
        int32_t v;
        std::memcpy(&v, p + 4 * i, 4);
        return v;
      }
      default: {
        int64_t v;
        std::memcpy(&v, p + 8 * i, 8);
        return v;
      }
    }
  }
  static void Store(unsigned char* p, size_t width, size_t i, int64_t v);
  // The width code a value needs.
  static uint32_t CodeFor(int64_t v);

  // Binary search: true and *pos = index when found, else *pos = insertion point.
  bool IntSearch(int64_t v, size_t* pos) const;
  // Changes the intset's length (same width), keeping the leading bytes; moves the bytes
  // between the object and the heap as the size crosses kInlineBytes.
  void ResizeIntset(size_t new_len);
  // Adds v, which does not fit the current width: widens every member (Redis's
  // intsetUpgradeAndAdd; v goes first or last).
  void UpgradeAndAdd(int64_t v);
  bool IntsetAdd(int64_t v);
  bool IntsetRemove(int64_t v);
  void FreeStorage();

  uint32_t meta_ = 0;
  unsigned char store_[kInlineBytes] = {};
};

static_assert(sizeof(SetValue) == 40, "a small intset is meant to fit one 40-byte allocation");

}  // namespace cachet::storage
