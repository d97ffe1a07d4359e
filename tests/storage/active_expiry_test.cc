#include "storage/active_expiry.h"

#include <algorithm>
#include <mutex>
#include <string>

#include "gtest/gtest.h"
#include "storage/clock.h"
#include "storage/db_view.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

constexpr int64_t kHugeBudgetUs = 60'000'000;

class ActiveExpiryTest : public ::testing::Test {
 protected:
  ActiveExpiryTest() : store_(StoreOptions{.shard_bits = 2, .databases = 3}) {}

  // Sets `count` keys prefix0..prefixN-1 in `db`, expiring at `expire_at_ms` (0: never).
  void SetKeys(int db, const std::string& prefix, int count, int64_t expire_at_ms) {
    LockSet locks(&store_);
    locks.AddAll();
    locks.Lock();
    DbView view(&store_, db, clock_.NowMs());
    for (int i = 0; i < count; ++i) {
      bool created = false;
      Entry* e = view.FindOrCreate(prefix + std::to_string(i), &created);
      e->SetString("value");
      view.SetExpiry(e, expire_at_ms);
    }
  }

  // Number of keys physically present (no expiry check), and volatile ones.
  size_t Present(int db) {
    LockSet locks(&store_);
    locks.AddAll();
    locks.Lock();
    return store_.DbSizeLocked(db);
  }
  size_t Volatile(int db) {
    LockSet locks(&store_);
    locks.AddAll();
    locks.Lock();
    return store_.VolatileCountLocked(db);
  }

  ManualClock clock_;
  Store store_;
};

TEST_F(ActiveExpiryTest, ExpiredKeysGoWithoutAnyAccess) {
  const int64_t now = clock_.NowMs();
  SetKeys(0, "a", 1000, now + 1000);
  SetKeys(2, "b", 500, now + 1000);
  ActiveExpirer expirer(&store_, &clock_);

  ActiveExpirer::CycleStats before = expirer.RunCycle(kHugeBudgetUs);
  EXPECT_EQ(before.keys_expired, 0u);
  EXPECT_GT(before.keys_sampled, 0u);
  EXPECT_EQ(Present(0), 1000u);

  clock_.Advance(1000);  // now == expire time: not yet expired (Redis: now > when)
  EXPECT_EQ(expirer.RunCycle(kHugeBudgetUs).keys_expired, 0u);
  EXPECT_EQ(Present(0), 1000u);

  clock_.Advance(1);
  uint64_t expired = 0;
  for (int cycle = 0; cycle < 10 && (Present(0) > 0 || Present(2) > 0); ++cycle) {
    expired += expirer.RunCycle(kHugeBudgetUs).keys_expired;
  }
  EXPECT_EQ(Present(0), 0u);
  EXPECT_EQ(Present(2), 0u);
  EXPECT_EQ(Volatile(0), 0u);
  EXPECT_EQ(expired, 1500u);
  EXPECT_EQ(store_.expired_keys(), 1500u);
  EXPECT_EQ(expirer.AvgTtlMs(0), 0) << "no volatile keys left";
}

TEST_F(ActiveExpiryTest, KeysWithoutTtlOrInTheFutureAreUntouched) {
  const int64_t now = clock_.NowMs();
  SetKeys(0, "persist", 300, 0);
  SetKeys(0, "later", 200, now + 100'000);
  SetKeys(0, "soon", 400, now + 10);
  ActiveExpirer expirer(&store_, &clock_);
  clock_.Advance(11);
  for (int cycle = 0; cycle < 10 && Present(0) > 500; ++cycle) expirer.RunCycle(kHugeBudgetUs);
  EXPECT_EQ(Present(0), 500u);
  EXPECT_EQ(Volatile(0), 200u);
  EXPECT_EQ(store_.expired_keys(), 400u);

  LockSet locks(&store_);
  locks.AddAll();
  locks.Lock();
  DbView view(&store_, 0, clock_.NowMs());
  for (int i = 0; i < 300; ++i) EXPECT_NE(view.Find("persist" + std::to_string(i)), nullptr);
  for (int i = 0; i < 200; ++i) EXPECT_NE(view.Find("later" + std::to_string(i)), nullptr);
  for (int i = 0; i < 400; ++i) EXPECT_EQ(view.Find("soon" + std::to_string(i)), nullptr);
}

TEST_F(ActiveExpiryTest, TinyBudgetReturnsEarlyAndLaterCyclesContinue) {
  const int64_t now = clock_.NowMs();
  SetKeys(0, "k", 5000, now + 5);
  ActiveExpirer expirer(&store_, &clock_, {.keys_per_batch = 20, .buckets_per_batch = 400});
  clock_.Advance(6);

  // A zero budget still makes progress, but only one batch per cycle.
  ActiveExpirer::CycleStats first = expirer.RunCycle(0);
  EXPECT_GT(first.keys_expired, 0u);
  // One batch: keys_per_batch, plus the rest of the last bucket's chain.
  constexpr uint64_t kOneBatch = 20 + 16;
  EXPECT_LE(first.keys_sampled, kOneBatch);
  EXPECT_EQ(Present(0), 5000u - first.keys_expired);

  int cycles = 1;
  while (Present(0) > 0 && cycles < 100'000) {
    ActiveExpirer::CycleStats s = expirer.RunCycle(0);
    EXPECT_LE(s.keys_sampled, kOneBatch);
    ++cycles;
  }
  EXPECT_EQ(Present(0), 0u);
  EXPECT_GT(cycles, 5000 / static_cast<int>(kOneBatch)) << "each cycle did one bounded batch";
  EXPECT_EQ(store_.expired_keys(), 5000u);
}

TEST_F(ActiveExpiryTest, StopsOnATableWhenFewKeysAreExpired) {
  const int64_t now = clock_.NowMs();
  // 2% of the volatile keys expired: one batch per table per cycle is enough
  // to see that, so a cycle samples about keys_per_batch per table.
  SetKeys(0, "live", 4900, now + 100'000);
  SetKeys(0, "dead", 100, now + 1);
  clock_.Advance(2);
  ActiveExpirer expirer(&store_, &clock_);
  ActiveExpirer::CycleStats s = expirer.RunCycle(kHugeBudgetUs);
  EXPECT_LT(s.keys_sampled, 4u * 100u) << "4 shards, a few batches at most each";
  EXPECT_GT(s.keys_sampled, 0u);
}

TEST_F(ActiveExpiryTest, AvgTtlTracksSampledTtls) {
  const int64_t now = clock_.NowMs();
  SetKeys(1, "k", 2000, now + 50'000);
  ActiveExpirer expirer(&store_, &clock_);
  EXPECT_EQ(expirer.AvgTtlMs(1), 0);
  expirer.RunCycle(kHugeBudgetUs);
  EXPECT_EQ(expirer.AvgTtlMs(1), 50'000);
  clock_.Advance(10'000);
  for (int i = 0; i < 200; ++i) expirer.RunCycle(kHugeBudgetUs);
  const int64_t avg = expirer.AvgTtlMs(1);
  EXPECT_GT(avg, 39'000);
  EXPECT_LT(avg, 45'000) << "running average moves toward 40000";
  EXPECT_EQ(expirer.AvgTtlMs(0), 0);
  EXPECT_EQ(expirer.AvgTtlMs(99), 0);
}

TEST_F(ActiveExpiryTest, SurvivesTableGrowthBetweenCycles) {
  const int64_t now = clock_.NowMs();
  SetKeys(0, "first", 100, now + 1);
  ActiveExpirer expirer(&store_, &clock_, {.keys_per_batch = 5, .buckets_per_batch = 10});
  clock_.Advance(2);
  expirer.RunCycle(0);
  // Grow every table a lot while cursors are mid-walk.
  SetKeys(0, "more", 20'000, now + 1);
  for (int cycle = 0; cycle < 100'000 && Present(0) > 0; ++cycle) expirer.RunCycle(0);
  EXPECT_EQ(Present(0), 0u);
  EXPECT_EQ(store_.expired_keys(), 20'100u);
}

TEST_F(ActiveExpiryTest, GivesBackBucketArraysOfTablesItEmptied) {
  const int64_t now = clock_.NowMs();
  SetKeys(0, "k", 20'000, now + 1);
  SetKeys(1, "p", 10, 0);  // db 1: no volatile keys, left alone
  auto max_buckets = [this](int db) {
    uint64_t most = 0;
    for (size_t i = 0; i < store_.num_shards(); ++i) {
      std::lock_guard<std::mutex> lock(store_.shard(i).mutex());
      most = std::max(most, store_.shard(i).table(db).bucket_mask() + 1);
    }
    return most;
  };
  ASSERT_GE(max_buckets(0), 4096u);
  const uint64_t db1_buckets = max_buckets(1);
  clock_.Advance(2);
  ActiveExpirer expirer(&store_, &clock_);
  for (int cycle = 0; cycle < 10 && Present(0) > 0; ++cycle) expirer.RunCycle(kHugeBudgetUs);
  EXPECT_EQ(Present(0), 0u);
  EXPECT_LE(max_buckets(0), 4u) << "no writes after expiry, yet the tables shrank";
  EXPECT_EQ(Present(1), 10u);
  EXPECT_EQ(max_buckets(1), db1_buckets);
  EXPECT_EQ(store_.expired_keys(), 20'000u) << "the shrink probe key is not counted";
}

}  // namespace
}  // namespace hotcache::storage
