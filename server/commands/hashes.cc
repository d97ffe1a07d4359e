// The hash family: HSET HMSET HSETNX HGET HMGET HGETALL HDEL HEXISTS HLEN
// HKEYS HVALS HINCRBY HINCRBYFLOAT HSTRLEN HSCAN HRANDFIELD, with Redis 7's
// replies and error texts (src/t_hash.c).
//
// A hash is an Entry of type kHash holding a storage::HashValue (an
// absl::flat_hash_map). As in Redis, a hash never exists empty: HDEL of its
// last field deletes the key, and no command creates a key unless it stores a
// field in it.
//
// Field order: HGETALL, HKEYS, HVALS and HSCAN return fields in the map's
// iteration order, which is not Redis's insertion order (Redis documents it as
// unspecified: the commands carry the nondeterministic_output_order tip).
//
// HSCAN guarantee: a hash of at most kScanWholeMaxFields fields is returned
// whole, with cursor 0, whatever the cursor and COUNT (as Redis does for
// listpack-encoded hashes, whose default limit is 128 entries). A larger hash
// is walked in the order of a 64-bit hash of each field (stable for the life of
// the process); the cursor is the lowest field hash the next call returns.
// Every field present for the whole iteration is returned exactly once (fields
// sharing a 64-bit hash are always returned in the same call); fields added or
// removed during the iteration may or may not be returned. A call costs O(N)
// (it hashes every field) and returns at least min(COUNT, remaining) and at
// least N / kScanMaxCalls fields, so a full iteration takes about
// kScanMaxCalls calls at most and O(N * kScanMaxCalls) time in all. MATCH
// filters after selection, as in Redis, so a call may return fewer fields.
//
// HRANDFIELD: O(N) for any count (it indexes the fields first), where Redis
// is O(count) for a single field.

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "protocol/errors.h"
#include "server/commands/args.h"
#include "server/commands/command_table.h"
#include "server/commands/scan_options.h"
#include "storage/entry.h"
#include "storage/glob.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;
using storage::Entry;
using storage::HashValue;
using storage::ValueType;

// Hashes up to this many fields are returned whole by one HSCAN call.
constexpr size_t kScanWholeMaxFields = 128;
// A larger hash is scanned in about this many calls at most.
constexpr size_t kScanMaxCalls = 32;
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();

inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

// Redis's lookupKeyRead + checkType: the hash at `key` (nullptr if absent,
// *wrongtype set and WRONGTYPE replied if the key holds another type).
Entry* FindHashForRead(CommandContext& ctx, std::string_view key, bool* wrongtype) {
  Entry* e = ctx.db.FindForRead(key);
  *wrongtype = false;
  if (e != nullptr && e->type() != ValueType::kHash) {
    ctx.reply.Error(errors::kWrongType);
    *wrongtype = true;
    return nullptr;
  }
  return e;
}

// As FindHashForRead, with lookupKeyWrite (no hit/miss counting).
Entry* FindHashForWrite(CommandContext& ctx, std::string_view key, bool* wrongtype) {
  Entry* e = ctx.db.Find(key);
  *wrongtype = false;
  if (e != nullptr && e->type() != ValueType::kHash) {
    ctx.reply.Error(errors::kWrongType);
    *wrongtype = true;
    return nullptr;
  }
  return e;
}

// The entry for `key` made into an empty hash (the key must be absent).
Entry* CreateHash(CommandContext& ctx, std::string_view key) {
  bool created;
  Entry* e = ctx.db.FindOrCreate(key, &created);
  e->SetEmptyHash();
  return e;
}

// Redis's hashTypeLookupWriteOrCreate: the hash at `key`, created empty if
// absent; nullptr (after replying WRONGTYPE) if the key holds another type.
// Only for commands that then store at least one field.
Entry* HashForWriteOrCreate(CommandContext& ctx, std::string_view key) {
  bool wrongtype;
  Entry* e = FindHashForWrite(ctx, key, &wrongtype);
  if (wrongtype) return nullptr;
  return e != nullptr ? e : CreateHash(ctx, key);
}

const std::string* FindField(const HashValue& h, std::string_view field) {
  auto it = h.find(AV(field));
  return it == h.end() ? nullptr : &it->second;
}

// Sets field to value; true if the field is new.
bool SetField(HashValue& h, std::string_view field, std::string_view value) {
  auto it = h.find(AV(field));
  if (it != h.end()) {
    it->second.assign(value.data(), value.size());
    return false;
  }
  h.emplace(std::string(field), std::string(value));
  return true;
}

// HSET key field value [field value ...] / HMSET (same, replies +OK).
void HSetCommand(CommandContext& ctx) {
  if (ctx.argc() % 2 == 1) {
    ctx.reply.Error(errors::WrongArity(ctx.spec.name));
    return;
  }
  Entry* e = HashForWriteOrCreate(ctx, ctx.arg(1));
  if (e == nullptr) return;
  HashValue& h = e->hash();
  int64_t created = 0;
  for (size_t i = 2; i < ctx.argc(); i += 2) created += SetField(h, ctx.arg(i), ctx.arg(i + 1));
  if (ctx.spec.name == "hset") {
    ctx.reply.Integer(created);
  } else {
    ctx.reply.SimpleString("OK");
  }
}

void HSetNxCommand(CommandContext& ctx) {
  Entry* e = HashForWriteOrCreate(ctx, ctx.arg(1));
  if (e == nullptr) return;
  HashValue& h = e->hash();
  if (FindField(h, ctx.arg(2)) != nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  SetField(h, ctx.arg(2), ctx.arg(3));
  ctx.reply.Integer(1);
}

void HGetCommand(CommandContext& ctx) {
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  const std::string* v = e == nullptr ? nullptr : FindField(e->hash(), ctx.arg(2));
  if (v == nullptr) {
    ctx.reply.Null();
  } else {
    ctx.reply.Bulk(*v);
  }
}

void HMGetCommand(CommandContext& ctx) {
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  ctx.reply.ArrayHeader(ctx.argc() - 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    const std::string* v = e == nullptr ? nullptr : FindField(e->hash(), ctx.arg(i));
    if (v == nullptr) {
      ctx.reply.Null();
    } else {
      ctx.reply.Bulk(*v);
    }
  }
}

// Redis's genericHgetallCommand.
enum class Part { kKeys, kValues, kBoth };

void GetAllGeneric(CommandContext& ctx, Part part) {
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  const size_t n = e == nullptr ? 0 : e->hash().size();
  if (part == Part::kBoth) {
    ctx.reply.MapHeader(n);
  } else {
    ctx.reply.ArrayHeader(n);
  }
  if (e == nullptr) return;
  for (const auto& [field, value] : e->hash()) {
    if (part != Part::kValues) ctx.reply.Bulk(field);
    if (part != Part::kKeys) ctx.reply.Bulk(value);
  }
}

void HGetAllCommand(CommandContext& ctx) { GetAllGeneric(ctx, Part::kBoth); }
void HKeysCommand(CommandContext& ctx) { GetAllGeneric(ctx, Part::kKeys); }
void HValsCommand(CommandContext& ctx) { GetAllGeneric(ctx, Part::kValues); }

void HDelCommand(CommandContext& ctx) {
  bool wrongtype;
  Entry* e = FindHashForWrite(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (e == nullptr) {
    ctx.reply.Integer(0);
    return;
  }
  HashValue& h = e->hash();
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argc(); ++i) {
    auto it = h.find(AV(ctx.arg(i)));
    if (it == h.end()) continue;
    h.erase(it);
    ++deleted;
    if (h.empty()) break;
  }
  if (h.empty()) ctx.db.Erase(e);
  ctx.reply.Integer(deleted);
}

void HExistsCommand(CommandContext& ctx) {
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  ctx.reply.Integer(e != nullptr && FindField(e->hash(), ctx.arg(2)) != nullptr ? 1 : 0);
}

void HLenCommand(CommandContext& ctx) {
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  ctx.reply.Integer(e == nullptr ? 0 : static_cast<int64_t>(e->hash().size()));
}

void HStrLenCommand(CommandContext& ctx) {
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  const std::string* v = e == nullptr ? nullptr : FindField(e->hash(), ctx.arg(2));
  ctx.reply.Integer(v == nullptr ? 0 : static_cast<int64_t>(v->size()));
}

void HIncrByCommand(CommandContext& ctx) {
  int64_t incr;
  if (!ParseInt64(ctx.arg(3), &incr)) {
    ctx.reply.Error(errors::kNotInteger);
    return;
  }
  bool wrongtype;
  Entry* e = FindHashForWrite(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  int64_t value = 0;
  const std::string* old = e == nullptr ? nullptr : FindField(e->hash(), ctx.arg(2));
  if (old != nullptr && !ParseInt64(*old, &value)) {
    ctx.reply.Error(errors::kHashValueNotInteger);
    return;
  }
  if ((incr < 0 && value < 0 && incr < kLongMin - value) ||
      (incr > 0 && value > 0 && incr > kLongMax - value)) {
    ctx.reply.Error(errors::kOverflow);
    return;
  }
  value += incr;
  if (e == nullptr) e = CreateHash(ctx, ctx.arg(1));
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  SetField(e->hash(), ctx.arg(2), std::string_view(buf, end - buf));
  ctx.reply.Integer(value);
}

void HIncrByFloatCommand(CommandContext& ctx) {
  long double incr;
  if (!ParseLongDouble(ctx.arg(3), &incr)) {
    ctx.reply.Error(errors::kNotFloat);
    return;
  }
  if (std::isnan(incr) || std::isinf(incr)) {
    ctx.reply.Error(errors::kValueNanOrInf);
    return;
  }
  bool wrongtype;
  Entry* e = FindHashForWrite(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  long double value = 0;
  const std::string* old = e == nullptr ? nullptr : FindField(e->hash(), ctx.arg(2));
  if (old != nullptr && !ParseLongDouble(*old, &value)) {
    ctx.reply.Error(errors::kHashValueNotFloat);
    return;
  }
  value += incr;
  if (std::isnan(value) || std::isinf(value)) {
    ctx.reply.Error(errors::kIncrFloatNanOrInf);
    return;
  }
  if (e == nullptr) e = CreateHash(ctx, ctx.arg(1));
  const std::string formatted = LongDoubleToString(value);
  SetField(e->hash(), ctx.arg(2), formatted);
  ctx.reply.Bulk(formatted);
}

// The order in which HSCAN walks a large hash.
inline uint64_t FieldOrder(const std::string& field) {
  return absl::Hash<absl::string_view>{}(absl::string_view(field));
}

using FieldPtr = const std::pair<const std::string, std::string>*;

// One HSCAN step over a hash larger than kScanWholeMaxFields: appends the
// fields whose order is in [cursor, limit] to `out`, where limit is chosen so
// that at least `batch` fields (or all remaining) are taken. Returns the next
// cursor (0 when done).
uint64_t ScanLargeHash(const HashValue& h, uint64_t cursor, size_t batch,
                       std::vector<FieldPtr>* out) {
  // Pass 1: a max-heap of the `batch` smallest orders >= cursor.
  std::vector<uint64_t> heap;
  heap.reserve(batch);
  size_t candidates = 0;
  for (const auto& kv : h) {
    const uint64_t order = FieldOrder(kv.first);
    if (order < cursor) continue;
    ++candidates;
    if (heap.size() < batch) {
      heap.push_back(order);
      std::push_heap(heap.begin(), heap.end());
    } else if (order < heap.front()) {
      std::pop_heap(heap.begin(), heap.end());
      heap.back() = order;
      std::push_heap(heap.begin(), heap.end());
    }
  }
  const bool last = candidates <= batch;
  const uint64_t limit = last ? std::numeric_limits<uint64_t>::max() : heap.front();
  // Pass 2: every field in [cursor, limit] (ties with limit included).
  for (const auto& kv : h) {
    const uint64_t order = FieldOrder(kv.first);
    if (order >= cursor && order <= limit) out->push_back(&kv);
  }
  return last ? 0 : limit + 1;  // limit + 1 wraps to 0 only if nothing is left
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
void HScanCommand(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!ParseScanCursor(ctx.arg(2), &cursor)) {
    ctx.reply.Error(errors::kCursorInvalid);
    return;
  }
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (e == nullptr) {
    ctx.reply.ArrayHeader(2);
    ctx.reply.Bulk("0");
    ctx.reply.ArrayHeader(0);
    return;
  }
  ScanOptions options;
  if (!ParseScanOptions(ctx, 3, /*allow_type=*/false, &options)) return;
  const int64_t count = options.count;
  const std::string_view pattern = options.pattern;
  const bool use_pattern = options.use_pattern;

  const HashValue& h = e->hash();
  std::vector<FieldPtr> fields;
  uint64_t next = 0;
  if (h.size() <= kScanWholeMaxFields) {
    fields.reserve(h.size());
    for (const auto& kv : h) fields.push_back(&kv);
  } else {
    const size_t batch =
        std::max<size_t>(std::min<uint64_t>(static_cast<uint64_t>(count), h.size()),
                         h.size() / kScanMaxCalls);
    next = ScanLargeHash(h, cursor, batch, &fields);
  }
  if (use_pattern) {
    std::erase_if(fields, [&](FieldPtr kv) { return !storage::GlobMatch(pattern, kv->first); });
  }

  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), next);
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::string_view(buf, end - buf));
  ctx.reply.ArrayHeader(fields.size() * 2);
  for (FieldPtr kv : fields) {
    ctx.reply.Bulk(kv->first);
    ctx.reply.Bulk(kv->second);
  }
}

// One field (and its value) of an HRANDFIELD reply with a count.
void ReplyRandField(CommandContext& ctx, FieldPtr kv, bool withvalues) {
  if (withvalues && ctx.reply.resp3()) ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(kv->first);
  if (withvalues) ctx.reply.Bulk(kv->second);
}

// Redis's hrandfieldWithCountCommand.
void RandFieldWithCount(CommandContext& ctx, int64_t l, bool withvalues) {
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (e == nullptr || l == 0) {
    ctx.reply.ArrayHeader(0);
    return;
  }
  const HashValue& h = e->hash();
  const bool unique = l > 0;
  const uint64_t count = unique ? static_cast<uint64_t>(l) : static_cast<uint64_t>(-l);
  std::vector<FieldPtr> all;
  all.reserve(h.size());
  for (const auto& kv : h) all.push_back(&kv);
  std::mt19937_64& rng = Rng();
  const bool flat_pairs = withvalues && !ctx.reply.resp3();

  if (!unique || count == 1) {
    // With repetitions (or a single field): `count` independent picks.
    ctx.reply.ArrayHeader(flat_pairs ? count * 2 : count);
    std::uniform_int_distribution<size_t> pick(0, all.size() - 1);
    for (uint64_t i = 0; i < count; ++i) ReplyRandField(ctx, all[pick(rng)], withvalues);
    return;
  }
  const size_t n = count < all.size() ? static_cast<size_t>(count) : all.size();
  ctx.reply.ArrayHeader(flat_pairs ? n * 2 : n);
  if (n < all.size()) {
    // Distinct fields: a partial Fisher-Yates shuffle of the first n.
    for (size_t i = 0; i < n; ++i) {
      std::uniform_int_distribution<size_t> pick(i, all.size() - 1);
      std::swap(all[i], all[pick(rng)]);
    }
  }
  for (size_t i = 0; i < n; ++i) ReplyRandField(ctx, all[i], withvalues);
}

// HRANDFIELD key [count [WITHVALUES]]
void HRandFieldCommand(CommandContext& ctx) {
  if (ctx.argc() >= 3) {
    int64_t l;
    if (!ParseInt64(ctx.arg(2), &l)) {
      ctx.reply.Error(errors::kNotInteger);
      return;
    }
    if (l < -kLongMax) {
      ctx.reply.Error(errors::kLongOutOfRange);
      return;
    }
    bool withvalues = false;
    if (ctx.argc() > 4 || (ctx.argc() == 4 && !EqualsIgnoreCase(ctx.arg(3), "withvalues"))) {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
    if (ctx.argc() == 4) {
      withvalues = true;
      if (l < -kLongMax / 2 || l > kLongMax / 2) {
        ctx.reply.Error(errors::kValueOutOfRange);
        return;
      }
    }
    RandFieldWithCount(ctx, l, withvalues);
    return;
  }
  bool wrongtype;
  Entry* e = FindHashForRead(ctx, ctx.arg(1), &wrongtype);
  if (wrongtype) return;
  if (e == nullptr) {
    ctx.reply.Null();
    return;
  }
  const HashValue& h = e->hash();
  std::uniform_int_distribution<size_t> pick(0, h.size() - 1);
  auto it = h.begin();
  std::advance(it, pick(Rng()));
  ctx.reply.Bulk(it->first);
}

// ---- registration -------------------------------------------------------------

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, Handler handler,
                 std::string_view summary, std::string_view since, std::string_view complexity,
                 std::string_view acl_categories) {
  return MakeSpec(name, arity, flags, kFirstKey, handler, "hash", summary, since, complexity,
                  acl_categories);
}

}  // namespace

void RegisterHashCommands(CommandTable& table) {
  constexpr uint32_t kReadFastFlags = kReadOnly | kFast;
  constexpr uint32_t kWriteOomFast = kWrite | kDenyOom | kFast;
  constexpr std::string_view kReadFast = "@read @hash @fast";
  constexpr std::string_view kReadSlow = "@read @hash @slow";
  constexpr std::string_view kWriteFast = "@write @hash @fast";
  constexpr std::string_view kO1 = "O(1)";
  constexpr std::string_view kOSize = "O(N) where N is the size of the hash.";

  table.Register(Spec("hset", -4, kWriteOomFast, HSetCommand,
                      "Set the string value of a hash field", "2.0.0",
                      "O(1) for each field/value pair added, so O(N) to add N field/value pairs "
                      "when the command is called with multiple field/value pairs.",
                      kWriteFast));
  table.Register(Spec("hmset", -4, kWriteOomFast, HSetCommand,
                      "Set multiple hash fields to multiple values", "2.0.0",
                      "O(N) where N is the number of fields being set.", kWriteFast));
  table.Register(Spec("hsetnx", 4, kWriteOomFast, HSetNxCommand,
                      "Set the value of a hash field, only if the field does not exist", "2.0.0",
                      kO1, kWriteFast));
  table.Register(Spec("hget", 3, kReadFastFlags, HGetCommand, "Get the value of a hash field",
                      "2.0.0", kO1, kReadFast));
  table.Register(Spec("hmget", -3, kReadFastFlags, HMGetCommand,
                      "Get the values of all the given hash fields", "2.0.0",
                      "O(N) where N is the number of fields being requested.", kReadFast));
  table.Register(Spec("hgetall", 2, kReadOnly, HGetAllCommand,
                      "Get all the fields and values in a hash", "2.0.0", kOSize, kReadSlow));
  table.Register(Spec("hdel", -3, kWrite | kFast, HDelCommand, "Delete one or more hash fields",
                      "2.0.0", "O(N) where N is the number of fields to be removed.",
                      kWriteFast));
  table.Register(Spec("hexists", 3, kReadFastFlags, HExistsCommand,
                      "Determine if a hash field exists", "2.0.0", kO1, kReadFast));
  table.Register(Spec("hlen", 2, kReadFastFlags, HLenCommand, "Get the number of fields in a hash",
                      "2.0.0", kO1, kReadFast));
  table.Register(Spec("hkeys", 2, kReadOnly, HKeysCommand, "Get all the fields in a hash", "2.0.0",
                      kOSize, kReadSlow));
  table.Register(Spec("hvals", 2, kReadOnly, HValsCommand, "Get all the values in a hash",
                      "2.0.0", kOSize, kReadSlow));
  table.Register(Spec("hincrby", 4, kWriteOomFast, HIncrByCommand,
                      "Increment the integer value of a hash field by the given number", "2.0.0",
                      kO1, kWriteFast));
  table.Register(Spec("hincrbyfloat", 4, kWriteOomFast, HIncrByFloatCommand,
                      "Increment the float value of a hash field by the given amount", "2.6.0",
                      kO1, kWriteFast));
  table.Register(Spec("hstrlen", 3, kReadFastFlags, HStrLenCommand,
                      "Get the length of the value of a hash field", "3.2.0", kO1, kReadFast));
  table.Register(Spec("hscan", -3, kReadOnly, HScanCommand,
                      "Incrementally iterate hash fields and associated values", "2.8.0",
                      "O(1) for every call. O(N) for a complete iteration, including enough "
                      "command calls for the cursor to return back to 0. N is the number of "
                      "elements inside the collection..",
                      kReadSlow));
  table.Register(Spec("hrandfield", -2, kReadOnly, HRandFieldCommand,
                      "Get one or multiple random fields from a hash", "6.2.0",
                      "O(N) where N is the number of fields returned", kReadSlow));
}

}  // namespace hotcache::server
