// The sorted set's listpack and skiplist encodings (see zset_value.h).
#include "cachet/storage/zset_value.h"

#include <malloc.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <tuple>
#include <vector>

namespace cachet::storage {

static_assert(std::endian::native == std::endian::little, "listpack integers are little-endian");

// ---------------------------------------------------------------------------------------------
// Lexicographic ranges.

namespace {

// Redis's sdscmplex between two bounds: "-" and "+" are below and above every string and equal
// to themselves.
int CompareBounds(const ZLexBound& a, const ZLexBound& b) {
  using Kind = ZLexBound::Kind;
  if (a.kind == b.kind && a.kind != Kind::kValue) return 0;
  if (a.kind == Kind::kMinusInf || b.kind == Kind::kPlusInf) return -1;
  if (a.kind == Kind::kPlusInf || b.kind == Kind::kMinusInf) return 1;
  const int c = std::string_view(a.value).compare(b.value);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

bool ZLexRange::AboveMin(std::string_view member) const {
  switch (min.kind) {
    case ZLexBound::Kind::kMinusInf:
      return true;
    case ZLexBound::Kind::kPlusInf:
      return false;
    case ZLexBound::Kind::kValue:
      break;
  }
  const int c = member.compare(min.value);
  return min.exclusive ? c > 0 : c >= 0;
}

bool ZLexRange::BelowMax(std::string_view member) const {
  switch (max.kind) {
    case ZLexBound::Kind::kPlusInf:
      return true;
    case ZLexBound::Kind::kMinusInf:
      return false;
    case ZLexBound::Kind::kValue:
      break;
  }
  const int c = member.compare(max.value);
  return max.exclusive ? c < 0 : c <= 0;
}

bool ZLexRange::Empty() const {
  const int c = CompareBounds(min, max);
  return c > 0 || (c == 0 && (min.exclusive || max.exclusive));
}

namespace {

[[noreturn]] void OutOfMemory(size_t n) {
  std::fprintf(stderr, "cachet: out of memory allocating %zu bytes\n", n);
  std::abort();
}

// Whether (s1, m1) sorts before (s2, m2): by score, then by member bytes.
bool Before(double s1, std::string_view m1, double s2, std::string_view m2) {
  return s1 < s2 || (s1 == s2 && m1 < m2);
}

// ---------------------------------------------------------------------------------------------
// Listpack entries: varint(member length), member bytes, score.
//
// Score tags: 0x00..0xEF the integer itself; 0xF0 + (n - 1) an n-byte little-endian signed
// integer (n = 1..8); 0xF8 a float that holds the score exactly; 0xF9 a double.

constexpr uint8_t kTagMaxSmall = 0xEF;
constexpr uint8_t kTagInt = 0xF0;
constexpr uint8_t kTagFloat = 0xF8;
constexpr uint8_t kTagDouble = 0xF9;
constexpr size_t kMaxScoreBytes = 9;
constexpr size_t kMaxVarintBytes = 10;

// Redis's double2ll: whether the listpack stores d as an integer (integral, within +-2^62;
// -0 counts as 0).
bool DoubleToInt(double d, int64_t* out) {
  if (d < -static_cast<double>(LLONG_MAX / 2) || d > static_cast<double>(LLONG_MAX / 2)) {
    return false;
  }
  const auto ll = static_cast<int64_t>(d);
  if (static_cast<double>(ll) != d) return false;
  *out = ll;
  return true;
}

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

size_t PutVarint(uint64_t v, uint8_t* out) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  out[n++] = static_cast<uint8_t>(v);
  return n;
}

size_t GetVarint(const uint8_t* p, uint64_t* v) {
  uint64_t r = 0;
  size_t n = 0;
  int shift = 0;
  while (p[n] & 0x80) {
    r |= static_cast<uint64_t>(p[n] & 0x7F) << shift;
    shift += 7;
    ++n;
  }
  r |= static_cast<uint64_t>(p[n]) << shift;
  *v = r;
  return n + 1;
}

// Bytes of the score whose tag is t, tag included.
size_t ScoreSize(uint8_t t) {
  if (t <= kTagMaxSmall) return 1;
  if (t < kTagFloat) return 2 + (t - kTagInt);
  return t == kTagFloat ? 5 : 9;
}

size_t EncodeScore(double d, uint8_t* out) {
  int64_t v;
  if (DoubleToInt(d, &v)) {
    if (v >= 0 && v <= kTagMaxSmall) {
      out[0] = static_cast<uint8_t>(v);
      return 1;
    }
    size_t n = 1;
    while (n < 8) {
      const int64_t lim = int64_t{1} << (8 * n - 1);
      if (v >= -lim && v < lim) break;
      ++n;
    }
    out[0] = static_cast<uint8_t>(kTagInt + (n - 1));
    std::memcpy(out + 1, &v, n);
    return 1 + n;
  }
  const auto f = static_cast<float>(d);
  if (static_cast<double>(f) == d) {
    out[0] = kTagFloat;
    std::memcpy(out + 1, &f, 4);
    return 5;
  }
  out[0] = kTagDouble;
  std::memcpy(out + 1, &d, 8);
  return 9;
}

double DecodeScore(const uint8_t* p) {
  const uint8_t t = p[0];
  if (t <= kTagMaxSmall) return t;
  if (t < kTagFloat) {
    const size_t n = 1 + (t - kTagInt);
    uint64_t u = 0;
    std::memcpy(&u, p + 1, n);
    if (n < 8 && ((u >> (8 * n - 1)) & 1)) u |= ~uint64_t{0} << (8 * n);
    return static_cast<double>(static_cast<int64_t>(u));
  }
  if (t == kTagFloat) {
    float f;
    std::memcpy(&f, p + 1, 4);
    return f;
  }
  double d;
  std::memcpy(&d, p + 1, 8);
  return d;
}

size_t ScoreBytes(double d) {
  uint8_t buf[kMaxScoreBytes];
  return EncodeScore(d, buf);
}

size_t EntrySize(std::string_view member, double score) {
  return VarintLen(member.size()) + member.size() + ScoreBytes(score);
}

size_t EncodeEntry(std::string_view member, double score, uint8_t* out) {
  size_t n = PutVarint(member.size(), out);
  if (!member.empty()) std::memcpy(out + n, member.data(), member.size());
  n += member.size();
  return n + EncodeScore(score, out + n);
}

// One decoded entry.
struct LpEntry {
  std::string_view member;
  double score = 0;
  size_t size = 0;  // bytes of the whole entry
};

LpEntry DecodeEntry(const uint8_t* p) {
  uint64_t len;
  const size_t h = GetVarint(p, &len);
  LpEntry e;
  e.member = std::string_view(reinterpret_cast<const char*>(p + h), len);
  e.score = DecodeScore(p + h + len);
  e.size = h + len + ScoreSize(p[h + len]);
  return e;
}

// The member of the entry at p and the entry's size, without decoding the score.
std::string_view EntryMember(const uint8_t* p, size_t* size) {
  uint64_t len;
  const size_t h = GetVarint(p, &len);
  *size = h + len + ScoreSize(p[h + len]);
  return {reinterpret_cast<const char*>(p + h), len};
}

// The entry encoded into a small stack buffer (members up to 64 bytes) or the heap.
class EntryBytes {
 public:
  EntryBytes(std::string_view member, double score) {
    const size_t need = kMaxVarintBytes + member.size() + kMaxScoreBytes;
    uint8_t* p = inline_;
    if (need > sizeof(inline_)) {
      heap_.resize(need);
      p = heap_.data();
    }
    len_ = EncodeEntry(member, score, p);
    data_ = p;
  }
  std::span<const uint8_t> span() const { return {data_, len_}; }

 private:
  uint8_t inline_[96];
  std::vector<uint8_t> heap_;
  const uint8_t* data_ = nullptr;
  size_t len_ = 0;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// The large encoding: a StringDict<double> (member -> score) and an order-statistic B+ tree of
// (score, member) whose inner nodes count the elements under each child, so ranks are found in
// O(log n) as with Redis's skiplist spans. The tree holds pointers to the dict's member strings
// (dict nodes never move). A tree node is a few cache lines of scores searched in place, so a
// lookup touches far fewer lines than a skiplist walk.

namespace detail {

constexpr int kLeafCap = 64;
constexpr int kInnerCap = 64;
constexpr int kLeafMin = kLeafCap / 3;
constexpr int kInnerMin = kInnerCap / 3;
// A tree that is a single leaf starts with room for this many elements and doubles it.
constexpr int kFirstLeafCap = 4;

struct ZNode {
  bool leaf;
  int n;  // elements (leaf) or children (inner)
};

// Elements in order; `cap` scores, then `cap` member pointers, follow the struct.
struct ZLeaf : ZNode {
  int cap;
  ZLeaf* prev;
  ZLeaf* next;

  double* score() { return reinterpret_cast<double*>(this + 1); }
  const std::string** ele() { return reinterpret_cast<const std::string**>(score() + cap); }
  std::string_view member(int i) { return *ele()[i]; }
};

// Children with their element counts; score[i] / ele[i] is the lowest key under child[i]
// (kept exact for i >= 1; entry 0 is never read).
struct ZInner : ZNode {
  size_t count[kInnerCap + 1];
  ZNode* child[kInnerCap + 1];
  double score[kInnerCap + 1];
  const std::string* ele[kInnerCap + 1];
};

// Whether (s1, m1) sorts before (s2, m2). The member is read only on a tie of scores.
inline bool KeyLess(double s1, std::string_view m1, double s2, const std::string* m2) {
  return s1 < s2 || (s1 == s2 && m1 < std::string_view(*m2));
}

// A position in the tree: an element of a leaf.
struct ZPos {
  ZLeaf* leaf = nullptr;
  int idx = 0;

  bool valid() const { return leaf != nullptr; }
  std::string_view member() const { return *leaf->ele()[idx]; }
  double score() const { return leaf->score()[idx]; }
  void Next() {
    if (++idx >= leaf->n) {
      leaf = leaf->next;
      idx = 0;
    }
  }
  void Prev() {
    if (--idx < 0) {
      leaf = leaf->prev;
      idx = leaf != nullptr ? leaf->n - 1 : 0;
    }
  }
};

struct ZTree {
  StringDict<double> dict;
  ZNode* root = nullptr;
  size_t length = 0;
  size_t node_bytes = 0;  // the allocator's size of every tree node

  ZTree() { root = NewLeaf(kFirstLeafCap); }
  ~ZTree() { FreeTree(root); }
  ZTree(const ZTree&) = delete;
  ZTree& operator=(const ZTree&) = delete;

  size_t MemoryUsage() const { return sizeof(ZTree) + dict.MemoryUsage() + node_bytes; }

  // --- Nodes ---

  ZLeaf* NewLeaf(int cap) {
    const size_t n = sizeof(ZLeaf) + static_cast<size_t>(cap) * (sizeof(double) + sizeof(void*));
    auto* l = static_cast<ZLeaf*>(std::malloc(n));
    if (l == nullptr) OutOfMemory(n);
    l->leaf = true;
    l->n = 0;
    l->cap = cap;
    l->prev = l->next = nullptr;
    node_bytes += malloc_usable_size(l);
    return l;
  }
  ZInner* NewInner() {
    auto* in = static_cast<ZInner*>(std::malloc(sizeof(ZInner)));
    if (in == nullptr) OutOfMemory(sizeof(ZInner));
    in->leaf = false;
    in->n = 0;
    node_bytes += malloc_usable_size(in);
    return in;
  }
  void FreeNode(ZNode* x) {
    node_bytes -= malloc_usable_size(x);
    std::free(x);
  }
  void FreeTree(ZNode* x) {
    if (!x->leaf) {
      auto* in = static_cast<ZInner*>(x);
      for (int i = 0; i < in->n; ++i) FreeTree(in->child[i]);
    }
    FreeNode(x);
  }

  static size_t CountOf(ZNode* x) {
    if (x->leaf) return static_cast<size_t>(x->n);
    auto* in = static_cast<ZInner*>(x);
    size_t c = 0;
    for (int i = 0; i < in->n; ++i) c += in->count[i];
    return c;
  }
  static ZLeaf* Leftmost(ZNode* x) {
    while (!x->leaf) x = static_cast<ZInner*>(x)->child[0];
    return static_cast<ZLeaf*>(x);
  }
  static ZLeaf* Rightmost(ZNode* x) {
    while (!x->leaf) {
      auto* in = static_cast<ZInner*>(x);
      x = in->child[in->n - 1];
    }
    return static_cast<ZLeaf*>(x);
  }

  // The child of in whose keys range covers (s, m): the last one whose lowest key is <= it.
  static int Route(ZInner* in, double s, std::string_view m) {
    int lo = 1, hi = in->n;  // first i in [1, n) with key < sep[i]
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (KeyLess(s, m, in->score[mid], in->ele[mid])) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo - 1;
  }
  // The first index of leaf whose key is not before (s, m).
  static int LowerBound(ZLeaf* l, double s, std::string_view m) {
    int lo = 0, hi = l->n;
    double* sc = l->score();
    const std::string** el = l->ele();
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (sc[mid] < s || (sc[mid] == s && std::string_view(*el[mid]) < m)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // --- Insertion ---

  // Inserts into the subtree x; when x splits, returns the new right sibling and its lowest
  // key through *sep_s / *sep_e.
  ZNode* InsertRec(ZNode* x, double s, const std::string* e, double* sep_s,
                   const std::string** sep_e) {
    if (x->leaf) {
      auto* l = static_cast<ZLeaf*>(x);
      const int pos = LowerBound(l, s, *e);
      if (l->n < l->cap) {
        InsertInLeaf(l, pos, s, e);
        return nullptr;
      }
      // Full: split in two halves, then insert into the half the key belongs to.
      ZLeaf* r = NewLeaf(kLeafCap);
      const int mid = l->n / 2;
      r->n = l->n - mid;
      std::memcpy(r->score(), l->score() + mid, sizeof(double) * r->n);
      std::memcpy(r->ele(), l->ele() + mid, sizeof(void*) * r->n);
      l->n = mid;
      r->next = l->next;
      if (r->next != nullptr) r->next->prev = r;
      r->prev = l;
      l->next = r;
      if (pos <= mid) {
        InsertInLeaf(l, pos, s, e);
      } else {
        InsertInLeaf(r, pos - mid, s, e);
      }
      *sep_s = r->score()[0];
      *sep_e = r->ele()[0];
      return r;
    }
    auto* in = static_cast<ZInner*>(x);
    const int j = Route(in, s, *e);
    double cs;
    const std::string* ce;
    ZNode* split = InsertRec(in->child[j], s, e, &cs, &ce);
    ++in->count[j];
    if (split == nullptr) return nullptr;
    const size_t right_count = CountOf(split);
    in->count[j] -= right_count;
    InsertInInner(in, j + 1, split, right_count, cs, ce);
    if (in->n <= kInnerCap) return nullptr;
    // Overfull: move the upper half to a new node; its first lowest key goes up.
    ZInner* r = NewInner();
    const int mid = in->n / 2;
    r->n = in->n - mid;
    for (int i = 0; i < r->n; ++i) {
      r->child[i] = in->child[mid + i];
      r->count[i] = in->count[mid + i];
      r->score[i] = in->score[mid + i];
      r->ele[i] = in->ele[mid + i];
    }
    in->n = mid;
    *sep_s = r->score[0];
    *sep_e = r->ele[0];
    return r;
  }
  static void InsertInLeaf(ZLeaf* l, int pos, double s, const std::string* e) {
    const int tail = l->n - pos;
    std::memmove(l->score() + pos + 1, l->score() + pos, sizeof(double) * tail);
    std::memmove(l->ele() + pos + 1, l->ele() + pos, sizeof(void*) * tail);
    l->score()[pos] = s;
    l->ele()[pos] = e;
    ++l->n;
  }
  static void InsertInInner(ZInner* in, int pos, ZNode* child, size_t count, double s,
                            const std::string* e) {
    for (int i = in->n; i > pos; --i) {
      in->child[i] = in->child[i - 1];
      in->count[i] = in->count[i - 1];
      in->score[i] = in->score[i - 1];
      in->ele[i] = in->ele[i - 1];
    }
    in->child[pos] = child;
    in->count[pos] = count;
    in->score[pos] = s;
    in->ele[pos] = e;
    ++in->n;
  }

  void Insert(double s, const std::string* e) {
    if (root->leaf) {
      // A lone leaf grows by doubling up to the full size.
      auto* l = static_cast<ZLeaf*>(root);
      if (l->n == l->cap && l->cap < kLeafCap) {
        ZLeaf* bigger = NewLeaf(std::min(kLeafCap, l->cap * 2));
        bigger->n = l->n;
        std::memcpy(bigger->score(), l->score(), sizeof(double) * l->n);
        std::memcpy(bigger->ele(), l->ele(), sizeof(void*) * l->n);
        FreeNode(l);
        root = bigger;
      }
    }
    double ss;
    const std::string* se;
    ZNode* split = InsertRec(root, s, e, &ss, &se);
    if (split != nullptr) {
      ZInner* r = NewInner();
      r->n = 2;
      r->child[0] = root;
      r->child[1] = split;
      r->count[1] = CountOf(split);
      r->count[0] = length + 1 - r->count[1];
      r->score[1] = ss;
      r->ele[1] = se;
      root = r;
    }
    ++length;
  }

  // --- Removal ---

  // Where to erase: by key, or by rank when member is null. With rescore set, the element
  // found by key takes that score in place instead when it keeps its position (then nothing
  // is erased and *rescored is set).
  struct Target {
    double score;
    const std::string_view* member;
    size_t rank;
    const double* rescore = nullptr;
    bool* rescored = nullptr;
  };

  // Whether the element at pos of l may take score ns in place: it stays after its
  // predecessor and before its successor. At the front of a leaf only a raise is allowed (the
  // parents' copy of the leaf's lowest key then stays below it, which routing tolerates).
  static bool KeepsPlace(ZLeaf* l, int pos, double ns) {
    const std::string_view m = l->member(pos);
    if (pos > 0) {
      const double ps = l->score()[pos - 1];
      if (!(ps < ns || (ps == ns && l->member(pos - 1) < m))) return false;
    } else if (!(ns > l->score()[0])) {
      return false;
    }
    ZLeaf* nl = l;
    int npos = pos + 1;
    if (npos >= l->n) {
      nl = l->next;
      npos = 0;
    }
    if (nl == nullptr) return true;
    const double nx = nl->score()[npos];
    return ns < nx || (ns == nx && m < nl->member(npos));
  }

  // Erases the target from the subtree x; *erased receives the erased member. Returns whether
  // x is now below its minimum fill; *min_changed whether x's lowest key changed.
  bool EraseRec(ZNode* x, Target t, const std::string** erased, bool* min_changed) {
    if (x->leaf) {
      auto* l = static_cast<ZLeaf*>(x);
      const int pos =
          t.member != nullptr ? LowerBound(l, t.score, *t.member) : static_cast<int>(t.rank);
      *erased = l->ele()[pos];
      if (t.rescore != nullptr && KeepsPlace(l, pos, *t.rescore)) {
        l->score()[pos] = *t.rescore;
        *t.rescored = true;
        *min_changed = false;
        return false;
      }
      const int tail = l->n - pos - 1;
      std::memmove(l->score() + pos, l->score() + pos + 1, sizeof(double) * tail);
      std::memmove(l->ele() + pos, l->ele() + pos + 1, sizeof(void*) * tail);
      --l->n;
      *min_changed = pos == 0;
      return l->n < kLeafMin;
    }
    auto* in = static_cast<ZInner*>(x);
    int j;
    if (t.member != nullptr) {
      j = Route(in, t.score, *t.member);
    } else {
      j = 0;
      while (t.rank >= in->count[j]) t.rank -= in->count[j++];
    }
    bool child_min_changed = false;
    const bool under = EraseRec(in->child[j], t, erased, &child_min_changed);
    if (t.rescored != nullptr && *t.rescored) return false;
    --in->count[j];
    *min_changed = child_min_changed && j == 0;
    if (child_min_changed && j > 0 && in->count[j] > 0) {
      ZLeaf* l = Leftmost(in->child[j]);
      in->score[j] = l->score()[0];
      in->ele[j] = l->ele()[0];
    }
    if (under) {
      if (Rebalance(in, j > 0 ? j - 1 : j)) *min_changed = *min_changed || j == 0;
    }
    return in->n < kInnerMin;
  }

  // Evens out children i and i + 1 of in (one of them below its minimum): merges them when
  // they fit one node, else moves elements across. Returns true.
  bool Rebalance(ZInner* in, int i) {
    if (i + 1 >= in->n) return false;  // a lone child: nothing to pair it with
    ZNode* a = in->child[i];
    ZNode* b = in->child[i + 1];
    if (a->leaf) {
      auto* l = static_cast<ZLeaf*>(a);
      auto* r = static_cast<ZLeaf*>(b);
      if (l->n + r->n <= kLeafCap) {
        std::memcpy(l->score() + l->n, r->score(), sizeof(double) * r->n);
        std::memcpy(l->ele() + l->n, r->ele(), sizeof(void*) * r->n);
        l->n += r->n;
        l->next = r->next;
        if (l->next != nullptr) l->next->prev = l;
        in->count[i] += in->count[i + 1];
        FreeNode(r);
        RemoveChild(in, i + 1);
        return true;
      }
      const int total = l->n + r->n;
      const int want_left = total / 2;
      if (l->n < want_left) {
        const int k = want_left - l->n;
        std::memcpy(l->score() + l->n, r->score(), sizeof(double) * k);
        std::memcpy(l->ele() + l->n, r->ele(), sizeof(void*) * k);
        std::memmove(r->score(), r->score() + k, sizeof(double) * (r->n - k));
        std::memmove(r->ele(), r->ele() + k, sizeof(void*) * (r->n - k));
        l->n += k;
        r->n -= k;
      } else {
        const int k = l->n - want_left;
        std::memmove(r->score() + k, r->score(), sizeof(double) * r->n);
        std::memmove(r->ele() + k, r->ele(), sizeof(void*) * r->n);
        std::memcpy(r->score(), l->score() + want_left, sizeof(double) * k);
        std::memcpy(r->ele(), l->ele() + want_left, sizeof(void*) * k);
        l->n -= k;
        r->n += k;
      }
      in->count[i] = static_cast<size_t>(l->n);
      in->count[i + 1] = static_cast<size_t>(r->n);
      in->score[i + 1] = r->score()[0];
      in->ele[i + 1] = r->ele()[0];
      return true;
    }
    auto* l = static_cast<ZInner*>(a);
    auto* r = static_cast<ZInner*>(b);
    // The separator of r's first child is the parent's key for r.
    r->score[0] = in->score[i + 1];
    r->ele[0] = in->ele[i + 1];
    if (l->n + r->n <= kInnerCap) {
      for (int k = 0; k < r->n; ++k) {
        l->child[l->n + k] = r->child[k];
        l->count[l->n + k] = r->count[k];
        l->score[l->n + k] = r->score[k];
        l->ele[l->n + k] = r->ele[k];
      }
      l->n += r->n;
      in->count[i] += in->count[i + 1];
      FreeNode(r);
      RemoveChild(in, i + 1);
      return true;
    }
    const int total = l->n + r->n;
    const int want_left = total / 2;
    if (l->n < want_left) {
      const int k = want_left - l->n;
      for (int q = 0; q < k; ++q) {
        l->child[l->n + q] = r->child[q];
        l->count[l->n + q] = r->count[q];
        l->score[l->n + q] = r->score[q];
        l->ele[l->n + q] = r->ele[q];
      }
      for (int q = k; q < r->n; ++q) {
        r->child[q - k] = r->child[q];
        r->count[q - k] = r->count[q];
        r->score[q - k] = r->score[q];
        r->ele[q - k] = r->ele[q];
      }
      l->n += k;
      r->n -= k;
    } else {
      const int k = l->n - want_left;
      for (int q = r->n - 1; q >= 0; --q) {
        r->child[q + k] = r->child[q];
        r->count[q + k] = r->count[q];
        r->score[q + k] = r->score[q];
        r->ele[q + k] = r->ele[q];
      }
      for (int q = 0; q < k; ++q) {
        r->child[q] = l->child[want_left + q];
        r->count[q] = l->count[want_left + q];
        r->score[q] = l->score[want_left + q];
        r->ele[q] = l->ele[want_left + q];
      }
      l->n -= k;
      r->n += k;
    }
    in->count[i] = CountOf(l);
    in->count[i + 1] = CountOf(r);
    in->score[i + 1] = r->score[0];
    in->ele[i + 1] = r->ele[0];
    return true;
  }
  static void RemoveChild(ZInner* in, int pos) {
    for (int i = pos; i + 1 < in->n; ++i) {
      in->child[i] = in->child[i + 1];
      in->count[i] = in->count[i + 1];
      in->score[i] = in->score[i + 1];
      in->ele[i] = in->ele[i + 1];
    }
    --in->n;
  }

  // Erases the target from the tree and returns the erased member's string (the dict's).
  const std::string* Erase(Target t) {
    const std::string* erased = nullptr;
    bool min_changed = false;
    EraseRec(root, t, &erased, &min_changed);
    if (t.rescored != nullptr && *t.rescored) return erased;
    --length;
    while (!root->leaf && root->n == 1) {
      ZNode* only = static_cast<ZInner*>(root)->child[0];
      FreeNode(root);
      root = only;
    }
    return erased;
  }

  // --- Queries (ranks are 0-based) ---

  size_t Rank(double s, std::string_view m) const {
    ZNode* x = root;
    size_t rank = 0;
    while (!x->leaf) {
      auto* in = static_cast<ZInner*>(x);
      const int j = Route(in, s, m);
      for (int i = 0; i < j; ++i) rank += in->count[i];
      x = in->child[j];
    }
    return rank + static_cast<size_t>(LowerBound(static_cast<ZLeaf*>(x), s, m));
  }

  ZPos At(size_t rank) const {
    if (rank >= length) return {};
    ZNode* x = root;
    while (!x->leaf) {
      auto* in = static_cast<ZInner*>(x);
      int j = 0;
      while (rank >= in->count[j]) rank -= in->count[j++];
      x = in->child[j];
    }
    return {static_cast<ZLeaf*>(x), static_cast<int>(rank)};
  }
  ZPos First() const { return At(0); }
  ZPos Last() const {
    if (length == 0) return {};
    ZLeaf* l = Rightmost(root);
    return {l, l->n - 1};
  }

  // The number of leading elements for which pred(score, member) holds, pred being true on a
  // prefix of the order (false from some element on).
  template <typename Pred>
  size_t CountPrefix(Pred&& pred) const {
    ZNode* x = root;
    size_t count = 0;
    while (!x->leaf) {
      auto* in = static_cast<ZInner*>(x);
      // The last child whose lowest key still satisfies pred: everything before it does.
      int lo = 1, hi = in->n;
      while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (pred(in->score[mid], std::string_view(*in->ele[mid]))) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      const int j = lo - 1;
      for (int i = 0; i < j; ++i) count += in->count[i];
      x = in->child[j];
    }
    auto* l = static_cast<ZLeaf*>(x);
    int lo = 0, hi = l->n;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (pred(l->score()[mid], l->member(mid))) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return count + static_cast<size_t>(lo);
  }

  // --- Elements (dict and tree together) ---

  // Adds a member known to be absent.
  void AddNew(std::string_view member, double score) {
    auto* n = dict.Insert(member).first;
    n->value = score;
    Insert(score, &n->key);
  }
  // Removes the member (score, m), which must exist.
  void Delete(double score, std::string_view m) {
    Erase({score, &m, 0});
    dict.Erase(m);
  }
  // Moves the member (cur, m) to new_score (the dict's score is the caller's): in place when
  // it keeps its position, as Redis's zslUpdateScore, else erased and inserted again.
  void UpdateScore(double cur, std::string_view m, double new_score) {
    bool rescored = false;
    const std::string* ele = Erase({cur, &m, 0, &new_score, &rescored});
    if (!rescored) Insert(new_score, ele);
  }
  // Removes count elements from rank start on.
  void EraseRange(size_t start, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      const std::string* ele = Erase({0, nullptr, start});
      dict.Erase(*ele);
    }
  }
};

}  // namespace detail

using detail::ZPos;
using detail::ZTree;

// ---------------------------------------------------------------------------------------------
// Allocation.

void* ZSetValue::operator new(size_t, void* where) noexcept { return where; }

void ZSetValue::operator delete(void* p) noexcept { std::free(p); }

ZSetValue::Ptr ZSetValue::AllocListpack(size_t capacity) {
  const size_t n = sizeof(ZSetValue) + capacity;
  void* mem = std::malloc(n);
  if (mem == nullptr) OutOfMemory(n);
  return Ptr(new (mem) ZSetValue());
}

ZSetValue::Ptr ZSetValue::NewListpack() { return AllocListpack(0); }

ZSetValue::Ptr ZSetValue::NewSkiplist() {
  Ptr z = AllocListpack(sizeof(ZTree*));
  auto* s = new ZTree();
  std::memcpy(z->lp(), &s, sizeof(s));
  z->lp_bytes_ = kSkiplistMark;
  return z;
}

ZSetValue::~ZSetValue() {
  if (!is_listpack()) delete tree();
}

ZTree* ZSetValue::tree() const {
  ZTree* s;
  std::memcpy(&s, lp(), sizeof(s));
  return s;
}

const StringDict<double>& ZSetValue::dict() const { return tree()->dict; }

size_t ZSetValue::capacity() const {
  return malloc_usable_size(const_cast<ZSetValue*>(this)) - sizeof(ZSetValue);
}

size_t ZSetValue::size() const { return is_listpack() ? lp_count_ : tree()->length; }

size_t ZSetValue::MemoryUsage() const {
  size_t n = malloc_usable_size(const_cast<ZSetValue*>(this));
  if (!is_listpack()) n += tree()->MemoryUsage();
  return n;
}

std::unique_ptr<Collection> ZSetValue::Clone() const {
  if (is_listpack()) {
    Ptr z = AllocListpack(lp_bytes_);
    if (lp_bytes_ > 0) std::memcpy(z->lp(), lp(), lp_bytes_);
    z->lp_bytes_ = lp_bytes_;
    z->lp_count_ = lp_count_;
    return z;
  }
  Ptr z = NewSkiplist();
  ZTree* dst = z->tree();
  dst->dict.Reserve(size());
  for (ZPos p = tree()->First(); p.valid(); p.Next()) dst->AddNew(p.member(), p.score());
  return z;
}

ZSetValue::Ptr ZSetValue::FromSorted(std::span<const std::pair<std::string, double>> elems,
                                     const ZSetLimits& limits) {
  size_t max_len = 0;
  size_t total_len = 0;
  size_t bytes = 0;
  for (const auto& [m, s] : elems) {
    max_len = std::max(max_len, m.size());
    total_len += m.size();
    bytes += EntrySize(m, s);
  }
  if (elems.size() <= limits.max_listpack_entries && max_len <= limits.max_listpack_value &&
      total_len <= kMaxListpackBytes && bytes <= kMaxListpackBytes) {
    Ptr z = AllocListpack(bytes);
    size_t off = 0;
    for (const auto& [m, s] : elems) off += EncodeEntry(m, s, z->lp() + off);
    z->lp_bytes_ = static_cast<uint32_t>(off);
    z->lp_count_ = static_cast<uint32_t>(elems.size());
    return z;
  }
  Ptr z = NewSkiplist();
  ZTree* s = z->tree();
  s->dict.Reserve(elems.size());
  for (const auto& [m, sc] : elems) s->AddNew(m, sc);
  return z;
}

ZSetValue::Ptr ZSetValue::ToSkiplist() const {
  Ptr z = NewSkiplist();
  ZTree* s = z->tree();
  s->dict.Reserve(lp_count_);
  for (size_t off = 0; off < lp_bytes_;) {
    const LpEntry e = DecodeEntry(lp() + off);
    s->AddNew(e.member, e.score);
    off += e.size;
  }
  return z;
}

ZSetValue::Ptr ZSetValue::ShrinkToFit() const {
  if (!is_listpack()) return nullptr;
  constexpr size_t kSlack = 32;
  if (capacity() < lp_bytes_ + kSlack) return nullptr;
  return Ptr(static_cast<ZSetValue*>(Clone().release()));
}

void ZSetValue::Splice(size_t off, size_t old_len, std::span<const uint8_t> bytes, int count_delta,
                       Ptr* replacement) {
  const size_t new_len = lp_bytes_ - old_len + bytes.size();
  const size_t tail = lp_bytes_ - off - old_len;
  if (new_len <= capacity()) {
    uint8_t* p = lp();
    if (tail > 0 && bytes.size() != old_len) {
      std::memmove(p + off + bytes.size(), p + off + old_len, tail);
    }
    if (!bytes.empty()) std::memcpy(p + off, bytes.data(), bytes.size());
    lp_bytes_ = static_cast<uint32_t>(new_len);
    lp_count_ = static_cast<uint32_t>(static_cast<int64_t>(lp_count_) + count_delta);
    return;
  }
  Ptr z = AllocListpack(new_len);
  uint8_t* p = z->lp();
  if (off > 0) std::memcpy(p, lp(), off);
  if (!bytes.empty()) std::memcpy(p + off, bytes.data(), bytes.size());
  if (tail > 0) std::memcpy(p + off + bytes.size(), lp() + off + old_len, tail);
  z->lp_bytes_ = static_cast<uint32_t>(new_len);
  z->lp_count_ = static_cast<uint32_t>(static_cast<int64_t>(lp_count_) + count_delta);
  *replacement = std::move(z);
}

// ---------------------------------------------------------------------------------------------
// Reads.

std::optional<double> ZSetValue::Score(std::string_view member) const {
  if (!is_listpack()) {
    const auto* n = tree()->dict.Find(member);
    if (n == nullptr) return std::nullopt;
    return n->value;
  }
  const uint8_t* p = lp();
  for (size_t off = 0; off < lp_bytes_;) {
    size_t sz;
    const std::string_view m = EntryMember(p + off, &sz);
    if (m == member) return DecodeScore(reinterpret_cast<const uint8_t*>(m.data() + m.size()));
    off += sz;
  }
  return std::nullopt;
}

std::optional<size_t> ZSetValue::Rank(std::string_view member, bool reverse) const {
  const size_t n = size();
  if (!is_listpack()) {
    ZTree* s = tree();
    const auto* node = s->dict.Find(member);
    if (node == nullptr) return std::nullopt;
    const size_t rank = s->Rank(node->value, member);
    return reverse ? n - 1 - rank : rank;
  }
  const uint8_t* p = lp();
  size_t i = 0;
  for (size_t off = 0; off < lp_bytes_; ++i) {
    size_t sz;
    if (EntryMember(p + off, &sz) == member) return reverse ? n - 1 - i : i;
    off += sz;
  }
  return std::nullopt;
}

void ZSetValue::Walk(size_t start, bool reverse, Visitor visit) const {
  const size_t n = size();
  if (start >= n) return;
  if (!is_listpack()) {
    ZTree* s = tree();
    ZPos p = reverse ? (start == 0 ? s->Last() : s->At(n - 1 - start)) : s->At(start);
    while (p.valid() && visit(p.member(), p.score())) {
      if (reverse) {
        p.Prev();
      } else {
        p.Next();
      }
    }
    return;
  }
  const uint8_t* p = lp();
  if (!reverse) {
    size_t off = 0;
    for (size_t i = 0; i < start; ++i) {
      size_t sz;
      EntryMember(p + off, &sz);
      off += sz;
    }
    while (off < lp_bytes_) {
      const LpEntry e = DecodeEntry(p + off);
      if (!visit(e.member, e.score)) return;
      off += e.size;
    }
    return;
  }
  // Backwards: the offsets of the entries a reverse walk can reach.
  const size_t last = n - 1 - start;  // ascending index of the first element visited
  uint32_t small[128];
  std::vector<uint32_t> big;
  uint32_t* offsets = small;
  if (last + 1 > std::size(small)) {
    big.resize(last + 1);
    offsets = big.data();
  }
  size_t off = 0;
  for (size_t i = 0; i <= last; ++i) {
    offsets[i] = static_cast<uint32_t>(off);
    size_t sz;
    EntryMember(p + off, &sz);
    off += sz;
  }
  for (size_t i = last + 1; i-- > 0;) {
    const LpEntry e = DecodeEntry(p + offsets[i]);
    if (!visit(e.member, e.score)) return;
  }
}

std::pair<std::string_view, double> ZSetValue::At(size_t rank) const {
  if (!is_listpack()) {
    const ZPos p = tree()->At(rank);
    return {p.member(), p.score()};
  }
  const uint8_t* p = lp();
  size_t off = 0;
  for (size_t i = 0; i < rank; ++i) {
    size_t sz;
    EntryMember(p + off, &sz);
    off += sz;
  }
  const LpEntry e = DecodeEntry(p + off);
  return {e.member, e.score};
}

std::optional<size_t> ZSetValue::FirstInRange(const ZScoreRange& range, bool reverse) const {
  const size_t n = size();
  if (n == 0 || range.Empty()) return std::nullopt;
  if (!is_listpack()) {
    ZTree* s = tree();
    if (!reverse) {
      const size_t first =
          s->CountPrefix([&](double sc, std::string_view) { return !range.AboveMin(sc); });
      if (first == n || !range.BelowMax(s->At(first).score())) return std::nullopt;
      return first;
    }
    const size_t below =
        s->CountPrefix([&](double sc, std::string_view) { return range.BelowMax(sc); });
    if (below == 0 || !range.AboveMin(s->At(below - 1).score())) return std::nullopt;
    return n - below;
  }
  const uint8_t* p = lp();
  size_t i = 0;
  std::optional<size_t> last_below;  // ascending index of the last element <= max
  double last_score = 0;
  for (size_t off = 0; off < lp_bytes_; ++i) {
    const LpEntry e = DecodeEntry(p + off);
    off += e.size;
    if (!reverse) {
      if (range.AboveMin(e.score)) {
        if (range.BelowMax(e.score)) return i;
        return std::nullopt;
      }
    } else {
      if (!range.BelowMax(e.score)) break;
      last_below = i;
      last_score = e.score;
    }
  }
  if (!reverse || !last_below || !range.AboveMin(last_score)) return std::nullopt;
  return n - 1 - *last_below;
}

std::optional<size_t> ZSetValue::FirstInLexRange(const ZLexRange& range, bool reverse) const {
  const size_t n = size();
  if (n == 0 || range.Empty()) return std::nullopt;
  if (!is_listpack()) {
    ZTree* s = tree();
    if (!reverse) {
      const size_t first =
          s->CountPrefix([&](double, std::string_view m) { return !range.AboveMin(m); });
      if (first == n || !range.BelowMax(s->At(first).member())) return std::nullopt;
      return first;
    }
    const size_t below =
        s->CountPrefix([&](double, std::string_view m) { return range.BelowMax(m); });
    if (below == 0 || !range.AboveMin(s->At(below - 1).member())) return std::nullopt;
    return n - below;
  }
  const uint8_t* p = lp();
  size_t i = 0;
  std::optional<size_t> last_below;
  std::string_view last_member;
  for (size_t off = 0; off < lp_bytes_; ++i) {
    size_t sz;
    const std::string_view m = EntryMember(p + off, &sz);
    off += sz;
    if (!reverse) {
      if (range.AboveMin(m)) {
        if (range.BelowMax(m)) return i;
        return std::nullopt;
      }
    } else {
      if (!range.BelowMax(m)) break;
      last_below = i;
      last_member = m;
    }
  }
  if (!reverse || !last_below || !range.AboveMin(last_member)) return std::nullopt;
  return n - 1 - *last_below;
}

size_t ZSetValue::CountInRange(const ZScoreRange& range) const {
  const std::optional<size_t> first = FirstInRange(range, false);
  if (!first) return 0;
  if (!is_listpack()) {
    const std::optional<size_t> last = FirstInRange(range, true);
    return size() - *last - *first;
  }
  size_t count = 0;
  Walk(*first, false, [&](std::string_view, double score) {
    if (!range.BelowMax(score)) return false;
    ++count;
    return true;
  });
  return count;
}

size_t ZSetValue::CountInLexRange(const ZLexRange& range) const {
  const std::optional<size_t> first = FirstInLexRange(range, false);
  if (!first) return 0;
  if (!is_listpack()) {
    const std::optional<size_t> last = FirstInLexRange(range, true);
    return size() - *last - *first;
  }
  size_t count = 0;
  Walk(*first, false, [&](std::string_view member, double) {
    if (!range.BelowMax(member)) return false;
    ++count;
    return true;
  });
  return count;
}

uint64_t ZSetValue::ScanStep(uint64_t cursor,
                             FunctionRef<void(std::string_view member, double score)> visit) const {
  if (is_listpack()) {
    Walk(0, false, [&](std::string_view m, double s) {
      visit(m, s);
      return true;
    });
    return 0;
  }
  return tree()->dict.ScanStep(cursor,
                               [&](const StringDict<double>::Node& n) { visit(n.key, n.value); });
}

std::string_view ZSetValue::ListpackScoreText(double score, char* buf) {
  int64_t v;
  if (DoubleToInt(score, &v)) {
    return {buf, static_cast<size_t>(std::to_chars(buf, buf + 32, v).ptr - buf)};
  }
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  const char* end = std::to_chars(buf, buf + 32, score, std::chars_format::general, 17).ptr;
  return {buf, static_cast<size_t>(end - buf)};
}

// ---------------------------------------------------------------------------------------------
// Writes.

ZAddResult ZSetValue::Add(std::string_view member, double score, uint32_t flags,
                          const ZSetLimits& limits, double* new_score, Ptr* replacement) {
  const bool incr = (flags & kZAddIncr) != 0;
  const bool nx = (flags & kZAddNx) != 0;
  const bool xx = (flags & kZAddXx) != 0;
  const bool gt = (flags & kZAddGt) != 0;
  const bool lt = (flags & kZAddLt) != 0;
  if (std::isnan(score)) return ZAddResult::kNan;

  if (is_listpack()) {
    uint8_t* p = lp();
    size_t off = 0;
    size_t found_size = 0;
    for (; off < lp_bytes_;) {
      size_t sz;
      if (EntryMember(p + off, &sz) == member) {
        found_size = sz;
        break;
      }
      off += sz;
    }
    if (found_size != 0) {
      if (nx) return ZAddResult::kSkipped;
      const double cur = DecodeEntry(p + off).score;
      if (incr) {
        score += cur;
        if (std::isnan(score)) return ZAddResult::kNan;
      }
      if ((lt && score >= cur) || (gt && score <= cur)) return ZAddResult::kSkipped;
      *new_score = score;
      if (score == cur) return ZAddResult::kUnchanged;
      Splice(off, found_size, {}, -1, replacement);  // shrinking: always in place
      const EntryBytes entry(member, score);
      // The first element after which the member sorts (zzlInsert's rule).
      size_t pos = 0;
      for (; pos < lp_bytes_;) {
        const LpEntry e = DecodeEntry(lp() + pos);
        if (Before(score, member, e.score, e.member)) break;
        pos += e.size;
      }
      Splice(pos, 0, entry.span(), 1, replacement);
      return ZAddResult::kUpdated;
    }
    if (xx) return ZAddResult::kSkipped;
    if (lp_count_ + size_t{1} > limits.max_listpack_entries ||
        member.size() > limits.max_listpack_value ||
        lp_bytes_ + member.size() > kMaxListpackBytes) {
      Ptr z = ToSkiplist();
      const ZAddResult r = z->Add(member, score, flags, limits, new_score, replacement);
      *replacement = std::move(z);
      return r;
    }
    const EntryBytes entry(member, score);
    size_t pos = 0;
    for (; pos < lp_bytes_;) {
      const LpEntry e = DecodeEntry(p + pos);
      if (Before(score, member, e.score, e.member)) break;
      pos += e.size;
    }
    Splice(pos, 0, entry.span(), 1, replacement);
    *new_score = score;
    return ZAddResult::kAdded;
  }

  ZTree* s = tree();
  StringDict<double>::Node* node;
  if (xx) {
    node = s->dict.Find(member);
    if (node == nullptr) return ZAddResult::kSkipped;
  } else {
    bool added;
    std::tie(node, added) = s->dict.Insert(member);
    if (added) {
      node->value = score;
      s->Insert(score, &node->key);
      *new_score = score;
      return ZAddResult::kAdded;
    }
  }
  if (nx) return ZAddResult::kSkipped;
  const double cur = node->value;
  if (incr) {
    score += cur;
    if (std::isnan(score)) return ZAddResult::kNan;
  }
  if ((lt && score >= cur) || (gt && score <= cur)) return ZAddResult::kSkipped;
  *new_score = score;
  if (score == cur) return ZAddResult::kUnchanged;
  s->UpdateScore(cur, member, score);
  node->value = score;
  return ZAddResult::kUpdated;
}

bool ZSetValue::Remove(std::string_view member) {
  if (!is_listpack()) {
    ZTree* s = tree();
    const auto* node = s->dict.Find(member);
    if (node == nullptr) return false;
    s->Delete(node->value, member);
    return true;
  }
  const uint8_t* p = lp();
  for (size_t off = 0; off < lp_bytes_;) {
    size_t sz;
    if (EntryMember(p + off, &sz) == member) {
      Splice(off, sz, {}, -1, nullptr);
      return true;
    }
    off += sz;
  }
  return false;
}

size_t ZSetValue::RemoveRangeByRank(size_t start, size_t end) {
  if (!is_listpack()) {
    tree()->EraseRange(start, end - start + 1);
    return end - start + 1;
  }
  const uint8_t* p = lp();
  size_t off = 0;
  size_t i = 0;
  for (; i < start; ++i) {
    size_t sz;
    EntryMember(p + off, &sz);
    off += sz;
  }
  size_t stop = off;
  for (; i <= end && stop < lp_bytes_; ++i) {
    size_t sz;
    EntryMember(p + stop, &sz);
    stop += sz;
  }
  const size_t removed = i - start;
  Splice(off, stop - off, {}, -static_cast<int>(removed), nullptr);
  return removed;
}

size_t ZSetValue::RemoveRangeByScore(const ZScoreRange& range) {
  const std::optional<size_t> first = FirstInRange(range, false);
  if (!first) return 0;
  if (!is_listpack()) {
    ZTree* s = tree();
    const size_t below =
        s->CountPrefix([&](double sc, std::string_view) { return range.BelowMax(sc); });
    s->EraseRange(*first, below - *first);
    return below - *first;
  }
  const uint8_t* p = lp();
  size_t off = 0;
  for (size_t i = 0; i < *first; ++i) {
    size_t sz;
    EntryMember(p + off, &sz);
    off += sz;
  }
  size_t stop = off;
  size_t removed = 0;
  while (stop < lp_bytes_) {
    const LpEntry e = DecodeEntry(p + stop);
    if (!range.BelowMax(e.score)) break;
    stop += e.size;
    ++removed;
  }
  Splice(off, stop - off, {}, -static_cast<int>(removed), nullptr);
  return removed;
}

size_t ZSetValue::RemoveRangeByLex(const ZLexRange& range) {
  const std::optional<size_t> first = FirstInLexRange(range, false);
  if (!first) return 0;
  if (!is_listpack()) {
    ZTree* s = tree();
    const size_t below =
        s->CountPrefix([&](double, std::string_view m) { return range.BelowMax(m); });
    s->EraseRange(*first, below - *first);
    return below - *first;
  }
  const uint8_t* p = lp();
  size_t off = 0;
  for (size_t i = 0; i < *first; ++i) {
    size_t sz;
    EntryMember(p + off, &sz);
    off += sz;
  }
  size_t stop = off;
  size_t removed = 0;
  while (stop < lp_bytes_) {
    size_t sz;
    const std::string_view m = EntryMember(p + stop, &sz);
    if (!range.BelowMax(m)) break;
    stop += sz;
    ++removed;
  }
  Splice(off, stop - off, {}, -static_cast<int>(removed), nullptr);
  return removed;
}

void ZSetValue::PopEnd(bool max, std::string* member, double* score) {
  if (!is_listpack()) {
    ZTree* s = tree();
    const size_t rank = max ? s->length - 1 : 0;
    const ZPos p = s->At(rank);
    member->assign(p.member());
    *score = p.score();
    s->EraseRange(rank, 1);
    return;
  }
  const uint8_t* p = lp();
  size_t off = 0;
  LpEntry e = DecodeEntry(p);
  if (max) {
    while (off + e.size < lp_bytes_) {
      off += e.size;
      e = DecodeEntry(p + off);
    }
  }
  member->assign(e.member);
  *score = e.score;
  Splice(off, e.size, {}, -1, nullptr);
}

}  // namespace cachet::storage
