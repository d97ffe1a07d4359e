#include "storage/store.h"

#include <cassert>

#include "absl/hash/hash.h"

namespace hotcache::storage {

Shard::Shard(unsigned shift, int databases) {
  tables_.reserve(static_cast<size_t>(databases));
  for (int i = 0; i < databases; ++i) tables_.push_back(std::make_unique<Table>(shift));
}

Store::Store(StoreOptions options) : options_(options) {
  assert(options_.shard_bits <= kMaxShardBits);
  if (options_.shard_bits > kMaxShardBits) options_.shard_bits = kMaxShardBits;
  if (options_.databases < 1) options_.databases = 1;
  const size_t n = size_t{1} << options_.shard_bits;
  shards_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    shards_.push_back(std::make_unique<Shard>(options_.shard_bits, options_.databases));
  }
  evictor_ = std::make_unique<Evictor>(this);
}

Store::~Store() = default;

uint64_t Store::HashKey(std::string_view key) {
  return static_cast<uint64_t>(absl::Hash<std::string_view>{}(key));
}

namespace {

uint64_t Sum(const std::vector<std::unique_ptr<Shard>>& shards,
             std::atomic<uint64_t> ShardCounters::*field) {
  uint64_t total = 0;
  for (const auto& s : shards) {
    total += (s->counters().*field).load(std::memory_order_relaxed);
  }
  return total;
}

}  // namespace

uint64_t Store::expired_keys() const { return Sum(shards_, &ShardCounters::expired_keys); }
uint64_t Store::keyspace_hits() const { return Sum(shards_, &ShardCounters::keyspace_hits); }
uint64_t Store::keyspace_misses() const { return Sum(shards_, &ShardCounters::keyspace_misses); }
uint64_t Store::evicted_keys() const { return Sum(shards_, &ShardCounters::evicted_keys); }

void Store::ResetCounters() {
  for (auto& s : shards_) {
    ShardCounters& c = s->counters();
    c.expired_keys.store(0, std::memory_order_relaxed);
    c.keyspace_hits.store(0, std::memory_order_relaxed);
    c.keyspace_misses.store(0, std::memory_order_relaxed);
    c.evicted_keys.store(0, std::memory_order_relaxed);
  }
}

size_t Store::DbSizeLocked(int db) {
  size_t total = 0;
  for (auto& s : shards_) total += s->table(db).size();
  return total;
}

size_t Store::VolatileCountLocked(int db) {
  size_t total = 0;
  for (auto& s : shards_) total += s->table(db).volatile_count();
  return total;
}

void LockSet::Lock() {
  assert(!locked_);
  const size_t n = store_->num_shards();
#if defined(__GLIBCXX__)
  for (size_t i = wanted_._Find_first(); i < n; i = wanted_._Find_next(i)) {
    store_->shard(i).mutex().lock();
  }
#else
  for (size_t i = 0; i < n; ++i) {
    if (wanted_.test(i)) store_->shard(i).mutex().lock();
  }
#endif
  locked_ = true;
}

void LockSet::Unlock() {
  if (!locked_) return;
  const size_t n = store_->num_shards();
#if defined(__GLIBCXX__)
  for (size_t i = wanted_._Find_first(); i < n; i = wanted_._Find_next(i)) {
    store_->shard(i).mutex().unlock();
  }
#else
  for (size_t i = 0; i < n; ++i) {
    if (wanted_.test(i)) store_->shard(i).mutex().unlock();
  }
#endif
  locked_ = false;
}

}  // namespace hotcache::storage
