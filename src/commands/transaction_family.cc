// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH — atomic across shards.
#include <algorithm>

#include "cachet/commands/errors.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/watch_registry.h"
#include "cachet/storage/keyspace.h"

namespace cachet::commands {
namespace {

void EndTransaction(CommandContext& ctx) {
  ctx.client.in_multi = false;
  ctx.client.multi_aborted = false;
  ctx.client.queued.clear();
  ctx.server.watches().UnwatchAll(&ctx.client);
}

// Whether a command without declared keys may still touch the keyspace (FLUSHALL, KEYS,
// DBSIZE, SWAPDB...): those make EXEC take every shard.
bool TouchesKeyspaceWithoutKeys(const CommandSpec& spec) {
  if (spec.first_key != 0 || !spec.key_specs.empty()) return false;
  const std::string& acl = spec.acl;
  return acl.find("keyspace") != std::string::npos || acl.find("read") != std::string::npos ||
         acl.find("write") != std::string::npos;
}

// MULTI
void MultiCmd(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.reply.Error("ERR MULTI calls can not be nested");
    return;
  }
  ctx.client.in_multi = true;
  ctx.client.multi_aborted = false;
  ctx.client.queued.clear();
  ctx.reply.Ok();
}

// DISCARD
void DiscardCmd(CommandContext& ctx) {
  if (!ctx.client.in_multi) {
    ctx.reply.Error("ERR DISCARD without MULTI");
    return;
  }
  EndTransaction(ctx);
  ctx.reply.Ok();
}

// EXEC
// Every shard the queued commands and the watched keys live on is locked once, in ascending
// order, for the whole transaction; the commands run under that one hold, so no other client
// on any thread sees part of the transaction, and a watched key cannot change between the
// dirty check and the commands.
void ExecCmd(CommandContext& ctx) {
  ClientState& c = ctx.client;
  if (!c.in_multi) {
    ctx.reply.Error("ERR EXEC without MULTI");
    return;
  }
  if (c.multi_aborted) {
    ctx.reply.Error("EXECABORT Transaction discarded because of previous errors.");
    EndTransaction(ctx);
    return;
  }
  std::vector<std::string_view> keys;
  bool all = false;
  std::vector<size_t> idx;
  for (const auto& q : c.queued) {
    if (TouchesKeyspaceWithoutKeys(*q.spec)) all = true;
    if (!GetKeys(*q.spec, q.argv, &idx)) all = true;
    for (size_t i : idx) keys.push_back(q.argv[i]);
  }
  for (const auto& w : c.watched) keys.push_back(w.key);

  storage::Keyspace& ks = ctx.server.keyspace();
  storage::Access acc = all ? ks.LockAll() : ks.Lock(std::span<const std::string_view>(keys));
  storage::AccessScope scope(acc);
  // A watched key that existed and has since expired counts as modified: looking it up
  // reclaims it, which marks its watchers dirty.
  for (const auto& w : c.watched) {
    if (w.existed) acc.Find(w.db, w.key, storage::kLookupNoStats | storage::kLookupNoTouch);
  }
  if (c.watch_dirty.load()) {
    ctx.reply.NullArray();
    EndTransaction(ctx);
    return;
  }
  std::vector<QueuedCommand> queued;
  queued.swap(c.queued);
  c.in_multi = false;
  ctx.reply.ArrayHeader(queued.size());
  c.in_exec = true;
  for (const auto& q : queued) {
    CommandContext sub{q.argv, ctx.reply, c, ctx.server, *q.spec};
    q.spec->handler(sub);
  }
  c.in_exec = false;
  EndTransaction(ctx);
}

// WATCH key [key ...]
void WatchCmd(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.reply.Error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  const int db = ctx.client.db.load();
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    bool existed;
    {
      storage::Access acc = ctx.server.keyspace().Lock(ctx.argv[i]);
      existed = static_cast<bool>(
          acc.Find(db, ctx.argv[i], storage::kLookupNoStats | storage::kLookupNoTouch));
      // Registered under the shard lock, so no change can slip between the check and this.
      ctx.server.watches().Watch(&ctx.client, db, ctx.argv[i], existed);
    }
  }
  ctx.reply.Ok();
}

// UNWATCH
void UnwatchCmd(CommandContext& ctx) {
  ctx.server.watches().UnwatchAll(&ctx.client);
  ctx.reply.Ok();
}

}  // namespace

void RegisterTransactionFamily(CommandRegistry& registry) {
  const std::string kFlags = "noscript loading stale fast allow_busy";
  registry.Register({.name = "multi", .arity = 1, .flags = kFlags,
                     .acl = "fast transaction", .handler = MultiCmd,
                     .summary = "Mark the start of a transaction block", .since = "1.2.0",
                     .group = "transactions", .complexity = "O(1)"});
  registry.Register({.name = "exec", .arity = 1, .flags = "noscript loading stale skip_slowlog",
                     .acl = "slow transaction", .handler = ExecCmd,
                     .summary = "Execute all commands issued after MULTI", .since = "1.2.0",
                     .group = "transactions", .complexity = "Depends on commands in the transaction"});
  registry.Register({.name = "discard", .arity = 1, .flags = kFlags,
                     .acl = "fast transaction", .handler = DiscardCmd,
                     .summary = "Discard all commands issued after MULTI", .since = "2.0.0",
                     .group = "transactions",
                     .complexity = "O(N), when N is the number of queued commands"});
  registry.Register({.name = "watch", .arity = -2, .flags = kFlags,
                     .first_key = 1, .last_key = -1, .step = 1,
                     .acl = "fast transaction",
                     .key_specs = {{.flags = "RO", .bs_index = 1, .fk_lastkey = -1}},
                     .handler = WatchCmd,
                     .summary = "Watch the given keys to determine execution of the MULTI/EXEC "
                                "block",
                     .since = "2.2.0", .group = "transactions",
                     .complexity = "O(1) for every key."});
  registry.Register({.name = "unwatch", .arity = 1, .flags = kFlags,
                     .acl = "fast transaction", .handler = UnwatchCmd,
                     .summary = "Forget about all watched keys", .since = "2.2.0",
                     .group = "transactions", .complexity = "O(1)"});
}

}  // namespace cachet::commands
