#pragma once
// The network server: listens on the configured addresses, hands each
// accepted socket to the next IoThread round-robin, and runs until Stop()
// (SIGINT/SIGTERM or SHUTDOWN).

#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/commands/server_context.h"
#include "server/net/io_thread.h"

namespace hotcache::net {

class Server {
 public:
  // `threads` I/O threads (>= 1).
  Server(server::ServerContext& server, int threads);
  ~Server();

  // Binds every address of `bind` (space-separated; "*" = all IPv4; a leading
  // '-' marks an address whose failure is not fatal) on `port` (0: any free
  // port). On failure returns false with one line in *error.
  bool Listen(const std::string& bind, int port, std::string* error);
  // The port actually bound (differs from the requested one only for port 0).
  int bound_port() const { return bound_port_; }

  // Runs the I/O threads until Stop(); returns after every thread joined.
  void Run();
  // Thread-safe; may be called from a signal handler context via asio or from SHUTDOWN.
  void Stop();

  // Background work (Redis's serverCron): `task` runs on the control thread
  // (Run()'s thread, which otherwise only accepts connections), once as soon
  // as Run() starts, then again when the delay it returned has passed since
  // that run began (re-read every call, so CONFIG SET hz takes effect). If a
  // run overruns, the next starts at once. Call before Run().
  using PeriodicTask = std::function<std::chrono::microseconds()>;
  void SetPeriodicTask(PeriodicTask task) { periodic_task_ = std::move(task); }

 private:
  void DoAccept(size_t acceptor_index);
  void ArmPeriodicTask(std::chrono::microseconds delay);

  server::ServerContext& server_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  // Acceptors and the signal set run on a control context of their own, run by Run()'s thread.
  asio::io_context control_{1};
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  asio::signal_set signals_{control_, SIGINT, SIGTERM};
  PeriodicTask periodic_task_;
  asio::steady_timer periodic_timer_{control_};
  size_t next_thread_ = 0;
  int bound_port_ = 0;
};

}  // namespace hotcache::net
