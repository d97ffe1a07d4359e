// Pub/Sub commands: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH
// PUBSUB CHANNELS|NUMSUB|NUMPAT|SHARDCHANNELS|SHARDNUMSUB|HELP, replying as
// Redis 7.0 does (src/pubsub.c).
//
// Threading: handlers run on the caller's I/O thread; the subscriptions live
// in the thread-safe PubSubRegistry (ServerContext::pubsub), the client's
// counts in its ClientState / ClientInfo. Messages reach subscribers through
// their Subscriber (the net Connection), never through these handlers.

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/command.h"
#include "server/commands/command_table.h"
#include "server/commands/pubsub_registry.h"
#include "server/commands/server_context.h"

namespace hotcache::server {
namespace {

// Records the client's counts after a (un)subscribe.
void SetCounts(ClientState& client, SubscriptionCounts counts) {
  client.pubsub_subscriptions = counts.total();
  client.info->subscriptions.store(counts.channels, std::memory_order_relaxed);
  client.info->psubscriptions.store(counts.patterns, std::memory_order_relaxed);
}

// Redis's addReplyPubsub(Un)Subscribed: [kind, name-or-null, count], a push in RESP3.
void ReplySubscription(CommandContext& ctx, std::string_view kind, const std::string_view* name,
                       int count) {
  ctx.reply.PushHeader(3);
  ctx.reply.Bulk(kind);
  if (name != nullptr) {
    ctx.reply.Bulk(*name);
  } else {
    ctx.reply.Null();
  }
  ctx.reply.Integer(count);
}

PubSubRegistry& Registry(CommandContext& ctx) { return *ctx.server.pubsub; }

void SubscribeCommand(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view channel = ctx.arg(i);
    const SubscriptionCounts counts = Registry(ctx).Subscribe(ctx.client.subscriber, channel);
    SetCounts(ctx.client, counts);
    ReplySubscription(ctx, "subscribe", &channel, counts.total());
  }
}

void PSubscribeCommand(CommandContext& ctx) {
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view pattern = ctx.arg(i);
    const SubscriptionCounts counts = Registry(ctx).PSubscribe(ctx.client.subscriber, pattern);
    SetCounts(ctx.client, counts);
    ReplySubscription(ctx, "psubscribe", &pattern, counts.total());
  }
}

// UNSUBSCRIBE and PUNSUBSCRIBE: the named ones, or with no names every one the
// client has (in subscription order); with none at all, one reply with a null name.
void UnsubscribeGeneric(CommandContext& ctx, bool patterns) {
  PubSubRegistry& registry = Registry(ctx);
  Subscriber* s = ctx.client.subscriber;
  const std::string_view kind = patterns ? "punsubscribe" : "unsubscribe";
  auto remove = [&](std::string_view name) {
    const SubscriptionCounts counts =
        patterns ? registry.PUnsubscribe(s, name) : registry.Unsubscribe(s, name);
    SetCounts(ctx.client, counts);
    ReplySubscription(ctx, kind, &name, counts.total());
  };
  if (ctx.argc() > 1) {
    for (size_t i = 1; i < ctx.argc(); ++i) remove(ctx.arg(i));
    return;
  }
  const std::vector<std::string> all = patterns ? registry.PatternsOf(s) : registry.ChannelsOf(s);
  for (const std::string& name : all) remove(name);
  if (all.empty()) ReplySubscription(ctx, kind, nullptr, ctx.client.pubsub_subscriptions);
}

void UnsubscribeCommand(CommandContext& ctx) { UnsubscribeGeneric(ctx, /*patterns=*/false); }
void PUnsubscribeCommand(CommandContext& ctx) { UnsubscribeGeneric(ctx, /*patterns=*/true); }

void PublishCommand(CommandContext& ctx) {
  ctx.reply.Integer(Registry(ctx).Publish(ctx.arg(1), ctx.arg(2)));
}

// CHANNELS and SHARDCHANNELS take at most one pattern (their arity, -2, allows more).
bool ChannelsArgsOk(CommandContext& ctx) {
  if (ctx.argc() <= 3) return true;
  ctx.reply.Error(protocol::errors::SubcommandSyntax("PUBSUB", ctx.arg(1)));
  return false;
}

void PubSubChannelsCommand(CommandContext& ctx) {
  if (!ChannelsArgsOk(ctx)) return;
  const std::string_view pattern = ctx.argc() > 2 ? ctx.arg(2) : std::string_view();
  const std::vector<std::string> channels =
      Registry(ctx).ActiveChannels(ctx.argc() > 2 ? &pattern : nullptr);
  ctx.reply.ArrayHeader(channels.size());
  for (const std::string& channel : channels) ctx.reply.Bulk(channel);
}

void PubSubNumSubCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.Bulk(ctx.arg(i));
    ctx.reply.Integer(Registry(ctx).NumSubscribers(ctx.arg(i)));
  }
}

void PubSubNumPatCommand(CommandContext& ctx) { ctx.reply.Integer(Registry(ctx).NumPatterns()); }

// hotcache has no shard channels (SSUBSCRIBE): none are active.
void PubSubShardChannelsCommand(CommandContext& ctx) {
  if (!ChannelsArgsOk(ctx)) return;
  ctx.reply.ArrayHeader(0);
}

void PubSubShardNumSubCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader((ctx.argc() - 2) * 2);
  for (size_t i = 2; i < ctx.argc(); ++i) {
    ctx.reply.Bulk(ctx.arg(i));
    ctx.reply.Integer(0);
  }
}

constexpr std::string_view kPubSubHelp[] = {
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
    "HELP",
    "    Prints this help.",
};

void PubSubHelpCommand(CommandContext& ctx) {
  ctx.reply.ArrayHeader(std::size(kPubSubHelp));
  for (std::string_view line : kPubSubHelp) ctx.reply.SimpleString(line);
}

// ---------------------------------------------------------------------------
// Registration (metadata from Redis 7's COMMAND INFO / COMMAND DOCS)

CommandSpec PubSub(std::string_view name, int arity, uint32_t flags, Handler handler,
                   std::string_view summary, std::string_view since, std::string_view complexity,
                   std::string_view acl) {
  return MakeSpec(name, arity, flags | kNoKeys, kNoKeyRange, handler, "pubsub", summary, since,
                  complexity, acl);
}

}  // namespace

void RegisterPubSubCommands(CommandTable& table) {
  constexpr uint32_t kSubscribeFlags =
      kPubSub | kNoScript | kLoading | kStale | kAllowedInSubscribe;
  constexpr uint32_t kIntrospect = kPubSub | kLoading | kStale;
  constexpr std::string_view kSlow = "@pubsub @slow";
  table.Register(PubSub("subscribe", -2, kSubscribeFlags, SubscribeCommand,
                        "Listen for messages published to the given channels", "2.0.0",
                        "O(N) where N is the number of channels to subscribe to.", kSlow));
  table.Register(PubSub(
      "unsubscribe", -1, kSubscribeFlags, UnsubscribeCommand,
      "Stop listening for messages posted to the given channels", "2.0.0",
      "O(N) where N is the number of clients already subscribed to a channel.", kSlow));
  table.Register(PubSub("psubscribe", -2, kSubscribeFlags, PSubscribeCommand,
                        "Listen for messages published to channels matching the given patterns",
                        "2.0.0",
                        "O(N) where N is the number of patterns the client is already subscribed "
                        "to.",
                        kSlow));
  table.Register(PubSub(
      "punsubscribe", -1, kSubscribeFlags, PUnsubscribeCommand,
      "Stop listening for messages posted to channels matching the given patterns", "2.0.0",
      "O(N+M) where N is the number of patterns the client is already subscribed and M is the "
      "number of total patterns subscribed in the system (by any client).",
      kSlow));
  table.Register(PubSub("publish", 3, kPubSub | kLoading | kStale | kFast, PublishCommand,
                        "Post a message to a channel", "2.0.0",
                        "O(N+M) where N is the number of clients subscribed to the receiving "
                        "channel and M is the total number of subscribed patterns (by any client).",
                        "@pubsub @fast"));

  CommandSpec pubsub = PubSub("pubsub", -2, 0, nullptr, "A container for Pub/Sub commands",
                              "2.8.0", "Depends on subcommand.", "@slow");
  pubsub.subcommands = {
      PubSub("pubsub|channels", -2, kIntrospect, PubSubChannelsCommand, "List active channels",
             "2.8.0",
             "O(N) where N is the number of active channels, and assuming constant time pattern "
             "matching (relatively short channels and patterns)",
             kSlow),
      PubSub("pubsub|numsub", -2, kIntrospect, PubSubNumSubCommand,
             "Get the count of subscribers for channels", "2.8.0",
             "O(N) for the NUMSUB subcommand, where N is the number of requested channels", kSlow),
      PubSub("pubsub|numpat", 2, kIntrospect, PubSubNumPatCommand,
             "Get the count of unique patterns pattern subscriptions", "2.8.0", "O(1)", kSlow),
      PubSub("pubsub|shardchannels", -2, kIntrospect, PubSubShardChannelsCommand,
             "List active shard channels", "7.0.0",
             "O(N) where N is the number of active shard channels, and assuming constant time "
             "pattern matching (relatively short shard channels).",
             kSlow),
      PubSub("pubsub|shardnumsub", -2, kIntrospect, PubSubShardNumSubCommand,
             "Get the count of subscribers for shard channels", "7.0.0",
             "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard "
             "channels",
             kSlow),
      PubSub("pubsub|help", 2, kLoading | kStale, PubSubHelpCommand,
             "Show helpful text about the different subcommands", "6.2.0", "O(1)", "@slow"),
  };
  table.Register(std::move(pubsub));
}

}  // namespace hotcache::server
