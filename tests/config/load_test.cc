// Tests of loading configuration: files, includes, the command line, every fatal error
// against what redis-server printed, Debian's redis.conf, the examples fixture and
// conf/cachet.conf.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cachet/config/config.h"
#include "config/fixtures.h"

namespace cachet::config {
namespace {

using testing::DataPath;
using testing::ReadRecords;
using testing::ReadTsv;
using testing::ReadWhole;
using testing::SplitTabs;
using testing::Unescape;
using Pairs = std::vector<std::pair<std::string, std::string>>;

// A private temporary directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cachet-config-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  std::string path_;
};

const std::string kBanner = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n";

std::string LineError(int line, const std::string& text, const std::string& reason) {
  return kBanner + "Reading the configuration file, at line " + std::to_string(line) + "\n>>> '" +
         text + "'\n" + reason;
}

bool KnownCommand(std::string_view n) {
  static const std::set<std::string> cmds = {"get", "set", "config", "flushall", "keys"};
  std::string l(n);
  for (char& c : l) c = static_cast<char>(tolower(c));
  return cmds.count(l) > 0;
}

TEST(LoadString, CommentsBlanksCaseAndQuotes) {
  Config c;
  Status s = c.LoadString(
      "# a comment\n"
      "\n"
      "   \t  \n"
      "  # an indented comment\n"
      "PORT 7000\n"
      "  Hz   25  \r\n"
      "requirepass \"pa ss\\x21\\n\"\n"
      "masterauth 'it\\'s'\n"
      "bind 127.0.0.1 ::1\n"
      "maxmemory 2GB\n"
      "loglevel WARNING\n"
      "notify-keyspace-events \"\"\n"
      "unixsocketperm 700\n"
      "save 900 1\n"
      "save 300 10\n"
      "list-max-ziplist-entries 512\n"
      "lua-replicate-commands yes\n");
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(c.GetInt("port"), 7000);
  EXPECT_EQ(c.GetInt("hz"), 25);
  EXPECT_EQ(c.GetString("requirepass"), "pa ss!\n");
  EXPECT_EQ(c.GetString("masterauth"), "it's");
  EXPECT_EQ(c.Get("bind"), "127.0.0.1 ::1");
  EXPECT_EQ(c.GetInt("maxmemory"), 2LL << 30);
  EXPECT_EQ(c.Get("loglevel"), "warning");
  EXPECT_EQ(c.Get("unixsocketperm"), "700");
  EXPECT_EQ(c.GetInt("unixsocketperm"), 0700);
  EXPECT_EQ(c.Get("save"), "900 1 300 10");  // the first save line replaces the default
  EXPECT_TRUE(c.IsExplicit("hz"));
}

TEST(LoadString, MemoryUnitsOnDirectives) {
  struct Case {
    const char* text;
    const char* name;
    const char* want;
  } cases[] = {
      {"maxmemory 1k", "maxmemory", "1000"},
      {"maxmemory 1KB", "maxmemory", "1024"},
      {"maxmemory 3m", "maxmemory", "3000000"},
      {"maxmemory 3Mb", "maxmemory", "3145728"},
      {"maxmemory 1g", "maxmemory", "1000000000"},
      {"maxmemory 1gB", "maxmemory", "1073741824"},
      {"maxmemory 12b", "maxmemory", "12"},
      {"proto-max-bulk-len 1mb", "proto-max-bulk-len", "1048576"},
      {"client-query-buffer-limit 2GB", "client-query-buffer-limit", "2147483648"},
      {"hash-max-ziplist-value 1k", "hash-max-listpack-value", "1000"},
      {"maxmemory-clients 5%", "maxmemory-clients", "5%"},
      {"maxmemory-clients 1g", "maxmemory-clients", "1000000000"},
      {"client-output-buffer-limit replica 1gb 2mb 3 PUBSUB 1k 0 0", "client-output-buffer-limit",
       "normal 0 0 0 slave 1073741824 2097152 3 pubsub 1000 0 0"},
  };
  for (const Case& k : cases) {
    Config c;
    Status s = c.LoadString(k.text);
    ASSERT_TRUE(s.ok) << k.text << ": " << s.error;
    EXPECT_EQ(c.Get(k.name), k.want) << k.text;
  }
}

TEST(LoadString, SpecialDirectivesRenderLikeRedis) {
  Config c;
  ASSERT_TRUE(
      c.LoadString("bind \"\"\nlatency-tracking-info-percentiles 1e1 50.5000 0\n"
                   "slaveof 10.0.0.1 6380\noom-score-adj relative\n"
                   "shutdown-on-sigint force now nosave\nreplica-announced no\n"
                   "notify-keyspace-events gxKn\nsave 60 \" 5\"\n"));
  EXPECT_EQ(c.Get("bind"), "");
  EXPECT_EQ(c.Get("latency-tracking-info-percentiles"), "10 50.5 0");
  EXPECT_EQ(c.Get("replicaof"), "10.0.0.1 6380");
  EXPECT_EQ(c.Get("slaveof"), "10.0.0.1 6380");
  EXPECT_EQ(c.Get("oom-score-adj"), "yes");
  EXPECT_EQ(c.Get("shutdown-on-sigint"), "nosave now force");
  EXPECT_EQ(c.Get("notify-keyspace-events"), "gxnK");
  EXPECT_EQ(c.Get("save"), "60 5");
  ASSERT_TRUE(c.LoadString("replicaof no ONE\n"));
  EXPECT_EQ(c.Get("replicaof"), "");
}

TEST(LoadString, SaveLinesAppendAcrossTheFileAndResetOnEmpty) {
  Config a;
  ASSERT_TRUE(a.LoadString("save 900 1\nsave \"\"\nsave 300 10\n"));
  EXPECT_EQ(a.Get("save"), "300 10");
  Config b;
  ASSERT_TRUE(b.LoadString("save \"\"\n"));
  EXPECT_EQ(b.Get("save"), "");
  // Redis truncates the changes count to an int.
  Config c;
  ASSERT_TRUE(c.LoadString("save 1 4294967296\n"));
  EXPECT_EQ(c.Get("save"), "1 0");
}

TEST(LoadFile, IncludeAbsoluteRelativeAndGlob) {
  Config c;
  std::string dir = DataPath("include");
  ASSERT_TRUE(c.LoadString("include " + dir + "/child.conf\n")) << "absolute";
  EXPECT_EQ(c.GetInt("hz"), 12);
  EXPECT_EQ(c.GetInt("timeout"), 5);

  // Relative includes resolve against the working directory, which `dir` sets.
  Config r;
  Status s = r.LoadString("dir " + dir +
                          "\ninclude main.conf\ninclude frag/*.conf\n"
                          "include nomatch/*.conf\n");
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(r.GetInt("hz"), 12);
  EXPECT_EQ(r.GetInt("maxmemory"), 1 << 20);
  EXPECT_EQ(r.GetInt("timeout"), 7);
  EXPECT_EQ(r.GetInt("tcp-keepalive"), 9);
  EXPECT_EQ(r.ResolvePath("x.log"), std::filesystem::canonical(dir).string() + "/x.log");
  EXPECT_EQ(r.ResolvePath("/abs.log"), "/abs.log");
}

TEST(LoadFile, IncludeErrors) {
  std::string dir = DataPath("include");
  Config missing;
  Status s = missing.LoadString("hz 5\ninclude /nonexistent-cachet-dir/x.conf\n");
  EXPECT_FALSE(s.ok);
  EXPECT_TRUE(s.log_line);
  EXPECT_EQ(s.error,
            "Fatal error, can't open config file '/nonexistent-cachet-dir/x.conf': No such file or "
            "directory");
  Config rel;
  s = rel.LoadString("include nosuch-cachet.conf\n");
  EXPECT_EQ(s.error,
            "Fatal error, can't open config file 'nosuch-cachet.conf': No such file or directory");

  // An error inside an included file names the included file's line.
  Config bad;
  s = bad.LoadString("hz 1\n\ninclude " + dir + "/bad.conf\nhz 2\n");
  EXPECT_EQ(s.error, LineError(3, "port abc", "argument couldn't be parsed into an integer"));
  EXPECT_FALSE(s.log_line);

  Config self;
  s = self.LoadString("dir " + dir + "\ninclude self.conf\n");
  EXPECT_EQ(s.error, LineError(2, "include self.conf", "include nesting too deep"));
}

TEST(LoadFile, SaveAfterAnIncludeReplaces) {
  // Redis stops appending save lines once an included file has been read.
  Config c;
  ASSERT_TRUE(c.LoadString("include " + DataPath("include/save.conf") + "\nsave 100 1\n"));
  EXPECT_EQ(c.Get("save"), "100 1");
}

TEST(LoadFile, MissingFileAndConfigFilePath) {
  Config c;
  Status s = c.LoadFile("/nonexistent-cachet-dir/redis.conf");
  EXPECT_TRUE(s.log_line);
  EXPECT_EQ(s.error,
            "Fatal error, can't open config file '/nonexistent-cachet-dir/redis.conf': No such "
            "file or directory");
  TempDir t;
  std::string path = t.Write("a.conf", "hz 33\n");
  Config d;
  ASSERT_TRUE(d.LoadFile(path));
  EXPECT_EQ(d.GetInt("hz"), 33);
  EXPECT_EQ(d.config_file(), path);
  // A directory reads as an empty file, as fopen()+fgets() make it for Redis.
  Config e;
  EXPECT_TRUE(e.LoadFile(t.path()).ok);
}

TEST(LoadFile, LogfileMustBeOpenable) {
  TempDir t;
  Config ok;
  ASSERT_TRUE(ok.LoadString("logfile " + t.path() + "/cachet.log\n"));
  EXPECT_FALSE(std::filesystem::exists(t.path() + "/cachet.log")) << "checked, not created";
  Config bad;
  EXPECT_EQ(bad.LoadString("logfile " + t.path() + "/no/such/dir.log\n").error,
            kBanner + "Can't open the log file: No such file or directory");
  Config isdir;
  EXPECT_EQ(isdir.LoadString("logfile " + t.path() + "\n").error,
            kBanner + "Can't open the log file: Is a directory");
}

TEST(ApplyArgs, CommandLineOverridesTheFile) {
  TempDir t;
  std::string path = t.Write("c.conf", "port 7000\nhz 20\nsave 900 1\nsave 300 10\n");
  Config c;
  Status s = c.ApplyArgs({path, "--port", "7001", "--bind", "127.0.0.1", "::1", "--save", "60", "1",
                          "--maxmemory 5mb", "--requirepass", "a b\"c"});
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(c.config_file(), path);
  EXPECT_EQ(c.GetInt("port"), 7001);
  EXPECT_EQ(c.GetInt("hz"), 20);
  EXPECT_EQ(c.Get("bind"), "127.0.0.1 ::1");
  EXPECT_EQ(c.Get("save"), "900 1 300 10 60 1");  // as redis-server: appended to the file's
  EXPECT_EQ(c.GetInt("maxmemory"), 5 << 20);
  EXPECT_EQ(c.GetString("requirepass"), "a b\"c");
  EXPECT_TRUE(c.IsExplicit("port"));
}

TEST(ApplyArgs, OptionShapes) {
  Config a;
  ASSERT_TRUE(a.ApplyArgs({"--port", "0", "--save"}));  // a trailing --save means save ""
  EXPECT_EQ(a.Get("save"), "");
  Config b;
  ASSERT_TRUE(b.ApplyArgs({"--save", "--port", "0"}));  // so does --save before an option
  EXPECT_EQ(b.Get("save"), "");
  EXPECT_EQ(b.GetInt("port"), 0);
  Config c;
  ASSERT_TRUE(c.ApplyArgs({"--sentinel", "--port", "0"}));  // a bare "sentinel" line
  EXPECT_EQ(c.GetInt("port"), 0);
  // An option still waiting for its value takes the next word even if it starts with "--".
  Config d;
  EXPECT_EQ(d.ApplyArgs({"--notify-keyspace-events", "--KEA"}).error,
            LineError(2, "notify-keyspace-events \"--KEA\"",
                      "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."));
  Config e;
  ASSERT_TRUE(e.ApplyArgs({}));
  EXPECT_EQ(e.config_file(), "");
  Config f;
  Status s = f.ApplyArgs({"/nonexistent-cachet-dir/x.conf", "--port", "1"});
  EXPECT_TRUE(s.log_line);
  EXPECT_EQ(s.error,
            "Fatal error, can't open config file '/nonexistent-cachet-dir/x.conf': No such file or "
            "directory");
}

// Every fatal error redis-server printed for the texts and command lines of
// oracle_load_errors.txt, compared byte for byte.
TEST(OracleLoadErrors, EveryReasonMatchesRedis) {
  // Where cachet deliberately differs: it accepts io-threads 0 ("one worker per core").
  const std::map<std::string, std::string> exceptions = {
      {"io-threads 129\n",
       LineError(1, "io-threads 129", "argument must be between 0 and 128 inclusive") + "\n"},
  };
  auto records = ReadRecords("oracle_load_errors.txt");
  ASSERT_GT(records.size(), 80u);
  std::set<std::string> reasons;
  for (const auto& rec : records) {
    std::map<std::string, std::string> f(rec.begin(), rec.end());
    std::string conf = Unescape(f["conf"]);
    std::vector<std::string> argv = SplitTabs(f["argv"]);
    std::string want = Unescape(f["want"]);
    if (exceptions.count(conf)) want = exceptions.at(conf);
    TempDir t;
    std::string path = t.Write("c.conf", conf);
    for (std::string& a : argv) {
      if (a == "{conf}") a = path;
    }
    Config c;
    c.SetCommandLookup(KnownCommand);
    Status s = c.ApplyArgs(argv);
    EXPECT_FALSE(s.ok) << f["conf"] << " / " << f["argv"];
    EXPECT_EQ(s.error + "\n", want) << f["conf"] << " / " << f["argv"];
    reasons.insert(want.substr(want.rfind('\n', want.size() - 2) + 1));
  }
  EXPECT_GE(reasons.size(), 45u) << "distinct reasons covered";
}

TEST(DebianRedisConf, LoadsUnchanged) {
  const std::string path = "/etc/redis/redis.conf";
  if (access(path.c_str(), R_OK) != 0 || access("/var/lib/redis", X_OK) != 0) {
    GTEST_SKIP() << "Debian's redis-server package is not installed";
  }
  Config c;
  Status s = c.LoadFile(path);
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(c.Get("bind"), "127.0.0.1 -::1");
  EXPECT_EQ(c.Get("daemonize"), "yes");
  EXPECT_EQ(c.Get("logfile"), "/var/log/redis/redis-server.log");
  EXPECT_EQ(c.Get("dir"), std::filesystem::canonical("/var/lib/redis").string());
  EXPECT_EQ(c.Get("auto-aof-rewrite-min-size"), "67108864");
  EXPECT_EQ(c.config_file(), path);
  std::vector<std::string> ignored = c.IgnoredInUse();
  EXPECT_EQ(ignored, std::vector<std::string>{"dir"});
}

// redis_examples.conf uncomments every example of Debian's redis.conf that redis-server
// accepts; loaded with the same arguments, cachet must answer CONFIG GET * exactly as
// redis-server did.
TEST(RedisExamples, EveryDirectiveMatchesTheOraclesDump) {
  std::map<std::string, std::string> want;
  for (const auto& [k, v] : ReadTsv("redis_examples.dump.tsv")) want[k] = v;
  ASSERT_GT(want.size(), 150u);
  // The example file's `dir /var/lib/redis` is pointed at a directory that exists here; the
  // oracle's own dir was a temporary directory (both overridden, so not compared).
  std::string text = ReadWhole(DataPath("redis_examples.conf"));
  TempDir t;
  size_t at = text.find("\ndir /var/lib/redis\n");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 20, "\ndir " + t.path() + "\n");
  std::string path = t.Write("examples.conf", text);
  Config c;
  Status s = c.ApplyArgs({path, "--port", "0", "--unixsocket", want.at("unixsocket"), "--daemonize",
                          "no", "--logfile", "", "--pidfile", ""});
  ASSERT_TRUE(s.ok) << s.error;
  std::map<std::string, std::string> ours;
  for (const auto& [k, v] : c.GetMatching("*")) ours[k] = v;
  int compared = 0;
  for (const auto& [name, value] : want) {
    if (name == "dir") continue;
    ASSERT_TRUE(ours.count(name)) << name;
    EXPECT_EQ(ours[name], value) << name;
    compared++;
  }
  EXPECT_GT(compared, 150);
  // Everything the examples set is known to be ignored or acted on; the ignored ones with
  // values away from their defaults are reported.
  std::vector<std::string> ignored = c.IgnoredInUse();
  std::set<std::string> got(ignored.begin(), ignored.end());
  for (const char* name : {"cluster-enabled", "tls-cert-file", "masterauth", "rename-command"}) {
    EXPECT_TRUE(got.count(name)) << name;
  }
}

TEST(CachetConf, LoadsAndSetsTheSafeDefaults) {
  Config c;
  Status s = c.LoadFile(std::string(CACHET_SOURCE_DIR) + "/conf/cachet.conf");
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(c.GetInt("port"), 6379);
  EXPECT_EQ(c.Get("bind"), "127.0.0.1 -::1");
  EXPECT_TRUE(c.GetBool("protected-mode"));
  EXPECT_EQ(c.Get("maxmemory-policy"), "noeviction");
  EXPECT_TRUE(c.IgnoredInUse().empty());
  // Every directive cachet acts on appears in the file (set or as a commented example).
  std::string text = ReadWhole(std::string(CACHET_SOURCE_DIR) + "/conf/cachet.conf");
  for (const Directive& d : Config::Table()) {
    if (d.flags & (kIgnored | kHidden)) continue;
    EXPECT_TRUE(text.find("\n" + d.name + " ") != std::string::npos ||
                text.find("\n# " + d.name + " ") != std::string::npos)
        << d.name << " is not documented in conf/cachet.conf";
  }
}

}  // namespace
}  // namespace cachet::config
