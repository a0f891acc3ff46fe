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
  const long double ms = seconds * 1000.0L;
  if (ms > static_cast<long double>(LLONG_MAX)) {
    ctx.reply.Error("ERR timeout is out of range");
    return false;
  }
  if (ms < 0) {
    ctx.reply.Error("ERR timeout is negative");
    return false;
  }
  const int64_t t = static_cast<int64_t>(std::ceil(ms));
  // The deadline (now + t) must fit in an int64 of Unix milliseconds.
  if (t > LLONG_MAX - (int64_t{1} << 42)) {
    ctx.reply.Error("ERR timeout is out of range");
    return false;
  }
  *timeout_ms = t;
  return true;
}

bool MayBlock(const CommandContext& ctx) { return !ctx.client.in_exec; }

}  // namespace cachet::commands
