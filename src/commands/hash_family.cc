// Hash commands: HSET and friends, HINCRBY/HINCRBYFLOAT, HRANDFIELD and HSCAN.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <random>
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
#include "cachet/storage/glob.h"
#include "cachet/storage/hash_value.h"
#include "cachet/storage/keyspace.h"

namespace cachet::commands {
namespace {

using storage::Access;
using storage::EntryRef;
using storage::HashValue;
using storage::kLookupRead;
using storage::kLookupWrite;
using storage::ValueType;

// Errors only this family replies with, worded as Redis 7.0 words them.
constexpr std::string_view kHashNotInteger = "ERR hash value is not an integer";
constexpr std::string_view kHashNotFloat = "ERR hash value is not a float";
constexpr std::string_view kIncrNanOrInfinity = "ERR value is NaN or Infinity";
constexpr std::string_view kResultNanOrInfinity = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kOutOfRange = "ERR value is out of range";
constexpr std::string_view kCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and "
    "9223372036854775807";

// Most draws a negative HRANDFIELD count may ask for. Redis streams any number (until the
// client's output limit, unlimited for normal clients, stops it); cachet builds a reply in
// memory, so it refuses larger counts with "value is out of range".
constexpr uint64_t kMaxRandomDraws = uint64_t{1} << 24;

// How an op ended; the cmd turns anything but kOk into its reply.
enum class OpStatus {
  kOk,
  kWrongType,
  kHashNotInteger,
  kHashNotFloat,
  kOverflow,
  kNanOrInfinity,
};

// Replies with the error of a failed op (never called with kOk).
void ReplyStatus(CommandContext& ctx, OpStatus status) {
  switch (status) {
    case OpStatus::kWrongType:
      return ctx.reply.Error(errors::kWrongType);
    case OpStatus::kHashNotInteger:
      return ctx.reply.Error(kHashNotInteger);
    case OpStatus::kHashNotFloat:
      return ctx.reply.Error(kHashNotFloat);
    case OpStatus::kOverflow:
      return ctx.reply.Error(errors::kIncrOverflow);
    case OpStatus::kNanOrInfinity:
      return ctx.reply.Error(kResultNanOrInfinity);
    case OpStatus::kOk:
      break;
  }
}

// The conversion thresholds in force now.
storage::HashLimits Limits(CommandContext& ctx) {
  const config::Config& cfg = ctx.server.config();
  return {.max_listpack_entries = static_cast<size_t>(cfg.GetInt("hash-max-listpack-entries")),
          .max_listpack_value = static_cast<size_t>(cfg.GetInt("hash-max-listpack-value"))};
}

// The generator behind HRANDFIELD, one per thread, seeded from the OS.
HashValue::Rng& ThreadRng() {
  thread_local HashValue::Rng rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return HashValue::Rng(seq);
  }());
  return rng;
}

// ---------------------------------------------------------------------------------------------
// Ops: work on keys under an Access the cmd holds. They reply nothing themselves.

// The hash at key for reading: *h is null when the key is missing.
OpStatus FindHash(Access& acc, int db, std::string_view key, uint32_t lookup, HashValue** h,
                  EntryRef* entry = nullptr) {
  EntryRef e = acc.Find(db, key, lookup);
  *h = nullptr;
  if (!e) return OpStatus::kOk;
  if (e.type() != ValueType::kHash) return OpStatus::kWrongType;
  *h = e.object_as<HashValue>();
  if (entry != nullptr) *entry = e;
  return OpStatus::kOk;
}

// A hash being written (Redis's hashTypeLookupWriteOrCreate): the stored one, or a fresh one
// that Commit() stores only if it got fields, so a failed write never leaves an empty key.
class HashWrite {
 public:
  HashWrite(Access& acc, int db, std::string_view key) : acc_(acc), db_(db), key_(key) {}

  // kWrongType when key holds another type.
  OpStatus Open() {
    entry_ = acc_.Find(db_, key_, kLookupWrite);
    if (!entry_) {
      fresh_ = std::make_unique<HashValue>();
      return OpStatus::kOk;
    }
    if (entry_.type() != ValueType::kHash) return OpStatus::kWrongType;
    return OpStatus::kOk;
  }
  HashValue* operator->() const { return fresh_ ? fresh_.get() : entry_.object_as<HashValue>(); }

  // Stores a fresh hash, or reports the stored one changed.
  void Commit() {
    if (fresh_) {
      if (!fresh_->empty()) acc_.Set(db_, key_, storage::Value::Object(std::move(fresh_)));
      return;
    }
    HashValue* h = entry_.object_as<HashValue>();
    if (entry_.encoding() != h->encoding()) {
      // The entry keeps the encoding the value was stored with and NoteObjectChanged does
      // not refresh it: store the contents again (O(1)) so OBJECT ENCODING sees the change.
      acc_.ReplaceValue(&entry_, storage::Value::Object(h->Release()));
      return;
    }
    acc_.NoteObjectChanged(&entry_);
  }

 private:
  Access& acc_;
  int db_;
  std::string_view key_;
  EntryRef entry_;
  std::unique_ptr<HashValue> fresh_;
};

// HSET's op: sets every field/value pair of args; *added counts the new fields.
OpStatus OpHSet(Access& acc, int db, std::string_view key, std::span<const std::string> args,
                const storage::HashLimits& limits, int64_t* added) {
  HashWrite h(acc, db, key);
  if (OpStatus st = h.Open(); st != OpStatus::kOk) return st;
  h->ConvertForWrite(args, limits);
  *added = 0;
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    if (h->Set(args[i], args[i + 1], limits)) ++*added;
  }
  h.Commit();
  return OpStatus::kOk;
}

// HSETNX's op: *set is whether field was absent (and is now set).
OpStatus OpHSetNx(Access& acc, int db, std::string_view key, std::span<const std::string> pair,
                  const storage::HashLimits& limits, bool* set) {
  HashWrite h(acc, db, key);
  if (OpStatus st = h.Open(); st != OpStatus::kOk) return st;
  *set = !h->Contains(pair[0]);
  if (!*set) return OpStatus::kOk;
  h->ConvertForWrite(pair, limits);
  h->Set(pair[0], pair[1], limits);
  h.Commit();
  return OpStatus::kOk;
}

// HDEL's op: removes fields; *deleted counts them, *emptied says the key went with the last.
OpStatus OpHDel(Access& acc, int db, std::string_view key, std::span<const std::string> fields,
                int64_t* deleted, bool* emptied) {
  HashValue* h;
  EntryRef e;
  *deleted = 0;
  *emptied = false;
  if (OpStatus st = FindHash(acc, db, key, kLookupWrite, &h, &e); st != OpStatus::kOk || !h)
    return st;
  for (const std::string& f : fields) {
    if (!h->Delete(f)) continue;
    ++*deleted;
    if (h->empty()) {
      acc.Erase(&e);
      *emptied = true;
      return OpStatus::kOk;
    }
  }
  if (*deleted > 0) acc.NoteObjectChanged(&e);
  return OpStatus::kOk;
}

// HINCRBY's op: adds incr to the integer in field (0 when absent).
OpStatus OpHIncrBy(Access& acc, int db, std::string_view key, std::string_view field, int64_t incr,
                   const storage::HashLimits& limits, int64_t* result) {
  HashWrite h(acc, db, key);
  if (OpStatus st = h.Open(); st != OpStatus::kOk) return st;
  HashValue::NumBuf buf;
  int64_t value = 0;
  if (auto cur = h->Get(field, &buf)) {
    if (!ParseInt64(*cur, &value)) return OpStatus::kHashNotInteger;
  }
  if ((incr < 0 && value < 0 && incr < std::numeric_limits<int64_t>::min() - value) ||
      (incr > 0 && value > 0 && incr > std::numeric_limits<int64_t>::max() - value)) {
    return OpStatus::kOverflow;
  }
  value += incr;
  char digits[storage::kInt64MaxDigits + 4];
  h->Set(field, storage::FormatInt64(value, digits), limits);
  h.Commit();
  *result = value;
  return OpStatus::kOk;
}

// HINCRBYFLOAT's op: adds incr to the number in field (0 when absent) and stores it in
// Redis's human form; *out is that form, formatted into buf (kMaxLongDoubleChars bytes).
OpStatus OpHIncrByFloat(Access& acc, int db, std::string_view key, std::string_view field,
                        long double incr, const storage::HashLimits& limits, char* buf,
                        std::string_view* out) {
  HashWrite h(acc, db, key);
  if (OpStatus st = h.Open(); st != OpStatus::kOk) return st;
  HashValue::NumBuf num;
  long double value = 0;
  if (auto cur = h->Get(field, &num)) {
    if (!ParseLongDouble(*cur, &value)) return OpStatus::kHashNotFloat;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) return OpStatus::kNanOrInfinity;
  *out = FormatLongDoubleHuman(value, buf);
  h->Set(field, *out, limits);
  h.Commit();
  return OpStatus::kOk;
}

// ---------------------------------------------------------------------------------------------
// Cmds: parse arguments, run the op under the key's lock, reply.

// The generic HSET behind HSET (replies the number of new fields) and HMSET (+OK).
void HSetGeneric(CommandContext& ctx, bool hmset) {
  const auto& argv = ctx.argv;
  if (argv.size() % 2 == 1) return ctx.reply.Error(errors::WrongArity(ctx.spec.name));
  const storage::HashLimits limits = Limits(ctx);
  int64_t added = 0;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(argv[1]);
    st = OpHSet(acc, Db(ctx), argv[1], std::span<const std::string>(argv).subspan(2), limits,
                &added);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  Notify(ctx, kNotifyHash, "hset", argv[1]);
  if (hmset) {
    ctx.reply.Ok();
  } else {
    ctx.reply.Integer(added);
  }
}

// HSET key field value [field value ...]
void HSetCmd(CommandContext& ctx) { HSetGeneric(ctx, false); }

// HMSET key field value [field value ...]
void HMSetCmd(CommandContext& ctx) { HSetGeneric(ctx, true); }

// HSETNX key field value
void HSetNxCmd(CommandContext& ctx) {
  const storage::HashLimits limits = Limits(ctx);
  bool set = false;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
    st = OpHSetNx(acc, Db(ctx), ctx.argv[1], std::span<const std::string>(ctx.argv).subspan(2),
                  limits, &set);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  if (set) Notify(ctx, kNotifyHash, "hset", ctx.argv[1]);
  ctx.reply.Integer(set ? 1 : 0);
}

// HGET key field
void HGetCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), ctx.argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  HashValue::NumBuf buf;
  std::optional<std::string_view> v = h ? h->Get(ctx.argv[2], &buf) : std::nullopt;
  if (v) {
    ctx.reply.Bulk(*v);
  } else {
    ctx.reply.Null();
  }
}

// HMGET key field [field ...]
void HMGetCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), ctx.argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  ctx.reply.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    HashValue::NumBuf buf;
    std::optional<std::string_view> v = h ? h->Get(ctx.argv[i], &buf) : std::nullopt;
    if (v) {
      ctx.reply.Bulk(*v);
    } else {
      ctx.reply.Null();
    }
  }
}

// HDEL key field [field ...]
void HDelCmd(CommandContext& ctx) {
  int64_t deleted = 0;
  bool emptied = false;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
    st = OpHDel(acc, Db(ctx), ctx.argv[1], std::span<const std::string>(ctx.argv).subspan(2),
                &deleted, &emptied);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  if (deleted > 0) {
    Notify(ctx, kNotifyHash, "hdel", ctx.argv[1]);
    if (emptied) Notify(ctx, kNotifyGeneric, "del", ctx.argv[1]);
  }
  ctx.reply.Integer(deleted);
}

// HLEN key
void HLenCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), ctx.argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  ctx.reply.Integer(h ? static_cast<int64_t>(h->size()) : 0);
}

// HSTRLEN key field
void HStrLenCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), ctx.argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  HashValue::NumBuf buf;
  std::optional<std::string_view> v = h ? h->Get(ctx.argv[2], &buf) : std::nullopt;
  ctx.reply.Integer(v ? static_cast<int64_t>(v->size()) : 0);
}

// HEXISTS key field
void HExistsCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), ctx.argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  ctx.reply.Integer(h && h->Contains(ctx.argv[2]) ? 1 : 0);
}

enum GetAllParts : unsigned { kFields = 1, kValues = 2 };

// The generic HGETALL behind HKEYS (fields), HVALS (values) and HGETALL (a map of both).
void GetAllGeneric(CommandContext& ctx, unsigned parts) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), ctx.argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  const size_t n = h ? h->size() : 0;
  if (parts == (kFields | kValues)) {
    ctx.reply.MapHeader(n);
  } else {
    ctx.reply.ArrayHeader(n);
  }
  if (h == nullptr) return;
  h->ForEach([&](std::string_view f, std::string_view v) {
    if (parts & kFields) ctx.reply.Bulk(f);
    if (parts & kValues) ctx.reply.Bulk(v);
  });
}

// HKEYS key
void HKeysCmd(CommandContext& ctx) { GetAllGeneric(ctx, kFields); }

// HVALS key
void HValsCmd(CommandContext& ctx) { GetAllGeneric(ctx, kValues); }

// HGETALL key
void HGetAllCmd(CommandContext& ctx) { GetAllGeneric(ctx, kFields | kValues); }

// HINCRBY key field increment
void HIncrByCmd(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.argv[3], &incr)) return ctx.reply.Error(errors::kNotInteger);
  const storage::HashLimits limits = Limits(ctx);
  int64_t result = 0;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
    st = OpHIncrBy(acc, Db(ctx), ctx.argv[1], ctx.argv[2], incr, limits, &result);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  Notify(ctx, kNotifyHash, "hincrby", ctx.argv[1]);
  ctx.reply.Integer(result);
}

// HINCRBYFLOAT key field increment
void HIncrByFloatCmd(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.argv[3], &incr)) return ctx.reply.Error(errors::kNotFloat);
  if (std::isnan(incr) || std::isinf(incr)) return ctx.reply.Error(kIncrNanOrInfinity);
  const storage::HashLimits limits = Limits(ctx);
  char buf[kMaxLongDoubleChars];
  std::string_view result;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
    st = OpHIncrByFloat(acc, Db(ctx), ctx.argv[1], ctx.argv[2], incr, limits, buf, &result);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  Notify(ctx, kNotifyHash, "hincrbyfloat", ctx.argv[1]);
  ctx.reply.Bulk(result);
}

// HRANDFIELD key [count [WITHVALUES]]
void HRandFieldCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t count = 0;
  bool with_values = false;
  if (argv.size() >= 3) {
    if (!ParseInt64(argv[2], &count)) return ctx.reply.Error(errors::kNotInteger);
    if (count == std::numeric_limits<int64_t>::min()) return ctx.reply.Error(kCountOutOfRange);
    if (argv.size() > 4 || (argv.size() == 4 && !EqualsNoCase(CWord(argv[3]), "withvalues")))
      return ctx.reply.Error(errors::kSyntax);
    if (argv.size() == 4) {
      with_values = true;
      constexpr int64_t kHalf = std::numeric_limits<int64_t>::max() / 2;
      if (count < -kHalf || count > kHalf) return ctx.reply.Error(kOutOfRange);
    }
  }

  Access acc = ctx.server.keyspace().Lock(argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  auto& r = ctx.reply;
  if (argv.size() == 2) {
    // A single field, as a bulk string.
    if (h == nullptr) return r.Null();
    return h->RandomPair(ThreadRng(), [&](std::string_view f, std::string_view) { r.Bulk(f); });
  }
  if (h == nullptr || count == 0) return r.EmptyArray();

  const bool pairs_as_arrays = with_values && r.protocol() >= 3;
  const bool flat_pairs = with_values && !pairs_as_arrays;
  auto emit = [&](std::string_view f, std::string_view v) {
    if (pairs_as_arrays) r.ArrayHeader(2);
    r.Bulk(f);
    if (with_values) r.Bulk(v);
  };
  if (count < 0 || count == 1) {
    // Independent draws: repeats allowed, random order.
    const uint64_t draws = count < 0 ? 0 - static_cast<uint64_t>(count) : 1;
    if (draws > kMaxRandomDraws) return r.Error(kOutOfRange);
    r.ArrayHeader(flat_pairs ? draws * 2 : draws);
    return h->RandomPairs(draws, ThreadRng(), emit);
  }
  // Distinct fields: the whole hash when count reaches its size.
  const size_t n = std::min<uint64_t>(static_cast<uint64_t>(count), h->size());
  r.ArrayHeader(flat_pairs ? n * 2 : n);
  h->RandomDistinctPairs(n, ThreadRng(), emit);
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void HScanCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  uint64_t cursor = 0;
  if (!ParseScanCursor(argv[2], &cursor)) return ctx.reply.Error(errors::kInvalidCursor);

  Access acc = ctx.server.keyspace().Lock(argv[1]);
  HashValue* h;
  if (OpStatus st = FindHash(acc, Db(ctx), argv[1], kLookupRead, &h); st != OpStatus::kOk)
    return ReplyStatus(ctx, st);
  auto& r = ctx.reply;
  if (h == nullptr) {
    r.ArrayHeader(2);
    r.Bulk("0");
    return r.EmptyArray();
  }
  // Options are parsed after the lookup, as Redis's scanGenericCommand does.
  ScanArgs args;
  if (!ParseScanOptions(ctx, 3, false, &args)) return;
  const int64_t count = static_cast<int64_t>(args.count);
  std::optional<std::string_view> pattern = args.pattern;
  if (pattern && storage::GlobMatchesAll(*pattern)) pattern.reset();

  // The pairs are written to a side buffer first: the array length is known only after.
  std::string body;
  protocol::ReplyBuilder side(&body, r.protocol());
  size_t collected = 0;  // elements visited, fields and values both, as Redis counts them
  size_t kept = 0;
  auto visit = [&](std::string_view f, std::string_view v) {
    collected += 2;
    if (pattern && !storage::GlobMatch(*pattern, f)) return;
    side.Bulk(f);
    side.Bulk(v);
    kept += 2;
  };
  if (h->encoding() == storage::Encoding::kListpack) {
    cursor = h->ScanStep(cursor, visit);
  } else {
    int64_t max_steps = count * 10;
    do {
      cursor = h->ScanStep(cursor, visit);
    } while (cursor != 0 && max_steps-- > 0 && collected < static_cast<uint64_t>(count));
  }
  r.ArrayHeader(2);
  r.Bulk(std::to_string(cursor));
  r.ArrayHeader(kept);
  r.Raw(body);
}

}  // namespace

void RegisterHashFamily(CommandRegistry& registry) {
  constexpr const char* kO1 = "O(1)";
  constexpr const char* kOSize = "O(N) where N is the size of the hash.";
  const auto one_key = [](CommandSpec spec, const char* key_flags) {
    spec.first_key = 1;
    spec.last_key = 1;
    spec.step = 1;
    spec.key_specs = {OneKey(key_flags)};
    spec.group = "hash";
    return spec;
  };
  registry.Register(one_key({.name = "hset",
                             .arity = -4,
                             .flags = "write denyoom fast",
                             .acl = "write hash fast",
                             .handler = HSetCmd,
                             .summary = "Set the string value of a hash field",
                             .since = "2.0.0",
                             .complexity = "O(1) for each field/value pair added, so O(N) to add "
                                           "N field/value pairs when the command is called with "
                                           "multiple field/value pairs."},
                            "RW update"));
  registry.Register(
      one_key({.name = "hsetnx",
               .arity = 4,
               .flags = "write denyoom fast",
               .acl = "write hash fast",
               .handler = HSetNxCmd,
               .summary = "Set the value of a hash field, only if the field does not exist",
               .since = "2.0.0",
               .complexity = kO1},
              "RW insert"));
  registry.Register(one_key({.name = "hget",
                             .arity = 3,
                             .flags = "readonly fast",
                             .acl = "read hash fast",
                             .handler = HGetCmd,
                             .summary = "Get the value of a hash field",
                             .since = "2.0.0",
                             .complexity = kO1},
                            "RO access"));
  registry.Register(one_key({.name = "hmget",
                             .arity = -3,
                             .flags = "readonly fast",
                             .acl = "read hash fast",
                             .handler = HMGetCmd,
                             .summary = "Get the values of all the given hash fields",
                             .since = "2.0.0",
                             .complexity = "O(N) where N is the number of fields being requested."},
                            "RO access"));
  registry.Register(one_key({.name = "hmset",
                             .arity = -4,
                             .flags = "write denyoom fast",
                             .acl = "write hash fast",
                             .handler = HMSetCmd,
                             .summary = "Set multiple hash fields to multiple values",
                             .since = "2.0.0",
                             .complexity = "O(N) where N is the number of fields being set."},
                            "RW update"));
  registry.Register(one_key({.name = "hdel",
                             .arity = -3,
                             .flags = "write fast",
                             .acl = "write hash fast",
                             .handler = HDelCmd,
                             .summary = "Delete one or more hash fields",
                             .since = "2.0.0",
                             .complexity = "O(N) where N is the number of fields to be removed."},
                            "RW delete"));
  registry.Register(one_key({.name = "hlen",
                             .arity = 2,
                             .flags = "readonly fast",
                             .acl = "read hash fast",
                             .handler = HLenCmd,
                             .summary = "Get the number of fields in a hash",
                             .since = "2.0.0",
                             .complexity = kO1},
                            "RO"));
  registry.Register(one_key({.name = "hstrlen",
                             .arity = 3,
                             .flags = "readonly fast",
                             .acl = "read hash fast",
                             .handler = HStrLenCmd,
                             .summary = "Get the length of the value of a hash field",
                             .since = "3.2.0",
                             .complexity = kO1},
                            "RO"));
  registry.Register(one_key({.name = "hexists",
                             .arity = 3,
                             .flags = "readonly fast",
                             .acl = "read hash fast",
                             .handler = HExistsCmd,
                             .summary = "Determine if a hash field exists",
                             .since = "2.0.0",
                             .complexity = kO1},
                            "RO"));
  registry.Register(one_key({.name = "hkeys",
                             .arity = 2,
                             .flags = "readonly",
                             .acl = "read hash slow",
                             .tips = "nondeterministic_output_order",
                             .handler = HKeysCmd,
                             .summary = "Get all the fields in a hash",
                             .since = "2.0.0",
                             .complexity = kOSize},
                            "RO access"));
  registry.Register(one_key({.name = "hvals",
                             .arity = 2,
                             .flags = "readonly",
                             .acl = "read hash slow",
                             .tips = "nondeterministic_output_order",
                             .handler = HValsCmd,
                             .summary = "Get all the values in a hash",
                             .since = "2.0.0",
                             .complexity = kOSize},
                            "RO access"));
  registry.Register(one_key({.name = "hgetall",
                             .arity = 2,
                             .flags = "readonly",
                             .acl = "read hash slow",
                             .tips = "nondeterministic_output_order",
                             .handler = HGetAllCmd,
                             .summary = "Get all the fields and values in a hash",
                             .since = "2.0.0",
                             .complexity = kOSize},
                            "RO access"));
  registry.Register(
      one_key({.name = "hincrby",
               .arity = 4,
               .flags = "write denyoom fast",
               .acl = "write hash fast",
               .handler = HIncrByCmd,
               .summary = "Increment the integer value of a hash field by the given number",
               .since = "2.0.0",
               .complexity = kO1},
              "RW access update"));
  registry.Register(
      one_key({.name = "hincrbyfloat",
               .arity = 4,
               .flags = "write denyoom fast",
               .acl = "write hash fast",
               .handler = HIncrByFloatCmd,
               .summary = "Increment the float value of a hash field by the given amount",
               .since = "2.6.0",
               .complexity = kO1},
              "RW access update"));
  registry.Register(one_key({.name = "hrandfield",
                             .arity = -2,
                             .flags = "readonly",
                             .acl = "read hash slow",
                             .tips = "nondeterministic_output",
                             .handler = HRandFieldCmd,
                             .summary = "Get one or multiple random fields from a hash",
                             .since = "6.2.0",
                             .complexity = "O(N) where N is the number of fields returned"},
                            "RO access"));
  registry.Register(
      one_key({.name = "hscan",
               .arity = -3,
               .flags = "readonly",
               .acl = "read hash slow",
               .tips = "nondeterministic_output",
               .handler = HScanCmd,
               .summary = "Incrementally iterate hash fields and associated values",
               .since = "2.8.0",
               .complexity = "O(1) for every call. O(N) for a complete iteration, including "
                             "enough command calls for the cursor to return back to 0. N is the "
                             "number of elements inside the collection.."},
              "RO access"));
}

}  // namespace cachet::commands
