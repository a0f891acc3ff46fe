// The list value: packed nodes of listpack-encoded entries in a ring (Redis's quicklist).
#include "cachet/storage/list_value.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace cachet::storage {

// A node: one malloc block, this header then `cap` bytes of buffer whose entries occupy
// [off, off + bytes). Free room may lie on both sides of the entries.
struct ListValue::Node {
  size_t cap;
  size_t bytes;
  uint32_t off;
  uint32_t count;
};

namespace {

using Node = ListValue::Node;

// Byte limits of negative fills (-1..-5), as Redis's optimization_level.
constexpr size_t kFillBytes[] = {4096, 8192, 16384, 32768, 65536};
// Byte limit of nodes under a positive (count) fill: Redis's SIZE_SAFETY_LIMIT.
constexpr size_t kSafetyLimit = 8192;

// Bytes glibc's malloc makes usable for a request of n bytes (objects not allocated here).
constexpr size_t MallocUsable(size_t n) {
  const size_t chunk = std::max<size_t>(32, (n + 8 + 15) & ~size_t{15});
  return chunk - 8;
}

inline uint8_t* Begin(Node* n) { return reinterpret_cast<uint8_t*>(n + 1) + n->off; }
inline const uint8_t* Begin(const Node* n) {
  return reinterpret_cast<const uint8_t*>(n + 1) + n->off;
}
inline uint8_t* Buf(Node* n) { return reinterpret_cast<uint8_t*>(n + 1); }

// The largest node (in entry bytes) fill allows.
size_t FillByteLimit(int fill) {
  if (fill >= 0) return kSafetyLimit;
  int64_t level = -static_cast<int64_t>(fill) - 1;
  if (level > 4) level = 4;
  return kFillBytes[level];
}

// Whether a node of new_bytes (and new_count entries) stays within fill.
bool FitsFill(size_t new_bytes, size_t new_count, int fill) {
  if (new_bytes > FillByteLimit(fill)) return false;
  return fill < 0 || new_count <= static_cast<size_t>(fill);
}

// Whether node n may take one more entry of esz bytes; an empty node takes anything.
bool Allows(const Node* n, size_t esz, int fill) {
  return n->count == 0 || FitsFill(n->bytes + esz, n->count + 1u, fill);
}

size_t BacklenSize(uint64_t l) {
  size_t k = 1;
  while (l >= 128) {
    l >>= 7;
    ++k;
  }
  return k;
}

// Reads the back-length ending just before e: the size of the header and payload of the
// entry that ends at e; *bl is the back-length's own size.
inline uint64_t ReadBacklen(const uint8_t* e, size_t* bl) {
  const uint8_t* q = e - 1;
  uint64_t v = q[0] & 127;
  if (!(q[0] & 128)) {
    *bl = 1;
    return v;
  }
  unsigned shift = 0;
  size_t k = 1;
  while (q[0] & 128) {
    shift += 7;
    --q;
    ++k;
    v |= static_cast<uint64_t>(q[0] & 127) << shift;
  }
  *bl = k;
  return v;
}

inline uint64_t LoadLe(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

inline void StoreLe(uint8_t* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) {
    p[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

// Decodes the entry at p; *size is its whole size, back-length included.
inline ListItem Decode(const uint8_t* p, size_t* size) {
  ListItem item;
  const uint8_t b = p[0];
  size_t head, len = 0;
  if ((b & 0xC0) == 0x80) {  // 6-bit string length
    len = b & 0x3F;
    item.str = {reinterpret_cast<const char*>(p + 1), len};
    *size = 1 + len + 1;  // 1 + len < 128: a 1-byte back-length
    return item;
  }
  if (b < 0x80) {  // 7-bit unsigned
    item.is_int = true;
    item.num = b;
    *size = 2;
    return item;
  }
  if ((b & 0xE0) == 0xC0) {  // 13-bit signed
    uint32_t u = (static_cast<uint32_t>(b & 0x1F) << 8) | p[1];
    item.is_int = true;
    item.num = u >= (1u << 12) ? static_cast<int64_t>(u) - (1 << 13) : u;
    *size = 3;
    return item;
  }
  if ((b & 0xF0) == 0xE0) {  // 12-bit string length
    len = (static_cast<size_t>(b & 0x0F) << 8) | p[1];
    head = 2;
  } else {
    switch (b) {
      case 0xF0:
        len = LoadLe(p + 1, 4);
        head = 5;
        break;
      case 0xF5:
        len = LoadLe(p + 1, 8);
        head = 9;
        break;
      case 0xF1:
        item.is_int = true;
        item.num = static_cast<int16_t>(LoadLe(p + 1, 2));
        *size = 4;
        return item;
      case 0xF2:
        item.is_int = true;
        item.num = static_cast<int32_t>(static_cast<uint32_t>(LoadLe(p + 1, 3)) << 8) >> 8;
        *size = 5;
        return item;
      case 0xF3:
        item.is_int = true;
        item.num = static_cast<int32_t>(LoadLe(p + 1, 4));
        *size = 6;
        return item;
      default:  // 0xF4
        item.is_int = true;
        item.num = static_cast<int64_t>(LoadLe(p + 1, 8));
        *size = 10;
        return item;
    }
  }
  item.str = {reinterpret_cast<const char*>(p + head), len};
  *size = head + len + BacklenSize(head + len);
  return item;
}

inline size_t EntrySize(const uint8_t* p) {
  size_t size;
  Decode(p, &size);
  return size;
}

// The start of the entry that ends at e.
inline const uint8_t* PrevStart(const uint8_t* e) {
  size_t bl;
  const uint64_t l = ReadBacklen(e, &bl);
  return e - bl - l;
}

// The start of the k-th entry of n (k == count: its end), walked from the nearer end.
const uint8_t* EntryPtr(const Node* n, size_t k) {
  const uint8_t* p = Begin(n);
  if (k <= n->count / 2) {
    while (k--) p += EntrySize(p);
    return p;
  }
  p += n->bytes;
  for (size_t j = n->count - k; j > 0; --j) p = PrevStart(p);
  return p;
}

}  // namespace

// An element encoded as a listpack entry, written where the caller makes room.
struct ListValue::Encoded {
  uint8_t head[9];
  uint8_t back[10];
  uint8_t head_len = 0;
  uint8_t back_len = 0;
  const char* payload = nullptr;
  size_t payload_len = 0;
  size_t total = 0;

  explicit Encoded(std::string_view v) {
    int64_t num;
    if (!v.empty() && v.size() <= kIntEncodingMaxLen &&
        (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) && ParseCanonicalInt64(v, &num)) {
      EncodeInt(num);
    } else {
      EncodeString(v);
    }
    const uint64_t l = head_len + payload_len;
    back_len = static_cast<uint8_t>(BacklenSize(l));
    for (int j = 0; j < back_len; ++j) {
      back[back_len - 1 - j] =
          static_cast<uint8_t>(((l >> (7 * j)) & 127) | (j + 1 < back_len ? 128 : 0));
    }
    total = l + back_len;
  }

  void EncodeInt(int64_t v) {
    if (v >= 0 && v <= 127) {
      head[0] = static_cast<uint8_t>(v);
      head_len = 1;
    } else if (v >= -4096 && v <= 4095) {
      const uint32_t u = v < 0 ? static_cast<uint32_t>((1 << 13) + v) : static_cast<uint32_t>(v);
      head[0] = static_cast<uint8_t>(0xC0 | (u >> 8));
      head[1] = static_cast<uint8_t>(u & 0xFF);
      head_len = 2;
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      head[0] = 0xF1;
      StoreLe(head + 1, static_cast<uint64_t>(v), 2);
      head_len = 3;
    } else if (v >= -(1 << 23) && v < (1 << 23)) {
      head[0] = 0xF2;
      StoreLe(head + 1, static_cast<uint64_t>(v), 3);
      head_len = 4;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      head[0] = 0xF3;
      StoreLe(head + 1, static_cast<uint64_t>(v), 4);
      head_len = 5;
    } else {
      head[0] = 0xF4;
      StoreLe(head + 1, static_cast<uint64_t>(v), 8);
      head_len = 9;
    }
  }

  void EncodeString(std::string_view v) {
    const size_t len = v.size();
    payload = v.data();
    payload_len = len;
    if (len < 64) {
      head[0] = static_cast<uint8_t>(0x80 | len);
      head_len = 1;
    } else if (len < 4096) {
      head[0] = static_cast<uint8_t>(0xE0 | (len >> 8));
      head[1] = static_cast<uint8_t>(len & 0xFF);
      head_len = 2;
    } else if (len <= UINT32_MAX) {
      head[0] = 0xF0;
      StoreLe(head + 1, len, 4);
      head_len = 5;
    } else {
      head[0] = 0xF5;
      StoreLe(head + 1, len, 8);
      head_len = 9;
    }
  }

  void WriteTo(uint8_t* p) const {
    std::memcpy(p, head, head_len);
    if (payload_len) std::memcpy(p + head_len, payload, payload_len);
    std::memcpy(p + head_len + payload_len, back, back_len);
  }
};

ListValue::ListValue() : single_(nullptr), mem_(MallocUsable(sizeof(ListValue))) {}

ListValue::~ListValue() {
  for (size_t i = 0; i < nnodes_; ++i) std::free(node(i));
  if (ring_cap_ != 0) std::free(ring_);
}

std::unique_ptr<Collection> ListValue::Clone() const {
  auto copy = std::make_unique<ListValue>();
  for (size_t i = 0; i < nnodes_; ++i) {
    const Node* src = node(i);
    Node* n = copy->NewNode(src->bytes, false);
    std::memcpy(Buf(n), Begin(src), src->bytes);
    n->bytes = src->bytes;
    n->count = src->count;
    copy->InsertNode(copy->nnodes_, n);
  }
  copy->size_ = size_;
  return copy;
}

ListValue::Node* ListValue::NewNode(size_t data_bytes, bool room_in_front) {
  void* mem = std::malloc(sizeof(Node) + data_bytes);
  if (mem == nullptr) throw std::bad_alloc();
  const size_t usable = malloc_usable_size(mem);
  Node* n = static_cast<Node*>(mem);
  n->cap = usable - sizeof(Node);
  n->bytes = 0;
  n->count = 0;
  n->off = room_in_front && n->cap <= UINT32_MAX ? static_cast<uint32_t>(n->cap) : 0;
  mem_ += usable;
  return n;
}

void ListValue::InsertNode(size_t at, Node* n) {
  if (ring_cap_ == 0) {
    if (nnodes_ == 0) {
      single_ = n;
      nnodes_ = 1;
      return;
    }
    Node* only = single_;
    auto** r = static_cast<Node**>(std::malloc(4 * sizeof(Node*)));
    if (r == nullptr) throw std::bad_alloc();
    mem_ += malloc_usable_size(r);
    r[0] = only;
    ring_ = r;
    ring_cap_ = 4;
    head_ = 0;
  } else if (nnodes_ == ring_cap_) {
    const size_t cap = size_t{ring_cap_} * 2;
    auto** r = static_cast<Node**>(std::malloc(cap * sizeof(Node*)));
    if (r == nullptr) throw std::bad_alloc();
    for (size_t j = 0; j < nnodes_; ++j) r[j] = node(j);
    Account(malloc_usable_size(ring_), malloc_usable_size(r));
    std::free(ring_);
    ring_ = r;
    ring_cap_ = static_cast<uint32_t>(cap);
    head_ = 0;
  }
  const uint32_t mask = ring_cap_ - 1;
  if (at < nnodes_ / 2 || at == 0) {
    head_ = (head_ - 1) & mask;
    for (size_t j = 0; j < at; ++j) node_slot(j) = node(j + 1);
  } else {
    for (size_t j = nnodes_; j > at; --j) node_slot(j) = node(j - 1);
  }
  node_slot(at) = n;
  ++nnodes_;
}

void ListValue::RemoveNode(size_t at) {
  if (ring_cap_ == 0) {
    single_ = nullptr;
    nnodes_ = 0;
    return;
  }
  const uint32_t mask = ring_cap_ - 1;
  if (at < nnodes_ / 2) {
    for (size_t j = at; j > 0; --j) node_slot(j) = node(j - 1);
    head_ = (head_ + 1) & mask;
  } else {
    for (size_t j = at; j + 1 < nnodes_; ++j) node_slot(j) = node(j + 1);
  }
  --nnodes_;
  if (nnodes_ <= 1) {
    Node* only = nnodes_ ? node(0) : nullptr;
    mem_ -= malloc_usable_size(ring_);
    std::free(ring_);
    ring_cap_ = 0;
    head_ = 0;
    single_ = only;
  } else if (ring_cap_ > 8 && nnodes_ < ring_cap_ / 4) {
    const size_t cap = ring_cap_ / 2;
    auto** r = static_cast<Node**>(std::malloc(cap * sizeof(Node*)));
    if (r == nullptr) return;  // keep the larger ring
    for (size_t j = 0; j < nnodes_; ++j) r[j] = node(j);
    Account(malloc_usable_size(ring_), malloc_usable_size(r));
    std::free(ring_);
    ring_ = r;
    ring_cap_ = static_cast<uint32_t>(cap);
    head_ = 0;
  }
}

void ListValue::FreeNodeAt(size_t at) {
  Node* n = node(at);
  mem_ -= malloc_usable_size(n);
  std::free(n);
  RemoveNode(at);
}

ListValue::Node* ListValue::Reserve(size_t i, size_t front, size_t back, int fill) {
  Node* n = node(i);
  const size_t free_front = n->off;
  const size_t free_back = n->cap - n->off - n->bytes;
  if (free_front >= front && free_back >= back) return n;
  const size_t need = n->bytes + front + back;
  if (n->cap >= need) {
    // Room enough, on the wrong side: move the entries, giving the side that needs room
    // half of the slack beyond what it needs.
    const size_t slack = n->cap - need;
    const size_t new_off = front > 0 ? front + slack - slack / 2 : front + slack / 2;
    if (new_off <= UINT32_MAX) {
      std::memmove(Buf(n) + new_off, Begin(n), n->bytes);
      n->off = static_cast<uint32_t>(new_off);
      return n;
    }
  }
  // Grow by a quarter, but not past the node limit unless the entries alone need more.
  size_t want = need + need / 4;
  want = std::min(want, std::max(need, FillByteLimit(fill)));
  const size_t old_usable = malloc_usable_size(n);
  Node* m;
  if (front == 0 && n->off == 0) {
    m = static_cast<Node*>(std::realloc(n, sizeof(Node) + want));
    if (m == nullptr) throw std::bad_alloc();
    m->cap = malloc_usable_size(m) - sizeof(Node);
  } else {
    m = static_cast<Node*>(std::malloc(sizeof(Node) + want));
    if (m == nullptr) throw std::bad_alloc();
    const size_t cap = malloc_usable_size(m) - sizeof(Node);
    size_t new_off = front > 0 ? cap - back - n->bytes : front;
    if (new_off > UINT32_MAX) new_off = front;
    std::memcpy(Buf(m) + new_off, Begin(n), n->bytes);
    m->cap = cap;
    m->bytes = n->bytes;
    m->count = n->count;
    m->off = static_cast<uint32_t>(new_off);
    std::free(n);
  }
  Account(old_usable, malloc_usable_size(m));
  node_slot(i) = m;
  return m;
}

void ListValue::ShrinkIfSparse(size_t i) {
  Node* n = node(i);
  if (n->cap < 256 || n->bytes * 4 > n->cap) return;
  const size_t want = n->bytes + n->bytes / 4;
  void* mem = std::malloc(sizeof(Node) + want);
  if (mem == nullptr) return;
  Node* m = static_cast<Node*>(mem);
  m->cap = malloc_usable_size(m) - sizeof(Node);
  m->bytes = n->bytes;
  m->count = n->count;
  // Keep the free room on the side that had more of it.
  const size_t slack = m->cap - n->bytes;
  const bool front = n->off > n->cap - n->off - n->bytes;
  const size_t off = front && slack <= UINT32_MAX ? slack : 0;
  m->off = static_cast<uint32_t>(off);
  std::memcpy(Buf(m) + off, Begin(n), n->bytes);
  Account(malloc_usable_size(n), malloc_usable_size(m));
  std::free(n);
  node_slot(i) = m;
}

bool ListValue::MaybeMergeWithNext(size_t i, int fill) {
  if (i + 1 >= nnodes_) return false;
  const Node* a = node(i);
  const Node* b = node(i + 1);
  if (!FitsFill(a->bytes + b->bytes, size_t{a->count} + b->count, fill)) return false;
  Node* n = Reserve(i, 0, b->bytes, fill);
  b = node(i + 1);
  std::memcpy(Begin(n) + n->bytes, Begin(b), b->bytes);
  n->bytes += b->bytes;
  n->count += b->count;
  FreeNodeAt(i + 1);
  return true;
}

void ListValue::Push(ListEnd end, std::string_view value, int fill) {
  const Encoded e(value);
  const bool front = end == ListEnd::kHead;
  size_t i;
  if (nnodes_ == 0 || !Allows(node(front ? 0 : nnodes_ - 1), e.total, fill)) {
    i = front ? 0 : nnodes_;
    InsertNode(i, NewNode(e.total, front));
  } else {
    i = front ? 0 : nnodes_ - 1;
  }
  Node* n = node(i);
  if (front) {
    if (n->off < e.total) n = Reserve(i, e.total, 0, fill);
    n->off -= static_cast<uint32_t>(e.total);
    e.WriteTo(Begin(n));
  } else {
    if (n->cap - n->off - n->bytes < e.total) n = Reserve(i, 0, e.total, fill);
    e.WriteTo(Begin(n) + n->bytes);
  }
  n->bytes += e.total;
  ++n->count;
  ++size_;
}

ListItem ListValue::Peek(ListEnd end) const {
  size_t size;
  if (end == ListEnd::kHead) return Decode(Begin(node(0)), &size);
  const Node* n = node(nnodes_ - 1);
  return Decode(PrevStart(Begin(n) + n->bytes), &size);
}

void ListValue::Pop(ListEnd end) {
  const size_t i = end == ListEnd::kHead ? 0 : nnodes_ - 1;
  Node* n = node(i);
  if (end == ListEnd::kHead) {
    const size_t es = EntrySize(Begin(n));
    n->off += static_cast<uint32_t>(es);
    n->bytes -= es;
  } else {
    const uint8_t* e = Begin(n) + n->bytes;
    n->bytes = static_cast<size_t>(PrevStart(e) - Begin(n));
  }
  --n->count;
  --size_;
  if (n->count == 0) {
    FreeNodeAt(i);
  } else if (n->cap >= 1024 && n->bytes * 4 <= n->cap) {
    ShrinkIfSparse(i);
  }
}

void ListValue::Locate(size_t index, size_t* node_index, size_t* in_node) const {
  if (index < size_ / 2) {
    size_t i = 0;
    while (index >= node(i)->count) {
      index -= node(i)->count;
      ++i;
    }
    *node_index = i;
    *in_node = index;
  } else {
    size_t r = size_ - 1 - index;
    size_t i = nnodes_ - 1;
    while (r >= node(i)->count) {
      r -= node(i)->count;
      --i;
    }
    *node_index = i;
    *in_node = node(i)->count - 1 - r;
  }
}

ListItem ListValue::At(size_t index) const {
  size_t i, k, size;
  Locate(index, &i, &k);
  return Decode(EntryPtr(node(i), k), &size);
}

void ListValue::Set(size_t index, std::string_view value, int fill) {
  const Encoded e(value);
  size_t i, k;
  Locate(index, &i, &k);
  Node* n = node(i);
  const uint8_t* p = EntryPtr(n, k);
  const size_t rel = static_cast<size_t>(p - Begin(n));
  const size_t osz = EntrySize(p);
  if (n->count == 1 || FitsFill(n->bytes - osz + e.total, n->count, fill)) {
    if (e.total > osz) n = Reserve(i, 0, e.total - osz, fill);
    uint8_t* at = Begin(n) + rel;
    std::memmove(at + e.total, at + osz, n->bytes - rel - osz);
    e.WriteTo(at);
    n->bytes = n->bytes - osz + e.total;
    if (e.total < osz) ShrinkIfSparse(i);
    return;
  }
  // Too big for its node: remove the old entry, insert the new one where it was.
  uint8_t* at = Begin(n) + rel;
  std::memmove(at, at + osz, n->bytes - rel - osz);
  n->bytes -= osz;
  --n->count;
  --size_;
  InsertEncoded(i, rel, k, e, fill);
}

void ListValue::InsertEncoded(size_t i, size_t rel, size_t k, const Encoded& e, int fill) {
  Node* n = node(i);
  if (Allows(n, e.total, fill)) {
    if (k == 0) {
      if (n->off < e.total) n = Reserve(i, e.total, 0, fill);
      n->off -= static_cast<uint32_t>(e.total);
      e.WriteTo(Begin(n));
    } else {
      if (n->cap - n->off - n->bytes < e.total) n = Reserve(i, 0, e.total, fill);
      uint8_t* at = Begin(n) + rel;
      std::memmove(at + e.total, at, n->bytes - rel);
      e.WriteTo(at);
    }
    n->bytes += e.total;
    ++n->count;
    ++size_;
    return;
  }
  const size_t count = n->count;
  if (k == 0 && i > 0 && Allows(node(i - 1), e.total, fill)) {
    InsertEncoded(i - 1, node(i - 1)->bytes, node(i - 1)->count, e, fill);
  } else if (k == count && i + 1 < nnodes_ && Allows(node(i + 1), e.total, fill)) {
    InsertEncoded(i + 1, 0, 0, e, fill);
  } else if (k == 0 || k == count) {
    const size_t at = k == 0 ? i : i + 1;
    InsertNode(at, NewNode(e.total, false));
    InsertEncoded(at, 0, 0, e, fill);
  } else {
    // Split node i at the insertion point, then insert at the end of its left half.
    Node* right = NewNode(n->bytes - rel, false);
    n = node(i);
    std::memcpy(Buf(right), Begin(n) + rel, n->bytes - rel);
    right->bytes = n->bytes - rel;
    right->count = static_cast<uint32_t>(count - k);
    n->bytes = rel;
    n->count = static_cast<uint32_t>(k);
    InsertNode(i + 1, right);
    InsertEncoded(i, rel, k, e, fill);
    ShrinkIfSparse(i);
  }
}

bool ListValue::InsertAtPivot(const ListNeedle& pivot, std::string_view value, bool after,
                              int fill) {
  for (size_t i = 0; i < nnodes_; ++i) {
    const Node* n = node(i);
    const uint8_t* begin = Begin(n);
    const uint8_t* p = begin;
    for (size_t k = 0; k < n->count; ++k) {
      size_t es;
      const ListItem item = Decode(p, &es);
      if (pivot.Matches(item)) {
        const size_t rel = static_cast<size_t>(p - begin) + (after ? es : 0);
        InsertEncoded(i, rel, after ? k + 1 : k, Encoded(value), fill);
        return true;
      }
      p += es;
    }
  }
  return false;
}

size_t ListValue::Remove(const ListNeedle& needle, size_t limit, bool from_tail, int fill) {
  size_t removed = 0;
  auto more = [&] { return limit == 0 || removed < limit; };
  // Compacts node i, dropping matching entries after the first `skip` matches (while more()
  // allows); returns whether anything was dropped.
  auto compact = [&](size_t i, size_t skip) {
    Node* n = node(i);
    uint8_t* w = Begin(n);
    const uint8_t* p = w;
    const uint8_t* end = p + n->bytes;
    const uint32_t before = n->count;
    while (p < end && more()) {
      size_t es;
      const ListItem item = Decode(p, &es);
      if (needle.Matches(item)) {
        if (skip > 0) {
          --skip;
        } else {
          ++removed;
          --n->count;
          p += es;
          continue;
        }
      }
      if (w != p) std::memmove(w, p, es);
      w += es;
      p += es;
    }
    if (n->count == before) return false;
    const size_t rest = static_cast<size_t>(end - p);
    if (rest) std::memmove(w, p, rest);
    n->bytes = static_cast<size_t>(w + rest - Begin(n));
    size_ -= before - n->count;
    return true;
  };
  if (!from_tail) {
    size_t i = 0;
    while (i < nnodes_ && more()) {
      if (!compact(i, 0)) {
        ++i;
      } else if (node(i)->count == 0) {
        FreeNodeAt(i);
      } else {
        ShrinkIfSparse(i);
        if (i == 0 || !MaybeMergeWithNext(i - 1, fill)) ++i;
      }
    }
  } else {
    size_t i = nnodes_;
    while (i > 0 && more()) {
      --i;
      // Remove the last matches of this node: skip the ones before them.
      const Node* n = node(i);
      size_t matches = 0;
      const uint8_t* p = Begin(n);
      for (size_t k = 0; k < n->count; ++k) {
        size_t es;
        if (needle.Matches(Decode(p, &es))) ++matches;
        p += es;
      }
      if (matches == 0) continue;
      const size_t take = limit == 0 ? matches : std::min(matches, limit - removed);
      compact(i, matches - take);
      if (node(i)->count == 0) {
        FreeNodeAt(i);
      } else {
        ShrinkIfSparse(i);
        MaybeMergeWithNext(i, fill);
      }
    }
  }
  return removed;
}

void ListValue::Erase(size_t start, size_t count, int fill) {
  if (count == 0) return;
  size_t i, k;
  Locate(start, &i, &k);
  const size_t first = i;
  while (count > 0) {
    Node* n = node(i);
    const size_t take = std::min<size_t>(count, n->count - k);
    count -= take;
    size_ -= take;
    if (k == 0 && take == n->count) {
      FreeNodeAt(i);
      continue;
    }
    uint8_t* a = const_cast<uint8_t*>(EntryPtr(n, k));
    uint8_t* end = Begin(n) + n->bytes;
    uint8_t* b = k + take == n->count ? end : const_cast<uint8_t*>(EntryPtr(n, k + take));
    const size_t gone = static_cast<size_t>(b - a);
    if (k == 0) {
      n->off += static_cast<uint32_t>(gone);
    } else if (b != end) {
      std::memmove(a, b, static_cast<size_t>(end - b));
    }
    n->bytes -= gone;
    n->count -= static_cast<uint32_t>(take);
    ShrinkIfSparse(i);
    ++i;
    k = 0;
  }
  // The nodes around the removed range may now fit together.
  if (first > 0) MaybeMergeWithNext(first - 1, fill);
  if (first < nnodes_) MaybeMergeWithNext(first, fill);
}

void ListValue::CheckInvariants() const {
  auto fail = [](const char* what) {
    std::fprintf(stderr, "ListValue invariant broken: %s\n", what);
    std::abort();
  };
  size_t total = 0;
  size_t mem = MallocUsable(sizeof(ListValue));
  if (ring_cap_ != 0) {
    if (nnodes_ < 2 || nnodes_ > ring_cap_) fail("ring with too few or too many nodes");
    if ((ring_cap_ & (ring_cap_ - 1)) != 0) fail("ring capacity not a power of two");
    mem += malloc_usable_size(ring_);
  } else if ((nnodes_ == 0) != (single_ == nullptr) || nnodes_ > 1) {
    fail("single-node state");
  }
  for (size_t i = 0; i < nnodes_; ++i) {
    const Node* n = node(i);
    if (n->count == 0) fail("empty node");
    if (n->off + n->bytes > n->cap) fail("entries past the buffer");
    if (malloc_usable_size(const_cast<Node*>(n)) != sizeof(Node) + n->cap) fail("node capacity");
    mem += sizeof(Node) + n->cap;
    const uint8_t* p = Begin(n);
    for (size_t k = 0; k < n->count; ++k) {
      const uint8_t* next = p + EntrySize(p);
      if (PrevStart(next) != p) fail("back-length");
      p = next;
    }
    if (p != Begin(n) + n->bytes) fail("entry bytes do not add up");
    total += n->count;
  }
  if (total != size_) fail("element count");
  if (mem != mem_) fail("memory total");
}

ListValue::Iterator::Iterator(const ListValue& list, size_t index, bool forward)
    : list_(&list), forward_(forward) {
  size_t k;
  list.Locate(index, &node_, &k);
  p_ = EntryPtr(list.node(node_), k);
}

ListItem ListValue::Iterator::Next() {
  size_t es;
  const ListItem item = Decode(p_, &es);
  const Node* n = list_->node(node_);
  if (forward_) {
    p_ += es;
    if (p_ == Begin(n) + n->bytes && node_ + 1 < list_->nnodes_) {
      const Node* next = list_->node(++node_);
      p_ = Begin(next);
    }
  } else if (p_ != Begin(n)) {
    p_ = PrevStart(p_);
  } else if (node_ > 0) {
    const Node* prev = list_->node(--node_);
    p_ = PrevStart(Begin(prev) + prev->bytes);
  }
  return item;
}

}  // namespace cachet::storage
