// The hash value's two encodings: the listpack byte format and its operations, the hashtable,
// the one-way conversion between them, and sampling for HRANDFIELD.
#include "cachet/storage/hash_value.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

namespace cachet::storage {

// A small hash is this object (one 32-byte malloc chunk) plus its listpack buffer.
static_assert(sizeof(HashValue) == 24, "HashValue must stay a vtable, a charge and a pointer");

namespace {

// Total bytes (uint32) and pair count (uint32).
constexpr size_t kHeaderBytes = 8;

uint32_t Load32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
void Store32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
uint64_t LoadLE(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}
void StoreLE(uint8_t* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint32_t LpBytes(const uint8_t* lp) { return lp == nullptr ? 0 : Load32(lp); }
uint32_t LpCount(const uint8_t* lp) { return lp == nullptr ? 0 : Load32(lp + 4); }

[[noreturn]] void OutOfMemory(size_t n) {
  std::fprintf(stderr, "cachet: out of memory allocating %zu bytes\n", n);
  std::abort();
}

uint8_t* Realloc(uint8_t* p, size_t n) {
  auto* q = static_cast<uint8_t*>(std::realloc(p, n));
  if (q == nullptr) OutOfMemory(n);
  return q;
}

// Bytes glibc's malloc makes usable for a request of n bytes (what malloc_usable_size would
// report), for objects allocated through operator new.
constexpr size_t AllocBytes(size_t n) {
  const size_t chunk = std::max<size_t>(32, (n + 8 + 15) & ~size_t{15});
  return chunk - 8;
}

// A string as it is about to be written into a listpack.
struct Encoded {
  bool is_int;
  int64_t num;
  std::string_view str;
  size_t size;  // bytes the entry takes
};

size_t IntEntrySize(int64_t v) {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= INT16_MIN && v <= INT16_MAX) return 3;
  if (v >= -(int64_t{1} << 23) && v < (int64_t{1} << 23)) return 4;
  if (v >= INT32_MIN && v <= INT32_MAX) return 5;
  return 9;
}

size_t StrHeaderSize(size_t len) { return len < 64 ? 1 : len < 4096 ? 2 : 5; }

Encoded Encode(std::string_view s) {
  int64_t v;
  if (ParseCanonicalInt64(s, &v)) return {true, v, {}, IntEntrySize(v)};
  return {false, 0, s, StrHeaderSize(s.size()) + s.size()};
}

uint8_t* WriteEntry(uint8_t* p, const Encoded& e) {
  if (e.is_int) {
    const int64_t v = e.num;
    const auto u = static_cast<uint64_t>(v);
    switch (e.size) {
      case 1:
        p[0] = static_cast<uint8_t>(v);
        break;
      case 2:
        p[0] = static_cast<uint8_t>(0xC0 | ((u >> 8) & 0x1F));
        p[1] = static_cast<uint8_t>(u);
        break;
      case 3:
        p[0] = 0xF1;
        StoreLE(p + 1, u, 2);
        break;
      case 4:
        p[0] = 0xF2;
        StoreLE(p + 1, u, 3);
        break;
      case 5:
        p[0] = 0xF3;
        StoreLE(p + 1, u, 4);
        break;
      default:
        p[0] = 0xF4;
        StoreLE(p + 1, u, 8);
        break;
    }
    return p + e.size;
  }
  const size_t len = e.str.size();
  if (len < 64) {
    *p++ = static_cast<uint8_t>(0x80 | len);
  } else if (len < 4096) {
    *p++ = static_cast<uint8_t>(0xE0 | (len >> 8));
    *p++ = static_cast<uint8_t>(len);
  } else {
    *p++ = 0xF0;
    Store32(p, static_cast<uint32_t>(len));
    p += 4;
  }
  if (len != 0) std::memcpy(p, e.str.data(), len);
  return p + len;
}

// An entry read from a listpack.
struct Decoded {
  bool is_int;
  int64_t num;
  const char* str;
  size_t len;
  size_t size;  // bytes the entry takes
};

int64_t SignExtend(uint64_t u, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((u ^ sign) - sign);
}

Decoded Decode(const uint8_t* p) {
  const uint8_t b = p[0];
  if ((b & 0x80) == 0) return {true, b, nullptr, 0, 1};
  if ((b & 0xC0) == 0x80) {
    const size_t len = b & 0x3F;
    return {false, 0, reinterpret_cast<const char*>(p + 1), len, 1 + len};
  }
  if ((b & 0xE0) == 0xC0) {
    return {true, SignExtend((uint64_t{b & 0x1Fu} << 8) | p[1], 13), nullptr, 0, 2};
  }
  if ((b & 0xF0) == 0xE0) {
    const size_t len = (size_t{b & 0x0Fu} << 8) | p[1];
    return {false, 0, reinterpret_cast<const char*>(p + 2), len, 2 + len};
  }
  switch (b) {
    case 0xF0: {
      const size_t len = Load32(p + 1);
      return {false, 0, reinterpret_cast<const char*>(p + 5), len, 5 + len};
    }
    case 0xF1:
      return {true, SignExtend(LoadLE(p + 1, 2), 16), nullptr, 0, 3};
    case 0xF2:
      return {true, SignExtend(LoadLE(p + 1, 3), 24), nullptr, 0, 4};
    case 0xF3:
      return {true, SignExtend(LoadLE(p + 1, 4), 32), nullptr, 0, 5};
    case 0xF4:
      return {true, static_cast<int64_t>(LoadLE(p + 1, 8)), nullptr, 0, 9};
    default:
      std::fprintf(stderr, "cachet: corrupt hash listpack entry 0x%02x\n", b);
      std::abort();
  }
}

bool Matches(const Decoded& d, const Encoded& e) {
  if (d.is_int != e.is_int) return false;
  if (d.is_int) return d.num == e.num;
  return d.len == e.str.size() && (d.len == 0 || std::memcmp(d.str, e.str.data(), d.len) == 0);
}

std::string_view ViewOf(const Decoded& d, char* buf) {
  return d.is_int ? FormatInt64(d.num, buf) : std::string_view(d.str, d.len);
}

// The offset of the field entry equal to f, 0 when absent (0 is the header, never an entry);
// *field_size is its size.
size_t LpFind(const uint8_t* lp, const Encoded& f, size_t* field_size) {
  if (lp == nullptr) return 0;
  const uint32_t count = LpCount(lp);
  size_t off = kHeaderBytes;
  for (uint32_t i = 0; i < count; ++i) {
    const Decoded d = Decode(lp + off);
    if (Matches(d, f)) {
      *field_size = d.size;
      return off;
    }
    off += d.size;
    off += Decode(lp + off).size;
  }
  return 0;
}

// A uniform integer in [0, n), n > 0 (Lemire's multiply-shift; bias below 2^-32 for any n
// a hash can reach).
uint64_t Uniform(HashValue::Rng& rng, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(rng()) * n) >> 64);
}

}  // namespace

HashValue::~HashValue() {
  if (IsTable()) {
    delete table();
  } else {
    std::free(lp());
  }
}

std::unique_ptr<Collection> HashValue::Clone() const {
  auto copy = std::make_unique<HashValue>();
  if (IsTable()) {
    auto t = std::make_unique<Table>();
    t->dict = StringDict<std::string>(table()->dict);
    t->dict.ForEach([&](const StringDict<std::string>::Node& n) {
      t->value_bytes += StringHeapBytes(n.value);
    });
    copy->SetTable(t.release());
  } else if (lp() != nullptr) {
    const uint32_t bytes = LpBytes(lp());
    auto* buf = static_cast<uint8_t*>(std::malloc(bytes));
    if (buf == nullptr) OutOfMemory(bytes);
    std::memcpy(buf, lp(), bytes);
    copy->SetListpack(buf);
  }
  return copy;
}

size_t HashValue::MemoryUsage() const {
  size_t n = AllocBytes(sizeof(HashValue));
  if (IsTable()) {
    n += AllocBytes(sizeof(Table)) + table()->dict.MemoryUsage() + table()->value_bytes;
  } else if (lp() != nullptr) {
    n += malloc_usable_size(lp());
  }
  return n;
}

size_t HashValue::size() const { return IsTable() ? table()->dict.size() : LpCount(lp()); }

std::optional<std::string_view> HashValue::Get(std::string_view field, NumBuf* buf) const {
  if (IsTable()) {
    const auto* n = table()->dict.Find(field);
    if (n == nullptr) return std::nullopt;
    return std::string_view(n->value);
  }
  size_t fsize = 0;
  const size_t off = LpFind(lp(), Encode(field), &fsize);
  if (off == 0) return std::nullopt;
  return ViewOf(Decode(lp() + off + fsize), buf->data);
}

bool HashValue::Contains(std::string_view field) const {
  if (IsTable()) return table()->dict.Find(field) != nullptr;
  size_t fsize = 0;
  return LpFind(lp(), Encode(field), &fsize) != 0;
}

void HashValue::ForEach(PairVisitor fn) const {
  if (IsTable()) {
    table()->dict.ForEach([&](const StringDict<std::string>::Node& n) { fn(n.key, n.value); });
    return;
  }
  const uint8_t* buf = lp();
  const uint32_t count = LpCount(buf);
  size_t off = kHeaderBytes;
  char fbuf[kInt64MaxDigits + 4], vbuf[kInt64MaxDigits + 4];
  for (uint32_t i = 0; i < count; ++i) {
    const Decoded f = Decode(buf + off);
    off += f.size;
    const Decoded v = Decode(buf + off);
    off += v.size;
    fn(ViewOf(f, fbuf), ViewOf(v, vbuf));
  }
}

void HashValue::ConvertForWrite(std::span<const std::string> args, const HashLimits& limits) {
  if (IsTable()) return;
  size_t sum = 0;
  for (const std::string& a : args) {
    if (a.size() > limits.max_listpack_value) return ConvertToHashtable();
    sum += a.size();
  }
  if (LpBytes(lp()) + sum > kListpackMaxSafetySize) ConvertToHashtable();
}

bool HashValue::Set(std::string_view field, std::string_view value, const HashLimits& limits) {
  if (!IsTable() &&
      (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
       LpBytes(lp()) + field.size() + value.size() > kListpackMaxSafetySize)) {
    ConvertToHashtable();
  }
  if (!IsTable()) {
    const bool added = ListpackSet(field, value);
    if (size() > limits.max_listpack_entries) ConvertToHashtable();
    return added;
  }
  Table* t = table();
  auto [node, added] = t->dict.Insert(field);
  t->value_bytes -= StringHeapBytes(node->value);
  node->value.assign(value);
  t->value_bytes += StringHeapBytes(node->value);
  return added;
}

bool HashValue::ListpackSet(std::string_view field, std::string_view value) {
  const Encoded f = Encode(field);
  const Encoded v = Encode(value);
  uint8_t* buf = lp();
  const uint32_t bytes = LpBytes(buf);
  size_t fsize = 0;
  const size_t off = LpFind(buf, f, &fsize);
  if (off != 0) {
    // Replace the value in place, moving what follows it.
    const size_t voff = off + fsize;
    const size_t old_size = Decode(buf + voff).size;
    const size_t tail = bytes - (voff + old_size);
    const size_t new_bytes = bytes - old_size + v.size;
    if (v.size > old_size) {
      buf = Realloc(buf, new_bytes);
      std::memmove(buf + voff + v.size, buf + voff + old_size, tail);
    } else if (v.size < old_size) {
      std::memmove(buf + voff + v.size, buf + voff + old_size, tail);
      buf = Realloc(buf, new_bytes);
    }
    WriteEntry(buf + voff, v);
    Store32(buf, static_cast<uint32_t>(new_bytes));
    SetListpack(buf);
    return false;
  }
  // Append the pair; the buffer is sized exactly, as Redis sizes a listpack.
  const size_t used = bytes == 0 ? kHeaderBytes : bytes;
  const uint32_t count = LpCount(buf);
  const size_t new_bytes = used + f.size + v.size;
  buf = Realloc(buf, new_bytes);
  WriteEntry(WriteEntry(buf + used, f), v);
  Store32(buf, static_cast<uint32_t>(new_bytes));
  Store32(buf + 4, count + 1);
  SetListpack(buf);
  return true;
}

bool HashValue::Delete(std::string_view field) {
  if (!IsTable()) return ListpackDelete(field);
  Table* t = table();
  std::string old;
  if (!t->dict.Erase(field, &old)) return false;
  t->value_bytes -= StringHeapBytes(old);
  return true;
}

bool HashValue::ListpackDelete(std::string_view field) {
  uint8_t* buf = lp();
  size_t fsize = 0;
  const size_t off = LpFind(buf, Encode(field), &fsize);
  if (off == 0) return false;
  const uint32_t bytes = LpBytes(buf);
  const uint32_t count = LpCount(buf);
  if (count == 1) {
    std::free(buf);
    SetListpack(nullptr);
    return true;
  }
  const size_t pair = fsize + Decode(buf + off + fsize).size;
  std::memmove(buf + off, buf + off + pair, bytes - (off + pair));
  const size_t new_bytes = bytes - pair;
  buf = Realloc(buf, new_bytes);
  Store32(buf, static_cast<uint32_t>(new_bytes));
  Store32(buf + 4, count - 1);
  SetListpack(buf);
  return true;
}

void HashValue::ConvertToHashtable() {
  if (IsTable()) return;
  auto t = std::make_unique<Table>();
  t->dict.Reserve(size());
  ForEach([&](std::string_view f, std::string_view v) {
    auto* n = t->dict.Insert(f).first;
    n->value.assign(v);
    t->value_bytes += StringHeapBytes(n->value);
  });
  std::free(lp());
  SetTable(t.release());
}

std::unique_ptr<HashValue> HashValue::Release() {
  auto out = std::make_unique<HashValue>();
  out->rep_ = rep_;
  rep_ = 0;
  return out;
}

uint64_t HashValue::ScanStep(uint64_t cursor, PairVisitor fn) const {
  if (!IsTable()) {
    ForEach(fn);
    return 0;
  }
  return table()->dict.ScanStep(
      cursor, [&](const StringDict<std::string>::Node& n) { fn(n.key, n.value); });
}

void HashValue::PairOffsets(std::vector<uint32_t>* out) const {
  const uint8_t* buf = lp();
  const uint32_t count = LpCount(buf);
  out->reserve(count);
  size_t off = kHeaderBytes;
  for (uint32_t i = 0; i < count; ++i) {
    out->push_back(static_cast<uint32_t>(off));
    off += Decode(buf + off).size;
    off += Decode(buf + off).size;
  }
}

void HashValue::VisitPairAt(uint32_t offset, PairVisitor fn) const {
  const uint8_t* buf = lp();
  char fbuf[kInt64MaxDigits + 4], vbuf[kInt64MaxDigits + 4];
  const Decoded f = Decode(buf + offset);
  const Decoded v = Decode(buf + offset + f.size);
  fn(ViewOf(f, fbuf), ViewOf(v, vbuf));
}

const StringDict<std::string>::Node* HashValue::FairRandomNode(Rng& rng) const {
  // Rejection sampling: a random bucket, then a random slot of kSlots; a slot past the
  // chain's end draws again. Every node in the first kSlots of its chain is equally likely;
  // a longer chain is vanishingly rare at the table's load factor (at most 1).
  using Node = StringDict<std::string>::Node;
  constexpr size_t kSlots = 8;
  constexpr int kMaxTries = 1000;  // expected tries: kSlots * buckets / size, at most 64
  const StringDict<std::string>& d = table()->dict;
  const uint64_t mask = d.bucket_count() - 1;
  for (int tries = 0; tries < kMaxTries; ++tries) {
    const Node* chain[kSlots];
    size_t len = 0;
    // ScanStep with a cursor below the bucket count visits exactly that bucket.
    d.ScanStep(rng() & mask, [&](const Node& n) {
      if (len < kSlots) chain[len++] = &n;
    });
    const uint64_t slot = Uniform(rng, kSlots);
    if (slot < len) return chain[slot];
  }
  return d.Random(rng);
}

void HashValue::RandomPair(Rng& rng, PairVisitor fn) const { RandomPairs(1, rng, fn); }

void HashValue::RandomPairs(size_t count, Rng& rng, PairVisitor fn) const {
  const size_t n = size();
  if (n == 0) return;
  if (IsTable()) {
    using Node = StringDict<std::string>::Node;
    if (count < n / 4) {
      for (size_t i = 0; i < count; ++i) {
        const Node* node = FairRandomNode(rng);
        fn(node->key, node->value);
      }
      return;
    }
    // Many draws: index the nodes once and draw exactly uniformly.
    std::vector<const Node*> nodes;
    nodes.reserve(n);
    table()->dict.ForEach([&](const Node& node) { nodes.push_back(&node); });
    for (size_t i = 0; i < count; ++i) {
      const Node* node = nodes[Uniform(rng, n)];
      fn(node->key, node->value);
    }
    return;
  }
  if (count == 1) {
    // One walk, no index.
    const uint64_t pick = Uniform(rng, n);
    size_t off = kHeaderBytes;
    for (uint64_t i = 0; i < pick; ++i) {
      off += Decode(lp() + off).size;
      off += Decode(lp() + off).size;
    }
    return VisitPairAt(static_cast<uint32_t>(off), fn);
  }
  std::vector<uint32_t> offsets;
  PairOffsets(&offsets);
  for (size_t i = 0; i < count; ++i) VisitPairAt(offsets[Uniform(rng, n)], fn);
}

void HashValue::RandomDistinctPairs(size_t count, Rng& rng, PairVisitor fn) const {
  const size_t n = size();
  if (count >= n) return ForEach(fn);
  if (count == 0) return;
  if (!IsTable()) {
    // Selection sampling (Knuth's algorithm S): each pair is taken with probability
    // needed / remaining, so exactly `count` come out, in listpack order.
    const uint8_t* buf = lp();
    size_t needed = count;
    size_t off = kHeaderBytes;
    for (size_t remaining = n; needed > 0; --remaining) {
      const size_t pair = Decode(buf + off).size;
      const size_t vsize = Decode(buf + off + pair).size;
      if (Uniform(rng, remaining) < needed) {
        VisitPairAt(static_cast<uint32_t>(off), fn);
        --needed;
      }
      off += pair + vsize;
    }
    return;
  }
  using Node = StringDict<std::string>::Node;
  if (count * 3 > n) {
    // A large share of the table: shuffle the first `count` of all the nodes.
    std::vector<const Node*> nodes;
    nodes.reserve(n);
    table()->dict.ForEach([&](const Node& node) { nodes.push_back(&node); });
    for (size_t i = 0; i < count; ++i) {
      std::swap(nodes[i], nodes[i + Uniform(rng, n - i)]);
      fn(nodes[i]->key, nodes[i]->value);
    }
    return;
  }
  // A small share: draw until `count` distinct nodes came out (expected < 1.5 draws each).
  std::unordered_set<const Node*> seen;
  seen.reserve(count);
  while (seen.size() < count) {
    const Node* node = FairRandomNode(rng);
    if (seen.insert(node).second) fn(node->key, node->value);
  }
}

}  // namespace cachet::storage
