#include "server/commands/stats.h"

namespace hotcache::server {

void ServerStats::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& t : threads_) {
    for (CommandStat& c : t->commands) {
      c.calls.store(0, std::memory_order_relaxed);
      c.usec.store(0, std::memory_order_relaxed);
      c.rejected_calls.store(0, std::memory_order_relaxed);
      c.failed_calls.store(0, std::memory_order_relaxed);
    }
    t->total_commands_processed.store(0, std::memory_order_relaxed);
    t->total_error_replies.store(0, std::memory_order_relaxed);
    t->unknown_commands.store(0, std::memory_order_relaxed);
    t->net_input_bytes.store(0, std::memory_order_relaxed);
    t->net_output_bytes.store(0, std::memory_order_relaxed);
    t->total_connections_received.store(0, std::memory_order_relaxed);
  }
  rejected_connections.store(0, std::memory_order_relaxed);
}

}  // namespace hotcache::server
