#pragma once
// The network server: listens on the configured addresses, hands each
// accepted socket to the next IoThread round-robin, and runs until Stop()
// (SIGINT/SIGTERM or SHUTDOWN).

#include <asio/ip/tcp.hpp>
#include <asio/signal_set.hpp>

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

 private:
  void DoAccept(size_t acceptor_index);

  server::ServerContext& server_;
  std::vector<std::unique_ptr<IoThread>> threads_;
  // Acceptors and the signal set run on a control context of their own, run by Run()'s thread.
  asio::io_context control_{1};
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors_;
  asio::signal_set signals_{control_, SIGINT, SIGTERM};
  size_t next_thread_ = 0;
  int bound_port_ = 0;
};

}  // namespace hotcache::net
