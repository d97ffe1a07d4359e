#include "storage/memory.h"

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace hotcache::storage {
namespace {

constexpr int kSlots = 256;

struct alignas(64) Slot {
  std::atomic<int64_t> bytes{0};
  std::atomic<bool> taken{false};
};

Slot g_slots[kSlots];
// One past the highest slot index ever taken: UsedMemory() sums only these.
std::atomic<int> g_slots_used{0};
// Threads without a slot (more than kSlots threads, or a thread whose slot
// was already given back during its exit) count here, with atomic adds.
std::atomic<int64_t> g_shared{0};
std::atomic<uint64_t> g_peak{0};

// 0: no slot yet; 1: owns t_slot; 2: exiting, slot returned (use g_shared).
thread_local int t_state = 0;
thread_local Slot* t_slot = nullptr;

struct SlotReleaser {
  ~SlotReleaser() {
    t_state = 2;
    if (t_slot != nullptr) t_slot->taken.store(false, std::memory_order_release);
    t_slot = nullptr;
  }
};

void AcquireSlot() {
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (!g_slots[i].taken.load(std::memory_order_relaxed) &&
        g_slots[i].taken.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
      int used = g_slots_used.load(std::memory_order_relaxed);
      while (used < i + 1 &&
             !g_slots_used.compare_exchange_weak(used, i + 1, std::memory_order_relaxed)) {
      }
      t_slot = &g_slots[i];
      t_state = 1;
      // Registers the destructor that hands the slot back at thread exit
      // (glibc allocates that registration with calloc, not operator new).
      thread_local SlotReleaser releaser;
      (void)releaser;
      return;
    }
  }
  t_state = 2;  // no free slot: use the shared counter
}

inline void Count(int64_t delta) {
  if (t_state == 0) AcquireSlot();
  if (t_state == 1) {
    // Single writer: a plain load + store, no locked instruction.
    std::atomic<int64_t>& b = t_slot->bytes;
    b.store(b.load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
  } else {
    g_shared.fetch_add(delta, std::memory_order_relaxed);
  }
}

inline void* CountedMalloc(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p != nullptr) Count(static_cast<int64_t>(malloc_usable_size(p)));
  return p;
}

inline void* CountedAlignedMalloc(size_t size, size_t align) {
  if (align < sizeof(void*)) align = sizeof(void*);
  void* p = nullptr;
  if (posix_memalign(&p, align, size == 0 ? 1 : size) != 0) return nullptr;
  Count(static_cast<int64_t>(malloc_usable_size(p)));
  return p;
}

inline void CountedFree(void* p) {
  if (p == nullptr) return;
  Count(-static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}

void* NewOrThrow(size_t size) {
  for (;;) {
    if (void* p = CountedMalloc(size)) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* AlignedNewOrThrow(size_t size, size_t align) {
  for (;;) {
    if (void* p = CountedAlignedMalloc(size, align)) return p;
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

}  // namespace

uint64_t UsedMemory() {
  int64_t total = g_shared.load(std::memory_order_relaxed);
  const int n = g_slots_used.load(std::memory_order_relaxed);
  for (int i = 0; i < n; ++i) total += g_slots[i].bytes.load(std::memory_order_relaxed);
  return total < 0 ? 0 : static_cast<uint64_t>(total);
}

uint64_t UpdatePeakMemory() {
  const uint64_t used = UsedMemory();
  uint64_t peak = g_peak.load(std::memory_order_relaxed);
  while (used > peak && !g_peak.compare_exchange_weak(peak, used, std::memory_order_relaxed)) {
  }
  return used;
}

uint64_t PeakMemory() {
  const uint64_t peak = g_peak.load(std::memory_order_relaxed);
  return peak != 0 ? peak : UsedMemory();
}

void ResetPeakMemory() { g_peak.store(UsedMemory(), std::memory_order_relaxed); }

uint64_t ResidentMemory() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

void* Allocate(size_t size) {
  void* p = CountedMalloc(size);
  if (p == nullptr) std::abort();
  return p;
}

void* Reallocate(void* p, size_t size) {
  if (p == nullptr) return Allocate(size);
  const size_t old_usable = malloc_usable_size(p);
  void* q = std::realloc(p, size == 0 ? 1 : size);
  if (q == nullptr) std::abort();
  Count(static_cast<int64_t>(malloc_usable_size(q)) - static_cast<int64_t>(old_usable));
  return q;
}

void Free(void* p) { CountedFree(p); }

size_t UsableSize(const void* p) { return malloc_usable_size(const_cast<void*>(p)); }

bool CountingOperatorNewLinked() {
  // Allocating through operator new must move this thread's count.
  const uint64_t before = UsedMemory();
  char* volatile p = new char[4096];
  const uint64_t during = UsedMemory();
  delete[] p;
  return during >= before + 4096;
}

}  // namespace hotcache::storage

// The replaceable global allocation functions ([new.delete]); all of them,
// so that every new/delete pair goes through the counting malloc/free.
using hotcache::storage::Allocate;

void* operator new(size_t size) { return hotcache::storage::NewOrThrow(size); }
void* operator new[](size_t size) { return hotcache::storage::NewOrThrow(size); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return hotcache::storage::CountedMalloc(size);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return hotcache::storage::CountedMalloc(size);
}
void* operator new(size_t size, std::align_val_t align) {
  return hotcache::storage::AlignedNewOrThrow(size, static_cast<size_t>(align));
}
void* operator new[](size_t size, std::align_val_t align) {
  return hotcache::storage::AlignedNewOrThrow(size, static_cast<size_t>(align));
}
void* operator new(size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return hotcache::storage::CountedAlignedMalloc(size, static_cast<size_t>(align));
}
void* operator new[](size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  return hotcache::storage::CountedAlignedMalloc(size, static_cast<size_t>(align));
}

void operator delete(void* p) noexcept { hotcache::storage::CountedFree(p); }
void operator delete[](void* p) noexcept { hotcache::storage::CountedFree(p); }
void operator delete(void* p, size_t) noexcept { hotcache::storage::CountedFree(p); }
void operator delete[](void* p, size_t) noexcept { hotcache::storage::CountedFree(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { hotcache::storage::CountedFree(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  hotcache::storage::CountedFree(p);
}
void operator delete(void* p, std::align_val_t) noexcept { hotcache::storage::CountedFree(p); }
void operator delete[](void* p, std::align_val_t) noexcept { hotcache::storage::CountedFree(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  hotcache::storage::CountedFree(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  hotcache::storage::CountedFree(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  hotcache::storage::CountedFree(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  hotcache::storage::CountedFree(p);
}
