// One client connection: reads requests, runs them in order, writes the batched replies.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/commands/client_state.h"
#include "cachet/commands/pubsub.h"
#include "cachet/protocol/reply_builder.h"
#include "cachet/protocol/request_parser.h"

namespace cachet::server {

class Server;
struct Worker;
struct Waiter;

using Socket = boost::asio::generic::stream_protocol::socket;

// A client connection. Every method runs on its worker's thread, except Kill(), CloseAsap(),
// Unblock() and Push(), which any thread may call.
//
// Pushed messages (pub/sub, invalidations) from other threads go to an outbox under a small
// mutex, and one flush is posted to the worker until it has run; the worker moves the outbox
// into the output and writes it. A message pushed by the connection's own command (its own
// thread) goes straight into the output, after whatever the outbox held, so it keeps its
// place before the command's reply as in Redis. The output is bounded by
// client-output-buffer-limit (pubsub class while subscribed, normal otherwise): past it the
// client is closed at once and what it had queued is dropped.
class Connection : public std::enable_shared_from_this<Connection>, public commands::PushSink {
 public:
  Connection(Server& server, Worker& worker, Socket socket, bool unix_socket);

  // Begins serving: the first read is issued.
  void Start();
  // Closes the connection after the replies already produced are written. Thread-safe.
  // Asks the connection's worker to close it; true when this call was the first to ask.
  bool Kill();
  // Closes the socket now and unregisters the client.
  void Close();
  // Closes the connection without waiting for pending output (output buffer limits).
  // Thread-safe.
  void CloseAsap();
  // commands::PushSink: queues a pushed message. Thread-safe, never blocks on the socket.
  // Pushed while this thread runs a batch of some connection's commands, the flush is posted
  // when the batch ends; otherwise at once.
  void Push(std::string_view bytes) override;
  // Asks the worker to write what was pushed (once per flush_posted_). Thread-safe.
  void PostFlush();
  // Called by the worker's cron: closes the client when idle past `timeout_s` (0: never).
  void CheckIdle(int64_t now_ms, int64_t timeout_s);

  // Parks the connection on a blocking command (called on the worker thread by the command
  // itself): later input is kept unparsed, and a timer ends the wait at w's deadline.
  void Block(std::shared_ptr<Waiter> w);
  // The blocked command was served on some thread with `reply`: writes it and resumes
  // processing input. Thread-safe (posts to the worker).
  void Unblock(const Waiter* w, std::string reply);
  // True from the moment Close() starts (any thread may ask).
  bool closing() const { return closing_.load(); }

  commands::ClientState& state() { return state_; }
  const commands::ClientState& state() const { return state_; }
  bool closed() const { return closed_; }
  Worker& worker() { return worker_; }

 private:
  void DoRead();
  void OnRead(const boost::system::error_code& ec, size_t n);
  // Parses and runs every complete command in `data`; false when the connection must close
  // without further reading (protocol error, QUIT, query buffer limit).
  bool Process(std::string_view data);
  // Writes pending output if no write is in flight. After a write (after_write), also reads
  // again while the output keeps coming from pushes, so a busy subscriber can still be heard.
  void FlushOrRead(bool after_write = false);
  void StartWrite();
  void OnWritten(const boost::system::error_code& ec);
  // Moves pushed messages into the output and writes them (posted by Push).
  void FlushPushed();
  // Redis's checkClientOutputBufferLimits for `total` queued bytes (outbox_mu_ held).
  bool OverOutputLimitLocked(size_t total);
  // Logs and closes the client that went past its limit (outbox_mu_ held).
  void OnOutputLimitLocked(size_t total);
  // The wait ended without being served (timeout): replies the timeout reply and resumes.
  void OnBlockTimeout();
  // Leaves the blocked state and runs the input that arrived meanwhile.
  void Resume();

  Server& server_;
  Worker& worker_;
  // Limits read on every request batch, bound once to the config's atomics.
  const std::atomic<int64_t>& max_bulk_len_;
  const std::atomic<int64_t>& qbuf_limit_;
  Socket socket_;
  commands::ClientState state_;
  protocol::RequestParser parser_;
  std::vector<std::string> argv_;
  std::string out_;
  std::string writing_;
  protocol::ReplyBuilder reply_{&out_};
  std::array<char, 16 * 1024> read_buf_;
  bool write_in_flight_ = false;
  bool read_in_flight_ = false;
  std::shared_ptr<Waiter> waiter_;  // set while blocked
  std::unique_ptr<boost::asio::steady_timer> block_timer_;
  std::string pending_input_;  // input received while blocked, not yet parsed
  std::atomic<bool> closing_{false};
  bool stop_reading_ = false;  // close once pending output is written
  bool closed_ = false;

  // Messages pushed by other threads, waiting for the worker.
  std::mutex outbox_mu_;
  std::string outbox_;               // guarded by outbox_mu_
  bool flush_posted_ = false;        // guarded by outbox_mu_
  bool output_limit_hit_ = false;    // guarded by outbox_mu_: closing, pushes dropped
  int64_t soft_limit_since_ms_ = 0;  // guarded by outbox_mu_
  // Bytes in out_ and writing_ (written by the worker, read by pushers).
  std::atomic<size_t> queued_bytes_{0};
};

// Formats one CLIENT LIST line (ending in '\n') for a client, as Redis 7.0 does.
std::string FormatClientLine(const commands::ClientState& c, int64_t now_ms);

}  // namespace cachet::server
