// In-process tests of CONFIG GET, SET, RESETSTAT, REWRITE and HELP.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "command_fixture.h"

namespace cachet::test {
namespace {

class ConfigFamilyTest : public CommandTest {
 protected:
  // The pairs of a CONFIG GET reply (RESP2 flat array or RESP3 map) as name -> value.
  static std::map<std::string, std::string> Pairs(const RespValue& v) {
    std::map<std::string, std::string> out;
    for (size_t i = 0; i + 1 < v.elements.size(); i += 2) {
      out[v.elements[i].text] = v.elements[i + 1].text;
    }
    return out;
  }
};

TEST_F(ConfigFamilyTest, GetRendersValuesAsRedis) {
  EXPECT_EQ(RunRaw({"config", "get", "maxmemory"}), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  EXPECT_EQ(RunRaw({"CONFIG", "GET", "MAXMEMORY"}), "*2\r\n$9\r\nMAXMEMORY\r\n$1\r\n0\r\n");
  EXPECT_EQ(RunRaw({"config", "get", "nosuch"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"config", "get", "client-output-buffer-limit"}),
            "*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\nnormal 0 0 0 slave 268435456 "
            "67108864 60 pubsub 33554432 8388608 60\r\n");
  ASSERT_EQ(RunRaw({"config", "set", "maxmemory", "1mb", "notify-keyspace-events", "Ex$K", "save",
                    "", "appendonly", "yes"}),
            "+OK\r\n");
  auto v = Pairs(Run({"config", "get", "maxmemory", "notify-keyspace-events", "save", "appendonly",
                      "hash-max-ziplist-entries"}));
  EXPECT_EQ(v, (std::map<std::string, std::string>{{"maxmemory", "1048576"},
                                                   {"notify-keyspace-events", "$xKE"},
                                                   {"save", ""},
                                                   {"appendonly", "yes"},
                                                   {"hash-max-ziplist-entries", "512"}}));
}

TEST_F(ConfigFamilyTest, GetGlobsSeveralPatternsOnceEach) {
  auto v = Run({"config", "get", "maxmemory*", "maxmemory", "MAXMEMORY-policy"});
  EXPECT_EQ(v.type, '*');
  EXPECT_EQ(v.elements.size(), 10u);
  EXPECT_EQ(Pairs(v), (std::map<std::string, std::string>{{"maxmemory", "0"},
                                                          {"maxmemory-clients", "0"},
                                                          {"maxmemory-eviction-tenacity", "10"},
                                                          {"maxmemory-policy", "noeviction"},
                                                          {"maxmemory-samples", "5"}}));
  // Aliases are names of their own: a glob finds both spellings.
  auto z = Pairs(Run({"config", "get", "hash-max-*-entries"}));
  EXPECT_EQ(z, (std::map<std::string, std::string>{{"hash-max-listpack-entries", "512"},
                                                   {"hash-max-ziplist-entries", "512"}}));
  // Hidden directives answer only to their exact name.
  EXPECT_EQ(Run({"config", "get", "watchdog*"}).elements.size(), 0u);
  EXPECT_EQ(Run({"config", "get", "watchdog-period"}).elements.size(), 2u);
}

TEST_F(ConfigFamilyTest, GetIsAMapInResp3) {
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"config", "get", "hz"}), "%1\r\n$2\r\nhz\r\n$2\r\n10\r\n");
  EXPECT_EQ(RunRaw({"config", "get", "nosuch"}), "%0\r\n");
}

TEST_F(ConfigFamilyTest, SetChangesValuesTypedReadsAndHooks) {
  int calls = 0;
  server_.config().OnChange("maxmemory-policy", [&](config::Config& c) {
    ++calls;
    EXPECT_EQ(c.GetInt("maxmemory-policy"), config::kAllkeysLru);
    return config::Status::Ok();
  });
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory-policy", "allkeys-lru", "hz", "1000"}), "+OK\r\n");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(server_.config().GetString("hz"), "500");  // clamped, as Redis
  // Setting the value in force does not run the hook again.
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory-policy", "allkeys-lru"}), "+OK\r\n");
  EXPECT_EQ(calls, 1);
  // notify-keyspace-events is read from its atomic, so the change is seen at once.
  const auto& flags = server_.config().IntRef("notify-keyspace-events");
  EXPECT_EQ(RunRaw({"config", "set", "notify-keyspace-events", "KEA"}), "+OK\r\n");
  EXPECT_EQ(flags.load(), config::kNotifyKeyspace | config::kNotifyKeyevent | config::kNotifyAll);
  // A directive and its alias are two parameters, applied in order (Redis 7.0).
  EXPECT_EQ(
      RunRaw({"config", "set", "hash-max-listpack-entries", "3", "hash-max-ziplist-entries", "4"}),
      "+OK\r\n");
  EXPECT_EQ(server_.config().GetInt("hash-max-listpack-entries"), 4);
  // ... and its change hooks run once.
  int busy_calls = 0;
  server_.config().OnChange("busy-reply-threshold", [&](config::Config&) {
    ++busy_calls;
    return config::Status::Ok();
  });
  EXPECT_EQ(RunRaw({"config", "set", "busy-reply-threshold", "5", "lua-time-limit", "6"}),
            "+OK\r\n");
  EXPECT_EQ(busy_calls, 1);
  EXPECT_EQ(server_.config().GetString("lua-time-limit"), "6");
}

TEST_F(ConfigFamilyTest, SetErrorsInRedisWording) {
  EXPECT_EQ(RunRaw({"config", "set"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory"}),
            "-ERR wrong number of arguments for 'config|set' command\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory", "1mb", "foo"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "foo", "bar"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory", "abc"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must "
            "be a memory value\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "port", "abc"}),
            "-ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be "
            "parsed into an integer\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "port", "99999"}),
            "-ERR CONFIG SET failed (possibly related to argument 'port') - argument must be "
            "between 0 and 65535 inclusive\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory", "1mb", "MAXMEMORY", "2mb"}),
            "-ERR CONFIG SET failed (possibly related to argument 'MAXMEMORY') - duplicate "
            "parameter\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "daemonize", "yes"}),
            "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "dir", "/tmp"}),
            "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected "
            "config\r\n");
  // Unknown names win over every other error; then the first immutable or duplicate name.
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory", "abc", "foo", "1"}),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory", "abc", "daemonize", "yes"}),
            "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set "
            "immutable config\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "appendonly", "maybe"}),
            "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must "
            "be 'yes' or 'no'\r\n");
  EXPECT_EQ(RunRaw({"config", "set", "notify-keyspace-events", "Z"}),
            "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
            "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n");
}

TEST_F(ConfigFamilyTest, SetIsAllOrNothing) {
  EXPECT_EQ(RunRaw({"config", "set", "hz", "20", "maxmemory", "oops"}).substr(0, 24),
            "-ERR CONFIG SET failed (");
  EXPECT_EQ(server_.config().GetString("hz"), "10");
  // A hook's refusal undoes every value of the call and names its directive.
  server_.config().OnChange("maxmemory-samples", [](config::Config& c) {
    if (c.GetInt("maxmemory-samples") == 7) return config::Status::Error("seven is refused");
    return config::Status::Ok();
  });
  EXPECT_EQ(RunRaw({"config", "set", "hz", "20", "maxmemory-samples", "7"}),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - seven "
            "is refused\r\n");
  EXPECT_EQ(server_.config().GetString("hz"), "10");
  EXPECT_EQ(server_.config().GetString("maxmemory-samples"), "5");
  EXPECT_EQ(RunRaw({"config", "set", "hz", "20", "maxmemory-samples", "8"}), "+OK\r\n");
  EXPECT_EQ(server_.config().GetString("hz"), "20");
}

TEST_F(ConfigFamilyTest, ProtectedConfigsFollowTheClientsLocality) {
  ASSERT_TRUE(server_.config().LoadString("enable-protected-configs local\n"));
  client_.local = false;
  EXPECT_EQ(RunRaw({"config", "set", "dbfilename", "x.rdb"}),
            "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set "
            "protected config\r\n");
  client_.local = true;
  EXPECT_EQ(RunRaw({"config", "set", "dbfilename", "x.rdb"}), "+OK\r\n");
}

TEST_F(ConfigFamilyTest, ResetStatZeroesTheCounters) {
  EXPECT_EQ(RunRaw({"get", "missing"}), "$-1\r\n");
  ASSERT_GT(keyspace().Stats().keyspace_misses, 0u);
  EXPECT_EQ(RunRaw({"config", "resetstat"}), "+OK\r\n");
  EXPECT_EQ(server_.reset_stats_calls, 1);
  EXPECT_EQ(keyspace().Stats().keyspace_misses, 0u);
  EXPECT_EQ(RunRaw({"config", "resetstat", "x"}),
            "-ERR wrong number of arguments for 'config|resetstat' command\r\n");
}

TEST_F(ConfigFamilyTest, RewriteNeedsAConfigFile) {
  EXPECT_EQ(RunRaw({"config", "rewrite"}), "-ERR The server is running without a config file\r\n");
}

TEST_F(ConfigFamilyTest, RewriteWritesTheConfigFile) {
  char tmpl[] = "/tmp/cachet-config-cmd-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/c.conf";
  std::ofstream(path) << "# kept\nmaxmemory 5mb\nmaxmemory 6mb\n";
  ASSERT_TRUE(server_.config().LoadFile(path));
  EXPECT_EQ(RunRaw({"config", "set", "maxmemory", "64mb", "timeout", "30"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"config", "rewrite"}), "+OK\r\n");
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  EXPECT_EQ(text.str().rfind("# kept\nmaxmemory 64mb\n\n# Generated by CONFIG REWRITE\n", 0), 0u)
      << text.str();
  EXPECT_NE(text.str().find("\ntimeout 30\n"), std::string::npos) << text.str();

  // A file that cannot be written is reported with strerror's text (here its directory is
  // gone, which stops root too).
  ::unlink(path.c_str());
  ::rmdir(tmpl);
  EXPECT_EQ(RunRaw({"config", "rewrite"}),
            "-ERR Rewriting config file: No such file or directory\r\n");
}

TEST_F(ConfigFamilyTest, HelpIsRedisText) {
  auto v = Run({"config", "help"});
  ASSERT_EQ(v.elements.size(), 11u);
  EXPECT_EQ(v.elements[0].text, "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  EXPECT_EQ(v.elements[2].text,
            "    Return parameters matching the glob-like <pattern> and their values.");
  EXPECT_EQ(v.elements[10].text, "    Prints this help.");
  EXPECT_EQ(RunRaw({"config", "nope"}), "-ERR unknown subcommand 'nope'. Try CONFIG HELP.\r\n");
  EXPECT_EQ(RunRaw({"config"}), "-ERR wrong number of arguments for 'config' command\r\n");
  EXPECT_EQ(RunRaw({"config", "get"}),
            "-ERR wrong number of arguments for 'config|get' command\r\n");
}

TEST_F(ConfigFamilyTest, CommandInfoShape) {
  auto v = Run({"command", "info", "config|set"});
  ASSERT_EQ(v.elements.size(), 1u);
  const RespValue& e = v.elements[0];
  ASSERT_EQ(e.elements.size(), 10u);
  EXPECT_EQ(e.elements[0].text, "config|set");
  EXPECT_EQ(e.elements[1].text, "-4");
  ASSERT_EQ(e.elements[2].elements.size(), 4u);
  EXPECT_EQ(e.elements[2].elements[0].text, "admin");
  EXPECT_EQ(e.elements[2].elements[3].text, "stale");
  ASSERT_EQ(e.elements[7].elements.size(), 2u);
  EXPECT_EQ(e.elements[7].elements[0].text, "request_policy:all_nodes");
}

}  // namespace
}  // namespace cachet::test
