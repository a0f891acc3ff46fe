// In-process command tests: runs commands through the real dispatcher and decodes replies.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cachet/commands/dispatcher.h"
#include "cachet/commands/pubsub.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/tracking.h"
#include "cachet/commands/watch_registry.h"
#include "cachet/config/config.h"
#include "cachet/storage/keyspace.h"
#include "support/resp_reader.h"

namespace cachet::test {

// Collects what is pushed to a client (pub/sub messages, invalidations).
struct TestSink : commands::PushSink {
  void Push(std::string_view bytes) override { pushed.append(bytes); }
  // Returns what was pushed so far and forgets it.
  std::string Take() {
    std::string out;
    out.swap(pushed);
    return out;
  }
  std::string pushed;
};

// A ServerApi with no sockets: client listing knows only the fixture's client.
class FakeServer : public commands::ServerApi {
 public:
  FakeServer() : keyspace_(storage::KeyspaceOptions{.shards = 4, .clock = &clock_}) {
    keyspace_.SetObserver([this](int db, std::string_view key, storage::KeyEvent event) {
      watches_.OnKeyEvent(db, key, event);
      // Tracking as the real server feeds it (keyspace notifications are recorded by
      // NotifyKeyspaceEvent below, from commands only).
      switch (event) {
        case storage::KeyEvent::kFlushed:
          tracking_.Flushed(commands::CurrentClient());
          break;
        case storage::KeyEvent::kSwapped:
        case storage::KeyEvent::kCreated:
        case storage::KeyEvent::kMissed:
          break;
        default:
          tracking_.KeyChanged(key, commands::CurrentClient());
      }
    });
  }
  config::Config& config() override { return config_; }
  storage::Keyspace& keyspace() override { return keyspace_; }
  commands::WatchRegistry& watches() override { return watches_; }
  commands::PubSubHub& pubsub() override { return pubsub_; }
  commands::Tracking& tracking() override { return tracking_; }
  std::string ClientList(const commands::ClientFilter&) override { return "id=1\n"; }
  std::string ClientInfoLine(const commands::ClientState& c) override {
    return "id=" + std::to_string(c.id) + "\n";
  }
  int KillClients(const commands::ClientFilter& f) override {
    killed.push_back(f);
    return 0;
  }
  void RequestShutdown(commands::ShutdownMode mode) override { shutdowns.push_back(mode); }
  uint64_t connected_clients() const override { return 1; }
  // Records the call and resets the keyspace's counters, as the server does.
  void ResetStats() override {
    ++reset_stats_calls;
    keyspace_.ResetStats();
  }
  // Records the call; the client gets no reply (a real server parks it).
  void BlockOnKeys(commands::CommandContext&, const std::vector<std::string>& keys,
                   int64_t timeout_ms, commands::BlockTimeoutReply) override {
    blocked.push_back({keys, timeout_ms});
  }
  void NotifyKeyspaceEvent(uint32_t notify_class, std::string_view event, int db,
                           std::string_view key) override {
    events.push_back({notify_class, std::string(event), db, std::string(key)});
  }
  struct BlockCall {
    std::vector<std::string> keys;
    int64_t timeout_ms;
  };
  struct Event {
    uint32_t notify_class;
    std::string event;
    int db;
    std::string key;
  };
  std::vector<BlockCall> blocked;
  std::vector<Event> events;

  storage::ManualClock clock_;  // tests advance it instead of sleeping
  config::Config config_;
  storage::Keyspace keyspace_;
  commands::WatchRegistry watches_;
  commands::PubSubHub pubsub_;
  commands::Tracking tracking_{pubsub_};
  std::vector<commands::ClientFilter> killed;
  std::vector<commands::ShutdownMode> shutdowns;
  int reset_stats_calls = 0;
};

class CommandTest : public ::testing::Test {
 protected:
  CommandTest() : dispatcher_(registry_, server_) {
    commands::RegisterAllCommands(registry_);
    commands::SetGlobalRegistry(&registry_);
    client_.id = 7;
    client_.authenticated = true;
    client_.sink = &sink_;
    server_.pubsub_.AddClient(&client_);
  }
  ~CommandTest() override {
    server_.tracking_.Disable(&client_);
    server_.pubsub_.RemoveClient(&client_);
  }

  // Runs one command and returns the raw bytes it replied (possibly empty).
  std::string RunRaw(const std::vector<std::string>& argv) {
    std::string out;
    protocol::ReplyBuilder reply(&out, client_.protocol.load());
    dispatcher_.Execute(client_, argv, reply);
    return out;
  }

  // Runs one command and decodes its single reply.
  RespValue Run(const std::vector<std::string>& argv) {
    std::string raw = RunRaw(argv);
    RespValue v;
    size_t len = 0;
    EXPECT_EQ(ParseReply(raw, &v, &len), ExtentStatus::kComplete) << EscapeBytes(raw);
    EXPECT_EQ(len, raw.size()) << "more than one reply: " << EscapeBytes(raw);
    return v;
  }

  static bool IsError(const RespValue& v, const std::string& text) {
    return v.type == '-' && v.text == text;
  }

  // Runs a command that must reply an integer, and returns it (-999 otherwise).
  int64_t Int(const std::vector<std::string>& argv) {
    RespValue v = Run(argv);
    EXPECT_EQ(v.type, ':') << SerializeReply(v);
    return v.type == ':' ? std::stoll(v.text) : -999;
  }

  // Runs a command that must reply an array (or a RESP3 set): its elements' texts, in order.
  std::vector<std::string> List(const std::vector<std::string>& argv) {
    RespValue v = Run(argv);
    EXPECT_TRUE(v.type == '*' || v.type == '~') << SerializeReply(v);
    std::vector<std::string> out;
    for (const RespValue& e : v.elements) out.push_back(e.text);
    return out;
  }

  // OBJECT ENCODING's name for key in db 0, or "none"; for a collection, also checks that the
  // key's recorded encoding is the object's own.
  std::string EncodingOf(const std::string& key) {
    storage::Access acc = keyspace().Lock(key);
    storage::EntryRef e = acc.Find(0, key, storage::kLookupNoStats | storage::kLookupNoTouch);
    if (!e) return "none";
    if (e.object() != nullptr) {
      EXPECT_EQ(e.encoding(), e.object()->encoding()) << key;
    }
    return std::string(storage::EncodingName(e.encoding()));
  }

  commands::CommandRegistry registry_;
  FakeServer server_;
  commands::Dispatcher dispatcher_;
  storage::ManualClock& clock() { return server_.clock_; }
  storage::Keyspace& keyspace() { return server_.keyspace_; }

  TestSink sink_;  // what is pushed to client_
  commands::ClientState client_;
};

}  // namespace cachet::test
