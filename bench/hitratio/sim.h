// In-process cache simulators (exact LRU, S3-FIFO, W-TinyLFU) counting hits at a capacity in keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace cachet::hitratio {

// A cache of at most capacity() keys (all of size one). Access(key) returns true on a hit; on a
// miss the key is offered to the cache (which may admit it, evicting others, or refuse it).
class CacheSim {
 public:
  virtual ~CacheSim() = default;
  virtual bool Access(uint64_t key) = 0;
  virtual bool Contains(uint64_t key) const = 0;
  virtual size_t size() const = 0;
  virtual std::string_view name() const = 0;
};

// Exact LRU: a miss inserts at the head, evicting the least recently used key when full.
class LruSim final : public CacheSim {
 public:
  explicit LruSim(size_t capacity);
  bool Access(uint64_t key) override;
  bool Contains(uint64_t key) const override { return index_.count(key) != 0; }
  size_t size() const override { return index_.size(); }
  std::string_view name() const override { return "LRU"; }

 private:
  size_t capacity_;
  std::list<uint64_t> order_;  // most recent first
  std::unordered_map<uint64_t, std::list<uint64_t>::iterator> index_;
};

// S3-FIFO (Yang et al., SOSP'23): a small FIFO (10% of the capacity) admits new keys; a key
// reused while in it moves to the main FIFO (90%) on its way out, otherwise it leaves a ghost
// entry. A miss on a ghost key inserts it straight into main. Main keys carry a 2-bit frequency;
// a key at main's tail with frequency > 0 is reinserted at the head with frequency - 1. The
// ghost FIFO remembers as many keys as main holds.
class S3FifoSim final : public CacheSim {
 public:
  explicit S3FifoSim(size_t capacity);
  bool Access(uint64_t key) override;
  bool Contains(uint64_t key) const override { return entries_.count(key) != 0; }
  size_t size() const override { return entries_.size(); }
  std::string_view name() const override { return "S3FIFO"; }
  bool InMain(uint64_t key) const;

 private:
  struct Entry {
    uint8_t freq = 0;
    bool main = false;
  };
  void Evict();
  void EvictSmall();
  void EvictMain();
  void AddGhost(uint64_t key);

  size_t capacity_;
  size_t small_capacity_;
  size_t ghost_capacity_;
  std::deque<uint64_t> small_;  // tail (oldest) at the front
  std::deque<uint64_t> main_;
  std::unordered_map<uint64_t, Entry> entries_;
  std::deque<std::pair<uint64_t, uint64_t>> ghost_;     // (key, stamp), oldest first
  std::unordered_map<uint64_t, uint64_t> ghost_index_;  // key -> stamp of its live ghost entry
  uint64_t ghost_stamp_ = 0;
};

// Frequency sketch of W-TinyLFU: count-min with 4 rows of 4-bit counters, a doorkeeper Bloom
// filter that absorbs each key's first occurrence, and aging that halves every counter (and
// clears the doorkeeper) after sample_size increments.
class FrequencySketch {
 public:
  explicit FrequencySketch(size_t capacity);
  void Increment(uint64_t key);
  // Estimated occurrences since the last aging (at most 16: 15 + the doorkeeper's 1).
  int Estimate(uint64_t key) const;
  uint64_t resets() const { return resets_; }

 private:
  size_t Index(uint64_t key, int row) const;
  bool DoorkeeperContains(uint64_t key) const;
  void DoorkeeperAdd(uint64_t key);
  void Reset();

  std::vector<uint8_t> counters_;  // 4 rows of width_ counters, each 0..15
  size_t width_mask_;
  std::vector<uint64_t> doorkeeper_;
  size_t doorkeeper_mask_;  // bits - 1
  uint64_t sample_size_;
  uint64_t additions_ = 0;
  uint64_t resets_ = 0;
};

// W-TinyLFU (Einziger et al.; Caffeine): an LRU window of 1% of the capacity in front of a
// segmented-LRU main space (20% probation, 80% protected). A key leaving the window enters
// probation if main has room, else it competes with probation's LRU victim and is admitted only
// if its sketch frequency is higher. A probation hit promotes to protected; protected's overflow
// is demoted to probation's head.
class WTinyLfuSim final : public CacheSim {
 public:
  explicit WTinyLfuSim(size_t capacity);
  bool Access(uint64_t key) override;
  bool Contains(uint64_t key) const override { return index_.count(key) != 0; }
  size_t size() const override { return index_.size(); }
  std::string_view name() const override { return "WTinyLFU"; }
  const FrequencySketch& sketch() const { return sketch_; }

 private:
  enum Segment : uint8_t { kWindow, kProbation, kProtected };
  struct Node {
    Segment segment;
    std::list<uint64_t>::iterator it;
  };
  std::list<uint64_t>& List(Segment s);
  void MoveToHead(Node& node, Segment to);
  void Remove(uint64_t key);
  void OnWindowOverflow();

  size_t capacity_;
  size_t window_capacity_;
  size_t main_capacity_;
  size_t protected_capacity_;
  std::list<uint64_t> window_, probation_, protected_;  // most recent first
  std::unordered_map<uint64_t, Node> index_;
  FrequencySketch sketch_;
};

// Simulator names accepted by MakeSim, in table order.
const std::vector<std::string>& SimNames();

// "LRU", "S3FIFO" or "WTinyLFU" at capacity keys (>= 1); nullptr for an unknown name.
std::unique_ptr<CacheSim> MakeSim(std::string_view name, size_t capacity);

struct SimResult {
  uint64_t requests = 0;  // measured requests (after the warm-up)
  uint64_t hits = 0;
  double ratio() const { return requests ? static_cast<double>(hits) / requests : 0.0; }
};

// Replays stream through sim; requests before index warmup update the cache but are not counted.
SimResult Simulate(CacheSim& sim, const std::vector<uint64_t>& stream, size_t warmup);

}  // namespace cachet::hitratio
