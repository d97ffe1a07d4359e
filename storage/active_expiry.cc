#include "storage/active_expiry.h"

#include <chrono>
#include <mutex>
#include <string_view>

#include "storage/db_view.h"
#include "storage/table.h"

namespace hotcache::storage {

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::string_view_literals::operator""sv;

// Redis's dictScan step: the next bucket cursor after `cursor` for a table of
// mask+1 buckets (reverse-binary increment of the masked bits).
uint64_t NextCursor(uint64_t cursor, uint64_t mask) {
  cursor |= ~mask;
  cursor = ReverseBits(cursor);
  ++cursor;
  return ReverseBits(cursor);
}

// A key no client can easily collide with, used only by ShrinkIfSparse.
constexpr std::string_view kShrinkProbeKey = "\0hotcache:active-expiry:shrink\0"sv;

// Gives a table that expiry left sparse its memory back: Table shrinks its
// bucket array only at the start of Insert (never in Erase), so a database
// whose keys all expired and that sees no more writes would keep a bucket
// array sized for its peak. Inserting and erasing a probe key while the shard
// lock is held runs that shrink; nobody can observe the probe.
// TODO(expiry): call a public Table shrink method once Table offers one.
void ShrinkIfSparse(Table& table) {
  const uint64_t buckets = table.bucket_mask() + 1;
  if (buckets <= 4 || table.size() >= buckets / 8) return;
  const uint64_t hash = Store::HashKey(kShrinkProbeKey);
  if (table.Find(kShrinkProbeKey, hash) != nullptr) return;
  table.Erase(table.Insert(kShrinkProbeKey, hash));
}

int64_t MicrosSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
}

}  // namespace

ActiveExpirer::ActiveExpirer(Store* store, const Clock* clock, Options options)
    : store_(store),
      clock_(clock),
      options_(options),
      num_shards_(store->num_shards()),
      databases_(store->databases()),
      cursors_(num_shards_ * static_cast<size_t>(databases_), 0),
      had_volatile_(cursors_.size(), 0),
      volatile_tables_(static_cast<size_t>(databases_), 0),
      avg_ttl_ms_(new std::atomic<int64_t>[static_cast<size_t>(databases_)]) {
  if (options_.keys_per_batch < 1) options_.keys_per_batch = 1;
  if (options_.buckets_per_batch < 1) options_.buckets_per_batch = 1;
  for (int db = 0; db < databases_; ++db) avg_ttl_ms_[db].store(0, std::memory_order_relaxed);
  scratch_.reserve(16);
}

int64_t ActiveExpirer::AvgTtlMs(int db) const {
  if (db < 0 || db >= databases_) return 0;
  return avg_ttl_ms_[db].load(std::memory_order_relaxed);
}

void ActiveExpirer::NoteVolatile(size_t unit, int db, bool has_volatile) {
  if (static_cast<bool>(had_volatile_[unit]) == has_volatile) return;
  had_volatile_[unit] = has_volatile ? 1 : 0;
  volatile_tables_[db] += has_volatile ? 1 : -1;
  if (volatile_tables_[db] == 0) avg_ttl_ms_[db].store(0, std::memory_order_relaxed);
}

ActiveExpirer::BatchResult ActiveExpirer::RunBatch(size_t shard_index, int db, int64_t now_ms) {
  BatchResult result;
  const size_t unit = shard_index * static_cast<size_t>(databases_) + static_cast<size_t>(db);
  int64_t ttl_sum = 0;
  int ttl_samples = 0;
  Shard& shard = store_->shard(shard_index);
  {
    std::lock_guard<std::mutex> lock(shard.mutex());
    Table& table = shard.table(db);
    if (table.volatile_count() == 0) {
      NoteVolatile(unit, db, false);
      result.pass_done = true;
      return result;
    }
    NoteVolatile(unit, db, true);
    uint64_t& cursor = cursors_[unit];
    const uint64_t mask = table.bucket_mask();
    // Collect the batch's volatile entries first, then erase: erasing while
    // walking would change the chains, and a walk with no frees in between
    // lets the CPU overlap the cache misses of the entries it visits (each
    // is a random memory access; that, not the erasing, dominates).
    scratch_.clear();
    const size_t wanted = static_cast<size_t>(options_.keys_per_batch);
    int buckets = 0;
    do {
      table.VisitBucket(cursor, [this](Entry* e) {
        if (e->has_expiry()) scratch_.push_back(e);
      });
      cursor = NextCursor(cursor, mask);
      ++buckets;
    } while (cursor != 0 && scratch_.size() < wanted && buckets < options_.buckets_per_batch);
    result.pass_done = cursor == 0;
    for (Entry* e : scratch_) {
      const int64_t ttl = e->expire_at_ms() - now_ms;
      if (ttl < 0) {  // Redis: expired once now > expire time
        table.Erase(e);
        ++result.expired;
      } else if (ttl > 0) {
        ttl_sum += ttl;
        ++ttl_samples;
      }
    }
    result.sampled = static_cast<int>(scratch_.size());
    if (result.expired > 0) ShrinkIfSparse(table);
    if (table.volatile_count() == 0) NoteVolatile(unit, db, false);
  }
  if (result.expired > 0) {
    shard.counters().expired_keys.fetch_add(static_cast<uint64_t>(result.expired),
                                            std::memory_order_relaxed);
  }
  if (ttl_samples > 0) {
    const int64_t batch_avg = ttl_sum / ttl_samples;
    const int64_t old = avg_ttl_ms_[db].load(std::memory_order_relaxed);
    avg_ttl_ms_[db].store(old == 0 ? batch_avg : (old / 50) * 49 + batch_avg / 50,
                          std::memory_order_relaxed);
  }
  return result;
}

size_t ActiveExpirer::SkipIdleTables(size_t unit, size_t limit) {
  const size_t dbs = static_cast<size_t>(databases_);
  const size_t shard_index = unit / dbs;
  Shard& shard = store_->shard(shard_index);
  std::lock_guard<std::mutex> lock(shard.mutex());
  size_t skipped = 0;
  // Units are shard-major and the last shard ends at cursors_.size(), so
  // staying within this shard never runs past the end.
  for (size_t u = unit; skipped < limit && u / dbs == shard_index; ++u, ++skipped) {
    const int db = static_cast<int>(u % dbs);
    if (shard.table(db).volatile_count() != 0) break;
    NoteVolatile(u, db, false);
  }
  return skipped;
}

ActiveExpirer::CycleStats ActiveExpirer::RunCycle(int64_t budget_us) {
  const SteadyClock::time_point start = SteadyClock::now();
  const int64_t now_ms = clock_->NowMs();
  const size_t dbs = static_cast<size_t>(databases_);
  CycleStats stats;
  const size_t units = cursors_.size();
  bool out_of_time = false;
  size_t visited = 0;
  while (visited < units && !out_of_time) {
    // Tables without volatile keys: one lock per shard for all of them.
    if (const size_t skipped = SkipIdleTables(next_unit_, units - visited); skipped > 0) {
      visited += skipped;
      next_unit_ = (next_unit_ + skipped) % units;
      continue;
    }
    const size_t unit = next_unit_;
    const size_t shard_index = unit / dbs;
    const int db = static_cast<int>(unit % dbs);
    bool unit_done = false;
    while (!unit_done) {
      const BatchResult batch = RunBatch(shard_index, db, now_ms);
      stats.keys_sampled += static_cast<uint64_t>(batch.sampled);
      stats.keys_expired += static_cast<uint64_t>(batch.expired);
      // Go on with this table while the batch found more than the acceptable
      // share of expired keys and the cursor has not come round.
      unit_done = batch.pass_done || batch.sampled == 0 ||
                  batch.expired * 100 <= batch.sampled * options_.acceptable_stale_percent;
      if (MicrosSince(start) >= budget_us) {
        out_of_time = true;
        break;
      }
    }
    // Out of time mid-table: the next cycle resumes this table.
    if (unit_done) {
      next_unit_ = (unit + 1) % units;
      ++visited;
    }
  }
  stats.micros = MicrosSince(start);
  return stats;
}

}  // namespace hotcache::storage
