// Unit and model tests of ZSetValue: both encodings, conversion, ranges, and a random model.
#include "cachet/storage/zset_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cachet::storage {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Holds a set and applies the replacements its mutations hand back.
struct Holder {
  ZSetValue::Ptr z = ZSetValue::NewListpack();
  ZSetLimits limits;

  ZAddResult Add(std::string_view m, double s, uint32_t flags = 0, double* out = nullptr) {
    double ns = 0;
    ZSetValue::Ptr repl;
    const ZAddResult r = z->Add(m, s, flags, limits, out ? out : &ns, &repl);
    if (repl) z = std::move(repl);
    return r;
  }
  void Shrink() {
    if (ZSetValue::Ptr r = z->ShrinkToFit()) z = std::move(r);
  }
  std::vector<std::pair<std::string, double>> All(bool reverse = false, size_t start = 0) const {
    std::vector<std::pair<std::string, double>> out;
    z->Walk(start, reverse, [&](std::string_view m, double s) {
      out.emplace_back(std::string(m), s);
      return true;
    });
    return out;
  }
};

using Elems = std::vector<std::pair<std::string, double>>;

TEST(ZSetValueTest, EmptyListpack) {
  Holder h;
  EXPECT_TRUE(h.z->is_listpack());
  EXPECT_EQ(h.z->encoding(), Encoding::kListpack);
  EXPECT_EQ(h.z->type(), ValueType::kZSet);
  EXPECT_EQ(h.z->size(), 0u);
  EXPECT_FALSE(h.z->Score("a"));
  EXPECT_FALSE(h.z->Rank("a", false));
  EXPECT_TRUE(h.All().empty());
  EXPECT_FALSE(h.z->FirstInRange({.min = -kInf, .max = kInf}, false));
  EXPECT_EQ(h.z->CountInRange({.min = -kInf, .max = kInf}), 0u);
  EXPECT_GE(h.z->MemoryUsage(), sizeof(ZSetValue));
}

TEST(ZSetValueTest, AddKeepsScoreThenMemberOrder) {
  for (bool skiplist : {false, true}) {
    SCOPED_TRACE(skiplist);
    Holder h;
    if (skiplist) h.z = ZSetValue::NewSkiplist();
    EXPECT_EQ(h.Add("b", 2), ZAddResult::kAdded);
    EXPECT_EQ(h.Add("a", 2), ZAddResult::kAdded);
    EXPECT_EQ(h.Add("c", 1), ZAddResult::kAdded);
    EXPECT_EQ(h.Add("", 2), ZAddResult::kAdded);
    EXPECT_EQ(h.Add(std::string("a\0b", 3), 2), ZAddResult::kAdded);
    EXPECT_EQ(h.Add("\xff", -kInf), ZAddResult::kAdded);
    EXPECT_EQ(h.Add("z", kInf), ZAddResult::kAdded);
    const Elems want = {{"\xff", -kInf}, {"c", 1},   {"", 2}, {"a", 2}, {std::string("a\0b", 3), 2},
                        {"b", 2},        {"z", kInf}};
    EXPECT_EQ(h.All(), want);
    Elems rev(want.rbegin(), want.rend());
    EXPECT_EQ(h.All(true), rev);
    EXPECT_EQ(h.z->size(), 7u);
    EXPECT_EQ(h.z->Rank("a", false), 3u);
    EXPECT_EQ(h.z->Rank("a", true), 3u);
    EXPECT_EQ(h.z->Rank("z", false), 6u);
    EXPECT_EQ(h.z->Rank("z", true), 0u);
    EXPECT_EQ(h.z->At(1).first, "c");
    EXPECT_EQ(h.All(false, 5), Elems(want.begin() + 5, want.end()));
    EXPECT_EQ(h.All(true, 5), Elems(rev.begin() + 5, rev.end()));
    EXPECT_TRUE(h.All(false, 7).empty());
    // Same score again: unchanged; a new one: updated and moved.
    double ns = 0;
    EXPECT_EQ(h.Add("a", 2, 0, &ns), ZAddResult::kUnchanged);
    EXPECT_EQ(h.Add("a", 0.5, 0, &ns), ZAddResult::kUpdated);
    EXPECT_EQ(ns, 0.5);
    EXPECT_EQ(h.z->Rank("a", false), 1u);
    EXPECT_EQ(*h.z->Score("a"), 0.5);
    EXPECT_EQ(h.z->encoding(), skiplist ? Encoding::kSkiplist : Encoding::kListpack);
  }
}

TEST(ZSetValueTest, AddFlags) {
  for (bool skiplist : {false, true}) {
    SCOPED_TRACE(skiplist);
    Holder h;
    if (skiplist) h.z = ZSetValue::NewSkiplist();
    double ns = -1;
    EXPECT_EQ(h.Add("a", 5, kZAddXx, &ns), ZAddResult::kSkipped);
    EXPECT_EQ(h.z->size(), 0u);
    EXPECT_EQ(h.Add("a", 5, kZAddNx, &ns), ZAddResult::kAdded);
    EXPECT_EQ(h.Add("a", 6, kZAddNx, &ns), ZAddResult::kSkipped);
    EXPECT_EQ(h.Add("a", 4, kZAddGt, &ns), ZAddResult::kSkipped);
    EXPECT_EQ(h.Add("a", 5, kZAddGt, &ns), ZAddResult::kSkipped);
    EXPECT_EQ(h.Add("a", 7, kZAddGt, &ns), ZAddResult::kUpdated);
    EXPECT_EQ(h.Add("a", 8, kZAddLt, &ns), ZAddResult::kSkipped);
    EXPECT_EQ(h.Add("a", 3, kZAddLt | kZAddXx, &ns), ZAddResult::kUpdated);
    EXPECT_EQ(h.Add("b", 3, kZAddGt, &ns), ZAddResult::kAdded);  // GT never blocks new members
    EXPECT_EQ(h.Add("a", 2, kZAddIncr, &ns), ZAddResult::kUpdated);
    EXPECT_EQ(ns, 5);
    EXPECT_EQ(h.Add("a", -1, kZAddIncr | kZAddGt, &ns), ZAddResult::kSkipped);
    EXPECT_EQ(h.Add("a", 0, kZAddIncr, &ns), ZAddResult::kUnchanged);
    EXPECT_EQ(ns, 5);
    EXPECT_EQ(h.Add("c", 2.5, kZAddIncr, &ns), ZAddResult::kAdded);
    EXPECT_EQ(ns, 2.5);
    EXPECT_EQ(h.Add("d", NAN), ZAddResult::kNan);
    EXPECT_EQ(h.Add("e", kInf), ZAddResult::kAdded);
    EXPECT_EQ(h.Add("e", -kInf, kZAddIncr, &ns), ZAddResult::kNan);
    EXPECT_EQ(*h.z->Score("e"), kInf);
    EXPECT_EQ(h.z->size(), 4u);
  }
}

TEST(ZSetValueTest, ConvertsAtTheLimits) {
  Holder h;
  h.limits = {.max_listpack_entries = 3, .max_listpack_value = 4};
  h.Add("a", 1);
  h.Add("b", 2);
  h.Add("cccc", 3);
  EXPECT_TRUE(h.z->is_listpack());
  h.Add("b", 10);  // an update does not count as an addition
  EXPECT_TRUE(h.z->is_listpack());
  EXPECT_EQ(h.Add("d", 4, kZAddXx), ZAddResult::kSkipped);  // XX on a missing member: no change
  EXPECT_TRUE(h.z->is_listpack());
  EXPECT_EQ(h.Add("d", 4), ZAddResult::kAdded);
  EXPECT_FALSE(h.z->is_listpack());
  EXPECT_EQ(h.z->encoding(), Encoding::kSkiplist);
  EXPECT_EQ(h.All(), (Elems{{"a", 1}, {"cccc", 3}, {"d", 4}, {"b", 10}}));
  // Removing everything keeps the skiplist (one-way).
  for (const char* m : {"a", "b", "cccc", "d"}) EXPECT_TRUE(h.z->Remove(m));
  EXPECT_EQ(h.z->size(), 0u);
  EXPECT_FALSE(h.z->is_listpack());

  Holder g;
  g.limits = {.max_listpack_entries = 3, .max_listpack_value = 4};
  g.Add("abcd", 1);
  EXPECT_TRUE(g.z->is_listpack());
  g.Add("abcde", 1);
  EXPECT_FALSE(g.z->is_listpack());
  EXPECT_EQ(g.All(), (Elems{{"abcd", 1}, {"abcde", 1}}));

  Holder zero;
  zero.limits = {.max_listpack_entries = 0, .max_listpack_value = 64};
  zero.Add("a", 1);
  EXPECT_FALSE(zero.z->is_listpack());
}

TEST(ZSetValueTest, ScoreEncodingsRoundTrip) {
  const std::vector<double> scores = {0,
                                      1,
                                      239,
                                      240,
                                      -1,
                                      -128,
                                      -129,
                                      127,
                                      128,
                                      32767,
                                      -32769,
                                      1e15,
                                      -1e15,
                                      4611686018427387904.0,  // 2^62: still an integer
                                      9223372036854775807.0,
                                      -4611686018427387904.0,
                                      1e300,
                                      -1e-300,
                                      0.1,
                                      1.5,
                                      3.25f,
                                      std::nextafter(1.0, 2.0),
                                      kInf,
                                      -kInf,
                                      std::numeric_limits<double>::denorm_min(),
                                      std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::lowest()};
  Holder h;
  h.limits.max_listpack_entries = 1000;
  for (size_t i = 0; i < scores.size(); ++i) h.Add("m" + std::to_string(i), scores[i]);
  ASSERT_TRUE(h.z->is_listpack());
  for (size_t i = 0; i < scores.size(); ++i) {
    SCOPED_TRACE(scores[i]);
    const std::optional<double> s = h.z->Score("m" + std::to_string(i));
    ASSERT_TRUE(s);
    EXPECT_EQ(std::memcmp(&*s, &scores[i], sizeof(double)), 0);
  }
  // The same values survive conversion.
  h.limits.max_listpack_entries = 1;
  h.Add("new", 0);
  ASSERT_FALSE(h.z->is_listpack());
  for (size_t i = 0; i < scores.size(); ++i)
    EXPECT_EQ(*h.z->Score("m" + std::to_string(i)), scores[i]);
}

TEST(ZSetValueTest, NegativeZeroIsZeroInAListpackOnly) {
  Holder lp;
  lp.Add("a", -0.0);
  EXPECT_FALSE(std::signbit(*lp.z->Score("a")));
  Holder sl;
  sl.z = ZSetValue::NewSkiplist();
  sl.Add("a", -0.0);
  EXPECT_TRUE(std::signbit(*sl.z->Score("a")));
  // 0 and -0 are the same score: no update.
  EXPECT_EQ(sl.Add("a", 0.0), ZAddResult::kUnchanged);
  EXPECT_TRUE(std::signbit(*sl.z->Score("a")));
}

TEST(ZSetValueTest, ListpackScoreText) {
  char buf[32];
  EXPECT_EQ(ZSetValue::ListpackScoreText(0, buf), "0");
  EXPECT_EQ(ZSetValue::ListpackScoreText(-0.0, buf), "0");
  EXPECT_EQ(ZSetValue::ListpackScoreText(1e17, buf), "100000000000000000");
  EXPECT_EQ(ZSetValue::ListpackScoreText(4611686018427387904.0, buf), "4611686018427387904");
  EXPECT_EQ(ZSetValue::ListpackScoreText(9223372036854775807.0, buf), "9.2233720368547758e+18");
  EXPECT_EQ(ZSetValue::ListpackScoreText(0.1, buf), "0.10000000000000001");
  EXPECT_EQ(ZSetValue::ListpackScoreText(1.5, buf), "1.5");
  EXPECT_EQ(ZSetValue::ListpackScoreText(kInf, buf), "inf");
  EXPECT_EQ(ZSetValue::ListpackScoreText(-kInf, buf), "-inf");
  EXPECT_EQ(ZSetValue::ListpackScoreText(1e300, buf), "1.0000000000000001e+300");
}

TEST(ZSetValueTest, ScoreRanges) {
  for (bool skiplist : {false, true}) {
    SCOPED_TRACE(skiplist);
    Holder h;
    if (skiplist) h.z = ZSetValue::NewSkiplist();
    for (int i = 1; i <= 5; ++i) h.Add(std::string(1, static_cast<char>('a' + i - 1)), i);
    // [2, 4]
    ZScoreRange r{.min = 2, .max = 4};
    EXPECT_EQ(h.z->FirstInRange(r, false), 1u);
    EXPECT_EQ(h.z->FirstInRange(r, true), 1u);
    EXPECT_EQ(h.z->CountInRange(r), 3u);
    // (2, 4)
    r = {.min = 2, .max = 4, .min_exclusive = true, .max_exclusive = true};
    EXPECT_EQ(h.z->FirstInRange(r, false), 2u);
    EXPECT_EQ(h.z->FirstInRange(r, true), 2u);
    EXPECT_EQ(h.z->CountInRange(r), 1u);
    // Outside and empty ranges.
    EXPECT_FALSE(h.z->FirstInRange({.min = 6, .max = 9}, false));
    EXPECT_FALSE(h.z->FirstInRange({.min = -9, .max = 0}, true));
    EXPECT_FALSE(h.z->FirstInRange({.min = 2.5, .max = 2.7}, false));
    EXPECT_FALSE(h.z->FirstInRange({.min = 2.5, .max = 2.7}, true));
    EXPECT_FALSE(h.z->FirstInRange({.min = 3, .max = 3, .min_exclusive = true}, false));
    EXPECT_FALSE(h.z->FirstInRange({.min = 4, .max = 2}, false));
    EXPECT_EQ(h.z->CountInRange({.min = 3, .max = 3}), 1u);
    EXPECT_EQ(h.z->CountInRange({.min = -kInf, .max = kInf}), 5u);
    // Removal.
    EXPECT_EQ(h.z->RemoveRangeByScore({.min = 2, .max = 4, .max_exclusive = true}), 2u);
    EXPECT_EQ(h.All(), (Elems{{"a", 1}, {"d", 4}, {"e", 5}}));
    EXPECT_EQ(h.z->RemoveRangeByScore({.min = 7, .max = 9}), 0u);
    EXPECT_EQ(h.z->RemoveRangeByRank(1, 2), 2u);
    EXPECT_EQ(h.All(), (Elems{{"a", 1}}));
  }
}

ZLexBound Lex(std::string_view text) {
  ZLexBound b;
  if (text == "-") {
    b.kind = ZLexBound::Kind::kMinusInf;
    b.exclusive = true;
  } else if (text == "+") {
    b.kind = ZLexBound::Kind::kPlusInf;
    b.exclusive = true;
  } else {
    b.exclusive = text[0] == '(';
    b.value = std::string(text.substr(1));
  }
  return b;
}

TEST(ZSetValueTest, LexRanges) {
  for (bool skiplist : {false, true}) {
    SCOPED_TRACE(skiplist);
    Holder h;
    if (skiplist) h.z = ZSetValue::NewSkiplist();
    for (const char* m : {"a", "b", "bb", "c", "d"}) h.Add(m, 0);
    const ZLexRange all{Lex("-"), Lex("+")};
    EXPECT_EQ(h.z->CountInLexRange(all), 5u);
    EXPECT_EQ(h.z->FirstInLexRange(all, true), 0u);
    const ZLexRange r{Lex("(b"), Lex("[c")};
    EXPECT_EQ(h.z->FirstInLexRange(r, false), 2u);
    EXPECT_EQ(h.z->FirstInLexRange(r, true), 1u);
    EXPECT_EQ(h.z->CountInLexRange(r), 2u);
    EXPECT_FALSE(h.z->FirstInLexRange({Lex("+"), Lex("-")}, false));
    EXPECT_FALSE(h.z->FirstInLexRange({Lex("-"), Lex("-")}, false));
    EXPECT_FALSE(h.z->FirstInLexRange({Lex("[e"), Lex("+")}, false));
    EXPECT_FALSE(h.z->FirstInLexRange({Lex("(c"), Lex("[c")}, false));
    EXPECT_EQ(h.z->CountInLexRange({Lex("[bb"), Lex("[bb")}), 1u);
    EXPECT_EQ(h.z->RemoveRangeByLex({Lex("[b"), Lex("(c")}), 2u);
    EXPECT_EQ(h.All(), (Elems{{"a", 0}, {"c", 0}, {"d", 0}}));
    EXPECT_EQ(h.z->RemoveRangeByLex({Lex("(d"), Lex("+")}), 0u);
  }
}

TEST(ZSetValueTest, PopAndShrink) {
  Holder h;
  for (int i = 0; i < 60; ++i) h.Add("member-" + std::to_string(i), i);
  const size_t full = h.z->MemoryUsage();
  std::string m;
  double s;
  h.z->PopEnd(false, &m, &s);
  EXPECT_EQ(m, "member-0");
  EXPECT_EQ(s, 0);
  h.z->PopEnd(true, &m, &s);
  EXPECT_EQ(m, "member-59");
  EXPECT_EQ(s, 59);
  EXPECT_EQ(h.z->RemoveRangeByRank(0, 49), 50u);
  EXPECT_EQ(h.z->MemoryUsage(), full);  // removals work in place
  h.Shrink();
  EXPECT_LT(h.z->MemoryUsage(), full);
  EXPECT_EQ(h.All(), (Elems{{"member-51", 51},
                            {"member-52", 52},
                            {"member-53", 53},
                            {"member-54", 54},
                            {"member-55", 55},
                            {"member-56", 56},
                            {"member-57", 57},
                            {"member-58", 58}}));
}

TEST(ZSetValueTest, FromSortedPicksTheEncoding) {
  const Elems elems = {{"a", -0.0}, {"b", 1}, {"c", 2}};
  ZSetValue::Ptr lp = ZSetValue::FromSorted(elems, {.max_listpack_entries = 3});
  EXPECT_TRUE(lp->is_listpack());
  EXPECT_FALSE(std::signbit(*lp->Score("a")));
  ZSetValue::Ptr sl = ZSetValue::FromSorted(elems, {.max_listpack_entries = 2});
  EXPECT_FALSE(sl->is_listpack());
  EXPECT_TRUE(std::signbit(*sl->Score("a")));
  EXPECT_FALSE(ZSetValue::FromSorted(elems, {.max_listpack_entries = 9, .max_listpack_value = 0})
                   ->is_listpack());
  for (const ZSetValue* z : {lp.get(), sl.get()}) {
    EXPECT_EQ(z->size(), 3u);
    EXPECT_EQ(z->Rank("c", false), 2u);
  }
}

TEST(ZSetValueTest, CloneIsDeepAndKeepsTheEncoding) {
  for (bool skiplist : {false, true}) {
    Holder h;
    if (skiplist) h.z = ZSetValue::NewSkiplist();
    for (int i = 0; i < 20; ++i) h.Add("m" + std::to_string(i), i % 7);
    std::unique_ptr<Collection> c = h.z->Clone();
    auto* z = static_cast<ZSetValue*>(c.get());
    EXPECT_EQ(z->encoding(), h.z->encoding());
    h.z->Remove("m3");
    EXPECT_EQ(z->size(), 20u);
    EXPECT_TRUE(z->Score("m3"));
    Holder copy;
    copy.z.reset(static_cast<ZSetValue*>(c.release()));
    EXPECT_EQ(copy.All().size(), 20u);
  }
}

TEST(ZSetValueTest, ScanVisitsEverything) {
  Holder h;
  h.z = ZSetValue::NewSkiplist();
  std::map<std::string, double> want;
  for (int i = 0; i < 500; ++i) {
    h.Add("k" + std::to_string(i), i);
    want["k" + std::to_string(i)] = i;
  }
  std::map<std::string, double> got;
  uint64_t cursor = 0;
  do {
    cursor = h.z->ScanStep(cursor, [&](std::string_view m, double s) { got[std::string(m)] = s; });
  } while (cursor != 0);
  EXPECT_EQ(got, want);

  Holder small;
  small.Add("x", 1);
  small.Add("y", 2);
  std::vector<std::string> seen;
  EXPECT_EQ(small.z->ScanStep(0, [&](std::string_view m, double) { seen.emplace_back(m); }), 0u);
  EXPECT_EQ(seen, (std::vector<std::string>{"x", "y"}));
}

TEST(ZSetValueTest, RandomReturnsMembers) {
  std::mt19937_64 rng(7);
  for (bool skiplist : {false, true}) {
    Holder h;
    if (skiplist) h.z = ZSetValue::NewSkiplist();
    for (int i = 0; i < 10; ++i) h.Add("r" + std::to_string(i), i);
    std::set<std::string> seen;
    for (int i = 0; i < 500; ++i) {
      auto [m, s] = h.z->Random(rng);
      EXPECT_EQ(*h.z->Score(m), s);
      seen.emplace(m);
    }
    EXPECT_EQ(seen.size(), 10u);
  }
}

TEST(ZSetValueTest, MemoryUsageTracksGrowth) {
  Holder h;
  h.z = ZSetValue::NewSkiplist();
  const size_t empty = h.z->MemoryUsage();
  for (int i = 0; i < 1000; ++i) h.Add("a-rather-long-member-name-" + std::to_string(i), i);
  const size_t full = h.z->MemoryUsage();
  EXPECT_GT(full, empty + 1000 * 64);
  for (int i = 0; i < 1000; ++i) h.z->Remove("a-rather-long-member-name-" + std::to_string(i));
  EXPECT_LT(h.z->MemoryUsage(), empty + 1024);
}

TEST(ZSetValueTest, SmallListpackIsCompact) {
  // Ten short members with small integer scores: one allocation of header and bytes.
  Holder h;
  for (int i = 0; i < 10; ++i) h.Add("member:" + std::to_string(i), i);
  EXPECT_LE(h.z->MemoryUsage(), 24u + 10 * (1 + 8 + 1) + 24);
}

// ---------------------------------------------------------------------------------------------
// Model test: random operations against std::map / std::set, across conversions.

class Model {
 public:
  using Key = std::pair<double, std::string>;
  std::map<std::string, double> scores;
  std::set<Key> order;

  void Put(const std::string& m, double s) {
    auto it = scores.find(m);
    if (it != scores.end()) order.erase({it->second, m});
    scores[m] = s;
    order.insert({s, m});
  }
  void Erase(const std::string& m) {
    auto it = scores.find(m);
    order.erase({it->second, m});
    scores.erase(it);
  }
  std::vector<Key> Sorted() const { return {order.begin(), order.end()}; }
};

TEST(ZSetValueModelTest, RandomOperations) {
  std::mt19937_64 rng(20240607);
  const std::vector<double> score_pool = {0,    -0.0,  1,   2,     2.5,     -3,     1e17,
                                          kInf, -kInf, 0.1, 1e300, 1000000, -12345, 7};
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  auto member = [&]() {
    const size_t kind = pick(10);
    if (kind == 0) return std::string(10 + pick(20), static_cast<char>('a' + pick(3)));
    return "m" + std::to_string(pick(60));
  };
  auto score = [&]() {
    return pick(3) == 0 ? static_cast<double>(static_cast<int64_t>(rng() % 2000) - 1000) / 8
                        : score_pool[pick(score_pool.size())];
  };

  for (int round = 0; round < 40; ++round) {
    Holder h;
    h.limits = {.max_listpack_entries = 8 + pick(40), .max_listpack_value = 12 + pick(20)};
    if (round % 5 == 0) h.z = ZSetValue::NewSkiplist();
    Model model;
    for (int step = 0; step < 400; ++step) {
      const size_t op = pick(14);
      const std::string m = member();
      if (op <= 4) {
        uint32_t flags = 0;
        const size_t f = pick(6);
        if (f == 1) flags = kZAddNx;
        if (f == 2) flags = kZAddXx;
        if (f == 3) flags = kZAddGt;
        if (f == 4) flags = kZAddLt | kZAddXx;
        if (pick(4) == 0) flags |= kZAddIncr;
        const double s = score();
        double ns = 0;
        const ZAddResult r = h.Add(m, s, flags, &ns);
        auto it = model.scores.find(m);
        if (it == model.scores.end()) {
          if (flags & kZAddXx) {
            EXPECT_EQ(r, ZAddResult::kSkipped);
          } else {
            ASSERT_EQ(r, ZAddResult::kAdded);
            model.Put(m, s);
          }
        } else {
          const double cur = it->second;
          double want = (flags & kZAddIncr) ? cur + s : s;
          if (flags & kZAddNx) {
            EXPECT_EQ(r, ZAddResult::kSkipped);
          } else if (std::isnan(want)) {
            EXPECT_EQ(r, ZAddResult::kNan);
          } else if (((flags & kZAddGt) && want <= cur) || ((flags & kZAddLt) && want >= cur)) {
            EXPECT_EQ(r, ZAddResult::kSkipped);
          } else if (want == cur) {
            EXPECT_EQ(r, ZAddResult::kUnchanged);
          } else {
            EXPECT_EQ(r, ZAddResult::kUpdated);
            EXPECT_EQ(ns, want);
            model.Put(m, want);
          }
        }
      } else if (op == 5) {
        EXPECT_EQ(h.z->Remove(m), model.scores.count(m) == 1);
        if (model.scores.count(m)) model.Erase(m);
      } else if (op == 6 && !model.scores.empty()) {
        const bool max = pick(2) == 1;
        std::string pm;
        double ps;
        h.z->PopEnd(max, &pm, &ps);
        const Model::Key want = max ? *model.order.rbegin() : *model.order.begin();
        EXPECT_EQ(pm, want.second);
        EXPECT_EQ(ps, want.first);
        model.Erase(want.second);
      } else if (op == 7 && !model.scores.empty()) {
        const size_t n = model.scores.size();
        const size_t a = pick(n), b = pick(n);
        const size_t start = std::min(a, b), end = std::max(a, b);
        EXPECT_EQ(h.z->RemoveRangeByRank(start, end), end - start + 1);
        const auto sorted = model.Sorted();
        for (size_t i = start; i <= end; ++i) model.Erase(sorted[i].second);
      } else if (op == 8) {
        double a = score(), b = score();
        if (a > b) std::swap(a, b);
        const ZScoreRange r{
            .min = a, .max = b, .min_exclusive = pick(2) == 0, .max_exclusive = pick(2) == 0};
        size_t want = 0;
        for (const auto& [s, mm] : model.Sorted()) {
          if (r.AboveMin(s) && r.BelowMax(s)) ++want;
        }
        EXPECT_EQ(h.z->CountInRange(r), want);
        if (pick(4) == 0) {
          EXPECT_EQ(h.z->RemoveRangeByScore(r), want);
          for (const auto& [s, mm] : model.Sorted()) {
            if (r.AboveMin(s) && r.BelowMax(s)) model.Erase(mm);
          }
        }
      } else if (op == 9) {
        const std::string x = member(), y = member();
        ZLexRange r{Lex((pick(2) ? "[" : "(") + std::min(x, y)),
                    Lex((pick(2) ? "[" : "(") + std::max(x, y))};
        if (pick(6) == 0) r.min = Lex("-");
        if (pick(6) == 0) r.max = Lex("+");
        // Lex ranges are defined on sets whose scores are all equal: check the count on the
        // members sorted by bytes, and removal only when every score is equal.
        size_t want = 0;
        for (const auto& [mm, s] : model.scores) {
          if (r.AboveMin(mm) && r.BelowMax(mm)) ++want;
        }
        bool same_scores = true;
        for (const auto& [mm, s] : model.scores) same_scores &= s == model.order.begin()->first;
        if (same_scores) {
          EXPECT_EQ(h.z->CountInLexRange(r), want);
          EXPECT_EQ(h.z->RemoveRangeByLex(r), want);
          for (auto it = model.scores.begin(); it != model.scores.end();) {
            const std::string mm = (it++)->first;
            if (r.AboveMin(mm) && r.BelowMax(mm)) model.Erase(mm);
          }
        }
      } else if (op == 10 && !model.scores.empty()) {
        // Score ranges: where walks start, both ways.
        double a = score(), b = score();
        if (a > b) std::swap(a, b);
        const ZScoreRange r{.min = a, .max = b};
        const auto sorted = model.Sorted();
        std::optional<size_t> fwd, rev;
        for (size_t i = 0; i < sorted.size(); ++i) {
          if (r.AboveMin(sorted[i].first) && r.BelowMax(sorted[i].first)) {
            if (!fwd) fwd = i;
            rev = sorted.size() - 1 - i;
          }
        }
        EXPECT_EQ(h.z->FirstInRange(r, false), fwd);
        EXPECT_EQ(h.z->FirstInRange(r, true), rev);
      } else if (op == 11) {
        h.Shrink();
      }
      // Every few steps: the whole content, ranks, scores.
      if (step % 25 == 0 || op == 13) {
        ASSERT_EQ(h.z->size(), model.scores.size());
        const auto sorted = model.Sorted();
        const auto all = h.All();
        ASSERT_EQ(all.size(), sorted.size());
        for (size_t i = 0; i < all.size(); ++i) {
          EXPECT_EQ(all[i].first, sorted[i].second);
          EXPECT_EQ(all[i].second, sorted[i].first);
        }
        const auto rev = h.All(true);
        for (size_t i = 0; i < rev.size(); ++i)
          EXPECT_EQ(rev[i].first, all[all.size() - 1 - i].first);
        for (size_t i = 0; i < sorted.size(); i += 3) {
          EXPECT_EQ(h.z->Rank(sorted[i].second, false), i);
          EXPECT_EQ(h.z->Rank(sorted[i].second, true), sorted.size() - 1 - i);
          EXPECT_EQ(*h.z->Score(sorted[i].second), sorted[i].first);
          EXPECT_EQ(h.z->At(i).first, sorted[i].second);
        }
        if (!sorted.empty()) {
          const size_t start = pick(sorted.size());
          const auto tail = h.All(false, start);
          EXPECT_EQ(tail.size(), sorted.size() - start);
          const auto rtail = h.All(true, start);
          ASSERT_EQ(rtail.size(), sorted.size() - start);
          EXPECT_EQ(rtail[0].first, sorted[sorted.size() - 1 - start].second);
        }
        // Entries and member sizes decide the encoding, one way.
        bool fits = model.scores.size() <= h.limits.max_listpack_entries;
        for (const auto& [mm, s] : model.scores) fits &= mm.size() <= h.limits.max_listpack_value;
        if (!fits) {
          EXPECT_FALSE(h.z->is_listpack());
        }
        std::unique_ptr<Collection> c = h.z->Clone();
        EXPECT_EQ(c->ElementCount(), model.scores.size());
      }
    }
  }
}

// A large skiplist-encoded set (a tree several levels deep) against the model: additions,
// score changes (small ones keep their place, large ones move), removals by member, rank and
// score range, pops; everything checked every few hundred steps.
TEST(ZSetValueModelTest, LargeSkiplist) {
  std::mt19937_64 rng(77);
  Holder h;
  h.z = ZSetValue::NewSkiplist();
  Model model;
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  for (int step = 0; step < 60000; ++step) {
    const std::string m = "member-" + std::to_string(pick(6000));
    const size_t op = pick(100);
    if (op < 55) {
      const double s = static_cast<double>(pick(20000)) / 4;
      h.Add(m, s);
      model.Put(m, s);
    } else if (op < 75) {
      // Small increments mostly keep the element in place.
      double ns;
      const double inc = pick(3) == 0 ? 0.001 : -0.001;
      if (h.Add(m, inc, kZAddIncr, &ns) != ZAddResult::kNan) {
        const auto it = model.scores.find(m);
        model.Put(m, it == model.scores.end() ? inc : it->second + inc);
        EXPECT_EQ(ns, model.scores[m]);
      }
    } else if (op < 90) {
      EXPECT_EQ(h.z->Remove(m), model.scores.count(m) == 1);
      if (model.scores.count(m)) model.Erase(m);
    } else if (op < 91 && model.scores.size() > 10) {
      const size_t start = pick(model.scores.size() - 5);
      const size_t end = std::min(model.scores.size() - 1, start + pick(40));
      EXPECT_EQ(h.z->RemoveRangeByRank(start, end), end - start + 1);
      const auto sorted = model.Sorted();
      for (size_t i = start; i <= end; ++i) model.Erase(sorted[i].second);
    } else if (op < 95) {
      const double a = static_cast<double>(pick(20000)) / 4;
      const ZScoreRange r{.min = a, .max = a + static_cast<double>(pick(20))};
      size_t want = 0;
      std::vector<std::string> gone;
      for (const auto& [sc, mm] : model.order) {
        if (r.AboveMin(sc) && r.BelowMax(sc)) gone.push_back(mm);
      }
      want = gone.size();
      EXPECT_EQ(h.z->CountInRange(r), want);
      EXPECT_EQ(h.z->RemoveRangeByScore(r), want);
      for (const auto& mm : gone) model.Erase(mm);
    } else if (op < 97 && !model.scores.empty()) {
      std::string pm;
      double ps;
      const bool max = pick(2) == 1;
      h.z->PopEnd(max, &pm, &ps);
      const Model::Key want = max ? *model.order.rbegin() : *model.order.begin();
      EXPECT_EQ(pm, want.second);
      model.Erase(want.second);
    } else if (!model.scores.empty()) {
      const auto it = std::next(model.order.begin(), static_cast<long>(pick(model.order.size())));
      const size_t rank = static_cast<size_t>(std::distance(model.order.begin(), it));
      EXPECT_EQ(h.z->Rank(it->second, false), rank);
      EXPECT_EQ(h.z->At(rank).first, it->second);
      const ZScoreRange r{.min = it->first, .max = it->first + 50};
      EXPECT_EQ(h.z->FirstInRange(r, false),
                static_cast<size_t>(
                    std::distance(model.order.begin(), model.order.lower_bound({it->first, ""}))));
    }
    if (step % 2000 == 0 || step == 59999) {
      ASSERT_EQ(h.z->size(), model.scores.size()) << step;
      const auto all = h.All();
      const auto sorted = model.Sorted();
      ASSERT_EQ(all.size(), sorted.size());
      for (size_t i = 0; i < all.size(); ++i) {
        ASSERT_EQ(all[i].first, sorted[i].second) << step << " at " << i;
        ASSERT_EQ(all[i].second, sorted[i].first) << step << " at " << i;
      }
      const auto rev = h.All(true);
      ASSERT_EQ(rev.size(), all.size());
      for (size_t i = 0; i < rev.size(); ++i)
        ASSERT_EQ(rev[i].first, all[all.size() - 1 - i].first);
      for (size_t i = 0; i < sorted.size(); i += 97) {
        ASSERT_EQ(h.z->Rank(sorted[i].second, true), sorted.size() - 1 - i);
      }
    }
  }
  EXPECT_GT(model.scores.size(), 1000u);
  // Emptying it leaves a usable empty set.
  h.z->RemoveRangeByRank(0, h.z->size() - 1);
  EXPECT_EQ(h.z->size(), 0u);
  EXPECT_TRUE(h.All().empty());
  h.Add("again", 1);
  EXPECT_EQ(h.All(), (Elems{{"again", 1}}));
}

}  // namespace
}  // namespace cachet::storage
