#include "server/commands/client_registry.h"

#include <algorithm>

namespace hotcache::server {

void ClientRegistry::Add(std::shared_ptr<ClientInfo> info, std::function<void()> kill) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint64_t id = info->id;
  clients_[id] = Item{std::move(info), std::move(kill)};
}

void ClientRegistry::Remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  clients_.erase(id);
}

size_t ClientRegistry::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return clients_.size();
}

std::vector<std::shared_ptr<ClientInfo>> ClientRegistry::Snapshot() const {
  std::vector<std::shared_ptr<ClientInfo>> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    out.reserve(clients_.size());
    for (const auto& [id, item] : clients_) out.push_back(item.info);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a->id < b->id; });
  return out;
}

bool ClientRegistry::Kill(uint64_t id) {
  std::function<void()> kill;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(id);
    if (it == clients_.end()) return false;
    it->second.info->kill_requested.store(true, std::memory_order_relaxed);
    kill = it->second.kill;
  }
  if (kill) kill();
  return true;
}

}  // namespace hotcache::server
