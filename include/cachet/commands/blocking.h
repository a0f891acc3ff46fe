// Blocking commands (BLPOP, BLMOVE, BZPOPMIN...): timeouts and when a command may block.
#pragma once

#include <cstdint>
#include <string>

#include "cachet/commands/command.h"

namespace cachet::commands {

// Parses a blocking command's timeout in seconds (a float, as Redis 7.0's
// getTimeoutFromObjectOrReply) into *timeout_ms, rounded up; 0 means wait forever (so does
// a timeout too far in the future to be a deadline). On bad input replies Redis's error
// ("timeout is not a float or out of range", "timeout is negative", the latter also for
// infinities and numbers past the int64 range, as Redis on x86) and returns false.
bool ParseBlockTimeout(CommandContext& ctx, const std::string& arg, int64_t* timeout_ms);

// Whether the command may block: not inside EXEC (nor, later, a script), where a blocking
// command acts as its non-blocking form and replies its timeout reply at once.
bool MayBlock(const CommandContext& ctx);

}  // namespace cachet::commands
