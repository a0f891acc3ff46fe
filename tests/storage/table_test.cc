// The per-shard hash table: insert, find, erase, incremental growth and shrinking, scanning.
#include "cachet/storage/detail/table.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace cachet::storage::detail {
namespace {

uint64_t Hash(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

Entry* MakeEntry(std::string_view key, std::string_view value) {
  Payload p;
  p.encoding = Encoding::kEmbstr;
  p.bytes = value;
  return NewEntry(key, -1, 0, p);
}

std::string Key(int i) { return "key:" + std::to_string(i); }

// Inserts keys [0, n) into t.
void Fill(Table* t, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string k = Key(i);
    t->Insert(Hash(k), MakeEntry(k, "v" + std::to_string(i)));
  }
}

void Erase(Table* t, std::string_view key) {
  Table::Link link = t->Find(Hash(key), key);
  ASSERT_TRUE(link) << key;
  FreeEntry(t->Unlink(link));
}

void FinishRehash(Table* t) {
  while (t->RehashStep(100)) {
  }
}

TEST(StorageTable, EntryLayoutIsCompact) {
  // A 10-byte key with a 16-byte value fits a 40-byte allocation (a 48-byte glibc chunk).
  Entry* e = MakeEntry("key:123456", "value:123456....");
  EXPECT_EQ(malloc_usable_size(e), 40u);
  EXPECT_EQ(KeyOf(e), "key:123456");
  EXPECT_EQ(StringBytesOf(e), "value:123456....");
  EXPECT_EQ(ExpireOf(e), -1);
  FreeEntry(e);

  Payload p;
  p.encoding = Encoding::kInt;
  p.int_value = -42;
  const std::string long_key(300, 'k');
  e = NewEntry(long_key, 12345, 0xABCDEF, p);
  EXPECT_EQ(KeyOf(e), long_key);
  EXPECT_EQ(ExpireOf(e), 12345);
  EXPECT_EQ(IntOf(e), -42);
  EXPECT_EQ(AccessOf(e), 0xABCDEFu);
  EXPECT_TRUE(HasExpire(e));
  FreeEntry(e);
}

TEST(StorageTable, InsertFindErase) {
  Table t(3);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_FALSE(t.Find(Hash("a"), "a"));
  Fill(&t, 1000);
  EXPECT_EQ(t.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    Table::Link link = t.Find(Hash(Key(i)), Key(i));
    ASSERT_TRUE(link);
    EXPECT_EQ(StringBytesOf(link.entry()), "v" + std::to_string(i));
  }
  EXPECT_FALSE(t.Find(Hash("key:1000"), "key:1000"));
  for (int i = 0; i < 1000; i += 2) Erase(&t, Key(i));
  EXPECT_EQ(t.size(), 500u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(static_cast<bool>(t.Find(Hash(Key(i)), Key(i))), i % 2 == 1) << i;
  }
}

TEST(StorageTable, GrowsIncrementallyAndFindsDuringRehash) {
  Table t(0);
  Fill(&t, 4);
  EXPECT_EQ(t.bucket_count(), 4u);
  const std::string k = Key(4);
  t.Insert(Hash(k), MakeEntry(k, "x"));  // load factor 1 reached: a rehash to 8 starts
  EXPECT_TRUE(t.rehashing());
  for (int i = 0; i <= 4; ++i) EXPECT_TRUE(t.Find(Hash(Key(i)), Key(i))) << i;
  FinishRehash(&t);
  EXPECT_FALSE(t.rehashing());
  EXPECT_EQ(t.bucket_count(), 8u);
  Table big(2);
  Fill(&big, 100000);
  FinishRehash(&big);
  EXPECT_EQ(big.bucket_count(), 131072u);
  for (int i = 0; i < 100000; i += 7) EXPECT_TRUE(big.Find(Hash(Key(i)), Key(i)));
}

TEST(StorageTable, ShrinksWhenSparse) {
  Table t(0);
  Fill(&t, 1000);
  FinishRehash(&t);
  EXPECT_EQ(t.bucket_count(), 1024u);
  for (int i = 0; i < 950; ++i) Erase(&t, Key(i));
  EXPECT_TRUE(t.MaybeShrink());
  FinishRehash(&t);
  EXPECT_EQ(t.bucket_count(), 64u);
  for (int i = 950; i < 1000; ++i) EXPECT_TRUE(t.Find(Hash(Key(i)), Key(i)));
  for (int i = 950; i < 1000; ++i) Erase(&t, Key(i));
  t.MaybeShrink();
  EXPECT_EQ(t.bucket_count(), 0u);  // an empty table gives its buckets back
  Fill(&t, 3);
  EXPECT_EQ(t.size(), 3u);
}

TEST(StorageTable, ScanVisitsEverythingOnce) {
  Table t(1);
  Fill(&t, 5000);
  FinishRehash(&t);
  std::multiset<std::string> seen;
  uint64_t cursor = 0;
  do {
    cursor = t.ScanStep(cursor, [&](const Entry* e) { seen.emplace(KeyOf(e)); });
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), 5000u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5000u);
}

TEST(StorageTable, ScanSurvivesGrowthAndShrinkBetweenSteps) {
  std::mt19937 rng(7);
  for (int round = 0; round < 8; ++round) {
    Table t(0);
    Fill(&t, 300);  // keys 0..299 stay for the whole scan
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int extra = 1000;
    bool grow = round % 2 == 0;
    do {
      cursor = t.ScanStep(cursor, [&](const Entry* e) { seen.emplace(KeyOf(e)); });
      // Between steps, add or remove a burst of other keys, partly rehashing.
      const int burst = static_cast<int>(rng() % 400);
      for (int i = 0; i < burst; ++i) {
        if (grow && extra < 4000) {
          const std::string k = Key(extra++);
          t.Insert(Hash(k), MakeEntry(k, "x"));
        } else if (!grow && extra > 1000) {
          Erase(&t, Key(--extra));
        }
      }
      if (rng() % 3 == 0) grow = !grow;
      if (!t.rehashing()) t.MaybeShrink();
      t.RehashStep(rng() % 8);
    } while (cursor != 0);
    for (int i = 0; i < 300; ++i) EXPECT_TRUE(seen.count(Key(i))) << "round " << round << " " << i;
  }
}

TEST(StorageTable, RandomEntryCoversTheTable) {
  Table t(0);
  Fill(&t, 50);
  std::mt19937_64 rng(1);
  auto next = [](void* r) { return (*static_cast<std::mt19937_64*>(r))(); };
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) seen.emplace(KeyOf(t.RandomEntry(next, &rng)));
  EXPECT_EQ(seen.size(), 50u);
}

}  // namespace
}  // namespace cachet::storage::detail
