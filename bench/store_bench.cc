// Micro-benchmarks of the keyspace hot path: one key, one shard lock, one
// DbView lookup, as GET and SET run it. 1M keys are preloaded once.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "storage/db_view.h"
#include "storage/store.h"

namespace hotcache::storage {
namespace {

constexpr size_t kKeys = 1'000'000;

struct Fixture {
  Store store;
  std::vector<std::string> keys;

  Fixture() {
    keys.reserve(kKeys);
    for (size_t i = 0; i < kKeys; ++i) keys.push_back("key:" + std::to_string(i));
    LockSet locks(&store);
    locks.AddAll();
    locks.Lock();
    DbView view(&store, 0, 0);
    for (const std::string& k : keys) {
      bool created = false;
      view.FindOrCreate(k, &created)->SetString(std::string_view("xxxxxxxxxxxxxxxx"));
    }
  }
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();  // leaked on purpose: lives for the process
  return *fixture;
}

// A cheap per-thread key sequence that visits keys in a scattered order.
size_t NextIndex(uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (state >> 33) % kKeys;
}

void BM_Find(benchmark::State& state) {
  Fixture& f = Shared();
  uint64_t seq = 12345 + state.thread_index();
  for (auto _ : state) {
    const std::string& key = f.keys[NextIndex(seq)];
    LockSet locks(&f.store);
    locks.AddKey(key);
    locks.Lock();
    DbView view(&f.store, 0, 1);
    Entry* e = view.FindForRead(key);
    benchmark::DoNotOptimize(e);
    benchmark::DoNotOptimize(e->str().size());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Find)->Threads(1)->Threads(2)->UseRealTime();

void BM_FindOrCreateSetString(benchmark::State& state) {
  Fixture& f = Shared();
  uint64_t seq = 999 + state.thread_index();
  const std::string_view value = "yyyyyyyyyyyyyyyy";
  for (auto _ : state) {
    const std::string& key = f.keys[NextIndex(seq)];
    LockSet locks(&f.store);
    locks.AddKey(key);
    locks.Lock();
    DbView view(&f.store, 0, 1);
    bool created = false;
    Entry* e = view.FindOrCreate(key, &created);
    e->SetString(value);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindOrCreateSetString)->Threads(1)->Threads(2)->UseRealTime();

// Insert + erase of fresh keys (SET of a new key, then DEL): exercises
// allocation and the table's grow/shrink bookkeeping.
void BM_InsertErase(benchmark::State& state) {
  Fixture& f = Shared();
  std::string prefix = "new:";
  prefix += std::to_string(state.thread_index());
  prefix += ':';
  std::string key;
  const std::string value = std::to_string(state.thread_index());
  uint64_t i = 0;
  for (auto _ : state) {
    key.assign(prefix);
    key.append(std::to_string(i++ % 1024));
    LockSet locks(&f.store);
    locks.AddKey(key);
    locks.Lock();
    DbView view(&f.store, 0, 1);
    bool created = false;
    view.FindOrCreate(key, &created)->SetString(std::string_view(value));
    benchmark::DoNotOptimize(view.Erase(key));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InsertErase)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
}  // namespace hotcache::storage
