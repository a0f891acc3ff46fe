// The pub/sub hub: subscriptions, publishing across threads, and the directory of clients.
#pragma once

#include <atomic>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cachet/commands/client_state.h"

namespace cachet::commands {

// Where the messages pushed to one client go. The server's connection implements it.
class PushSink {
 public:
  virtual ~PushSink() = default;
  // Appends bytes (whole RESP messages) to the client's output. Callable from any thread, also
  // with shard locks and the hub's or tracking's locks held: it never blocks on the client's
  // socket nor waits for the client's thread. Bytes pushed to a client that is closing, or that
  // went past its output buffer limit (which closes it), are dropped.
  virtual void Push(std::string_view bytes) = 0;
};

enum class Subscription { kChannel, kPattern, kShardChannel };

// The pub/sub figures INFO reports (pubsub_channels, pubsub_patterns, pubsubshard_channels).
struct PubSubStats {
  uint64_t channels = 0;
  uint64_t patterns = 0;
  uint64_t shard_channels = 0;
};

// Thread-safe. Subscriptions change on the subscribing client's own thread; publishing may
// happen on any thread, including under shard locks (keyspace notifications, expiry): the hub
// only takes its own mutex and then the subscribers' sinks, and no code holding the hub's
// mutex or a sink's lock ever takes a shard lock, so the order shard -> hub -> sink is fixed.
//
// The hub also keeps the directory of connected clients by id (for CLIENT TRACKING's
// REDIRECT and the tracking table, which store ids as Redis does).
class PubSubHub {
 public:
  PubSubHub() = default;
  PubSubHub(const PubSubHub&) = delete;
  PubSubHub& operator=(const PubSubHub&) = delete;

  // --- Client directory ---

  // Registers a connected client (its sink set) under its id.
  void AddClient(ClientState* c);
  // Unregisters c and drops all its subscriptions silently. Once this returns no other thread
  // touches c through the hub.
  void RemoveClient(ClientState* c);
  // Whether a client with this id is connected.
  bool ClientExists(uint64_t id) const;
  // Runs fn(lookup) with the directory read-locked; lookup(id) is the connected client with
  // that id or null. Clients found stay registered (alive) until fn returns.
  template <typename Fn>
  void WithDirectory(Fn&& fn) const {
    std::shared_lock lock(dir_mu_);
    fn([this](uint64_t id) -> ClientState* {
      auto it = directory_.find(id);
      return it == directory_.end() ? nullptr : it->second;
    });
  }

  // --- Subscriptions (on c's own thread) ---

  // Subscribes c; false when it already was.
  bool Subscribe(ClientState* c, Subscription kind, std::string_view name);
  // Unsubscribes c; false when it was not subscribed.
  bool Unsubscribe(ClientState* c, Subscription kind, std::string_view name);
  // Every name of this kind c is subscribed to (UNSUBSCRIBE without arguments).
  std::vector<std::string> SubscriptionsOf(const ClientState* c, Subscription kind) const;
  // Drops every subscription of c without telling it (RESET).
  void UnsubscribeAll(ClientState* c);

  // --- Publishing (any thread) ---

  // PUBLISH: "message" to the channel's subscribers in subscription order, then "pmessage" to
  // the subscribers of every pattern matching it. Returns the number of deliveries.
  int64_t Publish(std::string_view channel, std::string_view message);
  // SPUBLISH: "smessage" to the shard channel's subscribers.
  int64_t PublishShard(std::string_view channel, std::string_view message);
  // Publishes a keyspace notification as Redis's notifyKeyspaceEvent does, given the
  // notify-keyspace-events classes in force (the caller checked the event's class):
  // `event` to __keyspace@<db>__:<key> with K, `key` to __keyevent@<db>__:<event> with E.
  void PublishKeyspaceEvent(uint32_t flags, std::string_view event, int db, std::string_view key);

  // --- Introspection (PUBSUB, INFO) ---

  // Channels (or shard channels) with at least one subscriber, matching pattern unless
  // pattern is null.
  std::vector<std::string> ActiveChannels(Subscription kind, const std::string* pattern) const;
  // Subscribers of a channel or shard channel (patterns not counted).
  int64_t Subscribers(Subscription kind, std::string_view channel) const;
  // Distinct patterns subscribed to (PUBSUB NUMPAT).
  uint64_t PatternCount() const { return pattern_count_.load(std::memory_order_relaxed); }
  PubSubStats Stats() const;

  // One pub/sub message frame as Redis writes it to a client speaking `protocol`: an array
  // (RESP2) or push (RESP3) of the bulk strings kind, a, b and, when not null, c.
  static std::string Frame(int protocol, std::string_view kind, std::string_view a,
                           std::string_view b, const std::string_view* c = nullptr);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Subscribers_ =
      std::unordered_map<std::string, std::vector<ClientState*>, Hash, std::equal_to<>>;

  Subscribers_& Table(Subscription kind);
  const Subscribers_& Table(Subscription kind) const;
  static std::unordered_set<std::string>& ClientSet(ClientState* c, Subscription kind);
  static std::atomic<uint32_t>& ClientCount(ClientState* c, Subscription kind);
  // Removes c from name's subscriber list (mu_ held exclusively).
  void RemoveLocked(ClientState* c, Subscription kind, const std::string& name);
  void UpdateCountsLocked();
  // Delivers to subscribers of channel in `table` (mu_ held, shared).
  int64_t Deliver(const Subscribers_& table, std::string_view kind, std::string_view channel,
                  std::string_view message);

  mutable std::shared_mutex mu_;
  Subscribers_ channels_;        // guarded by mu_
  Subscribers_ patterns_;        // guarded by mu_
  Subscribers_ shard_channels_;  // guarded by mu_
  std::atomic<uint64_t> channel_count_{0};
  std::atomic<uint64_t> pattern_count_{0};
  std::atomic<uint64_t> shard_channel_count_{0};

  mutable std::shared_mutex dir_mu_;
  std::unordered_map<uint64_t, ClientState*> directory_;  // guarded by dir_mu_
};

}  // namespace cachet::commands
