// The compact entry layout: binary keys and values, in-place and
// reallocating mutations, detach/rekey, and allocation accounting.

#include "storage/entry.h"

#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "storage/db_view.h"
#include "storage/memory.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

std::string Binary(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7);  // includes NULs
  return s;
}

TEST(EntryTest, HeaderIsTwentyEightBytes) {
  std::unique_ptr<Entry> e(Entry::Create("key", 100));
  EXPECT_EQ(e->key(), "key");
  EXPECT_GE(e->inline_capacity(), 100u);
  // One block: header + key + value, no hidden members.
  EXPECT_LE(e->MemoryUsage(), Entry::kHeaderSize + 3 + 100 + 32);
}

TEST(EntryTest, BinaryKeyAndValueRoundTrip) {
  Store store({.shard_bits = 2, .databases = 1});
  DbView v(&store, 0, kNow);
  const std::string key = Binary(40, 0);
  const std::string value = Binary(300, 3);
  bool created;
  Entry* e = v.FindOrCreate(key, &created, value.size());
  ASSERT_TRUE(created);
  e = v.SetValue(e, value);
  EXPECT_TRUE(e->value_inline());
  Entry* found = v.Find(key);
  ASSERT_EQ(found, e);
  EXPECT_EQ(found->key(), key);
  EXPECT_EQ(found->str(), value);
}

TEST(EntryTest, SetValueGrowsAndShrinksInline) {
  Store store({.shard_bits = 0, .databases = 1});
  DbView v(&store, 0, kNow);
  bool created;
  Entry* e = v.FindOrCreate("k", &created);
  for (size_t n : {0u, 5u, 100u, 5000u, 3u, 70000u, 0u, 17u}) {
    const std::string value = Binary(n, static_cast<char>(n));
    e = v.SetValue(e, value);
    ASSERT_EQ(v.Find("k"), e);
    EXPECT_EQ(e->str(), value) << n;
    EXPECT_TRUE(e->value_inline());
    EXPECT_LE(e->inline_capacity(), 2 * n + 64 + 32) << "a shrunk value releases its block";
  }
}

TEST(EntryTest, AppendGrowsGeometricallyAndKeepsBytes) {
  Store store({.shard_bits = 0, .databases = 1});
  DbView v(&store, 0, kNow);
  bool created;
  Entry* e = v.FindOrCreate("k", &created);
  std::string expected;
  int moves = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::string piece = Binary(1 + i % 13, static_cast<char>(i));
    Entry* before = e;
    e = v.AppendValue(e, piece);
    if (e != before) ++moves;
    expected += piece;
    ASSERT_EQ(e->str(), expected);
  }
  EXPECT_EQ(v.Find("k"), e);
  EXPECT_LT(moves, 40) << "growth must be geometric, not one reallocation per append";
}

TEST(EntryTest, AppendOfItsOwnValue) {
  Store store({.shard_bits = 0, .databases = 1});
  DbView v(&store, 0, kNow);
  bool created;
  Entry* e = v.SetValue(v.FindOrCreate("k", &created), "abc");
  for (int i = 0; i < 8; ++i) e = v.AppendValue(e, e->str());  // aliasing source
  EXPECT_EQ(e->str().size(), 3u << 8);
  EXPECT_EQ(e->str().substr(0, 6), "abcabc");
}

TEST(EntryTest, SetRangePadsWithZerosAndGrows) {
  Store store({.shard_bits = 0, .databases = 1});
  DbView v(&store, 0, kNow);
  bool created;
  Entry* e = v.SetValue(v.FindOrCreate("k", &created), "hello");
  e = v.SetRange(e, 1, "EL");
  EXPECT_EQ(e->str(), "hELlo");
  e = v.SetRange(e, 10, std::string("x\0y", 3));
  EXPECT_EQ(e->str(), std::string("hELlo\0\0\0\0\0x\0y", 13));
  e = v.SetRange(e, 4000, "z");
  EXPECT_EQ(e->str().size(), 4001u);
  EXPECT_EQ(e->str()[3999], '\0');
  EXPECT_EQ(e->str().back(), 'z');
  EXPECT_EQ(v.Find("k"), e);
}

TEST(EntryTest, InPlaceSetStringGoesOutOfLineThenBackInline) {
  Store store({.shard_bits = 0, .databases = 1});
  DbView v(&store, 0, kNow);
  bool created;
  Entry* e = v.FindOrCreate("k", &created);
  const std::string big = Binary(1000, 9);
  e->SetString(big);  // in place: cannot move, so out of line
  EXPECT_FALSE(e->value_inline());
  EXPECT_EQ(v.Find("k")->str(), big);
  e = v.AppendValue(e, "!");
  EXPECT_TRUE(e->value_inline());
  EXPECT_EQ(e->str(), big + "!");
  e->SetString("small");
  EXPECT_EQ(e->str(), "small");
  e->SetEmptyHash();
  e->hash()["f"] = "v";
  EXPECT_EQ(e->type(), ValueType::kHash);
  e = v.SetValue(e, big);
  EXPECT_EQ(e->type(), ValueType::kString);
  EXPECT_EQ(e->str(), big);
}

TEST(EntryTest, RenameKeepsValueExpiryAndClock) {
  Store store({.shard_bits = 2, .databases = 2});
  DbView v(&store, 0, kNow);
  bool created;
  Entry* e = v.SetValue(v.FindOrCreate("from", &created), Binary(200, 1));
  v.SetExpiry(e, kNow + 5000);
  e->set_access_clock(1234);
  Entry* moved = v.Rename(e, "a-much-longer-destination-key", 1);
  EXPECT_EQ(moved->key(), "a-much-longer-destination-key");
  EXPECT_EQ(moved->str(), Binary(200, 1));
  EXPECT_EQ(moved->expire_at_ms(), kNow + 5000);
  EXPECT_EQ(moved->access_clock(), 1234u);
  EXPECT_EQ(v.Find("from"), nullptr);
  EXPECT_EQ(store.VolatileCountLocked(1), 1u);
}

TEST(MemoryTest, CountingOperatorNewIsLinked) { EXPECT_TRUE(CountingOperatorNewLinked()); }

TEST(MemoryTest, UsedMemoryFollowsTheKeyspace) {
  Store store({.shard_bits = 2, .databases = 1});
  const uint64_t before = UsedMemory();
  {
    DbView v(&store, 0, kNow);
    for (int i = 0; i < 10000; ++i) {
      bool created;
      const std::string key = "key:" + std::to_string(i);
      v.SetValue(v.FindOrCreate(key, &created, 100), std::string(100, 'x'));
    }
  }
  const uint64_t loaded = UsedMemory();
  // Each key holds at least 28 + 8 + 100 bytes; the block is < 200.
  EXPECT_GE(loaded - before, 10000u * 136);
  EXPECT_LE(loaded - before, 10000u * 200 + 256 * 1024);
  DbView(&store, 0, kNow).Clear();
  EXPECT_LE(UsedMemory(), before + 64 * 1024);
}

TEST(MemoryTest, CountsAreExactAcrossThreads) {
  const uint64_t before = UsedMemory();
  std::vector<char*> blocks(1000);
  std::thread t([&] {
    for (auto& b : blocks) b = new char[1000];
  });
  t.join();
  EXPECT_GE(UsedMemory(), before + 1000u * 1000);
  for (char* b : blocks) delete[] b;  // freed by another thread than the one that allocated
  std::vector<char*>().swap(blocks);
  EXPECT_LE(UsedMemory(), before + 4096);
}

}  // namespace
}  // namespace hotcache::storage
