#pragma once
// WATCH bookkeeping: which clients watch which (db, key), so that a command
// that changes a watched key marks its watchers dirty and their EXEC returns
// a null array (Redis's touchWatchedKey / CLIENT_DIRTY_CAS).
//
// Threads and locks: one map per shard, guarded by that shard's mutex, which
// the caller holds (the dispatcher locks a command's shards before running
// it). A relaxed count of registrations lets writers skip the lookup when
// nobody watches anything, so a SET pays one relaxed load. The count is read
// holding the key's shard lock and a WATCH changes it holding the same lock,
// so a write that follows a WATCH of its key always sees it non-zero.
//
// Clients are referenced by pointer. A client unregisters every watch before
// it is destroyed (~ClientState -> UnwatchAllKeys), so a pointer found in a
// map is valid while that map's shard lock is held.

#include <atomic>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "server/commands/client_state.h"
#include "storage/store.h"

namespace hotcache::server {

struct CommandContext;
struct CommandSpec;

class WatchTable {
 public:
  WatchTable();
  WatchTable(const WatchTable&) = delete;
  WatchTable& operator=(const WatchTable&) = delete;

  // True when some client watches some key (relaxed; see above).
  bool active() const { return registrations_.load(std::memory_order_relaxed) != 0; }

  // Preconditions for the three below: the lock of `shard` (the key's shard)
  // is held.
  // Registers `client` as a watcher of (db, key); false if it already was.
  bool Add(size_t shard, int db, std::string_view key, ClientState* client);
  // Unregisters `client` from (db, key) (no-op if it was not registered).
  void Remove(size_t shard, int db, std::string_view key, ClientState* client);
  // Marks every watcher of (db, key) dirty.
  void Touch(size_t shard, int db, std::string_view key);

  // Marks dirty every watcher of every watched key for which
  // `changed(db, key)` is true. Precondition: every shard locked.
  template <typename Fn>
  void TouchIf(Fn&& changed);

 private:
  struct KeyRef {
    int db;
    std::string_view key;
  };
  struct Key {
    int db;
    std::string key;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(const KeyRef& k) const {
      return absl::HashOf(k.db, absl::string_view(k.key.data(), k.key.size()));
    }
    size_t operator()(const Key& k) const { return (*this)(KeyRef{k.db, k.key}); }
  };
  struct Eq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return a.db == b.db && std::string_view(a.key) == std::string_view(b.key);
    }
  };
  using Watchers = absl::InlinedVector<ClientState*, 2>;
  using Map = absl::flat_hash_map<Key, Watchers, Hash, Eq>;

  static void MarkDirty(const Watchers& watchers) {
    for (ClientState* c : watchers) c->watch_dirty.store(true, std::memory_order_relaxed);
  }

  std::unique_ptr<Map[]> maps_;  // one per possible shard; maps_[i] guarded by shard i's mutex
  std::atomic<size_t> registrations_{0};
};

template <typename Fn>
void WatchTable::TouchIf(Fn&& changed) {
  if (!active()) return;
  for (size_t i = 0; i < (size_t{1} << storage::kMaxShardBits); ++i) {
    for (auto& [key, watchers] : maps_[i]) {
      if (changed(key.db, std::string_view(key.key))) MarkDirty(watchers);
    }
  }
}

// ---- What the dispatcher and the command handlers call ----------------------

// WATCH's work: registers every key in `keys` for ctx.client in ctx.db.
// Precondition: the keys' shards locked (WATCH's key spec does that).
void WatchKeys(CommandContext& ctx, std::span<const std::string_view> keys);

// EXEC, holding no shard lock yet: adds the shards of the client's watched
// keys to `locks` (lock them together with the transaction's shards).
void AddWatchedKeyShards(const ClientState& client, storage::LockSet& locks);
// EXEC, with those shards locked: true if the transaction must not run — a
// watched key was changed (dirty), or a key live when watched has expired or
// been evicted since (Redis 7's isWatchedKeyExpired).
bool WatchedKeysChanged(ClientState& client, int64_t now_ms);
// As UnwatchAllKeys, with the watched keys' shards already locked.
void UnwatchAllKeysLocked(ClientState& client);

// After a write command ran (reply not an error) with its shards locked:
// marks the watchers of the keys it changed dirty (Redis's signalModifiedKey).
// Replies that say nothing changed (DEL -> 0, SETNX -> 0, SET NX -> nil,
// ...) touch nothing, as in Redis. Call only when server.watches.active().
// `reply` is the command's reply bytes; `scratch` is reused storage.
void TouchModifiedKeys(WatchTable& watches, storage::Store& store, const CommandSpec& spec,
                       int db, std::span<const std::string_view> args, std::string_view reply,
                       std::vector<std::string_view>* scratch);

// FLUSHDB / FLUSHALL / SWAPDB, before they change anything: marks dirty every
// client watching a key of database `db` (every database if `db` < 0) that is
// live in `db` or, for SWAPDB, in `other` (and the same for watchers in
// `other`) — Redis's touchAllWatchedKeysInDb. Precondition: every shard locked.
void TouchWatchedKeysInDb(CommandContext& ctx, int db, int other = -1);

}  // namespace hotcache::server
