// INFO over the real binary: figures that move when they should, and every field name Redis
// 7.0 prints (checked against a redis-server when one is installed).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/server_test.h"

namespace cachet::test {
namespace {

using Millis = std::chrono::milliseconds;

// One INFO text as redis-py's info() reads it: lines split, '#' and blank lines skipped,
// "key:value"; a value holding ',' and '=' is a dict of its "k=v" items.
struct Info {
  std::map<std::string, std::string> fields;
  // section title -> field names in order
  std::map<std::string, std::vector<std::string>> names;

  explicit Info(const std::string& text) {
    std::string section;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find("\r\n", pos);
      if (end == std::string::npos) end = text.size();
      const std::string line = text.substr(pos, end - pos);
      pos = end + 2;
      if (line.empty()) continue;
      if (line[0] == '#') {
        section = line.substr(2);
        names[section];
        continue;
      }
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      fields[line.substr(0, colon)] = line.substr(colon + 1);
      names[section].push_back(line.substr(0, colon));
    }
  }
  bool has(const std::string& key) const { return fields.count(key) > 0; }
  int64_t Int(const std::string& key) const {
    auto it = fields.find(key);
    return it == fields.end() ? -1 : std::stoll(it->second);
  }
  // Item `item` of a dict value ("calls=3,usec=..."); 0 when absent (a command not listed
  // has no calls).
  int64_t Sub(const std::string& key, const std::string& item) const {
    auto it = fields.find(key);
    if (it == fields.end()) return 0;
    const std::string& v = it->second;
    size_t pos = 0;
    while (pos <= v.size()) {
      size_t comma = v.find(',', pos);
      if (comma == std::string::npos) comma = v.size();
      const std::string kv = v.substr(pos, comma - pos);
      const size_t eq = kv.find('=');
      if (eq != std::string::npos && kv.substr(0, eq) == item) return std::stoll(kv.substr(eq + 1));
      pos = comma + 1;
    }
    return 0;
  }
};

std::string InfoText(redisContext* c, const std::vector<std::string>& sections) {
  std::vector<std::string> argv = {"INFO"};
  argv.insert(argv.end(), sections.begin(), sections.end());
  ReplyPtr r = RunCommand(c, argv);
  if (!r || r->type != REDIS_REPLY_STRING) return "";
  return std::string(r->str, r->len);
}

Info GetInfo(redisContext* c, const std::vector<std::string>& sections = {"everything"}) {
  return Info(InfoText(c, sections));
}

class InfoTest : public ServerTest {
 protected:
  void SetUp() override {
    if (testing_redis()) {
      StartServer();
    } else {
      StartServer({"--io-threads", "2"});
    }
  }

  // Polls INFO until field equals want; false after 5 s.
  bool WaitField(redisContext* c, const std::string& field, int64_t want) {
    for (int i = 0; i < 500; ++i) {
      if (GetInfo(c).Int(field) == want) return true;
      std::this_thread::sleep_for(Millis(10));
    }
    return false;
  }
};

TEST_F(InfoTest, KeyspaceHitsMissesAndExpiredKeys) {
  auto c = Connect();
  Info before = GetInfo(c.get());
  Call(c.get(), {"SET", "k", "v"});
  Call(c.get(), {"GET", "k"});
  Info hit = GetInfo(c.get());
  EXPECT_EQ(hit.Int("keyspace_hits"), before.Int("keyspace_hits") + 1);
  EXPECT_EQ(hit.Int("keyspace_misses"), before.Int("keyspace_misses"));
  Call(c.get(), {"GET", "nosuch"});
  Info miss = GetInfo(c.get());
  EXPECT_EQ(miss.Int("keyspace_misses"), hit.Int("keyspace_misses") + 1);
  EXPECT_EQ(miss.Int("keyspace_hits"), hit.Int("keyspace_hits"));

  Call(c.get(), {"SET", "e", "v", "PX", "1"});
  // Wait for the key to be gone (looked up or reclaimed by the active cycle).
  bool gone = false;
  for (int i = 0; i < 400 && !gone; ++i) {
    gone = Call(c.get(), {"EXISTS", "e"}) == "(integer) 0";
    if (!gone) std::this_thread::sleep_for(Millis(5));
  }
  ASSERT_TRUE(gone);
  EXPECT_EQ(GetInfo(c.get()).Int("expired_keys"), miss.Int("expired_keys") + 1);
}

TEST_F(InfoTest, CommandStatsCountExactly) {
  auto c = Connect();
  Info before = GetInfo(c.get());
  const int64_t get0 = before.Sub("cmdstat_get", "calls");
  for (int i = 0; i < 7; ++i) Call(c.get(), {"GET", "x"});
  Info after = GetInfo(c.get());
  EXPECT_EQ(after.Sub("cmdstat_get", "calls"), get0 + 7);
  EXPECT_EQ(after.Sub("cmdstat_get", "rejected_calls"), 0);
  EXPECT_EQ(after.Sub("cmdstat_get", "failed_calls"), 0);
  EXPECT_TRUE(after.has("latency_percentiles_usec_get"));
  // The 7 GETs and the first INFO (the second counts itself after it has answered).
  EXPECT_EQ(after.Int("total_commands_processed"), before.Int("total_commands_processed") + 8);
}

TEST_F(InfoTest, ArityErrorIsARejectedCallAndAnErr) {
  auto c = Connect();
  Info before = GetInfo(c.get());
  EXPECT_EQ(Call(c.get(), {"GET"}), "(error) ERR wrong number of arguments for 'get' command");
  Info after = GetInfo(c.get());
  EXPECT_EQ(after.Sub("cmdstat_get", "rejected_calls"),
            before.Sub("cmdstat_get", "rejected_calls") + 1);
  EXPECT_EQ(after.Sub("cmdstat_get", "calls"), before.Sub("cmdstat_get", "calls"));
  EXPECT_EQ(after.Sub("errorstat_ERR", "count"), before.Sub("errorstat_ERR", "count") + 1);
  EXPECT_EQ(after.Int("total_error_replies"), before.Int("total_error_replies") + 1);
}

TEST_F(InfoTest, WrongTypeIsAFailedCall) {
  auto c = Connect();
  Call(c.get(), {"SET", "s", "v"});
  Info before = GetInfo(c.get());
  EXPECT_EQ(Call(c.get(), {"LPUSH", "s", "x"}).rfind("(error) WRONGTYPE", 0), 0u);
  Info after = GetInfo(c.get());
  EXPECT_EQ(after.Sub("cmdstat_lpush", "failed_calls"),
            before.Sub("cmdstat_lpush", "failed_calls") + 1);
  EXPECT_EQ(after.Sub("cmdstat_lpush", "calls"), before.Sub("cmdstat_lpush", "calls") + 1);
  EXPECT_EQ(after.Sub("errorstat_WRONGTYPE", "count"),
            before.Sub("errorstat_WRONGTYPE", "count") + 1);
}

TEST_F(InfoTest, ClientsAndConnections) {
  auto c = Connect();
  // The start-up readiness probe may still be closing.
  ASSERT_TRUE(WaitField(c.get(), "connected_clients", 1));
  Info before = GetInfo(c.get());
  {
    auto a = Connect();
    auto b = Connect();
    Call(a.get(), {"PING"});
    Call(b.get(), {"PING"});
    // A readiness probe accepted late can still come and go: wait for the count to settle.
    EXPECT_TRUE(WaitField(c.get(), "connected_clients", 3));
    Info during = GetInfo(c.get());
    EXPECT_GE(during.Int("total_connections_received"),
              before.Int("total_connections_received") + 2);
  }
  EXPECT_TRUE(WaitField(c.get(), "connected_clients", 1));
}

TEST_F(InfoTest, BlockedClientsAndTheServedCall) {
  auto c = Connect();
  Info before = GetInfo(c.get());
  RawClient waiter = ConnectRaw();
  ASSERT_TRUE(waiter.Send(EncodeCommand({"BLPOP", "q", "0"})));
  ASSERT_TRUE(WaitField(c.get(), "blocked_clients", 1));
  // A call as soon as it ran; its latency is recorded once it is served (Redis 7.0).
  Info blocked = GetInfo(c.get());
  EXPECT_EQ(blocked.Sub("cmdstat_blpop", "calls"), before.Sub("cmdstat_blpop", "calls") + 1);
  EXPECT_EQ(blocked.has("latency_percentiles_usec_blpop"),
            before.has("latency_percentiles_usec_blpop"));
  EXPECT_EQ(Call(c.get(), {"RPUSH", "q", "x"}), "(integer) 1");
  EXPECT_EQ(waiter.ReadReply(), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
  ASSERT_TRUE(WaitField(c.get(), "blocked_clients", 0));
  Info served = GetInfo(c.get());
  EXPECT_EQ(served.Sub("cmdstat_blpop", "calls"), before.Sub("cmdstat_blpop", "calls") + 1);
  EXPECT_TRUE(served.has("latency_percentiles_usec_blpop"));
}

TEST_F(InfoTest, KeyspaceSection) {
  auto c = Connect();
  Call(c.get(), {"FLUSHALL"});
  EXPECT_FALSE(GetInfo(c.get()).has("db0"));
  Call(c.get(), {"SET", "a", "1"});
  Call(c.get(), {"SET", "b", "2", "EX", "1000"});
  Call(c.get(), {"SET", "c", "3"});
  Info info = GetInfo(c.get(), {"keyspace"});
  EXPECT_EQ(info.Sub("db0", "keys"), 3);
  EXPECT_EQ(info.Sub("db0", "expires"), 1);
  EXPECT_FALSE(info.has("db1"));
}

TEST_F(InfoTest, NetworkBytesCountRequestsAndReplies) {
  auto c = Connect();
  Info a = GetInfo(c.get(), {"stats"});
  EXPECT_EQ(Call(c.get(), {"PING"}), "PONG");
  Info b = GetInfo(c.get(), {"stats"});
  // PING (14 bytes) and the second INFO request (25 bytes) were read in between.
  EXPECT_EQ(b.Int("total_net_input_bytes") - a.Int("total_net_input_bytes"), 14 + 25);
  EXPECT_GT(b.Int("total_net_output_bytes"), a.Int("total_net_output_bytes"));
  EXPECT_GT(b.Int("total_reads_processed"), a.Int("total_reads_processed"));
}

TEST_F(InfoTest, SectionsAndUnknownSection) {
  auto c = Connect();
  EXPECT_EQ(InfoText(c.get(), {"nosuch"}), "");
  EXPECT_EQ(InfoText(c.get(), {"cluster", "keyspace"})
                .rfind("# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n", 0),
            0u);
  Info def = GetInfo(c.get(), {});
  EXPECT_FALSE(def.names.count("Commandstats"));
  EXPECT_TRUE(def.names.count("Errorstats"));
  EXPECT_TRUE(GetInfo(c.get(), {"all"}).names.count("Latencystats"));
}

// Every field Redis 7.0 prints in INFO everything, per section and in the same order; cachet
// adds only cachet_version. Needs a redis-server binary; skipped without one.
TEST_F(InfoTest, FieldNamesMatchRedis) {
  const std::string redis = FindRedisServer();
  if (redis.empty()) GTEST_SKIP() << "no redis-server installed";
  if (testing_redis()) GTEST_SKIP() << "compares cachet with redis-server";
  ServerProcess oracle(redis);
  ASSERT_TRUE(oracle.Start()) << oracle.ReadLog();
  auto rc = ConnectRedis(oracle.port());
  ASSERT_NE(rc, nullptr);
  auto c = Connect();
  // Names that depend on what ran (commands, errors, databases) are compared by the other tests.
  auto dynamic = [](const std::string& n) {
    return n.rfind("cmdstat_", 0) == 0 || n.rfind("errorstat_", 0) == 0 ||
           n.rfind("latency_percentiles_usec_", 0) == 0 ||
           (n.rfind("db", 0) == 0 && n.size() > 2 && isdigit(static_cast<unsigned char>(n[2])));
  };
  Info want = GetInfo(rc.get());
  Info got = GetInfo(c.get());
  ASSERT_FALSE(want.names.empty());
  std::vector<std::string> want_sections, got_sections;
  for (const auto& [s, n] : want.names) want_sections.push_back(s);
  for (const auto& [s, n] : got.names) got_sections.push_back(s);
  EXPECT_EQ(got_sections, want_sections);
  for (const auto& [section, names] : want.names) {
    std::vector<std::string> w, g;
    for (const auto& n : names)
      if (!dynamic(n)) w.push_back(n);
    for (const auto& n : got.names[section])
      if (!dynamic(n) && n != "cachet_version") g.push_back(n);
    EXPECT_EQ(g, w) << "section " << section;
  }
  EXPECT_TRUE(got.has("cachet_version"));
  oracle.Stop();
}

}  // namespace
}  // namespace cachet::test
