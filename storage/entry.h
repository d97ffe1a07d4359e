#pragma once
// One key and its value, as stored in a Table.
//
// Layout (one heap block per key, no std::string members):
//   [next 8][expire_at_ms 8][access 4][key length + kind 4][value length 4]
//   [key bytes][value bytes | pointer to an out-of-line value]
// The 28-byte header is followed by the key and, for a string that fits the
// block, the value itself ("inline"). A string that does not fit (only when
// set in place with SetString) or a hash lives behind a pointer stored where
// the value would be. The block's capacity is its allocator usable size.
//
// Ownership: an Entry is created and destroyed only by its Table (or by the
// owner of a detached entry: `delete entry` and std::unique_ptr<Entry> work).
// A pointer to it is valid while the caller holds the lock of the entry's
// shard and the key is neither erased nor reallocated: the DbView mutation
// methods that grow a value (SetValue, AppendValue, SetRange) may move the
// entry and return its new address; use that one afterwards.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"

namespace hotcache::storage {

enum class ValueType : uint8_t { kString = 0, kHash = 1 };

// Field -> value. Binary-safe.
using HashValue = absl::flat_hash_map<std::string, std::string>;

class Entry {
 public:
  static constexpr size_t kHeaderSize = 28;
  static constexpr size_t kMaxKeyLength = (size_t{1} << 30) - 1;

  // A new empty string entry for `key` whose block has room for at least
  // `value_capacity` value bytes inline. Precondition: key.size() <= kMaxKeyLength.
  static Entry* Create(std::string_view key, size_t value_capacity = 0);
  ~Entry();
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;
  // Entries live in blocks from storage::Allocate; `delete e` frees one.
  static void operator delete(void* p);

  std::string_view key() const { return {data(), key_length()}; }
  // The key's hash (Store::HashKey), recomputed: entries do not cache it.
  uint64_t key_hash() const;
  ValueType type() const { return kind() == Kind::kHash ? ValueType::kHash : ValueType::kString; }

  // The string value. Precondition: type() == kString. Valid until the value
  // or the entry changes.
  std::string_view str() const {
    return kind() == Kind::kInline ? std::string_view(value_area(), val_len_)
                                   : std::string_view(external(), val_len_);
  }
  // Makes this a string entry holding `value`, in place (the entry never
  // moves): inline when it fits the block, else in a separate buffer. Prefer
  // DbView::SetValue, which keeps the value inline by reallocating.
  void SetString(std::string_view value);
  void SetString(const char* value) { SetString(std::string_view(value)); }

  // The hash value. Precondition: type() == kHash.
  HashValue& hash() { return *external_hash(); }
  const HashValue& hash() const { return *external_hash(); }
  // Makes this an empty hash entry (drops any string value). In place.
  void SetEmptyHash();

  // Absolute expiry time, Unix ms; 0 means the key does not expire.
  int64_t expire_at_ms() const { return expire_at_ms_; }
  void set_expire_at_ms(int64_t ms) { expire_at_ms_ = ms; }
  bool has_expiry() const { return expire_at_ms_ != 0; }

  // Access bookkeeping for LRU/LFU eviction (storage/eviction.h defines the
  // encoding: a 32-bit ms clock for LRU, or Redis's 16-bit minutes + 8-bit
  // logarithmic counter for LFU).
  uint32_t access_clock() const { return access_; }
  void set_access_clock(uint32_t v) { access_ = v; }

  // Value bytes the block holds inline without reallocation.
  size_t inline_capacity() const;
  // True when the string value lives in the block (not behind a pointer).
  bool value_inline() const { return kind() == Kind::kInline; }
  // Heap bytes this entry owns: its block, an out-of-line string buffer, and
  // an estimate for a hash's table and strings (MEMORY USAGE).
  size_t MemoryUsage() const;
  // True when `bytes` points into memory this entry owns (its block or its
  // out-of-line string), i.e. would dangle if the entry were reallocated.
  bool Owns(const char* bytes) const;

 private:
  friend class Table;
  friend class DbView;
  enum class Kind : uint32_t { kInline = 0, kExternal = 1, kHash = 2 };
  static constexpr uint32_t kKeyMask = (uint32_t{1} << 30) - 1;

  Entry() = default;
  Kind kind() const { return static_cast<Kind>(key_meta_ >> 30); }
  void set_kind(Kind k) { key_meta_ = (key_meta_ & kKeyMask) | (static_cast<uint32_t>(k) << 30); }
  size_t key_length() const { return key_meta_ & kKeyMask; }
  const char* data() const { return reinterpret_cast<const char*>(this) + kHeaderSize; }
  char* data() { return reinterpret_cast<char*>(this) + kHeaderSize; }
  const char* value_area() const { return data() + key_length(); }
  char* value_area() { return data() + key_length(); }
  char* external() const {
    char* p;
    std::memcpy(&p, value_area(), sizeof(p));
    return p;
  }
  HashValue* external_hash() const {
    HashValue* p;
    std::memcpy(&p, value_area(), sizeof(p));
    return p;
  }
  void set_pointer(const void* p) { std::memcpy(value_area(), &p, sizeof(p)); }
  // Frees an out-of-line string or hash; leaves an empty inline string.
  void DropValue();

  Entry* next_ = nullptr;  // bucket chain, owned by Table
  int64_t expire_at_ms_ = 0;
  uint32_t access_ = 0;
  uint32_t key_meta_ = 0;  // key length (low 30 bits) | Kind (high 2 bits)
  uint32_t val_len_ = 0;   // string length (inline or out of line)
  char first_bytes_[4];    // start of the key; the block extends past it
};

static_assert(sizeof(Entry) == 32, "Entry header must stay 28 bytes + 4 key bytes");

}  // namespace hotcache::storage
