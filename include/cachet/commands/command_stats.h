// Per-command statistics (INFO commandstats, latencystats, errorstats and the stats section's
// totals), kept in per-thread tables so that the command path never writes a shared atomic.
//
// Every thread that runs commands owns one table. Only the owner writes its counters (a relaxed
// load and a relaxed store: no read-modify-write, no contention); INFO sums the tables of all
// threads with relaxed loads. A thread's table outlives the thread (the next thread to start
// takes it over, counts included), so nothing counted is ever lost.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cachet::commands {

struct CommandSpec;
struct CommandContext;

// Commands and subcommands one registry may hold (each gets a dense stats_index below this).
inline constexpr size_t kMaxCommandSlots = 1024;

// Log-linear histogram of durations in nanoseconds, from 1 ns to 1 s (longer ones count as
// 1 s, as Redis's latency histograms clamp). Values under 64 ns are exact; above, each power
// of two is split in 64 buckets, so a bucket's upper end is within 1.6% of any value in it.
class LatencyHistogram {
 public:
  static constexpr int kSubBits = 6;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  static constexpr uint64_t kMaxValue = 1000000000;                  // 1 s
  static constexpr size_t kBuckets = kSub + (30 - kSubBits) * kSub;  // up to 2^30 ns

  // The bucket of a value (clamped to [1, kMaxValue]).
  static size_t BucketOf(uint64_t ns);
  // The largest value that falls in bucket i (what a percentile reports, as HdrHistogram's
  // highest equivalent value).
  static uint64_t BucketHigh(size_t i);
};

// Redis's percentile lookup over summed bucket counts: the first bucket where the running count
// reaches percentile/100 * total (rounded, at least 1); its BucketHigh in ns. 0 when empty.
uint64_t PercentileOf(const std::vector<uint64_t>& buckets, double percentile);

// --- Recording (on the thread that runs the command) ---

// The handler CommandRegistry installs in every CommandSpec: runs spec.run, times it and
// records one call (calls, usec, failed_calls when it replied an error, the latency
// histogram) and one processed command. A command that blocked its client is a call, but its
// latency is recorded when it is served (RecordServed), as Redis 7.0 does; a run while the
// client is blocked (the server running a blocked command again) records nothing.
void RecordedHandler(CommandContext& ctx);
// One call of spec that took duration_ns; failed when it replied an error.
void RecordCall(const CommandSpec& spec, uint64_t duration_ns, bool failed);
// A blocked call of spec was served: its usec, failure and latency sample (no new call).
void RecordServed(const CommandSpec& spec, uint64_t duration_ns, bool failed);
// spec was refused before running (arity, authentication, OOM, subscribed mode, MULTI).
void RecordRejected(const CommandSpec& spec);
// One more command in total_commands_processed (for commands the dispatcher answers itself).
void CountCommandProcessed();
// Bytes read from / written to clients, and the read / write events that moved them.
void RecordNetInput(uint64_t bytes);
void RecordNetOutput(uint64_t bytes);
// Every error reply (the ReplyBuilder's hook): total_error_replies and errorstat_<PREFIX>,
// PREFIX being the first word of the message (Redis's afterErrorReply: a message with no
// space in its first 32 bytes counts as ERR). message is the text without its leading '-'.
void CountErrorReply(std::string_view message);
// One change to the dataset (rdb_changes_since_last_save): the keyspace observer calls it for
// every key written or deleted. Not zeroed by ResetCommandStats.
void CountDirty();
// Error replies this thread has produced so far (to tell whether a command failed).
uint64_t ThreadErrorReplies();
// Where the recorder reads latency-tracking (a config atomic, nonzero: on); nullptr: on.
// The dispatcher sets it for its thread before running commands.
void SetLatencyTrackingFlag(const std::atomic<int64_t>* flag);
// Monotonic nanoseconds, the clock the recorder times commands with.
uint64_t MonotonicNs();
// Installs CountErrorReply as the ReplyBuilder's error hook (idempotent).
void InstallErrorHook();

// --- Reading (any thread) ---

struct CommandStat {
  uint64_t calls = 0;
  uint64_t usec = 0;
  uint64_t rejected_calls = 0;
  uint64_t failed_calls = 0;
};

// Totals summed over all threads' tables.
struct ThreadTotals {
  uint64_t commands_processed = 0;
  uint64_t net_input_bytes = 0;
  uint64_t net_output_bytes = 0;
  uint64_t error_replies = 0;
  uint64_t reads_processed = 0;
  uint64_t writes_processed = 0;
};
ThreadTotals SumThreadTotals();
// The counters of the command whose stats_index is index.
CommandStat SumCommandStat(size_t index);
// The summed latency histogram of a command (empty when it never ran with tracking on).
std::vector<uint64_t> SumLatencyHistogram(size_t index);
// Changes counted by CountDirty on every thread.
uint64_t SumDirty();
// (prefix, count) of every error prefix seen, sorted by prefix.
std::vector<std::pair<std::string, uint64_t>> SumErrorStats();

// CONFIG RESETSTAT: zeroes every counter above (commands, latencies, errors, totals). Each
// table is zeroed by its owner before its next update; until then readers count it as zero.
void ResetCommandStats();

}  // namespace cachet::commands
