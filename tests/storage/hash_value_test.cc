// HashValue: listpack entry formats, conversion to hashtable, sampling, and a model test.
#include "cachet/storage/hash_value.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cachet::storage {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs AllPairs(const HashValue& h) {
  Pairs out;
  h.ForEach([&](std::string_view f, std::string_view v) { out.emplace_back(f, v); });
  return out;
}

std::optional<std::string> GetStr(const HashValue& h, std::string_view field) {
  HashValue::NumBuf buf;
  auto v = h.Get(field, &buf);
  if (!v) return std::nullopt;
  return std::string(*v);
}

constexpr HashLimits kDefault{};

TEST(HashValue, StartsAsEmptyListpack) {
  HashValue h;
  EXPECT_EQ(h.type(), ValueType::kHash);
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  EXPECT_EQ(h.size(), 0u);
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.ElementCount(), 0u);
  EXPECT_FALSE(h.Contains("a"));
  EXPECT_EQ(GetStr(h, "a"), std::nullopt);
  EXPECT_TRUE(AllPairs(h).empty());
  // Nothing but the object itself.
  EXPECT_EQ(h.MemoryUsage(), 24u);
  EXPECT_FALSE(h.Delete("a"));
}

TEST(HashValue, SetGetUpdateDelete) {
  HashValue h;
  EXPECT_TRUE(h.Set("f1", "v1", kDefault));
  EXPECT_TRUE(h.Set("f2", "v2", kDefault));
  EXPECT_FALSE(h.Set("f1", "new", kDefault));
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(GetStr(h, "f1"), "new");
  EXPECT_EQ(GetStr(h, "f2"), "v2");
  EXPECT_TRUE(h.Contains("f2"));
  EXPECT_FALSE(h.Contains("f3"));
  EXPECT_EQ(AllPairs(h), (Pairs{{"f1", "new"}, {"f2", "v2"}}));
  EXPECT_TRUE(h.Delete("f1"));
  EXPECT_FALSE(h.Delete("f1"));
  EXPECT_EQ(AllPairs(h), (Pairs{{"f2", "v2"}}));
  EXPECT_TRUE(h.Delete("f2"));
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.MemoryUsage(), 24u);
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
}

TEST(HashValue, ListpackKeepsInsertionOrderAcrossUpdates) {
  HashValue h;
  for (const char* f : {"c", "a", "b", "d"}) h.Set(f, f, kDefault);
  h.Set("a", std::string(100, 'x'), HashLimits{.max_listpack_value = 1000});  // grows in place
  h.Set("b", "", kDefault);                                                   // shrinks in place
  h.Delete("c");
  h.Set("c", "again", kDefault);  // re-added at the end
  EXPECT_EQ(AllPairs(h),
            (Pairs{{"a", std::string(100, 'x')}, {"b", ""}, {"d", "d"}, {"c", "again"}}));
}

TEST(HashValue, IntegersRoundTripAtEveryWidth) {
  const std::vector<std::string> numbers = {"0",
                                            "1",
                                            "127",
                                            "128",
                                            "-1",
                                            "-4096",
                                            "4095",
                                            "-4097",
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
                                            "-9223372036854775808"};
  // Look-alikes that must stay strings, byte for byte.
  const std::vector<std::string> strings = {"007",
                                            "-0",
                                            "+5",
                                            "1.0",
                                            " 1",
                                            "1 ",
                                            "",
                                            "9223372036854775808",
                                            "-9223372036854775809",
                                            std::string("1\0", 2)};
  HashValue h;
  for (const auto& s : numbers) h.Set(s, s, kDefault);
  for (const auto& s : strings) h.Set("s" + s, s, kDefault);
  for (const auto& s : numbers) {
    EXPECT_EQ(GetStr(h, s), s);
    EXPECT_TRUE(h.Contains(s));
  }
  for (const auto& s : strings) EXPECT_EQ(GetStr(h, "s" + s), s) << s;
  // An integer field is not found by a non-canonical spelling, nor the reverse.
  EXPECT_FALSE(h.Contains("0127"));
  EXPECT_FALSE(h.Contains("+1"));
  EXPECT_FALSE(h.Contains("s7"));
  EXPECT_EQ(h.size(), numbers.size() + strings.size());
  Pairs all = AllPairs(h);
  ASSERT_EQ(all.size(), h.size());
  for (size_t i = 0; i < numbers.size(); ++i)
    EXPECT_EQ(all[i], std::make_pair(numbers[i], numbers[i]));
}

TEST(HashValue, LongStringsUseEveryLengthHeader) {
  const HashLimits big{.max_listpack_entries = 512, .max_listpack_value = 1 << 20};
  HashValue h;
  const std::vector<size_t> lengths = {0, 1, 63, 64, 4095, 4096, 70000};
  for (size_t len : lengths) h.Set(std::string(len, 'f'), std::string(len + 1, 'v'), big);
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  for (size_t len : lengths) EXPECT_EQ(GetStr(h, std::string(len, 'f')), std::string(len + 1, 'v'));
  // Resize values across header widths, both ways.
  h.Set(std::string(63, 'f'), std::string(5000, 'w'), big);
  h.Set(std::string(4096, 'f'), "short", big);
  EXPECT_EQ(GetStr(h, std::string(63, 'f'))->size(), 5000u);
  EXPECT_EQ(GetStr(h, std::string(4096, 'f')), "short");
  EXPECT_EQ(GetStr(h, std::string(70000, 'f'))->size(), 70001u);
  EXPECT_EQ(GetStr(h, ""), "v");
}

TEST(HashValue, ConvertsPastTheEntryLimit) {
  const HashLimits limits{.max_listpack_entries = 3, .max_listpack_value = 64};
  HashValue h;
  h.Set("a", "1", limits);
  h.Set("b", "2", limits);
  h.Set("c", "3", limits);
  h.Set("c", "33", limits);  // updates do not count
  EXPECT_EQ(h.encoding(), Encoding::kListpack);
  h.Set("d", "4", limits);
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(h.size(), 4u);
  EXPECT_EQ(GetStr(h, "c"), "33");
  // One way: deleting down to one field keeps the hashtable.
  h.Delete("a");
  h.Delete("b");
  h.Delete("c");
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  EXPECT_EQ(AllPairs(h), (Pairs{{"d", "4"}}));
}

TEST(HashValue, ZeroEntryLimitConvertsOnFirstWrite) {
  HashValue h;
  h.Set("a", "1", HashLimits{.max_listpack_entries = 0, .max_listpack_value = 64});
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
}

TEST(HashValue, ConvertsOnLongFieldOrValue) {
  const HashLimits limits{.max_listpack_entries = 128, .max_listpack_value = 4};
  HashValue a, b, c;
  a.Set("abcd", "1234", limits);
  EXPECT_EQ(a.encoding(), Encoding::kListpack);
  a.Set("abcde", "1", limits);
  EXPECT_EQ(a.encoding(), Encoding::kHashtable);
  b.Set("f", "12345", limits);
  EXPECT_EQ(b.encoding(), Encoding::kHashtable);
  // ConvertForWrite looks at every argument before anything is set.
  const std::vector<std::string> args = {"f", "v", "g", "12345"};
  c.ConvertForWrite(args, limits);
  EXPECT_EQ(c.encoding(), Encoding::kHashtable);
  HashValue d;
  const std::vector<std::string> small = {"f", "v", "g", "1234"};
  d.ConvertForWrite(small, limits);
  EXPECT_EQ(d.encoding(), Encoding::kListpack);
}

TEST(HashValue, HashtableCountsValueBytes) {
  HashValue h;
  h.ConvertToHashtable();
  EXPECT_EQ(h.encoding(), Encoding::kHashtable);
  const size_t empty = h.MemoryUsage();
  h.Set("f", "short", kDefault);
  const size_t one = h.MemoryUsage();
  EXPECT_GT(one, empty);
  h.Set("f", std::string(1000, 'x'), kDefault);
  EXPECT_GE(h.MemoryUsage(), one + 1000);
  h.Set("f", "short", kDefault);  // the string keeps its capacity
  EXPECT_GE(h.MemoryUsage(), one + 1000);
  h.Delete("f");
  EXPECT_LT(h.MemoryUsage(), one);
}

TEST(HashValue, CloneIsDeep) {
  for (bool table : {false, true}) {
    HashValue h;
    h.Set("a", "1", kDefault);
    h.Set("b", std::string(40, 'y'), kDefault);
    if (table) h.ConvertToHashtable();
    auto copy = h.Clone();
    auto* c = static_cast<HashValue*>(copy.get());
    EXPECT_EQ(c->encoding(), h.encoding());
    EXPECT_EQ(c->size(), h.size());
    h.Set("a", "changed", kDefault);
    h.Delete("b");
    EXPECT_EQ(GetStr(*c, "a"), "1");
    EXPECT_EQ(GetStr(*c, "b"), std::string(40, 'y'));
  }
}

TEST(HashValue, ReleaseMovesTheContents) {
  for (bool table : {false, true}) {
    HashValue h;
    h.Set("a", "1", kDefault);
    if (table) h.ConvertToHashtable();
    const size_t bytes = h.MemoryUsage();
    std::unique_ptr<HashValue> moved = h.Release();
    EXPECT_TRUE(h.empty());
    EXPECT_EQ(h.encoding(), Encoding::kListpack);
    EXPECT_EQ(h.MemoryUsage(), 24u);
    EXPECT_EQ(moved->encoding(), table ? Encoding::kHashtable : Encoding::kListpack);
    EXPECT_EQ(moved->MemoryUsage(), bytes);
    EXPECT_EQ(GetStr(*moved, "a"), "1");
  }
}

// Bytes Redis 7.0 (jemalloc) spends on a listpack hash of these string pairs: the 16-byte
// robj plus the listpack (6-byte header, entries with their back-length, end byte) rounded
// to jemalloc's size class.
size_t RedisListpackHashBytes(const Pairs& pairs) {
  size_t lp = 7;
  auto entry = [](size_t len) {
    const size_t hdr = len < 64 ? 1 : len < 4096 ? 2 : 5;
    const size_t body = hdr + len;
    return body + (body < 128 ? 1 : body < 16384 ? 2 : 3);
  };
  for (const auto& [f, v] : pairs) lp += entry(f.size()) + entry(v.size());
  size_t cls = 8;
  while (cls < lp) {
    // jemalloc classes: 8, 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320...
    const size_t step = cls < 128 ? 16 : size_t{1} << (63 - __builtin_clzll(cls) - 2);
    cls = cls < 16 ? 16 : cls + step;
  }
  return 16 + cls;
}

TEST(HashValue, SmallHashIsNoLargerThanRedisListpack) {
  HashValue h;
  Pairs pairs;
  for (int i = 0; i < 10; ++i) {
    pairs.emplace_back("field:" + std::to_string(i), "value-" + std::to_string(i * 7));
    h.Set(pairs.back().first, pairs.back().second, kDefault);
  }
  EXPECT_LE(h.MemoryUsage(), RedisListpackHashBytes(pairs));
  // Numeric values are stored as integers: smaller still.
  HashValue n;
  Pairs num_pairs;
  for (int i = 0; i < 10; ++i) {
    num_pairs.emplace_back("f" + std::to_string(i), std::to_string(100000 + i));
    n.Set(num_pairs.back().first, num_pairs.back().second, kDefault);
  }
  EXPECT_LE(n.MemoryUsage(), RedisListpackHashBytes(num_pairs));
}

TEST(HashValue, ScanStepCoversTheTable) {
  HashValue h;
  h.ConvertToHashtable();
  for (int i = 0; i < 1000; ++i) h.Set("f" + std::to_string(i), std::to_string(i), kDefault);
  std::set<std::string> seen;
  uint64_t cursor = 0;
  size_t steps = 0;
  do {
    cursor = h.ScanStep(cursor, [&](std::string_view f, std::string_view v) {
      EXPECT_EQ("f" + std::string(v), f);
      seen.emplace(f);
    });
    ++steps;
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_GT(steps, 1u);
  // A listpack is covered in one step.
  HashValue small;
  small.Set("a", "1", kDefault);
  small.Set("b", "2", kDefault);
  Pairs got;
  EXPECT_EQ(small.ScanStep(12345,
                           [&](std::string_view f, std::string_view v) { got.emplace_back(f, v); }),
            0u);
  EXPECT_EQ(got, (Pairs{{"a", "1"}, {"b", "2"}}));
}

TEST(HashValue, RandomSampling) {
  HashValue::Rng rng(42);
  for (bool table : {false, true}) {
    SCOPED_TRACE(table ? "hashtable" : "listpack");
    HashValue h;
    std::map<std::string, std::string> model;
    for (int i = 0; i < 20; ++i) {
      const std::string f = "f" + std::to_string(i), v = std::to_string(i * 3);
      h.Set(f, v, kDefault);
      model[f] = v;
    }
    if (table) h.ConvertToHashtable();

    // With replacement: every draw is a real pair; all fields come up over many draws.
    std::map<std::string, int> hits;
    size_t draws = 0;
    h.RandomPairs(4000, rng, [&](std::string_view f, std::string_view v) {
      EXPECT_EQ(model.at(std::string(f)), v);
      ++hits[std::string(f)];
      ++draws;
    });
    EXPECT_EQ(draws, 4000u);
    EXPECT_EQ(hits.size(), 20u);
    for (const auto& [f, n] : hits) EXPECT_GT(n, 100) << f;  // expected 200 each

    // Without replacement, for every count: distinct, real, exactly min(count, size).
    for (size_t count = 0; count <= 25; ++count) {
      std::set<std::string> got;
      size_t n = 0;
      h.RandomDistinctPairs(count, rng, [&](std::string_view f, std::string_view v) {
        EXPECT_EQ(model.at(std::string(f)), v);
        got.emplace(f);
        ++n;
      });
      EXPECT_EQ(n, std::min<size_t>(count, 20));
      EXPECT_EQ(got.size(), n);
    }
    // Distinct draws of 2 out of 20 reach every field over many calls.
    std::set<std::string> reached;
    for (int i = 0; i < 400; ++i) {
      h.RandomDistinctPairs(2, rng,
                            [&](std::string_view f, std::string_view) { reached.emplace(f); });
    }
    EXPECT_EQ(reached.size(), 20u);

    int singles = 0;
    h.RandomPair(rng, [&](std::string_view f, std::string_view) {
      EXPECT_TRUE(model.count(std::string(f)));
      ++singles;
    });
    EXPECT_EQ(singles, 1);
  }
  // Single draws from a larger table (the rejection-sampled path) reach every field about
  // equally often.
  HashValue big;
  for (int i = 0; i < 200; ++i) big.Set("f" + std::to_string(i), "v", kDefault);
  big.ConvertToHashtable();
  std::map<std::string, int> single_hits;
  for (int i = 0; i < 20000; ++i) {
    big.RandomPair(rng,
                   [&](std::string_view f, std::string_view) { ++single_hits[std::string(f)]; });
  }
  EXPECT_EQ(single_hits.size(), 200u);
  for (const auto& [f, n] : single_hits) {
    EXPECT_GT(n, 50) << f;  // expected 100 each, standard deviation 10
    EXPECT_LT(n, 150) << f;
  }

  HashValue empty;
  int calls = 0;
  empty.RandomPairs(5, rng, [&](std::string_view, std::string_view) { ++calls; });
  empty.RandomPair(rng, [&](std::string_view, std::string_view) { ++calls; });
  EXPECT_EQ(calls, 0);
}

// A random field or value: small and large integers, integer look-alikes, strings of
// lengths around the listpack's header widths, binary bytes.
std::string RandomString(std::mt19937_64& rng, size_t max_len) {
  switch (rng() % 8) {
    case 0:
      return std::to_string(static_cast<int64_t>(rng() % 300) - 150);
    case 1:
      return std::to_string(static_cast<int64_t>(rng()));
    case 2: {
      static const char* kLookAlikes[] = {"-0", "01", "+1", "1.5", " 2", "", "00"};
      return kLookAlikes[rng() % 7];
    }
    case 3: {
      std::string s(rng() % 4, '\0');
      for (char& c : s) c = static_cast<char>(rng());
      return s;
    }
    default: {
      // Mostly short; now and then long enough to force a conversion.
      static const size_t kLens[] = {1, 2, 5, 63, 64, 65, 100};
      const size_t len = rng() % 24 == 0 ? std::min(max_len, kLens[rng() % 7]) : 1 + rng() % 12;
      return "k" + std::string(len > 0 ? len - 1 : 0, static_cast<char>('a' + rng() % 3)) +
             std::to_string(rng() % 40);
    }
  }
}

// Thousands of random writes and reads against a std::map (plus the insertion order a
// listpack must keep), across conversions, checked after every step.
TEST(HashValue, MatchesModelAcrossConversions) {
  std::mt19937_64 rng(20240611);
  HashValue::Rng sample_rng(7);
  for (int round = 0; round < 40; ++round) {
    const HashLimits limits{.max_listpack_entries = 8 + rng() % 64,
                            .max_listpack_value = 16 + rng() % 100};
    HashValue h;
    std::map<std::string, std::string> model;
    std::vector<std::string> order;  // insertion order while a listpack
    bool converted = false;
    for (int step = 0; step < 400; ++step) {
      const std::string field = RandomString(rng, 120);
      const uint64_t op = rng() % 10;
      if (op < 5) {
        const std::string value = RandomString(rng, 120);
        const bool added = h.Set(field, value, limits);
        EXPECT_EQ(added, model.count(field) == 0);
        if (added) order.push_back(field);
        model[field] = value;
        if (field.size() > limits.max_listpack_value || value.size() > limits.max_listpack_value ||
            model.size() > limits.max_listpack_entries)
          converted = true;
      } else if (op < 8) {
        const bool had = model.erase(field) > 0;
        EXPECT_EQ(h.Delete(field), had);
        if (had) order.erase(std::find(order.begin(), order.end(), field));
      } else {
        EXPECT_EQ(GetStr(h, field),
                  model.count(field) ? std::optional(model[field]) : std::nullopt);
        EXPECT_EQ(h.Contains(field), model.count(field) > 0);
      }
      ASSERT_EQ(h.size(), model.size());
      ASSERT_EQ(h.encoding(), converted ? Encoding::kHashtable : Encoding::kListpack)
          << "round " << round << " step " << step;
      if (step % 25 == 0) {
        Pairs all = AllPairs(h);
        if (!converted) {
          Pairs expected;
          for (const auto& f : order) expected.emplace_back(f, model[f]);
          ASSERT_EQ(all, expected);
        } else {
          std::sort(all.begin(), all.end());
          ASSERT_EQ(all, Pairs(model.begin(), model.end()));
        }
        // A clone holds the same pairs (a listpack: the same bytes, in the same order).
        auto copy = h.Clone();
        Pairs copied = AllPairs(*static_cast<HashValue*>(copy.get()));
        if (converted) {
          std::sort(copied.begin(), copied.end());
          EXPECT_EQ(copied, Pairs(model.begin(), model.end()));
        } else {
          EXPECT_EQ(copied, AllPairs(h));
          // The same bytes; malloc may round either buffer up by a chunk's slack.
          EXPECT_LE(copy->MemoryUsage(), h.MemoryUsage() + 32);
          EXPECT_LE(h.MemoryUsage(), copy->MemoryUsage() + 32);
        }
        // Sampling sees only real pairs.
        h.RandomDistinctPairs(3, sample_rng, [&](std::string_view f, std::string_view v) {
          EXPECT_EQ(model.at(std::string(f)), v);
        });
      }
    }
  }
}

}  // namespace
}  // namespace cachet::storage
