// String commands: GET and SET with their variants, counters, ranges, MGET/MSET and LCS.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
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
#include "cachet/config/config.h"
#include "cachet/storage/keyspace.h"

namespace cachet::commands {
namespace {

using storage::Access;
using storage::EntryRef;
using storage::IntBuffer;
using storage::kLookupRead;
using storage::kLookupWrite;
using storage::kNoExpire;
using storage::ValueType;

// Errors only this family replies with, worded as Redis 7.0 words them.
constexpr std::string_view kDecrOverflow = "ERR decrement would overflow";
constexpr std::string_view kNanOrInfinity = "ERR increment would produce NaN or Infinity";
constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
constexpr std::string_view kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
constexpr std::string_view kLcsNotStrings = "ERR The specified keys must contain string values";
constexpr std::string_view kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
constexpr std::string_view kLcsTooLong = "ERR String too long for LCS";
constexpr std::string_view kLcsOverLimit =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
constexpr std::string_view kLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";

// How an op ended; the cmd turns anything but kOk into its reply.
enum class OpStatus {
  kOk,
  kWrongType,
  kNotInteger,
  kNotFloat,
  kOverflow,
  kNanOrInfinity,
  kTooLong,
  kInvalidExpire,
  kSkipped,  // NX/XX (or MSETNX) declined the write
};

void ReplyInvalidExpire(CommandContext& ctx) {
  std::string msg = "ERR invalid expire time in '";
  msg += ctx.spec.name;
  msg += "' command";
  ctx.reply.Error(msg);
}

// Replies with the error of a failed op (never called with kOk or kSkipped).
void ReplyStatus(CommandContext& ctx, OpStatus status) {
  switch (status) {
    case OpStatus::kWrongType:
      ctx.reply.Error(errors::kWrongType);
      break;
    case OpStatus::kNotInteger:
      ctx.reply.Error(errors::kNotInteger);
      break;
    case OpStatus::kNotFloat:
      ctx.reply.Error(errors::kNotFloat);
      break;
    case OpStatus::kOverflow:
      ctx.reply.Error(errors::kIncrOverflow);
      break;
    case OpStatus::kNanOrInfinity:
      ctx.reply.Error(kNanOrInfinity);
      break;
    case OpStatus::kTooLong:
      ctx.reply.Error(kStringTooLong);
      break;
    case OpStatus::kInvalidExpire:
      ReplyInvalidExpire(ctx);
      break;
    case OpStatus::kOk:
    case OpStatus::kSkipped:
      break;
  }
}

// The longest string a command may build: proto-max-bulk-len.
uint64_t MaxBulkLen(CommandContext& ctx) {
  const int64_t max = ctx.server.config().GetInt("proto-max-bulk-len");
  return max < 0 ? UINT64_MAX : static_cast<uint64_t>(max);
}

// Whether offset + len stays within max, overflow included (Redis's checkStringLength).
bool Fits(uint64_t max, uint64_t offset, uint64_t len) { return len <= max && offset <= max - len; }

// ---------------------------------------------------------------------------------------------
// Expire options shared by SET and GETEX.

enum ExtFlag : uint32_t {
  kNx = 1u << 0,
  kXx = 1u << 1,
  kEx = 1u << 2,
  kPx = 1u << 3,
  kKeepTtl = 1u << 4,
  kGet = 1u << 5,
  kExAt = 1u << 6,
  kPxAt = 1u << 7,
  kPersist = 1u << 8,
};
constexpr uint32_t kAnyExpire = kEx | kPx | kExAt | kPxAt;

// The options of a SET or GETEX, and the expire argument they name (if any).
struct ExtArgs {
  uint32_t flags = 0;
  const std::string* expire = nullptr;
};

enum class ExtCommand { kGetEx, kSet };

// Redis's parseExtendedStringArgumentsOrReply: the options from argv[3] on (SET) or argv[2] on
// (GETEX). A repeated option is accepted; conflicting ones, or an EX/PX/EXAT/PXAT without a
// value, are a syntax error (false).
bool ParseExtArgs(const std::vector<std::string>& argv, ExtCommand cmd, ExtArgs* out) {
  const bool is_set = cmd == ExtCommand::kSet;
  uint32_t& f = out->flags;
  for (size_t j = is_set ? 3 : 2; j < argv.size(); ++j) {
    const std::string_view opt = CWord(argv[j]);
    const bool has_next = j + 1 < argv.size();
    if (is_set && EqualsNoCase(opt, "nx") && !(f & kXx)) {
      f |= kNx;
    } else if (is_set && EqualsNoCase(opt, "xx") && !(f & kNx)) {
      f |= kXx;
    } else if (is_set && EqualsNoCase(opt, "get")) {
      f |= kGet;
    } else if (is_set && EqualsNoCase(opt, "keepttl") && !(f & (kPersist | kAnyExpire))) {
      f |= kKeepTtl;
    } else if (!is_set && EqualsNoCase(opt, "persist") && !(f & (kAnyExpire | kKeepTtl))) {
      f |= kPersist;
    } else if (EqualsNoCase(opt, "ex") && has_next &&
               !(f & (kKeepTtl | kPersist | (kAnyExpire & ~kEx)))) {
      f |= kEx;
      out->expire = &argv[++j];
    } else if (EqualsNoCase(opt, "px") && has_next &&
               !(f & (kKeepTtl | kPersist | (kAnyExpire & ~kPx)))) {
      f |= kPx;
      out->expire = &argv[++j];
    } else if (EqualsNoCase(opt, "exat") && has_next &&
               !(f & (kKeepTtl | kPersist | (kAnyExpire & ~kExAt)))) {
      f |= kExAt;
      out->expire = &argv[++j];
    } else if (EqualsNoCase(opt, "pxat") && has_next &&
               !(f & (kKeepTtl | kPersist | (kAnyExpire & ~kPxAt)))) {
      f |= kPxAt;
      out->expire = &argv[++j];
    } else {
      return false;
    }
  }
  return true;
}

// Redis's getExpireMillisecondsOrReply: the absolute expiry time in Unix ms that `arg` means
// under the unit flag (kEx, kPx, kExAt or kPxAt), relative ones counted from now_ms. Not an
// integer: kNotInteger. Not positive, or overflowing on the way to ms: kInvalidExpire.
OpStatus ResolveExpire(std::string_view arg, uint32_t unit, int64_t now_ms, int64_t* when_ms) {
  int64_t v;
  if (!ParseInt64(arg, &v)) return OpStatus::kNotInteger;
  const bool seconds = (unit & (kEx | kExAt)) != 0;
  if (v <= 0 || (seconds && v > INT64_MAX / 1000)) return OpStatus::kInvalidExpire;
  if (seconds) v *= 1000;
  if (unit & (kEx | kPx)) {
    if (__builtin_add_overflow(v, now_ms, &v)) return OpStatus::kInvalidExpire;
  }
  if (v <= 0) return OpStatus::kInvalidExpire;
  *when_ms = v;
  return OpStatus::kOk;
}

// ---------------------------------------------------------------------------------------------
// Ops: work on keys under an Access the cmd holds. They reply nothing themselves; values they
// hand out stay valid until the next write through the Access.

// GET's op: *out is the string at key, nullopt when there is none.
OpStatus OpGet(Access& acc, int db, std::string_view key, uint32_t lookup, IntBuffer* buf,
               std::optional<std::string_view>* out) {
  EntryRef e = acc.Find(db, key, lookup);
  if (!e) {
    out->reset();
    return OpStatus::kOk;
  }
  if (e.type() != ValueType::kString) return OpStatus::kWrongType;
  *out = e.StringView(buf);
  return OpStatus::kOk;
}

// What SET and its variants are asked to do.
struct SetRequest {
  uint32_t flags = 0;             // kNx, kXx, kKeepTtl, kGet (ExtFlag)
  int64_t expire_ms = kNoExpire;  // absolute
};

// SET's op (Redis's setGenericCommand after the expire argument is resolved). With kGet the
// key is first read as GET reads it, and on_old(value or nullopt) sees its string before it
// changes; a non-string is then kWrongType and nothing is written. NX/XX decide whether the
// write happens (kSkipped when not). A time already past leaves a key that is expired, as
// Redis 7.0 leaves it.
template <typename OnOld>
OpStatus OpSet(Access& acc, int db, std::string_view key, std::string_view value,
               const SetRequest& req, OnOld&& on_old) {
  EntryRef old;
  if (req.flags & kGet) {
    old = acc.Find(db, key, kLookupRead);
    if (old && old.type() != ValueType::kString) return OpStatus::kWrongType;
    IntBuffer buf;
    on_old(old ? std::optional<std::string_view>(old.StringView(&buf)) : std::nullopt);
  } else if (req.flags & (kNx | kXx)) {
    old = acc.Find(db, key, kLookupWrite);
  }
  if (((req.flags & kNx) && old) || ((req.flags & kXx) && !old)) return OpStatus::kSkipped;
  acc.SetString(db, key, value,
                {.expire_ms = req.expire_ms, .keep_ttl = (req.flags & kKeepTtl) != 0});
  return OpStatus::kOk;
}

// INCRBY's op: adds incr to the integer at key (0 when missing), keeping its TTL.
OpStatus OpIncrBy(Access& acc, int db, std::string_view key, int64_t incr, int64_t* result) {
  EntryRef e = acc.Find(db, key, kLookupWrite);
  int64_t value = 0;
  if (e) {
    if (e.type() != ValueType::kString) return OpStatus::kWrongType;
    if (e.is_int()) {
      value = e.int_value();
    } else if (!ParseInt64(e.string_bytes(), &value)) {
      return OpStatus::kNotInteger;
    }
  }
  if ((incr < 0 && value < 0 && incr < INT64_MIN - value) ||
      (incr > 0 && value > 0 && incr > INT64_MAX - value)) {
    return OpStatus::kOverflow;
  }
  value += incr;
  if (e) {
    acc.ReplaceInt(&e, value);
  } else {
    acc.Set(db, key, storage::Value::Int(value));
  }
  *result = value;
  return OpStatus::kOk;
}

// INCRBYFLOAT's op: adds *incr to the number at key (0 when missing), keeping its TTL, and
// stores it in Redis's human form; *out is that form, formatted into buf
// (kMaxLongDoubleChars bytes). incr is null when the argument was not a number: the key's
// type and value are still checked first, as Redis checks them.
OpStatus OpIncrByFloat(Access& acc, int db, std::string_view key, const long double* incr,
                       char* buf, std::string_view* out) {
  EntryRef e = acc.Find(db, key, kLookupWrite);
  long double value = 0;
  if (e) {
    if (e.type() != ValueType::kString) return OpStatus::kWrongType;
    if (e.is_int()) {
      value = static_cast<long double>(e.int_value());
    } else if (!ParseLongDouble(e.string_bytes(), &value)) {
      return OpStatus::kNotFloat;
    }
  }
  if (incr == nullptr) return OpStatus::kNotFloat;
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) return OpStatus::kNanOrInfinity;
  *out = FormatLongDoubleHuman(value, buf);
  if (e) {
    acc.ReplaceValue(&e, storage::Value::Bytes(*out));
  } else {
    acc.Set(db, key, storage::Value::Bytes(*out));
  }
  return OpStatus::kOk;
}

// APPEND's op: *len is the string's length afterwards, which may not pass max_len. A missing
// key is created as SET creates it; an existing one becomes raw.
OpStatus OpAppend(Access& acc, int db, std::string_view key, std::string_view tail,
                  uint64_t max_len, size_t* len) {
  EntryRef e = acc.Find(db, key, kLookupWrite);
  if (!e) {
    acc.SetString(db, key, tail);
    *len = tail.size();
    return OpStatus::kOk;
  }
  if (e.type() != ValueType::kString) return OpStatus::kWrongType;
  const size_t old_len = e.StringLength();
  if (!Fits(max_len, old_len, tail.size())) return OpStatus::kTooLong;
  acc.AppendString(&e, tail);
  *len = old_len + tail.size();
  return OpStatus::kOk;
}

// SETRANGE's op: writes value at offset (zero-filling any gap), *len being the length
// afterwards, which may not pass max_len. An empty value changes nothing and creates nothing.
OpStatus OpSetRange(Access& acc, int db, std::string_view key, uint64_t offset,
                    std::string_view value, uint64_t max_len, size_t* len) {
  EntryRef e = acc.Find(db, key, kLookupWrite);
  if (e && e.type() != ValueType::kString) return OpStatus::kWrongType;
  const size_t old_len = e ? e.StringLength() : 0;
  if (value.empty()) {
    *len = old_len;
    return OpStatus::kOk;
  }
  if (!Fits(max_len, offset, value.size())) return OpStatus::kTooLong;
  if (!e) e = acc.Set(db, key, storage::Value::RawString({}));
  const size_t new_len = std::max<size_t>(old_len, offset + value.size());
  char* data = acc.ResizeRawString(&e, new_len);
  std::memcpy(data + offset, value.data(), value.size());
  *len = new_len;
  return OpStatus::kOk;
}

// GETRANGE's op: *out is the bytes from start to end inclusive (negative counting from the
// end, clamped to the string), empty when the key is missing or the range is.
OpStatus OpGetRange(Access& acc, int db, std::string_view key, int64_t start, int64_t end,
                    IntBuffer* buf, std::string_view* out) {
  *out = {};
  EntryRef e = acc.Find(db, key, kLookupRead);
  if (!e) return OpStatus::kOk;
  if (e.type() != ValueType::kString) return OpStatus::kWrongType;
  const std::string_view s = e.StringView(buf);
  const int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) return OpStatus::kOk;
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) return OpStatus::kOk;
  *out = s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start + 1));
  return OpStatus::kOk;
}

// MSET's op: sets every key/value pair of argv[1...]; with nx, only when none of the keys
// exists (kSkipped otherwise).
OpStatus OpMSet(Access& acc, int db, const std::vector<std::string>& argv, bool nx) {
  if (nx) {
    for (size_t j = 1; j < argv.size(); j += 2) {
      if (acc.Find(db, argv[j], kLookupWrite)) return OpStatus::kSkipped;
    }
  }
  for (size_t j = 1; j < argv.size(); j += 2) acc.SetString(db, argv[j], argv[j + 1]);
  return OpStatus::kOk;
}

// LCS's op: copies the strings at both keys (missing ones are empty) so the comparison can
// run without the locks.
OpStatus OpLcsFetch(Access& acc, int db, std::string_view key1, std::string_view key2,
                    std::string* a, std::string* b) {
  EntryRef ea = acc.Find(db, key1, kLookupRead);
  EntryRef eb = acc.Find(db, key2, kLookupRead);
  if ((ea && ea.type() != ValueType::kString) || (eb && eb.type() != ValueType::kString))
    return OpStatus::kWrongType;
  if (ea) ea.AppendStringTo(a);
  if (eb) eb.AppendStringTo(b);
  return OpStatus::kOk;
}

// ---------------------------------------------------------------------------------------------
// Cmds: parse arguments, run the op under the keys' locks, reply.

// GET key
void GetCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  IntBuffer buf;
  std::optional<std::string_view> value;
  OpStatus st = OpGet(acc, Db(ctx), ctx.argv[1], kLookupRead, &buf, &value);
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  if (value) {
    ctx.reply.Bulk(*value);
  } else {
    ctx.reply.Null();
  }
}

enum class SetReply { kOk, kOne };  // what a done write replies: +OK, or :1 (and :0 if skipped)

// The generic SET behind SET, SETNX, SETEX, PSETEX and GETSET: resolves the expire argument
// (an error before anything else), then runs OpSet and replies as the variant does: the old
// value with kGet, else +OK / :1 when written and nil / :0 when NX or XX declined.
void SetGeneric(CommandContext& ctx, const ExtArgs& args, const std::string& key,
                const std::string& value, SetReply reply_kind) {
  Access acc = ctx.server.keyspace().Lock(key);
  SetRequest req{.flags = args.flags};
  if (args.expire != nullptr) {
    OpStatus st =
        ResolveExpire(*args.expire, args.flags & kAnyExpire, acc.now_ms(), &req.expire_ms);
    if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  }
  const bool get = (args.flags & kGet) != 0;
  OpStatus st = OpSet(acc, Db(ctx), key, value, req, [&](std::optional<std::string_view> old) {
    if (old) {
      ctx.reply.Bulk(*old);
    } else {
      ctx.reply.Null();
    }
  });
  if (st == OpStatus::kWrongType) return ReplyStatus(ctx, st);
  if (st == OpStatus::kOk) {
    // After the old value with GET, before the reply otherwise, as Redis.
    Notify(ctx, kNotifyString, "set", key);
    if (args.expire != nullptr) Notify(ctx, kNotifyGeneric, "expire", key);
  }
  if (get) return;
  if (reply_kind == SetReply::kOne) {
    ctx.reply.Integer(st == OpStatus::kOk ? 1 : 0);
  } else if (st == OpStatus::kOk) {
    ctx.reply.Ok();
  } else {
    ctx.reply.Null();
  }
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//     PXAT unix-time-milliseconds | KEEPTTL]
void SetCmd(CommandContext& ctx) {
  ExtArgs args;
  if (!ParseExtArgs(ctx.argv, ExtCommand::kSet, &args)) return ctx.reply.Error(errors::kSyntax);
  SetGeneric(ctx, args, ctx.argv[1], ctx.argv[2], SetReply::kOk);
}

// SETNX key value
void SetNxCmd(CommandContext& ctx) {
  SetGeneric(ctx, {.flags = kNx}, ctx.argv[1], ctx.argv[2], SetReply::kOne);
}

// SETEX key seconds value
void SetExCmd(CommandContext& ctx) {
  SetGeneric(ctx, {.flags = kEx, .expire = &ctx.argv[2]}, ctx.argv[1], ctx.argv[3], SetReply::kOk);
}

// PSETEX key milliseconds value
void PSetExCmd(CommandContext& ctx) {
  SetGeneric(ctx, {.flags = kPx, .expire = &ctx.argv[2]}, ctx.argv[1], ctx.argv[3], SetReply::kOk);
}

// GETSET key value
void GetSetCmd(CommandContext& ctx) {
  SetGeneric(ctx, {.flags = kGet}, ctx.argv[1], ctx.argv[2], SetReply::kOk);
}

// GETDEL key
void GetDelCmd(CommandContext& ctx) {
  const std::string& key = ctx.argv[1];
  const bool lazy = ctx.server.config().GetBool("lazyfree-lazy-user-del");
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupRead);
  if (!e) return ctx.reply.Null();
  if (e.type() != ValueType::kString) return ctx.reply.Error(errors::kWrongType);
  IntBuffer buf;
  ctx.reply.Bulk(e.StringView(&buf));
  acc.Erase(&e, lazy);
  Notify(ctx, kNotifyGeneric, "del", key);
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//     PXAT unix-time-milliseconds | PERSIST]
void GetExCmd(CommandContext& ctx) {
  ExtArgs args;
  if (!ParseExtArgs(ctx.argv, ExtCommand::kGetEx, &args)) return ctx.reply.Error(errors::kSyntax);
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupRead);
  if (!e) return ctx.reply.Null();
  if (e.type() != ValueType::kString) return ctx.reply.Error(errors::kWrongType);
  int64_t when_ms = kNoExpire;
  if (args.expire != nullptr) {
    OpStatus st = ResolveExpire(*args.expire, args.flags & kAnyExpire, acc.now_ms(), &when_ms);
    if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  }
  IntBuffer buf;
  ctx.reply.Bulk(e.StringView(&buf));
  if ((args.flags & (kExAt | kPxAt)) && when_ms <= acc.now_ms()) {
    // An absolute time already past deletes the key, as Redis's checkAlreadyExpired does.
    acc.Erase(&e, ctx.server.config().GetBool("lazyfree-lazy-expire"));
    Notify(ctx, kNotifyGeneric, "del", key);
  } else if (args.expire != nullptr) {
    acc.SetExpire(&e, when_ms);
    Notify(ctx, kNotifyGeneric, "expire", key);
  } else if (args.flags & kPersist) {
    if (acc.Persist(&e)) Notify(ctx, kNotifyGeneric, "persist", key);
  }
}

// MGET key [key ...]
void MGetCmd(CommandContext& ctx) {
  const auto keys = std::span<const std::string>(ctx.argv).subspan(1);
  Access acc = ctx.server.keyspace().Lock(keys);
  const int db = Db(ctx);
  ctx.reply.ArrayHeader(keys.size());
  for (const std::string& key : keys) {
    IntBuffer buf;
    std::optional<std::string_view> value;
    // A key of another type reads as nil.
    if (OpGet(acc, db, key, kLookupRead, &buf, &value) == OpStatus::kOk && value) {
      ctx.reply.Bulk(*value);
    } else {
      ctx.reply.Null();
    }
  }
}

// The generic MSET behind MSET and MSETNX: all pairs are written at once, under the locks of
// every key's shard.
void MSetGeneric(CommandContext& ctx, bool nx) {
  const auto& argv = ctx.argv;
  if (argv.size() % 2 == 0) return ctx.reply.Error(errors::WrongArity(ctx.spec.name));
  std::vector<std::string_view> keys;
  keys.reserve(argv.size() / 2);
  for (size_t j = 1; j < argv.size(); j += 2) keys.emplace_back(argv[j]);
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(std::span<const std::string_view>(keys));
    st = OpMSet(acc, Db(ctx), argv, nx);
  }
  if (st == OpStatus::kOk) {
    for (size_t j = 1; j < argv.size(); j += 2) Notify(ctx, kNotifyString, "set", argv[j]);
  }
  if (nx) {
    ctx.reply.Integer(st == OpStatus::kOk ? 1 : 0);
  } else {
    ctx.reply.Ok();
  }
}

// MSET key value [key value ...]
void MSetCmd(CommandContext& ctx) { MSetGeneric(ctx, false); }

// MSETNX key value [key value ...]
void MSetNxCmd(CommandContext& ctx) { MSetGeneric(ctx, true); }

// The generic INCRBY behind INCR, DECR, INCRBY and DECRBY.
void IncrByGeneric(CommandContext& ctx, int64_t incr) {
  const std::string& key = ctx.argv[1];
  int64_t result = 0;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(key);
    st = OpIncrBy(acc, Db(ctx), key, incr, &result);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  Notify(ctx, kNotifyString, "incrby", key);
  ctx.reply.Integer(result);
}

// INCR key
void IncrCmd(CommandContext& ctx) { IncrByGeneric(ctx, 1); }

// DECR key
void DecrCmd(CommandContext& ctx) { IncrByGeneric(ctx, -1); }

// INCRBY key increment
void IncrByCmd(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.argv[2], &incr)) return ctx.reply.Error(errors::kNotInteger);
  IncrByGeneric(ctx, incr);
}

// DECRBY key decrement
void DecrByCmd(CommandContext& ctx) {
  int64_t decr;
  if (!ParseInt64(ctx.argv[2], &decr)) return ctx.reply.Error(errors::kNotInteger);
  if (decr == INT64_MIN) return ctx.reply.Error(kDecrOverflow);
  IncrByGeneric(ctx, -decr);
}

// INCRBYFLOAT key increment
void IncrByFloatCmd(CommandContext& ctx) {
  long double incr = 0;
  const bool incr_ok = ParseLongDouble(ctx.argv[2], &incr);
  const std::string& key = ctx.argv[1];
  char buf[kMaxLongDoubleChars];
  std::string_view result;
  Access acc = ctx.server.keyspace().Lock(key);
  OpStatus st = OpIncrByFloat(acc, Db(ctx), key, incr_ok ? &incr : nullptr, buf, &result);
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  Notify(ctx, kNotifyString, "incrbyfloat", key);
  ctx.reply.Bulk(result);
}

// APPEND key value
void AppendCmd(CommandContext& ctx) {
  const std::string& key = ctx.argv[1];
  const uint64_t max_len = MaxBulkLen(ctx);
  size_t len = 0;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(key);
    st = OpAppend(acc, Db(ctx), key, ctx.argv[2], max_len, &len);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  Notify(ctx, kNotifyString, "append", key);
  ctx.reply.Integer(static_cast<int64_t>(len));
}

// STRLEN key
void StrLenCmd(CommandContext& ctx) {
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupRead);
  if (!e) return ctx.reply.Integer(0);
  if (e.type() != ValueType::kString) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.Integer(static_cast<int64_t>(e.StringLength()));
}

// GETRANGE key start end
// SUBSTR key start end
void GetRangeCmd(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.argv[2], &start) || !ParseInt64(ctx.argv[3], &end))
    return ctx.reply.Error(errors::kNotInteger);
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  IntBuffer buf;
  std::string_view out;
  OpStatus st = OpGetRange(acc, Db(ctx), key, start, end, &buf, &out);
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  ctx.reply.Bulk(out);
}

// SETRANGE key offset value
void SetRangeCmd(CommandContext& ctx) {
  int64_t offset;
  if (!ParseInt64(ctx.argv[2], &offset)) return ctx.reply.Error(errors::kNotInteger);
  if (offset < 0) return ctx.reply.Error(kOffsetOutOfRange);
  const std::string& key = ctx.argv[1];
  const uint64_t max_len = MaxBulkLen(ctx);
  size_t len = 0;
  OpStatus st;
  {
    Access acc = ctx.server.keyspace().Lock(key);
    st = OpSetRange(acc, Db(ctx), key, static_cast<uint64_t>(offset), ctx.argv[3], max_len, &len);
  }
  if (st != OpStatus::kOk) return ReplyStatus(ctx, st);
  if (!ctx.argv[3].empty()) Notify(ctx, kNotifyString, "setrange", key);
  ctx.reply.Integer(static_cast<int64_t>(len));
}

// One matching range of LCS IDX: [a_start, a_end] in the first string, [b_start, b_end] in
// the second.
struct LcsRange {
  uint32_t a_start, a_end, b_start, b_end;
};

// Redis's lcsCommand after the lookups: the dynamic-programming table over a and b, walked
// back from the end, replied as the string, its length (LEN) or its ranges (IDX).
void ReplyLcs(CommandContext& ctx, std::string_view a, std::string_view b, bool get_len,
              bool get_idx, bool with_match_len, int64_t min_match_len) {
  if (a.size() >= UINT32_MAX - 1 || b.size() >= UINT32_MAX - 1) return ctx.reply.Error(kLcsTooLong);
  const uint32_t alen = static_cast<uint32_t>(a.size());
  const uint32_t blen = static_cast<uint32_t>(b.size());
  const unsigned long long cells = static_cast<unsigned long long>(alen + 1ULL) * (blen + 1ULL);
  const unsigned long long bytes = cells * sizeof(uint32_t);
  std::unique_ptr<uint32_t, decltype(&std::free)> table(nullptr, &std::free);
  if (bytes < SIZE_MAX && bytes / cells == sizeof(uint32_t)) {
    if (bytes > MaxBulkLen(ctx)) return ctx.reply.Error(kLcsOverLimit);
    table.reset(static_cast<uint32_t*>(std::malloc(bytes)));
  }
  if (!table) return ctx.reply.Error(kLcsNoMemory);
  uint32_t* lcs = table.get();
  auto at = [&](uint32_t i, uint32_t j) -> uint32_t& {
    return lcs[j + static_cast<size_t>(i) * (blen + 1)];
  };
  for (uint32_t i = 0; i <= alen; ++i) {
    for (uint32_t j = 0; j <= blen; ++j) {
      if (i == 0 || j == 0) {
        at(i, j) = 0;
      } else if (a[i - 1] == b[j - 1]) {
        at(i, j) = at(i - 1, j - 1) + 1;
      } else {
        at(i, j) = std::max(at(i - 1, j), at(i, j - 1));
      }
    }
  }

  uint32_t idx = at(alen, blen);
  const bool compute_lcs = get_idx || !get_len;
  std::string result;
  if (compute_lcs) result.resize(idx);
  std::vector<LcsRange> ranges;
  uint32_t arange_start = alen;  // alen: no range under way
  uint32_t arange_end = 0, brange_start = 0, brange_end = 0;
  uint32_t i = alen, j = blen;
  while (compute_lcs && i > 0 && j > 0) {
    bool emit_range = false;
    if (a[i - 1] == b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (arange_start == alen) {
        arange_start = i - 1;
        arange_end = i - 1;
        brange_start = j - 1;
        brange_end = j - 1;
      } else if (arange_start == i && brange_start == j) {
        // Contiguous with the range under way: extend it backwards.
        --arange_start;
        --brange_start;
      } else {
        emit_range = true;
      }
      if (arange_start == 0 || brange_start == 0) emit_range = true;
      --idx;
      --i;
      --j;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) {
        --i;
      } else {
        --j;
      }
      if (arange_start != alen) emit_range = true;
    }
    const uint32_t match_len = arange_end - arange_start + 1;
    if (emit_range) {
      if (min_match_len == 0 || match_len >= min_match_len) {
        ranges.push_back({arange_start, arange_end, brange_start, brange_end});
      }
      arange_start = alen;
    }
  }

  auto& r = ctx.reply;
  if (get_idx) {
    r.MapHeader(2);
    r.Bulk("matches");
    r.ArrayHeader(ranges.size());
    for (const LcsRange& m : ranges) {
      r.ArrayHeader(with_match_len ? 3 : 2);
      r.ArrayHeader(2);
      r.Integer(m.a_start);
      r.Integer(m.a_end);
      r.ArrayHeader(2);
      r.Integer(m.b_start);
      r.Integer(m.b_end);
      if (with_match_len) r.Integer(static_cast<int64_t>(m.a_end) - m.a_start + 1);
    }
    r.Bulk("len");
    r.Integer(at(alen, blen));
  } else if (get_len) {
    r.Integer(at(alen, blen));
  } else {
    r.Bulk(result);
  }
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
void LcsCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::string a, b;
  {
    Access acc = ctx.server.keyspace().Lock({std::string_view(argv[1]), argv[2]});
    if (OpLcsFetch(acc, Db(ctx), argv[1], argv[2], &a, &b) != OpStatus::kOk)
      return ctx.reply.Error(kLcsNotStrings);
  }
  bool get_len = false, get_idx = false, with_match_len = false;
  int64_t min_match_len = 0;
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string_view opt = CWord(argv[j]);
    const bool more = j + 1 < argv.size();
    if (EqualsNoCase(opt, "idx")) {
      get_idx = true;
    } else if (EqualsNoCase(opt, "len")) {
      get_len = true;
    } else if (EqualsNoCase(opt, "withmatchlen")) {
      with_match_len = true;
    } else if (EqualsNoCase(opt, "minmatchlen") && more) {
      if (!ParseInt64(argv[j + 1], &min_match_len)) return ctx.reply.Error(errors::kNotInteger);
      if (min_match_len < 0) min_match_len = 0;
      ++j;
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  if (get_len && get_idx) return ctx.reply.Error(kLcsLenAndIdx);
  ReplyLcs(ctx, a, b, get_len, get_idx, with_match_len, min_match_len);
}

}  // namespace

void RegisterStringFamily(CommandRegistry& registry) {
  constexpr const char* kO1 = "O(1)";
  constexpr const char* kRangeComplexity =
      "O(N) where N is the length of the returned string. The complexity is ultimately "
      "determined by the returned length, but because creating a substring from an existing "
      "string is very cheap, it can be considered O(1) for small strings.";
  registry.Register({.name = "get",
                     .arity = 2,
                     .flags = "readonly fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read string fast",
                     .key_specs = {OneKey("RO access")},
                     .handler = GetCmd,
                     .summary = "Get the value of a key",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "set",
                     .arity = -3,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string slow",
                     .key_specs = {WithNotes(OneKey("RW access update variable_flags"),
                                             "RW and ACCESS due to the optional `GET` argument")},
                     .handler = SetCmd,
                     .summary = "Set the string value of a key",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "setex",
                     .arity = 4,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string slow",
                     .key_specs = {OneKey("OW update")},
                     .handler = SetExCmd,
                     .summary = "Set the value and expiration of a key",
                     .since = "2.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "psetex",
                     .arity = 4,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string slow",
                     .key_specs = {OneKey("OW update")},
                     .handler = PSetExCmd,
                     .summary = "Set the value and expiration in milliseconds of a key",
                     .since = "2.6.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "setnx",
                     .arity = 3,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("OW insert")},
                     .handler = SetNxCmd,
                     .summary = "Set the value of a key, only if the key does not exist",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "getset",
                     .arity = 3,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW access update")},
                     .handler = GetSetCmd,
                     .summary = "Set the string value of a key and return its old value",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "getdel",
                     .arity = 2,
                     .flags = "write fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW access delete")},
                     .handler = GetDelCmd,
                     .summary = "Get the value of a key and delete the key",
                     .since = "6.2.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "getex",
                     .arity = -2,
                     .flags = "write fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {WithNotes(OneKey("RW access update"),
                                             "RW and UPDATE because it changes the TTL")},
                     .handler = GetExCmd,
                     .summary = "Get the value of a key and optionally set its expiration",
                     .since = "6.2.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "mget",
                     .arity = -2,
                     .flags = "readonly fast",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 1,
                     .acl = "read string fast",
                     .tips = "request_policy:multi_shard",
                     .key_specs = {KeyRange("RO access", -1, 1)},
                     .handler = MGetCmd,
                     .summary = "Get the values of all the given keys",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = "O(N) where N is the number of keys to retrieve."});
  registry.Register({.name = "mset",
                     .arity = -3,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 2,
                     .acl = "write string slow",
                     .tips = "request_policy:multi_shard response_policy:all_succeeded",
                     .key_specs = {KeyRange("OW update", -1, 2)},
                     .handler = MSetCmd,
                     .summary = "Set multiple keys to multiple values",
                     .since = "1.0.1",
                     .group = "string",
                     .complexity = "O(N) where N is the number of keys to set."});
  registry.Register(
      {.name = "msetnx",
       .arity = -3,
       .flags = "write denyoom",
       .first_key = 1,
       .last_key = -1,
       .step = 2,
       .acl = "write string slow",
       .tips = "request_policy:multi_shard response_policy:agg_min",
       .key_specs = {KeyRange("OW insert", -1, 2)},
       .handler = MSetNxCmd,
       .summary = "Set multiple keys to multiple values, only if none of the keys exist",
       .since = "1.0.1",
       .group = "string",
       .complexity = "O(N) where N is the number of keys to set."});
  registry.Register({.name = "incr",
                     .arity = 2,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW access update")},
                     .handler = IncrCmd,
                     .summary = "Increment the integer value of a key by one",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "decr",
                     .arity = 2,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW access update")},
                     .handler = DecrCmd,
                     .summary = "Decrement the integer value of a key by one",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "incrby",
                     .arity = 3,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW access update")},
                     .handler = IncrByCmd,
                     .summary = "Increment the integer value of a key by the given amount",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "decrby",
                     .arity = 3,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW access update")},
                     .handler = DecrByCmd,
                     .summary = "Decrement the integer value of a key by the given number",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "incrbyfloat",
                     .arity = 3,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW access update")},
                     .handler = IncrByFloatCmd,
                     .summary = "Increment the float value of a key by the given amount",
                     .since = "2.6.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "append",
                     .arity = 3,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write string fast",
                     .key_specs = {OneKey("RW insert")},
                     .handler = AppendCmd,
                     .summary = "Append a value to a key",
                     .since = "2.0.0",
                     .group = "string",
                     .complexity =
                         "O(1). The amortized time complexity is O(1) assuming the appended value "
                         "is small and the already present value is of any size, since the dynamic "
                         "string library used by Redis will double the free space available on "
                         "every reallocation."});
  registry.Register({.name = "strlen",
                     .arity = 2,
                     .flags = "readonly fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read string fast",
                     .key_specs = {OneKey("RO")},
                     .handler = StrLenCmd,
                     .summary = "Get the length of the value stored in a key",
                     .since = "2.2.0",
                     .group = "string",
                     .complexity = kO1});
  registry.Register({.name = "getrange",
                     .arity = 4,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read string slow",
                     .key_specs = {OneKey("RO access")},
                     .handler = GetRangeCmd,
                     .summary = "Get a substring of the string stored at a key",
                     .since = "2.4.0",
                     .group = "string",
                     .complexity = kRangeComplexity});
  registry.Register({.name = "substr",
                     .arity = 4,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read string slow",
                     .key_specs = {OneKey("RO access")},
                     .handler = GetRangeCmd,
                     .summary = "Get a substring of the string stored at a key",
                     .since = "1.0.0",
                     .group = "string",
                     .complexity = kRangeComplexity});
  registry.Register(
      {.name = "setrange",
       .arity = 4,
       .flags = "write denyoom",
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = "write string slow",
       .key_specs = {OneKey("RW update")},
       .handler = SetRangeCmd,
       .summary = "Overwrite part of a string at key starting at the specified offset",
       .since = "2.2.0",
       .group = "string",
       .complexity = "O(1), not counting the time taken to copy the new string in place. "
                     "Usually, this string is very small so the amortized complexity is O(1). "
                     "Otherwise, complexity is O(M) with M being the length of the value "
                     "argument."});
  registry.Register({.name = "lcs",
                     .arity = -3,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = 2,
                     .step = 1,
                     .acl = "read string slow",
                     .key_specs = {KeyRange("RO access", 1, 1)},
                     .handler = LcsCmd,
                     .summary = "Find longest common substring",
                     .since = "7.0.0",
                     .group = "string",
                     .complexity = "O(N*M) where N and M are the lengths of s1 and s2, "
                                   "respectively"});
}

}  // namespace cachet::commands
