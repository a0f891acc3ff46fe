// INFO [section ...]: Redis 7.0's sections, field names and formats, from the server's figures
// and the per-command statistics.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cachet/commands/command.h"
#include "cachet/commands/command_stats.h"
#include "cachet/commands/pubsub.h"
#include "cachet/commands/registry.h"
#include "cachet/commands/tracking.h"
#include "cachet/config/config.h"
#include "cachet/storage/keyspace.h"
#include "cachet/storage/lru.h"
#include "cachet/version.h"

namespace cachet::commands {
namespace {

// The sections INFO with no argument (or "default") prints, in Redis's order.
constexpr std::string_view kDefaultSections[] = {
    "server", "clients", "memory",     "persistence", "stats",   "replication",
    "cpu",    "modules", "errorstats", "cluster",     "keyspace"};

// Redis's bytesToHuman.
std::string BytesToHuman(uint64_t n) {
  char buf[64];
  const double d = static_cast<double>(n);
  if (n < 1024) {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 "B", n);
  } else if (n < (1ULL << 20)) {
    std::snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
  } else if (n < (1ULL << 30)) {
    std::snprintf(buf, sizeof(buf), "%.2fM", d / (1ULL << 20));
  } else if (n < (1ULL << 40)) {
    std::snprintf(buf, sizeof(buf), "%.2fG", d / (1ULL << 30));
  } else if (n < (1ULL << 50)) {
    std::snprintf(buf, sizeof(buf), "%.2fT", d / (1ULL << 40));
  } else if (n < (1ULL << 60)) {
    std::snprintf(buf, sizeof(buf), "%.2fP", d / (1ULL << 50));
  } else {
    std::snprintf(buf, sizeof(buf), "%" PRIu64 "B", n);
  }
  return buf;
}

std::string Fixed(double d, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, d);
  return buf;
}

// Appends "name:value\r\n".
class Section {
 public:
  explicit Section(std::string* out) : out_(out) {}
  void Add(std::string_view name, std::string_view value) {
    out_->append(name);
    out_->push_back(':');
    out_->append(value);
    out_->append("\r\n");
  }
  void Add(std::string_view name, const char* value) { Add(name, std::string_view(value)); }
  void Add(std::string_view name, const std::string& value) { Add(name, std::string_view(value)); }
  void Add(std::string_view name, int64_t value) { Add(name, std::to_string(value)); }
  void Add(std::string_view name, uint64_t value) { Add(name, std::to_string(value)); }
  void Add(std::string_view name, int value) { Add(name, std::to_string(value)); }

 private:
  std::string* out_;
};

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Resident set size from /proc/self/statm (0 when unavailable).
uint64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

uint64_t TotalSystemMemory() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

std::string CpuTime(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

// Everything INFO reads once per call.
struct Figures {
  ServerInfo server;
  storage::KeyspaceStats keyspace;
  std::vector<storage::DbStats> db_stats;
  uint64_t used_memory = 0;
  uint64_t rss = 0;
};

void ServerSection(CommandContext& ctx, const Figures& f, Section& s) {
  const config::Config& cfg = ctx.server.config();
  utsname un{};
  ::uname(&un);
  const int64_t now_us = NowUs();
  const int64_t uptime_s =
      f.server.start_time_ms > 0 ? (now_us / 1000 - f.server.start_time_ms) / 1000 : 0;
  s.Add("redis_version", kRedisVersion);
  s.Add("redis_git_sha1", "00000000");
  s.Add("redis_git_dirty", "0");
  {
    // A build identity: the version and compiler, hashed.
    char id[24];
    const size_t h = std::hash<std::string_view>{}(std::string(kVersion) + " " + __VERSION__);
    std::snprintf(id, sizeof(id), "%" PRIx64, static_cast<uint64_t>(h));
    s.Add("redis_build_id", id);
  }
  s.Add("redis_mode", "standalone");
  s.Add("os", std::string(un.sysname) + " " + un.release + " " + un.machine);
  s.Add("arch_bits", static_cast<int>(sizeof(void*) * 8));
  s.Add("monotonic_clock", "POSIX clock_gettime");
  s.Add("multiplexing_api", "epoll");
  s.Add("atomicvar_api", "c11-builtin");
#if defined(__GNUC__)
  s.Add("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                           std::to_string(__GNUC_PATCHLEVEL__));
#else
  s.Add("gcc_version", "0.0.0");
#endif
  s.Add("process_id", static_cast<int64_t>(::getpid()));
  s.Add("process_supervised", "no");
  s.Add("run_id", f.server.run_id);
  s.Add("tcp_port", f.server.tcp_port);
  s.Add("server_time_usec", now_us);
  s.Add("uptime_in_seconds", uptime_s);
  s.Add("uptime_in_days", uptime_s / 86400);
  s.Add("hz", f.server.hz);
  s.Add("configured_hz", cfg.GetInt("hz"));
  s.Add("lru_clock", static_cast<uint64_t>(storage::LruClock(now_us / 1000)));
  s.Add("executable", f.server.executable);
  s.Add("config_file", cfg.config_file());
  s.Add("io_threads_active", f.server.io_threads > 1 ? 1 : 0);
  s.Add("cachet_version", kVersion);
}

void ClientsSection(CommandContext& ctx, const Figures& f, Section& s) {
  s.Add("connected_clients", f.server.connected_clients);
  s.Add("cluster_connections", 0);
  s.Add("maxclients", static_cast<uint64_t>(ctx.server.config().GetInt("maxclients")));
  s.Add("client_recent_max_input_buffer", f.server.client_recent_max_input_buffer);
  s.Add("client_recent_max_output_buffer", f.server.client_recent_max_output_buffer);
  s.Add("blocked_clients", f.server.blocked_clients);
  s.Add("tracking_clients", ctx.server.tracking().Stats().clients);
  s.Add("clients_in_timeout_table", f.server.clients_in_timeout_table);
}

void MemorySection(CommandContext& ctx, const Figures& f, Section& s) {
  const config::Config& cfg = ctx.server.config();
  const uint64_t used = f.used_memory;
  const uint64_t peak = std::max(f.server.used_memory_peak, used);
  const uint64_t startup = std::min(f.server.used_memory_startup, used);
  const uint64_t overhead = std::min(startup + f.server.client_buffers_bytes, used);
  const uint64_t dataset = used - overhead;
  const uint64_t net = used - startup;
  const struct mallinfo2 mi = ::mallinfo2();
  const uint64_t allocated = mi.uordblks + mi.hblkhd;
  const uint64_t active = std::max<uint64_t>(mi.arena + mi.hblkhd, allocated);
  const uint64_t resident = std::max<uint64_t>(f.rss, active);
  const uint64_t total_mem = TotalSystemMemory();
  const uint64_t maxmemory = static_cast<uint64_t>(cfg.GetInt("maxmemory"));
  auto ratio = [](uint64_t a, uint64_t b) { return Fixed(b ? double(a) / double(b) : 0, 2); };
  auto diff = [](uint64_t a, uint64_t b) {
    return static_cast<int64_t>(a) - static_cast<int64_t>(b);
  };

  s.Add("used_memory", used);
  s.Add("used_memory_human", BytesToHuman(used));
  s.Add("used_memory_rss", f.rss);
  s.Add("used_memory_rss_human", BytesToHuman(f.rss));
  s.Add("used_memory_peak", peak);
  s.Add("used_memory_peak_human", BytesToHuman(peak));
  s.Add("used_memory_peak_perc", Fixed(peak ? double(used) * 100 / double(peak) : 0, 2) + "%");
  s.Add("used_memory_overhead", overhead);
  s.Add("used_memory_startup", startup);
  s.Add("used_memory_dataset", dataset);
  s.Add("used_memory_dataset_perc", Fixed(net ? double(dataset) * 100 / double(net) : 0, 2) + "%");
  s.Add("allocator_allocated", allocated);
  s.Add("allocator_active", active);
  s.Add("allocator_resident", resident);
  s.Add("total_system_memory", total_mem);
  s.Add("total_system_memory_human", BytesToHuman(total_mem));
  // No scripting engine: no Lua VM, no scripts, no functions.
  s.Add("used_memory_lua", 0);
  s.Add("used_memory_vm_eval", 0);
  s.Add("used_memory_lua_human", "0B");
  s.Add("used_memory_scripts_eval", 0);
  s.Add("number_of_cached_scripts", 0);
  s.Add("number_of_functions", 0);
  s.Add("number_of_libraries", 0);
  s.Add("used_memory_vm_functions", 0);
  s.Add("used_memory_vm_total", 0);
  s.Add("used_memory_vm_total_human", "0B");
  s.Add("used_memory_functions", 0);
  s.Add("used_memory_scripts", 0);
  s.Add("used_memory_scripts_human", "0B");
  s.Add("maxmemory", maxmemory);
  s.Add("maxmemory_human", BytesToHuman(maxmemory));
  s.Add("maxmemory_policy", cfg.GetString("maxmemory-policy"));
  s.Add("allocator_frag_ratio", ratio(active, allocated));
  s.Add("allocator_frag_bytes", diff(active, allocated));
  s.Add("allocator_rss_ratio", ratio(resident, active));
  s.Add("allocator_rss_bytes", diff(resident, active));
  s.Add("rss_overhead_ratio", ratio(f.rss, resident));
  s.Add("rss_overhead_bytes", diff(f.rss, resident));
  s.Add("mem_fragmentation_ratio", ratio(f.rss, used));
  s.Add("mem_fragmentation_bytes", diff(f.rss, used));
  s.Add("mem_not_counted_for_evict", 0);
  s.Add("mem_replication_backlog", 0);
  s.Add("mem_total_replication_buffers", 0);
  s.Add("mem_clients_slaves", 0);
  s.Add("mem_clients_normal", f.server.client_buffers_bytes);
  s.Add("mem_cluster_links", 0);
  s.Add("mem_aof_buffer", 0);
  s.Add("mem_allocator", "libc");
  s.Add("active_defrag_running", 0);
  s.Add("lazyfree_pending_objects", f.keyspace.lazyfree_pending_objects);
  s.Add("lazyfreed_objects", f.keyspace.lazyfreed_objects);
}

void PersistenceSection(const Figures& f, Section& s) {
  s.Add("loading", 0);
  s.Add("async_loading", 0);
  s.Add("current_cow_peak", 0);
  s.Add("current_cow_size", 0);
  s.Add("current_cow_size_age", 0);
  s.Add("current_fork_perc", "0.00");
  s.Add("current_save_keys_processed", 0);
  s.Add("current_save_keys_total", 0);
  s.Add("rdb_changes_since_last_save", SumDirty());
  s.Add("rdb_bgsave_in_progress", 0);
  s.Add("rdb_last_save_time", f.server.start_time_ms / 1000);
  s.Add("rdb_last_bgsave_status", "ok");
  s.Add("rdb_last_bgsave_time_sec", -1);
  s.Add("rdb_current_bgsave_time_sec", -1);
  s.Add("rdb_saves", 0);
  s.Add("rdb_last_cow_size", 0);
  s.Add("rdb_last_load_keys_expired", 0);
  s.Add("rdb_last_load_keys_loaded", 0);
  s.Add("aof_enabled", 0);
  s.Add("aof_rewrite_in_progress", 0);
  s.Add("aof_rewrite_scheduled", 0);
  s.Add("aof_last_rewrite_time_sec", -1);
  s.Add("aof_current_rewrite_time_sec", -1);
  s.Add("aof_last_bgrewrite_status", "ok");
  s.Add("aof_rewrites", 0);
  s.Add("aof_rewrites_consecutive_failures", 0);
  s.Add("aof_last_write_status", "ok");
  s.Add("aof_last_cow_size", 0);
  s.Add("module_fork_in_progress", 0);
  s.Add("module_fork_last_cow_size", 0);
}

void StatsSection(CommandContext& ctx, const Figures& f, Section& s) {
  const ThreadTotals t = SumThreadTotals();
  const PubSubStats ps = ctx.server.pubsub().Stats();
  const TrackingStats ts = ctx.server.tracking().Stats();
  s.Add("total_connections_received", f.server.total_connections_received);
  s.Add("total_commands_processed", t.commands_processed);
  s.Add("instantaneous_ops_per_sec", f.server.instantaneous_ops_per_sec);
  s.Add("total_net_input_bytes", t.net_input_bytes);
  s.Add("total_net_output_bytes", t.net_output_bytes);
  s.Add("total_net_repl_input_bytes", 0);
  s.Add("total_net_repl_output_bytes", 0);
  s.Add("instantaneous_input_kbps", Fixed(f.server.instantaneous_input_kbps, 2));
  s.Add("instantaneous_output_kbps", Fixed(f.server.instantaneous_output_kbps, 2));
  s.Add("instantaneous_input_repl_kbps", "0.00");
  s.Add("instantaneous_output_repl_kbps", "0.00");
  s.Add("rejected_connections", f.server.rejected_connections);
  s.Add("sync_full", 0);
  s.Add("sync_partial_ok", 0);
  s.Add("sync_partial_err", 0);
  s.Add("expired_keys", f.keyspace.expired_keys);
  s.Add("expired_stale_perc", "0.00");
  s.Add("expired_time_cap_reached_count", 0);
  s.Add("expire_cycle_cpu_milliseconds", 0);
  s.Add("evicted_keys", f.keyspace.evicted_keys);
  s.Add("evicted_clients", 0);
  s.Add("total_eviction_exceeded_time", 0);
  s.Add("current_eviction_exceeded_time", 0);
  s.Add("keyspace_hits", f.keyspace.keyspace_hits);
  s.Add("keyspace_misses", f.keyspace.keyspace_misses);
  s.Add("pubsub_channels", ps.channels);
  s.Add("pubsub_patterns", ps.patterns);
  s.Add("pubsubshard_channels", ps.shard_channels);
  s.Add("latest_fork_usec", 0);
  s.Add("total_forks", 0);
  s.Add("migrate_cached_sockets", 0);
  s.Add("slave_expires_tracked_keys", 0);
  s.Add("active_defrag_hits", 0);
  s.Add("active_defrag_misses", 0);
  s.Add("active_defrag_key_hits", 0);
  s.Add("active_defrag_key_misses", 0);
  s.Add("total_active_defrag_time", 0);
  s.Add("current_active_defrag_time", 0);
  s.Add("tracking_total_keys", ts.keys);
  s.Add("tracking_total_items", ts.items);
  s.Add("tracking_total_prefixes", ts.prefixes);
  s.Add("unexpected_error_replies", 0);
  s.Add("total_error_replies", t.error_replies);
  s.Add("dump_payload_sanitizations", 0);
  s.Add("total_reads_processed", t.reads_processed);
  s.Add("total_writes_processed", t.writes_processed);
  s.Add("io_threaded_reads_processed", 0);
  s.Add("io_threaded_writes_processed", 0);
  s.Add("reply_buffer_shrinks", 0);
  s.Add("reply_buffer_expands", 0);
}

void ReplicationSection(CommandContext& ctx, const Figures& f, Section& s) {
  s.Add("role", "master");
  s.Add("connected_slaves", 0);
  s.Add("master_failover_state", "no-failover");
  s.Add("master_replid", f.server.replid);
  s.Add("master_replid2", std::string(40, '0'));
  s.Add("master_repl_offset", 0);
  s.Add("second_repl_offset", -1);
  s.Add("repl_backlog_active", 0);
  s.Add("repl_backlog_size", ctx.server.config().GetInt("repl-backlog-size"));
  s.Add("repl_backlog_first_byte_offset", 0);
  s.Add("repl_backlog_histlen", 0);
}

void CpuSection(Section& s) {
  rusage self{}, children{};
  ::getrusage(RUSAGE_SELF, &self);
  ::getrusage(RUSAGE_CHILDREN, &children);
  s.Add("used_cpu_sys", CpuTime(self.ru_stime));
  s.Add("used_cpu_user", CpuTime(self.ru_utime));
  s.Add("used_cpu_sys_children", CpuTime(children.ru_stime));
  s.Add("used_cpu_user_children", CpuTime(children.ru_utime));
  // Commands run on every worker thread: the "main thread" figures are the process's.
  s.Add("used_cpu_sys_main_thread", CpuTime(self.ru_stime));
  s.Add("used_cpu_user_main_thread", CpuTime(self.ru_utime));
}

// Every command and subcommand of the registry with its full name, sorted by name.
std::vector<const CommandSpec*> AllCommandsSorted() {
  std::vector<const CommandSpec*> out;
  for (const auto& c : GlobalRegistry().all()) {
    out.push_back(c.get());
    for (const auto& sub : c->subcommands) out.push_back(&sub);
  }
  std::sort(out.begin(), out.end(),
            [](const CommandSpec* a, const CommandSpec* b) { return a->name < b->name; });
  return out;
}

void CommandStatsSection(Section& s) {
  for (const CommandSpec* spec : AllCommandsSorted()) {
    const CommandStat st = SumCommandStat(spec->stats_index);
    if (st.calls == 0 && st.rejected_calls == 0 && st.failed_calls == 0) continue;
    const double per_call = st.calls ? double(st.usec) / double(st.calls) : 0;
    s.Add("cmdstat_" + spec->name, "calls=" + std::to_string(st.calls) +
                                       ",usec=" + std::to_string(st.usec) +
                                       ",usec_per_call=" + Fixed(per_call, 2) +
                                       ",rejected_calls=" + std::to_string(st.rejected_calls) +
                                       ",failed_calls=" + std::to_string(st.failed_calls));
  }
}

void ErrorStatsSection(Section& s) {
  for (const auto& [prefix, count] : SumErrorStats())
    s.Add("errorstat_" + prefix, "count=" + std::to_string(count));
}

// latency-tracking-info-percentiles as numbers.
std::vector<double> InfoPercentiles(const config::Config& cfg) {
  std::vector<double> out;
  std::istringstream in(cfg.GetString("latency-tracking-info-percentiles"));
  std::string w;
  while (in >> w) {
    double d = 0;
    auto [ptr, ec] = std::from_chars(w.data(), w.data() + w.size(), d);
    if (ec == std::errc()) out.push_back(d);
  }
  return out;
}

void LatencyStatsSection(CommandContext& ctx, Section& s) {
  const config::Config& cfg = ctx.server.config();
  if (!cfg.GetBool("latency-tracking")) return;
  const std::vector<double> percentiles = InfoPercentiles(cfg);
  for (const CommandSpec* spec : AllCommandsSorted()) {
    const std::vector<uint64_t> hist = SumLatencyHistogram(spec->stats_index);
    uint64_t total = 0;
    for (uint64_t c : hist) total += c;
    if (total == 0) continue;
    std::string value;
    for (size_t i = 0; i < percentiles.size(); ++i) {
      if (i) value.push_back(',');
      char num[64];
      const char* end = std::to_chars(num, num + sizeof(num), percentiles[i]).ptr;
      value += 'p';
      value.append(num, static_cast<size_t>(end - num));
      value += '=';
      value += Fixed(double(PercentileOf(hist, percentiles[i])) / 1000.0, 3);
    }
    s.Add("latency_percentiles_usec_" + spec->name, value);
  }
}

void KeyspaceSection(const Figures& f, Section& s) {
  const std::vector<storage::DbStats>& dbs = f.db_stats;
  for (size_t i = 0; i < dbs.size(); ++i) {
    if (dbs[i].keys == 0) continue;
    s.Add("db" + std::to_string(i), "keys=" + std::to_string(dbs[i].keys) + ",expires=" +
                                        std::to_string(dbs[i].expires) + ",avg_ttl=0");
  }
}

// The INFO text for the sections args name (none: the default ones).
std::string GenerateInfo(CommandContext& ctx, const std::vector<std::string>& args) {
  // Redis's genInfoSectionDict: names are case-insensitive; "all" is every section but the
  // modules' own, "everything" adds those (cachet has no modules), "default" the default set.
  std::set<std::string> wanted;
  bool all = false;
  if (args.empty()) {
    wanted.insert(std::begin(kDefaultSections), std::end(kDefaultSections));
  }
  for (std::string a : args) {
    std::transform(a.begin(), a.end(), a.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (a == "all" || a == "everything") {
      all = true;
    } else if (a == "default") {
      wanted.insert(std::begin(kDefaultSections), std::end(kDefaultSections));
    } else if (a == "module_list") {
      wanted.insert("modules");
    } else {
      wanted.insert(a);
    }
  }
  auto want = [&](std::string_view name) { return all || wanted.count(std::string(name)) > 0; };

  Figures f;
  ctx.server.FillInfo(&f.server);
  // Inside EXEC this thread holds some shards, which the keyspace's Stats() would lock again:
  // the cron's last sample stands in.
  const bool in_exec = ctx.client.in_exec;
  if (!in_exec) {
    f.keyspace = ctx.server.keyspace().Stats();
    f.db_stats = ctx.server.keyspace().PerDbStats();
  } else if (f.server.keyspace_sampled) {
    f.keyspace = f.server.keyspace_stats;
    f.db_stats = f.server.db_stats;
  }
  f.rss = ResidentBytes();
  // used_memory: the keyspace's bytes plus the clients' buffers.
  f.used_memory = f.server.used_memory ? f.server.used_memory
                                       : f.keyspace.used_bytes + f.server.client_buffers_bytes;

  std::string out;
  int sections = 0;
  auto header = [&](std::string_view title) {
    if (sections++) out.append("\r\n");
    out.append("# ");
    out.append(title);
    out.append("\r\n");
  };
  Section s(&out);
  if (want("server")) {
    header("Server");
    ServerSection(ctx, f, s);
  }
  if (want("clients")) {
    header("Clients");
    ClientsSection(ctx, f, s);
  }
  if (want("memory")) {
    header("Memory");
    MemorySection(ctx, f, s);
  }
  if (want("persistence")) {
    header("Persistence");
    PersistenceSection(f, s);
  }
  if (want("stats")) {
    header("Stats");
    StatsSection(ctx, f, s);
  }
  if (want("replication")) {
    header("Replication");
    ReplicationSection(ctx, f, s);
  }
  if (want("cpu")) {
    header("CPU");
    CpuSection(s);
  }
  if (want("modules")) header("Modules");
  if (want("commandstats")) {
    header("Commandstats");
    CommandStatsSection(s);
  }
  if (want("errorstats")) {
    header("Errorstats");
    ErrorStatsSection(s);
  }
  if (want("latencystats")) {
    header("Latencystats");
    LatencyStatsSection(ctx, s);
  }
  if (want("cluster")) {
    header("Cluster");
    s.Add("cluster_enabled", 0);
  }
  if (want("keyspace")) {
    header("Keyspace");
    KeyspaceSection(f, s);
  }
  return out;
}

// INFO [section [section ...]]
void InfoCmd(CommandContext& ctx) {
  std::vector<std::string> args(ctx.argv.begin() + 1, ctx.argv.end());
  ctx.reply.Verbatim(GenerateInfo(ctx, args), "txt");
}

}  // namespace

void RegisterInfoFamily(CommandRegistry& registry) {
  registry.Register(
      {.name = "info",
       .arity = -1,
       .flags = "loading stale",
       .acl = "slow dangerous",
       .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
       .handler = InfoCmd,
       .summary = "Get information and statistics about the server",
       .since = "1.0.0",
       .group = "server",
       .complexity = "O(1)"});
}

}  // namespace cachet::commands
