// Client-side caching over the real server: default mode, BCAST, OPTIN/OPTOUT, NOLOOP,
// REDIRECT (RESP2 and a redirect client that goes away), flushes, expiry, the table bound.
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

// A RESP3 invalidation of the given keys.
std::string Invalidate(std::initializer_list<std::string_view> keys) {
  std::string out = ">2\r\n" + Bulk("invalidate") + "*" + std::to_string(keys.size()) + "\r\n";
  for (std::string_view k : keys) out += Bulk(k);
  return out;
}

const std::string kNullInvalidation = ">2\r\n$10\r\ninvalidate\r\n_\r\n";

class TrackingTest : public ServerTest {
 protected:
  void Start(std::vector<std::string> args = {}) {
    if (!testing_redis()) {
      args.push_back("--io-threads");
      args.push_back("4");
    }
    StartServer(args);
  }

  // Sends a command and returns its reply.
  static std::string Do(RawClient& c, std::initializer_list<std::string_view> argv) {
    EXPECT_TRUE(c.Send(EncodeCommand(argv)));
    auto r = c.ReadReply();
    return r ? *r : "<no reply>";
  }

  // A RESP3 connection with tracking turned on with the given options.
  RawClient Tracker(std::initializer_list<std::string_view> options = {}) {
    RawClient c = ConnectRaw();
    EXPECT_TRUE(c.Send(EncodeCommand({"HELLO", "3"})));
    EXPECT_TRUE(c.ReadReply().has_value());
    std::vector<std::string_view> argv = {"CLIENT", "TRACKING", "ON"};
    argv.insert(argv.end(), options.begin(), options.end());
    EXPECT_TRUE(c.Send(EncodeCommandArgs(argv)));
    EXPECT_EQ(c.ReadReply(), "+OK\r\n");
    return c;
  }

  static int64_t ClientId(RawClient& c) {
    std::string r = Do(c, {"CLIENT", "ID"});
    return std::stoll(r.substr(1));
  }
};

TEST_F(TrackingTest, DefaultModeInvalidatesKeysTheClientRead) {
  Start();
  RawClient t = Tracker();
  auto w = Connect();
  EXPECT_EQ(Do(t, {"GET", "k"}), "_\r\n");
  EXPECT_EQ(Do(t, {"MGET", "a", "b"}), "*2\r\n_\r\n_\r\n");
  EXPECT_EQ(Call(w.get(), {"SET", "k", "1"}), "OK");
  EXPECT_EQ(t.ReadReply(), Invalidate({"k"}));
  EXPECT_EQ(Call(w.get(), {"MSET", "a", "1", "b", "2"}), "OK");
  EXPECT_EQ(t.ReadReplies(2), Invalidate({"a"}) + Invalidate({"b"}));
  // Told once: the key is forgotten until read again.
  EXPECT_EQ(Call(w.get(), {"SET", "k", "2"}), "OK");
  EXPECT_EQ(Do(t, {"GET", "k"}), "$1\r\n2\r\n");
  EXPECT_EQ(Call(w.get(), {"DEL", "k"}), "(integer) 1");
  EXPECT_EQ(t.ReadReply(), Invalidate({"k"}));
  // The client's own write: the invalidation follows the reply.
  EXPECT_EQ(Do(t, {"GET", "a"}), "$1\r\n1\r\n");
  EXPECT_EQ(Do(t, {"SET", "a", "x"}), "+OK\r\n");
  EXPECT_EQ(t.ReadReply(), Invalidate({"a"}));
  EXPECT_EQ(Do(t, {"CLIENT", "TRACKING", "OFF"}), "+OK\r\n");
  EXPECT_EQ(Do(t, {"GET", "b"}), "$1\r\n2\r\n");
  EXPECT_EQ(Call(w.get(), {"SET", "b", "3"}), "OK");
  EXPECT_EQ(Do(t, {"PING"}), "+PONG\r\n");
}

TEST_F(TrackingTest, FlushesSendTheNullInvalidationToEveryTrackingClient) {
  Start();
  RawClient t1 = Tracker();
  RawClient t2 = Tracker({"BCAST"});
  auto w = Connect();
  EXPECT_EQ(Call(w.get(), {"FLUSHALL"}), "OK");
  EXPECT_EQ(t1.ReadReply(), kNullInvalidation);
  EXPECT_EQ(t2.ReadReply(), kNullInvalidation);
  EXPECT_EQ(Do(t1, {"FLUSHDB"}), "+OK\r\n");
  EXPECT_EQ(t1.ReadReply(), kNullInvalidation);
  EXPECT_EQ(t2.ReadReply(), kNullInvalidation);
}

TEST_F(TrackingTest, BcastNotifiesByPrefix) {
  Start();
  RawClient t = Tracker({"BCAST", "PREFIX", "user:", "PREFIX", "cfg:"});
  auto w = Connect();
  EXPECT_EQ(Call(w.get(), {"MSET", "user:2", "a", "user:1", "b", "other", "c"}), "OK");
  EXPECT_EQ(t.ReadReply(), Invalidate({"user:1", "user:2"}));
  EXPECT_EQ(Call(w.get(), {"SET", "other", "x"}), "OK");
  EXPECT_EQ(Call(w.get(), {"SET", "cfg:x", "1"}), "OK");
  EXPECT_EQ(t.ReadReply(), Invalidate({"cfg:x"}));
  std::string info = Do(t, {"CLIENT", "TRACKINGINFO"});
  EXPECT_EQ(info, "%3\r\n" + Bulk("flags") + "~2\r\n" + Bulk("on") + Bulk("bcast") +
                      Bulk("redirect") + ":0\r\n" + Bulk("prefixes") + "*2\r\n" + Bulk("cfg:") +
                      Bulk("user:"));
  auto admin = Connect();
  std::string list = Call(admin.get(), {"CLIENT", "LIST"});
  EXPECT_NE(list.find("flags=tB "), std::string::npos) << list;
}

TEST_F(TrackingTest, NoloopSkipsTheClientsOwnChanges) {
  Start();
  RawClient t = Tracker({"BCAST", "NOLOOP"});
  RawClient d = Tracker({"NOLOOP"});
  auto w = Connect();
  EXPECT_EQ(Do(t, {"SET", "mine", "1"}), "+OK\r\n");
  EXPECT_EQ(Do(d, {"GET", "mine"}), "$1\r\n1\r\n");
  EXPECT_EQ(Do(d, {"SET", "mine", "2"}), "+OK\r\n");
  EXPECT_EQ(t.ReadReply(), Invalidate({"mine"}));
  EXPECT_EQ(Call(w.get(), {"SET", "theirs", "1"}), "OK");
  EXPECT_EQ(t.ReadReply(), Invalidate({"theirs"}));
  EXPECT_EQ(Do(d, {"GET", "mine"}), "$1\r\n2\r\n");
  EXPECT_EQ(Call(w.get(), {"SET", "mine", "3"}), "OK");
  EXPECT_EQ(d.ReadReply(), Invalidate({"mine"}));
  EXPECT_EQ(t.ReadReply(), Invalidate({"mine"}));
}

TEST_F(TrackingTest, OptinTracksOnlyAfterCachingYes) {
  Start();
  RawClient t = Tracker({"OPTIN"});
  auto w = Connect();
  EXPECT_EQ(Do(t, {"GET", "a"}), "_\r\n");
  EXPECT_EQ(Do(t, {"CLIENT", "CACHING", "YES"}), "+OK\r\n");
  EXPECT_EQ(Do(t, {"GET", "b"}), "_\r\n");
  EXPECT_EQ(Do(t, {"GET", "c"}), "_\r\n");
  EXPECT_EQ(Call(w.get(), {"MSET", "a", "1", "b", "1", "c", "1"}), "OK");
  EXPECT_EQ(t.ReadReply(), Invalidate({"b"}));
  EXPECT_EQ(t.Drain(Millis(100)), "");
}

TEST_F(TrackingTest, OptoutSkipsAfterCachingNo) {
  Start();
  RawClient t = Tracker({"OPTOUT"});
  auto w = Connect();
  EXPECT_EQ(Do(t, {"CLIENT", "CACHING", "NO"}), "+OK\r\n");
  EXPECT_EQ(Do(t, {"GET", "a"}), "_\r\n");
  EXPECT_EQ(Do(t, {"GET", "b"}), "_\r\n");
  EXPECT_EQ(Call(w.get(), {"MSET", "a", "1", "b", "1"}), "OK");
  EXPECT_EQ(t.ReadReply(), Invalidate({"b"}));
  EXPECT_EQ(t.Drain(Millis(100)), "");
}

TEST_F(TrackingTest, Resp2RedirectToAClientSubscribedToTheInvalidateChannel) {
  Start();
  RawClient r = ConnectRaw();
  const int64_t rid = ClientId(r);
  EXPECT_EQ(Do(r, {"SUBSCRIBE", "__redis__:invalidate"}),
            "*3\r\n" + Bulk("subscribe") + Bulk("__redis__:invalidate") + ":1\r\n");
  RawClient t = ConnectRaw();
  EXPECT_EQ(Do(t, {"CLIENT", "TRACKING", "ON", "REDIRECT", std::to_string(rid)}), "+OK\r\n");
  EXPECT_EQ(Do(t, {"CLIENT", "GETREDIR"}), ":" + std::to_string(rid) + "\r\n");
  EXPECT_EQ(Do(t, {"GET", "k"}), "$-1\r\n");
  auto w = Connect();
  EXPECT_EQ(Call(w.get(), {"SET", "k", "v"}), "OK");
  const std::string prefix = "*3\r\n" + Bulk("message") + Bulk("__redis__:invalidate");
  EXPECT_EQ(r.ReadReply(), prefix + "*1\r\n" + Bulk("k"));
  EXPECT_EQ(Call(w.get(), {"FLUSHALL"}), "OK");
  EXPECT_EQ(r.ReadReply(), prefix + "$-1\r\n");
  // Nothing ever arrives on the tracking connection itself in RESP2.
  EXPECT_EQ(t.Drain(Millis(50)), "");
  auto admin = Connect();
  std::string list = Call(admin.get(), {"CLIENT", "LIST", "ID", std::to_string(ClientId(t))});
  EXPECT_NE(list.find(" redir=" + std::to_string(rid) + " "), std::string::npos) << list;
}

TEST_F(TrackingTest, ARedirectClientThatGoesAwayIsReportedInResp3) {
  Start();
  RawClient r = ConnectRaw();
  const int64_t rid = ClientId(r);
  RawClient t = Tracker({"REDIRECT", std::to_string(rid)});
  EXPECT_EQ(Do(t, {"GET", "k"}), "_\r\n");
  r.Close();
  auto w = Connect();
  // Wait for the server to notice the close.
  for (int i = 0; i < 500; ++i) {
    if (Call(w.get(), {"CLIENT", "LIST", "ID", std::to_string(rid)}).empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Call(w.get(), {"SET", "k", "v"}), "OK");
  EXPECT_EQ(t.ReadReply(),
            ">2\r\n" + Bulk("tracking-redir-broken") + ":" + std::to_string(rid) + "\r\n");
  std::string info = Do(t, {"CLIENT", "TRACKINGINFO"});
  EXPECT_NE(info.find(Bulk("broken_redirect")), std::string::npos) << info;
  EXPECT_EQ(Do(t, {"CLIENT", "GETREDIR"}), ":" + std::to_string(rid) + "\r\n");
}

TEST_F(TrackingTest, ExpiredKeysAreInvalidated) {
  Start();
  RawClient t = Tracker();
  auto w = Connect();
  EXPECT_EQ(Call(w.get(), {"SET", "soon", "v", "PX", "1000"}), "OK");
  EXPECT_EQ(Do(t, {"GET", "soon"}), "$1\r\nv\r\n");
  // The active expiry cycle reclaims it and the reader is told.
  EXPECT_EQ(t.ReadReply(Millis(10000)), Invalidate({"soon"}));
}

TEST_F(TrackingTest, TheTableIsBoundedByTrackingTableMaxKeys) {
  Start({"--tracking-table-max-keys", "1"});
  RawClient t = Tracker();
  EXPECT_EQ(Do(t, {"GET", "a"}), "_\r\n");
  EXPECT_EQ(Do(t, {"GET", "b"}), "_\r\n");
  ASSERT_TRUE(t.Send(EncodeCommand({"PING"})));
  // One of the two keys was forgotten, with an invalidation as if it had changed (redis does it
  // when the next command comes, cachet right after the read that went over the limit).
  std::string got = *t.ReadReplies(2);
  const bool a = got == Invalidate({"a"}) + "+PONG\r\n" || got == "+PONG\r\n" + Invalidate({"a"});
  const bool b = got == Invalidate({"b"}) + "+PONG\r\n" || got == "+PONG\r\n" + Invalidate({"b"});
  EXPECT_TRUE(a || b) << EscapeBytes(got);
}

TEST_F(TrackingTest, ConcurrencyEveryTrackingClientIsInvalidatedOnce) {
  Start();
  constexpr int kTrackers = 12;
  constexpr int kKeys = 20;
  std::vector<RawClient> trackers;
  for (int i = 0; i < kTrackers; ++i) {
    trackers.push_back(Tracker());
    for (int k = 0; k < kKeys; ++k) {
      ASSERT_EQ(Do(trackers.back(), {"GET", "key" + std::to_string(k)}), "_\r\n");
    }
  }
  // Writers on several connections change every key once.
  std::vector<std::thread> writers;
  for (int wi = 0; wi < 4; ++wi) {
    writers.emplace_back([&, wi] {
      auto w = Connect();
      for (int k = wi; k < kKeys; k += 4) Call(w.get(), {"SET", "key" + std::to_string(k), "v"});
    });
  }
  for (auto& th : writers) th.join();
  std::atomic<int> complete{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < kTrackers; ++i) {
    readers.emplace_back([&, i] {
      std::set<std::string> seen;
      for (int k = 0; k < kKeys; ++k) {
        auto r = trackers[i].ReadReply();
        if (!r) return;
        seen.insert(*r);
      }
      if (seen.size() == kKeys) ++complete;
    });
  }
  for (auto& th : readers) th.join();
  EXPECT_EQ(complete.load(), kTrackers);
  for (auto& t : trackers) EXPECT_EQ(t.Drain(Millis(50)), "");
}

}  // namespace
}  // namespace cachet::test
