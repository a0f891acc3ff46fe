// COMMAND and its subcommands, answered from the command table in Redis 7.0's shapes.
#include <strings.h>

#include <sstream>

#include "cachet/commands/errors.h"
#include "cachet/commands/registry.h"
#include "cachet/storage/glob.h"

namespace cachet::commands {
namespace {

bool Is(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

void ReplyKeySpec(protocol::ReplyBuilder& r, const KeySpec& ks) {
  r.MapHeader(ks.notes.empty() ? 3 : 4);
  if (!ks.notes.empty()) {
    r.Bulk("notes");
    r.Bulk(ks.notes);
  }
  r.Bulk("flags");
  auto flags = Words(ks.flags);
  r.SetHeader(flags.size());
  for (const auto& f : flags) r.SimpleString(f);
  r.Bulk("begin_search");
  r.MapHeader(2);
  r.Bulk("type");
  if (ks.bs_keyword.empty()) {
    r.Bulk("index");
    r.Bulk("spec");
    r.MapHeader(1);
    r.Bulk("index");
    r.Integer(ks.bs_index);
  } else {
    r.Bulk("keyword");
    r.Bulk("spec");
    r.MapHeader(2);
    r.Bulk("keyword");
    r.Bulk(ks.bs_keyword);
    r.Bulk("startfrom");
    r.Integer(ks.bs_startfrom);
  }
  r.Bulk("find_keys");
  r.MapHeader(2);
  r.Bulk("type");
  if (ks.fk_keynumidx < 0) {
    r.Bulk("range");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("lastkey");
    r.Integer(ks.fk_lastkey);
    r.Bulk("keystep");
    r.Integer(ks.fk_keystep);
    r.Bulk("limit");
    r.Integer(ks.fk_limit);
  } else {
    r.Bulk("keynum");
    r.Bulk("spec");
    r.MapHeader(3);
    r.Bulk("keynumidx");
    r.Integer(ks.fk_keynumidx);
    r.Bulk("firstkey");
    r.Integer(ks.fk_firstkey);
    r.Bulk("keystep");
    r.Integer(ks.fk_keystep);
  }
}

// One COMMAND INFO entry (an array of 10).
void ReplyCommandInfo(protocol::ReplyBuilder& r, const CommandSpec& spec) {
  r.ArrayHeader(10);
  r.Bulk(spec.name);
  r.Integer(spec.arity);
  auto flags = FlagNames(spec.flag_bits);
  r.SetHeader(flags.size());
  for (auto f : flags) r.SimpleString(f);
  r.Integer(spec.first_key);
  r.Integer(spec.last_key);
  r.Integer(spec.step);
  auto acl = Words(spec.acl);
  r.SetHeader(acl.size());
  for (const auto& a : acl) r.SimpleString("@" + a);
  auto tips = Words(spec.tips);
  r.SetHeader(tips.size());
  for (const auto& t : tips) r.Bulk(t);
  r.SetHeader(spec.key_specs.size());
  for (const auto& ks : spec.key_specs) ReplyKeySpec(r, ks);
  r.ArrayHeader(spec.subcommands.size());
  for (const auto& sub : spec.subcommands) ReplyCommandInfo(r, sub);
}

// One COMMAND DOCS value (a map). Argument documentation is not carried by the table.
void ReplyCommandDocs(protocol::ReplyBuilder& r, const CommandSpec& spec) {
  size_t fields = 4 + (spec.subcommands.empty() ? 0 : 1);
  r.MapHeader(fields);
  r.Bulk("summary");
  r.Bulk(spec.summary);
  r.Bulk("since");
  r.Bulk(spec.since);
  r.Bulk("group");
  r.Bulk(spec.group);
  r.Bulk("complexity");
  r.Bulk(spec.complexity);
  if (!spec.subcommands.empty()) {
    r.Bulk("subcommands");
    r.MapHeader(spec.subcommands.size());
    for (const auto& sub : spec.subcommands) {
      r.Bulk(sub.name);
      ReplyCommandDocs(r, sub);
    }
  }
}

// COMMAND
void CommandCmd(CommandContext& ctx) {
  const auto& all = GlobalRegistry().all();
  ctx.reply.ArrayHeader(all.size());
  for (const auto& spec : all) ReplyCommandInfo(ctx.reply, *spec);
}

// COMMAND COUNT
void CommandCountCmd(CommandContext& ctx) {
  ctx.reply.Integer(static_cast<int64_t>(GlobalRegistry().size()));
}

// COMMAND INFO [command-name ...]
void CommandInfoCmd(CommandContext& ctx) {
  if (ctx.argv.size() == 2) {
    CommandCmd(ctx);
    return;
  }
  ctx.reply.ArrayHeader(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    const CommandSpec* spec = GlobalRegistry().FindFullName(ctx.argv[i]);
    if (spec) {
      ReplyCommandInfo(ctx.reply, *spec);
    } else {
      ctx.reply.Null();
    }
  }
}

// COMMAND DOCS [command-name ...]
void CommandDocsCmd(CommandContext& ctx) {
  std::vector<const CommandSpec*> found;
  if (ctx.argv.size() == 2) {
    for (const auto& spec : GlobalRegistry().all()) found.push_back(spec.get());
  } else {
    for (size_t i = 2; i < ctx.argv.size(); ++i) {
      const CommandSpec* spec = GlobalRegistry().FindFullName(ctx.argv[i]);
      if (spec) found.push_back(spec);
    }
  }
  ctx.reply.MapHeader(found.size());
  for (const CommandSpec* spec : found) {
    ctx.reply.Bulk(spec->name);
    ReplyCommandDocs(ctx.reply, *spec);
  }
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
void CommandListCmd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  enum { kAll, kModule, kAclCat, kPattern } filter = kAll;
  if (argv.size() == 5 && Is(argv[2], "filterby")) {
    if (Is(argv[3], "module")) {
      filter = kModule;
    } else if (Is(argv[3], "aclcat")) {
      filter = kAclCat;
    } else if (Is(argv[3], "pattern")) {
      filter = kPattern;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  } else if (argv.size() != 2) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  std::vector<const CommandSpec*> names;
  auto consider = [&](const CommandSpec& spec) {
    bool ok = true;
    if (filter == kModule) {
      ok = false;
    } else if (filter == kAclCat) {
      ok = false;
      for (const auto& cat : Words(spec.acl)) ok |= Is(cat, argv[4]);
    } else if (filter == kPattern) {
      ok = storage::GlobMatch(argv[4], spec.name);
    }
    if (ok) names.push_back(&spec);
  };
  for (const auto& spec : GlobalRegistry().all()) {
    consider(*spec);
    for (const auto& sub : spec->subcommands) consider(sub);
  }
  ctx.reply.ArrayHeader(names.size());
  for (const CommandSpec* spec : names) ctx.reply.Bulk(spec->name);
}

// Resolves the command at argv[2...] for GETKEYS; replies with the error and returns null when
// it cannot.
const CommandSpec* GetKeysTarget(CommandContext& ctx, std::vector<std::string>* sub_argv,
                                 std::vector<size_t>* keys) {
  sub_argv->assign(ctx.argv.begin() + 2, ctx.argv.end());
  const CommandSpec* spec = GlobalRegistry().Find((*sub_argv)[0]);
  if (spec && !spec->subcommands.empty() && sub_argv->size() >= 2)
    spec = CommandRegistry::FindSub(*spec, (*sub_argv)[1]);
  if (!spec) {
    ctx.reply.Error(errors::kInvalidCommandName);
    return nullptr;
  }
  if (!spec->ArityOk(sub_argv->size())) {
    ctx.reply.Error(errors::kInvalidNumberOfArgs);
    return nullptr;
  }
  if (spec->key_specs.empty() && spec->first_key == 0) {
    ctx.reply.Error(errors::kNoKeyArgs);
    return nullptr;
  }
  if (!GetKeys(*spec, *sub_argv, keys)) {
    ctx.reply.Error(errors::kInvalidArgsForCommand);
    return nullptr;
  }
  return spec;
}

// COMMAND GETKEYS command [arg ...]
void CommandGetKeysCmd(CommandContext& ctx) {
  std::vector<std::string> sub_argv;
  std::vector<size_t> keys;
  if (!GetKeysTarget(ctx, &sub_argv, &keys)) return;
  ctx.reply.ArrayHeader(keys.size());
  for (size_t i : keys) ctx.reply.Bulk(sub_argv[i]);
}

// COMMAND GETKEYSANDFLAGS command [arg ...]
void CommandGetKeysAndFlagsCmd(CommandContext& ctx) {
  std::vector<std::string> sub_argv;
  std::vector<size_t> keys;
  const CommandSpec* spec = GetKeysTarget(ctx, &sub_argv, &keys);
  if (!spec) return;
  ctx.reply.ArrayHeader(keys.size());
  // Keys come out spec by spec; map each back to its spec's flags.
  for (size_t k = 0; k < keys.size(); ++k) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk(sub_argv[keys[k]]);
    std::string flags;
    size_t counted = 0;
    for (const KeySpec& ks : spec->key_specs) {
      std::vector<size_t> one;
      CommandSpec single = *spec;
      single.key_specs = {ks};
      GetKeys(single, sub_argv, &one);
      if (k < counted + one.size()) {
        flags = ks.flags;
        break;
      }
      counted += one.size();
    }
    auto words = Words(flags);
    ctx.reply.SetHeader(words.size());
    for (const auto& w : words) ctx.reply.SimpleString(w);
  }
}

constexpr const char* kCommandHelp[] = {
    "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
    "HELP",
    "    Prints this help.",
};

// COMMAND HELP
void CommandHelpCmd(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kCommandHelp));
  for (const char* line : kCommandHelp) ctx.reply.SimpleString(line);
}


CommandSpec Sub(std::string name, int arity, Handler h, std::string summary, std::string since,
                std::string tips = "") {
  return CommandSpec{.name = "command|" + name, .arity = arity, .flags = "loading stale",
                     .acl = "slow connection", .tips = std::move(tips), .handler = h,
                     .summary = std::move(summary), .since = std::move(since),
                     .group = "server", .complexity = "O(N) where N is the number of commands"};
}

}  // namespace

void RegisterIntrospectionFamily(CommandRegistry& registry) {
  CommandSpec command{.name = "command", .arity = -1, .flags = "loading stale",
                      .acl = "slow connection", .tips = "nondeterministic_output_order",
                      .handler = CommandCmd, .summary = "Get array of Redis command details",
                      .since = "2.8.13", .group = "server",
                      .complexity = "O(N) where N is the total number of Redis commands"};
  command.subcommands = {
      Sub("count", 2, CommandCountCmd, "Get total number of Redis commands", "2.8.13"),
      Sub("info", -2, CommandInfoCmd, "Get array of specific Redis command details, or all when no argument is given.",
          "2.8.13", "nondeterministic_output_order"),
      Sub("docs", -2, CommandDocsCmd, "Get array of specific Redis command documentation", "7.0.0",
          "nondeterministic_output_order"),
      Sub("list", -2, CommandListCmd, "Get an array of Redis command names", "7.0.0",
          "nondeterministic_output_order"),
      Sub("getkeys", -4, CommandGetKeysCmd, "Extract keys given a full Redis command",
          "2.8.13"),
      Sub("getkeysandflags", -4, CommandGetKeysAndFlagsCmd,
          "Extract keys and access flags given a full Redis command", "7.0.0"),
      Sub("help", 2, CommandHelpCmd, "Show helpful text about the different subcommands",
          "5.0.0"),
  };
  registry.Register(std::move(command));
}

}  // namespace cachet::commands
