#include "storage/db_view.h"

#include <utility>
#include <vector>

namespace hotcache::storage {

namespace {

// Random probes RandomEntry makes (each may delete an expired key) before it
// falls back to a walk over the whole database.
constexpr int kRandomTries = 100;

}  // namespace

bool DbView::ExpireIfNeeded(Table& table, Entry* entry, size_t shard_index) {
  const int64_t when = entry->expire_at_ms();
  if (when == 0 || when >= now_ms_) return false;  // Redis: expired once now > when
  table.Erase(entry);
  store_->shard(shard_index).counters().expired_keys.fetch_add(1, std::memory_order_relaxed);
  return true;
}

Entry* DbView::Find(std::string_view key) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Table& table = store_->shard(shard_index).table(db_);
  Entry* e = table.Find(key, hash);
  if (e != nullptr && ExpireIfNeeded(table, e, shard_index)) return nullptr;
  return e;
}

Entry* DbView::FindForRead(std::string_view key) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Shard& shard = store_->shard(shard_index);
  Table& table = shard.table(db_);
  Entry* e = table.Find(key, hash);
  if (e != nullptr && ExpireIfNeeded(table, e, shard_index)) e = nullptr;
  auto& counter = e != nullptr ? shard.counters().keyspace_hits : shard.counters().keyspace_misses;
  counter.fetch_add(1, std::memory_order_relaxed);
  return e;
}

Entry* DbView::FindOrCreate(std::string_view key, bool* created) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Table& table = store_->shard(shard_index).table(db_);
  Entry* e = table.Find(key, hash);
  if (e != nullptr && !ExpireIfNeeded(table, e, shard_index)) {
    *created = false;
    return e;
  }
  *created = true;
  return table.Insert(key, hash);
}

bool DbView::Erase(std::string_view key) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Table& table = store_->shard(shard_index).table(db_);
  Entry* e = table.Find(key, hash);
  if (e == nullptr || ExpireIfNeeded(table, e, shard_index)) return false;
  table.Erase(e);
  return true;
}

void DbView::Erase(Entry* entry) { TableFor(entry->key_hash()).Erase(entry); }

void DbView::SetExpiry(Entry* entry, int64_t expire_at_ms) {
  const bool had = entry->has_expiry();
  entry->set_expire_at_ms(expire_at_ms);
  TableFor(entry->key_hash()).OnExpiryChanged(had, expire_at_ms != 0);
}

Entry* DbView::Rename(Entry* from, std::string_view to, int to_db) {
  const bool same_key = from->key() == to;
  if (same_key && to_db == db_) return from;
  const uint64_t from_hash = from->key_hash();
  std::unique_ptr<Entry> moving = TableFor(from_hash).Detach(from);
  const uint64_t to_hash = same_key ? from_hash : Store::HashKey(to);
  if (!same_key) moving = Table::Rekey(std::move(moving), to, to_hash);
  const size_t to_shard = store_->ShardIndex(to_hash);
  Table& dest = store_->shard(to_shard).table(to_db);
  if (Entry* existing = dest.Find(to, to_hash); existing != nullptr) {
    if (existing->has_expiry() && existing->expire_at_ms() < now_ms_) {
      store_->shard(to_shard).counters().expired_keys.fetch_add(1, std::memory_order_relaxed);
    }
    dest.Erase(existing);
  }
  return dest.Adopt(std::move(moving));
}

size_t DbView::Size() { return store_->DbSizeLocked(db_); }

void DbView::Clear() {
  for (size_t i = 0; i < store_->num_shards(); ++i) store_->shard(i).table(db_).Clear();
}

void DbView::SwapWith(int other) {
  if (other == db_) return;
  for (size_t i = 0; i < store_->num_shards(); ++i) {
    Shard& shard = store_->shard(i);
    shard.table(db_).Swap(shard.table(other));
  }
}

Entry* DbView::RandomEntry(std::mt19937_64& rng) {
  const size_t n = store_->num_shards();
  for (int attempt = 0; attempt < kRandomTries; ++attempt) {
    // Pick a shard weighted by its size, so every key is about equally likely.
    const size_t total = Size();
    if (total == 0) return nullptr;
    uint64_t r = rng() % total;
    size_t index = 0;
    for (; index < n; ++index) {
      const size_t s = store_->shard(index).table(db_).size();
      if (r < s) break;
      r -= s;
    }
    Table& table = store_->shard(index).table(db_);
    Entry* e = table.RandomEntry(rng);
    if (e != nullptr && !ExpireIfNeeded(table, e, index)) return e;
  }
  // Mostly expired keys: walk every shard from a random start, deleting the
  // expired keys met, and return the first live one.
  const size_t start = rng() & (n - 1);
  std::vector<Entry*> batch;
  for (size_t k = 0; k < n; ++k) {
    const size_t index = (start + k) & (n - 1);
    Table& table = store_->shard(index).table(db_);
    batch.clear();
    table.ForEach([&](Entry* e) { batch.push_back(e); });
    for (Entry* e : batch) {
      if (!ExpireIfNeeded(table, e, index)) return e;
    }
  }
  return nullptr;
}

}  // namespace hotcache::storage
