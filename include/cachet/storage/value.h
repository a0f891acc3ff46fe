// Value types and encodings, the base class of collection values, and detached values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cachet::storage {

namespace detail {
struct CollectionCharge;
}  // namespace detail

// Redis's OBJ_* type numbers (RDB and DEBUG OBJECT use them).
enum class ValueType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kStream = 6,
};

// Redis's OBJ_ENCODING_* numbers. Strings use kRaw, kInt and kEmbstr; the other values are
// for collections.
enum class Encoding : uint8_t {
  kRaw = 0,
  kInt = 1,
  kHashtable = 2,
  kIntset = 6,
  kSkiplist = 7,
  kEmbstr = 8,
  kQuicklist = 9,
  kStream = 10,
  kListpack = 11,
};

// "string", "list", "set", "zset", "hash", "stream": the TYPE reply.
std::string_view TypeName(ValueType type);
// Parses a TYPE name (case-insensitive, as SCAN TYPE accepts it); nullopt if unknown.
std::optional<ValueType> ParseTypeName(std::string_view name);
// "raw", "int", "embstr", "hashtable", "listpack", ...: the OBJECT ENCODING reply.
std::string_view EncodingName(Encoding encoding);

// Longest string Redis stores as embstr (OBJ_ENCODING_EMBSTR_SIZE_LIMIT).
inline constexpr size_t kEmbstrMaxLen = 44;
// Longest string Redis tries to encode as an integer.
inline constexpr size_t kIntEncodingMaxLen = 20;
// Room for the decimal form of any int64, sign included.
inline constexpr size_t kInt64MaxDigits = 20;

// Parses s as Redis's string2ll() does: true only for the canonical decimal form of an
// int64 ("0", "-5", "123"; not "+1", "01", "-0", " 1", "1 ", ""), so that formatting the
// result gives back s byte for byte. Strings longer than kIntEncodingMaxLen are rejected.
bool ParseCanonicalInt64(std::string_view s, int64_t* out);
// Writes the decimal form of v into buf (at least kInt64MaxDigits bytes) and returns it.
std::string_view FormatInt64(int64_t v, char* buf);
// The encoding Redis gives a string value created from s by SET and similar commands:
// kInt for canonical integers, kEmbstr up to kEmbstrMaxLen bytes, kRaw beyond.
Encoding StringEncodingFor(std::string_view s);

// Base of every non-string value (hash, list, set, zset, stream). A data type is added by
// deriving from Collection and giving it a ValueType; the keyspace stores a pointer to it and
// never looks inside. Implementations must be safe to destroy on another thread (lazy free).
class Collection {
 public:
  virtual ~Collection() = default;

  virtual ValueType type() const = 0;
  virtual Encoding encoding() const = 0;
  // A deep copy (COPY, and MOVE/COPY between databases).
  virtual std::unique_ptr<Collection> Clone() const = 0;
  // Bytes of memory this value owns, *this included, as the allocator counts them. Called
  // after every change the caller reports (Access::NoteObjectChanged), so it should be cheap.
  virtual size_t MemoryUsage() const = 0;
  // Number of elements: lazy freeing hands values of more than kLazyFreeThreshold elements
  // to the background thread, as Redis's lazyfreeGetFreeEffort() does.
  virtual size_t ElementCount() const = 0;

 private:
  friend struct detail::CollectionCharge;
  // Bytes last charged to the shard for this value; maintained by the keyspace.
  size_t charged_bytes_ = 0;
};

// Element count above which an asynchronous delete frees a value on the background thread
// (Redis's LAZYFREE_THRESHOLD).
inline constexpr size_t kLazyFreeThreshold = 64;

// A value outside the keyspace: the input of Access::Set, the output of EntryRef::Clone (and
// so the carrier for COPY). Move-only. Strings are held in a std::string with the encoding
// that OBJECT ENCODING should report once stored.
class Value {
 public:
  // An empty embstr string.
  Value() = default;
  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  ~Value() = default;

  // A string with Redis's SET encoding rule (StringEncodingFor).
  static Value String(std::string_view s);
  // A string encoded embstr or raw by length, never int, even when it reads as an integer
  // (INCRBYFLOAT's result, as Redis's createStringObject).
  static Value Bytes(std::string_view s);
  // An int-encoded string (INCR and friends).
  static Value Int(int64_t v);
  // A string that reports "raw" whatever its length (Redis 7.0 after APPEND/SETRANGE).
  static Value RawString(std::string_view s);
  // A collection; obj must not be null.
  static Value Object(std::unique_ptr<Collection> obj);

  ValueType type() const { return type_; }
  Encoding encoding() const { return encoding_; }
  bool is_string() const { return type_ == ValueType::kString; }

  // Strings: the integer of an kInt value.
  int64_t int_value() const { return int_; }
  // Strings: the bytes of a kEmbstr/kRaw value (empty for kInt).
  std::string_view string_bytes() const { return str_; }
  // Strings in any encoding, as bytes.
  std::string ToString() const;

  // Collections: the object (null for strings).
  Collection* object() const { return obj_.get(); }
  std::unique_ptr<Collection> ReleaseObject() { return std::move(obj_); }

  // A deep copy.
  Value Clone() const;

 private:
  ValueType type_ = ValueType::kString;
  Encoding encoding_ = Encoding::kEmbstr;
  int64_t int_ = 0;
  std::string str_;
  std::unique_ptr<Collection> obj_;
};

}  // namespace cachet::storage
