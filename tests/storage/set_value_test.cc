// SetValue: intset widths and conversions, hashtable behaviour, memory figures, and a model test
// of random operations against std::set across encoding conversions.
#include "cachet/storage/set_value.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <climits>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace cachet::storage {
namespace {

constexpr size_t kDefaultMax = 512;  // set-max-intset-entries

std::vector<std::string> Members(const SetValue& s) {
  std::vector<std::string> out;
  s.ForEach([&](std::string_view m) { out.emplace_back(m); });
  return out;
}

std::set<std::string> MemberSet(const SetValue& s) {
  std::set<std::string> out;
  s.ForEach([&](std::string_view m) { EXPECT_TRUE(out.emplace(m).second) << m; });
  return out;
}

TEST(StorageSetValue, EmptyIsIntset) {
  SetValue s;
  EXPECT_TRUE(s.is_intset());
  EXPECT_EQ(s.encoding(), Encoding::kIntset);
  EXPECT_EQ(s.type(), ValueType::kSet);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.empty());
  EXPECT_FALSE(s.Contains("1"));
  EXPECT_FALSE(s.Remove("1"));
}

TEST(StorageSetValue, CreateForPicksEncodingLikeSetTypeCreate) {
  EXPECT_TRUE(SetValue::CreateFor("123")->is_intset());
  EXPECT_TRUE(SetValue::CreateFor("-9223372036854775808")->is_intset());
  EXPECT_FALSE(SetValue::CreateFor("9223372036854775808")->is_intset());
  EXPECT_FALSE(SetValue::CreateFor("01")->is_intset());
  EXPECT_FALSE(SetValue::CreateFor("-0")->is_intset());
  EXPECT_FALSE(SetValue::CreateFor("+1")->is_intset());
  EXPECT_FALSE(SetValue::CreateFor("")->is_intset());
  EXPECT_FALSE(SetValue::CreateFor("a")->is_intset());
}

TEST(StorageSetValue, IntsetKeepsMembersSortedAndUnique) {
  SetValue s;
  for (const char* m : {"5", "-3", "100", "0", "5", "-3"}) s.Add(m, kDefaultMax);
  EXPECT_EQ(Members(s), (std::vector<std::string>{"-3", "0", "5", "100"}));
  EXPECT_EQ(s.size(), 4u);
  EXPECT_TRUE(s.is_intset());
  EXPECT_EQ(s.IntWidth(), 2u);
  EXPECT_TRUE(s.Contains("100"));
  EXPECT_FALSE(s.Contains("101"));
  EXPECT_FALSE(s.Contains("0100"));  // not canonical: not a member of an intset
  EXPECT_TRUE(s.ContainsInt(-3));
  EXPECT_FALSE(s.ContainsInt(70000));  // wider than the intset: not searched
}

TEST(StorageSetValue, AddReportsWhetherAdded) {
  SetValue s;
  EXPECT_TRUE(s.Add("1", kDefaultMax));
  EXPECT_FALSE(s.Add("1", kDefaultMax));
  EXPECT_TRUE(s.Add("x", kDefaultMax));
  EXPECT_FALSE(s.Add("x", kDefaultMax));
  EXPECT_FALSE(s.Add("1", kDefaultMax));
  EXPECT_TRUE(s.AddInt(2, kDefaultMax));
  EXPECT_FALSE(s.AddInt(2, kDefaultMax));
  EXPECT_EQ(s.size(), 3u);
}

TEST(StorageSetValue, WidthUpgradesAsRedisIntsetDoes) {
  SetValue s;
  s.Add("1", kDefaultMax);
  s.Add("32767", kDefaultMax);
  s.Add("-32768", kDefaultMax);
  EXPECT_EQ(s.IntWidth(), 2u);
  s.Add("32768", kDefaultMax);  // appended after widening
  EXPECT_EQ(s.IntWidth(), 4u);
  s.Add("-2147483648", kDefaultMax);
  EXPECT_EQ(s.IntWidth(), 4u);
  s.Add("-2147483649", kDefaultMax);  // prepended after widening
  EXPECT_EQ(s.IntWidth(), 8u);
  s.Add("9223372036854775807", kDefaultMax);
  s.Add("-9223372036854775808", kDefaultMax);
  EXPECT_EQ(Members(s),
            (std::vector<std::string>{"-9223372036854775808", "-2147483649", "-2147483648",
                                      "-32768", "1", "32767", "32768", "9223372036854775807"}));
  // Removing the wide members keeps the width (Redis never narrows an intset).
  EXPECT_TRUE(s.Remove("-9223372036854775808"));
  EXPECT_TRUE(s.Remove("9223372036854775807"));
  EXPECT_TRUE(s.Remove("-2147483649"));
  EXPECT_EQ(s.IntWidth(), 8u);
  EXPECT_EQ(Members(s), (std::vector<std::string>{"-2147483648", "-32768", "1", "32767", "32768"}));
}

TEST(StorageSetValue, UpgradeFromEmptyAndFromOneMember) {
  SetValue a;
  a.AddInt(INT64_MIN, kDefaultMax);
  EXPECT_EQ(a.IntWidth(), 8u);
  EXPECT_EQ(Members(a), (std::vector<std::string>{"-9223372036854775808"}));
  SetValue b;
  b.AddInt(7, kDefaultMax);
  b.AddInt(100000, kDefaultMax);
  EXPECT_EQ(Members(b), (std::vector<std::string>{"7", "100000"}));
  b.AddInt(-100000, kDefaultMax);
  EXPECT_EQ(Members(b), (std::vector<std::string>{"-100000", "7", "100000"}));
}

TEST(StorageSetValue, NonIntegerConvertsToHashtable) {
  SetValue s;
  s.Add("1", kDefaultMax);
  s.Add("2", kDefaultMax);
  EXPECT_TRUE(s.Add("a", kDefaultMax));
  EXPECT_FALSE(s.is_intset());
  EXPECT_EQ(s.encoding(), Encoding::kHashtable);
  EXPECT_EQ(MemberSet(s), (std::set<std::string>{"1", "2", "a"}));
  // Back to integers only: still a hashtable.
  s.Remove("a");
  EXPECT_FALSE(s.is_intset());
  EXPECT_TRUE(s.Contains("1"));
  EXPECT_TRUE(s.ContainsInt(2));
  EXPECT_FALSE(s.ContainsInt(3));
}

TEST(StorageSetValue, ConvertsPastMaxEntries) {
  SetValue s;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(s.AddInt(i, 4));
  EXPECT_TRUE(s.is_intset());
  EXPECT_FALSE(s.AddInt(3, 4));  // not added: no conversion
  EXPECT_TRUE(s.is_intset());
  EXPECT_TRUE(s.AddInt(4, 4));
  EXPECT_FALSE(s.is_intset());
  EXPECT_EQ(s.size(), 5u);
  SetValue zero;
  zero.AddInt(1, 0);  // set-max-intset-entries 0: a hashtable from the first member
  EXPECT_FALSE(zero.is_intset());
}

TEST(StorageSetValue, InlineAndHeapStorage) {
  // Ten 16-bit members fit inside the object; the eleventh moves them to the heap, and
  // removing it brings them back.
  SetValue s;
  for (int i = 0; i < 10; ++i) s.AddInt(i * 3, kDefaultMax);
  EXPECT_EQ(s.MemoryUsage(), sizeof(SetValue));
  s.AddInt(1000, kDefaultMax);
  EXPECT_GT(s.MemoryUsage(), sizeof(SetValue));
  EXPECT_TRUE(s.Remove("1000"));
  EXPECT_EQ(s.MemoryUsage(), sizeof(SetValue));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(s.ContainsInt(i * 3)) << i;
  // Two 64-bit members fit; a third does not.
  SetValue w;
  w.AddInt(INT64_MAX, kDefaultMax);
  w.AddInt(INT64_MIN, kDefaultMax);
  EXPECT_EQ(w.MemoryUsage(), sizeof(SetValue));
  w.AddInt(0, kDefaultMax);
  EXPECT_GT(w.MemoryUsage(), sizeof(SetValue));
  EXPECT_EQ(Members(w),
            (std::vector<std::string>{"-9223372036854775808", "0", "9223372036854775807"}));
}

TEST(StorageSetValue, MemoryUsageTracksContents) {
  SetValue s;
  const size_t empty = s.MemoryUsage();
  for (int i = 0; i < 200; ++i) s.AddInt(i, kDefaultMax);
  const size_t ints = s.MemoryUsage();
  EXPECT_GE(ints, empty + 400);  // 200 16-bit members on the heap
  s.Add("a-member-longer-than-the-small-string-buffer", kDefaultMax);
  EXPECT_GT(s.MemoryUsage(), ints);
  while (!s.empty()) {
    std::string m;
    s.ForEach([&](std::string_view x) { m.assign(x); });
    s.Remove(m);
  }
  EXPECT_LT(s.MemoryUsage(), ints);
}

TEST(StorageSetValue, CloneKeepsEncodingAndIsDeep) {
  SetValue ints;
  for (int i = 0; i < 50; ++i) ints.AddInt(i * 1000, kDefaultMax);
  auto copy = ints.Clone();
  auto* c = static_cast<SetValue*>(copy.get());
  EXPECT_TRUE(c->is_intset());
  EXPECT_EQ(Members(*c), Members(ints));
  c->AddInt(-1, kDefaultMax);
  EXPECT_FALSE(ints.ContainsInt(-1));

  SetValue strs;
  strs.Add("a", kDefaultMax);
  strs.Add("b", kDefaultMax);
  auto copy2 = strs.Clone();
  auto* c2 = static_cast<SetValue*>(copy2.get());
  EXPECT_FALSE(c2->is_intset());
  EXPECT_EQ(MemberSet(*c2), MemberSet(strs));
  c2->Remove("a");
  EXPECT_TRUE(strs.Contains("a"));
  EXPECT_EQ(c2->ElementCount(), 1u);
}

TEST(StorageSetValue, MoveLeavesEmptyIntset) {
  SetValue s;
  s.Add("x", kDefaultMax);
  SetValue moved(std::move(s));
  EXPECT_TRUE(moved.Contains("x"));
  EXPECT_TRUE(s.is_intset());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_TRUE(s.empty());
  SetValue heap;
  for (int i = 0; i < 100; ++i) heap.AddInt(i, kDefaultMax);
  SetValue moved2(std::move(heap));
  EXPECT_EQ(moved2.size(), 100u);
  EXPECT_TRUE(moved2.ContainsInt(99));
}

TEST(StorageSetValue, RandomMemberCoversEveryMember) {
  std::mt19937_64 rng(42);
  SetValue ints;
  for (int i = 0; i < 20; ++i) ints.AddInt(i, kDefaultMax);
  SetValue strs;
  for (int i = 0; i < 20; ++i) strs.Add("m" + std::to_string(i), kDefaultMax);
  for (SetValue* s : {&ints, &strs}) {
    std::set<std::string> seen;
    SetIntBuffer buf;
    for (int i = 0; i < 2000; ++i) {
      const std::string m(s->RandomMember(rng, &buf));
      EXPECT_TRUE(s->Contains(m)) << m;
      seen.insert(m);
    }
    EXPECT_EQ(seen.size(), 20u);
  }
}

TEST(StorageSetValue, HashtableScanVisitsEveryMember) {
  SetValue s;
  for (int i = 0; i < 1000; ++i) s.Add("k" + std::to_string(i), kDefaultMax);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = s.dict().ScanStep(cursor, [&](const SetValue::Dict::Node& n) { seen.insert(n.key); });
  } while (cursor != 0);
  EXPECT_EQ(seen, MemberSet(s));
}

// Random operations against std::set, members drawn from integers of every width, integer-like
// strings that are not canonical, and plain strings, with a small conversion threshold so that
// sets cross it; checked after every operation.
TEST(StorageSetValue, ModelTest) {
  std::mt19937_64 rng(20240611);
  auto random_member = [&]() -> std::string {
    switch (rng() % 8) {
      case 0:
        return std::to_string(static_cast<int64_t>(rng() % 200) - 100);
      case 1:
        return std::to_string(static_cast<int64_t>(rng() % 100000) - 50000);
      case 2:
        return std::to_string(static_cast<int64_t>(rng() % 6000000000ULL) - 3000000000LL);
      case 3:
        return std::to_string(static_cast<int64_t>(rng()));
      case 4: {
        static const char* kOdd[] = {
            "01", "-0", "+5", " 7", "7 ", "", "9223372036854775808", "-9223372036854775809", "1e3"};
        return kOdd[rng() % 9];
      }
      case 5:
        return "s" + std::to_string(rng() % 50);
      default:
        return std::to_string(static_cast<int64_t>(rng() % 40));
    }
  };
  for (int round = 0; round < 60; ++round) {
    const size_t max_entries = round % 3 == 0 ? 16 : (round % 3 == 1 ? 64 : 512);
    const bool ints_only = round % 2 == 0;
    SetValue s;
    std::set<std::string> model;
    bool was_hashtable = false;
    for (int op = 0; op < 800; ++op) {
      std::string m = random_member();
      if (ints_only) {
        int64_t v;
        if (!ParseCanonicalInt64(m, &v)) m = std::to_string(rng() % 1000);
      }
      const uint64_t kind = rng() % 10;
      if (kind < 5) {
        ASSERT_EQ(s.Add(m, max_entries), model.insert(m).second) << m;
      } else if (kind < 8) {
        ASSERT_EQ(s.Remove(m), model.erase(m) == 1) << m;
      } else if (kind < 9) {
        ASSERT_EQ(s.Contains(m), model.count(m) == 1) << m;
      } else if (!model.empty()) {
        SetIntBuffer buf;
        const std::string r(s.RandomMember(rng, &buf));
        ASSERT_EQ(model.count(r), 1u) << r;
      }
      ASSERT_EQ(s.size(), model.size());
      // The encoding Redis would have: a hashtable once any member was not a canonical int64
      // or the intset grew past the limit, forever after.
      if (s.is_intset()) {
        ASSERT_FALSE(was_hashtable);
        ASSERT_LE(s.size(), max_entries);
      } else {
        was_hashtable = true;
      }
      if (op % 50 == 0 || op == 799) {
        ASSERT_EQ(MemberSet(s), model);
        if (s.is_intset()) {
          const std::vector<std::string> members = Members(s);
          for (size_t i = 1; i < members.size(); ++i) {
            ASSERT_LT(std::stoll(members[i - 1]), std::stoll(members[i]));
          }
        }
        auto clone = s.Clone();
        ASSERT_EQ(MemberSet(*static_cast<SetValue*>(clone.get())), model);
        ASSERT_EQ(clone->encoding(), s.encoding());
      }
    }
  }
}

}  // namespace
}  // namespace cachet::storage
