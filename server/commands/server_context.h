#pragma once
// The services a command may use beyond its own client and database. One per
// server process (or per test harness); every member is thread-safe or
// read-only after start-up. Owned by main() (or the test harness); handlers
// receive it by reference and never store it.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "server/commands/client_registry.h"
#include "server/commands/command_table.h"
#include "server/commands/stats.h"
#include "server/commands/watch_table.h"
#include "server/config/config.h"
#include "storage/active_expiry.h"
#include "storage/clock.h"
#include "storage/store.h"

namespace hotcache::server {

class PubSubRegistry;

struct ServerContext {
  storage::Store* store = nullptr;
  const storage::Clock* clock = nullptr;
  Config* config = nullptr;
  const CommandTable* commands = nullptr;
  ClientRegistry* clients = nullptr;
  ServerStats* stats = nullptr;
  // Background active expiry (INFO keyspace avg_ttl); null in tests without one.
  const storage::ActiveExpirer* expirer = nullptr;
  // Channel and pattern subscriptions (SUBSCRIBE, PUBLISH, PUBSUB, INFO).
  PubSubRegistry* pubsub = nullptr;

  int64_t start_time_ms = 0;
  std::string run_id;          // 40 hex chars, random per start
  std::string executable;      // absolute path of the binary (INFO server)
  int tcp_port = 0;            // the port actually bound (may differ from config if 0)
  int io_threads = 1;          // actual I/O thread count

  // Asks the process to stop (SHUTDOWN): set by main/net; may be empty in tests.
  std::function<void()> request_shutdown;
  // Set by SHUTDOWN/FLUSHALL etc. when relevant; read by INFO.
  std::atomic<int64_t> last_flush_ms{0};
  // Appends INFO's "# Sync" section (Postgres sync); empty when sync is off.
  std::function<void(std::string*)> sync_info;
  // WATCHed keys (transactions.cc); thread-safety in watch_table.h.
  WatchTable watches;
};

}  // namespace hotcache::server
