// The per-connection state commands read and change (protocol, auth, name, database, ...).
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace cachet::commands {

struct CommandSpec;

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

  mutable std::mutex mu;
  std::string name;      // guarded by mu
  std::string lib_name;  // guarded by mu
  std::string lib_ver;   // guarded by mu

  std::string GetName() const {
    std::lock_guard lock(mu);
    return name;
  }
};

}  // namespace cachet::commands
