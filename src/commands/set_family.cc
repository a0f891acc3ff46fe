// Set commands: SADD, SREM, SMEMBERS, set algebra, SPOP/SRANDMEMBER and SSCAN.
#include "cachet/commands/registry.h"

namespace cachet::commands {

void RegisterSetFamily(CommandRegistry& registry) {}

}  // namespace cachet::commands
