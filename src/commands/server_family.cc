// Server commands of the Foundation: TIME and SHUTDOWN.
#include <strings.h>

#include <chrono>
#include <string>

#include "cachet/commands/errors.h"
#include "cachet/commands/registry.h"

namespace cachet::commands {
namespace {

bool Is(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// TIME
void TimeCmd(CommandContext& ctx) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(us / 1000000));
  ctx.reply.Bulk(std::to_string(us % 1000000));
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
// Nothing is persisted, so SAVE has nothing to write; NOW and FORCE change nothing either.
void ShutdownCmd(CommandContext& ctx) {
  bool nosave = false, save = false, abort = false;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    const std::string& opt = ctx.argv[i];
    if (Is(opt, "nosave")) {
      nosave = true;
    } else if (Is(opt, "save")) {
      save = true;
    } else if (Is(opt, "now") || Is(opt, "force")) {
    } else if (Is(opt, "abort")) {
      abort = true;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  }
  if ((abort && ctx.argv.size() != 2) || (nosave && save)) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  if (abort) {
    ctx.reply.Error("ERR No shutdown in progress.");
    return;
  }
  ctx.server.RequestShutdown(nosave ? ShutdownMode::kNoSave
                                    : save ? ShutdownMode::kSave : ShutdownMode::kDefault);
  // Redis sends no reply: the connection closes as the server exits.
  ctx.client.close_after_reply = true;
}

}  // namespace

void RegisterServerFamily(CommandRegistry& registry) {
  registry.Register({.name = "time", .arity = 1, .flags = "loading stale fast", .acl = "fast",
                     .tips = "nondeterministic_output", .handler = TimeCmd,
                     .summary = "Return the current server time", .since = "2.6.0",
                     .group = "server", .complexity = "O(1)"});
  registry.Register({.name = "shutdown", .arity = -1,
                     .flags = "admin noscript loading stale no_multi allow_busy",
                     .acl = "admin slow dangerous", .handler = ShutdownCmd,
                     .summary = "Synchronously save the dataset to disk and then shut down the "
                                "server",
                     .since = "1.0.0", .group = "server",
                     .complexity = "O(N) when saving, where N is the total number of keys in all "
                                   "databases when saving data, otherwise O(1)"});
}

}  // namespace cachet::commands
