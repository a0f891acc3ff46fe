// Blocking commands: timeout parsing and when a command may block.
#include "cachet/commands/blocking.h"

#include <climits>
#include <cmath>

#include "cachet/commands/arg_parse.h"

namespace cachet::commands {

bool ParseBlockTimeout(CommandContext& ctx, const std::string& arg, int64_t* timeout_ms) {
  long double seconds;
  if (!ParseLongDouble(arg, &seconds)) {
    ctx.reply.Error("ERR timeout is not a float or out of range");
    return false;
  }
  // Redis 7.0 converts ceill(seconds * 1000) to a long long; on x86 a value out of range
  // becomes LLONG_MIN, so infinities and huge numbers are reported as negative.
  const long double ms = std::ceil(seconds * 1000.0L);
  if (!(ms >= -9223372036854775808.0L && ms < 9223372036854775808.0L) || ms < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return false;
  }
  *timeout_ms = static_cast<int64_t>(ms);
  return true;
}

bool MayBlock(const CommandContext& ctx) { return !ctx.client.in_exec; }

}  // namespace cachet::commands
