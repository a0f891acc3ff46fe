// Server start-up, listeners, worker threads, client registry and graceful shutdown.
#include "cachet/server/server.h"

#include <netinet/tcp.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <random>
#include <sstream>

#include "cachet/commands/command_stats.h"
#include "cachet/commands/notify.h"
#include "cachet/server/connection.h"

namespace cachet::server {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::string_view kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from the "
    "loopback interface. If you want to connect from external computers to Redis you may adopt "
    "one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG "
    "SET protected-mode no' from the loopback interface by connecting to Redis from the same "
    "host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively "
    "you can just disable the protected mode by editing the Redis configuration file, and "
    "setting the protected mode option to 'no', and then restarting the server. 3) If you "
    "started the server manually just for testing, restart it with the '--protected-mode no' "
    "option. 4) Set up an authentication password for the default user. NOTE: You only need to "
    "do one of the above things in order for the server to start accepting connections from "
    "the outside.\r\n";

// Expiry-index items one shard examines per cron tick.
constexpr size_t kActiveExpireBudget = 200;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// 40 random hex characters (run_id, master_replid).
std::string RandomHex40() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(40, '0');
  for (char& c : out) c = kHex[gen() & 15];
  return out;
}

// The absolute path of the running binary ("" when /proc is unavailable).
std::string ExecutablePath() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

std::vector<std::string> SplitWords(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

void SetKeepAlive(int fd, int interval) {
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &yes, sizeof(yes));
  int idle = interval;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  int intvl = interval / 3 > 0 ? interval / 3 : 1;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
  int cnt = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

bool MatchesFilter(const commands::ClientState& c, const commands::ClientFilter& f,
                   int64_t now_ms) {
  if (f.skip_id && c.id == f.skip_id) return false;
  if (!f.ids.empty()) {
    bool any = false;
    for (uint64_t id : f.ids) any |= (id == c.id);
    if (!any) return false;
  }
  if (!f.addr.empty() && f.addr != c.addr) return false;
  if (!f.laddr.empty() && f.laddr != c.laddr) return false;
  if (!f.type.empty()) {
    // No replication: a client is a pub/sub one while subscribed to anything, else normal.
    if (strcasecmp(f.type.c_str(), "pubsub") == 0) {
      if (!c.InPubSub()) return false;
    } else if (strcasecmp(f.type.c_str(), "normal") == 0) {
      if (c.InPubSub()) return false;
    } else {
      return false;
    }
  }
  if (!f.user.empty() && f.user != "default") return false;
  if (f.max_age_s > 0 && (now_ms - c.created_ms) / 1000 < f.max_age_s) return false;
  return true;
}

}  // namespace

void OutputBufferLimits::Parse(const std::string& rendered) {
  std::istringstream in(rendered);
  std::string cls;
  unsigned long long hard_bytes = 0, soft_bytes = 0;
  long long seconds = 0;
  while (in >> cls >> hard_bytes >> soft_bytes >> seconds) {
    int c = cls == "normal" ? kNormal : cls == "pubsub" ? kPubSub : kReplica;
    hard[c].store(hard_bytes, std::memory_order_relaxed);
    soft[c].store(soft_bytes, std::memory_order_relaxed);
    soft_seconds[c].store(seconds, std::memory_order_relaxed);
  }
}

Server::Server(config::Config& config)
    : config_(config),
      notify_flags_(config.IntRef("notify-keyspace-events")),
      maxmemory_(config.IntRef("maxmemory")),
      maxmemory_policy_(config.IntRef("maxmemory-policy")),
      maxmemory_samples_(config.IntRef("maxmemory-samples")),
      eviction_tenacity_(config.IntRef("maxmemory-eviction-tenacity")),
      lazyfree_eviction_(config.IntRef("lazyfree-lazy-eviction")),
      dispatcher_(registry_, *this) {
  commands::RegisterAllCommands(registry_);
  commands::SetGlobalRegistry(&registry_);
}

Server::~Server() {
  for (auto& w : workers_) {
    if (w->thread.joinable()) {
      w->ctx.stop();
      w->thread.join();
    }
  }
}

void Server::OnKeyEvent(int db, std::string_view key, storage::KeyEvent event) {
  watches_.OnKeyEvent(db, key, event);
  using storage::KeyEvent;
  switch (event) {
    case KeyEvent::kWritten:
      commands::CountDirty();
      blocking_.NoteWritten(db, key);
      tracking_.KeyChanged(key, commands::CurrentClient());
      break;
    case KeyEvent::kDeleted:
      commands::CountDirty();
      tracking_.KeyChanged(key, commands::CurrentClient());
      break;
    case KeyEvent::kExpired:
      // Redis's deleteExpiredKeyAndPropagate: the notification, then the invalidation.
      NotifyKeyspaceEvent(commands::kNotifyExpired, "expired", db, key);
      tracking_.KeyChanged(key, commands::CurrentClient());
      break;
    case KeyEvent::kEvicted:
      NotifyKeyspaceEvent(commands::kNotifyEvicted, "evicted", db, key);
      tracking_.KeyChanged(key, commands::CurrentClient());
      break;
    case KeyEvent::kFlushed:
      tracking_.Flushed(commands::CurrentClient());
      break;
    case KeyEvent::kSwapped:
      blocking_.NoteDbChanged(db);
      break;
    case KeyEvent::kCreated:
      NotifyKeyspaceEvent(commands::kNotifyNew, "new", db, key);
      break;
    case KeyEvent::kMissed:
      NotifyKeyspaceEvent(commands::kNotifyKeyMiss, "keymiss", db, key);
      break;
  }
}

void Server::NotifyKeyspaceEvent(uint32_t notify_class, std::string_view event, int db,
                                 std::string_view key) {
  const auto flags = static_cast<uint32_t>(notify_flags_.load(std::memory_order_relaxed));
  if (!(flags & notify_class)) return;
  pubsub_.PublishKeyspaceEvent(flags, event, db, key);
}

void Server::ApplyAccessPolicy() {
  const int64_t policy = config_.GetInt("maxmemory-policy");
  const bool lfu = policy == config::kAllkeysLfu || policy == config::kVolatileLfu;
  keyspace_->SetAccessPolicy(lfu ? storage::AccessPolicy::kLfu : storage::AccessPolicy::kLru,
                             static_cast<int>(config_.GetInt("lfu-log-factor")),
                             static_cast<int>(config_.GetInt("lfu-decay-time")));
}

static_assert(static_cast<int64_t>(storage::EvictionPolicy::kVolatileLru) == config::kVolatileLru &&
              static_cast<int64_t>(storage::EvictionPolicy::kAllkeysRandom) ==
                  config::kAllkeysRandom &&
              static_cast<int64_t>(storage::EvictionPolicy::kNoEviction) == config::kNoEviction);

storage::EvictionOptions Server::EvictionOptionsNow() const {
  storage::EvictionOptions o;
  o.policy =
      static_cast<storage::EvictionPolicy>(maxmemory_policy_.load(std::memory_order_relaxed));
  o.samples = static_cast<int>(maxmemory_samples_.load(std::memory_order_relaxed));
  o.time_limit_us = storage::EvictionTimeLimitUs(
      static_cast<int>(eviction_tenacity_.load(std::memory_order_relaxed)));
  o.lazy_free = lazyfree_eviction_.load(std::memory_order_relaxed) != 0;
  return o;
}

bool Server::PerformEvictions() {
  const auto maxmemory = static_cast<uint64_t>(maxmemory_.load(std::memory_order_relaxed));
  if (maxmemory == 0 || !keyspace_ || keyspace_->used_bytes() <= maxmemory) return false;
  const storage::EvictResult r = keyspace_->EvictToLimit(maxmemory, EvictionOptionsNow());
  if (r.status == storage::EvictStatus::kRunning) StartEvictionJob();
  return r.status == storage::EvictStatus::kFail;
}

void Server::StartEvictionJob() {
  if (workers_.empty() || shutting_down_.load() || eviction_job_.exchange(true)) return;
  Worker& w = *workers_[eviction_worker_.fetch_add(1) % workers_.size()];
  asio::post(w.ctx, [this] { RunEvictionJob(); });
}

void Server::RunEvictionJob() {
  const auto maxmemory = static_cast<uint64_t>(maxmemory_.load(std::memory_order_relaxed));
  storage::EvictStatus status = storage::EvictStatus::kOk;
  if (maxmemory != 0 && !shutting_down_.load()) {
    status = keyspace_->EvictToLimit(maxmemory, EvictionOptionsNow()).status;
    // Keys evicted under BCAST prefixes.
    tracking_.BroadcastPending();
  }
  if (status == storage::EvictStatus::kRunning && !shutting_down_.load()) {
    // The next step goes behind whatever clients the workers have queued meanwhile.
    Worker& w = *workers_[eviction_worker_.fetch_add(1) % workers_.size()];
    asio::post(w.ctx, [this] { RunEvictionJob(); });
    return;
  }
  eviction_job_.store(false);
}

bool Server::OpenTcpListeners() {
  int port = static_cast<int>(config_.GetInt("port"));
  if (port == 0) return true;
  int backlog = static_cast<int>(config_.GetInt("tcp-backlog"));
  auto addrs = SplitWords(config_.GetString("bind"));
  if (addrs.empty()) addrs = {"*", "-::*"};
  for (std::string addr : addrs) {
    bool optional = false;
    if (!addr.empty() && addr[0] == '-') {
      optional = true;
      addr = addr.substr(1);
    }
    boost::system::error_code ec;
    asio::ip::address ip;
    if (addr == "*") {
      ip = asio::ip::address_v4::any();
    } else if (addr == "::*") {
      ip = asio::ip::address_v6::any();
    } else {
      ip = asio::ip::make_address(addr, ec);
      if (ec) {
        spdlog::warn("Invalid bind address '{}'", addr);
        return false;
      }
    }
    tcp::endpoint ep(ip, static_cast<unsigned short>(port));
    auto acceptor = std::make_unique<tcp::acceptor>(main_ctx_);
    acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec && ip.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(backlog, ec);
    if (ec) {
      if (optional && (ec.value() == EAFNOSUPPORT || ec.value() == EADDRNOTAVAIL ||
                       ec.value() == EPROTONOSUPPORT)) {
        spdlog::debug("Skipping optional bind address {}: {}", addr, ec.message());
        continue;
      }
      spdlog::warn("Warning: Could not create server TCP listening socket {}:{}: {}", addr, port,
                   ec.message());
      return false;
    }
    tcp_acceptors_.push_back(std::move(acceptor));
  }
  if (tcp_acceptors_.empty()) {
    spdlog::warn("Failed listening on port {} (tcp), aborting.", port);
    return false;
  }
  return true;
}

bool Server::OpenUnixListener() {
  std::string path = config_.GetString("unixsocket");
  if (path.empty()) return true;
  ::unlink(path.c_str());
  boost::system::error_code ec;
  unix_acceptor_ = std::make_unique<asio::local::stream_protocol::acceptor>(main_ctx_);
  asio::local::stream_protocol::endpoint ep(path);
  unix_acceptor_->open(ep.protocol(), ec);
  if (!ec) unix_acceptor_->bind(ep, ec);
  if (!ec) unix_acceptor_->listen(static_cast<int>(config_.GetInt("tcp-backlog")), ec);
  if (ec) {
    spdlog::warn("Failed opening Unix socket: {}", ec.message());
    return false;
  }
  int64_t perm = config_.GetInt("unixsocketperm");
  if (perm) ::chmod(path.c_str(), static_cast<mode_t>(perm));
  return true;
}

bool Server::Start() {
  // Raise the descriptor limit to fit maxclients, as Redis does.
  rlim_t wanted = static_cast<rlim_t>(config_.GetInt("maxclients")) + 32;
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < wanted) {
    rlimit want{std::min(wanted, lim.rlim_max), lim.rlim_max};
    setrlimit(RLIMIT_NOFILE, &want);
  }

  if (!OpenTcpListeners() || !OpenUnixListener()) return false;

  size_t threads = static_cast<size_t>(config_.GetInt("io-threads"));
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  storage::KeyspaceOptions ks_options;
  ks_options.worker_threads = threads;
  ks_options.shards = static_cast<size_t>(config_.GetInt("shards"));
  ks_options.databases = static_cast<int>(config_.GetInt("databases"));
  keyspace_ = std::make_unique<storage::Keyspace>(ks_options);
  keyspace_->SetObserver([this](int db, std::string_view key, storage::KeyEvent event) {
    OnKeyEvent(db, key, event);
  });
  start_time_ms_ = NowMs();
  run_id_ = RandomHex40();
  replid_ = RandomHex40();
  executable_ = ExecutablePath();
  used_memory_startup_ = keyspace_->Stats().used_bytes;
  used_memory_peak_.store(used_memory_startup_, std::memory_order_relaxed);
  last_sample_ms_ = start_time_ms_;
  ApplyAccessPolicy();
  obuf_limits_.Parse(config_.GetString("client-output-buffer-limit"));
  config_.OnChange("client-output-buffer-limit", [this](config::Config& c) {
    obuf_limits_.Parse(c.GetString("client-output-buffer-limit"));
    return config::Status::Ok();
  });
  for (const char* name : {"maxmemory-policy", "lfu-log-factor", "lfu-decay-time"}) {
    config_.OnChange(name, [this](config::Config&) {
      ApplyAccessPolicy();
      return config::Status::Ok();
    });
  }
  // A lower maxmemory (or a policy that can now evict) takes effect at once: the eviction
  // job brings memory down in steps; meanwhile every command evicts before it runs.
  // maxmemory-samples, maxmemory-eviction-tenacity and lazyfree-lazy-eviction are read on
  // each eviction.
  config_.OnChange("maxmemory", [this](config::Config& c) {
    const auto maxmemory = static_cast<uint64_t>(c.GetInt("maxmemory"));
    if (maxmemory != 0 && keyspace_->used_bytes() > maxmemory) {
      spdlog::warn(
          "WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current "
          "memory usage ({}). This will result in key eviction and/or the inability to accept "
          "new write commands depending on the maxmemory-policy.",
          maxmemory, keyspace_->used_bytes());
      StartEvictionJob();
    }
    return config::Status::Ok();
  });
  config_.OnChange("maxmemory-policy", [this](config::Config& c) {
    const auto maxmemory = static_cast<uint64_t>(c.GetInt("maxmemory"));
    if (maxmemory != 0 && keyspace_->used_bytes() > maxmemory) StartEvictionJob();
    return config::Status::Ok();
  });
  if (const auto maxmemory = static_cast<uint64_t>(config_.GetInt("maxmemory"));
      maxmemory != 0 && maxmemory < 1024 * 1024) {
    spdlog::warn(
        "WARNING: You specified a maxmemory value that is less than 1MB (current value is {} "
        "bytes). Are you sure this is what you really want?",
        maxmemory);
  }
  for (size_t i = 0; i < threads; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    w->guard = std::make_unique<
        asio::executor_work_guard<asio::io_context::executor_type>>(w->ctx.get_executor());
    w->cron = std::make_unique<asio::steady_timer>(w->ctx);
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) {
    Worker* worker = w.get();
    ScheduleCron(*worker);
    worker->thread = std::thread([worker] { worker->ctx.run(); });
  }

  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::warn("Received {} scheduling shutdown...", sig == SIGINT ? "SIGINT" : "SIGTERM");
    DoShutdown("signal");
  });
  for (size_t i = 0; i < tcp_acceptors_.size(); ++i) AcceptTcp(i);
  if (unix_acceptor_) AcceptUnix();
  return true;
}

int Server::Wait() {
  main_ctx_.run();
  return exit_code_;
}

Worker& Server::NextWorker() {
  return *workers_[next_worker_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

void Server::AcceptTcp(size_t listener) {
  Worker& worker = NextWorker();
  tcp_acceptors_[listener]->async_accept(
      worker.ctx, [this, listener, &worker](const boost::system::error_code& ec, tcp::socket s) {
        if (ec) {
          if (ec == asio::error::operation_aborted) return;
          spdlog::warn("Accepting client connection: {}", ec.message());
        } else {
          boost::system::error_code ignored;
          s.set_option(tcp::no_delay(true), ignored);
          int keepalive = static_cast<int>(config_.GetInt("tcp-keepalive"));
          if (keepalive > 0) SetKeepAlive(s.native_handle(), keepalive);
          auto proto = s.local_endpoint(ignored).protocol();
          Socket g(worker.ctx, asio::generic::stream_protocol(proto.family(), IPPROTO_TCP),
                   s.release());
          Adopt(std::move(g), worker, false);
        }
        if (!shutting_down_) AcceptTcp(listener);
      });
}

void Server::AcceptUnix() {
  Worker& worker = NextWorker();
  unix_acceptor_->async_accept(
      worker.ctx, [this, &worker](const boost::system::error_code& ec,
                                  asio::local::stream_protocol::socket s) {
        if (ec) {
          if (ec == asio::error::operation_aborted) return;
          spdlog::warn("Accepting client connection: {}", ec.message());
        } else {
          Socket g(worker.ctx, asio::generic::stream_protocol(AF_UNIX, 0), s.release());
          Adopt(std::move(g), worker, true);
        }
        if (!shutting_down_) AcceptUnix();
      });
}

template <typename S>
void Server::Adopt(S socket, Worker& worker, bool unix_socket) {
  stats_.total_connections_received.fetch_add(1, std::memory_order_relaxed);
  auto conn = std::make_shared<Connection>(*this, worker, std::move(socket), unix_socket);
  // Refusals are written synchronously: the socket is fresh, the message fits its buffer.
  auto refuse = [&](std::string_view msg) {
    ::send(conn->state().fd, msg.data(), msg.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    stats_.rejected_connections.fetch_add(1, std::memory_order_relaxed);
  };
  uint64_t maxclients = static_cast<uint64_t>(config_.GetInt("maxclients"));
  if (connected_.load() >= maxclients) {
    refuse("-ERR max number of clients reached\r\n");
    return;  // conn's socket closes as it is destroyed
  }
  // Protected mode, as Redis: no password and no bind address configured, and a peer other
  // than 127.0.0.1 / ::1 (unix sockets always pass).
  if (config_.GetBool("protected-mode") && config_.GetString("requirepass").empty() &&
      !config_.IsExplicit("bind") && !conn->state().local) {
    refuse(kProtectedModeDenied);
    spdlog::warn("Denied non-local connection from {} (protected mode)", conn->state().addr);
    return;
  }
  connected_.fetch_add(1);
  pubsub_.AddClient(&conn->state());
  {
    std::lock_guard lock(registry_mu_);
    clients_[conn->state().id] = conn;
  }
  asio::post(worker.ctx, [conn, &worker] {
    worker.connections.push_back(conn);
    conn->Start();
  });
}

void Server::OnConnectionClosed(Connection* conn) {
  watches_.UnwatchAll(&conn->state());
  // Tracking first (it may still look the client up), then subscriptions and the directory.
  tracking_.Disable(&conn->state());
  pubsub_.RemoveClient(&conn->state());
  {
    std::lock_guard lock(registry_mu_);
    clients_.erase(conn->state().id);
  }
  connected_.fetch_sub(1);
}

void Server::ScheduleCron(Worker& worker) {
  int64_t hz = config_.GetInt("hz");
  if (hz <= 0) hz = 10;
  worker.cron->expires_after(std::chrono::milliseconds(1000 / hz));
  worker.cron->async_wait([this, &worker](const boost::system::error_code& ec) {
    // A tick that had already fired when shutdown cancelled the timer must not re-arm it, or
    // the worker's context never runs out of work.
    if (ec || shutting_down_.load()) return;
    Cron(worker);
    ScheduleCron(worker);
  });
}

void Server::Cron(Worker& worker) {
  const int64_t now = NowMs();
  if (worker.index == 0 && now - last_sample_ms_ >= 90) SampleMetrics(now);
  const int64_t timeout = config_.GetInt("timeout");
  // Each worker reclaims expired keys of its share of the shards in rounds of bounded work,
  // going on while a shard reports more due, up to a quarter of the tick (Redis's active
  // expiry uses at most 25% CPU the same way).
  const size_t shards = keyspace_->shard_count();
  int64_t hz = config_.GetInt("hz");
  if (hz <= 0) hz = 10;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::microseconds(250000 / hz);
  bool more = true;
  while (more) {
    more = false;
    for (size_t s = worker.index; s < shards; s += workers_.size()) {
      more |= keyspace_->ActiveExpireShard(s, kActiveExpireBudget).more_due;
    }
    if (std::chrono::steady_clock::now() >= deadline) break;
  }
  // Keys the cycle expired under BCAST prefixes.
  tracking_.BroadcastPending();
  // Memory over maxmemory with no command arriving to evict (a limit lowered, a large write
  // just under it): the eviction job brings it down.
  if (worker.index == 0) {
    const auto maxmemory = static_cast<uint64_t>(maxmemory_.load(std::memory_order_relaxed));
    if (maxmemory != 0 && keyspace_->used_bytes() > maxmemory &&
        maxmemory_policy_.load(std::memory_order_relaxed) != config::kNoEviction) {
      StartEvictionJob();
    }
  }
  auto& conns = worker.connections;
  for (auto& c : conns) c->CheckIdle(now, timeout);
  std::erase_if(conns, [](const std::shared_ptr<Connection>& c) { return c->closed(); });
}

std::string Server::ClientList(const commands::ClientFilter& filter) {
  const int64_t now = NowMs();
  std::string out;
  std::lock_guard lock(registry_mu_);
  for (auto& [id, conn] : clients_) {
    if (MatchesFilter(conn->state(), filter, now)) out += FormatClientLine(conn->state(), now);
  }
  return out;
}

std::string Server::ClientInfoLine(const commands::ClientState& client) {
  return FormatClientLine(client, NowMs());
}

int Server::KillClients(const commands::ClientFilter& filter) {
  const int64_t now = NowMs();
  std::vector<std::shared_ptr<Connection>> victims;
  {
    std::lock_guard lock(registry_mu_);
    for (auto& [id, conn] : clients_) {
      if (MatchesFilter(conn->state(), filter, now)) victims.push_back(conn);
    }
  }
  // A client already being closed (by an earlier KILL, QUIT or a limit) is not counted again.
  int killed = 0;
  for (auto& v : victims) killed += v->Kill() ? 1 : 0;
  return killed;
}

void Server::RequestShutdown(commands::ShutdownMode mode) {
  asio::post(main_ctx_, [this] {
    spdlog::warn("User requested shutdown...");
    DoShutdown("command");
  });
}

void InstantaneousMetric::Sample(uint64_t value, int64_t now_ms) {
  std::lock_guard lock(mu_);
  const int64_t elapsed = now_ms - last_ms_;
  // A reset (CONFIG RESETSTAT) moves the counter back: that interval counts as nothing.
  const uint64_t delta = value >= last_value_ ? value - last_value_ : 0;
  samples_[idx_] = elapsed > 0 && last_ms_ > 0
                       ? static_cast<double>(static_cast<int64_t>(delta) * 1000 / elapsed)
                       : 0;
  idx_ = (idx_ + 1) % kSamples;
  last_ms_ = now_ms;
  last_value_ = value;
}

double InstantaneousMetric::PerSecond() const {
  std::lock_guard lock(mu_);
  double sum = 0;
  for (double s : samples_) sum += s;
  return sum / kSamples;
}

void Server::SampleMetrics(int64_t now_ms) {
  last_sample_ms_ = now_ms;
  const commands::ThreadTotals t = commands::SumThreadTotals();
  ops_metric_.Sample(t.commands_processed, now_ms);
  net_in_metric_.Sample(t.net_input_bytes, now_ms);
  net_out_metric_.Sample(t.net_output_bytes, now_ms);
  UsedMemoryForInfo();
  storage::KeyspaceStats stats = keyspace_->Stats();
  std::vector<storage::DbStats> dbs = keyspace_->PerDbStats();
  std::lock_guard lock(sample_mu_);
  sampled_stats_ = stats;
  sampled_db_stats_ = std::move(dbs);
  sampled_ = true;
}

uint64_t Server::UsedMemoryForInfo(uint64_t* client_buffers, uint64_t* max_input,
                                   uint64_t* max_output) {
  uint64_t buffers = 0, in = 0, out = 0;
  {
    std::lock_guard lock(registry_mu_);
    for (auto& [id, conn] : clients_) {
      const uint64_t q = conn->state().query_buffer_bytes.load(std::memory_order_relaxed);
      const uint64_t o = conn->state().output_buffer_bytes.load(std::memory_order_relaxed);
      // The connection itself (its 16 KiB read buffer included) and its buffers.
      buffers += sizeof(Connection) + q + o;
      in = std::max(in, q);
      out = std::max(out, o);
    }
  }
  if (client_buffers) *client_buffers = buffers;
  if (max_input) *max_input = in;
  if (max_output) *max_output = out;
  const uint64_t used = (keyspace_ ? keyspace_->used_bytes() : 0) + buffers;
  uint64_t peak = used_memory_peak_.load(std::memory_order_relaxed);
  while (peak < used && !used_memory_peak_.compare_exchange_weak(peak, used)) {
  }
  return used;
}

void Server::FillInfo(commands::ServerInfo* info) {
  info->start_time_ms = start_time_ms_;
  info->tcp_port = static_cast<int>(config_.GetInt("port"));
  info->run_id = run_id_;
  info->replid = replid_;
  info->executable = executable_;
  int64_t hz = config_.GetInt("hz");
  info->hz = hz <= 0 ? 10 : hz;
  info->io_threads = static_cast<int>(workers_.size());
  info->connected_clients = connected_.load();
  info->blocked_clients = blocking_.blocked_clients();
  info->used_memory = UsedMemoryForInfo(&info->client_buffers_bytes,
                                        &info->client_recent_max_input_buffer,
                                        &info->client_recent_max_output_buffer);
  info->used_memory_peak = used_memory_peak_.load(std::memory_order_relaxed);
  info->used_memory_startup = used_memory_startup_;
  info->total_connections_received =
      stats_.total_connections_received.load(std::memory_order_relaxed);
  info->rejected_connections = stats_.rejected_connections.load(std::memory_order_relaxed);
  info->instantaneous_ops_per_sec = static_cast<uint64_t>(ops_metric_.PerSecond());
  info->instantaneous_input_kbps = net_in_metric_.PerSecond() / 1024;
  info->instantaneous_output_kbps = net_out_metric_.PerSecond() / 1024;
  std::lock_guard lock(sample_mu_);
  info->keyspace_sampled = sampled_;
  info->keyspace_stats = sampled_stats_;
  info->db_stats = sampled_db_stats_;
}

// Redis's resetServerStats: the counters go back to zero; gauges (clients, keys) stay.
void Server::ResetStats() {
  stats_.total_connections_received.store(0, std::memory_order_relaxed);
  stats_.rejected_connections.store(0, std::memory_order_relaxed);
  commands::ResetCommandStats();
  if (keyspace_) keyspace_->ResetStats();
}

void Server::DoShutdown(const char* reason) {
  if (shutting_down_.exchange(true)) return;
  boost::system::error_code ec;
  signals_.cancel(ec);
  for (auto& a : tcp_acceptors_) a->close(ec);
  if (unix_acceptor_) {
    unix_acceptor_->close(ec);
    ::unlink(config_.GetString("unixsocket").c_str());
  }
  // Close every client on its own thread, then let the workers run out.
  for (auto& w : workers_) {
    Worker* worker = w.get();
    asio::post(worker->ctx, [worker] {
      for (auto& c : worker->connections) c->Close();
      worker->connections.clear();
      worker->cron->cancel();
      worker->guard.reset();
    });
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
  {
    std::lock_guard lock(registry_mu_);
    clients_.clear();
  }
  std::string pidfile = config_.GetString("pidfile");
  if (!pidfile.empty()) {
    spdlog::info("Removing the pid file.");
    ::unlink(pidfile.c_str());
  }
  spdlog::warn("cachet is now ready to exit, bye bye...");
  exit_code_ = 0;
  // No stop(): the cancelled accepts still complete on this context (their sockets belong to
  // the workers' contexts, which must outlive them); run() returns once they have.
}

namespace {
// The waiter whose command this thread is running again, if any.
thread_local Waiter* tls_rerun = nullptr;

// What a blocking command pops, from its ACL category.
storage::ValueType BlockedType(const commands::CommandSpec& spec) {
  const std::string& acl = (spec.parent ? *spec.parent : spec).acl;
  if (acl.find("sortedset") != std::string::npos) return storage::ValueType::kZSet;
  if (acl.find("stream") != std::string::npos) return storage::ValueType::kStream;
  return storage::ValueType::kList;
}
}  // namespace

void Server::BlockOnKeys(commands::CommandContext& ctx, const std::vector<std::string>& keys,
                         int64_t timeout_ms, commands::BlockTimeoutReply on_timeout) {
  if (tls_rerun != nullptr && tls_rerun->client_id == ctx.client.id) {
    tls_rerun->still_blocked = true;
    return;
  }
  std::shared_ptr<Connection> conn;
  {
    std::lock_guard lock(registry_mu_);
    auto it = clients_.find(ctx.client.id);
    if (it != clients_.end()) conn = it->second;
  }
  if (!conn) {
    // Not a connection of ours (cannot happen for network clients): act as non-blocking.
    if (on_timeout == commands::BlockTimeoutReply::kNullArray) {
      ctx.reply.NullArray();
    } else {
      ctx.reply.Null();
    }
    return;
  }
  auto w = std::make_shared<Waiter>();
  w->conn = conn;
  w->client_id = ctx.client.id;
  w->db = ctx.client.db.load();
  w->keys = keys;
  w->argv = ctx.argv;
  w->spec = &ctx.spec;
  w->type = BlockedType(ctx.spec);
  const int64_t now = NowMs();
  // A deadline past the int64 range means no deadline.
  w->deadline_ms = timeout_ms > 0 && timeout_ms <= INT64_MAX - now ? now + timeout_ms : 0;
  w->discard_reply = ctx.client.reply_mode == commands::ReplyMode::kOff ||
                     ctx.client.reply_mode == commands::ReplyMode::kSkipThis;
  blocking_.Add(w);
  conn->Block(std::move(w));
}

void Server::ServeBlocked() {
  blocking_.ServeReady([this](Waiter& w) { return ServeWaiter(w); });
  tracking_.BroadcastPending();
}

bool Server::ServeWaiter(Waiter& w) {
  if (w.conn->closing()) return true;
  {
    // Only a key holding the type the command pops serves it (Redis 7.0 leaves a client
    // blocked when its key is created with another type).
    storage::Access acc = keyspace_->Lock(std::span<const std::string>(w.keys));
    bool any = false;
    for (const std::string& key : w.keys) {
      storage::EntryRef e =
          acc.Find(w.db, key, storage::kLookupNoStats | storage::kLookupNoTouch);
      if (e && e.type() == w.type) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  std::string out;
  protocol::ReplyBuilder reply(&out, w.conn->state().protocol.load());
  commands::CommandContext ctx{w.argv, reply, w.conn->state(), *this, *w.spec};
  tls_rerun = &w;
  const uint64_t errors = commands::ThreadErrorReplies();
  const uint64_t start = commands::MonotonicNs();
  w.spec->handler(ctx);
  tls_rerun = nullptr;
  if (w.still_blocked) return w.conn->closing();
  // Its time and latency, now that it is served (Redis's updateStatsOnUnblock).
  commands::RecordServed(*w.spec, commands::MonotonicNs() - start,
                         commands::ThreadErrorReplies() != errors);
  w.conn->Unblock(&w, std::move(out));
  return true;
}

}  // namespace cachet::server
