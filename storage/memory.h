#pragma once
// Allocation accounting, like Redis's zmalloc: used_memory is the sum of the
// usable sizes of every live heap block allocated through operator new (which
// this module replaces process-wide) or through Allocate/Reallocate/Free.
// Blocks taken with plain malloc() by C libraries (libpq, ...) are not counted.
//
// Counting is per thread: each thread adds to its own cache-line-padded slot
// with a plain (single-writer) relaxed store; UsedMemory() sums the slots.
// A thread that exits gives its slot (and the bytes it counted) to the next
// thread that starts, so the sum stays exact whichever thread frees a block.
//
// Thread safety: every function is thread-safe. UsedMemory() is a relaxed
// snapshot: concurrent allocations may or may not be included.

#include <cstddef>
#include <cstdint>

namespace hotcache::storage {

// Bytes currently allocated (usable sizes), process-wide.
uint64_t UsedMemory();
// The largest UsedMemory() seen by UpdatePeakMemory() or ResetPeakMemory().
uint64_t PeakMemory();
// Reads UsedMemory(), raises the peak if needed and returns the reading.
uint64_t UpdatePeakMemory();
void ResetPeakMemory();
// The process's resident set size in bytes (/proc/self/statm), 0 if unknown.
uint64_t ResidentMemory();

// malloc-family allocation that is counted in UsedMemory(). Never returns
// null (aborts on exhaustion, like operator new). `size` 0 is allowed.
void* Allocate(size_t size);
// Like realloc(3): `p` may be null; returns the (possibly moved) block.
void* Reallocate(void* p, size_t size);
void Free(void* p);
// The usable size of a block returned by Allocate/Reallocate/operator new.
size_t UsableSize(const void* p);

// True when this binary's operator new is the counting one (it always is when
// storage/memory.cc is linked; tests assert it).
bool CountingOperatorNewLinked();

}  // namespace hotcache::storage
