// The list value: Redis's quicklist, a sequence of packed nodes of listpack-encoded entries.
//
// A ListValue keeps its elements in nodes, each one malloc block holding a header and a packed
// byte buffer of entries encoded as Redis's listpack encodes them (small integers in one or a
// few bytes, strings with a 1, 2 or 5 byte length, and a back-length so a node can be walked in
// both directions). A node's size is bounded by list-max-listpack-size, passed as `fill` to
// every call that may grow a node: negative -1..-5 bound its bytes to 4/8/16/32/64 KiB, a
// positive value bounds its entries (and its bytes to 8 KiB). An element too big for any
// node gets a node of its own.
//
// Each node's buffer keeps free room at both ends, so pushes and pops at either end of the
// list cost O(1) amortized (no memmove of the node). The nodes are held in a ring of
// pointers (a single pointer while the list has at most one node). Index access walks node
// counts from the nearer end, then entries from the nearer end of that node. Memory is a
// running total of the allocator's usable sizes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "cachet/storage/value.h"

namespace cachet::storage {

// Which end of a list an operation acts on.
enum class ListEnd : uint8_t { kHead, kTail };

// The default of list-max-listpack-size: nodes of at most 8 KiB.
inline constexpr int kDefaultListFill = -2;

// One element read from a list: bytes or an integer (the listpack integer encodings).
// str points into the list and is valid until the list changes.
struct ListItem {
  std::string_view str;
  int64_t num = 0;
  bool is_int = false;

  // The element's bytes; integers are formatted into buf (kInt64MaxDigits bytes at least).
  std::string_view View(char* buf) const { return is_int ? FormatInt64(num, buf) : str; }
};

// A value prepared for comparisons against list elements (LPOS, LREM, LINSERT's pivot): a
// canonical integer matches only integer entries of the same value, anything else only
// string entries with the same bytes (the encoding makes that equivalent to comparing bytes).
class ListNeedle {
 public:
  explicit ListNeedle(std::string_view s) : str_(s) { is_int_ = ParseCanonicalInt64(s, &num_); }
  bool Matches(const ListItem& item) const {
    return item.is_int ? (is_int_ && item.num == num_) : (!is_int_ && item.str == str_);
  }

 private:
  std::string_view str_;
  int64_t num_ = 0;
  bool is_int_ = false;
};

class ListValue final : public Collection {
 public:
  struct Node;
  class Iterator;

  ListValue();
  ~ListValue() override;
  ListValue(const ListValue&) = delete;
  ListValue& operator=(const ListValue&) = delete;

  ValueType type() const override { return ValueType::kList; }
  Encoding encoding() const override { return Encoding::kQuicklist; }
  std::unique_ptr<Collection> Clone() const override;
  size_t MemoryUsage() const override { return mem_; }
  size_t ElementCount() const override { return size_; }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Number of nodes (tests and memory probes).
  size_t node_count() const { return nnodes_; }

  // Adds value at one end.
  void Push(ListEnd end, std::string_view value, int fill);
  // The element at one end; the list must not be empty.
  ListItem Peek(ListEnd end) const;
  // Removes the element at one end; the list must not be empty.
  void Pop(ListEnd end);

  // The element at index (0 is the head), which must be < size().
  ListItem At(size_t index) const;
  // Replaces the element at index (< size()) with value.
  void Set(size_t index, std::string_view value, int fill);
  // Inserts value before (or after) the first element, from the head, matching pivot.
  // Returns false, changing nothing, when no element matches.
  bool InsertAtPivot(const ListNeedle& pivot, std::string_view value, bool after, int fill);
  // LREM: removes elements matching needle, at most `limit` of them (0: all), scanning from
  // the head, or from the tail when from_tail. Returns how many were removed.
  size_t Remove(const ListNeedle& needle, size_t limit, bool from_tail, int fill);
  // Removes count elements from index start on (start + count <= size()).
  void Erase(size_t start, size_t count, int fill);

  // Checks the internal invariants (counts, sizes, memory total); aborts on a violation.
  // For tests.
  void CheckInvariants() const;

 private:
  friend class Iterator;
  struct Encoded;

  Node* node(size_t i) const {
    return ring_cap_ == 0 ? single_ : ring_[(head_ + i) & (ring_cap_ - 1)];
  }
  Node*& node_slot(size_t i) {
    return ring_cap_ == 0 ? single_ : ring_[(head_ + i) & (ring_cap_ - 1)];
  }
  // Node index and element index within it of element `index`.
  void Locate(size_t index, size_t* node_index, size_t* in_node) const;
  void InsertNode(size_t at, Node* n);
  void RemoveNode(size_t at);
  void FreeNodeAt(size_t at);
  Node* NewNode(size_t data_bytes, bool room_in_front);
  // Ensures node i has room for `front` more bytes before and `back` more after its data;
  // may reallocate it.
  Node* Reserve(size_t i, size_t front, size_t back, int fill);
  // Inserts an encoded entry at byte offset off of node i's entries, as its k-th element,
  // splitting the node or using a neighbour when it is full.
  void InsertEncoded(size_t i, size_t off, size_t k, const Encoded& e, int fill);
  // Shrinks node i's buffer when it is mostly unused.
  void ShrinkIfSparse(size_t i);
  // Merges node i+1 into node i when both fit in one node; returns whether it did.
  bool MaybeMergeWithNext(size_t i, int fill);
  void Account(size_t before, size_t after) { mem_ = mem_ - before + after; }

  union {
    Node* single_;  // ring_cap_ == 0: the only node, or null
    Node** ring_;   // ring_cap_ > 0: node pointers, a power-of-two ring
  };
  uint32_t head_ = 0;
  uint32_t ring_cap_ = 0;
  size_t nnodes_ = 0;
  size_t size_ = 0;
  size_t mem_ = 0;
};

// Walks elements from an index towards the tail (forward) or the head. The list must not
// change while an iterator is in use.
class ListValue::Iterator {
 public:
  // Positioned on element index (< list.size()).
  Iterator(const ListValue& list, size_t index, bool forward);
  // The current element, then moves on. Call at most as many times as there are elements
  // left in the iterator's direction.
  ListItem Next();

 private:
  const ListValue* list_;
  size_t node_;
  const uint8_t* p_;  // the current entry
  bool forward_;
};

}  // namespace cachet::storage
