// The string family: GET SET SETNX SETEX PSETEX MGET MSET MSETNX GETSET
// GETDEL GETEX APPEND STRLEN GETRANGE SETRANGE INCR DECR INCRBY DECRBY
// INCRBYFLOAT, with Redis 7's replies and error texts (src/t_string.c).
//
// GET and SET are the hot path: one lookup, no allocation beyond the value's
// own storage (an overwritten value reuses the entry's string capacity).

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "protocol/errors.h"
#include "server/commands/args.h"
#include "server/commands/command_table.h"
#include "server/commands/server_context.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;
using storage::Entry;
using storage::ValueType;

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kDefaultProtoMaxBulkLen = 512LL * 1024 * 1024;

// SET / GETEX option flags (Redis's OBJ_SET_* / OBJ_* flags).
enum SetFlag : uint32_t {
  kFlagNx = 1u << 0,
  kFlagXx = 1u << 1,
  kFlagGet = 1u << 2,
  kFlagKeepTtl = 1u << 3,
  kFlagPersist = 1u << 4,
  kFlagEx = 1u << 5,
  kFlagPx = 1u << 6,
  kFlagExAt = 1u << 7,
  kFlagPxAt = 1u << 8,
};
constexpr uint32_t kAnyExpire = kFlagEx | kFlagPx | kFlagExAt | kFlagPxAt;

enum class CommandType { kSet, kGet };

// What SetGeneric replies on success / when NX or XX prevents the write.
enum class SetReply { kOk, kNull, kOne, kZero };

void WriteSetReply(protocol::ReplyWriter& reply, SetReply kind) {
  switch (kind) {
    case SetReply::kOk:
      reply.SimpleString("OK");
      break;
    case SetReply::kNull:
      reply.Null();
      break;
    case SetReply::kOne:
      reply.Integer(1);
      break;
    case SetReply::kZero:
      reply.Integer(0);
      break;
  }
}

// Redis's parseExtendedStringArgumentsOrReply: options from args[first] on.
// On a syntax error replies and returns false.
bool ParseExtendedOptions(CommandContext& ctx, size_t first, CommandType type, uint32_t* flags,
                          std::string_view* expire) {
  const size_t argc = ctx.argc();
  const bool is_set = type == CommandType::kSet;
  for (size_t j = first; j < argc; ++j) {
    const std::string_view opt = ctx.arg(j);
    const bool has_next = j + 1 < argc;
    const uint32_t f = *flags;
    if (EqualsIgnoreCase(opt, "nx") && !(f & kFlagXx) && is_set) {
      *flags |= kFlagNx;
    } else if (EqualsIgnoreCase(opt, "xx") && !(f & kFlagNx) && is_set) {
      *flags |= kFlagXx;
    } else if (EqualsIgnoreCase(opt, "get") && is_set) {
      *flags |= kFlagGet;
    } else if (EqualsIgnoreCase(opt, "keepttl") && !(f & kFlagPersist) && !(f & kAnyExpire) &&
               is_set) {
      *flags |= kFlagKeepTtl;
    } else if (EqualsIgnoreCase(opt, "persist") && !is_set && !(f & kAnyExpire) &&
               !(f & kFlagKeepTtl)) {
      *flags |= kFlagPersist;
    } else if (EqualsIgnoreCase(opt, "ex") && !(f & (kFlagKeepTtl | kFlagPersist)) &&
               !(f & (kAnyExpire & ~kFlagEx)) && has_next) {
      *flags |= kFlagEx;
      *expire = ctx.arg(++j);
    } else if (EqualsIgnoreCase(opt, "px") && !(f & (kFlagKeepTtl | kFlagPersist)) &&
               !(f & (kAnyExpire & ~kFlagPx)) && has_next) {
      *flags |= kFlagPx;
      *expire = ctx.arg(++j);
    } else if (EqualsIgnoreCase(opt, "exat") && !(f & (kFlagKeepTtl | kFlagPersist)) &&
               !(f & (kAnyExpire & ~kFlagExAt)) && has_next) {
      *flags |= kFlagExAt;
      *expire = ctx.arg(++j);
    } else if (EqualsIgnoreCase(opt, "pxat") && !(f & (kFlagKeepTtl | kFlagPersist)) &&
               !(f & (kAnyExpire & ~kFlagPxAt)) && has_next) {
      *flags |= kFlagPxAt;
      *expire = ctx.arg(++j);
    } else {
      ctx.reply.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis's getExpireMillisecondsOrReply: the absolute expiry time in ms for
// the expire argument under `flags`. Replies with the error and returns false
// if it is not an integer, not positive, or overflows.
bool ExpireMsOrReply(CommandContext& ctx, std::string_view arg, uint32_t flags, int64_t* out) {
  int64_t ms;
  if (!ParseInt64(arg, &ms)) {
    ctx.reply.Error(errors::kNotInteger);
    return false;
  }
  const bool seconds = (flags & (kFlagEx | kFlagExAt)) != 0;
  if (ms <= 0 || (seconds && ms > kInt64Max / 1000)) {
    ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
    return false;
  }
  if (seconds) ms *= 1000;
  if (flags & (kFlagEx | kFlagPx)) {
    const int64_t now = ctx.db.now_ms();
    // Redis adds and checks for a wrapped (non-positive) result.
    if (now > 0 && ms > kInt64Max - now) {
      ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
      return false;
    }
    ms += now;
    if (ms <= 0) {
      ctx.reply.Error(errors::InvalidExpireTime(ctx.spec.name));
      return false;
    }
  }
  *out = ms;
  return true;
}

// Replaces the entry's value with a string (inline in the entry, which may
// move: use the returned pointer).
inline Entry* AssignString(storage::DbView& db, Entry* e, std::string_view value) {
  return db.SetValue(e, value);
}

inline void ClearExpiry(storage::DbView& db, Entry* e) {
  if (e->has_expiry()) db.SetExpiry(e, 0);
}

int64_t ProtoMaxBulkLen(const CommandContext& ctx) {
  return ctx.server.config != nullptr ? ctx.server.config->proto_max_bulk_len()
                                      : kDefaultProtoMaxBulkLen;
}

// Redis's checkStringLength: false (after replying) if size + append exceeds
// proto-max-bulk-len.
bool CheckStringLength(CommandContext& ctx, uint64_t size, uint64_t append) {
  const uint64_t total = size + append;
  if (total < size || total > static_cast<uint64_t>(ProtoMaxBulkLen(ctx))) {
    ctx.reply.Error(errors::kStringTooLong);
    return false;
  }
  return true;
}

// Redis's setGenericCommand.
void SetGeneric(CommandContext& ctx, uint32_t flags, std::string_view key, std::string_view value,
                std::string_view expire, bool has_expire, SetReply ok_reply, SetReply abort_reply) {
  storage::DbView& db = ctx.db;
  int64_t expire_ms = 0;
  if (has_expire && !ExpireMsOrReply(ctx, expire, flags, &expire_ms)) return;

  Entry* e;
  if (flags & (kFlagGet | kFlagNx | kFlagXx)) {
    if (flags & kFlagGet) {
      e = db.FindForRead(key);
      if (e == nullptr) {
        ctx.reply.Null();
      } else if (e->type() != ValueType::kString) {
        ctx.reply.Error(errors::kWrongType);
        return;
      } else {
        ctx.reply.Bulk(e->str());
      }
    } else {
      e = db.Find(key);
    }
    const bool found = e != nullptr;
    if (((flags & kFlagNx) && found) || ((flags & kFlagXx) && !found)) {
      if (!(flags & kFlagGet)) WriteSetReply(ctx.reply, abort_reply);
      return;
    }
    if (e == nullptr) {
      bool created;
      e = db.FindOrCreate(key, &created, value.size());
    }
  } else {
    bool created;
    e = db.FindOrCreate(key, &created, value.size());
  }

  e = AssignString(db, e, value);
  if (has_expire) {
    // A time already past leaves the key to be expired at its next lookup,
    // as Redis does.
    db.SetExpiry(e, expire_ms);
  } else if (!(flags & kFlagKeepTtl)) {
    ClearExpiry(db, e);
  }
  if (!(flags & kFlagGet)) WriteSetReply(ctx.reply, ok_reply);
}

// ---- handlers ---------------------------------------------------------------

void GetCommand(CommandContext& ctx) {
  Entry* e = ctx.db.FindForRead(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply.Null();
  } else if (e->type() != ValueType::kString) {
    ctx.reply.Error(errors::kWrongType);
  } else {
    ctx.reply.Bulk(e->str());
  }
}

void SetCommand(CommandContext& ctx) {
  if (ctx.argc() == 3) {  // the plain SET: no option parsing
    storage::DbView& db = ctx.db;
    bool created;
    Entry* e = db.FindOrCreate(ctx.arg(1), &created, ctx.arg(2).size());
    e = AssignString(db, e, ctx.arg(2));
    ClearExpiry(db, e);
    ctx.reply.SimpleString("OK");
    return;
  }
  uint32_t flags = 0;
  std::string_view expire;
  if (!ParseExtendedOptions(ctx, 3, CommandType::kSet, &flags, &expire)) return;
  SetGeneric(ctx, flags, ctx.arg(1), ctx.arg(2), expire, (flags & kAnyExpire) != 0, SetReply::kOk,
             SetReply::kNull);
}

void SetNxCommand(CommandContext& ctx) {
  SetGeneric(ctx, kFlagNx, ctx.arg(1), ctx.arg(2), {}, false, SetReply::kOne, SetReply::kZero);
}

void SetExCommand(CommandContext& ctx) {
  SetGeneric(ctx, kFlagEx, ctx.arg(1), ctx.arg(3), ctx.arg(2), true, SetReply::kOk,
             SetReply::kNull);
}

void PSetExCommand(CommandContext& ctx) {
  SetGeneric(ctx, kFlagPx, ctx.arg(1), ctx.arg(3), ctx.arg(2), true, SetReply::kOk,
             SetReply::kNull);
}

void GetSetCommand(CommandContext& ctx) {
  storage::DbView& db = ctx.db;
  Entry* e = db.FindForRead(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply.Null();
    bool created;
    e = db.FindOrCreate(ctx.arg(1), &created);
  } else if (e->type() != ValueType::kString) {
    ctx.reply.Error(errors::kWrongType);
    return;
  } else {
    ctx.reply.Bulk(e->str());
  }
  e = AssignString(db, e, ctx.arg(2));
  ClearExpiry(db, e);
}

void GetDelCommand(CommandContext& ctx) {
  Entry* e = ctx.db.FindForRead(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply.Null();
    return;
  }
  if (e->type() != ValueType::kString) {
    ctx.reply.Error(errors::kWrongType);
    return;
  }
  ctx.reply.Bulk(e->str());
  ctx.db.Erase(e);
}

void GetExCommand(CommandContext& ctx) {
  uint32_t flags = 0;
  std::string_view expire;
  if (!ParseExtendedOptions(ctx, 2, CommandType::kGet, &flags, &expire)) return;
  storage::DbView& db = ctx.db;
  Entry* e = db.FindForRead(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply.Null();
    return;
  }
  if (e->type() != ValueType::kString) {
    ctx.reply.Error(errors::kWrongType);
    return;
  }
  int64_t expire_ms = 0;
  const bool has_expire = (flags & kAnyExpire) != 0;
  if (has_expire && !ExpireMsOrReply(ctx, expire, flags, &expire_ms)) return;
  ctx.reply.Bulk(e->str());
  if ((flags & (kFlagExAt | kFlagPxAt)) && expire_ms <= db.now_ms()) {
    db.Erase(e);  // an absolute time already past deletes the key
  } else if (has_expire) {
    db.SetExpiry(e, expire_ms);
  } else if (flags & kFlagPersist) {
    ClearExpiry(db, e);
  }
}

void MGetCommand(CommandContext& ctx) {
  const size_t n = ctx.argc() - 1;
  ctx.reply.ArrayHeader(n);
  for (size_t i = 1; i <= n; ++i) {
    Entry* e = ctx.db.FindForRead(ctx.arg(i));
    if (e == nullptr || e->type() != ValueType::kString) {
      ctx.reply.Null();
    } else {
      ctx.reply.Bulk(e->str());
    }
  }
}

void MSetCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.reply.Error(errors::WrongArity(ctx.spec.name));
    return;
  }
  storage::DbView& db = ctx.db;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    bool created;
    Entry* e = db.FindOrCreate(ctx.arg(i), &created, ctx.arg(i + 1).size());
    e = AssignString(db, e, ctx.arg(i + 1));
    ClearExpiry(db, e);
  }
  ctx.reply.SimpleString("OK");
}

void MSetNxCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 0) {
    ctx.reply.Error(errors::WrongArity(ctx.spec.name));
    return;
  }
  storage::DbView& db = ctx.db;
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    if (db.Find(ctx.arg(i)) != nullptr) {
      ctx.reply.Integer(0);
      return;
    }
  }
  for (size_t i = 1; i < ctx.argc(); i += 2) {
    bool created;
    Entry* e = db.FindOrCreate(ctx.arg(i), &created, ctx.arg(i + 1).size());
    e = AssignString(db, e, ctx.arg(i + 1));
    ClearExpiry(db, e);
  }
  ctx.reply.Integer(1);
}

void AppendCommand(CommandContext& ctx) {
  const std::string_view value = ctx.arg(2);
  bool created;
  Entry* e = ctx.db.FindOrCreate(ctx.arg(1), &created);
  if (!created) {
    if (e->type() != ValueType::kString) {
      ctx.reply.Error(errors::kWrongType);
      return;
    }
    if (!CheckStringLength(ctx, e->str().size(), value.size())) return;
  }
  e = ctx.db.AppendValue(e, value);
  ctx.reply.Integer(static_cast<int64_t>(e->str().size()));
}

void StrLenCommand(CommandContext& ctx) {
  Entry* e = ctx.db.FindForRead(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply.Integer(0);
  } else if (e->type() != ValueType::kString) {
    ctx.reply.Error(errors::kWrongType);
  } else {
    ctx.reply.Integer(static_cast<int64_t>(e->str().size()));
  }
}

void GetRangeCommand(CommandContext& ctx) {
  int64_t start, end;
  if (!ParseInt64(ctx.arg(2), &start) || !ParseInt64(ctx.arg(3), &end)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  Entry* e = ctx.db.FindForRead(ctx.arg(1));
  if (e == nullptr) {
    ctx.reply.Bulk("");
    return;
  }
  if (e->type() != ValueType::kString) {
    ctx.reply.Error(errors::kWrongType);
    return;
  }
  const std::string_view s = e->str();
  const int64_t len = static_cast<int64_t>(s.size());
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.Bulk("");
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len == 0) {
    ctx.reply.Bulk("");
  } else {
    ctx.reply.Bulk(std::string_view(s).substr(static_cast<size_t>(start),
                                              static_cast<size_t>(end - start + 1)));
  }
}

void SetRangeCommand(CommandContext& ctx) {
  int64_t offset;
  if (!ParseInt64(ctx.arg(2), &offset)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  if (offset < 0) {
    ctx.reply.Error(errors::kOffsetOutOfRange);
    return;
  }
  const std::string_view value = ctx.arg(3);
  storage::DbView& db = ctx.db;
  Entry* e = db.Find(ctx.arg(1));
  if (e == nullptr) {
    if (value.empty()) {
      ctx.reply.Integer(0);
      return;
    }
    if (!CheckStringLength(ctx, static_cast<uint64_t>(offset), value.size())) return;
    bool created;
    e = db.FindOrCreate(ctx.arg(1), &created);
  } else {
    if (e->type() != ValueType::kString) {
      ctx.reply.Error(errors::kWrongType);
      return;
    }
    if (value.empty()) {
      ctx.reply.Integer(static_cast<int64_t>(e->str().size()));
      return;
    }
    if (!CheckStringLength(ctx, static_cast<uint64_t>(offset), value.size())) return;
  }
  e = db.SetRange(e, static_cast<size_t>(offset), value);
  ctx.reply.Integer(static_cast<int64_t>(e->str().size()));
}

// Redis's incrDecrCommand.
void IncrDecr(CommandContext& ctx, int64_t incr) {
  bool created;
  Entry* e = ctx.db.FindOrCreate(ctx.arg(1), &created);
  int64_t value = 0;
  if (!created) {
    if (e->type() != ValueType::kString) {
      ctx.reply.Error(errors::kWrongType);
      return;
    }
    if (!ParseInt64(e->str(), &value)) {
      ctx.reply.Error(errors::kNotInteger);
      return;
    }
    if ((incr < 0 && value < 0 && incr < kInt64Min - value) ||
        (incr > 0 && value > 0 && incr > kInt64Max - value)) {
      ctx.reply.Error(errors::kOverflow);
      return;
    }
  }
  value += incr;
  char buf[24];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  (void)ec;
  e = ctx.db.SetValue(e, std::string_view(buf, static_cast<size_t>(ptr - buf)));
  ctx.reply.Integer(value);
}

void IncrCommand(CommandContext& ctx) { IncrDecr(ctx, 1); }
void DecrCommand(CommandContext& ctx) { IncrDecr(ctx, -1); }

void IncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.arg(2), &incr)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  IncrDecr(ctx, incr);
}

void DecrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.arg(2), &incr)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  if (incr == kInt64Min) {
    ctx.reply.Error(errors::kDecrementOverflow);
    return;
  }
  IncrDecr(ctx, -incr);
}

void IncrByFloatCommand(CommandContext& ctx) {
  storage::DbView& db = ctx.db;
  Entry* e = db.Find(ctx.arg(1));
  long double value = 0;
  long double incr;
  if (e != nullptr) {
    if (e->type() != ValueType::kString) {
      ctx.reply.Error(errors::kWrongType);
      return;
    }
    if (!ParseLongDouble(e->str(), &value)) {
      ctx.reply.Error(errors::kNotFloat);
      return;
    }
  }
  if (!ParseLongDouble(ctx.arg(2), &incr)) {
    ctx.reply.Error(errors::kNotFloat);
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error(errors::kIncrFloatNanOrInf);
    return;
  }
  if (e == nullptr) {
    bool created;
    e = db.FindOrCreate(ctx.arg(1), &created);
  }
  e = db.SetValue(e, LongDoubleToString(value));
  ctx.reply.Bulk(e->str());
}

// ---- registration -------------------------------------------------------------

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, int first_key, int last_key,
                 int key_step, Handler handler, std::string_view summary, std::string_view since,
                 std::string_view complexity, std::string_view acl_categories) {
  return MakeSpec(name, arity, flags, {first_key, last_key, key_step}, handler, "string", summary,
                  since, complexity, acl_categories);
}

}  // namespace

void RegisterStringCommands(CommandTable& table) {
  constexpr uint32_t kRead = kReadOnly;
  constexpr uint32_t kWriteOom = kWrite | kDenyOom;
  constexpr std::string_view kReadFast = "@read @string @fast";
  constexpr std::string_view kWriteFast = "@write @string @fast";
  constexpr std::string_view kWriteSlow = "@write @string @slow";
  constexpr std::string_view kO1 = "O(1)";

  table.Register(Spec("get", 2, kRead | kFast, 1, 1, 1, GetCommand, "Get the value of a key",
                      "1.0.0", kO1, kReadFast));
  table.Register(Spec("set", -3, kWriteOom, 1, 1, 1, SetCommand, "Set the string value of a key",
                      "1.0.0", kO1, kWriteSlow));
  table.Register(Spec("setnx", 3, kWriteOom | kFast, 1, 1, 1, SetNxCommand,
                      "Set the value of a key, only if the key does not exist", "1.0.0", kO1,
                      kWriteFast));
  table.Register(Spec("setex", 4, kWriteOom, 1, 1, 1, SetExCommand,
                      "Set the value and expiration of a key", "2.0.0", kO1, kWriteSlow));
  table.Register(Spec("psetex", 4, kWriteOom, 1, 1, 1, PSetExCommand,
                      "Set the value and expiration in milliseconds of a key", "2.6.0", kO1,
                      kWriteSlow));
  table.Register(Spec("mget", -2, kRead | kFast, 1, -1, 1, MGetCommand,
                      "Get the values of all the given keys", "1.0.0",
                      "O(N) where N is the number of keys to retrieve.", kReadFast));
  table.Register(Spec("mset", -3, kWriteOom, 1, -1, 2, MSetCommand,
                      "Set multiple keys to multiple values", "1.0.1",
                      "O(N) where N is the number of keys to set.", kWriteSlow));
  table.Register(Spec("msetnx", -3, kWriteOom, 1, -1, 2, MSetNxCommand,
                      "Set multiple keys to multiple values, only if none of the keys exist",
                      "1.0.1", "O(N) where N is the number of keys to set.", kWriteSlow));
  table.Register(Spec("getset", 3, kWriteOom | kFast, 1, 1, 1, GetSetCommand,
                      "Set the string value of a key and return its old value", "1.0.0", kO1,
                      kWriteFast));
  table.Register(Spec("getdel", 2, kWrite | kFast, 1, 1, 1, GetDelCommand,
                      "Get the value of a key and delete the key", "6.2.0", kO1, kWriteFast));
  table.Register(Spec("getex", -2, kWrite | kFast, 1, 1, 1, GetExCommand,
                      "Get the value of a key and optionally set its expiration", "6.2.0", kO1,
                      kWriteFast));
  table.Register(Spec(
      "append", 3, kWriteOom | kFast, 1, 1, 1, AppendCommand, "Append a value to a key", "2.0.0",
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the "
      "already present value is of any size, since the dynamic string library used by Redis will "
      "double the free space available on every reallocation.",
      kWriteFast));
  table.Register(Spec("strlen", 2, kRead | kFast, 1, 1, 1, StrLenCommand,
                      "Get the length of the value stored in a key", "2.2.0", kO1, kReadFast));
  table.Register(Spec(
      "getrange", 4, kRead, 1, 1, 1, GetRangeCommand,
      "Get a substring of the string stored at a key", "2.4.0",
      "O(N) where N is the length of the returned string. The complexity is ultimately determined "
      "by the returned length, but because creating a substring from an existing string is very "
      "cheap, it can be considered O(1) for small strings.",
      "@read @string @slow"));
  // SUBSTR is GETRANGE's old name; Redis 7 still answers it (deprecated since 2.0.0).
  table.Register(Spec(
      "substr", 4, kRead, 1, 1, 1, GetRangeCommand,
      "Get a substring of the string stored at a key", "1.0.0",
      "O(N) where N is the length of the returned string. The complexity is ultimately determined "
      "by the returned length, but because creating a substring from an existing string is very "
      "cheap, it can be considered O(1) for small strings.",
      "@read @string @slow"));
  table.Register(Spec(
      "setrange", 4, kWriteOom, 1, 1, 1, SetRangeCommand,
      "Overwrite part of a string at key starting at the specified offset", "2.2.0",
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is "
      "very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being "
      "the length of the value argument.",
      kWriteSlow));
  table.Register(Spec("incr", 2, kWriteOom | kFast, 1, 1, 1, IncrCommand,
                      "Increment the integer value of a key by one", "1.0.0", kO1, kWriteFast));
  table.Register(Spec("decr", 2, kWriteOom | kFast, 1, 1, 1, DecrCommand,
                      "Decrement the integer value of a key by one", "1.0.0", kO1, kWriteFast));
  table.Register(Spec("incrby", 3, kWriteOom | kFast, 1, 1, 1, IncrByCommand,
                      "Increment the integer value of a key by the given amount", "1.0.0", kO1,
                      kWriteFast));
  table.Register(Spec("decrby", 3, kWriteOom | kFast, 1, 1, 1, DecrByCommand,
                      "Decrement the integer value of a key by the given number", "1.0.0", kO1,
                      kWriteFast));
  table.Register(Spec("incrbyfloat", 3, kWriteOom | kFast, 1, 1, 1, IncrByFloatCommand,
                      "Increment the float value of a key by the given amount", "2.6.0", kO1,
                      kWriteFast));
}

}  // namespace hotcache::server
