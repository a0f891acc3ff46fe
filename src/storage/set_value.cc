// SetValue: the intset and hashtable encodings of sets, and the conversion between them.
#include "cachet/storage/set_value.h"

#include <malloc.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace cachet::storage {

namespace {

[[noreturn]] void OutOfMemory(size_t n) {
  std::fprintf(stderr, "cachet: out of memory allocating %zu bytes\n", n);
  std::abort();
}

void* Allocate(size_t n) {
  void* p = std::malloc(n);
  if (p == nullptr) OutOfMemory(n);
  return p;
}

}  // namespace

SetValue::SetValue() = default;

std::unique_ptr<SetValue> SetValue::CreateFor(std::string_view first) {
  auto set = std::make_unique<SetValue>();
  int64_t v;
  if (!ParseCanonicalInt64(first, &v)) set->ConvertToHashtable();
  return set;
}

SetValue::SetValue(const SetValue& other) : Collection() {
  if (!other.is_intset()) {
    SetPtr(new Dict(*other.dict_ptr()));
    SetMeta(0, kCodeDict);
    return;
  }
  meta_ = other.meta_;
  if (other.IsInline()) {
    std::memcpy(store_, other.store_, kInlineBytes);
  } else {
    const size_t bytes = other.IntLen() * other.Width();
    void* p = Allocate(bytes);
    std::memcpy(p, other.HeapPtr(), bytes);
    SetPtr(p);
  }
}

SetValue::SetValue(SetValue&& other) noexcept : Collection() {
  meta_ = other.meta_;
  std::memcpy(store_, other.store_, kInlineBytes);
  other.meta_ = 0;
  std::memset(other.store_, 0, kInlineBytes);
}

SetValue::~SetValue() { FreeStorage(); }

void SetValue::FreeStorage() {
  if (!is_intset()) {
    delete dict_ptr();
  } else if (!IsInline()) {
    std::free(HeapPtr());
  }
}

std::unique_ptr<Collection> SetValue::Clone() const { return std::make_unique<SetValue>(*this); }

size_t SetValue::MemoryUsage() const {
  size_t n = sizeof(SetValue);
  if (!is_intset()) {
    n += sizeof(Dict) + dict_ptr()->MemoryUsage();
  } else if (!IsInline()) {
    n += malloc_usable_size(HeapPtr());
  }
  return n;
}

void SetValue::Store(unsigned char* p, size_t width, size_t i, int64_t v) {
  switch (width) {
    case 2: {
      const auto x = static_cast<int16_t>(v);
      std::memcpy(p + 2 * i, &x, 2);
      break;
    }
    case 4: {
      const auto x = static_cast<int32_t>(v);
      std::memcpy(p + 4 * i, &x, 4);
      break;
    }
    default:
      std::memcpy(p + 8 * i, &v, 8);
      break;
  }
}

uint32_t SetValue::CodeFor(int64_t v) {
  if (v < INT32_MIN || v > INT32_MAX) return kCode64;
  if (v < INT16_MIN || v > INT16_MAX) return kCode32;
  return kCode16;
}

bool SetValue::IntSearch(int64_t v, size_t* pos) const {
  const unsigned char* p = Bytes();
  const size_t w = Width();
  const size_t n = IntLen();
  if (n == 0) {
    *pos = 0;
    return false;
  }
  // The common append/prepend cases first, as Redis's intsetSearch.
  if (v > Load(p, w, n - 1)) {
    *pos = n;
    return false;
  }
  if (v < Load(p, w, 0)) {
    *pos = 0;
    return false;
  }
  size_t lo = 0, hi = n;  // the answer is in [lo, hi)
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    const int64_t cur = Load(p, w, mid);
    if (cur == v) {
      *pos = mid;
      return true;
    }
    if (cur < v) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *pos = lo;
  return false;
}

void SetValue::ResizeIntset(size_t new_len) {
  const size_t w = Width();
  const size_t old_bytes = IntLen() * w;
  const size_t new_bytes = new_len * w;
  const bool was_inline = old_bytes <= kInlineBytes;
  const bool now_inline = new_bytes <= kInlineBytes;
  if (was_inline && !now_inline) {
    void* p = Allocate(new_bytes);
    std::memcpy(p, store_, old_bytes);
    SetPtr(p);
  } else if (!was_inline && !now_inline) {
    void* p = std::realloc(HeapPtr(), new_bytes);
    if (p == nullptr) OutOfMemory(new_bytes);
    SetPtr(p);
  } else if (!was_inline && now_inline) {
    unsigned char* heap = HeapPtr();
    std::memcpy(store_, heap, new_bytes);
    std::free(heap);
  }
  SetMeta(new_len, meta_ >> kCodeShift);
}

void SetValue::UpgradeAndAdd(int64_t v) {
  const size_t old_w = Width();
  const size_t len = IntLen();
  const uint32_t code = CodeFor(v);
  const size_t new_w = size_t{2} << code;
  const size_t new_bytes = (len + 1) * new_w;
  const size_t prepend = v < 0 ? 1 : 0;  // v is beyond every member: first or last
  unsigned char local[kInlineBytes];
  unsigned char* dst =
      new_bytes <= kInlineBytes ? local : static_cast<unsigned char*>(Allocate(new_bytes));
  const unsigned char* src = Bytes();
  for (size_t i = 0; i < len; ++i) Store(dst, new_w, i + prepend, Load(src, old_w, i));
  Store(dst, new_w, prepend ? 0 : len, v);
  if (!IsInline()) std::free(HeapPtr());
  SetMeta(len + 1, code);
  if (dst == local) {
    std::memcpy(store_, local, new_bytes);
  } else {
    SetPtr(dst);
  }
}

bool SetValue::IntsetAdd(int64_t v) {
  if (CodeFor(v) > (meta_ >> kCodeShift)) {
    UpgradeAndAdd(v);
    return true;
  }
  size_t pos;
  if (IntSearch(v, &pos)) return false;
  const size_t len = IntLen();
  const size_t w = Width();
  ResizeIntset(len + 1);
  unsigned char* p = Bytes();
  std::memmove(p + (pos + 1) * w, p + pos * w, (len - pos) * w);
  Store(p, w, pos, v);
  return true;
}

bool SetValue::IntsetRemove(int64_t v) {
  if (CodeFor(v) > (meta_ >> kCodeShift)) return false;
  size_t pos;
  if (!IntSearch(v, &pos)) return false;
  const size_t len = IntLen();
  const size_t w = Width();
  unsigned char* p = Bytes();
  std::memmove(p + pos * w, p + (pos + 1) * w, (len - pos - 1) * w);
  ResizeIntset(len - 1);
  return true;
}

bool SetValue::Add(std::string_view member, size_t max_intset_entries) {
  if (!is_intset()) return dict_ptr()->Insert(member).second;
  int64_t v;
  if (ParseCanonicalInt64(member, &v)) return AddInt(v, max_intset_entries);
  ConvertToHashtable();
  dict_ptr()->Insert(member);
  return true;
}

bool SetValue::AddInt(int64_t v, size_t max_intset_entries) {
  if (!is_intset()) {
    SetIntBuffer buf;
    return dict_ptr()->Insert(FormatInt64(v, buf.data)).second;
  }
  if (!IntsetAdd(v)) return false;
  if (IntLen() > std::min(max_intset_entries, kMaxIntsetEntries)) ConvertToHashtable();
  return true;
}

bool SetValue::Remove(std::string_view member) {
  if (!is_intset()) return dict_ptr()->Erase(member);
  int64_t v;
  return ParseCanonicalInt64(member, &v) && IntsetRemove(v);
}

bool SetValue::Contains(std::string_view member) const {
  if (!is_intset()) return dict_ptr()->Find(member) != nullptr;
  int64_t v;
  return ParseCanonicalInt64(member, &v) && ContainsInt(v);
}

bool SetValue::ContainsInt(int64_t v) const {
  if (!is_intset()) {
    SetIntBuffer buf;
    return dict_ptr()->Find(FormatInt64(v, buf.data)) != nullptr;
  }
  if (CodeFor(v) > (meta_ >> kCodeShift)) return false;
  size_t pos;
  return IntSearch(v, &pos);
}

void SetValue::ConvertToHashtable() {
  if (!is_intset()) return;
  auto dict = std::make_unique<Dict>();
  dict->Reserve(IntLen());
  ForEach([&](std::string_view member) { dict->Insert(member); });
  FreeStorage();
  std::memset(store_, 0, kInlineBytes);
  SetPtr(dict.release());
  SetMeta(0, kCodeDict);
}

}  // namespace cachet::storage
