#pragma once
// One database's keys within one shard: a chained hash table with a
// power-of-two bucket array, like Redis's dict, so that SCAN can use Redis's
// reverse-binary cursor and keep its guarantee across growth and shrinking.
//
// A key with hash h lives in bucket (h >> shift) & bucket_mask(), where
// `shift` is the store's shard-bit count (the low bits chose the shard).
// The table doubles when size() exceeds the bucket count and halves when it
// falls below 1/8 of it (never below 4 buckets once allocated).
//
// Entries do not store their hash: `hash` arguments must be
// Store::HashKey(key), which the table recomputes when it grows or when an
// entry is erased without its hash (tests may pass other hashes only to
// Insert/Find/Erase(entry, hash) of tables that never resize).
//
// Thread safety: none. The owning shard's mutex must be held for every call.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "storage/entry.h"

namespace hotcache::storage {

class Table {
 public:
  explicit Table(unsigned shift = 0) : shift_(shift) {}
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // The entry for `key` (whose hash is `hash`), or nullptr. No expiry check.
  Entry* Find(std::string_view key, uint64_t hash) const;
  // Adds `key`, which must not be present, as an empty string entry whose
  // block has room for `value_capacity` value bytes inline.
  Entry* Insert(std::string_view key, uint64_t hash, size_t value_capacity = 0);
  // Removes and destroys `entry`, which must belong to this table. The second
  // form saves rehashing the key when the caller has its hash.
  void Erase(Entry* entry);
  void Erase(Entry* entry, uint64_t hash);
  // Gives `entry` (whose key hashes to `hash`) a block with room for at least
  // `value_capacity` value bytes inline, moving an out-of-line string value
  // inline. Keeps its key, value, expiry and access clock and its place in
  // the chain. Returns the entry's new address (the old one is invalid).
  // Precondition: entry->type() == kString.
  Entry* Reallocate(Entry* entry, uint64_t hash, size_t value_capacity);
  // Moves `entry` out of this table without destroying it; the caller owns it
  // until it gives it to AdoptEntry (used by RENAME and MOVE).
  std::unique_ptr<Entry> Detach(Entry* entry);
  // Takes ownership of a detached entry; its key must not be present here.
  Entry* Adopt(std::unique_ptr<Entry> entry);
  // Replaces the key of a detached entry (for RENAME). Returns the new entry.
  static std::unique_ptr<Entry> Rekey(std::unique_ptr<Entry> entry, std::string_view new_key,
                                      uint64_t new_hash);

  size_t size() const { return size_; }
  size_t volatile_count() const { return volatile_count_; }
  // Must be called when an entry's expiry changes between zero and non-zero,
  // so volatile_count() stays exact. Table::Insert/Erase account for it.
  void OnExpiryChanged(bool had_expiry, bool has_expiry);

  void Clear();
  void Swap(Table& other);

  // SCAN support. bucket_mask() is (buckets - 1), 0 for an empty table.
  uint64_t bucket_mask() const { return buckets_.empty() ? 0 : buckets_.size() - 1; }
  // Calls fn(Entry*) for every entry in bucket `index & bucket_mask()`.
  // fn must not insert or erase.
  template <typename Fn>
  void VisitBucket(uint64_t index, Fn&& fn) const {
    if (buckets_.empty()) return;
    for (Entry* e = buckets_[index & bucket_mask()]; e != nullptr; e = e->next_) fn(e);
  }
  // Calls fn(Entry*) for every entry. fn must not insert or erase.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (Entry* head : buckets_)
      for (Entry* e = head; e != nullptr; e = e->next_) fn(e);
  }
  // A uniformly-ish random entry (random non-empty bucket, random chain
  // position), or nullptr if empty.
  Entry* RandomEntry(std::mt19937_64& rng) const;

 private:
  void Resize(size_t new_bucket_count);
  // Halves the bucket array while size() < buckets/8 (and buckets > 4). Called
  // only at the start of Insert/Adopt, never from Erase/Detach, so that a SCAN
  // step may erase expired entries while it walks a bucket.
  void MaybeShrink();
  // Puts `entry` at the head of its chain, ++size_, grows if needed.
  void Link(Entry* entry);
  // Takes `entry` out of its chain, --size_, adjusts volatile_count_.
  void Unlink(Entry* entry, uint64_t hash);
  // The link (bucket head or a predecessor's next_) that points at `entry`.
  Entry** LinkTo(Entry* entry, uint64_t hash);
  size_t BucketOf(uint64_t hash) const { return (hash >> shift_) & (buckets_.size() - 1); }

  unsigned shift_;
  std::vector<Entry*> buckets_;
  size_t size_ = 0;
  size_t volatile_count_ = 0;
};

}  // namespace hotcache::storage
