// MEMORY USAGE|DOCTOR|MALLOC-STATS|PURGE|HELP and OBJECT
// ENCODING|FREQ|IDLETIME|REFCOUNT|HELP, with Redis 7's replies (src/object.c).
// Encodings are derived from the value as Redis would have encoded it: the
// entry layout is hotcache's own, but redis-cli --bigkeys/--memkeys/--hotkeys
// and monitoring tools read these names.

#include <malloc.h>

#include <climits>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/errors.h"
#include "server/commands/args.h"
#include "server/commands/command.h"
#include "server/commands/command_table.h"
#include "server/commands/server_context.h"
#include "storage/eviction.h"
#include "storage/memory.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;
using storage::Entry;
using storage::ValueType;

// Redis's thresholds (OBJ_ENCODING_EMBSTR_SIZE_LIMIT, hash-max-listpack-*).
constexpr size_t kEmbstrSizeLimit = 44;
constexpr size_t kHashMaxListpackEntries = 128;
constexpr size_t kHashMaxListpackValue = 64;
constexpr int64_t kSharedIntegers = 10000;
constexpr int64_t kSharedRefcount = INT_MAX;
// Bytes of the bucket array per key (one pointer at load factor ~1).
constexpr size_t kBucketBytes = sizeof(void*);

bool IsIntEncodable(std::string_view s, int64_t* value) {
  return s.size() <= 20 && ParseInt64(s, value);
}

std::string_view Encoding(const Entry& e) {
  if (e.type() == ValueType::kHash) {
    const storage::HashValue& h = e.hash();
    if (h.size() > kHashMaxListpackEntries) return "hashtable";
    for (const auto& [field, value] : h) {
      if (field.size() > kHashMaxListpackValue || value.size() > kHashMaxListpackValue) {
        return "hashtable";
      }
    }
    return "listpack";
  }
  int64_t v;
  const std::string_view s = e.str();
  if (IsIntEncodable(s, &v)) return "int";
  return s.size() <= kEmbstrSizeLimit ? "embstr" : "raw";
}

storage::MaxmemoryPolicy Policy(const CommandContext& ctx) {
  return ctx.server.config == nullptr
             ? storage::MaxmemoryPolicy::kNoEviction
             : static_cast<storage::MaxmemoryPolicy>(ctx.server.config->maxmemory_policy());
}

// OBJECT's lookup: no access-clock update, null reply when absent.
const Entry* LookupOrNull(CommandContext& ctx) {
  const Entry* e = ctx.db.FindNoTouch(ctx.arg(2));
  if (e == nullptr) ctx.reply.Null();
  return e;
}

void ObjectEncodingCommand(CommandContext& ctx) {
  if (const Entry* e = LookupOrNull(ctx)) ctx.reply.Bulk(Encoding(*e));
}

void ObjectFreqCommand(CommandContext& ctx) {
  const Entry* e = LookupOrNull(ctx);
  if (e == nullptr) return;
  if (!storage::IsLfuPolicy(Policy(ctx))) {
    ctx.reply.Error(errors::kObjectFreqNoLfu);
    return;
  }
  ctx.reply.Integer(storage::LfuCounter(e->access_clock(), ctx.db.now_ms()));
}

void ObjectIdleTimeCommand(CommandContext& ctx) {
  const Entry* e = LookupOrNull(ctx);
  if (e == nullptr) return;
  if (storage::IsLfuPolicy(Policy(ctx))) {
    ctx.reply.Error(errors::kObjectIdleTimeLfu);
    return;
  }
  ctx.reply.Integer(
      static_cast<int64_t>(storage::LruIdleMs(e->access_clock(), ctx.db.now_ms()) / 1000));
}

void ObjectRefcountCommand(CommandContext& ctx) {
  const Entry* e = LookupOrNull(ctx);
  if (e == nullptr) return;
  int64_t v;
  // Redis shares the integers 0..9999 unless maxmemory is set with an LRU/LFU policy.
  const storage::MaxmemoryPolicy p = Policy(ctx);
  const bool lru_or_lfu = p == storage::MaxmemoryPolicy::kAllKeysLru ||
                          p == storage::MaxmemoryPolicy::kVolatileLru || storage::IsLfuPolicy(p);
  const bool shared_ok = ctx.server.config == nullptr || ctx.server.config->maxmemory() == 0 ||
                         !lru_or_lfu;
  if (e->type() == ValueType::kString && shared_ok && IsIntEncodable(e->str(), &v) && v >= 0 &&
      v < kSharedIntegers) {
    ctx.reply.Integer(kSharedRefcount);
  } else {
    ctx.reply.Integer(1);
  }
}

void ObjectHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

// MEMORY USAGE key [SAMPLES count]: the entry's block (header, key, inline
// value), any out-of-line value, and its share of the bucket array. Hashes
// are counted in full (SAMPLES is validated as Redis does, then not needed).
void MemoryUsageCommand(CommandContext& ctx) {
  for (size_t j = 3; j < ctx.argc(); ++j) {
    if (EqualsIgnoreCase(ctx.arg(j), "samples") && j + 1 < ctx.argc()) {
      int64_t samples;
      if (!ParseInt64(ctx.arg(j + 1), &samples)) {
        ctx.reply.Error(errors::kNotInteger);
        return;
      }
      if (samples < 0) {
        ctx.reply.Error(errors::kSyntax);
        return;
      }
      ++j;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  }
  const Entry* e = ctx.db.FindNoTouch(ctx.arg(2));
  if (e == nullptr) {
    ctx.reply.Null();
    return;
  }
  ctx.reply.Integer(static_cast<int64_t>(e->MemoryUsage() + kBucketBytes));
}

void MemoryDoctorCommand(CommandContext& ctx) {
  // Redis's report below 5 MB; above, the report is a list of issues: hotcache
  // has none of Redis's (fragmentation of its own allocator, big peaks, ...)
  // that it can diagnose, so it says so.
  constexpr uint64_t kEmptyLimit = 1024 * 1024 * 5;
  if (storage::UsedMemory() < kEmptyLimit) {
    ctx.reply.Verbatim(
        "txt",
        "Hi Sam, this instance is empty or is using very little memory, my issues detector can't "
        "be used in these conditions. Please, leave for your mission on Earth and fill it with "
        "some data. The new Sam and I will be back to our programming as soon as I finished "
        "rebooting.");
  } else {
    ctx.reply.Verbatim("txt",
                       "Hi Sam, I can't find any memory issue in your instance. I can only account "
                       "for what occurs on this base.");
  }
}

void MemoryMallocStatsCommand(CommandContext& ctx) {
  ctx.reply.Verbatim("txt", "Stats not supported for the current allocator");
}

void MemoryPurgeCommand(CommandContext& ctx) {
  malloc_trim(0);
  ctx.reply.SimpleString("OK");
}

void MemoryHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

CommandSpec Row(std::string_view name, int arity, uint32_t flags, int first_key, Handler handler,
                std::string_view group, std::string_view summary, std::string_view since,
                std::string_view complexity, std::string_view acl_categories) {
  const KeyRange keys = first_key != 0 ? KeyRange{first_key, first_key, 1} : kNoKeyRange;
  return MakeSpec(name, arity, flags, keys, handler, group, summary, since, complexity,
                  acl_categories);
}

}  // namespace

void RegisterMemoryCommands(CommandTable& table) {
  constexpr std::string_view kHelp = "Show helpful text about the different subcommands";
  CommandSpec object = Row("object", -2, kNoKeys, 0, nullptr, "generic",
                           "A container for object introspection commands", "2.2.3",
                           "Depends on subcommand.", "@slow");
  object.subcommands.push_back(Row("object|encoding", 3, kReadOnly, 2, ObjectEncodingCommand,
                                   "generic", "Inspect the internal encoding of a Redis object",
                                   "2.2.3", "O(1)", "@keyspace @read @slow"));
  object.subcommands.push_back(
      Row("object|freq", 3, kReadOnly, 2, ObjectFreqCommand, "generic",
          "Get the logarithmic access frequency counter of a Redis object", "4.0.0", "O(1)",
          "@keyspace @read @slow"));
  object.subcommands.push_back(Row("object|idletime", 3, kReadOnly, 2, ObjectIdleTimeCommand,
                                   "generic", "Get the time since a Redis object was last accessed",
                                   "2.2.3", "O(1)", "@keyspace @read @slow"));
  object.subcommands.push_back(
      Row("object|refcount", 3, kReadOnly, 2, ObjectRefcountCommand, "generic",
          "Get the number of references to the value of the key", "2.2.3", "O(1)",
          "@keyspace @read @slow"));
  object.subcommands.push_back(Row("object|help", 2, kLoading | kStale | kNoKeys, 0,
                                   ObjectHelpCommand, "generic", kHelp, "6.2.0", "O(1)",
                                   "@keyspace @slow"));
  table.Register(std::move(object));

  CommandSpec memory = Row("memory", -2, kNoKeys, 0, nullptr, "server",
                           "A container for memory diagnostics commands", "4.0.0",
                           "Depends on subcommand.", "@slow");
  memory.subcommands.push_back(Row("memory|doctor", 2, kNoKeys, 0, MemoryDoctorCommand, "server",
                                   "Outputs memory problems report", "4.0.0", "O(1)", "@slow"));
  memory.subcommands.push_back(Row("memory|malloc-stats", 2, kNoKeys, 0, MemoryMallocStatsCommand,
                                   "server", "Show allocator internal stats", "4.0.0",
                                   "Depends on how much memory is allocated, could be slow",
                                   "@slow"));
  memory.subcommands.push_back(Row("memory|purge", 2, kNoKeys, 0, MemoryPurgeCommand, "server",
                                   "Ask the allocator to release memory", "4.0.0",
                                   "Depends on how much memory is allocated, could be slow",
                                   "@slow"));
  memory.subcommands.push_back(Row("memory|usage", -3, kReadOnly, 2, MemoryUsageCommand, "server",
                                   "Estimate the memory usage of a key", "4.0.0",
                                   "O(N) where N is the number of samples.", "@read @slow"));
  memory.subcommands.push_back(Row("memory|help", 2, kLoading | kStale | kNoKeys, 0,
                                   MemoryHelpCommand, "server", kHelp, "4.0.0", "O(1)", "@slow"));
  table.Register(std::move(memory));
}

}  // namespace hotcache::server
