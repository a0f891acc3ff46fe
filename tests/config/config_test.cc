// Tests of the directive table and the values in force: defaults against the oracle's
// CONFIG GET *, hidden directives, globs, CONFIG SET semantics, hooks, typed reads.
#include "cachet/config/config.h"

#include <gtest/gtest.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cachet/config/config_parse.h"
#include "config/fixtures.h"

namespace cachet::config {
namespace {

using testing::ReadTsv;
using Pairs = std::vector<std::pair<std::string, std::string>>;

std::map<std::string, std::string> AsMap(const Pairs& pairs) {
  return std::map<std::string, std::string>(pairs.begin(), pairs.end());
}

std::string Cwd() {
  char buf[PATH_MAX];
  char real[PATH_MAX];
  return realpath(getcwd(buf, sizeof(buf)), real);
}

// Where cachet deliberately differs from redis-server's defaults, and why.
const std::map<std::string, std::string> kDocumentedDefaultExceptions = {
    // Redis runs one I/O thread by default; cachet's 0 means "one worker per core".
    {"io-threads", "0"},
};

// cachet's own directives, absent from Redis.
const std::set<std::string> kCachetOnly = {"shards", "metrics-port"};

TEST(ConfigDefaults, EqualTheOraclesConfigGetStar) {
  Pairs oracle = ReadTsv("oracle_defaults.tsv");
  ASSERT_GT(oracle.size(), 150u);
  std::map<std::string, std::string> want = AsMap(oracle);
  // The oracle was started with --port 0 and a private unix socket in a temporary directory.
  Config c;
  ASSERT_TRUE(c.ApplyArgs({"--port", "0", "--unixsocket", want.at("unixsocket")}));
  auto ours = AsMap(c.GetMatching("*"));
  for (const auto& [name, value] : want) {
    ASSERT_TRUE(ours.count(name)) << "missing directive " << name;
    if (name == "dir") {
      EXPECT_EQ(ours[name], Cwd()) << "dir is the working directory";
    } else if (kDocumentedDefaultExceptions.count(name)) {
      EXPECT_EQ(ours[name], kDocumentedDefaultExceptions.at(name)) << name;
    } else {
      EXPECT_EQ(ours[name], value) << name;
    }
  }
  for (const auto& [name, value] : ours) {
    if (!want.count(name)) {
      EXPECT_TRUE(kCachetOnly.count(name)) << "not in Redis: " << name;
    }
  }
}

TEST(ConfigDefaults, PortAndSocketBeforeAnyArgument) {
  Config c;
  EXPECT_EQ(c.Get("port"), "6379");
  EXPECT_EQ(c.GetInt("port"), 6379);
  EXPECT_EQ(c.Get("unixsocket"), "");
  EXPECT_EQ(c.Get("bind"), "* -::*");
  EXPECT_EQ(c.Get("save"), "3600 1 300 100 60 10000");
  EXPECT_EQ(c.Get("shards"), "0");
  EXPECT_EQ(c.Get("metrics-port"), "0");
  EXPECT_EQ(c.GetInt("maxmemory-policy"), kNoEviction);
  EXPECT_EQ(c.GetInt("loglevel"), kLogNotice);
  EXPECT_TRUE(c.GetBool("protected-mode"));
  EXPECT_EQ(c.config_file(), "");
  EXPECT_TRUE(c.IgnoredInUse().empty());
}

TEST(ConfigDefaults, HiddenDirectivesAnswerOnlyToTheirExactName) {
  Config c;
  auto all = AsMap(c.GetMatching("*"));
  Pairs hidden = ReadTsv("oracle_hidden.tsv");
  ASSERT_EQ(hidden.size(), 5u);
  for (const auto& [name, value] : hidden) {
    EXPECT_EQ(c.Get(name), value) << name;
    EXPECT_EQ(all.count(name), 0u) << name;
    EXPECT_EQ(c.GetMatching(name), (Pairs{{name, value}}));
  }
  EXPECT_TRUE(c.GetMatching("*exit-on*").empty());
}

TEST(ConfigTable, NamesAreUniqueLowercaseAndDefaultsParse) {
  std::set<std::string> seen;
  for (const Directive& d : Config::Table()) {
    for (const std::string& n : [&] {
           std::vector<std::string> v = d.aliases;
           v.push_back(d.name);
           return v;
         }()) {
      EXPECT_TRUE(seen.insert(n).second) << "duplicate " << n;
      EXPECT_EQ(n, [&] {
        std::string l = n;
        for (char& ch : l) ch = static_cast<char>(tolower(ch));
        return l;
      }());
    }
    // Every default must be accepted back by the directive's own parser.
    if (d.name == "dir" || d.name == "replicaof") continue;  // "" renders "no replica"
    std::string value = d.type == ConfigType::kString ? Repr(d.default_value)
                        : d.default_value.empty()     ? "\"\""
                                                      : d.default_value;
    Config c;
    Status s = c.LoadString(d.name + " " + value);
    EXPECT_TRUE(s.ok) << d.name << ": " << s.error;
    EXPECT_EQ(c.Get(d.name), d.default_value) << d.name;
  }
  EXPECT_EQ(Config::Find("SLAVEOF"), Config::Find("replicaof"));
  EXPECT_EQ(Config::Find("nosuch"), nullptr);
}

TEST(ConfigTable, IgnoredMarksFollowWhatCachetActsOn) {
  for (const char* acted : {"port",
                            "bind",
                            "unixsocket",
                            "unixsocketperm",
                            "tcp-backlog",
                            "timeout",
                            "tcp-keepalive",
                            "maxclients",
                            "databases",
                            "loglevel",
                            "logfile",
                            "pidfile",
                            "daemonize",
                            "io-threads",
                            "requirepass",
                            "protected-mode",
                            "proto-max-bulk-len",
                            "client-query-buffer-limit",
                            "hz",
                            "maxmemory",
                            "maxmemory-policy",
                            "maxmemory-samples",
                            "maxmemory-eviction-tenacity",
                            "lazyfree-lazy-eviction",
                            "notify-keyspace-events",
                            "slowlog-log-slower-than",
                            "slowlog-max-len",
                            "latency-tracking",
                            "hash-max-listpack-entries",
                            "hash-max-listpack-value",
                            "list-max-listpack-size",
                            "set-max-intset-entries",
                            "zset-max-listpack-entries",
                            "zset-max-listpack-value",
                            "shards",
                            "metrics-port"}) {
    ASSERT_NE(Config::Find(acted), nullptr) << acted;
    EXPECT_FALSE(Config::Find(acted)->flags & kIgnored) << acted;
  }
  for (const char* ignored :
       {"save", "appendonly", "dbfilename", "dir", "rdbcompression", "aof-use-rdb-preamble",
        "replicaof", "masterauth", "cluster-enabled", "aclfile", "tls-port", "tls-cert-file",
        "activedefrag", "repl-backlog-size"}) {
    ASSERT_NE(Config::Find(ignored), nullptr) << ignored;
    EXPECT_TRUE(Config::Find(ignored)->flags & kIgnored) << ignored;
  }
}

TEST(ConfigGet, GlobsAliasesAndCase) {
  Config c;
  EXPECT_EQ(c.GetMatching("PORT"), (Pairs{{"PORT", "6379"}}));
  EXPECT_EQ(c.GetMatching("PO*"), (Pairs{{"port", "6379"}}));
  EXPECT_TRUE(c.GetMatching("nosuch").empty());
  EXPECT_TRUE(c.GetMatching("nosuch*").empty());
  auto entries = AsMap(c.GetMatching("*max-*-entries*"));
  EXPECT_EQ(entries, (std::map<std::string, std::string>{{"hash-max-listpack-entries", "512"},
                                                         {"hash-max-ziplist-entries", "512"},
                                                         {"set-max-intset-entries", "512"},
                                                         {"zset-max-listpack-entries", "128"},
                                                         {"zset-max-ziplist-entries", "128"}}));
  EXPECT_EQ(AsMap(c.GetMatching("slave?f")), (std::map<std::string, std::string>{{"slaveof", ""}}));
  EXPECT_EQ(c.GetMatching("[mp]ort").size(), 1u);
  EXPECT_EQ(c.GetMatching("maxmemory-polic[^y]").size(), 0u);
  // Several arguments: each directive name once, the first spelling asked wins.
  Pairs several = c.GetMatching(std::vector<std::string>{"port", "PORT", "p*t", "hz"});
  EXPECT_EQ(several, (Pairs{{"port", "6379"}, {"hz", "10"}}));
  Pairs star = c.GetMatching(std::vector<std::string>{"*", "*"});
  EXPECT_EQ(star.size(), c.GetMatching("*").size());
  EXPECT_EQ(c.Get("lua-time-limit"), "5000");
  EXPECT_EQ(c.Get("nosuch"), std::nullopt);
}

TEST(ConfigSet, ChangesValuesAndTypedReads) {
  Config c;
  ASSERT_TRUE(c.Set("maxmemory", "100mb"));
  EXPECT_EQ(c.Get("maxmemory"), "104857600");
  EXPECT_EQ(c.GetInt("maxmemory"), 104857600);
  const std::atomic<int64_t>& ref = c.IntRef("maxmemory");
  ASSERT_TRUE(c.Set("MAXMEMORY", "1gb"));
  EXPECT_EQ(ref.load(), 1073741824);
  ASSERT_TRUE(c.Set("maxmemory-policy", "ALLKEYS-LRU"));
  EXPECT_EQ(c.Get("maxmemory-policy"), "allkeys-lru");
  EXPECT_EQ(c.GetInt("maxmemory-policy"), kAllkeysLru);
  ASSERT_TRUE(c.Set("notify-keyspace-events", "Ex"));
  EXPECT_EQ(c.GetInt("notify-keyspace-events"), kNotifyKeyevent | kNotifyExpired);
  EXPECT_EQ(c.IntRef("notify-keyspace-events").load(), kNotifyKeyevent | kNotifyExpired);
  ASSERT_TRUE(c.Set("requirepass", "s3cret"));
  EXPECT_EQ(c.GetString("requirepass"), "s3cret");
  ASSERT_TRUE(c.Set("hash-max-ziplist-entries", "7"));
  EXPECT_EQ(c.GetInt("hash-max-listpack-entries"), 7);
  ASSERT_TRUE(c.Set("shutdown-on-sigterm", "nosave force"));
  EXPECT_EQ(c.GetInt("shutdown-on-sigterm"), 2 | 8);
  ASSERT_TRUE(c.Set("maxmemory", "18446744073709551615"));
  EXPECT_EQ(c.GetInt("maxmemory"), -1);  // 2^64-1 in the same 64 bits
  EXPECT_EQ(c.Get("maxmemory"), "18446744073709551615");
  EXPECT_EQ(c.GetInt("nosuch"), 0);
  EXPECT_EQ(c.IntRef("nosuch").load(), 0);
  EXPECT_EQ(c.GetString("nosuch"), "");
  EXPECT_FALSE(c.IsExplicit("maxmemory"));  // only files and the command line count
}

TEST(ConfigSet, ErrorsInRedisWording) {
  Config c;
  EXPECT_EQ(c.Set("foo", "bar").error,
            "Unknown option or number of arguments for CONFIG SET - 'foo'");
  EXPECT_EQ(c.Set("Daemonize", "yes").error,
            "CONFIG SET failed (possibly related to argument 'Daemonize') - can't set immutable "
            "config");
  EXPECT_EQ(c.Set("dir", "/").error,
            "CONFIG SET failed (possibly related to argument 'dir') - can't set protected config");
  EXPECT_EQ(c.Set("SLAVE-READ-ONLY", "maybe").error,
            "CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must "
            "be 'yes' or 'no'");
  EXPECT_EQ(c.Set({{"hz", "5"}, {"HZ", "6"}}).error,
            "CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter");
  // Redis 7.0 takes a directive and its alias as two parameters, applied in order.
  EXPECT_TRUE(c.Set({{"busy-reply-threshold", "5"}, {"lua-time-limit", "6"}}));
  EXPECT_EQ(c.GetString("busy-reply-threshold"), "6");
  EXPECT_EQ(c.Set("io-threads", "4").error,
            "CONFIG SET failed (possibly related to argument 'io-threads') - can't set immutable "
            "config");
  EXPECT_EQ(c.Set("shards", "4").error,
            "CONFIG SET failed (possibly related to argument 'shards') - can't set immutable "
            "config");
}

TEST(ConfigSet, SeveralPairsAreAllOrNothing) {
  Config c;
  Status s = c.Set({{"maxmemory", "1mb"}, {"hz", "x"}});
  EXPECT_EQ(s.error,
            "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
            "into an integer");
  EXPECT_EQ(c.Get("maxmemory"), "0");
  ASSERT_TRUE(c.Set({{"maxmemory", "2mb"}, {"hz", "20"}}));
  EXPECT_EQ(c.Get("maxmemory"), "2097152");
  EXPECT_EQ(c.Get("hz"), "20");
}

TEST(ConfigSet, ProtectedConfigsFollowEnableProtectedConfigs) {
  Config local;
  ASSERT_TRUE(local.LoadString("enable-protected-configs local"));
  EXPECT_FALSE(local.Set("dbfilename", "a.rdb").ok);
  EXPECT_TRUE(local.Set("dbfilename", "a.rdb", /*local_client=*/true).ok);
  EXPECT_EQ(local.Get("dbfilename"), "a.rdb");
  EXPECT_EQ(local.Set("dbfilename", "x/a.rdb", true).error,
            "CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be "
            "a path, just a filename");
  Config yes;
  ASSERT_TRUE(yes.LoadString("enable-protected-configs yes"));
  ASSERT_TRUE(yes.Set("dir", "/"));
  EXPECT_EQ(yes.Get("dir"), "/");
  EXPECT_EQ(yes.Set("dir", "/nonexistent-cachet-dir").error,
            "CONFIG SET failed (possibly related to argument 'dir') - No such file or directory");
  EXPECT_EQ(yes.Get("dir"), "/");
}

TEST(ConfigSet, ValidateChecksWithoutChanging) {
  Config c;
  EXPECT_TRUE(c.Validate("maxmemory", "5mb").ok);
  EXPECT_EQ(c.Get("maxmemory"), "0");
  EXPECT_EQ(c.Validate("maxmemory", "5xb").error,
            "CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a "
            "memory value");
  EXPECT_EQ(c.Validate("nosuch", "1").error,
            "Unknown option or number of arguments for CONFIG SET - 'nosuch'");
  EXPECT_TRUE(c.Validate("port", "1").ok);
  EXPECT_FALSE(c.Validate("databases", "1").ok);
}

TEST(ConfigSet, HooksRunOnChangeAndCanRefuse) {
  Config c;
  int calls = 0;
  std::string seen;
  c.OnChange("maxmemory", [&](Config& cfg) {
    ++calls;
    seen = *cfg.Get("maxmemory");
    return Status::Ok();
  });
  ASSERT_TRUE(c.Set("maxmemory", "1kb"));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, "1024");
  ASSERT_TRUE(c.Set("maxmemory", "1024"));  // same value: no change, no hook
  EXPECT_EQ(calls, 1);

  c.OnChange("slave-priority", [](Config& cfg) {
    if (cfg.GetInt("replica-priority") == 13) return Status::Error("unlucky");
    return Status::Ok();
  });
  Status s = c.Set({{"maxmemory", "2kb"}, {"replica-priority", "13"}});
  EXPECT_EQ(s.error,
            "CONFIG SET failed (possibly related to argument 'replica-priority') - unlucky");
  EXPECT_EQ(c.Get("replica-priority"), "100");
  EXPECT_EQ(c.Get("maxmemory"), "1024");  // restored, and its hook re-run on restore
  EXPECT_EQ(seen, "1024");
  EXPECT_TRUE(c.Set("replica-priority", "12"));
}

TEST(ConfigSet, HzIsClampedLikeRedis) {
  Config c;
  ASSERT_TRUE(c.Set("hz", "1000"));
  EXPECT_EQ(c.Get("hz"), "500");
  ASSERT_TRUE(c.Set("hz", "0"));
  EXPECT_EQ(c.GetInt("hz"), 1);
  ASSERT_TRUE(c.LoadString("hz 100000"));
  EXPECT_EQ(c.GetInt("hz"), 500);
}

TEST(ConfigSet, CachetOwnDirectives) {
  Config c;
  ASSERT_TRUE(c.LoadString("shards 16\nmetrics-port 9121\nio-threads 0"));
  EXPECT_EQ(c.GetInt("shards"), 16);
  EXPECT_EQ(c.GetInt("metrics-port"), 9121);
  EXPECT_EQ(c.GetInt("io-threads"), 0);
  ASSERT_TRUE(c.LoadString("io-threads 128"));
  EXPECT_EQ(c.Get("io-threads"), "128");
  Config bad;
  EXPECT_NE(bad.LoadString("shards 12").error.find("argument must be 0 or a power of two"),
            std::string::npos);
  EXPECT_NE(
      bad.LoadString("io-threads 129").error.find("argument must be between 0 and 128 inclusive"),
      std::string::npos);
  EXPECT_NE(bad.LoadString("metrics-port 65536")
                .error.find("argument must be between 0 and 65535 inclusive"),
            std::string::npos);
}

TEST(ConfigExplicit, IgnoredInUseListsNonDefaultIgnoredOnes) {
  Config c;
  ASSERT_TRUE(c.LoadString(
      "appendonly yes\nappendfsync everysec\nsave 60 1\nport 7000\nloadmodule /x.so a b\n"
      "user default on nopass ~* +@all\nfoo.bar 1\nrename-command get g2\nloadmodule /y.so\n"
      "sentinel\n"));
  EXPECT_TRUE(c.IsExplicit("appendfsync"));
  EXPECT_TRUE(c.IsExplicit("port"));
  EXPECT_FALSE(c.IsExplicit("hz"));
  std::vector<std::string> ignored = c.IgnoredInUse();
  std::set<std::string> got(ignored.begin(), ignored.end());
  EXPECT_EQ(got.size(), ignored.size()) << "listed once each";
  EXPECT_EQ(got, (std::set<std::string>{"appendonly", "save", "loadmodule", "user", "foo.bar",
                                        "rename-command"}));
  EXPECT_EQ(c.RenamedCommands(), (Pairs{{"get", "g2"}}));
}

TEST(ConfigRename, ValidatedAgainstTheCommandTable) {
  auto known = [](std::string_view n) {
    static const std::set<std::string, std::less<>> cmds = {"get", "set", "config", "flushall"};
    std::string l(n);
    for (char& ch : l) ch = static_cast<char>(tolower(ch));
    return cmds.count(l) > 0;
  };
  Config c;
  c.SetCommandLookup(known);
  ASSERT_TRUE(
      c.LoadString("rename-command CONFIG c0nf1g\nrename-command flushall \"\"\n"
                   "rename-command get get\nrename-command c0nf1g config2\n"));
  EXPECT_EQ(c.RenamedCommands(),
            (Pairs{{"CONFIG", "c0nf1g"}, {"flushall", ""}, {"get", "get"}, {"c0nf1g", "config2"}}));
  EXPECT_TRUE(c.IgnoredInUse().empty());
  Config d;
  d.SetCommandLookup(known);
  EXPECT_NE(d.LoadString("rename-command set get").error.find("Target command name already exists"),
            std::string::npos);
  Config e;
  e.SetCommandLookup(known);
  EXPECT_NE(e.LoadString("rename-command get \"\"\nrename-command get x")
                .error.find(">>> 'rename-command get x'\nNo such command in rename-command"),
            std::string::npos);
}

TEST(ConfigThreads, ReadersSeeConsistentValuesWhileWriting) {
  Config c;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> bad{0};
  std::thread reader([&] {
    const std::atomic<int64_t>& mm = c.IntRef("maxmemory");
    while (!stop.load()) {
      int64_t v = mm.load(std::memory_order_relaxed);
      if (v != 0 && v != 1024 && v != 2048) bad++;
      std::string pass = c.GetString("requirepass");
      if (pass != "" && pass != "aaaa" && pass != "bbbbbbbb") bad++;
      c.GetMatching("*");
    }
  });
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(c.Set(
        {{"maxmemory", i % 2 ? "1kb" : "2kb"}, {"requirepass", i % 2 ? "aaaa" : "bbbbbbbb"}}));
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace cachet::config
