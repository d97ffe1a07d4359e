#pragma once
// One I/O thread: an asio::io_context run by one std::thread, the
// Dispatcher (and ThreadStats) its connections use, and the set of
// connections it owns. A connection lives on one IoThread for its whole life
// (DESIGN.md, decision 1): everything here is touched only by that thread,
// except Post(), which any thread may call.

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "server/commands/dispatcher.h"

namespace hotcache::net {

class Connection;

class IoThread {
 public:
  IoThread(server::ServerContext& server, size_t index);
  ~IoThread();

  asio::io_context& context() { return context_; }
  server::Dispatcher& dispatcher() { return dispatcher_; }
  server::ThreadStats& stats() { return *stats_; }
  size_t index() const { return index_; }

  // Starts the thread running the io_context until Stop().
  void Start();
  // Stops the io_context; Join() waits for the thread.
  void Stop();
  void Join();

  // Connection bookkeeping (this thread only).
  void AddConnection(Connection* c) { connections_.insert(c); }
  void RemoveConnection(Connection* c) { connections_.erase(c); }

  // Replies are sent once per event-loop pass, after every connection that the
  // same epoll_wait made ready has run its commands (Redis's beforeSleep): the
  // clients then find many replies ready at once, which halves their wake-ups
  // at -P 1. Queues `c` for that flush. This thread only.
  void ScheduleFlush(std::shared_ptr<Connection> c);

 private:
  // Once a second: closes clients idle longer than `timeout`.
  void ScheduleCron();
  void Cron();
  void FlushPending();

  server::ServerContext& server_;
  size_t index_;
  asio::io_context context_{1};
  server::ThreadStats* stats_;
  server::Dispatcher dispatcher_;
  asio::steady_timer cron_timer_{context_};
  absl::flat_hash_set<Connection*> connections_;
  std::vector<std::shared_ptr<Connection>> pending_flush_;  // see ScheduleFlush
  std::vector<std::shared_ptr<Connection>> flushing_;
  bool flush_posted_ = false;
  std::thread thread_;
};

}  // namespace hotcache::net
