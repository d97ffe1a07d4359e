#include "tests/server/command_test_util.h"

#include <string_view>

#include "protocol/reply_writer.h"

namespace hotcache::server {

CommandHarness::CommandHarness(storage::StoreOptions options)
    : store_(std::make_unique<storage::Store>(options)) {
  RegisterAllCommands(table_);
  server_.store = store_.get();
  server_.clock = &clock_;
  server_.config = &config_;
  server_.commands = &table_;
  server_.clients = &clients_;
  server_.stats = &stats_;
  server_.start_time_ms = clock_.NowMs();
  server_.run_id = std::string(40, 'a');
  server_.tcp_port = 6379;
  dispatcher_ = std::make_unique<Dispatcher>(server_, stats_.AddThread(table_.id_count()));
  client_ = NewClient();
}

CommandHarness::~CommandHarness() = default;

std::unique_ptr<ClientState> CommandHarness::NewClient() {
  auto client = std::make_unique<ClientState>();
  client->info->id = clients_.NextId();
  client->info->addr = "127.0.0.1:40000";
  client->info->laddr = "127.0.0.1:6379";
  client->info->created_ms = clock_.NowMs();
  clients_.Add(client->info, nullptr);
  return client;
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
