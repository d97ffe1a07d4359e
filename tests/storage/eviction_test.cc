// maxmemory-policy victim selection and the LFU counter.

#include "storage/eviction.h"

#include <string>

#include "gtest/gtest.h"
#include "storage/db_view.h"
#include "storage/memory.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

class EvictionTest : public ::testing::Test {
 protected:
  Store store_{{.shard_bits = 2, .databases = 2}};
  DbView View(int64_t now = kNow, int db = 0) { return DbView(&store_, db, now); }
  void Put(const std::string& key, int64_t now = kNow, int64_t expire_at = 0, int db = 0) {
    DbView v = View(now, db);
    bool created;
    Entry* e = v.SetValue(v.FindOrCreate(key, &created), "value");
    if (expire_at != 0) v.SetExpiry(e, expire_at);
  }
  bool Has(const std::string& key, int db = 0) { return View(kNow, db).FindNoTouch(key) != nullptr; }
  size_t Size(int db = 0) { return View(kNow, db).Size(); }
};

TEST_F(EvictionTest, NoEvictionEvictsNothing) {
  Put("a");
  EXPECT_FALSE(store_.evictor().EvictOne(MaxmemoryPolicy::kNoEviction, 5, kNow));
  EXPECT_TRUE(Has("a"));
  EXPECT_FALSE(store_.evictor().EnsureMemory({1, MaxmemoryPolicy::kNoEviction, 5}, kNow))
      << "over a 1-byte limit with noeviction: the caller must reply OOM";
  EXPECT_TRUE(Has("a"));
}

TEST_F(EvictionTest, VolatilePoliciesOnlyEvictKeysWithTtl) {
  for (MaxmemoryPolicy p : {MaxmemoryPolicy::kVolatileLru, MaxmemoryPolicy::kVolatileLfu,
                            MaxmemoryPolicy::kVolatileRandom, MaxmemoryPolicy::kVolatileTtl}) {
    View().Clear();
    for (int i = 0; i < 50; ++i) Put("p" + std::to_string(i));
    for (int i = 0; i < 5; ++i) Put("t" + std::to_string(i), kNow, kNow + 100000 + i);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_.evictor().EvictOne(p, 5, kNow));
    EXPECT_FALSE(store_.evictor().EvictOne(p, 5, kNow)) << "no volatile key left";
    EXPECT_EQ(Size(), 50u);
    for (int i = 0; i < 50; ++i) EXPECT_TRUE(Has("p" + std::to_string(i)));
  }
  EXPECT_EQ(store_.evicted_keys(), 20u);
}

TEST_F(EvictionTest, VolatileTtlEvictsTheSoonestToExpire) {
  for (int i = 0; i < 20; ++i) Put("t" + std::to_string(i), kNow, kNow + 1000 * (i + 1));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store_.evictor().EvictOne(MaxmemoryPolicy::kVolatileTtl, 64, kNow));
  EXPECT_FALSE(Has("t0"));
  EXPECT_FALSE(Has("t1"));
  EXPECT_FALSE(Has("t2"));
  EXPECT_TRUE(Has("t3"));
  EXPECT_EQ(Size(), 17u);
}

TEST_F(EvictionTest, AllKeysLruEvictsTheLeastRecentlyUsed) {
  for (int i = 0; i < 16; ++i) Put("k" + std::to_string(i), kNow + i);
  // Touch k0..k3 last: they become the most recent.
  for (int i = 0; i < 4; ++i) View(kNow + 100).Find("k" + std::to_string(i));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store_.evictor().EvictOne(MaxmemoryPolicy::kAllKeysLru, 64, kNow + 200));
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(Has("k" + std::to_string(i))) << i;
  for (int i = 4; i < 8; ++i) EXPECT_FALSE(Has("k" + std::to_string(i))) << i;
}

TEST_F(EvictionTest, AllKeysLfuKeepsTheFrequentlyUsed) {
  store_.set_lfu(true);
  for (int i = 0; i < 16; ++i) Put("k" + std::to_string(i));
  for (int n = 0; n < 30; ++n) View().Find("hot");  // absent: no effect
  for (int i = 0; i < 8; ++i)
    for (int n = 0; n < 20; ++n) View().Find("k" + std::to_string(i));
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(store_.evictor().EvictOne(MaxmemoryPolicy::kAllKeysLfu, 64, kNow));
  for (int i = 0; i < 8; ++i) EXPECT_TRUE(Has("k" + std::to_string(i))) << i;
}

TEST_F(EvictionTest, RandomPoliciesEvictAcrossDatabases) {
  for (int i = 0; i < 10; ++i) Put("a" + std::to_string(i), kNow, 0, 0);
  for (int i = 0; i < 10; ++i) Put("b" + std::to_string(i), kNow, 0, 1);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store_.evictor().EvictOne(MaxmemoryPolicy::kAllKeysRandom, 5, kNow));
  EXPECT_EQ(Size(0) + Size(1), 0u);
  EXPECT_FALSE(store_.evictor().EvictOne(MaxmemoryPolicy::kAllKeysRandom, 5, kNow));
}

TEST_F(EvictionTest, EnsureMemoryEvictsUntilUnderTheLimit) {
  for (int i = 0; i < 2000; ++i) Put("k" + std::to_string(i));
  const uint64_t used = UsedMemory();
  const uint64_t limit = used - 50 * 1024;  // about 50 KB to free
  ASSERT_TRUE(store_.evictor().EnsureMemory({limit, MaxmemoryPolicy::kAllKeysLru, 5}, kNow));
  EXPECT_LE(UsedMemory(), limit);
  EXPECT_GT(store_.evicted_keys(), 0u);
  EXPECT_LT(Size(), 2000u);
  EXPECT_GT(Size(), 0u);
}

TEST(LfuTest, CounterGrowsLogarithmicallyAndDecaysPerMinute) {
  uint32_t access = LfuInit(kNow);
  EXPECT_EQ(LfuCounter(access, kNow), kLfuInitVal);
  access = LfuTouch(access, kNow);
  EXPECT_EQ(LfuCounter(access, kNow), kLfuInitVal + 1) << "p = 1 at the initial value";
  for (int i = 0; i < 100000; ++i) access = LfuTouch(access, kNow);
  const int c = LfuCounter(access, kNow);
  EXPECT_GT(c, 20);  // Redis's table: ~100K hits -> ~ 1/(10) log growth
  EXPECT_LT(c, 255);
  EXPECT_EQ(LfuCounter(access, kNow + 3 * 60000), c - 3) << "decays one per minute";
  EXPECT_EQ(LfuCounter(access, kNow + 1000 * 60000), 0);
}

}  // namespace
}  // namespace hotcache::storage
