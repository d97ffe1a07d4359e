#pragma once
// DbView: what a command handler sees of the keyspace — one database, at one
// instant (`now_ms`, read once per command, as Redis does), with the shards
// the command touches already locked by the caller. DbView never locks.
//
// Lazy expiry lives here: every lookup of a key past its expiry time deletes
// it (counted in expired_keys) and reports it absent, so an expired key is
// never returned.
//
// Every lookup except FindNoTouch also updates the entry's access clock (LRU
// time or LFU counter, storage/eviction.h), as Redis's lookupKey does.

#include <cstdint>
#include <memory>
#include <random>
#include <string_view>

#include "absl/container/inlined_vector.h"
#include "storage/store.h"

namespace hotcache::storage {

class DbView {
 public:
  DbView(Store* store, int db, int64_t now_ms) : store_(store), db_(db), now_ms_(now_ms) {}

  Store& store() { return *store_; }
  int db() const { return db_; }
  int64_t now_ms() const { return now_ms_; }
  // Another database of the same store at the same instant (MOVE, SWAPDB).
  DbView WithDb(int db) const { return DbView(store_, db, now_ms_); }

  // The live entry for `key`, or nullptr (expired keys are deleted first).
  Entry* Find(std::string_view key);
  // As Find, and counts a keyspace hit or miss (Redis's lookupKeyRead).
  // touch=false leaves the access clock alone (Redis's LOOKUP_NOTOUCH: EXISTS, TYPE).
  Entry* FindForRead(std::string_view key, bool touch = true);
  // As Find, but leaves the access clock alone (OBJECT, MEMORY USAGE).
  Entry* FindNoTouch(std::string_view key);
  // The live entry for `key`, or a new empty string entry (*created = true)
  // whose block already has room for `value_capacity` value bytes inline
  // (pass the size of the value about to be set, to save a reallocation).
  Entry* FindOrCreate(std::string_view key, bool* created, size_t value_capacity = 0);

  // String value mutation. Each may move the entry to a larger (or, for
  // SetValue, a smaller) block and returns its address; `entry` is invalid
  // afterwards. The value stays inline in the entry's block. `value` may
  // point into the entry's own current value.
  // Makes `entry` a string holding `value` (drops a hash value).
  Entry* SetValue(Entry* entry, std::string_view value);
  // Appends to a string entry (growing its block geometrically, like sds).
  Entry* AppendValue(Entry* entry, std::string_view suffix);
  // Redis's SETRANGE on a string entry: pads with zero bytes up to `offset`.
  Entry* SetRange(Entry* entry, size_t offset, std::string_view value);
  // Deletes `key` if present and live. Returns whether it was.
  bool Erase(std::string_view key);
  void Erase(Entry* entry);
  // Sets an expiry on an entry of this database, keeping volatile counts exact.
  // 0 removes the expiry.
  void SetExpiry(Entry* entry, int64_t expire_at_ms);

  // Moves the entry for `from` to key `to` in database `to_db` (replacing
  // whatever `to` held there), keeping its value and expiry. Both keys' shards
  // must be locked. Returns the moved entry.
  Entry* Rename(Entry* from, std::string_view to, int to_db);

  // Whole-database operations. Precondition: every shard locked.
  size_t Size();
  void Clear();
  // Swaps the contents of this database with database `other` (SWAPDB).
  void SwapWith(int other);
  // One SCAN step with Redis's guarantees; calls fn(Entry*) for each live
  // entry visited (expired ones are deleted, not reported). Returns the next
  // cursor (0 when done). `count` is the number of buckets to visit, at least.
  template <typename Fn>
  uint64_t Scan(uint64_t cursor, size_t count, Fn&& fn);
  // A random live key's entry, or nullptr if the database is empty.
  Entry* RandomEntry(std::mt19937_64& rng);

 private:
  Table& TableFor(uint64_t hash) { return store_->shard(store_->ShardIndex(hash)).table(db_); }
  bool ExpireIfNeeded(Table& table, Entry* entry, size_t shard_index);
  void Touch(Entry* entry) {
    entry->set_access_clock(store_->lfu() ? LfuTouch(entry->access_clock(), now_ms_)
                                          : LruClock(now_ms_));
  }
  // Reallocates a string entry to hold `capacity` value bytes inline.
  Entry* Grow(Entry* entry, size_t capacity);

  Store* store_;
  int db_;
  int64_t now_ms_;
};

// Reverses the bits of v (for Redis's SCAN cursor).
inline uint64_t ReverseBits(uint64_t v) {
  v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
  v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
  v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
  v = ((v >> 8) & 0x00FF00FF00FF00FFULL) | ((v & 0x00FF00FF00FF00FFULL) << 8);
  v = ((v >> 16) & 0x0000FFFF0000FFFFULL) | ((v & 0x0000FFFF0000FFFFULL) << 16);
  return (v >> 32) | (v << 32);
}

// The cursor's low shard_bits select the shard; the bits above them are a
// Redis dictScan cursor over that shard's table. Advancing with the shard's
// own mask (reverse-binary increment) walks every bucket of one shard before
// carrying into the shard bits, so each shard gets Redis's guarantee (a key
// present for the whole scan is returned at least once, even if tables grow
// or shrink between calls) and the scan ends when the cursor returns to 0.
template <typename Fn>
uint64_t DbView::Scan(uint64_t cursor, size_t count, Fn&& fn) {
  const unsigned sb = store_->shard_bits();
  const uint64_t shard_mask = store_->num_shards() - 1;
  size_t visited = 0;
  do {
    const size_t shard_index = cursor & shard_mask;
    Table& table = store_->shard(shard_index).table(db_);
    const uint64_t mask = table.bucket_mask();
    if (table.size() > 0) {
      // Collect first: expiring while visiting would change the chain.
      absl::InlinedVector<Entry*, 16> batch;
      table.VisitBucket(cursor >> sb, [&](Entry* e) { batch.push_back(e); });
      for (Entry* e : batch) {
        if (!ExpireIfNeeded(table, e, shard_index)) fn(e);
      }
    }
    const uint64_t full_mask = (mask << sb) | shard_mask;
    cursor |= ~full_mask;
    cursor = ReverseBits(cursor);
    ++cursor;
    cursor = ReverseBits(cursor);
    ++visited;
  } while (cursor != 0 && visited < count);
  return cursor;
}

}  // namespace hotcache::storage
