// The server: Asio worker threads, listeners, the client registry and graceful shutdown.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cachet/commands/dispatcher.h"
#include "cachet/commands/pubsub.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/server_api.h"
#include "cachet/commands/tracking.h"
#include "cachet/commands/watch_registry.h"
#include "cachet/config/config.h"
#include "cachet/server/blocking_registry.h"
#include "cachet/storage/keyspace.h"

namespace cachet::server {

class Connection;

// One worker thread with its own io_context; connections live on exactly one worker and all
// their I/O and command execution happens on that worker's thread.
struct Worker {
  boost::asio::io_context ctx{1};
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::thread thread;
  std::unique_ptr<boost::asio::steady_timer> cron;
  std::vector<std::shared_ptr<Connection>> connections;  // touched on this worker only
  size_t index = 0;
};

// client-output-buffer-limit, per class (Redis's CLIENT_TYPE_NORMAL, _SLAVE, _PUBSUB), kept
// as atomics so connections read them on every push; 0 disables a limit.
struct OutputBufferLimits {
  enum Class { kNormal = 0, kReplica = 1, kPubSub = 2 };
  std::atomic<uint64_t> hard[3] = {};
  std::atomic<uint64_t> soft[3] = {};
  std::atomic<int64_t> soft_seconds[3] = {};
  // Reads the directive's rendered value ("normal 0 0 0 slave ... pubsub ...").
  void Parse(const std::string& rendered);
};

// Connection counters (touched once per connection). Per-command and traffic counters are
// per-thread (commands/command_stats.h).
struct ServerStats {
  std::atomic<uint64_t> total_connections_received{0};
  std::atomic<uint64_t> rejected_connections{0};
};

// Redis's instantaneous metrics: 16 samples of a rate, one every 100 ms, averaged.
class InstantaneousMetric {
 public:
  static constexpr int kSamples = 16;
  // Records the rate since the previous sample, from the counter's value now.
  void Sample(uint64_t value, int64_t now_ms);
  // The mean of the samples, per second.
  double PerSecond() const;

 private:
  mutable std::mutex mu_;
  int64_t last_ms_ = 0;            // guarded by mu_
  uint64_t last_value_ = 0;        // guarded by mu_
  double samples_[kSamples] = {};  // guarded by mu_
  int idx_ = 0;                    // guarded by mu_
};

class Server : public commands::ServerApi {
 public:
  explicit Server(config::Config& config);
  ~Server() override;

  // Binds listeners and starts workers. Returns false (after logging why) when a listener
  // cannot be opened.
  bool Start();
  // Blocks until shutdown (signal or SHUTDOWN) completes. Returns the exit status.
  int Wait();

  // commands::ServerApi
  config::Config& config() override { return config_; }
  storage::Keyspace& keyspace() override { return *keyspace_; }
  commands::WatchRegistry& watches() override { return watches_; }
  commands::PubSubHub& pubsub() override { return pubsub_; }
  commands::Tracking& tracking() override { return tracking_; }
  std::string ClientList(const commands::ClientFilter& filter) override;
  std::string ClientInfoLine(const commands::ClientState& client) override;
  int KillClients(const commands::ClientFilter& filter) override;
  void RequestShutdown(commands::ShutdownMode mode) override;
  uint64_t connected_clients() const override { return connected_.load(); }
  void ResetStats() override;
  void FillInfo(commands::ServerInfo* info) override;
  bool PerformEvictions() override;
  void BlockOnKeys(commands::CommandContext& ctx, const std::vector<std::string>& keys,
                   int64_t timeout_ms, commands::BlockTimeoutReply on_timeout) override;
  // Publishes per notify-keyspace-events (read from the config's atomic on every call, so
  // CONFIG SET takes effect at once). Lock-safe under shard locks.
  void NotifyKeyspaceEvent(uint32_t notify_class, std::string_view event, int db,
                           std::string_view key) override;

  // Connection lifecycle (called by connections on their worker thread).
  void OnConnectionClosed(Connection* conn);
  commands::Dispatcher& dispatcher() { return dispatcher_; }
  BlockingRegistry& blocking() { return blocking_; }
  // Serves the clients blocked on keys this thread's last command wrote.
  void ServeBlocked();
  // INFO memory's used_memory: the keyspace's accounting (storage.md), as last published by
  // the shards; and the evictions so far are KeyspaceStats::evicted_keys.
  uint64_t used_memory() const { return keyspace_ ? keyspace_->used_bytes() : 0; }
  ServerStats& stats() { return stats_; }
  const OutputBufferLimits& output_limits() const { return obuf_limits_; }
  // The figures INFO's clients and stats sections report for pub/sub and tracking.
  commands::PubSubStats pubsub_stats() const { return pubsub_.Stats(); }
  commands::TrackingStats tracking_stats() const { return tracking_.Stats(); }
  uint64_t NextClientId() { return next_client_id_.fetch_add(1); }
  size_t worker_count() const { return workers_.size(); }

 private:
  // Tells the keyspace which access data (LRU or LFU) maxmemory-policy needs.
  void ApplyAccessPolicy();
  // maxmemory-policy, maxmemory-samples, maxmemory-eviction-tenacity and
  // lazyfree-lazy-eviction as they stand now.
  storage::EvictionOptions EvictionOptionsNow() const;
  // Redis's evictionTimeProc: while used memory is over maxmemory, evicts in time-bounded
  // steps posted to the workers in turn, so clients are served between steps. At most one
  // job runs at a time.
  void StartEvictionJob();
  void RunEvictionJob();
  // The keyspace observer: WATCH, blocked clients, tracking, expired/evicted notifications.
  void OnKeyEvent(int db, std::string_view key, storage::KeyEvent event);
  bool OpenTcpListeners();
  bool OpenUnixListener();
  void AcceptTcp(size_t listener);
  void AcceptUnix();
  template <typename Socket>
  void Adopt(Socket socket, Worker& worker, bool unix_socket);
  Worker& NextWorker();
  void ScheduleCron(Worker& worker);
  // Every 100 ms (on worker 0's cron): instantaneous metrics and the used-memory peak.
  void SampleMetrics(int64_t now_ms);
  // INFO's used_memory: the keyspace's bytes plus every client's buffers.
  uint64_t UsedMemoryForInfo(uint64_t* client_buffers = nullptr, uint64_t* max_input = nullptr,
                             uint64_t* max_output = nullptr);
  void Cron(Worker& worker);
  void DoShutdown(const char* reason);
  // Runs a blocked command again; true when it was served (or its client is gone).
  bool ServeWaiter(Waiter& w);

  config::Config& config_;
  std::unique_ptr<storage::Keyspace> keyspace_;
  commands::WatchRegistry watches_;
  commands::PubSubHub pubsub_;
  commands::Tracking tracking_{pubsub_};
  const std::atomic<int64_t>& notify_flags_;
  // maxmemory and the eviction directives, read on the command path.
  const std::atomic<int64_t>& maxmemory_;
  const std::atomic<int64_t>& maxmemory_policy_;
  const std::atomic<int64_t>& maxmemory_samples_;
  const std::atomic<int64_t>& eviction_tenacity_;
  const std::atomic<int64_t>& lazyfree_eviction_;
  std::atomic<bool> eviction_job_{false};
  std::atomic<size_t> eviction_worker_{0};
  OutputBufferLimits obuf_limits_;
  commands::CommandRegistry registry_;
  commands::Dispatcher dispatcher_;
  ServerStats stats_;
  // INFO's identity and start figures, set by Start().
  int64_t start_time_ms_ = 0;
  std::string run_id_;
  std::string replid_;
  std::string executable_;
  uint64_t used_memory_startup_ = 0;
  std::atomic<uint64_t> used_memory_peak_{0};
  int64_t last_sample_ms_ = 0;  // worker 0 only
  InstantaneousMetric ops_metric_, net_in_metric_, net_out_metric_;
  std::mutex sample_mu_;
  storage::KeyspaceStats sampled_stats_;            // guarded by sample_mu_
  std::vector<storage::DbStats> sampled_db_stats_;  // guarded by sample_mu_
  bool sampled_ = false;                            // guarded by sample_mu_
  BlockingRegistry blocking_;

  boost::asio::io_context main_ctx_{1};
  boost::asio::signal_set signals_{main_ctx_};
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> tcp_acceptors_;
  std::unique_ptr<boost::asio::local::stream_protocol::acceptor> unix_acceptor_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<size_t> next_worker_{0};
  std::atomic<uint64_t> next_client_id_{1};
  std::atomic<uint64_t> connected_{0};
  std::atomic<bool> shutting_down_{false};
  int exit_code_ = 0;

  std::mutex registry_mu_;
  std::map<uint64_t, std::shared_ptr<Connection>> clients_;  // guarded by registry_mu_
};

}  // namespace cachet::server
