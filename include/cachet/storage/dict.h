// StringDict: the hash table behind the large encodings of sets, hashes and sorted sets.
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cachet::storage {

// A chained hash table from string members to a Payload, after Redis's dict: a power-of-two
// bucket array that doubles at load factor 1 and halves below 1/8 (never under
// kMinBuckets), and a reverse-binary SCAN cursor, so that a full scan returns every member
// present for its whole duration even when the table resizes between calls.
//
// Resizes rehash the whole table at once (Redis spreads them over later operations); the
// caller holds the key's shard lock throughout.
//
// Memory is counted as the allocator sees it: the bucket array, one node per member, and the
// member's bytes when they do not fit the string's inline buffer. Payload bytes held outside
// the node (a hash field's value) are the owner's to count.
template <typename Payload>
class StringDict {
 public:
  struct Node {
    Node* next = nullptr;
    std::string key;
    Payload value{};
  };

  static constexpr size_t kMinBuckets = 4;

  StringDict() = default;
  StringDict(const StringDict& other) {
    Reserve(other.size_);
    other.ForEach([this](const Node& n) { Insert(n.key).first->value = n.value; });
  }
  StringDict& operator=(const StringDict&) = delete;
  StringDict(StringDict&& other) noexcept { Swap(other); }
  StringDict& operator=(StringDict&& other) noexcept {
    StringDict tmp(std::move(other));
    Swap(tmp);
    return *this;
  }
  ~StringDict() { Clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t bucket_count() const { return buckets_.size(); }

  // Bytes owned: bucket array, nodes and out-of-line member bytes.
  size_t MemoryUsage() const { return buckets_.capacity() * sizeof(Node*) + node_bytes_; }

  // The node of key, or null.
  Node* Find(std::string_view key) const {
    if (size_ == 0) return nullptr;
    for (Node* n = buckets_[BucketOf(Hash(key))]; n != nullptr; n = n->next) {
      if (n->key == key) return n;
    }
    return nullptr;
  }

  // The node of key, added with a value-initialized payload when absent; second is whether
  // it was added.
  std::pair<Node*, bool> Insert(std::string_view key) {
    if (Node* n = Find(key)) return {n, false};
    if (size_ + 1 > buckets_.size()) Resize(std::max(kMinBuckets, buckets_.size() * 2));
    auto* n = new Node{nullptr, std::string(key), Payload{}};
    Node*& head = buckets_[BucketOf(Hash(key))];
    n->next = head;
    head = n;
    ++size_;
    node_bytes_ += NodeBytes(*n);
    return {n, true};
  }

  // Removes key; when out is given, the payload is moved there first. False if absent.
  bool Erase(std::string_view key, Payload* out = nullptr) {
    if (size_ == 0) return false;
    Node** link = &buckets_[BucketOf(Hash(key))];
    for (; *link != nullptr; link = &(*link)->next) {
      Node* n = *link;
      if (n->key != key) continue;
      *link = n->next;
      if (out != nullptr) *out = std::move(n->value);
      node_bytes_ -= NodeBytes(*n);
      delete n;
      --size_;
      MaybeShrink();
      return true;
    }
    return false;
  }

  // Removes every member.
  void Clear() {
    for (Node*& head : buckets_) {
      while (head != nullptr) {
        Node* next = head->next;
        delete head;
        head = next;
      }
    }
    buckets_.clear();
    buckets_.shrink_to_fit();
    size_ = 0;
    node_bytes_ = 0;
  }

  // Sizes the table for n members without further growth.
  void Reserve(size_t n) {
    size_t want = kMinBuckets;
    while (want < n) want *= 2;
    if (want > buckets_.size()) Resize(want);
  }

  // Calls fn(const Node&) for every member. fn must not change the table.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (Node* head : buckets_) {
      for (Node* n = head; n != nullptr; n = n->next) fn(*n);
    }
  }

  // One SCAN step: calls fn(const Node&) for the members of the bucket the cursor designates
  // and returns the next cursor, 0 once the whole table has been covered.
  template <typename Fn>
  uint64_t ScanStep(uint64_t cursor, Fn&& fn) const {
    if (size_ == 0) return 0;
    const uint64_t mask = buckets_.size() - 1;
    for (Node* n = buckets_[cursor & mask]; n != nullptr; n = n->next) fn(*n);
    cursor |= ~mask;
    cursor = Reverse(cursor);
    ++cursor;
    return Reverse(cursor);
  }

  // A random member (Redis's dictGetRandomKey: a random non-empty bucket, then a random node
  // of its chain); null when empty. rng() returns uniformly distributed 64-bit numbers.
  template <typename Rng>
  Node* Random(Rng& rng) const {
    if (size_ == 0) return nullptr;
    const uint64_t mask = buckets_.size() - 1;
    Node* head;
    do {
      head = buckets_[rng() & mask];
    } while (head == nullptr);
    size_t len = 0;
    for (Node* n = head; n != nullptr; n = n->next) ++len;
    size_t pick = rng() % len;
    Node* n = head;
    while (pick-- > 0) n = n->next;
    return n;
  }

 private:
  static uint64_t Hash(std::string_view key) {
    return XXH3_64bits_withSeed(key.data(), key.size(), 0x63616368657464ULL);
  }
  size_t BucketOf(uint64_t hash) const { return hash & (buckets_.size() - 1); }
  static size_t NodeBytes(const Node& n) {
    // Members longer than the inline buffer live in their own allocation.
    const size_t heap = n.key.capacity() > 15 ? n.key.capacity() + 1 : 0;
    return sizeof(Node) + heap;
  }
  static uint64_t Reverse(uint64_t v) {
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    return __builtin_bswap64(v);
  }

  void Resize(size_t buckets) {
    std::vector<Node*> fresh(buckets, nullptr);
    const uint64_t mask = buckets - 1;
    for (Node* head : buckets_) {
      while (head != nullptr) {
        Node* next = head->next;
        Node*& slot = fresh[Hash(head->key) & mask];
        head->next = slot;
        slot = head;
        head = next;
      }
    }
    buckets_.swap(fresh);
  }

  void MaybeShrink() {
    if (buckets_.size() > kMinBuckets && size_ * 8 < buckets_.size()) {
      size_t want = kMinBuckets;
      while (want < size_) want *= 2;
      Resize(want);
    }
  }

  void Swap(StringDict& other) noexcept {
    buckets_.swap(other.buckets_);
    std::swap(size_, other.size_);
    std::swap(node_bytes_, other.node_bytes_);
  }

  std::vector<Node*> buckets_;
  size_t size_ = 0;
  size_t node_bytes_ = 0;
};

}  // namespace cachet::storage
