#include "server/commands/dispatcher.h"

#include <chrono>
#include <string>

#include "absl/strings/ascii.h"
#include "protocol/errors.h"

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

  if (client.in_multi && !(spec->flags & kNoMulti)) {
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
  if (out->size() > mark && (*out)[mark] == '-') {
    stat.failed_calls.fetch_add(1, std::memory_order_relaxed);
    stats_->total_error_replies.fetch_add(1, std::memory_order_relaxed);
  }
}

void Dispatcher::ExecTransaction(ClientState& client, protocol::ReplyWriter& reply) {
  auto reset = [&client] {
    client.in_multi = false;
    client.multi_error = false;
    client.watch_dirty = false;
    client.multi_queue.clear();
    client.info->in_multi.store(false, std::memory_order_relaxed);
    client.info->multi_queued.store(-1, std::memory_order_relaxed);
  };
  if (client.multi_error) {
    reset();
    reply.Error(errors::kExecAbort);
    return;
  }
  if (client.watch_dirty) {
    reset();
    reply.NullArray();
    return;
  }
  std::vector<QueuedCommand> queue = std::move(client.multi_queue);
  reset();

  // Every shard any queued command touches is locked for the whole
  // transaction, in ascending order: no client sees half of it.
  storage::LockSet locks(server_.store);
  std::vector<std::vector<std::string_view>> argvs(queue.size());
  for (size_t i = 0; i < queue.size(); ++i) {
    argvs[i].assign(queue[i].args.begin(), queue[i].args.end());
    AddLocksFor(*queue[i].spec, argvs[i], locks, scratch_keys_);
  }
  locks.Lock();
  const int64_t now_ms = server_.clock->NowMs();
  reply.ArrayHeader(queue.size());
  for (size_t i = 0; i < queue.size(); ++i) {
    Call(*queue[i].spec, client, argvs[i], reply, locks, now_ms);
  }
}

}  // namespace hotcache::server
