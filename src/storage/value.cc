// Type and encoding names, Redis's integer-string rules, and detached values.
#include "cachet/storage/value.h"

#include <cctype>
#include <climits>
#include <cstring>

namespace cachet::storage {

std::string_view TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kList:
      return "list";
    case ValueType::kSet:
      return "set";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kHash:
      return "hash";
    case ValueType::kStream:
      return "stream";
  }
  return "unknown";
}

std::optional<ValueType> ParseTypeName(std::string_view name) {
  static constexpr ValueType kAll[] = {ValueType::kString, ValueType::kList, ValueType::kSet,
                                       ValueType::kZSet,   ValueType::kHash, ValueType::kStream};
  for (ValueType t : kAll) {
    std::string_view n = TypeName(t);
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < n.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(name[i])) == n[i];
    }
    if (same) return t;
  }
  return std::nullopt;
}

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kRaw:
      return "raw";
    case Encoding::kInt:
      return "int";
    case Encoding::kHashtable:
      return "hashtable";
    case Encoding::kIntset:
      return "intset";
    case Encoding::kSkiplist:
      return "skiplist";
    case Encoding::kEmbstr:
      return "embstr";
    case Encoding::kQuicklist:
      return "quicklist";
    case Encoding::kStream:
      return "stream";
    case Encoding::kListpack:
      return "listpack";
  }
  return "unknown";
}

bool ParseCanonicalInt64(std::string_view s, int64_t* out) {
  // string2ll(), restricted to what tryObjectEncoding() accepts (at most 20 bytes).
  const size_t slen = s.size();
  if (slen == 0 || slen > kIntEncodingMaxLen) return false;
  if (slen == 1 && s[0] == '0') {
    *out = 0;
    return true;
  }
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-') {
    negative = true;
    if (++i == slen) return false;
  }
  if (s[i] < '1' || s[i] > '9') return false;
  unsigned long long v = static_cast<unsigned long long>(s[i] - '0');
  for (++i; i < slen; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    if (v > ULLONG_MAX / 10) return false;
    v *= 10;
    const unsigned digit = static_cast<unsigned>(s[i] - '0');
    if (v > ULLONG_MAX - digit) return false;
    v += digit;
  }
  if (negative) {
    if (v > static_cast<unsigned long long>(-(LLONG_MIN + 1)) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<unsigned long long>(LLONG_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

std::string_view FormatInt64(int64_t v, char* buf) {
  char tmp[kInt64MaxDigits + 1];
  char* p = tmp + sizeof(tmp);
  unsigned long long u =
      v < 0 ? 0 - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
  do {
    *--p = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (v < 0) *--p = '-';
  const size_t n = static_cast<size_t>(tmp + sizeof(tmp) - p);
  std::memcpy(buf, p, n);
  return {buf, n};
}

Encoding StringEncodingFor(std::string_view s) {
  int64_t unused;
  if (ParseCanonicalInt64(s, &unused)) return Encoding::kInt;
  return s.size() <= kEmbstrMaxLen ? Encoding::kEmbstr : Encoding::kRaw;
}

Value Value::String(std::string_view s) {
  Value v;
  if (ParseCanonicalInt64(s, &v.int_)) {
    v.encoding_ = Encoding::kInt;
  } else {
    v.encoding_ = s.size() <= kEmbstrMaxLen ? Encoding::kEmbstr : Encoding::kRaw;
    v.str_.assign(s);
  }
  return v;
}

Value Value::Bytes(std::string_view s) {
  Value v;
  v.encoding_ = s.size() <= kEmbstrMaxLen ? Encoding::kEmbstr : Encoding::kRaw;
  v.str_.assign(s);
  return v;
}

Value Value::Int(int64_t i) {
  Value v;
  v.encoding_ = Encoding::kInt;
  v.int_ = i;
  return v;
}

Value Value::RawString(std::string_view s) {
  Value v;
  v.encoding_ = Encoding::kRaw;
  v.str_.assign(s);
  return v;
}

Value Value::Object(std::unique_ptr<Collection> obj) {
  Value v;
  v.type_ = obj->type();
  v.encoding_ = obj->encoding();
  v.obj_ = std::move(obj);
  return v;
}

std::string Value::ToString() const {
  if (encoding_ == Encoding::kInt && type_ == ValueType::kString) {
    char buf[kInt64MaxDigits];
    return std::string(FormatInt64(int_, buf));
  }
  return str_;
}

Value Value::Clone() const {
  Value v;
  v.type_ = type_;
  v.encoding_ = encoding_;
  v.int_ = int_;
  v.str_ = str_;
  if (obj_ != nullptr) v.obj_ = obj_->Clone();
  return v;
}

}  // namespace cachet::storage
