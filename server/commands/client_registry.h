#pragma once
// Every connected client, for CLIENT LIST / CLIENT KILL / INFO clients.
// Thread-safe: connections register and unregister from their own threads.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "server/commands/client_state.h"

namespace hotcache::server {

class ClientRegistry {
 public:
  // `kill` closes the connection; it may be called from any thread and must
  // hand the work to the connection's own thread (the net layer posts it).
  void Add(std::shared_ptr<ClientInfo> info, std::function<void()> kill);
  void Remove(uint64_t id);
  uint64_t NextId() { return next_id_.fetch_add(1, std::memory_order_relaxed); }
  size_t size() const;
  // A snapshot of every client's info, in id order.
  std::vector<std::shared_ptr<ClientInfo>> Snapshot() const;
  // Requests that client `id` be closed; false if no such client.
  bool Kill(uint64_t id);

 private:
  struct Item {
    std::shared_ptr<ClientInfo> info;
    std::function<void()> kill;
  };
  mutable std::mutex mu_;
  absl::flat_hash_map<uint64_t, Item> clients_;  // guarded by mu_
  std::atomic<uint64_t> next_id_{1};
};

}  // namespace hotcache::server
