// In-process tests of pub/sub commands, the hub, keyspace notification calls and tracking.
#include <atomic>
#include <thread>

#include "cachet/commands/notify.h"
#include "command_fixture.h"

namespace cachet::test {
namespace {

using commands::ClientState;
using commands::kNotifyGeneric;
using commands::kNotifyString;

// A second client of the same server, with its own sink.
struct OtherClient {
  explicit OtherClient(uint64_t id, int protocol = 2) {
    state.id = id;
    state.authenticated = true;
    state.protocol = protocol;
    state.sink = &sink;
  }
  TestSink sink;
  ClientState state;
};

class PubSubTest : public CommandTest {
 protected:
  PubSubTest() {
    server_.pubsub_.AddClient(&other_.state);
    server_.pubsub_.AddClient(&third_.state);
  }
  ~PubSubTest() override {
    for (ClientState* c : {&other_.state, &third_.state}) {
      server_.tracking_.Disable(c);
      server_.pubsub_.RemoveClient(c);
    }
  }

  // Runs a command as `c` and returns its raw reply.
  std::string RunAs(ClientState& c, const std::vector<std::string>& argv) {
    std::string out;
    protocol::ReplyBuilder reply(&out, c.protocol.load());
    dispatcher_.Execute(c, argv, reply);
    return out;
  }

  static std::string Msg(std::string_view channel, std::string_view payload, char type = '*') {
    return std::string(1, type) + "3\r\n$7\r\nmessage\r\n$" + std::to_string(channel.size()) +
           "\r\n" + std::string(channel) + "\r\n$" + std::to_string(payload.size()) + "\r\n" +
           std::string(payload) + "\r\n";
  }
  static std::string Invalidate(std::string_view key) {
    return ">2\r\n$10\r\ninvalidate\r\n*1\r\n$" + std::to_string(key.size()) + "\r\n" +
           std::string(key) + "\r\n";
  }

  OtherClient other_{8};
  OtherClient third_{9};
};

TEST_F(PubSubTest, SubscribeAndUnsubscribeReplies) {
  EXPECT_EQ(RunRaw({"subscribe", "a", "b"}),
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
  // Subscribing twice changes nothing but still confirms.
  EXPECT_EQ(RunRaw({"subscribe", "a"}), "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n");
  EXPECT_EQ(RunRaw({"psubscribe", "p*"}), "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n");
  // Shard channels are counted apart.
  EXPECT_EQ(RunRaw({"ssubscribe", "s"}), "*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");
  EXPECT_EQ(RunRaw({"unsubscribe", "nope"}), "*3\r\n$11\r\nunsubscribe\r\n$4\r\nnope\r\n:3\r\n");
  EXPECT_EQ(RunRaw({"punsubscribe"}), "*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:2\r\n");
  EXPECT_EQ(RunRaw({"punsubscribe"}), "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:2\r\n");
  std::string all = RunRaw({"unsubscribe"});
  EXPECT_NE(all.find("$1\r\na\r\n"), std::string::npos);
  EXPECT_NE(all.find("$1\r\nb\r\n"), std::string::npos);
  EXPECT_EQ(all.substr(all.size() - 4), ":0\r\n");
  // Still subscribed to a shard channel: still in pub/sub mode.
  EXPECT_TRUE(client_.InPubSub());
  EXPECT_EQ(RunRaw({"sunsubscribe"}), "*3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n");
  EXPECT_FALSE(client_.InPubSub());
  EXPECT_EQ(RunRaw({"get", "x"}), "$-1\r\n");
}

TEST_F(PubSubTest, Resp3ConfirmationsArePushes) {
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"subscribe", "a"}), ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(RunRaw({"unsubscribe"}), ">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n");
  EXPECT_EQ(RunRaw({"unsubscribe"}), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
}

TEST_F(PubSubTest, PublishReachesChannelThenPatternSubscribers) {
  RunAs(other_.state, {"subscribe", "news"});
  RunAs(other_.state, {"psubscribe", "n*", "x*"});
  third_.state.protocol = 3;
  RunAs(third_.state, {"subscribe", "news"});
  other_.sink.Take();
  third_.sink.Take();
  EXPECT_EQ(RunRaw({"publish", "news", "hello"}), ":3\r\n");
  EXPECT_EQ(
      other_.sink.Take(),
      Msg("news", "hello") + "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
  EXPECT_EQ(third_.sink.Take(), Msg("news", "hello", '>'));
  EXPECT_EQ(RunRaw({"publish", "nobody", "x"}), ":1\r\n");  // n* matches
  EXPECT_EQ(RunRaw({"publish", "other", "x"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"spublish", "news", "x"}), ":0\r\n");  // shard channels are apart
}

TEST_F(PubSubTest, ShardChannels) {
  RunAs(other_.state, {"ssubscribe", "s1"});
  other_.sink.Take();
  EXPECT_EQ(RunRaw({"spublish", "s1", "m"}), ":1\r\n");
  EXPECT_EQ(other_.sink.Take(), "*3\r\n$8\r\nsmessage\r\n$2\r\ns1\r\n$1\r\nm\r\n");
  EXPECT_EQ(RunRaw({"publish", "s1", "m"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "shardchannels"}), "*1\r\n$2\r\ns1\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "shardnumsub", "s1", "s2"}),
            "*4\r\n$2\r\ns1\r\n:1\r\n$2\r\ns2\r\n:0\r\n");
  // Inside EXEC, as Redis 7.0 (a DENY_BLOCKING client there).
  RunRaw({"multi"});
  RunRaw({"ssubscribe", "s2"});
  EXPECT_EQ(RunRaw({"exec"}), "*1\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n");
}

TEST_F(PubSubTest, Resp2SubscribedModeAllowsOnlyPubSubCommands) {
  RunRaw({"subscribe", "a"});
  EXPECT_EQ(RunRaw({"get", "x"}),
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  EXPECT_EQ(RunRaw({"client", "id"}),
            "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
            "QUIT / RESET are allowed in this context\r\n");
  EXPECT_EQ(RunRaw({"ping"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(RunRaw({"ping", "hi"}), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  EXPECT_EQ(RunRaw({"ping", "a", "b"}), "-ERR wrong number of arguments for 'ping' command\r\n");
  // Lookup and arity errors come first.
  EXPECT_EQ(RunRaw({"get"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(RunRaw({"psubscribe", "b*"}), "*3\r\n$10\r\npsubscribe\r\n$2\r\nb*\r\n:2\r\n");
  // RESP3 lifts the restriction.
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"get", "x"}), "_\r\n");
  EXPECT_EQ(RunRaw({"ping"}), "+PONG\r\n");
}

TEST_F(PubSubTest, ResetLeavesSubscriptionsSilently) {
  RunRaw({"subscribe", "a"});
  RunRaw({"psubscribe", "b*"});
  RunRaw({"ssubscribe", "c"});
  EXPECT_EQ(RunRaw({"reset"}), "+RESET\r\n");
  EXPECT_FALSE(client_.InPubSub());
  EXPECT_EQ(RunRaw({"pubsub", "numsub", "a"}), "*2\r\n$1\r\na\r\n:0\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "numpat"}), ":0\r\n");
  EXPECT_EQ(RunRaw({"ping"}), "+PONG\r\n");
}

TEST_F(PubSubTest, PubsubIntrospection) {
  RunAs(other_.state, {"subscribe", "news", "sport"});
  RunAs(third_.state, {"subscribe", "news"});
  RunAs(third_.state, {"psubscribe", "a*", "b*"});
  RunAs(other_.state, {"psubscribe", "a*"});
  EXPECT_EQ(RunRaw({"pubsub", "numpat"}), ":2\r\n");  // distinct patterns
  EXPECT_EQ(RunRaw({"pubsub", "numsub", "news", "sport", "none"}),
            "*6\r\n$4\r\nnews\r\n:2\r\n$5\r\nsport\r\n:1\r\n$4\r\nnone\r\n:0\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "numsub"}), "*0\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "channels", "s*"}), "*1\r\n$5\r\nsport\r\n");
  auto all = Run({"pubsub", "channels"});
  EXPECT_EQ(all.elements.size(), 2u);
  EXPECT_EQ(RunRaw({"pubsub", "channels", "a", "b"}),
            "-ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB "
            "HELP.\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "numpat", "x"}),
            "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "foo"}), "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n");
  auto help = Run({"pubsub", "help"});
  EXPECT_EQ(help.elements.size(), 14u);
  commands::PubSubStats st = server_.pubsub_.Stats();
  EXPECT_EQ(st.channels, 2u);
  EXPECT_EQ(st.patterns, 2u);
  EXPECT_EQ(st.shard_channels, 0u);
  // A client that goes away leaves nothing behind.
  server_.pubsub_.RemoveClient(&third_.state);
  EXPECT_EQ(RunRaw({"pubsub", "numsub", "news"}), "*2\r\n$4\r\nnews\r\n:1\r\n");
  EXPECT_EQ(RunRaw({"pubsub", "numpat"}), ":1\r\n");
}

TEST_F(PubSubTest, SelfPublishInResp3) {
  client_.protocol = 3;
  RunRaw({"subscribe", "me"});
  EXPECT_EQ(RunRaw({"publish", "me", "hi"}), ":1\r\n");
  EXPECT_EQ(sink_.Take(), Msg("me", "hi", '>'));
}

// --- Keyspace notifications reported by the string, keys and db families ---

class NotificationCallsTest : public CommandTest {
 protected:
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    for (const auto& e : server_.events) {
      out.push_back(std::to_string(e.notify_class) + ":" + e.event + "@" + std::to_string(e.db) +
                    ":" + e.key);
    }
    server_.events.clear();
    return out;
  }
  static std::string G(const std::string& e) { return std::to_string(kNotifyGeneric) + ":" + e; }
  static std::string S(const std::string& e) { return std::to_string(kNotifyString) + ":" + e; }
};

TEST_F(NotificationCallsTest, StringCommands) {
  RunRaw({"set", "k", "v"});
  EXPECT_EQ(Events(), (std::vector<std::string>{S("set@0:k")}));
  RunRaw({"set", "k", "v", "nx"});
  EXPECT_TRUE(Events().empty());
  RunRaw({"set", "k", "v", "ex", "100"});
  EXPECT_EQ(Events(), (std::vector<std::string>{S("set@0:k"), G("expire@0:k")}));
  RunRaw({"setex", "e", "10", "v"});
  EXPECT_EQ(Events(), (std::vector<std::string>{S("set@0:e"), G("expire@0:e")}));
  RunRaw({"getset", "e", "w"});
  EXPECT_EQ(Events(), (std::vector<std::string>{S("set@0:e")}));
  RunRaw({"setrange", "k", "0", "ab"});
  RunRaw({"setrange", "k", "0", ""});
  RunRaw({"append", "k", "cd"});
  EXPECT_EQ(Events(), (std::vector<std::string>{S("setrange@0:k"), S("append@0:k")}));
  RunRaw({"incr", "n"});
  RunRaw({"decrby", "n", "2"});
  RunRaw({"incrbyfloat", "n", "1.5"});
  RunRaw({"incr", "k"});  // not an integer: nothing
  EXPECT_EQ(Events(),
            (std::vector<std::string>{S("incrby@0:n"), S("incrby@0:n"), S("incrbyfloat@0:n")}));
  RunRaw({"mset", "a", "1", "b", "2"});
  RunRaw({"msetnx", "a", "1", "c", "2"});
  EXPECT_EQ(Events(), (std::vector<std::string>{S("set@0:a"), S("set@0:b")}));
  RunRaw({"getex", "a", "ex", "100"});
  RunRaw({"getex", "a", "persist"});
  RunRaw({"getex", "a", "persist"});
  RunRaw({"getex", "a", "pxat", "1"});
  RunRaw({"getdel", "b"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("expire@0:a"), G("persist@0:a"), G("del@0:a"),
                                                G("del@0:b")}));
}

TEST_F(NotificationCallsTest, KeyAndDbCommands) {
  RunRaw({"mset", "a", "1", "b", "2", "c", "3"});
  Events();
  RunRaw({"del", "a", "zz", "b"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("del@0:a"), G("del@0:b")}));
  RunRaw({"unlink", "c"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("del@0:c")}));
  RunRaw({"set", "k", "v"});
  Events();
  RunRaw({"expire", "k", "100"});
  RunRaw({"expire", "k", "100", "nx"});
  RunRaw({"persist", "k"});
  RunRaw({"persist", "k"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("expire@0:k"), G("persist@0:k")}));
  RunRaw({"rename", "k", "r"});
  RunRaw({"rename", "r", "r"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("rename_from@0:k"), G("rename_to@0:r")}));
  RunRaw({"copy", "r", "c", "db", "2"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("copy_to@2:c")}));
  RunRaw({"move", "r", "3"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("move_from@0:r"), G("move_to@3:r")}));
  RunRaw({"select", "3"});
  RunRaw({"pexpire", "r", "-1"});
  EXPECT_EQ(Events(), (std::vector<std::string>{G("del@3:r")}));
  RunRaw({"flushall"});
  RunRaw({"swapdb", "0", "1"});
  EXPECT_TRUE(Events().empty());
}

// --- Client-side caching ---

class TrackingTest : public PubSubTest {};

TEST_F(TrackingTest, DefaultModeInvalidatesWhatWasRead) {
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"client", "tracking", "on"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"get", "k"}), "_\r\n");
  EXPECT_EQ(server_.tracking_.Stats().keys, 1u);
  RunAs(other_.state, {"set", "k", "v"});
  EXPECT_EQ(sink_.Take(), Invalidate("k"));
  // Forgotten once invalidated.
  RunAs(other_.state, {"set", "k", "w"});
  EXPECT_EQ(sink_.Take(), "");
  // The client's own writes invalidate too, after its reply.
  RunRaw({"mget", "k", "k2"});
  EXPECT_EQ(RunRaw({"set", "k", "x"}), "+OK\r\n");
  EXPECT_EQ(sink_.Take(), Invalidate("k"));
  // Deletions, expiries and flushes.
  RunRaw({"get", "k"});
  RunAs(other_.state, {"del", "k", "k2"});  // k2 does not exist: nothing changes
  EXPECT_EQ(sink_.Take(), Invalidate("k"));
  RunAs(other_.state, {"set", "t", "v", "px", "100"});
  RunRaw({"get", "t"});
  clock().AdvanceMs(200);
  RunAs(other_.state, {"get", "t"});  // expires it
  EXPECT_EQ(sink_.Take(), Invalidate("t"));
  RunRaw({"get", "k"});
  RunAs(other_.state, {"flushdb"});
  EXPECT_EQ(sink_.Take(), ">2\r\n$10\r\ninvalidate\r\n_\r\n");
  EXPECT_EQ(server_.tracking_.Stats().keys, 0u);
  EXPECT_EQ(RunRaw({"client", "tracking", "off"}), "+OK\r\n");
  RunRaw({"get", "k"});
  RunAs(other_.state, {"set", "k", "v"});
  EXPECT_EQ(sink_.Take(), "");
}

TEST_F(TrackingTest, AKeyThatExpiresDuringTheReadThatRegistersItSendsNothing) {
  client_.protocol = 3;
  RunRaw({"client", "tracking", "on"});
  RunAs(other_.state, {"set", "t", "v", "px", "100"});
  clock().AdvanceMs(200);
  EXPECT_EQ(RunRaw({"get", "t"}), "_\r\n");
  EXPECT_EQ(sink_.Take(), "");
  RunAs(other_.state, {"set", "t", "v"});
  EXPECT_EQ(sink_.Take(), Invalidate("t"));
}

TEST_F(TrackingTest, NoloopSkipsTheClientsOwnWrites) {
  client_.protocol = 3;
  RunRaw({"client", "tracking", "on", "noloop"});
  RunRaw({"get", "k"});
  RunRaw({"set", "k", "1"});
  EXPECT_EQ(sink_.Take(), "");
  RunRaw({"get", "k"});
  RunAs(other_.state, {"set", "k", "2"});
  EXPECT_EQ(sink_.Take(), Invalidate("k"));
}

TEST_F(TrackingTest, OptinAndOptout) {
  client_.protocol = 3;
  RunRaw({"client", "tracking", "on", "optin"});
  RunRaw({"get", "a"});
  EXPECT_EQ(RunRaw({"client", "caching", "yes"}), "+OK\r\n");
  RunRaw({"get", "b"});
  RunRaw({"get", "c"});  // CACHING applied to one command only
  RunAs(other_.state, {"mset", "a", "1", "b", "1", "c", "1"});
  EXPECT_EQ(sink_.Take(), Invalidate("b"));
  // MULTI keeps CLIENT CACHING for the whole transaction.
  RunRaw({"client", "caching", "yes"});
  RunRaw({"multi"});
  RunRaw({"get", "a"});
  RunRaw({"get", "c"});
  RunRaw({"exec"});
  RunRaw({"get", "b"});
  RunAs(other_.state, {"mset", "a", "2", "b", "2", "c", "2"});
  EXPECT_EQ(sink_.Take(), Invalidate("a") + Invalidate("c"));
  RunRaw({"client", "tracking", "off"});
  RunRaw({"client", "tracking", "on", "optout"});
  RunRaw({"get", "a"});
  EXPECT_EQ(RunRaw({"client", "caching", "no"}), "+OK\r\n");
  RunRaw({"get", "b"});
  RunAs(other_.state, {"mset", "a", "3", "b", "3"});
  EXPECT_EQ(sink_.Take(), Invalidate("a"));
}

TEST_F(TrackingTest, BcastSendsChangedKeysByPrefix) {
  client_.protocol = 3;
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "bcast", "prefix", "user:", "prefix", "ses:"}),
            "+OK\r\n");
  EXPECT_EQ(server_.tracking_.Stats().prefixes, 2u);
  RunAs(other_.state, {"mset", "user:2", "a", "user:1", "b", "other", "c"});
  EXPECT_EQ(sink_.Take(), ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n");
  RunAs(other_.state, {"set", "other", "x"});
  EXPECT_EQ(sink_.Take(), "");
  // No reads are remembered in BCAST mode.
  RunRaw({"get", "user:1"});
  EXPECT_EQ(server_.tracking_.Stats().keys, 0u);
  EXPECT_EQ(RunRaw({"client", "tracking", "on"}),
            "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, "
            "and then re-enabling it with a different mode.\r\n");
  RunRaw({"client", "tracking", "off"});
  EXPECT_EQ(server_.tracking_.Stats().prefixes, 0u);
}

TEST_F(TrackingTest, Resp2RedirectToASubscribedClient) {
  RunAs(other_.state, {"subscribe", "__redis__:invalidate"});
  other_.sink.Take();
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "redirect", "8"}), "+OK\r\n");
  EXPECT_EQ(RunRaw({"client", "getredir"}), ":8\r\n");
  RunRaw({"get", "k"});
  RunAs(third_.state, {"set", "k", "v"});
  EXPECT_EQ(other_.sink.Take(),
            "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\nk\r\n");
  RunAs(third_.state, {"flushall"});
  EXPECT_EQ(other_.sink.Take(), "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n");
  EXPECT_EQ(sink_.Take(), "");
  // The redirect client goes away: a RESP3 tracking client is told when a message is lost.
  client_.protocol = 3;
  RunRaw({"get", "k"});
  server_.tracking_.Disable(&other_.state);
  server_.pubsub_.RemoveClient(&other_.state);
  RunAs(third_.state, {"set", "k", "w"});
  EXPECT_EQ(sink_.Take(), ">2\r\n$21\r\ntracking-redir-broken\r\n:8\r\n");
  auto info = RunRaw({"client", "trackinginfo"});
  EXPECT_NE(info.find("broken_redirect"), std::string::npos);
}

TEST_F(TrackingTest, OptionErrors) {
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "redirect", "99"}),
            "-ERR The client ID you want redirect to does not exist\r\n");
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "redirect", "x"}),
            "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "prefix", "a"}),
            "-ERR PREFIX option requires BCAST mode to be enabled\r\n");
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "optin", "optout"}),
            "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n");
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "bcast", "optout"}),
            "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n");
  EXPECT_EQ(RunRaw({"client", "tracking", "maybe"}), "-ERR syntax error\r\n");
  EXPECT_EQ(RunRaw({"client", "caching", "yes"}),
            "-ERR CLIENT CACHING can be called only when the client is in tracking mode with "
            "OPTIN or OPTOUT mode enabled\r\n");
  // Redis 7.0 replies the error and +OK when two new prefixes past the first overlap.
  EXPECT_EQ(
      RunRaw({"client", "tracking", "on", "bcast", "prefix", "a", "prefix", "b", "prefix", "bc"}),
      "-ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single "
      "client must not overlap.\r\n+OK\r\n");
  EXPECT_EQ(RunRaw({"client", "tracking", "on", "bcast", "prefix", "a"}),
            "-ERR Prefix 'a' overlaps with an existing prefix 'a'. Prefixes for a single client "
            "must not overlap.\r\n");
}

TEST_F(TrackingTest, TableIsBoundedByTrackingTableMaxKeys) {
  ASSERT_TRUE(server_.config_.Set("tracking-table-max-keys", "2").ok);
  client_.protocol = 3;
  RunRaw({"client", "tracking", "on"});
  RunRaw({"mget", "a", "b", "c", "d"});
  EXPECT_LE(server_.tracking_.Stats().keys, 2u);
  // The forgotten keys were invalidated, as if they had changed.
  std::string pushed = sink_.Take();
  size_t count = 0;
  for (size_t p = 0; (p = pushed.find("invalidate", p)) != std::string::npos; ++p) ++count;
  EXPECT_EQ(count, 2u);
}

TEST_F(TrackingTest, StatsCountClientsKeysAndItems) {
  RunRaw({"client", "tracking", "on"});
  RunAs(other_.state, {"client", "tracking", "on"});
  RunRaw({"mget", "a", "b"});
  RunAs(other_.state, {"get", "a"});
  commands::TrackingStats st = server_.tracking_.Stats();
  EXPECT_EQ(st.clients, 2u);
  EXPECT_EQ(st.keys, 2u);
  EXPECT_EQ(st.items, 3u);
  RunAs(third_.state, {"set", "a", "1"});
  st = server_.tracking_.Stats();
  EXPECT_EQ(st.keys, 1u);
  EXPECT_EQ(st.items, 1u);
}

}  // namespace
}  // namespace cachet::test
