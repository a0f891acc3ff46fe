// Arguments of the SCAN family (SCAN, SSCAN, HSCAN, ZSCAN): cursor, MATCH, COUNT, TYPE.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cachet/commands/command.h"

namespace cachet::commands {

struct ScanArgs {
  uint64_t cursor = 0;
  size_t count = 10;
  std::optional<std::string_view> pattern;  // MATCH
  std::optional<std::string_view> type;     // TYPE (SCAN only)
};

// Redis's parseScanCursorOrReply without the reply: strtoul over the C string (so "" is 0 and
// "-1" wraps), no leading space, nothing after the digits, no overflow.
bool ParseScanCursor(const std::string& arg, uint64_t* cursor);

// Parses the options from argv[first] on, with Redis 7.0's errors (a COUNT that is not an
// integer; a COUNT below 1 or an unknown option is a syntax error). TYPE is accepted only
// with allow_type. On error replies it and returns false. The collection scans call it after
// looking their key up, as Redis's scanGenericCommand does.
bool ParseScanOptions(CommandContext& ctx, size_t first, bool allow_type, ScanArgs* out);

// SCAN's order: the cursor at argv[cursor_index] ("ERR invalid cursor"), then the options.
bool ParseScanArgs(CommandContext& ctx, size_t cursor_index, bool allow_type, ScanArgs* out);

}  // namespace cachet::commands
