// In-process tests of INFO: sections, headers and layout, and the per-command statistics.
#include <map>
#include <string>
#include <vector>

#include "cachet/commands/command_stats.h"
#include "command_fixture.h"

namespace cachet::test {
namespace {

class InfoFamilyTest : public CommandTest {
 protected:
  InfoFamilyTest() { commands::ResetCommandStats(); }

  // The INFO text for the given arguments (a bulk string in RESP2).
  std::string Info(std::vector<std::string> args = {}) {
    args.insert(args.begin(), "info");
    RespValue v = Run(args);
    EXPECT_EQ(v.type, '$');
    return v.text;
  }

  // The section headers of an INFO text, in order.
  static std::vector<std::string> Headers(const std::string& text) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find("\r\n", pos);
      if (end == std::string::npos) end = text.size();
      if (text.compare(pos, 2, "# ") == 0) out.push_back(text.substr(pos + 2, end - pos - 2));
      pos = end + 2;
    }
    return out;
  }

  // field -> value, as redis-py reads INFO (comments and blank lines skipped).
  static std::map<std::string, std::string> Fields(const std::string& text) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find("\r\n", pos);
      if (end == std::string::npos) end = text.size();
      std::string line = text.substr(pos, end - pos);
      pos = end + 2;
      if (line.empty() || line[0] == '#') continue;
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      out[line.substr(0, colon)] = line.substr(colon + 1);
    }
    return out;
  }
};

const std::vector<std::string> kDefault = {"Server",     "Clients",     "Memory",  "Persistence",
                                           "Stats",      "Replication", "CPU",     "Modules",
                                           "Errorstats", "Cluster",     "Keyspace"};

TEST_F(InfoFamilyTest, DefaultAllAndEverythingSections) {
  EXPECT_EQ(Headers(Info()), kDefault);
  EXPECT_EQ(Headers(Info({"default"})), kDefault);
  EXPECT_EQ(Headers(Info({"DEFAULT"})), kDefault);
  const std::vector<std::string> all = {
      "Server",  "Clients",      "Memory",     "Persistence",  "Stats",   "Replication", "CPU",
      "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"};
  EXPECT_EQ(Headers(Info({"all"})), all);
  EXPECT_EQ(Headers(Info({"everything"})), all);
  EXPECT_EQ(Headers(Info({"all", "keyspace"})), all);
  std::vector<std::string> with_cmdstats = kDefault;
  with_cmdstats.insert(with_cmdstats.begin() + 8, "Commandstats");
  EXPECT_EQ(Headers(Info({"default", "commandstats"})), with_cmdstats);
}

TEST_F(InfoFamilyTest, LayoutOfOneAndSeveralSections) {
  EXPECT_EQ(RunRaw({"info", "cluster"}), "$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n");
  // Sections are separated by a blank line; the last one ends with its last field.
  EXPECT_EQ(RunRaw({"info", "Cluster", "KEYSPACE"}),
            "$44\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n# Keyspace\r\n\r\n");
  EXPECT_EQ(RunRaw({"info", "modules"}), "$11\r\n# Modules\r\n\r\n");
  EXPECT_EQ(RunRaw({"info", "module_list"}), "$11\r\n# Modules\r\n\r\n");
  EXPECT_EQ(Headers(Info({"server", "cluster"})), (std::vector<std::string>{"Server", "Cluster"}));
}

TEST_F(InfoFamilyTest, UnknownSectionIsEmpty) {
  EXPECT_EQ(RunRaw({"info", "nosuch"}), "$0\r\n\r\n");
  EXPECT_EQ(Headers(Info({"nosuch", "cluster"})), (std::vector<std::string>{"Cluster"}));
}

TEST_F(InfoFamilyTest, Resp3IsAVerbatimString) {
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"info", "cluster"}), "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
}

TEST_F(InfoFamilyTest, ServerFieldsInRedisOrder) {
  const std::string text = Info({"server"});
  EXPECT_EQ(text.rfind("# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:00000000\r\n", 0), 0u);
  auto f = Fields(text);
  EXPECT_EQ(f["redis_mode"], "standalone");
  EXPECT_EQ(f["multiplexing_api"], "epoll");
  EXPECT_EQ(f["process_id"], std::to_string(::getpid()));
  EXPECT_EQ(f["arch_bits"], std::to_string(sizeof(void*) * 8));
  EXPECT_EQ(f["configured_hz"], "10");
  EXPECT_TRUE(f.count("cachet_version"));
  EXPECT_LT(text.find("io_threads_active"), text.find("cachet_version"));
}

TEST_F(InfoFamilyTest, KeyspaceSectionListsNonEmptyDatabases) {
  Run({"set", "a", "1"});
  Run({"set", "b", "2", "ex", "100"});
  Run({"select", "3"});
  Run({"set", "c", "3"});
  EXPECT_EQ(Info({"keyspace"}),
            "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n");
}

TEST_F(InfoFamilyTest, HitsMissesAndMemoryFigures) {
  Run({"set", "a", "1"});
  Run({"get", "a"});
  Run({"get", "nosuch"});
  auto f = Fields(Info({"stats", "memory"}));
  EXPECT_EQ(f["keyspace_hits"], "1");
  EXPECT_EQ(f["keyspace_misses"], "1");
  EXPECT_EQ(f["maxmemory_policy"], "noeviction");
  EXPECT_EQ(f["maxmemory_human"], "0B");
  EXPECT_EQ(f["mem_allocator"], "libc");
  EXPECT_NE(f["used_memory"], "0");
  ASSERT_EQ(RunRaw({"config", "set", "maxmemory", "1536kb"}), "+OK\r\n");
  EXPECT_EQ(Fields(Info({"memory"}))["maxmemory_human"], "1.50M");
}

TEST_F(InfoFamilyTest, CommandStatsCountCallsRejectionsAndFailures) {
  Run({"get", "k"});
  Run({"get", "k"});
  Run({"set", "k", "v"});
  Run({"get"});              // arity: rejected
  Run({"lpush", "k", "x"});  // WRONGTYPE: failed
  Run({"client", "id"});     // a subcommand
  Run({"nosuchcommand"});    // unknown: counted as an error only
  auto f = Fields(Info({"commandstats", "errorstats", "stats"}));
  auto calls = [&](const std::string& name) {
    const std::string& v = f["cmdstat_" + name];
    return v.substr(0, v.find(','));
  };
  EXPECT_EQ(calls("get"), "calls=2");
  EXPECT_NE(f["cmdstat_get"].find(",rejected_calls=1,failed_calls=0"), std::string::npos);
  EXPECT_NE(f["cmdstat_lpush"].find("calls=1,"), std::string::npos);
  EXPECT_NE(f["cmdstat_lpush"].find(",rejected_calls=0,failed_calls=1"), std::string::npos);
  EXPECT_EQ(calls("client|id"), "calls=1");
  EXPECT_EQ(f["errorstat_ERR"], "count=2");
  EXPECT_EQ(f["errorstat_WRONGTYPE"], "count=1");
  EXPECT_EQ(f["total_error_replies"], "3");
  // get, get, set, lpush, client|id (rejected and unknown commands are not processed).
  EXPECT_EQ(f["total_commands_processed"], "5");
}

TEST_F(InfoFamilyTest, TransactionsCountQueuedCommandsWhenTheyRun) {
  Run({"set", "k", "v"});
  Run({"multi"});
  Run({"incr", "k"});  // queued; fails at EXEC
  Run({"get", "k"});   // queued
  Run({"exec"});
  Run({"multi"});
  Run({"get"});   // rejected while queuing
  Run({"exec"});  // EXECABORT
  auto f = Fields(Info({"commandstats", "errorstats"}));
  EXPECT_NE(f["cmdstat_incr"].find("calls=1,"), std::string::npos);
  EXPECT_NE(f["cmdstat_incr"].find("failed_calls=1"), std::string::npos);
  EXPECT_NE(f["cmdstat_get"].find("calls=1,"), std::string::npos);
  EXPECT_NE(f["cmdstat_get"].find("rejected_calls=1,failed_calls=0"), std::string::npos);
  // EXEC fails only for its own error (EXECABORT), not for what its commands replied.
  EXPECT_NE(f["cmdstat_exec"].find("calls=2,"), std::string::npos);
  EXPECT_NE(f["cmdstat_exec"].find("failed_calls=1"), std::string::npos);
  EXPECT_EQ(f["errorstat_EXECABORT"], "count=1");
  EXPECT_EQ(f["errorstat_ERR"], "count=2");
}

TEST_F(InfoFamilyTest, InfoInsideExecDoesNotLockTheKeyspaceAgain) {
  Run({"multi"});
  Run({"set", "k", "v"});
  Run({"info", "keyspace", "stats"});
  RespValue v = Run({"exec"});
  ASSERT_EQ(v.elements.size(), 2u);
  EXPECT_EQ(v.elements[1].type, '$');
  EXPECT_NE(v.elements[1].text.find("\r\n# Keyspace\r\n"), std::string::npos);
}

TEST_F(InfoFamilyTest, LatencyStatsUseTheConfiguredPercentiles) {
  Run({"set", "k", "v"});
  auto f = Fields(Info({"latencystats"}));
  std::string v = f["latency_percentiles_usec_set"];
  EXPECT_EQ(v.rfind("p50=", 0), 0u) << v;
  EXPECT_NE(v.find(",p99="), std::string::npos);
  EXPECT_NE(v.find(",p99.9="), std::string::npos);
  ASSERT_EQ(RunRaw({"config", "set", "latency-tracking-info-percentiles", "12.5 100"}), "+OK\r\n");
  v = Fields(Info({"latencystats"}))["latency_percentiles_usec_set"];
  EXPECT_EQ(v.rfind("p12.5=", 0), 0u) << v;
  EXPECT_NE(v.find(",p100="), std::string::npos);
  ASSERT_EQ(RunRaw({"config", "set", "latency-tracking", "no"}), "+OK\r\n");
  EXPECT_EQ(Info({"latencystats"}), "# Latencystats\r\n");
}

TEST_F(InfoFamilyTest, ResetCommandStatsZeroesEverything) {
  Run({"get", "k"});
  Run({"get"});
  commands::ResetCommandStats();
  auto f = Fields(Info({"commandstats", "errorstats", "stats"}));
  EXPECT_EQ(f.count("cmdstat_get"), 0u);
  EXPECT_EQ(f.count("errorstat_ERR"), 0u);
  EXPECT_EQ(f["total_error_replies"], "0");
  EXPECT_EQ(f["total_commands_processed"], "0");
  // The INFO that read them is counted afterwards.
  EXPECT_NE(Fields(Info({"commandstats"}))["cmdstat_info"].find("calls=1,"), std::string::npos);
}

TEST(LatencyHistogramTest, BucketsAreWithinTwoPercent) {
  using commands::LatencyHistogram;
  for (uint64_t v : {1ULL, 5ULL, 63ULL, 64ULL, 65ULL, 127ULL, 128ULL, 1000ULL, 4095ULL, 86015ULL,
                     123456789ULL, 999999999ULL, 1000000000ULL}) {
    const size_t b = LatencyHistogram::BucketOf(v);
    ASSERT_LT(b, LatencyHistogram::kBuckets);
    const uint64_t high = LatencyHistogram::BucketHigh(b);
    EXPECT_GE(high, v);
    EXPECT_LE(double(high - v), double(v) * 0.016) << v;
    if (b > 0) {
      EXPECT_LT(LatencyHistogram::BucketHigh(b - 1), v);
    }
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(0), LatencyHistogram::BucketOf(1));
  EXPECT_EQ(LatencyHistogram::BucketOf(5000000000ULL), LatencyHistogram::BucketOf(1000000000ULL));
}

TEST(LatencyHistogramTest, PercentilesAsRedisComputesThem) {
  using commands::LatencyHistogram;
  std::vector<uint64_t> h(LatencyHistogram::kBuckets, 0);
  EXPECT_EQ(commands::PercentileOf(h, 50), 0u);
  // 90 samples of 10 ns, 10 of 50 ns.
  h[LatencyHistogram::BucketOf(10)] = 90;
  h[LatencyHistogram::BucketOf(50)] = 10;
  EXPECT_EQ(commands::PercentileOf(h, 50), 10u);
  EXPECT_EQ(commands::PercentileOf(h, 90), 10u);
  EXPECT_EQ(commands::PercentileOf(h, 91), 50u);
  EXPECT_EQ(commands::PercentileOf(h, 100), 50u);
}

}  // namespace
}  // namespace cachet::test
