// Client-side caching: the striped tracking table, BCAST prefixes and invalidation messages.
#include "cachet/commands/tracking.h"

#include <algorithm>
#include <optional>

namespace cachet::commands {
namespace {

// What this thread holds back for the client whose command it is running.
struct ThreadState {
  // Keys the current read registered anew: an invalidation of them caused by the same command
  // (an expiry found by the read) is not sent, as Redis registers after the command.
  const ClientState* reading = nullptr;
  std::vector<std::string_view> new_keys;
  // Invalidations for the current client, sent after its reply (nullopt: the flush null).
  const ClientState* pending_for = nullptr;
  std::vector<std::optional<std::string>> pending;
};
thread_local ThreadState tls;

void AppendBulk(std::string* out, std::string_view s) {
  out->push_back('$');
  out->append(std::to_string(s.size()));
  out->append("\r\n");
  out->append(s);
  out->append("\r\n");
}

// The invalidation payload for one key: a one-element array.
std::string KeyPayload(std::string_view key) {
  std::string p = "*1\r\n";
  AppendBulk(&p, key);
  return p;
}

// The flush payload: a null in the tracking client's protocol (Redis uses the tracking
// client's, even when the message goes to a redirect client speaking the other one).
std::string_view NullPayload(const ClientState* c) {
  return c->protocol.load(std::memory_order_relaxed) >= 3 ? "_\r\n" : "$-1\r\n";
}

bool Overlap(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return a.substr(0, n) == b.substr(0, n);
}

// Redis's sendTrackingMessage: payload (RESP already) to c, or to its redirect client. Called
// with the directory read-locked (lookup).
template <typename Lookup>
void Send(const Lookup& lookup, ClientState* c, std::string_view payload) {
  const uint64_t redir = c->tracking_redirect.load(std::memory_order_relaxed);
  ClientState* target = c;
  bool redirected = false;
  if (redir != 0) {
    target = lookup(redir);
    if (target == nullptr) {
      c->tracking.fetch_or(kTrackingBrokenRedir, std::memory_order_relaxed);
      // The tracking client learns it (RESP3 only) each time a message is lost.
      if (c->protocol.load(std::memory_order_relaxed) >= 3 && c->sink) {
        c->sink->Push(">2\r\n$21\r\ntracking-redir-broken\r\n:" + std::to_string(redir) + "\r\n");
      }
      return;
    }
    redirected = true;
  }
  if (target->sink == nullptr) return;
  std::string msg;
  if (target->protocol.load(std::memory_order_relaxed) >= 3) {
    msg.reserve(20 + payload.size());
    msg.append(">2\r\n$10\r\ninvalidate\r\n");
  } else if (redirected && target->InPubSub()) {
    msg.reserve(48 + payload.size());
    msg.append("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n");
  } else {
    return;  // RESP2 without a pub/sub redirect: nowhere to say it
  }
  msg.append(payload);
  target->sink->Push(msg);
}

// Redis's trackingBuildBroadcastReply: the array of keys, without those `skip` changed last
// (NOLOOP) when skip is not null; "" when that leaves none.
template <typename Keys>
std::string BroadcastPayload(const Keys& keys, const ClientState* skip) {
  size_t count = 0;
  for (const auto& [key, by] : keys) {
    if (skip == nullptr || by != skip) ++count;
  }
  if (count == 0) return "";
  std::string p = "*" + std::to_string(count) + "\r\n";
  for (const auto& [key, by] : keys) {
    if (skip == nullptr || by != skip) AppendBulk(&p, key);
  }
  return p;
}

}  // namespace

Tracking::~Tracking() = default;

Tracking::Stripe& Tracking::StripeFor(std::string_view key) {
  return stripes_[Hash{}(key) % kStripes];
}

// --- CLIENT TRACKING ---

size_t Tracking::CheckPrefixCollisions(const ClientState& c,
                                       const std::vector<std::string>& prefixes,
                                       std::string* error) {
  for (size_t i = 0; i < prefixes.size(); ++i) {
    for (const std::string& existing : c.tracking_prefixes) {
      if (Overlap(existing, prefixes[i])) {
        *error = "ERR Prefix '" + std::string(prefixes[i].c_str()) +
                 "' overlaps with an existing prefix '" + std::string(existing.c_str()) +
                 "'. Prefixes for a single client must not overlap.";
        return 0;
      }
    }
    for (size_t j = i + 1; j < prefixes.size(); ++j) {
      if (Overlap(prefixes[i], prefixes[j])) {
        *error = "ERR Prefix '" + std::string(prefixes[i].c_str()) +
                 "' overlaps with another provided prefix '" + std::string(prefixes[j].c_str()) +
                 "'. Prefixes for a single client must not overlap.";
        return i;
      }
    }
  }
  return 1;
}

void Tracking::Enable(ClientState* c, uint64_t redirect, uint32_t options,
                      const std::vector<std::string>& prefixes) {
  uint32_t flags = c->tracking.load(std::memory_order_relaxed);
  if (!(flags & kTrackingOn)) {
    std::lock_guard lock(clients_mu_);
    clients_.insert(c);
    clients_count_.store(clients_.size(), std::memory_order_relaxed);
  }
  flags |= kTrackingOn;
  flags &=
      ~(kTrackingBrokenRedir | kTrackingBcast | kTrackingOptin | kTrackingOptout | kTrackingNoloop);
  c->tracking_redirect.store(redirect, std::memory_order_relaxed);
  if (options & kTrackingBcast) {
    flags |= kTrackingBcast;
    std::lock_guard lock(bcast_mu_);
    auto add = [&](const std::string& p) {
      auto it = prefixes_.find(p);
      if (it == prefixes_.end()) it = prefixes_.emplace(p, Bcast{}).first;
      auto& clients = it->second.clients;
      if (std::find(clients.begin(), clients.end(), c) != clients.end()) return;
      clients.push_back(c);
      auto& mine = c->tracking_prefixes;
      mine.insert(std::lower_bound(mine.begin(), mine.end(), p), p);
    };
    if (prefixes.empty()) add("");
    for (const std::string& p : prefixes) add(p);
    prefix_count_.store(prefixes_.size(), std::memory_order_relaxed);
  }
  flags |= options & (kTrackingOptin | kTrackingOptout | kTrackingNoloop);
  c->tracking.store(flags, std::memory_order_relaxed);
}

void Tracking::RemovePrefixesLocked(ClientState* c) {
  for (const std::string& p : c->tracking_prefixes) {
    auto it = prefixes_.find(p);
    if (it == prefixes_.end()) continue;
    std::erase(it->second.clients, c);
    if (it->second.clients.empty()) prefixes_.erase(it);
  }
  c->tracking_prefixes.clear();
  prefix_count_.store(prefixes_.size(), std::memory_order_relaxed);
}

void Tracking::Disable(ClientState* c) {
  const uint32_t flags = c->tracking.load(std::memory_order_relaxed);
  if (flags & kTrackingBcast) {
    std::lock_guard lock(bcast_mu_);
    RemovePrefixesLocked(c);
  }
  if (flags & kTrackingOn) {
    std::lock_guard lock(clients_mu_);
    clients_.erase(c);
    clients_count_.store(clients_.size(), std::memory_order_relaxed);
    c->tracking.store(0, std::memory_order_relaxed);
  }
  if (tls.pending_for == c) {
    tls.pending.clear();
    tls.pending_for = nullptr;
  }
}

// --- Reads ---

bool Tracking::WantsKeys(const ClientState& c) {
  const uint32_t f = c.tracking.load(std::memory_order_relaxed);
  if (!(f & kTrackingOn) || (f & kTrackingBcast)) return false;
  const bool caching = (f & kTrackingCaching) != 0;
  if ((f & kTrackingOptin) && !caching) return false;
  if ((f & kTrackingOptout) && caching) return false;
  return true;
}

bool Tracking::Add(std::string_view key, uint64_t id) {
  Stripe& s = StripeFor(key);
  std::lock_guard lock(s.mu);
  auto it = s.keys.find(key);
  if (it == s.keys.end()) {
    it = s.keys.emplace(std::string(key), std::vector<uint64_t>{}).first;
    total_keys_.fetch_add(1, std::memory_order_relaxed);
  } else if (std::find(it->second.begin(), it->second.end(), id) != it->second.end()) {
    return false;
  }
  it->second.push_back(id);
  total_items_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void Tracking::BeginRead(ClientState* c, const std::vector<std::string>& argv,
                         const std::vector<size_t>& idx) {
  if (tls.reading != c) tls.new_keys.clear();
  tls.reading = c;
  for (size_t i : idx) {
    if (Add(argv[i], c->id)) tls.new_keys.push_back(argv[i]);
  }
}

void Tracking::EndRead(ClientState* c, const std::vector<std::string>& argv,
                       const std::vector<size_t>& idx) {
  tls.reading = nullptr;
  tls.new_keys.clear();
  for (size_t i : idx) Add(argv[i], c->id);
}

// --- Changes ---

void Tracking::KeyChanged(std::string_view key, const ClientState* by) {
  if (prefix_count_.load(std::memory_order_relaxed) != 0) {
    std::lock_guard lock(bcast_mu_);
    bool any = false;
    for (auto& [prefix, b] : prefixes_) {
      if (key.substr(0, prefix.size()) != prefix) continue;
      auto it = b.keys.find(key);
      if (it == b.keys.end()) {
        b.keys.emplace(std::string(key), by);
      } else {
        it->second = by;
      }
      any = true;
    }
    if (any) bcast_pending_.store(true, std::memory_order_relaxed);
  }
  if (total_keys_.load(std::memory_order_relaxed) != 0) InvalidateKey(key, by, by != nullptr);
}

void Tracking::InvalidateKey(std::string_view key, const ClientState* by, bool from_command) {
  std::vector<uint64_t> ids;
  {
    Stripe& s = StripeFor(key);
    std::lock_guard lock(s.mu);
    auto it = s.keys.find(key);
    if (it == s.keys.end()) return;
    ids = std::move(it->second);
    s.keys.erase(it);
    total_keys_.fetch_sub(1, std::memory_order_relaxed);
    total_items_.fetch_sub(ids.size(), std::memory_order_relaxed);
  }
  std::string payload;
  hub_.WithDirectory([&](const auto& lookup) {
    for (uint64_t id : ids) {
      ClientState* target = lookup(id);
      if (target == nullptr) continue;
      const uint32_t f = target->tracking.load(std::memory_order_relaxed);
      // Keys left from before BCAST mode (or from before tracking was turned off) are dropped.
      if (!(f & kTrackingOn) || (f & kTrackingBcast)) continue;
      if (target == by) {
        if (f & kTrackingNoloop) continue;
        if (from_command) {
          if (tls.reading == target &&
              std::find(tls.new_keys.begin(), tls.new_keys.end(), key) != tls.new_keys.end()) {
            continue;  // registered by this very read: it sees the change
          }
          // After the reply of the command that changed it (Redis 7.0's pending keys).
          if (tls.pending_for != target) tls.pending.clear();
          tls.pending_for = target;
          tls.pending.emplace_back(std::string(key));
          continue;
        }
      }
      if (payload.empty()) payload = KeyPayload(key);
      Send(lookup, target, payload);
    }
  });
}

void Tracking::Flushed(const ClientState* by) {
  if (clients_count_.load(std::memory_order_relaxed) != 0) {
    std::lock_guard lock(clients_mu_);
    hub_.WithDirectory([&](const auto& lookup) {
      for (ClientState* c : clients_) {
        if (c == by) {
          if (tls.pending_for != c) tls.pending.clear();
          tls.pending_for = c;
          tls.pending.emplace_back(std::nullopt);
        } else {
          Send(lookup, c, NullPayload(c));
        }
      }
    });
  }
  if (total_keys_.load(std::memory_order_relaxed) == 0) return;
  for (Stripe& s : stripes_) {
    std::lock_guard lock(s.mu);
    uint64_t items = 0;
    for (const auto& [key, ids] : s.keys) items += ids.size();
    total_keys_.fetch_sub(s.keys.size(), std::memory_order_relaxed);
    total_items_.fetch_sub(items, std::memory_order_relaxed);
    s.keys.clear();
  }
}

// --- After commands ---

void Tracking::FlushCurrent(ClientState* c) {
  if (tls.pending_for != c || tls.pending.empty()) return;
  std::vector<std::optional<std::string>> pending;
  pending.swap(tls.pending);
  tls.pending_for = nullptr;
  hub_.WithDirectory([&](const auto& lookup) {
    for (const auto& key : pending) {
      if (key) {
        Send(lookup, c, KeyPayload(*key));
      } else {
        Send(lookup, c, NullPayload(c));
      }
    }
  });
}

void Tracking::BroadcastPending() {
  if (!bcast_pending_.load(std::memory_order_relaxed)) return;
  if (!bcast_pending_.exchange(false)) return;
  std::lock_guard lock(bcast_mu_);
  hub_.WithDirectory([&](const auto& lookup) {
    for (auto& [prefix, b] : prefixes_) {
      if (b.keys.empty()) continue;
      const std::string all = BroadcastPayload(b.keys, nullptr);
      for (ClientState* c : b.clients) {
        if (c->tracking.load(std::memory_order_relaxed) & kTrackingNoloop) {
          const std::string mine = BroadcastPayload(b.keys, c);
          if (!mine.empty()) Send(lookup, c, mine);
        } else {
          Send(lookup, c, all);
        }
      }
      b.keys.clear();
    }
  });
}

void Tracking::EnforceLimit(uint64_t max_keys) {
  if (max_keys == 0 || total_keys_.load(std::memory_order_relaxed) <= max_keys) return;
  std::unique_lock guard(limit_mu_, std::try_to_lock);
  if (!guard.owns_lock()) return;  // another thread is at it
  // Effort grows with the calls that could not get under the limit, as Redis's.
  int effort = 100 * static_cast<int>(limit_rounds_ + 1);
  while (effort-- > 0) {
    std::optional<std::string> victim;
    for (size_t tried = 0; tried < kStripes && !victim; ++tried) {
      Stripe& s = stripes_[evict_cursor_++ % kStripes];
      std::lock_guard lock(s.mu);
      if (!s.keys.empty()) victim = s.keys.begin()->first;
    }
    if (!victim) break;
    InvalidateKey(*victim, nullptr, false);
    if (total_keys_.load(std::memory_order_relaxed) <= max_keys) {
      limit_rounds_ = 0;
      return;
    }
  }
  ++limit_rounds_;
}

TrackingStats Tracking::Stats() const {
  return {clients_count_.load(std::memory_order_relaxed),
          total_keys_.load(std::memory_order_relaxed), total_items_.load(std::memory_order_relaxed),
          prefix_count_.load(std::memory_order_relaxed)};
}

}  // namespace cachet::commands
