// Per-thread command, error and traffic counters and latency histograms (command_stats.h).
#include "cachet/commands/command_stats.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

#include "cachet/commands/command.h"
#include "cachet/protocol/reply_builder.h"

namespace cachet::commands {
namespace {

using Counter = std::atomic<uint64_t>;

// Owner-only increment: no read-modify-write, readers see either value.
inline void Bump(Counter& c, uint64_t by = 1) {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct Slot {
  Counter calls{0};
  Counter ns{0};
  Counter rejected{0};
  Counter failed{0};
  // kBuckets counters, allocated by the owner on the command's first tracked call.
  std::atomic<Counter*> hist{nullptr};
};

struct Table {
  Slot slots[kMaxCommandSlots];
  Counter processed{0};
  Counter net_in{0};
  Counter net_out{0};
  Counter errors{0};
  Counter reads{0};
  Counter writes{0};
  Counter dirty{0};  // not zeroed by a reset
  std::mutex err_mu;
  std::map<std::string, uint64_t, std::less<>> error_prefixes;  // guarded by err_mu
  // The reset epoch the counters belong to; readers skip a table of an older epoch.
  std::atomic<uint64_t> epoch{0};
  uint64_t prev_errors = 0;  // owner only: error count at the last failed-call check
  bool taken = false;        // guarded by the directory's mutex

  // Owner only: zeroes everything and moves the table to epoch e.
  void Zero(uint64_t e) {
    for (Slot& s : slots) {
      s.calls.store(0, std::memory_order_relaxed);
      s.ns.store(0, std::memory_order_relaxed);
      s.rejected.store(0, std::memory_order_relaxed);
      s.failed.store(0, std::memory_order_relaxed);
      if (Counter* h = s.hist.load(std::memory_order_relaxed)) {
        for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i)
          h[i].store(0, std::memory_order_relaxed);
      }
    }
    for (Counter* c : {&processed, &net_in, &net_out, &errors, &reads, &writes})
      c->store(0, std::memory_order_relaxed);
    {
      std::lock_guard lock(err_mu);
      error_prefixes.clear();
    }
    prev_errors = 0;
    epoch.store(e, std::memory_order_release);
  }
};

// Every table ever created; never freed (a thread's counts outlive it).
struct Directory {
  std::mutex mu;
  std::vector<std::unique_ptr<Table>> tables;  // guarded by mu
  std::atomic<uint64_t> epoch{0};
};

Directory& Dir() {
  static Directory* d = new Directory();
  return *d;
}

// Gives the thread's table back to the directory when the thread ends.
struct Holder {
  Table* table = nullptr;
  ~Holder() {
    if (!table) return;
    std::lock_guard lock(Dir().mu);
    table->taken = false;
  }
};
thread_local Holder tls_holder;
thread_local const std::atomic<int64_t>* tls_tracking = nullptr;

Table* Acquire() {
  Directory& d = Dir();
  std::lock_guard lock(d.mu);
  for (auto& t : d.tables) {
    if (!t->taken) {
      t->taken = true;
      return t.get();
    }
  }
  d.tables.push_back(std::make_unique<Table>());
  Table* t = d.tables.back().get();
  t->taken = true;
  t->epoch.store(d.epoch.load(std::memory_order_relaxed), std::memory_order_relaxed);
  return t;
}

// This thread's table, zeroed first if a reset happened since its last update.
Table& Mine() {
  Table* t = tls_holder.table;
  if (t == nullptr) t = tls_holder.table = Acquire();
  const uint64_t e = Dir().epoch.load(std::memory_order_relaxed);
  if (t->epoch.load(std::memory_order_relaxed) != e) t->Zero(e);
  return *t;
}

// Calls fn(table) for every table of the current epoch (under the directory's mutex).
template <typename Fn>
void ForEachCurrent(Fn&& fn) {
  Directory& d = Dir();
  std::lock_guard lock(d.mu);
  const uint64_t e = d.epoch.load(std::memory_order_acquire);
  for (auto& t : d.tables) {
    if (t->epoch.load(std::memory_order_acquire) == e) fn(*t);
  }
}

bool TrackingOn() {
  return tls_tracking == nullptr || tls_tracking->load(std::memory_order_relaxed) != 0;
}

// Adds a call (when call), its time, its failure and (when histogram) its latency sample.
void RecordInto(Table& t, size_t index, uint64_t ns, bool failed, bool call = true,
                bool histogram = true) {
  Slot& s = t.slots[index];
  if (call) Bump(s.calls);
  Bump(s.ns, ns);
  if (failed) Bump(s.failed);
  if (!histogram || !TrackingOn()) return;
  Counter* h = s.hist.load(std::memory_order_relaxed);
  if (h == nullptr) {
    h = new Counter[LatencyHistogram::kBuckets]();
    s.hist.store(h, std::memory_order_release);
  }
  Bump(h[LatencyHistogram::BucketOf(ns)]);
}

}  // namespace

size_t LatencyHistogram::BucketOf(uint64_t ns) {
  if (ns < 1) ns = 1;
  if (ns > kMaxValue) ns = kMaxValue;
  if (ns < kSub) return static_cast<size_t>(ns);
  const int e = 63 - std::countl_zero(ns);  // >= kSubBits
  const uint64_t sub = (ns >> (e - kSubBits)) & (kSub - 1);
  return static_cast<size_t>(kSub + static_cast<uint64_t>(e - kSubBits) * kSub + sub);
}

uint64_t LatencyHistogram::BucketHigh(size_t i) {
  if (i < kSub) return i;
  const uint64_t e = (i - kSub) / kSub + kSubBits;
  const uint64_t sub = (i - kSub) % kSub;
  const uint64_t width = uint64_t{1} << (e - kSubBits);
  return (uint64_t{1} << e) + sub * width + width - 1;
}

uint64_t PercentileOf(const std::vector<uint64_t>& buckets, double percentile) {
  uint64_t total = 0;
  for (uint64_t c : buckets) total += c;
  if (total == 0) return 0;
  const double p = std::min(std::max(percentile, 0.0), 100.0);
  uint64_t want = static_cast<uint64_t>(p / 100.0 * static_cast<double>(total) + 0.5);
  if (want < 1) want = 1;
  uint64_t run = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    run += buckets[i];
    if (run >= want) return LatencyHistogram::BucketHigh(i);
  }
  return LatencyHistogram::BucketHigh(buckets.size() - 1);
}

uint64_t MonotonicNs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

void RecordedHandler(CommandContext& ctx) {
  const CommandSpec& spec = ctx.spec;
  if (ctx.client.blocked.load(std::memory_order_relaxed)) {
    spec.run(ctx);
    return;
  }
  Mine().prev_errors = Mine().errors.load(std::memory_order_relaxed);
  const uint64_t start = MonotonicNs();
  spec.run(ctx);
  const uint64_t ns = MonotonicNs() - start;
  Table& t = Mine();
  Bump(t.processed);
  const uint64_t errors = t.errors.load(std::memory_order_relaxed);
  const bool failed = errors != t.prev_errors;
  t.prev_errors = errors;
  // A command that blocked is a call now; its latency is recorded once it is served.
  const bool blocked = ctx.client.blocked.load(std::memory_order_relaxed);
  RecordInto(t, spec.stats_index, ns, failed, /*call=*/true, /*histogram=*/!blocked);
}

void RecordCall(const CommandSpec& spec, uint64_t duration_ns, bool failed) {
  RecordInto(Mine(), spec.stats_index, duration_ns, failed);
}

void RecordServed(const CommandSpec& spec, uint64_t duration_ns, bool failed) {
  RecordInto(Mine(), spec.stats_index, duration_ns, failed, /*call=*/false);
}

void RecordRejected(const CommandSpec& spec) { Bump(Mine().slots[spec.stats_index].rejected); }

void CountCommandProcessed() { Bump(Mine().processed); }

void RecordNetInput(uint64_t bytes) {
  Table& t = Mine();
  Bump(t.net_in, bytes);
  Bump(t.reads);
}

void RecordNetOutput(uint64_t bytes) {
  Table& t = Mine();
  Bump(t.net_out, bytes);
  Bump(t.writes);
}

void CountErrorReply(std::string_view message) {
  Table& t = Mine();
  Bump(t.errors);
  // Redis looks for the space in the first 32 bytes of "-PREFIX ...".
  std::string_view prefix = "ERR";
  const size_t space = message.substr(0, 31).find(' ');
  if (space != std::string_view::npos) prefix = message.substr(0, space);
  std::lock_guard lock(t.err_mu);
  auto it = t.error_prefixes.find(prefix);
  if (it == t.error_prefixes.end()) {
    t.error_prefixes.emplace(std::string(prefix), 1);
  } else {
    ++it->second;
  }
}

void CountDirty() {
  // No epoch check: a reset does not zero it.
  Table* t = tls_holder.table;
  if (t == nullptr) t = tls_holder.table = Acquire();
  Bump(t->dirty);
}

uint64_t SumDirty() {
  Directory& d = Dir();
  std::lock_guard lock(d.mu);
  uint64_t sum = 0;
  for (auto& t : d.tables) sum += t->dirty.load(std::memory_order_relaxed);
  return sum;
}

uint64_t ThreadErrorReplies() { return Mine().errors.load(std::memory_order_relaxed); }

void SetLatencyTrackingFlag(const std::atomic<int64_t>* flag) { tls_tracking = flag; }

void InstallErrorHook() { protocol::ReplyBuilder::SetErrorHook(&CountErrorReply); }

ThreadTotals SumThreadTotals() {
  ThreadTotals out;
  ForEachCurrent([&](Table& t) {
    out.commands_processed += t.processed.load(std::memory_order_relaxed);
    out.net_input_bytes += t.net_in.load(std::memory_order_relaxed);
    out.net_output_bytes += t.net_out.load(std::memory_order_relaxed);
    out.error_replies += t.errors.load(std::memory_order_relaxed);
    out.reads_processed += t.reads.load(std::memory_order_relaxed);
    out.writes_processed += t.writes.load(std::memory_order_relaxed);
  });
  return out;
}

CommandStat SumCommandStat(size_t index) {
  CommandStat out;
  if (index >= kMaxCommandSlots) return out;
  uint64_t ns = 0;
  ForEachCurrent([&](Table& t) {
    const Slot& s = t.slots[index];
    out.calls += s.calls.load(std::memory_order_relaxed);
    ns += s.ns.load(std::memory_order_relaxed);
    out.rejected_calls += s.rejected.load(std::memory_order_relaxed);
    out.failed_calls += s.failed.load(std::memory_order_relaxed);
  });
  out.usec = ns / 1000;
  return out;
}

std::vector<uint64_t> SumLatencyHistogram(size_t index) {
  std::vector<uint64_t> out;
  if (index >= kMaxCommandSlots) return out;
  ForEachCurrent([&](Table& t) {
    const Counter* h = t.slots[index].hist.load(std::memory_order_acquire);
    if (h == nullptr) return;
    if (out.empty()) out.assign(LatencyHistogram::kBuckets, 0);
    for (size_t i = 0; i < LatencyHistogram::kBuckets; ++i)
      out[i] += h[i].load(std::memory_order_relaxed);
  });
  return out;
}

std::vector<std::pair<std::string, uint64_t>> SumErrorStats() {
  std::map<std::string, uint64_t, std::less<>> sum;
  ForEachCurrent([&](Table& t) {
    std::lock_guard lock(t.err_mu);
    for (const auto& [prefix, n] : t.error_prefixes) sum[prefix] += n;
  });
  return {sum.begin(), sum.end()};
}

void ResetCommandStats() {
  Directory& d = Dir();
  std::lock_guard lock(d.mu);
  d.epoch.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace cachet::commands
