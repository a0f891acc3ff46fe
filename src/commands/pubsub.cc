// The pub/sub hub: subscription tables, message frames and delivery to subscribers' sinks.
#include "cachet/commands/pubsub.h"

#include <mutex>

#include "cachet/commands/notify.h"
#include "cachet/storage/glob.h"

namespace cachet::commands {
namespace {

void AppendBulk(std::string* out, std::string_view s) {
  out->push_back('$');
  out->append(std::to_string(s.size()));
  out->append("\r\n");
  out->append(s);
  out->append("\r\n");
}

// A message frame built at most once per protocol for one publish.
class LazyFrames {
 public:
  LazyFrames(std::string_view kind, std::string_view a, std::string_view b,
             const std::string_view* c = nullptr)
      : kind_(kind), a_(a), b_(b), c_(c) {}
  const std::string& Get(int protocol) {
    std::string& f = protocol >= 3 ? resp3_ : resp2_;
    if (f.empty()) f = PubSubHub::Frame(protocol, kind_, a_, b_, c_);
    return f;
  }

 private:
  std::string_view kind_, a_, b_;
  const std::string_view* c_;
  std::string resp2_, resp3_;
};

void Push(ClientState* c, LazyFrames& frames) {
  if (c->sink) c->sink->Push(frames.Get(c->protocol.load(std::memory_order_relaxed)));
}

}  // namespace

std::string PubSubHub::Frame(int protocol, std::string_view kind, std::string_view a,
                             std::string_view b, const std::string_view* c) {
  std::string out;
  out.reserve(32 + kind.size() + a.size() + b.size() + (c ? c->size() : 0));
  out.push_back(protocol >= 3 ? '>' : '*');
  out.push_back(c ? '4' : '3');
  out.append("\r\n");
  AppendBulk(&out, kind);
  AppendBulk(&out, a);
  AppendBulk(&out, b);
  if (c) AppendBulk(&out, *c);
  return out;
}

// --- Directory ---

void PubSubHub::AddClient(ClientState* c) {
  std::unique_lock lock(dir_mu_);
  directory_[c->id] = c;
}

void PubSubHub::RemoveClient(ClientState* c) {
  UnsubscribeAll(c);
  std::unique_lock lock(dir_mu_);
  auto it = directory_.find(c->id);
  if (it != directory_.end() && it->second == c) directory_.erase(it);
}

bool PubSubHub::ClientExists(uint64_t id) const {
  std::shared_lock lock(dir_mu_);
  return directory_.count(id) != 0;
}

// --- Subscriptions ---

PubSubHub::Subscribers_& PubSubHub::Table(Subscription kind) {
  switch (kind) {
    case Subscription::kChannel:
      return channels_;
    case Subscription::kPattern:
      return patterns_;
    case Subscription::kShardChannel:
      break;
  }
  return shard_channels_;
}

const PubSubHub::Subscribers_& PubSubHub::Table(Subscription kind) const {
  return const_cast<PubSubHub*>(this)->Table(kind);
}

std::unordered_set<std::string>& PubSubHub::ClientSet(ClientState* c, Subscription kind) {
  switch (kind) {
    case Subscription::kChannel:
      return c->channels;
    case Subscription::kPattern:
      return c->patterns;
    case Subscription::kShardChannel:
      break;
  }
  return c->shard_channels;
}

std::atomic<uint32_t>& PubSubHub::ClientCount(ClientState* c, Subscription kind) {
  switch (kind) {
    case Subscription::kChannel:
      return c->sub_count;
    case Subscription::kPattern:
      return c->psub_count;
    case Subscription::kShardChannel:
      break;
  }
  return c->ssub_count;
}

void PubSubHub::UpdateCountsLocked() {
  channel_count_.store(channels_.size(), std::memory_order_relaxed);
  pattern_count_.store(patterns_.size(), std::memory_order_relaxed);
  shard_channel_count_.store(shard_channels_.size(), std::memory_order_relaxed);
}

bool PubSubHub::Subscribe(ClientState* c, Subscription kind, std::string_view name) {
  auto& mine = ClientSet(c, kind);
  if (mine.find(std::string(name)) != mine.end()) return false;
  std::unique_lock lock(mu_);
  mine.emplace(name);
  Subscribers_& table = Table(kind);
  auto t = table.find(name);
  if (t == table.end()) t = table.emplace(std::string(name), std::vector<ClientState*>{}).first;
  t->second.push_back(c);
  ClientCount(c, kind).store(static_cast<uint32_t>(mine.size()), std::memory_order_relaxed);
  UpdateCountsLocked();
  return true;
}

void PubSubHub::RemoveLocked(ClientState* c, Subscription kind, const std::string& name) {
  Subscribers_& table = Table(kind);
  auto t = table.find(name);
  if (t == table.end()) return;
  std::erase(t->second, c);
  if (t->second.empty()) table.erase(t);
}

bool PubSubHub::Unsubscribe(ClientState* c, Subscription kind, std::string_view name) {
  auto& mine = ClientSet(c, kind);
  auto it = mine.find(std::string(name));
  if (it == mine.end()) return false;
  std::unique_lock lock(mu_);
  RemoveLocked(c, kind, *it);
  mine.erase(it);
  ClientCount(c, kind).store(static_cast<uint32_t>(mine.size()), std::memory_order_relaxed);
  UpdateCountsLocked();
  return true;
}

std::vector<std::string> PubSubHub::SubscriptionsOf(const ClientState* c, Subscription kind) const {
  const auto& mine = ClientSet(const_cast<ClientState*>(c), kind);
  return std::vector<std::string>(mine.begin(), mine.end());
}

void PubSubHub::UnsubscribeAll(ClientState* c) {
  if (!c->InPubSub()) return;
  std::unique_lock lock(mu_);
  for (Subscription kind :
       {Subscription::kChannel, Subscription::kPattern, Subscription::kShardChannel}) {
    auto& mine = ClientSet(c, kind);
    for (const std::string& name : mine) RemoveLocked(c, kind, name);
    mine.clear();
    ClientCount(c, kind).store(0, std::memory_order_relaxed);
  }
  UpdateCountsLocked();
}

// --- Publishing ---

int64_t PubSubHub::Deliver(const Subscribers_& table, std::string_view kind,
                           std::string_view channel, std::string_view message) {
  auto it = table.find(channel);
  if (it == table.end()) return 0;
  LazyFrames frames(kind, channel, message);
  for (ClientState* c : it->second) Push(c, frames);
  return static_cast<int64_t>(it->second.size());
}

int64_t PubSubHub::Publish(std::string_view channel, std::string_view message) {
  if (channel_count_.load(std::memory_order_relaxed) == 0 &&
      pattern_count_.load(std::memory_order_relaxed) == 0) {
    return 0;
  }
  std::shared_lock lock(mu_);
  int64_t receivers = Deliver(channels_, "message", channel, message);
  for (const auto& [pattern, clients] : patterns_) {
    if (!storage::GlobMatch(pattern, channel)) continue;
    LazyFrames frames("pmessage", pattern, channel, &message);
    for (ClientState* c : clients) Push(c, frames);
    receivers += static_cast<int64_t>(clients.size());
  }
  return receivers;
}

int64_t PubSubHub::PublishShard(std::string_view channel, std::string_view message) {
  if (shard_channel_count_.load(std::memory_order_relaxed) == 0) return 0;
  std::shared_lock lock(mu_);
  return Deliver(shard_channels_, "smessage", channel, message);
}

void PubSubHub::PublishKeyspaceEvent(uint32_t flags, std::string_view event, int db,
                                     std::string_view key) {
  // Nobody listens: skip building the channel names.
  if (channel_count_.load(std::memory_order_relaxed) == 0 &&
      pattern_count_.load(std::memory_order_relaxed) == 0) {
    return;
  }
  const std::string prefix_db = std::to_string(db);
  if (flags & kNotifyKeyspace) {
    std::string channel;
    channel.reserve(16 + prefix_db.size() + key.size());
    channel.append("__keyspace@").append(prefix_db).append("__:").append(key);
    Publish(channel, event);
  }
  if (flags & kNotifyKeyevent) {
    std::string channel;
    channel.reserve(16 + prefix_db.size() + event.size());
    channel.append("__keyevent@").append(prefix_db).append("__:").append(event);
    Publish(channel, key);
  }
}

// --- Introspection ---

std::vector<std::string> PubSubHub::ActiveChannels(Subscription kind,
                                                   const std::string* pattern) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, clients] : Table(kind)) {
    if (pattern == nullptr || storage::GlobMatch(*pattern, name)) out.push_back(name);
  }
  return out;
}

int64_t PubSubHub::Subscribers(Subscription kind, std::string_view channel) const {
  std::shared_lock lock(mu_);
  const Subscribers_& table = Table(kind);
  auto it = table.find(channel);
  return it == table.end() ? 0 : static_cast<int64_t>(it->second.size());
}

PubSubStats PubSubHub::Stats() const {
  return {channel_count_.load(std::memory_order_relaxed),
          pattern_count_.load(std::memory_order_relaxed),
          shard_channel_count_.load(std::memory_order_relaxed)};
}

}  // namespace cachet::commands
