#include "storage/table.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

std::string Key(int i) { return "key:" + std::to_string(i); }

// Bucket count (tables never have exactly one bucket, so mask 0 means none).
size_t Buckets(const Table& t) { return t.bucket_mask() == 0 ? 0 : t.bucket_mask() + 1; }

TEST(TableTest, EmptyTable) {
  Table t(6);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.bucket_mask(), 0u);
  EXPECT_EQ(t.Find("a", Store::HashKey("a")), nullptr);
  std::mt19937_64 rng(1);
  EXPECT_EQ(t.RandomEntry(rng), nullptr);
  int visits = 0;
  t.ForEach([&](Entry*) { ++visits; });
  t.VisitBucket(0, [&](Entry*) { ++visits; });
  EXPECT_EQ(visits, 0);
}

TEST(TableTest, InsertFindErase) {
  Table t(6);
  Entry* e = t.Insert("hello", Store::HashKey("hello"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->key(), "hello");
  EXPECT_EQ(e->type(), ValueType::kString);
  EXPECT_EQ(e->str(), "");
  e->SetString("world");
  EXPECT_EQ(t.Find("hello", Store::HashKey("hello")), e);
  EXPECT_EQ(t.Find("hellx", Store::HashKey("hellx")), nullptr);
  EXPECT_EQ(t.size(), 1u);
  t.Erase(e);
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.Find("hello", Store::HashKey("hello")), nullptr);
}

// Same hash, different keys: Find must compare keys, not just hashes.
TEST(TableTest, HashCollisionsCompareKeys) {
  Table t(0);
  Entry* a = t.Insert("a", 42);
  Entry* b = t.Insert("b", 42);
  EXPECT_EQ(t.Find("a", 42), a);
  EXPECT_EQ(t.Find("b", 42), b);
  EXPECT_EQ(t.Find("c", 42), nullptr);
  t.Erase(a, 42);  // fake hashes: Erase(Entry*) would rehash the key
  EXPECT_EQ(t.Find("b", 42), b);
  EXPECT_EQ(t.Find("a", 42), nullptr);
}

TEST(TableTest, GrowAndShrinkKeepAllKeysFindable) {
  Table t(6);
  constexpr int kN = 5000;
  for (int i = 0; i < kN; ++i) {
    std::string k = Key(i);
    t.Insert(k, Store::HashKey(k))->SetString(k);
    ASSERT_LE(t.size(), Buckets(t)) << "grows when size exceeds buckets";
  }
  EXPECT_EQ(t.size(), static_cast<size_t>(kN));
  EXPECT_GE(Buckets(t), static_cast<size_t>(kN));
  EXPECT_LT(Buckets(t), static_cast<size_t>(2 * kN));
  for (int i = 0; i < kN; ++i) {
    std::string k = Key(i);
    Entry* e = t.Find(k, Store::HashKey(k));
    ASSERT_NE(e, nullptr) << k;
    EXPECT_EQ(e->str(), k);
  }
  const size_t big = Buckets(t);
  // Erase most keys: Erase never shrinks (SCAN may erase mid-step).
  for (int i = 10; i < kN; ++i) {
    std::string k = Key(i);
    t.Erase(t.Find(k, Store::HashKey(k)));
  }
  EXPECT_EQ(t.size(), 10u);
  EXPECT_EQ(Buckets(t), big);
  // The next insert shrinks lazily.
  t.Insert("new", Store::HashKey("new"));
  EXPECT_LT(Buckets(t), big);
  EXPECT_GE(t.size() * 8, Buckets(t) / 2);
  for (int i = 0; i < 10; ++i) {
    std::string k = Key(i);
    Entry* e = t.Find(k, Store::HashKey(k));
    ASSERT_NE(e, nullptr) << k;
    EXPECT_EQ(e->str(), k);
  }
  EXPECT_NE(t.Find("new", Store::HashKey("new")), nullptr);
  size_t count = 0;
  t.ForEach([&](Entry*) { ++count; });
  EXPECT_EQ(count, t.size());
}

TEST(TableTest, NeverShrinksBelowFourBuckets) {
  Table t(0);
  for (int i = 0; i < 100; ++i) t.Insert(Key(i), Store::HashKey(Key(i)));
  for (int i = 0; i < 100; ++i) t.Erase(t.Find(Key(i), Store::HashKey(Key(i))));
  t.Insert("x", Store::HashKey("x"));
  EXPECT_EQ(Buckets(t), 4u);
}

TEST(TableTest, BucketUsesHashShiftedByShardBits) {
  Table t(3);
  const uint64_t hash = (uint64_t{2} << 3) | 5;  // bucket 2 of 4, low bits = shard 5
  Entry* e = t.Insert("k", hash);
  std::vector<Entry*> seen;
  t.VisitBucket(2, [&](Entry* x) { seen.push_back(x); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], e);
  seen.clear();
  t.VisitBucket(5, [&](Entry* x) { seen.push_back(x); });
  EXPECT_TRUE(seen.empty());
}

TEST(TableTest, VolatileCountIsExact) {
  Table t(0);
  Entry* a = t.Insert("a", Store::HashKey("a"));
  Entry* b = t.Insert("b", Store::HashKey("b"));
  EXPECT_EQ(t.volatile_count(), 0u);
  a->set_expire_at_ms(100);
  t.OnExpiryChanged(false, true);
  b->set_expire_at_ms(200);
  t.OnExpiryChanged(false, true);
  EXPECT_EQ(t.volatile_count(), 2u);
  b->set_expire_at_ms(300);
  t.OnExpiryChanged(true, true);
  EXPECT_EQ(t.volatile_count(), 2u);
  t.Erase(a);
  EXPECT_EQ(t.volatile_count(), 1u);
  b->set_expire_at_ms(0);
  t.OnExpiryChanged(true, false);
  EXPECT_EQ(t.volatile_count(), 0u);
  b->set_expire_at_ms(5);
  t.OnExpiryChanged(false, true);
  auto detached = t.Detach(b);
  EXPECT_EQ(t.volatile_count(), 0u);
  EXPECT_EQ(t.size(), 0u);
  Table other(0);
  other.Adopt(std::move(detached));
  EXPECT_EQ(other.volatile_count(), 1u);
  other.Clear();
  EXPECT_EQ(other.volatile_count(), 0u);
  EXPECT_EQ(other.size(), 0u);
}

TEST(TableTest, DetachAdoptRekeyMoveValuesWithoutLoss) {
  Table src(2), dst(2);
  Entry* e = src.Insert("old", Store::HashKey("old"));
  e->SetEmptyHash();
  e->hash()["f"] = "v";
  e->set_expire_at_ms(12345);
  src.OnExpiryChanged(false, true);
  e->set_access_clock(77);
  const HashValue* hash_storage = &e->hash();

  std::unique_ptr<Entry> d = src.Detach(e);
  EXPECT_EQ(d.get(), e);
  EXPECT_EQ(src.Find("old", Store::HashKey("old")), nullptr);
  EXPECT_EQ(src.size(), 0u);
  EXPECT_EQ(src.volatile_count(), 0u);

  std::unique_ptr<Entry> r = Table::Rekey(std::move(d), "new", Store::HashKey("new"));
  EXPECT_EQ(r->key(), "new");
  EXPECT_EQ(r->key_hash(), Store::HashKey("new"));
  EXPECT_EQ(r->type(), ValueType::kHash);
  EXPECT_EQ(&r->hash(), hash_storage) << "value moved, not copied";
  EXPECT_EQ(r->expire_at_ms(), 12345);
  EXPECT_EQ(r->access_clock(), 77u);

  Entry* adopted = dst.Adopt(std::move(r));
  EXPECT_EQ(dst.Find("new", Store::HashKey("new")), adopted);
  EXPECT_EQ(adopted->hash().at("f"), "v");
  EXPECT_EQ(dst.size(), 1u);
  EXPECT_EQ(dst.volatile_count(), 1u);

  // Rekey of a string value keeps the string buffer.
  Entry* s = src.Insert("s", Store::HashKey("s"));
  s->SetString(std::string(1000, 'x'));
  const char* buf = s->str().data();
  auto moved = Table::Rekey(src.Detach(s), "t", Store::HashKey("t"));
  EXPECT_EQ(moved->str().data(), buf);
  EXPECT_EQ(moved->type(), ValueType::kString);
  src.Adopt(std::move(moved));
  EXPECT_EQ(src.Find("t", Store::HashKey("t"))->str(), std::string(1000, 'x'));
}

TEST(TableTest, AdoptGrowsTable) {
  Table a(0), b(0);
  for (int i = 0; i < 1000; ++i) a.Insert(Key(i), Store::HashKey(Key(i)));
  for (int i = 0; i < 1000; ++i) b.Adopt(a.Detach(a.Find(Key(i), Store::HashKey(Key(i)))));
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(b.size(), 1000u);
  EXPECT_GE(Buckets(b), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_NE(b.Find(Key(i), Store::HashKey(Key(i))), nullptr);
}

TEST(TableTest, SwapExchangesContents) {
  Table a(1), b(1);
  a.Insert("a1", Store::HashKey("a1"));
  Entry* v = a.Insert("a2", Store::HashKey("a2"));
  v->set_expire_at_ms(1);
  a.OnExpiryChanged(false, true);
  b.Insert("b1", Store::HashKey("b1"));
  a.Swap(b);
  EXPECT_EQ(a.size(), 1u);
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(a.volatile_count(), 0u);
  EXPECT_EQ(b.volatile_count(), 1u);
  EXPECT_NE(a.Find("b1", Store::HashKey("b1")), nullptr);
  EXPECT_NE(b.Find("a2", Store::HashKey("a2")), nullptr);
  EXPECT_EQ(a.Find("a1", Store::HashKey("a1")), nullptr);
}

TEST(TableTest, RandomEntryReachesEveryKey) {
  Table t(0);
  constexpr int kN = 50;
  for (int i = 0; i < kN; ++i) t.Insert(Key(i), Store::HashKey(Key(i)));
  std::mt19937_64 rng(7);
  std::set<std::string> seen;
  for (int i = 0; i < 5000 && seen.size() < kN; ++i) {
    Entry* e = t.RandomEntry(rng);
    ASSERT_NE(e, nullptr);
    seen.insert(std::string(e->key()));
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kN));
}

TEST(TableTest, RandomEntryOnSparseTable) {
  Table t(0);
  for (int i = 0; i < 20000; ++i) t.Insert(Key(i), Store::HashKey(Key(i)));
  for (int i = 1; i < 20000; ++i) t.Erase(t.Find(Key(i), Store::HashKey(Key(i))));
  // Not shrunk yet (no insert since): 1 key in many buckets.
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20; ++i) {
    Entry* e = t.RandomEntry(rng);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->key(), Key(0));
  }
}

TEST(StoreTest, HashKeyIsMixedInAllBits) {
  // Sequential keys must spread over both low (shard) and high (bucket) bits.
  uint64_t ones = 0, zeros = 0;
  for (int i = 0; i < 256; ++i) {
    const uint64_t h = Store::HashKey(Key(i));
    ones |= h;
    zeros |= ~h;
  }
  EXPECT_EQ(ones, ~uint64_t{0});
  EXPECT_EQ(zeros, ~uint64_t{0});
  EXPECT_EQ(Store::HashKey("abc"), Store::HashKey(std::string("abc")));
}

}  // namespace
}  // namespace hotcache::storage
