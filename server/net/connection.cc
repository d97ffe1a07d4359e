#include "server/net/connection.h"

#include <asio/post.hpp>
#include <asio/write.hpp>

#include <cstring>

#include "server/config/config.h"
#include "server/net/io_thread.h"
#include "spdlog/spdlog.h"

namespace hotcache::net {
namespace {

constexpr size_t kInitialReadBuffer = 16 * 1024;
// Past this much pending output, stop executing the rest of the batch until
// the socket drains (a client pipelining faster than it reads).
constexpr size_t kOutputHighWater = 4 * 1024 * 1024;

std::string Endpoint(const asio::ip::tcp::endpoint& ep) {
  const auto addr = ep.address();
  if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(ep.port());
  return addr.to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, IoThread& thread,
                       server::ServerContext& server)
    : socket_(std::move(socket)), thread_(thread), server_(server) {
  in_.resize(kInitialReadBuffer);
  client_.subscriber = this;
}

Connection::~Connection() {
  UnsubscribeAll();
  server_.clients->Remove(client_.info->id);
}

void Connection::UnsubscribeAll() {
  if (client_.pubsub_subscriptions == 0 || server_.pubsub == nullptr) return;
  server_.pubsub->UnsubscribeAll(this);
  client_.pubsub_subscriptions = 0;
  client_.info->subscriptions.store(0, std::memory_order_relaxed);
  client_.info->psubscriptions.store(0, std::memory_order_relaxed);
}

void Connection::Start() {
  std::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  server::ClientInfo& info = *client_.info;
  info.id = server_.clients->NextId();
  if (auto remote = socket_.remote_endpoint(ec); !ec) info.addr = Endpoint(remote);
  if (auto local = socket_.local_endpoint(ec); !ec) info.laddr = Endpoint(local);
  info.fd = socket_.native_handle();
  info.created_ms = server_.clock->NowMs();
  info.last_interaction_ms.store(info.created_ms, std::memory_order_relaxed);
  client_.authenticated = server_.config->requirepass().empty();

  std::weak_ptr<Connection> weak = weak_from_this();
  asio::io_context& context = thread_.context();
  server_.clients->Add(client_.info, [weak, &context] {
    asio::post(context, [weak] {
      if (auto self = weak.lock()) self->Close();
    });
  });
  thread_.AddConnection(this);
  thread_.stats().total_connections_received.fetch_add(1, std::memory_order_relaxed);
  parser_.set_limits({.proto_max_bulk_len = server_.config->proto_max_bulk_len()});
  DoRead();
}

void Connection::Close() {
  if (closed_) return;
  closed_ = true;
  UnsubscribeAll();
  thread_.RemoveConnection(this);
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::DoRead() {
  if (closed_ || reading_) return;
  if (client_.info->kill_requested.load(std::memory_order_relaxed)) {
    Close();
    return;
  }
  // Make room: at least what the parser asked for, and never a full buffer.
  size_t want = std::max(need_, in_len_ + 4096);
  if (want > in_.size()) in_.resize(std::max(want, in_.size() * 2));
  reading_ = true;
  socket_.async_read_some(
      asio::buffer(in_.data() + in_len_, in_.size() - in_len_),
      [self = shared_from_this()](const std::error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const std::error_code& ec, size_t n) {
  reading_ = false;
  if (ec) {
    Close();
    return;
  }
  in_len_ += n;
  thread_.stats().net_input_bytes.fetch_add(n, std::memory_order_relaxed);
  client_.info->last_interaction_ms.store(server_.clock->NowMs(), std::memory_order_relaxed);
  if (in_len_ < need_) {
    DoRead();
    return;
  }
  ProcessInput();
  Continue();
}

void Connection::Continue() {
  if (closed_) return;
  if (!out_.empty()) {
    if (!writing_) thread_.ScheduleFlush(shared_from_this());
    return;  // FlushOutput, then OnWrite, continues
  }
  if (writing_) return;  // a message write is in flight: OnWrite continues
  if (close_after_write_) {
    Close();
  } else {
    DoRead();
  }
}

void Connection::ProcessInput() {
  size_t pos = 0;
  need_ = 0;
  while (pos < in_len_ && !close_after_write_) {
    const std::string_view input(in_.data() + pos, in_len_ - pos);
    const protocol::ParseResult result = parser_.ParseCommand(input, &args_);
    if (result.status == protocol::ParseStatus::kNeedMore) {
      need_ = result.min_needed;
      break;
    }
    if (result.status == protocol::ParseStatus::kError) {
      writer_.Error(result.error);
      close_after_write_ = true;
      spdlog::debug("client {} protocol error: {}", client_.info->addr, result.error);
      break;
    }
    pos += result.consumed;
    if (args_.empty()) continue;
    writer_.set_resp3(client_.resp == 3);
    executing_ = true;
    thread_.dispatcher().Execute(client_, args_, writer_);
    executing_ = false;
    if (client_.close_after_reply) close_after_write_ = true;
    if (out_.size() > kOutputHighWater) break;
  }
  // Keep only the unprocessed tail, at the front of the buffer.
  if (pos > 0) {
    if (pos < in_len_) std::memmove(in_.data(), in_.data() + pos, in_len_ - pos);
    in_len_ -= pos;
  }
  const uint64_t limit = static_cast<uint64_t>(server_.config->client_query_buffer_limit());
  if (!close_after_write_ && std::max<uint64_t>(in_len_, need_) > limit) {
    spdlog::warn("closing client {}: query buffer limit reached ({} bytes)", client_.info->addr,
                 std::max<uint64_t>(in_len_, need_));
    Close();
    return;
  }
  // Shrink a buffer that grew for one large command.
  if (in_len_ == 0 && in_.size() > 1024 * 1024) {
    in_.resize(kInitialReadBuffer);
    in_.shrink_to_fit();
  }
  client_.info->query_buffer_bytes.store(in_len_, std::memory_order_relaxed);
}

void Connection::FlushOutput() {
  if (closed_ || writing_ || out_.empty()) return;
  DoWrite();
}

void Connection::DoWrite() {
  writing_ = true;
  sending_.clear();
  sending_.swap(out_);
  client_.info->output_buffer_bytes.store(sending_.size(), std::memory_order_relaxed);
  asio::async_write(socket_, asio::buffer(sending_),
                    [self = shared_from_this()](const std::error_code& ec, size_t n) {
                      self->OnWrite(ec, n);
                    });
}

void Connection::OnWrite(const std::error_code& ec, size_t n) {
  writing_ = false;
  client_.info->output_buffer_bytes.store(out_.size(), std::memory_order_relaxed);
  if (ec) {
    Close();
    return;
  }
  thread_.stats().net_output_bytes.fetch_add(n, std::memory_order_relaxed);
  if (sending_.capacity() > 1024 * 1024) {
    sending_.clear();
    sending_.shrink_to_fit();
  }
  if (!out_.empty()) {  // replies or messages added while writing
    DoWrite();
    return;
  }
  // A message write finished while a read is outstanding: nothing else to do.
  if (reading_) return;
  if (close_after_write_) {
    Close();
    return;
  }
  // Commands left unprocessed by the output high-water mark run now.
  if (in_len_ > 0 && in_len_ >= need_) {
    ProcessInput();
    if (closed_) return;
    if (!out_.empty()) {
      DoWrite();
      return;
    }
  }
  DoRead();
}

void Connection::Deliver(std::shared_ptr<const server::PubSubMessage> message) {
  // A client publishing to itself gets the message before PUBLISH's reply,
  // as in Redis. (executing_ is only read on this connection's own thread.)
  if (thread_.context().get_executor().running_in_this_thread() && executing_) {
    server::AppendPubSubMessage(*message, client_.resp == 3, &out_);
    return;
  }
  // Runs with the registry lock held, possibly while this connection is being
  // destroyed on its own thread (blocked in UnsubscribeAll): weak_from_this()
  // is then already expired and the message is dropped.
  asio::post(thread_.context(), [weak = weak_from_this(), message = std::move(message)] {
    if (auto self = weak.lock()) self->OnMessage(*message);
  });
}

void Connection::OnMessage(const server::PubSubMessage& message) {
  if (closed_ || close_after_write_) return;
  server::AppendPubSubMessage(message, client_.resp == 3, &out_);
  client_.info->output_buffer_bytes.store(out_.size() + sending_.size(),
                                          std::memory_order_relaxed);
  if (OverOutputLimit()) return;
  if (!writing_) DoWrite();
}

bool Connection::OverOutputLimit() {
  // Redis's getClientType: a client with subscriptions is in the pubsub class.
  const server::ClientClass cls = client_.pubsub_subscriptions > 0
                                      ? server::ClientClass::kPubSub
                                      : server::ClientClass::kNormal;
  const server::OutputBufferLimit limit = server_.config->client_output_buffer_limit(cls);
  const uint64_t used = out_.size() + sending_.size();
  const bool hard = limit.hard_bytes > 0 && used >= static_cast<uint64_t>(limit.hard_bytes);
  bool soft = limit.soft_bytes > 0 && used >= static_cast<uint64_t>(limit.soft_bytes);
  if (soft) {
    const int64_t now_ms = server_.clock->NowMs();
    if (soft_limit_since_ms_ == 0) {
      soft_limit_since_ms_ = now_ms;
      soft = false;
    } else if (now_ms - soft_limit_since_ms_ <= limit.soft_seconds * 1000) {
      soft = false;
    }
  } else {
    soft_limit_since_ms_ = 0;
  }
  if (!soft && !hard) return false;
  spdlog::warn(
      "Client id={} addr={} laddr={} fd={} sub={} psub={} omem={} scheduled to be closed ASAP "
      "for overcoming of output buffer limits.",
      client_.info->id, client_.info->addr, client_.info->laddr, client_.info->fd,
      client_.info->subscriptions.load(std::memory_order_relaxed),
      client_.info->psubscriptions.load(std::memory_order_relaxed), used);
  Close();
  // Free the pending output now; the buffer of the write in flight goes when it fails.
  out_.clear();
  out_.shrink_to_fit();
  client_.info->output_buffer_bytes.store(0, std::memory_order_relaxed);
  return true;
}

}  // namespace hotcache::net
