// Set commands: SADD, SREM, SMEMBERS, set algebra, SPOP/SRANDMEMBER and SSCAN.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "cachet/commands/arg_parse.h"
#include "cachet/commands/errors.h"
#include "cachet/commands/family_util.h"
#include "cachet/commands/notify.h"
#include "cachet/commands/random.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/scan_args.h"
#include "cachet/config/config.h"
#include "cachet/storage/glob.h"
#include "cachet/storage/keyspace.h"
#include "cachet/storage/set_value.h"

namespace cachet::commands {
namespace {

using storage::Access;
using storage::EntryRef;
using storage::kLookupNoStats;
using storage::kLookupNoTouch;
using storage::kLookupRead;
using storage::kLookupWrite;
using storage::SetIntBuffer;
using storage::SetValue;
using storage::ValueType;

// Errors only this family replies with, worded as Redis 7.0 words them.
constexpr std::string_view kTooManyNumkeys =
    "ERR Number of keys can't be greater than number of args";

// The largest reply SRANDMEMBER with a negative count builds: 1 GiB, as estimated by
// RandomReplyBytes.
constexpr uint64_t kMaxRandomReplyBytes = uint64_t{1} << 30;
// Counts up to this are served without an estimate.
constexpr uint64_t kMaxRandomRepliesUnchecked = 1024;
// Members sampled to estimate the size of such a reply.
constexpr int kReplySizeSamples = 32;
// SSCAN COUNT is clamped so the ten-times work bound cannot wrap.
// Redis's SPOP_MOVE_STRATEGY_MUL and SRANDMEMBER_SUB_STRATEGY_MUL.
constexpr uint64_t kSpopMoveStrategyMul = 5;
constexpr uint64_t kSrandmemberSubStrategyMul = 3;

// set-max-intset-entries, as it is now.
size_t MaxIntsetEntries(CommandContext& ctx) {
  const int64_t v = ctx.server.config().GetInt("set-max-intset-entries");
  return v < 0 ? 0 : static_cast<size_t>(v);
}

// The set at key, or null with *status saying why not.
SetValue* FindSet(Access& acc, int db, std::string_view key, uint32_t flags, EntryRef* e,
                  Lookup* status) {
  return FindTyped<SetValue>(acc, db, key, flags, ValueType::kSet, e, status);
}

// Reports an in-place change of the set at *e. A set whose encoding changed (intset to
// hashtable) is re-stored so that the key's recorded encoding follows; the object behind e
// is then a new one and earlier pointers to it are invalid.
void CommitSet(Access& acc, EntryRef* e) {
  auto* set = e->object_as<SetValue>();
  if (e->encoding() != set->encoding()) {
    acc.ReplaceValue(e, storage::Value::Object(std::make_unique<SetValue>(std::move(*set))));
  } else {
    acc.NoteObjectChanged(e);
  }
}

// Writes every member of set as a RESP3 set (an array in RESP2), in the set's order.
void ReplySet(protocol::ReplyBuilder& reply, const SetValue& set) {
  reply.SetHeader(set.size());
  set.ForEach([&](std::string_view m) { reply.Bulk(m); });
}

// ---------------------------------------------------------------------------------------------
// Set algebra, as t_set.c computes it (the result's encoding included: it starts as an intset
// and converts as members are added, so OBJECT ENCODING of a STORE destination is Redis's).

// SUNION: every member of the sets (null ones are empty).
std::unique_ptr<SetValue> Union(std::span<const SetValue* const> sets, size_t max_intset) {
  auto out = std::make_unique<SetValue>();
  for (const SetValue* s : sets) {
    if (s == nullptr) continue;
    if (s->is_intset() && out->is_intset()) {
      for (size_t i = 0, n = s->IntLen(); i < n; ++i) out->AddInt(s->IntAt(i), max_intset);
    } else {
      s->ForEach([&](std::string_view m) { out->Add(m, max_intset); });
    }
  }
  return out;
}

// SDIFF: the members of sets[0] in none of the others, by Redis's choice of algorithm (which
// decides the encoding the result goes through).
std::unique_ptr<SetValue> Diff(std::span<const SetValue* const> sets, size_t max_intset) {
  auto out = std::make_unique<SetValue>();
  const SetValue* first = sets[0];
  if (first == nullptr) return out;
  for (size_t j = 1; j < sets.size(); ++j) {
    if (sets[j] == first) return out;  // the same key again: nothing is left
  }
  uint64_t algo_one_work = 0, algo_two_work = 0;
  for (const SetValue* s : sets) {
    if (s == nullptr) continue;
    algo_one_work += first->size();
    algo_two_work += s->size();
  }
  algo_one_work /= 2;
  if (algo_one_work <= algo_two_work) {
    // Algorithm 1: each member of the first set, looked up in the others.
    first->ForEach([&](std::string_view m) {
      for (size_t j = 1; j < sets.size(); ++j) {
        if (sets[j] != nullptr && sets[j]->Contains(m)) return;
      }
      out->Add(m, max_intset);
    });
  } else {
    // Algorithm 2: the first set copied, the others removed from it.
    size_t cardinality = 0;
    for (size_t j = 0; j < sets.size(); ++j) {
      if (sets[j] == nullptr) continue;
      sets[j]->ForEach([&](std::string_view m) {
        if (j == 0) {
          cardinality += out->Add(m, max_intset);
        } else {
          cardinality -= out->Remove(m);
        }
      });
      if (cardinality == 0) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cmds: parse arguments, run the work under the keys' locks, reply.

// SADD key member [member ...]
void SAddCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string& key = argv[1];
  const size_t max_intset = MaxIntsetEntries(ctx);
  const int db = Db(ctx);
  int64_t added = 0;
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e;
  Lookup st;
  SetValue* set = FindSet(acc, db, key, kLookupWrite, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (set == nullptr) {
    auto fresh = SetValue::CreateFor(argv[2]);
    for (size_t j = 2; j < argv.size(); ++j) added += fresh->Add(argv[j], max_intset);
    acc.Set(db, key, storage::Value::Object(std::move(fresh)));
  } else {
    for (size_t j = 2; j < argv.size(); ++j) added += set->Add(argv[j], max_intset);
    if (added > 0) CommitSet(acc, &e);
  }
  if (added > 0) Notify(ctx, kNotifySet, "sadd", key);
  ctx.reply.Integer(added);
}

// SREM key member [member ...]
void SRemCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string& key = argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e;
  Lookup st;
  SetValue* set = FindSet(acc, Db(ctx), key, kLookupWrite, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (set == nullptr) return ctx.reply.Integer(0);
  int64_t deleted = 0;
  bool key_removed = false;
  for (size_t j = 2; j < argv.size(); ++j) {
    if (!set->Remove(argv[j])) continue;
    ++deleted;
    if (set->empty()) {
      acc.Erase(&e);
      key_removed = true;
      break;
    }
  }
  if (deleted > 0) {
    if (!key_removed) acc.NoteObjectChanged(&e);
    Notify(ctx, kNotifySet, "srem", key);
    if (key_removed) Notify(ctx, kNotifyGeneric, "del", key);
  }
  ctx.reply.Integer(deleted);
}

// SISMEMBER key member
void SIsMemberCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup st;
  SetValue* set = FindSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.Integer(set != nullptr && set->Contains(ctx.argv[2]) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
void SMIsMemberCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  Access acc = ctx.server.keyspace().Lock(argv[1]);
  EntryRef e;
  Lookup st;
  SetValue* set = FindSet(acc, Db(ctx), argv[1], kLookupRead, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.ArrayHeader(argv.size() - 2);
  for (size_t j = 2; j < argv.size(); ++j) {
    ctx.reply.Integer(set != nullptr && set->Contains(argv[j]) ? 1 : 0);
  }
}

// SCARD key
void SCardCmd(CommandContext& ctx) {
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup st;
  SetValue* set = FindSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  ctx.reply.Integer(set != nullptr ? static_cast<int64_t>(set->size()) : 0);
}

// SPOP key count: Redis's spopWithCountCommand and its three cases.
void SPopWithCount(CommandContext& ctx) {
  int64_t l;
  if (!ParseInt64(ctx.argv[2], &l) || l < 0) return ctx.reply.Error(errors::kMustBePositive);
  uint64_t count = static_cast<uint64_t>(l);
  const std::string& key = ctx.argv[1];
  const size_t max_intset = MaxIntsetEntries(ctx);
  const int db = Db(ctx);
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e;
  Lookup st;
  SetValue* set = FindSet(acc, db, key, kLookupWrite, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (set == nullptr || count == 0) return ctx.reply.SetHeader(0);
  const uint64_t size = set->size();
  Notify(ctx, kNotifySet, "spop", key);

  if (count >= size) {
    // Case 1: the whole set, replied as SUNION of the key replies it (a read of the key,
    // then a set built afresh: an intset's members in ascending order), then deleted.
    acc.Find(db, key, kLookupRead);
    const SetValue* only[] = {set};
    ReplySet(ctx.reply, *Union(only, max_intset));
    acc.Erase(&e);
    Notify(ctx, kNotifyGeneric, "del", key);
    return;
  }

  ctx.reply.SetHeader(count);
  Rng& rng = ThreadRng();
  uint64_t remaining = size - count;
  SetIntBuffer buf;
  if (remaining * kSpopMoveStrategyMul > count) {
    // Case 2: few members asked for: pick and remove them one at a time.
    std::string member;
    while (count-- > 0) {
      member.assign(set->RandomMember(rng, &buf));
      ctx.reply.Bulk(member);
      set->Remove(member);
    }
    acc.NoteObjectChanged(&e);
    return;
  }
  // Case 3: most of the set asked for: move the members that stay to a new set (its encoding
  // chosen by the first of them, as setTypeCreate does), reply what is left of the old one,
  // and store the new set in its place.
  std::unique_ptr<SetValue> kept;
  std::string member;
  while (remaining-- > 0) {
    member.assign(set->RandomMember(rng, &buf));
    if (!kept) kept = SetValue::CreateFor(member);
    kept->Add(member, max_intset);
    set->Remove(member);
  }
  set->ForEach([&](std::string_view m) { ctx.reply.Bulk(m); });
  acc.ReplaceValue(&e, storage::Value::Object(std::move(kept)));
}

// SPOP key [count]
void SPopCmd(CommandContext& ctx) {
  if (ctx.argv.size() == 3) return SPopWithCount(ctx);
  if (ctx.argv.size() > 3) return ctx.reply.Error(errors::kSyntax);
  const std::string& key = ctx.argv[1];
  Access acc = ctx.server.keyspace().Lock(key);
  EntryRef e;
  Lookup st;
  SetValue* set = FindSet(acc, Db(ctx), key, kLookupWrite, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (set == nullptr) return ctx.reply.Null();
  SetIntBuffer buf;
  const std::string member(set->RandomMember(ThreadRng(), &buf));
  set->Remove(member);
  Notify(ctx, kNotifySet, "spop", key);
  ctx.reply.Bulk(member);
  if (set->empty()) {
    acc.Erase(&e);
    Notify(ctx, kNotifyGeneric, "del", key);
  } else {
    acc.NoteObjectChanged(&e);
  }
}

// Whether a reply of count random members of set stays within kMaxRandomReplyBytes, the mean
// member length estimated from a few random members, each costing its bytes plus its RESP
// framing (8 bytes for members shorter than 1000 bytes).
bool RandomReplyFits(const SetValue& set, uint64_t count, Rng& rng) {
  if (count <= kMaxRandomRepliesUnchecked) return true;
  SetIntBuffer buf;
  uint64_t sampled = 0;
  for (int i = 0; i < kReplySizeSamples; ++i) sampled += set.RandomMember(rng, &buf).size() + 8;
  const uint64_t mean = sampled / kReplySizeSamples;
  return count <= kMaxRandomReplyBytes / mean;
}

// SRANDMEMBER key count: Redis's srandmemberWithCountCommand and its four cases.
void SRandMemberWithCount(CommandContext& ctx) {
  int64_t l;
  if (!ParseInt64(ctx.argv[2], &l)) return ctx.reply.Error(errors::kNotInteger);
  if (l == INT64_MIN) return ctx.reply.Error(errors::kRandCountRange);
  const bool uniq = l >= 0;
  const uint64_t count = static_cast<uint64_t>(uniq ? l : -l);
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup st;
  const SetValue* set = FindSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (set == nullptr || count == 0) return ctx.reply.EmptyArray();
  auto& reply = ctx.reply;
  Rng& rng = ThreadRng();
  SetIntBuffer buf;

  // Case 1: a negative count (or 1): independent picks, repeats allowed.
  if (!uniq || count == 1) {
    if (!RandomReplyFits(*set, count, rng)) return reply.Error(errors::kRandCountTooLarge);
    reply.ArrayHeader(count);
    for (uint64_t i = 0; i < count; ++i) reply.Bulk(set->RandomMember(rng, &buf));
    return;
  }
  const uint64_t size = set->size();
  // Case 2: the whole set, in its own order.
  if (count >= size) {
    reply.ArrayHeader(size);
    set->ForEach([&](std::string_view m) { reply.Bulk(m); });
    return;
  }
  reply.ArrayHeader(count);
  if (set->is_intset()) {
    // Cases 3 and 4 on positions: a uniformly random subset of count of them.
    std::vector<uint32_t> picked;
    if (count * kSrandmemberSubStrategyMul > size) {
      picked.resize(size);
      for (uint32_t i = 0; i < size; ++i) picked[i] = i;
      for (uint64_t left = size; left > count; --left) {
        std::swap(picked[rng() % left], picked[left - 1]);
        picked.pop_back();
      }
    } else {
      std::unordered_set<uint32_t> seen;
      while (picked.size() < count) {
        const auto i = static_cast<uint32_t>(rng() % size);
        if (seen.insert(i).second) picked.push_back(i);
      }
    }
    for (uint32_t i : picked) reply.Bulk(storage::FormatInt64(set->IntAt(i), buf.data));
    return;
  }
  using Node = SetValue::Dict::Node;
  std::vector<const Node*> picked;
  if (count * kSrandmemberSubStrategyMul > size) {
    // Case 3: every member, then random ones dropped until count are left.
    picked.reserve(size);
    set->dict().ForEach([&](const Node& n) { picked.push_back(&n); });
    for (uint64_t left = size; left > count; --left) {
      std::swap(picked[rng() % left], picked[left - 1]);
      picked.pop_back();
    }
  } else {
    // Case 4: random picks until count distinct ones are found.
    std::unordered_set<const Node*> seen;
    while (picked.size() < count) {
      const Node* n = set->dict().Random(rng);
      if (seen.insert(n).second) picked.push_back(n);
    }
  }
  for (const Node* n : picked) reply.Bulk(n->key);
}

// SRANDMEMBER key [count]
void SRandMemberCmd(CommandContext& ctx) {
  if (ctx.argv.size() == 3) return SRandMemberWithCount(ctx);
  if (ctx.argv.size() > 3) return ctx.reply.Error(errors::kSyntax);
  Access acc = ctx.server.keyspace().Lock(ctx.argv[1]);
  EntryRef e;
  Lookup st;
  const SetValue* set = FindSet(acc, Db(ctx), ctx.argv[1], kLookupRead, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  if (set == nullptr) return ctx.reply.Null();
  SetIntBuffer buf;
  ctx.reply.Bulk(set->RandomMember(ThreadRng(), &buf));
}

// SMOVE source destination member
void SMoveCmd(CommandContext& ctx) {
  const std::string& src = ctx.argv[1];
  const std::string& dst = ctx.argv[2];
  const std::string& member = ctx.argv[3];
  const size_t max_intset = MaxIntsetEntries(ctx);
  const int db = Db(ctx);
  Access acc = ctx.server.keyspace().Lock({std::string_view(src), std::string_view(dst)});
  EntryRef src_e, dst_e;
  Lookup src_st, dst_st;
  FindSet(acc, db, src, kLookupWrite, &src_e, &src_st);
  FindSet(acc, db, dst, kLookupWrite, &dst_e, &dst_st);
  if (src_st == Lookup::kMissing) return ctx.reply.Integer(0);
  if (src_st == Lookup::kWrongType || dst_st == Lookup::kWrongType) {
    return ctx.reply.Error(errors::kWrongType);
  }
  // The destination's lookup may have deleted it (expired), a write that invalidates src_e:
  // take the source's reference again (it was live a moment ago under the same clock).
  SetValue* src_set = FindSet(acc, db, src, kLookupNoStats | kLookupNoTouch, &src_e, &src_st);
  if (src == dst) return ctx.reply.Integer(src_set->Contains(member) ? 1 : 0);
  if (!src_set->Remove(member)) return ctx.reply.Integer(0);
  Notify(ctx, kNotifySet, "srem", src);
  if (src_set->empty()) {
    acc.Erase(&src_e);
    Notify(ctx, kNotifyGeneric, "del", src);
  } else {
    acc.NoteObjectChanged(&src_e);
  }
  // The write above may have invalidated dst_e: look it up again (no stats, no touch).
  bool added;
  dst_e = acc.Find(db, dst, kLookupNoStats | kLookupNoTouch);
  if (!dst_e) {
    auto fresh = SetValue::CreateFor(member);
    added = fresh->Add(member, max_intset);
    acc.Set(db, dst, storage::Value::Object(std::move(fresh)));
  } else {
    added = dst_e.object_as<SetValue>()->Add(member, max_intset);
    if (added) CommitSet(acc, &dst_e);
  }
  if (added) Notify(ctx, kNotifySet, "sadd", dst);
  ctx.reply.Integer(1);
}

// Stores result at dst (deleting dst when result is empty) and replies its size, as
// SINTERSTORE, SUNIONSTORE and SDIFFSTORE do; event is their notification.
void StoreResult(CommandContext& ctx, Access& acc, const std::string& dst,
                 std::unique_ptr<SetValue> result, std::string_view event) {
  const int db = Db(ctx);
  if (result->empty()) {
    ctx.reply.Integer(0);
    if (acc.Delete(db, dst, LazyServerDel(ctx))) Notify(ctx, kNotifyGeneric, "del", dst);
    return;
  }
  const auto n = static_cast<int64_t>(result->size());
  acc.Set(db, dst, storage::Value::Object(std::move(result)));
  ctx.reply.Integer(n);
  Notify(ctx, kNotifySet, event, dst);
}

// Looks up every key as a set (missing ones give null); false when one holds another type
// (the error is replied).
bool FindSets(CommandContext& ctx, Access& acc, std::span<const std::string> keys,
              std::vector<const SetValue*>* sets) {
  sets->reserve(keys.size());
  for (const std::string& key : keys) {
    EntryRef e;
    Lookup st;
    const SetValue* s = FindSet(acc, Db(ctx), key, kLookupRead, &e, &st);
    if (st == Lookup::kWrongType) {
      ctx.reply.Error(errors::kWrongType);
      return false;
    }
    sets->push_back(s);
  }
  return true;
}

// What an intersection is asked to produce.
struct InterRequest {
  const std::string* dst = nullptr;  // SINTERSTORE's destination
  bool cardinality_only = false;     // SINTERCARD
  uint64_t limit = 0;                // SINTERCARD LIMIT; 0: none
};

// Redis's sinterGenericCommand: SINTER, SMEMBERS, SINTERSTORE and SINTERCARD.
void SInterGeneric(CommandContext& ctx, std::span<const std::string> keys,
                   const InterRequest& req) {
  const size_t max_intset = MaxIntsetEntries(ctx);
  std::vector<std::string_view> lock_keys(keys.begin(), keys.end());
  if (req.dst != nullptr) lock_keys.emplace_back(*req.dst);
  Access acc = ctx.server.keyspace().Lock(std::span<const std::string_view>(lock_keys));
  std::vector<const SetValue*> sets;
  if (!FindSets(ctx, acc, keys, &sets)) return;
  auto& reply = ctx.reply;
  if (std::find(sets.begin(), sets.end(), nullptr) != sets.end()) {
    // An empty set makes the intersection empty.
    if (req.dst != nullptr)
      return StoreResult(ctx, acc, *req.dst, std::make_unique<SetValue>(), "");
    if (req.cardinality_only) return reply.Integer(0);
    return reply.SetHeader(0);
  }
  std::stable_sort(sets.begin(), sets.end(),
                   [](const SetValue* a, const SetValue* b) { return a->size() < b->size(); });
  const SetValue* first = sets[0];
  uint64_t cardinality = 0;
  std::unique_ptr<SetValue> stored = req.dst != nullptr ? std::make_unique<SetValue>() : nullptr;
  const bool collect = req.dst == nullptr && !req.cardinality_only;
  // Members found, kept to be replied once their number is known.
  std::vector<int64_t> found_ints;
  std::vector<std::string_view> found_strs;
  auto in_others = [&](auto&& contains) {
    for (size_t j = 1; j < sets.size(); ++j) {
      if (sets[j] != first && !contains(sets[j])) return false;
    }
    return true;
  };
  if (first->is_intset()) {
    for (size_t i = 0, n = first->IntLen(); i < n; ++i) {
      const int64_t v = first->IntAt(i);
      if (!in_others([&](const SetValue* s) { return s->ContainsInt(v); })) continue;
      ++cardinality;
      if (req.cardinality_only) {
        if (req.limit != 0 && cardinality >= req.limit) break;
      } else if (collect) {
        found_ints.push_back(v);
      } else {
        stored->AddInt(v, max_intset);
      }
    }
  } else {
    bool done = false;
    first->dict().ForEach([&](const SetValue::Dict::Node& node) {
      if (done) return;
      const std::string_view m = node.key;
      if (!in_others([&](const SetValue* s) { return s->Contains(m); })) return;
      ++cardinality;
      if (req.cardinality_only) {
        if (req.limit != 0 && cardinality >= req.limit) done = true;
      } else if (collect) {
        found_strs.push_back(m);
      } else {
        stored->Add(m, max_intset);
      }
    });
  }
  if (req.cardinality_only) return reply.Integer(static_cast<int64_t>(cardinality));
  if (req.dst != nullptr) return StoreResult(ctx, acc, *req.dst, std::move(stored), "sinterstore");
  reply.SetHeader(cardinality);
  SetIntBuffer buf;
  for (int64_t v : found_ints) reply.Bulk(storage::FormatInt64(v, buf.data));
  for (std::string_view m : found_strs) reply.Bulk(m);
}

// SMEMBERS key
// SINTER key [key ...]
void SInterCmd(CommandContext& ctx) {
  SInterGeneric(ctx, std::span<const std::string>(ctx.argv).subspan(1), {});
}

// SINTERSTORE destination key [key ...]
void SInterStoreCmd(CommandContext& ctx) {
  SInterGeneric(ctx, std::span<const std::string>(ctx.argv).subspan(2), {.dst = &ctx.argv[1]});
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void SInterCardCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t numkeys;
  if (!ParseInt64(argv[1], &numkeys) || numkeys < 1) return ctx.reply.Error(errors::kNumkeysPositive);
  if (static_cast<uint64_t>(numkeys) > argv.size() - 2) return ctx.reply.Error(kTooManyNumkeys);
  int64_t limit = 0;
  for (size_t j = 2 + static_cast<size_t>(numkeys); j < argv.size(); ++j) {
    if (EqualsNoCase(CWord(argv[j]), "limit") && j + 1 < argv.size()) {
      ++j;
      if (!ParseInt64(argv[j], &limit) || limit < 0) return ctx.reply.Error(errors::kLimitNegative);
    } else {
      return ctx.reply.Error(errors::kSyntax);
    }
  }
  SInterGeneric(ctx, std::span<const std::string>(argv).subspan(2, static_cast<size_t>(numkeys)),
                {.cardinality_only = true, .limit = static_cast<uint64_t>(limit)});
}

enum class SetOp { kUnion, kDiff };

// Redis's sunionDiffGenericCommand: SUNION, SUNIONSTORE, SDIFF and SDIFFSTORE.
void SUnionDiffGeneric(CommandContext& ctx, std::span<const std::string> keys,
                       const std::string* dst, SetOp op) {
  const size_t max_intset = MaxIntsetEntries(ctx);
  std::vector<std::string_view> lock_keys(keys.begin(), keys.end());
  if (dst != nullptr) lock_keys.emplace_back(*dst);
  Access acc = ctx.server.keyspace().Lock(std::span<const std::string_view>(lock_keys));
  std::vector<const SetValue*> sets;
  if (!FindSets(ctx, acc, keys, &sets)) return;
  std::unique_ptr<SetValue> result =
      op == SetOp::kUnion ? Union(sets, max_intset) : Diff(sets, max_intset);
  if (dst == nullptr) return ReplySet(ctx.reply, *result);
  StoreResult(ctx, acc, *dst, std::move(result),
              op == SetOp::kUnion ? "sunionstore" : "sdiffstore");
}

// SUNION key [key ...]
void SUnionCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, std::span<const std::string>(ctx.argv).subspan(1), nullptr, SetOp::kUnion);
}

// SUNIONSTORE destination key [key ...]
void SUnionStoreCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, std::span<const std::string>(ctx.argv).subspan(2), &ctx.argv[1],
                    SetOp::kUnion);
}

// SDIFF key [key ...]
void SDiffCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, std::span<const std::string>(ctx.argv).subspan(1), nullptr, SetOp::kDiff);
}

// SDIFFSTORE destination key [key ...]
void SDiffStoreCmd(CommandContext& ctx) {
  SUnionDiffGeneric(ctx, std::span<const std::string>(ctx.argv).subspan(2), &ctx.argv[1],
                    SetOp::kDiff);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
void SScanCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  uint64_t cursor;
  if (!ParseScanCursor(argv[2], &cursor)) return ctx.reply.Error(errors::kInvalidCursor);
  Access acc = ctx.server.keyspace().Lock(argv[1]);
  EntryRef e;
  Lookup st;
  const SetValue* set = FindSet(acc, Db(ctx), argv[1], kLookupRead, &e, &st);
  if (st == Lookup::kWrongType) return ctx.reply.Error(errors::kWrongType);
  auto& reply = ctx.reply;
  if (set == nullptr) {
    reply.ArrayHeader(2);
    reply.Bulk("0");
    return reply.EmptyArray();
  }
  ScanArgs args;
  if (!ParseScanOptions(ctx, 3, false, &args)) return;
  const uint64_t count = args.count;
  std::optional<std::string_view> pattern = args.pattern;
  if (pattern && storage::GlobMatchesAll(*pattern)) pattern.reset();
  auto matches = [&](std::string_view m) { return !pattern || storage::GlobMatch(*pattern, m); };
  if (set->is_intset()) {
    // A compact encoding is returned whole in one call, whatever the cursor.
    std::vector<int64_t> out;
    SetIntBuffer buf;
    for (size_t i = 0, n = set->IntLen(); i < n; ++i) {
      const int64_t v = set->IntAt(i);
      if (matches(storage::FormatInt64(v, buf.data))) out.push_back(v);
    }
    reply.ArrayHeader(2);
    reply.Bulk("0");
    reply.ArrayHeader(out.size());
    for (int64_t v : out) reply.Bulk(storage::FormatInt64(v, buf.data));
    return;
  }
  // A hashtable: Redis's dictScan loop, about ten buckets per COUNT at most; COUNT counts the
  // members visited, MATCH filters them afterwards.
  std::vector<std::string_view> out;
  uint64_t visited = 0;
  uint64_t budget = count * 10;
  do {
    cursor = set->dict().ScanStep(cursor, [&](const SetValue::Dict::Node& n) {
      ++visited;
      if (matches(n.key)) out.emplace_back(n.key);
    });
  } while (cursor != 0 && budget-- > 0 && visited < count);
  reply.ArrayHeader(2);
  reply.Bulk(std::to_string(cursor));
  reply.ArrayHeader(out.size());
  for (std::string_view m : out) reply.Bulk(m);
}

}  // namespace

void RegisterSetFamily(CommandRegistry& registry) {
  constexpr const char* kO1 = "O(1)";
  constexpr const char* kInterComplexity =
      "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of "
      "sets.";
  constexpr const char* kAllElements =
      "O(N) where N is the total number of elements in all given sets.";
  registry.Register({.name = "sadd",
                     .arity = -3,
                     .flags = "write denyoom fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write set fast",
                     .key_specs = {OneKey("RW insert")},
                     .handler = SAddCmd,
                     .summary = "Add one or more members to a set",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = "O(1) for each element added, so O(N) to add N elements when "
                                   "the command is called with multiple arguments."});
  registry.Register({.name = "srem",
                     .arity = -3,
                     .flags = "write fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write set fast",
                     .key_specs = {OneKey("RW delete")},
                     .handler = SRemCmd,
                     .summary = "Remove one or more members from a set",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = "O(N) where N is the number of members to be removed."});
  registry.Register({.name = "smembers",
                     .arity = 2,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read set slow",
                     .tips = "nondeterministic_output_order",
                     .key_specs = {OneKey("RO access")},
                     .handler = SInterCmd,
                     .summary = "Get all the members in a set",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = "O(N) where N is the set cardinality."});
  registry.Register({.name = "sismember",
                     .arity = 3,
                     .flags = "readonly fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read set fast",
                     .key_specs = {OneKey("RO")},
                     .handler = SIsMemberCmd,
                     .summary = "Determine if a given value is a member of a set",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kO1});
  registry.Register(
      {.name = "smismember",
       .arity = -3,
       .flags = "readonly fast",
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = "read set fast",
       .key_specs = {OneKey("RO access")},
       .handler = SMIsMemberCmd,
       .summary = "Returns the membership associated with the given elements for a set",
       .since = "6.2.0",
       .group = "set",
       .complexity = "O(N) where N is the number of elements being checked for membership"});
  registry.Register({.name = "scard",
                     .arity = 2,
                     .flags = "readonly fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read set fast",
                     .key_specs = {OneKey("RO")},
                     .handler = SCardCmd,
                     .summary = "Get the number of members in a set",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kO1});
  registry.Register({.name = "spop",
                     .arity = -2,
                     .flags = "write fast",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "write set fast",
                     .tips = "nondeterministic_output",
                     .key_specs = {OneKey("RW access delete")},
                     .handler = SPopCmd,
                     .summary = "Remove and return one or multiple random members from a set",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = "Without the count argument O(1), otherwise O(N) where N is "
                                   "the value of the passed count."});
  registry.Register({.name = "srandmember",
                     .arity = -2,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read set slow",
                     .tips = "nondeterministic_output",
                     .key_specs = {OneKey("RO access")},
                     .handler = SRandMemberCmd,
                     .summary = "Get one or multiple random members from a set",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = "Without the count argument O(1), otherwise O(N) where N is "
                                   "the absolute value of the passed count."});
  registry.Register({.name = "smove",
                     .arity = 4,
                     .flags = "write fast",
                     .first_key = 1,
                     .last_key = 2,
                     .step = 1,
                     .acl = "write set fast",
                     .key_specs = {OneKey("RW access delete", 1), OneKey("RW insert", 2)},
                     .handler = SMoveCmd,
                     .summary = "Move a member from one set to another",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kO1});
  registry.Register({.name = "sinter",
                     .arity = -2,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 1,
                     .acl = "read set slow",
                     .tips = "nondeterministic_output_order",
                     .key_specs = {KeyRange("RO access", -1, 1)},
                     .handler = SInterCmd,
                     .summary = "Intersect multiple sets",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kInterComplexity});
  registry.Register({.name = "sintercard",
                     .arity = -3,
                     .flags = "readonly movablekeys",
                     .first_key = 0,
                     .last_key = 0,
                     .step = 0,
                     .acl = "read set slow",
                     .key_specs = {KeyNum("RO access", 1)},
                     .handler = SInterCardCmd,
                     .summary = "Intersect multiple sets and return the cardinality of the result",
                     .since = "7.0.0",
                     .group = "set",
                     .complexity = kInterComplexity});
  registry.Register({.name = "sinterstore",
                     .arity = -3,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 1,
                     .acl = "write set slow",
                     .key_specs = {OneKey("RW update"), KeyRange("RO access", -1, 1, 2)},
                     .handler = SInterStoreCmd,
                     .summary = "Intersect multiple sets and store the resulting set in a key",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kInterComplexity});
  registry.Register({.name = "sunion",
                     .arity = -2,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 1,
                     .acl = "read set slow",
                     .tips = "nondeterministic_output_order",
                     .key_specs = {KeyRange("RO access", -1, 1)},
                     .handler = SUnionCmd,
                     .summary = "Add multiple sets",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kAllElements});
  registry.Register({.name = "sunionstore",
                     .arity = -3,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 1,
                     .acl = "write set slow",
                     .key_specs = {OneKey("OW update"), KeyRange("RO access", -1, 1, 2)},
                     .handler = SUnionStoreCmd,
                     .summary = "Add multiple sets and store the resulting set in a key",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kAllElements});
  registry.Register({.name = "sdiff",
                     .arity = -2,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 1,
                     .acl = "read set slow",
                     .tips = "nondeterministic_output_order",
                     .key_specs = {KeyRange("RO access", -1, 1)},
                     .handler = SDiffCmd,
                     .summary = "Subtract multiple sets",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kAllElements});
  registry.Register({.name = "sdiffstore",
                     .arity = -3,
                     .flags = "write denyoom",
                     .first_key = 1,
                     .last_key = -1,
                     .step = 1,
                     .acl = "write set slow",
                     .key_specs = {OneKey("OW update"), KeyRange("RO access", -1, 1, 2)},
                     .handler = SDiffStoreCmd,
                     .summary = "Subtract multiple sets and store the resulting set in a key",
                     .since = "1.0.0",
                     .group = "set",
                     .complexity = kAllElements});
  registry.Register({.name = "sscan",
                     .arity = -3,
                     .flags = "readonly",
                     .first_key = 1,
                     .last_key = 1,
                     .step = 1,
                     .acl = "read set slow",
                     .tips = "nondeterministic_output",
                     .key_specs = {OneKey("RO access")},
                     .handler = SScanCmd,
                     .summary = "Incrementally iterate Set elements",
                     .since = "2.8.0",
                     .group = "set",
                     .complexity = "O(1) for every call. O(N) for a complete iteration, "
                                   "including enough command calls for the cursor to return "
                                   "back to 0. N is the number of elements inside the "
                                   "collection.."});
}

}  // namespace cachet::commands
