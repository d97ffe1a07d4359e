// hotcache-server: reads the configuration, builds the store and the command
// table, and runs the network server until SIGINT/SIGTERM or SHUTDOWN.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "server/commands/client_registry.h"
#include "server/commands/command_table.h"
#include "server/commands/server_context.h"
#include "server/commands/stats.h"
#include "server/config/config.h"
#include "server/net/server.h"
#include "spdlog/sinks/basic_file_sink.h"
#include "spdlog/spdlog.h"
#include "storage/clock.h"
#include "storage/store.h"

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

  int threads = config.io_threads();
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  server::ServerContext context;
  context.store = &store;
  context.clock = &clock;
  context.config = &config;
  context.commands = &commands;
  context.clients = &clients;
  context.stats = &stats;
  context.start_time_ms = clock.NowMs();
  context.run_id = RandomRunId();
  std::error_code ec;
  context.executable = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  context.io_threads = threads;

  net::Server net_server(context, threads);
  if (!net_server.Listen(config.bind(), config.port(), &error)) {
    spdlog::error("{}", error);
    return 1;
  }
  context.tcp_port = net_server.bound_port();
  context.request_shutdown = [&net_server] { net_server.Stop(); };

  const std::string config_file = config.config_file();
  spdlog::info("hotcache {} started: pid {}, port {}, bind '{}', {} I/O threads, {} shards, "
               "config file {}",
               HOTCACHE_VERSION, getpid(), context.tcp_port, config.bind(), threads,
               store.num_shards(), config_file.empty() ? "(none)" : config_file);
  net_server.Run();
  spdlog::info("hotcache stopped");
  return 0;
}
