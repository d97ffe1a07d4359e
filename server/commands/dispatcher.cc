#include "server/commands/dispatcher.h"

#include <chrono>
#include <string>

#include "absl/strings/ascii.h"
#include "protocol/errors.h"
#include "server/commands/watch_table.h"
#include "storage/eviction.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;

bool ArityOk(const CommandSpec& spec, size_t argc) {
  const int n = static_cast<int>(argc);
  return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

void AddLocksFor(const CommandSpec& spec, std::span<const std::string_view> args,
                 storage::LockSet& locks, std::vector<std::string_view>& scratch) {
  if (spec.flags & kAllShards) {
    locks.AddAll();
    return;
  }
  if (spec.first_key <= 0) return;
  scratch.clear();
  CollectKeys(spec, args, &scratch);
  for (std::string_view key : scratch) locks.AddKey(key);
}

static_assert(static_cast<int>(storage::MaxmemoryPolicy::kVolatileTtl) ==
              static_cast<int>(EvictionPolicy::kVolatileTtl));
static_assert(static_cast<int>(storage::MaxmemoryPolicy::kAllKeysLfu) ==
              static_cast<int>(EvictionPolicy::kAllKeysLfu));

// maxmemory, as Redis's processCommand applies it: before a command that may
// grow memory (kDenyOom), evict until used_memory <= maxmemory (holding no
// shard lock). Returns false when the command must be refused with OOM. Also
// keeps the store's access-clock encoding (LRU or LFU) in step with the policy.
bool MemoryAllows(const ServerContext& server, const CommandSpec& spec) {
  const Config* config = server.config;
  if (config == nullptr) return true;
  const auto policy = static_cast<storage::MaxmemoryPolicy>(config->maxmemory_policy());
  const bool lfu = storage::IsLfuPolicy(policy);
  if (server.store->lfu() != lfu) server.store->set_lfu(lfu);
  if (!(spec.flags & kDenyOom)) return true;
  const int64_t maxmemory = config->maxmemory();
  if (maxmemory <= 0) return true;
  const storage::EvictionLimits limits{static_cast<uint64_t>(maxmemory), policy,
                                       config->maxmemory_samples()};
  return server.store->evictor().EnsureMemory(limits, server.clock->NowMs());
}

// Commands that run at once inside MULTI instead of being queued: Redis's
// processCommand knows them by name (multi.c's own commands, QUIT, RESET).
bool RunsInsideMulti(const CommandSpec& spec) {
  if (spec.flags & kNoMulti) return true;
  const std::string_view n = spec.name;
  return n == "exec" || n == "discard" || n == "multi" || n == "watch" || n == "quit" ||
         n == "reset";
}

int64_t MonotonicMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void Dispatcher::Execute(ClientState& client, std::span<const std::string_view> args,
                         protocol::ReplyWriter& reply) {
  std::string* out = reply.buffer();
  const size_t mark = out->size();
  client.info->total_commands.fetch_add(1, std::memory_order_relaxed);

  const CommandSpec* spec = server_.commands->Find(args[0]);
  if (spec == nullptr) {
    if (client.in_multi) client.multi_error = true;
    stats_->unknown_commands.fetch_add(1, std::memory_order_relaxed);
    stats_->total_error_replies.fetch_add(1, std::memory_order_relaxed);
    reply.Error(errors::UnknownCommand(args[0], args.subspan(1)));
  } else {
    Dispatch(*spec, client, args, reply);
  }

  if (client.reply_off || client.reply_skip) out->resize(mark);
  client.reply_skip = false;
  if (client.reply_skip_next) {
    client.reply_skip_next = false;
    client.reply_skip = true;
  }
}

void Dispatcher::Reject(const CommandSpec& spec, ClientState& client, std::string_view message,
                        protocol::ReplyWriter& reply) {
  if (client.in_multi) client.multi_error = true;
  stats_->commands[spec.id].rejected_calls.fetch_add(1, std::memory_order_relaxed);
  stats_->total_error_replies.fetch_add(1, std::memory_order_relaxed);
  if (spec.name == "exec") {
    // Redis's execCommandAbort: a rejected EXEC (even outside MULTI) discards
    // the transaction and every WATCH.
    DiscardTransaction(client);
    reply.Error(errors::ExecAbortBecause(message));
    return;
  }
  reply.Error(message);
}

void Dispatcher::Dispatch(const CommandSpec& container, ClientState& client,
                          std::span<const std::string_view> args, protocol::ReplyWriter& reply) {
  const CommandSpec* spec = &container;
  // A container with its own handler runs it when called alone (COMMAND).
  const bool container_alone = args.size() < 2 && container.handler != nullptr;
  if (!container.subcommands.empty() && !container_alone) {
    if (args.size() < 2) {
      Reject(container, client, errors::WrongArity(container.name), reply);
      return;
    }
    spec = CommandTable::FindSubcommand(container, args[1]);
    if (spec == nullptr) {
      Reject(container, client,
             errors::UnknownSubcommand(absl::AsciiStrToUpper(std::string(container.name)), args[1]), reply);
      return;
    }
  }
  if (!ArityOk(*spec, args.size())) {
    Reject(*spec, client, errors::WrongArity(spec->name), reply);
    return;
  }
  if (!client.authenticated && !(spec->flags & kNoAuth)) {
    Reject(*spec, client, errors::kNoAuth, reply);
    return;
  }
  client.info->last_command.store(spec, std::memory_order_relaxed);
  if (!MemoryAllows(server_, *spec)) {
    Reject(*spec, client, errors::kOom, reply);
    return;
  }
  // RESP2 subscribe mode (Redis's processCommand): only (P)(UN)SUBSCRIBE, PING, QUIT, RESET.
  if (client.pubsub_subscriptions > 0 && client.resp == 2 &&
      !(spec->flags & kAllowedInSubscribe)) {
    Reject(*spec, client, errors::OnlySubscribeContext(spec->name), reply);
    return;
  }

  if (client.in_multi && !RunsInsideMulti(*spec)) {
    QueuedCommand& queued = client.multi_queue.emplace_back();
    queued.spec = spec;
    queued.args.assign(args.begin(), args.end());
    client.info->multi_queued.store(static_cast<int>(client.multi_queue.size()),
                                    std::memory_order_relaxed);
    reply.SimpleString("QUEUED");
    return;
  }

  storage::LockSet locks(server_.store);
  AddLocksFor(*spec, args, locks, scratch_keys_);
  locks.Lock();
  Call(*spec, client, args, reply, locks, server_.clock->NowMs());
}

void Dispatcher::Call(const CommandSpec& spec, ClientState& client,
                      std::span<const std::string_view> args, protocol::ReplyWriter& reply,
                      storage::LockSet& locks, int64_t now_ms) {
  std::string* out = reply.buffer();
  const size_t mark = out->size();
  const int64_t start_us = MonotonicMicros();
  CommandContext ctx{spec,   args,    reply, client, storage::DbView(server_.store, client.db, now_ms),
                     server_, locks, *this};
  spec.handler(ctx);
  const int64_t elapsed_us = MonotonicMicros() - start_us;

  CommandStat& stat = stats_->commands[spec.id];
  stat.calls.fetch_add(1, std::memory_order_relaxed);
  stat.usec.fetch_add(static_cast<uint64_t>(elapsed_us), std::memory_order_relaxed);
  stats_->total_commands_processed.fetch_add(1, std::memory_order_relaxed);
  const bool failed = out->size() > mark && (*out)[mark] == '-';
  if (failed) {
    stat.failed_calls.fetch_add(1, std::memory_order_relaxed);
    stats_->total_error_replies.fetch_add(1, std::memory_order_relaxed);
  } else if ((spec.flags & kWrite) && server_.watches.active()) {
    // Still holding the command's shard locks (watch_table.h).
    TouchModifiedKeys(server_.watches, *server_.store, spec, client.db, args,
                      std::string_view(*out).substr(mark), &touch_keys_);
  }
}

void Dispatcher::DiscardTransaction(ClientState& client) {
  client.in_multi = false;
  client.multi_error = false;
  client.multi_queue.clear();
  client.info->in_multi.store(false, std::memory_order_relaxed);
  client.info->multi_queued.store(-1, std::memory_order_relaxed);
  UnwatchAllKeys(client);
  client.watch_dirty.store(false, std::memory_order_relaxed);
}

void Dispatcher::ExecTransaction(ClientState& client, protocol::ReplyWriter& reply) {
  if (client.multi_error) {
    DiscardTransaction(client);
    reply.Error(errors::kExecAbort);
    return;
  }
  std::vector<QueuedCommand> queue = std::move(client.multi_queue);
  client.in_multi = false;
  client.multi_error = false;
  client.multi_queue.clear();
  client.info->in_multi.store(false, std::memory_order_relaxed);
  client.info->multi_queued.store(-1, std::memory_order_relaxed);

  // Every shard any queued command touches is locked for the whole
  // transaction, in ascending order: no client sees half of it. The watched
  // keys' shards too, so no write can fall between the WATCH check and the
  // commands.
  storage::LockSet locks(server_.store);
  std::vector<std::vector<std::string_view>> argvs(queue.size());
  for (size_t i = 0; i < queue.size(); ++i) {
    argvs[i].assign(queue[i].args.begin(), queue[i].args.end());
    AddLocksFor(*queue[i].spec, argvs[i], locks, scratch_keys_);
  }
  AddWatchedKeyShards(client, locks);
  locks.Lock();
  const int64_t now_ms = server_.clock->NowMs();
  const bool changed = WatchedKeysChanged(client, now_ms);
  UnwatchAllKeysLocked(client);
  client.watch_dirty.store(false, std::memory_order_relaxed);
  if (changed) {
    reply.NullArray();
    return;
  }
  reply.ArrayHeader(queue.size());
  for (size_t i = 0; i < queue.size(); ++i) {
    Call(*queue[i].spec, client, argvs[i], reply, locks, now_ms);
  }
}

}  // namespace hotcache::server
