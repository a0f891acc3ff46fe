// ZSetValue: the sorted set data type, in Redis 7.0's two encodings (listpack and skiplist).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "cachet/storage/dict.h"
#include "cachet/storage/function_ref.h"
#include "cachet/storage/value.h"

namespace cachet::storage {

// A score interval (Redis's zrangespec): each end inclusive, or exclusive when written "(x".
struct ZScoreRange {
  double min = 0;
  double max = 0;
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool AboveMin(double v) const { return min_exclusive ? v > min : v >= min; }
  bool BelowMax(double v) const { return max_exclusive ? v < max : v <= max; }
  // Whether no score can be inside (Redis's zslIsInRange early test).
  bool Empty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }
};

// One end of a lexicographic interval (Redis's zlexrangespec item): "-", "+", "[x" or "(x".
struct ZLexBound {
  enum class Kind : uint8_t { kValue, kMinusInf, kPlusInf };
  Kind kind = Kind::kValue;
  bool exclusive = false;
  std::string value;
};

// A lexicographic interval of members, compared as bytes (memcmp, then length).
struct ZLexRange {
  ZLexBound min;
  ZLexBound max;

  bool AboveMin(std::string_view member) const;
  bool BelowMax(std::string_view member) const;
  // Whether no member can be inside (min after max, or equal and either end exclusive).
  bool Empty() const;
};

// The listpack thresholds in force for a write (zset-max-listpack-entries / -value).
struct ZSetLimits {
  size_t max_listpack_entries = 128;
  size_t max_listpack_value = 64;
};

// ZADD's options (Redis's ZADD_IN_*).
enum ZAddFlag : uint32_t {
  kZAddNx = 1u << 0,
  kZAddXx = 1u << 1,
  kZAddGt = 1u << 2,
  kZAddLt = 1u << 3,
  kZAddIncr = 1u << 4,
};

// What ZSetValue::Add did (Redis's ZADD_OUT_*).
enum class ZAddResult : uint8_t {
  kAdded,      // the member was not there
  kUpdated,    // its score changed
  kUnchanged,  // it was there with the same resulting score
  kSkipped,    // NX, XX, GT or LT declined the write
  kNan,        // the score (or the increment's result) is NaN: nothing changed
};

namespace detail {
struct ZTree;
}

// A sorted set of distinct binary-safe members, ordered by score and then by member bytes
// (memcmp), encoded as Redis 7.0 encodes sorted sets:
//
// - `listpack` while it holds at most zset-max-listpack-entries members of at most
//   zset-max-listpack-value bytes each: one contiguous block holding the object header and
//   every (member, score) pair in order. A member is a varint length and its bytes; a score is
//   one tag byte, then nothing (integers 0..239), a 1-8 byte integer, a 4-byte float or an
//   8-byte double, whichever holds it exactly. Integral scores within +-2^62 are stored as
//   integers exactly as Redis's listpack stores them, so -0 becomes 0 as it does in Redis.
// - `skiplist` otherwise (the name OBJECT ENCODING reports, as Redis): a StringDict<double>
//   from member to score, plus an order-statistic B+ tree of (score, member) whose inner nodes
//   count the elements below each child, giving O(log n) rank and range lookups as Redis's
//   skiplist spans do while touching far fewer cache lines. Tree elements point at the dict's
//   member strings.
// Conversion is one-way, as in Redis.
//
// Ownership: a set is one malloc block and must be created by the factories (New*, FromSorted,
// Clone). A mutation that needs the block to move (a listpack growing past its allocation, or
// converting to a skiplist) hands back the new object, with the mutation done, through
// `replacement`; *this is then stale and must only be destroyed: the owner puts the
// replacement in its place (Access::ReplaceValue) and uses it from there on. When
// *replacement stays null the change was made in place.
class ZSetValue final : public Collection {
 public:
  using Ptr = std::unique_ptr<ZSetValue>;
  // Visits an element; returns false to stop the walk.
  using Visitor = FunctionRef<bool(std::string_view member, double score)>;

  // The longest listpack Redis allows (lpSafeToAdd's LISTPACK_MAX_SAFETY_SIZE).
  static constexpr size_t kMaxListpackBytes = size_t{1} << 30;

  // An empty set in the listpack encoding (createZsetListpackObject).
  static Ptr NewListpack();
  // An empty set in the skiplist encoding (createZsetObject).
  static Ptr NewSkiplist();
  // A set holding elems, which are sorted by (score, member) and distinct: a listpack when
  // they fit limits, a skiplist otherwise (a skiplist built and then passed through Redis's
  // zsetConvertToListpackIfNeeded, as the *STORE commands build their results).
  static Ptr FromSorted(std::span<const std::pair<std::string, double>> elems,
                        const ZSetLimits& limits);

  ZSetValue(const ZSetValue&) = delete;
  ZSetValue& operator=(const ZSetValue&) = delete;
  ~ZSetValue() override;
  // Sets live in malloc blocks sized to their contents, made only by the factories.
  static void* operator new(size_t) = delete;
  static void* operator new(size_t, void* where) noexcept;
  static void operator delete(void* p) noexcept;

  // --- Collection ---
  ValueType type() const override { return ValueType::kZSet; }
  Encoding encoding() const override {
    return is_listpack() ? Encoding::kListpack : Encoding::kSkiplist;
  }
  std::unique_ptr<Collection> Clone() const override;
  size_t MemoryUsage() const override;
  size_t ElementCount() const override { return size(); }

  bool is_listpack() const { return lp_bytes_ != kSkiplistMark; }
  size_t size() const;
  bool empty() const { return size() == 0; }

  // --- Reads (views stay valid until the set changes) ---

  // The score of member, nullopt when absent.
  std::optional<double> Score(std::string_view member) const;
  // The 0-based rank of member, counted from the lowest score (from the highest with
  // reverse); nullopt when absent.
  std::optional<size_t> Rank(std::string_view member, bool reverse) const;
  // Visits the elements from rank `start` on (0-based, counted in the walk's direction: from
  // the highest score when reverse), in that direction, until visit returns false or the set
  // ends.
  void Walk(size_t start, bool reverse, Visitor visit) const;
  // The element at ascending rank `rank` (< size()).
  std::pair<std::string_view, double> At(size_t rank) const;
  // Where a walk over range starts: the rank (in the walk's direction) of the lowest element
  // inside it, or of the highest with reverse; nullopt when no element is inside.
  std::optional<size_t> FirstInRange(const ZScoreRange& range, bool reverse) const;
  std::optional<size_t> FirstInLexRange(const ZLexRange& range, bool reverse) const;
  // Number of elements inside the range.
  size_t CountInRange(const ZScoreRange& range) const;
  size_t CountInLexRange(const ZLexRange& range) const;

  // A random element of a non-empty set: a uniformly chosen rank for a listpack, Redis's
  // dictGetRandomKey pick through the dict for a skiplist. rng() returns uniformly
  // distributed 64-bit numbers.
  template <typename Rng>
  std::pair<std::string_view, double> Random(Rng& rng) const {
    if (is_listpack()) return At(rng() % size());
    const auto* n = dict().Random(rng);
    return {n->key, n->value};
  }

  // One ZSCAN step. A listpack reports every element (score as text, in Redis's listpack
  // form) and returns 0, as Redis scans small encodings whole; a skiplist visits one bucket
  // of its dict per step (the reverse-binary cursor of StringDict::ScanStep).
  uint64_t ScanStep(uint64_t cursor,
                    FunctionRef<void(std::string_view member, double score)> visit) const;
  // The dict of a skiplist set (!is_listpack() only).
  const StringDict<double>& dict() const;

  // --- Writes (see the class comment for `replacement`) ---

  // Redis's zsetAdd: adds member with score or updates it under the ZAddFlag options. With
  // kZAddIncr the score is an increment (from 0 for a new member). *new_score receives the
  // resulting score unless the result is kSkipped or kNan. A listpack becomes a skiplist
  // when the new member would pass the limits or kMaxListpackBytes.
  ZAddResult Add(std::string_view member, double score, uint32_t flags, const ZSetLimits& limits,
                 double* new_score, Ptr* replacement);
  // Removes member; false when absent.
  bool Remove(std::string_view member);
  // Removes the elements of ascending ranks [start, end] (end < size()); returns how many.
  size_t RemoveRangeByRank(size_t start, size_t end);
  // Removes the elements inside the range; returns how many.
  size_t RemoveRangeByScore(const ZScoreRange& range);
  size_t RemoveRangeByLex(const ZLexRange& range);
  // Removes the lowest (or, with max, the highest) element of a non-empty set, copying it to
  // *member and *score first.
  void PopEnd(bool max, std::string* member, double* score);
  // After removals: a right-sized copy of a listpack whose block has much more room than it
  // uses (put it in place of *this as for `replacement`), or null.
  Ptr ShrinkToFit() const;

  // The score as Redis's listpack stores it, as ZSCAN of a listpack prints it: integral
  // scores within +-2^62 as integers, others as "%.17g" (inf as "inf"). buf holds 32 bytes.
  static std::string_view ListpackScoreText(double score, char* buf);

 private:
  // lp_bytes_ of a skiplist set, whose detail::ZTree* is stored after the header.
  static constexpr uint32_t kSkiplistMark = UINT32_MAX;

  ZSetValue() = default;
  static Ptr AllocListpack(size_t capacity);
  size_t capacity() const;
  const uint8_t* lp() const { return reinterpret_cast<const uint8_t*>(this + 1); }
  uint8_t* lp() { return reinterpret_cast<uint8_t*>(this + 1); }
  detail::ZTree* tree() const;
  // A skiplist holding this listpack's elements.
  Ptr ToSkiplist() const;
  // Replaces bytes [off, off + old_len) of the listpack by `bytes`, in place when the block
  // has room, else in a new block returned through *replacement.
  void Splice(size_t off, size_t old_len, std::span<const uint8_t> bytes, int count_delta,
              Ptr* replacement);

  // listpack: bytes used (kSkiplistMark for a skiplist) and element count.
  uint32_t lp_bytes_ = 0;
  uint32_t lp_count_ = 0;
};

static_assert(sizeof(ZSetValue) == 24, "the listpack bytes follow a 24-byte header");

}  // namespace cachet::storage
