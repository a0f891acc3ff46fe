// The per-connection state commands read and change (protocol, auth, name, database, ...).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

namespace cachet::commands {

struct CommandSpec;
class PushSink;  // pubsub.h

// CLIENT TRACKING state bits (ClientState::tracking), after Redis's CLIENT_TRACKING_* flags.
enum TrackingFlag : uint32_t {
  kTrackingOn = 1u << 0,
  kTrackingBcast = 1u << 1,
  kTrackingOptin = 1u << 2,
  kTrackingOptout = 1u << 3,
  kTrackingCaching = 1u << 4,  // CLIENT CACHING given for the next command
  kTrackingNoloop = 1u << 5,
  kTrackingBrokenRedir = 1u << 6,  // the redirect client went away
};

// A command queued between MULTI and EXEC.
struct QueuedCommand {
  std::vector<std::string> argv;
  const CommandSpec* spec = nullptr;
};

// A key this client WATCHes, and whether it existed when watched.
struct WatchedKey {
  int db = 0;
  std::string key;
  bool existed = false;
};

enum class ReplyMode { kOn, kOff, kSkipNext, kSkipThis };

// State of one client. The owning connection's thread writes it; other threads (CLIENT LIST,
// CLIENT KILL) read it: numbers are atomics, strings are guarded by `mu`.
struct ClientState {
  uint64_t id = 0;
  std::string addr;   // "ip:port", or "path:0" for a unix socket
  std::string laddr;  // local address
  int fd = -1;
  bool unix_socket = false;
  bool local = false;  // loopback or unix socket (for protected mode)
  int64_t created_ms = 0;
  std::atomic<int64_t> last_interaction_ms{0};

  std::atomic<int> protocol{2};
  std::atomic<int> db{0};
  std::atomic<bool> authenticated{false};
  std::atomic<const char*> last_command{"NULL"};  // full command name, static storage
  std::atomic<uint64_t> query_buffer_bytes{0};
  std::atomic<uint64_t> output_buffer_bytes{0};
  std::atomic<bool> close_requested{false};  // CLIENT KILL / QUIT: close after pending replies
  std::atomic<bool> blocked{false};          // waiting in a blocking command

  ReplyMode reply_mode = ReplyMode::kOn;  // connection thread only
  bool in_multi = false;                  // connection thread only
  bool in_exec = false;                   // EXEC is running the queued commands
  bool multi_aborted = false;             // an error while queuing: EXEC answers EXECABORT
  std::vector<QueuedCommand> queued;      // connection thread only
  std::vector<WatchedKey> watched;        // connection thread only
  std::atomic<bool> watch_dirty{false};   // set by any thread that touches a watched key
  bool close_after_reply = false;          // connection thread only

  // Where pushed messages (pub/sub, invalidations) go; set by the connection before the client
  // is registered with the pub/sub hub, never changed afterwards. Null: nothing is pushed.
  PushSink* sink = nullptr;

  // Pub/sub subscriptions. The sets are changed on the client's own thread with the hub's
  // mutex held (PubSubHub); the counts may be read by any thread (CLIENT LIST).
  std::unordered_set<std::string> channels;
  std::unordered_set<std::string> patterns;
  std::unordered_set<std::string> shard_channels;
  std::atomic<uint32_t> sub_count{0};
  std::atomic<uint32_t> psub_count{0};
  std::atomic<uint32_t> ssub_count{0};
  // In Redis's CLIENT_PUBSUB state: subscribed to any channel, pattern or shard channel.
  bool InPubSub() const {
    return sub_count.load(std::memory_order_relaxed) + psub_count.load(std::memory_order_relaxed) +
               ssub_count.load(std::memory_order_relaxed) !=
           0;
  }

  // Client-side caching (Tracking): TrackingFlag bits and the client receiving invalidations
  // (0: this one). Written on the client's own thread; read by any thread.
  std::atomic<uint32_t> tracking{0};
  std::atomic<uint64_t> tracking_redirect{0};
  // BCAST prefixes, sorted; changed on the client's own thread under the tracking mutex.
  std::vector<std::string> tracking_prefixes;

  mutable std::mutex mu;
  std::string name;      // guarded by mu
  std::string lib_name;  // guarded by mu
  std::string lib_ver;   // guarded by mu

  std::string GetName() const {
    std::lock_guard lock(mu);
    return name;
  }
};

// The client whose command the dispatcher is running on this thread, or null (cron, blocked
// clients served again). Tracking uses it for NOLOOP and to hold a client's own invalidations
// until its reply is written.
ClientState* CurrentClient();

// Makes `client` the current client of this thread for its lifetime.
class CurrentClientScope {
 public:
  explicit CurrentClientScope(ClientState* client);
  ~CurrentClientScope();
  CurrentClientScope(const CurrentClientScope&) = delete;
  CurrentClientScope& operator=(const CurrentClientScope&) = delete;

 private:
  ClientState* previous_;
};

}  // namespace cachet::commands
