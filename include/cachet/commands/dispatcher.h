// Runs one parsed command for a client: lookup, arity, authentication, then the handler.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "cachet/commands/command.h"
#include "cachet/commands/registry.h"

namespace cachet::commands {

class Dispatcher {
 public:
  // `server`'s config must be usable already (the dispatcher binds tracking-table-max-keys).
  Dispatcher(const CommandRegistry& registry, ServerApi& server);

  // Executes argv for `client`, appending its reply (if any) to `reply`. Honors CLIENT REPLY
  // OFF/SKIP by discarding what the command wrote. Checks, in Redis's order: lookup, arity,
  // authentication, the RESP2 subscribed-mode restriction, MULTI queuing. While it runs,
  // `client` is this thread's CurrentClient(). Afterwards the invalidations the command
  // caused for its own client (they follow its reply, as Redis 7.0) and pending BCAST
  // invalidations are sent.
  void Execute(ClientState& client, const std::vector<std::string>& argv,
               protocol::ReplyBuilder& reply);

 private:
  // Runs the handler; for a tracking client, remembers the keys of read-only commands (and of
  // those EXEC runs).
  void RunHandler(ClientState& client, const CommandSpec& spec,
                  const std::vector<std::string>& argv, protocol::ReplyBuilder& reply);

  const CommandRegistry& registry_;
  ServerApi& server_;
  const std::atomic<int64_t>& tracking_max_keys_;
  const std::atomic<int64_t>& latency_tracking_;
};

}  // namespace cachet::commands
