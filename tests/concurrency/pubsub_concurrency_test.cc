// The pub/sub hub and the tracking table used from many threads at once, in process (the
// ThreadSanitizer pass runs this suite).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cachet/commands/client_state.h"
#include "cachet/commands/notify.h"
#include "cachet/commands/pubsub.h"
#include "cachet/commands/tracking.h"

namespace cachet::test {
namespace {

using commands::ClientState;

// A sink that counts what it is given, from any thread.
struct CountingSink : commands::PushSink {
  void Push(std::string_view bytes) override { bytes_.fetch_add(bytes.size()); }
  std::atomic<size_t> bytes_{0};
};

// Publishers, subscribers joining and leaving, writers invalidating tracked keys and readers
// tracking them, all at once on several threads (runs under ThreadSanitizer).
TEST(PubSubConcurrency, HubAndTrackingAreThreadSafe) {
  commands::PubSubHub hub;
  commands::Tracking tracking(hub);
  constexpr int kClients = 8;
  std::vector<std::unique_ptr<ClientState>> clients;
  std::vector<std::unique_ptr<CountingSink>> sinks;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<ClientState>());
    sinks.push_back(std::make_unique<CountingSink>());
    clients[i]->id = static_cast<uint64_t>(i + 1);
    clients[i]->protocol = 3;
    clients[i]->sink = sinks[i].get();
    hub.AddClient(clients[i].get());
  }
  // A subscriber that stays for the whole test.
  ClientState listener;
  CountingSink listener_sink;
  listener.id = 100;
  listener.sink = &listener_sink;
  hub.AddClient(&listener);
  hub.Subscribe(&listener, commands::Subscription::kPattern, "ch*");
  std::vector<std::thread> threads;
  std::atomic<int64_t> delivered{0};
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      ClientState* me = clients[t].get();
      commands::CurrentClientScope current(me);
      if (t % 2 == 0) tracking.Enable(me, 0, 0, {});
      for (int i = 0; i < 300; ++i) {
        const std::string ch = "ch" + std::to_string(i % 5);
        if (t % 2 == 0) {
          hub.Subscribe(me, commands::Subscription::kChannel, ch);
          hub.Subscribe(me, commands::Subscription::kPattern, "ch*");
          std::vector<std::string> argv = {"get", "k" + std::to_string(i % 7)};
          tracking.BeginRead(me, argv, {1});
          tracking.EndRead(me, argv, {1});
          tracking.FlushCurrent(me);
          hub.Unsubscribe(me, commands::Subscription::kChannel, ch);
        } else {
          delivered += hub.Publish(ch, "payload");
          hub.PublishKeyspaceEvent(commands::kNotifyKeyspace | commands::kNotifyKeyevent, "set", 0,
                                   "k");
          tracking.KeyChanged("k" + std::to_string(i % 7), me);
          tracking.FlushCurrent(me);
          if (i % 50 == 0) tracking.Flushed(me);
          tracking.EnforceLimit(3);
        }
      }
      if (t % 2 == 0) tracking.Disable(me);
      hub.UnsubscribeAll(me);
    });
  }
  for (auto& th : threads) th.join();
  // Every publish reached at least the listener.
  EXPECT_GE(delivered.load(), (kClients / 2) * 300);
  EXPECT_GE(listener_sink.bytes_.load(), static_cast<size_t>((kClients / 2) * 300 * 40));
  hub.RemoveClient(&listener);
  EXPECT_EQ(hub.Stats().channels, 0u);
  EXPECT_EQ(hub.Stats().patterns, 0u);
  EXPECT_EQ(tracking.Stats().clients, 0u);
  for (auto& c : clients) hub.RemoveClient(c.get());
}

}  // namespace
}  // namespace cachet::test
