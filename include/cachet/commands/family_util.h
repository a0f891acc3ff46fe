// Small helpers every data-type family uses: the client's database, notifications, lookups.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "cachet/commands/command.h"
#include "cachet/commands/server_api.h"
#include "cachet/config/config.h"
#include "cachet/storage/keyspace.h"

namespace cachet::commands {

// The database the client has SELECTed.
inline int Db(const CommandContext& ctx) { return ctx.client.db.load(std::memory_order_relaxed); }

// An argument as Redis's C code sees it: up to its first NUL byte (option names compare so).
inline std::string_view CWord(const std::string& arg) { return std::string_view(arg.c_str()); }

// Reports a keyspace event on key in the client's database (see notify.h).
inline void Notify(CommandContext& ctx, uint32_t notify_class, std::string_view event,
                   std::string_view key) {
  ctx.server.NotifyKeyspaceEvent(notify_class, event, Db(ctx), key);
}

// lazyfree-lazy-server-del: whether a command's implicit deletions free in the background.
inline bool LazyServerDel(CommandContext& ctx) {
  return ctx.server.config().GetBool("lazyfree-lazy-server-del");
}

// How a typed lookup ended.
enum class Lookup { kFound, kMissing, kWrongType };

// The value of type `type` at key, as T, or null with *status saying why not (missing, or
// holding another type). *e is the entry found, if any.
template <typename T>
T* FindTyped(storage::Access& acc, int db, std::string_view key, uint32_t flags,
             storage::ValueType type, storage::EntryRef* e, Lookup* status) {
  *e = acc.Find(db, key, flags);
  if (!*e) {
    *status = Lookup::kMissing;
    return nullptr;
  }
  if (e->type() != type) {
    *status = Lookup::kWrongType;
    return nullptr;
  }
  *status = Lookup::kFound;
  return e->template object_as<T>();
}

}  // namespace cachet::commands
