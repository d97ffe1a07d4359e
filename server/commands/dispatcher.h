#pragma once
// Runs one command: looks it up, checks arity / auth / MULTI queuing, locks
// the shards of its keys (ascending; all shards for kAllShards), reads the
// clock once, calls the handler, and counts it in commandstats.
//
// One Dispatcher per I/O thread (it owns that thread's ThreadStats); not
// thread-safe itself. Handlers run inline on the calling thread.

#include <span>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "server/commands/client_state.h"
#include "server/commands/server_context.h"

namespace hotcache::server {

class Dispatcher {
 public:
  Dispatcher(ServerContext& server, ThreadStats* stats) : server_(server), stats_(stats) {}

  // Executes one command for `client`; `args` is non-empty, args[0] the name.
  // Appends the reply (unless CLIENT REPLY OFF/SKIP silences it) to `reply`.
  void Execute(ClientState& client, std::span<const std::string_view> args,
               protocol::ReplyWriter& reply);

  // Runs the queued commands of MULTI atomically (EXEC). Public for EXEC's handler.
  // Locks the shards of every queued command and every WATCHed key; replies
  // EXECABORT if a command was rejected while queuing, a null array if a
  // watched key changed, else the array of replies. Leaves MULTI and drops
  // every WATCH either way. Precondition: client.in_multi, no shard lock held.
  void ExecTransaction(ClientState& client, protocol::ReplyWriter& reply);
  // Leaves MULTI, drops the queue and every WATCH (DISCARD, an aborted EXEC).
  // Precondition: no shard lock held.
  void DiscardTransaction(ClientState& client);

  ServerContext& server() { return server_; }
  ThreadStats* stats() { return stats_; }

 private:
  // Resolves subcommands, checks arity and auth, queues inside MULTI, or
  // locks and calls.
  void Dispatch(const CommandSpec& container, ClientState& client,
                std::span<const std::string_view> args, protocol::ReplyWriter& reply);
  // Replies with `message` to a command that will not run, and counts it.
  void Reject(const CommandSpec& spec, ClientState& client, std::string_view message,
              protocol::ReplyWriter& reply);
  // Runs `spec` with its locks held: `locks` covers its keys.
  void Call(const CommandSpec& spec, ClientState& client, std::span<const std::string_view> args,
            protocol::ReplyWriter& reply, storage::LockSet& locks, int64_t now_ms);

  ServerContext& server_;
  ThreadStats* stats_;
  std::vector<std::string_view> scratch_keys_;
  std::vector<std::string_view> touch_keys_;  // keys whose watchers a write marks dirty
};

}  // namespace hotcache::server
