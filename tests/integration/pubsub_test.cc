// Pub/sub over the real server: subscribers on many threads, patterns, RESP2 and RESP3 frames,
// a slow subscriber disconnected by its output buffer limit, keyspace notifications.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/resp_reader.h"
#include "support/server_test.h"

namespace cachet::test {
namespace {

std::string Bulk(std::string_view s) {
  return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}

// The frame Redis sends for PUBLISH channel payload to a plain subscriber.
std::string Message(std::string_view channel, std::string_view payload, char type = '*') {
  return std::string(1, type) + "3\r\n" + Bulk("message") + Bulk(channel) + Bulk(payload);
}

std::string PMessage(std::string_view pattern, std::string_view channel, std::string_view payload) {
  return "*4\r\n" + Bulk("pmessage") + Bulk(pattern) + Bulk(channel) + Bulk(payload);
}

std::string Confirm(std::string_view kind, std::string_view name, int count, char type = '*') {
  return std::string(1, type) + "3\r\n" + Bulk(kind) + Bulk(name) + ":" + std::to_string(count) +
         "\r\n";
}

class PubSubTest : public ServerTest {
 protected:
  void Start(std::vector<std::string> args = {}) {
    if (!testing_redis()) {
      args.push_back("--io-threads");
      args.push_back("4");
    }
    StartServer(args);
  }

  static void Send(RawClient& c, std::initializer_list<std::string_view> argv) {
    ASSERT_TRUE(c.Send(EncodeCommand(argv)));
  }

  // Polls PUBSUB NUMSUB until channel has n subscribers; false after 10 s.
  bool WaitSubscribers(redisContext* c, const std::string& channel, int n) {
    for (int i = 0; i < 1000; ++i) {
      if (Call(c, {"PUBSUB", "NUMSUB", channel}) ==
          "[" + channel + ", (integer) " + std::to_string(n) + "]") {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

TEST_F(PubSubTest, SubscribersOnManyThreadsGetEveryMessageInOrder) {
  Start();
  constexpr int kSubscribers = 16;
  constexpr int kMessages = 200;
  std::vector<RawClient> subs;
  for (int i = 0; i < kSubscribers; ++i) {
    subs.push_back(ConnectRaw());
    if (i % 2 == 0) {
      Send(subs.back(), {"SUBSCRIBE", "news"});
      EXPECT_EQ(subs.back().ReadReply(), Confirm("subscribe", "news", 1));
    } else {
      Send(subs.back(), {"PSUBSCRIBE", "ne*"});
      EXPECT_EQ(subs.back().ReadReply(), Confirm("psubscribe", "ne*", 1));
    }
  }
  auto pub = Connect();
  for (int m = 0; m < kMessages; ++m) {
    ASSERT_EQ(Call(pub.get(), {"PUBLISH", "news", "m" + std::to_string(m)}),
              "(integer) " + std::to_string(kSubscribers));
  }
  std::vector<std::thread> readers;
  std::atomic<int> in_order{0};
  for (int i = 0; i < kSubscribers; ++i) {
    readers.emplace_back([&, i] {
      for (int m = 0; m < kMessages; ++m) {
        const std::string payload = "m" + std::to_string(m);
        const std::string want =
            i % 2 == 0 ? Message("news", payload) : PMessage("ne*", "news", payload);
        if (subs[i].ReadReply() != want) return;
      }
      ++in_order;
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(in_order.load(), kSubscribers);
}

TEST_F(PubSubTest, ChannelAndPatternMatchesAreDeliveredSeparately) {
  Start();
  RawClient sub = ConnectRaw();
  ASSERT_TRUE(sub.Send(EncodeCommand({"SUBSCRIBE", "a.b"}) + EncodeCommand({"PSUBSCRIBE", "a.*"})));
  EXPECT_EQ(sub.ReadReplies(2), Confirm("subscribe", "a.b", 1) + Confirm("psubscribe", "a.*", 2));
  auto pub = Connect();
  EXPECT_EQ(Call(pub.get(), {"PUBLISH", "a.b", "x"}), "(integer) 2");
  EXPECT_EQ(sub.ReadReplies(2), Message("a.b", "x") + PMessage("a.*", "a.b", "x"));
  EXPECT_EQ(Call(pub.get(), {"PUBLISH", "a.c", "y"}), "(integer) 1");
  EXPECT_EQ(sub.ReadReply(), PMessage("a.*", "a.c", "y"));
  EXPECT_EQ(Call(pub.get(), {"PUBLISH", "b", "z"}), "(integer) 0");
  EXPECT_EQ(Call(pub.get(), {"PUBSUB", "NUMPAT"}), "(integer) 1");
}

TEST_F(PubSubTest, UnsubscribeFromEverythingReturnsToNormalMode) {
  Start();
  RawClient sub = ConnectRaw();
  Send(sub, {"SUBSCRIBE", "c1", "c2", "c3"});
  ASSERT_TRUE(sub.ReadReplies(3).has_value());
  Send(sub, {"GET", "k"});
  EXPECT_EQ(sub.ReadReply(),
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  Send(sub, {"UNSUBSCRIBE"});
  // One confirmation per channel, in no particular order, counting down to 0.
  std::set<std::string> names;
  for (int left = 2; left >= 0; --left) {
    auto r = sub.ReadReply();
    ASSERT_TRUE(r.has_value());
    RespValue v;
    size_t len;
    ASSERT_EQ(ParseReply(*r, &v, &len), ExtentStatus::kComplete);
    ASSERT_EQ(v.elements.size(), 3u);
    EXPECT_EQ(v.elements[0].text, "unsubscribe");
    names.insert(v.elements[1].text);
    EXPECT_EQ(v.elements[2].text, std::to_string(left));
  }
  EXPECT_EQ(names, (std::set<std::string>{"c1", "c2", "c3"}));
  Send(sub, {"GET", "k"});
  EXPECT_EQ(sub.ReadReply(), "$-1\r\n");
  auto admin = Connect();
  EXPECT_EQ(Call(admin.get(), {"PUBSUB", "CHANNELS"}), "[]");
}

TEST_F(PubSubTest, Resp3SubscribersGetPushesAndKeepFullCommands) {
  Start();
  RawClient sub = ConnectRaw();
  Send(sub, {"HELLO", "3"});
  ASSERT_TRUE(sub.ReadReply().has_value());
  Send(sub, {"SUBSCRIBE", "ch"});
  EXPECT_EQ(sub.ReadReply(), Confirm("subscribe", "ch", 1, '>'));
  Send(sub, {"SET", "k", "v"});
  EXPECT_EQ(sub.ReadReply(), "+OK\r\n");
  auto pub = Connect();
  EXPECT_EQ(Call(pub.get(), {"PUBLISH", "ch", "hello"}), "(integer) 1");
  EXPECT_EQ(sub.ReadReply(), Message("ch", "hello", '>'));
  // Its own publication arrives before the reply to PUBLISH.
  Send(sub, {"PUBLISH", "ch", "self"});
  EXPECT_EQ(sub.ReadReplies(2), Message("ch", "self", '>') + ":1\r\n");
}

TEST_F(PubSubTest, ShardChannels) {
  Start();
  RawClient sub = ConnectRaw();
  Send(sub, {"SSUBSCRIBE", "s1"});
  EXPECT_EQ(sub.ReadReply(), Confirm("ssubscribe", "s1", 1));
  auto pub = Connect();
  EXPECT_EQ(Call(pub.get(), {"SPUBLISH", "s1", "m"}), "(integer) 1");
  EXPECT_EQ(sub.ReadReply(), "*3\r\n" + Bulk("smessage") + Bulk("s1") + Bulk("m"));
  EXPECT_EQ(Call(pub.get(), {"PUBSUB", "SHARDCHANNELS"}), "[s1]");
  EXPECT_EQ(Call(pub.get(), {"PUBLISH", "s1", "m"}), "(integer) 0");
}

TEST_F(PubSubTest, ClientListShowsSubscriptions) {
  Start();
  RawClient sub = ConnectRaw();
  Send(sub, {"SUBSCRIBE", "a", "b"});
  Send(sub, {"PSUBSCRIBE", "p*"});
  Send(sub, {"SSUBSCRIBE", "s"});
  ASSERT_TRUE(sub.ReadReplies(4).has_value());
  auto admin = Connect();
  std::string list = Call(admin.get(), {"CLIENT", "LIST", "TYPE", "pubsub"});
  EXPECT_NE(list.find("flags=P "), std::string::npos) << list;
  EXPECT_NE(list.find(" sub=2 psub=1 ssub=1 "), std::string::npos) << list;
  EXPECT_EQ(list.find("cmd=client|list"), std::string::npos) << list;
  std::string normal = Call(admin.get(), {"CLIENT", "LIST", "TYPE", "normal"});
  EXPECT_EQ(normal.find("flags=P"), std::string::npos) << normal;
  EXPECT_EQ(Call(admin.get(), {"CLIENT", "KILL", "TYPE", "pubsub"}), "(integer) 1");
  bool closed = false;
  sub.ReadUntilClosed(Millis(5000), &closed);
  EXPECT_TRUE(closed);
}

// A subscriber that never reads is disconnected once its output passes the pubsub class's hard
// limit; the publisher and a subscriber that reads carry on and miss nothing.
TEST_F(PubSubTest, SlowSubscriberIsDisconnectedWhileOthersCarryOn) {
  Start({"--client-output-buffer-limit", "pubsub", "1mb", "512kb", "60"});
  // (Its receive buffer is left alone: shrunk after connecting, TCP would drain what the
  // server queued before closing through zero-window probes, taking minutes.)
  RawClient slow = ConnectRaw();
  Send(slow, {"SUBSCRIBE", "feed"});
  ASSERT_EQ(slow.ReadReply(), Confirm("subscribe", "feed", 1));

  RawClient fast = ConnectRaw();
  Send(fast, {"SUBSCRIBE", "feed"});
  ASSERT_EQ(fast.ReadReply(), Confirm("subscribe", "feed", 1));
  std::atomic<int> received{0};
  std::atomic<bool> stopped{false};
  std::thread reader([&] {
    while (true) {
      auto r = fast.ReadReply(Millis(30000));
      if (!r) return;
      if (*r == Message("feed", "stop")) {
        stopped = true;
        return;
      }
      ++received;
    }
  });

  auto pub = Connect();
  const std::string payload(64 * 1024, 'x');
  int published = 0;
  bool slow_gone = false;
  // The kernel's socket buffers take some megabytes before the server has to queue anything.
  for (int i = 0; i < 2000 && !slow_gone; ++i) {
    ReplyPtr r = RunCommand(pub.get(), {"PUBLISH", "feed", payload});
    ASSERT_NE(r, nullptr);
    ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
    ++published;
    if (r->integer == 1) slow_gone = true;
    // Keep the reading subscriber within a few messages (far below its 1 MB limit), so only
    // the one that never reads can go past the limit, however loaded the machine is.
    for (int wait = 0; received.load() < published - 4 && wait < 2000; ++wait) {
      std::this_thread::sleep_for(Millis(5));
    }
  }
  EXPECT_TRUE(slow_gone) << "the slow subscriber was never disconnected";
  EXPECT_EQ(Call(pub.get(), {"PUBLISH", "feed", "stop"}), "(integer) 1");
  reader.join();
  EXPECT_TRUE(stopped.load());
  EXPECT_EQ(received.load(), published);
  EXPECT_EQ(Call(pub.get(), {"PUBSUB", "NUMSUB", "feed"}), "[feed, (integer) 1]");
  // What reached the slow one's socket is still there to read, then the close.
  bool closed = false;
  slow.ReadUntilClosed(Millis(20000), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(Call(pub.get(), {"PING"}), "PONG");
}

TEST_F(PubSubTest, KeyspaceNotificationsFromAnotherThread) {
  Start({"--notify-keyspace-events", "KEA"});
  RawClient sub = ConnectRaw();
  Send(sub, {"PSUBSCRIBE", "__key*@0__:*"});
  ASSERT_EQ(sub.ReadReply(), Confirm("psubscribe", "__key*@0__:*", 1));
  auto c = Connect();
  EXPECT_EQ(Call(c.get(), {"SET", "k", "v"}), "OK");
  EXPECT_EQ(sub.ReadReplies(2), PMessage("__key*@0__:*", "__keyspace@0__:k", "set") +
                                    PMessage("__key*@0__:*", "__keyevent@0__:set", "k"));
  EXPECT_EQ(Call(c.get(), {"RENAME", "k", "r"}), "OK");
  EXPECT_EQ(sub.ReadReplies(4), PMessage("__key*@0__:*", "__keyspace@0__:k", "rename_from") +
                                    PMessage("__key*@0__:*", "__keyevent@0__:rename_from", "k") +
                                    PMessage("__key*@0__:*", "__keyspace@0__:r", "rename_to") +
                                    PMessage("__key*@0__:*", "__keyevent@0__:rename_to", "r"));
}

TEST_F(PubSubTest, ExpiredKeysAreNotified) {
  Start({"--notify-keyspace-events", "Ex"});
  RawClient sub = ConnectRaw();
  Send(sub, {"SUBSCRIBE", "__keyevent@0__:expired"});
  ASSERT_EQ(sub.ReadReply(), Confirm("subscribe", "__keyevent@0__:expired", 1));
  auto c = Connect();
  // Found expired by the active cycle.
  EXPECT_EQ(Call(c.get(), {"SET", "soon", "v", "PX", "20"}), "OK");
  EXPECT_EQ(sub.ReadReply(Millis(10000)), Message("__keyevent@0__:expired", "soon"));
  // Found expired by a read (an absolute time already past).
  EXPECT_EQ(Call(c.get(), {"SET", "past", "v", "PXAT", "1"}), "OK");
  EXPECT_EQ(Call(c.get(), {"GET", "past"}), "(nil)");
  EXPECT_EQ(sub.ReadReply(Millis(10000)), Message("__keyevent@0__:expired", "past"));
  // Classes not configured are not published.
  EXPECT_EQ(Call(c.get(), {"SET", "k", "v"}), "OK");
  EXPECT_EQ(Call(c.get(), {"DEL", "k"}), "(integer) 1");
  EXPECT_EQ(sub.Drain(Millis(100)), "");
}

}  // namespace
}  // namespace cachet::test
