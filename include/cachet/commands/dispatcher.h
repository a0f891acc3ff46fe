// Runs one parsed command for a client: lookup, arity, authentication, then the handler.
#pragma once

#include <string>
#include <vector>

#include "cachet/commands/command.h"
#include "cachet/commands/registry.h"

namespace cachet::commands {

class Dispatcher {
 public:
  Dispatcher(const CommandRegistry& registry, ServerApi& server)
      : registry_(registry), server_(server) {}

  // Executes argv for `client`, appending its reply (if any) to `reply`. Honors CLIENT REPLY
  // OFF/SKIP by discarding what the command wrote.
  void Execute(ClientState& client, const std::vector<std::string>& argv,
               protocol::ReplyBuilder& reply);

 private:
  const CommandRegistry& registry_;
  ServerApi& server_;
};

}  // namespace cachet::commands
