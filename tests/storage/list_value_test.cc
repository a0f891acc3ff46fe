// The list value: entry encodings, node limits, every operation, and a model test against
// std::deque across fills and node splits.
#include "cachet/storage/list_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace cachet::storage {
namespace {

std::string ItemString(const ListItem& item) {
  char buf[kInt64MaxDigits + 4];
  return std::string(item.View(buf));
}

std::vector<std::string> Contents(const ListValue& list) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  ListValue::Iterator it(list, 0, true);
  for (size_t i = 0; i < list.size(); ++i) out.push_back(ItemString(it.Next()));
  return out;
}

std::vector<std::string> ContentsBackwards(const ListValue& list) {
  std::vector<std::string> out;
  if (list.empty()) return out;
  ListValue::Iterator it(list, list.size() - 1, false);
  for (size_t i = 0; i < list.size(); ++i) out.push_back(ItemString(it.Next()));
  return out;
}

TEST(ListValue, EmptyList) {
  ListValue list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.ElementCount(), 0u);
  EXPECT_EQ(list.node_count(), 0u);
  EXPECT_EQ(list.type(), ValueType::kList);
  EXPECT_EQ(list.encoding(), Encoding::kQuicklist);
  EXPECT_GT(list.MemoryUsage(), 0u);
  list.CheckInvariants();
}

TEST(ListValue, PushPeekPopBothEnds) {
  ListValue list;
  list.Push(ListEnd::kTail, "b", kDefaultListFill);
  list.Push(ListEnd::kHead, "a", kDefaultListFill);
  list.Push(ListEnd::kTail, "c", kDefaultListFill);
  EXPECT_EQ(Contents(list), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ItemString(list.Peek(ListEnd::kHead)), "a");
  EXPECT_EQ(ItemString(list.Peek(ListEnd::kTail)), "c");
  list.Pop(ListEnd::kHead);
  EXPECT_EQ(ItemString(list.Peek(ListEnd::kHead)), "b");
  list.Pop(ListEnd::kTail);
  EXPECT_EQ(Contents(list), (std::vector<std::string>{"b"}));
  list.Pop(ListEnd::kTail);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.node_count(), 0u);
  list.CheckInvariants();
}

// Every boundary of the listpack encodings round-trips, as bytes and as integers.
TEST(ListValue, EncodingsRoundTrip) {
  const std::vector<std::string> values = {"0",
                                           "1",
                                           "127",
                                           "128",
                                           "-1",
                                           "-4096",
                                           "-4097",
                                           "4095",
                                           "4096",
                                           "32767",
                                           "32768",
                                           "-32768",
                                           "-32769",
                                           "8388607",
                                           "8388608",
                                           "-8388608",
                                           "-8388609",
                                           "2147483647",
                                           "2147483648",
                                           "-2147483648",
                                           "-2147483649",
                                           "9223372036854775807",
                                           "-9223372036854775808",
                                           "9223372036854775808",
                                           "-0",
                                           "01",
                                           "+1",
                                           " 1",
                                           "1 ",
                                           "",
                                           std::string(63, 'x'),
                                           std::string(64, 'y'),
                                           std::string(4095, 'z'),
                                           std::string(4096, 'w'),
                                           std::string(70000, 'v'),
                                           std::string("a\0b", 3),
                                           "\xff\xfe"};
  ListValue list;
  for (const auto& v : values) list.Push(ListEnd::kTail, v, kDefaultListFill);
  list.CheckInvariants();
  EXPECT_EQ(Contents(list), values);
  std::vector<std::string> reversed(values.rbegin(), values.rend());
  EXPECT_EQ(ContentsBackwards(list), reversed);
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(ItemString(list.At(i)), values[i]);
  // Canonical integers are stored as integers; anything else as bytes.
  EXPECT_TRUE(list.At(0).is_int);
  EXPECT_TRUE(list.At(21).is_int);
  EXPECT_EQ(list.At(21).num, INT64_MAX);
  EXPECT_FALSE(list.At(23).is_int);  // 9223372036854775808 overflows
  EXPECT_FALSE(list.At(24).is_int);  // -0
  EXPECT_FALSE(list.At(25).is_int);  // 01
}

TEST(ListValue, NeedleMatchesIntegersAndBytes) {
  ListValue list;
  for (const char* v : {"12", "012", "abc", "-5"}) list.Push(ListEnd::kTail, v, kDefaultListFill);
  EXPECT_TRUE(ListNeedle("12").Matches(list.At(0)));
  EXPECT_FALSE(ListNeedle("012").Matches(list.At(0)));
  EXPECT_TRUE(ListNeedle("012").Matches(list.At(1)));
  EXPECT_FALSE(ListNeedle("12").Matches(list.At(1)));
  EXPECT_TRUE(ListNeedle("abc").Matches(list.At(2)));
  EXPECT_FALSE(ListNeedle("ab").Matches(list.At(2)));
  EXPECT_TRUE(ListNeedle("-5").Matches(list.At(3)));
}

TEST(ListValue, NodeLimitsFollowFill) {
  // Positive fill: entries per node.
  ListValue by_count;
  for (int i = 0; i < 100; ++i) by_count.Push(ListEnd::kTail, "x", 10);
  EXPECT_EQ(by_count.node_count(), 10u);
  by_count.CheckInvariants();
  // Fill 0 behaves as one entry per node.
  ListValue zero;
  for (int i = 0; i < 5; ++i) zero.Push(ListEnd::kHead, "x", 0);
  EXPECT_EQ(zero.node_count(), 5u);
  zero.CheckInvariants();
  // Negative fill: bytes per node (-1: 4 KiB). 100-byte entries: 103 bytes each.
  const std::string v(100, 'a');
  ListValue by_bytes;
  for (int i = 0; i < 100; ++i) by_bytes.Push(ListEnd::kTail, v, -1);
  EXPECT_EQ(by_bytes.node_count(), 3u);  // 39 entries per 4 KiB node
  ListValue bigger;
  for (int i = 0; i < 100; ++i) bigger.Push(ListEnd::kTail, v, -5);
  EXPECT_EQ(bigger.node_count(), 1u);
  // Fills below -5 act as -5.
  ListValue lowest;
  for (int i = 0; i < 100; ++i) lowest.Push(ListEnd::kTail, v, INT32_MIN);
  EXPECT_EQ(lowest.node_count(), 1u);
  // A positive fill still bounds nodes to 8 KiB.
  ListValue safety;
  for (int i = 0; i < 200; ++i) safety.Push(ListEnd::kTail, v, 1000);
  EXPECT_EQ(safety.node_count(), 3u);
  // An element bigger than any node gets a node of its own.
  ListValue big;
  big.Push(ListEnd::kTail, "a", -2);
  big.Push(ListEnd::kTail, std::string(20000, 'b'), -2);
  big.Push(ListEnd::kTail, "c", -2);
  EXPECT_EQ(big.node_count(), 3u);
  big.CheckInvariants();
}

TEST(ListValue, SetReplacesInPlaceOrMoves) {
  ListValue list;
  for (int i = 0; i < 10; ++i) list.Push(ListEnd::kTail, std::to_string(i), 4);
  list.Set(0, "first", 4);
  list.Set(9, "last", 4);
  list.Set(5, std::string(10000, 'q'), 4);  // too big for its node: split around it
  list.CheckInvariants();
  auto c = Contents(list);
  EXPECT_EQ(c[0], "first");
  EXPECT_EQ(c[9], "last");
  EXPECT_EQ(c[5], std::string(10000, 'q'));
  EXPECT_EQ(c[4], "4");
  EXPECT_EQ(c[6], "6");
  list.Set(5, "small", 4);
  EXPECT_EQ(ItemString(list.At(5)), "small");
  list.CheckInvariants();
}

TEST(ListValue, InsertAtPivot) {
  ListValue list;
  for (const char* v : {"a", "b", "c", "b"}) list.Push(ListEnd::kTail, v, 2);
  EXPECT_FALSE(list.InsertAtPivot(ListNeedle("zz"), "x", false, 2));
  EXPECT_TRUE(list.InsertAtPivot(ListNeedle("b"), "x", false, 2));
  EXPECT_TRUE(list.InsertAtPivot(ListNeedle("b"), "y", true, 2));
  EXPECT_TRUE(list.InsertAtPivot(ListNeedle("a"), "0", false, 2));
  EXPECT_TRUE(list.InsertAtPivot(ListNeedle("b"), "z", true, 2));
  EXPECT_EQ(Contents(list), (std::vector<std::string>{"0", "a", "x", "b", "z", "y", "c", "b"}));
  list.CheckInvariants();
}

TEST(ListValue, RemoveFromHeadAndTail) {
  ListValue list;
  for (const char* v : {"a", "b", "a", "c", "a", "d", "a"}) list.Push(ListEnd::kTail, v, 2);
  EXPECT_EQ(list.Remove(ListNeedle("a"), 2, false, 2), 2u);
  EXPECT_EQ(Contents(list), (std::vector<std::string>{"b", "c", "a", "d", "a"}));
  EXPECT_EQ(list.Remove(ListNeedle("a"), 1, true, 2), 1u);
  EXPECT_EQ(Contents(list), (std::vector<std::string>{"b", "c", "a", "d"}));
  EXPECT_EQ(list.Remove(ListNeedle("zz"), 0, false, 2), 0u);
  EXPECT_EQ(list.Remove(ListNeedle("a"), 0, true, 2), 1u);
  EXPECT_EQ(list.Remove(ListNeedle("b"), 0, false, 2), 1u);
  EXPECT_EQ(Contents(list), (std::vector<std::string>{"c", "d"}));
  list.CheckInvariants();
}

TEST(ListValue, EraseRanges) {
  ListValue list;
  for (int i = 0; i < 100; ++i) list.Push(ListEnd::kTail, std::to_string(i), 8);
  list.Erase(0, 10, 8);
  list.Erase(80, 10, 8);
  list.Erase(30, 17, 8);
  list.CheckInvariants();
  auto c = Contents(list);
  ASSERT_EQ(c.size(), 63u);
  EXPECT_EQ(c[0], "10");
  EXPECT_EQ(c[29], "39");
  EXPECT_EQ(c[30], "57");
  EXPECT_EQ(c.back(), "89");
  list.Erase(0, list.size(), 8);
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.node_count(), 0u);
  list.CheckInvariants();
}

TEST(ListValue, CloneIsDeep) {
  ListValue list;
  for (int i = 0; i < 1000; ++i) list.Push(ListEnd::kTail, "v" + std::to_string(i), -1);
  auto copy = list.Clone();
  auto* c = static_cast<ListValue*>(copy.get());
  list.Set(0, "changed", -1);
  list.Pop(ListEnd::kTail);
  EXPECT_EQ(c->size(), 1000u);
  EXPECT_EQ(ItemString(c->At(0)), "v0");
  EXPECT_EQ(ItemString(c->At(999)), "v999");
  c->CheckInvariants();
}

// Memory is a running total that follows growth and shrinkage (CheckInvariants recomputes it).
TEST(ListValue, MemoryFollowsContents) {
  ListValue list;
  const size_t empty = list.MemoryUsage();
  for (int i = 0; i < 10000; ++i) list.Push(ListEnd::kTail, "element-" + std::to_string(i), -2);
  const size_t full = list.MemoryUsage();
  EXPECT_GT(full, empty + 10000 * 10);
  EXPECT_LT(full, empty + 10000 * 20);  // ~14 bytes of entry per element, little slack
  list.CheckInvariants();
  while (list.size() > 10) list.Pop(ListEnd::kHead);
  EXPECT_LT(list.MemoryUsage(), empty + 1024);
  list.CheckInvariants();
}

// A small list is one allocation for the value and one for its only node.
TEST(ListValue, SmallListIsCompact) {
  ListValue list;
  for (const char* v : {"a", "b", "c"}) list.Push(ListEnd::kTail, v, kDefaultListFill);
  EXPECT_EQ(list.node_count(), 1u);
  // Redis 7.0: robj 16 + quicklist 48 + node 32 + listpack 16 (jemalloc classes) = 112.
  EXPECT_LE(list.MemoryUsage(), 112u);
}

// Pushing at the head is O(1): the node keeps room in front instead of moving its entries.
TEST(ListValue, HeadPushesKeepFrontRoom) {
  ListValue list;
  for (int i = 0; i < 200000; ++i) list.Push(ListEnd::kHead, "xyz", -5);
  EXPECT_EQ(list.size(), 200000u);
  list.CheckInvariants();
}

// Random operations against std::deque, across fills that force many small nodes, splits and
// merges, with every kind of encoding.
TEST(ListValue, ModelTest) {
  std::mt19937_64 rng(20240611);
  auto random_value = [&]() -> std::string {
    switch (rng() % 6) {
      case 0:
        return std::to_string(static_cast<int64_t>(rng() % 200) - 100);
      case 1:
        return std::to_string(static_cast<int64_t>(rng()));
      case 2:
        return std::string(1 + rng() % 3, static_cast<char>('a' + rng() % 3));
      case 3:
        return std::string(60 + rng() % 10, 'm');
      case 4:
        return std::string(rng() % 5000, 'L');
      default:
        return "0" + std::to_string(rng() % 10);  // not canonical: stays bytes
    }
  };
  for (int fill : {-2, -1, 1, 3, 16, 0, -5}) {
    SCOPED_TRACE(fill);
    ListValue list;
    std::deque<std::string> model;
    for (int step = 0; step < 6000; ++step) {
      const int op = static_cast<int>(rng() % 14);
      const bool head = rng() % 2;
      switch (op) {
        case 0:
        case 1:
        case 2: {
          std::string v = random_value();
          list.Push(head ? ListEnd::kHead : ListEnd::kTail, v, fill);
          head ? model.push_front(v) : model.push_back(v);
          break;
        }
        case 3:
        case 4:
          if (model.empty()) break;
          ASSERT_EQ(ItemString(list.Peek(head ? ListEnd::kHead : ListEnd::kTail)),
                    head ? model.front() : model.back());
          list.Pop(head ? ListEnd::kHead : ListEnd::kTail);
          head ? model.pop_front() : model.pop_back();
          break;
        case 5:
          if (model.empty()) break;
          {
            size_t i = rng() % model.size();
            ASSERT_EQ(ItemString(list.At(i)), model[i]);
          }
          break;
        case 6:
          if (model.empty()) break;
          {
            size_t i = rng() % model.size();
            std::string v = random_value();
            list.Set(i, v, fill);
            model[i] = v;
          }
          break;
        case 7: {
          std::string pivot = random_value();
          std::string v = random_value();
          const bool after = rng() % 2;
          auto it = std::find(model.begin(), model.end(), pivot);
          ASSERT_EQ(list.InsertAtPivot(ListNeedle(pivot), v, after, fill), it != model.end());
          if (it != model.end()) model.insert(after ? it + 1 : it, v);
          break;
        }
        case 8: {
          std::string v =
              model.empty() || rng() % 3 == 0 ? random_value() : model[rng() % model.size()];
          const size_t limit = rng() % 3;
          const bool from_tail = rng() % 2;
          size_t expect = 0;
          if (!from_tail) {
            for (auto it = model.begin(); it != model.end();) {
              if (*it == v && (limit == 0 || expect < limit)) {
                it = model.erase(it);
                ++expect;
              } else {
                ++it;
              }
            }
          } else {
            for (size_t i = model.size(); i > 0; --i) {
              if (model[i - 1] == v && (limit == 0 || expect < limit)) {
                model.erase(model.begin() + static_cast<std::ptrdiff_t>(i - 1));
                ++expect;
              }
            }
          }
          ASSERT_EQ(list.Remove(ListNeedle(v), limit, from_tail, fill), expect);
          break;
        }
        case 9:
          if (model.empty()) break;
          {
            size_t start = rng() % model.size();
            size_t n = rng() % (model.size() - start + 1);
            if (rng() % 4 == 0) n = std::min<size_t>(n, 3);
            list.Erase(start, n, fill);
            model.erase(model.begin() + static_cast<std::ptrdiff_t>(start),
                        model.begin() + static_cast<std::ptrdiff_t>(start + n));
          }
          break;
        case 10:
          if (model.empty()) break;
          {
            // A range read in either direction from a random index.
            size_t i = rng() % model.size();
            const bool forward = rng() % 2;
            ListValue::Iterator it(list, i, forward);
            size_t n = forward ? model.size() - i : i + 1;
            n = std::min<size_t>(n, 50);
            for (size_t k = 0; k < n; ++k) {
              ASSERT_EQ(ItemString(it.Next()), model[forward ? i + k : i - k]);
            }
          }
          break;
        case 11:
          // Bursts of pushes at one end, as LPUSH/RPUSH with many arguments.
          for (int k = 0; k < 40; ++k) {
            std::string v = std::to_string(rng() % 1000);
            list.Push(head ? ListEnd::kHead : ListEnd::kTail, v, fill);
            head ? model.push_front(v) : model.push_back(v);
          }
          break;
        case 12:
          // Rotation, as LMOVE src src.
          if (model.empty()) break;
          {
            std::string v = ItemString(list.Peek(head ? ListEnd::kHead : ListEnd::kTail));
            list.Pop(head ? ListEnd::kHead : ListEnd::kTail);
            list.Push(head ? ListEnd::kTail : ListEnd::kHead, v, fill);
            if (head) {
              model.pop_front();
              model.push_back(v);
            } else {
              model.pop_back();
              model.push_front(v);
            }
          }
          break;
        default:
          if (model.size() > 400) {
            // Keep the list from growing without bound: trim as LTRIM would.
            size_t keep = 100 + rng() % 100;
            size_t left = rng() % (model.size() - keep);
            list.Erase(0, left, fill);
            list.Erase(list.size() - (model.size() - keep - left), model.size() - keep - left,
                       fill);
            model.erase(model.begin(), model.begin() + static_cast<std::ptrdiff_t>(left));
            model.resize(keep);
          }
          break;
      }
      ASSERT_EQ(list.size(), model.size()) << "step " << step << " op " << op;
      if (step % 50 == 0) {
        list.CheckInvariants();
        ASSERT_EQ(Contents(list), std::vector<std::string>(model.begin(), model.end()));
      }
    }
    list.CheckInvariants();
    ASSERT_EQ(Contents(list), std::vector<std::string>(model.begin(), model.end()));
    std::vector<std::string> reversed(model.rbegin(), model.rend());
    ASSERT_EQ(ContentsBackwards(list), reversed);
    auto copy = list.Clone();
    static_cast<ListValue*>(copy.get())->CheckInvariants();
    ASSERT_EQ(Contents(*static_cast<ListValue*>(copy.get())),
              std::vector<std::string>(model.begin(), model.end()));
  }
}

}  // namespace
}  // namespace cachet::storage
