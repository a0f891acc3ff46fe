// Keyspace notification classes: Redis's NOTIFY_* bits, the letters of notify-keyspace-events.
#pragma once

#include <cstdint>

namespace cachet::commands {

// A command reports each change with ServerApi::NotifyKeyspaceEvent(class, event, db, key),
// where Redis calls notifyKeyspaceEvent, with Redis's event name ("set", "lpush", "hset",
// "del", "expire", "rename_from"...); the server decides from notify-keyspace-events whether
// anything is published.
enum NotifyClass : uint32_t {
  kNotifyKeyspace = 1u << 0,  // K
  kNotifyKeyevent = 1u << 1,  // E
  kNotifyGeneric = 1u << 2,   // g
  kNotifyString = 1u << 3,    // $
  kNotifyList = 1u << 4,      // l
  kNotifySet = 1u << 5,       // s
  kNotifyHash = 1u << 6,      // h
  kNotifyZset = 1u << 7,      // z
  kNotifyExpired = 1u << 8,   // x
  kNotifyEvicted = 1u << 9,   // e
  kNotifyStream = 1u << 10,   // t
  kNotifyKeyMiss = 1u << 11,  // m
  kNotifyLoaded = 1u << 12,
  kNotifyModule = 1u << 13,  // d
  kNotifyNew = 1u << 14,     // n
};

}  // namespace cachet::commands
