#pragma once
// The keyspace: a fixed power-of-two number of shards, each a mutex plus one
// Table per database. A key's shard depends only on its hash (never on the
// database), so commands that move a key between databases (MOVE, SWAPDB)
// need no extra locks.
//
// Locking protocol (DESIGN.md): whoever runs a command locks every shard the
// command touches, in ascending shard index, before touching any Table, and
// releases them after. LockSet does exactly that. Nothing in storage/ locks
// on its own behind the caller's back, except the per-shard counters, which
// are relaxed atomics.

#include <array>
#include <atomic>
#include <bitset>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "storage/clock.h"
#include "storage/eviction.h"
#include "storage/table.h"

namespace hotcache::storage {

inline constexpr unsigned kMaxShardBits = 8;  // at most 256 shards

struct StoreOptions {
  unsigned shard_bits = 6;  // 64 shards
  int databases = 16;       // "databases"
};

// Counters a shard keeps; read by INFO (relaxed: a snapshot may be a little stale).
struct ShardCounters {
  std::atomic<uint64_t> expired_keys{0};
  std::atomic<uint64_t> keyspace_hits{0};
  std::atomic<uint64_t> keyspace_misses{0};
  std::atomic<uint64_t> evicted_keys{0};
};

class Shard {
 public:
  Shard(unsigned shift, int databases);
  std::mutex& mutex() { return mu_; }
  // Precondition: mutex() held by the caller.
  Table& table(int db) { return *tables_[db]; }
  ShardCounters& counters() { return counters_; }

 private:
  alignas(64) std::mutex mu_;
  std::vector<std::unique_ptr<Table>> tables_;  // guarded by mu_
  ShardCounters counters_;
};

class Store {
 public:
  explicit Store(StoreOptions options = {});
  ~Store();

  static uint64_t HashKey(std::string_view key);
  size_t ShardIndex(uint64_t hash) const { return hash & (shards_.size() - 1); }
  size_t ShardOfKey(std::string_view key) const { return ShardIndex(HashKey(key)); }
  size_t num_shards() const { return shards_.size(); }
  unsigned shard_bits() const { return options_.shard_bits; }
  int databases() const { return options_.databases; }
  Shard& shard(size_t index) { return *shards_[index]; }

  // Sums of the per-shard counters.
  uint64_t expired_keys() const;
  uint64_t keyspace_hits() const;
  uint64_t keyspace_misses() const;
  uint64_t evicted_keys() const;
  void ResetCounters();

  // Number of keys (and keys with an expiry) in database `db`, read without
  // taking locks from per-table sizes the caller has locked, or approximately
  // (relaxed) when they are not. Precondition: all shards locked.
  size_t DbSizeLocked(int db);
  size_t VolatileCountLocked(int db);

  // Which encoding lookups write into Entry::access_clock() (eviction.h):
  // Redis's LFU layout when the maxmemory-policy is an LFU one, else the LRU
  // clock. Set by whoever applies the configuration (the dispatcher).
  bool lfu() const { return lfu_.load(std::memory_order_relaxed); }
  void set_lfu(bool lfu) { lfu_.store(lfu, std::memory_order_relaxed); }

  // maxmemory enforcement (thread-safe; call holding no shard lock).
  Evictor& evictor() { return *evictor_; }

 private:
  StoreOptions options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<bool> lfu_{false};
  std::unique_ptr<Evictor> evictor_;
};

// A set of shard locks, taken in ascending index order and released on
// destruction. Add all shards first, then Lock() once.
class LockSet {
 public:
  explicit LockSet(Store* store) : store_(store) {}
  ~LockSet() { Unlock(); }
  LockSet(const LockSet&) = delete;
  LockSet& operator=(const LockSet&) = delete;

  void AddShard(size_t index) { wanted_.set(index); }
  void AddKey(std::string_view key) { wanted_.set(store_->ShardOfKey(key)); }
  void AddAll() {
    for (size_t i = 0; i < store_->num_shards(); ++i) wanted_.set(i);
  }
  bool empty() const { return wanted_.none(); }
  // Locks every wanted shard in ascending order. Precondition: not locked.
  void Lock();
  void Unlock();
  bool locked() const { return locked_; }
  bool holds(size_t index) const { return locked_ && wanted_.test(index); }
  bool holds_all() const { return locked_ && wanted_.count() == store_->num_shards(); }

 private:
  Store* store_;
  std::bitset<size_t{1} << kMaxShardBits> wanted_;
  bool locked_ = false;
};

}  // namespace hotcache::storage
