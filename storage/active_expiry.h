#pragma once
// Active expiry: deletes keys past their expiry time that nobody reads, with
// a bounded amount of work per call, as Redis's activeExpireCycle does.
//
// How it works. Every (shard, database) pair has a cursor over that table's
// buckets (Redis's reverse-binary cursor, so a walk survives the table growing
// or shrinking between calls). A *batch* locks one shard, advances that
// table's cursor until it has sampled `keys_per_batch` keys with an expiry or
// visited `buckets_per_batch` buckets, deletes the sampled keys whose time has
// passed (counted in the shard's expired_keys), and unlocks. A table gets
// batch after batch while more than `acceptable_stale_percent` of the keys a
// batch sampled were expired and its cursor has not completed a full pass;
// then the next table. Tables with no volatile keys cost one load each (one
// lock per shard covers all of its databases' tables). RunCycle stops as soon as a batch ends past
// its time budget and the next call resumes at the same table, so a cycle's cost is bounded by the
// budget plus one batch, and the longest a shard lock is held by expiry is
// one batch (microseconds).
//
// The time that decides expiry comes from the injected Clock (read once per
// cycle, like Redis's per-command time); the budget is measured with
// std::chrono::steady_clock.
//
// avg_ttl: per database, Redis's running estimate: after each batch that
// sampled live keys, avg = avg/50*49 + batch_avg/50 (or batch_avg when avg
// was 0); 0 once no table of the database holds a volatile key.
//
// Thread safety: RunCycle must not run concurrently with itself (one owner,
// e.g. the server's control thread); it takes shard locks itself, one at a
// time, so the caller must hold none. AvgTtlMs is thread-safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "storage/clock.h"
#include "storage/entry.h"
#include "storage/store.h"

namespace hotcache::storage {

class ActiveExpirer {
 public:
  struct Options {
    int keys_per_batch = 20;            // Redis: ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
    int buckets_per_batch = 400;        // Redis: 20 buckets per wanted key
    int acceptable_stale_percent = 10;  // Redis: ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE
  };

  struct CycleStats {
    uint64_t keys_sampled = 0;  // keys with an expiry examined
    uint64_t keys_expired = 0;  // of which deleted
    int64_t micros = 0;         // wall time the cycle took
  };

  // `store` and `clock` must outlive this object.
  explicit ActiveExpirer(Store* store, const Clock* clock) : ActiveExpirer(store, clock, {}) {}
  ActiveExpirer(Store* store, const Clock* clock, Options options);
  ActiveExpirer(const ActiveExpirer&) = delete;
  ActiveExpirer& operator=(const ActiveExpirer&) = delete;

  // Runs batches until every table has been visited once or `budget_us` is
  // spent (at least one batch always runs). Returns what it did.
  CycleStats RunCycle(int64_t budget_us);

  // Redis's slow-cycle budget: 25% of the period at `hz` cycles per second.
  static int64_t SlowCycleBudgetUs(int hz) { return 250'000 / (hz < 1 ? 1 : hz); }

  // The estimated average remaining TTL, in ms, of database `db`'s volatile
  // keys (INFO keyspace avg_ttl); 0 when unknown or none.
  int64_t AvgTtlMs(int db) const;

 private:
  struct BatchResult {
    int sampled = 0;
    int expired = 0;
    bool pass_done = false;  // the cursor wrapped (or the table has no volatile keys)
  };
  BatchResult RunBatch(size_t shard_index, int db, int64_t now_ms);
  // Steps over up to `limit` units from `unit` on, within unit's shard, whose
  // tables hold no volatile keys, under one lock. Returns how many.
  size_t SkipIdleTables(size_t unit, size_t limit);
  void NoteVolatile(size_t unit, int db, bool has_volatile);

  Store* store_;
  const Clock* clock_;
  Options options_;
  const size_t num_shards_;
  const int databases_;
  // Per unit (shard * databases + db): the bucket cursor and whether the
  // table held volatile keys when last visited. Used only by RunCycle's thread.
  std::vector<uint64_t> cursors_;
  std::vector<uint8_t> had_volatile_;
  std::vector<int> volatile_tables_;  // per db: count of had_volatile_ units
  size_t next_unit_ = 0;
  std::vector<Entry*> scratch_;
  std::unique_ptr<std::atomic<int64_t>[]> avg_ttl_ms_;  // per db
};

}  // namespace hotcache::storage
