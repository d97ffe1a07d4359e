#pragma once
// Server configuration, Redis-style: a redis.conf-like file ("directive value"
// lines, '#' comments, quoted values), the same directives as command-line
// flags ("--port 7000", flags after the optional config path, flags winning),
// and CONFIG GET/SET at runtime on the same names.
//
// Thread safety: every accessor may be called from any thread. Numeric values
// are relaxed atomics (cheap on the hot path); strings are guarded by a mutex.
// Set() is serialised; change listeners run on the thread that called Set().

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hotcache::server {

enum class EvictionPolicy {
  kNoEviction, kAllKeysLru, kVolatileLru, kAllKeysLfu, kVolatileLfu,
  kAllKeysRandom, kVolatileRandom, kVolatileTtl,
};
// Redis's name of a policy ("allkeys-lru", ...).
std::string_view EvictionPolicyName(EvictionPolicy policy);

// One class of client-output-buffer-limit (bytes; 0 = no limit).
struct OutputBufferLimit {
  int64_t hard_bytes = 0;
  int64_t soft_bytes = 0;
  int64_t soft_seconds = 0;
};
enum class ClientClass { kNormal = 0, kReplica = 1, kPubSub = 2 };

class Config {
 public:
  // Every directive at its default.
  Config();
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  // Applies a redis.conf-style text. On error returns false and sets *error to
  // one line naming the directive (and line number), e.g.
  // "line 3: unknown directive 'prot'" or "line 4: invalid value 'abc' for 'port':
  // argument couldn't be parsed into an integer" (flags: "--port: ..." instead of "line N: ").
  // Repeated directives: the last wins, except pg-sync (each adds one). Directives
  // taking several words (bind, save, client-output-buffer-limit, pg-sync) get them
  // joined by single spaces.
  bool LoadText(std::string_view text, std::string* error);
  bool LoadFile(const std::string& path, std::string* error);
  // main()'s argc/argv (argv[0] is skipped): [config-file] [--directive value...]. A
  // directive's value runs until the next "--" argument (so --save "" works and
  // --pg-sync takes one quoted string). Sets *help for --help/-h and
  // *print_trigger_sql for --print-trigger-sql. The file is loaded first, then the flags.
  bool LoadArgs(int argc, char** argv, std::string* error, bool* help, bool* print_trigger_sql);
  // Text for --help: every directive with its default and a one-line description.
  std::string HelpText() const;

  // CONFIG SET one directive (name case-insensitive). On error returns false with
  // Redis's message for CONFIG SET (without the "ERR " prefix handling: the full text).
  bool Set(std::string_view name, std::string_view value, std::string* error);
  // CONFIG SET with several (name, value) pairs, all or nothing as in Redis 7:
  // every pair is validated first (unknown, immutable, duplicate, bad value);
  // only if all are valid are they applied, then listeners run. *error is the
  // complete Redis error text ("ERR CONFIG SET failed (possibly related to ...").
  bool SetMany(std::span<const std::pair<std::string_view, std::string_view>> pairs,
               std::string* error);
  // CONFIG GET: (name, value) for every directive matching the glob pattern
  // (case-insensitive), values formatted as Redis formats them (memory in bytes,
  // bools yes/no), in registration order. A pattern without glob characters
  // ("*?[") is an exact lookup and, as in Redis, answers with the name as given.
  std::vector<std::pair<std::string, std::string>> Get(std::string_view pattern) const;
  std::optional<std::string> GetOne(std::string_view name) const;
  // Path of the loaded config file ("" if none): INFO server config_file.
  std::string config_file() const;

  // Registers fn to run after `name` changes (at load or by CONFIG SET). fn runs
  // on the setting thread, holding only the lock that serialises setters: it may
  // read any accessor but must not call Set/SetMany/Load*.
  void OnChange(std::string_view name, std::function<void()> fn);

  // Typed accessors.
  int port() const { return port_.load(std::memory_order_relaxed); }
  std::string bind() const;  // space-separated addresses; default "127.0.0.1"
  int io_threads() const { return io_threads_.load(std::memory_order_relaxed); }  // 0 = auto: cores - 1, at least 1
  int databases() const { return databases_.load(std::memory_order_relaxed); }
  int shard_bits() const { return shard_bits_.load(std::memory_order_relaxed); }
  int64_t maxmemory() const { return maxmemory_.load(std::memory_order_relaxed); }
  EvictionPolicy maxmemory_policy() const { return policy_.load(std::memory_order_relaxed); }
  int maxmemory_samples() const { return maxmemory_samples_.load(std::memory_order_relaxed); }
  std::string requirepass() const;
  int64_t timeout_seconds() const { return timeout_.load(std::memory_order_relaxed); }
  int64_t maxclients() const { return maxclients_.load(std::memory_order_relaxed); }
  int64_t proto_max_bulk_len() const { return proto_max_bulk_len_.load(std::memory_order_relaxed); }
  int64_t client_query_buffer_limit() const { return client_query_buffer_limit_.load(std::memory_order_relaxed); }
  int hz() const { return hz_.load(std::memory_order_relaxed); }
  std::string loglevel() const;
  std::string logfile() const;
  int tcp_keepalive() const { return tcp_keepalive_.load(std::memory_order_relaxed); }
  int tcp_backlog() const { return tcp_backlog_.load(std::memory_order_relaxed); }
  bool protected_mode() const { return protected_mode_.load(std::memory_order_relaxed); }
  bool lazyfree_lazy_user_flush() const {
    return lazyfree_lazy_user_flush_.load(std::memory_order_relaxed);
  }
  OutputBufferLimit client_output_buffer_limit(ClientClass c) const;
  // Postgres (plain strings for now; the sync module interprets them).
  std::string pg_dsn() const;
  bool pg_required() const { return pg_required_.load(std::memory_order_relaxed); }
  bool pg_install_triggers() const { return pg_install_triggers_.load(std::memory_order_relaxed); }
  // One string per pg-sync occurrence, in order (CONFIG GET joins them with '\n').
  std::vector<std::string> pg_sync() const;

 public:
  struct Directive;  // internal: one directive's parser/printer, defined in config.cc

 private:
  Directive* FindDirective(std::string_view name);
  const Directive* FindDirective(std::string_view name) const;

  void AddDirectives();
  void RunListeners(const std::vector<std::string>& names);

  std::mutex set_mu_;      // serialises Set/SetMany/Load* (held while listeners run)
  mutable std::mutex mu_;  // guards strings below, listeners_, output_limits_, pg_sync_
  std::vector<Directive*> directives_;  // owned; registration order
  std::map<std::string, std::vector<std::function<void()>>> listeners_;
  std::string config_file_;
  std::string bind_ = "127.0.0.1";
  std::string requirepass_;
  std::string loglevel_ = "notice";
  std::string logfile_;
  std::string pg_dsn_;
  std::vector<std::string> pg_sync_;
  OutputBufferLimit output_limits_[3] = {
      {0, 0, 0}, {268435456, 67108864, 60}, {33554432, 8388608, 60}};

  std::atomic<int> port_{6379};
  std::atomic<int> io_threads_{0};
  std::atomic<int> databases_{16};
  std::atomic<int> shard_bits_{6};
  std::atomic<int64_t> maxmemory_{0};
  std::atomic<EvictionPolicy> policy_{EvictionPolicy::kNoEviction};
  std::atomic<int> maxmemory_samples_{5};
  std::atomic<int64_t> timeout_{0};
  std::atomic<int64_t> maxclients_{10000};
  std::atomic<int64_t> proto_max_bulk_len_{512LL * 1024 * 1024};
  std::atomic<int64_t> client_query_buffer_limit_{1024LL * 1024 * 1024};
  std::atomic<int> hz_{10};
  std::atomic<int> tcp_keepalive_{300};
  std::atomic<int> tcp_backlog_{511};
  std::atomic<bool> protected_mode_{false};
  std::atomic<bool> lazyfree_lazy_user_flush_{false};
  std::atomic<bool> pg_required_{false};
  std::atomic<bool> pg_install_triggers_{false};

 public:
  ~Config();
};

}  // namespace hotcache::server
