// The declarative description of a command (Redis's command table entry) and its context.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cachet/commands/client_state.h"
#include "cachet/commands/server_api.h"
#include "cachet/protocol/reply_builder.h"

namespace cachet::commands {

// Redis 7.0 command flags, in the order COMMAND INFO lists them.
enum CommandFlag : uint64_t {
  kWrite = 1ULL << 0,
  kReadonly = 1ULL << 1,
  kDenyOom = 1ULL << 2,
  kModule = 1ULL << 3,
  kAdmin = 1ULL << 4,
  kPubsub = 1ULL << 5,
  kNoscript = 1ULL << 6,
  kBlocking = 1ULL << 7,
  kLoading = 1ULL << 8,
  kStale = 1ULL << 9,
  kSkipMonitor = 1ULL << 10,
  kSkipSlowlog = 1ULL << 11,
  kAsking = 1ULL << 12,
  kFast = 1ULL << 13,
  kNoAuth = 1ULL << 14,
  kMayReplicate = 1ULL << 15,
  kSentinel = 1ULL << 16,
  kOnlySentinel = 1ULL << 17,
  kNoMandatoryKeys = 1ULL << 18,
  kProtected = 1ULL << 19,
  kNoAsyncLoading = 1ULL << 20,
  kNoMulti = 1ULL << 21,
  kMovableKeys = 1ULL << 22,
  kAllowBusy = 1ULL << 23,
};

// One key specification (Redis 7.0 key specs), for COMMAND INFO and key extraction.
struct KeySpec {
  std::string notes;  // optional explanation COMMAND INFO shows first
  std::string flags;  // space-separated: "RO access", "RW update", "OW update", ...
  // begin_search: index (keyword empty) or keyword search.
  int bs_index = 1;
  std::string bs_keyword;
  int bs_startfrom = 0;
  // find_keys: range (keynum_idx < 0) or keynum.
  int fk_lastkey = 0;
  int fk_keystep = 1;
  int fk_limit = 0;
  int fk_keynumidx = -1;
  int fk_firstkey = 0;
};

// Key spec builders for the command tables.
// One key at argv[index].
inline KeySpec OneKey(std::string flags, int index = 1) {
  return KeySpec{.flags = std::move(flags), .bs_index = index, .fk_lastkey = 0};
}
// Keys from argv[index] on: up to the argument lastkey places from the end when negative
// (-1: the last), every keystep-th.
inline KeySpec KeyRange(std::string flags, int lastkey, int keystep, int index = 1) {
  return KeySpec{
      .flags = std::move(flags), .bs_index = index, .fk_lastkey = lastkey, .fk_keystep = keystep};
}
// numkeys keys after a count at argv[index] (ZUNION, LMPOP, SINTERCARD...): the count sits
// keynumidx places after the search start, the first key firstkey places after it.
inline KeySpec KeyNum(std::string flags, int index, int keynumidx = 0, int firstkey = 1,
                      int keystep = 1) {
  return KeySpec{.flags = std::move(flags),
                 .bs_index = index,
                 .fk_keystep = keystep,
                 .fk_keynumidx = keynumidx,
                 .fk_firstkey = firstkey};
}
inline KeySpec WithNotes(KeySpec ks, std::string notes) {
  ks.notes = std::move(notes);
  return ks;
}

struct CommandContext;
using Handler = void (*)(CommandContext& ctx);

// One entry of the command table. Arity as Redis: N exact, -N at least N (name included).
struct CommandSpec {
  std::string name;     // lower case; subcommands are "container|sub"
  int arity = 0;
  std::string flags;    // space-separated Redis flag names: "readonly fast"
  int first_key = 0, last_key = 0, step = 0;
  std::string acl;      // space-separated categories without '@': "read string fast"
  std::string tips;     // space-separated command tips: "nondeterministic_output"
  std::vector<KeySpec> key_specs;
  Handler handler = nullptr;
  std::string summary, since, group, complexity;
  std::vector<CommandSpec> subcommands;

  // Derived at registration.
  uint64_t flag_bits = 0;
  const CommandSpec* parent = nullptr;
  // Dense index of this command or subcommand in its registry (per-command statistics).
  size_t stats_index = 0;
  // The family's function. At registration `handler` becomes the statistics recorder
  // (command_stats.h), which calls this one.
  Handler run = nullptr;

  bool Has(CommandFlag f) const { return (flag_bits & f) != 0; }
  // Whether argc satisfies the arity.
  bool ArityOk(size_t argc) const {
    return arity >= 0 ? argc == static_cast<size_t>(arity) : argc >= static_cast<size_t>(-arity);
  }
};

// Everything a handler may use. argv[0] is the command name as the client sent it.
struct CommandContext {
  const std::vector<std::string>& argv;
  protocol::ReplyBuilder& reply;
  ClientState& client;
  ServerApi& server;
  const CommandSpec& spec;
};

// Whether a client name (or library name/version) is valid: printable ASCII, no spaces.
bool IsValidClientName(std::string_view name);

// Parses a flag list ("readonly fast") into bits; unknown names are a programming error.
uint64_t ParseFlags(std::string_view flags);
// The names of the bits set, in Redis's order.
std::vector<std::string_view> FlagNames(uint64_t bits);

}  // namespace cachet::commands
