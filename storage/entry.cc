#include "storage/entry.h"

#include <algorithm>
#include <new>

#include "storage/memory.h"
#include "storage/store.h"

namespace hotcache::storage {

namespace {

// Room for the pointer of an out-of-line value, so any entry can hold one.
constexpr size_t kMinValueArea = sizeof(void*);

}  // namespace

Entry* Entry::Create(std::string_view key, size_t value_capacity) {
  const size_t bytes = kHeaderSize + key.size() + std::max(value_capacity, kMinValueArea);
  void* block = Allocate(bytes);
  Entry* e = new (block) Entry();
  e->key_meta_ = static_cast<uint32_t>(key.size()) & kKeyMask;
  if (!key.empty()) std::memcpy(e->data(), key.data(), key.size());
  return e;
}

Entry::~Entry() { DropValue(); }

void Entry::operator delete(void* p) { Free(p); }

uint64_t Entry::key_hash() const { return Store::HashKey(key()); }

size_t Entry::inline_capacity() const {
  return UsableSize(this) - kHeaderSize - key_length();
}

void Entry::DropValue() {
  switch (kind()) {
    case Kind::kInline:
      break;
    case Kind::kExternal:
      Free(external());
      break;
    case Kind::kHash:
      delete external_hash();
      break;
  }
  set_kind(Kind::kInline);
  val_len_ = 0;
}

void Entry::SetString(std::string_view value) {
  if (value.size() <= inline_capacity()) {
    if (kind() == Kind::kInline) {
      if (!value.empty()) std::memmove(value_area(), value.data(), value.size());
    } else {
      // `value` may point into the out-of-line buffer: copy before freeing.
      char* old = kind() == Kind::kExternal ? external() : nullptr;
      HashValue* old_hash = kind() == Kind::kHash ? external_hash() : nullptr;
      if (!value.empty()) std::memmove(value_area(), value.data(), value.size());
      set_kind(Kind::kInline);
      Free(old);
      delete old_hash;
    }
    val_len_ = static_cast<uint32_t>(value.size());
    return;
  }
  char* buffer = static_cast<char*>(Allocate(value.size()));
  std::memcpy(buffer, value.data(), value.size());
  DropValue();
  set_pointer(buffer);
  set_kind(Kind::kExternal);
  val_len_ = static_cast<uint32_t>(value.size());
}

void Entry::SetEmptyHash() {
  auto* h = new HashValue();
  DropValue();
  set_pointer(h);
  set_kind(Kind::kHash);
}

bool Entry::Owns(const char* bytes) const {
  const char* base = reinterpret_cast<const char*>(this);
  if (bytes >= base && bytes < base + UsableSize(this)) return true;
  if (kind() == Kind::kExternal) {
    const char* ext = external();
    return bytes >= ext && bytes < ext + val_len_;
  }
  return false;
}

size_t Entry::MemoryUsage() const {
  size_t total = UsableSize(this);
  if (kind() == Kind::kExternal) total += UsableSize(external());
  if (kind() == Kind::kHash) {
    const HashValue& h = hash();
    // Control bytes + slots, plus each field's and value's heap buffer.
    total += sizeof(HashValue) + h.capacity() * (sizeof(HashValue::value_type) + 1);
    for (const auto& [field, value] : h) {
      if (field.capacity() > 15) total += field.capacity() + 1;
      if (value.capacity() > 15) total += value.capacity() + 1;
    }
  }
  return total;
}

}  // namespace hotcache::storage
