#pragma once
// PgSync: keeps the synced keys of database `db` equal to their rows in
// PostgreSQL. Warm-loads the hot rows at start, follows every committed
// change, re-synchronises after every lost connection.
//
// Threads (both owned by PgSync, started by Start(), joined by Stop()):
//   - the listener owns connection 1. It connects, LISTENs on "hotcache",
//     and then only drains notifications into pending_ (a coalescing set:
//     table -> primary key -> earliest ts). It never runs a query while
//     listening and never opens a transaction, so PostgreSQL's notification
//     queue is never held back by hotcache's re-reads.
//   - the worker owns connection 2. After each (re)connection of the listener
//     it re-synchronises: one REPEATABLE READ READ ONLY transaction, a cursor
//     per table fetched in batches, every row written to the store, then
//     every cached key that matches a key template but was not loaded is
//     deleted. Then it takes batches of pending keys and re-reads them with
//     one query per batch (unnest($1::text[]) LEFT JOIN table): a row found
//     (and matching hot=) is written, a row missing is deleted.
//
// Ordering ("an older read never overwrites a newer one"): every read of
// PostgreSQL (snapshot load or re-read) runs on the worker thread, one at a
// time, and its result is written before the next read starts, so writes to
// the store happen in the order the reads started. Pending keys are cleared
// just before a re-sync snapshot is taken (any notification received before
// that was committed before it); notifications arriving after are re-read
// after the load. Client writes to synced keys are not protected: PostgreSQL
// is the source of truth, and the row's next change or re-sync overwrites them.
//
// Store writes lock only the shards of a chunk of at most 256 rows at a time,
// so clients are never held up for long. Keys are written without expiry.
//
// Misconfiguration (unknown table, a {column} that is not exactly the primary
// key, a bad hot= predicate, no SELECT privilege) is reported as one error
// line naming the pg-sync entry. With `required`, Start() returns that error
// (or the connection error); otherwise the worker logs it and retries with
// backoff (100 ms doubling to 5 s), as it does for every lost connection.
// The DSN's password never appears in logs, errors or INFO.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "storage/clock.h"
#include "storage/store.h"
#include "sync/pg_conn.h"
#include "sync/sync_config.h"

namespace hotcache::sync {

struct PgSyncOptions {
  std::string dsn;                // libpq connection string or URI
  std::vector<SyncTable> tables;  // from ParseSyncLines
  bool install_triggers = false;  // pg-install-triggers
  bool required = false;          // pg-required: Start() fails if PG is unusable
  int db = 0;                     // the database the keys live in
  int connect_timeout_ms = 10000;
  int reread_batch = 2000;      // keys per re-read query
  int load_fetch_rows = 10000;  // rows per FETCH of the warm-load cursor
  int backoff_min_ms = 100;
  int backoff_max_ms = 5000;
  // Called after sync wrote or deleted `key` (in database `db`), with the
  // key's shard (`shard`) still locked: the server marks WATCHers of the key
  // dirty, as it does for a client's write. May be empty.
  std::function<void(size_t shard, std::string_view key)> on_key_changed;
};

enum class SyncState { kDisconnected, kLoading, kStreaming };
const char* SyncStateName(SyncState state);

// A snapshot of PgSync's counters (INFO "# Sync").
struct SyncStats {
  SyncState state = SyncState::kDisconnected;
  uint64_t rows_loaded = 0;        // rows written by the last completed (re-)sync
  int64_t load_time_ms = 0;        // its duration
  uint64_t loads = 0;              // completed (re-)syncs, the first load included
  uint64_t resyncs = 0;            // completed re-syncs after the first load
  uint64_t notifications = 0;      // notifications received
  uint64_t keys_refreshed = 0;     // keys written by re-reads
  uint64_t keys_deleted = 0;       // keys deleted by re-reads and re-syncs
  uint64_t reread_queries = 0;     // batched re-read queries run
  uint64_t listener_connects = 0;  // successful LISTENs (1 + reconnections)
  uint64_t pending_keys = 0;       // notified keys not yet re-read
  uint64_t max_pending_keys = 0;   // high-water mark of pending_keys
  double lag_ms = 0;               // change-to-cache lag of the last applied change
  double lag_p50_ms = 0;           // over the last kLagWindow applied changes
  double lag_p99_ms = 0;
  std::string last_error;  // empty when the last attempt succeeded
};

class PgSync {
 public:
  static constexpr size_t kLagWindow = 65536;

  // `store` and `clock` must outlive this object.
  PgSync(storage::Store* store, const storage::Clock* clock, PgSyncOptions options);
  ~PgSync();  // Stop()s.
  PgSync(const PgSync&) = delete;
  PgSync& operator=(const PgSync&) = delete;

  // Starts the two threads. With options.required, first connects and checks
  // the configuration on the calling thread (blocking, at most
  // connect_timeout_ms per connection attempt) and returns the error instead
  // of starting. Without it, always OK. Call at most once.
  absl::Status Start();
  // Stops and joins the threads (interrupting any wait or query). Idempotent.
  void Stop();

  SyncStats Stats() const;
  // Appends the INFO section: "# Sync\r\n" then "field:value\r\n" lines.
  void AppendInfo(std::string* out) const;
  // Forgets the lag samples (benchmarks measure one phase at a time).
  void ResetLag();

  // The trigger SQL for --print-trigger-sql (see trigger_sql.h).
  static std::string TriggerSql(const std::vector<SyncTable>& tables);

 private:
  struct TableInfo;  // a synced table resolved against the catalog
  struct Batch;      // pending keys taken for one re-read query

  void ListenerMain();
  void WorkerMain();
  absl::Status ConnectAndValidate(PgConn* conn);
  absl::Status Validate(PgConn* conn, std::vector<TableInfo>* out);
  absl::Status FullResync(PgConn* conn);
  absl::Status Reread(PgConn* conn, Batch* batch);
  // Writes (or deletes, when the present column is false) rows [0, n) of a
  // result laid out as: ordinal, key texts..., present, payload columns...
  // Returns the keys written into *loaded when non-null.
  void ApplyRows(const TableInfo& t, const PGresult* res, const std::vector<double>* ts,
                 absl::flat_hash_set<uint64_t>* loaded);
  // Deletes every key of db that matches a key template and whose hash is not in `loaded`.
  void DeleteUnloaded(const absl::flat_hash_set<uint64_t>& loaded);
  // Runs options_.on_key_changed, if any (the key's shard is locked).
  void NotifyKeyChanged(size_t shard, std::string_view key);
  // Parses notification payloads and adds them to pending_.
  void AddNotices(const std::vector<std::string>& payloads);
  bool TakeBatch(Batch* batch);
  void ReturnBatch(Batch* batch);
  // Sleeps for the backoff (interruptible by Stop). False when stopping.
  bool Backoff(int* delay_ms);
  void SetError(const absl::Status& status, bool log);
  void RecordLag(double lag_ms);

  storage::Store* store_;
  const storage::Clock* clock_;
  const PgSyncOptions options_;
  const std::string dsn_description_;
  int stop_fd_ = -1;  // eventfd, readable once Stop() is called
  std::thread listener_;
  std::thread worker_;
  bool started_ = false;

  // Worker-thread state (Start() may use them before the worker starts).
  PgConn query_conn_;
  std::vector<TableInfo> tables_;  // resolved against the catalog by Validate()

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Guarded by mu_.
  bool stopping_ = false;
  bool listener_up_ = false;
  bool worker_up_ = false;
  bool loading_ = false;
  bool resync_requested_ = false;
  uint64_t listen_generation_ = 0;  // ++ on each successful LISTEN
  uint64_t synced_generation_ = 0;  // generation of the last completed re-sync
  // table name as in the payload -> "\0"-joined key values -> earliest ts (s)
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, double>> pending_;
  uint64_t pending_count_ = 0;
  // notify names of the synced tables once validated (empty before: accept all)
  absl::flat_hash_set<std::string> known_tables_;
  std::string last_error_;
  std::vector<float> lag_samples_;  // ring of kLagWindow
  size_t lag_next_ = 0;
  double lag_last_ = 0;
  SyncStats counters_;  // the plain counters (state/pending/lag filled in by Stats())
};

}  // namespace hotcache::sync
