// Sorted set commands: ZADD, ranges by rank/score/lex, pops, set algebra and ZSCAN.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cachet/commands/arg_parse.h"
#include "cachet/commands/blocking.h"
#include "cachet/commands/errors.h"
#include "cachet/commands/family_util.h"
#include "cachet/commands/notify.h"
#include "cachet/commands/random.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/scan_args.h"
#include "cachet/config/config.h"
#include "cachet/storage/dict.h"
#include "cachet/storage/glob.h"
#include "cachet/storage/keyspace.h"
#include "cachet/storage/set_value.h"
#include "cachet/storage/zset_value.h"

namespace cachet::commands {
namespace {

using storage::Access;
using storage::EntryRef;
using storage::kLookupRead;
using storage::kLookupWrite;
using storage::SetValue;
using storage::ValueType;
using storage::ZAddResult;
using storage::ZLexBound;
using storage::ZLexRange;
using storage::ZScoreRange;
using storage::ZSetLimits;
using storage::ZSetValue;

// Errors only this family replies with, worded as Redis 7.0 words them.
constexpr std::string_view kXxAndNx = "ERR XX and NX options at the same time are not compatible";
constexpr std::string_view kGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
constexpr std::string_view kIncrOnePair =
    "ERR INCR option supports a single increment-element pair";
constexpr std::string_view kNanScore = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
constexpr std::string_view kMinMaxNotLex = "ERR min or max not valid string range item";
constexpr std::string_view kLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
constexpr std::string_view kWithscoresBylex =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
constexpr std::string_view kWeightNotFloat = "ERR weight value is not a float";
constexpr std::string_view kCountPositive = "ERR count should be greater than 0";
constexpr std::string_view kValueOutOfRange = "ERR value is out of range";

// The largest |count| ZRANDMEMBER repeats members for (as SRANDMEMBER's limit).
constexpr uint64_t kMaxRandomReplyCount = uint64_t{1} << 27;
// Redis's ZRANDMEMBER_SUB_STRATEGY_MUL.
constexpr uint64_t kRandSubStrategyMul = 3;

// zset-max-listpack-entries / -value, as they are now.
ZSetLimits Limits(CommandContext& ctx) {
  const int64_t entries = ctx.server.config().GetInt("zset-max-listpack-entries");
  const int64_t value = ctx.server.config().GetInt("zset-max-listpack-value");
  return {.max_listpack_entries = entries < 0 ? 0 : static_cast<size_t>(entries),
          .max_listpack_value = value < 0 ? 0 : static_cast<size_t>(value)};
}

// The sorted set at key, or null with *status saying why not.
ZSetValue* FindZSet(Access& acc, int db, std::string_view key, uint32_t flags, EntryRef* e,
                    Lookup* status) {
  return FindTyped<ZSetValue>(acc, db, key, flags, ValueType::kZSet, e, status);
}

// Puts a replacement handed back by a ZSetValue mutation in the key at *e; returns the set
// to use from now on.
ZSetValue* Install(Access& acc, EntryRef* e, ZSetValue::Ptr replacement) {
  acc.ReplaceValue(e, storage::Value::Object(std::move(replacement)));
  return e->object_as<ZSetValue>();
}

// Reports in-place removals from the (non-empty) set at *e: a listpack that shrank a lot is
// re-stored right-sized, anything else re-charged.
void CommitRemovals(Access& acc, EntryRef* e, ZSetValue* z) {
  if (ZSetValue::Ptr small = z->ShrinkToFit()) {
    Install(acc, e, std::move(small));
  } else {
    acc.NoteObjectChanged(e);
  }
}

// Redis's getDoubleFromObject: a whole-string strtod, no leading space, not NaN.
bool ParseScore(const std::string& arg, double* out) { return ParseDouble(arg, out); }

// One end of a score range as Redis's zslParseRange reads it: strtod over the C string (after
// a leading '(' that makes it exclusive), which must end there and not be NaN.
bool ParseScoreBound(const std::string& arg, double* value, bool* exclusive) {
  const char* s = arg.c_str();
  *exclusive = s[0] == '(';
  if (*exclusive) ++s;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s, &end);
  if (*end != '\0' || std::isnan(v)) return false;
  *value = v;
  return true;
}

bool ParseScoreRange(const std::string& min, const std::string& max, ZScoreRange* range) {
  return ParseScoreBound(min, &range->min, &range->min_exclusive) &&
         ParseScoreBound(max, &range->max, &range->max_exclusive);
}

// Redis's zslParseLexRangeItem: "-" and "+" (as C strings), or "[" / "(" and the bytes after.
bool ParseLexBound(const std::string& arg, ZLexBound* bound) {
  if (arg.empty()) return false;
  switch (arg[0]) {
    case '+':
    case '-':
      if (arg.size() > 1 && arg[1] != '\0') return false;
      bound->kind = arg[0] == '+' ? ZLexBound::Kind::kPlusInf : ZLexBound::Kind::kMinusInf;
      bound->exclusive = true;
      return true;
    case '(':
    case '[':
      bound->kind = ZLexBound::Kind::kValue;
      bound->exclusive = arg[0] == '(';
      bound->value.assign(arg, 1);
      return true;
    default:
      return false;
  }
}

bool ParseLexRange(const std::string& min, const std::string& max, ZLexRange* range) {
  return ParseLexBound(min, &range->min) && ParseLexBound(max, &range->max);
}

// Replies a list of elements: members only, or with scores (a flat array in RESP2, an array
// of [member, score] pairs in RESP3), as Redis's ZRANGE and friends.
template <typename Elems>
void ReplyElements(protocol::ReplyBuilder& reply, const Elems& elems, bool withscores) {
  const bool pairs = withscores && reply.protocol() > 2;
  reply.ArrayHeader(withscores && !pairs ? elems.size() * 2 : elems.size());
  for (const auto& [member, score] : elems) {
    if (pairs) reply.ArrayHeader(2);
    reply.Bulk(member);
    if (withscores) reply.Double(score);
  }
}

// A score as "%.17g" (inf as "inf"): the text of ZSCAN over a skiplist.
std::string_view ScoreText(double score, char* buf) {
  if (std::isinf(score)) return score > 0 ? "inf" : "-inf";
  const char* end = std::to_chars(buf, buf + 32, score, std::chars_format::general, 17).ptr;
  return {buf, static_cast<size_t>(end - buf)};
}

// ---------------------------------------------------------------------------------------------
// ZADD / ZINCRBY

// Redis's zaddGenericCommand: ZADD's options and pairs from argv[2] on; ZINCRBY is ZADD with
// INCR forced.
void ZAddGeneric(CommandContext& ctx, uint32_t flags) {
  const auto& argv = ctx.argv;
  bool ch = false;
  size_t idx = 2;
  for (; idx < argv.size(); ++idx) {
    const std::string_view opt = CWord(argv[idx]);
    if (EqualsNoCase(opt, "nx")) {
      flags |= storage::kZAddNx;
    } else if (EqualsNoCase(opt, "xx")) {
      flags |= storage::kZAddXx;
    } else if (EqualsNoCase(opt, "ch")) {
      ch = true;
    } else if (EqualsNoCase(opt, "incr")) {
      flags |= storage::kZAddIncr;
    } else if (EqualsNoCase(opt, "gt")) {
      flags |= storage::kZAddGt;
    } else if (EqualsNoCase(opt, "lt")) {
      flags |= storage::kZAddLt;
    } else {
      break;
    }
  }
  const bool incr = flags & storage::kZAddIncr;
  const bool nx = flags & storage::kZAddNx;
  const bool xx = flags & storage::kZAddXx;
  const bool gt = flags & storage::kZAddGt;
  const bool lt = flags & storage::kZAddLt;
  const size_t args = argv.size() - idx;
  if (args % 2 != 0 || args == 0) return ctx.reply.Error(errors::kSyntax);
  const size_t elements = args / 2;
  if (nx && xx) return ctx.reply.Error(kXxAndNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ctx.reply.Error(kGtLtNx);
  if (incr && elements > 1) return ctx.reply.Error(kIncrOnePair);

  std::vector<double> scores(elements);
  for (size_t j = 0; j < elements; ++j) {
    if (!ParseScore(argv[idx + 2 * j], &scores[j])) return ctx.reply.Error(errors::kNotFloat);
  }

  const std::string& key = argv[1];
  const int db = Db(ctx);
  const ZSetLimits limits = Limits(ctx);
  size_t added = 0, updated = 0, processed = 0;
  double score = 0;
  bool nan = false;
  {
    Access acc = ctx.server.keyspace().Lock(key);
    EntryRef e;
    Lookup status;
    ZSetValue* z = FindZSet(acc, db, key, kLookupWrite, &e, &status);
    if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
    ZSetValue::Ptr fresh;
    if (z == nullptr && !xx) {
      // Redis's choice for a new key looks at the first member only.
      fresh = limits.max_listpack_entries == 0 || limits.max_listpack_value < argv[idx + 1].size()
                  ? ZSetValue::NewSkiplist()
                  : ZSetValue::NewListpack();
      z = fresh.get();
    }
    for (size_t j = 0; z != nullptr && j < elements; ++j) {
      ZSetValue::Ptr replacement;
      double new_score = 0;
      const ZAddResult r =
          z->Add(argv[idx + 1 + 2 * j], scores[j], flags, limits, &new_score, &replacement);
      if (replacement) {
        if (fresh) {
          fresh = std::move(replacement);
          z = fresh.get();
        } else {
          z = Install(acc, &e, std::move(replacement));
        }
      }
      if (r == ZAddResult::kNan) {
        nan = true;
        break;
      }
      if (r == ZAddResult::kAdded) ++added;
      if (r == ZAddResult::kUpdated) ++updated;
      if (r != ZAddResult::kSkipped) ++processed;
      score = new_score;
    }
    if (fresh && !fresh->empty()) {
      acc.Set(db, key, storage::Value::Object(std::move(fresh)));
    } else if (e && (added || updated)) {
      acc.NoteObjectChanged(&e);
    }
  }
  if (nan) {
    ctx.reply.Error(kNanScore);
  } else if (incr) {
    if (processed) {
      ctx.reply.Double(score);
    } else {
      ctx.reply.Null();
    }
  } else {
    ctx.reply.Integer(static_cast<int64_t>(ch ? added + updated : added));
  }
  if (added || updated) Notify(ctx, kNotifyZset, incr ? "zincr" : "zadd", key);
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
void ZAddCmd(CommandContext& ctx) { ZAddGeneric(ctx, 0); }

// ZINCRBY key increment member
void ZIncrByCmd(CommandContext& ctx) { ZAddGeneric(ctx, storage::kZAddIncr); }

// ---------------------------------------------------------------------------------------------
// Removal

// ZREM key member [member ...]
void ZRemCmd(CommandContext& ctx) {
  const std::string& key = ctx.argv[1];
  int64_t deleted = 0;
  bool key_removed = false;
  {
    Access acc = ctx.server.keyspace().Lock(key);
    EntryRef e;
    Lookup status;
    ZSetValue* z = FindZSet(acc, Db(ctx), key, kLookupWrite, &e, &status);
    if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
    if (z == nullptr) return ctx.reply.Integer(0);
    for (size_t j = 2; j < ctx.argv.size(); ++j) {
      if (z->Remove(ctx.argv[j])) ++deleted;
      if (z->empty()) {
        acc.Erase(&e, LazyServerDel(ctx));
        key_removed = true;
        break;
      }
    }
    if (deleted && !key_removed) CommitRemovals(acc, &e, z);
  }
  if (deleted) {
    Notify(ctx, kNotifyZset, "zrem", key);
    if (key_removed) Notify(ctx, kNotifyGeneric, "del", key);
  }
  ctx.reply.Integer(deleted);
}

enum class RangeType { kAuto, kRank, kScore, kLex };

// Clamps the rank range [*start, *end] (negative counting from the end) to a set of len
// elements; false when it is empty.
bool SanitizeRanks(int64_t len, int64_t* start, int64_t* end) {
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return false;
  if (*end >= len) *end = len - 1;
  return true;
}

// Redis's zremrangeGenericCommand.
void ZRemRangeGeneric(CommandContext& ctx, RangeType type) {
  const auto& argv = ctx.argv;
  int64_t start = 0, end = 0;
  ZScoreRange range;
  ZLexRange lex;
  std::string_view event;
  if (type == RangeType::kRank) {
    event = "zremrangebyrank";
    if (!ParseInt64(argv[2], &start) || !ParseInt64(argv[3], &end)) {
      return ctx.reply.Error(errors::kNotInteger);
    }
  } else if (type == RangeType::kScore) {
    event = "zremrangebyscore";
    if (!ParseScoreRange(argv[2], argv[3], &range)) return ctx.reply.Error(kMinMaxNotFloat);
  } else {
    event = "zremrangebylex";
    if (!ParseLexRange(argv[2], argv[3], &lex)) return ctx.reply.Error(kMinMaxNotLex);
  }
  const std::string& key = argv[1];
  size_t deleted = 0;
  bool key_removed = false;
  {
    Access acc = ctx.server.keyspace().Lock(key);
    EntryRef e;
    Lookup status;
    ZSetValue* z = FindZSet(acc, Db(ctx), key, kLookupWrite, &e, &status);
    if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
    if (z == nullptr) return ctx.reply.Integer(0);
    if (type == RangeType::kRank) {
      if (!SanitizeRanks(static_cast<int64_t>(z->size()), &start, &end)) {
        return ctx.reply.Integer(0);
      }
      deleted = z->RemoveRangeByRank(static_cast<size_t>(start), static_cast<size_t>(end));
    } else if (type == RangeType::kScore) {
      deleted = z->RemoveRangeByScore(range);
    } else {
      deleted = z->RemoveRangeByLex(lex);
    }
    if (z->empty()) {
      acc.Erase(&e, LazyServerDel(ctx));
      key_removed = true;
    } else if (deleted) {
      CommitRemovals(acc, &e, z);
    }
  }
  if (deleted) {
    Notify(ctx, kNotifyZset, event, key);
    if (key_removed) Notify(ctx, kNotifyGeneric, "del", key);
  }
  ctx.reply.Integer(static_cast<int64_t>(deleted));
}

// ZREMRANGEBYRANK key start stop
void ZRemRangeByRankCmd(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kRank); }
// ZREMRANGEBYSCORE key min max
void ZRemRangeByScoreCmd(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kScore); }
// ZREMRANGEBYLEX key min max
void ZRemRangeByLexCmd(CommandContext& ctx) { ZRemRangeGeneric(ctx, RangeType::kLex); }

// ---------------------------------------------------------------------------------------------
// Point reads

// ZCARD key
void ZCardCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.Integer(z == nullptr ? 0 : static_cast<int64_t>(z->size()));
}

// ZSCORE key member
void ZScoreCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  const std::optional<double> score = z == nullptr ? std::nullopt : z->Score(ctx.argv[2]);
  if (score) {
    ctx.reply.Double(*score);
  } else {
    ctx.reply.Null();
  }
}

// ZMSCORE key member [member ...]
void ZMScoreCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.ArrayHeader(ctx.argv.size() - 2);
  for (size_t j = 2; j < ctx.argv.size(); ++j) {
    const std::optional<double> score = z == nullptr ? std::nullopt : z->Score(ctx.argv[j]);
    if (score) {
      ctx.reply.Double(*score);
    } else {
      ctx.reply.Null();
    }
  }
}

void ZRankGeneric(CommandContext& ctx, bool reverse) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  const std::optional<size_t> rank = z == nullptr ? std::nullopt : z->Rank(ctx.argv[2], reverse);
  if (rank) {
    ctx.reply.Integer(static_cast<int64_t>(*rank));
  } else {
    ctx.reply.Null();
  }
}

// ZRANK key member
void ZRankCmd(CommandContext& ctx) { ZRankGeneric(ctx, false); }
// ZREVRANK key member
void ZRevRankCmd(CommandContext& ctx) { ZRankGeneric(ctx, true); }

// ZCOUNT key min max
void ZCountCmd(CommandContext& ctx) {
  ZScoreRange range;
  if (!ParseScoreRange(ctx.argv[2], ctx.argv[3], &range)) return ctx.reply.Error(kMinMaxNotFloat);
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.Integer(z == nullptr ? 0 : static_cast<int64_t>(z->CountInRange(range)));
}

// ZLEXCOUNT key min max
void ZLexCountCmd(CommandContext& ctx) {
  ZLexRange range;
  if (!ParseLexRange(ctx.argv[2], ctx.argv[3], &range)) return ctx.reply.Error(kMinMaxNotLex);
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.Integer(z == nullptr ? 0 : static_cast<int64_t>(z->CountInLexRange(range)));
}

// ---------------------------------------------------------------------------------------------
// Ranges

enum class Direction { kAuto, kForward, kReverse };

using ViewElems = std::vector<std::pair<std::string_view, double>>;

// The elements of a rank range of z (Redis's genericZrangebyrankCommand).
void CollectRanks(const ZSetValue& z, int64_t start, int64_t end, bool reverse, ViewElems* out) {
  if (!SanitizeRanks(static_cast<int64_t>(z.size()), &start, &end)) return;
  size_t left = static_cast<size_t>(end - start + 1);
  out->reserve(left);
  z.Walk(static_cast<size_t>(start), reverse, [&](std::string_view m, double s) {
    out->emplace_back(m, s);
    return --left > 0;
  });
}

// Where a LIMIT walk over a range starts: offset elements past the first in range (Redis
// steps over them without checking the range; a negative offset walks off the end).
std::optional<size_t> LimitStart(const ZSetValue& z, std::optional<size_t> first, int64_t offset) {
  if (!first || offset < 0) return std::nullopt;
  const size_t start = *first + static_cast<size_t>(offset);
  if (start < *first || start >= z.size()) return std::nullopt;
  return start;
}

// The elements of a score range, after offset, at most limit of them (negative: all).
void CollectScores(const ZSetValue& z, const ZScoreRange& range, bool reverse, int64_t offset,
                   int64_t limit, ViewElems* out) {
  const std::optional<size_t> start = LimitStart(z, z.FirstInRange(range, reverse), offset);
  if (!start || limit == 0) return;
  z.Walk(*start, reverse, [&](std::string_view m, double s) {
    if (reverse ? !range.AboveMin(s) : !range.BelowMax(s)) return false;
    out->emplace_back(m, s);
    return --limit != 0;
  });
}

void CollectLex(const ZSetValue& z, const ZLexRange& range, bool reverse, int64_t offset,
                int64_t limit, ViewElems* out) {
  const std::optional<size_t> start = LimitStart(z, z.FirstInLexRange(range, reverse), offset);
  if (!start || limit == 0) return;
  z.Walk(*start, reverse, [&](std::string_view m, double s) {
    if (reverse ? !range.AboveMin(m) : !range.BelowMax(m)) return false;
    out->emplace_back(m, s);
    return --limit != 0;
  });
}

// Redis's zrangeGenericCommand: ZRANGE and its deprecated forms (type and direction fixed by
// the command, or kAuto for ZRANGE's own options), and with store ZRANGESTORE, whose
// destination is argv[1]. argv[src] is the source key, min and max follow it.
void ZRangeGeneric(CommandContext& ctx, size_t src, bool store, RangeType type, Direction dir) {
  const auto& argv = ctx.argv;
  size_t min_idx = src + 1, max_idx = src + 2;
  bool withscores = false;
  int64_t offset = 0, limit = -1;
  for (size_t j = src + 3; j < argv.size(); ++j) {
    const size_t left = argv.size() - j - 1;
    const std::string_view opt = CWord(argv[j]);
    if (!store && EqualsNoCase(opt, "withscores")) {
      withscores = true;
    } else if (EqualsNoCase(opt, "limit") && left >= 2) {
      if (!ParseInt64(argv[j + 1], &offset) || !ParseInt64(argv[j + 2], &limit)) {
        return ctx.reply.Error(errors::kNotInteger);
      }
      j += 2;
    } else if (dir == Direction::kAuto && EqualsNoCase(opt, "rev")) {
      dir = Direction::kReverse;
    } else if (type == RangeType::kAuto && EqualsNoCase(opt, "bylex")) {
      type = RangeType::kLex;
    } else if (type == RangeType::kAuto && EqualsNoCase(opt, "byscore")) {
      type = RangeType::kScore;
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  if (dir == Direction::kAuto) dir = Direction::kForward;
  if (type == RangeType::kAuto) type = RangeType::kRank;
  if (limit != -1 && type == RangeType::kRank) return ctx.reply.Error(kLimitNeedsBy);
  if (withscores && type == RangeType::kLex) return ctx.reply.Error(kWithscoresBylex);
  const bool reverse = dir == Direction::kReverse;
  if (reverse && type != RangeType::kRank) std::swap(min_idx, max_idx);

  int64_t start = 0, end = 0;
  ZScoreRange range;
  ZLexRange lex;
  switch (type) {
    case RangeType::kAuto:
    case RangeType::kRank:
      if (!ParseInt64(argv[min_idx], &start) || !ParseInt64(argv[max_idx], &end)) {
        return ctx.reply.Error(errors::kNotInteger);
      }
      break;
    case RangeType::kScore:
      if (!ParseScoreRange(argv[min_idx], argv[max_idx], &range)) {
        return ctx.reply.Error(kMinMaxNotFloat);
      }
      break;
    case RangeType::kLex:
      if (!ParseLexRange(argv[min_idx], argv[max_idx], &lex)) {
        return ctx.reply.Error(kMinMaxNotLex);
      }
      break;
  }

  const int db = Db(ctx);
  const std::string& key = argv[src];
  const std::string& dst = argv[1];
  size_t stored = 0;
  bool dst_deleted = false;
  {
    Access acc = store ? ctx.server.keyspace().Lock({std::string_view(dst), std::string_view(key)})
                       : ctx.server.keyspace().Lock(key);
    EntryRef e;
    Lookup status;
    ZSetValue* z = FindZSet(acc, db, key, kLookupRead, &e, &status);
    if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
    ViewElems elems;
    if (z != nullptr) {
      if (type == RangeType::kRank) {
        CollectRanks(*z, start, end, reverse, &elems);
      } else if (type == RangeType::kScore) {
        CollectScores(*z, range, reverse, offset, limit, &elems);
      } else {
        CollectLex(*z, lex, reverse, offset, limit, &elems);
      }
    }
    if (!store) return ReplyElements(ctx.reply, elems, withscores);
    if (elems.empty()) {
      dst_deleted = acc.Delete(db, dst, LazyServerDel(ctx));
    } else {
      // As Redis: a listpack that takes the elements one by one, converting on the way.
      const ZSetLimits limits = Limits(ctx);
      ZSetValue::Ptr out = ZSetValue::NewListpack();
      for (const auto& [m, s] : elems) {
        ZSetValue::Ptr replacement;
        double ns;
        out->Add(m, s, 0, limits, &ns, &replacement);
        if (replacement) out = std::move(replacement);
      }
      stored = out->size();
      acc.Set(db, dst, storage::Value::Object(std::move(out)));
    }
  }
  ctx.reply.Integer(static_cast<int64_t>(stored));
  if (stored) {
    Notify(ctx, kNotifyZset, "zrangestore", dst);
  } else if (dst_deleted) {
    Notify(ctx, kNotifyGeneric, "del", dst);
  }
}

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
void ZRangeCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kAuto, Direction::kAuto);
}
// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
void ZRangeStoreCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 2, true, RangeType::kAuto, Direction::kAuto);
}
// ZREVRANGE key start stop [WITHSCORES]
void ZRevRangeCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kRank, Direction::kReverse);
}
// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
void ZRangeByScoreCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kForward);
}
// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
void ZRevRangeByScoreCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kScore, Direction::kReverse);
}
// ZRANGEBYLEX key min max [LIMIT offset count]
void ZRangeByLexCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kForward);
}
// ZREVRANGEBYLEX key max min [LIMIT offset count]
void ZRevRangeByLexCmd(CommandContext& ctx) {
  ZRangeGeneric(ctx, 1, false, RangeType::kLex, Direction::kReverse);
}

// ---------------------------------------------------------------------------------------------
// Pops

// Redis's genericZpopCommand: pops up to count elements (-1: one, plain) from the lowest (or
// highest) end of the first non-empty set among keys, all of which acc holds.
//   emit_key:       reply the key first (BZPOPMIN, ZMPOP, BZMPOP)
//   nested:         [member, score] pairs (RESP3 ZPOPMIN with a count, ZMPOP, BZMPOP)
//   nil_when_empty: a null array when no key has elements (ZMPOP, BZMPOP), else an empty one
void PopGeneric(CommandContext& ctx, Access& acc, std::span<const std::string> keys, bool max,
                bool emit_key, int64_t count, bool nested, bool nil_when_empty) {
  const int db = Db(ctx);
  EntryRef e;
  ZSetValue* z = nullptr;
  const std::string* key = nullptr;
  for (const std::string& k : keys) {
    Lookup status;
    z = FindZSet(acc, db, k, kLookupWrite, &e, &status);
    if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
    if (z != nullptr) {
      key = &k;
      break;
    }
  }
  if (z == nullptr) return nil_when_empty ? ctx.reply.NullArray() : ctx.reply.EmptyArray();
  if (count == 0) return ctx.reply.EmptyArray();
  if (count == -1) count = 1;
  const size_t len = z->size();
  const size_t n = static_cast<uint64_t>(count) > len ? len : static_cast<size_t>(count);
  if (!nested && !emit_key) {
    ctx.reply.ArrayHeader(n * 2);
  } else if (nested && !emit_key) {
    ctx.reply.ArrayHeader(n);
  } else if (!nested && emit_key) {
    ctx.reply.ArrayHeader(n * 2 + 1);
    ctx.reply.Bulk(*key);
  } else {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(*key);
    ctx.reply.ArrayHeader(n);
  }
  std::string member;
  double score;
  for (size_t i = 0; i < n; ++i) {
    z->PopEnd(max, &member, &score);
    if (i == 0) Notify(ctx, kNotifyZset, max ? "zpopmax" : "zpopmin", *key);
    if (nested) ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(member);
    ctx.reply.Double(score);
  }
  if (z->empty()) {
    acc.Erase(&e, LazyServerDel(ctx));
    Notify(ctx, kNotifyGeneric, "del", *key);
  } else {
    CommitRemovals(acc, &e, z);
  }
}

void ZPopMinMax(CommandContext& ctx, bool max) {
  if (ctx.argv.size() > 3) return ctx.reply.Error(errors::kSyntax);
  int64_t count = -1;
  if (ctx.argv.size() == 3 && (!ParseInt64(ctx.argv[2], &count) || count < 0)) {
    return ctx.reply.Error(errors::kMustBePositive);
  }
  const bool nested = ctx.reply.protocol() > 2 && count != -1;
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  PopGeneric(ctx, acc, std::span<const std::string>(&ctx.argv[1], 1), max, false, count, nested,
             false);
}

// ZPOPMIN key [count]
void ZPopMinCmd(CommandContext& ctx) { ZPopMinMax(ctx, false); }
// ZPOPMAX key [count]
void ZPopMaxCmd(CommandContext& ctx) { ZPopMinMax(ctx, true); }

// Redis's blockingGenericZpopCommand: pops from the first non-empty set among keys, or blocks
// on all of them (replies a null array at once inside MULTI).
void BlockingPop(CommandContext& ctx, std::span<const std::string> keys, bool max,
                 const std::string& timeout_arg, int64_t count, bool nested, bool nil_when_empty) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(ctx, timeout_arg, &timeout_ms)) return;
  const int db = Db(ctx);
  Access acc = ctx.server.keyspace().Lock(keys);
  for (const std::string& key : keys) {
    EntryRef e;
    Lookup status;
    ZSetValue* z = FindZSet(acc, db, key, kLookupWrite, &e, &status);
    if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
    if (z == nullptr || z->empty()) continue;
    return PopGeneric(ctx, acc, std::span<const std::string>(&key, 1), max, true, count, nested,
                      nil_when_empty);
  }
  if (!MayBlock(ctx)) return ctx.reply.NullArray();
  ctx.server.BlockOnKeys(ctx, std::vector<std::string>(keys.begin(), keys.end()), timeout_ms,
                         BlockTimeoutReply::kNullArray);
}

// BZPOPMIN key [key ...] timeout
void BZPopMinCmd(CommandContext& ctx) {
  BlockingPop(ctx, std::span<const std::string>(ctx.argv).subspan(1, ctx.argv.size() - 2), false,
              ctx.argv.back(), -1, false, false);
}
// BZPOPMAX key [key ...] timeout
void BZPopMaxCmd(CommandContext& ctx) {
  BlockingPop(ctx, std::span<const std::string>(ctx.argv).subspan(1, ctx.argv.size() - 2), true,
              ctx.argv.back(), -1, false, false);
}

// Redis's zmpopGenericCommand: numkeys at argv[numkeys_idx], then the keys, MIN|MAX and
// [COUNT count]; with block, BZMPOP (its timeout is argv[1]).
void ZMPopGeneric(CommandContext& ctx, size_t numkeys_idx, bool block) {
  const auto& argv = ctx.argv;
  int64_t numkeys;
  if (!ParseInt64(argv[numkeys_idx], &numkeys) || numkeys < 1) {
    return ctx.reply.Error(errors::kNumkeysPositive);
  }
  if (static_cast<uint64_t>(numkeys) >= argv.size() - numkeys_idx - 1) {
    return ctx.reply.Error(errors::kSyntax);
  }
  const size_t where_idx = numkeys_idx + static_cast<size_t>(numkeys) + 1;
  bool max;
  if (EqualsNoCase(CWord(argv[where_idx]), "min")) {
    max = false;
  } else if (EqualsNoCase(CWord(argv[where_idx]), "max")) {
    max = true;
  } else {
    return ctx.reply.Error(errors::kSyntax);
  }
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    if (count == -1 && EqualsNoCase(CWord(argv[j]), "count") && more) {
      ++j;
      if (!ParseInt64(argv[j], &count) || count < 1) return ctx.reply.Error(kCountPositive);
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  const std::span<const std::string> keys =
      std::span<const std::string>(argv).subspan(numkeys_idx + 1, static_cast<size_t>(numkeys));
  if (block) return BlockingPop(ctx, keys, max, argv[1], count, true, true);
  Access acc = ctx.server.keyspace().Lock(keys);
  PopGeneric(ctx, acc, keys, max, true, count, true, true);
}

// ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
void ZMPopCmd(CommandContext& ctx) { ZMPopGeneric(ctx, 1, false); }
// BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]
void BZMPopCmd(CommandContext& ctx) { ZMPopGeneric(ctx, 2, true); }

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER

// Redis's zrandmemberWithCountCommand.
void ZRandMemberWithCount(CommandContext& ctx, int64_t l, bool withscores) {
  if (withscores && l < -(INT64_MAX / 2)) return ctx.reply.Error(kValueOutOfRange);
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (z == nullptr) return ctx.reply.EmptyArray();
  const size_t size = z->size();
  const bool uniq = l >= 0;
  const uint64_t count = uniq ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  if (count == 0) return ctx.reply.EmptyArray();
  protocol::ReplyBuilder& reply = ctx.reply;
  const bool pairs = withscores && reply.protocol() > 2;
  auto emit = [&](std::string_view m, double s) {
    if (pairs) reply.ArrayHeader(2);
    reply.Bulk(m);
    if (withscores) reply.Double(s);
  };
  Rng& rng = ThreadRng();

  // Case 1: repetitions allowed (or a single element): independent picks.
  if (!uniq || count == 1) {
    if (count > kMaxRandomReplyCount) return reply.Error(errors::kRandCountTooLarge);
    reply.ArrayHeader(withscores && !pairs ? count * 2 : count);
    for (uint64_t i = 0; i < count; ++i) {
      const auto [m, s] = z->Random(rng);
      emit(m, s);
    }
    return;
  }
  const size_t n = count < size ? static_cast<size_t>(count) : size;
  reply.ArrayHeader(withscores && !pairs ? n * 2 : n);
  // Case 2: the whole set, in Redis's iteration order (from the highest element down).
  if (count >= size) {
    z->Walk(0, true, [&](std::string_view m, double s) {
      emit(m, s);
      return true;
    });
    return;
  }
  // Cases 3 and 4: n distinct elements. A listpack's are picked by rank and replied in
  // listpack order (lpRandomPairsUnique); a skiplist's come from dict picks, or, when n is
  // close to the size, from everything minus random removals.
  if (z->is_listpack() || count * kRandSubStrategyMul > size) {
    std::vector<size_t> ranks(size);
    for (size_t i = 0; i < size; ++i) ranks[i] = i;
    for (size_t i = 0; i < n; ++i) std::swap(ranks[i], ranks[i + rng() % (size - i)]);
    ranks.resize(n);
    if (z->is_listpack()) {
      std::sort(ranks.begin(), ranks.end());
      size_t rank = 0, next = 0;
      z->Walk(0, false, [&](std::string_view m, double s) {
        if (ranks[next] == rank++) {
          emit(m, s);
          ++next;
        }
        return next < n;
      });
    } else {
      for (size_t r : ranks) {
        const auto [m, s] = z->At(r);
        emit(m, s);
      }
    }
    return;
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(n);
  while (seen.size() < n) {
    const auto [m, s] = z->Random(rng);
    if (seen.insert(m).second) emit(m, s);
  }
}

// ZRANDMEMBER key [count [WITHSCORES]]
void ZRandMemberCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() >= 3) {
    int64_t l;
    if (!ParseInt64(argv[2], &l)) return ctx.reply.Error(errors::kNotInteger);
    if (l == INT64_MIN) return ctx.reply.Error(errors::kRandCountRange);
    if (argv.size() > 4 || (argv.size() == 4 && !EqualsNoCase(CWord(argv[3]), "withscores"))) {
      return ctx.reply.Error(errors::kSyntax);
    }
    return ZRandMemberWithCount(ctx, l, argv.size() == 4);
  }
  Access acc = ctx.server.keyspace().Lock(argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (z == nullptr) return ctx.reply.Null();
  ctx.reply.Bulk(z->Random(ThreadRng()).first);
}

// ---------------------------------------------------------------------------------------------
// Set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD

enum class SetOp { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

// One input of the set algebra: a sorted set, a set (every member scoring 1), or nothing.
struct Source {
  const ZSetValue* zset = nullptr;
  const SetValue* set = nullptr;
  double weight = 1;

  const void* object() const {
    return zset != nullptr ? static_cast<const void*>(zset) : static_cast<const void*>(set);
  }
  size_t size() const {
    if (zset != nullptr) return zset->size();
    return set != nullptr ? set->size() : 0;
  }
  // Visits every element as Redis's zuiNext does: a sorted set from its highest element down,
  // a set in its encoding's order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    if (zset != nullptr) {
      zset->Walk(0, true, [&](std::string_view m, double s) {
        fn(m, s);
        return true;
      });
    } else if (set != nullptr) {
      set->ForEach([&](std::string_view m) { fn(m, 1.0); });
    }
  }
  bool Find(std::string_view member, double* score) const {
    if (zset != nullptr) {
      const std::optional<double> s = zset->Score(member);
      if (!s) return false;
      *score = *s;
      return true;
    }
    if (set != nullptr && set->Contains(member)) {
      *score = 1.0;
      return true;
    }
    return false;
  }
};

// Redis's zunionInterAggregate.
void AggregateInto(double* target, double value, Aggregate aggregate) {
  switch (aggregate) {
    case Aggregate::kSum:
      *target += value;
      // +inf + -inf is NaN: Redis keeps 0 instead.
      if (std::isnan(*target)) *target = 0.0;
      break;
    case Aggregate::kMin:
      *target = value < *target ? value : *target;
      break;
    case Aggregate::kMax:
      *target = value > *target ? value : *target;
      break;
  }
}

using OwnedElems = std::vector<std::pair<std::string, double>>;

void SortElems(OwnedElems* elems) {
  std::sort(elems->begin(), elems->end(), [](const auto& a, const auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
}

// Redis's zunionInterDiffGenericCommand: numkeys at argv[numkeys_idx], then the keys and the
// options; with store the result goes to argv[1], with cardinality_only (ZINTERCARD) only its
// size is replied.
void ZSetOpGeneric(CommandContext& ctx, size_t numkeys_idx, bool store, SetOp op,
                   bool cardinality_only) {
  const auto& argv = ctx.argv;
  int64_t setnum;
  if (!ParseInt64(argv[numkeys_idx], &setnum)) return ctx.reply.Error(errors::kNotInteger);
  if (setnum < 1) {
    return ctx.reply.Error("ERR at least 1 input key is needed for '" + ctx.spec.name +
                           "' command");
  }
  if (static_cast<uint64_t>(setnum) > argv.size() - (numkeys_idx + 1)) {
    return ctx.reply.Error(errors::kSyntax);
  }
  const auto keys =
      std::span<const std::string>(argv).subspan(numkeys_idx + 1, static_cast<size_t>(setnum));
  const int db = Db(ctx);
  std::vector<std::string_view> lock_keys;
  lock_keys.reserve(keys.size() + 1);
  if (store) lock_keys.emplace_back(argv[1]);
  for (const std::string& k : keys) lock_keys.emplace_back(k);

  OwnedElems result;
  size_t cardinality = 0;
  bool dst_deleted = false;
  Aggregate aggregate = Aggregate::kSum;
  bool withscores = false;
  {
    Access acc = ctx.server.keyspace().Lock(std::span<const std::string_view>(lock_keys));
    std::vector<Source> src(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      EntryRef e = acc.Find(db, keys[i], kLookupRead);
      if (!e) continue;
      if (e.type() == ValueType::kZSet) {
        src[i].zset = e.object_as<ZSetValue>();
      } else if (e.type() == ValueType::kSet) {
        src[i].set = e.object_as<SetValue>();
      } else {
        return ctx.reply.Error(errors::kWrongType);
      }
    }

    int64_t limit = 0;
    size_t j = numkeys_idx + 1 + keys.size();
    while (j < argv.size()) {
      const size_t remaining = argv.size() - j;
      const std::string_view opt = CWord(argv[j]);
      if (op != SetOp::kDiff && !cardinality_only && remaining >= keys.size() + 1 &&
          EqualsNoCase(opt, "weights")) {
        ++j;
        for (size_t i = 0; i < keys.size(); ++i, ++j) {
          if (!ParseScore(argv[j], &src[i].weight)) return ctx.reply.Error(kWeightNotFloat);
        }
      } else if (op != SetOp::kDiff && !cardinality_only && remaining >= 2 &&
                 EqualsNoCase(opt, "aggregate")) {
        const std::string_view how = CWord(argv[j + 1]);
        if (EqualsNoCase(how, "sum")) {
          aggregate = Aggregate::kSum;
        } else if (EqualsNoCase(how, "min")) {
          aggregate = Aggregate::kMin;
        } else if (EqualsNoCase(how, "max")) {
          aggregate = Aggregate::kMax;
        } else {
          return ctx.reply.Error(errors::kSyntax);
        }
        j += 2;
      } else if (remaining >= 1 && !store && !cardinality_only && EqualsNoCase(opt, "withscores")) {
        ++j;
        withscores = true;
      } else if (cardinality_only && remaining >= 2 && EqualsNoCase(opt, "limit")) {
        if (!ParseInt64(argv[j + 1], &limit) || limit < 0) return ctx.reply.Error(errors::kLimitNegative);
        j += 2;
      } else {
        return ctx.reply.Error(errors::kSyntax);
      }
    }

    // Smallest input first (a stable sort, as glibc's qsort merge sort is).
    if (op != SetOp::kDiff) {
      std::stable_sort(src.begin(), src.end(),
                       [](const Source& a, const Source& b) { return a.size() < b.size(); });
    }

    if (op == SetOp::kInter) {
      if (src[0].size() > 0) {
        bool stop = false;
        src[0].ForEach([&](std::string_view m, double s) {
          if (stop) return;
          double score = src[0].weight * s;
          if (std::isnan(score)) score = 0;
          size_t i = 1;
          for (; i < src.size(); ++i) {
            double value;
            if (src[i].object() == src[0].object()) {
              value = s * src[i].weight;
            } else if (src[i].Find(m, &value)) {
              value *= src[i].weight;
            } else {
              break;
            }
            AggregateInto(&score, value, aggregate);
          }
          if (i < src.size()) return;
          if (cardinality_only) {
            ++cardinality;
            if (limit && cardinality >= static_cast<uint64_t>(limit)) stop = true;
          } else {
            result.emplace_back(std::string(m), score);
          }
        });
      }
    } else if (op == SetOp::kUnion) {
      storage::StringDict<double> acc_scores;
      acc_scores.Reserve(src.back().size());
      for (const Source& s : src) {
        if (s.size() == 0) continue;
        s.ForEach([&](std::string_view m, double v) {
          double score = s.weight * v;
          if (std::isnan(score)) score = 0;
          auto [node, added] = acc_scores.Insert(m);
          if (added) {
            node->value = score;
          } else {
            AggregateInto(&node->value, score, aggregate);
          }
        });
      }
      result.reserve(acc_scores.size());
      acc_scores.ForEach([&](const auto& node) { result.emplace_back(node.key, node.value); });
    } else {
      bool same = false;
      for (size_t i = 1; i < src.size(); ++i) same |= src[i].object() == src[0].object();
      if (src[0].size() > 0 && !same) {
        src[0].ForEach([&](std::string_view m, double s) {
          double ignored;
          for (size_t i = 1; i < src.size(); ++i) {
            if (src[i].Find(m, &ignored)) return;
          }
          result.emplace_back(std::string(m), s);
        });
      }
    }

    if (store) {
      if (!result.empty()) {
        SortElems(&result);
        acc.Set(db, argv[1], storage::Value::Object(ZSetValue::FromSorted(result, Limits(ctx))));
      } else {
        dst_deleted = acc.Delete(db, argv[1], LazyServerDel(ctx));
      }
    }
  }

  if (cardinality_only) return ctx.reply.Integer(static_cast<int64_t>(cardinality));
  if (!store) {
    SortElems(&result);
    return ReplyElements(ctx.reply, result, withscores);
  }
  ctx.reply.Integer(static_cast<int64_t>(result.size()));
  if (!result.empty()) {
    Notify(
        ctx, kNotifyZset,
        op == SetOp::kUnion ? "zunionstore" : (op == SetOp::kInter ? "zinterstore" : "zdiffstore"),
        argv[1]);
  } else if (dst_deleted) {
    Notify(ctx, kNotifyGeneric, "del", argv[1]);
  }
}

// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
void ZUnionCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kUnion, false); }
// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
void ZInterCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kInter, false); }
// ZDIFF numkeys key [key ...] [WITHSCORES]
void ZDiffCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kDiff, false); }
// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]]
//   [AGGREGATE SUM|MIN|MAX]
void ZUnionStoreCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, 2, true, SetOp::kUnion, false); }
// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]]
//   [AGGREGATE SUM|MIN|MAX]
void ZInterStoreCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, 2, true, SetOp::kInter, false); }
// ZDIFFSTORE destination numkeys key [key ...]
void ZDiffStoreCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, 2, true, SetOp::kDiff, false); }
// ZINTERCARD numkeys key [key ...] [LIMIT limit]
void ZInterCardCmd(CommandContext& ctx) { ZSetOpGeneric(ctx, 1, false, SetOp::kInter, true); }

// ---------------------------------------------------------------------------------------------
// ZSCAN

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void ZScanCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  uint64_t cursor;
  if (!ParseScanCursor(argv[2], &cursor)) return ctx.reply.Error(errors::kInvalidCursor);
  Access acc = ctx.server.keyspace().Lock(argv[1]);
  EntryRef e;
  Lookup status;
  ZSetValue* z = FindZSet(acc, Db(ctx), argv[1], kLookupRead, &e, &status);
  if (status == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (z == nullptr) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("0");
    return ctx.reply.EmptyArray();
  }
  ScanArgs args;
  if (!ParseScanOptions(ctx, 3, false, &args)) return;
  const auto count = static_cast<int64_t>(args.count);
  std::optional<std::string_view> pattern = args.pattern;
  if (pattern && storage::GlobMatchesAll(*pattern)) pattern.reset();

  struct Item {
    std::string_view member;
    double score;
  };
  std::vector<Item> items;
  if (z->is_listpack()) {
    cursor = z->ScanStep(0, [&](std::string_view m, double s) { items.push_back({m, s}); });
  } else {
    // Redis counts the member and the score of each element against COUNT.
    int64_t budget = count * 10;
    do {
      cursor = z->ScanStep(cursor, [&](std::string_view m, double s) { items.push_back({m, s}); });
    } while (cursor != 0 && budget-- > 0 && static_cast<int64_t>(items.size() * 2) < count);
  }
  size_t kept = 0;
  for (const Item& item : items) {
    if (!pattern || storage::GlobMatch(*pattern, item.member)) items[kept++] = item;
  }
  items.resize(kept);
  char cursor_buf[24];
  const char* cursor_end = std::to_chars(cursor_buf, cursor_buf + sizeof(cursor_buf), cursor).ptr;
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::string_view(cursor_buf, static_cast<size_t>(cursor_end - cursor_buf)));
  ctx.reply.ArrayHeader(items.size() * 2);
  char buf[32];
  for (const Item& item : items) {
    ctx.reply.Bulk(item.member);
    ctx.reply.Bulk(z->is_listpack() ? ZSetValue::ListpackScoreText(item.score, buf)
                                    : ScoreText(item.score, buf));
  }
}

}  // namespace

void RegisterZSetFamily(CommandRegistry& registry) {
  constexpr const char* kRangeComplexity =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements returned.";
  constexpr const char* kRangeLimitComplexity =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements being returned. If M is constant (e.g. always asking for the first 10 elements "
      "with LIMIT), you can consider it O(log(N)).";
  constexpr const char* kRemRangeComplexity =
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of "
      "elements removed by the operation.";
  constexpr const char* kMPopComplexity =
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of "
      "elements in the sorted set, and M being the number of elements popped.";
  constexpr const char* kInterComplexity =
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the "
      "number of input sorted sets and M being the number of elements in the resulting sorted "
      "set.";
  constexpr const char* kDiffComplexity =
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N "
      "is the size of the first set, and K is the size of the result set.";
  constexpr const char* kLogN = "O(log(N)) with N being the number of elements in the sorted set.";

  // A single-key command of this family.
  auto one = [&](const char* name, int arity, const char* flags, const char* acl, KeySpec spec,
                 Handler handler, const char* summary, const char* since, const char* complexity,
                 const char* tips = "") {
    registry.Register({.name = name,
                       .arity = arity,
                       .flags = flags,
                       .first_key = 1,
                       .last_key = 1,
                       .step = 1,
                       .acl = acl,
                       .tips = tips,
                       .key_specs = {std::move(spec)},
                       .handler = handler,
                       .summary = summary,
                       .since = since,
                       .group = "sorted-set",
                       .complexity = complexity});
  };
  // A command whose keys follow a numkeys argument at argv[index].
  auto numkeys = [&](const char* name, int arity, const char* flags, const char* acl,
                     std::vector<KeySpec> specs, int first, Handler handler, const char* summary,
                     const char* since, const char* complexity) {
    registry.Register({.name = name,
                       .arity = arity,
                       .flags = flags,
                       .first_key = first,
                       .last_key = first,
                       .step = first,
                       .acl = acl,
                       .key_specs = std::move(specs),
                       .handler = handler,
                       .summary = summary,
                       .since = since,
                       .group = "sorted-set",
                       .complexity = complexity});
  };

  one("zadd", -4, "write denyoom fast", "write sortedset fast", OneKey("RW update"), ZAddCmd,
      "Add one or more members to a sorted set, or update its score if it already exists", "1.2.0",
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.");
  one("zincrby", 4, "write denyoom fast", "write sortedset fast", OneKey("RW access update"),
      ZIncrByCmd, "Increment the score of a member in a sorted set", "1.2.0",
      "O(log(N)) where N is the number of elements in the sorted set.");
  one("zrem", -3, "write fast", "write sortedset fast", OneKey("RW delete"), ZRemCmd,
      "Remove one or more members from a sorted set", "1.2.0",
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of "
      "elements to be removed.");
  one("zcard", 2, "readonly fast", "read sortedset fast", OneKey("RO"), ZCardCmd,
      "Get the number of members in a sorted set", "1.2.0", "O(1)");
  one("zcount", 4, "readonly fast", "read sortedset fast", OneKey("RO access"), ZCountCmd,
      "Count the members in a sorted set with scores within the given values", "2.0.0", kLogN);
  one("zlexcount", 4, "readonly fast", "read sortedset fast", OneKey("RO access"), ZLexCountCmd,
      "Count the number of members in a sorted set between a given lexicographical range", "2.8.9",
      kLogN);
  one("zscore", 3, "readonly fast", "read sortedset fast", OneKey("RO access"), ZScoreCmd,
      "Get the score associated with the given member in a sorted set", "1.2.0", "O(1)");
  one("zmscore", -3, "readonly fast", "read sortedset fast", OneKey("RO access"), ZMScoreCmd,
      "Get the score associated with the given members in a sorted set", "6.2.0",
      "O(N) where N is the number of members being requested.");
  one("zrank", 3, "readonly fast", "read sortedset fast", OneKey("RO access"), ZRankCmd,
      "Determine the index of a member in a sorted set", "2.0.0", "O(log(N))");
  one("zrevrank", 3, "readonly fast", "read sortedset fast", OneKey("RO access"), ZRevRankCmd,
      "Determine the index of a member in a sorted set, with scores ordered from high to low",
      "2.0.0", "O(log(N))");
  one("zrange", -4, "readonly", "read sortedset slow", OneKey("RO access"), ZRangeCmd,
      "Return a range of members in a sorted set", "1.2.0", kRangeComplexity);
  registry.Register({.name = "zrangestore",
                     .arity = -5,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = 2,
                     .step = 1,
                     .acl = "write sortedset slow",
                     .key_specs = {OneKey("OW update"), OneKey("RO access", 2)},
                     .handler = ZRangeStoreCmd,
                     .summary = "Store a range of members from sorted set into another key",
                     .since = "6.2.0",
                     .group = "sorted-set",
                     .complexity =
                         "O(log(N)+M) with N being the number of elements in the sorted set and M "
                         "the number of elements stored into the destination key."});
  one("zrevrange", -4, "readonly", "read sortedset slow", OneKey("RO access"), ZRevRangeCmd,
      "Return a range of members in a sorted set, by index, with scores ordered from high to "
      "low",
      "1.2.0", kRangeComplexity);
  one("zrangebyscore", -4, "readonly", "read sortedset slow", OneKey("RO access"), ZRangeByScoreCmd,
      "Return a range of members in a sorted set, by score", "1.0.5", kRangeLimitComplexity);
  one("zrevrangebyscore", -4, "readonly", "read sortedset slow", OneKey("RO access"),
      ZRevRangeByScoreCmd,
      "Return a range of members in a sorted set, by score, with scores ordered from high to "
      "low",
      "2.2.0", kRangeLimitComplexity);
  one("zrangebylex", -4, "readonly", "read sortedset slow", OneKey("RO access"), ZRangeByLexCmd,
      "Return a range of members in a sorted set, by lexicographical range", "2.8.9",
      kRangeLimitComplexity);
  one("zrevrangebylex", -4, "readonly", "read sortedset slow", OneKey("RO access"),
      ZRevRangeByLexCmd,
      "Return a range of members in a sorted set, by lexicographical range, ordered from higher "
      "to lower strings.",
      "2.8.9", kRangeLimitComplexity);
  one("zremrangebyrank", 4, "write", "write sortedset slow", OneKey("RW delete"),
      ZRemRangeByRankCmd, "Remove all members in a sorted set within the given indexes", "2.0.0",
      kRemRangeComplexity);
  one("zremrangebyscore", 4, "write", "write sortedset slow", OneKey("RW delete"),
      ZRemRangeByScoreCmd, "Remove all members in a sorted set within the given scores", "1.2.0",
      kRemRangeComplexity);
  one("zremrangebylex", 4, "write", "write sortedset slow", OneKey("RW delete"), ZRemRangeByLexCmd,
      "Remove all members in a sorted set between the given lexicographical range", "2.8.9",
      kRemRangeComplexity);
  one("zpopmin", -2, "write fast", "write sortedset fast", OneKey("RW access delete"), ZPopMinCmd,
      "Remove and return members with the lowest scores in a sorted set", "5.0.0",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
      "number of elements popped.");
  one("zpopmax", -2, "write fast", "write sortedset fast", OneKey("RW access delete"), ZPopMaxCmd,
      "Remove and return members with the highest scores in a sorted set", "5.0.0",
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the "
      "number of elements popped.");
  one("zrandmember", -2, "readonly", "read sortedset slow", OneKey("RO access"), ZRandMemberCmd,
      "Get one or multiple random elements from a sorted set", "6.2.0",
      "O(N) where N is the number of elements returned", "nondeterministic_output");
  one("zscan", -3, "readonly", "read sortedset slow", OneKey("RO access"), ZScanCmd,
      "Incrementally iterate sorted sets elements and associated scores", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for "
      "the cursor to return back to 0. N is the number of elements inside the collection..",
      "nondeterministic_output");

  numkeys("zmpop", -4, "write movablekeys", "write sortedset slow", {KeyNum("RW access delete", 1)},
          0, ZMPopCmd, "Remove and return members with scores in a sorted set", "7.0.0",
          kMPopComplexity);
  numkeys("zunion", -3, "readonly movablekeys", "read sortedset slow", {KeyNum("RO access", 1)}, 0,
          ZUnionCmd, "Add multiple sorted sets", "6.2.0",
          "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M "
          "being the number of elements in the resulting sorted set.");
  numkeys("zinter", -3, "readonly movablekeys", "read sortedset slow", {KeyNum("RO access", 1)}, 0,
          ZInterCmd, "Intersect multiple sorted sets", "6.2.0", kInterComplexity);
  numkeys("zdiff", -3, "readonly movablekeys", "read sortedset slow", {KeyNum("RO access", 1)}, 0,
          ZDiffCmd, "Subtract multiple sorted sets", "6.2.0", kDiffComplexity);
  numkeys("zunionstore", -4, "write denyoom movablekeys", "write sortedset slow",
          {OneKey("OW update"), KeyNum("RO access", 2)}, 1, ZUnionStoreCmd,
          "Add multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
          "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M "
          "being the number of elements in the resulting sorted set.");
  numkeys("zinterstore", -4, "write denyoom movablekeys", "write sortedset slow",
          {OneKey("OW update"), KeyNum("RO access", 2)}, 1, ZInterStoreCmd,
          "Intersect multiple sorted sets and store the resulting sorted set in a new key", "2.0.0",
          kInterComplexity);
  numkeys("zdiffstore", -4, "write denyoom movablekeys", "write sortedset slow",
          {OneKey("OW update"), KeyNum("RO access", 2)}, 1, ZDiffStoreCmd,
          "Subtract multiple sorted sets and store the resulting sorted set in a new key", "6.2.0",
          kDiffComplexity);
  numkeys("zintercard", -3, "readonly movablekeys", "read sortedset slow", {KeyNum("RO access", 1)},
          0, ZInterCardCmd,
          "Intersect multiple sorted sets and return the cardinality of the result", "7.0.0",
          "O(N*K) worst case with N being the smallest input sorted set, K being the number of "
          "input sorted sets.");

  registry.Register({.name = "bzpopmin",
                     .arity = -3,
                     .flags = "write noscript blocking fast",
                     .first_key = 1,
                     .last_key = -2,
                     .step = 1,
                     .acl = "write sortedset fast blocking",
                     .key_specs = {KeyRange("RW access delete", -2, 1)},
                     .handler = BZPopMinCmd,
                     .summary = "Remove and return the member with the lowest score from one or "
                                "more sorted sets, or block until one is available",
                     .since = "5.0.0",
                     .group = "sorted-set",
                     .complexity = kLogN});
  registry.Register({.name = "bzpopmax",
                     .arity = -3,
                     .flags = "write noscript blocking fast",
                     .first_key = 1,
                     .last_key = -2,
                     .step = 1,
                     .acl = "write sortedset fast blocking",
                     .key_specs = {KeyRange("RW access delete", -2, 1)},
                     .handler = BZPopMaxCmd,
                     .summary = "Remove and return the member with the highest score from one "
                                "or more sorted sets, or block until one is available",
                     .since = "5.0.0",
                     .group = "sorted-set",
                     .complexity = kLogN});
  numkeys("bzmpop", -5, "write blocking movablekeys", "write sortedset slow blocking",
          {KeyNum("RW access delete", 2)}, 0, BZMPopCmd,
          "Remove and return members with scores in a sorted set or block until one is "
          "available",
          "7.0.0", kMPopComplexity);
}

}  // namespace cachet::commands
