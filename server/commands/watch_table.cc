#include "server/commands/watch_table.h"

#include <algorithm>
#include <cstdint>

#include "server/commands/args.h"
#include "server/commands/command.h"
#include "server/commands/server_context.h"
#include "storage/db_view.h"

namespace hotcache::server {
namespace {

constexpr size_t kMaps = size_t{1} << storage::kMaxShardBits;

bool NameIn(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

bool HasGetOption(std::span<const std::string_view> args) {
  for (size_t i = 3; i < args.size(); ++i) {
    if (EqualsIgnoreCase(args[i], "get")) return true;
  }
  return false;
}

// True when a write command's reply says it changed nothing, so Redis would
// not have signalled its keys.
bool ChangedNothing(const CommandSpec& spec, std::span<const std::string_view> args,
                    std::string_view reply) {
  const std::string_view name = spec.name;
  if (reply == ":0\r\n") {
    return NameIn(name, {"del", "unlink", "expire", "pexpire", "expireat", "pexpireat", "persist",
                         "hdel", "hsetnx", "renamenx", "msetnx", "move", "setnx", "setrange",
                         "copy"});
  }
  if (reply == "$-1\r\n" || reply == "_\r\n") {
    if (name == "set") return !HasGetOption(args);  // NX / XX not met
    return NameIn(name, {"getdel", "getex"});
  }
  // GETEX without options only reads.
  return name == "getex" && args.size() == 2;
}

}  // namespace

WatchTable::WatchTable() : maps_(std::make_unique<Map[]>(kMaps)) {}

bool WatchTable::Add(size_t shard, int db, std::string_view key, ClientState* client) {
  Map& map = maps_[shard];
  auto it = map.find(KeyRef{db, key});
  if (it == map.end()) it = map.emplace(Key{db, std::string(key)}, Watchers{}).first;
  Watchers& watchers = it->second;
  if (std::find(watchers.begin(), watchers.end(), client) != watchers.end()) return false;
  watchers.push_back(client);
  registrations_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void WatchTable::Remove(size_t shard, int db, std::string_view key, ClientState* client) {
  Map& map = maps_[shard];
  auto it = map.find(KeyRef{db, key});
  if (it == map.end()) return;
  Watchers& watchers = it->second;
  auto pos = std::find(watchers.begin(), watchers.end(), client);
  if (pos == watchers.end()) return;
  watchers.erase(pos);
  registrations_.fetch_sub(1, std::memory_order_relaxed);
  if (watchers.empty()) map.erase(it);
}

void WatchTable::Touch(size_t shard, int db, std::string_view key) {
  Map& map = maps_[shard];
  auto it = map.find(KeyRef{db, key});
  if (it != map.end()) MarkDirty(it->second);
}

void WatchKeys(CommandContext& ctx, std::span<const std::string_view> keys) {
  ClientState& client = ctx.client;
  WatchTable& table = ctx.server.watches;
  storage::Store& store = ctx.db.store();
  for (std::string_view key : keys) {
    if (!table.Add(store.ShardOfKey(key), ctx.db.db(), key, &client)) continue;
    const bool live = ctx.db.FindNoTouch(key) != nullptr;
    client.watched_keys.push_back(WatchedKey{ctx.db.db(), std::string(key), live});
  }
  if (!client.watched_keys.empty()) client.watch_server = &ctx.server;
}

void AddWatchedKeyShards(const ClientState& client, storage::LockSet& locks) {
  for (const WatchedKey& wk : client.watched_keys) locks.AddKey(wk.key);
}

bool WatchedKeysChanged(ClientState& client, int64_t now_ms) {
  if (client.watch_dirty.load(std::memory_order_relaxed)) return true;
  if (client.watched_keys.empty()) return false;
  storage::Store* store = client.watch_server->store;
  for (const WatchedKey& wk : client.watched_keys) {
    if (!wk.existed) continue;
    if (storage::DbView(store, wk.db, now_ms).FindNoTouch(wk.key) == nullptr) return true;
  }
  return false;
}

void UnwatchAllKeysLocked(ClientState& client) {
  if (client.watched_keys.empty()) return;
  ServerContext& server = *client.watch_server;
  for (const WatchedKey& wk : client.watched_keys) {
    server.watches.Remove(server.store->ShardOfKey(wk.key), wk.db, wk.key, &client);
  }
  client.watched_keys.clear();
}

void UnwatchAllKeys(ClientState& client) {
  if (client.watched_keys.empty()) return;
  storage::LockSet locks(client.watch_server->store);
  AddWatchedKeyShards(client, locks);
  locks.Lock();
  UnwatchAllKeysLocked(client);
}

void TouchModifiedKeys(WatchTable& watches, storage::Store& store, const CommandSpec& spec,
                       int db, std::span<const std::string_view> args, std::string_view reply,
                       std::vector<std::string_view>* scratch) {
  if (spec.first_key <= 0 || ChangedNothing(spec, args, reply)) return;
  scratch->clear();
  CollectKeys(spec, args, scratch);
  for (std::string_view key : *scratch) watches.Touch(store.ShardOfKey(key), db, key);
  // MOVE also writes the key into the destination database.
  if (spec.name == "move" && args.size() == 3) {
    int64_t to_db = 0;
    if (ParseInt64(args[2], &to_db)) watches.Touch(store.ShardOfKey(args[1]), static_cast<int>(to_db), args[1]);
  }
}

void TouchWatchedKeysInDb(CommandContext& ctx, int db, int other) {
  WatchTable& table = ctx.server.watches;
  if (!table.active()) return;
  storage::DbView& view = ctx.db;
  table.TouchIf([&](int key_db, std::string_view key) {
    if (db < 0) return view.WithDb(key_db).FindNoTouch(key) != nullptr;
    if (key_db != db && key_db != other) return false;
    if (view.WithDb(db).FindNoTouch(key) != nullptr) return true;
    return other >= 0 && view.WithDb(other).FindNoTouch(key) != nullptr;
  });
}

}  // namespace hotcache::server
