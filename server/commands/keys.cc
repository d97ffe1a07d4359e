// The generic key family: DEL UNLINK EXISTS TYPE KEYS SCAN RENAME RENAMENX
// RANDOMKEY TOUCH MOVE EXPIRE PEXPIRE EXPIREAT PEXPIREAT TTL PTTL PERSIST
// EXPIRETIME PEXPIRETIME, with Redis 7's replies (src/db.c, src/expire.c).
//
// Every handler runs with its keys' shards locked by the dispatcher (all
// shards for KEYS, SCAN and RANDOMKEY).

#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/args.h"
#include "server/commands/command.h"
#include "server/commands/command_table.h"
#include "server/commands/scan_options.h"
#include "storage/glob.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;
using storage::DbView;
using storage::Entry;
using storage::ValueType;

std::string_view TypeName(const Entry& entry) {
  switch (entry.type()) {
    case ValueType::kString:
      return "string";
    case ValueType::kHash:
      return "hash";
  }
  return "none";
}

// Redis's keyIsExpired: a key expires once now is past its expiry time.
bool IsExpired(const Entry& entry, int64_t now_ms) {
  return entry.has_expiry() && entry.expire_at_ms() < now_ms;
}

// DEL / UNLINK: number of keys removed (a repeated key counts once).
void DelCommand(CommandContext& ctx) {
  int64_t removed = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.db.Erase(ctx.arg(i))) ++removed;
  }
  ctx.reply.Integer(removed);
}

// EXISTS / TOUCH: number of keys present, repeated keys counted each time.
void ExistsCommand(CommandContext& ctx) {
  int64_t count = 0;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    if (ctx.db.FindForRead(ctx.arg(i), /*touch=*/false) != nullptr) ++count;
  }
  ctx.reply.Integer(count);
}

void TypeCommand(CommandContext& ctx) {
  const Entry* entry = ctx.db.FindForRead(ctx.arg(1), /*touch=*/false);
  ctx.reply.SimpleString(entry == nullptr ? std::string_view("none") : TypeName(*entry));
}

// KEYS: like Redis, skips expired keys without deleting them.
void KeysCommand(CommandContext& ctx) {
  const std::string_view pattern = ctx.arg(1);
  const bool all = pattern == "*";
  const int64_t now = ctx.db.now_ms();
  storage::Store& store = ctx.db.store();
  std::vector<std::string_view> keys;
  for (size_t i = 0; i < store.num_shards(); ++i) {
    store.shard(i).table(ctx.db.db()).ForEach([&](Entry* e) {
      if (IsExpired(*e, now)) return;
      if (all || storage::GlobMatch(pattern, e->key())) keys.push_back(e->key());
    });
  }
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view key : keys) ctx.reply.Bulk(key);
}

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. As Redis 7.0 does,
// COUNT bounds the keys visited (before MATCH/TYPE filtering) and the buckets
// visited (count * 10). Shards whose table is empty are skipped in one step
// and not counted, so a small keyspace comes back in one call, as in Redis.
void ScanCommand(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!ParseScanCursor(ctx.arg(1), &cursor)) {
    ctx.reply.Error(errors::kCursorInvalid);
    return;
  }
  ScanOptions options;
  if (!ParseScanOptions(ctx, 2, /*allow_type=*/true, &options)) return;
  const int64_t count = options.count;
  const std::string_view pattern = options.pattern;
  const bool use_pattern = options.use_pattern;
  const std::string_view type = options.type;
  const bool use_type = options.use_type;

  storage::Store& store = ctx.db.store();
  const unsigned shard_bits = store.shard_bits();
  const uint64_t shard_mask = store.num_shards() - 1;
  int64_t iterations_left = count > INT64_MAX / 10 ? INT64_MAX : count * 10;
  int64_t visited = 0;
  std::vector<std::string_view> keys;
  auto collect = [&](Entry* e) {
    ++visited;
    if (use_pattern && !storage::GlobMatch(pattern, e->key())) return;
    if (use_type && !EqualsIgnoreCase(type, TypeName(*e))) return;
    keys.push_back(e->key());
  };
  while (true) {
    const storage::Table& table = store.shard(cursor & shard_mask).table(ctx.db.db());
    if (table.size() == 0) {
      // Nothing here can be missed: jump to this shard's last bucket, whose
      // successor is the first bucket of the next shard.
      cursor = (cursor & shard_mask) | (table.bucket_mask() << shard_bits);
      cursor = ctx.db.Scan(cursor, 1, [](Entry*) {});
      if (cursor == 0) break;
      continue;
    }
    cursor = ctx.db.Scan(cursor, 1, collect);
    if (cursor == 0 || --iterations_left <= 0 || visited >= count) break;
  }

  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), cursor);
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::string_view(buf, end - buf));
  ctx.reply.ArrayHeader(keys.size());
  for (std::string_view key : keys) ctx.reply.Bulk(key);
}

// RENAME / RENAMENX (renameGenericCommand).
void RenameGeneric(CommandContext& ctx, bool nx) {
  const std::string_view from = ctx.arg(1);
  const std::string_view to = ctx.arg(2);
  Entry* src = ctx.db.Find(from);
  if (src == nullptr) {
    ctx.reply.Error(errors::kNoSuchKey);
    return;
  }
  if (from == to) {
    if (nx) {
      ctx.reply.Integer(0);
    } else {
      ctx.reply.SimpleString("OK");
    }
    return;
  }
  if (nx && ctx.db.Find(to) != nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.db.Rename(src, to, ctx.db.db());
  if (nx) {
    ctx.reply.Integer(1);
  } else {
    ctx.reply.SimpleString("OK");
  }
}

void RenameCommand(CommandContext& ctx) { RenameGeneric(ctx, false); }
void RenameNxCommand(CommandContext& ctx) { RenameGeneric(ctx, true); }

void RandomKeyCommand(CommandContext& ctx) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const Entry* entry = ctx.db.RandomEntry(rng);
  if (entry == nullptr) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(entry->key());
  }
}

// MOVE key db. A key's shard does not depend on its database, so the
// destination is covered by the lock the dispatcher took for `key`.
void MoveCommand(CommandContext& ctx) {
  int64_t dbid = 0;
  if (!ParseInt64(ctx.arg(2), &dbid)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  if (dbid < INT_MIN || dbid > INT_MAX) {
    ctx.reply.Error(errors::kIntOutOfRange);
    return;
  }
  if (dbid < 0 || dbid >= ctx.db.store().databases()) {
    ctx.reply.Error(errors::kDbIndexOutOfRange);
    return;
  }
  if (dbid == ctx.db.db()) {
    ctx.reply.Error(errors::kSameObject);
    return;
  }
  const std::string_view key = ctx.arg(1);
  Entry* entry = ctx.db.Find(key);
  if (entry == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  DbView dst = ctx.db.WithDb(static_cast<int>(dbid));
  if (dst.Find(key) != nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.db.Rename(entry, key, static_cast<int>(dbid));
  ctx.reply.Integer(1);
}

enum ExpireFlag : unsigned { kExpireNx = 1, kExpireXx = 2, kExpireGt = 4, kExpireLt = 8 };

// EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX|XX] [GT|LT]
// (expireGenericCommand). `basetime` is added to the time (now for the
// relative forms, 0 for the absolute ones).
void ExpireGeneric(CommandContext& ctx, int64_t basetime, bool seconds) {
  unsigned flags = 0;
  for (size_t i = 3; i < ctx.argc(); ++i) {
    const std::string_view opt = ctx.arg(i);
    if (EqualsIgnoreCase(opt, "nx")) {
      flags |= kExpireNx;
    } else if (EqualsIgnoreCase(opt, "xx")) {
      flags |= kExpireXx;
    } else if (EqualsIgnoreCase(opt, "gt")) {
      flags |= kExpireGt;
    } else if (EqualsIgnoreCase(opt, "lt")) {
      flags |= kExpireLt;
    } else {
      std::string message(errors::kUnsupportedOptionPrefix);
      message.append(opt);
      ctx.reply.Error(message);
      return;
    }
  }
  if ((flags & kExpireNx) && (flags & (kExpireXx | kExpireGt | kExpireLt))) {
    ctx.reply.Error(errors::kExpireNxConflict);
    return;
  }
  if ((flags & kExpireGt) && (flags & kExpireLt)) {
    ctx.reply.Error(errors::kExpireGtLtConflict);
    return;
  }

  int64_t when = 0;
  if (!ParseInt64(ctx.arg(2), &when)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) {
      ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
      return;
    }
    when *= 1000;
  }
  if (when > INT64_MAX - basetime) {
    ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
    return;
  }
  when += basetime;

  Entry* entry = ctx.db.Find(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  if (flags != 0) {
    const int64_t current = entry->has_expiry() ? entry->expire_at_ms() : -1;
    if ((flags & kExpireNx) && current != -1) {
      ctx.reply.Integer(0);
      return;
    }
    if ((flags & kExpireXx) && current == -1) {
      ctx.reply.Integer(0);
      return;
    }
    // No expiry counts as an infinite TTL: GT always fails, LT always succeeds.
    if ((flags & kExpireGt) && (current == -1 || when <= current)) {
      ctx.reply.Integer(0);
      return;
    }
    if ((flags & kExpireLt) && current != -1 && when >= current) {
      ctx.reply.Integer(0);
      return;
    }
  }
  if (when <= ctx.db.now_ms()) {
    ctx.db.Erase(entry);  // already expired: deleted, as Redis does
  } else {
    ctx.db.SetExpiry(entry, when);
  }
  ctx.reply.Integer(1);
}

void ExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.db.now_ms(), true); }
void PExpireCommand(CommandContext& ctx) { ExpireGeneric(ctx, ctx.db.now_ms(), false); }
void ExpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, true); }
void PExpireAtCommand(CommandContext& ctx) { ExpireGeneric(ctx, 0, false); }

// TTL / PTTL / EXPIRETIME / PEXPIRETIME (ttlGenericCommand): -2 for a missing
// key, -1 without expiry; seconds are rounded to the nearest.
void TtlGeneric(CommandContext& ctx, bool output_ms, bool output_abs) {
  const Entry* entry = ctx.db.FindForRead(ctx.arg(1));
  if (entry == nullptr) {
    ctx.reply.Integer(-2);
    return;
  }
  if (!entry->has_expiry()) {
    ctx.reply.Integer(-1);
    return;
  }
  int64_t ttl = output_abs ? entry->expire_at_ms() : entry->expire_at_ms() - ctx.db.now_ms();
  if (ttl < 0) ttl = 0;
  ctx.reply.Integer(output_ms ? ttl : (ttl + 500) / 1000);
}

void TtlCommand(CommandContext& ctx) { TtlGeneric(ctx, false, false); }
void PTtlCommand(CommandContext& ctx) { TtlGeneric(ctx, true, false); }
void ExpireTimeCommand(CommandContext& ctx) { TtlGeneric(ctx, false, true); }
void PExpireTimeCommand(CommandContext& ctx) { TtlGeneric(ctx, true, true); }

void PersistCommand(CommandContext& ctx) {
  Entry* entry = ctx.db.Find(ctx.arg(1));
  if (entry == nullptr || !entry->has_expiry()) {
    ctx.reply.Integer(0);
    return;
  }
  ctx.db.SetExpiry(entry, 0);
  ctx.reply.Integer(1);
}

// One row of the table; every command here is in Redis's "generic" group.
void Add(CommandTable& table, std::string_view name, int arity, uint32_t flags, int first_key,
         int last_key, int key_step, Handler handler, std::string_view summary,
         std::string_view since, std::string_view complexity, std::string_view acl_categories) {
  table.Register(MakeSpec(name, arity, flags, {first_key, last_key, key_step}, handler,
                          "generic", summary, since, complexity, acl_categories));
}

}  // namespace

void RegisterKeyCommands(CommandTable& table) {
  // name, arity, flags, first/last/step key, handler, summary, since, complexity, ACL categories
  Add(table, "del", -2, kWrite, 1, -1, 1, DelCommand, "Delete a key", "1.0.0",
      "O(N) where N is the number of keys that will be removed. When a key to "
      "remove holds a value other than a string, the individual complexity for "
      "this key is O(M) where M is the number of elements in the list, set, sorted "
      "set or hash. Removing a single key that holds a string value is O(1).",
      "@keyspace @write @slow");
  Add(table, "unlink", -2, kWrite | kFast, 1, -1, 1, DelCommand,
      "Delete a key asynchronously in another thread. Otherwise it is just "
      "as DEL, but non blocking.",
      "4.0.0",
      "O(1) for each key removed regardless of its size. Then the command does "
      "O(N) work in a different thread in order to reclaim memory, where N is the "
      "number of allocations the deleted objects where composed of.",
      "@keyspace @write @fast");
  Add(table, "exists", -2, kReadOnly | kFast, 1, -1, 1, ExistsCommand, "Determine if a key exists",
      "1.0.0", "O(N) where N is the number of keys to check.", "@keyspace @read @fast");
  Add(table, "type", 2, kReadOnly | kFast, 1, 1, 1, TypeCommand, "Determine the type stored at key",
      "1.0.0", "O(1)", "@keyspace @read @fast");
  Add(table, "keys", 2, kReadOnly | kAllShards, 0, 0, 0, KeysCommand,
      "Find all keys matching the given pattern", "1.0.0",
      "O(N) with N being the number of keys in the database, under the assumption "
      "that the key names in the database and the given pattern have limited "
      "length.",
      "@keyspace @read @slow @dangerous");
  Add(table, "scan", -2, kReadOnly | kAllShards, 0, 0, 0, ScanCommand,
      "Incrementally iterate the keys space", "2.8.0",
      "O(1) for every call. O(N) for a complete iteration, including enough "
      "command calls for the cursor to return back to 0. N is the number of "
      "elements inside the collection.",
      "@keyspace @read @slow");
  Add(table, "rename", 3, kWrite, 1, 2, 1, RenameCommand, "Rename a key", "1.0.0", "O(1)",
      "@keyspace @write @slow");
  Add(table, "renamenx", 3, kWrite | kFast, 1, 2, 1, RenameNxCommand,
      "Rename a key, only if the new key does not exist", "1.0.0", "O(1)",
      "@keyspace @write @fast");
  Add(table, "randomkey", 1, kReadOnly | kAllShards, 0, 0, 0, RandomKeyCommand,
      "Return a random key from the keyspace", "1.0.0", "O(1)", "@keyspace @read @slow");
  Add(table, "touch", -2, kReadOnly | kFast, 1, -1, 1, ExistsCommand,
      "Alters the last access time of a key(s). Returns the number of "
      "existing keys specified.",
      "3.2.1", "O(N) where N is the number of keys that will be touched.", "@keyspace @read @fast");
  Add(table, "move", 3, kWrite | kFast, 1, 1, 1, MoveCommand, "Move a key to another database",
      "1.0.0", "O(1)", "@keyspace @write @fast");
  Add(table, "expire", -3, kWrite | kFast, 1, 1, 1, ExpireCommand,
      "Set a key's time to live in seconds", "1.0.0", "O(1)", "@keyspace @write @fast");
  Add(table, "pexpire", -3, kWrite | kFast, 1, 1, 1, PExpireCommand,
      "Set a key's time to live in milliseconds", "2.6.0", "O(1)", "@keyspace @write @fast");
  Add(table, "expireat", -3, kWrite | kFast, 1, 1, 1, ExpireAtCommand,
      "Set the expiration for a key as a UNIX timestamp", "1.2.0", "O(1)",
      "@keyspace @write @fast");
  Add(table, "pexpireat", -3, kWrite | kFast, 1, 1, 1, PExpireAtCommand,
      "Set the expiration for a key as a UNIX timestamp specified in "
      "milliseconds",
      "2.6.0", "O(1)", "@keyspace @write @fast");
  Add(table, "ttl", 2, kReadOnly | kFast, 1, 1, 1, TtlCommand,
      "Get the time to live for a key in seconds", "1.0.0", "O(1)", "@keyspace @read @fast");
  Add(table, "pttl", 2, kReadOnly | kFast, 1, 1, 1, PTtlCommand,
      "Get the time to live for a key in milliseconds", "2.6.0", "O(1)", "@keyspace @read @fast");
  Add(table, "persist", 2, kWrite | kFast, 1, 1, 1, PersistCommand,
      "Remove the expiration from a key", "2.2.0", "O(1)", "@keyspace @write @fast");
  Add(table, "expiretime", 2, kReadOnly | kFast, 1, 1, 1, ExpireTimeCommand,
      "Get the expiration Unix timestamp for a key", "7.0.0", "O(1)", "@keyspace @read @fast");
  Add(table, "pexpiretime", 2, kReadOnly | kFast, 1, 1, 1, PExpireTimeCommand,
      "Get the expiration Unix timestamp for a key in milliseconds", "7.0.0", "O(1)",
      "@keyspace @read @fast");
}

}  // namespace hotcache::server
