// hotcache-server: reads the configuration, builds the store and the command
// table, and runs the network server until SIGINT/SIGTERM or SHUTDOWN.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "server/commands/client_registry.h"
#include "server/commands/command_table.h"
#include "server/commands/pubsub_registry.h"
#include "server/commands/server_context.h"
#include "server/commands/stats.h"
#include "server/config/config.h"
#include "server/net/server.h"
#include "spdlog/sinks/basic_file_sink.h"
#include "spdlog/spdlog.h"
#include "storage/active_expiry.h"
#include "storage/clock.h"
#include "storage/store.h"
#include "sync/pg_sync.h"

namespace {

using namespace hotcache;

std::string RandomRunId() {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (char& c : id) c = kHex[rng() % 16];
  return id;
}

void SetUpLogging(const server::Config& config) {
  const std::string logfile = config.logfile();
  if (!logfile.empty()) {
    spdlog::set_default_logger(spdlog::basic_logger_mt("hotcache", logfile));
  }
  const std::string level = config.loglevel();
  if (level == "debug") {
    spdlog::set_level(spdlog::level::debug);
  } else if (level == "verbose") {
    spdlog::set_level(spdlog::level::debug);
  } else if (level == "warning") {
    spdlog::set_level(spdlog::level::warn);
  } else {
    spdlog::set_level(spdlog::level::info);
  }
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace

int main(int argc, char** argv) {
  server::Config config;
  std::string error;
  bool help = false;
  bool print_trigger_sql = false;
  if (!config.LoadArgs(argc, argv, &error, &help, &print_trigger_sql)) {
    std::fprintf(stderr, "hotcache-server: %s\n", error.c_str());
    return 1;
  }
  if (help) {
    std::fputs(config.HelpText().c_str(), stdout);
    return 0;
  }
  auto sync_tables = sync::ParseSyncLines(config.pg_sync());
  if (!sync_tables.ok()) {
    std::fprintf(stderr, "hotcache-server: %s\n", std::string(sync_tables.status().message()).c_str());
    return 1;
  }
  if (print_trigger_sql) {
    std::fputs(sync::PgSync::TriggerSql(*sync_tables).c_str(), stdout);
    return 0;
  }
  SetUpLogging(config);

  storage::SystemClock clock;
  storage::Store store(storage::StoreOptions{
      .shard_bits = static_cast<unsigned>(config.shard_bits()),
      .databases = config.databases(),
  });
  server::CommandTable commands;
  server::RegisterAllCommands(commands);
  server::ClientRegistry clients;
  server::ServerStats stats;
  server::PubSubRegistry pubsub;  // outlives net_server (connections unsubscribe on close)

  int threads = config.io_threads();
  if (threads <= 0) {
    // One core is left to the clients that share the machine (a sidecar's
    // app; redis-benchmark here): on 2 cores one I/O thread beat two on every
    // bench/compare row, p99 included (bench/RESULTS.md).
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<int>(std::max(1u, cores - 1));
  }

  server::ServerContext context;
  context.store = &store;
  context.clock = &clock;
  context.config = &config;
  context.commands = &commands;
  context.clients = &clients;
  context.stats = &stats;
  context.pubsub = &pubsub;
  context.start_time_ms = clock.NowMs();
  context.run_id = RandomRunId();
  std::error_code ec;
  context.executable = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  context.io_threads = threads;

  storage::ActiveExpirer expirer(&store, &clock);  // outlives net_server
  context.expirer = &expirer;

  // Postgres sync: warm-load, then follow committed changes, on threads of its own.
  std::unique_ptr<sync::PgSync> pg_sync;
  if (!sync_tables->empty()) {
    std::string dsn = config.pg_dsn();
    if (const char* env = std::getenv("HOTCACHE_PG_DSN"); dsn.empty() && env != nullptr) dsn = env;
    if (dsn.empty()) {
      spdlog::error("pg-sync needs pg-dsn (or the environment variable HOTCACHE_PG_DSN)");
      return 1;
    }
    sync::PgSyncOptions options;
    options.dsn = dsn;
    options.tables = *std::move(sync_tables);
    options.install_triggers = config.pg_install_triggers();
    options.required = config.pg_required();
    // A row change is a write like any other: it aborts the EXEC of a client
    // that WATCHes the key.
    options.on_key_changed = [&context, db = options.db](size_t shard, std::string_view key) {
      if (context.watches.active()) context.watches.Touch(shard, db, key);
    };
    pg_sync = std::make_unique<sync::PgSync>(&store, &clock, std::move(options));
    if (auto status = pg_sync->Start(); !status.ok()) {
      spdlog::error("{}", std::string(status.message()));
      return 1;
    }
    context.sync_info = [p = pg_sync.get()](std::string* out) { p->AppendInfo(out); };
  }

  net::Server net_server(context, threads);
  if (!net_server.Listen(config.bind(), config.port(), &error)) {
    spdlog::error("{}", error);
    return 1;
  }
  context.tcp_port = net_server.bound_port();
  context.request_shutdown = [&net_server] { net_server.Stop(); };

  // Active expiry on the control thread, `hz` times a second, each cycle
  // bounded by Redis's slow-cycle budget (25% of the period).
  net_server.SetPeriodicTask([&expirer, &config] {
    const int hz = std::max(1, config.hz());
    expirer.RunCycle(storage::ActiveExpirer::SlowCycleBudgetUs(hz));
    return std::chrono::microseconds(1'000'000 / hz);
  });

  const std::string config_file = config.config_file();
  spdlog::info("hotcache {} started: pid {}, port {}, bind '{}', {} I/O threads, {} shards, "
               "config file {}",
               HOTCACHE_VERSION, getpid(), context.tcp_port, config.bind(), threads,
               store.num_shards(), config_file.empty() ? "(none)" : config_file);
  net_server.Run();
  if (pg_sync) pg_sync->Stop();
  spdlog::info("hotcache stopped");
  return 0;
}
