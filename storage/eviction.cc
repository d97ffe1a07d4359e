#include "storage/eviction.h"

#include <chrono>
#include <limits>

#include "storage/memory.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

// Rounds (one shard sampled each) before EvictOne gives up.
constexpr int kMaxRounds = 32;
// Buckets a volatile-* round walks looking for keys with an expiry.
constexpr uint64_t kVolatileWalkBuckets = 1024;
// EnsureMemory's time budget per call.
constexpr auto kTimeBudget = std::chrono::milliseconds(50);

uint64_t NextRandom() {
  thread_local uint64_t state = 0x2545F4914F6CDD1DULL ^
                                reinterpret_cast<uintptr_t>(&state);
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

uint32_t LfuElapsedMinutes(uint32_t ldt, int64_t now_ms) {
  const uint32_t now = LfuMinutes(now_ms);
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

bool VolatilePolicy(MaxmemoryPolicy p) {
  return p == MaxmemoryPolicy::kVolatileLru || p == MaxmemoryPolicy::kVolatileLfu ||
         p == MaxmemoryPolicy::kVolatileRandom || p == MaxmemoryPolicy::kVolatileTtl;
}

}  // namespace

uint64_t EvictionScore(MaxmemoryPolicy policy, const Entry* e, int64_t now_ms) {
  switch (policy) {
    case MaxmemoryPolicy::kAllKeysLfu:
    case MaxmemoryPolicy::kVolatileLfu:
      return 255 - LfuCounter(e->access_clock(), now_ms);
    case MaxmemoryPolicy::kVolatileTtl:
      return std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(e->expire_at_ms());
    default:
      return LruIdleMs(e->access_clock(), now_ms);
  }
}

uint8_t LfuCounter(uint32_t access, int64_t now_ms) {
  const uint32_t ldt = access >> 8;
  uint32_t counter = access & 255;
  const uint32_t periods = LfuElapsedMinutes(ldt, now_ms) / kLfuDecayTimeMinutes;
  counter = periods > counter ? 0 : counter - periods;
  return static_cast<uint8_t>(counter);
}

uint32_t LfuTouch(uint32_t access, int64_t now_ms) {
  uint32_t counter = LfuCounter(access, now_ms);
  if (counter < 255) {
    const double r = static_cast<double>(NextRandom() >> 11) * (1.0 / 9007199254740992.0);
    const double base = counter > kLfuInitVal ? counter - kLfuInitVal : 0;
    const double p = 1.0 / (base * kLfuLogFactor + 1);
    if (r < p) ++counter;
  }
  return (LfuMinutes(now_ms) << 8) | counter;
}

bool Evictor::EnsureMemory(const EvictionLimits& limits, int64_t now_ms) {
  if (limits.maxmemory == 0 || UsedMemory() <= limits.maxmemory) return true;
  if (limits.policy == MaxmemoryPolicy::kNoEviction) return false;
  std::lock_guard<std::mutex> lock(mu_);
  const auto start = std::chrono::steady_clock::now();
  uint64_t evicted = 0;
  while (UsedMemory() > limits.maxmemory) {
    if (!EvictOneLocked(limits.policy, limits.samples, now_ms)) return false;
    ++evicted;
    if ((evicted & 63) == 0 && std::chrono::steady_clock::now() - start > kTimeBudget) break;
  }
  return true;
}

bool Evictor::EvictOne(MaxmemoryPolicy policy, int samples, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return EvictOneLocked(policy, samples, now_ms);
}

bool Evictor::EvictOneLocked(MaxmemoryPolicy policy, int samples, int64_t now_ms) {
  switch (policy) {
    case MaxmemoryPolicy::kNoEviction:
      return false;
    case MaxmemoryPolicy::kAllKeysRandom:
      return EvictRandom(false);
    case MaxmemoryPolicy::kVolatileRandom:
      return EvictRandom(true);
    default:
      break;
  }
  const bool volatile_only = VolatilePolicy(policy);
  if (policy != pool_policy_) {
    pool_used_ = 0;
    pool_policy_ = policy;
  }
  for (int round = 0; round < kMaxRounds; ++round) {
    PopulatePool(policy, samples, now_ms);
    // Best candidate first; drop the ones that are gone (or lost their TTL).
    while (pool_used_ > 0) {
      Candidate& c = pool_[pool_used_ - 1];
      --pool_used_;
      Shard& shard = store_->shard(c.shard);
      std::lock_guard<std::mutex> shard_lock(shard.mutex());
      Table& table = shard.table(c.db);
      const uint64_t hash = Store::HashKey(c.key);
      Entry* e = table.Find(c.key, hash);
      if (e == nullptr || (volatile_only && !e->has_expiry())) continue;
      // Accessed since it was sampled: put it back with its current score
      // unless it is still at least as good as every other candidate.
      const uint64_t now_score = EvictionScore(policy, e, now_ms);
      if (now_score < c.score && pool_used_ > 0 && now_score < pool_[pool_used_ - 1].score) {
        const std::string key = c.key;
        PoolInsert(now_score, c.shard, c.db, key);
        continue;
      }
      table.Erase(e, hash);
      shard.counters().evicted_keys.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

void Evictor::PopulatePool(MaxmemoryPolicy policy, int samples, int64_t now_ms) {
  // Each sample comes from a random shard, so a round samples the whole
  // keyspace as Redis samples a whole database (shards hold random keys).
  const bool volatile_only = VolatilePolicy(policy);
  const size_t n = store_->num_shards();
  const int dbs = store_->databases();
  int taken = 0;
  for (int round = 0; taken < samples && round < 2 * samples; ++round) {
    const size_t shard_index = rng_() & (n - 1);
    Shard& shard = store_->shard(shard_index);
    std::lock_guard<std::mutex> shard_lock(shard.mutex());
    for (int db = 0; db < dbs; ++db) {
      Table& table = shard.table(db);
      if (table.size() == 0 || (volatile_only && table.volatile_count() == 0)) continue;
      if (!volatile_only) {
        const Entry* e = table.RandomEntry(rng_);
        PoolInsert(EvictionScore(policy, e, now_ms), shard_index, db, e->key());
        ++taken;
        continue;
      }
      // Keys with a TTL from consecutive buckets (Redis's dictGetSomeKeys on
      // the expires dict): up to the samples still wanted.
      const uint64_t mask = table.bucket_mask();
      uint64_t index = rng_() & mask;
      int found = 0;
      const int want = samples - taken;
      for (uint64_t walked = 0; walked <= mask && walked < kVolatileWalkBuckets && found < want;
           ++walked, index = (index + 1) & mask) {
        table.VisitBucket(index, [&](Entry* e) {
          if (found >= want || !e->has_expiry()) return;
          ++found;
          PoolInsert(EvictionScore(policy, e, now_ms), shard_index, db, e->key());
        });
      }
      taken += found;
    }
  }
}

void Evictor::PoolInsert(uint64_t score, size_t shard, int db, std::string_view key) {
  // pool_[0..pool_used_) ascending by score. Find the first with a larger score.
  int k = 0;
  while (k < pool_used_ && pool_[k].score < score) ++k;
  for (int i = 0; i < pool_used_; ++i) {
    if (pool_[i].shard == shard && pool_[i].db == db && pool_[i].key == key) return;
  }
  if (pool_used_ == kPoolSize) {
    if (k == 0) return;  // worse than every candidate held
    // Drop the worst (index 0) and shift left to open slot k-1.
    std::string spare = std::move(pool_[0].key);
    for (int i = 0; i < k - 1; ++i) pool_[i] = std::move(pool_[i + 1]);
    pool_[k - 1].key = std::move(spare);
    --k;
  } else {
    std::string spare = std::move(pool_[pool_used_].key);
    for (int i = pool_used_; i > k; --i) pool_[i] = std::move(pool_[i - 1]);
    pool_[k].key = std::move(spare);
    ++pool_used_;
  }
  Candidate& c = pool_[k];
  c.score = score;
  c.shard = shard;
  c.db = db;
  c.key.assign(key.data(), key.size());
}

bool Evictor::EvictRandom(bool volatile_only) {
  const size_t n = store_->num_shards();
  const int dbs = store_->databases();
  for (int round = 0; round < kMaxRounds * 4; ++round) {
    const size_t shard_index = rng_() & (n - 1);
    Shard& shard = store_->shard(shard_index);
    std::lock_guard<std::mutex> shard_lock(shard.mutex());
    for (int k = 0; k < dbs; ++k) {
      const int db = (next_db_ + k) % dbs;
      Table& table = shard.table(db);
      if (table.size() == 0 || (volatile_only && table.volatile_count() == 0)) continue;
      Entry* victim = nullptr;
      if (!volatile_only) {
        victim = table.RandomEntry(rng_);
      } else {
        const uint64_t mask = table.bucket_mask();
        uint64_t index = rng_() & mask;
        for (uint64_t walked = 0; walked <= mask && walked < kVolatileWalkBuckets && !victim;
             ++walked, index = (index + 1) & mask) {
          table.VisitBucket(index, [&](Entry* e) {
            if (victim == nullptr && e->has_expiry()) victim = e;
          });
        }
      }
      if (victim == nullptr) continue;
      next_db_ = (db + 1) % dbs;
      table.Erase(victim);
      shard.counters().evicted_keys.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
  }
  return false;
}

}  // namespace hotcache::storage
