// The declarative table of every directive Redis 7.0 knows plus cachet's own, with Redis's
// types, defaults, bounds, flags and special parsers.
#include "cachet/config/config_table.h"

#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/config/config.h"
#include "cachet/config/config_parse.h"

namespace cachet::config {
namespace {

// ---------------------------------------------------------------------------------------
// Small helpers.

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string Join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i) out += sep;
    out += words[i];
  }
  return out;
}

// strtoll(s, &end, base) with Redis's "whole string consumed" test; errno is left set.
bool StrToLL(const std::string& s, int base, long long* out) {
  char* end = nullptr;
  *out = std::strtoll(s.c_str(), &end, base);
  return *end == '\0';
}

std::string Format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return buf;
}

bool PathIsBaseName(const std::string& s) {
  return s.find('/') == std::string::npos && s.find('\\') == std::string::npos;
}

// ---------------------------------------------------------------------------------------
// Special directives: parse the words of a line (or of a CONFIG SET value split at spaces).

Status ParseBind(const std::vector<std::string>& words, const SpecialContext&, SpecialValue* out) {
  if (words.size() > 16) return Status::Error("Too many bind addresses specified.");
  if (words.size() == 1 && words[0].empty()) {
    out->rendered.clear();
    return Status::Ok();
  }
  out->rendered = Join(words, " ");
  return Status::Ok();
}

Status ParseSave(const std::vector<std::string>& in, const SpecialContext& ctx, SpecialValue* out) {
  std::vector<std::string> words = in;
  bool reset = !ctx.reading_file || ctx.first_in_file;
  if (words.size() == 1 && words[0].empty()) {
    words.clear();
    reset = true;
  }
  if (words.size() & 1) return Status::Error("Invalid save parameters");
  for (size_t j = 0; j < words.size(); ++j) {
    long long val;
    bool whole = StrToLL(words[j], 10, &val);
    if (!whole || ((j & 1) == 0 && val < 1) || ((j & 1) == 1 && val < 0)) {
      return Status::Error("Invalid save parameters");
    }
  }
  std::string rendered = reset ? "" : std::string(ctx.current);
  for (size_t j = 0; j < words.size(); j += 2) {
    long long seconds = std::strtoll(words[j].c_str(), nullptr, 10);
    int changes = static_cast<int>(std::strtoll(words[j + 1].c_str(), nullptr, 10));
    if (!rendered.empty()) rendered += ' ';
    rendered += Format("%lld %d", seconds, changes);
  }
  out->rendered = std::move(rendered);
  return Status::Ok();
}

struct ObufLimit {
  unsigned long long hard = 0, soft = 0;
  long seconds = 0;
};
constexpr const char* kObufClassNames[3] = {"normal", "slave", "pubsub"};

Status ParseClientOutputBufferLimit(const std::vector<std::string>& words,
                                    const SpecialContext& ctx, SpecialValue* out) {
  if (words.size() % 4) {
    return Status::Error("Wrong number of arguments in buffer limit configuration.");
  }
  // The limits in force, read back from their rendering.
  ObufLimit limits[3];
  std::vector<std::string> cur = SplitOn(ctx.current, ' ');
  for (size_t i = 0; i + 3 < cur.size(); i += 4) {
    int cls = cur[i] == "normal" ? 0 : cur[i] == "slave" ? 1 : 2;
    limits[cls].hard = std::strtoull(cur[i + 1].c_str(), nullptr, 10);
    limits[cls].soft = std::strtoull(cur[i + 2].c_str(), nullptr, 10);
    limits[cls].seconds = std::strtol(cur[i + 3].c_str(), nullptr, 10);
  }
  ObufLimit values[3];
  bool given[3] = {false, false, false};
  for (size_t j = 0; j < words.size(); j += 4) {
    int cls = -1;
    if (EqualsNoCase(words[j], "normal")) {
      cls = 0;
    } else if (EqualsNoCase(words[j], "slave") || EqualsNoCase(words[j], "replica")) {
      cls = 1;
    } else if (EqualsNoCase(words[j], "pubsub")) {
      cls = 2;
    }
    if (cls < 0) {
      return Status::Error("Invalid client class specified in buffer limit configuration.");
    }
    auto hard = ParseMemory(words[j + 1]);
    auto soft = ParseMemory(words[j + 2]);
    long long secs_ll;
    bool whole = StrToLL(words[j + 3], 10, &secs_ll);
    int secs = static_cast<int>(secs_ll);
    if (!hard || !soft || secs < 0 || !whole) {
      return Status::Error(
          "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    values[cls] = {*hard, *soft, secs};
    given[cls] = true;
  }
  for (int c = 0; c < 3; ++c) {
    if (given[c]) limits[c] = values[c];
  }
  std::string rendered;
  for (int c = 0; c < 3; ++c) {
    if (c) rendered += ' ';
    rendered += Format("%s %llu %llu %ld", kObufClassNames[c], limits[c].hard, limits[c].soft,
                       limits[c].seconds);
  }
  out->rendered = std::move(rendered);
  return Status::Ok();
}

Status ParseOomScoreAdjValues(const std::vector<std::string>& words, const SpecialContext&,
                              SpecialValue* out) {
  if (words.size() != 3) return Status::Error("wrong number of arguments");
  std::vector<std::string> vals;
  for (const std::string& w : words) {
    long long v;
    if (!StrToLL(w, 10, &v) || v < -2000 || v > 2000) {
      return Status::Error(
          "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
    }
    vals.push_back(std::to_string(v));
  }
  out->rendered = Join(vals, " ");
  return Status::Ok();
}

Status ParseNotifyKeyspaceEvents(const std::vector<std::string>& words, const SpecialContext&,
                                 SpecialValue* out) {
  if (words.size() != 1) return Status::Error("wrong number of arguments");
  auto flags = NotifyFlagsFromString(words[0]);
  if (!flags) return Status::Error("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  out->num = *flags;
  out->rendered = NotifyFlagsToString(*flags);
  return Status::Ok();
}

Status ParseReplicaof(const std::vector<std::string>& words, const SpecialContext&,
                      SpecialValue* out) {
  if (words.size() != 2) return Status::Error("wrong number of arguments");
  if (EqualsNoCase(words[0], "no") && EqualsNoCase(words[1], "one")) {
    out->rendered.clear();
    return Status::Ok();
  }
  char* end = nullptr;
  long port = std::strtol(words[1].c_str(), &end, 10);
  if (port < 0 || port > 65535 || *end != '\0') return Status::Error("Invalid master port");
  out->rendered = Format("%s %d", words[0].c_str(), static_cast<int>(port));
  return Status::Ok();
}

Status ParseLatencyPercentiles(const std::vector<std::string>& words, const SpecialContext&,
                               SpecialValue* out) {
  if (words.size() == 1 && words[0].empty()) {
    out->rendered.clear();
    return Status::Ok();
  }
  std::vector<std::string> rendered;
  for (const std::string& w : words) {
    auto p = String2d(w);
    if (!p) return Status::Error("Invalid latency-tracking-info-percentiles parameters");
    if (*p > 100.0 || *p < 0.0) {
      return Status::Error(
          "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
    }
    char buf[128];
    int len = std::snprintf(buf, sizeof(buf), "%f", *p);
    std::string s(buf, len);
    // Redis's trimDoubleString: drop trailing zeros after the dot, then a bare dot.
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    rendered.push_back(std::move(s));
  }
  out->rendered = Join(rendered, " ");
  return Status::Ok();
}

// `dir`: Redis chdir()s; cachet checks what chdir would say and keeps the canonical path.
Status ParseDir(const std::vector<std::string>& words, const SpecialContext& ctx,
                SpecialValue* out) {
  if (words.size() != 1) return Status::Error("wrong number of arguments");
  const std::string& want = words[0];
  if (want.empty()) return Status::Error(ErrnoText(ENOENT));
  std::string path = want[0] == '/' ? want : std::string(ctx.current) + "/" + want;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::Error(ErrnoText(errno));
  if (!S_ISDIR(st.st_mode)) return Status::Error(ErrnoText(ENOTDIR));
  if (::access(path.c_str(), X_OK) != 0) return Status::Error(ErrnoText(errno));
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return Status::Error(ErrnoText(errno));
  out->rendered = resolved;
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// Validators (Redis's is_valid_fn).

Status CheckActiveDefrag(int64_t v) {
  // Debian's redis-server is built against the system jemalloc, which lacks defrag hints.
  if (v) {
    return Status::Error(
        "Active defragmentation cannot be enabled: it requires a Redis server compiled with a "
        "modified Jemalloc like the one shipped by default with the Redis source distribution");
  }
  return Status::Ok();
}

Status CheckShutdownFlags(int64_t v) {
  if ((v & 1) && (v & 2)) {
    return Status::Error("shutdown options SAVE and NOSAVE can't be used simultaneously");
  }
  return Status::Ok();
}

Status CheckShards(int64_t v) {
  if (v != 0 && (v & (v - 1)) != 0) return Status::Error("argument must be 0 or a power of two");
  return Status::Ok();
}

Status CheckDbFilename(const std::string& v, const Config&) {
  if (!PathIsBaseName(v)) return Status::Error("dbfilename can't be a path, just a filename");
  return Status::Ok();
}

Status CheckAofFilename(const std::string& v, const Config&) {
  if (v.empty()) return Status::Error("appendfilename can't be empty");
  if (!PathIsBaseName(v)) return Status::Error("appendfilename can't be a path, just a filename");
  return Status::Ok();
}

Status CheckAofDirname(const std::string& v, const Config&) {
  if (v.empty()) return Status::Error("appenddirname can't be empty");
  if (!PathIsBaseName(v)) return Status::Error("appenddirname can't be a path, just a dirname");
  return Status::Ok();
}

Status CheckHostname(const std::string& v, const Config&) {
  if (std::strlen(v.c_str()) >= 256) {
    return Status::Error("Hostnames must be less than 256 characters");
  }
  for (const char* p = v.c_str(); *p; ++p) {
    char c = *p;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.')) {
      return Status::Error("Hostnames may only contain alphanumeric characters, hyphens or dots");
    }
  }
  return Status::Ok();
}

Status CheckProcTitleTemplate(const std::string& v, const Config& config) {
  if (!ValidProcTitleTemplate(v, config)) {
    return Status::Error("template format is invalid or contains unknown variables");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// Table builders.

std::vector<std::string> AliasList(const char* alias) {
  if (alias == nullptr) return {};
  return {alias};
}

Directive Bool(const char* name, bool def, uint32_t flags, const char* alias = nullptr) {
  Directive d;
  d.name = name;
  d.aliases = AliasList(alias);
  d.type = ConfigType::kBool;
  d.flags = flags;
  d.default_num = def ? 1 : 0;
  return d;
}

Directive Int(const char* name, int64_t min, int64_t max, int64_t def, uint32_t flags,
              const char* alias = nullptr) {
  Directive d;
  d.name = name;
  d.aliases = AliasList(alias);
  d.type = ConfigType::kInt;
  d.flags = flags;
  d.min = min;
  d.max = max;
  d.default_num = def;
  return d;
}

Directive Mem(const char* name, int64_t min, int64_t max, int64_t def, uint32_t flags,
              const char* alias = nullptr) {
  Directive d = Int(name, min, max, def, flags, alias);
  d.type = ConfigType::kMemory;
  return d;
}

Directive Enum(const char* name, std::vector<EnumValue> values, int64_t def, uint32_t flags) {
  Directive d;
  d.name = name;
  d.type = ConfigType::kEnum;
  d.flags = flags;
  d.enum_values = std::move(values);
  d.default_num = def;
  return d;
}

// An enum whose codes are the words' positions.
Directive IndexEnum(const char* name, std::initializer_list<const char*> words, int64_t def,
                    uint32_t flags) {
  std::vector<EnumValue> values;
  int64_t i = 0;
  for (const char* w : words) values.push_back({w, i++});
  return Enum(name, std::move(values), def, flags);
}

Directive Str(const char* name, const char* def, uint32_t flags, const char* alias = nullptr,
              std::function<Status(const std::string&, const Config&)> check = nullptr) {
  Directive d;
  d.name = name;
  d.aliases = AliasList(alias);
  d.type = ConfigType::kString;
  d.flags = flags;
  d.default_value = def;
  d.check_string = std::move(check);
  return d;
}

Directive Special(const char* name, const char* def, uint32_t flags,
                  decltype(Directive::parse) parse, const char* alias = nullptr,
                  int64_t def_num = 0) {
  Directive d;
  d.name = name;
  d.aliases = AliasList(alias);
  d.type = ConfigType::kSpecial;
  d.flags = flags;
  d.default_value = def;
  d.default_num = def_num;
  d.parse = std::move(parse);
  return d;
}

constexpr uint32_t kIgn = kIgnored;
constexpr uint32_t kImm = kImmutable;
constexpr int64_t kIntMax = INT_MAX;
constexpr int64_t kIntMin = INT_MIN;
constexpr int64_t kLongMax = LONG_MAX;
constexpr int64_t kLLongMax = LLONG_MAX;
constexpr int64_t kUIntMax = UINT_MAX;
constexpr int64_t kULLongMax = -1;  // 2^64-1 as the same 64 bits (kUnsigned)

std::vector<Directive> BuildTable() {
  const std::vector<EnumValue> kProtectedAction = {{"no", 0}, {"yes", 1}, {"local", 2}};
  const std::vector<EnumValue> kShutdownFlags = {
      {"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}};

  std::vector<Directive> t = {
      // --- Network and clients (cachet acts on these).
      Int("port", 0, 65535, 6379, 0),
      Special("bind", "* -::*", kMultiArg, ParseBind),
      Str("bind-source-addr", "", kIgn),
      Bool("protected-mode", true, 0),
      Enum("enable-protected-configs", kProtectedAction, 0, kImm),
      Enum("enable-debug-command", kProtectedAction, 0, kImm | kIgn),
      Enum("enable-module-command", kProtectedAction, 0, kImm | kIgn),
      Int("tcp-backlog", 0, kIntMax, 511, kImm),
      Str("unixsocket", "", kImm),
      Int("unixsocketperm", 0, 0777, 0, kImm | kUnsigned | kOctal),
      Int("socket-mark-id", 0, kUIntMax, 0, kImm | kUnsigned | kIgn),
      Int("timeout", 0, kIntMax, 0, 0),
      Int("tcp-keepalive", 0, kIntMax, 300, 0),
      Int("maxclients", 1, kUIntMax, 10000, kUnsigned),
      Str("requirepass", "", kSensitive),
      Mem("proto-max-bulk-len", 1024 * 1024, kLongMax, 512LL * 1024 * 1024, 0),
      Mem("client-query-buffer-limit", 1024 * 1024, kLongMax, 1024LL * 1024 * 1024, kUnsigned),
      Special("client-output-buffer-limit",
              "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
              kMultiArg | kIgn, ParseClientOutputBufferLimit),
      Mem("maxmemory-clients", -100, kLLongMax, 0, kPercent | kIgn),
      Int("io-threads", 0, 128, 0, kImm),
      Bool("io-threads-do-reads", false, kImm | kIgn),

      // --- General.
      Bool("daemonize", false, kImm),
      Enum("supervised", {{"upstart", 0}, {"systemd", 1}, {"auto", 2}, {"no", 3}}, 3, kImm | kIgn),
      Str("pidfile", "", kImm),
      IndexEnum("loglevel", {"debug", "verbose", "notice", "warning"}, kLogNotice, 0),
      Str("logfile", "", kImm),
      Bool("syslog-enabled", false, kImm | kIgn),
      Str("syslog-ident", "redis", kImm | kIgn),
      IndexEnum(
          "syslog-facility",
          {"user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"},
          1, kImm | kIgn),
      Bool("crash-log-enabled", true, kIgn),
      Bool("crash-memcheck-enabled", true, kIgn),
      Bool("use-exit-on-panic", false, kHidden | kIgn),
      Int("databases", 1, kIntMax, 16, kImm),
      Bool("always-show-logo", false, kImm | kIgn),
      Bool("set-proc-title", true, kImm | kIgn),
      Str("proc-title-template", "{title} {listen-addr} {server-mode}", kIgn, nullptr,
          CheckProcTitleTemplate),
      Int("hz", 0, kIntMax, 10, 0),
      Bool("dynamic-hz", true, kIgn),
      Special("notify-keyspace-events", "", 0, ParseNotifyKeyspaceEvents),
      Str("ignore-warnings", "", kIgn),
      Int("shards", 0, 1024, 0, kImm),
      Int("metrics-port", 0, 65535, 0, kImm),

      // --- Memory and eviction.
      Mem("maxmemory", 0, kULLongMax, 0, kUnsigned),
      IndexEnum("maxmemory-policy",
                {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru",
                 "allkeys-lfu", "allkeys-random", "noeviction"},
                kNoEviction, 0),
      Int("maxmemory-samples", 1, kIntMax, 5, 0),
      Int("maxmemory-eviction-tenacity", 0, 100, 10, 0),
      Int("lfu-log-factor", 0, kIntMax, 10, 0),
      Int("lfu-decay-time", 0, kIntMax, 1, 0),
      Bool("activerehashing", true, kIgn),
      Int("active-expire-effort", 1, 10, 1, kIgn),
      Bool("lazyfree-lazy-eviction", false, 0),
      Bool("lazyfree-lazy-expire", false, 0),
      Bool("lazyfree-lazy-server-del", false, kIgn),
      Bool("lazyfree-lazy-user-del", false, 0),
      Bool("lazyfree-lazy-user-flush", false, 0),
      Bool("activedefrag", false, kIgn),
      Mem("active-defrag-ignore-bytes", 1, kLLongMax, 100LL << 20, kUnsigned | kIgn),
      Int("active-defrag-threshold-lower", 0, 1000, 10, kIgn),
      Int("active-defrag-threshold-upper", 0, 1000, 100, kIgn),
      Int("active-defrag-cycle-min", 1, 99, 1, kIgn),
      Int("active-defrag-cycle-max", 1, 99, 25, kIgn),
      Int("active-defrag-max-scan-fields", 1, kLongMax, 1000, kIgn),
      Bool("jemalloc-bg-thread", true, kIgn),
      Bool("disable-thp", true, kImm | kIgn),
      Enum("oom-score-adj", {{"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}}, 0, kIgn),
      Special("oom-score-adj-values", "0 200 800", kMultiArg | kIgn, ParseOomScoreAdjValues),
      Str("server_cpulist", "", kImm | kIgn),
      Str("bio_cpulist", "", kImm | kIgn),
      Str("aof_rewrite_cpulist", "", kImm | kIgn),
      Str("bgsave_cpulist", "", kImm | kIgn),

      // --- Encodings of collections.
      Int("hash-max-listpack-entries", 0, kLongMax, 512, kUnsigned, "hash-max-ziplist-entries"),
      Mem("hash-max-listpack-value", 0, kLongMax, 64, kUnsigned, "hash-max-ziplist-value"),
      Int("list-max-listpack-size", kIntMin, kIntMax, -2, 0, "list-max-ziplist-size"),
      Int("list-compress-depth", 0, kIntMax, 0, kIgn),
      Int("set-max-intset-entries", 0, kLongMax, 512, kUnsigned),
      Int("zset-max-listpack-entries", 0, kLongMax, 128, kUnsigned, "zset-max-ziplist-entries"),
      Mem("zset-max-listpack-value", 0, kLongMax, 64, kUnsigned, "zset-max-ziplist-value"),
      Mem("hll-sparse-max-bytes", 0, kLongMax, 3000, kUnsigned | kIgn),
      Mem("stream-node-max-bytes", 0, kLongMax, 4096, kUnsigned | kIgn),
      Int("stream-node-max-entries", 0, kLLongMax, 100, kIgn),

      // --- Slow log and latency.
      Int("slowlog-log-slower-than", -1, kLLongMax, 10000, 0),
      Int("slowlog-max-len", 0, kLongMax, 128, 0),
      Bool("latency-tracking", true, 0),
      Special("latency-tracking-info-percentiles", "50 99 99.9", kMultiArg,
              ParseLatencyPercentiles),
      Int("latency-monitor-threshold", 0, kLLongMax, 0, kIgn),
      Int("busy-reply-threshold", 0, kLongMax, 5000, kIgn, "lua-time-limit"),
      Int("tracking-table-max-keys", 0, kLongMax, 1000000, kUnsigned | kIgn),
      Int("acllog-max-len", 0, kLongMax, 128, kIgn),
      Str("aclfile", "", kImm | kIgn),
      Enum("acl-pubsub-default", {{"allchannels", 1}, {"resetchannels", 0}}, 0, kIgn),
      Int("watchdog-period", 0, kIntMax, 0, kHidden | kIgn),

      // --- Persistence (cachet keeps no data on disk).
      Special("save", "3600 1 300 100 60 10000", kMultiArg | kIgn, ParseSave),
      Special("dir", "", kProtected | kIgn, ParseDir),
      Str("dbfilename", "dump.rdb", kProtected | kIgn, nullptr, CheckDbFilename),
      Bool("stop-writes-on-bgsave-error", true, kIgn),
      Bool("rdbcompression", true, kIgn),
      Bool("rdbchecksum", true, kImm | kIgn),
      Bool("rdb-del-sync-files", false, kIgn),
      Bool("rdb-save-incremental-fsync", true, kIgn),
      Int("rdb-key-save-delay", kIntMin, kIntMax, 0, kHidden | kIgn),
      Int("key-load-delay", kIntMin, kIntMax, 0, kHidden | kIgn),
      Int("loading-process-events-interval-bytes", 1024, kIntMax, 2 * 1024 * 1024, kHidden | kIgn),
      IndexEnum("sanitize-dump-payload", {"no", "yes", "clients"}, 0, kIgn),
      Bool("appendonly", false, kIgn),
      Str("appendfilename", "appendonly.aof", kImm | kIgn, nullptr, CheckAofFilename),
      Str("appenddirname", "appendonlydir", kImm | kIgn, nullptr, CheckAofDirname),
      IndexEnum("appendfsync", {"everysec", "always", "no"}, 0, kIgn),
      Bool("no-appendfsync-on-rewrite", false, kIgn),
      Int("auto-aof-rewrite-percentage", 0, kIntMax, 100, kIgn),
      Mem("auto-aof-rewrite-min-size", 0, kLLongMax, 64LL * 1024 * 1024, kIgn),
      Bool("aof-load-truncated", true, kIgn),
      Bool("aof-use-rdb-preamble", true, kIgn),
      Bool("aof-timestamp-enabled", false, kIgn),
      Bool("aof-rewrite-incremental-fsync", true, kIgn),
      Bool("aof-disable-auto-gc", false, kIgn),
      Enum("shutdown-on-sigint", kShutdownFlags, 0, kMultiArg | kBitFlags | kIgn),
      Enum("shutdown-on-sigterm", kShutdownFlags, 0, kMultiArg | kBitFlags | kIgn),
      Int("shutdown-timeout", 0, kIntMax, 10, kIgn),

      // --- Replication.
      Special("replicaof", "", kImm | kMultiArg | kIgn, ParseReplicaof, "slaveof"),
      Str("masterauth", "", kSensitive | kIgn),
      Str("masteruser", "", kSensitive | kIgn),
      Bool("replica-serve-stale-data", true, kIgn, "slave-serve-stale-data"),
      Bool("replica-read-only", true, kIgn, "slave-read-only"),
      Bool("repl-diskless-sync", true, kIgn),
      Int("repl-diskless-sync-delay", 0, kIntMax, 5, kIgn),
      Int("repl-diskless-sync-max-replicas", 0, kIntMax, 0, kIgn),
      IndexEnum("repl-diskless-load", {"disabled", "on-empty-db", "swapdb"}, 0, kIgn),
      Int("repl-ping-replica-period", 1, kIntMax, 10, kIgn, "repl-ping-slave-period"),
      Int("repl-timeout", 1, kIntMax, 60, kIgn),
      Bool("repl-disable-tcp-nodelay", false, kIgn),
      Mem("repl-backlog-size", 1, kLLongMax, 1024 * 1024, kIgn),
      Int("repl-backlog-ttl", 0, kLongMax, 3600, kIgn),
      Int("replica-priority", 0, kIntMax, 100, kIgn, "slave-priority"),
      IndexEnum("propagation-error-behavior", {"ignore", "panic", "panic-on-replicas"}, 0, kIgn),
      Bool("replica-ignore-disk-write-errors", false, kIgn),
      Bool("replica-announced", true, kIgn),
      Int("min-replicas-to-write", 0, kIntMax, 0, kIgn, "min-slaves-to-write"),
      Int("min-replicas-max-lag", 0, kIntMax, 10, kIgn, "min-slaves-max-lag"),
      Str("replica-announce-ip", "", kIgn, "slave-announce-ip"),
      Int("replica-announce-port", 0, 65535, 0, kIgn, "slave-announce-port"),
      Bool("replica-lazy-flush", false, kIgn, "slave-lazy-flush"),
      Bool("replica-ignore-maxmemory", true, kIgn, "slave-ignore-maxmemory"),

      // --- Cluster.
      Bool("cluster-enabled", false, kImm | kIgn),
      Str("cluster-config-file", "nodes.conf", kImm | kIgn),
      Int("cluster-node-timeout", 0, kLLongMax, 15000, kIgn),
      Int("cluster-port", 0, 65535, 0, kImm | kIgn),
      Int("cluster-replica-validity-factor", 0, kIntMax, 10, kIgn, "cluster-slave-validity-factor"),
      Int("cluster-migration-barrier", 0, kIntMax, 1, kIgn),
      Bool("cluster-allow-replica-migration", true, kIgn),
      Bool("cluster-require-full-coverage", true, kIgn),
      Bool("cluster-replica-no-failover", false, kIgn, "cluster-slave-no-failover"),
      Bool("cluster-allow-reads-when-down", false, kIgn),
      Bool("cluster-allow-pubsubshard-when-down", true, kIgn),
      Mem("cluster-link-sendbuf-limit", 0, kULLongMax, 0, kUnsigned | kIgn),
      Str("cluster-announce-hostname", "", kIgn, nullptr, CheckHostname),
      IndexEnum("cluster-preferred-endpoint-type", {"ip", "hostname", "unknown-endpoint"}, 0, kIgn),
      Str("cluster-announce-ip", "", kIgn),
      Int("cluster-announce-port", 0, 65535, 0, kIgn),
      Int("cluster-announce-bus-port", 0, 65535, 0, kIgn),
      Int("cluster-announce-tls-port", 0, 65535, 0, kIgn),

      // --- TLS.
      Int("tls-port", 0, 65535, 0, kIgn),
      Str("tls-cert-file", "", kIgn),
      Str("tls-key-file", "", kIgn),
      Str("tls-key-file-pass", "", kIgn),
      Str("tls-client-cert-file", "", kIgn),
      Str("tls-client-key-file", "", kIgn),
      Str("tls-client-key-file-pass", "", kIgn),
      Str("tls-dh-params-file", "", kIgn),
      Str("tls-ca-cert-file", "", kIgn),
      Str("tls-ca-cert-dir", "", kIgn),
      IndexEnum("tls-auth-clients", {"no", "yes", "optional"}, 1, kIgn),
      Bool("tls-replication", false, kIgn),
      Bool("tls-cluster", false, kIgn),
      Str("tls-protocols", "", kIgn),
      Str("tls-ciphers", "", kIgn),
      Str("tls-ciphersuites", "", kIgn),
      Bool("tls-prefer-server-ciphers", false, kIgn),
      Bool("tls-session-caching", true, kIgn),
      Int("tls-session-cache-size", 0, kIntMax, 20 * 1024, kIgn),
      Int("tls-session-cache-timeout", 0, kIntMax, 300, kIgn),
  };

  for (Directive& d : t) {
    if (d.name == "hz") d.clamp = std::make_pair<int64_t, int64_t>(1, 500);
    if (d.name == "activedefrag") d.check_int = CheckActiveDefrag;
    if (d.name == "shutdown-on-sigint" || d.name == "shutdown-on-sigterm") {
      d.check_int = CheckShutdownFlags;
    }
    if (d.name == "shards") d.check_int = CheckShards;
    if (d.type != ConfigType::kString && d.type != ConfigType::kSpecial) {
      d.default_value = RenderNumeric(d, d.default_num);
    }
  }
  return t;
}

}  // namespace

const std::vector<Directive>& Config::Table() {
  static const std::vector<Directive> table = BuildTable();
  return table;
}

std::string RenderNumeric(const Directive& d, int64_t num) {
  switch (d.type) {
    case ConfigType::kBool:
      return num ? "yes" : "no";
    case ConfigType::kEnum: {
      if (!(d.flags & kBitFlags)) {
        for (const EnumValue& e : d.enum_values) {
          if (e.code == num) return e.name;
        }
        return "unknown";
      }
      // Redis's configEnumGetName for bit flags: an exact word, else the words whose bits
      // are all set, in table order; "unknown" when bits remain.
      std::string names;
      int64_t unmatched = num;
      for (const EnumValue& e : d.enum_values) {
        if (num == e.code) return e.name;
        if (e.code && e.code == (unmatched & e.code)) {
          if (!names.empty()) names += ' ';
          names += e.name;
          unmatched &= ~e.code;
        }
      }
      if (names.empty() || unmatched) return "unknown";
      return names;
    }
    case ConfigType::kInt:
    case ConfigType::kMemory: {
      char buf[64];
      if ((d.flags & kPercent) && num < 0) {
        std::snprintf(buf, sizeof(buf), "%lld%%", -static_cast<long long>(num));
      } else if (d.type == ConfigType::kMemory) {
        std::snprintf(buf, sizeof(buf), "%llu", static_cast<unsigned long long>(num));
      } else if (d.flags & kOctal) {
        std::snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(num));
      } else {
        std::snprintf(buf, sizeof(buf), "%lld", static_cast<long long>(num));
      }
      return buf;
    }
    default:
      return "";
  }
}

Status ParseNumeric(const Directive& d, const std::vector<std::string>& words, int64_t* out) {
  int64_t v = 0;
  switch (d.type) {
    case ConfigType::kBool: {
      if (words.size() == 1 && EqualsNoCase(words[0], "yes")) {
        v = 1;
      } else if (words.size() == 1 && EqualsNoCase(words[0], "no")) {
        v = 0;
      } else {
        return Status::Error("argument must be 'yes' or 'no'");
      }
      break;
    }
    case ConfigType::kEnum: {
      bool bitflags = d.flags & kBitFlags;
      bool ok = !words.empty() && (bitflags || words.size() == 1);
      for (size_t i = 0; ok && i < words.size(); ++i) {
        bool matched = false;
        for (const EnumValue& e : d.enum_values) {
          if (EqualsNoCase(words[i], e.name)) {
            v |= e.code;
            matched = true;
            if (!bitflags) break;
          }
        }
        ok = matched;
      }
      if (!ok) {
        std::string err = "argument(s) must be one of the following: ";
        for (size_t i = 0; i < d.enum_values.size(); ++i) {
          if (i) err += ", ";
          err += d.enum_values[i].name;
        }
        return Status::Error(err);
      }
      break;
    }
    case ConfigType::kInt:
    case ConfigType::kMemory: {
      const std::string& w = words.empty() ? std::string() : words[0];
      bool parsed = false;
      if (d.type == ConfigType::kMemory) {
        if (auto m = ParseMemory(w)) {
          v = static_cast<int64_t>(*m);
          parsed = true;
        }
      }
      if (!parsed && (d.flags & kPercent) && w.size() > 1 && w.back() == '%') {
        if (auto p = String2ll(std::string_view(w).substr(0, w.size() - 1)); p && *p >= 0) {
          v = -*p;
          parsed = true;
        }
      }
      if (!parsed && (d.flags & kOctal)) {
        errno = 0;
        char* end = nullptr;
        long long o = std::strtoll(w.c_str(), &end, 8);
        if (errno == 0 && *end == '\0') {
          v = o;
          parsed = true;
        }
      }
      if (!parsed && d.type == ConfigType::kInt && !(d.flags & (kOctal | kPercent))) {
        if (auto n = String2ll(w)) {
          v = *n;
          parsed = true;
        }
      }
      if (!parsed) {
        if (d.type == ConfigType::kMemory && (d.flags & kPercent)) {
          return Status::Error("argument must be a memory or percent value");
        }
        if (d.type == ConfigType::kMemory) return Status::Error("argument must be a memory value");
        if (d.flags & kOctal) {
          return Status::Error("argument couldn't be parsed as an octal number");
        }
        return Status::Error("argument couldn't be parsed into an integer");
      }
      if (d.flags & kUnsigned) {
        uint64_t u = static_cast<uint64_t>(v);
        uint64_t lo = static_cast<uint64_t>(d.min), hi = static_cast<uint64_t>(d.max);
        if (u > hi || u < lo) {
          if (d.flags & kOctal) {
            return Status::Error(Format("argument must be between %llo and %llo inclusive",
                                        static_cast<unsigned long long>(lo),
                                        static_cast<unsigned long long>(hi)));
          }
          return Status::Error(Format("argument must be between %llu and %llu inclusive",
                                      static_cast<unsigned long long>(lo),
                                      static_cast<unsigned long long>(hi)));
        }
      } else if ((d.flags & kPercent) && v < 0) {
        if (v < d.min) {
          return Status::Error(Format("percentage argument must be less or equal to %lld",
                                      -static_cast<long long>(d.min)));
        }
      } else if (v > d.max || v < d.min) {
        return Status::Error(Format("argument must be between %lld and %lld inclusive",
                                    static_cast<long long>(d.min), static_cast<long long>(d.max)));
      }
      break;
    }
    default:
      return Status::Error("not a numeric directive");
  }
  if (d.check_int) {
    Status s = d.check_int(v);
    if (!s) return s;
  }
  if (d.clamp) {
    if (v < d.clamp->first) v = d.clamp->first;
    if (v > d.clamp->second) v = d.clamp->second;
  }
  *out = v;
  return Status::Ok();
}

bool ValidProcTitleTemplate(const std::string& tmpl, const Config& config) {
  auto variable = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "title") return std::string();
    if (name == "listen-addr") {
      int64_t port = config.GetInt("port"), tls_port = config.GetInt("tls-port");
      if (port || tls_port) {
        std::string bind = config.GetString("bind");
        std::string first = bind.empty() ? "*" : SplitOn(bind, ' ')[0];
        return Format("%s:%u", first.c_str(), static_cast<unsigned>(port ? port : tls_port));
      }
      return "unixsocket:" + config.GetString("unixsocket");
    }
    if (name == "server-mode") {
      return config.GetBool("cluster-enabled") ? std::string("[cluster]") : std::string();
    }
    if (name == "config-file") return config.config_file();
    if (name == "port") return std::to_string(static_cast<unsigned>(config.GetInt("port")));
    if (name == "tls-port") {
      return std::to_string(static_cast<unsigned>(config.GetInt("tls-port")));
    }
    if (name == "unixsocket") return config.GetString("unixsocket");
    return std::nullopt;
  };
  // Redis's sdstemplate: {name} is a variable, "{{" a literal '{'.
  std::string res;
  const char* p = tmpl.c_str();
  while (*p) {
    const char* sv = std::strchr(p, '{');
    if (!sv) {
      res += p;
      break;
    }
    res.append(p, sv - p);
    sv++;
    if (!*sv) return false;
    if (*sv == '{') {
      p = sv + 1;
      res += '{';
      continue;
    }
    const char* ev = std::strchr(sv, '}');
    if (!ev) return false;
    auto value = variable(std::string(sv, ev - sv));
    if (!value) return false;
    res += *value;
    p = ev + 1;
  }
  size_t b = res.find_first_not_of(' ');
  return b != std::string::npos;
}

}  // namespace cachet::config
