// Several threads run random SET/GET/DEL/RENAME and MSET/MGET/INCR-like
// multi-key operations through LockSet + DbView, as command handlers do.
// Run under ThreadSanitizer in CI; keep it fast.

#include <array>
#include <atomic>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "storage/clock.h"
#include "storage/db_view.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

constexpr int kThreads = 4;
constexpr int kOpsPerThread = 15000;
constexpr int kOwnKeys = 32;
constexpr int kGroups = 6;
constexpr int kGroupSize = 5;
constexpr int kCounters = 3;

std::string OwnKey(int thread, int i) {
  return "own:" + std::to_string(thread) + ":" + std::to_string(i);
}
std::string GroupKey(int group, int i) {
  return "grp:" + std::to_string(group) + ":" + std::to_string(i);
}
std::string CounterKey(int c) { return "ctr:" + std::to_string(c); }

struct Failures {
  std::atomic<int> torn_group_reads{0};
  std::atomic<int> wrong_own_reads{0};
};

class Worker {
 public:
  Worker(Store* store, const ManualClock* clock, int id, Failures* failures)
      : store_(store), clock_(clock), id_(id), failures_(failures), rng_(1000 + id) {}

  void Run() {
    for (int op = 0; op < kOpsPerThread; ++op) {
      const int kind = static_cast<int>(rng_() % 100);
      if (kind < 25) {
        SetOwn();
      } else if (kind < 45) {
        GetOwn();
      } else if (kind < 55) {
        DelOwn();
      } else if (kind < 62) {
        RenameOwn();
      } else if (kind < 75) {
        MSetGroup();
      } else if (kind < 90) {
        MGetGroup();
      } else if (kind < 98) {
        Incr();
      } else {
        DbSize();
      }
    }
  }

  const std::array<std::optional<std::string>, kOwnKeys>& model() const { return model_; }
  const std::array<int64_t, kCounters>& increments() const { return increments_; }

 private:
  DbView View() { return DbView(store_, 0, clock_->NowMs()); }

  void SetOwn() {
    const int i = static_cast<int>(rng_() % kOwnKeys);
    const std::string key = OwnKey(id_, i);
    std::string value = std::to_string(id_) + "-" + std::to_string(seq_++);
    LockSet locks(store_);
    locks.AddKey(key);
    locks.Lock();
    DbView view = View();
    bool created = false;
    view.FindOrCreate(key, &created)->SetString(value);
    model_[i] = std::move(value);
  }

  void GetOwn() {
    const int i = static_cast<int>(rng_() % kOwnKeys);
    const std::string key = OwnKey(id_, i);
    LockSet locks(store_);
    locks.AddKey(key);
    locks.Lock();
    DbView view = View();
    Entry* e = view.FindForRead(key);
    const bool ok = model_[i].has_value() ? (e != nullptr && e->str() == *model_[i]) : e == nullptr;
    if (!ok) failures_->wrong_own_reads.fetch_add(1);
  }

  void DelOwn() {
    const int i = static_cast<int>(rng_() % kOwnKeys);
    const std::string key = OwnKey(id_, i);
    LockSet locks(store_);
    locks.AddKey(key);
    locks.Lock();
    const bool erased = View().Erase(key);
    if (erased != model_[i].has_value()) failures_->wrong_own_reads.fetch_add(1);
    model_[i].reset();
  }

  void RenameOwn() {
    const int from = static_cast<int>(rng_() % kOwnKeys);
    const int to = static_cast<int>(rng_() % kOwnKeys);
    const std::string from_key = OwnKey(id_, from);
    const std::string to_key = OwnKey(id_, to);
    LockSet locks(store_);
    locks.AddKey(from_key);
    locks.AddKey(to_key);
    locks.Lock();
    DbView view = View();
    Entry* e = view.Find(from_key);
    if (e == nullptr) return;
    view.Rename(e, to_key, 0);
    if (from != to) {
      model_[to] = std::move(model_[from]);
      model_[from].reset();
    }
  }

  void MSetGroup() {
    const int g = static_cast<int>(rng_() % kGroups);
    const std::string value = std::to_string(id_) + "/" + std::to_string(seq_++);
    LockSet locks(store_);
    for (int i = 0; i < kGroupSize; ++i) locks.AddKey(GroupKey(g, i));
    locks.Lock();
    DbView view = View();
    for (int i = 0; i < kGroupSize; ++i) {
      bool created = false;
      view.FindOrCreate(GroupKey(g, i), &created)->SetString(value);
    }
  }

  void MGetGroup() {
    const int g = static_cast<int>(rng_() % kGroups);
    LockSet locks(store_);
    for (int i = 0; i < kGroupSize; ++i) locks.AddKey(GroupKey(g, i));
    locks.Lock();
    DbView view = View();
    Entry* first = view.Find(GroupKey(g, 0));
    for (int i = 1; i < kGroupSize; ++i) {
      Entry* e = view.Find(GroupKey(g, i));
      const bool same =
          (first == nullptr) ? e == nullptr : (e != nullptr && e->str() == first->str());
      if (!same) failures_->torn_group_reads.fetch_add(1);
    }
  }

  void Incr() {
    const int c = static_cast<int>(rng_() % kCounters);
    const std::string key = CounterKey(c);
    LockSet locks(store_);
    locks.AddKey(key);
    locks.Lock();
    bool created = false;
    Entry* e = View().FindOrCreate(key, &created);
    const int64_t v = created ? 0 : std::stoll(std::string(e->str()));
    e->SetString(std::to_string(v + 1));
    ++increments_[c];
  }

  // A whole-database read under every lock (DBSIZE/KEYS-like): this thread's
  // own keys are exactly those its model says, and Size() counts them.
  void DbSize() {
    LockSet locks(store_);
    locks.AddAll();
    locks.Lock();
    DbView view = View();
    size_t present = 0, expected = 0;
    for (int i = 0; i < kOwnKeys; ++i) {
      present += view.Find(OwnKey(id_, i)) != nullptr;
      expected += model_[i].has_value();
    }
    if (present != expected || view.Size() < present) failures_->wrong_own_reads.fetch_add(1);
  }

  Store* store_;
  const ManualClock* clock_;
  int id_;
  Failures* failures_;
  std::mt19937_64 rng_;
  uint64_t seq_ = 0;
  std::array<std::optional<std::string>, kOwnKeys> model_;
  std::array<int64_t, kCounters> increments_{};
};

TEST(StoreConcurrencyTest, RandomOperationsKeepInvariants) {
  Store store(StoreOptions{.shard_bits = 3, .databases = 2});
  ManualClock clock;
  Failures failures;
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.push_back(std::make_unique<Worker>(&store, &clock, t, &failures));
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->Run(); });
  for (auto& t : threads) t.join();

  EXPECT_EQ(failures.torn_group_reads.load(), 0) << "multi-key writes must be all-or-nothing";
  EXPECT_EQ(failures.wrong_own_reads.load(), 0);

  LockSet locks(&store);
  locks.AddAll();
  locks.Lock();
  DbView view(&store, 0, clock.NowMs());
  size_t expected_size = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kOwnKeys; ++i) {
      const auto& want = workers[t]->model()[i];
      Entry* e = view.Find(OwnKey(t, i));
      if (want.has_value()) {
        ++expected_size;
        ASSERT_NE(e, nullptr) << OwnKey(t, i);
        EXPECT_EQ(e->str(), *want) << OwnKey(t, i);
      } else {
        EXPECT_EQ(e, nullptr) << OwnKey(t, i);
      }
    }
  }
  for (int g = 0; g < kGroups; ++g) {
    Entry* first = view.Find(GroupKey(g, 0));
    if (first != nullptr) ++expected_size;
    for (int i = 1; i < kGroupSize; ++i) {
      Entry* e = view.Find(GroupKey(g, i));
      ASSERT_EQ(e == nullptr, first == nullptr);
      if (e != nullptr) {
        ++expected_size;
        EXPECT_EQ(e->str(), first->str());
      }
    }
  }
  for (int c = 0; c < kCounters; ++c) {
    int64_t total = 0;
    for (auto& w : workers) total += w->increments()[c];
    Entry* e = view.Find(CounterKey(c));
    if (total == 0) {
      EXPECT_EQ(e, nullptr);
      continue;
    }
    ++expected_size;
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(std::stoll(std::string(e->str())), total) << "increments lost";
  }
  EXPECT_EQ(view.Size(), expected_size);
  EXPECT_EQ(store.DbSizeLocked(1), 0u);
}

// Readers counting hits/misses on their own shards while a writer swaps and
// clears databases under all locks: counters are relaxed atomics, tables are
// only touched under locks.
TEST(StoreConcurrencyTest, WholeDbOperationsAgainstSingleKeyTraffic) {
  Store store(StoreOptions{.shard_bits = 2, .databases = 2});
  ManualClock clock;
  std::atomic<int> bad{0};
  constexpr int kOps = 2000;
  auto reader = [&](int id) {
    for (int i = 0; i < kOps; ++i) {
      const std::string key = "r" + std::to_string(id) + ":" + std::to_string(i % 50);
      LockSet locks(&store);
      locks.AddKey(key);
      locks.Lock();
      DbView view(&store, i % 2, clock.NowMs());
      bool created = false;
      Entry* e = view.FindOrCreate(key, &created);
      e->SetString(key);
      if (view.FindForRead(key) != e) bad.fetch_add(1);
    }
  };
  auto swapper = [&] {
    for (int i = 0; i < kOps / 10; ++i) {
      LockSet locks(&store);
      locks.AddAll();
      locks.Lock();
      DbView view(&store, 0, clock.NowMs());
      view.SwapWith(1);
      if (i % 7 == 0) view.WithDb(1).Clear();
    }
  };
  std::thread a(reader, 0), b(reader, 1), c(swapper);
  a.join();
  b.join();
  c.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store.keyspace_hits(), static_cast<uint64_t>(2 * kOps));
  EXPECT_EQ(store.keyspace_misses(), 0u);
}

}  // namespace
}  // namespace hotcache::storage
