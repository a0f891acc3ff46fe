// hitratio_replay: replays a seeded key stream cache-aside against a Redis-protocol server (GET,
// SET on a miss) and reports the hit ratio, keys held and memory; --simulate runs the in-process
// simulators over the same stream instead.
//
//   hitratio_replay --port P [--host H] [--workload zipf-0.99] [--keys N] [--requests R]
//                   [--seed S] [--warmup 0.2] [--value-size 100] [--pipeline 64]
//                   [--connections 1] [--pid PID]
//   hitratio_replay --simulate --capacity C [--sims LRU,S3FIFO,WTinyLFU] [workload options]
//
// Workloads: zipf-A, scan-A, shift-A (A = Zipf alpha), see workload.h. Each connection takes the
// next batch of --pipeline requests, sends their GETs pipelined, then pipelines a SET for every
// miss; a key repeated within one batch misses every time until its SET (as concurrent
// cache-aside clients would). The first --warmup fraction of the stream fills the cache and is not
// measured. Output: one "name value" line per figure; "n/a" where the server has no answer.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "hitratio/sim.h"
#include "hitratio/workload.h"

namespace {

using cachet::hitratio::GenerateWorkload;
using cachet::hitratio::WorkloadSpec;

[[noreturn]] void Fail(const std::string& msg) {
  std::fprintf(stderr, "hitratio_replay: %s\n", msg.c_str());
  std::exit(2);
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string workload = "zipf-0.99";
  uint64_t keys = 1'000'000;
  uint64_t requests = 2'000'000;
  uint64_t seed = 1;
  double warmup = 0.2;
  size_t value_size = 100;
  size_t pipeline = 64;
  int connections = 1;
  long pid = 0;
  bool simulate = false;
  uint64_t capacity = 0;
  std::string sims = "LRU,S3FIFO,WTinyLFU";
};

uint64_t ParseU64(const std::string& flag, const std::string& v) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long x = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || v[0] == '-')
    Fail("bad value for " + flag + ": " + v);
  return x;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--simulate") {
      o.simulate = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      std::printf(
          "usage: hitratio_replay --port P [--host H] [--workload zipf-0.99|scan-A|shift-A]\n"
          "         [--keys N] [--requests R] [--seed S] [--warmup F] [--value-size B]\n"
          "         [--pipeline N] [--connections N] [--pid PID]\n"
          "       hitratio_replay --simulate --capacity C [--sims LRU,S3FIFO,WTinyLFU] ...\n");
      std::exit(0);
    }
    if (i + 1 >= argc) Fail("missing value for " + a);
    const std::string v = argv[++i];
    if (a == "--host") {
      o.host = v;
    } else if (a == "--port") {
      o.port = static_cast<int>(ParseU64(a, v));
    } else if (a == "--workload") {
      o.workload = v;
    } else if (a == "--keys") {
      o.keys = ParseU64(a, v);
    } else if (a == "--requests") {
      o.requests = ParseU64(a, v);
    } else if (a == "--seed") {
      o.seed = ParseU64(a, v);
    } else if (a == "--warmup") {
      o.warmup = std::strtod(v.c_str(), nullptr);
      if (!(o.warmup >= 0 && o.warmup < 1)) Fail("--warmup must be in [0, 1)");
    } else if (a == "--value-size") {
      o.value_size = ParseU64(a, v);
    } else if (a == "--pipeline") {
      o.pipeline = std::max<uint64_t>(1, ParseU64(a, v));
    } else if (a == "--connections") {
      o.connections = static_cast<int>(std::clamp<uint64_t>(ParseU64(a, v), 1, 256));
    } else if (a == "--pid") {
      o.pid = static_cast<long>(ParseU64(a, v));
    } else if (a == "--capacity") {
      o.capacity = ParseU64(a, v);
    } else if (a == "--sims") {
      o.sims = v;
    } else {
      Fail("unknown option " + a);
    }
  }
  if (o.keys == 0 || o.keys > UINT32_MAX) Fail("--keys must be in [1, 2^32)");
  return o;
}

// Sends one command and returns its reply (caller frees); exits on a lost connection.
redisReply* Command(redisContext* c, const char* fmt, const char* arg = nullptr) {
  auto* r = static_cast<redisReply*>(arg ? redisCommand(c, fmt, arg) : redisCommand(c, fmt));
  if (r == nullptr) Fail(std::string("connection lost: ") + c->errstr);
  return r;
}

// The value of "field:" in the reply to INFO section; nullopt on an error reply or no such field.
std::optional<std::string> InfoField(redisContext* c, const char* section,
                                     const std::string& field) {
  redisReply* r = Command(c, "INFO %s", section);
  std::optional<std::string> out;
  if (r->type == REDIS_REPLY_STRING) {
    std::istringstream in(std::string(r->str, r->len));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind(field + ":", 0) == 0) {
        out = line.substr(field.size() + 1);
        break;
      }
    }
  }
  freeReplyObject(r);
  return out;
}

std::optional<long long> RssKb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atoll(line.c_str() + 6);
  }
  return std::nullopt;
}

redisContext* Connect(const Options& o) {
  redisContext* c = redisConnect(o.host.c_str(), o.port);
  if (c == nullptr || c->err) {
    Fail("cannot connect to " + o.host + ":" + std::to_string(o.port) + ": " +
         (c ? c->errstr : "out of memory"));
  }
  const timeval tv{60, 0};
  redisSetTimeout(c, tv);
  return c;
}

struct Counters {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t get_errors = 0;
  uint64_t set_errors = 0;
  std::string first_error;
};

// One connection's share: batches taken from next until the stream is done.
void ReplayWorker(const Options& o, const std::vector<uint64_t>& stream, size_t warmup,
                  std::atomic<size_t>& next, Counters& out) {
  redisContext* c = Connect(o);
  const std::string value(o.value_size, 'v');
  std::vector<size_t> missed;
  missed.reserve(o.pipeline);
  auto note_error = [&](const redisReply* r) {
    if (out.first_error.empty()) out.first_error.assign(r->str, r->len);
  };
  while (true) {
    const size_t begin = next.fetch_add(o.pipeline);
    if (begin >= stream.size()) break;
    const size_t end = std::min(stream.size(), begin + o.pipeline);
    for (size_t i = begin; i < end; ++i) {
      const std::string key = cachet::hitratio::KeyName(stream[i]);
      redisAppendCommand(c, "GET %b", key.data(), key.size());
    }
    missed.clear();
    for (size_t i = begin; i < end; ++i) {
      void* raw = nullptr;
      if (redisGetReply(c, &raw) != REDIS_OK) Fail(std::string("connection lost: ") + c->errstr);
      auto* r = static_cast<redisReply*>(raw);
      const bool measured = i >= warmup;
      if (r->type == REDIS_REPLY_STRING) {
        out.hits += measured;
      } else {
        if (r->type == REDIS_REPLY_ERROR) {
          ++out.get_errors;
          note_error(r);
        }
        out.misses += measured;
        missed.push_back(i);
      }
      freeReplyObject(r);
    }
    for (size_t i : missed) {
      const std::string key = cachet::hitratio::KeyName(stream[i]);
      redisAppendCommand(c, "SET %b %b", key.data(), key.size(), value.data(), value.size());
    }
    for (size_t k = 0; k < missed.size(); ++k) {
      void* raw = nullptr;
      if (redisGetReply(c, &raw) != REDIS_OK) Fail(std::string("connection lost: ") + c->errstr);
      auto* r = static_cast<redisReply*>(raw);
      if (r->type == REDIS_REPLY_ERROR) {
        ++out.set_errors;
        note_error(r);
      }
      freeReplyObject(r);
    }
  }
  redisFree(c);
}

void PrintOptional(const char* name, const std::optional<std::string>& v) {
  std::printf("%s %s\n", name, v ? v->c_str() : "n/a");
}

int RunReplay(const Options& o, const WorkloadSpec& spec, const std::vector<uint64_t>& stream,
              size_t warmup) {
  if (o.port <= 0) Fail("--port is required");
  std::atomic<size_t> next{0};
  std::vector<Counters> counters(o.connections);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < o.connections; ++t) {
    threads.emplace_back(ReplayWorker, std::cref(o), std::cref(stream), warmup, std::ref(next),
                         std::ref(counters[t]));
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Counters total;
  for (const auto& c : counters) {
    total.hits += c.hits;
    total.misses += c.misses;
    total.get_errors += c.get_errors;
    total.set_errors += c.set_errors;
    if (total.first_error.empty()) total.first_error = c.first_error;
  }
  const uint64_t measured = total.hits + total.misses;
  std::printf("workload %s\n", cachet::hitratio::WorkloadName(spec).c_str());
  std::printf("stream %zu\nmeasured %llu\n", stream.size(),
              static_cast<unsigned long long>(measured));
  std::printf("hit_ratio %.4f\n", measured ? static_cast<double>(total.hits) / measured : 0.0);
  std::printf("hits %llu\nmisses %llu\n", static_cast<unsigned long long>(total.hits),
              static_cast<unsigned long long>(total.misses));
  std::printf("get_errors %llu\nset_errors %llu\n",
              static_cast<unsigned long long>(total.get_errors),
              static_cast<unsigned long long>(total.set_errors));
  if (!total.first_error.empty()) std::printf("first_error %s\n", total.first_error.c_str());
  std::printf("elapsed_s %.2f\nrequests_per_s %.0f\n", secs, stream.size() / secs);

  redisContext* c = Connect(o);
  redisReply* r = Command(c, "DBSIZE");
  if (r->type == REDIS_REPLY_INTEGER) {
    std::printf("dbsize %lld\n", r->integer);
  } else {
    std::printf("dbsize n/a\n");
  }
  freeReplyObject(r);
  PrintOptional("used_memory", InfoField(c, "memory", "used_memory"));
  PrintOptional("maxmemory", InfoField(c, "memory", "maxmemory"));
  PrintOptional("evicted_keys", InfoField(c, "stats", "evicted_keys"));
  redisFree(c);
  if (o.pid > 0) {
    const auto rss = RssKb(o.pid);
    if (rss) {
      std::printf("rss_kb %lld\n", *rss);
    } else {
      std::printf("rss_kb n/a\n");
    }
  }
  return 0;
}

int RunSimulate(const Options& o, const WorkloadSpec& spec, const std::vector<uint64_t>& stream,
                size_t warmup) {
  if (o.capacity == 0) Fail("--simulate needs --capacity (keys, > 0)");
  std::printf("workload %s\ncapacity %llu\n", cachet::hitratio::WorkloadName(spec).c_str(),
              static_cast<unsigned long long>(o.capacity));
  std::stringstream names(o.sims);
  std::string name;
  while (std::getline(names, name, ',')) {
    auto sim = cachet::hitratio::MakeSim(name, o.capacity);
    if (!sim) Fail("unknown simulator " + name);
    const auto res = cachet::hitratio::Simulate(*sim, stream, warmup);
    std::printf("sim-%s %.4f\n", name.c_str(), res.ratio());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  WorkloadSpec spec;
  if (!cachet::hitratio::ParseWorkloadName(o.workload, &spec)) {
    Fail("unknown workload " + o.workload + " (zipf-A, scan-A or shift-A)");
  }
  spec.keys = o.keys;
  spec.requests = o.requests;
  spec.seed = o.seed;
  const std::vector<uint64_t> stream = GenerateWorkload(spec);
  const auto warmup = static_cast<size_t>(o.warmup * static_cast<double>(stream.size()));
  return o.simulate ? RunSimulate(o, spec, stream, warmup) : RunReplay(o, spec, stream, warmup);
}
