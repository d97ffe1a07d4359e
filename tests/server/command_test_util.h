#pragma once
// In-process command harness: the real command table and dispatcher over a
// real Store with a ManualClock, no sockets. Run() returns the raw RESP bytes
// of the reply, so tests read like redis-cli sessions:
//
//   CommandHarness h;
//   EXPECT_EQ(h.Run({"SET", "k", "v"}), "+OK\r\n");
//   EXPECT_EQ(h.Run({"GET", "k"}), "$1\r\nv\r\n");
//
// Every client can subscribe: messages published to it are kept and
// returned, formatted for its protocol, by TakePushes(client).

#include <memory>
#include <string>
#include <vector>

#include "server/commands/client_registry.h"
#include "server/commands/client_state.h"
#include "server/commands/command_table.h"
#include "server/commands/dispatcher.h"
#include "server/commands/pubsub_registry.h"
#include "server/commands/server_context.h"
#include "server/commands/stats.h"
#include "server/config/config.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace hotcache::server {

class CommandHarness {
 public:
  explicit CommandHarness(storage::StoreOptions options = {});
  ~CommandHarness();

  // Runs one command as the default client; returns the reply bytes
  // ("" when CLIENT REPLY silenced it).
  std::string Run(const std::vector<std::string>& args);
  // Runs one command as `client` (see NewClient).
  std::string RunAs(ClientState& client, const std::vector<std::string>& args);
  // A further client of the same server (registered in the client registry).
  std::unique_ptr<ClientState> NewClient();

  // The Pub/Sub messages delivered to `client` since the last call, as the
  // bytes its connection would send (RESP2 arrays or RESP3 pushes).
  std::string TakePushes(ClientState& client);
  // Drops every subscription of `client` (what a disconnect does).
  void Disconnect(ClientState& client);

  ClientState& client() { return *client_; }
  PubSubRegistry& pubsub() { return pubsub_; }
  storage::ManualClock& clock() { return clock_; }
  storage::Store& store() { return *store_; }
  Config& config() { return config_; }
  ServerContext& server() { return server_; }
  ServerStats& stats() { return stats_; }
  const CommandTable& table() { return table_; }

 private:
  storage::ManualClock clock_;
  std::unique_ptr<storage::Store> store_;
  Config config_;
  CommandTable table_;
  ClientRegistry clients_;
  ServerStats stats_;
  PubSubRegistry pubsub_;
  ServerContext server_;
  std::unique_ptr<Dispatcher> dispatcher_;
  // One per client made by NewClient (kept until the harness dies).
  class RecordingSubscriber;
  std::vector<std::unique_ptr<RecordingSubscriber>> subscribers_;
  std::unique_ptr<ClientState> client_;
};

}  // namespace hotcache::server
