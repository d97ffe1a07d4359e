#pragma once
// One key and its value, as stored in a Table.
//
// Ownership: an Entry is created and destroyed only by its Table. A pointer to
// it is valid while the caller holds the lock of the entry's shard and the key
// is not erased. The layout is private so that it can be made more compact
// without touching command code: use the accessors.

#include <cstdint>
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
  Entry(std::string_view key, uint64_t hash) : hash_(hash), key_(key) {}
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  std::string_view key() const { return key_; }
  uint64_t key_hash() const { return hash_; }
  ValueType type() const { return type_; }

  // The string value. Precondition: type() == kString.
  const std::string& str() const { return str_; }
  std::string& mutable_str() { return str_; }
  // Makes this a string entry holding `value` (drops any hash value).
  void SetString(std::string_view value) {
    hash_value_.reset();
    type_ = ValueType::kString;
    str_.assign(value.data(), value.size());
  }
  void SetString(std::string&& value) {
    hash_value_.reset();
    type_ = ValueType::kString;
    str_ = std::move(value);
  }
  // Disambiguates string literals between the two overloads above.
  void SetString(const char* value) { SetString(std::string_view(value)); }

  // The hash value. Precondition: type() == kHash.
  HashValue& hash() { return *hash_value_; }
  const HashValue& hash() const { return *hash_value_; }
  // Makes this an empty hash entry (drops any string value).
  void SetEmptyHash() {
    str_.clear();
    str_.shrink_to_fit();
    hash_value_ = std::make_unique<HashValue>();
    type_ = ValueType::kHash;
  }

  // Absolute expiry time, Unix ms; 0 means the key does not expire.
  int64_t expire_at_ms() const { return expire_at_ms_; }
  void set_expire_at_ms(int64_t ms) { expire_at_ms_ = ms; }
  bool has_expiry() const { return expire_at_ms_ != 0; }

  // Access bookkeeping for LRU/LFU eviction (policy defined by storage/).
  uint32_t access_clock() const { return access_clock_; }
  void set_access_clock(uint32_t v) { access_clock_ = v; }

 private:
  friend class Table;
  Entry* next_ = nullptr;  // bucket chain, owned by Table
  uint64_t hash_;
  int64_t expire_at_ms_ = 0;
  uint32_t access_clock_ = 0;
  ValueType type_ = ValueType::kString;
  std::string key_;
  std::string str_;
  std::unique_ptr<HashValue> hash_value_;
};

}  // namespace hotcache::storage
