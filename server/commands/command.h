#pragma once
// The shape of a command: its declarative row (CommandSpec) and what its
// handler receives (CommandContext).
//
// A handler is a plain function of (arguments, client state, database view,
// server services) that writes exactly one reply through ctx.reply. It never
// touches a socket and never locks a shard: the dispatcher has already
// checked arity and locked every shard the command's keys live in (or all
// shards for kAllShards commands).

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/commands/client_state.h"
#include "storage/db_view.h"

namespace hotcache::server {

struct ServerContext;
class Dispatcher;
struct CommandContext;
using Handler = void (*)(CommandContext& ctx);

// Flags, named after Redis's command flags where Redis has them.
enum CommandFlag : uint32_t {
  kWrite = 1u << 0,
  kReadOnly = 1u << 1,
  kDenyOom = 1u << 2,       // rejected with OOM when over maxmemory
  kAdmin = 1u << 3,
  kPubSub = 1u << 4,
  kNoScript = 1u << 5,
  kLoading = 1u << 6,       // allowed while loading
  kStale = 1u << 7,
  kFast = 1u << 8,
  kNoAuth = 1u << 9,        // allowed before AUTH
  kNoMulti = 1u << 10,      // not queued: runs immediately even inside MULTI (EXEC, DISCARD, MULTI, WATCH)
  kAllowBusy = 1u << 11,
  // hotcache-specific:
  kAllShards = 1u << 16,    // dispatcher locks every shard (FLUSHDB, KEYS, SCAN, DBSIZE, SWAPDB, ...)
  kNoKeys = 1u << 17,       // touches no keys: no shard locks (PING, CONFIG, ...)
  kAllowedInSubscribe = 1u << 18,  // allowed in RESP2 subscribe mode
};

struct CommandSpec {
  std::string_view name;      // lower case; "client|id" style for subcommands
  int arity = 0;              // Redis's: n > 0 exactly n args (name included); n < 0 at least -n
  uint32_t flags = 0;
  int first_key = 0;          // Redis's legacy key spec: 0 = no keys
  int last_key = 0;           // negative counts from the end (-1 = last argument)
  int key_step = 0;
  Handler handler = nullptr;  // null only for containers (CLIENT, CONFIG): they dispatch to subcommands
  // For COMMAND INFO / COMMAND DOCS:
  std::string_view group;     // "string", "generic", "connection", "server", "hash", "pubsub", "transactions"
  std::string_view summary;
  std::string_view since;     // "1.0.0"
  std::string_view complexity;
  std::string_view acl_categories;  // space-separated, e.g. "@read @string @fast"
  std::vector<CommandSpec> subcommands;  // CLIENT ID, CONFIG GET, ...
  size_t id = 0;              // index into per-thread stats; assigned by the CommandTable
};

struct CommandContext {
  const CommandSpec& spec;
  std::span<const std::string_view> args;  // args[0] is the command name as sent
  protocol::ReplyWriter& reply;
  ClientState& client;
  storage::DbView db;       // the client's database; shards of the command's keys are locked
  ServerContext& server;
  storage::LockSet& locks;  // the locks the dispatcher holds for this command
  Dispatcher& dispatcher;   // the calling thread's dispatcher (EXEC uses it)

  std::string_view arg(size_t i) const { return args[i]; }
  size_t argc() const { return args.size(); }
};

// Where a command's keys are in its arguments (Redis's legacy key spec);
// {} for a command without keys.
struct KeyRange {
  int first = 0;
  int last = 0;
  int step = 0;
};
inline constexpr KeyRange kNoKeyRange{};
inline constexpr KeyRange kFirstKey{1, 1, 1};

// One declarative command row. Every family's registration goes through it.
CommandSpec MakeSpec(std::string_view name, int arity, uint32_t flags, KeyRange keys,
                     Handler handler, std::string_view group, std::string_view summary,
                     std::string_view since, std::string_view complexity,
                     std::string_view acl_categories);

// The keys of a command according to its key spec (first/last/step).
// Appends views of `args` to `out`.
void CollectKeys(const CommandSpec& spec, std::span<const std::string_view> args,
                 std::vector<std::string_view>* out);

}  // namespace hotcache::server
