// Transactions: MULTI EXEC DISCARD WATCH UNWATCH (Redis's multi.c).
//
// Queuing inside MULTI and the atomic run of the queue belong to the
// dispatcher (Dispatcher::Dispatch / ExecTransaction); the watch bookkeeping
// to watch_table.h. MULTI, EXEC, DISCARD and WATCH run at once even inside
// MULTI (the dispatcher knows them by name, as Redis's processCommand does);
// UNWATCH is queued, as in Redis.

#include "protocol/errors.h"
#include "server/commands/command.h"
#include "server/commands/command_table.h"
#include "server/commands/dispatcher.h"
#include "server/commands/watch_table.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;

void MultiCommand(CommandContext& ctx) {
  ClientState& client = ctx.client;
  if (client.in_multi) {
    ctx.reply.Error(errors::kMultiNested);
    return;
  }
  client.in_multi = true;
  client.multi_error = false;
  client.multi_queue.clear();
  client.info->in_multi.store(true, std::memory_order_relaxed);
  client.info->multi_queued.store(0, std::memory_order_relaxed);
  ctx.reply.SimpleString("OK");
}

void ExecCommand(CommandContext& ctx) {
  if (!ctx.client.in_multi) {
    ctx.reply.Error(errors::kExecWithoutMulti);
    return;
  }
  ctx.dispatcher.ExecTransaction(ctx.client, ctx.reply);
}

void DiscardCommand(CommandContext& ctx) {
  if (!ctx.client.in_multi) {
    ctx.reply.Error(errors::kDiscardWithoutMulti);
    return;
  }
  ctx.dispatcher.DiscardTransaction(ctx.client);
  ctx.reply.SimpleString("OK");
}

void WatchCommand(CommandContext& ctx) {
  if (ctx.client.in_multi) {
    ctx.reply.Error(errors::kWatchInsideMulti);
    return;
  }
  WatchKeys(ctx, ctx.args.subspan(1));
  ctx.reply.SimpleString("OK");
}

void UnwatchCommand(CommandContext& ctx) {
  // Holds no shard lock: UNWATCH has no keys, and inside EXEC the client's
  // watches are already gone.
  UnwatchAllKeys(ctx.client);
  ctx.client.watch_dirty.store(false, std::memory_order_relaxed);
  ctx.reply.SimpleString("OK");
}

constexpr uint32_t kControlFlags = kNoScript | kLoading | kStale | kFast | kAllowBusy;
constexpr std::string_view kAcl = "@fast @transaction";

CommandSpec Spec(std::string_view name, int arity, uint32_t flags, Handler handler,
                 std::string_view summary, std::string_view since,
                 std::string_view acl = kAcl) {
  return MakeSpec(name, arity, flags, kNoKeyRange, handler, "transactions", summary, since,
                  "O(1)", acl);
}

}  // namespace

void RegisterTransactionCommands(CommandTable& table) {
  table.Register(Spec("multi", 1, kControlFlags | kNoKeys, MultiCommand,
                      "Mark the start of a transaction block", "1.2.0"));
  CommandSpec exec = Spec("exec", 1, kNoScript | kLoading | kStale | kNoKeys, ExecCommand,
                          "Execute all commands issued after MULTI", "1.2.0",
                          "@slow @transaction");
  exec.complexity = "Depends on commands in the transaction";
  table.Register(std::move(exec));
  table.Register(Spec("discard", 1, kControlFlags | kNoKeys, DiscardCommand,
                      "Discard all commands issued after MULTI", "2.0.0"));
  CommandSpec watch = Spec("watch", -2, kControlFlags, WatchCommand,
                           "Watch the given keys to determine execution of the MULTI/EXEC block",
                           "2.2.0");
  watch.first_key = 1;
  watch.last_key = -1;
  watch.key_step = 1;
  watch.complexity = "O(1) for every key.";
  table.Register(std::move(watch));
  table.Register(Spec("unwatch", 1, kControlFlags | kNoKeys, UnwatchCommand,
                      "Forget about all watched keys", "2.2.0"));
}

}  // namespace hotcache::server
