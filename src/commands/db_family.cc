// Database commands: SELECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB and MOVE.
#include <climits>
#include <string>
#include <string_view>

#include "cachet/commands/arg_parse.h"
#include "cachet/commands/errors.h"
#include "cachet/commands/family_util.h"
#include "cachet/commands/notify.h"
#include "cachet/commands/registry.h"
#include "cachet/config/config.h"
#include "cachet/storage/keyspace.h"

namespace cachet::commands {
namespace {

constexpr std::string_view kInvalidFirstDb = "ERR invalid first DB index";
constexpr std::string_view kInvalidSecondDb = "ERR invalid second DB index";

storage::Keyspace& KeyspaceOf(CommandContext& ctx) { return ctx.server.keyspace(); }
// Redis's getIntFromObjectOrReply: replies and returns false unless `arg` is an integer that
// fits in an int. With a `message`, that one error stands for both failures.
bool ParseIntOrReply(CommandContext& ctx, const std::string& arg, int* out,
                     std::string_view message = {}) {
  int64_t v;
  const bool is_int = ParseInt64(arg, &v);
  if (!is_int || v < INT_MIN || v > INT_MAX) {
    if (!message.empty()) {
      ctx.reply.Error(message);
    } else {
      ctx.reply.Error(is_int ? errors::kIntRange : errors::kNotInteger);
    }
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

// Parses a database index and checks it names an existing database, replying on failure
// as SELECT, MOVE and COPY do.
bool ParseDbIndexOrReply(CommandContext& ctx, const std::string& arg, int* db) {
  if (!ParseIntOrReply(ctx, arg, db)) return false;
  if (*db < 0 || *db >= KeyspaceOf(ctx).databases()) {
    ctx.reply.Error(errors::kDbIndexOutOfRange);
    return false;
  }
  return true;
}

// SELECT index
void SelectCmd(CommandContext& ctx) {
  int db;
  if (!ParseDbIndexOrReply(ctx, ctx.argv[1], &db)) return;
  ctx.client.db.store(db, std::memory_order_relaxed);
  ctx.reply.Ok();
}

// Number of keys in db, including expired keys not yet reclaimed.
size_t OpDbSize(storage::Keyspace& ks, int db) {
  storage::Access acc = ks.LockAll();
  return acc.DbSize(db);
}

// DBSIZE
void DbSizeCmd(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(OpDbSize(KeyspaceOf(ctx), Db(ctx))));
}

// Parses FLUSHDB/FLUSHALL's optional ASYNC|SYNC into *async (the default comes from
// lazyfree-lazy-user-flush); replies a syntax error and returns false otherwise.
bool ParseFlushModeOrReply(CommandContext& ctx, bool* async) {
  const auto& argv = ctx.argv;
  if (argv.size() == 1) {
    *async = ctx.server.config().GetBool("lazyfree-lazy-user-flush");
  } else if (argv.size() == 2 && EqualsNoCase(argv[1], "sync")) {
    *async = false;
  } else if (argv.size() == 2 && EqualsNoCase(argv[1], "async")) {
    *async = true;
  } else {
    ctx.reply.Error(errors::kSyntax);
    return false;
  }
  return true;
}

// FLUSHDB [ASYNC | SYNC]
void FlushDbCmd(CommandContext& ctx) {
  bool async;
  if (!ParseFlushModeOrReply(ctx, &async)) return;
  {
    storage::Access acc = KeyspaceOf(ctx).LockAll();
    acc.FlushDb(Db(ctx), async);
  }
  ctx.reply.Ok();
}

// FLUSHALL [ASYNC | SYNC]
void FlushAllCmd(CommandContext& ctx) {
  bool async;
  if (!ParseFlushModeOrReply(ctx, &async)) return;
  {
    storage::Access acc = KeyspaceOf(ctx).LockAll();
    acc.FlushAll(async);
  }
  ctx.reply.Ok();
}

// SWAPDB index1 index2
void SwapDbCmd(CommandContext& ctx) {
  int a, b;
  if (!ParseIntOrReply(ctx, ctx.argv[1], &a, kInvalidFirstDb)) return;
  if (!ParseIntOrReply(ctx, ctx.argv[2], &b, kInvalidSecondDb)) return;
  storage::Keyspace& ks = KeyspaceOf(ctx);
  if (a < 0 || a >= ks.databases() || b < 0 || b >= ks.databases()) {
    ctx.reply.Error(errors::kDbIndexOutOfRange);
    return;
  }
  {
    storage::Access acc = ks.LockAll();
    acc.SwapDb(a, b);
  }
  ctx.reply.Ok();
}

// Moves key with its TTL from db to dst_db, unless it exists there.
storage::MoveResult OpMove(storage::Keyspace& ks, int db, std::string_view key, int dst_db) {
  storage::Access acc = ks.Lock(key);
  return acc.Move(db, key, dst_db);
}

// MOVE key db
void MoveCmd(CommandContext& ctx) {
  int dst_db;
  if (!ParseDbIndexOrReply(ctx, ctx.argv[2], &dst_db)) return;
  const int db = Db(ctx);
  if (dst_db == db) {
    ctx.reply.Error(errors::kSameObject);
    return;
  }
  storage::MoveResult result = OpMove(KeyspaceOf(ctx), db, ctx.argv[1], dst_db);
  if (result == storage::MoveResult::kOk) {
    ctx.server.NotifyKeyspaceEvent(kNotifyGeneric, "move_from", db, ctx.argv[1]);
    ctx.server.NotifyKeyspaceEvent(kNotifyGeneric, "move_to", dst_db, ctx.argv[1]);
  }
  ctx.reply.Integer(result == storage::MoveResult::kOk ? 1 : 0);
}

}  // namespace

void RegisterDbFamily(CommandRegistry& registry) {
  const std::string kAllShardsSucceeded =
      "request_policy:all_shards response_policy:all_succeeded";
  registry.Register({.name = "select", .arity = 2, .flags = "loading stale fast",
                     .acl = "fast connection", .handler = SelectCmd,
                     .summary = "Change the selected database for the current connection",
                     .since = "1.0.0", .group = "connection", .complexity = "O(1)"});
  registry.Register({.name = "dbsize", .arity = 1, .flags = "readonly fast",
                     .acl = "keyspace read fast",
                     .tips = "request_policy:all_shards response_policy:agg_sum",
                     .handler = DbSizeCmd,
                     .summary = "Return the number of keys in the selected database",
                     .since = "1.0.0", .group = "server", .complexity = "O(1)"});
  registry.Register({.name = "flushdb", .arity = -1, .flags = "write",
                     .acl = "keyspace write slow dangerous", .tips = kAllShardsSucceeded,
                     .handler = FlushDbCmd,
                     .summary = "Remove all keys from the current database", .since = "1.0.0",
                     .group = "server",
                     .complexity = "O(N) where N is the number of keys in the selected database"});
  registry.Register({.name = "flushall", .arity = -1, .flags = "write",
                     .acl = "keyspace write slow dangerous", .tips = kAllShardsSucceeded,
                     .handler = FlushAllCmd, .summary = "Remove all keys from all databases",
                     .since = "1.0.0", .group = "server",
                     .complexity = "O(N) where N is the total number of keys in all databases"});
  registry.Register({.name = "swapdb", .arity = 3, .flags = "write fast",
                     .acl = "keyspace write fast dangerous", .handler = SwapDbCmd,
                     .summary = "Swaps two Redis databases", .since = "4.0.0", .group = "server",
                     .complexity = "O(N) where N is the count of clients watching or blocking "
                                   "on keys from both databases."});
  registry.Register({.name = "move", .arity = 3, .flags = "write fast", .first_key = 1,
                     .last_key = 1, .step = 1, .acl = "keyspace write fast",
                     .key_specs = {KeySpec{.flags = "RW access update", .bs_index = 1,
                                           .fk_lastkey = 0}},
                     .handler = MoveCmd, .summary = "Move a key to another database",
                     .since = "1.0.0", .group = "generic", .complexity = "O(1)"});
}

}  // namespace cachet::commands
