#include "tests/server/command_test_util.h"

#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/reply_writer.h"

namespace hotcache::server {

// Keeps every delivered message until TakePushes (thread-safe: tests may
// publish from several threads).
class CommandHarness::RecordingSubscriber : public Subscriber {
 public:
  void Deliver(std::shared_ptr<const PubSubMessage> message) override {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(std::move(message));
  }
  std::vector<std::shared_ptr<const PubSubMessage>> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::exchange(messages_, {});
  }

 private:
  std::mutex mu_;
  std::vector<std::shared_ptr<const PubSubMessage>> messages_;
};

CommandHarness::CommandHarness(storage::StoreOptions options)
    : store_(std::make_unique<storage::Store>(options)) {
  RegisterAllCommands(table_);
  server_.store = store_.get();
  server_.clock = &clock_;
  server_.config = &config_;
  server_.commands = &table_;
  server_.clients = &clients_;
  server_.stats = &stats_;
  server_.pubsub = &pubsub_;
  server_.start_time_ms = clock_.NowMs();
  server_.run_id = std::string(40, 'a');
  server_.tcp_port = 6379;
  dispatcher_ = std::make_unique<Dispatcher>(server_, stats_.AddThread(table_.id_count()));
  client_ = NewClient();
}

CommandHarness::~CommandHarness() {
  for (auto& subscriber : subscribers_) pubsub_.UnsubscribeAll(subscriber.get());
}

std::unique_ptr<ClientState> CommandHarness::NewClient() {
  auto client = std::make_unique<ClientState>();
  client->info->id = clients_.NextId();
  client->info->addr = "127.0.0.1:40000";
  client->info->laddr = "127.0.0.1:6379";
  client->info->created_ms = clock_.NowMs();
  clients_.Add(client->info, nullptr);
  subscribers_.push_back(std::make_unique<RecordingSubscriber>());
  client->subscriber = subscribers_.back().get();
  return client;
}

std::string CommandHarness::TakePushes(ClientState& client) {
  std::string out;
  auto* recorder = static_cast<RecordingSubscriber*>(client.subscriber);
  for (const auto& message : recorder->Take()) {
    AppendPubSubMessage(*message, client.resp == 3, &out);
  }
  return out;
}

void CommandHarness::Disconnect(ClientState& client) {
  pubsub_.UnsubscribeAll(client.subscriber);
  client.pubsub_subscriptions = 0;
  client.info->subscriptions.store(0, std::memory_order_relaxed);
  client.info->psubscriptions.store(0, std::memory_order_relaxed);
}

std::string CommandHarness::Run(const std::vector<std::string>& args) {
  return RunAs(*client_, args);
}

std::string CommandHarness::RunAs(ClientState& client, const std::vector<std::string>& args) {
  std::vector<std::string_view> views(args.begin(), args.end());
  std::string out;
  protocol::ReplyWriter writer(&out, client.resp == 3);
  dispatcher_->Execute(client, views, writer);
  return out;
}

}  // namespace hotcache::server
