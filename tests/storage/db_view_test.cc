#include "storage/db_view.h"

#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

std::string Key(const char* prefix, int i) { return prefix + std::to_string(i); }

class DbViewTest : public ::testing::Test {
 protected:
  DbViewTest() : store_(StoreOptions{.shard_bits = 2, .databases = 4}), locks_(&store_) {
    locks_.AddAll();
    locks_.Lock();
  }

  DbView View(int db = 0) { return DbView(&store_, db, clock_.NowMs()); }

  void Set(DbView& view, std::string_view key, std::string_view value, int64_t expire = 0) {
    bool created = false;
    Entry* e = view.FindOrCreate(key, &created);
    e->SetString(value);
    view.SetExpiry(e, expire);
  }

  ManualClock clock_;
  Store store_;
  LockSet locks_;
};

TEST_F(DbViewTest, FindOrCreateThenFind) {
  DbView v = View();
  bool created = false;
  Entry* e = v.FindOrCreate("k", &created);
  EXPECT_TRUE(created);
  e->SetString("v");
  Entry* again = v.FindOrCreate("k", &created);
  EXPECT_FALSE(created);
  EXPECT_EQ(again, e);
  EXPECT_EQ(v.Find("k"), e);
  EXPECT_EQ(v.Find("other"), nullptr);
  EXPECT_EQ(View(1).Find("k"), nullptr) << "databases are separate";
  EXPECT_EQ(v.Size(), 1u);
}

TEST_F(DbViewTest, LazyExpiryNeverReturnsExpiredKeyAndCountsIt) {
  DbView v = View();
  const int64_t now = clock_.NowMs();
  Set(v, "k", "v", now + 100);
  Set(v, "keep", "v");
  EXPECT_EQ(store_.VolatileCountLocked(0), 1u);
  EXPECT_NE(View().Find("k"), nullptr);

  clock_.Advance(100);
  EXPECT_NE(View().Find("k"), nullptr) << "at the expiry instant Redis still serves it";
  EXPECT_EQ(store_.expired_keys(), 0u);

  clock_.Advance(1);
  DbView later = View();
  EXPECT_EQ(later.Find("k"), nullptr);
  EXPECT_EQ(store_.expired_keys(), 1u);
  EXPECT_EQ(later.Size(), 1u) << "expired key deleted";
  EXPECT_EQ(store_.VolatileCountLocked(0), 0u);
  EXPECT_EQ(later.Find("k"), nullptr);
  EXPECT_EQ(store_.expired_keys(), 1u) << "counted once";
  EXPECT_NE(later.Find("keep"), nullptr);
}

TEST_F(DbViewTest, FindForReadCountsHitsAndMisses) {
  DbView v = View();
  Set(v, "a", "1");
  Set(v, "b", "2", clock_.NowMs() + 10);
  EXPECT_NE(v.FindForRead("a"), nullptr);
  EXPECT_EQ(v.FindForRead("nope"), nullptr);
  clock_.Advance(11);
  EXPECT_EQ(View().FindForRead("b"), nullptr);
  EXPECT_EQ(store_.keyspace_hits(), 1u);
  EXPECT_EQ(store_.keyspace_misses(), 2u);
  EXPECT_EQ(store_.expired_keys(), 1u);
  EXPECT_EQ(v.Find("a") != nullptr, true);
  EXPECT_EQ(store_.keyspace_hits(), 1u) << "Find does not count";
  store_.ResetCounters();
  EXPECT_EQ(store_.keyspace_hits(), 0u);
  EXPECT_EQ(store_.keyspace_misses(), 0u);
  EXPECT_EQ(store_.expired_keys(), 0u);
}

TEST_F(DbViewTest, FindOrCreateReplacesExpiredKeyWithFreshEntry) {
  DbView v = View();
  Set(v, "k", "old", clock_.NowMs() + 5);
  clock_.Advance(6);
  DbView later = View();
  bool created = false;
  Entry* e = later.FindOrCreate("k", &created);
  EXPECT_TRUE(created);
  EXPECT_EQ(e->str(), "");
  EXPECT_FALSE(e->has_expiry());
  EXPECT_EQ(store_.expired_keys(), 1u);
  EXPECT_EQ(store_.VolatileCountLocked(0), 0u);
  EXPECT_EQ(later.Size(), 1u);
}

TEST_F(DbViewTest, EraseByKey) {
  DbView v = View();
  Set(v, "live", "1");
  Set(v, "dying", "2", clock_.NowMs() + 1);
  EXPECT_TRUE(v.Erase("live"));
  EXPECT_FALSE(v.Erase("live"));
  EXPECT_FALSE(v.Erase("never"));
  clock_.Advance(2);
  DbView later = View();
  EXPECT_FALSE(later.Erase("dying")) << "an expired key is not a deleted key";
  EXPECT_EQ(store_.expired_keys(), 1u);
  EXPECT_EQ(later.Size(), 0u);
  EXPECT_EQ(store_.VolatileCountLocked(0), 0u);
}

TEST_F(DbViewTest, EraseEntryAndSetExpiryKeepVolatileCountExact) {
  DbView v = View();
  Set(v, "a", "1");
  Entry* a = v.Find("a");
  v.SetExpiry(a, clock_.NowMs() + 1000);
  v.SetExpiry(a, clock_.NowMs() + 2000);
  EXPECT_EQ(store_.VolatileCountLocked(0), 1u);
  v.SetExpiry(a, 0);
  EXPECT_EQ(store_.VolatileCountLocked(0), 0u);
  v.SetExpiry(a, clock_.NowMs() + 1000);
  v.Erase(a);
  EXPECT_EQ(store_.VolatileCountLocked(0), 0u);
  EXPECT_EQ(v.Size(), 0u);
}

TEST_F(DbViewTest, RenameWithinDb) {
  DbView v = View();
  Set(v, "src", "value", clock_.NowMs() + 1000);
  Set(v, "dst", "old");
  Entry* moved = v.Rename(v.Find("src"), "dst", 0);
  EXPECT_EQ(moved->key(), "dst");
  EXPECT_EQ(moved->str(), "value");
  EXPECT_EQ(moved->expire_at_ms(), clock_.NowMs() + 1000);
  EXPECT_EQ(v.Find("src"), nullptr);
  EXPECT_EQ(v.Find("dst"), moved);
  EXPECT_EQ(v.Size(), 1u);
  EXPECT_EQ(store_.VolatileCountLocked(0), 1u);
}

TEST_F(DbViewTest, RenameSameKeyIsNoOp) {
  DbView v = View();
  Set(v, "k", "v", clock_.NowMs() + 50);
  Entry* e = v.Find("k");
  EXPECT_EQ(v.Rename(e, "k", 0), e);
  EXPECT_EQ(v.Find("k"), e);
  EXPECT_EQ(e->str(), "v");
  EXPECT_EQ(v.Size(), 1u);
  EXPECT_EQ(store_.VolatileCountLocked(0), 1u);
}

TEST_F(DbViewTest, RenameAcrossDatabases) {
  DbView v0 = View(0);
  DbView v2 = View(2);
  Set(v0, "k", "zero", clock_.NowMs() + 1000);
  Set(v2, "k", "two");
  Set(v2, "dst", "replaced");
  // MOVE-like: same key, other db (replacing is the caller's decision).
  Entry* moved = v0.Rename(v0.Find("k"), "dst", 2);
  EXPECT_EQ(moved->str(), "zero");
  EXPECT_EQ(v0.Size(), 0u);
  EXPECT_EQ(v2.Size(), 2u);
  EXPECT_EQ(v2.Find("dst"), moved);
  EXPECT_EQ(v2.Find("k")->str(), "two");
  EXPECT_EQ(store_.VolatileCountLocked(0), 0u);
  EXPECT_EQ(store_.VolatileCountLocked(2), 1u);
  // Same key name into another database.
  Entry* back = v2.Rename(v2.Find("k"), "k", 3);
  EXPECT_EQ(back->str(), "two");
  EXPECT_EQ(v2.Find("k"), nullptr);
  EXPECT_EQ(View(3).Find("k"), back);
}

TEST_F(DbViewTest, ClearAndSwapWith) {
  DbView v0 = View(0);
  DbView v1 = View(1);
  for (int i = 0; i < 100; ++i) Set(v0, Key("a", i), "x", i % 2 ? clock_.NowMs() + 100 : 0);
  for (int i = 0; i < 10; ++i) Set(v1, Key("b", i), "y");
  v0.SwapWith(1);
  EXPECT_EQ(v0.Size(), 10u);
  EXPECT_EQ(v1.Size(), 100u);
  EXPECT_EQ(store_.VolatileCountLocked(1), 50u);
  EXPECT_EQ(store_.VolatileCountLocked(0), 0u);
  EXPECT_NE(v0.Find("b3"), nullptr);
  EXPECT_NE(v1.Find("a3"), nullptr);
  EXPECT_EQ(v0.Find("a3"), nullptr);
  v1.Clear();
  EXPECT_EQ(v1.Size(), 0u);
  EXPECT_EQ(store_.VolatileCountLocked(1), 0u);
  EXPECT_EQ(v0.Size(), 10u);
  Set(v1, "again", "z");
  EXPECT_EQ(v1.Size(), 1u);
}

TEST_F(DbViewTest, FullScanReturnsEveryKeyAndSkipsExpired) {
  DbView v = View();
  constexpr int kN = 1000;
  for (int i = 0; i < kN; ++i) Set(v, Key("k", i), "v");
  for (int i = 0; i < 100; ++i) Set(v, Key("t", i), "v", clock_.NowMs() + 1);
  clock_.Advance(2);
  DbView later = View();
  std::map<std::string, int> seen;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = later.Scan(cursor, 10, [&](Entry* e) { ++seen[std::string(e->key())]; });
    ASSERT_LT(++steps, 100000);
  } while (cursor != 0);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kN));
  for (auto& [key, n] : seen) {
    EXPECT_EQ(key[0], 'k');
    EXPECT_EQ(n, 1) << "no resizing, so no duplicates";
  }
  EXPECT_EQ(store_.expired_keys(), 100u);
  EXPECT_EQ(later.Size(), static_cast<size_t>(kN));
}

TEST_F(DbViewTest, ScanOnEmptyDbEndsImmediately) {
  DbView v = View();
  int calls = 0;
  uint64_t cursor = 0;
  int steps = 0;
  do {
    cursor = v.Scan(cursor, 100, [&](Entry*) { ++calls; });
    ASSERT_LT(++steps, 100);
  } while (cursor != 0);
  EXPECT_EQ(calls, 0);
}

// Redis's SCAN guarantee: a key present for the whole scan is returned at
// least once, even though tables grow and shrink between steps.
TEST_F(DbViewTest, ScanGuaranteeAcrossGrowthAndShrink) {
  constexpr int kStable = 2000;
  constexpr int kChurn = 40000;
  {
    DbView v = View();
    for (int i = 0; i < kStable; ++i) Set(v, Key("stable:", i), "v");
  }
  std::set<std::string> seen;
  uint64_t cursor = 0;
  int steps = 0;
  int inserted = 0, erased = 0, shrink_inserts = 0;
  uint64_t max_mask = 0, min_mask_after_peak = ~uint64_t{0};
  const uint64_t start_mask = store_.shard(0).table(0).bucket_mask();
  do {
    DbView v = View();
    cursor = v.Scan(cursor, 3, [&](Entry* e) { seen.insert(std::string(e->key())); });
    // Phase 1: grow. Phase 2: delete the churn keys and insert a few keys so
    // the tables shrink lazily.
    if (inserted < kChurn) {
      for (int i = 0; i < 200 && inserted < kChurn; ++i) Set(v, Key("churn:", inserted++), "c");
    } else if (erased < kChurn) {
      for (int i = 0; i < 400 && erased < kChurn; ++i)
        ASSERT_TRUE(v.Erase(Key("churn:", erased++)));
      Set(v, Key("late:", shrink_inserts++), "l");
    }
    const uint64_t mask = store_.shard(0).table(0).bucket_mask();
    max_mask = std::max(max_mask, mask);
    if (erased >= kChurn) min_mask_after_peak = std::min(min_mask_after_peak, mask);
    ASSERT_LT(++steps, 1000000);
  } while (cursor != 0);
  ASSERT_GT(max_mask, start_mask) << "the test must force growth";
  ASSERT_EQ(erased, kChurn) << "the scan ended before the shrink phase; make it slower";
  ASSERT_LT(min_mask_after_peak, max_mask) << "the test must force a shrink";
  for (int i = 0; i < kStable; ++i) {
    EXPECT_TRUE(seen.count(Key("stable:", i))) << "missed " << Key("stable:", i);
  }
}

TEST_F(DbViewTest, RandomEntry) {
  std::mt19937_64 rng(11);
  DbView v = View();
  EXPECT_EQ(v.RandomEntry(rng), nullptr);
  for (int i = 0; i < 20; ++i) Set(v, Key("k", i), "v");
  std::set<std::string> seen;
  for (int i = 0; i < 2000 && seen.size() < 20; ++i) {
    Entry* e = v.RandomEntry(rng);
    ASSERT_NE(e, nullptr);
    seen.insert(std::string(e->key()));
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST_F(DbViewTest, RandomEntrySkipsAndDeletesExpired) {
  std::mt19937_64 rng(5);
  DbView v = View();
  for (int i = 0; i < 500; ++i) Set(v, Key("t", i), "v", clock_.NowMs() + 1);
  Set(v, "live", "v");
  clock_.Advance(2);
  DbView later = View();
  Entry* e = later.RandomEntry(rng);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->key(), "live");
  EXPECT_GT(store_.expired_keys(), 0u);
  later.Erase(e);
  EXPECT_EQ(later.RandomEntry(rng), nullptr);
  EXPECT_EQ(later.Size(), 0u) << "every expired key deleted";
  EXPECT_EQ(store_.expired_keys(), 500u);
}

// Whether another thread can take shard `i`'s lock right now (try_lock on a
// mutex this thread holds would be undefined).
bool LockableFromOtherThread(Store& store, size_t i) {
  bool ok = false;
  std::thread t([&] {
    ok = store.shard(i).mutex().try_lock();
    if (ok) store.shard(i).mutex().unlock();
  });
  t.join();
  return ok;
}

TEST(StoreTest, ShardsAndLockSet) {
  Store store(StoreOptions{.shard_bits = 3, .databases = 2});
  EXPECT_EQ(store.num_shards(), 8u);
  EXPECT_EQ(store.shard_bits(), 3u);
  EXPECT_EQ(store.databases(), 2);
  EXPECT_EQ(store.ShardOfKey("abc"), Store::HashKey("abc") & 7);
  LockSet locks(&store);
  locks.AddKey("a");
  locks.AddShard(5);
  EXPECT_FALSE(locks.locked());
  locks.Lock();
  EXPECT_TRUE(locks.holds(5));
  EXPECT_TRUE(locks.holds(store.ShardOfKey("a")));
  EXPECT_FALSE(locks.holds_all());
  EXPECT_FALSE(LockableFromOtherThread(store, 5));
  locks.Unlock();
  EXPECT_FALSE(locks.locked());
  EXPECT_TRUE(LockableFromOtherThread(store, 5));
  locks.Unlock();  // no-op when not locked
  {
    LockSet all(&store);
    all.AddAll();
    all.Lock();
    EXPECT_TRUE(all.holds_all());
    EXPECT_FALSE(LockableFromOtherThread(store, 0));
    EXPECT_FALSE(LockableFromOtherThread(store, 7));
  }  // destructor unlocks
  for (size_t i = 0; i < store.num_shards(); ++i) EXPECT_TRUE(LockableFromOtherThread(store, i));
}

}  // namespace
}  // namespace hotcache::storage
