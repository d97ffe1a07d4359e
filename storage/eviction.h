#pragma once
// maxmemory enforcement: the eight Redis maxmemory-policy values, and the
// per-entry access bookkeeping they read (Entry::access_clock()).
//
// Access clock encoding (updated by DbView on every lookup):
//  - LRU policies (and noeviction/random/ttl): the low 32 bits of the Unix
//    time in ms of the last access (wraps after 49 days; idle times are
//    computed modulo 2^32, like Redis's 24-bit seconds clock).
//  - LFU policies: Redis's layout, 16-bit time in minutes << 8 | 8-bit
//    logarithmic counter (lfu-log-factor 10, lfu-decay-time 1 minute, new
//    keys start at 5).
//
// Eviction is Redis's approximated algorithm: each round samples
// maxmemory-samples keys (each from a random shard, in every database holding
// keys) into a 16-entry pool of the best candidates kept across rounds, then
// evicts the best candidate that still exists. The bench/hit_ratio benchmark
// measures it against an exact LRU.

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

namespace hotcache::storage {

class Store;

// Same order as server::EvictionPolicy.
enum class MaxmemoryPolicy : uint8_t {
  kNoEviction, kAllKeysLru, kVolatileLru, kAllKeysLfu, kVolatileLfu,
  kAllKeysRandom, kVolatileRandom, kVolatileTtl,
};

inline bool IsLfuPolicy(MaxmemoryPolicy p) {
  return p == MaxmemoryPolicy::kAllKeysLfu || p == MaxmemoryPolicy::kVolatileLfu;
}

inline constexpr int kLfuInitVal = 5;
inline constexpr int kLfuLogFactor = 10;
inline constexpr int kLfuDecayTimeMinutes = 1;

inline uint32_t LruClock(int64_t now_ms) { return static_cast<uint32_t>(now_ms); }
inline uint64_t LruIdleMs(uint32_t access, int64_t now_ms) {
  return static_cast<uint32_t>(LruClock(now_ms) - access);
}
inline uint32_t LfuMinutes(int64_t now_ms) {
  return static_cast<uint32_t>(now_ms / 60000) & 0xFFFF;
}
inline uint32_t LfuInit(int64_t now_ms) { return (LfuMinutes(now_ms) << 8) | kLfuInitVal; }
// The counter after decay (Redis's LFUDecrAndReturn), without updating it.
uint8_t LfuCounter(uint32_t access, int64_t now_ms);
// Decays and then probabilistically increments the counter (Redis's updateLFU).
uint32_t LfuTouch(uint32_t access, int64_t now_ms);

class Entry;
// How good a victim `e` is under `policy` (larger = evict sooner): idle ms
// for LRU, 255 - counter for LFU, the inverse of the expiry for volatile-ttl.
uint64_t EvictionScore(MaxmemoryPolicy policy, const Entry* e, int64_t now_ms);

struct EvictionLimits {
  uint64_t maxmemory = 0;  // 0: no limit
  MaxmemoryPolicy policy = MaxmemoryPolicy::kNoEviction;
  int samples = 5;
};

// Thread-safe. One per Store (Store::evictor()).
class Evictor {
 public:
  explicit Evictor(Store* store) : store_(store) {}

  // Called before a command that may grow memory, holding no shard lock.
  // Evicts keys (locking one shard at a time) until UsedMemory() is at most
  // limits.maxmemory. Returns false when memory is over the limit and
  // nothing could be evicted (noeviction, or no candidate key): the caller
  // must then reject the command with OOM. Bounded: after ~50 ms of work it
  // returns true if it evicted anything (the next command continues).
  bool EnsureMemory(const EvictionLimits& limits, int64_t now_ms);

  // Evicts one key chosen by `policy`; false if there is no candidate.
  // Exposed for tests and benchmarks. Holds no shard lock on entry.
  bool EvictOne(MaxmemoryPolicy policy, int samples, int64_t now_ms);

 private:
  static constexpr int kPoolSize = 16;
  struct Candidate {
    uint64_t score = 0;  // larger = better to evict
    size_t shard = 0;
    int db = 0;
    std::string key;
  };

  bool EvictOneLocked(MaxmemoryPolicy policy, int samples, int64_t now_ms);
  void PopulatePool(MaxmemoryPolicy policy, int samples, int64_t now_ms);
  void PoolInsert(uint64_t score, size_t shard, int db, std::string_view key);
  bool EvictRandom(bool volatile_only);

  Store* store_;
  std::mutex mu_;  // serialises eviction; taken before any shard lock
  Candidate pool_[kPoolSize];  // sorted by score ascending; guarded by mu_
  int pool_used_ = 0;
  MaxmemoryPolicy pool_policy_ = MaxmemoryPolicy::kNoEviction;
  std::mt19937_64 rng_{0x9e3779b97f4a7c15ULL};
  int next_db_ = 0;
};

}  // namespace hotcache::storage
