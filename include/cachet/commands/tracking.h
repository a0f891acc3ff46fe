// Client-side caching (CLIENT TRACKING): which clients may cache which keys, and invalidation.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cachet/commands/client_state.h"
#include "cachet/commands/pubsub.h"

namespace cachet::commands {

// The figures INFO reports (tracking_clients, tracking_total_keys, tracking_total_items,
// tracking_total_prefixes).
struct TrackingStats {
  uint64_t clients = 0;
  uint64_t keys = 0;
  uint64_t items = 0;
  uint64_t prefixes = 0;
};

// Redis's tracking.c across threads.
//
// Default mode: the keys a tracking client reads are remembered in a table key -> client ids
// (one table for all databases, as Redis). A change to a key (write, delete, expiry, eviction)
// removes its entry and sends each client an invalidation: a RESP3 `invalidate` push on its
// own connection, or, with REDIRECT, on the redirect client's (a `message` on
// __redis__:invalidate when that client speaks RESP2 and is subscribed to anything). BCAST
// mode: changed keys matching a client's prefixes are collected and sent in batches.
//
// Threads and locks: the table is split in stripes, each behind its own mutex. Changes arrive
// from the keyspace observer, on the changing thread, with the key's shard lock held; from
// there the stripe, the BCAST mutex, the tracking-clients mutex, the hub's client directory
// and the receivers' sinks are taken, in that order, and none of them is ever held while a
// shard lock is taken. Invalidations due to the current client's own command are held until
// its reply is written (Redis 7.0's tracking_pending_keys), see FlushCurrent().
//
// A key is registered for a client before its read-only command runs (BeginRead) and again
// after it (EndRead) if an invalidation removed it meanwhile: a write on another thread
// between the read and the registration can therefore never go unnoticed.
class Tracking {
 public:
  explicit Tracking(PubSubHub& hub) : hub_(hub) {}
  ~Tracking();
  Tracking(const Tracking&) = delete;
  Tracking& operator=(const Tracking&) = delete;

  // --- CLIENT TRACKING (on the client's own thread) ---

  // Turns tracking on (or changes its options): options are kTrackingBcast, kTrackingOptin,
  // kTrackingOptout and kTrackingNoloop; redirect 0 means none. The caller has checked the
  // options (Redis's errors) and CheckPrefixCollisions.
  void Enable(ClientState* c, uint64_t redirect, uint32_t options,
              const std::vector<std::string>& prefixes);
  // Turns tracking off (CLIENT TRACKING OFF, RESET, disconnect). Keys stay in the table and
  // are dropped lazily, as Redis does.
  void Disable(ClientState* c);
  // Redis 7.0's checkPrefixCollisionsOrReply, return value included: 1 when no new prefix
  // overlaps one of c's or another new one; otherwise *error is set and the result is the
  // index of the offending prefix when it overlaps a later new one (which Redis's caller reads
  // as success: it replies the error and then enables tracking and replies +OK), else 0.
  static size_t CheckPrefixCollisions(const ClientState& c,
                                      const std::vector<std::string>& prefixes, std::string* error);

  // --- Reads (the dispatcher, around a read-only command of a default-mode client) ---

  // Whether the keys of c's current read-only command are to be remembered (OPTIN needs
  // CLIENT CACHING YES, OPTOUT is skipped by CLIENT CACHING NO).
  static bool WantsKeys(const ClientState& c);
  // Registers c for the keys argv[i], i in idx, before the command runs.
  void BeginRead(ClientState* c, const std::vector<std::string>& argv,
                 const std::vector<size_t>& idx);
  // After the command: registers again what an invalidation removed during it.
  void EndRead(ClientState* c, const std::vector<std::string>& argv,
               const std::vector<size_t>& idx);

  // --- Changes (the keyspace observer; shard locks held) ---

  // key was written, deleted, expired or evicted by `by` (the current client, or null).
  void KeyChanged(std::string_view key, const ClientState* by);
  // A database (or every one) was flushed: every tracking client gets the null invalidation
  // and the table is emptied.
  void Flushed(const ClientState* by);
  // Cheap check: is anything tracked at all?
  bool active() const {
    return total_keys_.load(std::memory_order_relaxed) != 0 ||
           prefix_count_.load(std::memory_order_relaxed) != 0 ||
           clients_count_.load(std::memory_order_relaxed) != 0;
  }

  // --- After commands ---

  // Sends the invalidations held back for c, the client whose command just ran on this
  // thread (after its reply was written).
  void FlushCurrent(ClientState* c);
  // Sends the BCAST invalidations collected since the last call (cheap when none).
  void BroadcastPending();
  // tracking-table-max-keys: while the table holds more than max_keys keys (0: no limit),
  // forgets keys, sending their invalidations as if they changed; bounded work per call, as
  // Redis's trackingLimitUsedSlots.
  void EnforceLimit(uint64_t max_keys);

  TrackingStats Stats() const;

 private:
  static constexpr size_t kStripes = 64;
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Stripe {
    std::mutex mu;
    std::unordered_map<std::string, std::vector<uint64_t>, Hash, std::equal_to<>> keys;
  };
  // The clients of one BCAST prefix and the keys changed under it since the last broadcast,
  // each with the client that changed it last (for NOLOOP).
  struct Bcast {
    std::vector<ClientState*> clients;
    std::map<std::string, const ClientState*, std::less<>> keys;
  };

  Stripe& StripeFor(std::string_view key);
  // Adds id to key's entry; true when it was not there.
  bool Add(std::string_view key, uint64_t id);
  // Removes key's entry and invalidates its clients (by: who changed it, may be null).
  void InvalidateKey(std::string_view key, const ClientState* by, bool from_command);
  void RemovePrefixesLocked(ClientState* c);

  PubSubHub& hub_;
  std::array<Stripe, kStripes> stripes_;
  std::atomic<uint64_t> total_keys_{0};
  std::atomic<uint64_t> total_items_{0};
  size_t evict_cursor_ = 0;    // guarded by limit_mu_
  unsigned limit_rounds_ = 0;  // guarded by limit_mu_: calls that stayed over the limit
  std::mutex limit_mu_;

  mutable std::mutex bcast_mu_;
  std::map<std::string, Bcast, std::less<>> prefixes_;  // guarded by bcast_mu_
  std::atomic<uint64_t> prefix_count_{0};
  std::atomic<bool> bcast_pending_{false};

  mutable std::mutex clients_mu_;
  std::unordered_set<ClientState*> clients_;  // tracking clients; guarded by clients_mu_
  std::atomic<uint64_t> clients_count_{0};
};

}  // namespace cachet::commands
