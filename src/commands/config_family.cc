// CONFIG subcommands: GET, SET, RESETSTAT, REWRITE, HELP.
#include <spdlog/spdlog.h>

#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "cachet/commands/errors.h"
#include "cachet/commands/registry.h"
#include "cachet/config/config.h"
#include "cachet/config/config_rewrite.h"

namespace cachet::commands {
namespace {

// CONFIG GET parameter [parameter ...]
// Each pattern is an exact name (hidden directives too, answered under the spelling asked) or
// a glob over every visible name and alias; a directive is answered once. A map in RESP3.
void ConfigGetCmd(CommandContext& ctx) {
  std::vector<std::string> patterns(ctx.argv.begin() + 2, ctx.argv.end());
  auto pairs = ctx.server.config().GetMatching(patterns);
  ctx.reply.MapHeader(pairs.size());
  for (const auto& [name, value] : pairs) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

// CONFIG SET parameter value [parameter value ...]
// All or nothing: every name is checked (unknown, immutable, protected, duplicate), then
// every value, then the change hooks run; any failure leaves the old values in force.
void ConfigSetCmd(CommandContext& ctx) {
  if (ctx.argv.size() % 2 != 0) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve((ctx.argv.size() - 2) / 2);
  for (size_t i = 2; i + 1 < ctx.argv.size(); i += 2)
    pairs.emplace_back(ctx.argv[i], ctx.argv[i + 1]);
  config::Status s = ctx.server.config().Set(pairs, ctx.client.local);
  if (!s) {
    ctx.reply.Error(std::string(errors::kErrPrefix) + s.error);
    return;
  }
  ctx.reply.Ok();
}

// CONFIG RESETSTAT
void ConfigResetStatCmd(CommandContext& ctx) {
  ctx.server.ResetStats();
  ctx.reply.Ok();
}

// CONFIG REWRITE
// Folds the values in force into the config file the server was started with.
void ConfigRewriteCmd(CommandContext& ctx) {
  const config::Config& cfg = ctx.server.config();
  if (cfg.config_file().empty()) {
    ctx.reply.Error(errors::kNoConfigFile);
    return;
  }
  config::Status s = config::RewriteConfigFile(cfg);
  if (!s) {
    spdlog::warn("CONFIG REWRITE failed: {}", s.error);
    ctx.reply.Error(std::string(errors::kRewriteFailedPrefix) + s.error);
    return;
  }
  spdlog::info("CONFIG REWRITE executed with success.");
  ctx.reply.Ok();
}

constexpr const char* kConfigHelp[] = {
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
};

// CONFIG HELP
void ConfigHelpCmd(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kConfigHelp));
  for (const char* line : kConfigHelp) ctx.reply.SimpleString(line);
}

CommandSpec Sub(std::string name, int arity, std::string flags, std::string acl, Handler h,
                std::string summary, std::string since, std::string complexity = "O(1)",
                std::string tips = "") {
  return CommandSpec{.name = "config|" + name,
                     .arity = arity,
                     .flags = std::move(flags),
                     .acl = std::move(acl),
                     .tips = std::move(tips),
                     .handler = h,
                     .summary = std::move(summary),
                     .since = std::move(since),
                     .group = "server",
                     .complexity = std::move(complexity)};
}

}  // namespace

void RegisterConfigFamily(CommandRegistry& registry) {
  const std::string kAdmin = "admin noscript loading stale";
  const std::string kAclAdmin = "admin slow dangerous";
  const std::string kPerParameter =
      "O(N) when N is the number of configuration parameters provided";
  CommandSpec config{.name = "config",
                     .arity = -2,
                     .flags = "",
                     .acl = "slow",
                     .summary = "A container for server configuration commands",
                     .since = "2.0.0",
                     .group = "server",
                     .complexity = "Depends on subcommand."};
  config.subcommands = {
      Sub("get", -3, kAdmin, kAclAdmin, ConfigGetCmd, "Get the values of configuration parameters",
          "2.0.0", kPerParameter),
      Sub("set", -4, kAdmin, kAclAdmin, ConfigSetCmd,
          "Set configuration parameters to the given values", "2.0.0", kPerParameter,
          "request_policy:all_nodes response_policy:all_succeeded"),
      Sub("resetstat", 2, kAdmin, kAclAdmin, ConfigResetStatCmd, "Reset the stats returned by INFO",
          "2.0.0"),
      Sub("rewrite", 2, kAdmin, kAclAdmin, ConfigRewriteCmd,
          "Rewrite the configuration file with the in memory configuration", "2.8.0"),
      Sub("help", 2, "loading stale", "slow", ConfigHelpCmd,
          "Show helpful text about the different subcommands", "5.0.0"),
  };
  registry.Register(std::move(config));
}

}  // namespace cachet::commands
