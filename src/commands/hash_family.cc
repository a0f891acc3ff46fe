// Hash commands: HSET and friends, HINCRBY/HINCRBYFLOAT, HRANDFIELD and HSCAN.
#include "cachet/commands/registry.h"

namespace cachet::commands {

void RegisterHashFamily(CommandRegistry& registry) {}

}  // namespace cachet::commands
