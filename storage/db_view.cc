#include "storage/db_view.h"

#include <algorithm>
#include <cstring>
#include <string>
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
  if (e == nullptr || ExpireIfNeeded(table, e, shard_index)) return nullptr;
  Touch(e);
  return e;
}

Entry* DbView::FindNoTouch(std::string_view key) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Table& table = store_->shard(shard_index).table(db_);
  Entry* e = table.Find(key, hash);
  if (e != nullptr && ExpireIfNeeded(table, e, shard_index)) return nullptr;
  return e;
}

Entry* DbView::FindForRead(std::string_view key, bool touch) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Shard& shard = store_->shard(shard_index);
  Table& table = shard.table(db_);
  Entry* e = table.Find(key, hash);
  if (e != nullptr && ExpireIfNeeded(table, e, shard_index)) e = nullptr;
  if (e != nullptr && touch) Touch(e);
  auto& counter = e != nullptr ? shard.counters().keyspace_hits : shard.counters().keyspace_misses;
  counter.fetch_add(1, std::memory_order_relaxed);
  return e;
}

Entry* DbView::FindOrCreate(std::string_view key, bool* created, size_t value_capacity) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Table& table = store_->shard(shard_index).table(db_);
  Entry* e = table.Find(key, hash);
  if (e != nullptr && !ExpireIfNeeded(table, e, shard_index)) {
    *created = false;
    Touch(e);
    return e;
  }
  *created = true;
  e = table.Insert(key, hash, value_capacity);
  e->set_access_clock(store_->lfu() ? LfuInit(now_ms_) : LruClock(now_ms_));
  return e;
}

Entry* DbView::Grow(Entry* entry, size_t capacity) {
  const uint64_t hash = entry->key_hash();
  return TableFor(hash).Reallocate(entry, hash, capacity);
}

Entry* DbView::SetValue(Entry* entry, std::string_view value) {
  const size_t cap = entry->inline_capacity();
  // Keep the block unless the value does not fit or it would waste a lot.
  if (value.size() <= cap && cap <= 2 * value.size() + 64) {
    entry->SetString(value);  // handles aliasing and out-of-line values
    return entry;
  }
  std::string copy;
  if (!value.empty() && entry->Owns(value.data())) {
    copy.assign(value);  // the block (or buffer) holding it is about to go
    value = copy;
  }
  if (entry->type() == ValueType::kHash) entry->SetString(std::string_view());
  entry = Grow(entry, value.size());
  entry->SetString(value);
  return entry;
}

Entry* DbView::AppendValue(Entry* entry, std::string_view suffix) {
  const size_t len = entry->val_len_;
  const size_t needed = len + suffix.size();
  std::string copy;
  if (needed > entry->inline_capacity() || !entry->value_inline()) {
    if (!suffix.empty() && entry->Owns(suffix.data())) {
      copy.assign(suffix);
      suffix = copy;
    }
    // Greedy growth, as sds: double below 1 MB, then +1 MB.
    const size_t target = needed < (size_t{1} << 20) ? needed * 2 : needed + (size_t{1} << 20);
    entry = Grow(entry, target);
  }
  if (!suffix.empty()) std::memmove(entry->value_area() + len, suffix.data(), suffix.size());
  entry->val_len_ = static_cast<uint32_t>(needed);
  return entry;
}

Entry* DbView::SetRange(Entry* entry, size_t offset, std::string_view value) {
  const size_t len = entry->val_len_;
  const size_t needed = std::max(len, offset + value.size());
  std::string copy;
  if (needed > entry->inline_capacity() || !entry->value_inline()) {
    if (!value.empty() && entry->Owns(value.data())) {
      copy.assign(value);
      value = copy;
    }
    entry = Grow(entry, needed);
  }
  char* data = entry->value_area();
  if (offset > len) std::memset(data + len, 0, offset - len);
  if (!value.empty()) std::memmove(data + offset, value.data(), value.size());
  entry->val_len_ = static_cast<uint32_t>(needed);
  return entry;
}

bool DbView::Erase(std::string_view key) {
  const uint64_t hash = Store::HashKey(key);
  const size_t shard_index = store_->ShardIndex(hash);
  Table& table = store_->shard(shard_index).table(db_);
  Entry* e = table.Find(key, hash);
  if (e == nullptr || ExpireIfNeeded(table, e, shard_index)) return false;
  table.Erase(e, hash);
  return true;
}

void DbView::Erase(Entry* entry) {
  const uint64_t hash = entry->key_hash();
  TableFor(hash).Erase(entry, hash);
}

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
