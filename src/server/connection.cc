// Client connection I/O: read, parse, dispatch, batched write, limits and closing.
#include "cachet/server/connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cachet/commands/command_stats.h"
#include "cachet/server/blocking_registry.h"
#include "cachet/server/server.h"

namespace cachet::server {
namespace {

// The connection whose commands this thread is running (Process), if any.
thread_local Connection* tls_running = nullptr;
// Connections this thread pushed to while running commands: their flushes are posted once the
// batch of commands is done, so a pipeline of PUBLISHes reaches each subscriber's worker as
// one flush and one write (as Redis writes once per event-loop iteration).
thread_local std::vector<std::shared_ptr<Connection>> tls_deferred_flushes;

class RunningScope {
 public:
  explicit RunningScope(Connection* c) : previous_(tls_running) { tls_running = c; }
  ~RunningScope() {
    tls_running = previous_;
    if (previous_ == nullptr && !tls_deferred_flushes.empty()) {
      std::vector<std::shared_ptr<Connection>> conns;
      conns.swap(tls_deferred_flushes);
      for (auto& c : conns) c->PostFlush();
    }
  }

 private:
  Connection* previous_;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EndpointString(const boost::asio::generic::stream_protocol::endpoint& ep,
                           bool unix_socket, const std::string& unix_path) {
  if (unix_socket) return unix_path + ":0";
  const sockaddr* sa = ep.data();
  char host[INET6_ADDRSTRLEN] = {0};
  int port = 0;
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    port = ntohs(in->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    port = ntohs(in6->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

// Redis's protected-mode test: the peer is exactly 127.0.0.1 or ::1.
bool IsLoopback(const std::string& addr) {
  return addr.rfind("127.0.0.1:", 0) == 0 || addr.rfind("::1:", 0) == 0;
}

}  // namespace

Connection::Connection(Server& server, Worker& worker, Socket socket, bool unix_socket)
    : server_(server),
      worker_(worker),
      max_bulk_len_(server.config().IntRef("proto-max-bulk-len")),
      qbuf_limit_(server.config().IntRef("client-query-buffer-limit")),
      socket_(std::move(socket)) {
  state_.id = server_.NextClientId();
  state_.unix_socket = unix_socket;
  state_.fd = socket_.native_handle();
  state_.created_ms = NowMs();
  state_.last_interaction_ms = state_.created_ms;
  boost::system::error_code ec;
  std::string unix_path = unix_socket ? server_.config().GetString("unixsocket") : "";
  auto remote = socket_.remote_endpoint(ec);
  auto local = socket_.local_endpoint(ec);
  state_.addr = EndpointString(remote, unix_socket, unix_path);
  state_.laddr = EndpointString(local, unix_socket, unix_path);
  state_.local = unix_socket || IsLoopback(state_.addr);
  state_.authenticated = server_.config().GetString("requirepass").empty();
  state_.sink = this;
}

void Connection::Start() { DoRead(); }

bool Connection::Kill() {
  if (state_.close_requested.exchange(true)) return false;
  boost::asio::post(worker_.ctx, [self = shared_from_this()] {
    if (self->closed_) return;
    if (self->write_in_flight_) {
      self->stop_reading_ = true;
    } else {
      self->Close();
    }
  });
  return true;
}

void Connection::CloseAsap() {
  boost::asio::post(worker_.ctx, [self = shared_from_this()] {
    if (!self->closed_) self->Close();
  });
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(outbox_mu_);
    closing_.store(true);
    outbox_.clear();
    outbox_.shrink_to_fit();
  }
  if (waiter_) {
    // A waiter being served on another thread is finished there; it sees closing() and drops
    // the reply. Otherwise it leaves its queues now.
    while (!server_.blocking().Cancel(waiter_.get()) && BlockingRegistry::Serving(waiter_.get()))
      std::this_thread::yield();
    if (block_timer_) block_timer_->cancel();
    waiter_.reset();
    state_.blocked.store(false);
  }
  boost::system::error_code ec;
  socket_.shutdown(Socket::shutdown_both, ec);
  socket_.close(ec);
  server_.OnConnectionClosed(this);
}

void Connection::CheckIdle(int64_t now_ms, int64_t timeout_s) {
  // Blocked clients have their own timeout; subscribers have none (Redis applies `timeout`
  // to neither).
  if (closed_ || timeout_s <= 0 || waiter_ || state_.InPubSub()) return;
  if (now_ms - state_.last_interaction_ms.load() > timeout_s * 1000) {
    spdlog::debug("Closing idle client");
    Close();
  }
}

void Connection::DoRead() {
  if (closed_ || read_in_flight_) return;
  read_in_flight_ = true;
  socket_.async_read_some(
      boost::asio::buffer(read_buf_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        self->OnRead(ec, n);
      });
}

void Connection::OnRead(const boost::system::error_code& ec, size_t n) {
  read_in_flight_ = false;
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  state_.last_interaction_ms.store(NowMs(), std::memory_order_relaxed);
  commands::RecordNetInput(n);
  if (waiter_) {
    // Blocked: keep reading (a disconnect must be noticed) but run nothing yet.
    pending_input_.append(read_buf_.data(), n);
    const int64_t limit = qbuf_limit_.load(std::memory_order_relaxed);
    state_.query_buffer_bytes.store(pending_input_.size() + parser_.buffered_bytes(),
                                    std::memory_order_relaxed);
    if (limit > 0 && pending_input_.size() + parser_.buffered_bytes() > static_cast<size_t>(limit)) {
      spdlog::warn("Closing client that reached max query buffer length: addr={} qbuf={}",
                   state_.addr, pending_input_.size() + parser_.buffered_bytes());
      Close();
      return;
    }
    DoRead();
    return;
  }
  if (!Process(std::string_view(read_buf_.data(), n))) stop_reading_ = true;
  FlushOrRead();
}

bool Connection::Process(std::string_view data) {
  RunningScope running(this);
  protocol::ParserLimits limits;
  limits.max_bulk_len = max_bulk_len_.load(std::memory_order_relaxed);
  limits.authenticated = state_.authenticated.load(std::memory_order_relaxed);
  parser_.set_limits(limits);
  const int64_t qbuf_limit = qbuf_limit_.load(std::memory_order_relaxed);

  while (!data.empty()) {
    size_t consumed = 0;
    auto status = parser_.Parse(data, &consumed, &argv_);
    data.remove_prefix(consumed);
    if (status == protocol::ParseStatus::kNeedMore) break;
    if (status == protocol::ParseStatus::kError) {
      reply_.Error(parser_.error());
      spdlog::debug("Protocol error from client {}: {}", state_.addr, parser_.error());
      return false;
    }
    server_.dispatcher().Execute(state_, argv_, reply_);
    // Writes to keys that clients block on serve those clients, now that the locks are free.
    if (BlockingRegistry::HasReady()) server_.ServeBlocked();
    if (waiter_) {
      // The command blocked: what follows it waits until it is served or times out.
      pending_input_.append(data.data(), data.size());
      break;
    }
    if (state_.close_after_reply || state_.close_requested.load(std::memory_order_relaxed))
      return false;
    // Authentication may have changed the limits that apply.
    limits.authenticated = state_.authenticated.load(std::memory_order_relaxed);
    parser_.set_limits(limits);
  }
  state_.query_buffer_bytes.store(parser_.buffered_bytes(), std::memory_order_relaxed);
  if (qbuf_limit > 0 && parser_.buffered_bytes() > static_cast<size_t>(qbuf_limit)) {
    spdlog::warn("Closing client that reached max query buffer length: addr={} qbuf={}",
                 state_.addr, parser_.buffered_bytes());
    out_.clear();
    return false;
  }
  return true;
}

void Connection::FlushOrRead(bool after_write) {
  if (closed_) return;
  if (write_in_flight_) return;
  if (!out_.empty()) {
    {
      std::lock_guard lock(outbox_mu_);
      const size_t total = out_.size() + outbox_.size();
      if (OverOutputLimitLocked(total)) {
        OnOutputLimitLocked(total);
        return;
      }
    }
    StartWrite();
    // A write that follows a write carries pushed messages (or a blocked command's reply):
    // keep reading meanwhile, or a subscriber that is always sent something is never heard.
    if (!after_write) return;
  } else if (stop_reading_) {
    Close();
    return;
  }
  if (!stop_reading_) DoRead();
}

void Connection::StartWrite() {
  writing_.swap(out_);
  out_.clear();
  write_in_flight_ = true;
  queued_bytes_.store(writing_.size(), std::memory_order_relaxed);
  state_.output_buffer_bytes.store(writing_.size(), std::memory_order_relaxed);
  boost::asio::async_write(
      socket_, boost::asio::buffer(writing_),
      [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
        commands::RecordNetOutput(n);
        self->OnWritten(ec);
      });
}

void Connection::OnWritten(const boost::system::error_code& ec) {
  write_in_flight_ = false;
  writing_.clear();
  if (writing_.capacity() > 64 * 1024) writing_.shrink_to_fit();
  queued_bytes_.store(out_.size(), std::memory_order_relaxed);
  state_.output_buffer_bytes.store(out_.size(), std::memory_order_relaxed);
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  if (state_.close_requested.load(std::memory_order_relaxed)) stop_reading_ = true;
  FlushOrRead(/*after_write=*/true);
}

void Connection::Push(std::string_view bytes) {
  if (tls_running == this) {
    // Our own command pushes to us: after what others pushed, before the command's reply.
    std::lock_guard lock(outbox_mu_);
    if (!outbox_.empty()) {
      out_.append(outbox_);
      outbox_.clear();
    }
    out_.append(bytes);
    return;
  }
  std::lock_guard lock(outbox_mu_);
  if (output_limit_hit_ || closing_.load(std::memory_order_relaxed)) return;
  outbox_.append(bytes);
  const size_t total = outbox_.size() + queued_bytes_.load(std::memory_order_relaxed);
  state_.output_buffer_bytes.store(total, std::memory_order_relaxed);
  if (OverOutputLimitLocked(total)) {
    OnOutputLimitLocked(total);
    return;
  }
  if (!flush_posted_) {
    flush_posted_ = true;
    if (tls_running != nullptr) {
      tls_deferred_flushes.push_back(shared_from_this());
    } else {
      PostFlush();
    }
  }
}

void Connection::PostFlush() {
  boost::asio::post(worker_.ctx, [self = shared_from_this()] { self->FlushPushed(); });
}

void Connection::FlushPushed() {
  {
    std::lock_guard lock(outbox_mu_);
    flush_posted_ = false;
    if (closed_ || stop_reading_ || output_limit_hit_) {
      outbox_.clear();
      return;
    }
    if (outbox_.empty()) return;
    if (out_.empty()) {
      out_.swap(outbox_);
    } else {
      out_.append(outbox_);
      outbox_.clear();
    }
    queued_bytes_.store(out_.size() + writing_.size(), std::memory_order_relaxed);
  }
  if (!write_in_flight_) StartWrite();
}

bool Connection::OverOutputLimitLocked(size_t total) {
  const OutputBufferLimits& limits = server_.output_limits();
  const int cls = state_.InPubSub() ? OutputBufferLimits::kPubSub : OutputBufferLimits::kNormal;
  const uint64_t hard = limits.hard[cls].load(std::memory_order_relaxed);
  const uint64_t soft = limits.soft[cls].load(std::memory_order_relaxed);
  if (hard != 0 && total >= hard) return true;
  if (soft != 0 && total >= soft) {
    const int64_t now = NowMs();
    if (soft_limit_since_ms_ == 0) {
      soft_limit_since_ms_ = now;  // first time over the soft limit
      return false;
    }
    // Over the soft limit for longer than its seconds (Redis compares whole seconds).
    return (now - soft_limit_since_ms_) / 1000 >
           limits.soft_seconds[cls].load(std::memory_order_relaxed);
  }
  soft_limit_since_ms_ = 0;
  return false;
}

void Connection::OnOutputLimitLocked(size_t total) {
  if (output_limit_hit_) return;
  output_limit_hit_ = true;
  outbox_.clear();
  outbox_.shrink_to_fit();
  spdlog::warn(
      "Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer "
      "limits. (omem={})",
      state_.id, state_.addr, total);
  CloseAsap();
}

void Connection::Block(std::shared_ptr<Waiter> w) {
  waiter_ = std::move(w);
  state_.blocked.store(true);
  if (waiter_->deadline_ms > 0) {
    if (!block_timer_) block_timer_ = std::make_unique<boost::asio::steady_timer>(worker_.ctx);
    const int64_t wait_ms = std::max<int64_t>(0, waiter_->deadline_ms - NowMs());
    block_timer_->expires_after(std::chrono::milliseconds(wait_ms));
    block_timer_->async_wait(
        [self = shared_from_this(), w = waiter_.get()](const boost::system::error_code& ec) {
          if (!ec && self->waiter_.get() == w) self->OnBlockTimeout();
        });
  }
}

void Connection::OnBlockTimeout() {
  // Served meanwhile on another thread: its Unblock is on the way.
  while (!server_.blocking().Cancel(waiter_.get())) {
    if (!BlockingRegistry::Serving(waiter_.get())) return;
    std::this_thread::yield();
  }
  // Redis 7.0 times out every blocking pop with a null array, BLMOVE's included.
  if (!waiter_->discard_reply) reply_.NullArray();
  Resume();
}

void Connection::Unblock(const Waiter* w, std::string reply) {
  boost::asio::post(worker_.ctx, [self = shared_from_this(), w, reply = std::move(reply)] {
    if (self->closed_ || self->waiter_.get() != w) return;
    if (!self->waiter_->discard_reply) self->out_.append(reply);
    self->Resume();
  });
}

void Connection::Resume() {
  if (block_timer_) block_timer_->cancel();
  waiter_.reset();
  state_.blocked.store(false);
  std::string input;
  input.swap(pending_input_);
  if (!Process(input)) stop_reading_ = true;
  FlushOrRead();
}

std::string FormatClientLine(const commands::ClientState& c, int64_t now_ms) {
  std::string name, lib_name, lib_ver;
  {
    std::lock_guard lock(c.mu);
    name = c.name;
    lib_name = c.lib_name;
    lib_ver = c.lib_ver;
  }
  int64_t age = (now_ms - c.created_ms) / 1000;
  int64_t idle = (now_ms - c.last_interaction_ms.load()) / 1000;
  uint64_t qbuf = c.query_buffer_bytes.load();
  uint64_t omem = c.output_buffer_bytes.load();
  std::string line;
  line.reserve(320);
  line += "id=" + std::to_string(c.id);
  line += " addr=" + c.addr;
  line += " laddr=" + c.laddr;
  line += " fd=" + std::to_string(c.fd);
  line += " name=" + name;
  line += " age=" + std::to_string(age < 0 ? 0 : age);
  line += " idle=" + std::to_string(idle < 0 ? 0 : idle);
  const uint32_t tracking = c.tracking.load(std::memory_order_relaxed);
  std::string flags;
  if (c.InPubSub()) flags += 'P';
  if (c.blocked.load()) flags += 'b';
  if (tracking & commands::kTrackingOn) flags += 't';
  if (tracking & commands::kTrackingBrokenRedir) flags += 'R';
  if (tracking & commands::kTrackingBcast) flags += 'B';
  if (flags.empty()) flags = "N";
  line += " flags=" + flags;
  line += " db=" + std::to_string(c.db.load());
  line += " sub=" + std::to_string(c.sub_count.load(std::memory_order_relaxed));
  line += " psub=" + std::to_string(c.psub_count.load(std::memory_order_relaxed));
  line += " ssub=" + std::to_string(c.ssub_count.load(std::memory_order_relaxed));
  line += " multi=-1";
  line += " qbuf=" + std::to_string(qbuf);
  line += " qbuf-free=" + std::to_string(qbuf < 16384 ? 16384 - qbuf : 0);
  line += " argv-mem=0 multi-mem=0 rbs=16384 rbp=0";
  line += " obl=0 oll=0 omem=" + std::to_string(omem);
  line += " tot-mem=" + std::to_string(16384 + qbuf + omem);
  line += " events=r";
  line += " cmd=" + std::string(c.last_command.load());
  line += " user=default redir=";
  line += (tracking & commands::kTrackingOn)
              ? std::to_string(c.tracking_redirect.load(std::memory_order_relaxed))
              : std::string("-1");
  line += " resp=" + std::to_string(c.protocol.load());
  if (!lib_name.empty() || !lib_ver.empty()) {
    line += " lib-name=" + lib_name;
    line += " lib-ver=" + lib_ver;
  }
  line += '\n';
  return line;
}

}  // namespace cachet::server
