// List commands: pushes, pops, ranges, LPOS/LMOVE/LMPOP and the blocking pops.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/commands/arg_parse.h"
#include "cachet/commands/blocking.h"
#include "cachet/commands/errors.h"
#include "cachet/commands/family_util.h"
#include "cachet/commands/notify.h"
#include "cachet/commands/registry.h"
#include "cachet/config/config.h"
#include "cachet/storage/keyspace.h"
#include "cachet/storage/list_value.h"

namespace cachet::commands {
namespace {

using storage::Access;
using storage::EntryRef;
using storage::kLookupNoTouch;
using storage::kLookupRead;
using storage::kLookupWrite;
using storage::ListEnd;
using storage::ListItem;
using storage::ListNeedle;
using storage::ListValue;
using storage::ValueType;

// Errors only this family replies with, worded as Redis 7.0 words them.
constexpr std::string_view kNotPositive = "ERR value is out of range, must be positive";
constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
constexpr std::string_view kMaxLenNegative = "ERR MAXLEN can't be negative";
constexpr std::string_view kNumKeysNotPositive = "ERR numkeys should be greater than 0";
constexpr std::string_view kCountNotPositive = "ERR count should be greater than 0";

// list-max-listpack-size, read at the time of each write.
int Fill(CommandContext& ctx) {
  const int64_t v = ctx.server.config().GetInt("list-max-listpack-size");
  return static_cast<int>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
}

// LEFT / RIGHT (any case): Redis's getListPositionFromObjectOrReply.
bool ParseEnd(const std::string& arg, ListEnd* end) {
  if (EqualsNoCase(CWord(arg), "left")) {
    *end = ListEnd::kHead;
  } else if (EqualsNoCase(CWord(arg), "right")) {
    *end = ListEnd::kTail;
  } else {
    return false;
  }
  return true;
}

std::string_view PushEvent(ListEnd end) { return end == ListEnd::kHead ? "lpush" : "rpush"; }
std::string_view PopEvent(ListEnd end) { return end == ListEnd::kHead ? "lpop" : "rpop"; }

void ReplyItem(protocol::ReplyBuilder& reply, const ListItem& item) {
  if (item.is_int) {
    char buf[storage::kInt64MaxDigits + 4];
    reply.Bulk(storage::FormatInt64(item.num, buf));
  } else {
    reply.Bulk(item.str);
  }
}

// Replies count elements (1 <= count <= size) from one end, in the order they are popped.
void ReplyEnd(protocol::ReplyBuilder& reply, const ListValue& list, ListEnd end, size_t count) {
  reply.ArrayHeader(count);
  const bool head = end == ListEnd::kHead;
  ListValue::Iterator it(list, head ? 0 : list.size() - 1, head);
  for (size_t i = 0; i < count; ++i) ReplyItem(reply, it.Next());
}

// Removes count elements from one end.
void EraseEnd(ListValue* list, ListEnd end, size_t count, int fill) {
  list->Erase(end == ListEnd::kHead ? 0 : list->size() - count, count, fill);
}

// Redis's listElementsRemoved: the pop event, then the key's deletion when it is empty.
void ElementsRemoved(CommandContext& ctx, Access& acc, EntryRef* e, std::string_view key,
                     ListEnd end) {
  ListValue* list = e->object_as<ListValue>();
  Notify(ctx, kNotifyList, PopEvent(end), key);
  if (list->empty()) {
    acc.Erase(e);
    Notify(ctx, kNotifyGeneric, "del", key);
  } else {
    acc.NoteObjectChanged(e);
  }
}

// Pops count elements from the non-empty list at e, replying [key, [elements]] (LMPOP,
// BLMPOP).
void PopRangeWithKey(CommandContext& ctx, Access& acc, EntryRef* e, std::string_view key,
                     ListEnd end, int64_t count) {
  ListValue* list = e->object_as<ListValue>();
  const size_t n = std::min<uint64_t>(static_cast<uint64_t>(count), list->size());
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(key);
  ReplyEnd(ctx.reply, *list, end, n);
  EraseEnd(list, end, n, Fill(ctx));
  ElementsRemoved(ctx, acc, e, key, end);
}

// ---------------------------------------------------------------------------------------------
// Pushes and pops.

// The generic push behind LPUSH, RPUSH, LPUSHX and RPUSHX (xx: only onto an existing list).
void PushGeneric(CommandContext& ctx, ListEnd end, bool xx) {
  const std::string& key = ctx.argv[1];
  const int db = Db(ctx);
  const int fill = Fill(ctx);
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(db, key, kLookupWrite);
  size_t len;
  if (e) {
    if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
    ListValue* list = e.object_as<ListValue>();
    for (size_t j = 2; j < ctx.argv.size(); ++j) list->Push(end, ctx.argv[j], fill);
    len = list->size();
    acc.NoteObjectChanged(&e);
  } else {
    if (xx) return ctx.reply.Integer(0);
    auto list = std::make_unique<ListValue>();
    for (size_t j = 2; j < ctx.argv.size(); ++j) list->Push(end, ctx.argv[j], fill);
    len = list->size();
    acc.Set(db, key, storage::Value::Object(std::move(list)));
  }
  ctx.reply.Integer(static_cast<int64_t>(len));
  Notify(ctx, kNotifyList, PushEvent(end), key);
}

// LPUSH key element [element ...]
void LPushCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kHead, false); }

// RPUSH key element [element ...]
void RPushCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kTail, false); }

// LPUSHX key element [element ...]
void LPushXCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kHead, true); }

// RPUSHX key element [element ...]
void RPushXCmd(CommandContext& ctx) { PushGeneric(ctx, ListEnd::kTail, true); }

// The generic pop behind LPOP and RPOP: one element as a bulk string, or with a count an
// array of up to count elements (a missing key is then a null array).
void PopGeneric(CommandContext& ctx, ListEnd end) {
  if (ctx.argv.size() > 3) return ctx.reply.Error(errors::WrongArity(ctx.spec.name));
  const bool has_count = ctx.argv.size() == 3;
  int64_t count = 0;
  if (has_count && (!ParseInt64(ctx.argv[2], &count) || count < 0)) {
    return ctx.reply.Error(kNotPositive);
  }
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupWrite);
  if (!e) return has_count ? ctx.reply.NullArray() : ctx.reply.Null();
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  if (has_count && count == 0) return ctx.reply.EmptyArray();
  ListValue* list = e.object_as<ListValue>();
  if (!has_count) {
    ReplyItem(ctx.reply, list->Peek(end));
    list->Pop(end);
  } else {
    const size_t n = std::min<uint64_t>(static_cast<uint64_t>(count), list->size());
    ReplyEnd(ctx.reply, *list, end, n);
    EraseEnd(list, end, n, Fill(ctx));
  }
  ElementsRemoved(ctx, acc, &e, key, end);
}

// LPOP key [count]
void LPopCmd(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kHead); }

// RPOP key [count]
void RPopCmd(CommandContext& ctx) { PopGeneric(ctx, ListEnd::kTail); }

// ---------------------------------------------------------------------------------------------
// Reads and updates by index or value.

// LLEN key
void LLenCmd(CommandContext& ctx) {
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupRead);
  if (!e) return ctx.reply.Integer(0);
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.Integer(static_cast<int64_t>(e.object_as<ListValue>()->size()));
}

// LRANGE key start stop
void LRangeCmd(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.argv[2], &start) || !ParseInt64(ctx.argv[3], &end)) {
    return ctx.reply.Error(errors::kNotInteger);
  }
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupRead);
  if (!e) return ctx.reply.EmptyArray();
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  const ListValue& list = *e.object_as<ListValue>();
  const int64_t llen = static_cast<int64_t>(list.size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return ctx.reply.EmptyArray();
  if (end >= llen) end = llen - 1;
  const size_t n = static_cast<size_t>(end - start + 1);
  ctx.reply.ArrayHeader(n);
  ListValue::Iterator it(list, static_cast<size_t>(start), true);
  for (size_t i = 0; i < n; ++i) ReplyItem(ctx.reply, it.Next());
}

// Converts a Redis list index (negative: from the end) to a position; false when outside.
bool NormalizeIndex(int64_t index, size_t len, size_t* pos) {
  const int64_t llen = static_cast<int64_t>(len);
  if (index < 0) index += llen;
  if (index < 0 || index >= llen) return false;
  *pos = static_cast<size_t>(index);
  return true;
}

// LINDEX key index
void LIndexCmd(CommandContext& ctx) {
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupRead);
  if (!e) return ctx.reply.Null();
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  int64_t index;
  if (!ParseInt64(ctx.argv[2], &index)) return ctx.reply.Error(errors::kNotInteger);
  const ListValue& list = *e.object_as<ListValue>();
  size_t pos;
  if (!NormalizeIndex(index, list.size(), &pos)) return ctx.reply.Null();
  ReplyItem(ctx.reply, list.At(pos));
}

// LSET key index element
void LSetCmd(CommandContext& ctx) {
  const std::string& key = ctx.argv[1];
  const int fill = Fill(ctx);
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupWrite);
  if (!e) return ctx.reply.Error(errors::kNoSuchKey);
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  int64_t index;
  if (!ParseInt64(ctx.argv[2], &index)) return ctx.reply.Error(errors::kNotInteger);
  ListValue* list = e.object_as<ListValue>();
  size_t pos;
  if (!NormalizeIndex(index, list->size(), &pos)) return ctx.reply.Error(errors::kOutOfRange);
  list->Set(pos, ctx.argv[3], fill);
  acc.NoteObjectChanged(&e);
  ctx.reply.Ok();
  Notify(ctx, kNotifyList, "lset", key);
}

// LINSERT key <BEFORE | AFTER> pivot element
void LInsertCmd(CommandContext& ctx) {
  bool after;
  if (EqualsNoCase(CWord(ctx.argv[2]), "after")) {
    after = true;
  } else if (EqualsNoCase(CWord(ctx.argv[2]), "before")) {
    after = false;
  } else {
    return ctx.reply.Error(errors::kSyntax);
  }
  const std::string& key = ctx.argv[1];
  const int fill = Fill(ctx);
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupWrite);
  if (!e) return ctx.reply.Integer(0);
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  ListValue* list = e.object_as<ListValue>();
  if (!list->InsertAtPivot(ListNeedle(ctx.argv[3]), ctx.argv[4], after, fill)) {
    return ctx.reply.Integer(-1);
  }
  acc.NoteObjectChanged(&e);
  Notify(ctx, kNotifyList, "linsert", key);
  ctx.reply.Integer(static_cast<int64_t>(list->size()));
}

// LREM key count element
void LRemCmd(CommandContext& ctx) {
  int64_t count;
  if (!ParseInt64(ctx.argv[2], &count)) return ctx.reply.Error(errors::kNotInteger);
  const std::string& key = ctx.argv[1];
  const int fill = Fill(ctx);
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupWrite);
  if (!e) return ctx.reply.Integer(0);
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  ListValue* list = e.object_as<ListValue>();
  // A negative count removes from the tail; Redis negates INT64_MIN into itself, which then
  // never equals the number removed: every match goes.
  const bool from_tail = count < 0;
  const uint64_t limit = count == INT64_MIN ? 0
                         : count < 0        ? static_cast<uint64_t>(-count)
                                            : static_cast<uint64_t>(count);
  const size_t removed = list->Remove(ListNeedle(ctx.argv[3]), limit, from_tail, fill);
  if (removed > 0) {
    Notify(ctx, kNotifyList, "lrem", key);
    if (list->empty()) {
      acc.Erase(&e);
      Notify(ctx, kNotifyGeneric, "del", key);
    } else {
      acc.NoteObjectChanged(&e);
    }
  }
  ctx.reply.Integer(static_cast<int64_t>(removed));
}

// LTRIM key start stop
void LTrimCmd(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.argv[2], &start) || !ParseInt64(ctx.argv[3], &end)) {
    return ctx.reply.Error(errors::kNotInteger);
  }
  const std::string& key = ctx.argv[1];
  const int fill = Fill(ctx);
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupWrite);
  if (!e) return ctx.reply.Ok();
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  ListValue* list = e.object_as<ListValue>();
  const int64_t llen = static_cast<int64_t>(list->size());
  if (start < 0) start += llen;
  if (end < 0) end += llen;
  if (start < 0) start = 0;
  int64_t ltrim, rtrim;
  if (start > end || start >= llen) {
    ltrim = llen;
    rtrim = 0;
  } else {
    if (end >= llen) end = llen - 1;
    ltrim = start;
    rtrim = llen - end - 1;
  }
  list->Erase(0, static_cast<size_t>(ltrim), fill);
  list->Erase(list->size() - static_cast<size_t>(rtrim), static_cast<size_t>(rtrim), fill);
  Notify(ctx, kNotifyList, "ltrim", key);
  if (list->empty()) {
    acc.Erase(&e);
    Notify(ctx, kNotifyGeneric, "del", key);
  } else {
    acc.NoteObjectChanged(&e);  // even when nothing was trimmed, as Redis signals the key
  }
  ctx.reply.Ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPosCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t rank = 1, count = -1, maxlen = 0;  // count -1: no COUNT option
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string_view opt = CWord(argv[j]);
    const bool more = j + 1 < argv.size();
    if (EqualsNoCase(opt, "rank") && more) {
      if (!ParseInt64(argv[++j], &rank)) return ctx.reply.Error(errors::kNotInteger);
      if (rank == 0) return ctx.reply.Error(kRankZero);
    } else if (EqualsNoCase(opt, "count") && more) {
      if (!ParseInt64(argv[++j], &count) || count < 0) return ctx.reply.Error(kCountNegative);
    } else if (EqualsNoCase(opt, "maxlen") && more) {
      if (!ParseInt64(argv[++j], &maxlen) || maxlen < 0) return ctx.reply.Error(kMaxLenNegative);
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  // A negative rank searches from the tail. Redis negates with C's wrap-around, so INT64_MIN
  // stays negative and then accepts every match (as the arithmetic below reproduces).
  bool forward = true;
  if (rank < 0) {
    rank = static_cast<int64_t>(0 - static_cast<uint64_t>(rank));
    forward = false;
  }
  const std::string& key = argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e = acc.Find(Db(ctx), key, kLookupRead);
  if (!e) return count != -1 ? ctx.reply.EmptyArray() : ctx.reply.Null();
  if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
  const ListValue& list = *e.object_as<ListValue>();
  const ListNeedle needle(argv[2]);
  const int64_t llen = static_cast<int64_t>(list.size());
  ListValue::Iterator it(list, forward ? 0 : list.size() - 1, forward);
  std::vector<int64_t> found;
  int64_t matches = 0, match_index = -1;
  for (int64_t index = 0; index < llen && (maxlen == 0 || index < maxlen); ++index) {
    if (needle.Matches(it.Next())) {
      ++matches;
      match_index = forward ? index : llen - index - 1;
      if (matches >= rank) {
        if (count == -1) break;
        found.push_back(match_index);
        const auto taken =
            static_cast<int64_t>(static_cast<uint64_t>(matches) - static_cast<uint64_t>(rank) + 1);
        if (count != 0 && taken >= count) break;
      }
    }
    match_index = -1;
  }
  if (count != -1) {
    ctx.reply.ArrayHeader(found.size());
    for (int64_t index : found) ctx.reply.Integer(index);
  } else if (match_index != -1) {
    ctx.reply.Integer(match_index);
  } else {
    ctx.reply.Null();
  }
}

// ---------------------------------------------------------------------------------------------
// Moves between lists, multi-key pops and the blocking forms.

enum class MoveResult { kServed, kNoSource, kReplied };

// LMOVE's op (Redis's lmoveGenericCommand) under a lock of both keys: pops from one end of
// src, pushes onto one end of dst (creating it), replies the element. kNoSource, with nothing
// replied, when src does not exist; kReplied when an error was replied.
MoveResult OpMove(CommandContext& ctx, Access& acc, const std::string& src, const std::string& dst,
                  ListEnd from, ListEnd to) {
  const int db = Db(ctx);
  const int fill = Fill(ctx);
  EntryRef se = acc.Find(db, src, kLookupWrite);
  if (!se) return MoveResult::kNoSource;
  if (se.type() != ValueType::kList) {
    ctx.reply.Error(errors::kWrongType);
    return MoveResult::kReplied;
  }
  EntryRef de = acc.Find(db, dst, kLookupWrite);
  if (de && de.type() != ValueType::kList) {
    ctx.reply.Error(errors::kWrongType);
    return MoveResult::kReplied;
  }
  ListValue* sl = se.object_as<ListValue>();
  bool src_deleted = false;
  if (src == dst) {
    // Rotation: the element is copied out before its node changes.
    char buf[storage::kInt64MaxDigits + 4];
    std::string value(sl->Peek(from).View(buf));
    ctx.reply.Bulk(value);
    sl->Pop(from);
    sl->Push(to, value, fill);
    acc.NoteObjectChanged(&se);
  } else {
    char buf[storage::kInt64MaxDigits + 4];
    const std::string_view value = sl->Peek(from).View(buf);
    if (de) {
      ctx.reply.Bulk(value);
      de.object_as<ListValue>()->Push(to, value, fill);
      acc.NoteObjectChanged(&de);
    } else {
      // A new destination is created before the reply, as Redis's dbAdd (its `new` event).
      auto list = std::make_unique<ListValue>();
      list->Push(to, value, fill);
      acc.Set(db, dst, storage::Value::Object(std::move(list)));
      ctx.reply.Bulk(value);
    }
    // The write to dst may have invalidated se: look src up again.
    se = acc.Find(db, src, kLookupWrite | kLookupNoTouch);
    sl = se.object_as<ListValue>();
    sl->Pop(from);
    if (sl->empty()) {
      acc.Erase(&se);
      src_deleted = true;
    } else {
      acc.NoteObjectChanged(&se);
    }
  }
  Notify(ctx, kNotifyList, PushEvent(to), dst);
  Notify(ctx, kNotifyList, PopEvent(from), src);
  if (src_deleted) Notify(ctx, kNotifyGeneric, "del", src);
  return MoveResult::kServed;
}

// The generic move behind LMOVE, RPOPLPUSH, BLMOVE and BRPOPLPUSH; timeout_arg is null for
// the non-blocking forms.
void MoveGeneric(CommandContext& ctx, ListEnd from, ListEnd to, const std::string* timeout_arg) {
  int64_t timeout_ms = 0;
  if (timeout_arg != nullptr && !ParseBlockTimeout(ctx, *timeout_arg, &timeout_ms)) return;
  const std::string& src = ctx.argv[1];
  const std::string& dst = ctx.argv[2];
  Access acc = ctx.server.keyspace().Lock({std::string_view(src), std::string_view(dst)});
  if (OpMove(ctx, acc, src, dst, from, to) != MoveResult::kNoSource) return;
  if (timeout_arg != nullptr && MayBlock(ctx)) {
    return ctx.server.BlockOnKeys(ctx, {src}, timeout_ms, BlockTimeoutReply::kNullBulk);
  }
  ctx.reply.Null();
}

// LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
void LMoveCmd(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseEnd(ctx.argv[3], &from) || !ParseEnd(ctx.argv[4], &to)) {
    return ctx.reply.Error(errors::kSyntax);
  }
  MoveGeneric(ctx, from, to, nullptr);
}

// RPOPLPUSH source destination
void RPopLPushCmd(CommandContext& ctx) {
  MoveGeneric(ctx, ListEnd::kTail, ListEnd::kHead, nullptr);
}

// BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
void BLMoveCmd(CommandContext& ctx) {
  ListEnd from, to;
  if (!ParseEnd(ctx.argv[3], &from) || !ParseEnd(ctx.argv[4], &to)) {
    return ctx.reply.Error(errors::kSyntax);
  }
  MoveGeneric(ctx, from, to, &ctx.argv[5]);
}

// BRPOPLPUSH source destination timeout
void BRPopLPushCmd(CommandContext& ctx) {
  MoveGeneric(ctx, ListEnd::kTail, ListEnd::kHead, &ctx.argv[3]);
}

// Redis's blockingPopGenericCommand behind BLPOP, BRPOP and BLMPOP: serves the first
// non-empty list among keys, [key, element] (count < 0) or [key, [elements]]; otherwise
// blocks on all the keys, or replies a null array where blocking is not allowed.
void BlockingPop(CommandContext& ctx, std::span<const std::string> keys, ListEnd end, int64_t count,
                 const std::string& timeout_arg) {
  int64_t timeout_ms;
  if (!ParseBlockTimeout(ctx, timeout_arg, &timeout_ms)) return;
  const int db = Db(ctx);
  Access acc = ctx.server.keyspace().Lock(keys);
  for (const std::string& key : keys) {
    EntryRef e = acc.Find(db, key, kLookupWrite);
    if (!e) continue;
    if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
    ListValue* list = e.object_as<ListValue>();
    if (list->empty()) continue;
    if (count >= 0) return PopRangeWithKey(ctx, acc, &e, key, end, count);
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(key);
    ReplyItem(ctx.reply, list->Peek(end));
    list->Pop(end);
    return ElementsRemoved(ctx, acc, &e, key, end);
  }
  if (!MayBlock(ctx)) return ctx.reply.NullArray();
  ctx.server.BlockOnKeys(ctx, std::vector<std::string>(keys.begin(), keys.end()), timeout_ms,
                         BlockTimeoutReply::kNullArray);
}

// BLPOP key [key ...] timeout
void BLPopCmd(CommandContext& ctx) {
  const auto keys = std::span<const std::string>(ctx.argv).subspan(1, ctx.argv.size() - 2);
  BlockingPop(ctx, keys, ListEnd::kHead, -1, ctx.argv.back());
}

// BRPOP key [key ...] timeout
void BRPopCmd(CommandContext& ctx) {
  const auto keys = std::span<const std::string>(ctx.argv).subspan(1, ctx.argv.size() - 2);
  BlockingPop(ctx, keys, ListEnd::kTail, -1, ctx.argv.back());
}

// The generic LMPOP / BLMPOP (Redis's lmpopGenericCommand): numkeys at argv[numkeys_idx],
// then the keys, LEFT | RIGHT and [COUNT count].
void MPopGeneric(CommandContext& ctx, size_t numkeys_idx, bool blocking) {
  const auto& argv = ctx.argv;
  int64_t numkeys;
  if (!ParseInt64(argv[numkeys_idx], &numkeys) || numkeys < 1) {
    return ctx.reply.Error(kNumKeysNotPositive);
  }
  // LEFT | RIGHT must follow the keys.
  if (static_cast<uint64_t>(numkeys) >= argv.size() - numkeys_idx - 1) {
    return ctx.reply.Error(errors::kSyntax);
  }
  const size_t where_idx = numkeys_idx + static_cast<size_t>(numkeys) + 1;
  ListEnd end;
  if (!ParseEnd(argv[where_idx], &end)) return ctx.reply.Error(errors::kSyntax);
  int64_t count = -1;
  for (size_t j = where_idx + 1; j < argv.size(); ++j) {
    if (count == -1 && EqualsNoCase(CWord(argv[j]), "count") && j + 1 < argv.size()) {
      if (!ParseInt64(argv[++j], &count) || count < 1) return ctx.reply.Error(kCountNotPositive);
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  if (count == -1) count = 1;
  const auto keys =
      std::span<const std::string>(argv).subspan(numkeys_idx + 1, static_cast<size_t>(numkeys));
  if (blocking) return BlockingPop(ctx, keys, end, count, argv[1]);

  const int db = Db(ctx);
  Access acc = ctx.server.keyspace().Lock(keys);
  for (const std::string& key : keys) {
    EntryRef e = acc.Find(db, key, kLookupWrite);
    if (!e) continue;
    if (e.type() != ValueType::kList) return ctx.reply.Error(errors::kWrongType);
    if (e.object_as<ListValue>()->empty()) continue;
    return PopRangeWithKey(ctx, acc, &e, key, end, count);
  }
  ctx.reply.NullArray();
}

// LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
void LMPopCmd(CommandContext& ctx) { MPopGeneric(ctx, 1, false); }

// BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
void BLMPopCmd(CommandContext& ctx) { MPopGeneric(ctx, 2, true); }

}  // namespace

void RegisterListFamily(CommandRegistry& registry) {
  constexpr const char* kPushComplexity =
      "O(1) for each element added, so O(N) to add N elements when the command is called with "
      "multiple arguments.";
  constexpr const char* kPopComplexity = "O(N) where N is the number of elements returned";
  constexpr const char* kMPopComplexity =
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.";
  constexpr const char* kBPopComplexity = "O(N) where N is the number of provided keys.";
  auto one_key = [](CommandSpec spec, const char* flags) {
    spec.first_key = 1;
    spec.last_key = 1;
    spec.step = 1;
    spec.key_specs = {OneKey(flags)};
    spec.group = "list";
    return spec;
  };
  auto two_keys = [](CommandSpec spec) {
    spec.first_key = 1;
    spec.last_key = 2;
    spec.step = 1;
    spec.key_specs = {OneKey("RW access delete"), OneKey("RW insert", 2)};
    spec.group = "list";
    return spec;
  };
  registry.Register(one_key({.name = "lpush",
                             .arity = -3,
                             .flags = "write denyoom fast",
                             .acl = "write list fast",
                             .handler = LPushCmd,
                             .summary = "Prepend one or multiple elements to a list",
                             .since = "1.0.0",
                             .complexity = kPushComplexity},
                            "RW insert"));
  registry.Register(one_key({.name = "rpush",
                             .arity = -3,
                             .flags = "write denyoom fast",
                             .acl = "write list fast",
                             .handler = RPushCmd,
                             .summary = "Append one or multiple elements to a list",
                             .since = "1.0.0",
                             .complexity = kPushComplexity},
                            "RW insert"));
  registry.Register(one_key({.name = "lpushx",
                             .arity = -3,
                             .flags = "write denyoom fast",
                             .acl = "write list fast",
                             .handler = LPushXCmd,
                             .summary = "Prepend an element to a list, only if the list exists",
                             .since = "2.2.0",
                             .complexity = kPushComplexity},
                            "RW insert"));
  registry.Register(one_key({.name = "rpushx",
                             .arity = -3,
                             .flags = "write denyoom fast",
                             .acl = "write list fast",
                             .handler = RPushXCmd,
                             .summary = "Append an element to a list, only if the list exists",
                             .since = "2.2.0",
                             .complexity = kPushComplexity},
                            "RW insert"));
  registry.Register(one_key({.name = "lpop",
                             .arity = -2,
                             .flags = "write fast",
                             .acl = "write list fast",
                             .handler = LPopCmd,
                             .summary = "Remove and get the first elements in a list",
                             .since = "1.0.0",
                             .complexity = kPopComplexity},
                            "RW access delete"));
  registry.Register(one_key({.name = "rpop",
                             .arity = -2,
                             .flags = "write fast",
                             .acl = "write list fast",
                             .handler = RPopCmd,
                             .summary = "Remove and get the last elements in a list",
                             .since = "1.0.0",
                             .complexity = kPopComplexity},
                            "RW access delete"));
  registry.Register(one_key({.name = "llen",
                             .arity = 2,
                             .flags = "readonly fast",
                             .acl = "read list fast",
                             .handler = LLenCmd,
                             .summary = "Get the length of a list",
                             .since = "1.0.0",
                             .complexity = "O(1)"},
                            "RO"));
  registry.Register(one_key(
      {.name = "lrange",
       .arity = 4,
       .flags = "readonly",
       .acl = "read list slow",
       .handler = LRangeCmd,
       .summary = "Get a range of elements from a list",
       .since = "1.0.0",
       .complexity = "O(S+N) where S is the distance of start offset from HEAD for small lists, "
                     "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                     "elements in the specified range."},
      "RO access"));
  registry.Register(one_key(
      {.name = "lindex",
       .arity = 3,
       .flags = "readonly",
       .acl = "read list slow",
       .handler = LIndexCmd,
       .summary = "Get an element from a list by its index",
       .since = "1.0.0",
       .complexity = "O(N) where N is the number of elements to traverse to get to the element "
                     "at index. This makes asking for the first or the last element of the list "
                     "O(1)."},
      "RO access"));
  registry.Register(one_key({.name = "lset",
                             .arity = 4,
                             .flags = "write denyoom",
                             .acl = "write list slow",
                             .handler = LSetCmd,
                             .summary = "Set the value of an element in a list by its index",
                             .since = "1.0.0",
                             .complexity = "O(N) where N is the length of the list. Setting "
                                           "either the first or the last element of the list is "
                                           "O(1)."},
                            "RW update"));
  registry.Register(one_key(
      {.name = "linsert",
       .arity = 5,
       .flags = "write denyoom",
       .acl = "write list slow",
       .handler = LInsertCmd,
       .summary = "Insert an element before or after another element in a list",
       .since = "2.2.0",
       .complexity = "O(N) where N is the number of elements to traverse before seeing the value "
                     "pivot. This means that inserting somewhere on the left end on the list "
                     "(head) can be considered O(1) and inserting somewhere on the right end "
                     "(tail) is O(N)."},
      "RW insert"));
  registry.Register(one_key({.name = "lrem",
                             .arity = 4,
                             .flags = "write",
                             .acl = "write list slow",
                             .handler = LRemCmd,
                             .summary = "Remove elements from a list",
                             .since = "1.0.0",
                             .complexity = "O(N+M) where N is the length of the list and M is the "
                                           "number of elements removed."},
                            "RW delete"));
  registry.Register(one_key({.name = "ltrim",
                             .arity = 4,
                             .flags = "write",
                             .acl = "write list slow",
                             .handler = LTrimCmd,
                             .summary = "Trim a list to the specified range",
                             .since = "1.0.0",
                             .complexity = "O(N) where N is the number of elements to be removed "
                                           "by the operation."},
                            "RW delete"));
  registry.Register(one_key(
      {.name = "lpos",
       .arity = -3,
       .flags = "readonly",
       .acl = "read list slow",
       .handler = LPosCmd,
       .summary = "Return the index of matching elements on a list",
       .since = "6.0.6",
       .complexity = "O(N) where N is the number of elements in the list, for the average case. "
                     "When searching for elements near the head or the tail of the list, or when "
                     "the MAXLEN option is provided, the command may run in constant time."},
      "RO access"));
  registry.Register(
      two_keys({.name = "lmove",
                .arity = 5,
                .flags = "write denyoom",
                .acl = "write list slow",
                .handler = LMoveCmd,
                .summary = "Pop an element from a list, push it to another list and return it",
                .since = "6.2.0",
                .complexity = "O(1)"}));
  registry.Register(two_keys(
      {.name = "rpoplpush",
       .arity = 3,
       .flags = "write denyoom",
       .acl = "write list slow",
       .handler = RPopLPushCmd,
       .summary = "Remove the last element in a list, prepend it to another list and return it",
       .since = "1.2.0",
       .complexity = "O(1)"}));
  registry.Register({.name = "lmpop",
                     .arity = -4,
                     .flags = "write movablekeys",
                     .acl = "write list slow",
                     .key_specs = {KeyNum("RW access delete", 1)},
                     .handler = LMPopCmd,
                     .summary = "Pop elements from a list",
                     .since = "7.0.0",
                     .group = "list",
                     .complexity = kMPopComplexity});
  registry.Register({.name = "blpop",
                     .arity = -3,
                     .flags = "write noscript blocking",
                     .first_key = 1,
                     .last_key = -2,
                     .step = 1,
                     .acl = "write list slow blocking",
                     .key_specs = {KeyRange("RW access delete", -2, 1)},
                     .handler = BLPopCmd,
                     .summary = "Remove and get the first element in a list, or block until one "
                                "is available",
                     .since = "2.0.0",
                     .group = "list",
                     .complexity = kBPopComplexity});
  registry.Register({.name = "brpop",
                     .arity = -3,
                     .flags = "write noscript blocking",
                     .first_key = 1,
                     .last_key = -2,
                     .step = 1,
                     .acl = "write list slow blocking",
                     .key_specs = {KeyRange("RW access delete", -2, 1)},
                     .handler = BRPopCmd,
                     .summary = "Remove and get the last element in a list, or block until one "
                                "is available",
                     .since = "2.0.0",
                     .group = "list",
                     .complexity = kBPopComplexity});
  registry.Register(two_keys({.name = "blmove",
                              .arity = 6,
                              .flags = "write denyoom noscript blocking",
                              .acl = "write list slow blocking",
                              .handler = BLMoveCmd,
                              .summary = "Pop an element from a list, push it to another list and "
                                         "return it; or block until one is available",
                              .since = "6.2.0",
                              .complexity = "O(1)"}));
  registry.Register(two_keys({.name = "brpoplpush",
                              .arity = 4,
                              .flags = "write denyoom noscript blocking",
                              .acl = "write list slow blocking",
                              .handler = BRPopLPushCmd,
                              .summary = "Pop an element from a list, push it to another list and "
                                         "return it; or block until one is available",
                              .since = "2.2.0",
                              .complexity = "O(1)"}));
  registry.Register({.name = "blmpop",
                     .arity = -5,
                     .flags = "write blocking movablekeys",
                     .acl = "write list slow blocking",
                     .key_specs = {KeyNum("RW access delete", 2)},
                     .handler = BLMPopCmd,
                     .summary = "Pop elements from a list, or block until one is available",
                     .since = "7.0.0",
                     .group = "list",
                     .complexity = kMPopComplexity});
}

}  // namespace cachet::commands
