#pragma once
// One client connection. Owns the socket, the read buffer, the pending
// output and the client's state; runs entirely on its IoThread.
//
// Flow (DESIGN.md, decision 3): read what the socket has; parse and execute
// every complete command in the buffer, in order, appending replies to one
// output buffer; send that with one write; when the write completes, read
// again. Arguments are views into the read buffer, which is not touched
// until the batch has run. A protocol error is answered with Redis's text
// and closes this connection only.

#include <asio/ip/tcp.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/resp_parser.h"
#include "server/commands/client_state.h"
#include "server/commands/server_context.h"

namespace hotcache::net {

class IoThread;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::ip::tcp::socket socket, IoThread& thread, server::ServerContext& server);
  ~Connection();

  // Registers the client and starts reading. Call on the connection's thread.
  void Start();
  // Closes the socket; pending operations finish with an error and release
  // the connection. Call on the connection's thread.
  void Close();

  const server::ClientState& client() const { return client_; }

 private:
  void DoRead();
  void OnRead(const std::error_code& ec, size_t n);
  // Parses and runs every complete command in the read buffer.
  void ProcessInput();
  void DoWrite();
  void OnWrite(const std::error_code& ec, size_t n);

  asio::ip::tcp::socket socket_;
  IoThread& thread_;
  server::ServerContext& server_;
  server::ClientState client_;
  protocol::RespParser parser_;

  std::string in_;       // read buffer; bytes [0, in_len_) are unprocessed input
  size_t in_len_ = 0;
  size_t need_ = 0;      // the parser said nothing can progress below this many bytes
  std::string out_;      // replies not yet handed to the socket
  std::string sending_;  // the buffer of the write in flight
  protocol::ReplyWriter writer_{&out_};
  std::vector<std::string_view> args_;
  bool closed_ = false;
  bool close_after_write_ = false;
};

}  // namespace hotcache::net
