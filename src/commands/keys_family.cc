// Generic key commands: DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX,
// COPY, TOUCH, the EXPIRE and TTL families, PERSIST and OBJECT.
#include <cctype>
#include <climits>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/commands/arg_parse.h"
#include "cachet/commands/errors.h"
#include "cachet/commands/family_util.h"
#include "cachet/commands/notify.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/scan_args.h"
#include "cachet/config/config.h"
#include "cachet/storage/keyspace.h"
#include "cachet/storage/lru.h"
#include "cachet/storage/value.h"

namespace cachet::commands {
namespace {

constexpr std::string_view kExpireNxConflict =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
constexpr std::string_view kExpireGtLtConflict =
    "ERR GT and LT options at the same time are not compatible";
constexpr std::string_view kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
constexpr std::string_view kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";

// Redis's OBJ_SHARED_INTEGERS and OBJ_SHARED_REFCOUNT: the integers 0..9999 are shared
// objects whose reference count reads as INT_MAX.
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = INT_MAX;

// SCAN COUNT is clamped so the storage layer's work bound (ten times the count) cannot wrap.

storage::Keyspace& KeyspaceOf(CommandContext& ctx) { return ctx.server.keyspace(); }
// Reports a generic keyspace event for key in db (Redis's notifyKeyspaceEvent).
void Notify(CommandContext& ctx, std::string_view event, std::string_view key, int db) {
  ctx.server.NotifyKeyspaceEvent(kNotifyGeneric, event, db, key);
}

// The arguments from index `from` on, as keys for Keyspace::Lock.
std::span<const std::string> ArgsFrom(CommandContext& ctx, size_t from) {
  return std::span<const std::string>(ctx.argv).subspan(from);
}

bool IsLfuPolicy(int64_t policy) {
  return policy == config::kVolatileLfu || policy == config::kAllkeysLfu;
}

bool IsLruPolicy(int64_t policy) {
  return policy == config::kVolatileLru || policy == config::kAllkeysLru;
}

// Redis's getIntFromObjectOrReply without a custom message: replies and returns false unless
// `arg` is an integer that fits in an int.
bool ParseIntOrReply(CommandContext& ctx, const std::string& arg, int* out) {
  int64_t v;
  if (!ParseInt64(arg, &v)) {
    ctx.reply.Error(errors::kNotInteger);
    return false;
  }
  if (v < INT_MIN || v > INT_MAX) {
    ctx.reply.Error(errors::kIntRange);
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

// --- DEL / UNLINK / EXISTS / TOUCH / TYPE ---

// Deletes every existing key among `keys`; returns how many were deleted, each one reported
// to on_deleted(key) as it goes.
template <typename OnDeleted>
int64_t OpDelete(storage::Keyspace& ks, int db, std::span<const std::string> keys, bool async,
                 OnDeleted&& on_deleted) {
  storage::Access acc = ks.Lock(keys);
  int64_t deleted = 0;
  for (const std::string& key : keys) {
    if (acc.Delete(db, key, async)) {
      ++deleted;
      on_deleted(key);
    }
  }
  return deleted;
}

// Counts the keys of `keys` that exist, each occurrence separately, looking them up with
// `flags`.
int64_t OpCountExisting(storage::Keyspace& ks, int db, std::span<const std::string> keys,
                        uint32_t flags) {
  storage::Access acc = ks.Lock(keys);
  int64_t found = 0;
  for (const std::string& key : keys) found += acc.Find(db, key, flags) ? 1 : 0;
  return found;
}

// DEL key [key ...]
void DelCmd(CommandContext& ctx) {
  const bool async = ctx.server.config().GetBool("lazyfree-lazy-user-del");
  const int db = Db(ctx);
  ctx.reply.Integer(OpDelete(KeyspaceOf(ctx), db, ArgsFrom(ctx, 1), async,
                             [&](std::string_view key) { Notify(ctx, "del", key, db); }));
}

// UNLINK key [key ...]
void UnlinkCmd(CommandContext& ctx) {
  const int db = Db(ctx);
  ctx.reply.Integer(OpDelete(KeyspaceOf(ctx), db, ArgsFrom(ctx, 1), /*async=*/true,
                             [&](std::string_view key) { Notify(ctx, "del", key, db); }));
}

// EXISTS key [key ...]
void ExistsCmd(CommandContext& ctx) {
  ctx.reply.Integer(
      OpCountExisting(KeyspaceOf(ctx), Db(ctx), ArgsFrom(ctx, 1), storage::kLookupNoTouch));
}

// TOUCH key [key ...]
void TouchCmd(CommandContext& ctx) {
  ctx.reply.Integer(
      OpCountExisting(KeyspaceOf(ctx), Db(ctx), ArgsFrom(ctx, 1), storage::kLookupRead));
}

// The type of key, or nullopt when it does not exist.
std::optional<storage::ValueType> OpType(storage::Keyspace& ks, int db, std::string_view key) {
  storage::Access acc = ks.Lock(key);
  storage::EntryRef e = acc.Find(db, key, storage::kLookupNoTouch);
  if (!e) return std::nullopt;
  return e.type();
}

// TYPE key
void TypeCmd(CommandContext& ctx) {
  std::optional<storage::ValueType> type = OpType(KeyspaceOf(ctx), Db(ctx), ctx.argv[1]);
  ctx.reply.SimpleString(type ? storage::TypeName(*type) : "none");
}

// --- KEYS / SCAN / RANDOMKEY ---

// Replies `keys` as an array of bulk strings.
void ReplyKeyList(protocol::ReplyBuilder& reply, const std::vector<std::string>& keys) {
  reply.ArrayHeader(keys.size());
  for (const std::string& key : keys) reply.Bulk(key);
}

// KEYS pattern
void KeysCmd(CommandContext& ctx) {
  std::vector<std::string> keys;
  {
    storage::Access acc = KeyspaceOf(ctx).LockAll();
    acc.Keys(Db(ctx), ctx.argv[1], &keys);
  }
  ReplyKeyList(ctx.reply, keys);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
void ScanCmd(CommandContext& ctx) {
  ScanArgs args;
  if (!ParseScanArgs(ctx, 1, /*allow_type=*/true, &args)) return;
  const uint64_t cursor = args.cursor;
  storage::ScanOptions opts;
  opts.count = args.count;
  opts.pattern = args.pattern;
  const std::optional<std::string_view> type_name = args.type;
  // An unknown TYPE is not an error: it matches no key, and the cursor still advances.
  bool match_nothing = false;
  if (type_name) {
    opts.type = storage::ParseTypeName(*type_name);
    match_nothing = !opts.type.has_value();
  }
  std::vector<std::string> keys;
  uint64_t next = KeyspaceOf(ctx).Scan(Db(ctx), cursor, opts, &keys);
  if (match_nothing) keys.clear();
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(next));
  ReplyKeyList(ctx.reply, keys);
}

// RANDOMKEY
void RandomKeyCmd(CommandContext& ctx) {
  std::optional<std::string> key;
  {
    storage::Access acc = KeyspaceOf(ctx).LockAll();
    key = acc.RandomKey(Db(ctx));
  }
  if (key) {
    ctx.reply.Bulk(*key);
  } else {
    ctx.reply.Null();
  }
}

// --- RENAME / RENAMENX / COPY ---

// Renames `from` to `to` in db (only when `to` is absent with only_if_absent), moving its TTL.
storage::RenameResult OpRename(storage::Keyspace& ks, int db, std::string_view from,
                               std::string_view to, bool only_if_absent) {
  storage::Access acc = ks.Lock({from, to});
  return acc.Rename(db, from, to, only_if_absent);
}

// RENAME key newkey / RENAMENX key newkey
void RenameGeneric(CommandContext& ctx, bool nx) {
  switch (OpRename(KeyspaceOf(ctx), Db(ctx), ctx.argv[1], ctx.argv[2], nx)) {
    case storage::RenameResult::kNoSuchKey:
      ctx.reply.Error(errors::kNoSuchKey);
      return;
    case storage::RenameResult::kSameKey:
    case storage::RenameResult::kTargetExists:
      if (nx) {
        ctx.reply.Integer(0);
      } else {
        ctx.reply.Ok();
      }
      return;
    case storage::RenameResult::kOk:
      Notify(ctx, "rename_from", ctx.argv[1], Db(ctx));
      Notify(ctx, "rename_to", ctx.argv[2], Db(ctx));
      if (nx) {
        ctx.reply.Integer(1);
      } else {
        ctx.reply.Ok();
      }
      return;
  }
}

// RENAME key newkey
void RenameCmd(CommandContext& ctx) { RenameGeneric(ctx, /*nx=*/false); }

// RENAMENX key newkey
void RenameNxCmd(CommandContext& ctx) { RenameGeneric(ctx, /*nx=*/true); }

// Copies src of src_db, value and TTL, to dst of dst_db (overwriting it with replace).
storage::CopyResult OpCopy(storage::Keyspace& ks, int src_db, std::string_view src, int dst_db,
                           std::string_view dst, bool replace) {
  storage::Access acc = ks.Lock({src, dst});
  return acc.Copy(src_db, src, dst_db, dst, replace);
}

// COPY source destination [DB destination-db] [REPLACE]
void CopyCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const int src_db = Db(ctx);
  int dst_db = src_db;
  bool replace = false;
  for (size_t j = 3; j < argv.size(); ++j) {
    const bool has_value = j + 1 < argv.size();
    if (EqualsNoCase(argv[j], "replace")) {
      replace = true;
    } else if (EqualsNoCase(argv[j], "db") && has_value) {
      if (!ParseIntOrReply(ctx, argv[j + 1], &dst_db)) return;
      if (dst_db < 0 || dst_db >= KeyspaceOf(ctx).databases()) {
        ctx.reply.Error(errors::kDbIndexOutOfRange);
        return;
      }
      ++j;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  }
  if (src_db == dst_db && argv[1] == argv[2]) {
    ctx.reply.Error(errors::kSameObject);
    return;
  }
  storage::CopyResult result = OpCopy(KeyspaceOf(ctx), src_db, argv[1], dst_db, argv[2], replace);
  if (result == storage::CopyResult::kOk) Notify(ctx, "copy_to", argv[2], dst_db);
  ctx.reply.Integer(result == storage::CopyResult::kOk ? 1 : 0);
}

// --- EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT ---

enum ExpireCondition : unsigned {
  kExpireNx = 1u << 0,
  kExpireXx = 1u << 1,
  kExpireGt = 1u << 2,
  kExpireLt = 1u << 3,
};

// Sets key's expiry to when_ms milliseconds (after now when `relative`, after the epoch
// otherwise) under the NX/XX/GT/LT `conditions`, as Redis's expireGenericCommand does:
// nullopt when the time overflows (checked before the key is looked up); 0 when the key is
// missing or a condition fails; otherwise 1, the key having been deleted (freed in the
// background with lazy_expire; *deleted set) if the time is not after now.
std::optional<int64_t> OpExpire(storage::Keyspace& ks, int db, std::string_view key,
                                int64_t when_ms, bool relative, unsigned conditions,
                                bool lazy_expire, bool* deleted) {
  storage::Access acc = ks.Lock(key);
  const int64_t base = relative ? acc.now_ms() : 0;
  if (when_ms > INT64_MAX - base) return std::nullopt;
  when_ms += base;
  storage::EntryRef e = acc.Find(db, key, storage::kLookupWrite);
  if (!e) return 0;
  if (conditions != 0) {
    const int64_t current = e.expire_ms();  // kNoExpire (-1) stands for "never"
    const bool has_ttl = current != storage::kNoExpire;
    if ((conditions & kExpireNx) && has_ttl) return 0;
    if ((conditions & kExpireXx) && !has_ttl) return 0;
    if ((conditions & kExpireGt) && (!has_ttl || when_ms <= current)) return 0;
    if ((conditions & kExpireLt) && has_ttl && when_ms >= current) return 0;
  }
  if (when_ms <= acc.now_ms()) {
    acc.Erase(&e, lazy_expire);
    *deleted = true;
  } else {
    acc.SetExpire(&e, when_ms);
  }
  return 1;
}

// The shared body of EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT: `seconds` says the argument's
// unit, `relative` whether it counts from now.
void ExpireGeneric(CommandContext& ctx, bool seconds, bool relative) {
  const auto& argv = ctx.argv;
  unsigned conditions = 0;
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string& opt = argv[j];
    if (EqualsNoCase(opt, "nx")) {
      conditions |= kExpireNx;
    } else if (EqualsNoCase(opt, "xx")) {
      conditions |= kExpireXx;
    } else if (EqualsNoCase(opt, "gt")) {
      conditions |= kExpireGt;
    } else if (EqualsNoCase(opt, "lt")) {
      conditions |= kExpireLt;
    } else {
      // Redis formats the option as a C string: it ends at the first NUL byte.
      ctx.reply.Error("ERR Unsupported option " + opt.substr(0, opt.find('\0')));
      return;
    }
  }
  if ((conditions & kExpireNx) && (conditions & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.reply.Error(kExpireNxConflict);
    return;
  }
  if ((conditions & kExpireGt) && (conditions & kExpireLt)) {
    ctx.reply.Error(kExpireGtLtConflict);
    return;
  }
  int64_t when;
  if (!ParseInt64(argv[2], &when)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  const std::string invalid_time = "ERR invalid expire time in '" + ctx.spec.name + "' command";
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      ctx.reply.Error(invalid_time);
      return;
    }
    when *= 1000;
  }
  const bool lazy = ctx.server.config().GetBool("lazyfree-lazy-expire");
  bool deleted = false;
  std::optional<int64_t> result =
      OpExpire(KeyspaceOf(ctx), Db(ctx), argv[1], when, relative, conditions, lazy, &deleted);
  if (!result) {
    ctx.reply.Error(invalid_time);
    return;
  }
  // Redis replies before "expire" but after "del".
  if (*result == 1 && deleted) Notify(ctx, "del", argv[1], Db(ctx));
  ctx.reply.Integer(*result);
  if (*result == 1 && !deleted) Notify(ctx, "expire", argv[1], Db(ctx));
}

// EXPIRE key seconds [NX | XX | GT | LT]
void ExpireCmd(CommandContext& ctx) { ExpireGeneric(ctx, /*seconds=*/true, /*relative=*/true); }

// PEXPIRE key milliseconds [NX | XX | GT | LT]
void PExpireCmd(CommandContext& ctx) { ExpireGeneric(ctx, /*seconds=*/false, /*relative=*/true); }

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
void ExpireAtCmd(CommandContext& ctx) { ExpireGeneric(ctx, /*seconds=*/true, /*relative=*/false); }

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
void PExpireAtCmd(CommandContext& ctx) {
  ExpireGeneric(ctx, /*seconds=*/false, /*relative=*/false);
}

// --- TTL / PTTL / EXPIRETIME / PEXPIRETIME / PERSIST ---

// What the TTL family reports: -2 for a missing key, -1 for no TTL, else the remaining time
// (relative) or the expiry time (absolute) in ms, never below 0.
int64_t OpTtlMs(storage::Keyspace& ks, int db, std::string_view key, bool absolute) {
  storage::Access acc = ks.Lock(key);
  storage::EntryRef e = acc.Find(db, key, storage::kLookupNoTouch);
  if (!e) return -2;
  const int64_t expire = e.expire_ms();
  if (expire == storage::kNoExpire) return -1;
  const int64_t ttl = absolute ? expire : expire - acc.now_ms();
  return ttl < 0 ? 0 : ttl;
}

// The shared body of TTL, PTTL, EXPIRETIME and PEXPIRETIME. Seconds are rounded to nearest,
// computed without overflow so that an expiry near INT64_MAX reads as Redis reports it.
void TtlGeneric(CommandContext& ctx, bool millis, bool absolute) {
  const int64_t ttl = OpTtlMs(KeyspaceOf(ctx), Db(ctx), ctx.argv[1], absolute);
  if (ttl < 0 || millis) {
    ctx.reply.Integer(ttl);
    return;
  }
  ctx.reply.Integer(static_cast<int64_t>((static_cast<uint64_t>(ttl) + 500) / 1000));
}

// TTL key
void TtlCmd(CommandContext& ctx) { TtlGeneric(ctx, /*millis=*/false, /*absolute=*/false); }

// PTTL key
void PTtlCmd(CommandContext& ctx) { TtlGeneric(ctx, /*millis=*/true, /*absolute=*/false); }

// EXPIRETIME key
void ExpireTimeCmd(CommandContext& ctx) { TtlGeneric(ctx, /*millis=*/false, /*absolute=*/true); }

// PEXPIRETIME key
void PExpireTimeCmd(CommandContext& ctx) { TtlGeneric(ctx, /*millis=*/true, /*absolute=*/true); }

// Removes key's TTL; true when it had one.
bool OpPersist(storage::Keyspace& ks, int db, std::string_view key) {
  storage::Access acc = ks.Lock(key);
  storage::EntryRef e = acc.Find(db, key, storage::kLookupWrite);
  return e && acc.Persist(&e);
}

// PERSIST key
void PersistCmd(CommandContext& ctx) {
  const bool persisted = OpPersist(KeyspaceOf(ctx), Db(ctx), ctx.argv[1]);
  if (persisted) Notify(ctx, "persist", ctx.argv[1], Db(ctx));
  ctx.reply.Integer(persisted ? 1 : 0);
}

// --- OBJECT ---

// What OBJECT reports about one key, read under its shard lock without touching it.
struct ObjectInfo {
  storage::Encoding encoding = storage::Encoding::kRaw;
  bool shared_int = false;    // an int-encoded string Redis would hold as a shared integer
  uint32_t access_field = 0;  // the LRU/LFU field
  int64_t now_ms = 0;
};

// What OBJECT needs to know of key, or nullopt when it does not exist.
std::optional<ObjectInfo> OpObjectInfo(storage::Keyspace& ks, int db, std::string_view key) {
  storage::Access acc = ks.Lock(key);
  storage::EntryRef e = acc.Find(db, key, storage::kLookupNoTouch | storage::kLookupNoNotify);
  if (!e) return std::nullopt;
  ObjectInfo info;
  info.encoding = e.encoding();
  info.shared_int = e.type() == storage::ValueType::kString && e.is_int() && e.int_value() >= 0 &&
                    e.int_value() < kSharedIntegers;
  info.access_field = e.access_field();
  info.now_ms = acc.now_ms();
  return info;
}

// Looks up OBJECT's key argument, replying a null when it is missing.
std::optional<ObjectInfo> ObjectLookupOrReply(CommandContext& ctx) {
  std::optional<ObjectInfo> info = OpObjectInfo(KeyspaceOf(ctx), Db(ctx), ctx.argv[2]);
  if (!info) ctx.reply.Null();
  return info;
}

// OBJECT ENCODING key
void ObjectEncodingCmd(CommandContext& ctx) {
  if (auto info = ObjectLookupOrReply(ctx)) ctx.reply.Bulk(storage::EncodingName(info->encoding));
}

// OBJECT REFCOUNT key
// Redis shares the integers 0..9999 unless maxmemory is set with an LRU or LFU policy; the
// rule is applied with the configuration in force now, not the one at the value's creation.
void ObjectRefcountCmd(CommandContext& ctx) {
  auto info = ObjectLookupOrReply(ctx);
  if (!info) return;
  const config::Config& cfg = ctx.server.config();
  const int64_t policy = cfg.GetInt("maxmemory-policy");
  const bool sharing =
      cfg.GetInt("maxmemory") == 0 || !(IsLruPolicy(policy) || IsLfuPolicy(policy));
  ctx.reply.Integer(info->shared_int && sharing ? kSharedRefcount : 1);
}

// OBJECT IDLETIME key
void ObjectIdletimeCmd(CommandContext& ctx) {
  auto info = ObjectLookupOrReply(ctx);
  if (!info) return;
  if (IsLfuPolicy(ctx.server.config().GetInt("maxmemory-policy"))) {
    ctx.reply.Error(kLfuSelected);
    return;
  }
  ctx.reply.Integer(storage::LruIdleMs(info->access_field, info->now_ms) / 1000);
}

// OBJECT FREQ key
void ObjectFreqCmd(CommandContext& ctx) {
  auto info = ObjectLookupOrReply(ctx);
  if (!info) return;
  if (!IsLfuPolicy(ctx.server.config().GetInt("maxmemory-policy"))) {
    ctx.reply.Error(kLfuNotSelected);
    return;
  }
  ctx.reply.Integer(storage::LfuDecayedCounter(info->access_field, info->now_ms,
                                               KeyspaceOf(ctx).lfu_decay_time()));
}

constexpr const char* kObjectHelp[] = {
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
};

// OBJECT HELP
void ObjectHelpCmd(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kObjectHelp));
  for (const char* line : kObjectHelp) ctx.reply.SimpleString(line);
}

// --- Table ---

// Key spec of every argument from 1 to the last.
KeySpec AllKeys(std::string flags) {
  return KeySpec{.flags = std::move(flags), .bs_index = 1, .fk_lastkey = -1};
}

// A single-key command of the generic group: key at argument 1.
CommandSpec SingleKey(std::string name, int arity, std::string flags, std::string acl,
                      std::string key_flags, Handler handler, std::string summary,
                      std::string since, std::string tips = "") {
  return CommandSpec{.name = std::move(name),
                     .arity = arity,
                     .flags = std::move(flags),
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = std::move(acl),
                     .tips = std::move(tips),
                     .key_specs = {OneKey(std::move(key_flags), 1)},
                     .handler = handler,
                     .summary = std::move(summary),
                     .since = std::move(since),
                     .group = "generic",
                     .complexity = "O(1)"};
}

// An OBJECT subcommand reading the key at argument 2.
CommandSpec ObjectSub(std::string name, Handler handler, std::string summary, std::string since) {
  return CommandSpec{.name = "object|" + name,
                     .arity = 3,
                     .flags = "readonly",
                     .first_key = 2,
                     .last_key = 2,
                     .step = 1,
                     .acl = "keyspace read slow",
                     .tips = "nondeterministic_output",
                     .key_specs = {OneKey("RO", 2)},
                     .handler = handler,
                     .summary = std::move(summary),
                     .since = std::move(since),
                     .group = "generic",
                     .complexity = "O(1)"};
}

}  // namespace

void RegisterKeysFamily(CommandRegistry& registry) {
  const std::string kMultiShardSum = "request_policy:multi_shard response_policy:agg_sum";
  registry.Register(
      {.name = "del", .arity = -2, .flags = "write", .first_key = 1, .last_key = -1, .step = 1,
       .acl = "keyspace write slow", .tips = kMultiShardSum,
       .key_specs = {AllKeys("RM delete")}, .handler = DelCmd, .summary = "Delete a key",
       .since = "1.0.0", .group = "generic",
       .complexity =
           "O(N) where N is the number of keys that will be removed. When a key to remove "
           "holds a value other than a string, the individual complexity for this key is O(M) "
           "where M is the number of elements in the list, set, sorted set or hash. Removing a "
           "single key that holds a string value is O(1)."});
  registry.Register(
      {.name = "unlink", .arity = -2, .flags = "write fast", .first_key = 1, .last_key = -1,
       .step = 1, .acl = "keyspace write fast", .tips = kMultiShardSum,
       .key_specs = {AllKeys("RM delete")}, .handler = UnlinkCmd,
       .summary = "Delete a key asynchronously in another thread. Otherwise it is just as DEL, "
                  "but non blocking.",
       .since = "4.0.0", .group = "generic",
       .complexity = "O(1) for each key removed regardless of its size. Then the command does "
                     "O(N) work in a different thread in order to reclaim memory, where N is "
                     "the number of allocations the deleted objects where composed of."});
  registry.Register({.name = "exists", .arity = -2, .flags = "readonly fast", .first_key = 1,
                     .last_key = -1, .step = 1, .acl = "keyspace read fast",
                     .tips = kMultiShardSum, .key_specs = {AllKeys("RO")},
                     .handler = ExistsCmd, .summary = "Determine if a key exists",
                     .since = "1.0.0", .group = "generic",
                     .complexity = "O(N) where N is the number of keys to check."});
  registry.Register(SingleKey("type", 2, "readonly fast", "keyspace read fast", "RO", TypeCmd,
                              "Determine the type stored at key", "1.0.0"));
  registry.Register(
      {.name = "keys", .arity = 2, .flags = "readonly", .acl = "keyspace read slow dangerous",
       .tips = "request_policy:all_shards nondeterministic_output_order", .handler = KeysCmd,
       .summary = "Find all keys matching the given pattern", .since = "1.0.0",
       .group = "generic",
       .complexity = "O(N) with N being the number of keys in the database, under the "
                     "assumption that the key names in the database and the given pattern have "
                     "limited length."});
  registry.Register(
      {.name = "scan", .arity = -2, .flags = "readonly", .acl = "keyspace read slow",
       .tips = "nondeterministic_output request_policy:special", .handler = ScanCmd,
       .summary = "Incrementally iterate the keys space", .since = "2.8.0", .group = "generic",
       .complexity = "O(1) for every call. O(N) for a complete iteration, including enough "
                     "command calls for the cursor to return back to 0. N is the number of "
                     "elements inside the collection."});
  registry.Register({.name = "randomkey", .arity = 1, .flags = "readonly",
                     .acl = "keyspace read slow",
                     .tips = "request_policy:all_shards nondeterministic_output",
                     .handler = RandomKeyCmd, .summary = "Return a random key from the keyspace",
                     .since = "1.0.0", .group = "generic", .complexity = "O(1)"});
  registry.Register({.name = "rename", .arity = 3, .flags = "write", .first_key = 1,
                     .last_key = 2, .step = 1, .acl = "keyspace write slow",
                     .key_specs = {OneKey("RW access delete", 1), OneKey("OW update", 2)},
                     .handler = RenameCmd, .summary = "Rename a key", .since = "1.0.0",
                     .group = "generic", .complexity = "O(1)"});
  registry.Register({.name = "renamenx", .arity = 3, .flags = "write fast", .first_key = 1,
                     .last_key = 2, .step = 1, .acl = "keyspace write fast",
                     .key_specs = {OneKey("RW access delete", 1), OneKey("OW insert", 2)},
                     .handler = RenameNxCmd,
                     .summary = "Rename a key, only if the new key does not exist",
                     .since = "1.0.0", .group = "generic", .complexity = "O(1)"});
  registry.Register({.name = "copy", .arity = -3, .flags = "write denyoom", .first_key = 1,
                     .last_key = 2, .step = 1, .acl = "keyspace write slow",
                     .key_specs = {OneKey("RO access", 1), OneKey("OW update", 2)},
                     .handler = CopyCmd, .summary = "Copy a key", .since = "6.2.0",
                     .group = "generic",
                     .complexity = "O(N) worst case for collections, where N is the number of "
                                   "nested items. O(1) for string values."});
  registry.Register({.name = "touch", .arity = -2, .flags = "readonly fast", .first_key = 1,
                     .last_key = -1, .step = 1, .acl = "keyspace read fast",
                     .tips = kMultiShardSum, .key_specs = {AllKeys("RO")}, .handler = TouchCmd,
                     .summary = "Alters the last access time of a key(s). Returns the number of "
                                "existing keys specified.",
                     .since = "3.2.1", .group = "generic",
                     .complexity = "O(N) where N is the number of keys that will be touched."});

  const std::string kWriteFast = "write fast";
  const std::string kAclWriteFast = "keyspace write fast";
  registry.Register(SingleKey("expire", -3, kWriteFast, kAclWriteFast, "RW update", ExpireCmd,
                              "Set a key's time to live in seconds", "1.0.0"));
  registry.Register(SingleKey("pexpire", -3, kWriteFast, kAclWriteFast, "RW update",
                              PExpireCmd, "Set a key's time to live in milliseconds", "2.6.0"));
  registry.Register(SingleKey("expireat", -3, kWriteFast, kAclWriteFast, "RW update",
                              ExpireAtCmd, "Set the expiration for a key as a UNIX timestamp",
                              "1.2.0"));
  registry.Register(SingleKey(
      "pexpireat", -3, kWriteFast, kAclWriteFast, "RW update", PExpireAtCmd,
      "Set the expiration for a key as a UNIX timestamp specified in milliseconds", "2.6.0"));

  const std::string kReadFast = "readonly fast";
  const std::string kAclReadFast = "keyspace read fast";
  registry.Register(SingleKey("ttl", 2, kReadFast, kAclReadFast, "RO access", TtlCmd,
                              "Get the time to live for a key in seconds", "1.0.0",
                              "nondeterministic_output"));
  registry.Register(SingleKey("pttl", 2, kReadFast, kAclReadFast, "RO access", PTtlCmd,
                              "Get the time to live for a key in milliseconds", "2.6.0",
                              "nondeterministic_output"));
  registry.Register(SingleKey("expiretime", 2, kReadFast, kAclReadFast, "RO access",
                              ExpireTimeCmd, "Get the expiration Unix timestamp for a key",
                              "7.0.0"));
  registry.Register(SingleKey("pexpiretime", 2, kReadFast, kAclReadFast, "RO access",
                              PExpireTimeCmd,
                              "Get the expiration Unix timestamp for a key in milliseconds",
                              "7.0.0"));
  registry.Register(SingleKey("persist", 2, kWriteFast, kAclWriteFast, "RW update", PersistCmd,
                              "Remove the expiration from a key", "2.2.0"));

  CommandSpec object{.name = "object", .arity = -2, .flags = "", .acl = "slow",
                     .summary = "A container for object introspection commands",
                     .since = "2.2.3", .group = "generic", .complexity = "Depends on subcommand."};
  object.subcommands = {
      {.name = "object|help", .arity = 2, .flags = "loading stale", .acl = "keyspace slow",
       .handler = ObjectHelpCmd, .summary = "Show helpful text about the different subcommands",
       .since = "6.2.0", .group = "generic", .complexity = "O(1)"},
      ObjectSub("encoding", ObjectEncodingCmd, "Inspect the internal encoding of a Redis object",
                "2.2.3"),
      ObjectSub("idletime", ObjectIdletimeCmd,
                "Get the time since a Redis object was last accessed", "2.2.3"),
      ObjectSub("freq", ObjectFreqCmd,
                "Get the logarithmic access frequency counter of a Redis object", "4.0.0"),
      ObjectSub("refcount", ObjectRefcountCmd,
                "Get the number of references to the value of the key", "2.2.3"),
  };
  registry.Register(std::move(object));
}

}  // namespace cachet::commands
