// The server family: INFO CONFIG TIME DBSIZE FLUSHDB FLUSHALL SWAPDB SHUTDOWN,
// with Redis 7's replies (src/server.c, src/config.c, src/db.c).
//
// DBSIZE, FLUSH*, SWAPDB and INFO are kAllShards: the dispatcher holds every
// shard lock while they run, so whole-database operations see a stable store.

#include <malloc.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/errors.h"
#include "server/commands/command.h"
#include "server/commands/command_table.h"
#include "server/commands/pubsub_registry.h"
#include "server/commands/server_context.h"
#include "server/commands/stats.h"
#include "server/commands/watch_table.h"
#include "server/config/config.h"
#include "storage/memory.h"

namespace hotcache::server {
namespace {

namespace errors = protocol::errors;

// The Redis version hotcache reports (INFO redis_version): the local
// redis-server 7 it is compared against, so clients that check versions work.
constexpr std::string_view kRedisVersion = "7.0.15";

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
    const char y = (b[i] >= 'A' && b[i] <= 'Z') ? static_cast<char>(b[i] + 32) : b[i];
    if (x != y) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// Redis's string2ll.
bool ParseLL(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  if (s == "0") {
    *out = 0;
    return true;
  }
  size_t i = 0;
  const bool negative = s[0] == '-';
  if (negative && ++i == s.size()) return false;
  if (s[i] < '1' || s[i] > '9') return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const uint64_t d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (negative) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *out = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *out = static_cast<int64_t>(v);
  }
  return true;
}

// Redis's getIntFromObjectOrReply: string2ll within int range.
bool ParseInt(std::string_view s, int* out) {
  int64_t v;
  if (!ParseLL(s, &v) || v < INT_MIN || v > INT_MAX) return false;
  *out = static_cast<int>(v);
  return true;
}

// ---- TIME, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB --------------------------------

void TimeCommand(CommandContext& ctx) {
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  ctx.reply.ArrayHeader(2);
  ctx.reply.Bulk(std::to_string(us / 1000000));
  ctx.reply.Bulk(std::to_string(us % 1000000));
}

void DbSizeCommand(CommandContext& ctx) { ctx.reply.Integer(static_cast<int64_t>(ctx.db.Size())); }

// Redis's getFlushCommandFlags: at most one of ASYNC / SYNC. Both free inline
// here (the dispatcher holds every shard lock either way).
bool FlushArgsOk(CommandContext& ctx) {
  if (ctx.argc() > 2) return false;
  return ctx.argc() == 1 || EqualsNoCase(ctx.arg(1), "sync") || EqualsNoCase(ctx.arg(1), "async");
}

void FlushDbCommand(CommandContext& ctx) {
  if (!FlushArgsOk(ctx)) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  TouchWatchedKeysInDb(ctx, ctx.db.db());
  ctx.db.Clear();
  ctx.server.last_flush_ms.store(ctx.db.now_ms(), std::memory_order_relaxed);
  ctx.reply.SimpleString("OK");
}

void FlushAllCommand(CommandContext& ctx) {
  if (!FlushArgsOk(ctx)) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  TouchWatchedKeysInDb(ctx, -1);
  for (int db = 0; db < ctx.db.store().databases(); ++db) ctx.db.WithDb(db).Clear();
  ctx.server.last_flush_ms.store(ctx.db.now_ms(), std::memory_order_relaxed);
  ctx.reply.SimpleString("OK");
}

void SwapDbCommand(CommandContext& ctx) {
  int first, second;
  if (!ParseInt(ctx.arg(1), &first)) {
    ctx.reply.Error(errors::kInvalidFirstDbIndex);
    return;
  }
  if (!ParseInt(ctx.arg(2), &second)) {
    ctx.reply.Error(errors::kInvalidSecondDbIndex);
    return;
  }
  const int databases = ctx.db.store().databases();
  if (first < 0 || first >= databases || second < 0 || second >= databases) {
    ctx.reply.Error(errors::kDbIndexOutOfRange);
    return;
  }
  if (first != second) {
    TouchWatchedKeysInDb(ctx, first, second);
    ctx.db.WithDb(first).SwapWith(second);
  }
  ctx.reply.SimpleString("OK");
}

// ---- SHUTDOWN ---------------------------------------------------------------

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. hotcache never persists, so
// SAVE/NOSAVE change nothing; no shutdown is ever pending, so ABORT always
// fails as in Redis when none is in progress. On success nothing is replied:
// the connection closes, as with Redis (the process exits).
void ShutdownCommand(CommandContext& ctx) {
  bool nosave = false, save = false, other = false, abort = false;
  for (size_t i = 1; i < ctx.argc(); ++i) {
    const std::string_view a = ctx.arg(i);
    if (EqualsNoCase(a, "nosave")) {
      nosave = true;
    } else if (EqualsNoCase(a, "save")) {
      save = true;
    } else if (EqualsNoCase(a, "now") || EqualsNoCase(a, "force")) {
      other = true;
    } else if (EqualsNoCase(a, "abort")) {
      abort = true;
    } else {
      ctx.reply.Error(errors::kSyntax);
      return;
    }
  }
  if ((abort && (nosave || save || other)) || (nosave && save)) {
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  if (abort) {
    ctx.reply.Error(errors::kNoShutdownInProgress);
    return;
  }
  if (!ctx.server.request_shutdown) {
    ctx.reply.Error(errors::kShutdownFailed);
    return;
  }
  ctx.server.request_shutdown();
  ctx.client.close_after_reply = true;
}

// ---- CONFIG -----------------------------------------------------------------

void ConfigGetCommand(CommandContext& ctx) {
  std::vector<std::pair<std::string, std::string>> all;
  std::vector<std::string> seen;  // lower-case names already in `all`
  for (size_t i = 2; i < ctx.argc(); ++i) {
    for (auto& [name, value] : ctx.server.config->Get(ctx.arg(i))) {
      std::string lower = ToLower(name);
      if (std::find(seen.begin(), seen.end(), lower) != seen.end()) continue;
      seen.push_back(std::move(lower));
      all.emplace_back(std::move(name), std::move(value));
    }
  }
  ctx.reply.MapHeader(all.size());
  for (const auto& [name, value] : all) {
    ctx.reply.Bulk(name);
    ctx.reply.Bulk(value);
  }
}

void ConfigSetCommand(CommandContext& ctx) {
  if ((ctx.argc() & 1) != 0) {  // name/value pairs after "CONFIG SET"
    ctx.reply.Error(errors::kSyntax);
    return;
  }
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  for (size_t i = 2; i + 1 < ctx.argc(); i += 2) pairs.emplace_back(ctx.arg(i), ctx.arg(i + 1));
  std::string error;
  if (!ctx.server.config->SetMany(pairs, &error)) {
    ctx.reply.Error(error);
    return;
  }
  ctx.reply.SimpleString("OK");
}

void ConfigResetStatCommand(CommandContext& ctx) {
  if (ctx.server.stats != nullptr) ctx.server.stats->Reset();
  ctx.server.store->ResetCounters();
  ctx.reply.SimpleString("OK");
}

void ConfigRewriteCommand(CommandContext& ctx) {
  if (ctx.server.config->config_file().empty()) {
    ctx.reply.Error(errors::kNoConfigFile);
  } else {
    ctx.reply.Error(errors::kConfigRewriteUnsupported);
  }
}

void ConfigHelpCommand(CommandContext& ctx) {
  static constexpr std::string_view kLines[] = {
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.",
  };
  ctx.reply.ArrayHeader(std::size(kLines));
  for (std::string_view line : kLines) ctx.reply.SimpleString(line);
}

// ---- INFO -------------------------------------------------------------------

void AppendField(std::string* out, std::string_view name, std::string_view value) {
  out->append(name).push_back(':');
  out->append(value).append("\r\n");
}
void AppendField(std::string* out, std::string_view name, int64_t value) {
  AppendField(out, name, std::to_string(value));
}
void AppendField(std::string* out, std::string_view name, uint64_t value) {
  AppendField(out, name, std::to_string(value));
}

std::string Format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

// Redis's bytesToHuman.
std::string BytesToHuman(uint64_t n) {
  const double d = static_cast<double>(n);
  if (n < 1024) return std::to_string(n) + "B";
  if (n < 1024ULL * 1024) return Format("%.2fK", d / 1024);
  if (n < 1024ULL * 1024 * 1024) return Format("%.2fM", d / (1024.0 * 1024));
  if (n < 1024ULL * 1024 * 1024 * 1024) return Format("%.2fG", d / (1024.0 * 1024 * 1024));
  if (n < 1024ULL * 1024 * 1024 * 1024 * 1024) {
    return Format("%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
  }
  if (n < 1024ULL * 1024 * 1024 * 1024 * 1024 * 1024) {
    return Format("%.2fP", d / (1024.0 * 1024 * 1024 * 1024 * 1024));
  }
  return std::to_string(n) + "B";
}


uint64_t ResidentMemory() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  if (n != 2) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

// Redis's zmalloc_used_memory(): the usable size of every live block
// allocated through operator new (storage/memory.h counts them).
uint64_t UsedMemory() { return storage::UpdatePeakMemory(); }

std::string RusageTime(const timeval& tv) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%ld.%06ld", static_cast<long>(tv.tv_sec),
                static_cast<long>(tv.tv_usec));
  return buf;
}

struct Totals {
  uint64_t commands_processed = 0;
  uint64_t error_replies = 0;
  uint64_t net_input = 0;
  uint64_t net_output = 0;
  uint64_t connections = 0;
};

Totals SumThreads(const ServerStats* stats) {
  Totals t;
  if (stats == nullptr) return t;
  stats->ForEachThread([&](const ThreadStats& s) {
    t.commands_processed += s.total_commands_processed.load(std::memory_order_relaxed);
    t.error_replies += s.total_error_replies.load(std::memory_order_relaxed);
    t.net_input += s.net_input_bytes.load(std::memory_order_relaxed);
    t.net_output += s.net_output_bytes.load(std::memory_order_relaxed);
    t.connections += s.total_connections_received.load(std::memory_order_relaxed);
  });
  return t;
}

void InfoServer(CommandContext& ctx, std::string* out) {
  const ServerContext& s = ctx.server;
  const int64_t now_ms = ctx.db.now_ms();
  utsname name{};
  uname(&name);
  const int64_t uptime_s = (now_ms - s.start_time_ms) / 1000;
  out->append("# Server\r\n");
  AppendField(out, "redis_version", kRedisVersion);
  AppendField(out, "redis_git_sha1", "00000000");
  AppendField(out, "redis_git_dirty", "0");
  AppendField(out, "redis_build_id", "0");
  AppendField(out, "redis_mode", "standalone");
  AppendField(out, "os", std::string(name.sysname) + " " + name.release + " " + name.machine);
  AppendField(out, "arch_bits", static_cast<int64_t>(sizeof(void*) * 8));
  AppendField(out, "monotonic_clock", "POSIX clock_gettime");
  AppendField(out, "multiplexing_api", "epoll");
  AppendField(out, "atomicvar_api", "c11-builtin");
#if defined(__GNUC__)
  AppendField(out, "gcc_version",
              std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                  std::to_string(__GNUC_PATCHLEVEL__));
#endif
  AppendField(out, "process_id", static_cast<int64_t>(getpid()));
  AppendField(out, "process_supervised", "no");
  AppendField(out, "run_id", s.run_id);
  AppendField(out, "tcp_port", static_cast<int64_t>(s.tcp_port));
  AppendField(out, "server_time_usec", now_ms * 1000);
  AppendField(out, "uptime_in_seconds", uptime_s);
  AppendField(out, "uptime_in_days", uptime_s / 86400);
  AppendField(out, "hz", static_cast<int64_t>(s.config->hz()));
  AppendField(out, "configured_hz", static_cast<int64_t>(s.config->hz()));
  AppendField(out, "lru_clock", (now_ms / 1000) & ((int64_t{1} << 24) - 1));
  AppendField(out, "executable", s.executable);
  AppendField(out, "config_file", s.config->config_file());
  AppendField(out, "io_threads_active", static_cast<int64_t>(s.io_threads > 1 ? 1 : 0));
  AppendField(out, "hotcache_version", HOTCACHE_VERSION);
}

void InfoClients(CommandContext& ctx, std::string* out) {
  uint64_t connected = 0, max_in = 0, max_out = 0;
  if (ctx.server.clients != nullptr) {
    for (const auto& info : ctx.server.clients->Snapshot()) {
      ++connected;
      max_in = std::max(max_in, info->query_buffer_bytes.load(std::memory_order_relaxed));
      max_out = std::max(max_out, info->output_buffer_bytes.load(std::memory_order_relaxed));
    }
  }
  out->append("# Clients\r\n");
  AppendField(out, "connected_clients", connected);
  AppendField(out, "cluster_connections", "0");
  AppendField(out, "maxclients", ctx.server.config->maxclients());
  AppendField(out, "client_recent_max_input_buffer", max_in);
  AppendField(out, "client_recent_max_output_buffer", max_out);
  AppendField(out, "blocked_clients", "0");
  AppendField(out, "tracking_clients", "0");
  AppendField(out, "clients_in_timeout_table", "0");
}

void InfoMemory(CommandContext& ctx, std::string* out) {
  const uint64_t used = UsedMemory();
  const uint64_t rss = ResidentMemory();
  const uint64_t peak = std::max(storage::PeakMemory(), used);
  const uint64_t total_system =
      static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const int64_t maxmemory = ctx.server.config->maxmemory();
  out->append("# Memory\r\n");
  AppendField(out, "used_memory", used);
  AppendField(out, "used_memory_human", BytesToHuman(used));
  AppendField(out, "used_memory_rss", rss);
  AppendField(out, "used_memory_rss_human", BytesToHuman(rss));
  AppendField(out, "used_memory_peak", peak);
  AppendField(out, "used_memory_peak_human", BytesToHuman(peak));
  AppendField(out, "used_memory_peak_perc",
              Format("%.2f%%", peak ? static_cast<double>(used) * 100 / peak : 0.0));
  AppendField(out, "total_system_memory", total_system);
  AppendField(out, "total_system_memory_human", BytesToHuman(total_system));
  AppendField(out, "maxmemory", maxmemory);
  AppendField(out, "maxmemory_human", BytesToHuman(static_cast<uint64_t>(maxmemory)));
  AppendField(out, "maxmemory_policy", EvictionPolicyName(ctx.server.config->maxmemory_policy()));
  AppendField(out, "mem_fragmentation_ratio",
              Format("%.2f", used ? static_cast<double>(rss) / used : 0.0));
  AppendField(out, "mem_fragmentation_bytes",
              static_cast<int64_t>(rss) - static_cast<int64_t>(used));
  AppendField(out, "mem_allocator", "libc");
  AppendField(out, "lazyfree_pending_objects", "0");
}

void InfoPersistence(CommandContext& ctx, std::string* out) {
  out->append("# Persistence\r\n");
  AppendField(out, "loading", "0");
  AppendField(out, "async_loading", "0");
  AppendField(out, "rdb_changes_since_last_save", "0");
  AppendField(out, "rdb_bgsave_in_progress", "0");
  AppendField(out, "rdb_last_save_time", ctx.server.start_time_ms / 1000);
  AppendField(out, "rdb_last_bgsave_status", "ok");
  AppendField(out, "rdb_last_bgsave_time_sec", "-1");
  AppendField(out, "rdb_current_bgsave_time_sec", "-1");
  AppendField(out, "aof_enabled", "0");
  AppendField(out, "aof_rewrite_in_progress", "0");
  AppendField(out, "aof_rewrite_scheduled", "0");
  AppendField(out, "aof_last_rewrite_time_sec", "-1");
  AppendField(out, "aof_current_rewrite_time_sec", "-1");
  AppendField(out, "aof_last_bgrewrite_status", "ok");
  AppendField(out, "aof_last_write_status", "ok");
}

void InfoStats(CommandContext& ctx, std::string* out) {
  const Totals t = SumThreads(ctx.server.stats);
  const storage::Store& store = *ctx.server.store;
  const uint64_t rejected =
      ctx.server.stats ? ctx.server.stats->rejected_connections.load(std::memory_order_relaxed) : 0;
  out->append("# Stats\r\n");
  AppendField(out, "total_connections_received", t.connections);
  AppendField(out, "total_commands_processed", t.commands_processed);
  AppendField(out, "instantaneous_ops_per_sec", "0");
  AppendField(out, "total_net_input_bytes", t.net_input);
  AppendField(out, "total_net_output_bytes", t.net_output);
  AppendField(out, "instantaneous_input_kbps", "0.00");
  AppendField(out, "instantaneous_output_kbps", "0.00");
  AppendField(out, "rejected_connections", rejected);
  AppendField(out, "sync_full", "0");
  AppendField(out, "sync_partial_ok", "0");
  AppendField(out, "sync_partial_err", "0");
  AppendField(out, "expired_keys", store.expired_keys());
  AppendField(out, "expired_stale_perc", "0.00");
  AppendField(out, "expired_time_cap_reached_count", "0");
  AppendField(out, "evicted_keys", store.evicted_keys());
  AppendField(out, "evicted_clients", "0");
  AppendField(out, "keyspace_hits", store.keyspace_hits());
  AppendField(out, "keyspace_misses", store.keyspace_misses());
  const PubSubRegistry* pubsub = ctx.server.pubsub;
  AppendField(out, "pubsub_channels", std::to_string(pubsub ? pubsub->NumChannels() : 0));
  AppendField(out, "pubsub_patterns", std::to_string(pubsub ? pubsub->NumPatterns() : 0));
  AppendField(out, "latest_fork_usec", "0");
  AppendField(out, "total_forks", "0");
  AppendField(out, "unexpected_error_replies", "0");
  AppendField(out, "total_error_replies", t.error_replies);
}

void InfoReplication(CommandContext& ctx, std::string* out) {
  out->append("# Replication\r\n");
  AppendField(out, "role", "master");
  AppendField(out, "connected_slaves", "0");
  AppendField(out, "master_failover_state", "no-failover");
  AppendField(out, "master_replid", ctx.server.run_id);
  AppendField(out, "master_replid2", "0000000000000000000000000000000000000000");
  AppendField(out, "master_repl_offset", "0");
  AppendField(out, "second_repl_offset", "-1");
  AppendField(out, "repl_backlog_active", "0");
  AppendField(out, "repl_backlog_size", "1048576");
  AppendField(out, "repl_backlog_first_byte_offset", "0");
  AppendField(out, "repl_backlog_histlen", "0");
}

void InfoCpu(CommandContext&, std::string* out) {
  rusage self{}, children{}, thread{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  getrusage(RUSAGE_THREAD, &thread);
  out->append("# CPU\r\n");
  AppendField(out, "used_cpu_sys", RusageTime(self.ru_stime));
  AppendField(out, "used_cpu_user", RusageTime(self.ru_utime));
  AppendField(out, "used_cpu_sys_children", RusageTime(children.ru_stime));
  AppendField(out, "used_cpu_user_children", RusageTime(children.ru_utime));
  AppendField(out, "used_cpu_sys_main_thread", RusageTime(thread.ru_stime));
  AppendField(out, "used_cpu_user_main_thread", RusageTime(thread.ru_utime));
}

void InfoModules(CommandContext&, std::string* out) { out->append("# Modules\r\n"); }

void InfoCommandStats(CommandContext& ctx, std::string* out) {
  out->append("# Commandstats\r\n");
  const CommandTable* table = ctx.server.commands;
  if (table == nullptr || ctx.server.stats == nullptr) return;
  struct Sum {
    uint64_t calls = 0, usec = 0, rejected = 0, failed = 0;
  };
  std::vector<Sum> sums(table->id_count());
  ctx.server.stats->ForEachThread([&](const ThreadStats& t) {
    const size_t n = std::min(sums.size(), t.commands.size());
    for (size_t id = 0; id < n; ++id) {
      const CommandStat& c = t.commands[id];
      sums[id].calls += c.calls.load(std::memory_order_relaxed);
      sums[id].usec += c.usec.load(std::memory_order_relaxed);
      sums[id].rejected += c.rejected_calls.load(std::memory_order_relaxed);
      sums[id].failed += c.failed_calls.load(std::memory_order_relaxed);
    }
  });
  auto emit = [&](const CommandSpec& spec) {
    const Sum& s = sums[spec.id];
    if (s.calls == 0 && s.rejected == 0 && s.failed == 0) return;
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  ":calls=%" PRIu64 ",usec=%" PRIu64 ",usec_per_call=%.2f,rejected_calls=%" PRIu64
                  ",failed_calls=%" PRIu64 "\r\n",
                  s.calls, s.usec, s.calls ? static_cast<double>(s.usec) / s.calls : 0.0,
                  s.rejected, s.failed);
    out->append("cmdstat_").append(spec.name).append(buf);
  };
  for (const CommandSpec* spec : table->commands()) {
    emit(*spec);
    for (const CommandSpec& sub : spec->subcommands) emit(sub);
  }
}

void InfoCluster(CommandContext&, std::string* out) {
  out->append("# Cluster\r\n");
  AppendField(out, "cluster_enabled", "0");
}

void InfoKeyspace(CommandContext& ctx, std::string* out) {
  out->append("# Keyspace\r\n");
  storage::Store& store = *ctx.server.store;
  for (int db = 0; db < store.databases(); ++db) {
    const size_t keys = store.DbSizeLocked(db);
    if (keys == 0) continue;
    out->append("db").append(std::to_string(db)).append(":keys=").append(std::to_string(keys));
    const size_t expires = store.VolatileCountLocked(db);
    const storage::ActiveExpirer* expirer = ctx.server.expirer;
    const int64_t avg_ttl = expires == 0 || expirer == nullptr ? 0 : expirer->AvgTtlMs(db);
    out->append(",expires=").append(std::to_string(expires));
    out->append(",avg_ttl=").append(std::to_string(avg_ttl)).append("\r\n");
  }
}

// hotcache's own section: the Postgres sync state (sync/pg_sync.h writes it).
void InfoSync(CommandContext& ctx, std::string* out) {
  if (ctx.server.sync_info) {
    ctx.server.sync_info(out);
  } else {
    out->append("# Sync\r\n");
    AppendField(out, "sync_state", "off");
  }
}

struct InfoSection {
  std::string_view name;
  bool in_default;
  void (*write)(CommandContext&, std::string*);
};

// Redis's order; "default" is every section marked so, "all"/"everything" every one.
constexpr InfoSection kSections[] = {
    {"server", true, InfoServer},
    {"clients", true, InfoClients},
    {"memory", true, InfoMemory},
    {"persistence", true, InfoPersistence},
    {"stats", true, InfoStats},
    {"replication", true, InfoReplication},
    {"cpu", true, InfoCpu},
    {"modules", true, InfoModules},
    {"commandstats", false, InfoCommandStats},
    {"cluster", true, InfoCluster},
    {"keyspace", true, InfoKeyspace},
    {"sync", true, InfoSync},
};

// INFO [section ...]: sections in Redis's order whatever the order asked;
// unknown names are ignored (an empty reply if nothing matched).
void InfoCommand(CommandContext& ctx) {
  bool want[std::size(kSections)] = {};
  if (ctx.argc() == 1) {
    for (size_t i = 0; i < std::size(kSections); ++i) want[i] = kSections[i].in_default;
  }
  for (size_t a = 1; a < ctx.argc(); ++a) {
    const std::string_view arg = ctx.arg(a);
    const bool all = EqualsNoCase(arg, "all") || EqualsNoCase(arg, "everything");
    const bool def = EqualsNoCase(arg, "default");
    for (size_t i = 0; i < std::size(kSections); ++i) {
      if (all || (def && kSections[i].in_default) || EqualsNoCase(arg, kSections[i].name)) {
        want[i] = true;
      }
    }
  }
  std::string text;
  bool first = true;
  for (size_t i = 0; i < std::size(kSections); ++i) {
    if (!want[i]) continue;
    if (!first) text.append("\r\n");
    first = false;
    kSections[i].write(ctx, &text);
  }
  ctx.reply.Verbatim("txt", text);
}

// ---- Registration -----------------------------------------------------------

CommandSpec Row(std::string_view name, int arity, uint32_t flags, Handler handler,
                std::string_view summary, std::string_view since, std::string_view complexity,
                std::string_view acl_categories) {
  return MakeSpec(name, arity, flags, kNoKeyRange, handler, "server", summary, since, complexity,
                  acl_categories);
}

}  // namespace

void RegisterServerCommands(CommandTable& table) {
  table.Register(Row("info", -1, kLoading | kStale | kAllShards, InfoCommand,
                     "Get information and statistics about the server", "1.0.0", "O(1)",
                     "@slow @dangerous"));
  table.Register(Row("time", 1, kLoading | kStale | kFast | kNoKeys, TimeCommand,
                     "Return the current server time", "2.6.0", "O(1)", "@fast"));
  table.Register(Row("dbsize", 1, kReadOnly | kFast | kAllShards, DbSizeCommand,
                     "Return the number of keys in the selected database", "1.0.0", "O(1)",
                     "@keyspace @read @fast"));
  table.Register(Row("flushdb", -1, kWrite | kAllShards, FlushDbCommand,
                     "Remove all keys from the current database", "1.0.0",
                     "O(N) where N is the number of keys in the selected database",
                     "@keyspace @write @slow @dangerous"));
  table.Register(Row("flushall", -1, kWrite | kAllShards, FlushAllCommand,
                     "Remove all keys from all databases", "1.0.0",
                     "O(N) where N is the total number of keys in all databases",
                     "@keyspace @write @slow @dangerous"));
  table.Register(Row("swapdb", 3, kWrite | kFast | kAllShards, SwapDbCommand,
                     "Swaps two Redis databases", "4.0.0",
                     "O(N) where N is the count of clients watching or blocking on keys from "
                     "both databases.",
                     "@keyspace @write @fast @dangerous"));
  table.Register(Row("shutdown", -1, kAdmin | kNoScript | kLoading | kStale | kAllowBusy | kNoKeys,
                     ShutdownCommand,
                     "Synchronously save the dataset to disk and then shut down the server",
                     "1.0.0",
                     "O(N) when saving, where N is the total number of keys in all databases "
                     "when saving data, otherwise O(1)",
                     "@admin @slow @dangerous"));

  CommandSpec config =
      Row("config", -2, kNoKeys, nullptr, "A container for server configuration commands", "2.0.0",
          "Depends on subcommand.", "@slow");
  const uint32_t admin = kAdmin | kNoScript | kLoading | kStale | kNoKeys;
  config.subcommands.push_back(Row("config|get", -3, admin, ConfigGetCommand,
                                   "Get the values of configuration parameters", "2.0.0",
                                   "O(N) when N is the number of configuration parameters "
                                   "provided",
                                   "@admin @slow @dangerous"));
  config.subcommands.push_back(Row("config|set", -4, admin, ConfigSetCommand,
                                   "Set configuration parameters to the given values", "2.0.0",
                                   "O(N) when N is the number of configuration parameters "
                                   "provided",
                                   "@admin @slow @dangerous"));
  config.subcommands.push_back(Row("config|resetstat", 2, admin, ConfigResetStatCommand,
                                   "Reset the stats returned by INFO", "2.0.0", "O(1)",
                                   "@admin @slow @dangerous"));
  config.subcommands.push_back(Row("config|rewrite", 2, admin, ConfigRewriteCommand,
                                   "Rewrite the configuration file with the in memory "
                                   "configuration",
                                   "2.8.0", "O(1)", "@admin @slow @dangerous"));
  config.subcommands.push_back(Row("config|help", 2, kLoading | kStale | kNoKeys, ConfigHelpCommand,
                                   "Show helpful text about the different subcommands", "5.0.0",
                                   "O(1)", "@slow"));
  table.Register(std::move(config));
}

}  // namespace hotcache::server
