// Pub/Sub: the registry alone, then the commands through the real dispatcher
// (replies compared byte for byte with redis-server 7.0.15's).

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/commands/pubsub_registry.h"
#include "tests/server/command_test_util.h"

namespace hotcache::server {
namespace {

class CountingSubscriber : public Subscriber {
 public:
  void Deliver(std::shared_ptr<const PubSubMessage> message) override {
    received.push_back(std::move(message));
  }
  std::vector<std::shared_ptr<const PubSubMessage>> received;
};

// ---------------------------------------------------------------------------
// Registry

TEST(PubSubRegistryTest, SubscribeCountsAndDuplicates) {
  PubSubRegistry registry;
  CountingSubscriber a;
  EXPECT_EQ(registry.Subscribe(&a, "c1").total(), 1);
  EXPECT_EQ(registry.Subscribe(&a, "c2").total(), 2);
  EXPECT_EQ(registry.Subscribe(&a, "c1").total(), 2);  // already subscribed
  const SubscriptionCounts counts = registry.PSubscribe(&a, "c*");
  EXPECT_EQ(counts.channels, 2);
  EXPECT_EQ(counts.patterns, 1);
  EXPECT_EQ(registry.ChannelsOf(&a), (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(registry.PatternsOf(&a), (std::vector<std::string>{"c*"}));
  EXPECT_EQ(registry.NumChannels(), 2);
  EXPECT_EQ(registry.NumPatterns(), 1);
  EXPECT_EQ(registry.Unsubscribe(&a, "nope").total(), 3);
  EXPECT_EQ(registry.Unsubscribe(&a, "c1").total(), 2);
  EXPECT_EQ(registry.NumSubscribers("c1"), 0);
  EXPECT_EQ(registry.NumChannels(), 1);
  registry.UnsubscribeAll(&a);
  EXPECT_EQ(registry.NumChannels(), 0);
  EXPECT_EQ(registry.NumPatterns(), 0);
  EXPECT_TRUE(registry.ChannelsOf(&a).empty());
  EXPECT_EQ(registry.Publish("c2", "x"), 0);
  EXPECT_TRUE(a.received.empty());
}

TEST(PubSubRegistryTest, PublishCountsChannelAndPatternDeliveries) {
  PubSubRegistry registry;
  CountingSubscriber a, b;
  registry.Subscribe(&a, "news");
  registry.Subscribe(&b, "news");
  registry.PSubscribe(&a, "n*");
  registry.PSubscribe(&b, "x*");
  EXPECT_EQ(registry.Publish("news", "hello"), 3);
  ASSERT_EQ(a.received.size(), 2u);
  ASSERT_EQ(b.received.size(), 1u);
  EXPECT_FALSE(a.received[0]->from_pattern);
  EXPECT_EQ(a.received[0]->channel, "news");
  EXPECT_EQ(a.received[0]->payload, "hello");
  EXPECT_TRUE(a.received[1]->from_pattern);
  EXPECT_EQ(a.received[1]->pattern, "n*");
  // Channel subscribers share one message object.
  EXPECT_EQ(a.received[0].get(), b.received[0].get());
  EXPECT_EQ(registry.Publish("xylophone", "y"), 1);
  EXPECT_EQ(registry.Publish("other", "z"), 0);
  EXPECT_EQ(registry.NumSubscribers("news"), 2);
  EXPECT_EQ(registry.NumPatterns(), 2);
  std::string_view pattern = "n?ws";
  EXPECT_EQ(registry.ActiveChannels(&pattern), std::vector<std::string>{"news"});
  pattern = "z*";
  EXPECT_TRUE(registry.ActiveChannels(&pattern).empty());
  registry.UnsubscribeAll(&a);
  registry.UnsubscribeAll(&b);
}

TEST(PubSubRegistryTest, MessageFormats) {
  PubSubMessage m{
      .channel = std::string("ch"), .payload = std::string("hi"), .from_pattern = false, .pattern = {}};
  std::string out;
  AppendPubSubMessage(m, false, &out);
  EXPECT_EQ(out, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  out.clear();
  AppendPubSubMessage(m, true, &out);
  EXPECT_EQ(out, ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  m.from_pattern = true;
  m.pattern = "c*";
  out.clear();
  AppendPubSubMessage(m, false, &out);
  EXPECT_EQ(out, "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n");
  out.clear();
  AppendPubSubMessage(m, true, &out);
  EXPECT_EQ(out, ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n");
}

TEST(PubSubRegistryTest, ConcurrentPublishersAndSubscribers) {
  PubSubRegistry registry;
  // Thread-safe subscriber: counts deliveries.
  struct AtomicSubscriber : Subscriber {
    std::atomic<int> n{0};
    void Deliver(std::shared_ptr<const PubSubMessage>) override { n.fetch_add(1); }
  };
  AtomicSubscriber steady;
  registry.Subscribe(&steady, "c");
  std::vector<std::thread> threads;
  std::atomic<int64_t> published{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry, &published, t] {
      AtomicSubscriber churn;
      for (int i = 0; i < 500; ++i) {
        if (t % 2 == 0) {
          registry.Subscribe(&churn, "c");
          registry.PSubscribe(&churn, "*");
          registry.UnsubscribeAll(&churn);
        } else {
          published.fetch_add(registry.Publish("c", "m"));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  // The steady subscriber got every message published (1000), the rest went to churners.
  EXPECT_EQ(steady.n.load(), 1000);
  EXPECT_GE(published.load(), 1000);
  EXPECT_EQ(registry.NumPatterns(), 0);
  EXPECT_EQ(registry.NumSubscribers("c"), 1);
  registry.UnsubscribeAll(&steady);
}

// ---------------------------------------------------------------------------
// Commands

TEST(PubSubCommandTest, SubscribeUnsubscribeRepliesResp2) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(h.Run({"PUNSUBSCRIBE"}), "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n");
  EXPECT_EQ(h.Run({"SUBSCRIBE", "a", "b", "a"}),
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n"
            "*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
            "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n");
  EXPECT_EQ(h.client().info->subscriptions.load(), 2);
  EXPECT_EQ(h.Run({"GET", "x"}),
            "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "NUMPAT"}),
            "-ERR Can't execute 'pubsub|numpat': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
            "QUIT / RESET are allowed in this context\r\n");
  // Arity is checked first, as in Redis.
  EXPECT_EQ(h.Run({"PUBSUB", "NUMPAT", "x"}),
            "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n");
  EXPECT_EQ(h.Run({"PING"}), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
  EXPECT_EQ(h.Run({"PING", "hi"}), "*2\r\n$4\r\npong\r\n$2\r\nhi\r\n");
  EXPECT_EQ(h.Run({"PSUBSCRIBE", "p*", "q?"}),
            "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n"
            "*3\r\n$10\r\npsubscribe\r\n$2\r\nq?\r\n:4\r\n");
  EXPECT_EQ(h.client().info->psubscriptions.load(), 2);
  EXPECT_EQ(h.Run({"UNSUBSCRIBE", "b", "zz"}),
            "*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:3\r\n"
            "*3\r\n$11\r\nunsubscribe\r\n$2\r\nzz\r\n:3\r\n");
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n");
  // No channels left but patterns: null name, count of patterns.
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:2\r\n");
  EXPECT_EQ(h.Run({"PUNSUBSCRIBE"}),
            "*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:1\r\n"
            "*3\r\n$12\r\npunsubscribe\r\n$2\r\nq?\r\n:0\r\n");
  EXPECT_EQ(h.client().pubsub_subscriptions, 0);
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.Run({"SUBSCRIBE"}), "-ERR wrong number of arguments for 'subscribe' command\r\n");
}

TEST(PubSubCommandTest, Resp3AllowsEveryCommandAndUsesPushes) {
  CommandHarness h;
  h.Run({"HELLO", "3"});
  EXPECT_EQ(h.Run({"SUBSCRIBE", "a"}), ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(h.Run({"PSUBSCRIBE", "a*"}), ">3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:2\r\n");
  EXPECT_EQ(h.Run({"GET", "x"}), "_\r\n");
  EXPECT_EQ(h.Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(h.Run({"PUBLISH", "a", "hello"}), ":2\r\n");
  EXPECT_EQ(h.TakePushes(h.client()),
            ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n"
            ">4\r\n$8\r\npmessage\r\n$2\r\na*\r\n$1\r\na\r\n$5\r\nhello\r\n");
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), ">3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(h.Run({"PUNSUBSCRIBE"}), ">3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:0\r\n");
  EXPECT_EQ(h.Run({"UNSUBSCRIBE"}), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n");
}

TEST(PubSubCommandTest, PublishDeliversToOtherClients) {
  CommandHarness h;
  auto sub = h.NewClient();
  auto psub = h.NewClient();
  h.RunAs(*sub, {"SUBSCRIBE", "news"});
  h.RunAs(*psub, {"PSUBSCRIBE", "n*", "*s"});
  EXPECT_EQ(h.Run({"PUBLISH", "news", "v1"}), ":3\r\n");
  EXPECT_EQ(h.Run({"PUBLISH", "other", "v2"}), ":0\r\n");
  EXPECT_EQ(h.TakePushes(*sub), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nv1\r\n");
  EXPECT_EQ(h.TakePushes(*sub), "");
  const std::string p = h.TakePushes(*psub);
  EXPECT_NE(p.find("*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nv1\r\n"),
            std::string::npos);
  EXPECT_NE(p.find("*4\r\n$8\r\npmessage\r\n$2\r\n*s\r\n$4\r\nnews\r\n$2\r\nv1\r\n"),
            std::string::npos);
  EXPECT_EQ(h.TakePushes(h.client()), "");
  // A disconnected subscriber no longer counts.
  h.Disconnect(*sub);
  EXPECT_EQ(h.Run({"PUBLISH", "news", "v3"}), ":2\r\n");
  EXPECT_EQ(h.TakePushes(*sub), "");
}

TEST(PubSubCommandTest, PubSubIntrospection) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"PUBSUB", "CHANNELS"}), "*0\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "NUMSUB"}), "*0\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "NUMSUB", "a", "b"}), "*4\r\n$1\r\na\r\n:0\r\n$1\r\nb\r\n:0\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "NUMPAT"}), ":0\r\n");
  auto c1 = h.NewClient();
  auto c2 = h.NewClient();
  h.RunAs(*c1, {"SUBSCRIBE", "a", "b"});
  h.RunAs(*c2, {"SUBSCRIBE", "a"});
  h.RunAs(*c1, {"PSUBSCRIBE", "x*", "y*"});
  h.RunAs(*c2, {"PSUBSCRIBE", "x*"});
  EXPECT_EQ(h.Run({"PUBSUB", "NUMSUB", "a", "b", "c"}),
            "*6\r\n$1\r\na\r\n:2\r\n$1\r\nb\r\n:1\r\n$1\r\nc\r\n:0\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "NUMPAT"}), ":2\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "CHANNELS", "b*"}), "*1\r\n$1\r\nb\r\n");
  const std::string all = h.Run({"PUBSUB", "CHANNELS"});
  EXPECT_TRUE(all == "*2\r\n$1\r\na\r\n$1\r\nb\r\n" || all == "*2\r\n$1\r\nb\r\n$1\r\na\r\n") << all;
  EXPECT_EQ(h.Run({"PUBSUB", "CHANNELS", "a", "b"}),
            "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB "
            "HELP.\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "shardchannels", "a", "b"}),
            "-ERR unknown subcommand or wrong number of arguments for 'shardchannels'. Try PUBSUB "
            "HELP.\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "SHARDCHANNELS"}), "*0\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "SHARDNUMSUB", "a"}), "*2\r\n$1\r\na\r\n:0\r\n");
  EXPECT_EQ(h.Run({"PUBSUB", "FOO"}), "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n");
  EXPECT_EQ(h.Run({"PUBSUB"}), "-ERR wrong number of arguments for 'pubsub' command\r\n");
  const std::string help = h.Run({"PUBSUB", "HELP"});
  EXPECT_EQ(help.rfind("*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n",
                       0),
            0u);
  EXPECT_NE(help.find("+    pattern subscriptions(default: no channels).\r\n"), std::string::npos);
  // CLIENT LIST shows the counts.
  const std::string list = h.Run({"CLIENT", "LIST", "ID", std::to_string(c1->info->id)});
  EXPECT_NE(list.find(" flags=P "), std::string::npos) << list;
  EXPECT_NE(list.find(" sub=2 psub=2 "), std::string::npos) << list;
}

TEST(PubSubCommandTest, SubscribeInsideMulti) {
  CommandHarness h;
  EXPECT_EQ(h.Run({"MULTI"}), "+OK\r\n");
  EXPECT_EQ(h.Run({"SUBSCRIBE", "a"}), "+QUEUED\r\n");
  EXPECT_EQ(h.Run({"EXEC"}), "*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
  EXPECT_EQ(h.Run({"MULTI"}),
            "-ERR Can't execute 'multi': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
            "RESET are allowed in this context\r\n");
}

}  // namespace
}  // namespace hotcache::server
