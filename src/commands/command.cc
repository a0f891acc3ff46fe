// Command flag names and their bits, in the order Redis 7.0 reports them.
#include "cachet/commands/command.h"

#include <array>
#include <cstdlib>
#include <cstdio>
#include <utility>

namespace cachet::commands {
namespace {

constexpr std::array<std::pair<std::string_view, uint64_t>, 24> kFlagNames = {{
    {"write", kWrite},
    {"readonly", kReadonly},
    {"denyoom", kDenyOom},
    {"module", kModule},
    {"admin", kAdmin},
    {"pubsub", kPubsub},
    {"noscript", kNoscript},
    {"blocking", kBlocking},
    {"loading", kLoading},
    {"stale", kStale},
    {"skip_monitor", kSkipMonitor},
    {"skip_slowlog", kSkipSlowlog},
    {"asking", kAsking},
    {"fast", kFast},
    {"no_auth", kNoAuth},
    {"may_replicate", kMayReplicate},
    {"sentinel", kSentinel},
    {"only_sentinel", kOnlySentinel},
    {"no_mandatory_keys", kNoMandatoryKeys},
    {"protected", kProtected},
    {"no_async_loading", kNoAsyncLoading},
    {"no_multi", kNoMulti},
    {"movablekeys", kMovableKeys},
    {"allow_busy", kAllowBusy},
}};

}  // namespace

uint64_t ParseFlags(std::string_view flags) {
  uint64_t bits = 0;
  size_t pos = 0;
  while (pos < flags.size()) {
    size_t end = flags.find(' ', pos);
    if (end == std::string_view::npos) end = flags.size();
    std::string_view word = flags.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    bool found = false;
    for (const auto& [name, bit] : kFlagNames) {
      if (name == word) {
        bits |= bit;
        found = true;
        break;
      }
    }
    if (!found) {
      std::fprintf(stderr, "command table: unknown flag '%.*s'\n", static_cast<int>(word.size()),
                   word.data());
      std::abort();
    }
  }
  return bits;
}

std::vector<std::string_view> FlagNames(uint64_t bits) {
  std::vector<std::string_view> out;
  for (const auto& [name, bit] : kFlagNames) {
    if (bits & bit) out.push_back(name);
  }
  return out;
}

}  // namespace cachet::commands
