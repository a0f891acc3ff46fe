// The command table: every command registered once, looked up case-insensitively.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cachet/commands/command.h"

namespace cachet::commands {

class CommandRegistry {
 public:
  // Adds a command (and its subcommands). Derives flag bits and parent links.
  void Register(CommandSpec spec);
  // Finds a top-level command by name, any case; nullptr when unknown.
  const CommandSpec* Find(std::string_view name) const;
  // Finds the subcommand of `container`, any case; nullptr when unknown.
  static const CommandSpec* FindSub(const CommandSpec& container, std::string_view sub);
  // Resolves "container|sub" or a plain name.
  const CommandSpec* FindFullName(std::string_view full) const;
  // Every top-level command, in registration order.
  const std::vector<std::unique_ptr<CommandSpec>>& all() const { return commands_; }
  size_t size() const { return commands_.size(); }
  // Commands and subcommands registered: every stats_index is below this.
  size_t stats_slots() const { return next_stats_index_; }

 private:
  std::vector<std::unique_ptr<CommandSpec>> commands_;
  size_t next_stats_index_ = 0;
  std::unordered_map<std::string, CommandSpec*> by_name_;
};

// Registers every command family (called once by the server at start-up).
void RegisterAllCommands(CommandRegistry& registry);

// Each family file's registration function.
void RegisterConnectionFamily(CommandRegistry& registry);
void RegisterClientFamily(CommandRegistry& registry);
void RegisterServerFamily(CommandRegistry& registry);
void RegisterConfigFamily(CommandRegistry& registry);
void RegisterIntrospectionFamily(CommandRegistry& registry);
void RegisterStringFamily(CommandRegistry& registry);
void RegisterKeysFamily(CommandRegistry& registry);
void RegisterDbFamily(CommandRegistry& registry);
void RegisterTransactionFamily(CommandRegistry& registry);
void RegisterSetFamily(CommandRegistry& registry);
void RegisterHashFamily(CommandRegistry& registry);
void RegisterListFamily(CommandRegistry& registry);
void RegisterZSetFamily(CommandRegistry& registry);
void RegisterPubSubFamily(CommandRegistry& registry);
void RegisterInfoFamily(CommandRegistry& registry);

// The registry the introspection commands read (set once at start-up).
const CommandRegistry& GlobalRegistry();
void SetGlobalRegistry(const CommandRegistry* registry);

// Keys of a command invocation from its key positions/specs; false when the arguments do not
// hold keys where the spec says they should.
bool GetKeys(const CommandSpec& spec, const std::vector<std::string>& argv,
             std::vector<size_t>* key_indices);

}  // namespace cachet::commands
