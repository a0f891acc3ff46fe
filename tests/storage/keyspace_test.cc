// Keyspace operations through Access: strings and encodings, TTLs with a manual clock, lazy
// and active expiry, observer events, multi-key operations, flushes, KEYS/SCAN/RANDOMKEY.
#include "cachet/storage/keyspace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace cachet::storage {
namespace {

// A stand-in collection type, as the data-types work will add (a set of strings).
class TestSet final : public Collection {
 public:
  ValueType type() const override { return ValueType::kSet; }
  Encoding encoding() const override {
    return members.size() > 2 ? Encoding::kHashtable : Encoding::kIntset;
  }
  std::unique_ptr<Collection> Clone() const override { return std::make_unique<TestSet>(*this); }
  size_t MemoryUsage() const override { return sizeof(*this) + members.size() * 64; }
  size_t ElementCount() const override { return members.size(); }
  std::set<std::string> members;
};

class KeyspaceTest : public ::testing::Test {
 protected:
  KeyspaceTest() : ks_(Options()) {
    ks_.SetObserver([this](int db, std::string_view key, KeyEvent ev) {
      events_.emplace_back(db, std::string(key), ev);
    });
  }

  KeyspaceOptions Options() {
    KeyspaceOptions o;
    o.shards = 8;
    o.databases = 4;
    o.clock = &clock_;
    return o;
  }

  std::optional<std::string> Get(std::string_view key, int db = 0) {
    Access acc = ks_.Lock(key);
    EntryRef e = acc.Find(db, key);
    if (!e) return std::nullopt;
    std::string out;
    e.AppendStringTo(&out);
    return out;
  }
  void Set(std::string_view key, std::string_view value, int64_t ttl_ms = -1, int db = 0) {
    Access acc = ks_.Lock(key);
    SetOptions opts;
    if (ttl_ms >= 0) opts.expire_ms = acc.now_ms() + ttl_ms;
    acc.SetString(db, key, value, opts);
  }
  Encoding EncodingOf(std::string_view key, int db = 0) {
    Access acc = ks_.Lock(key);
    return acc.Find(db, key, kLookupNoTouch | kLookupNoStats).encoding();
  }
  size_t DbSize(int db = 0) { return ks_.LockAll().DbSize(db); }

  ManualClock clock_;
  Keyspace ks_;
  std::vector<std::tuple<int, std::string, KeyEvent>> events_;
};

TEST_F(KeyspaceTest, SetGetDelete) {
  EXPECT_EQ(Get("k"), std::nullopt);
  Set("k", "hello");
  EXPECT_EQ(Get("k"), "hello");
  EXPECT_EQ(Get("k", 1), std::nullopt);
  Set("k", "world");
  EXPECT_EQ(Get("k"), "world");
  EXPECT_EQ(DbSize(), 1u);
  {
    Access acc = ks_.Lock("k");
    EXPECT_TRUE(acc.Delete(0, "k"));
    EXPECT_FALSE(acc.Delete(0, "k"));
  }
  EXPECT_EQ(Get("k"), std::nullopt);
  EXPECT_EQ(DbSize(), 0u);
  KeyspaceStats s = ks_.Stats();
  EXPECT_EQ(s.keyspace_hits, 2u);
  EXPECT_EQ(s.keyspace_misses, 3u);
}

TEST_F(KeyspaceTest, BinaryAndLongKeysAndValues) {
  const std::string key("a\0b", 3);
  const std::string big(100000, 'x');
  const std::string long_key(1000, 'k');
  Set(key, big);
  Set(long_key, std::string("\0\1", 2));
  EXPECT_EQ(Get(key), big);
  EXPECT_EQ(Get(long_key), std::string("\0\1", 2));
  EXPECT_EQ(EncodingOf(key), Encoding::kRaw);
  Set("", "empty key");
  EXPECT_EQ(Get(""), "empty key");
}

TEST_F(KeyspaceTest, EncodingsFollowRedis) {
  Set("i", "12345");
  EXPECT_EQ(EncodingOf("i"), Encoding::kInt);
  Set("e", std::string(44, 'e'));
  EXPECT_EQ(EncodingOf("e"), Encoding::kEmbstr);
  Set("r", std::string(45, 'r'));
  EXPECT_EQ(EncodingOf("r"), Encoding::kRaw);
  Access acc = ks_.Lock({"i", "e", "r"});
  // INCR on an int string stays int, in place.
  EntryRef i = acc.Find(0, "i");
  ASSERT_TRUE(i.is_int());
  acc.ReplaceInt(&i, i.int_value() + 1);
  EXPECT_EQ(i.encoding(), Encoding::kInt);
  EXPECT_EQ(i.int_value(), 12346);
  // APPEND makes raw even when short (Redis 7.0), also from an int.
  acc.AppendString(&i, "7");
  EXPECT_EQ(i.encoding(), Encoding::kRaw);
  EXPECT_EQ(i.string_bytes(), "123467");
  EntryRef e = acc.Find(0, "e");
  acc.AppendString(&e, "!");
  EXPECT_EQ(e.encoding(), Encoding::kRaw);
  EXPECT_EQ(e.StringLength(), 45u);
  // SETRANGE-style growth zero-fills.
  char* data = acc.ResizeRawString(&e, 50);
  data[49] = 'z';
  EXPECT_EQ(e.string_bytes(), std::string(44, 'e') + "!" + std::string(4, '\0') + "z");
  // Many appends stay correct and amortized.
  EntryRef r = acc.Find(0, "r");
  std::string expect(45, 'r');
  for (int n = 0; n < 2000; ++n) {
    acc.AppendString(&r, "abc");
    expect += "abc";
  }
  EXPECT_EQ(r.string_bytes(), expect);
  // A forced-raw value stays raw; SET with an int string gives int again.
  acc.ReplaceValue(&r, Value::RawString("1"));
  EXPECT_EQ(r.encoding(), Encoding::kRaw);
  acc.SetString(0, "r", "1");
  EXPECT_EQ(acc.Find(0, "r").encoding(), Encoding::kInt);
}

TEST_F(KeyspaceTest, LazyExpiry) {
  Set("t", "v", 1000);
  Set("p", "v");
  {
    Access acc = ks_.Lock("t");
    EntryRef e = acc.Find(0, "t");
    EXPECT_EQ(e.expire_ms(), acc.now_ms() + 1000);
  }
  clock_.AdvanceMs(1000);
  EXPECT_EQ(Get("t"), "v");  // expired only when now > when, as Redis
  clock_.AdvanceMs(1);
  events_.clear();
  EXPECT_EQ(Get("t"), std::nullopt);
  // The expiry, then the read's miss (Redis's keymiss follows its expired event).
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0], std::make_tuple(0, std::string("t"), KeyEvent::kExpired));
  EXPECT_EQ(events_[1], std::make_tuple(0, std::string("t"), KeyEvent::kMissed));
  KeyspaceStats s = ks_.Stats();
  EXPECT_EQ(s.expired_keys, 1u);
  EXPECT_EQ(s.keys, 1u);
  EXPECT_EQ(s.expires, 0u);
}

TEST_F(KeyspaceTest, TtlChangesPersistAndKeepTtl) {
  Set("k", "v", 10000);
  {
    Access acc = ks_.Lock("k");
    EntryRef e = acc.Find(0, "k");
    acc.SetExpire(&e, acc.now_ms() + 500);
    EXPECT_EQ(e.expire_ms(), acc.now_ms() + 500);
    // SET KEEPTTL keeps it; plain SET drops it.
    acc.SetString(0, "k", "v2", {.keep_ttl = true});
    EXPECT_EQ(acc.Find(0, "k").expire_ms(), acc.now_ms() + 500);
    acc.SetString(0, "k", "v3");
    EXPECT_EQ(acc.Find(0, "k").expire_ms(), kNoExpire);
    e = acc.Find(0, "k");
    acc.SetExpire(&e, acc.now_ms() + 100);
    EXPECT_TRUE(acc.Persist(&e));
    EXPECT_FALSE(acc.Persist(&e));
    EXPECT_EQ(e.expire_ms(), kNoExpire);
    EXPECT_EQ(e.string_bytes(), "v3");
  }
  clock_.AdvanceMs(20000);
  ks_.ActiveExpireCycle(1000);
  EXPECT_EQ(Get("k"), "v3");
  EXPECT_EQ(ks_.Stats().expires, 0u);
}

TEST_F(KeyspaceTest, ActiveExpiryReclaimsEverythingDue) {
  // TTLs from 1 ms to ~3 hours, some changed, persisted or deleted afterwards.
  const int n = 20000;
  for (int i = 0; i < n; ++i)
    Set("k" + std::to_string(i), "v", 1 + (int64_t{i} * 7919) % 10'000'000);
  for (int i = 0; i < n; i += 10) {
    const std::string k = "k" + std::to_string(i);
    Access acc = ks_.Lock(k);
    EntryRef e = acc.Find(0, k);
    if (i % 30 == 0) {
      acc.Persist(&e);
    } else if (i % 30 == 10) {
      acc.SetExpire(&e, acc.now_ms() + 20'000'000);  // later than everything else
    } else {
      acc.Erase(&e);
    }
  }
  const size_t persisted = (n + 29) / 30;
  const size_t extended = n / 30 + (n % 30 > 10 ? 1 : 0);
  const size_t deleted = n / 10 - persisted - extended;
  EXPECT_EQ(DbSize(), n - deleted);
  const int64_t start = clock_.NowMs();
  // Walk time forward in uneven steps, running budgeted cycles; at each point every key due
  // at least 64 ms ago must be gone, and nothing else.
  for (int64_t t = 0; t <= 10'100'000; t += 1 + t / 3) {
    clock_.SetMs(start + t);
    while (ks_.ActiveExpireCycle(50).more_due) {
    }
    size_t expect_alive = persisted + extended;
    for (int i = 0; i < n; ++i) {
      if (i % 10 == 0) continue;
      if (1 + (int64_t{i} * 7919) % 10'000'000 + 64 >= t) ++expect_alive;
    }
    const size_t alive = DbSize();
    EXPECT_LE(alive, expect_alive) << "t=" << t;
  }
  clock_.SetMs(start + 10'100'000);
  while (ks_.ActiveExpireCycle(50).more_due) {
  }
  EXPECT_EQ(DbSize(), persisted + extended);
  KeyspaceStats s = ks_.Stats();
  EXPECT_EQ(s.expired_keys, n - n / 10);
  EXPECT_EQ(s.expires, extended);
  clock_.AdvanceMs(30'000'000);
  while (ks_.ActiveExpireCycle(50).more_due) {
  }
  EXPECT_EQ(DbSize(), persisted);
  EXPECT_EQ(ks_.Stats().expires, 0u);
}

TEST_F(KeyspaceTest, ActiveExpiryIsPrompt) {
  Set("a", "v", 1000);
  clock_.AdvanceMs(1001);
  ks_.ActiveExpireCycle(100);
  clock_.AdvanceMs(64);
  ks_.ActiveExpireCycle(100);
  EXPECT_EQ(ks_.Stats().expired_keys, 1u);
  EXPECT_EQ(DbSize(), 0u);
}

TEST_F(KeyspaceTest, ActiveExpiryBudgetBoundsWork) {
  for (int i = 0; i < 1000; ++i) Set("k" + std::to_string(i), "v", 10);
  clock_.AdvanceMs(200);
  ExpireCycleResult r = ks_.ActiveExpireCycle(5);
  EXPECT_LE(r.examined, 5u * ks_.shard_count());
  EXPECT_TRUE(r.more_due);
  size_t cycles = 1;
  while (ks_.ActiveExpireCycle(5).more_due) ++cycles;
  EXPECT_GE(cycles, 1000u / (5 * ks_.shard_count()) - 1);
  EXPECT_EQ(DbSize(), 0u);
}

TEST_F(KeyspaceTest, ObserverSeesEveryChange) {
  events_.clear();
  Set("a", "1");
  {
    Access acc = ks_.Lock({"a", "b", "gone"});
    EntryRef a = acc.Find(0, "a");
    acc.ReplaceInt(&a, 2);
    acc.SetExpire(&a, acc.now_ms() + 10);
    acc.Rename(0, "a", "b", false);
    acc.Delete(0, "b");
    acc.SetString(0, "a", "x");
    acc.Evict(0, "a");
    EXPECT_FALSE(acc.Find(0, "gone", kLookupNoNotify));  // a miss, not reported
    EXPECT_FALSE(acc.Find(0, "gone", kLookupWrite));     // a write lookup reports no miss
  }
  {
    Access all = ks_.LockAll();
    all.FlushDb(1, false);
    all.FlushAll(true);
    all.SwapDb(0, 2);
  }
  using E = KeyEvent;
  const std::vector<std::tuple<int, std::string, KeyEvent>> expect = {
      {0, "a", E::kCreated}, {0, "a", E::kWritten}, {0, "a", E::kWritten}, {0, "a", E::kWritten},
      {0, "b", E::kCreated}, {0, "a", E::kDeleted}, {0, "b", E::kWritten}, {0, "b", E::kDeleted},
      {0, "a", E::kCreated}, {0, "a", E::kWritten}, {0, "a", E::kEvicted}, {1, "", E::kFlushed},
      {-1, "", E::kFlushed}, {0, "", E::kSwapped},  {2, "", E::kSwapped},
  };
  EXPECT_EQ(events_, expect);
  EXPECT_EQ(ks_.Stats().evicted_keys, 1u);
  // A read that misses is reported (keymiss).
  events_.clear();
  {
    Access acc = ks_.Lock("gone");
    EXPECT_FALSE(acc.Find(0, "gone"));
  }
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0], std::make_tuple(0, std::string("gone"), E::kMissed));
}

TEST_F(KeyspaceTest, RenameKeepsValueAndTtl) {
  const std::string big(1000, 'b');
  Set("src", big, 5000);
  Set("dst", "old");
  Access acc = ks_.Lock({"src", "dst", "none"});
  EXPECT_EQ(acc.Rename(0, "none", "x", false), RenameResult::kNoSuchKey);
  EXPECT_EQ(acc.Rename(0, "src", "src", false), RenameResult::kSameKey);
  EXPECT_EQ(acc.Rename(0, "src", "dst", true), RenameResult::kTargetExists);
  EXPECT_EQ(acc.Rename(0, "src", "dst", false), RenameResult::kOk);
  EXPECT_FALSE(acc.Find(0, "src"));
  EntryRef d = acc.Find(0, "dst");
  EXPECT_EQ(d.string_bytes(), big);
  EXPECT_EQ(d.expire_ms(), acc.now_ms() + 5000);
  EXPECT_EQ(acc.Rename(0, "dst", "none", true), RenameResult::kOk);
  EXPECT_FALSE(acc.Find(0, "dst"));
  EXPECT_EQ(acc.Find(0, "none").string_bytes(), big);
}

TEST_F(KeyspaceTest, RenameAcrossShardsStillExpires) {
  // Find two keys in different shards.
  std::string a = "a", b;
  for (int i = 0; b.empty(); ++i) {
    std::string c = "b" + std::to_string(i);
    if (ks_.ShardOf(c) != ks_.ShardOf(a)) b = c;
  }
  Set(a, "v", 100);
  ks_.Lock({a, b}).Rename(0, a, b, false);
  clock_.AdvanceMs(200);
  ks_.ActiveExpireCycle(100);
  EXPECT_EQ(ks_.Stats().expired_keys, 1u);
  EXPECT_EQ(DbSize(), 0u);
}

TEST_F(KeyspaceTest, CopyIsDeepAndMoveKeepsTtl) {
  auto set = std::make_unique<TestSet>();
  set->members = {"x", "y"};
  {
    Access acc = ks_.Lock({"s", "c"});
    acc.Set(0, "s", Value::Object(std::move(set)), {.expire_ms = acc.now_ms() + 1000});
    EXPECT_EQ(acc.Copy(0, "s", 0, "s", false), CopyResult::kSameObject);
    EXPECT_EQ(acc.Copy(0, "nope", 0, "c", false), CopyResult::kNoSuchKey);
    EXPECT_EQ(acc.Copy(0, "s", 0, "c", false), CopyResult::kOk);
    EXPECT_EQ(acc.Copy(0, "s", 0, "c", false), CopyResult::kTargetExists);
    EXPECT_EQ(acc.Copy(0, "s", 0, "c", true), CopyResult::kOk);
    EntryRef c = acc.Find(0, "c");
    ASSERT_EQ(c.type(), ValueType::kSet);
    EXPECT_EQ(c.expire_ms(), acc.now_ms() + 1000);
    EXPECT_EQ(c.encoding(), Encoding::kIntset);
    c.object_as<TestSet>()->members.insert("z");
    acc.NoteObjectChanged(&c);
    // A conversion in place shows in the key's encoding once reported.
    EXPECT_EQ(c.encoding(), Encoding::kHashtable);
    EXPECT_EQ(acc.Find(0, "c").encoding(), Encoding::kHashtable);
    EXPECT_EQ(acc.Find(0, "s").object_as<TestSet>()->members.size(), 2u);
    EXPECT_EQ(acc.Copy(0, "s", 3, "s", false), CopyResult::kOk);
    EXPECT_EQ(acc.Move(0, "s", 0), MoveResult::kSameDb);
    EXPECT_EQ(acc.Move(0, "s", 3), MoveResult::kTargetExists);
    EXPECT_EQ(acc.Move(0, "s", 2), MoveResult::kOk);
    EXPECT_EQ(acc.Move(0, "s", 2), MoveResult::kNoSuchKey);
    EXPECT_EQ(acc.Find(2, "s").expire_ms(), acc.now_ms() + 1000);
  }
  EXPECT_EQ(ks_.Stats().expires, 3u);
  clock_.AdvanceMs(2000);
  ks_.ActiveExpireCycle(100);
  EXPECT_EQ(ks_.Stats().keys, 0u);
  EXPECT_EQ(ks_.Stats().expired_keys, 3u);
}

TEST_F(KeyspaceTest, SwapDbAndFlush) {
  Set("a", "1", -1, 0);
  Set("b", "2", 100, 1);
  {
    Access all = ks_.LockAll();
    all.SwapDb(0, 1);
    EXPECT_EQ(all.DbSize(0), 1u);
    EXPECT_TRUE(all.Find(0, "b"));
    EXPECT_TRUE(all.Find(1, "a"));
  }
  // The TTL index moved with the table.
  clock_.AdvanceMs(200);
  ks_.ActiveExpireCycle(100);
  EXPECT_EQ(DbSize(0), 0u);
  for (int i = 0; i < 5000; ++i) Set("k" + std::to_string(i), "v", i % 2 ? 100 : -1, 2);
  Set("keep", "1", -1, 3);
  const uint64_t before = ks_.Stats().used_bytes;
  {
    Access all = ks_.LockAll();
    all.FlushDb(2, /*async=*/true);
    EXPECT_EQ(all.DbSize(2), 0u);
  }
  ks_.WaitForLazyFree();
  KeyspaceStats s = ks_.Stats();
  EXPECT_EQ(s.lazyfreed_objects, 5000u);
  EXPECT_EQ(s.lazyfree_pending_objects, 0u);
  EXPECT_LT(s.used_bytes, before);
  EXPECT_EQ(s.keys, 2u);
  ks_.LockAll().FlushAll(false);
  EXPECT_EQ(ks_.Stats().keys, 0u);
  EXPECT_EQ(ks_.Stats().used_bytes, 0u);
}

TEST_F(KeyspaceTest, KeysRandomKeyAndScan) {
  std::set<std::string> all;
  for (int i = 0; i < 500; ++i) {
    const std::string k = (i % 2 ? "user:" : "item:") + std::to_string(i);
    Set(k, "v", i % 5 == 0 ? 10 : -1);
    all.insert(k);
  }
  clock_.AdvanceMs(100);  // every fifth key has expired (but is not reclaimed yet)
  std::set<std::string> live;
  for (const std::string& k : all) {
    if (std::stoi(k.substr(5)) % 5 != 0) live.insert(k);
  }
  Access acc = ks_.LockAll();
  std::vector<std::string> keys;
  acc.Keys(0, "user:*", &keys);
  EXPECT_EQ(keys.size(), static_cast<size_t>(std::count_if(live.begin(), live.end(),
                                                           [](auto& k) { return k[0] == 'u'; })));
  keys.clear();
  acc.Keys(0, "*", &keys);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), live);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(live.count(*acc.RandomKey(0)));
  EXPECT_EQ(acc.RandomKey(1), std::nullopt);
  keys.clear();
  uint64_t cursor = 0;
  size_t calls = 0;
  do {
    ScanOptions opts;
    opts.count = 7;
    cursor = acc.Scan(0, cursor, opts, &keys);
    ++calls;
  } while (cursor != 0);
  EXPECT_GT(calls, 10u);
  EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()), live);
  keys.clear();
  cursor = 0;
  do {
    ScanOptions opts;
    opts.count = 50;
    opts.pattern = "item:1*";
    cursor = acc.Scan(0, cursor, opts, &keys);
  } while (cursor != 0);
  for (const std::string& k : keys) EXPECT_EQ(k.substr(0, 6), "item:1");
  keys.clear();
  do {
    ScanOptions opts;
    opts.type = ValueType::kHash;
    cursor = acc.Scan(0, cursor, opts, &keys);
  } while (cursor != 0);
  EXPECT_TRUE(keys.empty());
  // Scanning deleted the expired keys it met.
  EXPECT_EQ(acc.DbSize(0), live.size());
}

TEST_F(KeyspaceTest, MemoryAccountingReturnsToZero) {
  for (int i = 0; i < 2000; ++i) {
    Set("k" + std::to_string(i), std::string(i % 100, 'v'), i % 3 ? 1000 : -1);
  }
  const uint64_t used = ks_.Stats().used_bytes;
  EXPECT_GT(used, 2000u * 40);
  {
    Access acc = ks_.Lock("k5");
    EntryRef e = acc.Find(0, "k5");
    EXPECT_GE(e.MemoryUsage(), 21u + 8);  // entry header, key, value; one bucket slot
    acc.AppendString(&e, std::string(10000, 'x'));
  }
  EXPECT_GT(ks_.Stats().used_bytes, used + 10000);
  for (int i = 0; i < 2000; ++i)
    ks_.Lock("k" + std::to_string(i)).Delete(0, "k" + std::to_string(i));
  ks_.RehashStep(1 << 20);
  // What is left is the (shrunk) index buckets not yet processed.
  clock_.AdvanceMs(1 << 20);
  ks_.ActiveExpireCycle(1 << 20);
  EXPECT_EQ(ks_.Stats().used_bytes, 0u);
}

TEST_F(KeyspaceTest, LfuPolicyCountsAccesses) {
  ks_.SetAccessPolicy(AccessPolicy::kLfu);
  Set("hot", "v");
  for (int i = 0; i < 100; ++i) Get("hot");
  Access acc = ks_.Lock("hot");
  EntryRef e = acc.Find(0, "hot", kLookupNoTouch);
  EXPECT_GT(LfuDecayedCounter(e.access_field(), acc.now_ms(), ks_.lfu_decay_time()), kLfuInitVal);
  // An overwrite keeps the counter under LFU.
  const uint32_t before = e.access_field();
  acc.SetString(0, "hot", "w");
  EXPECT_EQ(acc.Find(0, "hot", kLookupNoTouch).access_field(), before);
}

TEST_F(KeyspaceTest, LruIdleTime) {
  Set("k", "v");
  clock_.AdvanceMs(5000);
  {
    Access acc = ks_.Lock("k");
    EXPECT_EQ(LruIdleMs(acc.Find(0, "k", kLookupNoTouch).access_field(), acc.now_ms()), 5000);
    acc.Find(0, "k");  // touches
  }
  Access acc = ks_.Lock("k");
  EXPECT_EQ(LruIdleMs(acc.Find(0, "k", kLookupNoTouch).access_field(), acc.now_ms()), 0);
}

TEST_F(KeyspaceTest, UnlinkFreesLargeCollectionsInBackground) {
  auto set = std::make_unique<TestSet>();
  for (int i = 0; i < 100; ++i) set->members.insert(std::to_string(i));
  {
    Access acc = ks_.Lock("s");
    acc.Set(0, "s", Value::Object(std::move(set)));
    EXPECT_TRUE(acc.Delete(0, "s", /*async=*/true));
  }
  ks_.WaitForLazyFree();
  EXPECT_EQ(ks_.Stats().lazyfreed_objects, 1u);
}

TEST(StorageKeyspaceOptions, ShardCountDefaults) {
  EXPECT_EQ(DefaultShardCount(1), 4u);
  EXPECT_EQ(DefaultShardCount(2), 8u);
  EXPECT_EQ(DefaultShardCount(3), 16u);
  EXPECT_EQ(DefaultShardCount(16), 64u);
  Keyspace ks({.shards = 1});
  ks.Lock("x").SetString(0, "x", "y");
  EXPECT_EQ(ks.LockAll().DbSize(0), 1u);
}

TEST(StorageKeyspaceDeathTest, UnlockedShardAborts) {
  Keyspace ks({.shards = 64});
  std::string other;
  for (int i = 0; other.empty(); ++i) {
    if (ks.ShardOf("k" + std::to_string(i)) != ks.ShardOf("a")) other = "k" + std::to_string(i);
  }
  EXPECT_DEATH(
      {
        Access acc = ks.Lock("a");
        acc.Find(0, other);
      },
      "without its lock");
}

}  // namespace
}  // namespace cachet::storage
