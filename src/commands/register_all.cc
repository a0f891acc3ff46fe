// The one place every command family is registered, in order.
#include "cachet/commands/registry.h"

namespace cachet::commands {

void RegisterAllCommands(CommandRegistry& registry) {
  RegisterConnectionFamily(registry);
  RegisterClientFamily(registry);
  RegisterServerFamily(registry);
  RegisterConfigFamily(registry);
  RegisterInfoFamily(registry);
  RegisterIntrospectionFamily(registry);
  RegisterTransactionFamily(registry);
  RegisterStringFamily(registry);
  RegisterKeysFamily(registry);
  RegisterDbFamily(registry);
  RegisterSetFamily(registry);
  RegisterHashFamily(registry);
  RegisterListFamily(registry);
  RegisterZSetFamily(registry);
  RegisterPubSubFamily(registry);
}

}  // namespace cachet::commands
