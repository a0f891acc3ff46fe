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

// Parses argv[cursor_index] as the cursor (Redis's parseScanCursorOrReply: strtoul rules) and
// the options after it, with Redis 7.0's errors ("ERR invalid cursor", a COUNT that is not an
// integer, a COUNT below 1 or an unknown option is a syntax error). TYPE is accepted only with
// allow_type. On error replies it and returns false.
bool ParseScanArgs(CommandContext& ctx, size_t cursor_index, bool allow_type, ScanArgs* out);

}  // namespace cachet::commands
