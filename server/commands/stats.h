#pragma once
// Server statistics for INFO. Hot counters are per I/O thread (single writer,
// relaxed atomics, no cache-line sharing between threads); INFO sums them.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace hotcache::server {

struct CommandStat {
  std::atomic<uint64_t> calls{0};
  std::atomic<uint64_t> usec{0};
  std::atomic<uint64_t> rejected_calls{0};  // arity, unknown subcommand, OOM, ... (never ran)
  std::atomic<uint64_t> failed_calls{0};    // ran and replied with an error
};

// Owned by one I/O thread (or one test harness); written only by it.
struct ThreadStats {
  explicit ThreadStats(size_t command_ids) : commands(command_ids) {}
  std::vector<CommandStat> commands;  // indexed by CommandSpec::id
  std::atomic<uint64_t> total_commands_processed{0};
  std::atomic<uint64_t> total_error_replies{0};
  std::atomic<uint64_t> unknown_commands{0};  // counted in total_error_replies too
  std::atomic<uint64_t> net_input_bytes{0};
  std::atomic<uint64_t> net_output_bytes{0};
  std::atomic<uint64_t> total_connections_received{0};
};

class ServerStats {
 public:
  // Creates and keeps a ThreadStats for a new I/O thread; lives as long as this.
  ThreadStats* AddThread(size_t command_ids) {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.push_back(std::make_unique<ThreadStats>(command_ids));
    return threads_.back().get();
  }
  // Calls fn(const ThreadStats&) for each thread's stats.
  template <typename Fn>
  void ForEachThread(Fn&& fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& t : threads_) fn(*t);
  }
  // CONFIG RESETSTAT.
  void Reset();

  std::atomic<uint64_t> rejected_connections{0};
  std::atomic<uint64_t> expired_stale_perc{0};

 private:
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<ThreadStats>> threads_;
};

}  // namespace hotcache::server
