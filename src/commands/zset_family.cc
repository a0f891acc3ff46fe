// Sorted set commands: ZADD, ranges by rank/score/lex, pops, set algebra and ZSCAN.
#include "cachet/commands/registry.h"

namespace cachet::commands {

void RegisterZSetFamily(CommandRegistry& registry) {}

}  // namespace cachet::commands
