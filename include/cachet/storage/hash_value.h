// The hash value: Redis 7.0's listpack encoding for small hashes, converted one way to a
// hashtable (StringDict) once it outgrows hash-max-listpack-entries / hash-max-listpack-value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "cachet/storage/dict.h"
#include "cachet/storage/function_ref.h"
#include "cachet/storage/value.h"

namespace cachet::storage {

// The conversion thresholds in force for a write (read from config by the caller).
struct HashLimits {
  // hash-max-listpack-entries: more fields than this and the hash becomes a hashtable.
  size_t max_listpack_entries = 512;
  // hash-max-listpack-value: a field or value longer than this makes it a hashtable.
  size_t max_listpack_value = 64;
};

// Largest listpack Redis lets a hash grow to before it converts (LISTPACK_MAX_SAFETY_SIZE).
inline constexpr size_t kListpackMaxSafetySize = size_t{1} << 30;

// Hash value. Small hashes are one contiguous buffer (a listpack, in insertion order); the
// object itself holds a single tagged pointer, so a small hash costs this 24-byte object plus
// one allocation. Fields and values that are canonical int64s are stored as integers.
//
// Listpack buffer: uint32 total bytes, uint32 pair count, then field, value, field, value...
// each entry one of (after Redis's listpack, without the back-length bytes):
//   0xxxxxxx                  integer 0..127
//   10xxxxxx <bytes>          string of up to 63 bytes
//   110xxxxx yyyyyyyy         13-bit signed integer
//   1110xxxx yyyyyyyy <bytes> string of up to 4095 bytes
//   11110000 <u32 len> <bytes>
//   11110001..11110100        16, 24, 32, 64-bit signed integer (little endian) follows
//
// Not thread-safe: the caller holds the key's shard lock.
class HashValue final : public Collection {
 public:
  // Scratch room for a value read back from an integer entry.
  struct NumBuf {
    char data[kInt64MaxDigits + 4];
  };
  // Called with each (field, value) pair; the views are valid only during the call.
  using PairVisitor = FunctionRef<void(std::string_view field, std::string_view value)>;
  // Uniform 64-bit random numbers for HRANDFIELD.
  using Rng = std::mt19937_64;

  HashValue() = default;
  ~HashValue() override;
  HashValue(const HashValue&) = delete;
  HashValue& operator=(const HashValue&) = delete;

  ValueType type() const override { return ValueType::kHash; }
  Encoding encoding() const override {
    return IsTable() ? Encoding::kHashtable : Encoding::kListpack;
  }
  std::unique_ptr<Collection> Clone() const override;
  // This object, the listpack buffer (as malloc_usable_size counts it), or the table's
  // buckets, nodes, and the heap bytes of fields and values.
  size_t MemoryUsage() const override;
  size_t ElementCount() const override { return size(); }

  // Number of fields.
  size_t size() const;
  bool empty() const { return size() == 0; }

  // --- Reads ---

  // The value of field, nullopt when absent. An integer entry is formatted into *buf; the
  // view is valid until the next change of the hash.
  std::optional<std::string_view> Get(std::string_view field, NumBuf* buf) const;
  bool Contains(std::string_view field) const;
  // Calls fn for every pair: insertion order for a listpack, table order for a hashtable.
  void ForEach(PairVisitor fn) const;

  // --- Writes (Redis's hashTypeSet / hashTypeDelete / hashTypeTryConversion) ---

  // Before a multi-field write whose fields and values are `args`: converts a listpack to a
  // hashtable when any of them is longer than limits.max_listpack_value or their total would
  // push the listpack past kListpackMaxSafetySize.
  void ConvertForWrite(std::span<const std::string> args, const HashLimits& limits);
  // Sets field to value; true when the field was added, false when it was updated. A listpack
  // converts first when field or value is longer than limits.max_listpack_value, and after
  // the write when it holds more than limits.max_listpack_entries fields.
  bool Set(std::string_view field, std::string_view value, const HashLimits& limits);
  // Removes field; false when absent. A hashtable stays a hashtable (one-way conversion).
  bool Delete(std::string_view field);
  // Makes this a hashtable (no-op if it is one).
  void ConvertToHashtable();
  // Moves the contents into a new hash in O(1), leaving this one empty (a listpack).
  std::unique_ptr<HashValue> Release();

  // --- Iteration and sampling ---

  // One HSCAN step over a hashtable: the pairs of the bucket `cursor` designates, and the
  // next cursor (0 when done); see StringDict::ScanStep. A listpack visits every pair and
  // returns 0.
  uint64_t ScanStep(uint64_t cursor, PairVisitor fn) const;
  // A uniformly random pair (HRANDFIELD without count); nothing when empty. A hashtable
  // draws by rejection (random bucket, random chain slot), so long chains are not favoured
  // as Redis's dictGetRandomKey favours them; a few bucket reads per draw on average.
  void RandomPair(Rng& rng, PairVisitor fn) const;
  // `count` uniform pairs drawn independently, repeats allowed, in draw order (negative
  // HRANDFIELD counts); when count is a large share of the size the nodes are indexed once
  // (O(size()) transient memory). Nothing when empty.
  void RandomPairs(size_t count, Rng& rng, PairVisitor fn) const;
  // min(count, size()) distinct pairs (positive HRANDFIELD counts); with count >= size()
  // the whole hash in ForEach order. Uses O(size()) transient memory at most.
  void RandomDistinctPairs(size_t count, Rng& rng, PairVisitor fn) const;

 private:
  struct Table {
    StringDict<std::string> dict;
    size_t value_bytes = 0;  // heap bytes of the value strings (those past the SSO buffer)
  };

  bool IsTable() const { return (rep_ & 1) != 0; }
  Table* table() const { return reinterpret_cast<Table*>(rep_ & ~uintptr_t{1}); }
  uint8_t* lp() const { return reinterpret_cast<uint8_t*>(rep_); }
  void SetTable(Table* t) { rep_ = reinterpret_cast<uintptr_t>(t) | 1; }
  void SetListpack(uint8_t* buf) { rep_ = reinterpret_cast<uintptr_t>(buf); }

  bool ListpackSet(std::string_view field, std::string_view value);
  bool ListpackDelete(std::string_view field);
  // Offsets of the field entries of every pair (for sampling).
  void PairOffsets(std::vector<uint32_t>* out) const;
  void VisitPairAt(uint32_t offset, PairVisitor fn) const;
  // A hashtable's random node (see RandomPair); the table is not empty.
  const StringDict<std::string>::Node* FairRandomNode(Rng& rng) const;

  // 0: an empty listpack (no buffer); low bit set: Table*; else the listpack buffer.
  uintptr_t rep_ = 0;
};

// Bytes of heap a std::string holds outside its inline buffer (libstdc++: capacity past 15).
inline size_t StringHeapBytes(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

}  // namespace cachet::storage
