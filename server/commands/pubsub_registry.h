#pragma once
// Pub/Sub: who is subscribed to which channels and patterns, and delivery of
// published messages to them (Redis's src/pubsub.c).
//
// A subscriber is anything that can receive a message: the net Connection
// (which hands it to its own I/O thread) or a test harness client. The
// registry is shared by every I/O thread and guarded by one mutex; PUBLISH
// delivers while holding it, so every subscriber sees the messages of a
// channel in the order PUBLISH returned, and the count PUBLISH returns is the
// number of deliveries made.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"

namespace hotcache::server {

// One published message as one receiver group gets it. Immutable once built;
// shared by every subscriber it is delivered to.
struct PubSubMessage {
  std::string channel;
  std::string payload;
  // For a pattern match ("pmessage"): the pattern that matched.
  bool from_pattern = false;
  std::string pattern;
};

// Appends `message` as Redis sends it: RESP2 *3 message/channel/payload or
// *4 pmessage/pattern/channel/payload; RESP3 the same as a push (>3 / >4).
void AppendPubSubMessage(const PubSubMessage& message, bool resp3, std::string* out);

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Called on the publisher's thread with the registry lock held: must not
  // block and must not call back into the registry. The subscriber formats
  // and sends the message later, on its own thread.
  virtual void Deliver(std::shared_ptr<const PubSubMessage> message) = 0;
};

// A client's subscription counts after a (un)subscribe: Redis replies with
// channels + patterns; CLIENT LIST shows them apart (sub= psub=).
struct SubscriptionCounts {
  int channels = 0;
  int patterns = 0;
  int total() const { return channels + patterns; }
};

// Thread-safe. A Subscriber must be removed (UnsubscribeAll) before it is
// destroyed; the registry stores plain pointers.
class PubSubRegistry {
 public:
  PubSubRegistry() = default;
  PubSubRegistry(const PubSubRegistry&) = delete;
  PubSubRegistry& operator=(const PubSubRegistry&) = delete;

  // Subscribes `s` to `channel` (a no-op if it already is); returns its counts after.
  SubscriptionCounts Subscribe(Subscriber* s, std::string_view channel);
  SubscriptionCounts PSubscribe(Subscriber* s, std::string_view pattern);
  // Unsubscribes `s` from one channel/pattern (a no-op if it is not subscribed).
  SubscriptionCounts Unsubscribe(Subscriber* s, std::string_view channel);
  SubscriptionCounts PUnsubscribe(Subscriber* s, std::string_view pattern);
  // The channels (patterns) `s` is subscribed to, in subscription order.
  std::vector<std::string> ChannelsOf(Subscriber* s) const;
  std::vector<std::string> PatternsOf(Subscriber* s) const;
  // Removes every subscription of `s` (disconnect).
  void UnsubscribeAll(Subscriber* s);

  // Delivers to every subscriber of `channel` and to every (subscriber,
  // pattern) pair whose pattern matches it; returns the number of deliveries.
  int64_t Publish(std::string_view channel, std::string_view payload);

  // PUBSUB CHANNELS [pattern]: channels with at least one subscriber
  // (matching `pattern` when given), in no particular order.
  std::vector<std::string> ActiveChannels(const std::string_view* pattern) const;
  // PUBSUB NUMSUB: subscribers of `channel` (patterns excluded).
  int64_t NumSubscribers(std::string_view channel) const;
  // PUBSUB NUMPAT / INFO pubsub_patterns: distinct patterns with a subscriber.
  int64_t NumPatterns() const;
  // INFO pubsub_channels: channels with a subscriber.
  int64_t NumChannels() const;

 private:
  // What one subscriber is subscribed to, in subscription order (Redis
  // answers an argument-less (P)UNSUBSCRIBE in that order for patterns).
  struct Client {
    std::vector<std::string> channels;
    std::vector<std::string> patterns;
  };
  using SubscriberSet = absl::flat_hash_set<Subscriber*>;
  SubscriptionCounts CountsLocked(Subscriber* s) const;
  // Removes `name` from `list`; false if it was not there.
  static bool Erase(std::vector<std::string>& list, std::string_view name);

  mutable std::mutex mu_;
  // State below is protected by mu_.
  absl::node_hash_map<std::string, SubscriberSet> channels_;
  absl::node_hash_map<std::string, SubscriberSet> patterns_;
  absl::flat_hash_map<Subscriber*, Client> clients_;
};

}  // namespace hotcache::server
