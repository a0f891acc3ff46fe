// Command dispatch: Redis's processCommand checks, in Redis's order, then the handler.
#include "cachet/commands/dispatcher.h"

#include "cachet/commands/errors.h"

#include <string_view>

namespace cachet::commands {
namespace {

// Commands that act on a transaction instead of being queued in it (Redis's processCommand).
bool RunsInsideMulti(const CommandSpec& spec) {
  const CommandSpec& top = spec.parent ? *spec.parent : spec;
  std::string_view n = top.name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

}  // namespace

void Dispatcher::Execute(ClientState& client, const std::vector<std::string>& argv,
                         protocol::ReplyBuilder& reply) {
  std::string* out = reply.buffer();
  const size_t mark = out->size();

  const CommandSpec* spec = registry_.Find(argv[0]);
  if (spec && !spec->subcommands.empty() && argv.size() >= 2) {
    const CommandSpec* sub = CommandRegistry::FindSub(*spec, argv[1]);
    if (!sub) {
      reply.Error(errors::UnknownSubcommand(argv[1], argv[0]));
      spec = nullptr;
    } else {
      spec = sub;
    }
  } else if (!spec) {
    reply.Error(errors::UnknownCommand(argv[0], argv.data() + 1, argv.size() - 1));
  }

  if (!spec) {
    if (client.in_multi) client.multi_aborted = true;
  } else {
    client.last_command.store(spec->name.c_str(), std::memory_order_relaxed);
    if (!spec->ArityOk(argv.size())) {
      reply.Error(errors::WrongArity(spec->name));
      if (client.in_multi) client.multi_aborted = true;
    } else if (!client.authenticated.load(std::memory_order_relaxed) && !spec->Has(kNoAuth)) {
      reply.Error(errors::kNoAuth);
      if (client.in_multi) client.multi_aborted = true;
    } else if (client.in_multi && !RunsInsideMulti(*spec)) {
      if (spec->Has(kNoMulti)) {
        reply.Error("ERR Command not allowed inside a transaction");
        client.multi_aborted = true;
      } else {
        client.queued.push_back({argv, spec});
        reply.SimpleString("QUEUED");
      }
    } else if (!spec->handler) {
      // A container called without a subcommand whose arity allows it.
      reply.Error(errors::WrongArity(spec->name));
    } else {
      CommandContext ctx{argv, reply, client, server_, *spec};
      spec->handler(ctx);
    }
  }

  // CLIENT REPLY OFF / SKIP: what this command wrote is discarded.
  switch (client.reply_mode) {
    case ReplyMode::kOn:
      break;
    case ReplyMode::kOff:
      out->resize(mark);
      break;
    case ReplyMode::kSkipThis:
      out->resize(mark);
      client.reply_mode = ReplyMode::kOn;
      break;
    case ReplyMode::kSkipNext:
      out->resize(mark);
      client.reply_mode = ReplyMode::kSkipThis;
      break;
  }
}

}  // namespace cachet::commands
