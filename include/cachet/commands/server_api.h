// What commands may ask of the running server, implemented by the server layer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/storage/keyspace.h"

namespace cachet::config {
class Config;
}
namespace cachet::storage {
class Keyspace;
}

namespace cachet::commands {

struct ClientState;
struct CommandContext;
class WatchRegistry;
class PubSubHub;
class Tracking;

// The null a blocking command answers when it cannot block (inside MULTI): BLMOVE and
// BRPOPLPUSH a null bulk string, the others a null array. A timeout is always answered with
// a null array, as Redis 7.0 does for every blocking pop.
enum class BlockTimeoutReply { kNullArray, kNullBulk };

// Filter for CLIENT LIST / CLIENT KILL. Empty fields match everything.
struct ClientFilter {
  std::vector<uint64_t> ids;
  std::string addr;
  std::string laddr;
  std::string type;  // normal | master | replica | slave | pubsub
  std::string user;
  int64_t max_age_s = 0;  // kill clients older than this (0: no filter)
  uint64_t skip_id = 0;   // never match this client (SKIPME yes)
};

enum class ShutdownMode { kDefault, kNoSave, kSave };

// What INFO needs from the server beyond the config, the keyspace, the pub/sub hub, the
// tracking table and the per-command statistics (command_stats.h).
struct ServerInfo {
  int64_t start_time_ms = 0;  // Unix ms when the server started
  int tcp_port = 0;           // the TCP port listened on (0: none)
  std::string run_id;         // 40 hex characters, random per start
  std::string replid;         // 40 hex characters, random per start (master_replid)
  std::string executable;     // absolute path of the running binary
  int64_t hz = 10;            // the cron frequency in use
  int io_threads = 1;         // worker threads running commands
  uint64_t connected_clients = 0;
  uint64_t blocked_clients = 0;
  uint64_t clients_in_timeout_table = 0;  // blocked clients with a deadline
  uint64_t client_recent_max_input_buffer = 0;
  uint64_t client_recent_max_output_buffer = 0;
  uint64_t client_buffers_bytes = 0;  // query and output buffers of every client
  uint64_t total_connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t instantaneous_ops_per_sec = 0;
  double instantaneous_input_kbps = 0;
  double instantaneous_output_kbps = 0;
  uint64_t used_memory = 0;          // keyspace bytes plus client buffers (0: INFO computes it)
  uint64_t used_memory_peak = 0;     // the largest used_memory seen (0: not tracked)
  uint64_t used_memory_startup = 0;  // used_memory once started, before any client
  // The keyspace's figures as the cron last sampled them (at most 100 ms old), for INFO inside
  // EXEC, whose hold on some shards forbids locking them all again. keyspace_sampled is false
  // when there is no sample.
  bool keyspace_sampled = false;
  storage::KeyspaceStats keyspace_stats;
  std::vector<storage::DbStats> db_stats;
};

class ServerApi {
 public:
  virtual ~ServerApi() = default;
  virtual config::Config& config() = 0;
  // The keyspace every database lives in.
  virtual storage::Keyspace& keyspace() = 0;
  // Who WATCHes which keys (fed by the keyspace's observer).
  virtual WatchRegistry& watches() = 0;
  // Pub/sub subscriptions and publishing; also the directory of connected clients by id.
  virtual PubSubHub& pubsub() = 0;
  // Client-side caching (CLIENT TRACKING), fed by the keyspace's observer.
  virtual Tracking& tracking() = 0;
  // One CLIENT LIST line per matching client (each ends in '\n'), in id order.
  virtual std::string ClientList(const ClientFilter& filter) = 0;
  // The CLIENT INFO line of one client.
  virtual std::string ClientInfoLine(const ClientState& client) = 0;
  // Closes every matching client (after its pending replies); returns how many.
  virtual int KillClients(const ClientFilter& filter) = 0;
  // Begins a graceful shutdown: stop accepting, close clients, exit 0.
  virtual void RequestShutdown(ShutdownMode mode) = 0;
  virtual uint64_t connected_clients() const = 0;
  // CONFIG RESETSTAT: zeroes the statistics INFO reports (commands processed, connections
  // received and rejected, keyspace hits/misses, expired and evicted keys).
  virtual void ResetStats() = 0;
  // The server's figures for INFO. The default leaves *info as constructed (a server with
  // no sockets).
  virtual void FillInfo(ServerInfo* info) {}

  // Redis's performEvictions(), run before every command: when maxmemory is set and used
  // memory is over it, evicts keys per maxmemory-policy (for at most the time
  // maxmemory-eviction-tenacity allows) and returns true when memory is still over the limit
  // with nothing more to evict (noeviction, or volatile-* with no key with a TTL left): the
  // state in which deny-oom commands are refused. Must be called holding no Access.
  virtual bool PerformEvictions() { return false; }

  // Reports a keyspace change (see notify.h); published per notify-keyspace-events. Safe to
  // call with shard locks held (the hub's publish is lock-safe under them).
  virtual void NotifyKeyspaceEvent(uint32_t notify_class, std::string_view event, int db,
                                   std::string_view key) {}

  // Parks the client until one of keys (in its current db) is written or timeout_ms passes
  // (0: forever). A handler calls it, instead of replying, when it found nothing to serve,
  // while it still holds the Access over keys, so that no write slips between its check and
  // the wait. When a key is written, the command is run again from the start (same argv,
  // same client) for the longest-waiting client on that key; if it again finds nothing it
  // calls BlockOnKeys again and keeps its place and its deadline. On timeout the client
  // receives a null array (Redis 7.0's reply for every kind). Only called when
  // MayBlock(ctx) (blocking.h).
  virtual void BlockOnKeys(CommandContext& ctx, const std::vector<std::string>& keys,
                           int64_t timeout_ms, BlockTimeoutReply on_timeout) = 0;
};

}  // namespace cachet::commands
