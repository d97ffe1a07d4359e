#include "storage/table.h"

#include <utility>

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
    if (e->hash_ == hash && e->key() == key) return e;
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
  Entry*& head = buckets_[BucketOf(entry->hash_)];
  entry->next_ = head;
  head = entry;
  ++size_;
  if (size_ > buckets_.size()) Resize(buckets_.size() * 2);
}

void Table::Unlink(Entry* entry) {
  Entry** link = &buckets_[BucketOf(entry->hash_)];
  while (*link != entry) link = &(*link)->next_;
  *link = entry->next_;
  entry->next_ = nullptr;
  --size_;
  if (entry->has_expiry()) --volatile_count_;
}

Entry* Table::Insert(std::string_view key, uint64_t hash) {
  MaybeShrink();
  Entry* entry = new Entry(key, hash);
  Link(entry);
  return entry;
}

void Table::Erase(Entry* entry) {
  Unlink(entry);
  delete entry;
}

std::unique_ptr<Entry> Table::Detach(Entry* entry) {
  Unlink(entry);
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
                                    uint64_t new_hash) {
  auto fresh = std::make_unique<Entry>(new_key, new_hash);
  fresh->expire_at_ms_ = entry->expire_at_ms_;
  fresh->access_clock_ = entry->access_clock_;
  fresh->type_ = entry->type_;
  fresh->str_ = std::move(entry->str_);
  fresh->hash_value_ = std::move(entry->hash_value_);
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
      Entry*& slot = buckets_[BucketOf(head->hash_)];
      head->next_ = slot;
      slot = head;
      head = next;
    }
  }
}

}  // namespace hotcache::storage
