// A by-hand memory measurement, disabled by default (it prints figures, asserts nothing):
//   storage_tests --gtest_also_run_disabled_tests --gtest_filter='*MemoryProbe*'
// It fills 1,000,000 keys as `DEBUG POPULATE 1000000 key 16` does (keys "key:<n>", 16-byte
// values "value:<n>" zero-padded), then the same with a one-hour TTL on every key, and prints
// bytes per key by the keyspace's own accounting, by malloc (mallinfo2) and by RSS.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "cachet/storage/keyspace.h"

namespace cachet::storage {
namespace {

size_t RssBytes() {
  long pages = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<size_t>(resident) * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

size_t MallocInUse() { return mallinfo2().uordblks + mallinfo2().hblkhd; }

void Probe(size_t shards, bool ttl) {
  constexpr int kKeys = 1'000'000;
  ManualClock clock;
  malloc_trim(0);
  const size_t rss0 = RssBytes();
  const size_t heap0 = MallocInUse();
  {
    Keyspace ks({.shards = shards, .databases = 16, .clock = &clock});
    char value[16];
    for (int i = 0; i < kKeys; ++i) {
      const std::string key = "key:" + std::to_string(i);
      std::memset(value, 0, sizeof(value));
      std::snprintf(value, sizeof(value), "value:%d", i);
      Access acc = ks.Lock(key);
      SetOptions opts;
      if (ttl) opts.expire_ms = acc.now_ms() + 3'600'000;
      acc.SetString(0, key, std::string_view(value, 16), opts);
    }
    while (ks.RehashStep(1 << 20)) {
    }
    const KeyspaceStats s = ks.Stats();
    std::printf(
        "shards=%-4zu ttl=%-3s keys=%llu  accounted %.1f B/key  malloc %.1f B/key  "
        "rss %.1f B/key\n",
        shards, ttl ? "yes" : "no", static_cast<unsigned long long>(s.keys),
        static_cast<double>(s.used_bytes) / kKeys,
        static_cast<double>(MallocInUse() - heap0) / kKeys,
        static_cast<double>(RssBytes() - rss0) / kKeys);
  }
}

TEST(StorageMemoryProbe, DISABLED_OneMillionKeys) {
  for (size_t shards : {DefaultShardCount(2), size_t{16}, size_t{64}}) {
    Probe(shards, false);
    Probe(shards, true);
  }
}

}  // namespace
}  // namespace cachet::storage
