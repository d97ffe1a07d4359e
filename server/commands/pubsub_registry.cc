#include "server/commands/pubsub_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/string_view.h"
#include "protocol/reply_writer.h"
#include "storage/glob.h"

namespace hotcache::server {
namespace {

absl::string_view Absl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

void AppendPubSubMessage(const PubSubMessage& message, bool resp3, std::string* out) {
  protocol::ReplyWriter writer(out, resp3);
  if (message.from_pattern) {
    writer.PushHeader(4);
    writer.Bulk("pmessage");
    writer.Bulk(message.pattern);
  } else {
    writer.PushHeader(3);
    writer.Bulk("message");
  }
  writer.Bulk(message.channel);
  writer.Bulk(message.payload);
}

SubscriptionCounts PubSubRegistry::CountsLocked(Subscriber* s) const {
  auto it = clients_.find(s);
  if (it == clients_.end()) return {};
  return {static_cast<int>(it->second.channels.size()),
          static_cast<int>(it->second.patterns.size())};
}

bool PubSubRegistry::Erase(std::vector<std::string>& list, std::string_view name) {
  auto it = std::find(list.begin(), list.end(), name);
  if (it == list.end()) return false;
  list.erase(it);
  return true;
}

SubscriptionCounts PubSubRegistry::Subscribe(Subscriber* s, std::string_view channel) {
  std::lock_guard<std::mutex> lock(mu_);
  SubscriberSet& set = channels_[Absl(channel)];
  if (set.insert(s).second) clients_[s].channels.emplace_back(channel);
  return CountsLocked(s);
}

SubscriptionCounts PubSubRegistry::PSubscribe(Subscriber* s, std::string_view pattern) {
  std::lock_guard<std::mutex> lock(mu_);
  SubscriberSet& set = patterns_[Absl(pattern)];
  if (set.insert(s).second) clients_[s].patterns.emplace_back(pattern);
  return CountsLocked(s);
}

SubscriptionCounts PubSubRegistry::Unsubscribe(Subscriber* s, std::string_view channel) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = channels_.find(Absl(channel));
  if (it != channels_.end() && it->second.erase(s) > 0) {
    if (it->second.empty()) channels_.erase(it);
    auto client = clients_.find(s);
    Erase(client->second.channels, channel);
    if (client->second.channels.empty() && client->second.patterns.empty()) clients_.erase(client);
  }
  return CountsLocked(s);
}

SubscriptionCounts PubSubRegistry::PUnsubscribe(Subscriber* s, std::string_view pattern) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = patterns_.find(Absl(pattern));
  if (it != patterns_.end() && it->second.erase(s) > 0) {
    if (it->second.empty()) patterns_.erase(it);
    auto client = clients_.find(s);
    Erase(client->second.patterns, pattern);
    if (client->second.channels.empty() && client->second.patterns.empty()) clients_.erase(client);
  }
  return CountsLocked(s);
}

std::vector<std::string> PubSubRegistry::ChannelsOf(Subscriber* s) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clients_.find(s);
  return it == clients_.end() ? std::vector<std::string>() : it->second.channels;
}

std::vector<std::string> PubSubRegistry::PatternsOf(Subscriber* s) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clients_.find(s);
  return it == clients_.end() ? std::vector<std::string>() : it->second.patterns;
}

void PubSubRegistry::UnsubscribeAll(Subscriber* s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto client = clients_.find(s);
  if (client == clients_.end()) return;
  for (const std::string& channel : client->second.channels) {
    auto it = channels_.find(channel);
    if (it == channels_.end()) continue;
    it->second.erase(s);
    if (it->second.empty()) channels_.erase(it);
  }
  for (const std::string& pattern : client->second.patterns) {
    auto it = patterns_.find(pattern);
    if (it == patterns_.end()) continue;
    it->second.erase(s);
    if (it->second.empty()) patterns_.erase(it);
  }
  clients_.erase(client);
}

int64_t PubSubRegistry::Publish(std::string_view channel, std::string_view payload) {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t receivers = 0;
  if (auto it = channels_.find(Absl(channel)); it != channels_.end()) {
    auto message = std::make_shared<PubSubMessage>();
    message->channel.assign(channel);
    message->payload.assign(payload);
    std::shared_ptr<const PubSubMessage> shared = std::move(message);
    for (Subscriber* s : it->second) {
      s->Deliver(shared);
      ++receivers;
    }
  }
  for (const auto& [pattern, subscribers] : patterns_) {
    if (!storage::GlobMatch(pattern, channel)) continue;
    auto message = std::make_shared<PubSubMessage>();
    message->channel.assign(channel);
    message->payload.assign(payload);
    message->from_pattern = true;
    message->pattern = pattern;
    std::shared_ptr<const PubSubMessage> shared = std::move(message);
    for (Subscriber* s : subscribers) {
      s->Deliver(shared);
      ++receivers;
    }
  }
  return receivers;
}

std::vector<std::string> PubSubRegistry::ActiveChannels(const std::string_view* pattern) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [channel, subscribers] : channels_) {
    if (pattern != nullptr && !storage::GlobMatch(*pattern, channel)) continue;
    out.push_back(channel);
  }
  return out;
}

int64_t PubSubRegistry::NumSubscribers(std::string_view channel) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = channels_.find(Absl(channel));
  return it == channels_.end() ? 0 : static_cast<int64_t>(it->second.size());
}

int64_t PubSubRegistry::NumPatterns() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(patterns_.size());
}

int64_t PubSubRegistry::NumChannels() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(channels_.size());
}

}  // namespace hotcache::server
