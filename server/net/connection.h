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
//
// Pub/Sub messages arrive at any time (Deliver, from a publisher on any
// thread, posts them to this connection's thread): they are appended to the
// output and written even while a read is outstanding. At most one read and
// one write are in flight (reading_ / writing_); a read is only started once
// every complete command in the buffer has run. A subscriber whose pending
// output passes client-output-buffer-limit (pubsub class) is disconnected.

#include <asio/ip/tcp.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_writer.h"
#include "protocol/resp_parser.h"
#include "server/commands/client_state.h"
#include "server/commands/pubsub_registry.h"
#include "server/commands/server_context.h"

namespace hotcache::net {

class IoThread;

class Connection : public std::enable_shared_from_this<Connection>, public server::Subscriber {
 public:
  Connection(asio::ip::tcp::socket socket, IoThread& thread, server::ServerContext& server);
  ~Connection() override;

  // Registers the client and starts reading. Call on the connection's thread.
  void Start();
  // Closes the socket; pending operations finish with an error and release
  // the connection. Call on the connection's thread.
  void Close();

  const server::ClientState& client() const { return client_; }

  // Starts writing the pending replies, unless closed or a write is in
  // flight (IoThread's end-of-pass flush calls it).
  void FlushOutput();

  // server::Subscriber: any thread; posts the message to this connection's thread.
  void Deliver(std::shared_ptr<const server::PubSubMessage> message) override;

 private:
  void DoRead();
  void OnRead(const std::error_code& ec, size_t n);
  // Parses and runs every complete command in the read buffer.
  void ProcessInput();
  void DoWrite();
  void OnWrite(const std::error_code& ec, size_t n);
  // After a batch ran (no read in flight): write, read again, or close.
  void Continue();
  // A Pub/Sub message on this connection's thread: append it and send it.
  void OnMessage(const server::PubSubMessage& message);
  // Redis's checkClientOutputBufferLimits for the client's class; closes the
  // connection and returns true when a limit is passed.
  bool OverOutputLimit();
  // Drops every Pub/Sub subscription (disconnect).
  void UnsubscribeAll();

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
  bool reading_ = false;  // an async read is in flight
  bool writing_ = false;  // an async write (of sending_) is in flight
  bool executing_ = false;  // a command of this connection is running (own thread only)
  int64_t soft_limit_since_ms_ = 0;  // when pending output first passed the soft limit; 0 = below
  bool close_after_write_ = false;
};

}  // namespace hotcache::net
