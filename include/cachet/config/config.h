// The server's configuration: one declarative table of directives and the values in force.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cachet::config {

// The Redis release whose configuration language, defaults and error texts cachet reproduces.
inline constexpr std::string_view kRedisVersion = "7.0.15";

enum class ConfigType {
  kBool,     // yes/no
  kInt,      // integer with bounds
  kMemory,   // integer accepting Redis's units (1k 1kb 100mb 2gb, case-insensitive)
  kEnum,     // one word out of a fixed list (several words for kBitFlags enums)
  kString,   // one string (may be empty)
  kSpecial,  // custom parse/render (bind, save, client-output-buffer-limit, ...)
};

enum ConfigFlag : uint32_t {
  kImmutable = 1 << 0,  // cannot be changed with CONFIG SET
  kIgnored = 1 << 1,    // accepted for compatibility; cachet does not act on it
  kSensitive = 1 << 2,  // value not logged (requirepass, masterauth)
  kMultiArg = 1 << 3,   // takes several words on a config line (bind, save, ...)
  kHidden = 1 << 4,     // CONFIG GET patterns skip it; its exact name still finds it
  kProtected = 1 << 5,  // CONFIG SET refused unless enable-protected-configs allows it
  kUnsigned = 1 << 6,   // numeric compared and held as unsigned 64-bit (maxmemory, maxclients)
  kOctal = 1 << 7,      // numeric parsed and rendered in octal (unixsocketperm)
  kPercent = 1 << 8,    // numeric also accepts "N%", held as -N (maxmemory-clients)
  kBitFlags = 1 << 9,   // enum whose words combine: first word is 0, word i is 1 << (i - 1)
};

// Result of parsing or setting: ok, or Redis's error text for the reason.
struct Status {
  bool ok = true;
  std::string error;
  // True when `error` is a log line (a config file that cannot be opened: Redis logs it at
  // warning level and exits 1) rather than the fatal banner that goes verbatim to stderr.
  bool log_line = false;

  static Status Ok() { return {}; }
  static Status Error(std::string e) { return {false, std::move(e), false}; }
  static Status LogError(std::string e) { return {false, std::move(e), true}; }
  explicit operator bool() const { return ok; }
};

class Config;

// One word of an enum directive and the code GetInt returns for it. Several words may share
// a code (oom-score-adj: yes and relative); CONFIG GET renders the first word with the code.
struct EnumValue {
  std::string name;
  int64_t code = 0;
};

// What a kSpecial parser sees besides its words.
struct SpecialContext {
  const Config& config;
  std::string_view current;    // the value in force, rendered
  bool reading_file = false;   // true while a config file or command line is being read
  bool first_in_file = false;  // true when the directive has not appeared in any file before
};

// What a kSpecial parser produces: the rendered value and, where one exists, a numeric form.
struct SpecialValue {
  std::string rendered;
  int64_t num = 0;
};

// One directive of the table.
struct Directive {
  std::string name;
  std::vector<std::string> aliases;  // e.g. hash-max-ziplist-entries for hash-max-listpack-...
  ConfigType type = ConfigType::kString;
  uint32_t flags = 0;
  std::string default_value;           // as CONFIG GET renders it
  int64_t default_num = 0;             // numeric default (kBool, kInt, kMemory, kEnum)
  int64_t min = 0, max = 0;            // for kInt/kMemory (kUnsigned: read as uint64_t)
  std::vector<EnumValue> enum_values;  // for kEnum
  // Values outside [first, second] are accepted and stored clamped (hz: 1..500).
  std::optional<std::pair<int64_t, int64_t>> clamp;
  // Extra check of a parsed kBool/kInt/kMemory/kEnum value (Redis's is_valid_fn).
  std::function<Status(int64_t value)> check_int;
  // Extra check of a kString value; may read other directives through `config`.
  std::function<Status(const std::string& value, const Config& config)> check_string;
  // For kSpecial: parse the words of a config line into the canonical rendered value.
  std::function<Status(const std::vector<std::string>& words, const SpecialContext& ctx,
                       SpecialValue* out)>
      parse;
};

// Called after CONFIG SET changed a directive. An error undoes the whole CONFIG SET and is
// reported as "CONFIG SET failed (possibly related to argument 'name') - <error>". Hooks run
// with writes serialised: they may read the config but must not call Set.
using ChangeHook = std::function<Status(Config&)>;

// Holds every directive's current value. Reads are safe from any thread; writes are
// serialised. Typed numeric values are also kept as atomics so hot paths read them cheaply.
class Config {
 public:
  Config();  // every directive at its default; `dir` is the working directory
  ~Config();
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // Loads a redis.conf-style file (directives, quotes, escapes, '#' comments, include) and
  // remembers its absolute path as config_file(). On error returns Redis's fatal message:
  //   "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at
  //   line N\n>>> 'the line'\n<reason>" -- the caller prints it (plus a newline) to stderr and
  // exits 1. A file that cannot be opened gives a log_line Status instead.
  Status LoadFile(const std::string& path);
  // Applies a whole command line (argv without the program name) exactly as redis-server
  // does: a first argument not starting with '-' is the config file; each "--name" starts a
  // new config line whose following words are its arguments; "-" as the first or last
  // argument appends standard input. The options are parsed after the file, in one text, so
  // line numbers in errors count on from the file's last line.
  Status ApplyArgs(const std::vector<std::string>& args);
  // Parses a whole config text as Redis's loadServerConfigFromString. `origin` is accepted
  // for callers that name the text's source; like Redis, relative include paths resolve
  // against the working directory (the `dir` directive), not against the including file.
  Status LoadString(const std::string& text, const std::string& origin = "");

  // CONFIG GET of one argument: an exact name (found case-insensitively, hidden ones too,
  // answered under the spelling asked) or a glob matched case-insensitively against every
  // visible name and alias. Pairs in table order.
  std::vector<std::pair<std::string, std::string>> GetMatching(std::string_view pattern) const;
  // CONFIG GET of several arguments: the union, each directive name at most once.
  std::vector<std::pair<std::string, std::string>> GetMatching(
      const std::vector<std::string>& patterns) const;
  // Current rendered value of a directive (by name or alias), or nullopt when unknown.
  std::optional<std::string> Get(std::string_view name) const;

  // CONFIG SET of one directive. Errors are Redis's wording (without the "ERR " prefix).
  // `local_client` says whether the caller is a local connection, for protected configs
  // under "enable-protected-configs local".
  Status Set(std::string_view name, std::string_view value, bool local_client = false);
  // CONFIG SET of several pairs, all or nothing, with Redis's checks in Redis's order
  // (unknown name, immutable, protected, duplicate parameter, value, hooks).
  Status Set(const std::vector<std::pair<std::string, std::string>>& pairs,
             bool local_client = false);
  // Checks what Set would say without changing anything or running hooks.
  Status Validate(std::string_view name, std::string_view value, bool local_client = false) const;
  // Registers a hook run after CONFIG SET changes `name` (or its alias's directive).
  void OnChange(std::string_view name, ChangeHook hook);

  // Typed reads. kBool: 0/1; kInt/kMemory: the value (kUnsigned ones as the same 64 bits);
  // kEnum: the word's code (its index in the list; bit flags for kBitFlags enums);
  // notify-keyspace-events: its kNotify* flags. 0 for strings and unknown names.
  int64_t GetInt(std::string_view name) const;
  bool GetBool(std::string_view name) const { return GetInt(name) != 0; }
  // The rendered value of any directive ("" for unknown names).
  std::string GetString(std::string_view name) const;
  // A stable reference to the atomic value of a numeric directive, for hot paths.
  const std::atomic<int64_t>& IntRef(std::string_view name) const;

  // True when the directive was given explicitly in the file or command line.
  bool IsExplicit(std::string_view name) const;
  // Names of kIgnored directives set explicitly to a non-default value, then the
  // non-directive lines cachet does not act on ("loadmodule", "user", "rename-command" when
  // no command lookup is installed, module configs "module.name"), each once.
  std::vector<std::string> IgnoredInUse() const;
  // The config file loaded, absolute path ("" when none).
  const std::string& config_file() const { return config_file_; }
  // `path` resolved the way redis-server resolves it after loading: relative paths are
  // relative to the `dir` directive (Redis chdir()s there).
  std::string ResolvePath(std::string_view path) const;

  // Installs the command table check used by rename-command: `exists(name)` says whether a
  // command is known (case-insensitively). With it, rename-command is validated like Redis
  // ("No such command in rename-command", "Target command name already exists"); without it
  // rename-command lines are only recorded.
  void SetCommandLookup(std::function<bool(std::string_view)> exists);
  // rename-command lines in order: (old name, new name), the new name "" meaning removed.
  std::vector<std::pair<std::string, std::string>> RenamedCommands() const;

  static const std::vector<Directive>& Table();
  // The directive named `name` or one of its aliases (case-insensitive), or nullptr.
  static const Directive* Find(std::string_view name);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string config_file_;
};

// Parses a memory size as Redis's memtoull: digits then an optional unit, "b"=1, "k"=1000,
// "kb"=1024, "m", "mb", "g", "gb", case-insensitive. Like Redis 7.0, a number past 2^64-1
// saturates and the unit's product wraps modulo 2^64. Returns nullopt when malformed
// (including any '-').
std::optional<uint64_t> ParseMemory(std::string_view s);

// notify-keyspace-events classes, as GetInt("notify-keyspace-events") reports them.
enum NotifyFlag : int64_t {
  kNotifyKeyspace = 1 << 0,  // K
  kNotifyKeyevent = 1 << 1,  // E
  kNotifyGeneric = 1 << 2,   // g
  kNotifyString = 1 << 3,    // $
  kNotifyList = 1 << 4,      // l
  kNotifySet = 1 << 5,       // s
  kNotifyHash = 1 << 6,      // h
  kNotifyZset = 1 << 7,      // z
  kNotifyExpired = 1 << 8,   // x
  kNotifyEvicted = 1 << 9,   // e
  kNotifyStream = 1 << 10,   // t
  kNotifyKeyMiss = 1 << 11,  // m
  kNotifyLoaded = 1 << 12,   // module only
  kNotifyModule = 1 << 13,   // d
  kNotifyNew = 1 << 14,      // n
  kNotifyAll = kNotifyGeneric | kNotifyString | kNotifyList | kNotifySet | kNotifyHash |
               kNotifyZset | kNotifyExpired | kNotifyEvicted | kNotifyStream | kNotifyModule,  // A
};
// Redis's keyspaceEventsStringToFlags: nullopt on a character outside "Ag$lshzxeKEtmdn".
std::optional<int64_t> NotifyFlagsFromString(std::string_view classes);
// Redis's keyspaceEventsFlagsToString ("AKE", "gxK", ...).
std::string NotifyFlagsToString(int64_t flags);

// Codes of GetInt("maxmemory-policy"), in the table's order.
enum MaxmemoryPolicy : int64_t {
  kVolatileLru = 0,
  kVolatileLfu,
  kVolatileRandom,
  kVolatileTtl,
  kAllkeysLru,
  kAllkeysLfu,
  kAllkeysRandom,
  kNoEviction,
};

// Codes of GetInt("loglevel").
enum LogLevel : int64_t { kLogDebug = 0, kLogVerbose, kLogNotice, kLogWarning };

// Codes of GetInt("enable-protected-configs"), enable-debug-command, enable-module-command.
enum ProtectedAction : int64_t { kAllowedNo = 0, kAllowedYes, kAllowedLocal };

}  // namespace cachet::config
