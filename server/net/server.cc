#include "server/net/server.h"

#include <asio/ip/v6_only.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>

#include "absl/strings/str_split.h"
#include "server/net/connection.h"
#include "spdlog/spdlog.h"

namespace hotcache::net {

Server::Server(server::ServerContext& server, int threads) : server_(server) {
  if (threads < 1) threads = 1;
  for (int i = 0; i < threads; ++i) {
    threads_.push_back(std::make_unique<IoThread>(server, static_cast<size_t>(i)));
  }
}

Server::~Server() {
  Stop();
  for (auto& t : threads_) t->Join();
}

bool Server::Listen(const std::string& bind, int port, std::string* error) {
  int bound_port = port;
  for (absl::string_view piece : absl::StrSplit(bind, ' ', absl::SkipEmpty())) {
    std::string_view item(piece.data(), piece.size());
    const bool optional = !item.empty() && item.front() == '-';
    if (optional) item.remove_prefix(1);
    std::string host(item);
    if (host == "*") host = "0.0.0.0";
    if (host == "::*") host = "::";
    std::error_code ec;
    const asio::ip::address address = asio::ip::make_address(host, ec);
    if (ec) {
      if (optional) continue;
      *error = "invalid bind address '" + host + "'";
      return false;
    }
    auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(control_);
    const asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(bound_port));
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec && address.is_v6()) acceptor->set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(511, ec);
    if (ec) {
      if (optional) continue;
      *error = "could not listen on " + host + ":" + std::to_string(bound_port) + ": " +
               ec.message();
      return false;
    }
    // With port 0, every further address reuses the port the first one got.
    bound_port = acceptor->local_endpoint().port();
    acceptors_.push_back(std::move(acceptor));
  }
  if (acceptors_.empty()) {
    *error = "no address to listen on (bind '" + bind + "')";
    return false;
  }
  bound_port_ = bound_port;
  return true;
}

void Server::DoAccept(size_t acceptor_index) {
  IoThread& thread = *threads_[next_thread_++ % threads_.size()];
  acceptors_[acceptor_index]->async_accept(
      thread.context(), [this, acceptor_index, &thread](const std::error_code& ec,
                                                        asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
          if (static_cast<int64_t>(server_.clients->size()) >= server_.config->maxclients()) {
            server_.stats->rejected_connections.fetch_add(1, std::memory_order_relaxed);
            static constexpr char kMaxClients[] = "-ERR max number of clients reached\r\n";
            std::error_code write_ec;
            asio::write(socket, asio::buffer(kMaxClients, sizeof(kMaxClients) - 1), write_ec);
            socket.close(write_ec);
          } else {
            // The socket belongs to `thread`'s context: start it there.
            asio::post(thread.context(), [&thread, this, s = std::move(socket)]() mutable {
              std::make_shared<Connection>(std::move(s), thread, server_)->Start();
            });
          }
        } else {
          spdlog::warn("accept failed: {}", ec.message());
        }
        DoAccept(acceptor_index);
      });
}

void Server::ArmPeriodicTask(std::chrono::microseconds delay) {
  // The delay counts from the start of the previous run, so the rate holds
  // however long the task took; an overrun starts the next run at once (no catch-up burst).
  const auto now = asio::steady_timer::clock_type::now();
  auto next = periodic_timer_.expiry() + delay;
  periodic_timer_.expires_at(next < now ? now : next);
  periodic_timer_.async_wait([this](const std::error_code& ec) {
    if (ec) return;
    ArmPeriodicTask(periodic_task_());
  });
}

void Server::Run() {
  signals_.async_wait([this](const std::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
    Stop();
  });
  for (size_t i = 0; i < acceptors_.size(); ++i) DoAccept(i);
  if (periodic_task_) {
    periodic_timer_.expires_at(asio::steady_timer::clock_type::now());
    ArmPeriodicTask(std::chrono::microseconds(0));
  }
  for (auto& t : threads_) t->Start();
  auto guard = asio::make_work_guard(control_);
  control_.run();
  for (auto& t : threads_) t->Stop();
  for (auto& t : threads_) t->Join();
}

void Server::Stop() {
  asio::post(control_, [this] {
    std::error_code ec;
    for (auto& acceptor : acceptors_) acceptor->close(ec);
    signals_.cancel(ec);
    periodic_timer_.cancel();
    control_.stop();
  });
}

}  // namespace hotcache::net
