// The command table's storage, lookup and key extraction.
#include "cachet/commands/registry.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "cachet/commands/command_stats.h"

namespace cachet::commands {
namespace {

const CommandRegistry* g_registry = nullptr;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

void Finish(CommandSpec& spec, const CommandSpec* parent, size_t* next_index) {
  spec.flag_bits = ParseFlags(spec.flags);
  spec.parent = parent;
  if (!spec.handler && spec.subcommands.empty()) {
    std::fprintf(stderr, "command table: '%s' has no handler\n", spec.name.c_str());
    std::abort();
  }
  if (*next_index >= kMaxCommandSlots) {
    std::fprintf(stderr, "command table: more than %zu commands\n", kMaxCommandSlots);
    std::abort();
  }
  spec.stats_index = (*next_index)++;
  // Every call through the table is timed and counted (INFO commandstats).
  if (spec.handler && spec.handler != &RecordedHandler) {
    spec.run = spec.handler;
    spec.handler = &RecordedHandler;
  }
  for (auto& sub : spec.subcommands) Finish(sub, &spec, next_index);
}

}  // namespace

void CommandRegistry::Register(CommandSpec spec) {
  InstallErrorHook();
  auto owned = std::make_unique<CommandSpec>(std::move(spec));
  Finish(*owned, nullptr, &next_stats_index_);
  // Subcommands point at their parent; fix after the move into stable storage.
  for (auto& sub : owned->subcommands) sub.parent = owned.get();
  by_name_[Lower(owned->name)] = owned.get();
  commands_.push_back(std::move(owned));
}

const CommandSpec* CommandRegistry::Find(std::string_view name) const {
  if (name.size() > 64) return nullptr;
  char buf[64];
  for (size_t i = 0; i < name.size(); ++i)
    buf[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  auto it = by_name_.find(std::string(buf, name.size()));
  return it == by_name_.end() ? nullptr : it->second;
}

const CommandSpec* CommandRegistry::FindSub(const CommandSpec& container, std::string_view sub) {
  for (const auto& s : container.subcommands) {
    std::string_view short_name = std::string_view(s.name).substr(s.name.find('|') + 1);
    if (EqualsNoCase(short_name, sub)) return &s;
  }
  return nullptr;
}

const CommandSpec* CommandRegistry::FindFullName(std::string_view full) const {
  size_t bar = full.find('|');
  if (bar == std::string_view::npos) return Find(full);
  const CommandSpec* container = Find(full.substr(0, bar));
  if (!container) return nullptr;
  return FindSub(*container, full.substr(bar + 1));
}

const CommandRegistry& GlobalRegistry() { return *g_registry; }
void SetGlobalRegistry(const CommandRegistry* registry) { g_registry = registry; }

bool GetKeys(const CommandSpec& spec, const std::vector<std::string>& argv,
             std::vector<size_t>* key_indices) {
  key_indices->clear();
  const int argc = static_cast<int>(argv.size());
  if (!spec.key_specs.empty()) {
    for (const KeySpec& ks : spec.key_specs) {
      int first;
      if (ks.bs_keyword.empty()) {
        first = ks.bs_index;
      } else {
        // Keyword search: find the keyword, keys start after it.
        first = -1;
        int start = ks.bs_startfrom >= 0 ? ks.bs_startfrom : argc + ks.bs_startfrom;
        int step = ks.bs_startfrom >= 0 ? 1 : -1;
        for (int i = start; i > 0 && i < argc; i += step) {
          if (EqualsNoCase(argv[i], ks.bs_keyword)) {
            first = i + 1;
            break;
          }
        }
        if (first < 0) continue;
      }
      if (first >= argc) continue;
      int last;
      int step = ks.fk_keystep;
      if (ks.fk_keynumidx >= 0) {
        int numidx = first + ks.fk_keynumidx;
        if (numidx >= argc) return false;
        char* end = nullptr;
        long n = std::strtol(argv[numidx].c_str(), &end, 10);
        if (*end != '\0' || n < 0) return false;
        first = first + ks.fk_firstkey;
        last = first + static_cast<int>(n - 1) * step;
        if (n == 0) continue;
      } else if (ks.fk_lastkey >= 0) {
        last = first + ks.fk_lastkey;
      } else if (ks.fk_lastkey == -1 && ks.fk_limit > 1) {
        last = first + ((argc - first) / ks.fk_limit) - 1;
      } else {
        last = argc + ks.fk_lastkey;
      }
      if (last >= argc) return false;
      for (int i = first; i <= last; i += step) key_indices->push_back(static_cast<size_t>(i));
    }
    return true;
  }
  if (spec.first_key <= 0) return true;
  int last = spec.last_key >= 0 ? spec.last_key : argc + spec.last_key;
  for (int i = spec.first_key; i <= last && i < argc; i += spec.step)
    key_indices->push_back(static_cast<size_t>(i));
  return true;
}

}  // namespace cachet::commands
