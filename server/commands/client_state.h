#pragma once
// Per-connection state that commands read and change. Owned by the
// connection; touched only by the connection's I/O thread, except the fields
// in ClientInfo, which other threads read for CLIENT LIST / CLIENT KILL.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace hotcache::server {

struct CommandSpec;
struct ServerContext;
struct ClientState;

// Drops every WATCH of `client` (watch_table.cc). Locks the watched keys'
// shards itself: call holding no shard lock.
void UnwatchAllKeys(ClientState& client);
class Subscriber;

// The part of a client that other threads may read (CLIENT LIST/INFO/KILL).
// Atomics are written by the owning thread only; strings are guarded by mu.
struct ClientInfo {
  uint64_t id = 0;
  std::string addr;   // "127.0.0.1:53012"  (immutable after registration)
  std::string laddr;  // "127.0.0.1:6379"   (immutable after registration)
  int fd = -1;        // (immutable after registration)
  int64_t created_ms = 0;  // (immutable after registration)
  std::atomic<int64_t> last_interaction_ms{0};
  std::atomic<int> db{0};
  std::atomic<int> resp{2};
  std::atomic<bool> in_multi{false};
  std::atomic<int> multi_queued{-1};     // -1 outside MULTI
  std::atomic<int> subscriptions{0};     // channels (pub/sub)
  std::atomic<int> psubscriptions{0};    // patterns (pub/sub)
  std::atomic<uint64_t> query_buffer_bytes{0};
  std::atomic<uint64_t> output_buffer_bytes{0};
  std::atomic<uint64_t> total_commands{0};
  std::atomic<const CommandSpec*> last_command{nullptr};
  // Set by CLIENT KILL (any thread); the owning connection closes itself.
  std::atomic<bool> kill_requested{false};

  mutable std::mutex mu;
  std::string name;      // guarded by mu (CLIENT SETNAME, HELLO SETNAME)
  std::string lib_name;  // guarded by mu (CLIENT SETINFO LIB-NAME)
  std::string lib_ver;   // guarded by mu (CLIENT SETINFO LIB-VER)
};

// A key a client WATCHes.
struct WatchedKey {
  int db = 0;
  std::string key;
  // Live when WATCHed: EXEC aborts if it is gone by then (expired or evicted,
  // which touch no watcher), as Redis 7 does.
  bool existed = false;
};

// A command queued inside MULTI: owns its arguments (the read buffer is reused).
struct QueuedCommand {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> args;
};

struct ClientState {
  std::shared_ptr<ClientInfo> info = std::make_shared<ClientInfo>();

  int db = 0;            // mirrored into info->db
  int resp = 2;          // 2 or 3; mirrored into info->resp
  bool authenticated = true;
  // CLIENT REPLY: OFF silences every reply; SKIP silences the next command's.
  bool reply_off = false;
  bool reply_skip_next = false;  // set by CLIENT REPLY SKIP
  bool reply_skip = false;       // the command being run now is silenced
  bool close_after_reply = false;  // QUIT, protocol error, CLIENT KILL of self

  // MULTI state.
  bool in_multi = false;
  bool multi_error = false;  // a queued command was rejected -> EXECABORT
  std::vector<QueuedCommand> multi_queue;
  // WATCH (watch_table.h). watched_keys belongs to the client's thread.
  // watch_dirty is set by whichever thread changes a watched key, holding
  // that key's shard lock; EXEC reads it holding the same locks.
  std::vector<WatchedKey> watched_keys;
  std::atomic<bool> watch_dirty{false};
  ServerContext* watch_server = nullptr;  // where watched_keys are registered

  ClientState() = default;
  ClientState(const ClientState&) = delete;
  ClientState& operator=(const ClientState&) = delete;
  // A client that goes away (disconnect) unregisters its watches.
  ~ClientState() {
    if (!watched_keys.empty()) UnwatchAllKeys(*this);
  }

  // Pub/Sub. `subscriber` is how this client receives messages, set by its
  // owner (the net Connection, or the test harness) before any command runs
  // and removed from the PubSubRegistry by that owner on disconnect.
  Subscriber* subscriber = nullptr;
  // Channels + patterns subscribed to (mirrored into info->subscriptions /
  // info->psubscriptions apart). Non-zero on RESP2 = "subscribe mode".
  int pubsub_subscriptions = 0;

  void SetDb(int new_db) {
    db = new_db;
    info->db.store(new_db, std::memory_order_relaxed);
  }
  void SetResp(int version) {
    resp = version;
    info->resp.store(version, std::memory_order_relaxed);
  }
};

}  // namespace hotcache::server
