#include "server/net/io_thread.h"

#include <asio/post.hpp>

#include <chrono>
#include <vector>

#include "server/net/connection.h"

namespace hotcache::net {

IoThread::IoThread(server::ServerContext& server, size_t index)
    : server_(server),
      index_(index),
      stats_(server.stats->AddThread(server.commands->id_count())),
      dispatcher_(server, stats_) {}

IoThread::~IoThread() {
  Stop();
  Join();
}

void IoThread::Start() {
  ScheduleCron();
  thread_ = std::thread([this] {
    auto guard = asio::make_work_guard(context_);
    context_.run();
  });
}

void IoThread::Stop() { context_.stop(); }

void IoThread::Join() {
  if (thread_.joinable()) thread_.join();
}

void IoThread::ScheduleFlush(std::shared_ptr<Connection> c) {
  pending_flush_.push_back(std::move(c));
  if (flush_posted_) return;
  flush_posted_ = true;
  // Posted behind the completions already queued by this epoll pass.
  asio::post(context_, [this] { FlushPending(); });
}

void IoThread::FlushPending() {
  flush_posted_ = false;
  flushing_.swap(pending_flush_);
  for (const std::shared_ptr<Connection>& c : flushing_) c->FlushOutput();
  flushing_.clear();
}

void IoThread::ScheduleCron() {
  cron_timer_.expires_after(std::chrono::seconds(1));
  cron_timer_.async_wait([this](const std::error_code& ec) {
    if (ec) return;
    Cron();
    ScheduleCron();
  });
}

void IoThread::Cron() {
  const int64_t timeout_s = server_.config->timeout_seconds();
  if (timeout_s <= 0) return;
  const int64_t now_ms = server_.clock->NowMs();
  std::vector<Connection*> idle;
  for (Connection* c : connections_) {
    const server::ClientState& client = c->client();
    // Redis never times out clients in MULTI or subscribed ones.
    if (client.in_multi || client.info->subscriptions.load(std::memory_order_relaxed) > 0 ||
        client.info->psubscriptions.load(std::memory_order_relaxed) > 0) {
      continue;
    }
    const int64_t last = client.info->last_interaction_ms.load(std::memory_order_relaxed);
    if (now_ms - last > timeout_s * 1000) idle.push_back(c);
  }
  for (Connection* c : idle) c->Close();
}

}  // namespace hotcache::net
