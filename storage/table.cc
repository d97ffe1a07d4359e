#include "storage/table.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "storage/memory.h"
#include "storage/store.h"

namespace hotcache::storage {

namespace {

constexpr size_t kInitialBuckets = 4;
// Random buckets RandomEntry probes before falling back to a linear walk.
constexpr int kRandomBucketTries = 64;

}  // namespace

Table::~Table() { Clear(); }

Entry* Table::Find(std::string_view key, uint64_t hash) const {
  if (size_ == 0) return nullptr;
  for (Entry* e = buckets_[BucketOf(hash)]; e != nullptr; e = e->next_) {
    if (e->key() == key) return e;
  }
  return nullptr;
}

void Table::MaybeShrink() {
  size_t target = buckets_.size();
  while (target > kInitialBuckets && size_ < target / 8) target /= 2;
  if (target != buckets_.size()) Resize(target);
}

void Table::Link(Entry* entry) {
  if (buckets_.empty()) buckets_.assign(kInitialBuckets, nullptr);
  Entry*& head = buckets_[BucketOf(Store::HashKey(entry->key()))];
  entry->next_ = head;
  head = entry;
  ++size_;
  if (size_ > buckets_.size()) Resize(buckets_.size() * 2);
}

Entry** Table::LinkTo(Entry* entry, uint64_t hash) {
  Entry** link = &buckets_[BucketOf(hash)];
  while (*link != entry) link = &(*link)->next_;
  return link;
}

void Table::Unlink(Entry* entry, uint64_t hash) {
  Entry** link = LinkTo(entry, hash);
  *link = entry->next_;
  entry->next_ = nullptr;
  --size_;
  if (entry->has_expiry()) --volatile_count_;
}

Entry* Table::Insert(std::string_view key, uint64_t hash, size_t value_capacity) {
  MaybeShrink();
  Entry* entry = Entry::Create(key, value_capacity);
  if (buckets_.empty()) buckets_.assign(kInitialBuckets, nullptr);
  Entry*& head = buckets_[BucketOf(hash)];
  entry->next_ = head;
  head = entry;
  ++size_;
  if (size_ > buckets_.size()) Resize(buckets_.size() * 2);
  return entry;
}

void Table::Erase(Entry* entry) { Erase(entry, Store::HashKey(entry->key())); }

void Table::Erase(Entry* entry, uint64_t hash) {
  Unlink(entry, hash);
  delete entry;
}

Entry* Table::Reallocate(Entry* entry, uint64_t hash, size_t value_capacity) {
  Entry** link = LinkTo(entry, hash);
  const size_t key_len = entry->key_length();
  const size_t bytes = Entry::kHeaderSize + key_len + std::max(value_capacity, sizeof(void*));
  Entry* moved;
  if (entry->kind() == Entry::Kind::kInline) {
    moved = static_cast<Entry*>(storage::Reallocate(entry, bytes));
  } else {
    // Out-of-line string: a fresh block with the value copied inline.
    moved = Entry::Create(entry->key(), value_capacity);
    moved->expire_at_ms_ = entry->expire_at_ms_;
    moved->access_ = entry->access_;
    moved->next_ = entry->next_;
    const std::string_view value = entry->str();
    if (!value.empty()) std::memcpy(moved->value_area(), value.data(), value.size());
    moved->val_len_ = static_cast<uint32_t>(value.size());
    delete entry;
  }
  *link = moved;
  return moved;
}

std::unique_ptr<Entry> Table::Detach(Entry* entry) {
  Unlink(entry, Store::HashKey(entry->key()));
  return std::unique_ptr<Entry>(entry);
}

Entry* Table::Adopt(std::unique_ptr<Entry> entry) {
  MaybeShrink();
  Entry* e = entry.release();
  e->next_ = nullptr;
  if (e->has_expiry()) ++volatile_count_;
  Link(e);
  return e;
}

std::unique_ptr<Entry> Table::Rekey(std::unique_ptr<Entry> entry, std::string_view new_key,
                                    uint64_t /*new_hash*/) {
  const Entry::Kind kind = entry->kind();
  const size_t value_bytes = kind == Entry::Kind::kInline ? entry->val_len_ : sizeof(void*);
  std::unique_ptr<Entry> fresh(Entry::Create(new_key, value_bytes));
  fresh->expire_at_ms_ = entry->expire_at_ms_;
  fresh->access_ = entry->access_;
  // Moves the inline bytes, or the pointer to the out-of-line value.
  if (value_bytes != 0) std::memcpy(fresh->value_area(), entry->value_area(), value_bytes);
  fresh->val_len_ = entry->val_len_;
  fresh->set_kind(kind);
  entry->set_kind(Entry::Kind::kInline);  // the old block no longer owns the value
  entry->val_len_ = 0;
  return fresh;
}

void Table::OnExpiryChanged(bool had_expiry, bool has_expiry) {
  if (had_expiry == has_expiry) return;
  if (has_expiry) {
    ++volatile_count_;
  } else {
    --volatile_count_;
  }
}

void Table::Clear() {
  for (Entry* head : buckets_) {
    while (head != nullptr) {
      Entry* next = head->next_;
      delete head;
      head = next;
    }
  }
  std::vector<Entry*>().swap(buckets_);
  size_ = 0;
  volatile_count_ = 0;
}

void Table::Swap(Table& other) {
  std::swap(shift_, other.shift_);
  buckets_.swap(other.buckets_);
  std::swap(size_, other.size_);
  std::swap(volatile_count_, other.volatile_count_);
}

Entry* Table::RandomEntry(std::mt19937_64& rng) const {
  if (size_ == 0) return nullptr;
  const uint64_t mask = bucket_mask();
  Entry* head = nullptr;
  for (int i = 0; i < kRandomBucketTries && head == nullptr; ++i) head = buckets_[rng() & mask];
  if (head == nullptr) {
    // Sparse table: walk from a random bucket to the next non-empty one.
    size_t index = rng() & mask;
    while (buckets_[index] == nullptr) index = (index + 1) & mask;
    head = buckets_[index];
  }
  size_t chain = 0;
  for (Entry* e = head; e != nullptr; e = e->next_) ++chain;
  size_t pick = chain == 1 ? 0 : rng() % chain;
  Entry* e = head;
  while (pick-- > 0) e = e->next_;
  return e;
}

void Table::Resize(size_t new_bucket_count) {
  std::vector<Entry*> old(new_bucket_count, nullptr);
  old.swap(buckets_);
  for (Entry* head : old) {
    while (head != nullptr) {
      Entry* next = head->next_;
      Entry*& slot = buckets_[BucketOf(Store::HashKey(head->key()))];
      head->next_ = slot;
      slot = head;
      head = next;
    }
  }
}

}  // namespace hotcache::storage
