// In-process cache simulators (exact LRU, S3-FIFO, W-TinyLFU) counting hits at a capacity in keys.
#include "hitratio/sim.h"

#include <algorithm>
#include <bit>

namespace cachet::hitratio {

namespace {

uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

constexpr uint64_t kRowSeeds[4] = {0x97cb3127e1f5c0d3ULL, 0xc2b2ae3d27d4eb4fULL,
                                   0x165667b19e3779f9ULL, 0x85ebca77c2b2ae63ULL};

}  // namespace

// ---- LRU ----

LruSim::LruSim(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {
  index_.reserve(capacity_ + 1);
}

bool LruSim::Access(uint64_t key) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }
  if (index_.size() >= capacity_) {
    index_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(key);
  index_.emplace(key, order_.begin());
  return false;
}

// ---- S3-FIFO ----

S3FifoSim::S3FifoSim(size_t capacity)
    : capacity_(std::max<size_t>(capacity, 1)),
      small_capacity_(std::max<size_t>(capacity_ / 10, 1)),
      ghost_capacity_(capacity_ > small_capacity_ ? capacity_ - small_capacity_ : 1) {
  entries_.reserve(capacity_ + 1);
  ghost_index_.reserve(ghost_capacity_ + 1);
}

bool S3FifoSim::InMain(uint64_t key) const {
  auto it = entries_.find(key);
  return it != entries_.end() && it->second.main;
}

bool S3FifoSim::Access(uint64_t key) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    if (it->second.freq < 3) ++it->second.freq;
    return true;
  }
  while (entries_.size() >= capacity_) Evict();
  auto ghost = ghost_index_.find(key);
  if (ghost != ghost_index_.end()) {
    ghost_index_.erase(ghost);  // its stamp in ghost_ is now stale
    entries_.emplace(key, Entry{0, true});
    main_.push_back(key);
  } else {
    entries_.emplace(key, Entry{0, false});
    small_.push_back(key);
  }
  return false;
}

void S3FifoSim::Evict() {
  if (main_.empty() || (small_.size() >= small_capacity_ && !small_.empty())) {
    EvictSmall();
  } else {
    EvictMain();
  }
}

// Evicts one key: the first small-queue tail not reused since insertion goes to the ghost;
// reused ones move to main on the way (main evicts one instead if that overfills it).
void S3FifoSim::EvictSmall() {
  const size_t main_capacity = capacity_ - std::min(capacity_, small_capacity_);
  while (!small_.empty()) {
    const uint64_t key = small_.front();
    small_.pop_front();
    Entry& e = entries_[key];
    if (e.freq >= 1) {
      e.main = true;
      main_.push_back(key);
      if (main_.size() > main_capacity) {
        EvictMain();
        return;
      }
    } else {
      entries_.erase(key);
      AddGhost(key);
      return;
    }
  }
  EvictMain();
}

// Evicts one key from main: tails with frequency > 0 go back to the head with one less.
void S3FifoSim::EvictMain() {
  while (!main_.empty()) {
    const uint64_t key = main_.front();
    main_.pop_front();
    Entry& e = entries_[key];
    if (e.freq > 0) {
      --e.freq;
      main_.push_back(key);
    } else {
      entries_.erase(key);
      return;
    }
  }
}

void S3FifoSim::AddGhost(uint64_t key) {
  const uint64_t stamp = ++ghost_stamp_;
  ghost_.emplace_back(key, stamp);
  ghost_index_[key] = stamp;
  while (ghost_index_.size() > ghost_capacity_ || ghost_.size() > 2 * ghost_capacity_) {
    const auto [old_key, old_stamp] = ghost_.front();
    ghost_.pop_front();
    auto it = ghost_index_.find(old_key);
    if (it != ghost_index_.end() && it->second == old_stamp) ghost_index_.erase(it);
  }
}

// ---- W-TinyLFU frequency sketch ----

FrequencySketch::FrequencySketch(size_t capacity) {
  const size_t width = std::bit_ceil(std::max<size_t>(capacity, 16));
  counters_.assign(4 * width, 0);
  width_mask_ = width - 1;
  sample_size_ = 10 * static_cast<uint64_t>(std::max<size_t>(capacity, 1));
  const size_t bits = std::bit_ceil(std::max<uint64_t>(sample_size_ * 8, 64));
  doorkeeper_.assign(bits / 64, 0);
  doorkeeper_mask_ = bits - 1;
}

size_t FrequencySketch::Index(uint64_t key, int row) const {
  return static_cast<size_t>(row) * (width_mask_ + 1) + (Mix64(key ^ kRowSeeds[row]) & width_mask_);
}

bool FrequencySketch::DoorkeeperContains(uint64_t key) const {
  const uint64_t h = Mix64(key + 0x9e3779b97f4a7c15ULL);
  const uint64_t step = (h >> 32) | 1;
  for (uint64_t i = 0; i < 3; ++i) {
    const uint64_t bit = (h + i * step) & doorkeeper_mask_;
    if (!(doorkeeper_[bit >> 6] & (1ULL << (bit & 63)))) return false;
  }
  return true;
}

void FrequencySketch::DoorkeeperAdd(uint64_t key) {
  const uint64_t h = Mix64(key + 0x9e3779b97f4a7c15ULL);
  const uint64_t step = (h >> 32) | 1;
  for (uint64_t i = 0; i < 3; ++i) {
    const uint64_t bit = (h + i * step) & doorkeeper_mask_;
    doorkeeper_[bit >> 6] |= 1ULL << (bit & 63);
  }
}

void FrequencySketch::Increment(uint64_t key) {
  if (!DoorkeeperContains(key)) {
    DoorkeeperAdd(key);
  } else {
    for (int row = 0; row < 4; ++row) {
      uint8_t& c = counters_[Index(key, row)];
      if (c < 15) ++c;
    }
  }
  if (++additions_ >= sample_size_) Reset();
}

int FrequencySketch::Estimate(uint64_t key) const {
  int est = 15;
  for (int row = 0; row < 4; ++row) est = std::min<int>(est, counters_[Index(key, row)]);
  return est + (DoorkeeperContains(key) ? 1 : 0);
}

void FrequencySketch::Reset() {
  for (auto& c : counters_) c >>= 1;
  std::fill(doorkeeper_.begin(), doorkeeper_.end(), 0);
  additions_ /= 2;
  ++resets_;
}

// ---- W-TinyLFU ----

WTinyLfuSim::WTinyLfuSim(size_t capacity)
    : capacity_(std::max<size_t>(capacity, 1)),
      window_capacity_(std::max<size_t>(capacity_ / 100, 1)),
      main_capacity_(capacity_ - window_capacity_),
      protected_capacity_(main_capacity_ * 8 / 10),
      sketch_(capacity_) {
  index_.reserve(capacity_ + 1);
}

std::list<uint64_t>& WTinyLfuSim::List(Segment s) {
  switch (s) {
    case kWindow:
      return window_;
    case kProbation:
      return probation_;
    case kProtected:
      break;
  }
  return protected_;
}

void WTinyLfuSim::MoveToHead(Node& node, Segment to) {
  List(to).splice(List(to).begin(), List(node.segment), node.it);
  node.segment = to;
  node.it = List(to).begin();
}

void WTinyLfuSim::Remove(uint64_t key) {
  auto it = index_.find(key);
  List(it->second.segment).erase(it->second.it);
  index_.erase(it);
}

bool WTinyLfuSim::Access(uint64_t key) {
  sketch_.Increment(key);
  auto it = index_.find(key);
  if (it != index_.end()) {
    Node& node = it->second;
    switch (node.segment) {
      case kWindow:
        MoveToHead(node, kWindow);
        break;
      case kProbation:
        MoveToHead(node, kProtected);
        if (protected_.size() > protected_capacity_) {
          const uint64_t demoted = protected_.back();
          MoveToHead(index_.find(demoted)->second, kProbation);
        }
        break;
      case kProtected:
        MoveToHead(node, kProtected);
        break;
    }
    return true;
  }
  window_.push_front(key);
  index_.emplace(key, Node{kWindow, window_.begin()});
  if (window_.size() > window_capacity_) OnWindowOverflow();
  return false;
}

// The window's LRU key enters main if there is room, else only if the sketch says it is more
// frequent than main's victim (probation's LRU key); the loser leaves the cache.
void WTinyLfuSim::OnWindowOverflow() {
  const uint64_t candidate = window_.back();
  if (main_capacity_ == 0) {
    Remove(candidate);
    return;
  }
  Node& node = index_.find(candidate)->second;
  if (probation_.size() + protected_.size() < main_capacity_) {
    MoveToHead(node, kProbation);
    return;
  }
  const uint64_t victim = probation_.empty() ? protected_.back() : probation_.back();
  if (sketch_.Estimate(candidate) > sketch_.Estimate(victim)) {
    Remove(victim);
    MoveToHead(index_.find(candidate)->second, kProbation);
  } else {
    Remove(candidate);
  }
}

// ---- Driver ----

const std::vector<std::string>& SimNames() {
  static const std::vector<std::string> names = {"LRU", "S3FIFO", "WTinyLFU"};
  return names;
}

std::unique_ptr<CacheSim> MakeSim(std::string_view name, size_t capacity) {
  if (name == "LRU") return std::make_unique<LruSim>(capacity);
  if (name == "S3FIFO") return std::make_unique<S3FifoSim>(capacity);
  if (name == "WTinyLFU") return std::make_unique<WTinyLfuSim>(capacity);
  return nullptr;
}

SimResult Simulate(CacheSim& sim, const std::vector<uint64_t>& stream, size_t warmup) {
  SimResult r;
  for (size_t i = 0; i < stream.size(); ++i) {
    const bool hit = sim.Access(stream[i]);
    if (i >= warmup) {
      ++r.requests;
      r.hits += hit ? 1 : 0;
    }
  }
  return r;
}

}  // namespace cachet::hitratio
